import codecs
import unicodedata
from pathlib import Path

import pytest

from pipeline.clean import clean_file, clean_text
from pipeline.clean.decode import decode_bytes, decode_document, html_to_text
from pipeline.config import CleanParams
from pipeline.errors import InputError


def read_document(path: Path, params: CleanParams = CleanParams()) -> str:
    """The decoded text of a file, as the clean stage reads it."""
    return decode_document(path.read_bytes(), path, params)


def test_decomposed_unicode_comes_out_nfc():
    nfd = unicodedata.normalize("NFD", "Chính sách bảo mật thông tin cá nhân")
    assert nfd != unicodedata.normalize("NFC", nfd)
    assert clean_text(nfd) == "Chính sách bảo mật thông tin cá nhân"


@pytest.mark.parametrize("raw, expected", [
    ("Hoà bình", "Hòa bình"),
    ("xoá dữ liệu", "xóa dữ liệu"),
    ("yêu cầu huỷ bỏ", "yêu cầu hủy bỏ"),
])
def test_old_style_tone_marks_are_normalised(raw, expected):
    assert clean_text(raw) == expected


def test_zero_width_nbsp_and_bom_are_removed():
    text = "\ufeffThông\u200b tin\u00a0cá nhân"
    assert clean_text(text) == "Thông tin cá nhân"


@pytest.mark.parametrize("bullet", ["•", "●", "*", "–", "-", "\uf0b7", "+"])
def test_bullets_become_dash(bullet):
    assert clean_text(f"{bullet} Họ và tên khách hàng") == "- Họ và tên khách hàng"


def test_negative_number_is_not_a_bullet():
    assert clean_text("-5 độ") == "-5 độ"


def test_page_number_lines_are_dropped():
    assert clean_text("Điều 1\nTrang 2/5\nNội dung") == "Điều 1\nNội dung"


def test_cleaning_is_idempotent_on_real_seed():
    text = clean_file(Path(__file__).parents[1] / "data/raw/003_5fc513aff3b861d0.txt").text
    assert clean_text(text) == text


def test_literal_newline_escapes_and_inline_tags(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("Phạm vi sử dụng\\n<b>Langfarm</b> sử dụng thông tin &amp; dữ liệu",
                    encoding="utf-8")
    expected = "Phạm vi sử dụng\nLangfarm sử dụng thông tin & dữ liệu"
    assert clean_text(read_document(path)) == expected


def test_html_drops_scripts_navigation_and_keeps_list_items():
    html = ("<html><body><nav>Trang chủ | Sản phẩm</nav><h2>Ch&iacute;nh s&aacute;ch</h2>"
            "<script>alert('x')</script><ul><li>Họ tên</li><li>Email</li></ul>"
            "<footer>© 2024</footer></body></html>")
    assert html_to_text(html) == "Chính sách\n- Họ tên\n- Email"


def test_vue_template_content_is_kept():
    html = "<template><div><p>Bảo vệ dữ liệu</p></div></template>"
    assert html_to_text(html) == "Bảo vệ dữ liệu"


def test_html_in_txt_file_is_recognised(tmp_path):
    path = tmp_path / "scraped.txt"
    path.write_text("<html><body><p>Mục đích</p><p>Thu thập email</p><div>x</div></body></html>",
                    encoding="utf-8")
    assert read_document(path) == "Mục đích\nThu thập email\nx"


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _windows_1258(text: str) -> bytes:
    """Windows-1258 writes tone marks as combining characters after a toneless base letter."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(p for p in parts if p in _TONES)
        out.append(unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONES))
                   + tones)
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "cp1258"])
def test_legacy_and_bom_encodings_decode(encoding):
    text = "Chính sách bảo mật thông tin khách hàng của chúng tôi được cập nhật thường xuyên."
    data = _windows_1258(text) if encoding == "cp1258" else text.encode(encoding)
    if encoding == "utf-16":
        assert data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    assert unicodedata.normalize("NFC", decode_bytes(data)) == text


def test_empty_file_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty.txt: empty file"):
        read_document(path)


def test_binary_file_is_a_clear_error(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(InputError, match="binary"):
        read_document(path)


def test_deep_html_nesting_is_refused(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text("<div>" * 100_000 + "x" + "</div>" * 100_000, encoding="utf-8")
    with pytest.raises(InputError, match="nested deeper"):
        read_document(path)


def test_docx_is_read(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("Chính sách bảo mật")
    document.add_paragraph("Thời gian lưu trữ thông tin là 24 tháng.")
    path = tmp_path / "policy.docx"
    document.save(path)
    assert read_document(path) == "Chính sách bảo mật\nThời gian lưu trữ thông tin là 24 tháng."


def test_truncated_pdf_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n")
    with pytest.raises(InputError, match="broken.pdf"):
        read_document(path)


def test_encrypted_pdf_is_a_clear_error(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("mật khẩu")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(InputError, match="locked.pdf: encrypted PDF"):
        read_document(path)


def test_size_limit_is_explicit(tmp_path):
    from pipeline.config import CleanParams

    path = tmp_path / "huge.txt"
    path.write_text("Chính sách bảo mật. " * 2000, encoding="utf-8")
    with pytest.raises(InputError, match="exceeds the limit of 1000"):
        read_document(path, CleanParams(max_bytes=1000))


def test_invalid_utf8_is_decoded_not_dropped(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes("Chính sách bảo mật thông tin".encode() + b"\xff\xfe\xfa")
    assert read_document(path).startswith("Ch")


@pytest.mark.parametrize("as_bytes", [
    "ChÝnh s¸ch b¶o mËt th«ng tin\nC¬ chÕ tiÕp nhËn vµ gi¶i quyÕt khiÕu n¹i".encode("latin-1"),
    "ChÝnh s¸ch b¶o mËt th«ng tin\nC¬ chÕ tiÕp nhËn vµ gi¶i quyÕt khiÕu n¹i".encode(),
])
def test_tcvn3_font_text_is_converted(as_bytes):
    assert decode_bytes(as_bytes) == ("Chính sách bảo mật thông tin\n"
                                      "Cơ chế tiếp nhận và giải quyết khiếu nại")


def test_unicode_text_with_a_copyright_sign_is_not_tcvn3():
    text = "Chính sách bảo mật © 2024 Công ty An Phát"
    assert decode_bytes(text.encode()) == text


def test_eth_becomes_d_even_where_the_syllable_normaliser_does_not_look():
    from pipeline.records import Document
    from pipeline.segment import segment_document

    text = clean_text("Ðà Nẵng 000000Ð")
    assert text == "Đà Nẵng 000000Đ"
    assert segment_document(Document("d", "", "", text))  # underthesea finds nothing to rewrite


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8"])
def test_vni_font_text_is_converted(encoding):
    vni = "CHÍNH SAÙCH BAÛO MAÄT\nThôøi gian löu tröõ thoâng tin laø 24 thaùng."
    assert decode_bytes(vni.encode(encoding)) == ("CHÍNH SÁCH BẢO MẬT\n"
                                                  "Thời gian lưu trữ thông tin là 24 tháng.")


def test_old_style_unicode_is_not_vni():
    text = "Hoà bình và ổn định: chúng tôi bảo vệ dữ liệu của khách hàng."
    assert decode_bytes(text.encode()) == text


def test_damaged_pdf_object_is_a_clear_error(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    path = tmp_path / "hong.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    path.write_bytes(path.read_bytes().replace(b"/Pages", b"/Pagez"))
    with pytest.raises(InputError, match="hong.pdf"):
        read_document(path)


def test_vni_text_full_of_tcvn3_telltales_is_read_as_vni():
    vni = "Chuùng toâi cam keát baûo veä döõ lieäu caù nhaân cuûa khaùch haøng."
    assert decode_bytes(vni.encode("cp1252")) == (
        "Chúng tôi cam kết bảo vệ dữ liệu cá nhân của khách hàng.")


def test_plain_text_with_a_few_br_tags_keeps_its_lines(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("1. Thời gian lưu trữ<br>\nDữ liệu được lưu trữ 24 tháng.<br>\n"
                    "2. Khiếu nại<br>\nLiên hệ hotro@anphat.vn.", encoding="utf-8")
    lines = [line for line in clean_text(read_document(path)).split("\n") if line]
    assert lines == [
        "1. Thời gian lưu trữ", "Dữ liệu được lưu trữ 24 tháng.", "2. Khiếu nại",
        "Liên hệ hotro@anphat.vn."]


def test_flat_html_with_unclosed_list_items_is_not_too_deep():
    from pipeline.clean.decode import html_depth

    html = "<ul>" + "<li>Chúng tôi thu thập thông tin" * 3000 + "</ul>"
    html += "<script>var s = '" + "<div>" * 3000 + "';</script><!-- <div><div> -->"
    assert html_depth(html, 2000) <= 2


def test_docx_tables_stay_in_reading_order(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("1. Địa chỉ đơn vị thu thập")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Hotline"
    table.rows[0].cells[1].text = "1900 6035"
    document.add_paragraph("2. Thời gian lưu trữ thông tin")
    path = tmp_path / "p.docx"
    document.save(path)
    assert read_document(path).split("\n") == [
        "1. Địa chỉ đơn vị thu thập", "Hotline | 1900 6035", "2. Thời gian lưu trữ thông tin"]


def test_phone_number_alone_on_a_line_is_not_a_page_number():
    text = "Tổng đài chăm sóc khách hàng (miễn phí):\n18006035\nEmail: cskh@anphat.vn"
    assert "18006035" in clean_text(text)


@pytest.mark.parametrize("line", ["• 3", "- 3", "* 12", "– 2023"])
def test_bulleted_number_lines_clean_idempotently(line):
    once = clean_text(line)
    assert clean_text(once) == once


def test_pdf_line_wraps_inside_sentences_are_joined():
    from pipeline.clean.decode import unwrap_lines

    text = ("1. Mục đích thu thập\nChúng tôi thu thập thông tin khi\nkhách hàng đăng ký:\n"
            "- họ tên\n- email\nĐịa chỉ: 12 Lê Lợi,\nquận 1")
    assert unwrap_lines(text).split("\n") == [
        "1. Mục đích thu thập", "Chúng tôi thu thập thông tin khi khách hàng đăng ký:",
        "- họ tên", "- email", "Địa chỉ: 12 Lê Lợi, quận 1"]


@pytest.mark.parametrize("raw, cleaned", [
    ("Email: hotro@cong\x00ty.vn", "Email: hotro@congty.vn"),
    ("Liên hệ \u202egnoc\u202c qua \u2066email\u2069.", "Liên hệ gnoc qua email."),
    ("Địa chỉ: số 1\vHà Nội\fĐiện thoại\u2028A\u2029B\x85C",
     "Địa chỉ: số 1\nHà Nội\nĐiện thoại\nA\nB\nC"),
])
def test_controls_overrides_and_odd_line_breaks_are_cleaned_issue_16(raw, cleaned):
    assert clean_text(raw) == cleaned and clean_text(cleaned) == cleaned


def test_nul_inside_an_email_leaves_the_email_not_a_website_issue_16():
    from pipeline.extract.contacts import find_emails, find_websites

    text = clean_text("Mọi thắc mắc gửi về hotro@cong\x00ty.vn để được hỗ trợ.")
    emails = list(find_emails(text))
    assert [f.normalized for f in emails] == ["hotro@congty.vn"]
    assert [f.normalized for f in find_websites(text, emails)] == []
