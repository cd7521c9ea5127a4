"""Where the per-document work runs: in this process, in a pool of processes, or on Dask.

Every engine offers `submit(fn, *args) -> future` with `future.result()`, so the batch loop is
the same for all three and the results cannot depend on the engine.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Protocol

from ..errors import PipelineError

ENGINES = ("local", "dask")


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


class PoolEngine(ProcessPoolExecutor):
    """Worker processes on this machine; `preload` names the modules each should start with."""

    def __init__(self, workers: int, preload: Sequence[str] = ()) -> None:
        super().__init__(workers, mp_context=_context(preload))
        self.workers = workers


class DaskEngine:
    """Tasks on a Dask distributed cluster (`pure=False`: every task runs, none is merged)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.workers = max(len(client.scheduler_info()["workers"]), 1)

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)


@contextmanager
def open_engine(kind: str, workers: int, scheduler: str | None = None,
                preload: Sequence[str] = ()) -> Iterator[Engine]:
    """An engine for the run, shut down on exit (pending tasks cancelled).

    Raises:
        PipelineError: an unknown engine, a scheduler without Dask or one that cannot be
            reached.
    """
    if kind == "dask":
        with _dask_client(workers, scheduler) as client:
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
        finally:
            pool.shutdown(cancel_futures=True)


def _context(preload: Sequence[str]) -> multiprocessing.context.BaseContext:
    """forkserver where there is one: safe with threads (unlike fork) and, with the worker's
    modules preloaded, a new process starts without importing scikit-learn and spaCy again."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    return context


@contextmanager
def _dask_client(workers: int, scheduler: str | None) -> Iterator[Any]:
    from dask.distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler)  # waits distributed.comm.timeouts.connect
        except OSError as err:
            raise PipelineError(f"cannot reach the Dask scheduler {scheduler}: {err}") from err
        with client:
            yield client
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None, host="127.0.0.1") as cluster, \
            Client(cluster) as client:
        yield client
