"""DOCX files built by the tests: malformed, huge after inflation or in structure, entities."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from pipeline.clean import office
from pipeline.clean.decode import decode_document
from pipeline.config import CleanParams
from pipeline.errors import InputError, LimitExceeded

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
STYLES = (f'<w:styles {NS}><w:style w:type="paragraph" w:styleId="DS">'
          '<w:name w:val="List Bullet"/></w:style></w:styles>')


def make_docx(body: str, prolog: str = "", styles: str = STYLES) -> bytes:
    """A minimal package: content types, the main part and its styles."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml",
                         f'<?xml version="1.0"?>{prolog}<w:document {NS}><w:body>{body}'
                         "</w:body></w:document>")
        package.writestr("word/styles.xml", styles)
    return buffer.getvalue()


def para(text: str, style: str | None = None) -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{props}<w:r><w:t>{text}</w:t></w:r></w:p>"


def read(data: bytes, **limits: int) -> str:
    return decode_document(data, Path("chinh-sach.docx"), CleanParams(**limits))


def test_style_without_val_is_read_not_raised_issue_16():
    body = "<w:p><w:pPr><w:pStyle/></w:pPr><w:r><w:t>Chúng tôi bảo mật dữ liệu.</w:t></w:r></w:p>"
    assert read(make_docx(body + para("Họ tên", "DS"))) == (
        "Chúng tôi bảo mật dữ liệu.\n- Họ tên")


def test_text_after_an_entity_is_kept_and_the_entity_not_expanded_issue_16():
    prolog = '<!DOCTYPE w:document [<!ENTITY ct "Công ty">]>'
    body = "<w:p><w:r><w:t>Liên hệ &ct; qua email.</w:t></w:r></w:p>"
    assert read(make_docx(body, prolog)) == "Liên hệ  qua email."


def test_a_cell_spanning_a_million_columns_counts_once_issue_16():
    cell = ('<w:tc><w:tcPr><w:gridSpan w:val="1000000"/></w:tcPr>'
            "<w:p><w:r><w:t>Thời gian lưu trữ</w:t></w:r></w:p></w:tc>")
    table = f"<w:tbl><w:tr>{cell}<w:tc>{para('24 tháng')}</w:tc></w:tr></w:tbl>"
    assert read(make_docx(table * 200)).split("\n")[:2] == ["Thời gian lưu trữ | 24 tháng"] * 2


def test_paragraph_count_costs_linear_work_issue_16(monkeypatch):
    """Work counted in paragraph texts read: each paragraph once, whatever the count."""
    calls = []
    original = office.paragraph_text
    monkeypatch.setattr(office, "paragraph_text", lambda p: calls.append(1) or original(p))
    for n in (20_000, 40_000):
        calls.clear()
        text = read(make_docx(para("Dữ liệu.") * n))
        assert text.count("Dữ liệu.") == n and len(calls) == n


def test_docx_inflating_past_the_limit_is_refused_with_the_limit_named():
    data = make_docx(para("x" * 1_000) * 2_000)  # ~2 MB of XML, a few KB zipped
    assert len(data) < 50_000
    with pytest.raises(LimitExceeded, match="chinh-sach.docx.*--max-inflated-bytes"):
        read(data, max_inflated_bytes=1_000_000)
    with pytest.raises(LimitExceeded, match="chinh-sach.docx.*--max-chars"):
        read(data, max_chars=100_000)
    assert len(read(data)) > 2_000_000


@pytest.mark.parametrize("data", [
    make_docx("<w:p><w:r><w:t>không đóng thẻ</w:r></w:p>"),
    b"PK\x03\x04" + b"\x00" * 100,
    make_docx(para("a")).replace(b"word/document.xml", b"word/other-doc.xml"),
])
def test_every_damaged_docx_error_names_the_file(data):
    with pytest.raises(InputError, match="chinh-sach.docx: unreadable DOCX"):
        read(data)
