"""Apply the saved clause classifier to segmented documents: the first stage scores each
clause (memoised by feature row), the second stage (`sequence`) reads each document's clauses
in order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..config import CLAUSE_LABELS, MODEL_META_PATH, MODEL_PATH
from ..memo import Memo, memo_key
from ..records import Clause, ClauseLabels
from .decisions import decide
from .features import FEATURE_COLUMNS, feature_rows
from .persist import load_stages
from .sequence import TwoStageModel, document_inputs
from .sklearn_scoring import SklearnScorer


class ClauseClassifier:
    """The committed model behind a `predict(clauses)` call; loads once, then reuses."""

    def __init__(self, model_path: Path | None = MODEL_PATH, meta_path: Path = MODEL_META_PATH,
                 model: object | None = None):
        """The committed model, or a fitted `model` given directly (an evaluation's: a
        scikit-learn model, or a `sequence.TwoStageModel`)."""
        if isinstance(model, TwoStageModel):
            self.scorer, self.text_scorer, self.sequence, self.meta = (
                SklearnScorer(model.main), SklearnScorer(model.text), model.sequence, {})
        elif model is not None:
            self.scorer, self.text_scorer, self.sequence, self.meta = (
                SklearnScorer(model), None, None, {})
        else:
            self.scorer, self.text_scorer, self.sequence, self.meta = load_stages(
                model_path, meta_path)
        self.threshold = float(self.meta.get("threshold", 0.5))
        # First-stage probabilities by feature row: that stage scores rows independently, so
        # a row that repeats (templated policies) needs it once. The second stage reads the
        # neighbours and is never memoised. Per instance: keys do not name the model.
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
        """Labels for the clauses of several documents in one model call (the first stage
        scores rows independently, the second reads each document alone, so batching changes
        no result)."""
        per_document = [feature_rows(clauses) for clauses in documents]
        rows = [row for document_rows in per_document for row in document_rows]
        if not rows:
            return [[] for _ in documents]
        probabilities = self._second_stage(self._probabilities(rows), per_document)
        decisions = decide(probabilities, self.threshold)
        results = iter([
            ClauseLabels(labels, {label: round(p, 4)
                                  for label, p in zip(CLAUSE_LABELS, row, strict=True)})
            for labels, row in zip(decisions, probabilities.tolist(), strict=True)
        ])
        return [[next(results) for _ in clauses] for clauses in documents]

    def _second_stage(self, first: np.ndarray, per_document: list[list[dict]]) -> np.ndarray:
        """Final probabilities: the first stage's main columns for a one-stage model, else
        the second stage over each document's clauses in order."""
        labels = len(CLAUSE_LABELS)
        if self.sequence is None:
            return first[:, :labels]
        out, start = np.zeros((len(first), labels)), 0
        for document_rows in per_document:
            end = start + len(document_rows)
            inputs = document_inputs(first[start:end, :labels], first[start:end, labels:],
                                     [row["kind"] for row in document_rows],
                                     [int(row["section_row"]) for row in document_rows])
            out[start:end] = self.sequence.predict_proba(inputs)
            start = end
        return out

    def _score_rows(self, rows: list[dict]) -> np.ndarray:
        """First-stage probabilities: the main scorer's, then the text-only one's if any."""
        main = self.scorer.predict_proba(rows)
        if self.text_scorer is None:
            return main
        return np.hstack([main, self.text_scorer.predict_proba(rows)])

    def _probabilities(self, rows: list[dict]) -> np.ndarray:
        """The first stage's probabilities, asking it only for rows not in the memo."""
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
            computed = self._score_rows([rows[i] for i in todo.values()])
            for key, row in zip(todo, computed.tolist(), strict=True):
                known[key] = row
                self.memo.put(key, row, repeated=counts[key] > 1)
        return np.array([known[key] for key in keys], dtype=float)
