"""A time limit around one document's work, enforced where the work runs.

In a process's main thread (the inline engine, a pool worker) an interval timer's SIGALRM
raises `TimeLimitExceeded` at the next bytecode, and regular-expression matching checks for
signals too, so a catastrophic pattern is interrupted. Elsewhere (a Dask worker runs tasks in
threads, where signals cannot be delivered) a timer thread raises it asynchronously in the
working thread, between bytecodes.
"""

from __future__ import annotations

import ctypes
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from .errors import TimeLimitExceeded

# A document's work is bounded by this many seconds unless `--max-seconds` says otherwise: far
# above what a real policy takes (~0.1 s; a 20 MB text, the size limit, about 5 minutes).
MAX_SECONDS = 900.0


@contextmanager
def time_limit(seconds: float | None, message: str = "time limit exceeded") -> Iterator[None]:
    """Raise `TimeLimitExceeded(message)` in the block if it runs longer than `seconds`
    (None: no limit; 0 or less: the limit is already spent)."""
    if seconds is None:
        yield
        return
    if seconds <= 0:
        raise TimeLimitExceeded(message)
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm(seconds, message):
            yield
    else:
        with _thread_timer(seconds):
            try:
                yield
            except TimeLimitExceeded as err:  # raised asynchronously, without a message
                raise TimeLimitExceeded(message) from err


@contextmanager
def _alarm(seconds: float, message: str) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeLimitExceeded(message)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _set_async_exc(ident: int, exception: type[BaseException] | None) -> None:
    """Raise `exception` in thread `ident` at its next bytecode (None: cancel a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(ident), ctypes.py_object(exception) if exception else None)


@contextmanager
def _thread_timer(seconds: float) -> Iterator[None]:
    """A timer thread that raises `TimeLimitExceeded` in this thread unless the block ended;
    the lock makes "ended" and "raised" exclusive, and a pending exception is cleared."""
    ident, lock, state = threading.get_ident(), threading.Lock(), {"done": False}

    def expire() -> None:
        with lock:
            if not state["done"]:
                _set_async_exc(ident, TimeLimitExceeded)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            timer.cancel()
        _set_async_exc(ident, None)
