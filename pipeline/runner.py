"""Run the stages over a batch: each reads the previous stage's table from `data/interim/`
and writes its own, so any stage can be re-run alone; `run_pipeline` runs them all (streamed per
document by `batch`).

A file that fails gets a row in the stage's `errors` table and the batch goes on (unless
`strict`); every table is written atomically.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from tqdm import tqdm

from .audit import audit_document, check_profile, find_quality_issues
from .clean import Document, clean_file, doc_id_for
from .config import (
    INTERIM_DIR,
    PROCESSED_DIR,
    SUPPORTED_SUFFIXES,
    CleanParams,
    SegmentParams,
)
from .errors import InputNotFoundError, PipelineError
from .io import empty_table, write_table

if TYPE_CHECKING:
    from .segment import Clause

logger = logging.getLogger(__name__)


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


def discover_inputs(inputs: Iterable[Path]) -> list[Path]:
    """Policy files from files and folders (recursively), in a stable order.

    Raises:
        InputNotFoundError: an input path does not exist.
    """
    found: list[Path] = []
    for item in inputs:
        if not item.exists():
            raise InputNotFoundError(f"{item}: no such file or folder")
        if item.is_dir():
            found.extend(
                p for p in sorted(item.rglob("*"))
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not p.name.upper().startswith("README") and not p.name.startswith(".")
            )
        else:
            found.append(item)
    return found


def assign_doc_ids(paths: list[Path]) -> dict[Path, str]:
    """`doc_id` = file stem; inputs that share a stem get a short hash of their path."""
    stems: dict[str, int] = {}
    for path in paths:
        stems[doc_id_for(path)] = stems.get(doc_id_for(path), 0) + 1
    ids = {}
    for path in paths:
        stem = doc_id_for(path)
        if stems[stem] > 1:
            stem += "-" + hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]
        ids[path] = stem
    return ids


def _progress(items: list, desc: str, show: bool) -> Iterator:
    return iter(tqdm(items, desc=desc, unit="doc", disable=not (show and sys.stderr.isatty())))


def _error(doc_id: str, source: str, stage: str, err: Exception) -> dict:
    logger.warning("%s: %s failed: %s", doc_id, stage, err)
    return {"doc_id": doc_id, "source_path": source, "stage": stage, "error": str(err)}


def run_clean(inputs: Iterable[Path], interim: Path = INTERIM_DIR, *,
              params: CleanParams = CleanParams(), strict: bool = False,
              show_progress: bool = True) -> StageReport:
    """Decode and clean every input file into `interim/clean/documents.parquet`."""
    paths = discover_inputs(inputs)
    ids = assign_doc_ids(paths)
    report = StageReport("clean", n_in=len(paths))
    rows = []
    for path in _progress(paths, "clean", show_progress):
        try:
            doc = clean_file(path, params, doc_id=ids[path])
        except (PipelineError, OSError, ValueError, RecursionError, MemoryError) as err:
            if strict:
                raise PipelineError(f"{path}: {err}") from err
            report.errors.append(_error(ids[path], str(path), "clean", err))
            continue
        if not doc.text.strip():
            err = PipelineError(f"{path}: no text left after cleaning")
            if strict:
                raise err
            report.errors.append(_error(ids[path], str(path), "clean", err))
            continue
        rows.append({"doc_id": doc.doc_id, "source_path": doc.source_path, "sha256": doc.sha256,
                     "text": doc.text})
    out = interim / "clean"
    documents = pd.DataFrame(rows, columns=["doc_id", "source_path", "sha256", "text"])
    _write_interim(documents, out / "documents.parquet")
    _write_errors(report, out)
    report.n_out = len(documents)
    return report


def run_segment(interim: Path = INTERIM_DIR, *, params: SegmentParams = SegmentParams(),
                strict: bool = False, show_progress: bool = True) -> StageReport:
    """Split cleaned documents into clauses and words: `interim/segment/clauses.parquet`."""
    from .segment import segment_document

    documents = _read_interim(interim / "clean" / "documents.parquet")
    report = StageReport("segment", n_in=len(documents))
    rows = []
    for doc in _progress(list(documents.itertuples()), "segment", show_progress):
        document = Document(doc.doc_id, doc.source_path, doc.sha256, doc.text)
        try:
            clauses = segment_document(document, params)
        except PipelineError as err:
            if strict:
                raise
            report.errors.append(_error(doc.doc_id, doc.source_path, "segment", err))
            continue
        rows.extend(clause_row(c) for c in clauses)
    out = interim / "segment"
    _write_interim(pd.DataFrame(rows, columns=_SEGMENT_COLUMNS), out / "clauses.parquet")
    _write_errors(report, out)
    report.n_out = len(rows)
    return report


_SEGMENT_COLUMNS = ["doc_id", "clause_id", "section", "text", "start", "end", "tokens",
                    "token_starts", "kind", "section_path"]


def clause_row(c: Clause) -> dict:
    """A row of the segment stage's table (the `clauses` table without labels)."""
    return {"doc_id": c.doc_id, "clause_id": c.clause_id, "section": c.section, "text": c.text,
            "start": c.start, "end": c.end, "tokens": list(c.tokens),
            "token_starts": list(c.token_starts), "kind": c.kind,
            "section_path": c.section_path}


def clauses_of(frame: pd.DataFrame) -> list:
    """`segment.Clause` records back from rows of the clauses table."""
    from .segment import Clause

    return [
        Clause(r.doc_id, int(r.clause_id), r.section, r.text, int(r.start), int(r.end),
               tuple(r.tokens), tuple(int(s) for s in r.token_starts), r.kind, r.section_path)
        for r in frame.itertuples()
    ]


def run_classify(interim: Path = INTERIM_DIR, *, show_progress: bool = True) -> StageReport:
    """Label every clause with the committed model: `interim/classify/labels.parquet`."""
    from .classify.predict import ClauseClassifier

    clauses = _read_interim(interim / "segment" / "clauses.parquet")
    classifier = ClauseClassifier()
    groups = list(clauses.groupby("doc_id", sort=False))
    report = StageReport("classify", n_in=len(groups))
    rows = []
    for doc_id, frame in _progress(groups, "classify", show_progress):
        for clause, result in zip(clauses_of(frame), classifier.predict(clauses_of(frame)),
                                  strict=True):
            rows.append({"doc_id": doc_id, "clause_id": clause.clause_id,
                         "labels": list(result.labels), "scores": result.scores})
    labels = pd.DataFrame(rows, columns=["doc_id", "clause_id", "labels", "scores"])
    _write_interim(labels, interim / "classify" / "labels.parquet")
    report.n_out = len(labels)
    return report


def run_extract(interim: Path = INTERIM_DIR, *, show_progress: bool = True) -> StageReport:
    """Facts with evidence spans from whole documents: `interim/extract/facts.parquet`."""
    from .extract.facts import extract_facts

    documents = _read_interim(interim / "clean" / "documents.parquet")
    clauses = _read_interim(interim / "segment" / "clauses.parquet")
    by_doc = dict(list(clauses.groupby("doc_id", sort=False)))
    report = StageReport("extract", n_in=len(documents))
    rows = []
    for doc in _progress(list(documents.itertuples()), "extract", show_progress):
        if doc.doc_id not in by_doc:
            continue  # failed to segment: already in errors
        for fact in extract_facts(doc.doc_id, doc.text, clauses_of(by_doc[doc.doc_id])):
            rows.append(asdict(fact))
    facts = pd.DataFrame(rows, columns=list(empty_table("facts").columns))
    _write_interim(facts, interim / "extract" / "facts.parquet")
    report.n_out = len(facts)
    return report


def run_build(interim: Path = INTERIM_DIR, out: Path = PROCESSED_DIR, *, fmt: str = "parquet",
              profile: str = "ecommerce") -> StageReport:
    """Join stage outputs into the contract tables, with the audit and quality findings."""
    check_profile(profile)
    documents = _read_interim(interim / "clean" / "documents.parquet")
    clauses = _read_interim(interim / "segment" / "clauses.parquet")
    labels = _read_interim(interim / "classify" / "labels.parquet")
    facts = _read_interim(interim / "extract" / "facts.parquet")
    clauses = clauses.merge(labels, on=["doc_id", "clause_id"], how="left")
    clauses["labels"] = clauses["labels"].map(lambda v: list(v) if v is not None else [])
    errors = pd.concat(
        [_read_errors(interim / stage) for stage in ("clean", "segment")], ignore_index=True
    )
    failed = set(errors["doc_id"])
    counts = clauses.groupby("doc_id").size()
    documents["n_chars"] = documents["text"].str.len()
    documents["n_clauses"] = documents["doc_id"].map(counts).fillna(0).astype(int)
    documents["status"] = ["error" if d in failed else "ok" for d in documents["doc_id"]]
    audit_rows, finding_rows = [], []
    fact_groups = dict(list(facts.groupby("doc_id", sort=False)))
    for doc_id, frame in clauses.groupby("doc_id", sort=False):
        doc_facts = fact_groups.get(doc_id, empty_table("facts"))
        audit_rows.extend(audit_document(doc_id, frame, doc_facts, profile))
        finding_rows.extend(find_quality_issues(doc_id, frame, doc_facts))
    report = StageReport("build", n_in=len(documents))
    tables = {
        "documents": documents, "clauses": clauses, "facts": facts,
        "audit": pd.DataFrame(audit_rows, columns=list(empty_table("audit").columns)),
        "findings": pd.DataFrame(finding_rows, columns=list(empty_table("findings").columns)),
        "errors": errors,
    }
    for name, table in tables.items():  # by doc_id, as `batch.run_batch` writes them
        report.outputs.append(write_table(table.sort_values("doc_id", kind="stable"), out,
                                          name, fmt))
    report.n_out = len(documents)
    report.errors = errors.to_dict("records")
    return report


def run_pipeline(inputs: Iterable[Path], out: Path = PROCESSED_DIR,
                 interim: Path = INTERIM_DIR, *, fmt: str = "parquet",
                 profile: str = "ecommerce", strict: bool = False,
                 clean_params: CleanParams = CleanParams(),
                 show_progress: bool = True, **batch_options: Any) -> StageReport:
    """All stages over files or folders of policies, streamed document by document.

    Same tables as the stage commands chained; `batch_options` go to `batch.run_batch`
    (workers, engine, scheduler, cache_dir, use_cache).
    """
    from .batch import run_batch

    return run_batch(inputs, out, interim, fmt=fmt, profile=profile, strict=strict,
                     clean_params=clean_params, show_progress=show_progress, **batch_options)


def _write_interim(df: pd.DataFrame, path: Path) -> None:
    from .io import atomic_write

    atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False, engine="pyarrow"))


def _read_interim(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputNotFoundError(f"{path} not found: run the earlier stages first")
    return pd.read_parquet(path)


def _write_errors(report: StageReport, directory: Path) -> None:
    errors = pd.DataFrame(report.errors, columns=list(empty_table("errors").columns))
    _write_interim(errors, directory / "errors.parquet")


def _read_errors(directory: Path) -> pd.DataFrame:
    path = directory / "errors.parquet"
    if path.is_file():
        return pd.read_parquet(path)
    return empty_table("errors")
