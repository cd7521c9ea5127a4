"""From per-label probabilities to a clause's labels: the one rule every caller applies."""

from __future__ import annotations

import numpy as np

from ..config import CLAUSE_LABELS


def decide(probabilities: np.ndarray, threshold: float = 0.5) -> list[tuple[str, ...]]:
    """Labels from per-label probabilities: all content labels over `threshold`, else the most
    likely label. `other` is only ever given alone."""
    content = probabilities[:, :-1]
    decisions = []
    for row, other in zip(content, probabilities[:, -1], strict=True):
        chosen = [CLAUSE_LABELS[j] for j in np.flatnonzero(row >= threshold)]
        if chosen and other > row.max():
            chosen = []
        if not chosen:
            best = int(np.argmax(row))
            chosen = [CLAUSE_LABELS[best]] if row[best] >= other else ["other"]
        decisions.append(tuple(chosen))
    return decisions
