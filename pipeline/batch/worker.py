"""The per-document work of a batch, wherever the engine runs it (this process, a pool
process, a Dask worker on another machine): it gets bytes rather than paths and returns
encoded rows. What it loads, the classifier and the memo of earlier runs, is loaded once per
process; the classifier and spaCy are loaded on first use, so a run served from the cache
never loads them.
"""

from __future__ import annotations

import gc
import logging
import os
import socket
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..document import Outcome, Settings, outcome_rows, process_documents
from ..errors import PipelineError
from ..memo import Memos
from ..records import split_section_path
from ..schema import DATASET_TABLES, INPUT_COLUMNS, TABLES
from .cache import PACKED_LISTS, Rows, code_version, encode_rows, load_key, load_memo

if TYPE_CHECKING:
    from ..classify.predict import ClauseClassifier

logger = logging.getLogger(__name__)

@dataclass(frozen=True)
class WorkSettings:
    """What every task of a run shares; `version` is the code version the main process runs."""

    document: Settings
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
    from ..classify.predict import ClauseClassifier

    logger.debug("loading the clause classifier in process %d", os.getpid())
    return ClauseClassifier()


MEMOS = Memos()  # this process's memo tables, shared by the tasks it runs


@lru_cache(maxsize=4)
def _seed_memo(path: str | None) -> None:
    if path and Path(path).is_file():  # <cache root>/<code version>/memo.json.gz
        memo = load_memo(Path(path), load_key(Path(path).parents[1]))
        MEMOS.tokens.seed(memo.get("tokens", {}))
        classifier().memo.seed(memo.get("scores", {}))


def process_batch(items: list[DocInput], settings: WorkSettings) -> BatchOutput:
    """Rows of every dataset table for each input; a bad file gets an `errors` row.

    Raises:
        PipelineError: this process runs other code or another model than the main process.
    """
    doc = settings.document
    mine = code_version(doc.clean, doc.segment, doc.profile)
    if mine != settings.version:
        raise PipelineError(f"worker {socket.gethostname()} runs code version {mine}, the run "
                            f"{settings.version}: install the same checkout on every machine")
    _seed_memo(settings.memo_path)
    outcomes = process_documents([(item.doc_id, item.source_path, item.data) for item in items],
                                 doc, classifier(), MEMOS)
    _freeze_what_is_loaded()
    return BatchOutput(
        [encode_rows(_columns(outcome)) for outcome in outcomes],
        {"tokens": MEMOS.tokens.take_repeated(), "scores": classifier().memo.take_repeated()},
    )


@lru_cache(maxsize=1)
def _freeze_what_is_loaded() -> None:
    """After a process's first task, what it loaded (models, vocabularies, spaCy) is there
    for good: `gc.freeze` keeps the collector from walking it again at every full collection
    (half of a one-worker run's collection time, ~2 s in 1,000 unique policies)."""
    gc.freeze()


def _columns(outcome: Outcome) -> Rows:
    """A document's rows as columns of the contract, without the input's name, with the
    `PACKED_LISTS` columns packed (as `cache.encode_rows` takes them)."""
    rows = outcome_rows(outcome, [name for name in DATASET_TABLES if name != "clauses"])
    return {name: _clause_columns(outcome) if name == "clauses" else
            {column: [row[column] for row in rows[name]] for column in _own_columns(name)}
            for name in DATASET_TABLES}


def _clause_columns(outcome: Outcome) -> dict[str, list]:
    """The `clauses` rows (`ClauseLabels.to_row`) as columns, read off the records with no
    row dict between (most of a document's rows); tuples stay tuples, JSON writes lists."""
    clauses, results = outcome.clauses or [], outcome.labels
    if len(results) != len(clauses):
        raise ValueError(f"{outcome.doc_id}: {len(results)} labels for {len(clauses)} clauses")
    columns = {
        "clause_id": [c.clause_id for c in clauses], "section": [c.section for c in clauses],
        "text": [c.text for c in clauses], "start": [c.start for c in clauses],
        "end": [c.end for c in clauses],
        "tokens": [PACKED_LISTS["tokens"].join(c.tokens) for c in clauses],
        "labels": [r.labels for r in results], "scores": [r.scores for r in results],
        "kind": [c.kind for c in clauses],
        "section_path": [split_section_path(c.section_path) for c in clauses],
        "token_starts": [PACKED_LISTS["token_starts"].join(map(str, c.token_starts))
                         for c in clauses],
        "heading_level": [c.heading_level for c in clauses],
    }
    return {column: columns[column] for column in _own_columns("clauses")}


@cache
def _own_columns(name: str) -> tuple[str, ...]:
    """A table's columns of the contract less the input's name, in the contract's order."""
    return tuple(column for column in TABLES[name] if column not in INPUT_COLUMNS)
