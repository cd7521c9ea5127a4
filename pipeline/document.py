"""A document's way through the five stages, written once: the stage commands call its steps
one stage at a time over their interim tables, the batch worker calls `process_documents`.

Each step records a failure as the document's `errors` row and leaves the later steps
nothing to do, so "no text left after cleaning", the status of a document that failed to
segment, and "no clauses, no facts" are decided here and nowhere else.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .audit import audit_document, find_quality_issues
from .clean import clean_bytes
from .clean.quality import document_status, policy_score, text_warnings, vietnamese_share
from .config import CleanParams, SegmentParams
from .errors import PipelineError
from .extract.facts import extract_facts
from .extract.trackers import find_trackers
from .limits import MAX_SECONDS, time_limit
from .memo import Memos
from .records import Clause, ClauseLabels, Document, ErrorRow, Fact
from .schema import DATASET_TABLES
from .segment import segment_document
from .structure import HeadingModel

if TYPE_CHECKING:
    from .classify.predict import ClauseClassifier

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
    seconds_left: float | None = None  # of its time limit; None: no limit

    def fail(self, stage: str, err: Exception) -> None:
        """Record `err` as this document's error in `stage`, naming the file and the cause."""
        cause = str(err) if isinstance(err, PipelineError) else f"{type(err).__name__}: {err}"
        if self.source_path and self.source_path not in cause:
            cause = f"{self.source_path}: {cause}"
        self.errors.append(ErrorRow(self.doc_id, self.source_path, stage, cause))

    def guarded(self, stage: str, step: Callable[[], None], limit: float | None = None) -> bool:
        """Run `step` within what is left of the time limit; any exception it raises becomes
        this document's error in `stage` (one bad file must never take a batch down).
        True when it succeeded."""
        started = time.monotonic()
        message = f"took longer than {limit:g} s, the limit per document (--max-seconds)" \
            if limit else ""
        try:
            with time_limit(self.seconds_left, message):
                step()
        except Exception as err:  # noqa: BLE001 - whatever a hostile input makes a library raise
            self.fail(stage, err)
            return False
        finally:
            if self.seconds_left is not None:
                self.seconds_left -= time.monotonic() - started
        return True

    @property
    def status(self) -> str:
        return "error" if self.errors else "ok"


def clean_step(data: bytes, path: Path, doc_id: str, params: CleanParams,
               max_seconds: float | None = None) -> Outcome:
    """Stage 1 for the bytes of one file; a file with no text left is an error too. The
    trackers the page loads are read here, where the page is still seen whole."""
    outcome = Outcome(doc_id, str(path), seconds_left=max_seconds)

    def clean() -> None:
        document = clean_bytes(data, path, params, doc_id)
        if not document.text.strip():
            raise PipelineError(f"{path}: no text left after cleaning")
        outcome.document = document
        outcome.trackers = find_trackers(data, path)

    outcome.guarded("clean", clean, max_seconds)
    return outcome


def cleaned(document: Document) -> Outcome:
    """The outcome of a document cleaned earlier (read back from the clean stage's table)."""
    return Outcome(document.doc_id, document.source_path, document)


def segment_step(outcome: Outcome, params: SegmentParams, memos: Memos | None = None,
                 max_seconds: float | None = None, heading_model: HeadingModel | None = None
                 ) -> None:
    """Stage 2: clauses, or the document's error."""
    if outcome.document is None:
        return
    document = outcome.document

    def segment() -> None:
        outcome.clauses = segment_document(document, params, memos.tokens if memos else None,
                                           heading_model)

    outcome.guarded("segment", segment, max_seconds)


def classify_step(outcomes: Sequence[Outcome], classifier: ClauseClassifier,
                  max_seconds: float | None = None) -> None:
    """Stage 3 for several documents in one classifier call (a call has a fixed cost); when
    that call fails, each document is labelled alone, so only the one that fails has an
    error."""
    segmented = [outcome for outcome in outcomes if outcome.clauses is not None]
    if len(segmented) > 1:
        try:
            limit = min(o.seconds_left for o in segmented) if max_seconds else None
            with time_limit(limit):
                results = classifier.predict_many([o.clauses or [] for o in segmented])
        except Exception:  # noqa: BLE001 - retried one document at a time below
            pass
        else:
            for outcome, labels in zip(segmented, results, strict=True):
                outcome.labels = labels
            return
    for outcome in segmented:
        _classify_one(outcome, classifier, max_seconds)


def _classify_one(outcome: Outcome, classifier: ClauseClassifier,
                  max_seconds: float | None) -> None:
    def classify() -> None:
        outcome.labels = classifier.predict_many([outcome.clauses or []])[0]

    if not outcome.guarded("classify", classify, max_seconds):
        outcome.clauses = None  # no labels: no clause rows, no facts, no audit


def extract_step(outcome: Outcome, memos: Memos | None = None,
                 max_seconds: float | None = None) -> None:
    """Stage 4: facts of a document with clauses (none without)."""
    document, clauses = outcome.document, outcome.clauses
    if document is None or not clauses:
        return

    def extract() -> None:
        outcome.facts = extract_facts(outcome.doc_id, document.text, clauses,
                                      memos.cues if memos else None)

    if not outcome.guarded("extract", extract, max_seconds):
        outcome.facts = []


def audit_step(outcome: Outcome, profile: str, max_seconds: float | None = None,
               memos: Memos | None = None) -> None:
    """Stage 5: checklist and findings of a labelled document with clauses."""
    if not outcome.clauses:
        return
    clauses = [{"clause_id": clause.clause_id, "text": clause.text, "kind": clause.kind,
                "labels": list(result.labels), "scores": result.scores}
               for clause, result in zip(outcome.clauses, outcome.labels, strict=True)]
    facts = [fact.to_row() for fact in outcome.facts]

    def audit() -> None:
        memo = memos.cue_texts if memos else None
        outcome.audit = audit_document(outcome.doc_id, clauses, facts, profile,
                                       outcome.trackers, memo)
        pdp = outcome.audit if outcome.audit and outcome.audit[0]["profile"] == "pdp" else None
        outcome.findings = find_quality_issues(outcome.doc_id, clauses, facts,
                                               outcome.trackers, pdp, memo)

    if not outcome.guarded("audit", audit, max_seconds):
        outcome.audit, outcome.findings = [], []


@dataclass(frozen=True)
class Settings:
    """What every document of a run shares."""

    clean: CleanParams
    segment: SegmentParams
    profile: str
    max_seconds: float | None = MAX_SECONDS  # per document, all stages (None: no limit)
    heading_model: HeadingModel | None = None  # None: the committed one (evaluation fits its own)


def process_documents(items: Sequence[tuple[str, str, bytes]], settings: Settings,
                      classifier: ClauseClassifier, memos: Memos | None = None
                      ) -> list[Outcome]:
    """Every stage for several files given as (doc_id, source path, bytes); whatever fails
    in a document is its `errors` row, and each document has `settings.max_seconds` for all
    its stages."""
    limit = settings.max_seconds
    outcomes = [clean_step(data, Path(path), doc_id, settings.clean, limit)
                for doc_id, path, data in items]
    for outcome in outcomes:
        segment_step(outcome, settings.segment, memos, limit, settings.heading_model)
    classify_step(outcomes, classifier, limit)
    for outcome in outcomes:
        extract_step(outcome, memos, limit)
        audit_step(outcome, settings.profile, limit, memos)
    return outcomes


def document_row(outcome: Outcome) -> dict:
    """The `documents` row of a cleaned document: its status is `error` when a stage failed,
    else `not_vietnamese` or `not_a_policy` when its text scores below those thresholds
    (`clean.quality`, both scores in the row), else `ok`; a text that looks damaged by its
    extraction has a warning."""
    assert outcome.document is not None
    text = outcome.document.text
    clauses = outcome.clauses or []
    vietnamese, policy = vietnamese_share(text), policy_score(text)
    status = outcome.status if outcome.errors else document_status(vietnamese, policy)
    return {**outcome.document.to_row(), "n_chars": len(text), "n_clauses": len(clauses),
            "status": status, "vietnamese_share": vietnamese, "policy_score": policy,
            "warnings": text_warnings(text)}


def outcome_rows(outcome: Outcome, tables: Sequence[str] = DATASET_TABLES
                 ) -> dict[str, list[dict]]:
    """The rows a document contributes to each of `tables` (every dataset table)."""
    return {name: _TABLE_ROWS[name](outcome) for name in tables}


_TABLE_ROWS: dict[str, Callable[[Outcome], list[dict]]] = {
    "documents": lambda outcome: [document_row(outcome)] if outcome.document is not None
    else [],
    "clauses": lambda outcome: [result.to_row(clause) for clause, result in zip(
        outcome.clauses or [], outcome.labels, strict=True)],
    "facts": lambda outcome: [fact.to_row() for fact in outcome.facts],
    "audit": lambda outcome: outcome.audit,
    "findings": lambda outcome: outcome.findings,
    "errors": lambda outcome: [error.to_row() for error in outcome.errors],
    "trackers": lambda outcome: [{"doc_id": outcome.doc_id, **row} for row in outcome.trackers],
}
assert tuple(_TABLE_ROWS) == DATASET_TABLES
