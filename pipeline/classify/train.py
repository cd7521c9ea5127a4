"""Train, cross-validate (grouped by policy), save and load the clause classifier."""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import GroupKFold
from tqdm import tqdm

from ..annotations import (
    SYNTHETIC_DIR,
    GoldClause,
    align_labels,
    annotated_documents,
    load_gold_clauses,
    load_synthetic,
)
from ..config import (
    ANNOTATED_DIR,
    CLAUSE_LABELS,
    CONTENT_LABELS,
    HEADING_MODEL_FILE,
    MODEL_FILE,
    MODEL_META_FILE,
    MODELS_DIR,
)
from ..io import atomic_write
from ..records import Clause
from ..segment import segment_document
from ..structure import HeadingModel, load_heading_model
from .features import clause_features
from .folds import fold_groups
from .model import MODEL_FAMILIES
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
                       synthetic: Path | None = SYNTHETIC_DIR,
                       heading_model: HeadingModel | None = None) -> TrainingSet:
    """Segment every annotated policy (and the synthetic ones) and attach gold labels.

    Args:
        heading_model: the heading model to segment with (default: the committed one); an
            evaluation passes one fitted without the policies it measures on.
    """
    gold = load_gold_clauses(annotations)
    by_doc: dict[str, list[GoldClause]] = {}
    for g in gold:
        by_doc.setdefault(g.doc_id, []).append(g)
    pairs = [(doc, by_doc[doc.doc_id]) for doc in annotated_documents(annotations)]
    pairs += load_synthetic(synthetic) if synthetic is not None else []
    frames, labels, groups, all_clauses = [], [], [], []
    for doc, doc_gold in pairs:
        clauses = segment_document(doc, model=heading_model)
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


def cross_val_proba(data: TrainingSet, family: str = "logreg",
                    rows: np.ndarray | None = None, n_splits: int = 6,
                    models: dict | None = None, show_progress: bool = False,
                    families: Mapping[str, str] | None = None) -> np.ndarray:
    """Out-of-fold label probabilities of the real policies in `rows` (default: all), by
    grouped folds: no policy's clauses (nor, with `families`, those of its template family)
    are ever in both training and test folds, synthetic policies are only ever in training
    folds. Other rows stay zero. `models`, if given, receives the model that did not see
    each policy, by doc_id."""
    real = np.flatnonzero(~data.synthetic) if rows is None else rows
    probabilities = np.zeros(data.Y.shape)
    groups = fold_groups(data.groups[real], families)
    n_splits = min(n_splits, len(set(groups)))  # a small set: one group a fold
    with fold_progress(n_splits, f"{family} CV", show_progress) as bar:
        for train_real, test_idx in GroupKFold(n_splits).split(real, groups=groups):
            train_idx = np.concatenate([real[train_real], np.flatnonzero(data.synthetic)])
            model = fit(data, family, train_idx)
            probabilities[real[test_idx]] = model.predict_proba(data.X.iloc[real[test_idx]])
            if models is not None:
                models.update(dict.fromkeys(data.groups[real[test_idx]].tolist(), model))
            bar.update()
    return probabilities


def fit(data: TrainingSet, family: str, rows: np.ndarray):  # type: ignore[no-untyped-def]
    """A `family` model fitted on `rows`."""
    model = MODEL_FAMILIES[family]()
    return model.fit(data.X.iloc[rows], data.Y[rows])


def training_hash(annotations: Path, synthetic: Path) -> str:
    """SHA-256 over the annotation file and every synthetic policy, in name order."""
    digest = hashlib.sha256(annotations.read_bytes())
    for path in sorted(synthetic.glob("*.jsonl")) if synthetic.is_dir() else []:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def train_model(annotations: Path = ANNOTATED_DIR / "clauses.jsonl",
                model_path: Path = MODELS_DIR / MODEL_FILE,
                meta_path: Path = MODELS_DIR / MODEL_META_FILE, family: str = "logreg",
                heading_path: Path = MODELS_DIR / HEADING_MODEL_FILE,
                evaluation: dict | None = None) -> dict:
    """Fit the heading model and the clause classifier on every annotated policy (the frozen
    test policies included: their figures come from `evaluate`, which fits without them) and
    the synthetic ones, and save both with their metadata, each atomically (a temporary
    file, then a rename). `make models` copies `models/` into the package.

    Args:
        evaluation: figures to record beside the model (`evaluate.evaluate_all`).

    Returns:
        The metadata written to `meta_path` (label set, data hash, versions, figures).
    """
    import sklearn
    import skops
    import underthesea

    from .headings import train_heading_model

    heading_meta = train_heading_model(annotations.parent, heading_path)
    load_heading_model.cache_clear()
    data = build_training_set(annotations, heading_model=load_heading_model(heading_path))
    logger.info("training on %d clauses from %d policies", len(data.Y), len(set(data.groups)))
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
        "heading_model": heading_meta,
        "evaluation": evaluation or {},
    }
    data = dump_model(model)
    meta["model_sha256"] = hashlib.sha256(data).hexdigest()  # checked by `load_model`
    atomic_write(model_path, lambda tmp: tmp.write_bytes(data))
    text = json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
    atomic_write(meta_path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return meta
