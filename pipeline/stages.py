"""The five stage commands: each reads the previous stage's table from `<interim>/` and writes
its own, so any stage can be re-run alone. The work on each document is `document`'s; this
module only reads, loops and writes. `vnpolicy run` does the same in one pass (`batch`).

A file that fails gets a row in the stage's `errors` table and the batch goes on (unless
`strict`); every table is written atomically.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from .audit import DEFAULT_PROFILE, audit_document, check_profile
from .clean.decode import check_size
from .clean.inputs import assign_doc_ids, discover_inputs, shown
from .config import INTERIM_DIR, CleanParams, SegmentParams
from .document import (
    Outcome,
    audit_step,
    classify_step,
    clean_step,
    cleaned,
    extract_step,
    outcome_rows,
    segment_step,
)
from .errors import PipelineError, SchemaError
from .io import (
    check_output_folder,
    empty_table,
    read_interim,
    read_table,
    write_interim,
    write_tables,
)
from .records import Clause, ClauseLabels, Document, Fact, StageReport
from .schema import DATASET_TABLES, TABLES

logger = logging.getLogger(__name__)


def _progress(items: list, desc: str, show: bool) -> Iterator:
    return iter(tqdm(items, desc=desc, unit="doc", disable=not (show and sys.stderr.isatty())))


def _account(outcome: Outcome, report: StageReport, strict: bool) -> None:
    """Log a document's new errors into the report; with `strict`, stop at the first."""
    for error in outcome.errors:
        logger.warning("%s: %s failed: %s", error.doc_id, error.stage, error.error)
        if strict:
            raise PipelineError(f"{error.source_path}: {error.error}")
        report.errors.append(error.to_row())


def _frame(rows: Iterable[dict], name: str) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(TABLES[name]))


def run_clean(inputs: Iterable[Path], interim: Path = INTERIM_DIR, *,
              params: CleanParams = CleanParams(), strict: bool = False,
              show_progress: bool = True, follow_symlinks: bool = False) -> StageReport:
    """Decode and clean every input file into `interim/clean/documents.parquet`, with the
    trackers each page loads (`trackers.parquet`)."""
    skipped: list[tuple[str, str]] = []
    paths = discover_inputs(inputs, follow_symlinks=follow_symlinks, exclude=[interim],
                            skipped=skipped)
    ids = assign_doc_ids(paths)
    report = StageReport("clean", n_in=len(paths), skipped=skipped)
    documents, trackers = [], []
    for path in _progress(paths, "clean", show_progress):
        name = Path(shown(path))  # what tables and messages call it
        try:
            check_size(path.stat().st_size, name, params)
            outcome = clean_step(path.read_bytes(), name, ids[path], params)
        except (PipelineError, OSError) as err:
            outcome = Outcome(ids[path], str(name))
            outcome.fail("clean", PipelineError(f"{name}: {shown(err)}") if strict
                         else PipelineError(shown(err)))
        _account(outcome, report, strict)
        if outcome.document is not None:
            documents.append(outcome.document.to_row())
            trackers += outcome_rows(outcome)["trackers"]
    out = interim / "clean"
    write_interim(_frame(documents, "interim_documents"), out / "documents.parquet",
                  "interim_documents")
    write_interim(_frame(trackers, "interim_trackers"), out / "trackers.parquet",
                  "interim_trackers")
    _write_errors(report, out)
    report.n_out = len(documents)
    return report


def _documents(interim: Path) -> list[Document]:
    frame = read_interim(interim / "clean" / "documents.parquet", "interim_documents")
    return [Document(r.doc_id, r.source_path, r.sha256, r.text, r.url, r.fetched_at)
            for r in frame.itertuples()]


def run_segment(interim: Path = INTERIM_DIR, *, params: SegmentParams = SegmentParams(),
                strict: bool = False, show_progress: bool = True) -> StageReport:
    """Split cleaned documents into clauses and words: `interim/segment/clauses.parquet`."""
    documents = _documents(interim)
    report = StageReport("segment", n_in=len(documents))
    rows = []
    for document in _progress(documents, "segment", show_progress):
        outcome = cleaned(document)
        segment_step(outcome, params)
        _account(outcome, report, strict)
        rows.extend(clause.to_row() for clause in outcome.clauses or [])
    out = interim / "segment"
    write_interim(_frame(rows, "interim_clauses"), out / "clauses.parquet", "interim_clauses")
    _write_errors(report, out)
    report.n_out = len(rows)
    return report


def _clauses_by_doc(interim: Path) -> dict[str, list[Clause]]:
    frame = read_interim(interim / "segment" / "clauses.parquet", "interim_clauses")
    by_doc: dict[str, list[Clause]] = {}
    for r in frame.itertuples():
        by_doc.setdefault(r.doc_id, []).append(
            Clause(r.doc_id, int(r.clause_id), r.section, r.text, int(r.start), int(r.end),
                   tuple(r.tokens), tuple(int(s) for s in r.token_starts), r.kind,
                   r.section_path, int(r.heading_level)))
    return by_doc


def run_classify(interim: Path = INTERIM_DIR, *, show_progress: bool = True) -> StageReport:
    """Label every clause with the committed model: `interim/classify/labels.parquet`."""
    from .classify.predict import ClauseClassifier

    by_doc = _clauses_by_doc(interim)
    classifier = ClauseClassifier()
    report = StageReport("classify", n_in=len(by_doc))
    rows = []
    for doc_id, clauses in _progress(list(by_doc.items()), "classify", show_progress):
        outcome = Outcome(doc_id, "", clauses=clauses)
        classify_step([outcome], classifier)
        _account(outcome, report, strict=False)
        rows.extend({"doc_id": doc_id, "clause_id": clause.clause_id,
                     "labels": list(result.labels), "scores": result.scores_json()}
                    for clause, result in zip(outcome.clauses or [], outcome.labels,
                                              strict=True))
    write_interim(_frame(rows, "interim_labels"), interim / "classify" / "labels.parquet",
                  "interim_labels")
    _write_errors(report, interim / "classify")
    report.n_out = len(rows)
    return report


def run_extract(interim: Path = INTERIM_DIR, *, show_progress: bool = True) -> StageReport:
    """Facts with evidence spans from whole documents: `interim/extract/facts.parquet`."""
    documents = _documents(interim)
    by_doc = _clauses_by_doc(interim)
    report = StageReport("extract", n_in=len(documents))
    rows = []
    for document in _progress(documents, "extract", show_progress):
        outcome = cleaned(document)
        outcome.clauses = by_doc.get(document.doc_id)  # none: it failed to segment
        extract_step(outcome)
        _account(outcome, report, strict=False)
        rows.extend(fact.to_row() for fact in outcome.facts)
    write_interim(_frame(rows, "interim_facts"), interim / "extract" / "facts.parquet",
                  "interim_facts")
    _write_errors(report, interim / "extract")
    report.n_out = len(rows)
    return report


def _labels_by_doc(interim: Path) -> dict[str, dict[int, ClauseLabels]]:
    frame = read_interim(interim / "classify" / "labels.parquet", "interim_labels")
    by_doc: dict[str, dict[int, ClauseLabels]] = {}
    for r in frame.itertuples():
        by_doc.setdefault(r.doc_id, {})[int(r.clause_id)] = ClauseLabels(
            tuple(r.labels), json.loads(r.scores))
    return by_doc


def _facts_by_doc(interim: Path) -> dict[str, list[Fact]]:
    frame = read_interim(interim / "extract" / "facts.parquet", "interim_facts")
    by_doc: dict[str, list[Fact]] = {}
    for row in frame[list(TABLES["interim_facts"])].to_dict("records"):
        by_doc.setdefault(row["doc_id"], []).append(Fact(**row))
    return by_doc


def _trackers_by_doc(interim: Path) -> dict[str, list[dict]]:
    """The trackers the clean stage found (none from a clean stage older than them)."""
    path = interim / "clean" / "trackers.parquet"
    if not path.is_file():
        return {}
    by_doc: dict[str, list[dict]] = {}
    for row in read_interim(path, "interim_trackers").to_dict("records"):
        by_doc.setdefault(row.pop("doc_id"), []).append(row)
    return by_doc


def _stage_errors(interim: Path) -> dict[str, list[Exception]]:
    """The errors of each document, in stage order."""
    errors: dict[str, list] = {}
    for stage in ("clean", "segment", "classify", "extract"):
        path = interim / stage / "errors.parquet"
        frame = read_interim(path, "interim_errors") if path.is_file() else empty_table("errors")
        for row in frame.itertuples():
            errors.setdefault(row.doc_id, []).append(row)
    return errors


def run_build(interim: Path, out: Path, *, fmt: str = "parquet",
              profile: str = DEFAULT_PROFILE) -> StageReport:
    """Join stage outputs into the contract tables, with the audit and quality findings."""
    profile = check_profile(profile)
    check_output_folder(out)
    documents = {document.doc_id: document for document in _documents(interim)}
    clauses, labels = _clauses_by_doc(interim), _labels_by_doc(interim)
    facts, errors = _facts_by_doc(interim), _stage_errors(interim)
    trackers = _trackers_by_doc(interim)
    outcomes = []
    for doc_id in sorted(documents.keys() | errors.keys()):
        outcome = Outcome(doc_id, "", documents.get(doc_id), clauses.get(doc_id))
        for error in errors.get(doc_id, []):
            outcome.source_path = error.source_path
            outcome.fail(error.stage, PipelineError(error.error))  # as recorded
            if error.stage == "classify":
                outcome.clauses = None  # as `run` does: no labels, no clause rows
        if outcome.document is not None:
            outcome.source_path = outcome.document.source_path
        doc_labels = labels.get(doc_id, {})
        outcome.labels = [doc_labels.get(c.clause_id, ClauseLabels((), {}))
                          for c in outcome.clauses or []]
        outcome.facts = facts.get(doc_id, [])
        outcome.trackers = trackers.get(doc_id, []) if outcome.document is not None else []
        audit_step(outcome, profile)
        outcomes.append(outcome)
    report = StageReport("build", n_in=len(documents))
    tables = {name: [row for outcome in outcomes for row in outcome_rows(outcome)[name]]
              for name in DATASET_TABLES}
    report.outputs = write_tables({name: _frame(rows, name) for name, rows in tables.items()},
                                  out, fmt)
    report.n_out = len(documents)
    report.errors = tables["errors"]
    return report


def _write_errors(report: StageReport, directory: Path) -> None:
    write_interim(_frame(report.errors, "interim_errors"), directory / "errors.parquet",
                  "interim_errors")


def audit_dataset(dataset: Path, profile: str | None = None) -> pd.DataFrame:
    """The `audit` table of a built dataset: as built, or computed again from its clauses,
    facts and trackers against `profile` (`auto`: each policy's own date chooses).

    Raises:
        SchemaError: a table the audit needs is missing.
    """
    if profile is None:
        return read_table(dataset, "audit")
    profile = check_profile(profile)
    clauses, facts = read_table(dataset, "clauses"), read_table(dataset, "facts")
    trackers = _optional_table(dataset, "trackers")
    by_doc = {name: dict(list(frame.groupby("doc_id"))) for name, frame
              in (("facts", facts), ("trackers", trackers))}
    rows = []
    for doc_id, frame in clauses.groupby("doc_id", sort=True):
        rows += audit_document(doc_id, frame, by_doc["facts"].get(doc_id, facts.iloc[:0]),
                               profile, by_doc["trackers"].get(doc_id, trackers.iloc[:0]))
    return _frame(rows, "audit")


def _optional_table(dataset: Path, name: str) -> pd.DataFrame:
    """A table that datasets built before it existed lack: empty then."""
    try:
        return read_table(dataset, name)
    except SchemaError:
        return empty_table(name)


def checklist_lines(audit: pd.DataFrame) -> Iterator[str]:
    """One line per policy: its profile, how many applicable elements it states, what is
    missing (`vnpolicy audit`)."""
    for doc_id, frame in audit.groupby("doc_id", sort=False):
        status = frame["status"] if "status" in frame else frame["present"].map(
            {True: "present", False: "absent"})
        applicable = frame[status != "not_applicable"]
        missing = applicable.loc[~applicable["present"].astype(bool), "element"].tolist()
        skipped = int((status == "not_applicable").sum())
        yield (f"{doc_id} [{frame['profile'].iloc[0]}]: {int(applicable['present'].sum())}/"
               f"{len(applicable)} present" + (f", {skipped} not applicable" if skipped else "")
               + (f"; missing: {', '.join(missing)}" if missing else ""))
