"""The second stage: each clause's labels read again beside its neighbours and its section.

The first stage scores each clause alone. On policies it has never seen, a missed heading or
a long section leaves clauses whose labels follow the wrong section (issue 11). The second
stage is one small logistic regression per label, over that label's log-odds from two first
stages: the main one (`model.make_logreg`) for the clause, its previous and next clause (with
or without a heading between them), the rest of its section and three clauses either side;
and a text-only one (`model.make_text_logreg`), whose evidence does not follow a missed
heading, for the clause, its section and its window. A label tends to continue until the
next heading, unless the text says otherwise.

Fitted on out-of-fold first-stage probabilities (what the first stage says of policies it
has not seen, `train.fit_two_stage`); scored here with NumPy alone, from weights saved as
plain JSON. Chosen by nested grouped CV on the development policies: macro-F1 0.848 -> 0.860.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

FORMAT = 2  # 2: missing context reads as the clause itself, no position flags
C = 0.3  # of each label's regression; chosen by nested grouped CV on the development policies
WINDOW = 3  # clauses either side
_EPS = 1e-4  # probabilities are clipped to [_EPS, 1 - _EPS] before their log-odds
MAIN_INPUTS = ("self", "prev_same", "prev_cross", "next_same", "next_cross", "section",
               "window")
TEXT_INPUTS = ("text_self", "text_section", "text_window")
# No flag says where a document starts or ends, or that a clause lies outside any section:
# in policies those are mostly titles and footers (`other`), and a snippet of one or two
# clauses (`pipeline.analyze`) would be read as one.
FLAGS = ("same_as_prev", "same_as_next", "heading", "bullet")
INPUTS = (*MAIN_INPUTS, *TEXT_INPUTS, *FLAGS)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1.0 - _EPS)
    return np.log(p / (1.0 - p))


def _section_logits(p: np.ndarray, z: np.ndarray, section_rows: np.ndarray) -> np.ndarray:
    """Log-odds of the mean probabilities of the other clauses of each clause's section; a
    clause alone in its section (or outside any, also alone) reads its own log-odds `z`."""
    out = z.copy()
    for row in np.unique(section_rows).tolist():
        members = np.flatnonzero(section_rows == row)
        if len(members) > 1:
            others = (p[members].sum(axis=0)[None, :] - p[members]) / (len(members) - 1)
            out[members] = _logit(others)
    return out


def _window_logits(z: np.ndarray, width: int = WINDOW) -> np.ndarray:
    """Mean log-odds of the clauses up to `width` before and after each one (not itself); a
    document of one clause reads its own."""
    n = len(z)
    cumulative = np.vstack([np.zeros((1, z.shape[1])), np.cumsum(z, axis=0)])
    low = np.maximum(np.arange(n) - width, 0)
    high = np.minimum(np.arange(n) + width + 1, n)
    count = (high - low - 1).astype(float)
    total = cumulative[high] - cumulative[low] - z
    return np.where(count[:, None] > 0, total / np.maximum(count, 1.0)[:, None], z)


def document_inputs(main: np.ndarray, text: np.ndarray, kinds: Sequence[str],
                    section_rows: Sequence[int]) -> np.ndarray:
    """The second stage's inputs for the clauses of one document, in order.

    A missing neighbour (the first or last clause) reads as one of the same section that
    agrees with the clause: no context is no evidence against the first stage.

    Args:
        main, text: the two first stages' probabilities, clauses × labels.
        kinds: each clause's kind (heading, bullet, sentence).
        section_rows: each clause's innermost heading row within the document, -1 outside
            any section (`features.feature_rows`); a heading is its own section's row.

    Returns:
        clauses × labels × `INPUTS`: each label's own log-odds, then the flags.

    Examples:
        >>> p = np.full((3, 2), 0.5)
        >>> document_inputs(p, p, ["heading", "sentence", "sentence"], [0, 0, 0]).shape
        (3, 2, 14)
    """
    rows = np.asarray(section_rows, dtype=np.int64)
    z = _logit(np.asarray(main, dtype=np.float64))
    prev, nxt = np.vstack([z[:1], z[:-1]]), np.vstack([z[1:], z[-1:]])
    same = (rows[1:] == rows[:-1]).astype(float)
    prev_same, next_same = np.concatenate([[1.0], same]), np.concatenate([same, [1.0]])
    z_text = _logit(np.asarray(text, dtype=np.float64))
    blocks = [z, prev * prev_same[:, None], prev * (1 - prev_same)[:, None],
              nxt * next_same[:, None], nxt * (1 - next_same)[:, None],
              _section_logits(np.asarray(main, dtype=np.float64), z, rows), _window_logits(z),
              z_text, _section_logits(np.asarray(text, dtype=np.float64), z_text, rows),
              _window_logits(z_text)]
    kind = np.asarray(kinds, dtype=object)
    flags = np.column_stack([prev_same, next_same, kind == "heading", kind == "bullet"]
                            ).astype(float)
    per_label = np.stack(blocks, axis=2)  # clauses × labels × blocks
    return np.concatenate([per_label, np.repeat(flags[:, None, :], z.shape[1], axis=1)], axis=2)


def document_slices(groups: Sequence[str]) -> Iterator[slice]:
    """The runs of consecutive equal `groups` (one document's rows each)."""
    groups = np.asarray(groups)
    starts = np.flatnonzero(np.concatenate([[True], groups[1:] != groups[:-1]])).tolist()
    for start, end in zip(starts, [*starts[1:], len(groups)], strict=True):
        yield slice(start, end)


def stacked_inputs(main: np.ndarray, text: np.ndarray, kinds: Sequence[str],
                   section_rows: Sequence[int], groups: Sequence[str]) -> np.ndarray:
    """`document_inputs` of many documents, whose rows are consecutive per document."""
    kinds, section_rows = np.asarray(kinds, dtype=object), np.asarray(section_rows)
    parts = [document_inputs(main[s], text[s], kinds[s], section_rows[s])
             for s in document_slices(groups)]
    return np.concatenate(parts) if parts else np.zeros((0, main.shape[1], len(INPUTS)))


@dataclass(frozen=True)
class SequenceModel:
    """Per-label weights over `INPUTS` (labels × inputs) and intercepts."""

    coef: np.ndarray
    intercept: np.ndarray

    def predict_proba(self, inputs: np.ndarray) -> np.ndarray:
        """Final probabilities (clauses × labels) of `document_inputs`' output."""
        z = np.einsum("nlk,lk->nl", inputs, self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self) -> dict:
        """Plain numbers and the input names (no pickled objects), for `from_json`."""
        return {"format": FORMAT, "inputs": list(INPUTS), "window": WINDOW,
                "coef": self.coef.tolist(), "intercept": self.intercept.tolist()}

    @classmethod
    def from_json(cls, saved: dict) -> SequenceModel:
        """The model `to_json` wrote.

        Raises:
            ValueError: another format, other inputs or weights of the wrong shape.
        """
        if saved.get("format") != FORMAT or saved.get("inputs") != list(INPUTS) or saved.get(
                "window") != WINDOW:
            raise ValueError("a sequence model of another format or with other inputs")
        coef = np.asarray(saved["coef"], dtype=np.float64)
        intercept = np.asarray(saved["intercept"], dtype=np.float64)
        if coef.ndim != 2 or coef.shape[1] != len(INPUTS) or intercept.shape != coef.shape[:1]:
            raise ValueError("sequence model weights of the wrong shape")
        return cls(coef, intercept)


@dataclass(frozen=True)
class TwoStageModel:
    """Both first stages (fitted scikit-learn pipelines) and the second stage: what training
    and evaluation fit; `predict.ClauseClassifier(model=...)` scores with it."""

    main: Any
    text: Any
    sequence: SequenceModel

    def predict_proba(self, features: Any) -> np.ndarray:
        """Final probabilities of a `features.clause_features` frame whose rows are
        consecutive per document (the `group` column)."""
        from .sklearn_scoring import predict_proba

        return self.sequence.predict_proba(stacked_inputs(
            predict_proba(self.main, features), predict_proba(self.text, features),
            features["kind"].to_numpy(), features["section_row"].to_numpy(),
            features["group"].to_numpy()))
