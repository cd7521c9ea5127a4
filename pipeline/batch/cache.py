"""Per-document results kept between runs, so a re-run only processes what changed.

An entry holds the rows one policy contributes to every dataset table, without `doc_id` and
`source_path` (they belong to the input's name, not to its bytes), as gzip'd JSON under
`<cache>/<code version>/<sha256[:2]>/<sha256>-<suffix>.json.gz`, written atomically. JSON,
never pickle: reading a cache cannot run code. The code version covers `__version__`, the
source of the modules that make a document's rows, the model and the parameters, so any
change to them starts from an empty cache.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import __version__
from ..config import MODEL_META_PATH, MODEL_PATH, CleanParams, SegmentParams
from ..io import atomic_write
from ..memo import MEMO_SIZE

logger = logging.getLogger(__name__)

Rows = dict[str, dict[str, list]]  # table -> column -> values, for one document
MEMO_FILE = "memo.json.gz"
# Modules that parse commands, run the stage commands, read a built dataset or serve the
# annotators: editing them keeps the cache.
NOT_PER_DOCUMENT = ("__main__.py", "cli.py", "stages.py", "evaluate.py", "annotations.py",
                    "annotation_tool.py", "split.py", "compare/", "report/")


@lru_cache(maxsize=8)
def code_version(clean: CleanParams, segment: SegmentParams, profile: str) -> str:
    """A short hash of everything a document's rows depend on besides its bytes."""
    digest = hashlib.sha256(json.dumps(
        {"version": __version__, "clean": asdict(clean), "segment": asdict(segment),
         "profile": profile}, sort_keys=True).encode())
    package = Path(__file__).parents[1]
    sources = sorted(p for p in package.rglob("*") if p.suffix in (".py", ".jsonl", ".json")
                     and not p.relative_to(package).as_posix().startswith(NOT_PER_DOCUMENT))
    for path in [*sources, MODEL_PATH, MODEL_META_PATH]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def input_key(data: bytes, path: Path) -> str:
    """The bytes' sha256 and the suffix, which chooses the reader (PDF, DOCX, HTML, text)."""
    return f"{hashlib.sha256(data).hexdigest()}-{path.suffix.lower().lstrip('.')}"


# The list columns that make up most of a payload, each row's list held as one string joined
# by a separator its items never contain (a word never spans a line break): JSON then reads one
# string per clause instead of dozens of items, and the writer splits them inside Arrow.
PACKED_LISTS: dict[str, str] = {"tokens": "\n", "token_starts": " "}


def encode_rows(rows: Rows) -> bytes:
    """Compact gzip'd JSON with `PACKED_LISTS` columns packed (mtime 0: the same rows always
    give the same bytes)."""
    packed = {name: {column: [PACKED_LISTS[column].join(map(str, items)) for items in values]
                     if column in PACKED_LISTS else values
                     for column, values in columns.items()}
              for name, columns in rows.items()}
    text = json.dumps(packed, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=1, mtime=0)


def decode_rows(payload: bytes) -> Rows:
    """The rows `encode_rows` stored, `PACKED_LISTS` columns still packed (`writer` unpacks
    them)."""
    return json.loads(gzip.decompress(payload))


class ResultCache:
    """Entries of one code version under `root`; unreadable entries count as missing."""

    def __init__(self, root: Path, version: str) -> None:
        self.dir = root / version

    @property
    def memo_path(self) -> Path:
        return self.dir / MEMO_FILE

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json.gz"

    def has(self, key: str) -> bool:
        """Whether an entry is stored under `key` (without reading it)."""
        return self._path(key).is_file()

    def get(self, key: str) -> Rows | None:
        """The rows stored under `key`, or None."""
        path = self._path(key)
        try:
            return decode_rows(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, EOFError, ValueError) as err:  # truncated by a full disk, say
            logger.warning("ignoring unreadable cache entry %s: %s", path, err)
            return None

    def put(self, key: str, payload: bytes) -> None:
        """Store `encode_rows` output under `key` (temporary file, then rename)."""
        atomic_write(self._path(key), lambda tmp: tmp.write_bytes(payload))


def load_memo(path: Path) -> dict[str, dict[str, Any]]:
    """Memo tables saved by `save_memo` (`{}` if none or unreadable: they only save time)."""
    try:
        return json.loads(gzip.decompress(path.read_bytes()))
    except FileNotFoundError:
        return {}
    except (OSError, EOFError, ValueError) as err:
        logger.warning("ignoring unreadable memo %s: %s", path, err)
        return {}


def save_memo(path: Path, new: dict[str, dict[str, Any]]) -> None:
    """Merge `new` entries into the saved memo, keeping the newest `MEMO_SIZE` per table."""
    merged = load_memo(path)
    for table, entries in new.items():
        both = {**merged.get(table, {}), **entries}
        merged[table] = dict(list(both.items())[-MEMO_SIZE:])
    text = json.dumps(merged, ensure_ascii=False, separators=(",", ":"))
    atomic_write(path, lambda tmp: tmp.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0)))
