"""Apply the saved clause classifier to segmented documents."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import CLAUSE_LABELS, MODEL_META_PATH, MODEL_PATH
from ..segment import Clause
from .features import clause_features
from .model import decide
from .train import load_model


@dataclass(frozen=True)
class ClauseLabels:
    """Labels of one clause and the probability of every label (JSON, label -> score)."""

    labels: tuple[str, ...]
    scores: str


class ClauseClassifier:
    """The committed model behind a `predict(clauses)` call; loads once, then reuses."""

    def __init__(self, model_path: Path = MODEL_PATH, meta_path: Path = MODEL_META_PATH):
        self.model, self.meta = load_model(model_path, meta_path)
        self.threshold = float(self.meta.get("threshold", 0.5))

    def predict(self, clauses: Sequence[Clause]) -> list[ClauseLabels]:
        """Labels for the clauses of one document (neighbours are read within it).

        Examples:
            >>> from pipeline.clean import Document
            >>> from pipeline.segment import segment_document
            >>> text = "3. Thời gian lưu trữ thông tin\\nDữ liệu được lưu trữ trong 24 tháng."
            >>> clauses = segment_document(Document("x", "", "", text))
            >>> [r.labels for r in ClauseClassifier().predict(clauses)]
            [('retention',), ('retention',)]
        """
        if not clauses:
            return []
        probabilities = self.model.predict_proba(clause_features(clauses))
        decisions = decide(probabilities, self.threshold)
        return [
            ClauseLabels(labels, json.dumps(
                {label: round(float(p), 4) for label, p in zip(CLAUSE_LABELS, row, strict=True)}
            ))
            for labels, row in zip(decisions, probabilities, strict=True)
        ]
