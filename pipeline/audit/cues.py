"""Case-insensitive cue regexes with a literal pre-test: most of an audit's time is regex
search over every clause, and most clauses hold none of the words a cue needs.

`Cue` reads, once, the strings every match of its regex must contain (`gate`: from the parsed
pattern, literal runs, each branch of an alternation with all it needs, repeats of at least
one, lookarounds), and only runs the regex on a clause whose lower-cased text holds them.
When no such strings can be read, the regex always runs: the pre-test never changes a
result, it only skips work.

Policies copied from one template repeat most clauses: with a memo table (`cue_text(text,
memo)`), a clause's lower-cased text is a `CueText` that keeps each cue's result on it, so a
text seen in an earlier policy of the run is not searched again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from ..memo import Memo, memo_key

try:  # the parser `re` compiles with (3.11+); `sre_parse` before
    from re import _parser as _sre
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre  # type: ignore[no-redef]

_LITERAL, _SUBPATTERN, _BRANCH = _sre.LITERAL, _sre.SUBPATTERN, _sre.BRANCH
_REPEATS = tuple(getattr(_sre, name) for name in ("MAX_REPEAT", "MIN_REPEAT",
                                                    "POSSESSIVE_REPEAT") if hasattr(_sre, name))
_LOOKAROUND = _sre.ASSERT
Needles = frozenset[str]


class CueText(str):
    """A clause's text in lower case, with what each cue found in the text (its match or
    None), filled as cues are asked."""

    found: dict[Cue, re.Match[str] | None]


def _fold_classes() -> dict[str, str]:
    """Lower-case characters that a case-insensitive regex matches with another one although
    `str.lower` keeps them apart ("ı" and "i", "ſ" and "s", "ς" and "σ"), each mapped to one
    of its class, so that gate strings and texts are compared as the regex compares them."""
    try:
        from re._casefix import _EXTRA_CASES as extra  # the table `re` compiles with (3.11+)
    except ImportError:  # pragma: no cover - Python 3.10
        from sre_compile import _equivalences as classes  # type: ignore[attr-defined]

        extra = {c: tuple(o for o in group if o != c) for group in classes for c in group}
    canon = {}
    for code, others in extra.items():
        first = chr(min(code, *others)).lower()
        for member in (code, *others):
            if chr(member).lower() != first:
                canon[chr(member).lower()] = first
    return canon


_FOLDS = _fold_classes()
_FOLDS_APART_RE = re.compile("[İ" + "".join(map(re.escape, _FOLDS)) + "]")
_FOLD_TABLE = str.maketrans(_FOLDS)


def fold(text: str) -> str:
    """The text in lower case as a case-insensitive regex reads it: `str.lower`, except that
    "İ" stays one letter and characters the regex holds equal become one (`_fold_classes`).

    Examples:
        >>> fold("CHÍNH SÁCH"), fold("İnternet"), fold("ſách")
        ('chính sách', 'internet', 'sách')
    """
    low = text.lower()
    if _FOLDS_APART_RE.search(low) is None and "İ" not in text:
        return low
    return text.replace("İ", "i").lower().translate(_FOLD_TABLE)


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


class Cue:
    """A compiled case-insensitive regex, the needles it needs (what a report shows was looked
    for) and the gate that must hold before it runs."""

    def __init__(self, pattern: str) -> None:
        self.regex = re.compile(pattern, re.I)
        self.pattern = pattern
        self.needles: tuple[tuple[str, ...], ...] = needles(pattern)
        self.gate: Gate | None = gate(pattern)
        self.gated: Callable[[str], bool] | None = (None if self.gate is None
                                                    else gate_test(self.gate))

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
        if self.gated is not None and not self.gated(fold(text) if lowered is None
                                                     else lowered):
            return None
        return self.regex.search(text)

    def __repr__(self) -> str:
        return f"Cue({self.pattern!r})"


# A gate: a string the lower-cased text must hold, or ("all" | "any", gates).
Gate = str | tuple[str, tuple[Any, ...]]
ALL, ANY = "all", "any"


def gate(pattern: str) -> Gate | None:
    r"""What every match of `pattern` holds, as a tree of strings: each run of literals, every
    branch of an alternation (each branch with all it needs: "thông tin (cá nhân|thanh
    toán)" needs "thông tin " and one of the two), a repeat of at least one, a positive
    lookaround. None when nothing can be read (the regex then always runs).

    Examples:
        >>> gate("thông tin (cá nhân|thanh toán)|sức khỏe")
        ('any', (('all', ('thông tin ', ('any', ('cá nhân', 'thanh toán')))), 'sức khỏe'))
        >>> gate(r"(a|\d)x?") is None
        True
    """
    try:
        tree = _sre.parse(pattern, re.I)
    except (re.error, TypeError, ValueError):
        return None
    return _all(_gates(list(tree)))


def gate_test(found: Gate) -> Callable[[str], bool]:
    """Whether a lower-cased text satisfies the gate, as a function: the strings of a node
    are tested by `any`/`all` over `map` (a loop in C: an audit asks thousands of times per
    policy), nested nodes by their own functions.

    Examples:
        >>> test = gate_test(gate("thông tin (cá nhân|thanh toán)|sức khỏe"))
        >>> test("thông tin thanh toán"), test("thông tin liên hệ"), test("hồ sơ sức khỏe")
        (True, False, True)
    """
    if isinstance(found, str):
        return lambda low: found in low
    kind, parts = found
    strings = tuple(part for part in parts if isinstance(part, str))
    nested = tuple(gate_test(part) for part in parts if not isinstance(part, str))

    def every(low: str) -> bool:
        if not all(map(low.__contains__, strings)):
            return False
        for test in nested:
            if not test(low):
                return False
        return True

    def some(low: str) -> bool:
        if any(map(low.__contains__, strings)):
            return True
        for test in nested:
            if test(low):
                return True
        return False

    return every if kind == ALL else some


def _all(parts: list[Gate]) -> Gate | None:
    """The gate that needs every part: strings first (the cheapest test), longest first."""
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    strings = sorted((p for p in parts if isinstance(p, str)), key=len, reverse=True)
    return ALL, (*strings, *(p for p in parts if not isinstance(p, str)))


def _gates(items: Sequence[tuple[Any, Any]]) -> list[Gate]:
    """Every gate the matches of a sequence of parsed items must satisfy."""
    found: list[Gate] = []
    run: list[str] = []
    for op, av in [*items, (None, None)]:
        if op is _LITERAL:
            run.append(chr(av))
            continue
        if run:
            found.append(fold("".join(run)))
            run = []
        if op is _SUBPATTERN:
            found += _gates(list(av[-1]))
        elif op is _BRANCH:
            branches = [_all(_gates(list(branch))) for branch in av[1]]
            if all(branch is not None for branch in branches):
                found.append((ANY, tuple(branches)))
        elif op in _REPEATS and av[0] >= 1:
            found += _gates(list(av[2]))
        elif op is _LOOKAROUND:
            found += _gates(list(av[1]))
    return found


MAX_SETS = 3  # needle sets shown per cue: the most selective ones


def needles(pattern: str) -> tuple[tuple[str, ...], ...]:
    """Sets of lower-case strings such that every match of `pattern` holds one string of
    each set, the most selective first; none when the pattern can match without any (or
    cannot be read). What a report shows was looked for (`report.why`); the pre-test reads
    the finer `gate`.

    Examples:
        >>> needles("đồng ý|chấp thuận")
        (('chấp thuận', 'đồng ý'),)
        >>> needles(r"\\d+ ngày"), needles(r"(a|\\d)x?")
        (((' ngày',),), ())
    """
    try:
        tree = _sre.parse(pattern, re.I)
    except (re.error, TypeError, ValueError):
        return ()
    found = sorted(_required(list(tree)), key=_selectivity)[:MAX_SETS]
    return tuple(tuple(sorted(needed)) for needed in found)


def _selectivity(needed: Needles) -> tuple[int, int]:
    """Longer shortest needle, then fewer needles: more selective first."""
    return -min(map(len, needed)), len(needed)


def _required(items: Sequence[tuple[Any, Any]]) -> list[Needles]:
    """For a sequence of parsed items, every needle set its matches must satisfy: each run
    of literals, and what each mandatory item requires."""
    found: list[Needles] = []
    run: list[str] = []
    for op, av in [*items, (None, None)]:
        if op is _LITERAL:
            run.append(chr(av))
            continue
        if run:
            found.append(frozenset({"".join(run).lower()}))
            run = []
        if op is not None:
            found += _item(op, av)
    return found


def _item(op: Any, av: Any) -> list[Needles]:
    """What one parsed item requires: a group its content, an alternation the union of the
    most selective set of each branch (if each requires one), a repeat of at least one its
    body, a positive lookaround its content."""
    if op is _SUBPATTERN:
        return _required(list(av[-1]))
    if op is _BRANCH:
        best = [min(_required(list(branch)), key=_selectivity, default=None)
                for branch in av[1]]
        if any(needed is None for needed in best):
            return []
        return [frozenset().union(*best)]  # type: ignore[arg-type]
    if op in _REPEATS:
        return _required(list(av[2])) if av[0] >= 1 else []
    if op is _LOOKAROUND:
        return _required(list(av[1]))
    return []
