"""Apply the saved clause classifier to segmented documents."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline

from ..config import CLAUSE_LABELS, MODEL_META_PATH, MODEL_PATH
from ..memo import Memo, memo_key
from ..records import Clause, ClauseLabels
from .features import FEATURE_COLUMNS, clause_features
from .model import decide
from .persist import load_model


class ClauseClassifier:
    """The committed model behind a `predict(clauses)` call; loads once, then reuses."""

    def __init__(self, model_path: Path | None = MODEL_PATH, meta_path: Path = MODEL_META_PATH,
                 model: object | None = None):
        """The committed model, or a fitted `model` given directly (an evaluation's)."""
        self.model, self.meta = (model, {}) if model is not None else load_model(
            model_path, meta_path)
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
        """Labels for the clauses of several documents in one model call.

        A call costs ~6 ms of scikit-learn checks whatever its size, more than scoring a
        whole document's rows (~4.5 ms); rows are scored independently, so batching changes no
        result.
        """
        frames = [clause_features(clauses) for clauses in documents if clauses]
        if not frames:
            return [[] for _ in documents]
        probabilities = self._probabilities(pd.concat(frames, ignore_index=True))
        decisions = decide(probabilities, self.threshold)
        results = iter([
            ClauseLabels(labels, {label: round(float(p), 4)
                                  for label, p in zip(CLAUSE_LABELS, row, strict=True)})
            for labels, row in zip(decisions, probabilities, strict=True)
        ])
        return [[next(results) for _ in clauses] for clauses in documents]

    def _probabilities(self, features: pd.DataFrame) -> np.ndarray:
        """`model.predict_proba`, asking the model only for rows not in the memo."""
        keys = [memo_key(*map(str, row))
                for row in features[list(FEATURE_COLUMNS)].itertuples(index=False)]
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
            computed = predict_proba(self.model, features.iloc[list(todo.values())])
            for key, row in zip(todo, computed, strict=True):
                known[key] = row.tolist()
                self.memo.put(key, known[key], repeated=counts[key] > 1)
        return np.array([known[key] for key in keys], dtype=float)


def predict_proba(model: object, features: pd.DataFrame) -> np.ndarray:
    """`model.predict_proba(features)`, with each distinct value of a text column analysed once.

    The clauses of a section share its heading path, and templated policies share sentences;
    the vectorizers would analyse every copy again. A pipeline that starts with a sparse
    `ColumnTransformer` is transformed here, block by block as `ColumnTransformer.transform`
    does (same numbers, tested); any other model is asked directly.
    """
    if not isinstance(model, Pipeline) or len(model.steps) < 2:
        return model.predict_proba(features)
    columns = model.steps[0][1]
    if not isinstance(columns, ColumnTransformer) or not columns.sparse_output_:
        return model.predict_proba(features)
    weights = columns.transformer_weights or {}
    blocks = []
    for name, transformer, selection in columns.transformers_:
        if isinstance(transformer, str):  # "drop"
            continue
        if isinstance(selection, str):  # one text column
            codes, distinct = pd.factorize(features[selection])
            block = transformer.transform(distinct)[codes]
        else:
            block = transformer.transform(features[selection])
        block = sparse.csr_matrix(np.asarray(block, dtype=float)) if not sparse.issparse(
            block) else block
        blocks.append(block * weights[name] if name in weights else block)
    return model[1:].predict_proba(sparse.hstack(blocks, format="csr"))
