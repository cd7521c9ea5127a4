"""Run every extractor over one document and tie each fact to the clause it sits in.

Extraction runs on the whole cleaned text (never on sentence strings: underthesea's
`sent_tokenize` splits e-mail addresses), so every fact keeps offsets into `documents.text`.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from ..clean import Document
from ..segment import Clause, build_doc, segment_document
from .contacts import (
    find_addresses,
    find_emails,
    find_organizations,
    find_phones,
    find_tax_codes,
    find_websites,
)
from .model import RawFact
from .nlp import CUES_KEY, annotate
from .periods import (
    Window,
    find_breach_notifications,
    find_complaint_deadlines,
    find_opening_hours,
    find_retention_periods,
)


@dataclass(frozen=True, kw_only=True)
class Fact(RawFact):
    """One row of the `facts` table: a `RawFact` tied to its document and clause."""

    doc_id: str
    clause_id: int


def cue_windows(text: str, clauses: Sequence[Clause]) -> list[Window]:
    """One `Window` per clause, with the cue phrases the spaCy matcher found in it and in the
    heading of its section."""
    doc = annotate(build_doc(text, clauses))
    starts = [c.start for c in clauses]
    found: list[list[tuple[str, int, int]]] = [[] for _ in clauses]
    for span in doc.spans[CUES_KEY]:
        index = bisect.bisect_right(starts, span.start_char) - 1
        if index >= 0 and span.end_char <= clauses[index].end:
            found[index].append((span.label_, span.start_char, span.end_char))
    windows, heading_cues = [], frozenset[str]()
    for clause, cues in zip(clauses, found, strict=True):
        if clause.kind == "heading":
            heading_cues = frozenset(label for label, _, _ in cues)
        windows.append(Window(clause.start, clause.end, tuple(cues), heading_cues))
    return windows


def extract_text_facts(text: str) -> list[RawFact]:
    """Facts of a bare text: segments it first (for tests, notebooks and one-off use).

    Examples:
        >>> t = "Hotline 0933 588 655, email tam@khatra.com.vn, website khatra.com.vn."
        >>> [(f.type, f.normalized) for f in extract_text_facts(t)]
        [('phone', '+84933588655'), ('email', 'tam@khatra.com.vn'), ('website', 'khatra.com.vn')]
    """
    clauses = segment_document(Document("text", "", "", text))
    return extract_raw_facts(text, cue_windows(text, clauses))


def extract_raw_facts(text: str, windows: Sequence[Window]) -> list[RawFact]:
    """All facts of a text, in reading order, without duplicates at the same place."""
    windows = list(windows)
    emails = list(find_emails(text))
    found = [
        *emails,
        *find_websites(text, emails),
        *find_phones(text),
        *find_organizations(text),
        *find_tax_codes(text),
        *find_addresses(text),
        *find_complaint_deadlines(text, windows),
        *find_retention_periods(text, windows),
        *find_breach_notifications(text, windows),
        *find_opening_hours(text, windows),
    ]
    unique: dict[tuple[str, int, int], RawFact] = {}
    for fact in found:
        unique.setdefault((fact.type, fact.start, fact.end), fact)
    return sorted(unique.values(), key=lambda f: (f.start, f.end, f.type))


def extract_facts(doc_id: str, text: str, clauses: Sequence[Clause]) -> list[Fact]:
    """Facts of one segmented document, each with the id of the clause holding its start."""
    windows = cue_windows(text, clauses)
    starts = [c.start for c in clauses]
    facts = []
    for raw in extract_raw_facts(text, windows):
        index = max(bisect.bisect_right(starts, raw.start) - 1, 0)
        clause_id = clauses[index].clause_id if clauses else -1
        facts.append(Fact(**asdict(raw), doc_id=doc_id, clause_id=clause_id))
    return facts
