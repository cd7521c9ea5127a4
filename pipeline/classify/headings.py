"""Train and measure the heading model (`structure`) on the gold headings.

A candidate line is a heading when a gold heading covers at least half of it and it covers
at least half of the gold heading. Figures are per gold heading span: a heading the candidate
lines never isolate counts as missed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from ..annotations import (
    SYNTHETIC_STRUCTURE_DIR,
    annotated_documents,
    load_gold_headings,
    load_synthetic_structure,
)
from ..config import ANNOTATED_DIR, HEADING_MODEL_PATH
from ..io import atomic_write
from ..records import Document
from ..segment import segment_document
from ..structure import HeadingModel, Line, line_features, linear_from_sklearn, structure_lines
from .folds import fold_groups

C = 1.0  # chosen by grouped CV on the development policies
THRESHOLD = 0.65
SEED = 13


@dataclass
class HeadingData:
    """Candidate lines of the annotated policies, their features and gold labels."""

    documents: list[Document]
    lines: list[list[Line]]
    rows: list[dict[str, float]]
    y: np.ndarray
    groups: np.ndarray  # doc_id of each row
    synthetic: np.ndarray  # rows of the team's synthetic layouts (training only)


def _covers(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """`b` covers at least half of `a`."""
    return min(a[1], b[1]) - max(a[0], b[0]) >= 0.5 * max(a[1] - a[0], 1)


def heading_data(annotations: Path = ANNOTATED_DIR,
                 synthetic: Path | None = SYNTHETIC_STRUCTURE_DIR) -> HeadingData:
    """Every policy with gold headings, and the synthetic layouts, as candidate lines with
    features and labels."""
    gold = load_gold_headings(annotations / "headings.jsonl")
    pairs = [(d, gold[d.doc_id]) for d in annotated_documents(annotations / "clauses.jsonl")
             if d.doc_id in gold]
    pairs += load_synthetic_structure(synthetic) if synthetic is not None else []
    lines, rows, y, groups = [], [], [], []
    for doc, doc_gold in pairs:
        units = structure_lines(doc.text)
        lines.append(units)
        spans = [(g.start, g.end) for g in doc_gold]
        for unit, row in zip(units, line_features(units), strict=True):
            span = (unit.start, unit.end)
            rows.append(row)
            y.append(any(_covers(span, g) and _covers(g, span) for g in spans))
            groups.append(doc.doc_id)
    groups_array = np.array(groups)
    return HeadingData([doc for doc, _ in pairs], lines, rows, np.array(y), groups_array,
                       np.char.startswith(groups_array.astype(str), "synthetic:"))


def fit_heading_model(rows: Sequence[dict[str, float]], y: np.ndarray, c: float = C,
                      threshold: float = THRESHOLD, weights: np.ndarray | None = None
                      ) -> HeadingModel:
    """A heading model fitted to candidate lines (balanced classes, L2)."""
    vectorizer = DictVectorizer()
    classifier = LogisticRegression(C=c, class_weight="balanced", max_iter=5000,
                                    random_state=SEED)
    classifier.fit(vectorizer.fit_transform(rows), y, sample_weight=weights)
    return HeadingModel(linear_from_sklearn(vectorizer, classifier), threshold)


def span_scores(documents: Sequence[Document], gold: dict[str, list], model: HeadingModel | None
                ) -> dict[str, float]:
    """Precision, recall and F1 of the headings `segment_document` finds (with `model`, else
    the committed one) against the gold heading spans, and the share of found gold headings
    at the gold level."""
    found = n_pred = n_gold = same_level = 0
    for doc in documents:
        clauses = segment_document(doc, model=model)
        predicted = [(c.start, c.end) for c in clauses if c.kind == "heading"]
        levels = {(c.start, c.end): c.heading_level for c in clauses if c.kind == "heading"}
        n_pred += len(predicted)
        for g in gold.get(doc.doc_id, []):
            n_gold += 1
            hit = next((p for p in predicted if _covers((g.start, g.end), p)), None)
            found += hit is not None
            same_level += hit is not None and levels[hit] == g.level
    precision, recall = found / max(n_pred, 1), found / max(n_gold, 1)
    return {"precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(2 * precision * recall / max(precision + recall, 1e-9), 4),
            "level_accuracy": round(same_level / max(found, 1), 4), "n_gold": n_gold}


SYNTHETIC_WEIGHT = 1.0  # a synthetic layout line counts as much as a real one


def weights_of(data: HeadingData, rows: np.ndarray) -> np.ndarray:
    """Sample weights of `rows`: real lines 1, synthetic ones `SYNTHETIC_WEIGHT`."""
    return np.where(data.synthetic[rows], SYNTHETIC_WEIGHT, 1.0)


def cross_validate_headings(data: HeadingData, gold: dict[str, list], docs: Collection[str],
                            n_splits: int = 6, families: Mapping[str, str] | None = None
                            ) -> dict[str, float]:
    """Grouped cross-validation over the policies `docs`: each fold's policies are segmented
    with a model fitted on the other folds (with `families`, a template family stays in one
    fold)."""
    index = np.flatnonzero(np.isin(data.groups, list(docs)))
    synthetic = np.flatnonzero(data.synthetic)
    by_id = {doc.doc_id: doc for doc in data.documents}
    totals = {"found": 0.0, "pred": 0.0, "gold": 0.0, "level": 0.0}
    groups = fold_groups(data.groups[index], families)
    for train, test in GroupKFold(n_splits).split(index, groups=groups):
        rows = np.concatenate([index[train], synthetic])
        model = fit_heading_model([data.rows[i] for i in rows], data.y[rows],
                                  weights=weights_of(data, rows))
        held_out = [by_id[d] for d in sorted(set(data.groups[index[test]]))]
        scores = span_scores(held_out, gold, model)
        found = scores["recall"] * scores["n_gold"]
        totals["found"] += found
        totals["gold"] += scores["n_gold"]
        totals["pred"] += found / scores["precision"] if scores["precision"] else 0.0
        totals["level"] += scores["level_accuracy"] * found
    precision = totals["found"] / max(totals["pred"], 1)
    recall = totals["found"] / max(totals["gold"], 1)
    return {"precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(2 * precision * recall / max(precision + recall, 1e-9), 4),
            "level_accuracy": round(totals["level"] / max(totals["found"], 1), 4),
            "n_gold": int(totals["gold"])}


def train_heading_model(annotations: Path = ANNOTATED_DIR, path: Path = HEADING_MODEL_PATH,
                        docs: Collection[str] | None = None) -> dict:
    """Fit the heading model on the policies `docs` (default: all with gold headings) and the
    synthetic layouts, and write it, with what it was trained on, as JSON."""
    data = heading_data(annotations)
    keep = np.isin(data.groups, list(docs)) if docs is not None else np.ones(len(data.y), bool)
    keep |= data.synthetic
    rows = np.flatnonzero(keep)
    model = fit_heading_model([data.rows[i] for i in rows], data.y[rows],
                              weights=weights_of(data, rows))
    digest = hashlib.sha256((annotations / "headings.jsonl").read_bytes())
    for layout in sorted(SYNTHETIC_STRUCTURE_DIR.glob("*.txt")):
        digest.update(layout.name.encode() + layout.read_bytes())
    meta = {"C": C, "threshold": THRESHOLD, "n_lines": int(keep.sum()),
            "n_headings": int(data.y[keep].sum()),
            "n_policies": len(set(data.groups[keep])),
            "training_data_sha256": digest.hexdigest()}
    text = json.dumps({**model.to_json(), "meta": meta}, ensure_ascii=False, sort_keys=True)
    atomic_write(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
    return meta
