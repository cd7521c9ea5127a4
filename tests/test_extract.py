import pytest

from pipeline.clean import clean_file
from pipeline.extract.contacts import find_emails, find_phones, find_websites
from pipeline.extract.facts import extract_facts, extract_text_facts
from pipeline.segment import segment_document

from .conftest import SEED_KALIX, SEED_KHATRA


def _facts(path):
    doc = clean_file(path)
    facts = extract_facts(doc.doc_id, doc.text, segment_document(doc))
    for fact in facts:
        assert doc.text[fact.start:fact.end] == fact.value
    return {(f.type, f.normalized) for f in facts}


def test_khatra_seed_contacts():
    facts = _facts(SEED_KHATRA)
    assert ("email", "tam@khatra.com.vn") in facts
    assert ("phone", "+84933588655") in facts
    assert ("website", "khatra.com.vn") in facts
    assert ("organization", "CTY TNHH THƯƠNG MẠI KHÁNH HỘI (KHATRA)") in facts


def test_kalix_seed_contacts_and_deadline():
    facts = _facts(SEED_KALIX)
    assert {("email", "kalixfurniture@gmail.com"), ("phone", "+84942689393"),
            ("phone", "+84975249393"), ("website", "kalix.vn"),
            ("complaint_deadline", "15")} <= facts


@pytest.mark.parametrize("text, expected", [
    ("Email: lienhe@Ecomeasy.vn.", "lienhe@ecomeasy.vn"),
    ("gửi về tam [at] khatra.com.vn", "tam@khatra.com.vn"),
    ("gửi về tam(a)khatra.com.vn", "tam@khatra.com.vn"),
    ('<a href="mailto:hotro@congty.vn">', "hotro@congty.vn"),
])
def test_email_forms(text, expected):
    assert [f.normalized for f in find_emails(text)] == [expected]


@pytest.mark.parametrize("text, expected", [
    ("Hotline: 0866046777", ["+84866046777"]),
    ("ĐT: 0866 046 777", ["+84866046777"]),
    ("Tổng đài 1800 55 88 98", ["+841800558898"]),
    ("Điện thoại: 024.6299.8299", ["+842462998299"]),
    ("(+84) 28 628 74 999", ["+842862874999"]),
    ("094.268.9393 - 0975.24.9393", ["+84942689393", "+84975249393"]),
])
def test_phone_forms(text, expected):
    assert [f.normalized for f in find_phones(text)] == expected


@pytest.mark.parametrize("text", [
    "MST: 0315241288",
    "Mã số thuế 0315637603 do Sở KH&ĐT cấp",
    "Số tài khoản: 0071001234567",
    "Hiệu lực từ ngày 01/07/2023",
    "Giấy chứng nhận đăng ký doanh nghiệp số 0110069011",
])
def test_things_that_are_not_phones(text):
    assert list(find_phones(text)) == []


def test_phone_kind_and_extension():
    (hotline,) = find_phones("Hotline 1900 6175")
    assert hotline.qualifier == "hotline"
    (landline,) = find_phones("Điện thoại: 028 3512 8448 máy lẻ 12")
    assert landline.qualifier == "landline;ext=12"


def test_japanese_number_keeps_its_country():
    text = "Văn phòng tại Tokyo, Nhật Bản. Điện thoại: 03-1234-5678"
    assert [f.normalized for f in find_phones(text)] == ["+81312345678"]


def test_websites_are_hosts_without_www_and_not_email_domains():
    text = "Website: https://www.Kalix.vn/lien-he, email kalix@gmail.com, xem khatra.com.vn."
    emails = list(find_emails(text))
    assert [f.normalized for f in find_websites(text, emails)] == ["kalix.vn", "khatra.com.vn"]


def _of_type(text, kind):
    return [f for f in extract_text_facts(text) if f.type == kind]


@pytest.mark.parametrize("text, expected", [
    ("Thời gian xử lý phản ánh liên quan đến khiếu nại là 15 ngày.", [("15", "calendar_days")]),
    ("Khiếu nại được giải quyết trong 15 (mười lăm) ngày.", [("15", "calendar_days")]),
    ("Khiếu nại sẽ được xử lý trong vòng 05 ngày làm việc.", [("5", "working_days")]),
    ("Thời hạn giải quyết khiếu nại từ 15-30 ngày.", [("30", "calendar_days")]),
])
def test_complaint_deadline_forms(text, expected):
    found = [(f.normalized, f.qualifier.split(";")[0]) for f in
             _of_type(text, "complaint_deadline")]
    assert found == expected


@pytest.mark.parametrize("text, expected", [
    ("Khiếu nại sẽ được liên hệ lại trong vòng 48h.",
     [("2", "calendar_days;hours=48;phase=respond")]),
    # the customer's sending is the reference point of the controller's deadline
    ("Thời gian phản hồi sau khi quý khách gửi khiếu nại là 3 ngày làm việc.",
     [("3", "working_days")]),
    ("Sau khi gửi khiếu nại, trong vòng 48h bộ phận CSKH sẽ phản hồi Quý khách.",
     [("2", "calendar_days;hours=48")]),
    ("Kết quả giải quyết khiếu nại sẽ được gửi đến bạn trong vòng 5 ngày.",
     [("5", "calendar_days")]),
    # the customer's time to complain, not the controller's to answer
    ("Quý khách vui lòng gửi khiếu nại trong vòng 3 ngày kể từ khi nhận hàng.", []),
    ("Khiếu nại phải được gửi trong vòng 7 ngày kể từ ngày nhận hàng.", []),
])
def test_deadlines_in_a_complaints_section(text, expected):
    text = "5. Cơ chế giải quyết khiếu nại\n" + text
    assert [(f.normalized, f.qualifier) for f in _of_type(text, "complaint_deadline")] == expected


def test_two_phase_complaint_deadline():
    text = "Khiếu nại sẽ được phản hồi trong 02 ngày làm việc, giải quyết trong 07 ngày."
    found = [(f.normalized, f.qualifier) for f in _of_type(text, "complaint_deadline")]
    assert found == [("2", "working_days;phase=respond"), ("7", "calendar_days;phase=resolve")]


def test_reply_time_for_deletion_request_is_not_a_complaint_deadline():
    text = "7. Quyền của bạn\nChúng tôi phản hồi yêu cầu xóa dữ liệu trong 03 ngày làm việc."
    assert _of_type(text, "complaint_deadline") == []


def test_handling_time_in_a_complaints_section_is_a_deadline():
    text = "5. Cơ chế giải quyết khiếu nại\nChúng tôi sẽ phản hồi trong vòng 48 giờ và xử lý " \
           "trong 7 ngày làm việc."
    assert [(f.normalized, f.qualifier) for f in _of_type(text, "complaint_deadline")] == [
        ("2", "calendar_days;hours=48;phase=respond"), ("7", "working_days;phase=resolve")]


@pytest.mark.parametrize("text, expected", [
    ("Dữ liệu được lưu trữ trong 24 tháng.", ["730"]),
    ("Thông tin được lưu trữ tối đa 3 tháng.", ["90"]),
    ("Dữ liệu của khách hàng sẽ được lưu trữ cho đến khi có yêu cầu hủy bỏ.",
     ["until_deletion_request"]),
    ("Dữ liệu được lưu trữ vô thời hạn.", ["indefinite"]),
    ("Chúng tôi không lưu trữ dữ liệu lâu hơn thời gian cần thiết cho mục đích xử lý.",
     ["until_purpose_fulfilled"]),
    ("Thông tin được lưu trữ trong suốt quá trình hợp tác.", ["until_purpose_fulfilled"]),
    ("3. Thời gian lưu trữ\nDữ liệu sẽ được xóa khỏi hệ thống theo yêu cầu của Quý khách.",
     ["until_deletion_request"]),
    ("Thông tin được lưu trữ đến khi bạn chỉnh sửa hoặc yêu cầu xóa tài khoản.",
     ["until_deletion_request"]),
    ("Thời gian lưu trữ: khi đã hoàn thành mục đích thu thập.", ["until_purpose_fulfilled"]),
    ("Dữ liệu của bạn được lưu trữ trong thời gian cần thiết để thực hiện đơn hàng.",
     ["until_purpose_fulfilled"]),
    ("Tiệm bánh sẽ giữ thông tin của bạn trong khoảng thời gian luật pháp quy định.",
     ["as_required_by_law"]),
    ("Chúng tôi giữ thông tin của bạn cho tới khi bạn xóa tài khoản.",
     ["until_deletion_request"]),
    ("Thông tin được lưu trữ cho đến khi tài khoản bị đóng.", ["until_deletion_request"]),
    ("Dữ liệu của bạn được lưu trữ cho tới khi bạn rút lại sự đồng ý.",
     ["until_deletion_request"]),
    ("4. Thời gian lưu trữ\nKhi bạn yêu cầu, thông tin được xóa vĩnh viễn khỏi hệ thống.",
     ["until_deletion_request"]),
    ("Chúng tôi không lưu giữ dữ liệu lâu hơn mức cần thiết.", ["until_purpose_fulfilled"]),
    ("Chúng tôi lưu trữ thông tin của bạn miễn là tài khoản của bạn còn hoạt động.",
     ["until_purpose_fulfilled"]),
    ("Chúng tôi lưu trữ dữ liệu trong thời gian bạn là thành viên của chúng tôi.",
     ["until_purpose_fulfilled"]),
    ("Thông tin được lưu trữ cho đến khi mục đích xử lý đã hoàn thành.",
     ["until_purpose_fulfilled"]),
    ("Dữ liệu được giữ lại khi cần thiết để tuân thủ nghĩa vụ pháp lý.", ["as_required_by_law"]),
    ("6. Thời gian lưu trữ\nDữ liệu giao dịch được giữ lại theo luật định.",
     ["as_required_by_law"]),
    ("Dữ liệu được lưu trữ trong 48 giờ rồi tự động xóa.", ["2"]),
    # the relationship lasts: "chừng nào ... còn là", "khoảng thời gian mà ... duy trì"
    ("Chúng tôi giữ dữ liệu của bạn chừng nào bạn còn là khách hàng của chúng tôi.",
     ["until_purpose_fulfilled"]),
    ("Chúng tôi lưu trữ thông tin cá nhân trong khoảng thời gian mà bạn duy trì tài khoản.",
     ["until_purpose_fulfilled"]),
    ("Dữ liệu cá nhân được lưu trữ trong thời hạn cần thiết để đạt được các mục đích trên.",
     ["until_purpose_fulfilled"]),
    ("4. Thời gian lưu trữ\nHệ thống sao lưu dữ liệu lúc 2 giờ sáng hằng ngày.", []),
    # an exception to another rule, permanent deletion: no retention rule
    ("4. Lưu trữ dữ liệu\nDữ liệu được lưu trên máy chủ tại Việt Nam, trừ trường hợp pháp luật "
     "có quy định khác.", []),
    ("4. Thời gian lưu trữ\nBài đăng bị xóa vĩnh viễn sau 30 ngày.", ["30"]),
    ("4. Thời gian lưu trữ\nDữ liệu sẽ bị xóa hoàn toàn và vĩnh viễn khỏi hệ thống.", []),
    ("4. Thời gian lưu trữ\nTài khoản vi phạm sẽ bị khóa vĩnh viễn.", []),
    ("4. Thời gian lưu trữ\nHệ thống sao lưu dữ liệu vào khoảng 2 giờ sáng hằng ngày.", []),
    ("4. Thời gian lưu trữ\nHệ thống sao lưu sau 17 giờ mỗi ngày.", []),
    ("4. Thời gian lưu trữ\nDữ liệu được lưu trong 5 năm, trừ trường hợp cơ quan nhà nước có "
     "thẩm quyền yêu cầu theo quy định của pháp luật.", ["1825"]),
    ("Bình luận được lưu giữ vĩnh viễn cho đến khi bạn yêu cầu xóa.", ["until_deletion_request"]),
    # the relationship or the processing ends; the law's time, said other ways
    ("Chúng tôi lưu trữ thông tin trong thời gian bạn là khách hàng của chúng tôi.",
     ["until_purpose_fulfilled"]),
    ("Dữ liệu được lưu trữ cho đến khi bạn ngừng sử dụng dịch vụ.", ["until_purpose_fulfilled"]),
    ("Thời gian lưu trữ dữ liệu: trong thời gian hợp đồng có hiệu lực.",
     ["until_purpose_fulfilled"]),
    ("Dữ liệu được lưu giữ cho đến khi kết thúc mục đích xử lý.", ["until_purpose_fulfilled"]),
    ("Thông tin được lưu trữ cho đến khi hoàn tất việc cung cấp dịch vụ.",
     ["until_purpose_fulfilled"]),
    ("Dữ liệu cá nhân được lưu trữ đến khi không còn phục vụ mục đích xử lý.",
     ["until_purpose_fulfilled"]),
    ("Thông tin tài khoản sẽ được lưu trữ đến khi người dùng đề nghị xóa bỏ.",
     ["until_deletion_request"]),
    ("Chúng tôi chỉ lưu giữ thông tin trong khoảng thời gian mà pháp luật cho phép.",
     ["as_required_by_law"]),
    ("Thông tin được lưu trữ theo thời hạn luật định.", ["as_required_by_law"]),
    ("Chúng tôi lưu giữ thông tin khách hàng trong thời hạn phù hợp với quy định của pháp luật.",
     ["as_required_by_law"]),
    ("Trong phạm vi pháp luật cho phép, chúng tôi không chịu trách nhiệm về dữ liệu bạn tự lưu "
     "trữ trên thiết bị.", []),
    ("Chúng tôi thu thập, lưu trữ và xử lý dữ liệu phù hợp với quy định của pháp luật.", []),
    ("Dữ liệu được lưu trữ cho đến khi chúng tôi giải quyết xong đề nghị hỗ trợ của bạn.", []),
])
def test_retention_forms(text, expected):
    assert [f.normalized for f in _of_type(text, "retention_period")] == expected


def test_retention_bounds_keep_their_qualifiers():
    text = "Thông tin được lưu trữ trong thời gian tối thiểu là 2 năm và tối đa\tlà 5 năm."
    assert [(f.normalized, f.qualifier) for f in _of_type(text, "retention_period")] == [
        ("730", "min"), ("1825", "max")]


def test_breach_notification_with_hours_and_opening_hours():
    text = ("Khi xảy ra sự cố rò rỉ dữ liệu, chúng tôi sẽ thông báo cho cơ quan chức năng "
            "trong 72 giờ.\nGiờ làm việc: Từ thứ hai đến chủ nhật 08:00 - 21:00")
    facts = {(f.type, f.normalized) for f in extract_text_facts(text)}
    assert ("breach_notification", "72") in facts
    assert ("opening_hours", "Mon-Sun 08:00-21:00") in facts


def test_no_duplicate_rows_for_the_same_fact_at_the_same_place():
    text = "Email: tam@khatra.com.vn, email tam@khatra.com.vn"
    facts = extract_text_facts(text)
    assert len({(f.type, f.start, f.end) for f in facts}) == len(facts)


@pytest.mark.parametrize("text, expected", [
    ("Địa chỉ 1: 107 Trần Hưng Đạo, P.13, Q. Tân Bình, TP.HCM",
     "107 Trần Hưng Đạo, P.13, Q. Tân Bình, TP.HCM"),
    ("Công ty TNHH An Phát có trụ sở đăng ký tại số 30 đường Lê Lợi, phường Bến Nghé, quận 1, "
     "Thành phố Hồ Chí Minh luôn tuân thủ pháp luật.",
     "số 30 đường Lê Lợi, phường Bến Nghé, quận 1, Thành phố Hồ Chí Minh"),
    ("Công ty TNHH An Phát\nA5/12 Ấp 3, Xã Tân Nhựt, Huyện Bình Chánh, Hồ Chí Minh, Việt Nam\n"
     "MST: 0312345678",
     "A5/12 Ấp 3, Xã Tân Nhựt, Huyện Bình Chánh, Hồ Chí Minh, Việt Nam"),
    ("Trụ sở: Số 17, TT27B, KĐT Nam An Khánh, Hà Nội", "Số 17, TT27B, KĐT Nam An Khánh, Hà Nội"),
    ("Chúng tôi là Công ty TNHH Hoa Sen, địa chỉ 88 Trần Phú, phường Lộc Thọ, tỉnh Khánh Hòa.",
     "88 Trần Phú, phường Lộc Thọ, tỉnh Khánh Hòa"),
    ("Văn phòng công ty tọa lạc tại 200 Hai Bà Trưng, Quận 1, Thành phố Hồ Chí Minh.",
     "200 Hai Bà Trưng, Quận 1, Thành phố Hồ Chí Minh"),
    ("Cửa hàng của chúng tôi ở 34 Quang Trung, thành phố Vinh, tỉnh Nghệ An.",
     "34 Quang Trung, thành phố Vinh, tỉnh Nghệ An"),
    # a city, then its province; the short label "ĐC"
    ("Công ty Cổ phần Sao Mai, địa chỉ tại 20 Trần Phú, TP. Nha Trang, Khánh Hòa.",
     "20 Trần Phú, TP. Nha Trang, Khánh Hòa"),
    ("ĐC: 102 Lê Duẩn, Hải Châu, Đà Nẵng", "102 Lê Duẩn, Hải Châu, Đà Nẵng"),
    ("Chúng tôi có chi nhánh tại 5 Nguyễn Huệ, Quận 1, TP. Hồ Chí Minh, Hà Nội, Cần Thơ.",
     "5 Nguyễn Huệ, Quận 1, TP. Hồ Chí Minh"),
])
def test_address_forms(text, expected):
    assert [f.value for f in _of_type(text, "address")] == [expected]


@pytest.mark.parametrize("text", [
    "Chúng tôi có cửa hàng ở Hà Nội, Đà Nẵng và Thành phố Hồ Chí Minh.",
    "Thông tin gồm họ tên, địa chỉ 1 hoặc địa chỉ giao hàng, tỉnh Bình Dương.",
    "Dữ liệu được lưu tại máy chủ đặt tại Hà Nội, Việt Nam.",
])
def test_places_that_are_no_address(text):
    assert _of_type(text, "address") == []


def test_email_label_is_not_an_address():
    assert _of_type("Địa chỉ email: hotro@anphat.vn", "address") == []


@pytest.mark.parametrize("text, expected", [
    ("Đơn vị chủ quản: Công ty TNHH Công nghệ và Giải pháp An Phát. Địa chỉ: Hà Nội",
     "Công ty TNHH Công nghệ và Giải pháp An Phát"),
    ("CÔNG TY CỔ PHẦN BÁN LẺ KỸ THUẬT SỐ AN PHÁT Địa chỉ: 12 Lê Lợi",
     "CÔNG TY CỔ PHẦN BÁN LẺ KỸ THUẬT SỐ AN PHÁT"),
    ("CTY TNHH THƯƠNG MẠI AN PHÁT (ANPHAT)\n- Địa chỉ: 8 Đường số 52",
     "CTY TNHH THƯƠNG MẠI AN PHÁT (ANPHAT)"),
    ("thông tin do công ty cổ phần An Phát thu thập", "Công ty cổ phần An Phát"),
])
def test_organization_forms(text, expected):
    assert [f.normalized for f in _of_type(text, "organization")] == [expected]


def test_subsidiary_phrase_is_not_an_organization():
    assert _of_type("Dữ liệu có thể được chia sẻ với các công ty con của chúng tôi.",
                    "organization") == []


@pytest.mark.parametrize("text", [
    "Giấy chứng nhận đăng ký doanh nghiệp số 0315241288 do Sở Kế hoạch và Đầu tư cấp",
    "Số Giấy chứng nhận đăng ký doanh nghiệp: 0315241288",
])
def test_registration_number_after_a_long_label_is_not_a_phone(text):
    assert list(find_phones(text)) == []


@pytest.mark.parametrize("text, expected", [
    ("Thời gian làm việc: Thứ 2 - Thứ 6: 8h00 - 17h30.", "Mon-Fri 08:00-17:30"),
    ("Giờ làm việc: Thứ 2 - Thứ 7: 8:00 - 17:00", "Mon-Sat 08:00-17:00"),
    ("Thời gian làm việc: Thứ 2 - Thứ 7 (8h30 - 17h30).", "Mon-Sat 08:30-17:30"),
    ("Hỗ trợ khách hàng: 8 giờ sáng đến 5 giờ chiều các ngày từ thứ Hai đến thứ Sáu.",
     "Mon-Fri 08:00-17:00"),
    ("Tổng đài hỗ trợ 24/7.", "Mon-Sun 00:00-24:00"),
    ("Giờ làm việc mới áp dụng từ ngày 24/7: 8h00 - 17h00.", "08:00-17:00"),  # a date
])
def test_opening_hours_after_a_day_range_with_colon(text, expected):
    assert [f.normalized for f in _of_type(text, "opening_hours")] == [expected]


def _text_facts(text: str, kind: str) -> list[tuple[str, str]]:
    return [(f.normalized, f.qualifier) for f in extract_text_facts(text) if f.type == kind]


@pytest.mark.parametrize("text, expected", [
    ("4. Cơ chế giải quyết khiếu nại\nKhi nhận được khiếu nại, chúng tôi sẽ phản hồi chậm nhất "
     "trong vòng 05 ngày làm việc kể từ khi nhận được khiếu nại.",
     [("5", "working_days;phase=respond")]),
    ("Mọi khiếu nại xin gửi về email của công ty. Chúng tôi sẽ trả lời trong vòng 30 ngày.",
     [("30", "calendar_days;phase=respond")]),
    ("Khiếu nại của khách hàng được giải quyết trong thời hạn 15-30 ngày.",
     [("30", "calendar_days;range=15-30;phase=resolve")]),
])
def test_complaint_deadlines_in_other_phrasings(text, expected):
    assert _text_facts(text, "complaint_deadline") == expected


@pytest.mark.parametrize("text, expected", [
    ("Chúng tôi sẽ trả lời khiếu nại của bạn trong vòng mười lăm (15) ngày.",
     [("15", "calendar_days;phase=respond")]),
    ("Mọi phản ánh của khách hàng được giải quyết trong vòng hai mươi mốt ngày.",
     [("21", "calendar_days;phase=resolve")]),
    ("Khiếu nại sẽ được xử lý tối đa trong 1 tuần.", [("7", "calendar_days;phase=resolve")]),
    ("Khiếu nại được giải quyết trong vòng một tháng.", [("30", "calendar_days;phase=resolve")]),
    ("Chúng tôi sẽ phản hồi khiếu nại trong vòng 48 giờ.",
     [("2", "calendar_days;hours=48;phase=respond")]),
    ("Mọi khiếu nại được phản hồi trong vòng 24h.",
     [("1", "calendar_days;hours=24;phase=respond")]),
    ("Tranh chấp được giải quyết trong vòng 1-2 tuần.",
     [("14", "calendar_days;range=7-14;phase=resolve")]),
])
def test_complaint_deadlines_in_words_weeks_months_and_hours(text, expected):
    assert _text_facts(text, "complaint_deadline") == expected


@pytest.mark.parametrize("text", [
    "Bộ phận tiếp nhận khiếu nại làm việc trong giờ hành chính từ 8h đến 17h.",
    "Khiếu nại gửi trước ngày 15 tháng 3 sẽ được xử lý trong đợt đầu.",
    "Chúng tôi tiếp nhận khiếu nại trong tuần từ thứ hai đến thứ sáu.",
    "Khiếu nại được tiếp nhận 24/7 qua tổng đài.",
    "Thời gian tiếp nhận khiếu nại: 24 giờ mỗi ngày, 7 ngày trong tuần.",
    "Chúng tôi phản hồi khiếu nại chậm nhất 17 giờ ngày hôm sau.",
    "Chúng tôi phản hồi khiếu nại chậm nhất 17h ngày 30/6.",
    "Khiếu nại sẽ được phản hồi kể từ thứ 2 tuần sau.",
    "Khiếu nại được giải quyết theo Luật số 19/2023/QH15 ngày 20/6/2023.",
    # amounts not read rather than misread: a decimal, hundreds
    "Khiếu nại được giải quyết trong vòng 1,5 tháng.",
    "Khiếu nại được giải quyết tối đa một trăm hai mươi ngày.",
])
def test_times_and_dates_in_a_complaint_clause_are_no_deadline(text):
    assert _text_facts(text, "complaint_deadline") == []


@pytest.mark.parametrize("text, expected", [
    ("Dữ liệu được lưu trữ trong hai năm kể từ ngày thu thập.", [("730", "")]),
    ("Thông tin được lưu trữ tối đa mười hai (12) tháng.", [("365", "max")]),
    ("Chúng tôi lưu trữ dữ liệu khách hàng từ năm 2020.", []),
    ("Dữ liệu được lưu trữ từ tháng 7 năm ngoái.", []),
    ("Dữ liệu được lưu trữ trong 1,5 năm.", []),
])
def test_retention_periods_written_in_words(text, expected):
    assert _text_facts(text, "retention_period") == expected


def test_reply_time_for_a_data_request_is_not_a_complaint_deadline():
    text = "Yêu cầu xóa dữ liệu sẽ được phản hồi trong vòng 72 giờ."
    assert _text_facts(text, "complaint_deadline") == []


def test_placeholders_are_never_facts():
    text = ("Liên hệ: email hotro@tenmien.example, website yourdomain.com, "
            "điện thoại 0123 456 789.")
    facts = extract_text_facts(text)
    assert not [f for f in facts if f.type in ("email", "website", "phone")]


def test_a_site_the_policy_only_names_is_marked_third_party():
    text = ("Website chính thức: anbinh.vn. Để tìm hiểu về cookie, xem "
            "www.allaboutcookies.org hoặc trang của Bộ Công Thương online.gov.vn.")
    assert sorted(_text_facts(text, "website")) == [("allaboutcookies.org", "third_party"),
                                               ("anbinh.vn", ""),
                                               ("online.gov.vn", "third_party")]


def test_a_foreign_company_phone_is_read_in_its_country_format():
    text = "Trụ sở chính: 10 Orchard Road, Singapore. Điện thoại: 6123 4567."
    assert _text_facts(text, "phone") == [("+6561234567", "landline")]


@pytest.mark.parametrize("text, found", [
    ("Nếu xảy ra sự cố rò rỉ dữ liệu, chúng tôi sẽ thông báo cho khách hàng trong vòng "
     "72 giờ.", [("72", "")]),
    ("Khách hàng có trách nhiệm thông báo cho chúng tôi khi phát hiện tài khoản bị lộ "
     "thông tin.", []),
    ("Nếu phát hiện thông tin bị lộ, vui lòng thông báo ngay cho chúng tôi.", []),
])
def test_breach_notification_is_the_controllers_own_promise(text, found):
    assert _text_facts(text, "breach_notification") == found


def _normalized_of(text: str, kind: str) -> list[str]:
    return [f.normalized for f in extract_text_facts(text) if f.type == kind]


@pytest.mark.parametrize(("text", "found"), [
    # weeks are 7 days; a range gives both ends
    ("4. Thời gian lưu trữ\nẢnh từ camera ở quầy thu ngân được lưu trữ trong 3 tuần.", ["21"]),
    ("4. Thời gian lưu trữ\nHồ sơ khách thuê xe được lưu trữ từ 2 đến 4 năm tùy loại hợp đồng.",
     ["730", "1460"]),
    # a reply deadline in working days, or after "phản hồi", is not how long data is kept
    ("4. Thời gian lưu trữ\nDữ liệu được lưu trữ 5 năm. Yêu cầu xem dữ liệu được trả lời trong"
     " vòng 05 ngày làm việc.", ["1825"]),
    ("4. Thời gian lưu trữ\nHồ sơ lưu trữ tối đa 2 năm; mọi thắc mắc được phản hồi trong 10 "
     "ngày.", ["730"]),
    # "được giữ trong": how long it is kept, under a heading that does not say so
    ("9. Nhật ký hệ thống\nNhật ký truy cập được giữ trong 60 ngày rồi tự động xóa.", ["60"]),
    # a period the law sets for that kind of record
    ("4. Thời gian lưu trữ\nHồ sơ khám bệnh được lưu trữ theo thời hạn do pháp luật về khám "
     "bệnh, chữa bệnh quy định.", ["as_required_by_law"]),
])
def test_retention_in_weeks_ranges_and_law_set_periods(text, found):
    found_now = _normalized_of("Chính sách bảo mật\n" + text, "retention_period")
    assert sorted(found_now) == sorted(found)


@pytest.mark.parametrize(("text", "found"), [
    # "lưu" glued by the word segmenter to the name before it still keeps for a time
    ("Hồ sơ phòng khám\nẢnh chụp tai được Trung tâm Thính lực Hòa Bình lưu từ 3 đến 5 năm.",
     ["1095", "1825"]),
    ("Hồ sơ thị thực\nBản sao hộ chiếu được Lữ hành Sông Hồng lưu cho đến khi hoàn tất mục đích "
     "xin thị thực.", ["until_purpose_fulfilled"]),
    ("Ảnh hội viên\nẢnh khuôn mặt được xóa sau 45 ngày kể từ khi thẻ hết hạn.", ["45"]),
    # a table's cells in a retention section
    ("4. Thời gian lưu trữ\nLoại dữ liệu | Thời hạn\nBăng ghi âm cuộc gọi | 24 tháng\n"
     "Ảnh camera quầy | 30 ngày", ["730", "30"]),
    ("4. Thời gian lưu trữ\nHóa đơn được lưu trữ theo thời hạn mà pháp luật về thuế quy định.",
     ["as_required_by_law"]),
    # a delivery, a cookie in the browser, a contract's term, what the user keeps: none
    ("4. Thời gian lưu trữ\nĐịa chỉ người nhận được lưu trữ 1 năm. Đơn nội thành được phát trong"
     " 12 giờ.", ["365"]),
    ("4. Thời gian lưu trữ\nCookie ghi nhớ ngôn ngữ được lưu trên trình duyệt của bạn trong 90 "
     "ngày.", []),
    ("4. Thời gian lưu trữ\nHồ sơ bồi thường được lưu giữ 10 năm. Hợp đồng bảo hiểm xe có thời "
     "hạn 12 tháng.", ["3650"]),
    ("4. Thời gian lưu trữ\nKhách hàng cần tự lưu giữ phiếu gửi hàng trong 3 tháng để đối chiếu.",
     []),
    # "bảo lưu" a membership is no keeping of data
    ("Gói tập\nHội viên được bảo lưu thẻ tối đa 30 ngày mỗi năm.", []),
])
def test_retention_read_past_glued_words_cells_and_other_durations(text, found):
    found_now = _normalized_of("Chính sách bảo mật\n" + text, "retention_period")
    assert sorted(found_now) == sorted(found)


@pytest.mark.parametrize(("text", "found"), [
    ("Nhà sách Trúc Xanh – Đ/c: 15/2 Lê Văn Sỹ, P. 13, Q. 3, TP. HCM – ĐT: 028 3844 1234",
     ["15/2 Lê Văn Sỹ, P. 13, Q. 3, TP. HCM"]),
    ("Hệ thống cửa hàng\n- CN2: 27 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội",
     ["27 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội"]),
    ("Tiệm Bánh Mơ | 88 Trần Hưng Đạo, P. 5, Q. 5, TP. HCM | Hotline: 0903 111 222",
     ["88 Trần Hưng Đạo, P. 5, Q. 5, TP. HCM"]),
    # a labelled address that ends with its province, then a new sentence
    ("Địa chỉ: 9 đường Hoa Sứ, phường Phú Nhuận, Thành phố Hồ Chí Minh. Quý khách có thể đến "
     "trực tiếp cửa hàng.", ["9 đường Hoa Sứ, phường Phú Nhuận, Thành phố Hồ Chí Minh"]),
])
def test_addresses_after_abbreviated_labels_in_footers_and_before_a_sentence(text, found):
    assert _normalized_of("Chính sách bảo mật\nLiên hệ\n" + text, "address") == found


def test_a_partner_or_group_named_as_such_is_not_the_controller():
    text = ("Chính sách bảo mật\nChia sẻ thông tin\nCông ty TNHH Nội thất Gỗ Mộc quản lý "
            "website này. Thanh toán được xử lý qua cổng thanh toán của Công ty Cổ phần Thanh "
            "toán Mây Xanh. Chúng tôi là thành viên của Tập đoàn Gỗ Mộc Việt.")
    assert _normalized_of(text, "organization") == ["Công ty TNHH Nội thất Gỗ Mộc"]


@pytest.mark.parametrize(("text", "found"), [
    # a sentence that ends inside the words after a name ends the name
    ("Website banhmo.example.vn do Công ty TNHH Bánh Mơ vận hành. Bánh Mơ cam kết bảo mật.",
     "Công ty TNHH Bánh Mơ"),
    # an alias in brackets, labelled or an English name in capitals, is part of the name
    ("Công ty Cổ phần Thực phẩm Sông Hậu (tên viết tắt: SONG HAU FOODS JSC) quản lý dữ liệu.",
     "Công ty Cổ phần Thực phẩm Sông Hậu (tên viết tắt: SONG HAU FOODS JSC)"),
    ("CÔNG TY TNHH DU LỊCH MÂY NÚI (MAY NUI TRAVEL COMPANY LIMITED) là bên kiểm soát dữ liệu.",
     "CÔNG TY TNHH DU LỊCH MÂY NÚI (MAY NUI TRAVEL COMPANY LIMITED)"),
])
def test_a_legal_name_ends_with_its_sentence_and_keeps_its_alias(text, found):
    assert _normalized_of("Chính sách bảo mật\nGiới thiệu\n" + text, "organization")[0] == found


def test_a_labelled_address_whose_line_ends_with_a_comma_goes_on_on_the_next_line():
    text = ("Chính sách bảo mật\nLiên hệ\nTrung tâm Anh ngữ Sao Mai\nĐịa chỉ: Số 4, ngõ 12 phố "
            "Chùa Láng,\nphường Láng, Hà Nội\nĐiện thoại: 024 3775 1122")
    assert _normalized_of(text, "address") == [
        "Số 4, ngõ 12 phố Chùa Láng,\nphường Láng, Hà Nội"]
    text = text.replace("Láng,\nphường", "Láng, phường").replace("Hà Nội\n", "Hà Nội,\n")
    assert _normalized_of(text, "address") == ["Số 4, ngõ 12 phố Chùa Láng, phường Láng, Hà Nội"]


@pytest.mark.parametrize(("text", "found"), [
    ("**Địa chỉ:** Tầng 4, 21 đường Hoa Cau, phường Cầu Kiệu, TP. Hồ Chí Minh\n**Email:** "
     "hotro@hoacau.example.vn", ["Tầng 4, 21 đường Hoa Cau, phường Cầu Kiệu, TP. Hồ Chí Minh"]),
    ("Trụ sở chính\t8 đường Bến Đá, phường Vũng Tàu, TP. Hồ Chí Minh\nHotline\t0254 3111 222",
     ["8 đường Bến Đá, phường Vũng Tàu, TP. Hồ Chí Minh"]),
    ("Cơ sở 1 – 12 đường Tre Xanh, phường Thủ Dầu Một, TP. Hồ Chí Minh",
     ["12 đường Tre Xanh, phường Thủ Dầu Một, TP. Hồ Chí Minh"]),
    ("VPGD: Phòng 702, 15 phố Lò Đúc Mới, phường Hai Bà Trưng, Hà Nội",
     ["Phòng 702, 15 phố Lò Đúc Mới, phường Hai Bà Trưng, Hà Nội"]),
    ("Thắc mắc xin gửi về công ty theo địa chỉ Tầng 3, số 9 phố Hàng Nón Mới, phường Hoàn "
     "Kiếm, Hà Nội.", ["Tầng 3, số 9 phố Hàng Nón Mới, phường Hoàn Kiếm, Hà Nội"]),
    ("Đơn hàng được đóng gói tại kho của chúng tôi ở Số 5 đường Lúa Mới, phường Bình Tân, "
     "TP. Hồ Chí Minh.", ["Số 5 đường Lúa Mới, phường Bình Tân, TP. Hồ Chí Minh"]),
    # a bracket closes a labelled address; an authority a complaint goes on to is not us
    ("Cửa hàng Gốm Lam (địa chỉ: 7 đường Men Lam, phường Thuận An, TP. Hồ Chí Minh) chỉ chia sẻ "
     "dữ liệu khi cần.", ["7 đường Men Lam, phường Thuận An, TP. Hồ Chí Minh"]),
    ("Khiếu nại gửi về văn phòng công ty tại 15 đường Thanh Đa, phường Bình Quới, TP. Hồ Chí "
     "Minh. Nếu chưa thỏa "
     "đáng, khách hàng có thể gửi đơn đến Sở Công Thương, địa chỉ 59 đường Lê Thủy, phường "
     "Sài Gòn, TP. Hồ Chí Minh.", ["15 đường Thanh Đa, phường Bình Quới, TP. Hồ Chí Minh"]),
    # a province the places list does not hold still ends a labelled address's sentence
    ("Trụ sở: số 2 đường Mây Trắng, phường Phú Lâm, tỉnh Sông Mây. Sở là cơ quan chủ quản.",
     ["số 2 đường Mây Trắng, phường Phú Lâm, tỉnh Sông Mây"]),
])
def test_addresses_in_tables_markdown_brackets_and_sentences(text, found):
    assert _normalized_of("Chính sách bảo mật\nLiên hệ\n" + text, "address") == found


@pytest.mark.parametrize(("text", "found"), [
    ("Trường Trung học phổ thông Tư thục Cánh Diều tôn trọng thông tin của học sinh.",
     ["Trường Trung học phổ thông Tư thục Cánh Diều"]),
    ("Trường Tiểu học và THCS Sao Khuê thu thập họ tên học sinh.",
     ["Trường Tiểu học và THCS Sao Khuê"]),
    ("Phần mềm do Công ty TNHH Phần mềm Diệc Xanh (Blue Heron Software Company Limited) cung "
     "cấp.", ["Công ty TNHH Phần mềm Diệc Xanh (Blue Heron Software Company Limited)"]),
    ("Công ty TNHH Gió Nam (Singapore) là đối tác.", ["Công ty TNHH Gió Nam"]),
    ("Công ty TNHH Thời trang Lụa Mây chuyển địa chỉ nhận hàng cho đơn vị vận chuyển là Công ty "
     "Cổ phần Giao vận Bắc Nam; thanh toán được xử lý qua Công ty Cổ phần Thanh toán Hòa Vân.",
     ["Công ty TNHH Thời trang Lụa Mây"]),
])
def test_school_levels_english_names_in_brackets_and_carriers(text, found):
    assert _normalized_of("Chính sách bảo mật\nGiới thiệu\n" + text, "organization") == found


# What a review of the day's fact rules found (each passed before those rules and failed
# after them until fixed).
@pytest.mark.parametrize(("text", "kind", "found"), [
    ("Chia sẻ với đối tác\nCông ty Cổ phần Dược phẩm An Tâm không bán dữ liệu cá nhân.",
     "organization", ["Công ty Cổ phần Dược phẩm An Tâm"]),
    ("Chính sách này áp dụng cho khách hàng và đối tác của Công ty TNHH Thương mại Hoàng Phát.",
     "organization", ["Công ty TNHH Thương mại Hoàng Phát"]),
    ("Khi sử dụng dịch vụ của Công ty Cổ phần Công nghệ Sao Việt, bạn đồng ý với chính sách này.",
     "organization", ["Công ty Cổ phần Công nghệ Sao Việt"]),
    ("CÔNG TY CỔ PHẦN ĐẦU TƯ MINH AN (SAU ĐÂY GỌI LÀ CÔNG TY HOẶC CHÚNG TÔI) cam kết bảo mật.",
     "organization", ["CÔNG TY CỔ PHẦN ĐẦU TƯ MINH AN"]),
    ("Công ty Cổ phần Du lịch Biển Xanh (A member of Sun Ocean Group) quản lý website.",
     "organization", ["Công ty Cổ phần Du lịch Biển Xanh"]),
    ("Chúng tôi dùng điểm thi tốt nghiệp Trung học phổ thông Quốc gia để xét tuyển.",
     "organization", []),
    ("Địa chỉ: 12 Lê Lợi, Phường Bến Nghé, Quận 1,\n0909 123 456", "address",
     ["12 Lê Lợi, Phường Bến Nghé, Quận 1"]),
    ("Địa chỉ\t12 Lê Lợi, Quận 1, TP. Hồ Chí Minh\t0909 123 456", "address",
     ["12 Lê Lợi, Quận 1, TP. Hồ Chí Minh"]),
    ("Vui lòng gửi khiếu nại đến Bộ phận Chăm sóc khách hàng theo địa chỉ: 12 Lê Lợi, phường "
     "Bến Thành, TP. Hồ Chí Minh.", "address", ["12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh"]),
    ("Chi nhánh 1 - Khu vực phía Bắc gồm 12 tỉnh thành.", "address", []),
    ("Cửa hàng Mây | 3 showroom tại Quận 1, TP. Hồ Chí Minh | Hotline 0909 000 111", "address",
     []),
    ("Dữ liệu cá nhân được thu thập, xử lý và lưu trữ trong 5 năm.", "retention_period",
     ["1825"]),
    ("Dữ liệu được lưu trữ từ 3 năm trở lên.", "retention_period", ["1095"]),
    ("Dữ liệu được lưu trữ trong vòng 5 ngày làm việc rồi bị xóa vĩnh viễn.",
     "retention_period", ["5"]),
    ("5. Bảo mật\nMật khẩu được giữ trong bí mật; tài khoản không hoạt động trong 6 tháng sẽ bị "
     "khóa.", "retention_period", []),
])
def test_what_the_review_of_the_days_fact_rules_found(text, kind, found):
    assert _normalized_of("Chính sách bảo mật\n" + text, kind) == found
