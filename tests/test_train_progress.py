"""`train` and `evaluate` say what they are doing, fold by fold (issue 15)."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from pipeline.classify import train
from pipeline.config import CLAUSE_LABELS


class _Counting:
    fits: list[int] = []

    def fit(self, X, Y):  # noqa: N803 - scikit-learn's names
        _Counting.fits.append(len(X))
        return self

    def predict_proba(self, X):  # noqa: N803
        return np.full((len(X), len(CLAUSE_LABELS)), 0.25)


def test_cross_validation_reports_each_fold_issue_15(monkeypatch, caplog):
    monkeypatch.setitem(train.MODEL_FAMILIES, "counting", _Counting)
    ticks = []
    real = train.fold_progress

    def watched(total, desc, show):
        bar = real(total, desc, show)
        update = bar.update
        bar.update = lambda n=1: (ticks.append(n), update(n))
        return bar

    monkeypatch.setattr(train, "fold_progress", watched)
    groups = np.array(["a", "a", "b", "b", "c", "synthetic:x"])
    data = train.TrainingSet(pd.DataFrame({"n": range(6)}), np.zeros((6, len(CLAUSE_LABELS))),
                             groups, [], np.char.startswith(groups, "synthetic:"))
    with caplog.at_level(logging.INFO, logger="pipeline.classify.train"):
        probabilities = train.cross_val_proba(data, "counting", show_progress=True)
    assert "counting CV: 3 folds" in caplog.text
    assert ticks == [1, 1, 1]  # one step of the bar per policy left out
    assert _Counting.fits == [4, 4, 5]  # the other real policies and the synthetic one
    assert (probabilities[:5] == 0.25).all() and (probabilities[5] == 0).all()


class _Remembering:
    """Records the rows each fold trains on (by their feature `n`)."""

    seen: list[set[int]] = []

    def fit(self, X, Y):  # noqa: N803 - scikit-learn's names
        _Remembering.seen.append(set(X["n"]))
        return self

    def predict_proba(self, X):  # noqa: N803
        return np.full((len(X), len(CLAUSE_LABELS)), 0.5)


def test_a_template_family_never_straddles_training_and_evaluation_folds(monkeypatch):
    monkeypatch.setitem(train.MODEL_FAMILIES, "remembering", _Remembering)
    _Remembering.seen = []
    groups = np.array(["gearvn", "gearvn", "copy_of_gearvn", "fpt", "zalo", "topcv"])
    data = train.TrainingSet(pd.DataFrame({"n": range(6)}), np.zeros((6, len(CLAUSE_LABELS))),
                             groups, [], np.zeros(6, dtype=bool))
    families = {"gearvn": "gearvn", "copy_of_gearvn": "gearvn"}
    train.cross_val_proba(data, "remembering", n_splits=4, families=families)
    assert len(_Remembering.seen) == 4  # four groups: the family counts once
    for rows in _Remembering.seen:
        assert {0, 1, 2} <= rows or not {0, 1, 2} & rows  # the family wholly in or out
    _Remembering.seen = []
    train.cross_val_proba(data, "remembering", n_splits=5)
    assert any(2 in rows and 0 not in rows for rows in _Remembering.seen)  # by policy alone
