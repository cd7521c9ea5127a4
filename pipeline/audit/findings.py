"""Quality findings: what a policy states badly, beyond present or missing, with the clause
ids each finding rests on and the provision it concerns; the regulator's findings under Law
91/2025 are in `law_findings`."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..gates import Gated
from ..memo import Memo
from .checklist import TableRows, audit_document, records
from .cues import cue_text
from .law_findings import Policy, find_law_issues

FREE_MAIL = ("gmail.com", "yahoo.com", "yahoo.com.vn", "hotmail.com", "outlook.com",
             "icloud.com", "live.com")
_PLACEHOLDER = Gated(re.compile(
    r"\[(?:điền|nhập|ghi|tên|insert|ngày|họ tên|địa chỉ|số)[^\]]{0,40}\]|_{3,}|__/__|"
    r"\.\.\.\.\.{2,}|\bXXX+\b|\{\{[^}]+\}\}|\{\$?\w+\}|\bDD/MM/YYYY\b|"
    r"\b(?:yourdomain|your-domain|tenmien|tendomain|yoursite|tencongty)\b|@?\w*\.example\b|"
    r"\b0123[ .]?456[ .]?789\b|\bexample\.com\b", re.I))


_DENIES_WEB_RE = re.compile(r"không thu thập[^.]{0,40}(qua|trên|thông qua) (trang )?web", re.I)
_COLLECTS_WEB_RE = re.compile(r"thu thập[^.]{0,60}(trên|qua) (trang )?web", re.I)


Rows = list[tuple[int, set[str], str]]  # (clause_id, labels, text) per clause
FactsByType = dict[str, list[tuple[str, int, str]]]  # type -> (normalized, clause_id, qualifier)
Found = tuple[str, Sequence[int], str]  # (finding, evidence clause ids, detail)


# The provision each quality finding concerns ("" where it is good practice, not law).
QUALITY_BASIS = {
    "retention_without_period": "Law 91/2025/QH15 Arts. 3(3), 14",
    "free_mail_only": "Law 91/2025/QH15 Art. 9(2)(b)",
    "email_domain_differs_from_website": "Law 91/2025/QH15 Art. 9(2)(b)",
    "several_hotlines": "", "complaints_without_deadline": "", "unfilled_template": "",
    "contradiction_website_collection": "Law 91/2025/QH15 Art. 9(2)(a)",
}


def find_quality_issues(doc_id: str, clauses: TableRows, facts: TableRows,
                        trackers: TableRows = (), pdp_audit: Sequence[dict] | None = None,
                        memo: Memo | None = None) -> list[dict]:
    """Findings beyond present/missing, each with the clause ids it rests on and its legal
    basis: the quality findings, then the regulator's (`law_findings`).

    Args:
        pdp_audit: the policy's audit rows under the `pdp` profile, when already made.
        memo: clause texts with the cues' results on them (`cues.cue_text`), across policies.
    """
    clause_rows, fact_rows = records(clauses), records(facts)
    rows: Rows = [(int(r["clause_id"]), set(r["labels"]), r["text"]) for r in clause_rows]
    by_type: FactsByType = {}
    for fact in fact_rows:
        by_type.setdefault(fact["type"], []).append(
            (fact["normalized"], int(fact["clause_id"]), fact["qualifier"]))
    found = [(*item, QUALITY_BASIS[item[0]]) for check in _CHECKS
             for item in check(rows, by_type)]
    tracker_rows = records(trackers)
    if pdp_audit is None:
        pdp_audit = audit_document(doc_id, clause_rows, fact_rows, "pdp", tracker_rows, memo)
    policy = Policy([(cid, text, cue_text(text, memo)) for cid, _, text in rows],
                    [(f["type"], str(f["normalized"]), int(f["clause_id"]), f["qualifier"])
                     for f in fact_rows],
                    tracker_rows, {row["element"]: row for row in pdp_audit})
    found += find_law_issues(policy)
    return [{"doc_id": doc_id, "finding": name, "evidence": sorted({int(e) for e in evidence}),
             "detail": detail, "legal_basis": basis} for name, evidence, detail, basis in found]


def _retention_without_period(rows: Rows, by_type: FactsByType) -> list[Found]:
    retention_clauses = [cid for cid, labels, _ in rows if "retention" in labels]
    periods = [value for value, _, _ in by_type.get("retention_period", [])]
    if not retention_clauses or any(value.isdigit() for value in periods):
        return []
    kinds = sorted(set(periods))
    return [("retention_without_period", retention_clauses,
             "retention is stated but no duration is given"
             + (f" (only: {', '.join(kinds)})" if kinds else ""))]


def _email_domains(rows: Rows, by_type: FactsByType) -> list[Found]:
    emails = by_type.get("email", [])
    if not emails:
        return []
    found: list[Found] = []
    domains = {value.split("@")[-1] for value, _, _ in emails}
    email_clauses = [cid for _, cid, _ in emails]
    if domains <= set(FREE_MAIL):
        found.append(("free_mail_only", email_clauses,
                      f"the only e-mail domains are free-mail: {', '.join(sorted(domains))}"))
    sites = {value for value, _, owner in by_type.get("website", []) if not owner}
    if sites and domains - set(FREE_MAIL) and not any(
        d == s or d.endswith("." + s) or s.endswith("." + d) for d in domains for s in sites
    ):
        found.append(("email_domain_differs_from_website", email_clauses,
                      f"e-mail domains {sorted(domains)} differ from websites {sorted(sites)}"))
    return found


def _several_hotlines(rows: Rows, by_type: FactsByType) -> list[Found]:
    hotlines = [(value, cid) for value, cid, qualifier in by_type.get("phone", [])
                if qualifier.startswith("hotline")]
    if len({value for value, _ in hotlines}) <= 1:
        return []
    return [("several_hotlines", [cid for _, cid in hotlines],
             f"different hotline numbers: {', '.join(sorted({v for v, _ in hotlines}))}")]


def _complaints_without_deadline(rows: Rows, by_type: FactsByType) -> list[Found]:
    complaint_clauses = [cid for cid, labels, _ in rows if "complaints" in labels]
    if not complaint_clauses or by_type.get("complaint_deadline"):
        return []
    return [("complaints_without_deadline", complaint_clauses,
             "a complaint mechanism is described without a handling deadline")]


def _unfilled_template(rows: Rows, by_type: FactsByType) -> list[Found]:
    placeholders = [cid for cid, _, text in rows if _PLACEHOLDER.search(text)]
    if not placeholders:
        return []
    return [("unfilled_template", placeholders, "template placeholders left in the text")]


def _website_collection_contradiction(rows: Rows, by_type: FactsByType) -> list[Found]:
    denies = [cid for cid, _, text in rows if _DENIES_WEB_RE.search(text)]
    collects = [cid for cid, _, text in rows
                if _COLLECTS_WEB_RE.search(text) and cid not in denies]
    if not (denies and collects):
        return []
    return [("contradiction_website_collection", denies + collects,
             "says it does not collect data through the website, and elsewhere that it does")]


_CHECKS = (_retention_without_period, _email_domains, _several_hotlines,
           _complaints_without_deadline, _unfilled_template, _website_collection_contradiction)
