"""Write dataset tables a chunk at a time, and publish them only when the run is complete.

Each table goes to a temporary file beside its final name (Parquet: one row group per chunk;
CSV and NDJSON: the same text `io.write_table` writes) and is renamed into place by `commit`;
for SQLite and DuckDB the chunks are staged as temporary Parquet files and `commit` builds the
one database from them. Leaving the `with` block without a commit removes the temporary files,
so an interrupted run never leaves half a table behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import SchemaError
from ..formats import (
    DATABASE_FILES,
    arrow_schema,
    check_format,
    table_files,
    write_database,
    write_ndjson,
)
from ..io import check_columns, file_sha256, flatten_lists, new_file_mode, signals_deferred
from ..schema import MAP_TYPE, TABLES, list_item
from .cache import PACKED_LISTS


def _checked(columns: dict[str, list], name: str) -> dict[str, list]:
    """The contract's columns in order, a missing text value as "" (as `io.check_columns`).

    Raises:
        SchemaError: a column of the contract is missing.
    """
    missing = [column for column in TABLES[name] if column not in columns]
    if missing:
        raise SchemaError(f"table {name!r} lacks columns {missing}")
    return {column: ["" if value is None else value for value in columns[column]]
            if dtype == "string" else [list(v.items()) for v in columns[column]]
            if dtype == MAP_TYPE else columns[column]
            for column, dtype in TABLES[name].items()}


def _unpack(values: list[str], column: str, table: str) -> list[list]:
    """A packed column back as Python lists (`cache.PACKED_LISTS`)."""
    cast = int if list_item(TABLES[table][column]) == "int64" else str
    return [[cast(item) for item in value.split(PACKED_LISTS[column])] if value else []
            for value in values]


def _unpack_arrow(values: list[str], column: str, table: str) -> pa.Array:
    """A packed column as the Arrow list array of the schema, split inside Arrow."""
    item_type = arrow_schema(table).field(column).type
    if "" in values:  # an empty list: rare enough to take the slow path
        return pa.array(_unpack(values, column, table), item_type)
    split = pc.split_pattern(pa.array(values, pa.string()), PACKED_LISTS[column])
    return split.cast(item_type)


def _row_groups(path: Path) -> Iterator[pa.Table]:
    """A staged Parquet file one row group at a time: memory stays that of a chunk."""
    staged = pq.ParquetFile(path)
    for number in range(staged.num_row_groups):
        yield staged.read_row_group(number)


class DatasetWriter:
    """Append chunks of rows to several tables of `out`; see the module docstring."""

    def __init__(self, out: Path, names: Sequence[str], fmt: str = "parquet") -> None:
        check_format(fmt)
        out.mkdir(parents=True, exist_ok=True)
        self.fmt, self.out = fmt, out
        # What the run publishes: a file per table, or one database.
        self.paths = {name: out / file for name, file in zip(
            names, table_files(names, fmt) * (len(names) if fmt in DATABASE_FILES else 1),
            strict=True)}
        self._temps: dict[str, Path] = {}
        self._sinks: dict[str, Any] = {}
        self.digests: dict[str, str] = {}
        for name, path in self.paths.items():
            prefix = f".{path.name}.{name}." if fmt in DATABASE_FILES else f".{path.name}."
            fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=out)
            os.close(fd)
            self._temps[name] = Path(tmp)
            if fmt in ("parquet", *DATABASE_FILES):
                self._sinks[name] = pq.ParquetWriter(tmp, arrow_schema(name))
            else:
                self._sinks[name] = open(tmp, "w", encoding="utf-8", newline="")
                if fmt == "csv":
                    import pandas as pd  # CSV only: a Parquet run needs no pandas

                    pd.DataFrame(columns=list(TABLES[name])).to_csv(self._sinks[name],
                                                                    index=False)

    def write(self, tables: dict[str, dict[str, list]]) -> None:
        """Append each table's rows, given as its columns' values with `PACKED_LISTS` columns
        packed (tables without rows are skipped). Parquet gets them straight from the lists,
        with no pandas frame between: the same file, written in a fraction of the time."""
        for name, columns in tables.items():
            if not any(columns.values()):
                continue
            if self.fmt == "csv":
                import pandas as pd

                columns = {column: _unpack(values, column, name) if column in PACKED_LISTS
                           else values for column, values in columns.items()}
                frame = check_columns(pd.DataFrame(columns), name)
                flatten_lists(frame, name).to_csv(self._sinks[name], index=False, header=False)
                continue
            columns = _checked(columns, name)
            for column in PACKED_LISTS.keys() & columns.keys():
                columns[column] = _unpack_arrow(columns[column], column, name)
            table = pa.Table.from_pydict(columns, schema=arrow_schema(name))
            if self.fmt == "ndjson":
                write_ndjson(table, self._sinks[name])
            else:
                self._sinks[name].write_table(table)

    def commit(self) -> list[Path]:
        """Close every table and rename it into place, all of them or (interrupted before the
        renames) none: SIGINT and SIGTERM wait for the renames. `digests` then holds each
        table's sha256, for the manifest to tell a set written together from a mix."""
        self._close()
        if self.fmt in DATABASE_FILES:
            self._build_database()
        self.digests = {self.paths[name].name: file_sha256(tmp)
                        for name, tmp in self._temps.items()}
        with signals_deferred():
            for name, tmp in self._temps.items():
                os.chmod(tmp, new_file_mode())
                os.replace(tmp, self.paths[name])
            self._temps = {}
        return list(dict.fromkeys(self.paths.values()))

    def _build_database(self) -> None:
        """The one database of every staged table, as the temporary file of them all."""
        path = next(iter(self.paths.values()))
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=self.out)
        os.close(fd)
        Path(tmp).unlink()  # the database is created anew
        try:
            write_database(self.fmt, Path(tmp), {
                name: _row_groups(staged) for name, staged in self._temps.items()})
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for staged in self._temps.values():
            staged.unlink()
        self._temps = {"database": Path(tmp)}
        self.paths = {"database": path}

    def _close(self) -> None:
        for sink in self._sinks.values():
            sink.close()
        self._sinks = {}

    def __enter__(self) -> DatasetWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._close()
        for tmp in self._temps.values():  # not committed: the run did not finish
            tmp.unlink(missing_ok=True)
