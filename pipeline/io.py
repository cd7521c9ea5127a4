"""Table I/O: checked columns, atomic writes (temp file, then rename), Parquet or CSV, and
the stage commands' interim tables."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputNotFoundError, PipelineError, SchemaError
from .schema import TABLES, list_item

LOCK_FILE = ".vnpolicy.lock"  # in an output folder, while a run writes it


def empty_table(name: str) -> pd.DataFrame:
    """A table with the contract's columns and no rows."""
    return pd.DataFrame({column: [] for column in TABLES[name]})


def check_columns(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Order the columns as the contract says; raise if one is missing."""
    columns = list(TABLES[name])
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SchemaError(f"table {name!r} lacks columns {missing}")
    extra = [c for c in df.columns if c not in columns]
    df = df[columns + extra].reset_index(drop=True)
    for column, dtype in TABLES[name].items():
        if dtype in ("int64", "bool"):
            df[column] = df[column].astype(dtype)
        elif dtype == "string":
            df[column] = df[column].astype(object).where(df[column].notna(), "").astype(str)
    return df


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
    """A copy for CSV: list columns as JSON text, and every text cell that a spreadsheet would
    run as a formula escaped with a leading `'` (`escape_formula`)."""
    flat = df.copy()
    for column, dtype in TABLES[name].items():
        if list_item(dtype):
            flat[column] = flat[column].map(
                lambda v: json.dumps(np.asarray(v).tolist(), ensure_ascii=False)
            )
        elif dtype == "string" and column in flat:
            flat[column] = flat[column].map(escape_formula)
    return flat


def write_table(df: pd.DataFrame, directory: Path, name: str, fmt: str = "parquet") -> Path:
    """Write one contract table as `<directory>/<name>.parquet` (or `.csv`), atomically."""
    df = check_columns(df, name)
    if fmt == "parquet":
        path = directory / f"{name}.parquet"
        atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False, engine="pyarrow"))
    elif fmt == "csv":
        path = directory / f"{name}.csv"
        flat = flatten_lists(df, name)
        atomic_write(path, lambda tmp: flat.to_csv(tmp, index=False))
    else:
        raise SchemaError(f"unknown output format {fmt!r} (parquet or csv)")
    return path


def read_table(directory: Path, name: str) -> pd.DataFrame:
    """Read a table written by `write_table`, Parquet first."""
    parquet = directory / f"{name}.parquet"
    if parquet.is_file():
        return pd.read_parquet(parquet)
    csv = directory / f"{name}.csv"
    if csv.is_file():
        strings = {c: str for c, dtype in TABLES[name].items()
                   if dtype == "string" or list_item(dtype)}
        df = pd.read_csv(csv, keep_default_na=False, dtype=strings)
        for column, dtype in TABLES[name].items():
            if list_item(dtype):
                df[column] = df[column].map(json.loads)
            elif dtype == "string" and column in df:
                df[column] = df[column].map(unescape_formula)
        return df
    raise SchemaError(f"no table {name!r} in {directory}")


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
    if not path.is_file():
        raise InputNotFoundError(f"{path} not found: run the earlier stages first")
    return check_columns(pd.read_parquet(path), name)
