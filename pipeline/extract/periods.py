"""Time facts: complaint deadlines, retention periods, opening hours, breach notification.

These read a clause together with its section heading, because "15 ngày" is a complaint
deadline only where the clause (or its section) is about complaints. Which clause is about
what comes from the spaCy cue matcher (`extract/patterns/*.jsonl`); the amounts ("15 (mười
lăm) ngày làm việc") are read from the clause text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..gates import Gated
from ..records import RawFact
from .amounts import AMOUNT, amount_value


@dataclass(frozen=True)
class Window:
    """A clause's span with the cue phrases found in it and in its section heading: the
    context a time expression is read in. Cue offsets are document offsets."""

    start: int
    end: int
    cues: tuple[tuple[str, int, int], ...] = ()
    section_cues: frozenset[str] = frozenset()
    previous_cues: frozenset[str] = frozenset()  # labels found in the clause before

    def has(self, label: str) -> bool:
        return any(cue[0] == label for cue in self.cues)

    def first(self, label: str) -> tuple[int, int] | None:
        return next(((a, b) for name, a, b in self.cues if name == label), None)


_DEADLINE_RE = re.compile(
    rf"(?<![\d/.])(?P<a>{AMOUNT})(?:\s*(?:-|–|đến|tới)\s*(?P<b>{AMOUNT}))?"
    r"\s*(?P<unit>ngày(?!\s+(?:trong|mỗi|một)\s+tuần)|tuần|tháng(?!\s*\d)"
    r"|(?:giờ|h)(?!\s*(?:ngày|hôm|sáng|trưa|chiều|tối|đêm|mỗi|\d)))"
    r"(?P<wd>\s+làm\s+việc)?(?![\w/])",
    re.I,
)
# Hours ("24h", "48 giờ") are read only right after "trong vòng", "tối đa", ...: "từ 8h đến 17h"
# in a complaint clause is when complaints are received, not how long they take.
_HOURS_LEAD_RE = re.compile(r"(?:trong vòng|trong|vòng|tối đa|không quá|chậm nhất)\s*$", re.I)
_UNIT_DAYS = {"ngày": 1, "tuần": 7, "tháng": 30}
_LEAD_REACH = 72  # the longest lead word (9 characters) and the 60 that may follow it
_DEADLINE_LEAD_RE = re.compile(
    r"(?:trong|vòng|thời hạn|thời gian|tối đa|không quá|chậm nhất|là|mất|khoảng|kể từ|sau)"
    r"[^.;!?\n]{0,60}$",
    re.I,
)
_DURATION_RE = re.compile(
    r"(?<![\d/.])(?P<lead>(?:(?:tối đa|tối thiểu|ít nhất|không quá)(?:\s+là)?|trong vòng"
    r"|trong thời hạn|trong|vòng|thời hạn|sau|là|khoảng|từ)\s+)?"
    r"(?:(?P<low>" + AMOUNT + r")\s*(?:-|–|đến|tới)\s*)?(?P<n>" + AMOUNT + r")"  # "từ 1 đến 3"
    r"\s*(?P<unit>ngày|tuần|tháng|năm|giờ(?!\s*(?:sáng|chiều|tối|trưa|đêm|mỗi|hằng|hàng)))"
    r"(?!\s*\d)(?![\w/])",
    re.I,
)
# What a duration after them is not how long data is kept: a reply, a delivery, a warranty.
_NOT_KEPT_RE = re.compile(
    r"(?:phản hồi|trả lời|xử lý|giải quyết|bảo hành|giao hàng|đổi trả|hoàn tiền|được phát"
    r"|vận chuyển|chuyển phát|trình duyệt)"  # a parcel's delivery; a cookie in the browser
    r"(?:(?!lưu|giữ)[^.;!?\n]){0,40}\Z", re.I)  # not "xử lý và lưu trữ trong 5 năm"
# What the user must keep is no retention of the controller's ("cần tự lưu giữ biên nhận"),
# nor how long a contract or a card runs ("Hợp đồng bảo hiểm có thời hạn 12 tháng", the
# duration read from "thời hạn"; "... có hiệu lực trong 12 tháng").
_NOT_OURS_RE = re.compile(
    r"(?:cần|phải|nên|có trách nhiệm|hãy|vui lòng)\s+(?:tự\s+)?(?:lưu|giữ)[^.;!?\n]{0,60}\Z"
    r"|(?:hợp đồng|thẻ|gói|chương trình|khuyến mãi|bảo hiểm)[^.;!?\n]{0,30}?"
    r"(?:(?:có thời hạn|có hiệu lực)(?:(?!lưu|giữ)[^.;!?\n]){0,40}|\bcó\s*)\Z", re.I)
# A clause that keeps something for a time, whatever the words around "lưu" were segmented
# into ("được Nha khoa X lưu từ 10 đến 15 năm", "lưu cho đến khi"): the cue matcher reads
# words, and "lưu" glued to a name is none of its phrases.
_KEPT_FOR_RE = Gated(re.compile(
    r"(?<!bảo )(?<!\w)(?:lưu|giữ)(?:\s+(?:trữ|giữ|lại))?\s+(?:(?:trong|từ|tối đa|tối thiểu"
    r"|không quá|ít nhất)(?:\s+(?:vòng|thời hạn|là))?\s+" + AMOUNT
    + r"|cho đến|đến khi|tới khi|vĩnh viễn|vô thời hạn)(?!\w)"
    r"|(?<!\w)(?:xóa|xoá|hủy|huỷ)(?:\s+bỏ)?\s+sau(?!\w)", re.I))  # "được xóa sau 60 ngày"
# A value in a table's cell or after a label, in a retention section: "Ghi âm | 12 tháng".
_CELL_RE = re.compile(r"(?:^|[|:])\s*\Z")


def duration_days(n: int, unit: str) -> int:
    """Days in "n ngày/tuần/tháng/năm/giờ": a year is 365 days, whole years of months count
    as years ("24 tháng" = 730), other months as 30 days ("3 tháng" = 90), a week 7, hours as
    the days they start ("24 giờ" = 1, "36 giờ" = 2)."""
    unit = unit.lower()
    if unit == "giờ":
        return -(-n // 24)
    if unit == "năm":
        return n * 365
    if unit == "tháng":
        return n // 12 * 365 if n % 12 == 0 else n * 30
    return n * 7 if unit == "tuần" else n



_RETENTION_KINDS = (
    ("until_deletion_request", "retention_period.until_request.v1", Gated(re.compile(
        r"(?:cho\s+)?(?:đến|tới)\s+(?:khi|ngày)[^.;\n]{0,60}?"
        r"(?:yêu cầu(?:\s+(?:hủy|xóa)(?:\s+bỏ)?)?|đề nghị\s+(?:hủy|xóa)(?:\s+bỏ)?)"
        r"|(?:chỉ\s+)?(?:xóa|hủy)[^.;\n]{0,80}?(?:nếu|khi|có)\s+(?:nhận được\s+|có\s+)?(?:sự\s+)?"
        r"yêu cầu|(?:khi|nếu)\s+(?:có\s+)?(?:sự\s+)?yêu cầu\s+(?:hủy|xóa|gỡ)"
        r"|(?:xóa|hủy|gỡ)[^.;\n]{0,40}?theo yêu cầu"
        r"|(?:khi|nếu)\s+(?:bạn|quý khách|khách hàng|người dùng|thành viên)\s+(?:có\s+)?yêu cầu"
        r"[^.;\n]{0,40}?(?:xóa|hủy)"
        r"|(?:khi|hoặc|đến khi)\s+[^.;\n]{0,40}?yêu cầu\s+(?:hủy|xóa)(?:\s+bỏ)?\s+(?:tài khoản|"
        r"(?:các\s+)?(?:thông tin|dữ liệu))"
        # the data subject ends it: deletes or closes the account, withdraws consent
        r"|(?:đến|tới)\s+khi\s+(?:bạn|quý khách|khách hàng|người dùng|thành viên|chủ thể dữ liệu)"
        r"[^.;\n]{0,20}?(?:(?:xóa|hủy|đóng)\s+tài khoản|rút lại[^.;\n]{0,10}?đồng ý)"
        r"|(?:đến|tới)\s+khi\s+tài khoản[^.;\n]{0,30}?bị\s+(?:xóa|hủy|đóng)", re.I))),
    ("until_purpose_fulfilled", "retention_period.until_purpose.v1", Gated(re.compile(
        r"(?:cho\s+)?(?:đến|tới)\s+khi[^.;\n]{0,50}?(?:hoàn thành|đạt được|hoàn tất)"
        r"[^.;\n]{0,20}?mục đích|khi không còn cần thiết"
        r"|khi\s+(?:đã\s+)?(?:hoàn thành|đạt được|hoàn tất)[^.;\n]{0,20}?mục đích"
        r"|(?:đến|tới)\s+khi[^.;\n]{0,10}?mục đích[^.;\n]{0,40}?"
        r"(?:hoàn thành|đạt được|hoàn tất|kết thúc)"
        r"|(?:thời gian|thời hạn) cần thiết[^.;\n]{0,40}?mục đích"
        r"|lâu hơn (?:mức |thời gian )?cần thiết"
        r"|(?:miễn là|chừng nào|khi nào)\s+(?:còn\s+)?(?:cần thiết|tài khoản[^.;\n]{0,20}?"
        r"(?:hoạt động|tồn tại|hiệu lực))"
        # "chừng nào bạn còn là khách hàng", "miễn là bạn còn sử dụng dịch vụ"
        r"|(?:miễn là|chừng nào|khi nào)\s+(?:bạn|quý khách|khách hàng|người dùng|thành viên)"
        r"\s+(?:vẫn\s+)?còn\s+(?:là|sử dụng|duy trì)"
        r"|trong (?:suốt )?(?:khoảng )?thời gian (?:mà )?(?:bạn|quý khách|khách hàng|người dùng"
        r"|thành viên|tài khoản|hợp đồng)"
        r"[^.;\n]{0,20}?(?:là (?:thành viên|khách hàng|người dùng)|sử dụng|hoạt động|tồn tại"
        r"|hiệu lực|duy trì)"
        # the relationship or the processing ends: "đến khi bạn ngừng sử dụng dịch vụ",
        # "cho đến khi kết thúc mục đích xử lý", "đến khi không còn phục vụ mục đích"
        r"|(?:đến|tới)\s+khi\s+(?:bạn|quý khách|khách hàng|người dùng|thành viên)\s+"
        r"(?:ngừng|thôi|chấm dứt|không còn)\s+sử dụng"
        r"|(?:đến|tới)\s+khi\s+(?:kết thúc|hoàn tất|hoàn thành|chấm dứt)[^.;\n]{0,30}?"
        r"(?:mục đích|dịch vụ|hợp đồng|giao dịch)"
        r"|khi không còn (?:phục vụ|cần)[^.;\n]{0,20}?mục đích"
        r"|trong (?:khoảng )?thời gian cần thiết để (?:cung cấp|thực hiện|phục vụ)"
        r"|trong suốt (?:quá trình|thời gian)[^.;\n]{0,30}?(?:hợp tác|sử dụng|cung cấp|giao dịch)",
        re.I))),
    ("indefinite", "retention_period.indefinite.v1", Gated(re.compile(
        r"(?:vô thời hạn|vĩnh viễn|không giới hạn(?: về)? thời gian)"
        r"(?![^.;\n]{0,20}?(?:đến|tới)\s+khi)", re.I))),  # "vĩnh viễn cho đến khi ...": until
    ("as_required_by_law", "retention_period.by_law.v1", Gated(re.compile(
        r"theo (?:quy định|yêu cầu) (?:của )?(?:pháp luật|luật pháp)"
        r"|(?:pháp luật|luật pháp) (?:có )?(?:quy định|yêu cầu)"
        # a time the law allows, not "trong phạm vi pháp luật cho phép" (a hedge)
        r"|(?:thời gian|thời hạn)[^.;\n]{0,10}?(?:pháp luật|luật pháp) cho phép"
        r"|(?:theo|thời hạn|thời gian) luật định"
        r"|(?:thời hạn|thời gian)[^.;\n]{0,10}?(?:do|mà) (?:pháp luật|luật)[^.;\n]{0,60}?quy định"
        r"|(?:thời hạn|thời gian)[^.;\n]{0,20}(?:phù hợp với|tuân theo|theo) (?:các )?quy định"
        r" (?:của )?(?:pháp luật|luật pháp)"
        r"|(?:tuân thủ|thực hiện|đáp ứng) (?:các |những )?(?:nghĩa vụ|yêu cầu) (?:pháp lý|"
        r"(?:của |theo )?pháp luật)", re.I))),
)
# "... trừ trường hợp pháp luật có quy định khác", "(trừ khi pháp luật yêu cầu lưu trữ)": an
# exception to another rule, not the rule that ends retention.
_EXCEPTION_RE = re.compile(r"\btrừ\s+(?:khi|những trường hợp|trường hợp)\b[^.;\n]*$", re.I)
# "xóa vĩnh viễn", "bị xóa hoàn toàn và vĩnh viễn", "khóa vĩnh viễn": removed or banned for good
_REMOVED_RE = re.compile(r"(?:xóa|xoá|hủy|huỷ|bỏ|khóa|khoá|cấm)(?!\w)[^.;\n]{0,25}$", re.I)
_BEFORE_REACH = 80  # how far before a match an exception or a removal is looked for
_HOURS_RE = re.compile(r"(?<![\d/.])(\d{1,3})\s*(?:\([^()\d\n]{2,30}\)\s*)?giờ(?!\s*\d)", re.I)
_DAY_NAME = r"(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|[2-7])|T[2-7]|chủ\s*nhật|CN)"
_TIME = r"\d{1,2}\s*(?:[:hg]\s*\d{2}|h|giờ)(?:\s*(?:sáng|chiều|tối))?"
_HOURS_SPAN_RE = re.compile(
    r"(?:(?:từ\s+)?" + _DAY_NAME + r"(?:\s*(?:-|–|đến|tới)\s*" + _DAY_NAME + r")?"
    r"(?:\s*(?:hằng tuần|hàng tuần))?[\s,:(]*(?:từ\s+|:\s*)?)?"  # "Thứ 2 - Thứ 7 (8h30 - ...)"
    + _TIME + r"\s*(?:-|–|đến|tới)\s*" + _TIME
    + r"(?:[\s,]*(?:(?:các|mọi)\s+ngày\s+)?(?:từ\s+)?" + _DAY_NAME
    + r"(?:\s*(?:-|–|đến|tới)\s*" + _DAY_NAME + r")?)?"
    r"|(?<![\d/.])(?<!ngày )(?<!ngày)24\s*/\s*7(?![\d/])",  # round the clock; not a date
    re.I,
)
_ROUND_THE_CLOCK = "Mon-Sun 00:00-24:00"


def _clause(text: str, window: Window) -> str:
    return text[window.start : window.end]


def find_complaint_deadlines(text: str, windows: list[Window]) -> Iterator[RawFact]:
    """Days to answer or settle a complaint: "15 ngày", "05 ngày làm việc", "15-30 ngày".

    Examples:
        >>> t = "Thời gian xử lý khiếu nại là 15 (mười lăm) ngày làm việc."
        >>> w = [Window(0, len(t), (("COMPLAINT", 16, 25),))]
        >>> [(f.normalized, f.qualifier) for f in find_complaint_deadlines(t, w)]
        [('15', 'working_days;phase=resolve')]
    """
    for window in windows:
        clause = _clause(text, window)
        about_complaints = window.has("COMPLAINT") or window.has("HANDLING") and (
            "COMPLAINT" in window.section_cues or "COMPLAINT" in window.previous_cues)
        if not about_complaints:
            continue
        if window.has("SUBJECT_REQUEST") and not window.has("COMPLAINT"):
            continue
        for match in _DEADLINE_RE.finditer(clause):
            before = clause[max(0, match.start() - _LEAD_REACH) : match.start()]
            if not _DEADLINE_LEAD_RE.search(before):
                continue
            deadline = _deadline(match, before)
            if deadline is None:
                continue
            days, qualifiers = deadline
            phase = _phase(before[-40:])
            if phase == "file":
                continue
            if phase:
                qualifiers.append(f"phase={phase}")
            yield RawFact("complaint_deadline", match.group(0), str(days),
                          window.start + match.start(), window.start + match.end(),
                          "complaint_deadline.days.v1", ";".join(qualifiers))


def _deadline(match: re.Match[str], before: str) -> tuple[int, list[str]] | None:
    """Whole days and qualifiers of a deadline match ("05 ngày làm việc", "1 tuần", "48 giờ",
    "15-30 ngày"); None for what is no deadline (a time of day, zero, over a year)."""
    low = amount_value(match.group("a"))
    high = amount_value(match.group("b")) if match.group("b") else None
    unit, working = match.group("unit").lower(), bool(match.group("wd"))
    span = f"{low}-{high}" if high is not None else ""
    if unit in ("giờ", "h"):
        if not _HOURS_LEAD_RE.search(before):
            return None
        hours = high if high is not None else low
        days, qualifiers = -(-hours // 24), ["calendar_days", f"hours={span or hours}"]
    else:
        factor = 5 if unit == "tuần" and working else _UNIT_DAYS[unit]
        days = (high if high is not None else low) * factor
        qualifiers = ["working_days" if working else "calendar_days"]
        if span:
            qualifiers.append(f"range={low * factor}-{high * factor}")
    return (days, qualifiers) if 0 < days <= 365 else None


_PHASES = {"phản hồi": "respond", "trả lời": "respond", "xác nhận": "respond",
           "liên hệ lại": "respond", "giải quyết": "resolve", "xử lý": "resolve"}
# The customer's time to complain, said as a duty or a request ("Khiếu nại phải được gửi trong
# vòng 7 ngày", "vui lòng gửi khiếu nại trong vòng 3 ngày"), not the controller's to answer: in
# "sau khi quý khách gửi khiếu nại, trong vòng 3 ngày ..." the sending is the reference point.
_FILING_RE = re.compile(r"(?:vui lòng|phải|cần|nên|hãy)\s+(?:được\s+)?(?:gửi|nộp)"
                        r"(?:\s+(?:đơn\s+)?(?:khiếu nại|phản ánh))?"
                        r"|khiếu nại\s+(?:phải|cần)\s+(?:được\s+)?(?:gửi|nộp)"
                        r"|thời hạn\s+(?:gửi|nộp)", re.I)


def _phase(before: str) -> str:
    """What the nearest verb before a deadline says is done in it: respond, resolve, or
    file (the customer's window to complain); "" when none is said."""
    before = before.lower()
    last = {word: before.rfind(word) for word in _PHASES}
    word = max(last, key=lambda w: last[w])
    filing = [m.end() for m in _FILING_RE.finditer(before)]
    if filing and filing[-1] > last[word]:
        return "file"
    return _PHASES[word] if last[word] >= 0 else ""


def find_retention_periods(text: str, windows: list[Window]) -> Iterator[RawFact]:
    """How long data is kept: days ("24 tháng" = 730) or a kind (`until_deletion_request`).

    Examples:
        >>> t = "Dữ liệu sẽ được lưu trữ cho đến khi có yêu cầu hủy bỏ từ khách hàng."
        >>> w = [Window(0, len(t), (("RETENTION", 16, 23),))]
        >>> [f.normalized for f in find_retention_periods(t, w)]
        ['until_deletion_request']
    """
    for window in windows:
        clause = _clause(text, window)
        about_retention = window.has("RETENTION") or bool(_KEPT_FOR_RE.search(clause))
        in_section = "RETENTION" in window.section_cues
        if not (about_retention or in_section):
            continue
        if window.has("COMPLAINT") and not about_retention:
            continue
        yield from _durations(clause, window.start, about_retention, in_section)
        yield from _retention_kinds(clause, window.start, about_retention)


_BOUNDS = {"tối đa": "max", "không quá": "max", "tối thiểu": "min", "ít nhất": "min",
           "từ": "min"}  # "từ 3 năm trở lên"
_HOURS_LEADS = frozenset({"trong", "trong vòng", "trong thời hạn", "tối đa", "tối đa là",
                          "không quá", "không quá là", "sau"})


def _durations(clause: str, offset: int, about_retention: bool, in_section: bool = False
               ) -> Iterator[RawFact]:
    """ "trong 24 tháng", "tối đa là 5 năm" (a bound is the qualifier), "sau 48 giờ", both
    ends of "từ 1 đến 3 năm", a table's cell in a retention section; not "được phản hồi
    trong vòng 30 ngày", nor what the user must keep."""
    for match in _DURATION_RE.finditer(clause):
        lead = " ".join((match.group("lead") or "").lower().split())
        hours = match.group("unit").lower() == "giờ"
        if hours and lead not in _HOURS_LEADS:
            continue  # "sau 48 giờ", not "khoảng 2 giờ" (a time of day)
        if not (lead or about_retention or in_section and _CELL_RE.search(
                clause, 0, match.start())):
            continue
        before = (max(0, match.start() - 60), match.start())
        if _NOT_KEPT_RE.search(clause, *before) or _NOT_OURS_RE.search(clause, *before):
            continue
        for start, days, bound in _ends(match, _BOUNDS.get(lead.split(" là")[0], "")):
            yield RawFact("retention_period", clause[start:match.end()], str(days),
                          offset + start, offset + match.end(), "retention_period.duration.v1",
                          bound)


def _ends(match: re.Match[str], bound: str) -> list[tuple[int, int, str]]:
    """(start, days, qualifier) of each end a duration states: a range's two ("từ 1 đến 3
    năm": min and max, each from its own number), else the one with its lead's `bound`;
    zero days are none."""
    if match.group("low"):
        ends = [(match.start(), match.group("low"), "min"),
                (match.start("n"), match.group("n"), "max")]
    else:
        ends = [(match.start(), match.group("n"), bound)]
    return [(start, days, qualifier) for start, amount, qualifier in ends
            if (days := duration_days(amount_value(amount), match.group("unit")))]


def _retention_kinds(clause: str, offset: int, about_retention: bool) -> Iterator[RawFact]:
    """ "cho đến khi có yêu cầu hủy bỏ", "vô thời hạn", "theo quy định của pháp luật"."""
    for kind, rule_id, pattern in _RETENTION_KINDS:
        by_law = kind == "as_required_by_law"
        if by_law and not about_retention:
            continue
        for match in pattern.finditer(clause):
            before = (max(0, match.start() - _BEFORE_REACH), match.start())
            if (by_law and _EXCEPTION_RE.search(clause, *before)) or (
                    kind == "indefinite" and _REMOVED_RE.search(clause, *before)):
                continue
            yield RawFact("retention_period", match.group(0), kind, offset + match.start(),
                          offset + match.end(), rule_id, "")


# The user, not the controller, is the one to notify: "Khách hàng có trách nhiệm thông báo
# cho chúng tôi ...", "vui lòng thông báo ngay cho chúng tôi", "người dùng phải báo cáo".
_USER_DUTY_RE = re.compile(
    r"(?:khách hàng|người dùng|người sử dụng|thành viên|quý khách|bạn)\s+(?:có trách nhiệm|"
    r"phải|cần|nên|có nghĩa vụ|vui lòng|hãy)[^.;]{0,40}$|(?:vui lòng|hãy)\s+(?:\w+\s+)?$",
    re.I)
_TO_US_RE = re.compile(r"^\s*(?:ngay\s+)?(?:cho|tới|đến|với)\s+(?:chúng tôi|ban quản trị|bộ phận)",
                       re.I)


def _users_duty(text: str, notify: tuple[int, int]) -> bool:
    """Whether the notifying in "... thông báo ..." is asked of the user."""
    before = text[max(0, notify[0] - 80) : notify[0]]
    return bool(_USER_DUTY_RE.search(before) or _TO_US_RE.match(text[notify[1] : notify[1] + 40]))


def find_breach_notifications(text: str, windows: list[Window]) -> Iterator[RawFact]:
    """The controller's promise to notify of a data breach, with its deadline in hours when
    given; a user's duty to report misuse is not one."""
    for window in windows:
        breach, notify = window.first("BREACH"), window.first("NOTIFY")
        if breach is None or notify is None or _users_duty(text, notify):
            continue
        clause = _clause(text, window)
        hours = _HOURS_RE.search(clause)
        if hours:
            yield RawFact("breach_notification", hours.group(0), hours.group(1),
                          window.start + hours.start(), window.start + hours.end(),
                          "breach_notification.hours.v1", "")
        else:
            a, b = min(breach[0], notify[0]), max(breach[1], notify[1])
            yield RawFact("breach_notification", text[a:b], "unspecified", a, b,
                          "breach_notification.promise.v1", "")


def find_opening_hours(text: str, windows: list[Window]) -> Iterator[RawFact]:
    """Opening or support hours: "Từ thứ hai đến chủ nhật 08:00 - 21:00", "8h00 - 17h30"."""
    for window in windows:
        if not window.has("HOURS_CONTEXT"):
            continue
        clause = _clause(text, window)
        for match in _HOURS_SPAN_RE.finditer(clause):
            value = match.group(0).strip().rstrip(",:")
            start = window.start + match.start() + match.group(0).index(value)
            if value.count("(") > value.count(")") and text.startswith(")", start + len(value)):
                value += ")"  # "Thứ 2 - Thứ 7 (8h30 - 17h30)"
            yield RawFact("opening_hours", value, _normalize_hours(value), start,
                          start + len(value), "opening_hours.span.v1", "")


_DAY_CODES = {"hai": "Mon", "2": "Mon", "ba": "Tue", "3": "Tue", "tư": "Wed", "4": "Wed",
              "năm": "Thu", "5": "Thu", "sáu": "Fri", "6": "Fri", "bảy": "Sat", "7": "Sat"}


def _day_code(name: str) -> str:
    name = re.sub(r"\s+", " ", name.lower())
    if name.startswith(("chủ", "cn")):
        return "Sun"
    return _DAY_CODES.get(re.sub(r"^(?:thứ|t)\s*", "", name), "")


def _normalize_hours(value: str) -> str:
    """ "Từ thứ hai đến chủ nhật 08:00 - 21:00" -> "Mon-Sun 08:00-21:00"; "5 giờ chiều" is
    17:00; "24/7" is every day, all day."""
    if re.fullmatch(r"24\s*/\s*7", value):
        return _ROUND_THE_CLOCK
    clock = "-".join(map(_clock, re.findall(_TIME, value, re.I)[:2]))
    days = "-".join(code for code in map(_day_code, re.findall(_DAY_NAME, value, re.I)) if code)
    return f"{days} {clock}".strip()


def _clock(time: str) -> str:
    """ "8h30" -> "08:30", "5 giờ chiều" -> "17:00"."""
    found = re.match(r"(\d{1,2})\s*(?:[:hg]\s*(\d{2}))?", time)
    hour = int(found.group(1)) if found else 0
    if hour < 12 and re.search(r"(?:chiều|tối)$", time, re.I):
        hour += 12
    return f"{hour:02d}:{found.group(2) if found and found.group(2) else '00'}"
