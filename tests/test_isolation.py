"""One bad file is one `errors` row: whatever a stage raises for a document, a worker that
dies, a cache or memo entry of the wrong shape or a failing cache disk leave the rest of the
batch complete and the exit status right."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline import document
from pipeline.cli import app

from .test_office import make_docx

POLICY = ("CHÍNH SÁCH BẢO MẬT THÔNG TIN\n1. Thời gian lưu trữ thông tin\n"
          "Dữ liệu của {name} được lưu trữ trong 24 tháng.\n"
          "2. Liên hệ\nMọi thắc mắc xin gửi về hotro@{name}.vn.\n")
runner = CliRunner()


@pytest.fixture
def good_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "policies"
    folder.mkdir()
    for name in ("hoasen", "binhminh", "anhduong"):
        (folder / f"{name}.txt").write_text(POLICY.format(name=name), encoding="utf-8")
    return folder


def invoke(inputs: Path, root: Path, *options: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["run", str(inputs), "--out", str(root / "out"), "--interim",
                               str(root / "interim"), "-q", *options])


def tables(root: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(root / "out" / f"{name}.parquet")
            for name in ("documents", "clauses", "facts", "errors")}


def test_docx_with_a_style_without_val_is_one_errors_row_at_most_issue_16(good_dir, tmp_path):
    body = "<w:p><w:pPr><w:pStyle/></w:pPr><w:r><w:t>Dữ liệu được bảo mật.</w:t></w:r></w:p>"
    (good_dir / "kieu-hong.docx").write_bytes(make_docx(body))
    (good_dir / "xml-hong.docx").write_bytes(make_docx("<w:p><w:r><w:t>mở</w:p>"))
    for _ in range(2):  # and the same on the next run (`--resume`)
        result = invoke(good_dir, tmp_path, "--workers", "1", "--resume")
        assert result.exit_code == 2, result.output
        found = tables(tmp_path)
        assert set(found["documents"]["doc_id"]) == {"hoasen", "binhminh", "anhduong",
                                                     "kieu-hong"}
        assert list(found["errors"]["doc_id"]) == ["xml-hong"]
        assert "xml-hong.docx: unreadable DOCX" in found["errors"]["error"][0]


@pytest.mark.parametrize("stage", ["segment", "classify", "extract", "audit"])
def test_any_exception_of_a_stage_is_that_documents_error_row_issue_16(good_dir, tmp_path,
                                                                       monkeypatch, stage):
    """A stage that raises something unexpected (not a PipelineError) for one document."""
    def poisoned(real):  # type: ignore[no-untyped-def]
        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            if "binhminh" in repr(args)[:100_000]:
                raise KeyError("hỏng")
            return real(*args, **kwargs)
        return call

    if stage == "classify":
        from pipeline.batch import worker
        classifier = worker.classifier()
        monkeypatch.setattr(classifier, "predict_many", poisoned(classifier.predict_many))
    else:
        name = {"segment": "segment_document", "extract": "extract_facts",
                "audit": "audit_document"}[stage]
        monkeypatch.setattr(document, name, poisoned(getattr(document, name)))
    result = invoke(good_dir, tmp_path, "--workers", "1", "--no-cache")
    assert result.exit_code == 2, result.output
    found = tables(tmp_path)
    errors = found["errors"].set_index("doc_id")
    assert list(errors.index) == ["binhminh"] and errors.loc["binhminh", "stage"] == stage
    assert errors.loc["binhminh", "error"].endswith("binhminh.txt: KeyError: 'hỏng'")
    documents = found["documents"].set_index("doc_id")["status"]
    assert documents.to_dict() == {"anhduong": "ok", "binhminh": "error", "hoasen": "ok"}
    assert {"hoasen", "anhduong"} <= set(found["facts"]["doc_id"])
