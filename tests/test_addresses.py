"""Postal addresses: labelled, inside a sentence, alone on a line; the two-level addresses of
the 2025 reform and any province; and sentences that only name cities."""

import pytest

from pipeline.extract.addresses import find_addresses


@pytest.mark.parametrize("text, expected", [
    ("Trụ sở chính: Số 12 Nguyễn Trãi, phường Bến Thành, Thành phố Hồ Chí Minh",
     "Số 12 Nguyễn Trãi, phường Bến Thành, Thành phố Hồ Chí Minh"),
    ("Công ty TNHH An Phát\nSố 12 Nguyễn Trãi, phường Bến Thành, Thành phố Hồ Chí Minh\n"
     "MST: 0312345678", "Số 12 Nguyễn Trãi, phường Bến Thành, Thành phố Hồ Chí Minh"),
    ("Địa chỉ đăng ký kinh doanh: 45 Lý Thường Kiệt, phường Cửa Nam, Hà Nội",
     "45 Lý Thường Kiệt, phường Cửa Nam, Hà Nội"),
    ("Trụ sở đặt tại 88 Hùng Vương, phường Thủ Dầu Một, tỉnh Bình Dương.",
     "88 Hùng Vương, phường Thủ Dầu Một, tỉnh Bình Dương"),
    ("Địa chỉ:\n21 Trần Phú, phường Lộc Thọ, Nha Trang, Khánh Hòa",
     "21 Trần Phú, phường Lộc Thọ, Nha Trang, Khánh Hòa"),
    ("Công ty có trụ sở tại Lô A2, Khu công nghiệp Tân Bình, xã Tân Bình, huyện Đồng Phú, "
     "tỉnh Bình Phước.", "Lô A2, Khu công nghiệp Tân Bình, xã Tân Bình, huyện Đồng Phú, "
     "tỉnh Bình Phước"),
    ("Cửa hàng: 23 Phan Chu Trinh, phường Hội An, tỉnh Quảng Nam",
     "23 Phan Chu Trinh, phường Hội An, tỉnh Quảng Nam"),
    ("Văn phòng đại diện khu vực Miền Trung: 9 Bạch Đằng, P. Hải Châu, TP. Đà Nẵng.",
     "9 Bạch Đằng, P. Hải Châu, TP. Đà Nẵng"),
    ("Văn phòng đại diện đặt tại 45 Lê Lợi, phường Bến Nghé, Quận 1, TP. Hồ Chí Minh.",
     "45 Lê Lợi, phường Bến Nghé, Quận 1, TP. Hồ Chí Minh"),
    ("Chi nhánh giao dịch của công ty nằm ở 7 Lạch Tray, phường Lạch Tray, TP. Hải Phòng.",
     "7 Lạch Tray, phường Lạch Tray, TP. Hải Phòng"),
])
def test_address_forms(text, expected):
    assert [f.value for f in find_addresses(text)] == [expected]


def test_two_labelled_addresses_on_one_line_are_two():
    text = ("Địa chỉ đăng ký kinh doanh: 12 Lê Lợi, P. 4, Q. 1, TP. Hồ Chí Minh Văn phòng: "
            "40 Hai Bà Trưng, P. 6, Q. 3, TP. Hồ Chí Minh Điện thoại: 028 3822 1234")
    assert [f.value for f in find_addresses(text)] == [
        "12 Lê Lợi, P. 4, Q. 1, TP. Hồ Chí Minh", "40 Hai Bà Trưng, P. 6, Q. 3, TP. Hồ Chí Minh"]


@pytest.mark.parametrize("text", [
    "Chúng tôi có chi nhánh tại Hà Nội và Thành phố Hồ Chí Minh.",
    "Văn phòng ở Đà Nẵng sẽ tiếp nhận khiếu nại của khách hàng tại tỉnh Quảng Nam.",
    "Địa chỉ: vui lòng liên hệ bộ phận chăm sóc khách hàng",
    "Trụ sở:\nĐiện thoại: 028 3822 1234",
    "Dữ liệu được lưu trữ tại máy chủ ở Singapore và Hà Nội.",
    "Văn phòng làm việc tại Hà Nội và TP. Hồ Chí Minh luôn sẵn sàng hỗ trợ.",
    "Chi nhánh kinh doanh tại Đà Nẵng phụ trách khu vực miền Trung.",
])
def test_sentences_that_name_places_are_no_address(text):
    assert list(find_addresses(text)) == []


@pytest.mark.parametrize("text", [
    "Cơ sở pháp lý: Luật An ninh mạng số 24/2018/QH14 và các văn bản hướng dẫn.",
    "Văn phòng làm việc: Thứ 2 đến Thứ 6, khung giờ 8h-17h",
    "Chi nhánh Hà Nội: hỗ trợ khách hàng khu vực miền Bắc",
    "Kho ứng dụng: tải về miễn phí, số lượng có hạn",
])
def test_what_a_place_label_heads_may_be_no_address(text):
    assert list(find_addresses(text)) == []


@pytest.mark.parametrize("text, expected", [
    ("Địa chỉ trụ sở: 12 Lê Lợi, Hà Nội. Địa chỉ văn phòng: 5 Lý Thái Tổ, Hà Nội",
     ["12 Lê Lợi, Hà Nội", "5 Lý Thái Tổ, Hà Nội"]),
    ("Địa chỉ 1: 3 Trần Phú, Huế; Địa chỉ 2: 9 Lê Duẩn, Huế",
     ["3 Trần Phú, Huế", "9 Lê Duẩn, Huế"]),
])
def test_an_address_stops_at_the_next_address_label(text, expected):
    assert [f.value for f in find_addresses(text)] == expected


@pytest.mark.parametrize("text, expected", [
    ("Trụ sở chính đặt tại 12 đường Tiền Giang, phường Tân Sơn Nhất, Thành phố Hồ Chí Minh.",
     "12 đường Tiền Giang, phường Tân Sơn Nhất, Thành phố Hồ Chí Minh"),
    ("Văn phòng đặt tại 200 Xa lộ Hà Nội, phường Thảo Điền, Thành phố Hồ Chí Minh.",
     "200 Xa lộ Hà Nội, phường Thảo Điền, Thành phố Hồ Chí Minh"),
])
def test_a_street_named_after_a_province_does_not_end_an_inline_address(text, expected):
    assert [f.value for f in find_addresses(text)] == [expected]


@pytest.mark.parametrize("text, expected", [
    ("Chúng tôi có địa chỉ tại 22 Láng Hạ, Đống Đa, Hà Nội.", "22 Láng Hạ, Đống Đa, Hà Nội"),
    ("Trụ sở tại 12 đường Tiền Giang, Tân Bình, Thành phố Hồ Chí Minh.",
     "12 đường Tiền Giang, Tân Bình, Thành phố Hồ Chí Minh"),
    ("Địa chỉ ĐKKD: 123 Nguyễn Trãi, Phường 2, Quận 5, TP. Hồ Chí Minh",
     "123 Nguyễn Trãi, Phường 2, Quận 5, TP. Hồ Chí Minh"),
])
def test_addresses_written_without_unit_words_or_with_an_abbreviated_label(text, expected):
    assert [f.value for f in find_addresses(text)] == [expected]


@pytest.mark.parametrize("text", [
    "Công ty có văn phòng tại 2 thành phố lớn là Hà Nội và Đà Nẵng.",
    "Văn phòng ở 15 tỉnh, thành phố trên cả nước, trong đó có Hà Nội.",
    "Trụ sở tại 3 miền, gồm Hà Nội.",
])
def test_a_number_that_counts_places_is_no_house_number(text):
    assert list(find_addresses(text)) == []


@pytest.mark.parametrize("text", [
    "Đơn hàng được bàn giao cho Công ty TNHH Giao nhận Sông Hàn (địa chỉ: Lô 7, KCN Hòa Khánh,"
    " quận Liên Chiểu, Đà Nẵng).",
    "Đơn hàng được giao bởi Công ty TNHH Chuyển phát Núi Ngọc, địa chỉ 45 Trần Phú, phường"
    " Hải Châu, Đà Nẵng.",
])
def test_the_address_of_a_carrier_or_partner_is_not_the_policys(text):
    assert list(find_addresses(text)) == []


def test_the_controllers_own_address_after_its_name_is_kept():
    text = "Công ty TNHH Sao Khuê, địa chỉ 12 Lê Lợi, phường Bến Nghé, Quận 1, TP. Hồ Chí Minh."
    assert [f.value for f in find_addresses(text)] == [
        "12 Lê Lợi, phường Bến Nghé, Quận 1, TP. Hồ Chí Minh"]


@pytest.mark.parametrize("text", [
    "Địa chỉ trụ sở: [Địa chỉ trụ sở của doanh nghiệp]. Mọi thắc mắc xin gửi về Quận 1, TP. Hồ"
    " Chí Minh.",
    "Địa chỉ: Số XXX đường Nguyễn Huệ, Quận 1, TP. Hồ Chí Minh",
    "Địa chỉ: {{dia_chi}}, phường Bến Nghé, Quận 1, TP. Hồ Chí Minh",
])
def test_a_template_blank_is_no_address(text):
    assert list(find_addresses(text)) == []


@pytest.mark.parametrize("text, expected", [
    ("Mọi yêu cầu xin gửi về cửa hàng Trà Mộc Hương tại Số 7 đường Cây Trâm, phường Gò Vấp,"
     " TP. Hồ Chí Minh.", "Số 7 đường Cây Trâm, phường Gò Vấp, TP. Hồ Chí Minh"),
    ("Xưởng may và kho hàng của Công ty TNHH Dệt Sông Chu đặt tại Lô B2, KCN Lễ Môn, phường"
     " Quảng Hưng, tỉnh Thanh Hóa.", "Lô B2, KCN Lễ Môn, phường Quảng Hưng, tỉnh Thanh Hóa"),
    ("Công ty TNHH Hạt Sen, tọa lạc tại 14 Lê Duẩn, phường Sài Gòn, TP. Hồ Chí Minh.",
     "14 Lê Duẩn, phường Sài Gòn, TP. Hồ Chí Minh"),
    ("Địa điểm kinh doanh: 22 Phố Huế, phường Hai Bà Trưng, Hà Nội",
     "22 Phố Huế, phường Hai Bà Trưng, Hà Nội"),
])
def test_a_place_named_or_described_before_where_it_is(text, expected):
    assert [f.value for f in find_addresses(text)] == [expected]


@pytest.mark.parametrize("text, expected", [
    ("Văn phòng của chúng tôi đặt tại No. 5, Street 12, An Khanh Ward, Thu Duc City, Ho Chi"
     " Minh City, Vietnam.", "No. 5, Street 12, An Khanh Ward, Thu Duc City, Ho Chi Minh City,"
     " Vietnam"),
    ("Địa chỉ đăng ký: 18 Marina View Road, #12-04, Singapore 018961.",
     "18 Marina View Road, #12-04, Singapore 018961"),
    ("Office: 5 Nguyen Hue Street, Sai Gon Ward, Ho Chi Minh City",
     "5 Nguyen Hue Street, Sai Gon Ward, Ho Chi Minh City"),
])
def test_addresses_written_in_english(text, expected):
    assert [f.value for f in find_addresses(text)] == [expected]


@pytest.mark.parametrize("text", [
    "Cửa hàng Mộc Lan tại Hà Nội và Đà Nẵng phục vụ khách hàng hằng ngày.",
    "Dữ liệu được lưu trên máy chủ đặt tại Hà Nội và TP. Hồ Chí Minh.",
    "Chúng tôi có văn phòng Miền Bắc tại Hà Nội và chi nhánh tại Cần Thơ.",
    "Địa điểm tổ chức sự kiện: Hà Nội",
    "Khách hàng có thể gửi đơn đến Sở Công Thương tỉnh Hà Tĩnh, văn phòng Sở tại số 4 đường"
    " Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh.",
])
def test_a_named_place_or_location_without_a_street_is_no_address(text):
    assert list(find_addresses(text)) == []
