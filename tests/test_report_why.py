"""A report that says why (issue 15): near-miss clauses with their scores, the cue phrases
looked for, a note on short or cut-off documents, Vietnamese element names, lang="vi"."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.report.why import cue_phrases, document_notes, element_name

runner = CliRunner()
EXCERPT = ("CHÍNH SÁCH BẢO MẬT THÔNG TIN\n1. Mục đích thu thập\n"
           "Chúng tôi thu thập họ tên và số điện thoại để giao hàng cho khách.\n"
           "2. Thời gian lưu trữ\nThông tin được giữ lại cho đến khi khách hàng yêu cầu hủy, "
           "sau đó chúng tôi sẽ")


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("why")
    (root / "p").mkdir()
    (root / "p" / "trich-doan.txt").write_text(EXCERPT, encoding="utf-8")
    assert runner.invoke(app, ["run", str(root / "p"), "--out", str(root / "d"), "-q",
                               "--profile", "decree52"]).exit_code == 0
    assert runner.invoke(app, ["report", str(root / "d")]).exit_code == 0
    pages = list((root / "d" / "report" / "policies").glob("*.html"))
    assert len(pages) == 1
    return pages[0].read_text(encoding="utf-8")


def test_a_missing_element_shows_its_closest_clauses_and_cues_issue_15(page):
    why = re.findall(r'<tr class="why">(.*?)</tr>', page, re.S)
    assert why, "no explanation row for the missing elements"
    complaints = next(row for row in why if "khiếu nại" in row)
    assert "Closest clauses:" in complaints
    assert re.search(r'<a href="#c\d+">#\d+</a> complaints 0\.\d\d', complaints)
    assert "Cue phrases looked for:" in complaints
    assert "Cơ chế tiếp nhận và giải quyết khiếu nại" in page  # the name beside the id
    contact = next(row for row in why if "phone or email" in row)
    assert "an extracted phone or email" in contact


def test_a_short_cut_off_excerpt_says_so_issue_15(page):
    assert "Short or truncated document" in page
    assert "ends in the middle of a sentence" in page


def test_pages_are_in_vietnamese_issue_15(page):
    assert page.startswith('<!DOCTYPE html>\n<html lang="vi">')


def test_notes_and_names_without_a_report_issue_15():
    assert element_name("retention") == "Thời gian lưu trữ thông tin"
    assert element_name("unknown_element") == "unknown_element"
    assert "khiếu nại" in cue_phrases("ecommerce", "complaints")
    whole = {"text": "Chính sách đầy đủ." * 200, "n_chars": 3600, "status": "ok",
             "warnings": []}
    assert document_notes(whole, n_missing=2) == []
    foreign = {**whole, "status": "not_vietnamese", "vietnamese_share": 0.01,
               "policy_score": 0.0}
    assert document_notes(foreign, 0)[0].startswith("Status not_vietnamese")
