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
from collections.abc import Sequence
from typing import Generic, TypeVar

from ..gates import Gated, GateText, fold, gate, index_version, needles
from ..memo import Memo, memo_key

__all__ = ["Candidates", "Cue", "CueText", "cue_text", "gate", "needles"]


class CueText(GateText):
    """A clause's text in lower case, with what each cue found in the text (its match or
    None), filled as cues are asked, and the gate strings it holds (`gates.GateText`: every
    cue of an audit asks about every clause)."""

    found: dict[Cue, re.Match[str] | None]


def cue_text(text: str, memo: Memo | None = None) -> CueText:
    """`fold(text)` as a `CueText`; with a `memo` (`memo.Memos.cue_texts`), the one kept
    from an earlier clause of the same text, if any.

    Examples:
        >>> memo = Memo()
        >>> cue, text = Cue(r"lưu trữ"), "Chúng tôi LƯU TRỮ dữ liệu."
        >>> first = cue_text(text, memo)
        >>> cue.search(text, first).group(0), cue_text(text, memo).found[cue].group(0)
        ('LƯU TRỮ', 'LƯU TRỮ')
    """
    if memo is None:
        return _new_cue_text(text)
    key = memo_key(text)
    kept = memo.get(key)
    if kept is None:
        kept = _new_cue_text(text)
        memo.put(key, kept)
    return kept


def _new_cue_text(text: str) -> CueText:
    low = CueText(fold(text))
    low.found = {}
    return low


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
        if isinstance(lowered, CueText) and self.impossible(lowered):
            return None
        found = getattr(lowered, "found", None)
        if found is None:
            return self._search(text, lowered)
        if self not in found:
            found[self] = self._search(text, lowered)
        return found[self]

    def _search(self, text: str, lowered: str | None) -> re.Match[str] | None:
        places = None if lowered is None else self.places(text, lowered)
        if places is None:
            return self.regex.search(text) if self.possible(text, lowered) else None
        return next(self._anchored(text, places), None)

    def __repr__(self) -> str:
        return f"Cue({self.pattern!r})"


Row = TypeVar("Row", bound=tuple)


class Candidates(Generic[Row]):
    """A policy's clause rows, and which of them each cue can match: those whose text holds
    one of its trigger strings (`gates.Gated.impossible`). An audit asks some 40 cues about
    every clause and most clauses hold none of a cue's words, so loops run over these rows
    only; the others could not match, so results are unchanged.

    Examples:
        >>> texts = ["Chúng tôi dùng cookie.", "Bạn có quyền rút lại sự đồng ý."]
        >>> rows = [(i, cue_text(t)) for i, t in enumerate(texts)]
        >>> Candidates(rows, [low for _, low in rows]).of(Cue(r"(rút lại|thu hồi) sự đồng ý"))
        [(1, 'bạn có quyền rút lại sự đồng ý.')]
    """

    def __init__(self, rows: Sequence[Row], lows: Sequence[str]) -> None:
        if len(rows) != len(lows):
            raise ValueError(f"{len(rows)} rows but {len(lows)} texts")
        self.rows = rows
        self._lows = lows
        self._held: list[frozenset[int] | None] = []
        self._version = -1

    def of(self, *cues: Cue | None) -> Sequence[Row]:
        """The rows, in order, one of `cues` can match (None: no cue)."""
        every = [cue.triggers for cue in cues if cue is not None]
        if any(triggers is None for triggers in every):
            return self.rows
        if self._version != index_version():  # gate strings were added since
            self._version = index_version()
            self._held = [low.held() if isinstance(low, GateText) else None
                          for low in self._lows]
        needed = frozenset().union(*every)
        return [row for row, held in zip(self.rows, self._held, strict=True)
                if held is None or not needed.isdisjoint(held)]
