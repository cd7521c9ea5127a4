"""`vnpolicy run`: every stage per document, in parallel, streamed into the dataset tables.

Documents go in `doc_id` order to `worker.process_batch`, `TASK_SIZE` per task (one classifier
call per task), on the chosen engine; results are taken back in the same order and appended
`CHUNK_SIZE` documents at a time, so memory stays flat whatever the corpus size, and the
tables do not depend on the number of workers or the engine. A document whose bytes, code and
parameters did not change is read from the cache instead; an interrupted run resumes from it.
When nothing changed at all (same files, code, parameters; the tables as that run left them,
`MANIFEST` says), the run stops there.
"""

from __future__ import annotations

import logging
import sys
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

from ..audit import DEFAULT_PROFILE, check_profile
from ..clean.crawl import CrawlPage, Expanded, expand_crawls
from ..clean.decode import check_size
from ..clean.inputs import assign_doc_ids, discover_inputs, shown
from ..config import CACHE_DIRNAME, CleanParams, SegmentParams
from ..document import Settings
from ..errors import InputNotFoundError, Interrupted, PipelineError
from ..formats import FORMATS, table_files
from ..io import check_output_folder, locked_folder, remove_stale_temps
from ..limits import MAX_SECONDS
from ..memo import MEMO_SIZE
from ..records import StageReport
from ..schema import DATASET_TABLES, INPUT_COLUMNS, TABLES
from .cache import ResultCache, Rows, code_version, decode_rows, input_key, save_memo
from .engines import (
    MIN_TASKS_PER_WORKER,
    TASK_SIZE,
    WORKER_PRELOAD,
    Engine,
    open_engine,
    worker_died,
)
from .manifest import MANIFEST, input_signature, up_to_date, write_manifest
from .worker import DocInput, WorkSettings, process_batch
from .writer import DatasetWriter

logger = logging.getLogger(__name__)

CHUNK_SIZE = 64  # documents per row group of the output tables
TASKS_PER_WORKER = 2  # tasks in flight per worker: none idles while the main process writes
TABLE_FILES = sorted({file for fmt in FORMATS for file in table_files(DATASET_TABLES, fmt)})


@dataclass(frozen=True)
class _Input:
    """One policy file of the run, hashed (its bytes are read again only if needed)."""

    path: Path
    doc_id: str
    key: str = ""  # cache key of its bytes; "" when it could not be read
    error: str = ""
    page: CrawlPage | None = None  # a page of a crawl: its bytes, URL and fetch date


@dataclass
class _Slot:
    """One document on its way through the run."""

    doc_id: str
    source_path: str
    key: str = ""  # cache key of its bytes
    item: DocInput | None = None  # still to process
    rows: Rows | None = None  # its rows, once known
    cached: bool = False
    url: str = ""  # a page of a crawl: its address and fetch time
    fetched_at: str = ""

    @property
    def errors(self) -> list[dict]:
        """Its rows of the `errors` table."""
        table = self.rows["errors"] if self.rows else {"stage": [], "error": []}
        return [{"doc_id": self.doc_id, "source_path": self.source_path, "stage": stage,
                 "error": error}
                for stage, error in zip(table["stage"], table["error"], strict=True)]


def run_pipeline(inputs: Iterable[Path], out: Path, interim: Path | None = None, *,
                 fmt: str = "parquet", profile: str = DEFAULT_PROFILE, strict: bool = False,
                 clean_params: CleanParams = CleanParams(),
                 segment_params: SegmentParams = SegmentParams(),
                 max_seconds: float | None = MAX_SECONDS, show_progress: bool = True,
                 workers: int = 1, engine: str = "local", scheduler: str | None = None,
                 cache_dir: Path | None = None, use_cache: bool = True,
                 follow_symlinks: bool = False, quiet: bool = False,
                 dashboard: bool = False) -> StageReport:
    """All stages over files, folders or crawls of policies, into the dataset tables of `out`.

    Args:
        interim: kept for older callers: the cache then defaults to `<interim>/cache`.
        max_seconds: each document's time for all its stages (None: no limit).
        workers: processes (`local`) or Dask workers of a new local cluster.
        engine: `local` (this machine) or `dask` (`scheduler` address, else a local cluster).
        cache_dir: per-document results (default `<out>/.cache`); `use_cache=False` neither
            reads nor writes it.
        follow_symlinks: read links in the input folders to files outside them too.
        quiet: no log lines of Dask below errors; `dashboard`: serve a local cluster's.

    Raises:
        PipelineError: no input at all, a missing input, an `out` that is a file, an unknown
            engine or format, an unreachable scheduler; with `strict`, the first file that
            fails.
    """
    profile = check_profile(profile)
    check_output_folder(out)
    if cache_dir is None:
        cache_dir = interim / "cache" if interim is not None else out / CACHE_DIRNAME
    skipped: list[tuple[str, str]] = []
    paths = discover_inputs(inputs, follow_symlinks=follow_symlinks, skipped=skipped,
                            exclude=[out, cache_dir, *([interim] if interim else [])])
    crawled = expand_crawls(paths, clean_params, skipped)
    paths = crawled.paths
    if not paths:
        raise InputNotFoundError(no_input_message(inputs, skipped))
    ids = assign_doc_ids(paths)
    options = _Options(fmt, strict, show_progress, workers, engine, scheduler,
                       cache_dir if use_cache else None, quiet, dashboard)
    with locked_folder(out):  # one run at a time per --out
        remove_stale_temps(out, [*TABLE_FILES, MANIFEST])  # left by a run that was killed
        report = _run_locked(paths, ids, out, options,
                             Settings(clean_params, segment_params, profile, max_seconds),
                             crawled)
    report.skipped = skipped
    return report


@dataclass(frozen=True)
class _Options:
    """How a run works, apart from what a document's rows depend on (`Settings`)."""

    fmt: str
    strict: bool
    show_progress: bool
    workers: int
    engine: str
    scheduler: str | None
    cache_dir: Path | None  # None: no cache
    quiet: bool = False
    dashboard: bool = False


def _run_locked(paths: list[Path], ids: dict[Path, str], out: Path, options: _Options,
                document: Settings, crawled: Expanded) -> StageReport:
    """`run_pipeline` with the lock of `out` held."""
    clean_params = document.clean
    version = code_version(document.clean, document.segment, document.profile)
    cache = ResultCache(options.cache_dir, version) if options.cache_dir else None
    found = _hash_inputs(sorted(paths, key=ids.__getitem__), ids, clean_params, crawled)
    signature = input_signature([(i.doc_id, shown(i.path), i.key, i.error) for i in found],
                                version, options.fmt)
    if cache and (done := up_to_date(out, signature)) is not None:
        logger.info("run: the dataset in %s was made from these %d files: nothing to do", out,
                    len(found))
        return StageReport("run", n_in=len(found), n_out=done["n_out"], n_cached=len(found),
                           outputs=[out / name for name in done["outputs"]], up_to_date=True,
                           cache_dir=str(options.cache_dir))
    settings = WorkSettings(document, version, str(cache.memo_path) if cache else None)
    todo = sum(1 for item in found if not item.error and not (cache and cache.has(item.key)))
    engine, scheduler, workers = options.engine, options.scheduler, options.workers
    if not todo:  # everything is in the cache: no pool or cluster to start
        engine, scheduler = "local", None
    if engine == "local":  # a worker costs ~1 s to start: only worth it with a few tasks
        workers = min(workers, -(-todo // (TASK_SIZE * MIN_TASKS_PER_WORKER)))
    report = StageReport("run", n_in=len(paths),
                         cache_dir=str(options.cache_dir) if cache else "")
    memo: dict[str, dict[str, Any]] = {"tokens": {}, "scores": {}}
    with open_engine(engine, workers, scheduler, WORKER_PRELOAD, quiet=options.quiet,
                     dashboard=options.dashboard) as pool, _kept_on_interrupt(report):
        logger.info("run: %d documents, engine %s, %d workers, cache %s", len(paths), engine,
                    pool.workers, cache.dir if cache else "off")
        slots = (_read(item, clean_params, cache) for item in found)
        tasks = (_submit(pool, list(group), settings) for group in _batched(slots, TASK_SIZE))
        finished = _in_order(tasks, TASKS_PER_WORKER * pool.workers,
                             _Results(pool, settings, cache, memo))
        digests = _write_dataset(finished, out, options.fmt, report, options.strict,
                                 options.show_progress)
    if cache and any(memo.values()):
        save_memo(cache.memo_path, memo, cache.key)
    complete = bool(cache) and not cache.write_failures and not report.errors
    write_manifest(out, signature, report, digests, complete=complete)
    logger.info("run: %d in, %d out, %d failed, %d from cache", report.n_in, report.n_out,
                len(report.errors), report.n_cached)
    return report


def no_input_message(inputs: Iterable[Path], skipped: list[tuple[str, str]]) -> str:
    """Why a run found nothing to read, naming what it skipped."""
    named = " ".join(str(item) for item in inputs)
    if not skipped:
        return f"no policy files in {named}"
    reasons = Counter(reason.split(" (")[0] for _, reason in skipped)
    detail = "; ".join(f"{n} {reason}" for reason, n in sorted(reasons.items()))
    return f"no policy files in {named}: {len(skipped)} skipped ({detail}; -v lists them)"


@contextmanager
def _kept_on_interrupt(report: StageReport) -> Iterator[None]:
    """On Ctrl-C or SIGTERM, say what was kept and how to go on (the message is printed by
    the entry point, after the clean-up)."""
    try:
        yield
    except Interrupted as stop:
        done = report.n_out + len(report.errors)
        if report.cache_dir:
            stop.detail = (f"{done} of {report.n_in} documents were done and are kept in the "
                           f"cache {report.cache_dir}; run the same command again to continue "
                           "from there")
        else:
            stop.detail = (f"{done} of {report.n_in} documents were done; without the cache "
                           "(--no-cache) a new run starts again from the first")
        raise


def _write_dataset(slots: Iterable[_Slot], out: Path, fmt: str, report: StageReport,
                   strict: bool, show_progress: bool) -> dict[str, str]:
    """Append the documents, in order, to the tables of `out`, `CHUNK_SIZE` at a time, and
    publish the tables when all are written; returns their sha256 by file name.

    Raises:
        PipelineError: a table cannot be written (a full disk): the previous tables stay.
    """
    try:
        return _write_tables(slots, out, fmt, report, strict, show_progress)
    except OSError as err:
        raise PipelineError(f"cannot write the dataset in {out} ({err}): the tables there are "
                            "those of the previous run, unchanged") from err


def _write_tables(slots: Iterable[_Slot], out: Path, fmt: str, report: StageReport,
                  strict: bool, show_progress: bool) -> dict[str, str]:
    with DatasetWriter(out, DATASET_TABLES, fmt) as writer, \
            _progress_bar(report.n_in, show_progress) as bar:
        chunk: list[_Slot] = []
        for number, slot in enumerate(slots):
            if number == 0:  # the clock starts with the work, not with the workers' start-up
                bar.reset()
            _count(slot, report, strict)
            chunk.append(slot)
            if len(chunk) == CHUNK_SIZE:
                writer.write(_columns(chunk))
                chunk = []
            bar.set_postfix(failed=len(report.errors), refresh=False)
            bar.update()
        writer.write(_columns(chunk))
        report.outputs = writer.commit()
    return writer.digests


def _count(slot: _Slot, report: StageReport, strict: bool) -> None:
    """Add a finished document to the report; with `strict`, stop at its first error."""
    report.n_cached += slot.cached
    report.n_out += len(slot.rows["documents"]["text"])
    for error in slot.errors:
        logger.warning("%s: %s failed: %s", slot.doc_id, error["stage"], error["error"])
        if strict:
            raise PipelineError(f"{slot.doc_id}: {error['stage']} failed: {error['error']}")
        report.errors.append(error)


def _hash_inputs(paths: list[Path], ids: dict[Path, str], params: CleanParams,
                 crawled: Expanded) -> list[_Input]:
    """Each file's (or crawl page's) cache key, or why it cannot be read."""
    found = []
    for path in paths:
        page = crawled.pages.get(path)
        if path in crawled.errors:
            found.append(_Input(path, ids[path], error=shown(crawled.errors[path])))
            continue
        try:
            data = page.data if page else _file_bytes(path, params)
            found.append(_Input(path, ids[path], input_key(data, path), page=page))
        except (PipelineError, OSError) as err:
            found.append(_Input(path, ids[path], error=shown(err)))
    return found


def _file_bytes(path: Path, params: CleanParams) -> bytes:
    check_size(path.stat().st_size, path, params)
    return path.read_bytes()


def _read(item: _Input, params: CleanParams, cache: ResultCache | None) -> _Slot:
    """A document's rows from the cache, or its bytes to process."""
    slot = _Slot(item.doc_id, shown(item.path), item.key)
    if item.page:
        slot.url, slot.fetched_at = item.page.url, item.page.fetched_at
    if item.error:
        slot.rows = _failed("clean", item.error)
        return slot
    slot.rows = cache.get(item.key) if cache else None
    slot.cached = slot.rows is not None
    if slot.cached:
        return slot
    try:
        data = item.page.data if item.page else _file_bytes(item.path, params)
    except (PipelineError, OSError) as err:
        slot.rows = _failed("clean", shown(err))
        return slot
    slot.key = input_key(data, item.path)  # it may have changed since it was hashed
    slot.item = DocInput(item.doc_id, shown(item.path), data)
    return slot


def _failed(stage: str, error: str) -> Rows:
    """The rows of a file that could not even be read: one `errors` row."""
    rows: Rows = {name: {column: [] for column in TABLES[name] if column not in INPUT_COLUMNS}
                  for name in DATASET_TABLES}
    rows["errors"] = {"stage": [stage], "error": [error]}
    return rows


def _batched(slots: Iterable[_Slot], size: int) -> Iterator[tuple[_Slot, ...]]:
    iterator = iter(slots)
    while group := tuple(islice(iterator, size)):
        yield group


def _submit(pool: Engine, slots: list[_Slot], settings: WorkSettings
            ) -> tuple[list[_Slot], Any]:
    """Send the documents of `slots` that are not known yet to the engine, as one task."""
    items = [slot.item for slot in slots if slot.item is not None]
    return slots, pool.submit(process_batch, items, settings) if items else None


def _in_order(tasks: Iterator[tuple[list[_Slot], Any]], ahead: int, results: _Results
              ) -> Iterator[_Slot]:
    """Documents in input order, keeping `ahead` tasks in flight."""
    pending: deque = deque()
    for task in tasks:
        pending.append(task)
        while len(pending) > ahead or (pending and pending[0][1] is None):
            yield from results.finish(*pending.popleft())
    while pending:
        yield from results.finish(*pending.popleft())


@dataclass
class _Results:
    """Takes each task's output back: fresh results are cached (unless the document failed),
    repeated memo entries collected, and the documents of a task whose worker died (killed,
    out of memory) are retried once each, alone, on a new worker, then reported."""

    pool: Engine
    settings: WorkSettings
    cache: ResultCache | None
    memo: dict[str, dict[str, Any]]

    def finish(self, slots: list[_Slot], future: Any) -> list[_Slot]:
        if future is None:
            return slots
        todo = [slot for slot in slots if slot.item is not None]
        try:
            self._take(todo, future.result())
        except Exception as err:
            if not worker_died(err):
                raise
            logger.warning("a worker died (%s): retrying its %d documents one by one", err,
                           len(todo))
            for slot in todo:
                self._retry(slot)
        return slots

    def _retry(self, slot: _Slot) -> None:
        assert slot.item is not None
        try:
            self._take([slot], self.pool.submit(process_batch, [slot.item],
                                                self.settings).result())
        except Exception as err:
            if not worker_died(err):
                raise
            slot.rows, slot.item = _failed("process", (
                f"{slot.source_path}: the worker process died twice while processing it "
                f"(killed, or out of memory: {type(err).__name__})")), None

    def _take(self, todo: list[_Slot], output: Any) -> None:
        for slot, payload in zip(todo, output.payloads, strict=True):
            slot.rows, slot.item = decode_rows(payload), None
            if self.cache and not slot.errors:
                self.cache.put(slot.key, payload)
        for table, entries in output.memo.items():
            room = MEMO_SIZE - len(self.memo[table])
            self.memo[table].update(dict(islice(entries.items(), max(room, 0))))


def _columns(slots: list[_Slot]) -> dict[str, dict[str, list]]:
    """The chunk's columns per table, each document's rows stamped with its `doc_id` and
    path."""
    tables = {}
    for name in DATASET_TABLES:
        columns: dict[str, list] = {column: [] for column in TABLES[name]}
        for slot in slots:
            table = slot.rows[name]
            n_rows = len(next(iter(table.values())))
            stamp = {"doc_id": slot.doc_id, "source_path": slot.source_path,
                     "url": slot.url, "fetched_at": slot.fetched_at}
            for column, values in columns.items():
                values.extend([stamp[column]] * n_rows if column in stamp else table[column])
        tables[name] = columns
    return tables


@contextmanager
def _progress_bar(total: int, show: bool) -> Iterator[tqdm]:
    """tqdm over documents (rate, ETA, failures so far), only when stderr is a terminal; log
    lines are routed around it."""
    show = show and sys.stderr.isatty()
    with tqdm(total=total, desc="run", unit="doc", disable=not show, dynamic_ncols=True,
              postfix={"failed": 0}) as bar, (logging_redirect_tqdm() if show else nullcontext()):
        yield bar
