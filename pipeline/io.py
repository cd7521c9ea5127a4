"""Table I/O: checked columns, atomic writes (temp file, then rename), Parquet or CSV, and
the stage commands' interim tables."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .errors import InputNotFoundError, PipelineError, SchemaError
from .formats import (
    DATABASE_FILES,
    TABLE_SUFFIXES,
    arrow_table,
    check_format,
    read_other_format,
    write_database,
    write_ndjson,
)
from .records import split_section_path
from .schema import ADDED_COLUMNS, MAP_TYPE, NULLABLE_INT, TABLES, list_item

if TYPE_CHECKING:  # imported where a frame is made: `run` writes Parquet without pandas
    import pandas as pd

LOCK_FILE = ".vnpolicy.lock"  # in an output folder, while a run writes it


def empty_table(name: str) -> pd.DataFrame:
    """A table with the contract's columns and no rows (typed as `check_columns` types them,
    so an empty table written out keeps its declared schema)."""
    import pandas as pd

    return check_columns(pd.DataFrame({column: [] for column in TABLES[name]}), name)


def check_columns(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Order the columns as the contract says, filling those added later
    (`schema.ADDED_COLUMNS`); raise if another is missing."""
    columns = list(TABLES[name])
    added = {c: v for c, v in ADDED_COLUMNS.get(name, {}).items() if c not in df.columns}
    if added:
        df = df.assign(**{c: [list(v) if isinstance(v, tuple) else v] * len(df)
                          for c, v in added.items()})
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SchemaError(f"table {name!r} lacks columns {missing}")
    extra = [c for c in df.columns if c not in columns]
    df = df[columns + extra].reset_index(drop=True)
    for column, dtype in TABLES[name].items():
        if dtype in ("int64", "bool", "float64"):
            df[column] = df[column].astype(dtype)
        elif dtype == NULLABLE_INT:
            df[column] = df[column].astype("Int64")
        elif dtype == MAP_TYPE:
            df[column] = df[column].map(as_mapping)
        elif column == "section_path" and list_item(dtype) and isinstance(
                next(iter(df[column]), None), str):
            df[column] = df[column].map(split_section_path)  # a table of version 0.1.0
        elif dtype == "string":
            df[column] = df[column].astype(object).where(df[column].notna(), "").astype(str)
    return df


def check_output_folder(out: Path) -> None:
    """Refuse an `--out` that exists and is not a folder, before any work.

    Raises:
        PipelineError: `out` is a file (or its parent is).
    """
    for folder in (out, *out.parents):
        if folder.exists():
            if not folder.is_dir():
                raise PipelineError(f"--out {out}: {folder} is a file, not a folder")
            return


@lru_cache(maxsize=1)
def new_file_mode() -> int:
    """The mode `open()` gives a new file here (0o666 less the umask): `mkstemp` makes its
    files private (0o600), and a dataset or cache renamed from one would stay so."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(path: Path, write) -> None:  # type: ignore[no-untyped-def]
    """Call `write(tmp_path)`, then rename over `path`: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, new_file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_arrays(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """`np.savez` of `arrays` at `path`, through `atomic_write` (plain arrays, no pickles)."""
    def write(temp: Path) -> None:
        with temp.open("wb") as out:
            np.savez(out, **arrays)

    atomic_write(path, write)


def load_arrays(path: Path) -> dict[str, np.ndarray] | None:
    """The arrays `save_arrays` wrote at `path`, read without pickles; None when the file is
    missing, unreadable or damaged (the caller builds them again)."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            return dict(stored)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None


@contextmanager
def locked_folder(folder: Path) -> Iterator[None]:
    """Hold `folder`'s lock for the block: a second run on the same folder is refused with a
    clear message instead of mixing its tables with this one's. The lock is the kernel's
    (`flock`), so a killed run never leaves it behind.

    Raises:
        PipelineError: another process holds the lock.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not a POSIX system: no lock
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_FILE, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise PipelineError(f"{folder} is being written by another vnpolicy run; wait for "
                                "it to finish or choose another --out") from err
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends (a set of renames that must all happen)."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def remove_stale_temps(folder: Path, names: list[str]) -> list[Path]:
    """Delete the temporary files a killed run left for the files `names` of `folder`
    (`.<name>.<random>.tmp`, as `atomic_write` and the batch writer make them); call it with
    the folder's lock held, so no live run's files are touched."""
    stale = [path for name in names for path in folder.glob(f".{name}.*.tmp")]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


# A cell a spreadsheet would run as a formula (OWASP, "CSV injection") starts with one of
# these; a plain number ("-5", "+84912345678") is read as a number and left alone.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _runs_as_formula(value: str) -> bool:
    """Whether a CSV cell needs a leading `'`: it starts like a formula, or it is a `'`
    before such a cell (so that escaping can always be undone)."""
    if value.startswith("'"):
        return _runs_as_formula(value[1:])
    return value.startswith(_FORMULA_START) and not _PLAIN_NUMBER_RE.fullmatch(value)


def escape_formula(value: str) -> str:
    r"""A CSV cell a spreadsheet shows as text, never runs.

    Examples:
        >>> escape_formula('=HYPERLINK("http://x.vn")'), escape_formula("-5")
        ('\'=HYPERLINK("http://x.vn")', '-5')
        >>> unescape_formula(escape_formula("'=1+1")) == "'=1+1"
        True
    """
    return "'" + value if _runs_as_formula(value) else value


def unescape_formula(value: str) -> str:
    """The value `escape_formula` was given."""
    return value[1:] if value.startswith("'") and _runs_as_formula(value[1:]) else value


def flatten_lists(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """A copy for CSV: list and map columns as JSON text, and every text cell that a
    spreadsheet would run as a formula escaped with a leading `'` (`escape_formula`)."""
    flat = df.copy()
    for column, dtype in TABLES[name].items():
        if list_item(dtype):
            flat[column] = flat[column].map(
                lambda v: json.dumps(np.asarray(v).tolist(), ensure_ascii=False)
            )
        elif dtype == MAP_TYPE:
            flat[column] = flat[column].map(lambda v: json.dumps(as_mapping(v)))
        elif dtype == "string" and column in flat:
            flat[column] = flat[column].map(escape_formula)
    return flat


def write_table(df: pd.DataFrame, directory: Path, name: str, fmt: str = "parquet") -> Path:
    """Write one contract table as `<directory>/<name>.<fmt>`, atomically, typed from the
    schema (an empty table keeps its declared types). The database formats hold several
    tables in one file: `write_tables`."""
    df = check_columns(df, name)
    check_format(fmt)
    if fmt in DATABASE_FILES:
        return write_tables({name: df}, directory, fmt)[0]
    path = directory / f"{name}.{TABLE_SUFFIXES[fmt]}"
    if fmt == "parquet":
        table = arrow_table(df, name)
        atomic_write(path, lambda tmp: pq.write_table(table, tmp))
    elif fmt == "csv":
        flat = flatten_lists(df, name)
        atomic_write(path, lambda tmp: flat.to_csv(tmp, index=False))
    else:
        table = arrow_table(df, name)
        atomic_write(path, lambda tmp: _write_ndjson_file(tmp, table))
    return path


def _write_ndjson_file(path: Path, table: pa.Table) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        write_ndjson(table, handle)


def write_tables(tables: dict[str, pd.DataFrame], directory: Path, fmt: str = "parquet"
                 ) -> list[Path]:
    """Write several contract tables: one file each, or one database holding them all (made
    beside its final name, then renamed)."""
    check_format(fmt)
    if fmt not in DATABASE_FILES:
        return [write_table(df, directory, name, fmt) for name, df in tables.items()]
    arrow = {name: [arrow_table(check_columns(df, name), name)] for name, df in tables.items()}
    path = directory / DATABASE_FILES[fmt]
    atomic_write(path, lambda tmp: _new_database(fmt, tmp, arrow))
    return [path]


def _new_database(fmt: str, path: Path, tables: dict[str, list[pa.Table]]) -> None:
    path.unlink()  # the temporary file `atomic_write` made: a database is created anew
    write_database(fmt, path, tables)


def as_mapping(value: object) -> dict:
    """A map cell as a dict: Arrow gives a map column to pandas as (key, value) pairs, and
    version 0.1.0 wrote `scores` as JSON text.

    Examples:
        >>> as_mapping([("purpose", 0.9)]), as_mapping('{"other": 0.1}'), as_mapping(None)
        ({'purpose': 0.9}, {'other': 0.1}, {})
    """
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        return json.loads(value) if value else {}
    return dict(value) if value is not None else {}  # type: ignore[call-overload]


def typed(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """A table read back with the contract's Python types: maps as dicts, nullable integers
    as pandas' `Int64` (Parquet gives floats when a value is null)."""
    for column, dtype in TABLES[name].items():
        if column not in df:
            continue
        if dtype == MAP_TYPE:
            df[column] = df[column].map(as_mapping)
        elif dtype == NULLABLE_INT:
            df[column] = df[column].astype("Int64")
    return df


def read_table(directory: Path, name: str) -> pd.DataFrame:
    """Read a table written by `write_table` or `run` in any of its formats, typed alike."""
    import pandas as pd

    parquet = directory / f"{name}.parquet"
    if parquet.is_file():
        return typed(pd.read_parquet(parquet), name)
    csv = directory / f"{name}.csv"
    if csv.is_file():
        return typed(_read_csv(csv, name), name)
    found = read_other_format(directory, name)
    if found is not None:
        return typed(found, name)
    raise SchemaError(f"no table {name!r} in {directory}")


def _read_csv(csv: Path, name: str) -> pd.DataFrame:
    import pandas as pd

    strings = {c: str for c, dtype in TABLES[name].items()
               if dtype == "string" or list_item(dtype) or dtype == MAP_TYPE}
    df = pd.read_csv(csv, keep_default_na=False, na_values={
        c: [""] for c, dtype in TABLES[name].items() if dtype == NULLABLE_INT}, dtype=strings)
    for column, dtype in TABLES[name].items():
        if list_item(dtype) or dtype == MAP_TYPE:
            df[column] = df[column].map(json.loads)
        elif dtype == "string" and column in df:
            df[column] = df[column].map(unescape_formula)
    return df


def write_interim(df: pd.DataFrame, path: Path, name: str) -> None:
    """A stage command's table (`schema.TABLES[name]`), checked, as Parquet, atomically."""
    df = check_columns(df, name)
    atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False, engine="pyarrow"))


def read_interim(path: Path, name: str) -> pd.DataFrame:
    """A table an earlier stage command wrote; a missing or wrong one is a clear error.

    Raises:
        InputNotFoundError: the earlier stage has not been run.
        SchemaError: the table lacks columns of `schema.TABLES[name]`.
    """
    import pandas as pd

    if not path.is_file():
        raise InputNotFoundError(f"{path} not found: run the earlier stages first")
    return check_columns(pd.read_parquet(path), name)
