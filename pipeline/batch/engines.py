"""Where the per-document work runs: in this process, in a pool of processes, or on Dask.

Every engine offers `submit(fn, *args) -> future` with `future.result()`, so the batch loop is
the same for all three and the results cannot depend on the engine.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from ..config import RUN_MANIFEST, WARC_SUFFIXES
from ..errors import PipelineError

ENGINES = ("local", "dask")
TASK_SIZE = 8  # documents per task: amortises a classifier call's fixed cost, balances workers
MIN_TASKS_PER_WORKER = 4  # fewer documents than this a worker: a pool does not pay its start
# What the fork server loads before it forks a worker (`warm`: every module, the models)
WORKER_PRELOAD = ("pipeline.batch.warm",)


class Engine(Protocol):
    workers: int  # tasks that run at once (0: each runs when submitted)

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Any: ...


class InlineEngine:
    """Runs each task at once in this process: one worker needs no pool (nor its start-up)."""

    workers = 0

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future:
        future: Future = Future()
        future.set_result(fn(*args))
        return future


class PoolEngine:
    """Worker processes on this machine; `preload` names the modules each should start with.

    A pool whose worker died (killed, out of memory) is broken for good: `submit` then starts
    a new one, and `kill` ends the workers at once (an interrupted run waits for no task).
    """

    def __init__(self, workers: int, preload: Sequence[str] = ()) -> None:
        self.workers = workers
        self._context = _context(preload)
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=self._context,
                                   initializer=_ignore_interrupts)

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future:
        try:
            return self._pool.submit(fn, *args)
        except BrokenProcessPool:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = self._start()
            return self._pool.submit(fn, *args)

    def kill(self) -> None:
        """End every worker now (SIGKILL), for a run that was interrupted."""
        # `_processes` is private, but the executor has no public way to end running tasks.
        for process in list((getattr(self._pool, "_processes", None) or {}).values()):
            process.kill()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C and SIGTERM to the main process, which ends them (`kill`): no
    traceback from every worker, no worker outliving the run."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def worker_died(err: BaseException) -> bool:
    """Whether `err` says a worker process died under a task (a local pool's, or Dask's after
    its own retries)."""
    return isinstance(err, BrokenProcessPool) or type(err).__name__ == "KilledWorker"


class DaskEngine:
    """Tasks on a Dask distributed cluster (`pure=False`: every task runs, none is merged)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.workers = max(len(client.scheduler_info()["workers"]), 1)

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)


@contextmanager
def open_engine(kind: str, workers: int, scheduler: str | None = None,
                preload: Sequence[str] = (), *, quiet: bool = False,
                dashboard: bool = False) -> Iterator[Engine]:
    """An engine for the run, shut down on exit (pending tasks cancelled). For Dask, `quiet`
    keeps its log lines below errors off, and a local cluster serves its dashboard only with
    `dashboard`.

    Raises:
        PipelineError: an unknown engine, a scheduler without Dask or one that cannot be
            reached.
    """
    if kind == "dask":
        with _dask_client(workers, scheduler, quiet, dashboard) as client:
            yield DaskEngine(client)
    elif kind != "local":
        raise PipelineError(f"unknown engine {kind!r} ({' or '.join(ENGINES)})")
    elif scheduler:
        raise PipelineError("a scheduler address needs the dask engine (--engine dask)")
    elif workers <= 1:
        yield InlineEngine()
    else:
        pool = PoolEngine(workers, preload)
        try:
            yield pool
        except BaseException:
            pool.kill()
            raise
        finally:
            pool.shutdown()


def prestart(inputs: Sequence[Path], out: Path, workers: int, engine: str) -> bool:
    """Start the pool's fork server (it imports and loads what a worker needs, ~2.3 s) now,
    beside the main process's own imports, when the run will most likely want a pool: the
    local engine, several workers, a dataset folder no run has finished in (a re-run reads
    most documents from the cache) and inputs enough for two workers. An estimate: it only
    decides when the server starts, never what a run computes. True when it started it."""
    if engine != "local" or workers <= 1 or (out / RUN_MANIFEST).exists():
        return False
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    if _count_files(inputs, TASK_SIZE * MIN_TASKS_PER_WORKER + 1) <= TASK_SIZE * \
            MIN_TASKS_PER_WORKER:
        return False
    from multiprocessing import forkserver

    _context(WORKER_PRELOAD)
    forkserver.ensure_running()
    return True


def _count_files(inputs: Sequence[Path], enough: int) -> int:
    """Files under `inputs`, counted up to `enough` (a crawl counts as `enough`)."""
    count = 0
    for item in inputs:
        if item.name.lower().endswith(WARC_SUFFIXES):
            return enough
        if item.is_file():
            count += 1
        for _, _, files in os.walk(item) if item.is_dir() else ():
            count += len(files)
            if count >= enough:
                return enough
    return min(count, enough)


def _context(preload: Sequence[str]) -> multiprocessing.context.BaseContext:
    """forkserver where there is one: safe with threads (unlike fork) and, with the worker's
    modules preloaded, a new process starts without importing scikit-learn and spaCy again."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    return context


@contextmanager
def _dask_client(workers: int, scheduler: str | None, quiet: bool, dashboard: bool
                 ) -> Iterator[Any]:
    level = "ERROR" if quiet else "WARNING"
    # Workers of a local cluster are new processes: they read the level from the environment.
    os.environ["DASK_LOGGING__DISTRIBUTED"] = level.lower()
    from dask.distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(level)  # Dask sets INFO on import
    if scheduler:
        try:
            client = Client(scheduler)  # waits distributed.comm.timeouts.connect
        except OSError as err:
            raise PipelineError(f"cannot reach the Dask scheduler {scheduler}: {err}") from err
        with client:
            yield client
        return
    # The scheduler always serves HTTP (health, metrics): without the dashboard, on a free
    # loopback port instead of 8787.
    http = {"dashboard": dashboard,
            "dashboard_address": "127.0.0.1:8787" if dashboard else "127.0.0.1:0"}
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", silence_logs=level, scheduler_kwargs=http) as cluster, \
            Client(cluster) as client:
        yield client
