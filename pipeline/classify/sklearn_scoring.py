"""Scoring feature rows with a fitted scikit-learn model itself: an evaluation's models, and
any model `linear.LinearScorer` does not reproduce."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .features import FEATURE_COLUMNS, PLACE_COLUMNS

if TYPE_CHECKING:  # a run scores with `linear.LinearScorer` and never imports pandas
    import pandas as pd


class SklearnScorer:
    """A fitted scikit-learn model behind the scorer interface (rows in, probabilities out)."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def predict_proba(self, rows: list[dict]) -> np.ndarray:
        import pandas as pd

        return predict_proba(self.model, pd.DataFrame(
            rows, columns=[*FEATURE_COLUMNS, *PLACE_COLUMNS]))


def predict_proba(model: object, features: pd.DataFrame) -> np.ndarray:
    """`model.predict_proba(features)`, with each distinct value of a text column analysed once.

    The clauses of a section share its heading path, and templated policies share sentences;
    the vectorizers would analyse every copy again. A pipeline that starts with a sparse
    `ColumnTransformer` is transformed here, block by block as `ColumnTransformer.transform`
    does (same numbers, tested); any other model is asked directly.
    """
    import pandas as pd
    from scipy import sparse
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

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
