"""Apply the saved clause classifier to segmented documents."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..config import CLAUSE_LABELS, MODEL_META_PATH, MODEL_PATH
from ..memo import Memo, memo_key
from ..records import Clause, ClauseLabels
from .decisions import final_labels
from .features import FEATURE_COLUMNS, feature_rows
from .persist import load_scorer
from .sklearn_scoring import SklearnScorer


class ClauseClassifier:
    """The committed model behind a `predict(clauses)` call; loads once, then reuses."""

    def __init__(self, model_path: Path | None = MODEL_PATH, meta_path: Path = MODEL_META_PATH,
                 model: object | None = None):
        """The committed model, or a fitted `model` given directly (an evaluation's)."""
        self.scorer, self.meta = (SklearnScorer(model), {}) if model is not None else (
            load_scorer(model_path, meta_path))
        self.threshold = float(self.meta.get("threshold", 0.5))
        # Probabilities by feature row: rows are scored independently, so a row that repeats
        # (templated policies) needs the model once. Per instance: keys do not name the model.
        self.memo = Memo()

    def predict(self, clauses: Sequence[Clause]) -> list[ClauseLabels]:
        """Labels for the clauses of one document (neighbours are read within it).

        Examples:
            >>> from pipeline.records import Document
            >>> from pipeline.segment import segment_document
            >>> text = "3. Thời gian lưu trữ thông tin\\nDữ liệu được lưu trữ trong 24 tháng."
            >>> clauses = segment_document(Document("x", "", "", text))
            >>> [r.labels for r in ClauseClassifier().predict(clauses)]
            [('retention',), ('retention',)]
        """
        return self.predict_many([clauses])[0]

    def predict_many(self, documents: Sequence[Sequence[Clause]]) -> list[list[ClauseLabels]]:
        """Labels for the clauses of several documents in one model call (rows are scored
        independently, so batching changes no result)."""
        rows = [row for clauses in documents for row in feature_rows(clauses)]
        if not rows:
            return [[] for _ in documents]
        probabilities = self._probabilities(rows)
        clauses = [clause for document in documents for clause in document]
        decisions = final_labels(clauses, probabilities, self.threshold)
        results = iter([
            ClauseLabels(labels, {label: round(p, 4)
                                  for label, p in zip(CLAUSE_LABELS, row, strict=True)})
            for labels, row in zip(decisions, probabilities.tolist(), strict=True)
        ])
        return [[next(results) for _ in clauses] for clauses in documents]

    def _probabilities(self, rows: list[dict]) -> np.ndarray:
        """The scorer's probabilities, asking it only for rows not in the memo."""
        keys = [memo_key(*(str(row[column]) for column in FEATURE_COLUMNS)) for row in rows]
        counts = Counter(keys)
        known: dict[str, list[float]] = {}
        todo: dict[str, int] = {}  # key -> first row with it
        for i, key in enumerate(keys):
            if key not in known and key not in todo:
                value = self.memo.get(key)
                if value is None:
                    todo[key] = i
                else:
                    known[key] = value
        if todo:
            computed = self.scorer.predict_proba([rows[i] for i in todo.values()])
            for key, row in zip(todo, computed.tolist(), strict=True):
                known[key] = row
                self.memo.put(key, row, repeated=counts[key] > 1)
        return np.array([known[key] for key in keys], dtype=float)
