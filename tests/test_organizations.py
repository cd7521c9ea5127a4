"""Organisation names: legal names with their business line, and the controller's trading
names (spelled like its own domain, or calling itself "chúng tôi")."""

import pytest

from pipeline.extract.facts import extract_text_facts
from pipeline.extract.organizations import (
    brand_label,
    find_foreign_owners,
    find_organizations,
    fold,
)


def _names(text):
    return [(f.value, f.qualifier) for f in extract_text_facts(text)
            if f.type == "organization"]


@pytest.mark.parametrize("text, expected", [
    ("Đơn vị quản lý: Công ty TNHH công nghệ Sao Khuê Việt Nam\nĐịa chỉ: 5 Lê Lợi, Hà Nội",
     "Công ty TNHH công nghệ Sao Khuê Việt Nam"),
    ("Bên kiểm soát dữ liệu là Công ty TNHH dịch vụ và phát triển Bình Minh, có trụ sở tại Huế.",
     "Công ty TNHH dịch vụ và phát triển Bình Minh"),
    ("Thông tin chỉ được dùng trong nội bộ Cửa hàng phụ tùng ô tô Đại Phát, đơn vị bán hàng.",
     "Cửa hàng phụ tùng ô tô Đại Phát"),
    ("Ngân hàng Thương mại cổ phần Sông Hồng (SHB2) là đơn vị xử lý dữ liệu.",
     "Ngân hàng Thương mại cổ phần Sông Hồng (SHB2)"),
    ("Công ty Liên Doanh TNHH Rồng Vàng - Mã số thuế: 0100697769",
     "Công ty Liên Doanh TNHH Rồng Vàng"),
    ("Tổng Công ty Bưu chính Sao Bắc cam kết bảo vệ dữ liệu.", "Tổng Công ty Bưu chính Sao Bắc"),
    ("Tập Đoàn Hoa Sen Việt thu thập dữ liệu khách hàng.", "Tập Đoàn Hoa Sen Việt"),
])
def test_legal_names_with_their_business_line(text, expected):
    assert [f.value for f in find_organizations(text)] == [expected]


@pytest.mark.parametrize("text, expected", [
    ("Trường Đại học Bách khoa Hà Nội cam kết bảo vệ dữ liệu của sinh viên.",
     "Trường Đại học Bách khoa Hà Nội"),
    ("Chính sách này do Trường THPT Nguyễn Du ban hành.", "Trường THPT Nguyễn Du"),
    ("Nhà thuốc Minh Châu cam kết bảo mật.", "Nhà thuốc Minh Châu"),
    ("Hợp tác xã Nông nghiệp Xanh là đơn vị bán hàng.", "Hợp tác xã Nông nghiệp Xanh"),
])
def test_names_of_schools_pharmacies_and_cooperatives(text, expected):
    assert [f.value for f in find_organizations(text)] == [expected]


@pytest.mark.parametrize("text, expected", [
    ("© 2025 Công ty TNHH Điện máy Phương Nam. Bảo lưu mọi quyền.",
     "Công ty TNHH Điện máy Phương Nam"),  # a business line, not the label "Điện thoại"
    ("Công ty CP Địa ốc Bến Thành Điện thoại: 028 3822 0000", "Công ty CP Địa ốc Bến Thành"),
    ("Công ty TNHH Phương Nam Địa chỉ: 12 Lê Lợi, Huế", "Công ty TNHH Phương Nam"),
    ("Quỹ Từ thiện Bông Sen Hồng cam kết công khai các khoản ủng hộ.",
     "Quỹ Từ thiện Bông Sen Hồng"),
])
def test_business_lines_that_begin_like_a_contact_label_and_charity_funds(text, expected):
    assert [f.value for f in find_organizations(text)] == [expected]


@pytest.mark.parametrize("text, expected", [
    ("Để giao hàng, chúng tôi cung cấp họ tên và địa chỉ cho Công ty TNHH Giao vận Sông Thu.",
     []),
    ("Đơn thuốc và địa chỉ nhận hàng được chuyển cho Công ty Cổ phần Dược Ánh Dương.", []),
    ("Khách hàng cung cấp thông tin cho Công ty TNHH Sao Khuê khi đặt hàng.",
     ["Công ty TNHH Sao Khuê"]),  # a user gives it to the controller
])
def test_a_company_the_data_is_given_to_is_no_organization_fact(text, expected):
    assert [f.value for f in find_organizations(text)] == expected


@pytest.mark.parametrize("text", [
    "Công ty TNHH có trách nhiệm bảo vệ dữ liệu.",  # a form and no name
    "Chúng tôi có thể chia sẻ với ngân hàng và các đối tác.",  # a bank, unnamed
    "Sản phẩm được bán tại cửa hàng trên toàn quốc.",
])
def test_no_name_after_a_form(text):
    assert list(find_organizations(text)) == []


@pytest.mark.parametrize("text, expected", [
    ("Công ty TNHH Sao Khuê cung cấp dịch vụ cho Công ty TNHH Bình Minh.",
     ["Công ty TNHH Sao Khuê", "Công ty TNHH Bình Minh"]),
    ("Công ty TNHH Sao Khuê là công ty con của Công ty Cổ phần Bình Minh.",
     ["Công ty TNHH Sao Khuê", "Công ty Cổ phần Bình Minh"]),
    ("Công ty TNHH Sao Khuê và Ngân hàng TMCP Bình Minh ký thỏa thuận.",
     ["Công ty TNHH Sao Khuê", "Ngân hàng TMCP Bình Minh"]),
])
def test_two_legal_names_in_one_sentence_are_two_names(text, expected):
    assert [f.value for f in find_organizations(text)] == expected


@pytest.mark.parametrize("text", [
    "CÔNG TY CAM KẾT BẢO MẬT THÔNG TIN KHÁCH HÀNG",
    "Công Ty Cam Kết Bảo Mật Thông Tin",
    "Các công ty Việt Nam phải tuân thủ quy định này.",
    "Trường hợp bạn không đồng ý, Đại học không chịu trách nhiệm.",
    "Các trường đại học đối tác sẽ nhận dữ liệu.",
    "MỤC TIÊU KÊU GỌI GÂY QUỸ Với mục tiêu minh bạch, ứng dụng không phải một quỹ.",
])
def test_what_a_company_does_is_not_its_name(text):
    assert list(find_organizations(text)) == []


@pytest.mark.parametrize("text", [
    "Người Dùng (chúng tôi gọi là bạn) đồng ý với điều khoản.",
    'Khách Hàng ("chúng tôi" không chịu trách nhiệm) cần lưu ý.',
    'Công ty TNHH Sao Khuê (sau đây gọi là "Bên A") là bên bán.',
])
def test_words_for_a_party_are_no_trading_name(text):
    assert [value for value, qualifier in _names(text) if qualifier] == []


def test_a_name_that_spells_the_controllers_domain_is_its_trading_name():
    text = ("Xóm Núi cam kết bảo mật thông tin của khách hàng. Đơn hàng được XÓM NÚI xử lý "
            "trong 24 giờ.\nWebsite: https://xomnui.vn - Email: hotro@xomnui.vn")
    assert _names(text) == [("Xóm Núi", "trading_name"), ("XÓM NÚI", "trading_name")]


def test_a_name_the_domain_extends_with_a_word_counts_where_it_is_written_twice():
    text = ("Tại Hạt Dẻ, chúng tôi tôn trọng quyền riêng tư. Hạt Dẻ không bán dữ liệu.\n"
            "Liên hệ: hatdeshop.vn")
    assert _names(text) == [("Hạt Dẻ", "trading_name")] * 2
    once = "Mọi thắc mắc xin gửi về Hạt Dẻ. Liên hệ: hatdeshop.vn"
    assert _names(once) == []


def test_a_domain_part_followed_by_more_of_a_name_is_not_a_name():
    # "Tây Hồ" of "Tây Hồ Car" is a place, not the business
    text = "Tây Hồ Car cam kết bảo mật. Tây Hồ Car có trụ sở tại Hà Nội.\nWebsite: tayhocar.vn"
    assert _names(text) == [("Tây Hồ Car", "trading_name")] * 2


def test_a_subsidiary_adds_its_country_to_the_name_its_domain_shortens():
    text = ("Hạt Dẻ Việt Nam là nhà phân phối. Hạt Dẻ không bán dữ liệu.\n"
            "Liên hệ: hatdeshop.vn")
    assert _names(text) == [("Hạt Dẻ Việt Nam", "trading_name"), ("Hạt Dẻ", "trading_name")]


@pytest.mark.parametrize("text, short", [
    ("Công ty TNHH Sao Khuê Việt Nam (“Sao Khuê Việt Nam”) có trụ sở tại Huế.",
     "Sao Khuê Việt Nam"),
    ('Công ty Cổ phần Cơ khí Bình Minh (sau đây gọi tắt là "Bình Minh", "chúng tôi") là bên '
     "kiểm soát dữ liệu.", "Bình Minh"),
])
def test_the_short_name_a_legal_name_gives_itself_is_a_trading_name(text, short):
    assert (short, "trading_name") in _names(text)


@pytest.mark.parametrize("text", [
    'Công ty TNHH Sao Khuê ("Công ty") cam kết bảo mật.',
    "Công ty TNHH Sao Khuê (sau đây gọi là “chúng tôi”) cam kết bảo mật.",
    "Công ty TNHH Sao Khuê (“Bên Kiểm soát dữ liệu”) cam kết bảo mật.",
])
def test_a_bracketed_word_for_oneself_names_no_one(text):
    assert [value for value, qualifier in _names(text) if qualifier] == []


def test_a_name_that_calls_itself_we_is_a_trading_name():
    text = 'Cập nhật lần cuối: 01/02/2026\nLàng Gốm Xanh ("chúng tôi") tôn trọng quyền riêng tư.'
    assert _names(text) == [("Làng Gốm Xanh", "trading_name")]


def test_a_name_that_twice_does_what_the_controller_does_is_a_trading_name():
    text = ("Chính sách bảo mật của Minh Tâm Books\nMinh Tâm Books cam kết bảo mật thông tin. "
            "Minh Tâm Books không bán dữ liệu cho bên thứ ba.")
    assert _names(text) == [("Minh Tâm Books", "trading_name")] * 2
    once = "Minh Tâm Books cam kết bảo mật thông tin của khách hàng."
    assert _names(once) == []


@pytest.mark.parametrize("text", [
    # a common noun in Title Case, which the policy also writes in lower case
    "Đối Tác sẽ nhận dữ liệu giao hàng. Đối Tác không được bán dữ liệu. Các đối tác đã ký cam "
    "kết.",
    "Sàn Giao Dịch sẽ lưu đơn hàng. Sàn Giao Dịch cam kết hỗ trợ người mua.",
    "Quý Khách sẽ nhận thư xác nhận. Quý Khách có thể hủy đăng ký bất cứ lúc nào.",
    # a platform the policy names
    "Google Analytics sẽ thu thập lượt truy cập. Google Analytics có thể đặt cookie.",
    "Momo sẽ xử lý thanh toán ví. Momo có thể lưu lịch sử giao dịch.",
    # a heading in capitals
    "1. CHÍNH SÁCH NÀY ÁP DỤNG sẽ được nói rõ. 2. CHÍNH SÁCH NÀY ÁP DỤNG sẽ được nói rõ.",
])
def test_no_trading_name_from_words_that_start_sentences(text):
    assert [value for value, qualifier in _names(text) if qualifier] == []


def test_no_trading_name_from_a_mail_provider_or_inside_the_legal_name():
    text = ("Công ty TNHH Hoa Mai thu thập họ tên. Gmail của bạn không được chia sẻ. "
            "Liên hệ hoamai@gmail.com hoặc hoamai.vn")
    assert _names(text) == [("Công ty TNHH Hoa Mai", "")]


def test_domain_names_and_spellings():
    assert brand_label("www.shop.hoamai.com.vn") == "hoamai"
    assert brand_label("abc.vn") == ""  # too short to tell a name
    assert fold("Đất Việt Xanh") == "datvietxanh"


@pytest.mark.parametrize("text, expected", [
    ("Website thuộc quyền sở hữu của Shopee Pte. Ltd.", ["Shopee Pte. Ltd."]),
    ("Ứng dụng được vận hành bởi ABC Technology Co., Ltd. có trụ sở tại Singapore.",
     ["ABC Technology Co., Ltd."]),
    ("Đơn vị chủ quản: Grab Holdings Inc.", ["Grab Holdings Inc."]),
    ("Website thuộc sở hữu của Công ty TNHH Alpha Việt Nam.", []),  # read as a legal name
])
def test_a_foreign_owner_with_its_legal_form_after_the_name(text, expected):
    assert [f.value for f in find_foreign_owners(text)] == expected


@pytest.mark.parametrize("text", [
    "Chúng tôi dùng dịch vụ phân tích của Google LLC và Meta Platforms Inc.",
    "Dịch vụ thanh toán được cung cấp bởi VNPAY JSC.",
    "Ứng dụng được vận hành bởi đội ngũ kỹ thuật của chúng tôi.",
])
def test_a_foreign_partner_named_in_passing_is_no_organization_fact(text):
    assert list(find_foreign_owners(text)) == []


def _org_values(text):
    return sorted(f.normalized for f in extract_text_facts(text) if f.type == "organization")


@pytest.mark.parametrize("text, expected", [
    ("1. Về chúng tôiCông ty TNHH Gốm Men Lam là chủ sở hữu website gommenlam.vn.",
     ["Công ty TNHH Gốm Men Lam"]),
    ("Dịch vụ do Chi nhánh Công ty TNHH Hải Đăng Logistics tại Đà Nẵng cung cấp.",
     ["Chi nhánh Công ty TNHH Hải Đăng Logistics tại Đà Nẵng"]),
    ("Ngân hàng TMCP Sông Lam – Chi nhánh Vinh là bên kiểm soát dữ liệu.",
     ["Ngân hàng TMCP Sông Lam – Chi nhánh Vinh"]),
    ("Tiệm Vàng Kim Ngọc Phát cam kết không chia sẻ thông tin của khách hàng.",
     ["Tiệm Vàng Kim Ngọc Phát"]),
])
def test_glued_branch_and_shop_legal_names(text, expected):
    assert _org_values(text) == expected


@pytest.mark.parametrize("text", [
    "Tiệm sẽ liên hệ lại với khách hàng trong ngày.",
    "Các chi nhánh công ty đều áp dụng chính sách này.",
    "Ghi chú: tiệm bánh gần nhà bạn có thể giao hàng.",
])
def test_a_shop_or_branch_word_alone_is_no_name(text):
    assert _org_values(text) == []


def test_a_brand_that_starts_with_the_legal_names_proper_name_is_a_trading_name_once():
    text = ("Công ty TNHH Thực phẩm Lúa Vàng Việt Nam là đơn vị quản lý website. "
            "Lúa Vàng Farm cam kết bảo mật thông tin khách hàng.")
    assert _org_values(text) == ["Công ty TNHH Thực phẩm Lúa Vàng Việt Nam", "Lúa Vàng Farm"]


def test_a_subject_used_once_that_shares_nothing_with_the_legal_name_is_not_one():
    text = ("Công ty TNHH Thực phẩm Lúa Vàng Việt Nam là đơn vị quản lý website. "
            "Giao Nhanh Express cam kết giao hàng đúng hẹn.")
    assert _org_values(text) == ["Công ty TNHH Thực phẩm Lúa Vàng Việt Nam"]


@pytest.mark.parametrize("text", [
    "Ứng dụng MèoMun Learn được phát triển cho trẻ em. Hỗ trợ: meomunlearn.vn/hotro",
    "Website thuộc Công ty TNHH Tre Xanh Việt Nam, do TreXanh Holdings Pte. Ltd. sở hữu."
    " Liên hệ: hotro@trexanh.vn",
])
def test_a_product_or_a_parent_that_spells_the_domain_is_no_trading_name(text):
    assert all(not fold_value.startswith(("MèoMun", "TreXanh"))
               for fold_value in _org_values(text))
