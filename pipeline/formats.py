"""The dataset's formats beyond one file per table: Arrow types of the contract (what Parquet,
DuckDB and the typed columns rest on), newline-delimited JSON, and one SQLite or DuckDB
database holding every table, with views analysts start from (`coverage_matrix`,
`policy_completeness`).

Everything is typed from `schema.TABLES`, never inferred from the rows, so an empty table
keeps its declared columns and types in every format.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyarrow as pa

from .errors import SchemaError
from .schema import MAP_TYPE, NULLABLE_INT, TABLES, list_item

if TYPE_CHECKING:  # imported where a frame is read or made
    import pandas as pd

FORMATS: tuple[str, ...] = ("parquet", "csv", "ndjson", "sqlite", "duckdb")
# The formats that put every table of a folder in one file.
DATABASE_FILES: dict[str, str] = {"sqlite": "data.db", "duckdb": "data.duckdb"}
TABLE_SUFFIXES: dict[str, str] = {"parquet": "parquet", "csv": "csv", "ndjson": "ndjson"}

_ARROW_TYPES = {"string": pa.large_string(), "int64": pa.int64(), "bool": pa.bool_(),
                "float64": pa.float64(), NULLABLE_INT: pa.int64(),
                MAP_TYPE: pa.map_(pa.string(), pa.float64())}
_ARROW_ITEMS = {"string": pa.string(), "int64": pa.int64()}
_SQLITE_TYPES = {"string": "TEXT", "int64": "INTEGER", "bool": "INTEGER", "float64": "REAL",
                 NULLABLE_INT: "INTEGER"}


def check_format(fmt: str) -> str:
    """The format, or a clear error naming the known ones.

    Raises:
        SchemaError: an unknown format.
    """
    if fmt not in FORMATS:
        raise SchemaError(f"unknown output format {fmt!r} ({', '.join(FORMATS)})")
    return fmt


def table_files(names: Iterable[str], fmt: str) -> list[str]:
    """The file names a set of tables takes in `fmt` (one database file for all of them)."""
    if fmt in DATABASE_FILES:
        return [DATABASE_FILES[fmt]]
    return [f"{name}.{TABLE_SUFFIXES[fmt]}" for name in names]


def arrow_type(dtype: str) -> pa.DataType:
    """The Arrow type of a contract type.

    Raises:
        SchemaError: a type that has no Arrow type here.
    """
    item = list_item(dtype)
    arrow = pa.list_(_ARROW_ITEMS[item]) if item in _ARROW_ITEMS else _ARROW_TYPES.get(dtype)
    if arrow is None:
        raise SchemaError(f"no Arrow type for {dtype}")
    return arrow


def arrow_schema(name: str, extra: Sequence[tuple[str, pa.DataType]] = ()) -> pa.Schema:
    """The Arrow schema of a contract table, fixed before any row is seen; `extra` columns
    (the coverage table's one bool column per element) follow."""
    return pa.schema([pa.field(column, arrow_type(dtype))
                      for column, dtype in TABLES[name].items()] + [pa.field(*e) for e in extra])


def _arrow_values(values: pd.Series, dtype: str) -> list:
    if dtype == MAP_TYPE:
        return [list(dict(v).items()) if v is not None else [] for v in values]
    if dtype == NULLABLE_INT:
        import pandas as pd

        return [None if pd.isna(v) else int(v) for v in values]
    if list_item(dtype):
        return [list(v) for v in values]
    return values.tolist()


def arrow_table(df: pd.DataFrame, name: str) -> pa.Table:
    """A frame with the contract's columns (`io.check_columns`) as an Arrow table of the
    declared schema; columns beyond the contract keep the types Arrow infers."""
    extra = [c for c in df.columns if c not in TABLES[name]]
    inferred = [(c, pa.array(df[c].tolist()).type) for c in extra]
    schema = arrow_schema(name, inferred)
    arrays = [pa.array(_arrow_values(df[c], TABLES[name][c]), arrow_type(TABLES[name][c]))
              for c in TABLES[name]] + [pa.array(df[c].tolist(), t) for c, t in inferred]
    return pa.Table.from_arrays(arrays, schema=schema)


def plain_rows(table: pa.Table) -> Iterator[dict[str, Any]]:
    """Rows of an Arrow table as JSON-ready dicts (a map cell as an object)."""
    maps = [f.name for f in table.schema if pa.types.is_map(f.type)]
    for batch in table.to_batches(max_chunksize=1024):
        for row in batch.to_pylist():
            for column in maps:
                row[column] = dict(row[column] or [])
            yield row


def write_ndjson(table: pa.Table, handle: IO[str]) -> None:
    """Append a table's rows to `handle`, one JSON object a line (UTF-8, keys in column
    order)."""
    for row in plain_rows(table):
        handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_ndjson(path: Path, name: str) -> pd.DataFrame:
    """A table written by `write_ndjson`, with the contract's columns even when empty."""
    import pandas as pd

    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    columns = list(TABLES[name]) + [c for c in (rows[0] if rows else {}) if c not in TABLES[name]]
    return pd.DataFrame(rows, columns=columns)


# --- databases --------------------------------------------------------------------------

def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return int(value) if isinstance(value, bool) else value


def _sqlite_table(connection: sqlite3.Connection, name: str, tables: Iterable[pa.Table]) -> None:
    """Create `name` with its declared types (lists and maps as JSON text, bools as 0/1) and
    insert the rows of `tables`."""
    columns = list(TABLES[name])
    declared = ", ".join(f"{_quote(c)} {_SQLITE_TYPES.get(TABLES[name][c], 'TEXT')}"
                         for c in columns)
    connection.execute(f"CREATE TABLE {_quote(name)} ({declared})")
    insert = (f"INSERT INTO {_quote(name)} VALUES ({', '.join('?' * len(columns))})")
    for table in tables:
        connection.executemany(insert, ([_sqlite_value(row[c]) for c in columns]
                                        for row in plain_rows(table)))


def _view_sql(dialect: str, elements: Sequence[str]) -> list[str]:
    """The two views: policy x element (one column per checklist element, in order) and the
    share of elements each policy states, with the missing ones and its findings."""
    present = "present" if dialect == "duckdb" else "present = 1"
    pivot = "".join(f", bool_or(element = '{e}' AND present) AS {_quote(e)}"
                    if dialect == "duckdb" else
                    f", MAX(element = '{e}' AND present = 1) AS {_quote(e)}"
                    for e in (x.replace("'", "''") for x in elements))
    missing = ("list(element) FILTER (WHERE NOT present)"
               if dialect == "duckdb" else
               "json_group_array(element) FILTER (WHERE present = 0)")
    return [
        f"CREATE VIEW coverage_matrix AS SELECT doc_id, profile{pivot} FROM audit "
        "GROUP BY doc_id, profile ORDER BY doc_id",
        "CREATE VIEW policy_completeness AS SELECT a.doc_id, a.profile, "
        f"SUM(CASE WHEN {present} THEN 1 ELSE 0 END) AS n_present, COUNT(*) AS n_elements, "
        f"ROUND(1.0 * SUM(CASE WHEN {present} THEN 1 ELSE 0 END) / COUNT(*), 4) AS score, "
        f"{missing} AS missing, "
        "(SELECT COUNT(*) FROM findings f WHERE f.doc_id = a.doc_id) AS n_findings "
        "FROM audit a GROUP BY a.doc_id, a.profile ORDER BY score DESC, a.doc_id",
    ]


def _elements(connection: Any) -> list[str]:
    """Checklist elements in the order the audit rows list them (each profile's order)."""
    rows = connection.execute(
        "SELECT element FROM audit GROUP BY element ORDER BY MIN(rowid)").fetchall()
    return [row[0] for row in rows]


def write_sqlite(path: Path, tables: dict[str, Iterable[pa.Table]]) -> None:
    """One SQLite database (`datasette data.db` serves it) with every table of `tables` (each
    given as its parts, read once) and, when it holds the audit, the two views."""
    connection = sqlite3.connect(path)
    try:
        with connection:
            for name, parts in tables.items():
                _sqlite_table(connection, name, parts)
            if "audit" in tables and "findings" in tables:
                for statement in _view_sql("sqlite", _elements(connection)):
                    connection.execute(statement)
    finally:
        connection.close()


def duckdb_module():  # type: ignore[no-untyped-def]
    """`duckdb`, or a clear error if it is missing.

    Raises:
        ImportError: duckdb is not installed (a declared dependency).
    """
    try:
        import duckdb
    except ImportError as err:  # pragma: no cover - declared dependency
        raise ImportError("--format duckdb needs duckdb: pip install duckdb") from err
    return duckdb


def write_duckdb(path: Path, tables: dict[str, Iterable[pa.Table]]) -> None:
    """One DuckDB database with every table of `tables` in its Arrow types (lists, maps,
    nulls native), streamed in, and, when it holds the audit, the two views."""
    duckdb = duckdb_module()
    connection = duckdb.connect(str(path))
    try:
        for name, parts in tables.items():
            schema = arrow_schema(name)
            reader = pa.RecordBatchReader.from_batches(
                schema, (batch for part in parts for batch in part.select(schema.names)
                         .cast(schema).to_batches()))
            connection.register("incoming", reader)
            connection.execute(f"CREATE TABLE {_quote(name)} AS SELECT * FROM incoming")
            connection.unregister("incoming")
        if "audit" in tables and "findings" in tables:
            for statement in _view_sql("duckdb", _elements(connection)):
                connection.execute(statement)
    finally:
        connection.close()


def write_database(fmt: str, path: Path, tables: dict[str, Iterable[pa.Table]]) -> None:
    """`write_sqlite` or `write_duckdb` into `path` (a new file)."""
    (write_duckdb if fmt == "duckdb" else write_sqlite)(path, tables)


def _from_sqlite(path: Path, name: str) -> pd.DataFrame | None:
    import pandas as pd

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        try:
            df = pd.read_sql_query(f"SELECT * FROM {_quote(name)}", connection)
        except (sqlite3.Error, pd.errors.DatabaseError):
            return None
    connection.close()
    for column, dtype in TABLES[name].items():
        if list_item(dtype) or dtype == MAP_TYPE:
            df[column] = df[column].map(json.loads)
        elif dtype == "bool":
            df[column] = df[column].astype(bool)
    return df


def _from_duckdb(path: Path, name: str) -> pd.DataFrame | None:
    duckdb = duckdb_module()
    connection = duckdb.connect(str(path), read_only=True)
    try:
        table = connection.sql(f"SELECT * FROM {_quote(name)}").to_arrow_table()
    except duckdb.Error:
        return None
    finally:
        connection.close()
    return table.to_pandas()


def read_other_format(directory: Path, name: str) -> pd.DataFrame | None:
    """Table `name` from the NDJSON file or the database of `directory`, None if absent."""
    ndjson = directory / f"{name}.ndjson"
    if ndjson.is_file():
        return read_ndjson(ndjson, name)
    for fmt, reader in (("sqlite", _from_sqlite), ("duckdb", _from_duckdb)):
        database = directory / DATABASE_FILES[fmt]
        if database.is_file():
            found = reader(database, name)
            if found is not None:
                return found
    return None
