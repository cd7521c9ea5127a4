"""The Python API and the spaCy component (issue 15), on sentences written for the tests."""

from __future__ import annotations

import subprocess
import sys

import pytest

import pipeline

POLICY = ("CHÍNH SÁCH BẢO MẬT THÔNG TIN\n"
          "1. Thời gian lưu trữ thông tin\n"
          "Dữ liệu cá nhân của khách hàng được lưu trữ trong 24 tháng.\n"
          "2. Giải quyết khiếu nại\n"
          "Khiếu nại được trả lời trong 07 ngày làm việc qua email cskh@hoamai.vn.\n")


@pytest.fixture(scope="module")
def result() -> pipeline.PolicyAnalysis:
    return pipeline.analyze(POLICY, profile="decree52")


def test_analyze_gives_every_table_of_one_policy_issue_15(result):
    assert result.status == "ok" and result.text == POLICY.rstrip("\n")
    retention = next(c for c in result.clauses if c["text"].startswith("Dữ liệu cá nhân"))
    assert "retention" in retention["labels"] and retention["scores"]["retention"] >= 0.5
    deadline = next(f for f in result.facts if f["type"] == "complaint_deadline")
    assert (deadline["amount"], deadline["unit"]) == (7, "working_days")
    assert {"email", "retention_period"} <= {f["type"] for f in result.facts}
    for fact in result.facts:
        assert result.text[fact["start"]:fact["end"]] == fact["value"]
    assert {row["element"] for row in result.audit} >= {"retention", "complaints"}
    assert "purpose" in result.missing
    assert "PolicyAnalysis('text', status='ok'" in repr(result)


def test_to_frame_has_the_dataset_columns_issue_15(result, tmp_path):
    from pipeline.schema import DATASET_TABLES, TABLES

    for table in DATASET_TABLES:
        frame = result.to_frame(table)
        assert list(frame.columns)[:len(TABLES[table])] == list(TABLES[table])
    assert result.to_frame("errors").empty
    with pytest.raises(KeyError, match="no table 'coverage'"):
        result.to_frame("coverage")


def test_analyze_reads_a_file_and_reports_a_bad_one_issue_15(tmp_path):
    good = tmp_path / "hoa-mai.html"
    good.write_text(f"<html><body><pre>{POLICY}</pre></body></html>", encoding="utf-8")
    assert pipeline.analyze(good).document["doc_id"] == "hoa-mai"
    assert pipeline.analyze(str(good)).document["doc_id"] == "hoa-mai"
    empty = tmp_path / "rong.txt"
    empty.write_bytes(b" \n")
    bad = pipeline.analyze(empty)
    assert bad.status == "error" and "rong.txt" in bad.errors[0]["error"]
    with pytest.raises(pipeline.errors.InputNotFoundError):
        pipeline.analyze(tmp_path / "khong-co.txt")


def test_importing_the_package_loads_no_model_issue_15():
    code = ("import sys, pipeline; assert 'sklearn' not in sys.modules; "
            "assert 'spacy' not in sys.modules; pipeline.analyze; "
            "assert 'spacy' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_spacy_component_sets_clause_and_fact_spans_issue_15():
    spacy = pytest.importorskip("spacy")
    import pipeline.api  # noqa: F401 - registers the factory (an installed package: entry point)

    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.add_pipe("vnpolicy")
    doc = nlp(POLICY.rstrip("\n"))
    retention = [s for s in doc.spans["clauses"] if s.label_ == "retention"]
    assert any(s.text.startswith("Dữ liệu cá nhân") for s in retention)
    assert all(s._.vnpolicy["score"] >= 0.5 for s in retention)
    facts = {s.label_: s for s in doc.spans["facts"]}
    # the span covers whole tokens (a blank tokenizer keeps the full stop on the address);
    # the value is the fact's own characters
    assert facts["EMAIL"]._.vnpolicy["value"] == "cskh@hoamai.vn"
    assert facts["EMAIL"].text.startswith("cskh@hoamai.vn")
    assert facts["COMPLAINT_DEADLINE"]._.vnpolicy["normalized"] == "7"
