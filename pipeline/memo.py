"""Bounded memo tables for work that templated policies repeat.

Policies copied from one template share most of their sentences, so the words of a clause
(underthesea `word_tokenize`, the costliest step of `segment`), the classifier's
probabilities for a clause's features and the cue phrases in a clause are computed once per
process. Tables are passed to the functions that use them (a `Memos` per process), never
read from module globals. Values are JSON-shaped (lists, strings, numbers): the words and
probabilities that did repeat are saved in the cache at the end of a run and seed the next one
(`cache.load_memo`, `cache.save_memo`).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MEMO_SIZE = 20_000  # entries per table and process: tens of MB, whatever the corpus size
CUE_TEXTS_SIZE = 5_000  # an entry holds the text twice and up to ~70 cue results


_KEY_SEPARATOR = "\x00\x1f"


def memo_key(*parts: str) -> str:
    """A short digest of `parts`: keys stay small however long the clause.

    Examples:
        >>> len(memo_key("Dữ liệu được lưu trữ trong 24 tháng."))
        32
        >>> memo_key("a", "b") == memo_key("a\\x1fb", "")
        False
    """
    # Each part followed by "\x00\x1f", hashed in one call (a clause's words are dozens of
    # parts: one update per part cost more than the hashing).
    data = _KEY_SEPARATOR.join(parts) + _KEY_SEPARATOR if parts else ""
    return hashlib.blake2b(data.encode("utf-8"), digest_size=16).hexdigest()


class Memo:
    """A least-recently-used table that remembers which of its own entries were asked for again.

    Those repeated entries are the ones worth saving for the next run; entries seeded from an
    earlier run are never reported again. A lock makes it safe in a threaded Dask worker.
    """

    def __init__(self, maxsize: int = MEMO_SIZE) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[str, Any] = OrderedDict()
        self._fresh: set[str] = set()  # computed here, asked for once so far
        self._repeated: set[str] = set()  # computed here, asked for again, not yet taken
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: str) -> Any | None:
        """The value of `key`, or None (values are never None)."""
        with self._lock:
            if key not in self._data:
                return None
            self._data.move_to_end(key)
            if key in self._fresh:
                self._fresh.discard(key)
                self._repeated.add(key)
            return self._data[key]

    def put(self, key: str, value: Any, repeated: bool = False) -> None:
        """Store a value computed in this process (`repeated`: it was needed more than once)."""
        with self._lock:
            self._data[key] = value
            (self._repeated if repeated else self._fresh).add(key)
            self._trim()

    def get_or_compute(self, key: str, compute: Callable[[], Any]) -> Any:
        """The value of `key`, from the table or from `compute()` (an exception stores nothing).

        Examples:
            >>> memo = Memo(2)
            >>> memo.get_or_compute("k", lambda: ["thông_tin"])
            ['thông_tin']
            >>> memo.get_or_compute("k", lambda: 1 / 0)
            ['thông_tin']
            >>> memo.take_repeated()
            {'k': ['thông_tin']}
        """
        value = self.get(key)
        if value is None:
            value = compute()
            self.put(key, value)
        return value

    def seed(self, entries: dict[str, Any]) -> None:
        """Add entries known from an earlier run (oldest first if the table overflows)."""
        with self._lock:
            for key, value in entries.items():
                self._data.setdefault(key, value)
            self._trim()

    def clear(self) -> None:
        """Forget every entry (a test that needs a cold start)."""
        with self._lock:
            self._data.clear()
            self._fresh.clear()
            self._repeated.clear()

    def take_repeated(self) -> dict[str, Any]:
        """Entries computed here and asked for again since the last call."""
        with self._lock:
            taken = {key: self._data[key] for key in self._repeated if key in self._data}
            self._repeated.clear()
        return taken

    def _trim(self) -> None:
        while len(self._data) > self.maxsize:
            key, _ = self._data.popitem(last=False)
            self._fresh.discard(key)
            self._repeated.discard(key)


@dataclass
class Memos:
    """The memo tables a process keeps for the document flow (the classifier keeps its own)."""

    tokens: Memo = field(default_factory=Memo)  # clause text -> (words, offsets in the clause)
    cues: Memo = field(default_factory=Memo)  # clause text and words -> cue spans in it
    # clause text -> its lower case with each audit cue's result (`audit.cues.CueText`)
    cue_texts: Memo = field(default_factory=lambda: Memo(CUE_TEXTS_SIZE))
