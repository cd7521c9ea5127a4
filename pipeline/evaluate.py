"""Measure the classifier (grouped cross-validation) and the extractors against gold facts."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

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


def evaluate_audit(data, probabilities: np.ndarray, annotations: Path = ANNOTATED_DIR  # type: ignore[no-untyped-def]
                   ) -> dict:
    """Agreement of the e-commerce checklist computed from out-of-fold clause labels and
    scores (and extracted facts) with the checklist computed from gold labels (and gold
    facts)."""
    from .classify.model import decide
    from .classify.train import indicator

    y_pred = indicator(decide(probabilities))
    from .audit import audit_document
    from .extract.facts import extract_facts

    gold_facts = load_gold_facts(annotations / "facts.jsonl")
    docs = {d.doc_id: d for d in annotated_documents(annotations / "clauses.jsonl")}
    agree: dict[str, list[bool]] = defaultdict(list)
    missing_found: list[bool] = []
    for doc_id, doc in docs.items():
        rows = np.flatnonzero(data.groups == doc_id)
        clauses = [data.clauses[i] for i in rows]
        frame = pd.DataFrame({"clause_id": [c.clause_id for c in clauses],
                              "text": [c.text for c in clauses]})
        facts_pred = pd.DataFrame(
            [{"type": f.type} for f in extract_facts(doc_id, doc.text, clauses)],
            columns=["type"])
        facts_gold = pd.DataFrame([{"type": g.type} for g in gold_facts if g.doc_id == doc_id],
                                  columns=["type"])
        scores = [json.dumps(dict(zip(CLAUSE_LABELS, map(float, row), strict=True)))
                  for row in probabilities[rows]]
        predicted = audit_document(
            doc_id, frame.assign(labels=_labels(y_pred[rows]), scores=scores), facts_pred
        )
        gold = audit_document(doc_id, frame.assign(labels=_labels(data.Y[rows])), facts_gold)
        for p, g in zip(predicted, gold, strict=True):
            agree[g["element"]].append(p["present"] == g["present"])
            if not g["present"]:
                missing_found.append(not p["present"])
    per_element = {e: round(float(np.mean(v)), 4) for e, v in agree.items()}
    return {
        "agreement_per_element": per_element,
        "agreement": round(float(np.mean([x for v in agree.values() for x in v])), 4),
        "missing_elements": len(missing_found),
        "missing_found": round(float(np.mean(missing_found)), 4) if missing_found else None,
    }


def _labels(indicators: np.ndarray) -> list[list[str]]:
    return [[CLAUSE_LABELS[j] for j in np.flatnonzero(row)] for row in indicators]


def evaluate_all(annotations: Path = ANNOTATED_DIR, show_progress: bool = False) -> dict:
    """Classifier grouped CV (two families and the rule baseline), fact precision/recall, and
    the audit's agreement with the gold checklist."""
    from .classify.model import decide
    from .classify.train import build_training_set, cross_val_proba, indicator, score

    data = build_training_set(annotations / "clauses.jsonl")
    real = ~data.synthetic
    classifier, probabilities = {}, {}
    for name in ("logreg", "svm", "rules"):
        probabilities[name] = cross_val_proba(data, name, show_progress)
        classifier[name] = score(data.Y[real], indicator(decide(probabilities[name][real])))
    return {
        "classifier": classifier,
        "facts": evaluate_facts(annotations),
        "audit": evaluate_audit(data, probabilities["logreg"], annotations),
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
    audit = result["audit"]
    lines.append("")
    lines.append(f"Audit (e-commerce profile) agreement with the gold checklist: "
                 f"{audit['agreement']:.3f}; missing elements found: {audit['missing_found']} "
                 f"of {audit['missing_elements']}")
    lines.extend(f"  {element:<14}{value:.3f}"
                 for element, value in audit["agreement_per_element"].items())
    return "\n".join(lines)
