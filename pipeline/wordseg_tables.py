"""Lay out the weights of underthesea's word segmentation model as arrays for `wordseg`.

underthesea's featurizer (`underthesea_core.CRFFeaturizer`) gives each syllable one attribute
per template of `features.bin`: `T[a]` or `T[a,b]` reads the syllables at offsets a..b joined
by spaces, optionally through a function (`lower`, `isdigit`, `istitle`, `is_in_dict`); a
template reaching before the start or past the end of the sentence reads `BOS` / `EOS` as a
whole. An attribute's weight thus depends only on what its template reads: a syllable, an
n-gram, a flag. Here each template kind gets a block of rows in one table: per syllable (exact
and lower-case 1-grams), per n-gram key (2- and 3-grams), per flag value, and a `BOS` and an
`EOS` row. A row holds one weight per slot (slot = template offset + 2) and label:
the templates of one kind share rows.

The weights are kept exactly as underthesea_core holds them (weights of magnitude 1e-10 or
less are dropped, as its `set_state_weight` does): `wordseg` adds them up in template order,
as its `emission_scores` does, so scores are equal to the last bit and ties break the same way.
"""

from __future__ import annotations

import io
import pickle
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .crfsuite import read_crfsuite

SLOTS = 5  # template offsets -2..2
INSIDE = "I-W"
SENTINEL = np.iinfo(np.int64).max
KINDS = ("exact", "lower", "isdigit", "istitle", "is_in_dict")
FLAG_KINDS = ("isdigit", "istitle", "is_in_dict")
# Blocks of the table, in order after the zero row 0; `outside` holds BOS, EOS per kind & size.
BLOCKS = ("exact1", "lower1", "isdigit1", "istitle1", "is_in_dict1", "istitle2",
          "is_in_dict2", "istitle3", "is_in_dict3", "keyed", "outside")
DROPPED_WEIGHT = 1e-10  # underthesea_core keeps no state weight this small
_TEMPLATE_RE = re.compile(r"T\[(-?\d+)(?:,(-?\d+))?\](?:\.(lower|isdigit|istitle|is_in_dict))?")


class UnsupportedModelError(ValueError):
    """The model uses a template, a label set or a file type `wordseg` does not reproduce."""


@dataclass(frozen=True)
class Template:
    """One line of `features.bin`: `T[a]` or `T[a,b]`, optionally `.function`."""

    syntax: str
    first: int
    last: int
    kind: str  # "exact" (no function) or the function

    @property
    def size(self) -> int:
        return self.last - self.first + 1


def parse_template(syntax: str) -> Template:
    """A feature template, if it is one `wordseg` reproduces.

    Examples:
        >>> parse_template("T[-1,1].is_in_dict")
        Template(syntax='T[-1,1].is_in_dict', first=-1, last=1, kind='is_in_dict')

    Raises:
        UnsupportedModelError: offsets beyond ±2, spans over 3 syllables, other functions.
    """
    match = _TEMPLATE_RE.fullmatch(syntax)
    if not match:
        raise UnsupportedModelError(f"feature template {syntax!r}")
    first = int(match.group(1))
    last = int(match.group(2)) if match.group(2) is not None else first
    template = Template(syntax, first, last, match.group(3) or "exact")
    if not -2 <= first <= last <= 2 or template.size > 3 or (
            template.kind == "isdigit" and template.size > 1):
        raise UnsupportedModelError(f"feature template {syntax!r}")
    return template


def outside_row(kind: str, size: int, eos: bool) -> int:
    """Row of the `BOS` (or `EOS`) weights of a template kind, within the `outside` block."""
    return 2 * (3 * KINDS.index(kind) + size - 1) + int(eos)


class _NoGlobals(pickle.Unpickler):
    """`features.bin` and `dictionary.bin` are pickles of a list and a set of strings:
    refuse anything that would import code."""

    def find_class(self, module: str, name: str) -> None:  # type: ignore[override]
        raise pickle.UnpicklingError(f"{module}.{name} in an underthesea model file")


def _read_pickle(path: Path) -> object:
    return _NoGlobals(io.BytesIO(path.read_bytes())).load()


def build_arrays(folder: Path) -> dict[str, np.ndarray]:
    """The arrays `wordseg` reads, from `models.bin`, `features.bin` and `dictionary.bin`.

    Raises:
        UnsupportedModelError: a template `wordseg` does not reproduce, labels other than
            B-W/I-W, model files of unexpected types.
        CRFsuiteFormatError: `models.bin` is not a CRFsuite model.
        pickle.UnpicklingError: a pickle that would import code.
    """
    model = read_crfsuite((folder / "models.bin").read_bytes())
    syntaxes = _read_pickle(folder / "features.bin")
    dictionary = _read_pickle(folder / "dictionary.bin")
    if not isinstance(syntaxes, list) or not isinstance(dictionary, set):
        raise UnsupportedModelError("features.bin or dictionary.bin of an unexpected type")
    if sorted(model.labels) != ["B-W", INSIDE] or len(set(syntaxes)) != len(syntaxes):
        raise UnsupportedModelError(f"labels {model.labels}, templates {syntaxes}")
    templates = [parse_template(syntax) for syntax in syntaxes]
    by_syntax = {t.syntax: t for t in templates}
    builder = _Builder(templates, {w for w in dictionary if isinstance(w, str)})
    state = np.where(np.abs(model.state) > DROPPED_WEIGHT, model.state, 0.0)
    for attribute, weights in zip(model.attributes, state, strict=True):
        syntax, _, value = attribute.partition("=")
        if syntax in by_syntax:  # attributes of other templates are never produced
            builder.add(by_syntax[syntax], value, weights)
    arrays = builder.arrays()
    arrays["case_disagreements"] = np.array(case_disagreements(), dtype=np.int64)
    arrays["transition"] = model.transition
    arrays["inside"] = np.array(model.labels.index(INSIDE))
    return arrays


def case_disagreements() -> list[int]:
    """Code points whose `istitle` or lower-casing underthesea_core (Rust, with its own Unicode
    version) sees differently from this Python: `wordseg` leaves texts holding them to
    underthesea. Probed in planes 0 and 1, the only ones with cased letters."""
    from underthesea_core import CRFFeaturizer

    featurizer = CRFFeaturizer(["T[0].istitle", "T[0].lower"], set())
    found: list[int] = []
    for start in range(0, 0x20000, 0x4000):
        chars = [chr(cp) for cp in range(start, start + 0x4000)
                 if not 0xD800 <= cp < 0xE000 and cp != 0x20]  # a space splits the probe
        probes = [f"{c}a" for c in chars] + [f"a{c}" for c in chars]
        features = featurizer.process([[[probe] for probe in probes]])[0]
        for char, probe, (title, lower) in zip(chars * 2, probes, features, strict=True):
            if (title != f"T[0].istitle={probe[:1].upper() == probe[:1]}"
                    or lower != f"T[0].lower={probe.lower()}"):
                found.append(ord(char))
    return sorted(set(found))


class _Builder:
    """Collects the weights per template kind, then lays them out."""

    def __init__(self, templates: list[Template], dictionary: set[str]) -> None:
        self.templates = templates
        self.words = [tuple(word.split(" ")) for word in dictionary]
        # (kind, size) -> value read (n-gram tuple, flag, "BOS"/"EOS") -> [slot, label]
        self.weights: dict[tuple[str, int], dict[object, np.ndarray]] = {
            (kind, size): {} for kind in KINDS for size in (1, 2, 3)}

    def add(self, template: Template, value: str, weights: np.ndarray) -> None:
        if value in ("BOS", "EOS"):
            self._slot(template, value)[:] = weights
            if template.kind not in ("exact", "lower"):
                return
        read: object
        if template.kind in ("exact", "lower"):
            # "T[-2]=BOS" is also what a syllable "BOS" two places before reads: keep both
            read = tuple(value.split(" "))
            if len(read) != template.size:  # never produced: no token holds a space
                return
        elif value in ("True", "False"):
            read = value == "True"
        else:
            return
        self._slot(template, read)[:] = weights

    def _slot(self, template: Template, read: object) -> np.ndarray:
        table = self.weights[(template.kind, template.size)]
        return table.setdefault(read, np.zeros((SLOTS, 2)))[template.first + 2]

    def arrays(self) -> dict[str, np.ndarray]:
        grams = [g for (kind, _), table in self.weights.items() if kind in ("exact", "lower")
                 for g in table if isinstance(g, tuple)]
        vocab = sorted({s for g in grams for s in g}
                       | {s for word in self.words if len(word) <= 3 for s in word})
        ids = {syllable: i for i, syllable in enumerate(vocab)}
        keys, primary, in_dict, keyed = self._keyed(ids, len(vocab) + 1)
        blocks = {name: self._block(name, ids) for name in BLOCKS if name != "keyed"}
        blocks["keyed"] = keyed
        rows: list[np.ndarray] = [np.zeros((SLOTS, 2))]
        starts = {}
        for name in BLOCKS:
            starts[name] = len(rows)
            rows.extend(blocks[name])
        keyed_start = starts["keyed"]
        primary = [row + keyed_start if row >= 0 else 0 for row in primary]
        in_dict = [starts[block] + row if block else 0 for block, row in in_dict]
        return {
            "vocab_text": np.array("".join(vocab)),
            "vocab_ends": np.cumsum([len(s) for s in vocab], dtype=np.int64),
            "keys": np.array([*keys, SENTINEL], dtype=np.int64),
            "primary": np.array([*primary, 0, 0, 0, 0], dtype=np.int64),
            "in_dict": np.array([*in_dict, 0, 0, starts["is_in_dict2"], starts["is_in_dict3"]],
                                dtype=np.int64),
            "table": np.array(rows),
            "blocks": np.array([starts[name] for name in BLOCKS], dtype=np.int64),
            "one_syllable_words": self.dictionary_syllables(ids),
            "templates": np.array([(KINDS.index(t.kind), t.first, t.last)
                                   for t in self.templates], dtype=np.int64),
        }

    def _block(self, name: str, ids: dict[str, int]) -> list[np.ndarray]:
        """Rows of a per-syllable, per-flag or outside block."""
        if name == "outside":
            return [self.weights[(kind, size)].get(edge, np.zeros((SLOTS, 2)))
                    for kind in KINDS for size in (1, 2, 3) for edge in ("BOS", "EOS")]
        kind, size = name[:-1], int(name[-1])
        table = self.weights[(kind, size)]
        if kind in FLAG_KINDS:
            return [table.get(flag, np.zeros((SLOTS, 2))) for flag in (False, True)]
        rows = [np.zeros((SLOTS, 2)) for _ in range(len(ids) + 1)]  # last: unknown syllable
        for gram, weights in table.items():
            if isinstance(gram, tuple):
                rows[ids[gram[0]]] = weights
        return rows

    def dictionary_syllables(self, ids: dict[str, int]) -> np.ndarray:
        """Per syllable id (and the unknown one), whether it is a one-syllable word."""
        known = np.zeros(len(ids) + 1, dtype=bool)
        known[[ids[word[0]] for word in self.words if len(word) == 1]] = True
        return known

    def _keyed(self, ids: dict[str, int], base: int
               ) -> tuple[list[int], list[int], list[tuple[str, int]], list[np.ndarray]]:
        """Sorted 2- and 3-gram keys; per key its weight row within the `keyed` block (-1:
        none) and its `is_in_dict` (block, row); the rows.

        A syllable reads as `id + 1` in exact keys and `base + 1 + id` in lower-case keys,
        keys are base-`2 * base + 1` numbers: exact and lower-case keys never collide, nor
        2-gram and 3-gram keys."""
        radix = 2 * base + 1

        def key(gram: Iterable[str], shift: int) -> int:
            value = 0
            for syllable in gram:
                value = value * radix + ids[syllable] + shift
            return value

        entries: dict[int, tuple[np.ndarray | None, tuple[str, int]]] = {}
        for size in (2, 3):
            words = {key(w, base + 1) for w in self.words if len(w) == size}
            for kind, shift in (("exact", 1), ("lower", base + 1)):
                for gram, weights in self.weights[(kind, size)].items():
                    if isinstance(gram, tuple):
                        entries[key(gram, shift)] = (weights, ("", 0))
            for k in words | {key(g, base + 1) for g in self.weights[("lower", size)]
                              if isinstance(g, tuple)}:
                weights = entries.get(k, (None, ""))[0]
                entries[k] = (weights, (f"is_in_dict{size}", int(k in words)))
        keys = sorted(entries)
        rows = [entries[k][0] for k in keys if entries[k][0] is not None]
        primary, row = [], 0
        for k in keys:
            primary.append(row if entries[k][0] is not None else -1)
            row += entries[k][0] is not None
        return keys, primary, [entries[k][1] for k in keys], rows
