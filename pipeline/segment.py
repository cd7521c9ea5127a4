"""Stage 2: split a cleaned policy into sections, clauses and words, with offsets.

A clause is a heading line, a bullet item, or one sentence of a paragraph. Every clause keeps
`start`/`end` into the cleaned text and the heading of the section it sits in; every word is a
span of that text, checked, because underthesea is allowed to rewrite what it tokenizes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .clean import Document
from .config import SegmentParams
from .errors import AlignmentError
from .memo import TOKENS, memo_key

_NUMBERING_RE = re.compile(
    r"^(?P<num>(?:(?:chương|phần|mục|điều|article|section|part)\s+[0-9ivxlc]+[.:)]?"
    r"|[IVXLC]{1,6}[.)/]|[0-9]{1,2}(?:[./][0-9]{1,2}){0,3}[.)/]?"
    r"|[A-HĐa-hđ][.)/]|\([0-9]{1,2}\)))\s+(?=\S)",
    re.I,
)
_BARE_NUMBER_RE = re.compile(r"^(?:[0-9]{1,2}(?:[./][0-9]{1,2}){0,3}[.)/]?|[IVXLC]{1,6}[.)]"
                             r"|[A-HĐa-hđ][.)])$")
# Words that name the parts of a privacy policy; an unnumbered short line with one of them
# reads as a heading ("Thời gian lưu trữ thông tin"), a company name line does not.
_HEADING_CUES = (
    "mục đích", "phạm vi", "thời gian", "lưu trữ", "tiếp cận", "địa chỉ", "phương tiện",
    "công cụ", "cơ chế", "khiếu nại", "cam kết", "bảo mật", "bảo vệ", "quyền", "chính sách",
    "thông tin", "dữ liệu", "liên hệ", "điều khoản", "cookie", "chia sẻ", "thu thập",
    "trách nhiệm", "nghĩa vụ", "hiệu lực", "định nghĩa", "giải thích", "sử dụng", "xử lý",
    "an toàn", "tranh chấp", "thay đổi", "đơn vị", "privacy", "policy",
)
_SENTENCE_END = (".", "!", "?", ";", "…")


@dataclass(frozen=True)
class Clause:
    """One clause with its place in the document; fields match the `clauses` table."""

    doc_id: str
    clause_id: int
    section: str
    text: str
    start: int
    end: int
    tokens: tuple[str, ...]
    token_starts: tuple[int, ...] = field(repr=False)
    kind: str = "sentence"  # heading | bullet | sentence
    section_path: str = ""


@dataclass
class _Line:
    start: int
    end: int
    text: str


# Where a policy scraped onto one long line starts a numbered section: "... hủy bỏ. 4. Những
# người ..." (after a sentence end, a numbering, then a capital letter).
_INLINE_HEADING_RE = re.compile(
    r"(?<=[.!?;:…])\s+(?=(?:\d{1,2}(?:\.\d{1,2})*\.|[IVX]{1,4}\.|Điều\s+\d{1,2}\.?)\s+\w)"
)
_LONG_LINE = 400


def _lines(text: str) -> Iterator[_Line]:
    """Non-empty lines with offsets; an overlong line is also cut before inline numbered
    headings, so a policy that lost its line breaks still has sections."""
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            offset = pos + raw.index(stripped)
            yield from _split_inline_headings(stripped, offset)
        pos += len(raw) + 1


def _split_inline_headings(line: str, offset: int) -> Iterator[_Line]:
    if len(line) <= _LONG_LINE:
        yield _Line(offset, offset + len(line), line)
        return
    cuts = [
        m.end() for m in _INLINE_HEADING_RE.finditer(line)
        if _NUMBERING_RE.match(line[m.end() :])
        and line[m.end() :].split(None, 1)[-1][:1].isupper()
    ]
    start = 0
    for cut in [*cuts, len(line)]:
        piece = line[start:cut].rstrip()
        if piece:
            body = _heading_end(piece) if start in cuts else 0
            if body:
                heading = piece[:body].rstrip()
                yield _Line(offset + start, offset + start + len(heading), heading)
            yield _Line(offset + start + body, offset + start + len(piece), piece[body:])
        start = cut


def _heading_end(piece: str) -> int:
    """Where the body starts in "2. Phạm vi sử dụng thông tin Thông tin chỉ được...": at the
    first capitalised word after the heading's own first word, if the part before reads as a
    heading; 0 when there is no such split."""
    numbering = _NUMBERING_RE.match(piece)
    if not numbering:
        return 0
    words = list(re.finditer(r"\S+", piece[numbering.end() :]))
    for word in words[1:16]:
        if word.group(0)[:1].isupper():
            cut = numbering.end() + word.start()
            if heading_level(piece[:cut].rstrip()) is not None:
                return cut
            return 0
    return 0


def _is_upper_line(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 6 and all(ch.isupper() for ch in letters)


def heading_level(line: str, params: SegmentParams = SegmentParams()) -> int | None:
    """Return the heading level of a line (1 = top), or None for body text.

    Examples:
        >>> heading_level("1. Mục đích và phạm vi thu thập thông tin")
        2
        >>> heading_level("2.1. Địa chỉ đơn vị thu thập và quản lý thông tin")
        3
        >>> heading_level("Khách hàng có thể liên hệ qua email để được hỗ trợ.") is None
        True
    """
    if len(line) > params.max_heading_chars or line.startswith("- "):
        return None
    if _BARE_NUMBER_RE.match(line):
        return _level_of_number(line)
    words = line.split()
    lower = line.lower()
    has_cue = any(cue in lower for cue in _HEADING_CUES)
    ends_like_sentence = line.endswith(_SENTENCE_END) and not line.endswith("..")
    cues = sum(cue in lower for cue in _HEADING_CUES)
    numbered = _NUMBERING_RE.match(line)
    if numbered:
        body = line[numbered.end() :].lstrip("–—-:. ")  # "PHẦN 2 – CHIA SẺ DỮ LIỆU"
        if not body[:1].isupper() and not body[:1].isdigit():
            return None
        short = len(words) <= 16
        if (
            (has_cue and len(words) <= 22 and not line.endswith("."))
            or (cues >= 2 and len(words) <= 50 and not line.endswith("."))
            or (short and not ends_like_sentence)
        ):
            return _level_of_number(numbered.group("num"))
        if has_cue and short and line.endswith((".", ";")) and "," not in line:
            return _level_of_number(numbered.group("num"))
        return None
    if _is_upper_line(line) and len(words) >= 2 and has_cue:
        return 1
    if cues < 2 or not line[:1].isupper() or ends_like_sentence or ":" in line[:-1]:
        return None
    if line.endswith(":"):  # "Mục đích thu thập thông tin:" introduces a sub-section
        return 3 if 3 <= len(words) <= 12 and cues >= 3 else None
    return 2 if 3 <= len(words) <= 16 else None


def _check_numbering(heading: str, level: int, last_number: dict[int, int]) -> int | None:
    """A numbered line that restarts below the last heading number of its level ("1." after
    "3.") is a numbered list item, not a heading. Updates `last_number` for real headings."""
    match = re.match(r"^(\d{1,2})(?:[./](\d{1,2}))*", heading)
    if match:
        number = int(heading[match.start(1) : match.end(1)]) if match.group(2) is None else int(
            match.group(0).replace("/", ".").split(".")[-1]
        )
        if number <= last_number.get(level, 0):
            return None
        last_number[level] = number
    for deeper in [lvl for lvl in last_number if lvl > level]:
        del last_number[deeper]
    return level


def _level_of_number(num: str) -> int:
    num = num.strip().rstrip(".):/").lower()
    if re.match(r"^(chương|phần|part)\b", num) or re.fullmatch(r"[ivxlc]+", num):
        return 1
    if re.match(r"^(điều|article|section|mục)\b", num):
        return 2
    if re.fullmatch(r"[a-hđ]", num):
        return 2
    return 1 + len(re.split(r"[./]", num))


@lru_cache(maxsize=1)
def _underthesea():  # type: ignore[no-untyped-def]
    """Import underthesea lazily: importing the package must stay cheap."""
    from underthesea import sent_tokenize, word_tokenize

    return sent_tokenize, word_tokenize


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of one paragraph, as offsets into `text`.

    underthesea's `sent_tokenize` splits inside e-mail addresses and after a bare "Điều 3.";
    a piece not separated from the previous one by whitespace, or a piece that is only a
    numbering, is joined back.
    """
    sent_tokenize, _ = _underthesea()
    spans: list[tuple[int, int]] = []
    pos = 0
    for piece in sent_tokenize(text):
        piece = piece.strip()
        if not piece:
            continue
        found = text.find(piece, pos)
        if found < 0:  # sent_tokenize changed the text: keep the remainder as one sentence
            spans.append((pos, len(text)))
            pos = len(text)
            break
        glued = found == pos and bool(spans)
        previous_is_number = bool(spans) and _BARE_NUMBER_RE.match(
            text[spans[-1][0] : spans[-1][1]]
        )
        if spans and (glued or previous_is_number):
            spans[-1] = (spans[-1][0], found + len(piece))
        else:
            spans.append((found, found + len(piece)))
        pos = found + len(piece)
    rest = text[pos:].strip()
    if rest:
        start = text.index(rest, pos)
        spans.append((start, start + len(rest)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def tokenize_span(text: str, start: int, end: int, fixed_words: Sequence[str] = ()
                  ) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """underthesea words of `text[start:end]`, each checked against the text it came from.

    Memoised by the clause text (`memo.TOKENS`): templated policies repeat most sentences.

    Raises:
        AlignmentError: a token does not occur where the previous one ended.
    """
    chunk = text[start:end]
    words, offsets = TOKENS.get_or_compute(memo_key(chunk, *fixed_words),
                                           lambda: _words_of(chunk, start, fixed_words))
    return tuple(words), tuple(start + offset for offset in offsets)


def _words_of(chunk: str, start: int, fixed_words: Sequence[str]
              ) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Words of `chunk` with offsets into it; `start` only places errors in the document.

    `wordseg` gives underthesea's words, faster; only underthesea itself knows fixed words.
    """
    if fixed_words:
        _, word_tokenize = _underthesea()
        tokens = word_tokenize(chunk, use_token_normalize=False, fixed_words=list(fixed_words))
    else:
        from .wordseg import word_tokenize as segment_words

        tokens = segment_words(chunk)
    words: list[str] = []
    starts: list[int] = []
    pos = 0
    for token in tokens:
        first = None
        for syllable in token.split(" "):
            found = chunk.find(syllable, pos)
            if found < 0 or chunk[pos:found].strip():
                raise AlignmentError(
                    f"token {token!r} does not match the text at offset {start + pos}: "
                    f"{chunk[pos:pos + 30]!r}"
                )
            first = found if first is None else first
            pos = found + len(syllable)
        assert first is not None
        piece = chunk[first:pos]
        if "\n" in piece:  # never let one word straddle a line break
            for part in re.finditer(r"\S+", piece):
                words.append(part.group(0))
                starts.append(first + part.start())
        else:
            words.append(piece)
            starts.append(first)
    if chunk[pos:].strip():
        raise AlignmentError(f"tokens stop before the end of the clause: {chunk[pos:]!r}")
    return tuple(words), tuple(starts)


def segment_document(doc: Document, params: SegmentParams = SegmentParams(),
                     fixed_words: Sequence[str] = ()) -> list[Clause]:
    """Split one cleaned document into clauses with sections, words and offsets.

    Examples:
        >>> from pipeline.clean import Document
        >>> d = Document("x", "x.txt", "", "1. Thời gian lưu trữ\\nDữ liệu được lưu 24 tháng.")
        >>> [(c.kind, c.section, c.text) for c in segment_document(d)]
        [('heading', '1. Thời gian lưu trữ', '1. Thời gian lưu trữ'), \
('sentence', '1. Thời gian lưu trữ', 'Dữ liệu được lưu 24 tháng.')]
    """
    text = doc.text
    if unicodedata.normalize("NFC", text) != text:
        raise AlignmentError(f"{doc.doc_id}: text is not NFC; run the clean stage first")
    clauses: list[Clause] = []
    stack: list[tuple[int, str]] = []  # (level, heading text)
    last_number: dict[int, int] = {}  # level -> last heading number seen at that level
    pending_number: _Line | None = None
    for line in _lines(text):
        if _BARE_NUMBER_RE.match(line.text) and pending_number is None:
            pending_number = line  # "2.1." alone: it numbers the next line
            continue
        if pending_number is not None:
            level = heading_level(f"{pending_number.text} {line.text}", params)
            start = pending_number.start
        else:
            level = heading_level(line.text, params)
            start = line.start
        pending_number = None
        if level is not None:
            level = _check_numbering(text[start : line.end], level, last_number)
        if level is not None:
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, text[start : line.end]))
            spans = [(start, line.end)]
            kind = "heading"
        elif line.text.startswith("- ") or start != line.start or _NUMBERING_RE.match(line.text):
            spans = _split_long(text, start, line.end, params)
            kind = "bullet"
        else:
            spans = [(line.start + a, line.start + b) for a, b in split_sentences(line.text)]
            spans = [piece for a, b in spans for piece in _split_long(text, a, b, params)]
            kind = "sentence"
        section = stack[-1][1] if stack else ""
        path = " > ".join(title for _, title in stack)
        for a, b in spans:
            tokens, starts = tokenize_span(text, a, b, fixed_words)
            clauses.append(
                Clause(doc.doc_id, len(clauses), section, text[a:b], a, b, tokens, starts,
                       kind, path)
            )
    if pending_number is not None:  # a numbering on the last line numbers nothing
        a, b = pending_number.start, pending_number.end
        tokens, starts = tokenize_span(text, a, b, fixed_words)
        section = stack[-1][1] if stack else ""
        clauses.append(Clause(doc.doc_id, len(clauses), section, text[a:b], a, b, tokens,
                              starts, "sentence", " > ".join(t for _, t in stack)))
    return clauses


def _split_long(text: str, start: int, end: int, params: SegmentParams) -> list[tuple[int, int]]:
    """Cut a runaway clause (a whole page on one line) at spaces, so no clause is unbounded."""
    spans = []
    while end - start > params.max_clause_chars:
        cut = text.rfind(" ", start, start + params.max_clause_chars)
        cut = cut if cut > start else start + params.max_clause_chars
        spans.append((start, cut))
        start = cut + 1 if text[cut : cut + 1] == " " else cut
    spans.append((start, end))
    return spans


def build_doc(text: str, clauses: Sequence[Clause]):  # type: ignore[no-untyped-def]
    """A spaCy `Doc` over the whole cleaned text, from the clauses' underthesea words.

    Whitespace between clauses becomes whitespace tokens (`get_words_and_spaces`), so
    `doc.text == text` and character offsets are shared with the dataset.
    """
    from spacy.tokens import Doc
    from spacy.util import get_words_and_spaces

    from .extract.nlp import get_vocab

    words_in_order: list[str] = []
    covered = 0
    for clause in clauses:
        for word, begin in zip(clause.tokens, clause.token_starts, strict=True):
            words_in_order.extend(text[covered:begin].split())  # text outside any clause
            words_in_order.append(word)
            covered = begin + len(word)
    words_in_order.extend(text[covered:].split())
    try:
        words, spaces = get_words_and_spaces(words_in_order, text)
    except ValueError as err:
        raise AlignmentError(f"words do not rebuild the text: {err}") from err
    return Doc(get_vocab(), words=words, spaces=spaces)
