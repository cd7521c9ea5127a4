"""Literal pre-tests for regular expressions: most clauses hold none of the words a regex
needs, and testing for the words is much cheaper than running the regex.

`gate` reads, once, the strings every match of a pattern must contain (from the parsed
pattern: literal runs, each branch of an alternation with all it needs, repeats of at least
one, positive lookarounds); a text whose folded form (`fold`: lower case as a
case-insensitive regex reads it) lacks them cannot match. When no such strings can be read
there is no gate and the regex always runs: a gate never changes a result, it only skips
work. `Gated` wraps a compiled regex with its gate; the audit's cues (`audit.cues`) and the
extractors use them.

`starts` reads, the same way, the strings one of which every match begins with: `Gated`
then tries the regex only where the folded text holds one (found in one Aho-Corasick pass)
instead of at every position, as `re` does for a case-insensitive pattern that begins with a
letter.

A text that many gates are asked about (a clause the audit checks against every cue) is read
once instead: `GateText` finds, in one Aho-Corasick pass (pyahocorasick), which gate strings it
holds, and each gate is then a test on that set (`Gated.possible` with a `GateText`).
"""

from __future__ import annotations

import bisect
import itertools
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import ahocorasick

try:  # the parser `re` compiles with (3.11+); `sre_parse` before
    from re import _parser as _sre
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre  # type: ignore[no-redef]

_LITERAL, _SUBPATTERN, _BRANCH = _sre.LITERAL, _sre.SUBPATTERN, _sre.BRANCH
_REPEATS = tuple(getattr(_sre, name) for name in ("MAX_REPEAT", "MIN_REPEAT",
                                                    "POSSESSIVE_REPEAT") if hasattr(_sre, name))
_LOOKAROUND = _sre.ASSERT
_ZERO_WIDTH = (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT)
_IN = _sre.IN
Needles = frozenset[str]


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
_FOLDS_APART_RE = re.compile("[" + "".join(map(re.escape, _FOLDS)) + "]")
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


# A gate: a string the lower-cased text must hold, or ("all" | "any", gates).
Gate = str | tuple[str, tuple[Any, ...]]
ALL, ANY = "all", "any"


def gate(pattern: str, flags: int = re.I) -> Gate | None:
    r"""What every text `pattern` (compiled with `flags`) matches in holds, folded, as a
    tree of strings: each run of literals, every branch of an alternation (each branch with
    all it needs: "thông tin (cá nhân|thanh toán)" needs "thông tin " and one of the two), a
    repeat of at least one, a positive lookaround. None when nothing can be read (the regex
    then always runs).

    Examples:
        >>> gate("thông tin (cá nhân|thanh toán)|sức khỏe")
        ('any', (('all', ('thông tin ', ('any', ('cá nhân', 'thanh toán')))), 'sức khỏe'))
        >>> gate(r"(a|\d)x?") is None
        True
    """
    tree = _parsed(pattern, flags)
    return None if tree is None else _all(_gates(tree))


def _parsed(pattern: str, flags: int) -> list[tuple[Any, Any]] | None:
    """The items of the parsed pattern, or None when it cannot be read."""
    try:
        return list(_sre.parse(pattern, flags))
    except (re.error, TypeError, ValueError):
        return None


def gate_test(found: Gate) -> Callable[[str], bool]:
    """Whether a lower-cased text satisfies the gate, as a function: `set_test` with no string
    indexed, so every string is tested with `in` (`any`/`all` over `map`, a loop in C).

    Examples:
        >>> test = gate_test(gate("thông tin (cá nhân|thanh toán)|sức khỏe"))
        >>> test("thông tin thanh toán"), test("thông tin liên hệ"), test("hồ sơ sức khỏe")
        (True, False, True)
    """
    test = _tree_test(found, lambda needle: None)
    nothing: frozenset[int] = frozenset()
    return lambda low: test(low, nothing)


def _all(parts: list[Gate]) -> Gate | None:
    """The gate that needs every part: strings first (the cheapest test), longest first."""
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    strings = sorted((p for p in parts if isinstance(p, str)), key=len, reverse=True)
    return ALL, (*strings, *(p for p in parts if not isinstance(p, str)))


def _flat(branches: Sequence[Gate | None]) -> Iterator[Gate]:
    """The branches of an alternation, an alternation among them spread out."""
    for branch in branches:
        if isinstance(branch, tuple) and branch[0] == ANY:
            yield from branch[1]
        elif branch is not None:
            yield branch


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
                found.append((ANY, tuple(_flat(branches))))
        elif op in _REPEATS and av[0] >= 1:
            found += _gates(list(av[2]))
        elif op is _LOOKAROUND:
            found += _gates(list(av[1]))
    return found


MAX_SETS = 3  # needle sets shown per cue: the most selective ones


def needles(pattern: str) -> tuple[tuple[str, ...], ...]:
    """Sets of lower-case strings such that every match of `pattern` holds one string of
    each set, the most selective first, read off its `gate`; none when the pattern can match
    without any (or cannot be read). What a report shows was looked for (`report.why`).

    Examples:
        >>> needles("đồng ý|chấp thuận")
        (('chấp thuận', 'đồng ý'),)
        >>> needles(r"\\d+ ngày"), needles(r"(a|\\d)x?")
        (((' ngày',),), ())
    """
    found = gate(pattern)
    sets = [] if found is None else _needle_sets(found)
    return tuple(tuple(sorted(needed)) for needed in sorted(sets, key=_selectivity)[:MAX_SETS])


def _needle_sets(found: Gate) -> list[Needles]:
    """The sets of a gate: a string alone, every set of each part of an `all`, and for an
    `any` the union of the most selective set of each branch."""
    if isinstance(found, str):
        return [frozenset({found})]
    kind, parts = found
    if kind == ALL:
        return [needed for part in parts for needed in _needle_sets(part)]
    return [frozenset().union(*(min(_needle_sets(part), key=_selectivity) for part in parts))]


def _selectivity(needed: Needles) -> tuple[int, int]:
    """Longer shortest needle, then fewer needles: more selective first."""
    return -min(map(len, needed)), len(needed)


SHORTEST_INDEXED = 2  # one character (" ", "n") is in most texts: tested with `in`
SetTest = Callable[[str, frozenset[int]], bool]  # (folded text, ids of the strings it holds)


class _Index:
    """Every gate string of at least `SHORTEST_INDEXED` characters, each with an id, and an
    automaton over them, built again when strings were added since."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self._automaton: Any = None
        self._lock = threading.Lock()

    def id_of(self, needle: str) -> int | None:
        """The string's id (added if new); None for a string too short to index."""
        if len(needle) < SHORTEST_INDEXED:
            return None
        with self._lock:
            if needle not in self.ids:
                self.ids[needle] = len(self.ids)
                self._automaton = None
            return self.ids[needle]

    def held(self, low: str) -> tuple[int, frozenset[int]]:
        """How many strings the index had, and the ids of those `low` holds."""
        if not self.ids:  # pyahocorasick iterates no empty automaton
            return 0, frozenset()
        with self._lock:
            if self._automaton is None:
                self._automaton = ahocorasick.Automaton()
                for needle, needle_id in self.ids.items():
                    self._automaton.add_word(needle, needle_id)
                self._automaton.make_automaton()
            automaton, size = self._automaton, len(self.ids)
        return size, frozenset(needle_id for _, needle_id in automaton.iter(low))


_INDEX = _Index()


def index_version() -> int:
    """Changes when gate strings are added (a `GateText` read before is read again)."""
    return len(_INDEX.ids)


class GateText(str):
    """A folded text that remembers which indexed gate strings it holds: read on first use,
    and again after strings were added to the index (the index only grows)."""

    _held: tuple[int, frozenset[int]] = (-1, frozenset())

    def held(self) -> frozenset[int]:
        """Ids of the indexed gate strings in this text."""
        if self._held[0] != index_version():
            self._held = _INDEX.held(str(self))  # pyahocorasick takes a plain str
        return self._held[1]


def set_test(found: Gate) -> SetTest:
    """`gate_test` on what a `GateText` holds: the indexed strings of a node are one set
    operation (`<=` for `all`, `isdisjoint` for `any`), short ones are tested with `in`.

    Examples:
        >>> test = set_test(gate("thông tin (cá nhân|thanh toán)|sức khỏe"))
        >>> [test(t, t.held()) for t in map(GateText, ("thông tin thanh toán", "thông tin"))]
        [True, False]
    """
    return _tree_test(found, _INDEX.id_of)


def _tree_test(found: Gate, id_of: Callable[[str], int | None]) -> SetTest:
    """The gate as nested functions of (folded text, ids it holds): strings with an id are
    tested on the ids, the others with `in`."""
    if isinstance(found, str):
        found = (ALL, (found,))
    kind, parts = found
    strings = {part: id_of(part) for part in parts if isinstance(part, str)}
    ids = frozenset(i for i in strings.values() if i is not None)
    short = tuple(part for part, i in strings.items() if i is None)
    nested = tuple(_tree_test(part, id_of) for part in parts if not isinstance(part, str))

    def every(low: str, held: frozenset[int]) -> bool:
        if not ids <= held or not all(map(low.__contains__, short)):
            return False
        for test in nested:
            if not test(low, held):
                return False
        return True

    def some(low: str, held: frozenset[int]) -> bool:
        if not ids.isdisjoint(held) or any(map(low.__contains__, short)):
            return True
        for test in nested:
            if test(low, held):
                return True
        return False

    return every if kind == ALL else some


def triggers(found: Gate) -> frozenset[int] | None:
    """Ids of indexed strings one of which every text passing the gate holds (a text holding
    none is rejected with one set operation; never empty), or None when a branch may need only
    a string too short to index.

    Examples:
        >>> ids = triggers(gate("thông tin (cá nhân|thanh toán)|sức khỏe"))
        >>> sorted(ids) == sorted(_INDEX.ids[s] for s in ("thông tin ", "sức khỏe"))
        True
    """
    strings = _trigger_strings(found)
    return None if strings is None else frozenset(map(_INDEX.id_of, strings))  # all indexed


def _trigger_strings(found: Gate) -> Needles | None:
    """For `all`, the most selective part's strings (any part's are needed); for `any`, every
    branch's."""
    if isinstance(found, str):
        return frozenset((found,)) if len(found) >= SHORTEST_INDEXED else None
    kind, parts = found
    each = [_trigger_strings(part) for part in parts]
    if kind == ALL:
        known = [strings for strings in each if strings is not None]
        return min(known, key=_selectivity) if known else None
    return None if None in each else frozenset().union(*each)


class Gated:
    r"""A compiled regex that is not run on a text lacking what its matches need, and, when
    its matches begin with known strings (`starts`), is tried only where one begins.

    Examples:
        >>> cue = Gated(re.compile(r"(?:cập nhật|hiệu lực)\s+(?:ngày\s+)?\d+", re.I))
        >>> [m.group(0) for m in cue.finditer("Cập nhật ngày 24 và hiệu lực 25")]
        ['Cập nhật ngày 24', 'hiệu lực 25']
        >>> list(cue.finditer("Ngày 24 tháng 7"))
        []
    """

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        tree = _parsed(regex.pattern, regex.flags)  # read once for the gate and the starts
        self.gate: Gate | None = None if tree is None else _all(_gates(tree))
        self.gated: Callable[[str], bool] | None = (None if self.gate is None
                                                    else gate_test(self.gate))
        self.gated_set: SetTest | None = None if self.gate is None else set_test(self.gate)
        self.triggers = None if self.gate is None else triggers(self.gate)
        self.starts = None if tree is None else _starts(tree)
        self._automaton: Any = None  # over the starts, built on first use

    def impossible(self, lowered: GateText) -> bool:
        """Whether the text holds none of the strings one of which every match needs: the
        one-set-operation test most texts fail (`possible` tests the whole gate)."""
        return self.triggers is not None and self.triggers.isdisjoint(lowered.held())

    def possible(self, text: str, lowered: str | None = None) -> bool:
        """Whether the regex can match in `text` (False only when it cannot); `lowered`: its
        `fold`, if known (a `GateText` is tested on the strings it holds)."""
        if self.gated is None or self.gated_set is None:  # no gate: both None
            return True
        if isinstance(lowered, GateText):
            return not self.impossible(lowered) and self.gated_set(lowered, lowered.held())
        return self.gated(fold(text) if lowered is None else lowered)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """`regex.finditer(text)`, empty at once when no match is possible."""
        places = self.places(text)
        if places is None:
            return self.regex.finditer(text) if self.possible(text) else iter(())
        return self._anchored(text, places)

    def search(self, text: str, pos: int = 0, places: Sequence[int] | None = None
               ) -> re.Match[str] | None:
        """`regex.search(text, pos)`, None at once when no match is possible; `places`:
        `places(text)`, if known (a caller searching one text from many positions)."""
        places = self.places(text) if places is None else places
        if places is None:
            return self.regex.search(text, pos) if self.possible(text) else None
        return next(self._anchored(text, places[bisect.bisect_left(places, pos):]), None)

    def places(self, text: str, lowered: str | None = None) -> list[int] | None:
        """Where in `text` a match may begin, in order (none when the text cannot hold a
        match); None when the regex has no `starts` and may begin anywhere. `lowered`: the
        text's `fold`, if known."""
        if self.starts is None:
            return None
        low = fold(text) if lowered is None else lowered  # as long as the text: offsets hold
        if not self.possible(text, low):
            return []
        if self._automaton is None:  # two threads may both build it: the same automaton
            self._automaton = _automaton(self.starts)
        return sorted({last - size + 1 for last, size in self._automaton.iter(low)})

    def _anchored(self, text: str, places: Sequence[int]) -> Iterator[re.Match[str]]:
        """`regex.finditer(text)` from the first of `places`, the regex tried only there: a
        match begins at one of them, and `match` at a place reads the text around it as
        `finditer` does (lookbehinds, `^`, `\\b`), so the matches are the same."""
        end = 0
        for at in places:
            found = self.regex.match(text, at) if at >= end else None
            if found is not None:
                end = found.end()
                yield found


def _automaton(strings: Needles) -> Any:
    """An Aho-Corasick automaton over `strings`, each found with its length."""
    automaton = ahocorasick.Automaton()
    for string in strings:
        automaton.add_word(string, len(string))
    automaton.make_automaton()
    return automaton


_SMALL_CLASS = 8  # a class of at most this many characters ("[\"“']") begins with one of them


def starts(pattern: str, flags: int = re.I) -> Needles | None:
    r"""The folded strings one of which every match of `pattern` begins with, read off the
    parsed pattern as `gate` reads what matches hold (lookarounds and anchors are skipped; an
    optional part adds what may follow it); None when a match may begin with a character no
    string fixes, or be empty.

    Examples:
        >>> sorted(starts(r"(?<!\w)(?:cho\s+)?(?:đến|Tới)\s+khi"))
        ['cho', 'tới', 'đến']
        >>> starts(r"\d+ ngày"), starts(r"(?:tối đa )?")
        (None, None)
    """
    tree = _parsed(pattern, flags)
    return None if tree is None else _starts(tree)


def _starts(tree: list[tuple[Any, Any]]) -> Needles | None:
    """`starts` of a parsed pattern."""
    found, empty = _first(tree)
    if found is None or empty:
        return None
    # where "khi không còn" begins, "khi" does: the shorter is enough
    return frozenset(s for s in found if not any(s.startswith(o) for o in found if o != s))


def _first(items: Sequence[tuple[Any, Any]]) -> tuple[set[str] | None, bool]:
    """The strings a match of a sequence of parsed items may begin with (None: not known),
    and whether it may be empty."""
    found: set[str] = set()
    for i, (op, av) in enumerate(items):
        if op in _ZERO_WIDTH:
            continue
        if op is _LITERAL:
            run = [chr(code) for _, code in itertools.takewhile(
                lambda item: item[0] is _LITERAL, items[i:])]
            found |= _then(fold("".join(run)), items[i + len(run):])
            return found, False
        begins, empty = _first_of(op, av)
        if begins is None:
            return None, False
        found |= begins
        if not empty:
            return found, False
    return found, True


_MAX_STARTS = 64


def _then(run: str, rest: Sequence[tuple[Any, Any]]) -> set[str]:
    """A literal run and what the items after it begin with ("N" then "gân hàng|GÂN HÀNG", as
    `re` parses "Ngân hàng|NGÂN HÀNG"), or the run alone when that is not known or too many."""
    after, empty = _first(rest)
    if after is None or empty or not after or len(after) > _MAX_STARTS:
        return {run}
    return {run + string for string in after}


def _first_of(op: Any, av: Any) -> tuple[set[str] | None, bool]:
    """`_first` of one parsed item that is no literal."""
    if op is _SUBPATTERN:
        return _first(list(av[-1]))
    if op is _BRANCH:
        branches = [_first(list(branch)) for branch in av[1]]
        if any(begins is None for begins, _ in branches):
            return None, False
        return set().union(*(b for b, _ in branches)), any(e for _, e in branches)  # type: ignore[arg-type]
    if op in _REPEATS:
        begins, empty = _first(list(av[2]))
        return begins, empty or av[0] == 0
    if op is _IN and len(av) <= _SMALL_CLASS and all(kind is _LITERAL for kind, _ in av):
        return {fold(chr(code)) for _, code in av}, False
    return None, False
