"""Per-document results kept between runs, so a re-run only processes what changed.

An entry holds the rows one policy contributes to every dataset table, without `doc_id` and
`source_path` (they belong to the input's name, not to its bytes), as gzip'd JSON under
`<cache>/<code version>/<sha256[:2]>/<sha256>-<suffix>.json.gz`, written atomically. JSON,
never pickle: reading a cache cannot run code. The code version covers `__version__`, the
source of the modules that make a document's rows, the model and the parameters, so any
change to them starts from an empty cache.

Every entry and the memo start with an HMAC-SHA256 of their name and bytes under a random key
kept in the cache folder (`<cache>/key`), and their rows are checked against the schema when
read: an entry edited by hand, truncated, or of the wrong shape is ignored (and recomputed and
overwritten). The cache only saves time, so a cache that cannot be written is a warning.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any

import msgspec

from .. import __version__
from ..config import CLAUSE_LABELS, MODEL_META_PATH, MODEL_PATH, CleanParams, SegmentParams
from ..io import atomic_write
from ..memo import MEMO_SIZE
from ..schema import DATASET_TABLES, INPUT_COLUMNS, MAP_TYPE, NULLABLE_INT, TABLES, list_item

logger = logging.getLogger(__name__)

Rows = dict[str, dict[str, list]]  # table -> column -> values, for one document
MEMO_FILE = "memo.json.gz"
KEY_FILE = "key"  # in the cache root: the HMAC key of every entry beneath it
MAC_SIZE = 32
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


# msgspec's JSON: the standard library's JSON (but NaN, which no row holds, as null), written
# ~3x and read ~4x faster; the lists it reads that hold no container are not tracked by the
# garbage collector.
_JSON_ENCODER = msgspec.json.Encoder()
_JSON_DECODER = msgspec.json.Decoder()


def encode_rows(rows: Rows) -> bytes:
    """Compact gzip'd JSON of rows whose `PACKED_LISTS` columns are packed already (the
    worker packs them as it builds the columns); mtime 0: the same rows, the same bytes."""
    return gzip.compress(_JSON_ENCODER.encode(rows), compresslevel=1, mtime=0)


def decode_rows(payload: bytes) -> Rows:
    """The rows `encode_rows` stored, `PACKED_LISTS` columns still packed (`writer` unpacks
    them)."""
    return _JSON_DECODER.decode(gzip.decompress(payload))


_PACKED_INTS_RE = re.compile(r"(?:\d+(?: \d+)*)?")
# Exact types (`type(True)` is bool, not int), checked per column with `set(map(type, ...))`,
# so reading a cache entry stays a small part of serving it.
_TYPES: dict[str, set[type]] = {"string": {str}, "int64": {int}, "bool": {bool},
                                "float64": {int, float}, NULLABLE_INT: {int, type(None)}}


def _valid_column(values: list, dtype: str, column: str) -> bool:
    """Whether every value of a column is what `schema.TABLES` (and `PACKED_LISTS`) say."""
    if column in PACKED_LISTS:
        return set(map(type, values)) <= {str} and (list_item(dtype) != "int64" or all(
            map(_PACKED_INTS_RE.fullmatch, values)))
    if dtype == MAP_TYPE:  # label -> probability
        return set(map(type, values)) <= {dict} and all(
            set(map(type, value)) <= {str} and set(map(type, value.values())) <= {int, float}
            for value in values)
    item = list_item(dtype)
    if item is None:
        return set(map(type, values)) <= _TYPES[dtype]
    return set(map(type, values)) <= {list} and all(
        set(map(type, value)) <= _TYPES[item] for value in values)


def shape_error(rows: Any) -> str | None:
    """Why `rows` is not one document's rows of every dataset table (None: it is): the
    tables, their columns (`schema.TABLES` less the input's name), equal lengths, the types."""
    if not isinstance(rows, dict) or set(rows) != set(DATASET_TABLES):
        return "not the dataset's tables"
    for name in DATASET_TABLES:
        columns = {c: t for c, t in TABLES[name].items() if c not in INPUT_COLUMNS}
        table = rows[name]
        if not isinstance(table, dict) or set(table) != set(columns):
            return f"table {name} lacks or adds columns"
        if not all(isinstance(v, list) for v in table.values()) or len(
                {len(v) for v in table.values()}) > 1:
            return f"table {name} has columns of different lengths"
        for column, dtype in columns.items():
            if not _valid_column(table[column], dtype, column):
                return f"column {name}.{column} holds values that are not {dtype}"
    if len(rows["documents"]["text"]) > 1:
        return "more than one document"
    return None


def load_key(root: Path, create: bool = False) -> bytes | None:
    """The cache's HMAC key (made on first use, readable by its owner only); None if absent
    and not to be made."""
    path = root / KEY_FILE
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        if not create:
            return None
    except (OSError, ValueError) as err:
        logger.warning("cache key %s unreadable (%s): a new one voids every entry", path, err)
        path.unlink(missing_ok=True)
    root.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    tmp = root / f".{KEY_FILE}.{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex())
    try:  # a link never replaces: two runs starting at once agree on the first key made
        os.link(tmp, path)
    except FileExistsError:
        return load_key(root)
    finally:
        tmp.unlink(missing_ok=True)
    return key


def seal(key: bytes, name: str, payload: bytes) -> bytes:
    """`payload` preceded by its HMAC, which also covers `name` (no entry passes for another)."""
    return hmac.new(key, name.encode() + b"\0" + payload, "sha256").digest() + payload


def unseal(key: bytes, name: str, data: bytes) -> bytes:
    """The payload of `seal`.

    Raises:
        ValueError: the HMAC does not match (edited, truncated, or sealed under another key).
    """
    mac, payload = data[:MAC_SIZE], data[MAC_SIZE:]
    if not hmac.compare_digest(mac, seal(key, name, payload)[:MAC_SIZE]):
        raise ValueError("its HMAC does not match (edited, or written with another key)")
    return payload


class ResultCache:
    """Entries of one code version under `root`; unreadable, forged or misshapen entries count
    as missing, and failing writes as warnings (`write_failures` counts them)."""

    def __init__(self, root: Path, version: str) -> None:
        self.root = root
        self.dir = root / version
        self.write_failures = 0
        try:
            self.key = load_key(root, create=True)
        except OSError as err:  # a read-only or full disk: run without the cache
            logger.warning("cannot use the cache in %s (%s)", root, err)
            self.key, self.write_failures = None, 1

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
        if self.key is None:
            return None
        try:
            rows = decode_rows(unseal(self.key, key, path.read_bytes()))
            problem = shape_error(rows)
            if problem:
                raise ValueError(problem)
            return rows
        except FileNotFoundError:
            return None
        except (OSError, EOFError, ValueError) as err:  # truncated by a full disk, edited
            logger.warning("ignoring cache entry %s (%s): it is computed again", path, err)
            return None

    def put(self, key: str, payload: bytes) -> None:
        """Store `encode_rows` output under `key` (temporary file, then rename); a failure
        (a full disk) is a warning: the dataset does not need the cache."""
        if self.key is None:
            return
        sealed = seal(self.key, key, payload)
        try:
            atomic_write(self._path(key), lambda tmp: tmp.write_bytes(sealed))
        except OSError as err:
            self.write_failures += 1
            if self.write_failures == 1:
                logger.warning("cannot write the cache in %s (%s): this run's results are "
                               "not kept for the next", self.dir, err)


def _valid_memo_entry(table: str, value: Any) -> bool:
    """A memo value as `segment` (words and their offsets) or the classifier (one probability
    per label) stored it."""
    if table == "tokens":
        return (isinstance(value, list) and len(value) == 2
                and all(isinstance(part, list) for part in value)
                and len(value[0]) == len(value[1])
                and all(isinstance(word, str) for word in value[0])
                and all(isinstance(n, int) and not isinstance(n, bool) for n in value[1]))
    return (isinstance(value, list) and len(value) == len(CLAUSE_LABELS)
            and all(isinstance(p, int | float) and not isinstance(p, bool) for p in value))


def _checked_memo(memo: Any, path: Path) -> dict[str, dict[str, Any]]:
    """The well-formed tables and entries of a memo read back; anything else is dropped."""
    checked: dict[str, dict[str, Any]] = {}
    dropped = 0 if isinstance(memo, dict) else 1
    for table, entries in (memo.items() if isinstance(memo, dict) else ()):
        if table not in ("tokens", "scores") or not isinstance(entries, dict):
            dropped += 1
            continue
        checked[table] = {key: value for key, value in entries.items()
                          if isinstance(key, str) and _valid_memo_entry(table, value)}
        dropped += len(entries) - len(checked[table])
    if dropped:
        logger.warning("memo %s: %d tables or entries of the wrong shape ignored", path, dropped)
    return checked


def load_memo(path: Path, key: bytes | None) -> dict[str, dict[str, Any]]:
    """Memo tables saved by `save_memo` (`{}` if none, unreadable or forged: they only save
    time), with entries of the wrong shape dropped."""
    if key is None:
        return {}
    try:
        memo = json.loads(gzip.decompress(unseal(key, MEMO_FILE, path.read_bytes())))
    except FileNotFoundError:
        return {}
    except (OSError, EOFError, ValueError) as err:
        logger.warning("ignoring memo %s (%s)", path, err)
        return {}
    return _checked_memo(memo, path)


def save_memo(path: Path, new: dict[str, dict[str, Any]], key: bytes | None) -> None:
    """Merge `new` entries into the saved memo, keeping the newest `MEMO_SIZE` per table; a
    memo that cannot be written (a full disk) is a warning, never a failed run."""
    if key is None:
        return
    merged = load_memo(path, key)
    for table, entries in new.items():
        both = {**merged.get(table, {}), **entries}
        merged[table] = dict(list(both.items())[-MEMO_SIZE:])
    text = json.dumps(merged, ensure_ascii=False, separators=(",", ":"))
    sealed = seal(key, MEMO_FILE, gzip.compress(text.encode("utf-8"), mtime=0))
    try:
        atomic_write(path, lambda tmp: tmp.write_bytes(sealed))
    except OSError as err:
        logger.warning("cannot save the memo %s (%s): the next run starts without it",
                       path, err)
