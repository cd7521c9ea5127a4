"""`--format csv`: a cell that a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import csv

import pytest

from pipeline.io import escape_formula, read_table, unescape_formula

from .test_isolation import invoke

HOSTILE = ("CHÍNH SÁCH BẢO MẬT\n"
           "=HYPERLINK(\"http://lua-dao.vn\",\"Bấm vào đây\")\n"
           "+cmd|' /C calc'!A0 là lệnh chúng tôi không chạy.\n"
           "@SUM(1+1) khách hàng có quyền yêu cầu xóa dữ liệu.\n"
           "Liên hệ hotro@congty.vn.\n")


def test_csv_cells_that_would_run_as_formulas_are_escaped_issue_16(tmp_path):
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "=1+2.txt").write_text(HOSTILE, encoding="utf-8")  # a doc_id that is a formula
    result = invoke(policies, tmp_path, "--workers", "1", "--format", "csv")
    assert result.exit_code == 0, result.output
    cells = [cell for name in ("documents", "clauses", "facts", "audit")
             for row in csv.reader((tmp_path / "out" / f"{name}.csv").open(encoding="utf-8"))
             for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@")]
    assert "'=1+2" in cells and "'=HYPERLINK(\"http://lua-dao.vn\",\"Bấm vào đây\")" in cells
    clauses = read_table(tmp_path / "out", "clauses")
    assert "@SUM(1+1) khách hàng có quyền yêu cầu xóa dữ liệu." in set(clauses["text"])
    assert set(clauses["doc_id"]) == {"=1+2"}


@pytest.mark.parametrize("value, escaped", [
    ("=1+1", "'=1+1"), ("+84 912 345 678", "'+84 912 345 678"), ("-cmd", "'-cmd"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("-5", "-5"), ("+84912345678", "+84912345678"), ("1.5e3", "1.5e3"),
    ("Dữ liệu", "Dữ liệu"), ("'=x", "''=x"), ("'bình thường", "'bình thường"), ("", ""),
])
def test_escaping_follows_owasp_and_can_be_undone(value, escaped):
    assert escape_formula(value) == escaped and unescape_formula(escaped) == value
