"""A document's way through the five stages, written once: the stage commands call its steps
one stage at a time over their interim tables, the batch worker calls `process_documents`.

Each step records a failure as the document's `errors` row and leaves the later steps
nothing to do, so "no text left after cleaning", the status of a document that failed to
segment, and "no clauses, no facts" are decided here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .audit import audit_document, find_quality_issues
from .clean import clean_bytes
from .config import CleanParams, SegmentParams
from .errors import PipelineError
from .extract.facts import extract_facts
from .extract.trackers import find_trackers
from .memo import Memos
from .records import Clause, ClauseLabels, Document, ErrorRow, Fact
from .schema import DATASET_TABLES
from .segment import segment_document

if TYPE_CHECKING:
    from .classify.predict import ClauseClassifier

# What cleaning a hostile file can raise: each is that file's error, never the batch's.
CLEAN_ERRORS = (PipelineError, OSError, ValueError, RecursionError, MemoryError)


@dataclass
class Outcome:
    """One input on its way through the stages: what each stage made of it so far."""

    doc_id: str
    source_path: str
    document: Document | None = None
    clauses: list[Clause] | None = None  # None until segmented, or when that failed
    labels: list[ClauseLabels] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    trackers: list[dict] = field(default_factory=list)  # rows of `trackers`, no doc_id
    audit: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    errors: list[ErrorRow] = field(default_factory=list)

    def fail(self, stage: str, err: Exception) -> None:
        self.errors.append(ErrorRow(self.doc_id, self.source_path, stage, str(err)))

    @property
    def status(self) -> str:
        return "error" if self.errors else "ok"


def clean_step(data: bytes, path: Path, doc_id: str, params: CleanParams) -> Outcome:
    """Stage 1 for the bytes of one file; a file with no text left is an error too. The
    trackers the page loads are read here, where the page is still seen whole."""
    outcome = Outcome(doc_id, str(path))
    try:
        document = clean_bytes(data, path, params, doc_id)
        if not document.text.strip():
            raise PipelineError(f"{path}: no text left after cleaning")
    except CLEAN_ERRORS as err:
        outcome.fail("clean", err)
        return outcome
    outcome.document = document
    outcome.trackers = find_trackers(data, path)
    return outcome


def cleaned(document: Document) -> Outcome:
    """The outcome of a document cleaned earlier (read back from the clean stage's table)."""
    return Outcome(document.doc_id, document.source_path, document)


def segment_step(outcome: Outcome, params: SegmentParams, memos: Memos | None = None) -> None:
    """Stage 2: clauses, or the document's error."""
    if outcome.document is None:
        return
    try:
        outcome.clauses = segment_document(outcome.document, params,
                                           memos.tokens if memos else None)
    except PipelineError as err:
        outcome.fail("segment", err)


def classify_step(outcomes: Sequence[Outcome], classifier: ClauseClassifier) -> None:
    """Stage 3 for several documents in one classifier call (a call has a fixed cost)."""
    segmented = [outcome for outcome in outcomes if outcome.clauses is not None]
    results = classifier.predict_many([outcome.clauses or [] for outcome in segmented])
    for outcome, labels in zip(segmented, results, strict=True):
        outcome.labels = labels


def extract_step(outcome: Outcome, memos: Memos | None = None) -> None:
    """Stage 4: facts of a document with clauses (none without)."""
    if outcome.document is None or not outcome.clauses:
        return
    outcome.facts = extract_facts(outcome.doc_id, outcome.document.text, outcome.clauses,
                                  memos.cues if memos else None)


def audit_step(outcome: Outcome, profile: str) -> None:
    """Stage 5: checklist and findings of a labelled document with clauses."""
    if not outcome.clauses:
        return
    clauses = [{"clause_id": clause.clause_id, "text": clause.text,
                "labels": list(result.labels), "scores": result.scores}
               for clause, result in zip(outcome.clauses, outcome.labels, strict=True)]
    facts = [fact.to_row() for fact in outcome.facts]
    outcome.audit = audit_document(outcome.doc_id, clauses, facts, profile, outcome.trackers)
    pdp = outcome.audit if outcome.audit and outcome.audit[0]["profile"] == "pdp" else None
    outcome.findings = find_quality_issues(outcome.doc_id, clauses, facts, outcome.trackers,
                                           pdp)


@dataclass(frozen=True)
class Settings:
    """What every document of a run shares."""

    clean: CleanParams
    segment: SegmentParams
    profile: str


def process_documents(items: Sequence[tuple[str, str, bytes]], settings: Settings,
                      classifier: ClauseClassifier, memos: Memos | None = None
                      ) -> list[Outcome]:
    """Every stage for several files given as (doc_id, source path, bytes)."""
    outcomes = [clean_step(data, Path(path), doc_id, settings.clean)
                for doc_id, path, data in items]
    for outcome in outcomes:
        segment_step(outcome, settings.segment, memos)
    classify_step(outcomes, classifier)
    for outcome in outcomes:
        extract_step(outcome, memos)
        audit_step(outcome, settings.profile)
    return outcomes


def document_row(outcome: Outcome) -> dict:
    """The `documents` row of a cleaned document."""
    assert outcome.document is not None
    clauses = outcome.clauses or []
    return {**outcome.document.to_row(), "n_chars": len(outcome.document.text),
            "n_clauses": len(clauses), "status": outcome.status}


def outcome_rows(outcome: Outcome) -> dict[str, list[dict]]:
    """The rows a document contributes to each dataset table."""
    clauses = outcome.clauses or []
    rows: dict[str, list[dict]] = {
        "documents": [document_row(outcome)] if outcome.document is not None else [],
        "clauses": [result.to_row(clause)
                    for clause, result in zip(clauses, outcome.labels, strict=True)],
        "facts": [fact.to_row() for fact in outcome.facts],
        "audit": outcome.audit,
        "findings": outcome.findings,
        "errors": [error.to_row() for error in outcome.errors],
        "trackers": [{"doc_id": outcome.doc_id, **row} for row in outcome.trackers],
    }
    assert tuple(rows) == DATASET_TABLES
    return rows
