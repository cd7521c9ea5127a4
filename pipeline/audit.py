"""Completeness audit: which elements the law asks for each policy states, with evidence.

Two profiles: the e-commerce checklist of Decree 52/2013/ND-CP Art. 69(1) (TAXONOMY.md), and
the personal-data-protection notice of Decree 13/2023/ND-CP Art. 13(2) and Art. 9 (now Law
91/2025/QH15 and Decree 356/2025/ND-CP). Quality findings go beyond present/missing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from .errors import PipelineError


@dataclass(frozen=True)
class Element:
    element: str
    labels: tuple[str, ...]
    legal_basis: str
    needs_facts: tuple[str, ...] = ()
    cue: str = ""  # a regex the evidence clauses must also match, for finer PDP elements


PROFILES: dict[str, tuple[Element, ...]] = {
    "ecommerce": (
        Element("purpose", ("purpose",), "Decree 52/2013/ND-CP Art. 69(1)(a)"),
        Element("scope", ("scope",), "Decree 52/2013/ND-CP Art. 69(1)(b)"),
        Element("retention", ("retention",), "Decree 52/2013/ND-CP Art. 69(1)(c)"),
        Element("access", ("access",), "Decree 52/2013/ND-CP Art. 69(1)(d)"),
        Element("contact", ("contact",), "Decree 52/2013/ND-CP Art. 69(1)(đ)",
                needs_facts=("phone", "email")),
        Element("user_rights", ("user_rights",), "Decree 52/2013/ND-CP Art. 69(1)(e)"),
        Element("complaints", ("complaints",),
                "e-commerce practice (Circular 47/2014/TT-BCT templates)"),
        Element("security", ("security",),
                "Decree 52/2013/ND-CP, protection of consumers' information"),
    ),
    "pdp": (
        Element("data_types", ("purpose",), "Decree 13/2023/ND-CP Art. 13(2)(b)",
                cue=r"họ|tên|điện thoại|email|địa chỉ|dữ liệu cá nhân|thông tin"),
        Element("purpose", ("purpose", "scope"), "Decree 13/2023/ND-CP Art. 13(2)(a)"),
        Element("processing_method", ("purpose", "scope", "security", "retention"),
                "Decree 13/2023/ND-CP Art. 13(2)(c)",
                cue=r"xử lý|thu thập|lưu trữ|phân tích|cách thức|phương thức"),
        Element("other_parties", ("access",), "Decree 13/2023/ND-CP Art. 13(2)(d)"),
        Element("undesired_consequences", ("security", "other", "user_rights"),
                "Decree 13/2023/ND-CP Art. 13(2)(đ)",
                cue=r"hậu quả|thiệt hại|rủi ro|không mong muốn"),
        Element("processing_time", ("retention",), "Decree 13/2023/ND-CP Art. 13(2)(e)"),
        Element("right_access", ("user_rights",), "Decree 13/2023/ND-CP Art. 9(3)",
                cue=r"truy cập|xem|tiếp cận|cung cấp"),
        Element("right_withdraw", ("user_rights",), "Decree 13/2023/ND-CP Art. 9(4)",
                cue=r"rút lại|hủy đăng ký|từ chối nhận|ngừng nhận|hủy nhận"),
        Element("right_delete", ("user_rights", "retention"), "Decree 13/2023/ND-CP Art. 9(5)",
                cue=r"xóa"),
        Element("right_restrict", ("user_rights",), "Decree 13/2023/ND-CP Art. 9(6)",
                cue=r"hạn chế"),
        Element("right_object", ("user_rights",), "Decree 13/2023/ND-CP Art. 9(8)",
                cue=r"phản đối"),
        Element("contact", ("contact",), "Decree 13/2023/ND-CP Art. 13(2)",
                needs_facts=("phone", "email")),
        Element("breach_notification", ("security",), "Decree 13/2023/ND-CP Art. 23",
                needs_facts=("breach_notification",)),
    ),
}

FREE_MAIL = ("gmail.com", "yahoo.com", "yahoo.com.vn", "hotmail.com", "outlook.com",
             "icloud.com", "live.com")
_PLACEHOLDER_RE = re.compile(r"\[(?:điền|nhập|ghi|tên|insert)[^\]]{0,40}\]|_{3,}|__/__|"
                             r"\.\.\.\.\.{2,}|\bXXX+\b|\{\{[^}]+\}\}", re.I)


# A label the classifier gave only because nothing else fit (its probability under 0.5) is a
# clause's best guess, not evidence that the policy states an element.
EVIDENCE_MIN_SCORE = 0.5


TableRows = pd.DataFrame | Sequence[Mapping]  # one policy's rows of a table: a frame or records


def _records(rows: TableRows) -> Sequence[Mapping]:
    """Plain records: a batch worker already has them, and reading them is ~10x faster than
    iterating a frame of Arrow strings."""
    return rows.to_dict("records") if isinstance(rows, pd.DataFrame) else rows


def _evidence_labels(row: Mapping) -> set[str]:
    """The clause's labels that count as evidence: all of them for gold or hand-made rows,
    those with a score of at least `EVIDENCE_MIN_SCORE` when the classifier's scores are known."""
    labels = set(row["labels"])
    scores = row.get("scores")
    if not isinstance(scores, str) or not scores:
        return labels
    probabilities = json.loads(scores)
    return {label for label in labels if probabilities.get(label, 1.0) >= EVIDENCE_MIN_SCORE}


def check_profile(profile: str) -> str:
    """The profile name, or a clear error listing the known ones."""
    if profile not in PROFILES:
        raise PipelineError(f"unknown audit profile {profile!r}; use one of {sorted(PROFILES)}")
    return profile


def audit_document(doc_id: str, clauses: TableRows, facts: TableRows, profile: str = "ecommerce"
                   ) -> list[dict]:
    """Audit rows (one per checklist element) for one policy.

    Args:
        clauses: the policy's rows of the `clauses` table (with `labels`, and `scores` when
            the labels come from the classifier).
        facts: the policy's rows of the `facts` table.
    """
    rows = []
    fact_types = {fact["type"] for fact in _records(facts)}
    evidence_labels = [(int(row["clause_id"]), _evidence_labels(row), row["text"])
                       for row in _records(clauses)]
    for element in PROFILES[profile]:
        evidence = [
            clause_id for clause_id, labels, text in evidence_labels
            if labels & set(element.labels)
            and (not element.cue or re.search(element.cue, text, re.I))
        ]
        present = bool(evidence)
        note = ""
        if present and element.needs_facts and not fact_types & set(element.needs_facts):
            present = False
            note = f"clauses found, but no {' or '.join(element.needs_facts)} extracted"
        elif not present:
            note = "no clause states it"
        rows.append({"doc_id": doc_id, "element": element.element, "present": present,
                     "evidence": evidence, "note": note, "profile": profile,
                     "legal_basis": element.legal_basis})
    return rows


_DENIES_WEB_RE = re.compile(r"không thu thập[^.]{0,40}(qua|trên|thông qua) (trang )?web", re.I)
_COLLECTS_WEB_RE = re.compile(r"thu thập[^.]{0,60}(trên|qua) (trang )?web", re.I)


def find_quality_issues(doc_id: str, clauses: TableRows, facts: TableRows) -> list[dict]:
    """Findings beyond present/missing, each with the clause ids it rests on."""
    findings = []

    def add(name: str, evidence: Sequence[int], detail: str) -> None:
        findings.append({"doc_id": doc_id, "finding": name,
                         "evidence": sorted({int(e) for e in evidence}), "detail": detail})

    rows = [(int(r["clause_id"]), set(r["labels"]), r["text"]) for r in _records(clauses)]
    by_type: dict[str, list[tuple[str, int, str]]] = {}
    for fact in _records(facts):
        by_type.setdefault(fact["type"], []).append(
            (fact["normalized"], int(fact["clause_id"]), fact["qualifier"]))

    retention_clauses = [cid for cid, labels, _ in rows if "retention" in labels]
    periods = [value for value, _, _ in by_type.get("retention_period", [])]
    if retention_clauses and not any(value.isdigit() for value in periods):
        kinds = sorted(set(periods))
        add("retention_without_period", retention_clauses,
            "retention is stated but no duration is given"
            + (f" (only: {', '.join(kinds)})" if kinds else ""))
    emails = by_type.get("email", [])
    if emails:
        domains = {value.split("@")[-1] for value, _, _ in emails}
        email_clauses = [cid for _, cid, _ in emails]
        if domains <= set(FREE_MAIL):
            add("free_mail_only", email_clauses,
                f"the only e-mail domains are free-mail: {', '.join(sorted(domains))}")
        sites = {value for value, _, _ in by_type.get("website", [])}
        if sites and domains - set(FREE_MAIL) and not any(
            d == s or d.endswith("." + s) or s.endswith("." + d) for d in domains for s in sites
        ):
            add("email_domain_differs_from_website", email_clauses,
                f"e-mail domains {sorted(domains)} differ from websites {sorted(sites)}")
    hotlines = [(value, cid) for value, cid, qualifier in by_type.get("phone", [])
                if qualifier.startswith("hotline")]
    if len({value for value, _ in hotlines}) > 1:
        add("several_hotlines", [cid for _, cid in hotlines],
            f"different hotline numbers: {', '.join(sorted({v for v, _ in hotlines}))}")
    complaint_clauses = [cid for cid, labels, _ in rows if "complaints" in labels]
    if complaint_clauses and not by_type.get("complaint_deadline"):
        add("complaints_without_deadline", complaint_clauses,
            "a complaint mechanism is described without a handling deadline")
    placeholders = [cid for cid, _, text in rows if _PLACEHOLDER_RE.search(text)]
    if placeholders:
        add("unfilled_template", placeholders, "template placeholders left in the text")
    denies = [cid for cid, _, text in rows if _DENIES_WEB_RE.search(text)]
    collects = [cid for cid, _, text in rows
                if _COLLECTS_WEB_RE.search(text) and cid not in denies]
    if denies and collects:
        add("contradiction_website_collection", denies + collects,
            "says it does not collect data through the website, and elsewhere that it does")
    return findings
