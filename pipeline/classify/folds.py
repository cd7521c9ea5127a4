"""Groups of cross-validation folds: a policy and its template family's near copies go to
one fold, or a copy in training makes the held-out policy look easier than a new one."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def fold_groups(doc_ids: np.ndarray, families: Mapping[str, str] | None) -> np.ndarray:
    """The group of each row's policy: its template family where `families` names one
    (`split.family_groups`), else the policy itself.

    Examples:
        >>> fold_groups(np.array(["a", "b", "c"]), {"b": "a"}).tolist()
        ['a', 'a', 'c']
    """
    if not families:
        return doc_ids
    return np.array([families.get(doc_id, doc_id) for doc_id in doc_ids.tolist()])
