"""Formats analysts query (issue 15): typed columns, NDJSON, one SQLite or DuckDB database with
the coverage and completeness views, each opened with its own client."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.formats import arrow_schema
from pipeline.io import read_table
from pipeline.schema import COMPARE_TABLES, DATASET_TABLES

runner = CliRunner()

POLICY = ("CHÍNH SÁCH BẢO MẬT THÔNG TIN\n1. Mục đích thu thập\n"
          "Chúng tôi thu thập họ tên và số điện thoại của {name} để giao hàng.\n"
          "2. Thời gian lưu trữ thông tin\nDữ liệu được lưu trữ trong 2 năm.\n"
          "3. Giải quyết khiếu nại\nKhiếu nại được trả lời trong 05 ngày làm việc.\n"
          "Liên hệ hotro@{name}.vn.\n")


@pytest.fixture(scope="module")
def policies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("formats") / "policies"
    folder.mkdir()
    for name in ("sen", "mai"):
        (folder / f"{name}.txt").write_text(POLICY.format(name=name), encoding="utf-8")
    return folder


def _run(policies: Path, out: Path, fmt: str) -> Path:
    result = runner.invoke(app, ["run", str(policies), "--out", str(out), "--format", fmt,
                                 "-q", "--no-cache"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def parquet_dataset(policies: Path) -> Path:
    return _run(policies, policies.parent / "parquet", "parquet")


def test_parquet_columns_are_typed_issue_15(parquet_dataset):
    clauses = pq.read_schema(parquet_dataset / "clauses.parquet")
    assert clauses.field("scores").type == pa.map_(pa.string(), pa.float64())
    assert clauses.field("section_path").type == pa.list_(pa.string())
    facts = read_table(parquet_dataset, "facts")
    deadline = facts[facts["type"] == "complaint_deadline"].iloc[0]
    assert (deadline["amount"], deadline["unit"]) == (5, "working_days")
    retention = facts[facts["type"] == "retention_period"].iloc[0]
    assert (retention["amount"], retention["unit"]) == (730, "calendar_days")
    assert facts.loc[facts["type"] == "email", "amount"].isna().all()
    table = read_table(parquet_dataset, "clauses")
    assert isinstance(table["scores"][0], dict) and set(table["scores"][0]) >= {"purpose"}
    headed = table[table["text"].str.startswith("Dữ liệu được lưu trữ")].iloc[0]
    assert list(headed["section_path"]) == ["CHÍNH SÁCH BẢO MẬT THÔNG TIN",
                                            "2. Thời gian lưu trữ thông tin"]


def test_empty_tables_keep_their_declared_schema_issue_15(parquet_dataset, tmp_path):
    errors = pq.read_schema(parquet_dataset / "errors.parquet")
    assert pq.read_metadata(parquet_dataset / "errors.parquet").num_rows == 0
    assert errors.remove_metadata() == arrow_schema("errors")
    result = runner.invoke(app, ["compare", str(parquet_dataset), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in COMPARE_TABLES:  # two unrelated policies: no template family, no pair
        declared = arrow_schema(name)
        found = pq.read_schema(tmp_path / f"{name}.parquet")
        for field in declared:
            assert found.field(field.name).type == field.type, (name, field.name)


def test_ndjson_is_one_object_a_line_issue_15(policies, tmp_path):
    out = _run(policies, tmp_path / "nd", "ndjson")
    lines = (out / "clauses.ndjson").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert isinstance(rows[0]["scores"], dict) and isinstance(rows[0]["section_path"], list)
    documents = {json.loads(line)["doc_id"]: json.loads(line)["text"]
                 for line in (out / "documents.ndjson").read_text(encoding="utf-8").splitlines()}
    assert all(documents[r["doc_id"]][r["start"]:r["end"]] == r["text"] for r in rows)
    assert (out / "errors.ndjson").read_text(encoding="utf-8") == ""
    assert read_table(out, "clauses")["doc_id"].tolist() == [r["doc_id"] for r in rows]


def test_sqlite_holds_every_table_and_the_views_issue_15(policies, parquet_dataset, tmp_path):
    out = _run(policies, tmp_path / "db", "sqlite")
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["data.db"]
    with sqlite3.connect(out / "data.db") as db:
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        assert set(DATASET_TABLES) | {"coverage_matrix", "policy_completeness"} <= names
        text = dict(db.execute("SELECT doc_id, text FROM documents"))
        for doc_id, start, end, clause in db.execute(
                "SELECT doc_id, start, end, text FROM clauses"):
            assert text[doc_id][start:end] == clause
        scores = db.execute("SELECT json_extract(scores, '$.retention') FROM clauses "
                            "WHERE text LIKE 'Dữ liệu được lưu trữ%'").fetchone()[0]
        assert scores > 0.5
        coverage = db.execute("SELECT * FROM coverage_matrix ORDER BY doc_id")
        header = [column[0] for column in coverage.description]
        assert header[:3] == ["doc_id", "profile", "controller_identity"]  # pdp, the default
        assert [row[0] for row in coverage.fetchall()] == ["mai", "sen"]
        complete = db.execute("SELECT doc_id, n_present, n_elements, score FROM "
                              "policy_completeness ORDER BY doc_id").fetchall()
    expected = read_table(parquet_dataset, "audit").groupby("doc_id")["present"].agg(
        ["sum", "count"])
    assert [(d, p, n) for d, p, n, _ in complete] == [
        (d, int(row["sum"]), int(row["count"])) for d, row in expected.iterrows()]
    assert read_table(out, "clauses")["scores"].tolist() == \
        read_table(parquet_dataset, "clauses")["scores"].tolist()


def test_duckdb_holds_every_table_and_the_views_issue_15(policies, parquet_dataset, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    out = _run(policies, tmp_path / "duck", "duckdb")
    db = duckdb.connect(str(out / "data.duckdb"), read_only=True)
    try:
        kinds = dict(db.execute("SELECT column_name, data_type FROM information_schema.columns"
                                " WHERE table_name = 'clauses'").fetchall())
        assert kinds["scores"] == "MAP(VARCHAR, DOUBLE)"
        assert kinds["section_path"] == "VARCHAR[]"
        amount = db.execute("SELECT amount, unit FROM facts WHERE type = 'complaint_deadline'"
                            " ORDER BY doc_id").fetchall()
        assert amount == [(5, "working_days"), (5, "working_days")]
        assert db.execute("SELECT count(*) FROM errors").fetchone() == (0,)
        complete = db.execute("SELECT doc_id, n_present, missing FROM policy_completeness "
                              "ORDER BY doc_id").fetchall()
        coverage = db.execute("SELECT doc_id FROM coverage_matrix").fetchall()
    finally:
        db.close()
    assert [row[0] for row in coverage] == ["mai", "sen"]
    audit = read_table(parquet_dataset, "audit")
    for doc_id, n_present, missing in complete:
        mine = audit[audit["doc_id"] == doc_id]
        assert n_present == int(mine["present"].sum())
        assert list(missing or []) == mine.loc[~mine["present"], "element"].tolist()


@pytest.mark.parametrize("fmt", ["ndjson", "sqlite", "duckdb"])
def test_compare_and_report_read_every_format_issue_15(policies, tmp_path, fmt):
    out = _run(policies, tmp_path / fmt, fmt)
    for command in ("compare", "report"):
        result = runner.invoke(app, [command, str(out)])
        assert result.exit_code == 0, result.output
    assert "2 policies" in runner.invoke(app, ["compare", str(out)]).output
