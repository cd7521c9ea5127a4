"""Train, cross-validate (grouped by policy), save and load the clause classifier."""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import LeaveOneGroupOut
from tqdm import tqdm

from ..annotations import (
    SYNTHETIC_DIR,
    GoldClause,
    align_labels,
    annotated_documents,
    load_gold_clauses,
    load_synthetic,
)
from ..config import ANNOTATED_DIR, CLAUSE_LABELS, CONTENT_LABELS
from ..io import atomic_write
from ..records import Clause
from ..segment import segment_document
from .features import clause_features
from .model import MODEL_FAMILIES, decide
from .persist import dump_model

logger = logging.getLogger(__name__)

@dataclass
class TrainingSet:
    """Features, indicator matrix and policy groups of the annotated clauses."""

    X: pd.DataFrame
    Y: np.ndarray
    groups: np.ndarray
    clauses: list[Clause]
    synthetic: np.ndarray  # True for clauses of the team's synthetic policies


def indicator(labels: Sequence[Sequence[str]]) -> np.ndarray:
    """Binary matrix over `CLAUSE_LABELS`."""
    return np.array([[label in row for label in CLAUSE_LABELS] for row in labels], dtype=int)


def build_training_set(annotations: Path = ANNOTATED_DIR / "clauses.jsonl",
                       synthetic: Path | None = SYNTHETIC_DIR) -> TrainingSet:
    """Segment every annotated policy (and the synthetic ones) and attach gold labels."""
    gold = load_gold_clauses(annotations)
    by_doc: dict[str, list[GoldClause]] = {}
    for g in gold:
        by_doc.setdefault(g.doc_id, []).append(g)
    pairs = [(doc, by_doc[doc.doc_id]) for doc in annotated_documents(annotations)]
    pairs += load_synthetic(synthetic) if synthetic is not None else []
    frames, labels, groups, all_clauses = [], [], [], []
    for doc, doc_gold in pairs:
        clauses = segment_document(doc)
        frames.append(clause_features(clauses))
        labels.extend(align_labels(clauses, doc_gold))
        groups.extend([doc.doc_id] * len(clauses))
        all_clauses.extend(clauses)
    groups_array = np.array(groups)
    return TrainingSet(pd.concat(frames, ignore_index=True), indicator(labels), groups_array,
                       all_clauses, np.char.startswith(groups_array.astype(str), "synthetic:"))


def score(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """Per-label precision/recall/F1, macro-F1 over the eight content labels, and macro-F1
    with `purpose` and `scope` merged (the pair annotators disagree on most)."""
    p, r, f, support = precision_recall_fscore_support(y_true, y_pred, zero_division=0)
    per_label = {
        label: {"precision": round(float(p[j]), 4), "recall": round(float(r[j]), 4),
                "f1": round(float(f[j]), 4), "support": int(support[j])}
        for j, label in enumerate(CLAUSE_LABELS)
    }
    content = [CLAUSE_LABELS.index(label) for label in CONTENT_LABELS]
    merged_true = _merge_purpose_scope(y_true)
    merged_pred = _merge_purpose_scope(y_pred)
    _, _, f_merged, _ = precision_recall_fscore_support(merged_true, merged_pred, zero_division=0)
    return {
        "per_label": per_label,
        "macro_f1": round(float(np.mean(f[content])), 4),
        "macro_f1_purpose_scope_merged": round(float(np.mean(f_merged[:-1])), 4),
        "n_clauses": int(len(y_true)),
    }


def _merge_purpose_scope(y: np.ndarray) -> np.ndarray:
    purpose, scope = CLAUSE_LABELS.index("purpose"), CLAUSE_LABELS.index("scope")
    merged = np.delete(y, scope, axis=1)
    merged[:, purpose] = np.maximum(y[:, purpose], y[:, scope])
    return merged


def fold_progress(total: int, desc: str, show: bool) -> tqdm:
    """A bar over cross-validation folds on stderr (a fold takes seconds to a minute); off
    when `show` is false or stderr is not a terminal, where one log line per family says
    what is running."""
    logger.info("%s: %d folds", desc, total)
    return tqdm(total=total, desc=desc, unit="fold", disable=not (show and sys.stderr.isatty()))


def cross_val_proba(data: TrainingSet, family: str = "logreg", show_progress: bool = False
                    ) -> np.ndarray:
    """Out-of-fold label probabilities, leave-one-policy-out over the real policies: no
    policy's clauses are ever in both training and test folds, and synthetic policies are only
    ever in training folds. Rows of synthetic clauses stay zero."""
    real = np.flatnonzero(~data.synthetic)
    probabilities = np.zeros(data.Y.shape)
    folds = LeaveOneGroupOut()
    groups = data.groups[real]
    with fold_progress(folds.get_n_splits(groups=groups), f"{family} CV", show_progress) as bar:
        for train_real, test_idx in folds.split(real, groups=groups):
            _fit_fold(data, family, real[train_real], real[test_idx], probabilities)
            bar.update()
    return probabilities


def _fit_fold(data: TrainingSet, family: str, train_real: np.ndarray, test_idx: np.ndarray,
              probabilities: np.ndarray) -> None:
    """Fit one fold (the real policies but one, and every synthetic one) and score the one
    left out into `probabilities`."""
    train_idx = np.concatenate([train_real, np.flatnonzero(data.synthetic)])
    model = MODEL_FAMILIES[family]()
    model.fit(data.X.iloc[train_idx], data.Y[train_idx])
    probabilities[test_idx] = model.predict_proba(data.X.iloc[test_idx])


def cross_val_predict(data: TrainingSet, family: str = "logreg", threshold: float = 0.5,
                      show_progress: bool = False) -> np.ndarray:
    """Out-of-fold label indicators (see `cross_val_proba`); synthetic rows stay zero."""
    probabilities = cross_val_proba(data, family, show_progress)
    y_pred = indicator(decide(probabilities, threshold))
    y_pred[data.synthetic] = 0
    return y_pred


def cross_validate(data: TrainingSet, family: str = "svm", threshold: float = 0.5,
                   show_progress: bool = False) -> dict:
    """Grouped cross-validation figures (see `cross_val_predict`)."""
    real = np.flatnonzero(~data.synthetic)
    y_pred = cross_val_predict(data, family, threshold, show_progress)
    result = score(data.Y[real], y_pred[real])
    result["family"] = family
    result["folds"] = int(len(set(data.groups[real])))
    result["synthetic_policies_in_training"] = int(len(set(data.groups[data.synthetic])))
    return result


def training_hash(annotations: Path, synthetic: Path) -> str:
    """SHA-256 over the annotation file and every synthetic policy, in name order."""
    digest = hashlib.sha256(annotations.read_bytes())
    for path in sorted(synthetic.glob("*.jsonl")) if synthetic.is_dir() else []:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def train_model(annotations: Path, model_path: Path, meta_path: Path,
                family: str = "logreg", compare: Sequence[str] = ("svm", "rules"),
                show_progress: bool = False) -> dict:
    """Cross-validate, fit on all annotated policies and save model plus metadata, each
    atomically (a temporary file, then a rename).

    Returns:
        The metadata written to `meta_path` (label set, data hash, versions, CV metrics).
    """
    import sklearn
    import skops
    import underthesea

    data = build_training_set(annotations)
    logger.info("training on %d clauses from %d policies", len(data.Y), len(set(data.groups)))
    cv = {name: cross_validate(data, name, show_progress=show_progress)
          for name in (family, *compare)}
    model = MODEL_FAMILIES[family]()
    model.fit(data.X, data.Y)
    meta = {
        "family": family,
        "labels": list(CLAUSE_LABELS),
        "threshold": 0.5,
        "training_data": str(annotations.name),
        "training_data_sha256": training_hash(annotations, SYNTHETIC_DIR),
        "n_clauses": int(len(data.Y)),
        "n_policies": int(len(set(data.groups[~data.synthetic]))),
        "n_synthetic_policies": int(len(set(data.groups[data.synthetic]))),
        "label_counts": {label: int(data.Y[:, j].sum()) for j, label in enumerate(CLAUSE_LABELS)},
        "versions": {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
                     "skops": skops.__version__, "underthesea": underthesea.__version__},
        "cross_validation": cv,
    }
    data = dump_model(model)
    meta["model_sha256"] = hashlib.sha256(data).hexdigest()  # checked by `load_model`
    atomic_write(model_path, lambda tmp: tmp.write_bytes(data))
    text = json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
    atomic_write(meta_path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return meta
