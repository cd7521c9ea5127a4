"""A batch of hostile files, made by the test itself: every bad file gets an `errors` row
with its cause, every good one is in the dataset, and the run exits 2."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.cli import app

POLICY = "Chính sách bảo mật\n1. Thời gian lưu trữ thông tin\nDữ liệu được lưu trữ 24 tháng.\n"


def _hostile_folder(folder: Path) -> dict[str, str]:
    """Writes the fixtures; returns bad file stem -> expected words of its error."""
    from pypdf import PdfWriter

    folder.mkdir()
    (folder / "rong.txt").write_bytes(b"")
    (folder / "nhi-phan.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "long-sau.html").write_text("<div>" * 3_000 + "x" + "</div>" * 3_000)
    (folder / "cat-cut.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("bí mật")
    with (folder / "ma-hoa.pdf").open("wb") as handle:
        writer.write(handle)
    (folder / "hong.docx").write_bytes(b"PK\x03\x04 not a zip")
    (folder / "qua-lon.txt").write_text(POLICY * 2_000, encoding="utf-8")
    (folder / "nfd.txt").write_text(unicodedata.normalize("NFD", POLICY), encoding="utf-8")
    (folder / "utf16.txt").write_bytes(codecs.BOM_UTF16_LE + POLICY.encode("utf-16-le"))
    (folder / "utf8-hong.txt").write_bytes(POLICY.encode() + b"\xff\xfe\xfa")
    return {"rong": "empty file", "nhi-phan": "binary", "long-sau": "nested deeper",
            "cat-cut": "unreadable PDF", "ma-hoa": "encrypted PDF", "hong": "unreadable DOCX",
            "qua-lon": "exceeds the limit"}


@pytest.mark.slow
def test_hostile_batch_goes_on(tmp_path):
    expected = _hostile_folder(tmp_path / "hostile")
    result = CliRunner().invoke(app, [
        "run", str(tmp_path / "hostile"), "--out", str(tmp_path / "out"), "--interim",
        str(tmp_path / "interim"), "-q", "--workers", "1", "--max-bytes", "50000",
    ])
    assert result.exit_code == 2, result.output
    errors = pd.read_parquet(tmp_path / "out" / "errors.parquet").set_index("doc_id")
    assert set(errors.index) == set(expected)
    for stem, cause in expected.items():
        assert cause in errors.loc[stem, "error"] and stem in errors.loc[stem, "error"]
    documents = pd.read_parquet(tmp_path / "out" / "documents.parquet").set_index("doc_id")
    assert set(documents.index) == {"nfd", "utf16", "utf8-hong"}
    for text in documents["text"]:
        assert unicodedata.is_normalized("NFC", text) and "lưu trữ" in text
