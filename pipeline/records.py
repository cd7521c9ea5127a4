"""The records that move between stages, each with the row it becomes in its table.

Stages pass these in memory; only the table boundary (`to_row`) turns them into the plain
values of the dataset contract (`schema.TABLES`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path


@dataclass(frozen=True)
class Document:
    """One cleaned policy: the unit every later stage works on."""

    doc_id: str
    source_path: str
    sha256: str
    text: str
    url: str = ""  # a page of a crawl: the address it was fetched from
    fetched_at: str = ""  # and when (ISO 8601, as the WARC record says)

    def to_row(self) -> dict:
        """A row of the clean stage's table (`interim_documents`)."""
        return flat_row(self)


@dataclass(frozen=True)
class Clause:
    """One clause with its place in the document; fields match the `clauses` table."""

    doc_id: str
    clause_id: int
    section: str
    text: str
    start: int
    end: int
    tokens: tuple[str, ...]
    token_starts: tuple[int, ...] = field(repr=False)
    kind: str = "sentence"  # heading | bullet | sentence
    section_path: str = ""
    heading_level: int = 0  # 1 = title, 2 = section, 3 = sub-section, ...; 0: not a heading

    def to_row(self) -> dict:
        """A row of the segment stage's table (`interim_clauses`)."""
        return {"doc_id": self.doc_id, "clause_id": self.clause_id, "section": self.section,
                "text": self.text, "start": self.start, "end": self.end,
                "tokens": list(self.tokens), "token_starts": list(self.token_starts),
                "kind": self.kind, "section_path": self.section_path,
                "heading_level": self.heading_level}


@dataclass(frozen=True)
class ClauseLabels:
    """Labels of one clause and the probability of every label."""

    labels: tuple[str, ...]
    scores: dict[str, float]

    def scores_json(self) -> str:
        """The interim `scores` column: JSON, label -> probability, in label order."""
        return json.dumps(self.scores)

    def to_row(self, clause: Clause) -> dict:
        """A row of the `clauses` table: `scores` a map, `section_path` the list of headings.
        (`batch.worker._clause_columns` makes the same rows as columns: change both.)"""
        return {**clause.to_row(), "labels": list(self.labels), "scores": dict(self.scores),
                "section_path": split_section_path(clause.section_path)}


def flat_row(record: object) -> dict:
    """A record of plain fields as a row: `dataclasses.asdict` without its recursive deep
    copy, which cost a worker ~3% of its time on the facts of every document."""
    return {f.name: getattr(record, f.name) for f in fields(record)}  # type: ignore[arg-type]


SECTION_SEPARATOR = " > "


def split_section_path(path: str) -> list[str]:
    """The headings above a clause, outermost first, from `Clause.section_path`.

    Examples:
        >>> split_section_path("1. Mục đích > 1.1. Phạm vi"), split_section_path("")
        (['1. Mục đích', '1.1. Phạm vi'], [])
    """
    return path.split(SECTION_SEPARATOR) if path else []


@dataclass(frozen=True)
class RawFact:
    """A fact read from a span of the cleaned text, before it is tied to a clause.

    `qualifier` holds what the normalised value cannot: a phone's kind ("mobile", "hotline",
    "toll_free"; ";ext=12" for an extension), "working_days" for a deadline, a phase.
    """

    type: str
    value: str
    normalized: str
    start: int
    end: int
    rule_id: str
    qualifier: str = ""


@dataclass(frozen=True, kw_only=True)
class Fact(RawFact):
    """One row of the `facts` table: a `RawFact` tied to its document and clause."""

    doc_id: str
    clause_id: int

    def to_row(self) -> dict:
        """A row of the `facts` table, with the count it states (`amount`, `unit`)."""
        amount, unit = fact_amount(self.type, self.normalized, self.qualifier)
        return {**flat_row(self), "amount": amount, "unit": unit}


def fact_amount(kind: str, normalized: str, qualifier: str) -> tuple[int | None, str]:
    """A period's count as an integer and its unit; (None, "") for anything else (a
    condition such as `until_deletion_request`, an e-mail).

    Examples:
        >>> fact_amount("complaint_deadline", "5", "working_days;phase=respond")
        (5, 'working_days')
        >>> fact_amount("retention_period", "until_deletion_request", "")
        (None, '')
    """
    if not normalized.isdigit() or kind not in AMOUNT_UNITS:
        return None, ""
    unit = AMOUNT_UNITS[kind]
    if kind == "complaint_deadline" and "working_days" in qualifier.split(";"):
        unit = "working_days"
    return int(normalized), unit


# The qualifier of an `organization` fact that is a trading name ("FAHASA"), not a legal name.
TRADING_NAME = "trading_name"

# The unit of each fact type whose normalised value is a count (README: facts).
AMOUNT_UNITS = {"complaint_deadline": "calendar_days", "retention_period": "calendar_days",
                "breach_notification": "hours"}


@dataclass(frozen=True)
class ErrorRow:
    """A file a stage could not process: one row of the `errors` table."""

    doc_id: str
    source_path: str
    stage: str
    error: str

    def to_row(self) -> dict:
        return flat_row(self)


@dataclass
class StageReport:
    """What a stage did: counts, and the files it could not process."""

    stage: str
    n_in: int = 0
    n_out: int = 0
    errors: list[dict] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    n_cached: int = 0  # documents read from the per-document cache (`run`)
    up_to_date: bool = False  # `run` found the dataset already made from these very inputs
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why), from folders
    cache_dir: str = ""  # `run`: where per-document results are kept ("" without a cache)
