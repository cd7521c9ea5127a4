"""Completeness audit: which elements of a profile each policy states, with evidence."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

import pandas as pd

from .profiles import profile_elements

# A label the classifier gave only because nothing else fit (its probability under 0.5) is a
# clause's best guess, not evidence that the policy states an element.
EVIDENCE_MIN_SCORE = 0.5


TableRows = pd.DataFrame | Sequence[Mapping]  # one policy's rows of a table: a frame or records


def records(rows: TableRows) -> Sequence[Mapping]:
    """Plain records: a batch worker already has them, and reading them is ~10x faster than
    iterating a frame of Arrow strings."""
    return rows.to_dict("records") if isinstance(rows, pd.DataFrame) else rows


def _evidence_labels(row: Mapping) -> set[str]:
    """The clause's labels that count as evidence: all of them for gold or hand-made rows,
    those with a score of at least `EVIDENCE_MIN_SCORE` when the classifier's scores are known
    (a dict, or the JSON text of a table's `scores` column)."""
    labels = set(row["labels"])
    scores = row.get("scores")
    if isinstance(scores, str) and scores:
        scores = json.loads(scores)
    if not isinstance(scores, Mapping) or not scores:
        return labels
    return {label for label in labels if scores.get(label, 1.0) >= EVIDENCE_MIN_SCORE}


def audit_document(doc_id: str, clauses: TableRows, facts: TableRows, profile: str = "ecommerce"
                   ) -> list[dict]:
    """Audit rows (one per checklist element) for one policy.

    Args:
        clauses: the policy's rows of the `clauses` table (with `labels`, and `scores` when
            the labels come from the classifier).
        facts: the policy's rows of the `facts` table.
    """
    rows = []
    fact_types = {fact["type"] for fact in records(facts)}
    evidence_labels = [(int(row["clause_id"]), _evidence_labels(row), row["text"])
                       for row in records(clauses)]
    for element in profile_elements(profile):
        evidence = [
            clause_id for clause_id, labels, text in evidence_labels
            if labels & set(element.labels)
            and (not element.cue or re.search(element.cue, text, re.I))
        ]
        present = bool(evidence)
        note = ""
        if present and element.needs_facts and not fact_types & set(element.needs_facts):
            present = False
            note = f"clauses found, but no {' or '.join(element.needs_facts)} extracted"
        elif not present:
            note = "no clause states it"
        rows.append({"doc_id": doc_id, "element": element.element, "present": present,
                     "evidence": evidence, "note": note, "profile": profile,
                     "legal_basis": element.legal_basis})
    return rows
