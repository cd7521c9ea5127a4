"""The policy's own date: when it took effect or was last updated ("Cập nhật lần cuối:
24/07/2026", "có hiệu lực kể từ ngày 01/07/2025"). It tells which law the policy was written
for, so `audit --profile auto` reads it.

A date counts only right after a cue that makes it the policy's (updated, effective, issued),
or alone on a line near the top of the policy (the date under a title). A date that belongs
to a law ("Nghị định 13/2023/NĐ-CP ngày 17/04/2023") or to a business registration
("đăng ký lần đầu ngày ...") has no such cue before it and is not read; template
placeholders ("__/__/2026", "DD/MM/YYYY") hold no digits where the date should be.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Sequence

from ..gates import Gated
from ..records import RawFact
from .periods import Window

_YEAR = r"(?:19|20)\d{2}"
_SEP = r"\s*[/.\-]\s*"
# Full dates, then month and year, then a year alone; groups name their parts.
_DATE_RE = re.compile(
    rf"(?P<d1>\d{{1,2}}){_SEP}(?P<m1>\d{{1,2}}){_SEP}(?P<y1>{_YEAR})(?![\d/])"
    rf"|(?P<y2>{_YEAR})-(?P<m2>\d{{1,2}})-(?P<d2>\d{{1,2}})(?!\d)"
    rf"|(?:ngày\s+)?(?P<d3>\d{{1,2}})\s+tháng\s+(?P<m3>\d{{1,2}})\s*,?\s*năm\s+(?P<y3>{_YEAR})"
    rf"|tháng\s+(?P<m4>\d{{1,2}})\s*(?:,?\s*năm\s+|/\s*)(?P<y4>{_YEAR})"
    rf"|(?<![\d/.])(?P<m5>\d{{1,2}})\s*/\s*(?P<y5>{_YEAR})(?![\d/])"
    rf"|(?:năm\s+)(?P<y6>{_YEAR})(?!\d)",
    re.I,
)
_UPDATED = (r"(?:ngày\s+)?(?:cập nhật|sửa đổi|chỉnh sửa|điều chỉnh|hiệu chỉnh)"
            r"(?:\s+(?:lần cuối|lần gần nhất|gần nhất|mới nhất|gần đây nhất))?"
            r"|phiên bản(?:\s+(?:số\s+)?[\d.]+)?|last\s+(?:updated|modified|revised)"
            r"|updated(?:\s+on)?|revised(?:\s+on)?")
_EFFECTIVE = (r"(?:ngày\s+)?(?:có\s+)?hiệu lực(?:\s+(?:thi hành|áp dụng))?"
              r"|áp dụng|ban hành|effective(?:\s+date|\s+from)?")
# What may stand between a cue and its date: "kể từ ngày", "vào lúc 21:45", ": ".
_GAP = (r"[\s:,\-–]*(?:(?:vào|kể|từ|ngày|lúc|là|on|from|as of)\b[\s:,]*){0,4}"
        r"(?:\d{1,2}\s*[:h]\s*\d{2}(?:\s*(?:giờ|GMT[+\-]?\d*|\([^()\n]{0,20}\)))*[\s,\-–]*)?")
_GAP_RE = re.compile(_GAP, re.I)
_CUED = Gated(re.compile(rf"(?P<updated>{_UPDATED})|(?P<effective>{_EFFECTIVE})", re.I))
# A law's or a registration's date: these words just before the cue make it not the policy's.
_NOT_THE_POLICY_RE = re.compile(
    r"(?:nghị định|nghị quyết|thông tư|quyết định|luật|bộ luật|NĐ-CP|QH\d+|TT-|QĐ-|"
    r"đăng ký|giấy phép|giấy chứng nhận|cấp ngày|sinh)\W*(?:\S+\W+){0,6}$",
    re.I,
)
_BARE_DATE_RE = re.compile(rf"\W*(?:ngày\W*)?(?:{_DATE_RE.pattern})\W*", re.I)
TOP_CLAUSES = 6  # a date alone on one of the first lines is the policy's


def find_policy_dates(text: str, windows: Sequence[Window]) -> Iterator[RawFact]:
    """Effective and updated dates of the policy, normalised `YYYY-MM-DD`, `YYYY-MM` or
    `YYYY`.

    Examples:
        >>> t = "Chính sách có hiệu lực kể từ ngày 01/07/2025."
        >>> [(f.normalized, f.qualifier) for f in find_policy_dates(t, [Window(0, len(t))])]
        [('2025-07-01', 'effective')]
    """
    for index, window in enumerate(windows):
        clause = text[window.start : window.end]
        found = False
        for fact in _cued_dates(clause, window.start):
            found = True
            yield fact
        if not found and index < TOP_CLAUSES and _BARE_DATE_RE.fullmatch(clause):
            date = _DATE_RE.search(clause)
            normalized = _normalize(date) if date else None
            if date and normalized and normalized.count("-") == 2:
                yield RawFact("policy_date", date.group(0), normalized,
                              window.start + date.start(), window.start + date.end(),
                              "policy_date.alone.v1", "updated")


def _cued_dates(clause: str, offset: int) -> Iterator[RawFact]:
    for cue in _CUED.finditer(clause):
        if _NOT_THE_POLICY_RE.search(clause[max(0, cue.start() - 60) : cue.start()]):
            continue
        gap = _GAP_RE.match(clause, cue.end())
        date = _DATE_RE.match(clause, gap.end() if gap else cue.end())
        normalized = _normalize(date) if date else None
        if date is None or normalized is None:
            continue
        qualifier = "updated" if cue.group("updated") else "effective"
        yield RawFact("policy_date", date.group(0), normalized, offset + date.start(),
                      offset + date.end(), f"policy_date.{qualifier}.v1", qualifier)


def _normalize(match: re.Match[str]) -> str | None:
    """`YYYY-MM-DD`, `YYYY-MM` or `YYYY` of a date match; None for an impossible date."""
    parts = {key[0]: int(value) for key, value in match.groupdict().items() if value}
    year, month, day = parts["y"], parts.get("m"), parts.get("d")
    try:
        if day is not None and month is not None:
            return datetime.date(year, month, day).isoformat()
        if month is not None:
            return datetime.date(year, month, 1).isoformat()[:7]
    except ValueError:
        return None
    return f"{year:04d}"
