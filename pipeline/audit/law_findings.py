"""Findings a regulator acts on, under Law 91/2025 and Decree 356/2025: consent by silence,
deadlines beyond the law, data sold, sensitive data or transfers abroad not declared,
contradictions inside a policy, trackers the policy does not disclose, a controller that
cannot be identified. Each comes with its evidence clauses and the article it concerns.

They read the policy's clauses and facts, the trackers its page loads and its audit against
the `pdp` profile (whatever profile the dataset was audited with: these are findings under
the law in force).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from ..records import TRADING_NAME
from .checklist import ABSENT, PRESENT
from .cues import Candidates, Cue

LAW = "Law 91/2025/QH15"
DECREE = "Decree 356/2025/ND-CP"


@dataclass(frozen=True)
class Policy:
    """What the checks read: clauses as (clause_id, text), facts as (type, normalized,
    clause_id, qualifier), tracker rows, and the `pdp` audit rows by element."""

    clauses: Sequence[tuple[int, str, str]]  # (clause_id, text, the text in lower case)
    facts: Sequence[tuple[str, str, int, str]]
    trackers: Sequence[Mapping]
    audit: Mapping[str, Mapping]

    @cached_property
    def candidates(self) -> Candidates[tuple[int, str, str]]:
        """The clauses with which of them each cue can match."""
        return Candidates(self.clauses, [low for _, _, low in self.clauses])

    def matching(self, pattern: Cue, unless: Cue | None = None) -> list[int]:
        """Ids of the clauses matching `pattern` and not `unless`."""
        return [cid for cid, text, low in self.candidates.of(pattern)
                if pattern.search(text, low) and (unless is None or not unless.search(text, low))]


Finding = tuple[str, Sequence[int], str, str]  # (finding, evidence, detail, legal basis)
_I = re.I

# --- consent -----------------------------------------------------------------------------
_SUBJECT = r"(?:bạn|quý khách|khách hàng|người dùng|thành viên|người sử dụng)"
_CONSENT_BY_USE_CUE = Cue(
    r"(?:bằng (?:cách|việc)|khi|nếu|việc)\s+(?:" + _SUBJECT + r"\s+)?(?:tiếp tục\s+)?"
    r"(?:truy cập|sử dụng|đăng ký|duyệt|ghé thăm|đăng nhập|cung cấp)[^.;]{0,160}?"
    r"(?:đồng ý|chấp nhận|chấp thuận|đồng nghĩa|được coi là|được xem là|mặc nhiên)"
    r"|tiếp tục (?:truy cập|sử dụng)[^.;]{0,120}?(?:đồng ý|chấp nhận|đồng nghĩa|được coi là|"
    r"được xem là)"
    r"|(?:im lặng|không phản đối|không có ý kiến)[^.;]{0,80}?(?:đồng ý|chấp nhận|được coi là)")
_PRESET_CUE = Cue(r"(?:đánh dấu|chọn|tích) sẵn|mặc định[^.;]{0,40}?(?:đồng ý|được chọn|"
                  r"chấp nhận)|đồng ý (?:với )?(?:toàn bộ|tất cả)[^.;]{0,40}?mục đích")


def consent_by_silence(policy: Policy) -> list[Finding]:
    """Consent taken from continued use, silence, a pre-ticked box or one tick for every
    purpose: none of these is consent under the law."""
    found = []
    by_use = policy.matching(_CONSENT_BY_USE_CUE)
    if by_use:
        found.append(("consent_by_continued_use", by_use,
                      "consent is taken from using the site or service, or from silence",
                      f"{LAW} Art. 9(4); {DECREE} Art. 6(3)"))
    preset = policy.matching(_PRESET_CUE)
    if preset:
        found.append(("consent_preset_or_bundled", preset,
                      "consent is pre-ticked, set by default, or given once for all purposes",
                      f"{LAW} Art. 9(4); {DECREE} Art. 6(3)"))
    return found


# --- deadlines ---------------------------------------------------------------------------
_AMOUNT_RE = re.compile(r"(?<![\d/.])(?P<n>\d{1,3})(?:\s*\([^()\d\n]{2,30}\))?\s*"
                        r"(?P<unit>ngày làm việc|ngày|giờ|tuần|tháng)(?![\w/])", _I)
_COMPLAINT_RE = re.compile(r"khiếu nại|phản ánh|tranh chấp", _I)
# (kind, what the policy's words say is asked, the longest the law allows: days, working?)
_REQUEST_KINDS = (
    ("deletion", re.compile(r"\bxóa|hủy bỏ|tiêu hủy", _I), 20, False),
    ("withdrawal, restriction or objection", re.compile(
        r"rút lại|hạn chế|phản đối|ngừng xử lý|dừng xử lý", _I), 15, False),
    ("view, correction or copy", re.compile(
        r"\bxem\b|truy cập|bản sao|chỉnh sửa|sửa đổi|cập nhật|điều chỉnh|cung cấp", _I), 10,
     False),
    ("reply", re.compile(r"phản hồi|trả lời|xác nhận|tiếp nhận", _I), 2, True),
)


def _least_calendar_days(n: int, unit: str) -> float:
    """The fewest calendar days an amount can mean: N working days span at least N plus two
    weekend days per whole week after the first."""
    unit = unit.lower()
    if unit == "ngày làm việc":
        return n + 2 * ((n - 1) // 5)
    return {"giờ": n / 24, "tuần": 7 * n, "tháng": 30 * n}.get(unit, n)


def _beyond(n: int, unit: str, limit: int, working: bool) -> bool:
    """Whether a stated amount certainly exceeds the law's limit (2 working days span at
    most 4 calendar days, more over a holiday: only more than that certainly exceeds)."""
    if working:
        if unit.lower() == "ngày làm việc":
            return n > limit
        return _least_calendar_days(n, unit) > limit + 2
    return _least_calendar_days(n, unit) > limit


def request_deadlines(policy: Policy) -> list[Finding]:
    """Data-subject request deadlines longer than Decree 356 Art. 5 allows: a reply within
    2 working days, then 10 (view, correct, copy), 15 (withdraw, restrict, object) or 20
    (delete) days. The deadlines are those the audit found (`response_deadlines`); one that
    names no kind of request is a reply."""
    row = policy.audit.get("response_deadlines", {})
    evidence = set(row.get("evidence", ())) if row.get("status") == PRESENT else set()
    found = []
    for cid, text, _ in policy.clauses:
        if cid not in evidence or _COMPLAINT_RE.search(text):
            continue
        kinds = [kind for kind in _REQUEST_KINDS if kind[1].search(text)] or [_REQUEST_KINDS[-1]]
        for amount in _AMOUNT_RE.finditer(text):
            n, unit = int(amount.group("n")), amount.group("unit")
            late = [(name, limit, working) for name, _, limit, working in kinds
                    if _beyond(n, unit, limit, working)]
            if late and n:
                name, limit, working = min(late, key=lambda kind: kind[1])
                found.append(("request_deadline_beyond_law", [cid],
                              f"{amount.group(0)} for a {name} request; the law allows "
                              f"{limit} {'working days' if working else 'days'}",
                              f"{DECREE} Art. 5(2)-(5)"))
                break
    return found


def breach_deadline(policy: Policy) -> list[Finding]:
    """A breach notice promised later than 72 hours, or with no deadline at all."""
    row = policy.audit.get("breach_notification", {})
    if row.get("status") != PRESENT:
        return []
    evidence = set(row.get("evidence", ()))
    hours = [(value, cid) for kind, value, cid, _ in policy.facts
             if kind == "breach_notification" and cid in evidence]
    late = [(int(value), cid) for value, cid in hours if value.isdigit() and int(value) > 72]
    if late:
        return [("breach_notice_later_than_72h", sorted({cid for _, cid in late}),
                 f"breach notice promised within {max(h for h, _ in late)} hours; the law "
                 "asks 72 hours from detection", f"{LAW} Art. 23; {DECREE} Arts. 28-29")]
    if not any(value.isdigit() for value, _ in hours):
        return [("breach_notice_without_deadline", sorted(evidence),
                 "a breach notice is promised without a deadline (the law: 72 hours)",
                 f"{LAW} Art. 23; {DECREE} Arts. 28-29")]
    return []


# --- selling data ------------------------------------------------------------------------
_NEGATED = r"(?<!không )(?<!không được )(?<!cam kết không )(?<!cấm )"
_SALE_CUE = Cue(
    r"(?<!người )(?<!bên )(?<!nhà )\b" + _NEGATED + r"(?:bán|mua bán|cho thuê|chuyển nhượng)"
    r"\s+(?:lại\s+)?(?:các\s+|những\s+)?(?:thông tin|dữ liệu)"
    r"|^(?=[\s\S]*(?:thông tin|dữ liệu))[\s\S]*(?:cung cấp|chia sẻ|chuyển giao)[^.;]{0,120}?"
    r"(?:có (?:thu )?phí|thu phí|nhận (?:tiền|phí|thù lao)|để (?:thu|nhận|kiếm) (?:lợi nhuận|"
    r"tiền|hoa hồng|doanh thu)|vì (?:mục đích )?lợi nhuận)")
_DENIED_CUE = Cue(r"\bkhông\b[^.;]{0,30}\b(?:bán|mua bán|cho thuê)\b|nghiêm cấm")


def data_sold(policy: Policy) -> list[Finding]:
    """The policy says personal data is sold, rented or handed over for payment."""
    sold = policy.matching(_SALE_CUE, _DENIED_CUE)
    if not sold:
        return []
    return [("personal_data_sold", sold, "the policy states that personal data is sold or "
             "provided for payment", f"{LAW} Arts. 7(6), 8")]


# --- undeclared sensitive data, transfers abroad, trackers --------------------------------
def _missing(element: str, name: str, detail: str, basis: str
             ) -> Callable[[Policy], list[Finding]]:
    def check(policy: Policy) -> list[Finding]:
        row = policy.audit.get(element, {})
        if row.get("status") != ABSENT:
            return []
        return [(name, list(row.get("evidence", ())), detail, basis)]
    check.__doc__ = f"`{element}` applies but the policy does not address it: {detail}."
    return check


sensitive_undeclared = _missing(
    "sensitive_data", "sensitive_data_not_declared",
    "sensitive data (health, biometrics, location, ID cards, bank or card data) is collected "
    "without saying it is sensitive or how it is protected", f"{DECREE} Arts. 4, 6(4)")
transfer_undeclared = _missing(
    "cross_border", "cross_border_not_declared",
    "a foreign server, cloud or recipient is named without a statement that data goes abroad",
    f"{LAW} Art. 20; {DECREE} Arts. 17-18")


def trackers_vs_disclosure(policy: Policy) -> list[Finding]:
    """The page loads trackers, and the policy does not mention cookies or tracking, or
    offers no way to refuse them."""
    if not policy.trackers:
        return []
    first: dict[str, str] = {}
    for tracker in policy.trackers:
        first.setdefault(str(tracker["tracker"]), str(tracker["evidence"]))
    loaded = ", ".join(f"{name} ({evidence})" for name, evidence in first.items())
    row = policy.audit.get("cookies_tracking", {})
    basis = f"{LAW} Arts. 28(8), 29(3)-(4)"
    if row.get("status") == PRESENT:
        return []
    if not _TRACKING_RE.search(" ".join(text for _, text, _ in policy.clauses)):
        return [("trackers_not_disclosed", [], f"the page loads {loaded}; the policy does "
                 "not mention cookies or tracking", basis)]
    return [("trackers_without_refusal", list(row.get("evidence", ())),
             f"the page loads {loaded}; the policy offers no way to refuse them", basis)]


_TRACKING_RE = re.compile(r"cookie|theo dõi|tracking|pixel|web beacon|Google Analytics|"
                          r"công cụ phân tích", _I)


# --- contradictions ----------------------------------------------------------------------
_NO_SHARING_CUE = Cue(
    r"^(?![\s\S]*(?:trừ|ngoại lệ|(?:mà|nếu|khi) (?:không|chưa) (?:có|được)|nếu chưa))"
    r"[\s\S]*không\s+(?:chia sẻ|cung cấp|tiết lộ|chuyển giao)[^.;]{0,60}?"
    r"(?:bên thứ (?:ba|3)|bất kỳ (?:ai|bên|tổ chức)|bên (?:ngoài|khác))")
_AD_SHARING_CUE = Cue(
    r"(?:chia sẻ|cung cấp|tiết lộ|chuyển giao|gửi)[^.;]{0,80}?(?:đối tác|đơn vị|công ty|nhà)"
    r"\s+(?:quảng cáo|tiếp thị|marketing|kinh doanh|thương mại|liên kết)"
    r"|(?:mạng|nền tảng) quảng cáo[^.;]{0,60}?(?:nhận|sử dụng|thu thập)")
_NOT_SHARED_CUE = Cue(r"không\s+(?:\w+\s+){0,3}?(?:chia sẻ|cung cấp|tiết lộ|chuyển giao|bán)")
_COLLECTED_TYPES = {
    "location": r"vị trí|định vị|\bGPS\b", "IP address": r"địa chỉ IP",
    "cookies": r"cookie", "card data": r"thẻ tín dụng|thông tin thẻ|số thẻ",
    "ID card": r"căn cước|\bCCCD\b|\bCMND\b|chứng minh nhân dân", "health": r"sức khỏe",
    "contacts": r"danh bạ", "photos": r"hình ảnh|ảnh chụp", "birth date": r"ngày sinh",
}
_COLLECTED_CUES = {
    name: (Cue(r"không\s+(?:có\s+)?(?:thu thập|lưu trữ|lưu giữ|yêu cầu|truy cập)[^.;]{0,60}?(?:"
               + words + ")"),
           Cue(r"(?:thu thập|bao gồm|ghi nhận|lưu trữ|truy cập|sử dụng)[^.;]{0,100}?(?:"
               + words + ")"))
    for name, words in _COLLECTED_TYPES.items()}


def contradictions(policy: Policy) -> list[Finding]:
    """PolicyLint-style: "not shared with third parties" and, elsewhere, sharing with
    advertising or business partners; "we do not collect X" and, elsewhere, X collected."""
    found: list[Finding] = []
    denies = policy.matching(_NO_SHARING_CUE)
    shares = policy.matching(_AD_SHARING_CUE, _NOT_SHARED_CUE)
    if denies and shares:
        found.append(("contradiction_sharing", denies + shares,
                      "says data is not shared with third parties, and elsewhere that it is "
                      "shared with advertising or business partners",
                      f"{LAW} Arts. 9(2)(b), 17"))
    for name in _COLLECTED_TYPES:
        deny, take = _COLLECTED_CUES[name]
        denied = policy.matching(deny)
        taken = policy.matching(take, deny) if denied else []
        if taken:
            found.append(("contradiction_collection", denied + taken,
                          f"says it does not collect {name}, and elsewhere that it does",
                          f"{LAW} Art. 9(2)(a)"))
    return found


# --- the controller ----------------------------------------------------------------------
def controller_unidentified(policy: Policy) -> list[Finding]:
    """No legal name (a trading name such as "FAHASA" does not say which entity answers), or
    no address, phone or e-mail: the controller cannot be identified."""
    kinds = {kind for kind, _, _, qualifier in policy.facts
             if not (kind == "organization" and qualifier == TRADING_NAME)}
    contacts = kinds & {"address", "phone", "email"}
    lacking = ([] if "organization" in kinds else ["legal name"]) + (
        [] if contacts else ["address, phone or e-mail"])
    if not lacking:
        return []
    evidence = sorted({cid for kind, _, cid, _ in policy.facts
                       if kind in ("organization", "address", "phone", "email")})
    return [("controller_unidentified", evidence,
             f"the controller cannot be identified: no {' and no '.join(lacking)}",
             f"{LAW} Art. 9(2)(b)")]


LAW_CHECKS: tuple[Callable[[Policy], list[Finding]], ...] = (
    consent_by_silence, request_deadlines, breach_deadline, data_sold, sensitive_undeclared,
    transfer_undeclared, contradictions, trackers_vs_disclosure, controller_unidentified,
)


def find_law_issues(policy: Policy) -> list[Finding]:
    """Every regulator's finding of one policy."""
    return [finding for check in LAW_CHECKS for finding in check(policy)]
