"""`policy_date` facts: the date a policy took effect or was last updated."""

import pytest

from pipeline.extract.dates import find_policy_dates
from pipeline.extract.facts import extract_text_facts
from pipeline.extract.periods import Window


def _dates(text: str) -> list[tuple[str, str]]:
    return [(f.normalized, f.qualifier) for f in extract_text_facts(text)
            if f.type == "policy_date"]


@pytest.mark.parametrize("text, expected", [
    ("Cập nhật ngày 24/07/2026", ("2026-07-24", "updated")),
    ("Cập nhật lần cuối: 03.02.2025", ("2025-02-03", "updated")),
    ("Ngày cập nhật gần nhất: 2026-03-15", ("2026-03-15", "updated")),
    ("Cập nhật lần cuối: 08:30 12/11/2024 (GMT+7)", ("2024-11-12", "updated")),
    ("Hiệu lực từ 01/01/2026.", ("2026-01-01", "effective")),
    ("Chính sách này có hiệu lực kể từ ngày 15 tháng 8 năm 2025.", ("2025-08-15", "effective")),
    ("Quy định này có hiệu lực thi hành từ tháng 3 năm 2019.", ("2019-03", "effective")),
    ("Ngày hiệu lực: 1/7/2023", ("2023-07-01", "effective")),
    ("Chính sách được áp dụng kể từ ngày 05/05/2022.", ("2022-05-05", "effective")),
    ("Phiên bản 2.1 ngày 20/10/2025", ("2025-10-20", "updated")),
    ("Cập nhật: tháng 6/2024", ("2024-06", "updated")),
    ("Last updated: 2026-02-01", ("2026-02-01", "updated")),
])
def test_policy_date_forms(text, expected):
    assert _dates(text) == [expected]


@pytest.mark.parametrize("text", [
    "Nghị định 13/2023/NĐ-CP có hiệu lực từ ngày 01/07/2023 quy định về bảo vệ dữ liệu.",
    "Giấy chứng nhận đăng ký doanh nghiệp cấp ngày 12/03/2015 tại Sở Kế hoạch và Đầu tư.",
    "Đơn hàng đặt ngày 10/10/2024 sẽ được giao trong 3 ngày.",
    "Áp dụng từ ngày __/__/2026",
    "Cập nhật lần cuối: DD/MM/YYYY",
    "Cập nhật lần cuối: [Ngày cập nhật]",
    "Cập nhật ngày 31/02/2025",
    "Khách hàng có thể cập nhật thông tin cá nhân bất cứ lúc nào.",
    "Mọi thay đổi có hiệu lực ngay khi được đăng tải trên trang này.",
])
def test_dates_that_are_not_the_policys(text):
    assert _dates(text) == []


def test_a_date_alone_under_the_title_is_the_update_date():
    text = "CHÍNH SÁCH BẢO MẬT\n02/10/2017\nChúng tôi thu thập họ tên và số điện thoại."
    assert _dates(text) == [("2017-10-02", "updated")]


def test_a_date_alone_deep_in_the_text_is_not():
    lines = [f"Điều {i}. Chúng tôi bảo vệ dữ liệu của khách hàng." for i in range(10)]
    text = "\n".join([*lines, "15/09/2021"])
    assert _dates(text) == []


def test_offsets_point_at_the_date():
    text = "Cập nhật lần cuối: 14/07/2026"
    (fact,) = find_policy_dates(text, [Window(0, len(text))])
    assert text[fact.start:fact.end] == fact.value == "14/07/2026"
    assert fact.rule_id == "policy_date.updated.v1"
