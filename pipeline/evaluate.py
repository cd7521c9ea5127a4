"""Measure the classifier (grouped cross-validation) and the extractors against gold facts."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .annotations import annotated_documents, load_gold_facts
from .config import ANNOTATED_DIR, CLAUSE_LABELS, FACT_TYPES


def evaluate_facts(annotations: Path = ANNOTATED_DIR) -> dict:
    """Per-type precision and recall of extracted facts against the gold facts.

    A fact counts once per (policy, type, normalized value): what an analyst reads off a
    policy is "its hotline is +8419006175", wherever it is repeated.
    """
    from .extract.facts import extract_facts
    from .segment import segment_document

    gold = load_gold_facts(annotations / "facts.jsonl")
    gold_set = {(g.doc_id, g.type, g.normalized) for g in gold}
    predicted = set()
    for doc in annotated_documents(annotations / "clauses.jsonl"):
        for fact in extract_facts(doc.doc_id, doc.text, segment_document(doc)):
            if fact.type in FACT_TYPES:
                predicted.add((doc.doc_id, fact.type, fact.normalized))
    result = {}
    for kind in FACT_TYPES:
        g = {x for x in gold_set if x[1] == kind}
        p = {x for x in predicted if x[1] == kind}
        tp = len(g & p)
        result[kind] = {
            "precision": round(tp / len(p), 4) if p else None,
            "recall": round(tp / len(g), 4) if g else None,
            "gold": len(g), "predicted": len(p),
            "missed": sorted(f"{d}:{v}" for d, _, v in g - p),
            "spurious": sorted(f"{d}:{v}" for d, _, v in p - g),
        }
    return result


def evaluate_all(annotations: Path = ANNOTATED_DIR) -> dict:
    """Classifier grouped CV (model and rule baseline) plus fact precision/recall."""
    from .classify.train import build_training_set, cross_validate

    data = build_training_set(annotations / "clauses.jsonl")
    return {
        "classifier": {name: cross_validate(data, name) for name in ("svm", "logreg", "rules")},
        "facts": evaluate_facts(annotations),
    }


def format_report(result: dict) -> str:
    """Plain-text tables of `evaluate_all`'s figures."""
    lines = ["Clause classifier, leave-one-policy-out cross-validation (F1 per label)"]
    names = list(result["classifier"])
    lines.append(f"{'label':<14}" + "".join(f"{n:>22}" for n in names))
    for label in CLAUSE_LABELS:
        cells = []
        for name in names:
            m = result["classifier"][name]["per_label"][label]
            cells.append(f"P{m['precision']:.2f} R{m['recall']:.2f} F{m['f1']:.2f}".rjust(22))
        lines.append(f"{label:<14}" + "".join(cells))
    lines.append(f"{'macro-F1 (8)':<14}" + "".join(
        f"{result['classifier'][n]['macro_f1']:>22.3f}" for n in names))
    lines.append(f"{'merged p+s':<14}" + "".join(
        f"{result['classifier'][n]['macro_f1_purpose_scope_merged']:>22.3f}" for n in names))
    lines.append("")
    lines.append("Facts per type (policy-level, normalised values)")
    lines.append(f"{'type':<22}{'precision':>10}{'recall':>10}{'gold':>6}{'pred':>6}")
    per_type = defaultdict(dict, result["facts"])
    for kind, m in per_type.items():
        p = "-" if m["precision"] is None else f"{m['precision']:.2f}"
        r = "-" if m["recall"] is None else f"{m['recall']:.2f}"
        lines.append(f"{kind:<22}{p:>10}{r:>10}{m['gold']:>6}{m['predicted']:>6}")
    return "\n".join(lines)
