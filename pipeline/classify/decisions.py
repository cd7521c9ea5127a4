"""From per-label probabilities to a clause's labels: the one rule every caller applies."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..config import CLAUSE_LABELS
from ..records import Clause

# GUIDELINES: a contact line also takes the category of its section when that section is
# complaints or user rights (the address block under "Cơ chế giải quyết khiếu nại").
SECTION_CATEGORIES = ("complaints", "user_rights")


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


def inherit_section_labels(clauses: Sequence[Clause], decisions: Sequence[tuple[str, ...]]
                           ) -> list[tuple[str, ...]]:
    """`decisions` with a `contact` clause given the complaints or user-rights label of a
    heading it sits under (as the heading itself was labelled): the classifier reads a
    clause's words and its innermost heading, and an address line under a sub-heading
    ("Cơ sở 2") of the complaints section reads as contact alone. `clauses` may span several
    documents, in order.

    Examples:
        >>> from pipeline.records import Document
        >>> from pipeline.segment import segment_document
        >>> text = "7. Giải quyết khiếu nại\\nCơ sở 2\\nĐịa chỉ: 12 Lê Lợi, Huế"
        >>> clauses = segment_document(Document("x", "", "", text))
        >>> inherit_section_labels(clauses, [("complaints",), ("other",), ("contact",)])
        [('complaints',), ('other',), ('contact', 'complaints')]
    """
    out, stack, doc_id = [], [], None  # stack: (level, labels) of the enclosing headings
    for clause, labels in zip(clauses, decisions, strict=True):
        if clause.doc_id != doc_id:
            stack, doc_id = [], clause.doc_id
        if clause.kind == "heading":
            while stack and stack[-1][0] >= clause.heading_level:
                stack.pop()
        if "contact" in labels:
            above = {label for _, heading in stack for label in heading}
            labels = labels + tuple(c for c in SECTION_CATEGORIES
                                    if c in above and c not in labels)
        out.append(labels)
        if clause.kind == "heading":
            stack.append((clause.heading_level, labels))
    return out
