"""PDF text that keeps Vietnamese syllables whole, and a warning when a text reads as
damaged (issue 15). The PDFs are built here with fpdf2 and matplotlib's DejaVu Sans."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.clean import clean_bytes
from pipeline.clean.quality import text_warnings
from pipeline.document import Outcome, document_row

fpdf = pytest.importorskip("fpdf")
matplotlib = pytest.importorskip("matplotlib")
FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def _pdf(lines: list[list[str]], gap_mm: float) -> bytes:
    """A page whose lines are drawn piece by piece, `gap_mm` apart: how a letter-spaced
    heading, or a fallback font for the toned letters, lays a syllable out."""
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.add_font("dejavu", fname=str(FONT))
    pdf.set_font("dejavu", size=12)
    for row, pieces in enumerate(lines):
        x = 10.0
        for piece in pieces:
            pdf.set_xy(x, 20 + 8 * row)
            pdf.cell(text=piece)
            x += pdf.get_string_width(piece) + gap_mm
    return bytes(pdf.output())


SPLIT = [["Trang ch", "ủ", " | S", "ả", "n ph", "ẩ", "m"],
         ["Chính sách b", "ả", "o m", "ậ", "t c", "ủ", "a c", "ử", "a hàng"],
         ["Chúng tôi không chia s", "ẻ", " d", "ữ", " li", "ệ", "u c", "ủ", "a b", "ạ", "n."]]


def test_syllables_split_by_the_layout_are_joined_again_issue_15(tmp_path):
    data = _pdf(SPLIT, gap_mm=1.2)
    document = clean_bytes(data, Path("in-ra.pdf"))
    assert document.text.splitlines() == [
        "Trang chủ | Sản phẩm", "Chính sách bảo mật của cửa hàng",
        "Chúng tôi không chia sẻ dữ liệu của bạn."]
    assert text_warnings(document.text) == []


def test_a_pdf_drawn_in_one_piece_reads_as_it_is_issue_15():
    data = _pdf([["Chúng tôi ở Hà Nội và luôn bảo mật dữ liệu của khách hàng."]], 0)
    assert clean_bytes(data, Path("a.pdf")).text == (
        "Chúng tôi ở Hà Nội và luôn bảo mật dữ liệu của khách hàng.")


def test_text_with_many_one_letter_words_gets_a_warning_issue_15():
    damaged = "N g ư ờ i d ù n g c ó q u y ề n y ê u c ầ u x ó a d ữ l i ệ u."
    outcome = Outcome("hong", "hong.txt", clean_bytes(damaged.encode(), Path("hong.txt")))
    row = document_row(outcome)
    assert row["warnings"] and row["warnings"][0].startswith("damaged_text:")
    whole = "Người dùng có quyền yêu cầu xóa dữ liệu của mình bất cứ lúc nào."
    assert document_row(Outcome("tot", "tot.txt", clean_bytes(whole.encode(), Path("t.txt")))
                        )["warnings"] == []


@pytest.mark.parametrize(("text", "status"), [
    ("Chính sách bảo mật. Chúng tôi thu thập và lưu trữ thông tin cá nhân của bạn.", "ok"),
    ("We collect your name and e-mail address to deliver orders. Contact us any time.",
     "not_vietnamese"),
    ("Giỏ hàng của bạn đang trống. Xem thêm sản phẩm mới và khuyến mãi trong tuần.",
     "not_a_policy"),
])
def test_a_document_that_is_not_a_vietnamese_policy_is_never_a_silent_ok_issue_15(text,
                                                                                     status):
    row = document_row(Outcome("x", "x.txt", clean_bytes(text.encode(), Path("x.txt"))))
    assert row["status"] == status
    assert 0.0 <= row["vietnamese_share"] <= 1.0 and 0.0 <= row["policy_score"] <= 1.0
