"""Case-insensitive cue regexes with a literal pre-test: most of an audit's time is regex
search over every clause, and most clauses hold none of the words a cue needs.

`Cue` reads, once, the strings every match of its regex must contain (`gates.gate`), and only
runs the regex on a clause whose folded text (`gates.fold`) holds them: the pre-test never
changes a result, it only skips work.

Policies copied from one template repeat most clauses: with a memo table (`cue_text(text,
memo)`), a clause's lower-cased text is a `CueText` that keeps each cue's result on it, so a
text seen in an earlier policy of the run is not searched again.
"""

from __future__ import annotations

import re

from ..gates import Gated, fold, gate, needles
from ..memo import Memo, memo_key

__all__ = ["Cue", "CueText", "cue_text", "gate", "needles"]


class CueText(str):
    """A clause's text in lower case, with what each cue found in the text (its match or
    None), filled as cues are asked."""

    found: dict[Cue, re.Match[str] | None]


def cue_text(text: str, memo: Memo | None = None) -> str:
    """`fold(text)`; with a `memo` (`memo.Memos.cue_texts`), the `CueText` of this text
    kept from an earlier clause, if any.

    Examples:
        >>> memo = Memo()
        >>> cue, text = Cue(r"lưu trữ"), "Chúng tôi LƯU TRỮ dữ liệu."
        >>> first = cue_text(text, memo)
        >>> cue.search(text, first).group(0), cue_text(text, memo).found[cue].group(0)
        ('LƯU TRỮ', 'LƯU TRỮ')
    """
    if memo is None:
        return fold(text)
    key = memo_key(text)
    kept = memo.get(key)
    if kept is None:
        kept = CueText(fold(text))
        kept.found = {}
        memo.put(key, kept)
    return kept


class Cue(Gated):
    """A case-insensitive `gates.Gated` regex, and the needles it needs (what a report shows
    was looked for)."""

    def __init__(self, pattern: str) -> None:
        super().__init__(re.compile(pattern, re.I))
        self.pattern = pattern
        self.needles: tuple[tuple[str, ...], ...] = needles(pattern)

    def search(self, text: str, lowered: str | None = None) -> re.Match[str] | None:
        """`regex.search(text)`, skipped unless `lowered` (the text in lower case) holds a
        needle of every set.

        Examples:
            >>> cue = Cue(r"rút lại\\s+(sự\\s+)?đồng ý")
            >>> cue.needles
            (('rút lại',), ('đồng ý',))
            >>> bool(cue.search("Bạn có thể RÚT LẠI sự đồng ý.")), cue.search("Xin chào.")
            (True, None)
        """
        found = getattr(lowered, "found", None)
        if found is None:
            return self._search(text, lowered)
        if self not in found:
            found[self] = self._search(text, lowered)
        return found[self]

    def _search(self, text: str, lowered: str | None) -> re.Match[str] | None:
        return self.regex.search(text) if self.possible(text, lowered) else None

    def __repr__(self) -> str:
        return f"Cue({self.pattern!r})"
