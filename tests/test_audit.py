import json

import pandas as pd

from pipeline.audit import audit_document, find_quality_issues


def _clauses(rows):
    return pd.DataFrame(rows, columns=["clause_id", "text", "labels", "scores"])


def test_low_score_best_guess_is_not_evidence():
    clauses = _clauses([
        (0, "Chính sách này áp dụng cho mọi khách hàng.", ["retention"],
         json.dumps({"retention": 0.31, "other": 0.2})),
        (1, "Dữ liệu được lưu trữ trong 24 tháng.", ["retention"],
         json.dumps({"retention": 0.93, "other": 0.01})),
    ])
    rows = {r["element"]: r for r in audit_document("d", clauses.iloc[:1], pd.DataFrame())}
    assert rows["retention"]["present"] is False
    rows = {r["element"]: r for r in audit_document("d", clauses, pd.DataFrame())}
    assert rows["retention"]["present"] is True and rows["retention"]["evidence"] == [1]


def test_contact_needs_a_phone_or_email():
    clauses = _clauses([(0, "Công ty TNHH An Phát, 12 Lê Lợi, Hà Nội.", ["contact"], "")])
    no_facts = pd.DataFrame(columns=["type", "normalized", "clause_id", "qualifier"])
    (contact,) = [r for r in audit_document("d", clauses, no_facts) if r["element"] == "contact"]
    assert not contact["present"] and "no phone or email" in contact["note"]
    phone = pd.DataFrame([{"type": "phone", "normalized": "+842838221234", "clause_id": 0,
                           "qualifier": "landline"}])
    (contact,) = [r for r in audit_document("d", clauses, phone) if r["element"] == "contact"]
    assert contact["present"]


def test_pdp_profile_checks_rights_separately():
    text = "Bạn có quyền rút lại sự đồng ý bất kỳ lúc nào."
    clauses = _clauses([(0, text, ["user_rights"], "")])
    rows = {r["element"]: r["present"] for r in audit_document("d", clauses, pd.DataFrame(),
                                                               profile="pdp")}
    assert rows["right_withdraw"] and not rows["right_delete"]


def test_quality_findings_with_evidence():
    clauses = _clauses([
        (0, "Thông tin được lưu trữ cho đến khi có yêu cầu hủy bỏ.", ["retention"], ""),
        (1, "Khiếu nại gửi về email của chúng tôi.", ["complaints"], ""),
        (2, "Mã số thuế: [điền MST]", ["contact"], ""),
    ])
    facts = pd.DataFrame([
        {"type": "email", "normalized": "anphat@gmail.com", "clause_id": 1, "qualifier": ""},
        {"type": "retention_period", "normalized": "until_deletion_request", "clause_id": 0,
         "qualifier": ""},
        {"type": "phone", "normalized": "+8419006175", "clause_id": 1, "qualifier": "hotline"},
        {"type": "phone", "normalized": "+8419006975", "clause_id": 2, "qualifier": "hotline"},
    ])
    found = {f["finding"]: f["evidence"] for f in find_quality_issues("d", clauses, facts)}
    assert found["retention_without_period"] == [0]
    assert found["free_mail_only"] == [1]
    assert found["complaints_without_deadline"] == [1]
    assert found["unfilled_template"] == [2]
    assert found["several_hotlines"] == [1, 2]
