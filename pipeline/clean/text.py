"""Decoded policy text made clean, NFC, tone-normalised lines.

The cleaned text is the coordinate system of the whole dataset: clause and fact offsets point
into it. It is made so that underthesea will not rewrite it further (NFC, per-syllable tone-mark
normalisation that keeps every whitespace character), and so that cleaning it again changes
nothing (idempotent).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]")
# Characters that break a line for `str.splitlines` but not for `split("\n")`: a line break.
_LINE_BREAK_RE = re.compile("[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# Other control characters (a NUL inside "hotro@cong\x00ty.vn" made the website "ty.vn") and
# bidirectional overrides and marks, which make a report show text in another order than the
# dataset holds it: removed.
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f\x80-\x84\x86-\x9f"
                         "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE_RE = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_BULLET_RE = re.compile(
    "^(?:[\u2022\u25cf\u25cb\u25aa\u25ab\u25a0\u25a1\u25ba\u25b8\u27a2\u2713\u2714\u2023"
    "\u2043\u00b7\uf0b7\uf0a7\uf0d8]+ *|[-\u2013\u2014\u2212*+]+ +)(?=\\S)"
)
_PAGE_LINE_RE = re.compile(
    r"^(?:trang|page)\s*\d{1,4}\s*(?:/|of|trên|của)?\s*\d{0,4}$|^-?\s*\d{1,4}\s*-?$"
    r"|^\d{1,4}\s*/\s*\d{1,4}$", re.I
)
_SYLLABLE_RE = re.compile(r"\w+")
# A bullet alone on its line, its item on the next (JSX and PDF layouts): one bullet line.
_LONE_BULLET_RE = re.compile(
    "^[ \t]*[\u2022\u25cf\u25cb\u25aa\u25ab\u25a0\u25ba\u25b8\u27a2\u2023\uf0b7\uf0a7]"
    "[ \t]*\n[ \t]*(?=\\S)", re.M)


@lru_cache(maxsize=1)
def _token_normalizer():  # type: ignore[no-untyped-def]
    """underthesea's own syllable normaliser, so its tokenizer finds nothing left to rewrite;
    memoised per syllable, since a policy is a few hundred distinct syllables used thousands
    of times."""
    from underthesea.pipeline.text_normalize.token_normalize import token_normalize

    return lru_cache(maxsize=65_536)(token_normalize)


def normalize_tone_marks(text: str) -> str:
    """Normalise each syllable (`hoà` -> `hòa`, `xoá` -> `xóa`) and keep all whitespace.

    Examples:
        >>> normalize_tone_marks("Hoà bình\\n xoá")
        'Hòa bình\\n xóa'
    """
    token_normalize = _token_normalizer()
    changed = {syllable: normalized for syllable in set(_SYLLABLE_RE.findall(text))
               if (normalized := token_normalize(syllable)) != syllable}
    if not changed:  # most texts: nothing to rewrite, no replacement call per syllable
        return text
    return _SYLLABLE_RE.sub(lambda m: changed.get(m.group(0), m.group(0)), text)


def _normalize_line(line: str) -> str | None:
    """One line with plain single spaces and a `- ` bullet; None for a page-number line."""
    line = _SPACE_RE.sub(" ", line).strip()
    bullet = _BULLET_RE.match(line)
    if bullet:
        line = "- " + line[bullet.end() :]
    # Checked after the bullet rewrite, so "• 3" and "- 3" end the same way (idempotence).
    return None if _PAGE_LINE_RE.match(line) else line


def clean_text(text: str) -> str:
    """Normalise decoded policy text into the form every offset refers to.

    NFC, tone marks per syllable, zero-width characters, BOMs, control characters and
    bidirectional overrides removed, other line separators made line breaks, non-breaking and
    other Unicode spaces made plain, bullets made ``- ``, page-number lines dropped, runs of
    blank lines collapsed. Markup repair (entities, stray tags, literal ``\\n``) happens
    earlier, in `decode`, because it cannot be idempotent.

    Examples:
        >>> clean_text("• Ho\u0300a\u00a0bi\u0300nh\\n\u200bxoa\u0301")
        '- Hòa bình\\nxóa'
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub("", _LINE_BREAK_RE.sub("\n", text))
    # Icelandic eth typed for Vietnamese Đ: underthesea's tokenizer rewrites it even inside a run
    # like "000000Ð" that the per-syllable normaliser leaves alone.
    text = _ZERO_WIDTH_RE.sub("", text).replace("Ð", "Đ").replace("ð", "đ")
    text = unicodedata.normalize("NFC", text)
    text = unicodedata.normalize("NFC", normalize_tone_marks(text))
    text = _LONE_BULLET_RE.sub("- ", text)
    lines = (_normalize_line(line) for line in text.split("\n"))
    text = "\n".join(line for line in lines if line is not None)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return text
