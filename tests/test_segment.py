import pytest

from pipeline.clean import clean_file
from pipeline.extract.nlp import doc_from_clauses
from pipeline.records import Document
from pipeline.segment import heading_level, segment_document, split_sentences

from .conftest import SEED_KALIX, SEED_KHATRA


@pytest.mark.parametrize("line, level", [
    ("1. Mục đích và phạm vi thu thập thông tin", 2),
    ("2.1. Địa chỉ đơn vị thu thập và quản lý thông tin", 3),
    ("A. MỤC ĐÍCH VÀ PHẠM VI THU THẬP", 2),
    ("I. Chính sách bảo mật và chia sẻ thông tin", 1),
    ("CHÍNH SÁCH BẢO MẬT THÔNG TIN", 1),
    ("Thời gian lưu trữ thông tin", 2),
])
def test_heading_forms(line, level):
    assert heading_level(line) == level


@pytest.mark.parametrize("line", [
    "Khách hàng có thể liên hệ qua email để được hỗ trợ.",
    "CTY TNHH THƯƠNG MẠI KHÁNH HỘI (KHATRA)",
    "- Họ và tên khách hàng",
    "Địa chỉ nhận hàng",
])
def test_body_lines_are_not_headings(line):
    assert heading_level(line) is None


def test_numbered_list_restarting_below_the_section_is_not_a_heading():
    doc = Document("d", "", "", "3. Bảo vệ quyền riêng tư\n1. Có sự chấp thuận của khách hàng\n"
                                "2. Phải tuân theo quy định của pháp luật")
    kinds = [c.kind for c in segment_document(doc)]
    assert kinds == ["heading", "bullet", "bullet"]


def test_email_is_not_split_between_sentences():
    text = "Mọi yêu cầu vui lòng gửi về hotro@congty.vn. Chúng tôi sẽ phản hồi."
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "Mọi yêu cầu vui lòng gửi về hotro@congty.vn.", "Chúng tôi sẽ phản hồi."]


@pytest.mark.parametrize("path", [SEED_KHATRA, SEED_KALIX])
def test_offsets_and_tokens_point_into_the_cleaned_text(path):
    doc = clean_file(path)
    clauses = segment_document(doc)
    assert clauses
    for clause in clauses:
        assert doc.text[clause.start:clause.end] == clause.text
        for word, start in zip(clause.tokens, clause.token_starts, strict=True):
            assert doc.text[start:start + len(word)] == word


def test_clause_keeps_its_section_heading():
    doc = clean_file(SEED_KHATRA)
    clause = next(c for c in segment_document(doc) if "tam@khatra.com.vn để" in c.text)
    assert clause.section == "1.2. Thời gian lưu trữ thông tin"


def test_spacy_doc_rebuilds_the_text_exactly():
    doc = clean_file(SEED_KALIX)
    spacy_doc = doc_from_clauses(doc.text, segment_document(doc))
    assert spacy_doc.text == doc.text
    assert "thông tin" in [t.text for t in spacy_doc]  # underthesea multi-syllable word


def test_policy_on_one_long_line_still_has_sections():
    text = ("Chúng tôi thu thập họ tên, số điện thoại và email của khách hàng khi đặt hàng. "
            "2. Phạm vi sử dụng thông tin Thông tin chỉ được sử dụng trong nội bộ công ty. "
            "Chúng tôi không bán thông tin cho bên thứ ba. 3. Thời gian lưu trữ thông tin "
            "Dữ liệu được lưu trữ cho đến khi khách hàng yêu cầu hủy bỏ. Còn lại dữ liệu "
            "được bảo mật trên máy chủ của công ty và của đối tác cung cấp dịch vụ máy chủ "
            "theo hợp đồng đã ký giữa hai bên.")
    assert len(text) > 400 and "\n" not in text
    clauses = segment_document(Document("d", "", "", text))
    for clause in clauses:
        assert text[clause.start:clause.end] == clause.text == clause.text.strip()
    headings = [c.text for c in clauses if c.kind == "heading"]
    assert headings == ["2. Phạm vi sử dụng thông tin", "3. Thời gian lưu trữ thông tin"]
    last = clauses[-1]
    assert last.section == "3. Thời gian lưu trữ thông tin"


@pytest.mark.parametrize("line, level", [
    ("(1) Thu thập thông tin", 2),
    ("PHẦN 2 – CHIA SẺ DỮ LIỆU", 1),
])
def test_more_heading_numberings(line, level):
    assert heading_level(line) == level
