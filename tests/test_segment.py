import pytest

from pipeline.clean import clean_file
from pipeline.extract.nlp import doc_from_clauses
from pipeline.records import Document
from pipeline.segment import segment_document, split_sentences
from pipeline.structure import Line, line_features, structure_lines, with_siblings

from .conftest import SEED_KALIX, SEED_KHATRA


def _headings(text: str) -> list[tuple[str, int]]:
    clauses = segment_document(Document("d", "", "", text))
    return [(c.text, c.heading_level) for c in clauses if c.kind == "heading"]


def test_numbered_headings_and_their_levels():
    text = ("CHÍNH SÁCH BẢO MẬT THÔNG TIN\n1. Mục đích và phạm vi thu thập thông tin\n"
            "Chúng tôi thu thập họ tên, số điện thoại và email của khách hàng.\n"
            "1.1. Thông tin khách hàng cung cấp\nKhách hàng cung cấp thông tin khi đặt hàng.\n"
            "2. Thời gian lưu trữ thông tin\nDữ liệu được lưu trữ trong 24 tháng.")
    assert _headings(text) == [("CHÍNH SÁCH BẢO MẬT THÔNG TIN", 1),
                               ("1. Mục đích và phạm vi thu thập thông tin", 2),
                               ("1.1. Thông tin khách hàng cung cấp", 3),
                               ("2. Thời gian lưu trữ thông tin", 2)]


def test_title_case_and_question_headings():
    text = ("Chính Sách Bảo Mật\nThông Tin Chúng Tôi Thu Thập Từ Bạn\n"
            "Khi bạn đặt hàng, chúng tôi thu thập họ tên, số điện thoại và địa chỉ giao hàng.\n"
            "Chúng tôi lưu dữ liệu của bạn trong bao lâu?\n"
            "Dữ liệu được lưu trong 24 tháng kể từ lần mua hàng gần nhất, sau đó được xóa.\n"
            "Ai được xem dữ liệu của bạn?\n"
            "Chỉ nhân viên chăm sóc khách hàng và đơn vị giao hàng được xem dữ liệu của bạn.")
    headings = [h for h, _ in _headings(text)]
    assert headings == ["Chính Sách Bảo Mật", "Thông Tin Chúng Tôi Thu Thập Từ Bạn",
                        "Chúng tôi lưu dữ liệu của bạn trong bao lâu?",
                        "Ai được xem dữ liệu của bạn?"]


def test_markdown_headings_take_their_marks_level():
    text = ("# Chính sách bảo mật\n## Thông tin thu thập\nChúng tôi thu thập email.\n"
            "### Dữ liệu tự động\nĐịa chỉ IP và loại trình duyệt.\n## Liên hệ\n"
            "Email: hotro@anbinh.vn")
    assert [level for _, level in _headings(text)] == [1, 2, 3, 2]


def test_inlined_lettered_headings_of_a_one_line_scrape():
    text = ("A. Mục đích thu thập thông tin Chúng tôi thu thập họ tên và số điện thoại để giao "
            "hàng và chăm sóc khách hàng. Dữ liệu chỉ dùng cho các mục đích đã nêu. D. Thời "
            "gian lưu trữ thông tin Dữ liệu được lưu trữ cho đến khi khách hàng yêu cầu hủy "
            "bỏ. E. Phương thức và công cụ để khách hàng tiếp cận và chỉnh sửa dữ liệu Khách "
            "hàng có thể đăng nhập tài khoản để xem và sửa thông tin của mình. F. Cam kết bảo "
            "mật thông tin Chúng tôi cam kết bảo mật thông tin của khách hàng bằng mọi biện "
            "pháp kỹ thuật cần thiết.")
    assert len(text) > 400 and "\n" not in text
    headings = [h for h, _ in _headings(text)]
    assert "E. Phương thức và công cụ để khách hàng tiếp cận và chỉnh sửa dữ liệu" in headings
    assert "F. Cam kết bảo mật thông tin" in headings


def test_capitals_heading_before_a_numbered_item_of_a_one_line_scrape():
    text = ("Ứng dụng Gây Quỹ Xanh kết nối người ủng hộ với các dự án cộng đồng trên cả nước. "
            "NGUYÊN TẮC HOẠT ĐỘNG 1. Mọi khoản ủng hộ được chuyển thẳng vào tài khoản của dự án "
            "và công khai trên ứng dụng. 2. Người gây quỹ cập nhật tiến độ dự án mỗi tháng. "
            "THÔNG TIN THU THẬP 1. Chúng tôi thu thập họ tên, số điện thoại và lịch sử ủng hộ "
            "của người dùng. 2. Dữ liệu chỉ dùng để xác minh giao dịch và hỗ trợ người dùng.")
    assert len(text) > 400 and "\n" not in text
    headings = [h for h, _ in _headings(text)]
    assert "NGUYÊN TẮC HOẠT ĐỘNG" in headings and "THÔNG TIN THU THẬP" in headings
    assert not any(h.startswith(("1.", "2.")) for h in headings)


@pytest.mark.parametrize("line, scraped", [
    ("TRỤ SỞ CHÍNH QUẬN 1. Tòa nhà Hoa Sen, số 5 Lê Lợi.", True),  # the district's number
    ("THEO QUY ĐỊNH TẠI ĐIỀU 5. Chúng tôi bảo vệ dữ liệu của khách hàng.", True),
    ("CÔNG TY TNHH HOA SEN 1. Địa chỉ: 5 Lê Lợi, Huế.", False),  # a short line is no scrape
])
def test_capitals_before_a_number_that_is_no_heading_stay_whole(line, scraped):
    texts = [line, "Chúng tôi tôn trọng quyền riêng tư của khách hàng. " * 8 + line] if scraped \
        else [line]
    for text in texts:
        assert structure_lines(text)[-1].text.endswith(line)


def test_unnumbered_decree_52_headings_between_paragraphs():
    text = ("Chính sách bảo mật\nChúng tôi tôn trọng quyền riêng tư của khách hàng và bảo vệ "
            "thông tin cá nhân.\nMục đích thu thập thông tin:\nChúng tôi thu thập họ tên và số "
            "điện thoại để giao hàng.\nĐịa chỉ của đơn vị quản lý thông tin:"
            "\nCông ty TNHH Bình An, số 5 Lê Lợi, Huế.\nNhững cá nhân hoặc tổ chức được tiếp cận "
            "thông tin\nChỉ nhân viên giao hàng được xem thông tin của khách hàng.")
    assert [h for h, _ in _headings(text)] == [
        "Chính sách bảo mật", "Mục đích thu thập thông tin:",
        "Địa chỉ của đơn vị quản lý thông tin:",
        "Những cá nhân hoặc tổ chức được tiếp cận thông tin"]


@pytest.mark.parametrize("line, template", [
    ("b) Phạm vi sử dụng thông tin", True),
    ("- Thời gian lưu trữ thông tin:", True),
    ("Công cụ giúp bạn truy cập và chỉnh sửa hồ sơ", True),
    ("Cơ chế tiếp nhận và giải quyết khiếu nại về dữ liệu", True),
    ("Chúng tôi thu thập thông tin để giao hàng.", False),
    # a sentence that begins with the template's words, and a word that only starts like one
    ("Phạm vi sử dụng thông tin chỉ trong nội bộ công ty", False),
    ("Mục đích sử dụng dữ liệu là để giao hàng cho khách", False),
    ("Bênh vực quyền lợi của khách hàng khi tiếp cận dịch vụ", False),
    ("Thời gian lưu trữ thông tin là 24 tháng kể từ ngày khách hàng đăng ký tài khoản, sau "
     "thời gian đó chúng tôi sẽ xóa toàn bộ dữ liệu của khách hàng khỏi hệ thống máy chủ của "
     "công ty và các đối tác, trừ khi pháp luật yêu cầu lưu giữ lâu hơn hoặc khách hàng yêu "
     "cầu khác đi bằng văn bản gửi tới bộ phận chăm sóc khách hàng.", False),
])
def test_lines_that_begin_like_a_decree_52_section_are_marked(line, template):
    (row,) = line_features(structure_lines(line))
    assert bool(row.get("template_heading")) is template


@pytest.mark.parametrize("line, recites", [
    ("Cơ chế tiếp nhận và giải quyết khiếu nại của khách hàng liên quan đến việc thông tin cá "
     "nhân bị sử dụng sai mục đích hoặc phạm vi đã thông báo", True),
    ("Cách thức liên hệ để thành viên có thể hỏi về hoạt động thu thập, xử lý thông tin liên "
     "quan đến cá nhân mình", True),
    ("- Những người hoặc tổ chức có thể được tiếp cận với thông tin cá nhân", True),
    # the title's words inside a sentence, and a sentence that only begins like a title
    ("Thông tin cá nhân bị sử dụng sai mục đích hoặc phạm vi đã thông báo sẽ được xử lý "
     "theo quy định.", False),
    ("Cơ chế tiếp nhận khiếu nại của chúng tôi hoạt động cả ngày lễ và cuối tuần, khách hàng "
     "chỉ cần gọi tổng đài để được hướng dẫn.", False),
])
def test_lines_reciting_a_decree_52_title_in_full_are_marked(line, recites):
    (row,) = line_features(structure_lines(line))
    assert bool(row.get("template_title")) is recites
    if recites:  # however long the title: item (đ) runs past the template's 8 extra words
        assert row["template_heading"] == 1.0


def test_unnumbered_decree_52_titles_in_full_are_headings():
    text = ("Chính sách bảo mật\nd) Những người hoặc tổ chức có thể được tiếp cận với thông tin "
            "cá nhân\nNhân viên của công ty và đơn vị vận chuyển được tiếp cận thông tin giao "
            "hàng.\nCách thức liên hệ để thành viên có thể hỏi về hoạt động thu thập, xử lý "
            "thông tin liên quan đến cá nhân mình\nThành viên gọi tổng đài 1900 1234 hoặc gửi "
            "thư đến cskh@vidu.vn để được giải đáp.")
    assert [h[:16] for h, _ in _headings(text)] == [
        "Chính sách bảo m", "d) Những người h", "Cách thức liên h"]


@pytest.mark.parametrize("line", [
    "Khách hàng có thể liên hệ qua email để được hỗ trợ.",
    "CTY TNHH THƯƠNG MẠI KHÁNH HỘI (KHATRA)",
    "- Họ và tên khách hàng",
])
def test_body_lines_are_not_headings(line):
    text = f"1. Thông tin liên hệ\n{line}\nChúng tôi sẽ trả lời trong giờ hành chính."
    assert [h for h, _ in _headings(text)] == ["1. Thông tin liên hệ"]


def test_numbered_list_restarting_below_the_section_is_not_a_heading():
    doc = Document("d", "", "", "3. Bảo vệ quyền riêng tư\n1. Có sự chấp thuận của khách hàng\n"
                                "2. Phải tuân theo quy định của pháp luật")
    kinds = [c.kind for c in segment_document(doc)]
    assert kinds == ["heading", "bullet", "bullet"]


def test_a_numbered_line_is_a_heading_when_its_siblings_are():
    text = ("Chính sách bảo mật\nĐiều 2. Loại dữ liệu cá nhân được xử lý\n"
            "a) Dữ liệu cá nhân cơ bản: họ, chữ đệm và tên khai sinh; ngày sinh; giới tính.\n"
            "b) Dữ liệu cá nhân nhạy cảm: thông tin về tình trạng sức khỏe.\n"
            "Điều 3. Mục đích xử lý\nChúng tôi xử lý dữ liệu để cung cấp dịch vụ khám bệnh.")
    assert [h for h, _ in _headings(text)] == [
        "Chính sách bảo mật", "Điều 2. Loại dữ liệu cá nhân được xử lý", "Điều 3. Mục đích xử lý"]


def test_labels_broken_before_their_colon_are_no_headings():
    # Text taken out of JSX: "<b>Mục đích thu thập</b>: Lý do ..." loses the line join.
    text = ("CHÍNH SÁCH BẢO MẬT\n1. Giới thiệu\nChính sách này giải thích:\nMục đích thu thập\n"
            ": Lý do chúng tôi thu thập thông tin cá nhân của bạn.\nBiện pháp bảo mật\n:\n"
            "Cách chúng tôi bảo vệ thông tin cá nhân của bạn.\n2. Thu thập thông tin\n"
            "Chúng tôi thu thập họ tên và số điện thoại.")
    assert [h for h, _ in _headings(text)] == [
        "CHÍNH SÁCH BẢO MẬT", "1. Giới thiệu", "2. Thu thập thông tin"]
    units = [u.text for u in structure_lines(text)]
    assert "Biện pháp bảo mật : Cách chúng tôi bảo vệ thông tin cá nhân của bạn." in units
    clauses = segment_document(Document("d", "", "", text))
    assert [c.text for c in clauses[3:7]] == [  # each line stays a clause of its own
        "Mục đích thu thập", ": Lý do chúng tôi thu thập thông tin cá nhân của bạn.",
        "Biện pháp bảo mật", ":"]


def test_a_heading_with_an_ampersand_before_a_capital_stays_whole():
    text = ("Chính sách bảo mật\n3. Chia sẻ thông tin\nChúng tôi không bán thông tin của bạn.\n"
            "4. Cookie & Công nghệ theo dõi\nWebsite có thể dùng cookie để ghi nhớ lựa chọn.")
    assert "4. Cookie & Công nghệ theo dõi" in [h for h, _ in _headings(text)]


def test_a_short_line_right_under_the_title_is_a_heading():
    text = ("CHÍNH SÁCH BẢO MẬT\nXử lý dữ liệu cá nhân\nChúng tôi xử lý dữ liệu cá nhân của khách "
            "hàng theo quy định của pháp luật Việt Nam, chỉ trong phạm vi cần thiết để cung cấp "
            "dịch vụ và hỗ trợ khách hàng.\nDữ liệu được lưu trữ trên máy chủ đặt tại Việt Nam.")
    assert [h for h, _ in _headings(text)] == ["CHÍNH SÁCH BẢO MẬT", "Xử lý dữ liệu cá nhân"]


def test_a_question_right_under_the_title_is_a_heading():
    text = ("Chính sách bảo mật\nTôi có thể khiếu nại ở đâu?\nBạn có thể gửi khiếu nại qua biểu "
            "mẫu trên website hoặc đến trực tiếp văn phòng của chúng tôi.")
    assert [h for h, _ in _headings(text)] == ["Chính sách bảo mật", "Tôi có thể khiếu nại ở đâu?"]


def _lines(*texts: str) -> list[Line]:
    return [Line(0, len(text), text) for text in texts]


def test_siblings_join_only_a_run_that_is_half_headings():
    lines = _lines("I. Thu thập", "Chúng tôi thu thập họ tên.", "II. Sử dụng", "Để giao hàng.",
                   "III. Lưu trữ", "Trong 24 tháng.")
    assert with_siblings(lines, [0, 4]) == [0, 2, 4]
    assert with_siblings(lines, [4]) == [4]  # one of three: a list item, not the rule
    listed = _lines("1. Mục đích", "a) Họ tên", "b) Số điện thoại;", "c) Email")
    assert with_siblings(listed, [0, 1, 3]) == [0, 1, 3]  # an item ending in ";" stays one
    titled = _lines("1. Mục đích", "a) Họ tên", "b) Số điện thoại", "c) Email")
    assert with_siblings(titled, [0, 1, 3]) == [0, 1, 2, 3]
    mixed = _lines("I. Giới thiệu", "Chào bạn.", "II. Thông tin thu thập", "a) Họ tên",
                   "b) Email", "c) Số điện thoại", "III. Mục đích")
    assert with_siblings(mixed, [0, 2, 6]) == [0, 2, 6]  # "c)" is a letter, not a hundred
    long_item = "2. " + " ".join(["Chúng tôi có thể dùng dữ liệu để liên hệ"] * 3)
    assert with_siblings(_lines("1. Mục đích", long_item), [0]) == [0]


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
