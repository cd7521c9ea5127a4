"""The per-document work of a batch: clean, segment, classify, extract and audit a few policies.

It runs wherever the engine puts it (the main process, a pool process, a Dask worker on
another machine), so it gets bytes rather than paths and returns plain encoded rows. What it
loads, the classifier and the memo of earlier runs, is loaded once per process; scikit-learn
and spaCy are imported on first use, so a run served from the cache never imports them.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .audit import audit_document, find_quality_issues
from .cache import Rows, code_version, encode_rows, load_memo
from .clean import clean_bytes
from .config import CleanParams, SegmentParams
from .errors import PipelineError
from .memo import TOKENS
from .runner import clause_row
from .schema import TABLES
from .segment import Clause, segment_document

if TYPE_CHECKING:
    from .classify.predict import ClauseClassifier, ClauseLabels

logger = logging.getLogger(__name__)

# What a worker imports on first use (~2 s); `engines` has a forkserver import it only once.
PRELOAD = ("pipeline.worker", "pipeline.classify.predict", "pipeline.extract.facts",
           "pipeline.classify.skops_io",
           "underthesea")

DATASET_TABLES: tuple[str, ...] = ("documents", "clauses", "facts", "audit", "findings",
                                   "errors")
INPUT_COLUMNS = ("doc_id", "source_path")  # stamped by the main process, never cached
CLEAN_ERRORS = (PipelineError, OSError, ValueError, RecursionError, MemoryError)


@dataclass(frozen=True)
class WorkSettings:
    """What every task of a run shares; `version` is the code version the main process runs."""

    clean: CleanParams
    segment: SegmentParams
    profile: str
    version: str
    memo_path: str | None = None  # memo saved by earlier runs, used if this machine sees it


@dataclass(frozen=True)
class DocInput:
    """One policy file as the main process read it."""

    doc_id: str
    source_path: str
    data: bytes


@dataclass(frozen=True)
class BatchOutput:
    """Encoded rows per input (`cache.encode_rows`) and the memo entries that repeated."""

    payloads: list[bytes]
    memo: dict[str, dict[str, Any]]


@lru_cache(maxsize=1)
def classifier() -> ClauseClassifier:
    """The committed model, loaded once per process."""
    from .classify.predict import ClauseClassifier

    logger.debug("loading the clause classifier in process %d", os.getpid())
    return ClauseClassifier()


@lru_cache(maxsize=4)
def _seed_memo(path: str | None) -> None:
    if path and Path(path).is_file():
        memo = load_memo(Path(path))
        TOKENS.seed(memo.get("tokens", {}))
        classifier().memo.seed(memo.get("scores", {}))


def process_batch(items: list[DocInput], settings: WorkSettings) -> BatchOutput:
    """Rows of every dataset table for each input; a bad file gets an `errors` row.

    Raises:
        PipelineError: this process runs other code or another model than the main process.
    """
    mine = code_version(settings.clean, settings.segment, settings.profile)
    if mine != settings.version:
        raise PipelineError(f"worker {socket.gethostname()} runs code version {mine}, the run "
                            f"{settings.version}: install the same checkout on every machine")
    _seed_memo(settings.memo_path)
    rows = [_clean_and_segment(item, settings) for item in items]
    segmented = [(doc_rows, clauses) for doc_rows, clauses in rows if clauses is not None]
    labels = classifier().predict_many([clauses for _, clauses in segmented])
    for (doc_rows, clauses), doc_labels in zip(segmented, labels, strict=True):
        _add_results(doc_rows, clauses, doc_labels, settings.profile)
    return BatchOutput(
        [encode_rows(_columns(doc_rows)) for doc_rows, _ in rows],
        {"tokens": TOKENS.take_repeated(), "scores": classifier().memo.take_repeated()},
    )


def _clean_and_segment(item: DocInput, settings: WorkSettings
                       ) -> tuple[dict[str, list[dict]], list[Clause] | None]:
    """Row dicts so far, and the clauses (None when the document failed)."""
    rows: dict[str, list[dict]] = {name: [] for name in DATASET_TABLES}
    path = Path(item.source_path)
    try:
        doc = clean_bytes(item.data, path, settings.clean, item.doc_id)
        if not doc.text.strip():
            raise PipelineError(f"{path}: no text left after cleaning")
    except CLEAN_ERRORS as err:
        rows["errors"].append({"stage": "clean", "error": str(err)})
        return rows, None
    document = {"sha256": doc.sha256, "text": doc.text, "n_chars": len(doc.text),
                "n_clauses": 0, "status": "ok"}
    rows["documents"].append(document)
    try:
        clauses = segment_document(doc, settings.segment)
    except PipelineError as err:
        document["status"] = "error"
        rows["errors"].append({"stage": "segment", "error": str(err)})
        return rows, None
    document["n_clauses"] = len(clauses)
    return rows, clauses


def _add_results(rows: dict[str, list[dict]], clauses: list[Clause],
                 labels: list[ClauseLabels], profile: str) -> None:
    """Clauses with labels, facts, audit and findings (none for a policy without clauses,
    as in `runner.run_extract` and `run_build`)."""
    from .extract.facts import extract_facts

    if not clauses:
        return
    rows["clauses"] = [{**clause_row(clause), "labels": list(result.labels),
                        "scores": result.scores}
                       for clause, result in zip(clauses, labels, strict=True)]
    doc_id, text = clauses[0].doc_id, rows["documents"][0]["text"]
    rows["facts"] = [dict(vars(fact)) for fact in extract_facts(doc_id, text, clauses)]
    rows["audit"] = audit_document(doc_id, rows["clauses"], rows["facts"], profile)
    rows["findings"] = find_quality_issues(doc_id, rows["clauses"], rows["facts"])


def _columns(rows: dict[str, list[dict]]) -> Rows:
    """Row dicts as columns of the contract, without the input's name."""
    return {name: {column: [row[column] for row in rows[name]]
                   for column in TABLES[name] if column not in INPUT_COLUMNS}
            for name in DATASET_TABLES}
