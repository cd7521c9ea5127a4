"""The clause model's numbers, scored without scikit-learn.

Every worker of a run loads the classifier, and importing scikit-learn and skops for it is
~0.9 s of a one-file run; per call, scikit-learn's input checks cost about as much as scoring
the rows. The committed model is linear: TF-IDF blocks, a one-hot clause kind, the position,
and one logistic regression per label. `LinearScorer` holds those numbers as arrays
(`export_arrays` reads them off the fitted pipeline; `persist.load_scorer` keeps them in the
user cache, keyed by the model file's sha256) and scores feature rows with scikit-learn's
operations in scikit-learn's order: term counts, `log(tf) + 1`, idf, a row's l2 norm summed
left to right, the block weights, dot products summed left to right in column order, then
`1 / (1 + exp(-z))` (SciPy's `expit`). The probabilities are the pipeline's to the last bit
(a test compares them on real clauses). A model of another shape raises
`UnsupportedModelError` and is scored by scikit-learn itself.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from itertools import chain, repeat
from typing import Any, Protocol

import numpy as np

FORMAT = 1  # of the arrays; part of the cache key
_TFIDF_SETTINGS = {"analyzer": "word", "binary": False, "lowercase": True, "norm": "l2",
                   "preprocessor": None, "stop_words": None, "strip_accents": None,
                   "sublinear_tf": True, "tokenizer": None, "use_idf": True,
                   "dtype": np.float64}


class UnsupportedModelError(ValueError):
    """The fitted pipeline has a step or a setting `LinearScorer` does not reproduce."""


# Token patterns whose tokens never hold whitespace: a text's tokens are then those of its
# pieces between whitespace, so the tokens of "previous \n next" (the context column) are those
# of the neighbours' own texts (the syllables column), looked up instead of found again.
_PIECEWISE = frozenset({r"\S+", r"(?u)\b\w\w+\b"})
_PIECE_SEPARATOR = " \n "
Tokens = dict[tuple[str, str], list[str]]  # (pattern, text) -> its lower-cased tokens


class _Block(Protocol):
    column: str
    offset: int

    def entries(self, values: Sequence[object], found: Tokens | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Columns (within the block), values and entries per input value, as a CSR
        matrix of the block would hold them (`found`: tokens of texts met in this call)."""
        ...


class _TextBlock:
    """`TfidfVectorizer.transform` of one text column, times the block weight.

    An n-gram is looked up as a number: each vocabulary token has an id (from 1), and an
    n-gram of ids is their base-`radix` number, so the n-grams of many texts are built and
    found with array operations (`searchsorted` in the sorted numbers of the vocabulary's
    terms) instead of joining and hashing a string for each one."""

    def __init__(self, spec: Mapping[str, Any], terms: np.ndarray, idf: np.ndarray) -> None:
        self.column, self.offset, self.weight = spec["column"], spec["offset"], spec["weight"]
        # r"\S+" is what str.split does (both read whitespace as str.isspace does), faster
        self.pattern = spec["pattern"]
        self.split = str.split if self.pattern == r"\S+" else re.compile(self.pattern).findall
        self.low, self.high = spec["ngrams"]
        words = [term.split(" ") for term in terms.tolist()]
        self.ids: dict[str, int] = {}
        for tokens in words:
            for token in tokens:
                self.ids.setdefault(token, len(self.ids) + 1)
        self.radix = len(self.ids) + 1
        if self.radix ** self.high >= 2**62:
            raise UnsupportedModelError(f"{self.column}: too many terms for int64 n-grams")
        numbers = np.array([_number(tokens, self.ids, self.radix) for tokens in words],
                           dtype=np.int64)
        self.term_columns = np.argsort(numbers, kind="stable")
        self.numbers = numbers[self.term_columns]
        self.width = len(words)
        self.idf = np.asarray(idf, dtype=np.float64)

    def tokens(self, text: str, found: Tokens) -> list[str]:
        """The text's tokens; with a piecewise pattern, piece by piece, each piece's tokens
        kept in `found` for the other blocks of the call."""
        if self.pattern not in _PIECEWISE:
            return self.split(text.lower())
        out: list[str] = []
        for piece in text.split(_PIECE_SEPARATOR):
            tokens = found.get((self.pattern, piece))
            if tokens is None:
                tokens = found[(self.pattern, piece)] = self.split(piece.lower())
            out += tokens
        return out

    def entries(self, values: Sequence[object], found: Tokens | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        found = {} if found is None else found
        tokens = [self.tokens(str(value), found) for value in values]
        sizes = [len(t) for t in tokens]
        ids = np.fromiter(map(self.ids.get, chain.from_iterable(tokens), repeat(0)),
                          dtype=np.int64, count=sum(sizes))
        owners = np.repeat(np.arange(len(tokens), dtype=np.int64), sizes)
        numbers, texts = self._ngrams(ids, owners)
        at = np.minimum(np.searchsorted(self.numbers, numbers), max(self.width - 1, 0))
        hit = self.numbers[at] == numbers if self.width else np.zeros(len(at), dtype=bool)
        width = self.width
        keys = texts[hit] * width + self.term_columns[at[hit]]
        keys, counts = np.unique(keys, return_counts=True)  # by text, then column
        lengths = np.bincount(keys // width, minlength=len(tokens)).astype(np.int64)
        columns = keys % width
        tf = np.log(counts.astype(np.float64))
        tf += 1.0
        tf *= self.idf[columns]
        norms = np.sqrt(segment_sums(tf * tf, lengths))
        norms[norms == 0.0] = 1.0
        tf /= np.repeat(norms, lengths)
        return columns, tf * self.weight if self.weight != 1.0 else tf, lengths

    def _ngrams(self, ids: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The numbers of every `low`..`high`-gram within one text whose tokens are all in
        the vocabulary, and the text each belongs to (scikit-learn's n-grams, in another
        order, which a count does not see)."""
        numbers, texts = [], []
        for n in range(self.low, self.high + 1):
            m = len(ids) - n + 1
            if m <= 0:
                break
            number, known = np.zeros(m, dtype=np.int64), np.ones(m, dtype=bool)
            for k in range(n):
                number = number * self.radix + ids[k : k + m]
                known &= ids[k : k + m] > 0
            keep = known & (owners[:m] == owners[n - 1 :])  # the n-gram is inside one text
            numbers.append(number[keep])
            texts.append(owners[:m][keep])
        if not numbers:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(numbers), np.concatenate(texts)


class _OneHotBlock:
    """`OneHotEncoder(handle_unknown="ignore")` of one column, times the block weight."""

    def __init__(self, spec: Mapping[str, Any], categories: np.ndarray) -> None:
        self.column, self.offset, self.weight = spec["column"], spec["offset"], spec["weight"]
        self.index = {category: j for j, category in enumerate(categories.tolist())}

    def entries(self, values: Sequence[object], found: Tokens | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        found = [self.index.get(str(value)) for value in values]
        columns = np.array([j for j in found if j is not None], dtype=np.int64)
        lengths = np.array([j is not None for j in found], dtype=np.int64)
        return columns, np.full(len(columns), 1.0 * self.weight), lengths


class _NumberBlock:
    """A number passed through, times the block weight (a sparse zero has no entry)."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.column, self.offset, self.weight = spec["column"], spec["offset"], spec["weight"]

    def entries(self, values: Sequence[object], found: Tokens | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        numbers = np.array([float(value) for value in values], dtype=np.float64)  # type: ignore[arg-type]
        lengths = (numbers != 0.0).astype(np.int64)
        return np.zeros(int(lengths.sum()), dtype=np.int64), numbers[numbers != 0.0] * (
            self.weight), lengths


def _number(tokens: Sequence[str], ids: Mapping[str, int], radix: int) -> int:
    """An n-gram's number: its token ids as the digits of a base-`radix` number."""
    number = 0
    for token in tokens:
        number = number * radix + ids[token]
    return number


def segment_sums(values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The sum of each run of `lengths` consecutive values (rows of a 2-D array), added left
    to right as a C loop adds them; NumPy's own reductions add pairwise, which can differ in
    the last bit. Runs of similar length are padded with zeros (which change no sum) and
    summed together by a cumulative sum, so the padding at most doubles the work.

    Examples:
        >>> segment_sums(np.array([0.1, 0.2, 0.3, 1.0]), np.array([3, 0, 1])).tolist()
        [0.6000000000000001, 0.0, 1.0]
    """
    out = np.zeros((len(lengths), *values.shape[1:]))
    starts = np.cumsum(lengths) - lengths
    sizes = np.ceil(np.log2(np.maximum(lengths, 1))).astype(np.int64)
    for size in np.unique(sizes[lengths > 0]).tolist():
        rows = np.flatnonzero((sizes == size) & (lengths > 0))
        width = int(lengths[rows].max())
        offsets = np.arange(width)
        inside = offsets[None, :] < lengths[rows, None]
        positions = np.where(inside, starts[rows, None] + offsets[None, :], 0)
        padded = values[positions]
        padded[~inside] = 0.0
        out[rows] = np.cumsum(padded, axis=1)[:, -1]
    return out


class LinearScorer:
    """Per-label probabilities of feature rows (mappings keyed by the model's columns)."""

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        spec = json.loads(str(arrays["spec"]))
        if spec.get("format") != FORMAT:
            raise UnsupportedModelError(f"arrays of format {spec.get('format')}")
        self.blocks: list[_Block] = [_make_block(entry, arrays, i)
                                     for i, entry in enumerate(spec["blocks"])]
        self.weights = np.ascontiguousarray(np.asarray(arrays["coef"], dtype=np.float64).T)
        self.intercept = [float(v) for v in arrays["intercept"]]
        self._arrays = dict(arrays)

    def arrays(self) -> dict[str, np.ndarray]:
        """What `__init__` reads back, for `np.savez` (no pickled objects)."""
        return dict(self._arrays)

    def predict_proba(self, rows: Sequence[Mapping[str, object]]) -> np.ndarray:
        """`model.predict_proba` of the rows; a value repeated in a column is analysed once."""
        columns, values, lengths = self._matrix(rows)
        products = values[:, None] * self.weights[columns]
        sums = segment_sums(products, lengths).tolist()
        return np.array([[1.0 / (1.0 + math.exp(-(z + b)))
                          for z, b in zip(row, self.intercept, strict=True)] for row in sums],
                        dtype=np.float64).reshape(len(rows), len(self.intercept))

    def _matrix(self, rows: Sequence[Mapping[str, object]]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """CSR arrays of the rows' features (columns, values, entries per row): block after
        block within a row, as `scipy.sparse.hstack` lays them out."""
        columns, values, starts, lengths = [], [], [], []
        base = 0
        found: Tokens = {}
        for block in self.blocks:
            codes, distinct = _factorize([row[block.column] for row in rows])
            cols, vals, counts = block.entries(distinct, found)
            columns.append(cols + block.offset)
            values.append(vals)
            starts.append((base + np.cumsum(counts) - counts)[codes])
            lengths.append(counts[codes])
            base += len(cols)
        segment_starts = np.stack(starts, axis=1).ravel()  # row by row, block by block
        segment_lengths = np.stack(lengths, axis=1).ravel()
        total = int(segment_lengths.sum())
        before = np.cumsum(segment_lengths) - segment_lengths
        index = np.arange(total) + np.repeat(segment_starts - before, segment_lengths)
        return (np.concatenate(columns)[index], np.concatenate(values)[index],
                np.stack(lengths, axis=1).sum(axis=1))


def _factorize(values: list[object]) -> tuple[np.ndarray, list[object]]:
    """Codes into the distinct values, in order of first appearance."""
    index: dict[object, int] = {}
    codes = [index.setdefault(value, len(index)) for value in values]
    return np.array(codes, dtype=np.int64), list(index)


def _make_block(entry: Mapping[str, Any], arrays: Mapping[str, np.ndarray], i: int) -> _Block:
    if entry["kind"] == "tfidf":
        return _TextBlock(entry, arrays[f"terms_{i}"], arrays[f"idf_{i}"])
    if entry["kind"] == "onehot":
        return _OneHotBlock(entry, arrays[f"terms_{i}"])
    return _NumberBlock(entry)


def export_arrays(model: Any) -> dict[str, np.ndarray]:
    """The numbers of a fitted `Pipeline([ColumnTransformer, OneVsRestClassifier(
    LogisticRegression)])`, as `model.make_logreg` builds it.

    Raises:
        UnsupportedModelError: any other shape, step or setting.
    """
    from sklearn.pipeline import Pipeline

    if not isinstance(model, Pipeline) or len(model.steps) != 2:
        raise UnsupportedModelError("not a two-step pipeline")
    arrays: dict[str, np.ndarray] = {}
    blocks = _export_blocks(model.steps[0][1], arrays)
    coef, intercept = _export_classifier(model.steps[1][1])
    if coef.shape[1] != _width(model.steps[0][1]):
        raise UnsupportedModelError("coefficients do not match the feature blocks")
    arrays.update(coef=coef, intercept=intercept,
                  spec=np.array(json.dumps({"format": FORMAT, "blocks": blocks})))
    return arrays


def _width(columns: Any) -> int:
    return max(s.stop for s in columns.output_indices_.values())


def _export_blocks(columns: Any, arrays: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    """Spec entries (and `terms_i` / `idf_i` arrays) of a fitted sparse ColumnTransformer."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

    if not isinstance(columns, ColumnTransformer) or not columns.sparse_output_:
        raise UnsupportedModelError("the first step is not a sparse ColumnTransformer")
    weights = columns.transformer_weights or {}
    blocks = []
    for name, transformer, selection in columns.transformers_:
        if transformer == "drop":
            continue
        column = selection if isinstance(selection, str) else _single(selection, name)
        entry = {"column": column, "offset": columns.output_indices_[name].start,
                 "weight": float(weights.get(name, 1.0))}
        i = len(blocks)
        if isinstance(transformer, TfidfVectorizer) and isinstance(selection, str):
            _check_tfidf(transformer, name)
            terms = sorted(transformer.vocabulary_, key=transformer.vocabulary_.__getitem__)
            arrays[f"terms_{i}"] = np.array(terms, dtype=str)
            arrays[f"idf_{i}"] = np.asarray(transformer.idf_, dtype=np.float64)
            entry.update(kind="tfidf", pattern=transformer.token_pattern,
                         ngrams=list(transformer.ngram_range))
        elif isinstance(transformer, OneHotEncoder) and _plain_onehot(transformer):
            arrays[f"terms_{i}"] = np.array(transformer.categories_[0].tolist(), dtype=str)
            entry.update(kind="onehot")
        elif isinstance(transformer, FunctionTransformer) and transformer.func is None:
            entry.update(kind="passthrough")
        else:
            raise UnsupportedModelError(f"feature block {name!r} ({type(transformer).__name__})")
        blocks.append(entry)
    return blocks


def _single(selection: Any, name: str) -> str:
    if len(selection) != 1 or not isinstance(selection[0], str):
        raise UnsupportedModelError(f"feature block {name!r} reads {selection!r}")
    return str(selection[0])


def _check_tfidf(vectorizer: Any, name: str) -> None:
    params = vectorizer.get_params()
    if any(params[key] != value for key, value in _TFIDF_SETTINGS.items()) or not (
            isinstance(vectorizer.token_pattern, str)
            and re.compile(vectorizer.token_pattern).groups == 0):
        raise UnsupportedModelError(f"feature block {name!r}: TF-IDF settings")


def _plain_onehot(encoder: Any) -> bool:
    return (encoder.handle_unknown == "ignore" and encoder.drop is None
            and len(encoder.categories_) == 1 and encoder.min_frequency is None
            and encoder.max_categories is None
            and all(isinstance(c, str) for c in encoder.categories_[0].tolist()))


def _export_classifier(classifier: Any) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients (labels × features) and intercepts of a multilabel one-vs-rest logistic
    regression."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    if not isinstance(classifier, OneVsRestClassifier) or not classifier.multilabel_ or not all(
            isinstance(e, LogisticRegression) and e.coef_.shape[0] == 1
            for e in classifier.estimators_):
        raise UnsupportedModelError("the classifier is not a multilabel one-vs-rest "
                                    "logistic regression")
    coef = np.vstack([e.coef_ for e in classifier.estimators_]).astype(np.float64)
    intercept = np.array([float(e.intercept_[0]) for e in classifier.estimators_])
    return coef, intercept
