"""Findings a regulator acts on: each found where the policy says it, not where it does not,
with its evidence clauses and the article it concerns."""

import pytest

from pipeline.audit import find_quality_issues
from pipeline.clean import clean_text
from pipeline.extract.facts import extract_text_facts

CONTROLLER = "Công ty TNHH An Phát, trụ sở 12 Lê Lợi, Hà Nội, email hotro@anphat.vn."


def _findings(sentences, trackers=(), labels=("other",)):
    """Findings of a policy made of `sentences` (one clause each), with its real facts."""
    text = clean_text("\n".join(sentences))
    clauses, start = [], 0
    for i, sentence in enumerate(text.split("\n")):
        clauses.append({"clause_id": i, "text": sentence, "labels": list(labels),
                        "scores": "", "start": start})
        start += len(sentence) + 1
    starts = [c["start"] for c in clauses]
    facts = []
    for fact in extract_text_facts(text):
        clause_id = max(i for i, s in enumerate(starts) if s <= fact.start)
        facts.append({"type": fact.type, "normalized": fact.normalized,
                      "qualifier": fact.qualifier, "clause_id": clause_id})
    rows = find_quality_issues("d", clauses, facts, list(trackers))
    return {row["finding"]: row for row in rows}


# (finding, a policy that has it, the same kind of policy without it)
CASES = [
    ("consent_by_continued_use",
     ["Bằng việc tiếp tục sử dụng website, bạn đồng ý với chính sách này."],
     ["Chúng tôi chỉ xử lý dữ liệu sau khi bạn bấm nút đồng ý cho từng mục đích."]),
    ("consent_by_continued_use",
     ["Nếu quý khách không phản đối trong 7 ngày, quý khách được coi là đã đồng ý."],
     ["Quý khách có quyền phản đối việc xử lý dữ liệu bất cứ lúc nào."]),
    ("consent_preset_or_bundled",
     ["Ô đồng ý nhận tin khuyến mãi đã được đánh dấu sẵn khi bạn đăng ký."],
     ["Bạn tự đánh dấu vào ô đồng ý nếu muốn nhận tin khuyến mãi."]),
    ("request_deadline_beyond_law",
     ["Chúng tôi sẽ xóa dữ liệu trong vòng 30 ngày kể từ khi nhận được yêu cầu của bạn."],
     ["Chúng tôi sẽ xóa dữ liệu trong vòng 15 ngày kể từ khi nhận được yêu cầu của bạn."]),
    ("request_deadline_beyond_law",
     ["Chúng tôi sẽ phản hồi yêu cầu của bạn trong vòng 05 ngày làm việc."],
     ["Chúng tôi sẽ phản hồi yêu cầu của bạn trong vòng 72 giờ."]),
    ("request_deadline_beyond_law",
     ["Yêu cầu chỉnh sửa thông tin được xử lý trong 3 tuần."],
     ["Khiếu nại và yêu cầu bồi thường được giải quyết trong 30 ngày."]),
    ("breach_notice_later_than_72h",
     ["Khi xảy ra sự cố rò rỉ dữ liệu, chúng tôi sẽ thông báo cho khách hàng trong vòng "
      "96 giờ."],
     ["Khi xảy ra sự cố rò rỉ dữ liệu, chúng tôi sẽ thông báo cho khách hàng trong vòng "
      "48 giờ."]),
    ("breach_notice_without_deadline",
     ["Khi xảy ra sự cố rò rỉ dữ liệu, chúng tôi sẽ thông báo cho cơ quan chức năng."],
     ["Khi xảy ra sự cố rò rỉ dữ liệu, chúng tôi sẽ thông báo cho cơ quan chức năng trong "
      "vòng 72 giờ."]),
    ("personal_data_sold",
     ["Chúng tôi có thể bán thông tin khách hàng cho đối tác quảng cáo."],
     ["Chúng tôi cam kết không bán thông tin khách hàng cho bất kỳ ai."]),
    ("personal_data_sold",
     ["Dữ liệu được cung cấp cho đối tác quảng cáo có thu phí theo hợp đồng."],
     ["Dữ liệu được cung cấp cho đơn vị vận chuyển để giao hàng."]),
    ("sensitive_data_not_declared",
     ["Chúng tôi thu thập ảnh chụp căn cước công dân khi bạn mở tài khoản."],
     ["Ảnh chụp căn cước công dân là dữ liệu cá nhân nhạy cảm và được mã hóa khi lưu trữ."]),
    ("cross_border_not_declared",
     ["Dữ liệu khách hàng được lưu trên dịch vụ đám mây Amazon Web Services."],
     ["Dữ liệu khách hàng được lưu trên dịch vụ đám mây Amazon Web Services, và có thể "
      "được chuyển ra nước ngoài để lưu trữ."]),
    ("contradiction_sharing",
     ["Chúng tôi không chia sẻ thông tin cá nhân với bên thứ ba.",
      "Thông tin mua hàng được chia sẻ với các đối tác quảng cáo của chúng tôi."],
     ["Chúng tôi không chia sẻ thông tin cá nhân với bên thứ ba, trừ đơn vị vận chuyển.",
      "Chúng tôi không chia sẻ thông tin với các đối tác quảng cáo."]),
    ("contradiction_collection",
     ["Ứng dụng không thu thập dữ liệu vị trí của bạn.",
      "Chúng tôi thu thập vị trí GPS để gợi ý cửa hàng gần nhất."],
     ["Ứng dụng không thu thập dữ liệu vị trí của bạn.",
      "Chúng tôi thu thập họ tên và số điện thoại để giao hàng."]),
]


@pytest.mark.parametrize("finding, has, has_not", CASES)
def test_finding_where_the_policy_says_it_and_not_elsewhere(finding, has, has_not):
    found = _findings([CONTROLLER, *has])
    assert finding in found, sorted(found)
    assert found[finding]["legal_basis"].startswith(("Law 91/2025/QH15", "Decree 356/2025"))
    assert found[finding]["detail"]
    assert found[finding]["evidence"] and 0 not in found[finding]["evidence"]
    assert finding not in _findings([CONTROLLER, *has_not])


@pytest.mark.parametrize("policy, detail", [
    (["Website Hoa Sen thu thập họ tên và số điện thoại của khách hàng."],
     "no legal name and no address, phone or e-mail"),
    (["Website Hoa Sen, email hotro@hoasen.vn."], "no legal name"),
    # a trading name ("Hoa Sen" spells hoasen.vn) does not say which entity answers
    (["Hoa Sen cam kết bảo mật dữ liệu. Email hotro@hoasen.vn."], "no legal name"),
    (["Công ty TNHH Hoa Sen thu thập họ tên của khách hàng."], "no address, phone or e-mail"),
])
def test_controller_that_cannot_be_identified(policy, detail):
    row = _findings(policy)["controller_unidentified"]
    assert row["detail"] == f"the controller cannot be identified: {detail}"
    assert row["legal_basis"] == "Law 91/2025/QH15 Art. 9(2)(b)"
    assert "controller_unidentified" not in _findings([CONTROLLER])


def test_request_deadline_detail_names_the_kind_and_the_limit():
    found = _findings([CONTROLLER, "Yêu cầu xóa dữ liệu được thực hiện trong 45 ngày."])
    assert found["request_deadline_beyond_law"]["detail"] == (
        "45 ngày for a deletion request; the law allows 20 days")
    assert found["request_deadline_beyond_law"]["legal_basis"] == (
        "Decree 356/2025/ND-CP Art. 5(2)-(5)")


GA = {"tracker": "google_analytics", "category": "analytics",
      "evidence": "https://www.googletagmanager.com/gtag/js?id=G-7QX2K9PL1M"}


def test_trackers_the_policy_does_not_mention():
    found = _findings([CONTROLLER, "Chúng tôi thu thập họ tên để giao hàng."], [GA])
    row = found["trackers_not_disclosed"]
    assert row["evidence"] == [] and "google_analytics (https://www.googletagmanager" in \
        row["detail"]
    assert "trackers_not_disclosed" not in _findings(
        [CONTROLLER, "Chúng tôi thu thập họ tên để giao hàng."])


def test_trackers_the_policy_mentions_without_a_way_to_refuse():
    mentions = [CONTROLLER, "Website dùng cookie và Google Analytics để thống kê."]
    found = _findings(mentions, [GA])
    assert "trackers_not_disclosed" not in found
    assert found["trackers_without_refusal"]["evidence"] == [1]
    refusal = [*mentions, "Bạn có thể tắt cookie trong cài đặt trình duyệt."]
    assert not {"trackers_without_refusal", "trackers_not_disclosed"} & set(
        _findings(refusal, [GA]))


def test_quality_findings_carry_their_basis_too():
    found = _findings(["Liên hệ: anphat@gmail.com"])
    assert found["free_mail_only"]["legal_basis"] == "Law 91/2025/QH15 Art. 9(2)(b)"
