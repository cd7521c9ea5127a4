"""Postal addresses: after a label ("Địa chỉ đăng ký kinh doanh:", "Trụ sở:"), inside a
sentence ("có trụ sở tại ..., tỉnh Bình Dương"), or alone on a line.

An address inside a sentence or alone on a line has no label to start it, so it must end with a
province or city (`places.json`: all of Vietnam's, before and after the 2025 merger) and name
at least two administrative units; the two-level addresses in use since July 2025 ("phường Bến
Thành, Thành phố Hồ Chí Minh") are read like the older three-level ones.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterator
from pathlib import Path

from ..gates import Gated
from ..records import RawFact
from .letters import CAPITAL
from .organizations import other_party_before

_PLACES = json.loads((Path(__file__).parent / "places.json").read_text(encoding="utf-8"))
_PLACE_NAMES = r"(?<!\w)(?:" + "|".join(map(re.escape, _PLACES["provinces"])) + r")(?!\w)"
_LABEL_WORDS = (r"(?:trụ sở|văn phòng|công ty|liên hệ|kinh doanh|đăng ký|giao dịch|chính|"
                r"đại diện|doanh nghiệp|cửa hàng|showroom|kho|nhà máy|ĐKKD|ĐKDN|theo ĐKKD)")
_CONTACT_LABEL = (r"(?:điện thoại|ĐT|Tel|SĐT|Hotline|Email|E-mail|Website|Fax|MST|Mã số)\b")
# A place's label may name it ("Văn phòng đại diện khu vực Miền Nam:").
_PLACE_LABEL = (r"(?:(?:trụ sở(?:\s+chính)?|văn phòng|chi nhánh|showroom|cơ sở|cửa hàng|kho"
                r"|địa điểm|(?:head[ \t]+|registered[ \t]+)?office)"
                r"(?:[ \t]+[^:\n.;]{1,40}?)?|(?-i:CN)[ \t]?\d{1,2}|(?-i:VPGD|VPĐD))")  # "CN2:"
_ADDRESS_LABEL = (r"địa chỉ(?! email| e-mail| thư| website| web| mail)(?:[ \t]+" + _LABEL_WORDS
                  + r"){0,4}")
_ADDRESS_RE = Gated(re.compile(
    r"(?:" + _ADDRESS_LABEL + r"|(?P<place>" + _PLACE_LABEL + r")|add(?:ress)?"
    r"|(?<!\w)(?-i:ĐC|Đ/C|Đ/c|đ/c))"
    # ":", a table's cell, "Cơ sở 1 – 12 ..." (a number or a lot, room or floor after the dash)
    r"(?:(?:[ \t]+\d{1,2})?[ \t]*:|\t|[ \t]+\d{1,2}[ \t]+[–-](?=[ \t]+(?:\d|(?-i:Số|Lô|Tầng)\b)))"
    r"[ \t*]*(?:\n[ \t]*)?"  # Markdown's "**Địa chỉ:**"; the address may start on the next line
    # a line that ends with a comma goes on on the next one
    r"(?P<addr>(?:[^\n\t\"”]|(?<=,)\n[ \t]*)+?)"  # a tab ends a table's cell
    r"(?=\s{0,8}(?:(?<!,)$|(?<!,)\n|\t|[\"”]|[-–|,;.]?\s{0,8}\b(?:" + _CONTACT_LABEL
    + r"|(?:" + _ADDRESS_LABEL + r"|" + _PLACE_LABEL + r")(?:(?:[ \t]+\d{1,2})?[ \t]*:"
    r"|[ \t]+\d{1,2}[ \t]+[–-][ \t]))))",  # the next "Cơ sở 2 – ..."
    re.I | re.M,  # \s bounded: a run of \v, \f or U+2028 is linear
))
# What a place label ("Cơ sở pháp lý:", "Văn phòng làm việc:") may head that is no address:
# a law, opening days and hours.
_NOT_ADDRESS_RE = re.compile(
    r"\b(?:luật|nghị định|thông tư|quyết định|chủ nhật|giờ)(?!\w)"
    r"|\bthứ[ \t]*(?:\d|hai|ba|tư|năm|sáu|bảy)(?!\w)|\b\d{1,2}[hg]\d{0,2}(?!\w)", re.I)
_PROVINCE = (r"(?:(?:(?:thành phố|tỉnh|TP\.?)[ \t]*)?" + _PLACE_NAMES
             + r"|(?-i:(?:Thành phố|Thành Phố|TP\.?|Tp\.?|Tỉnh)[ \t]*[A-ZĐÂÊÔƠƯ][\w.]*"
             r"(?:[ \t]+[A-ZĐÂÊÔƠƯ][\w]*){0,3}))(?:,[ \t]*(?:Việt Nam|Vietnam|Viet Nam))?")
# A house number ("12", "số 5", "27A/3") and the street word that may follow it.
_HOUSE_NUMBER = (r"(?:[Ss]ố[ \t]+)?\d{1,4}[A-Z]?(?:/\d{1,4}[A-Z]?)*[ \t]+"
                 r"(?:(?:đường|phố|ngõ|hẻm)[ \t]+)?")
# Inside a sentence no full stop ends an address, except after "P.", "Q.", "TP." and the like.
_SENTENCE_CHAR = (r"(?:[^\n.;:]|(?<=[ ,][PQHXpqhx])\.|(?<=[ ,]TP)\.|(?<=[ ,]Tp)\."
                  r"|(?<=[ ,]No)\.)")  # "No. 12, Street 3, ..."
_LOCATED = r"(?:được\s+)?(?:đặt|nằm|đóng|tọa lạc|toạ lạc)\s+"
_INLINE_ADDRESS_RE = Gated(re.compile(
    r"(?:(?:trụ sở(?:\s+chính)?(?:\s+đăng ký)?|địa chỉ|văn phòng|chi nhánh|cửa hàng|cơ sở"
    r"|kho(?:\s+hàng)?|nhà máy)\s+"
    r"(?:(?:chính|đại diện|giao dịch|làm việc|kinh doanh)\s+)?"  # "văn phòng đại diện đặt tại"
    r"(?:(?:của\s+)?(?:công ty|chúng tôi)\s+)?"  # "văn phòng công ty tọa lạc tại"
    # the place's own name ("cửa hàng Gốm Xưa tại"), or more words before where it is located
    # ("nhà máy và kho hàng của Công ty X đặt tại")
    r"(?:(?-i:" + CAPITAL + r")[\w&'’-]*(?:[ \t]+[\w&'’-]+){0,6}?[ \t]+(?=(?:tại|ở)\s)"
    r"|[^.;:\n]{1,80}?(?=" + _LOCATED + r"))?"
    r"(?:" + _LOCATED + r")?(?:tại|ở)\s+"
    r"|(?:tọa lạc|toạ lạc)\s+tại\s+"  # "Công ty X, tọa lạc tại ..."
    r"|địa chỉ(?:\s+là)?[ \t]+(?=" + _HOUSE_NUMBER + CAPITAL  # "địa chỉ 88 Trần Phú"
    + r"|(?-i:Tầng|Lầu|Phòng|Lô|Ấp|Thôn|Tổ|Kiốt)[ \t]))"
    r"(?P<addr>" + _SENTENCE_CHAR + r"{5,160}?" + _PROVINCE + r")",
    re.I,
))
# A labelled address that ends in a province, then a full stop and a new sentence.
_SENTENCE_AFTER_RE = re.compile(
    r"(?:" + _PLACE_NAMES + r"|(?:tỉnh|thành phố)[ \t]+(?-i:" + CAPITAL + r")\w*(?:[ \t]+(?-i:"
    + CAPITAL + r")\w*){0,3})(?P<dot>\.)[ \t]+(?=(?-i:" + CAPITAL + r")\w*[ \t])", re.I)
# Where a complaint goes on to an authority: the address after it is the authority's.
_ESCALATION_RE = Gated(re.compile(
    r"(?:gửi|khiếu nại|phản ánh|khởi kiện)[^.;\n]{0,40}?(?:đến|tới|lên)\s+(?:Sở|Bộ(?!\s+phận)|Cục"
    r"|Ủy ban|UBND|Tòa án|cơ quan(?!\s+chủ quản))[^.;\n]{0,80}\Z", re.I))  # not "Bộ phận CSKH"
_ESCALATION_REACH = 160  # characters before an address where the complaint may go on
# A line after an address's trailing comma that is no part of it: a label, an e-mail, a phone
# number, a numbered heading.
_NOT_GOING_ON_RE = re.compile(r"[:@]|^[ \t]*[+\d][\d .()-]{7,}[ \t]*$|^[ \t]*\d+\.[ \t]")
# After a province that names a street, the address goes on with a ward, district or city.
_GOES_ON_RE = re.compile(r",[ \t]*(?:phường|quận|huyện|xã|thị xã|thị trấn|tỉnh|thành phố|TP|Tp"
                         r"|P\.|Q\.)(?!\w)", re.I)
# After a city that is no province, with its province ("TP. Nha Trang, Khánh Hòa"); not a list
# of provinces after one ("TP. Hồ Chí Minh, Hà Nội, Cần Thơ").
_THEN_PROVINCE_RE = re.compile(r",[ \t]*" + _PLACE_NAMES, re.I)
_ENDS_IN_PROVINCE_RE = re.compile(_PLACE_NAMES + r"$", re.I)
_PROVINCE_TAIL_RE = re.compile(_SENTENCE_CHAR + r"{0,120}?" + _PROVINCE, re.I)
_MAX_UNITS_AFTER = 3
_STREET_END_RE = re.compile(r"(?<!\w)(?:đường|phố|xa lộ|quốc lộ|đại lộ)[ \t]+[^,\n]{2,30}$", re.I)
# "2 thành phố", "15 tỉnh": a number that counts places, not a house number.
_COUNT_RE = re.compile(r"\b\d+[ \t]+(?:tỉnh|thành phố|miền|quốc gia|nước|chi nhánh|văn phòng|"
                       r"cửa hàng|cơ sở|showroom)(?!\w)", re.I)
# A bare line that is only an address: house number first, then administrative units.
_ADDRESS_LINE_RE = re.compile(  # or alone between the bars of a footer ("Shop X | 45 ... |")
    r"(?:^(?:- )?|(?<=\|)[ \t]*(?=" + _HOUSE_NUMBER + "(?:(?-i:" + CAPITAL + r")|số\b|\d)))"
    r"(?P<addr>(?:số\s+)?[A-Z]{0,2}[0-9][0-9A-Za-z/-]*[ \t,]"
    r"[^\n|]{5,150}?" + _PROVINCE + r")[ \t.]*(?:$|(?=\|))",
    re.I | re.M,
)
_ADMIN_UNIT_RE = re.compile(r"\b(?:phường|P\.|quận|Q\.|huyện|H\.|xã|X\.|thị xã|thị trấn|ấp|"
                            r"khu phố|KĐT|KCN|đường|phố|tỉnh|TP\.?"
                            r"|(?:ward|district|street|road|lane|avenue)(?!\w))", re.I)  # English
_PLACE_RE = re.compile(_PLACE_NAMES, re.I)
_ADDRESS_CUE_RE = re.compile(
    r"\b(?:số[ \t]*\d|(?:đường|phố|phường|quận|huyện|tỉnh|thành phố|TP|Tp|xã|tầng|tòa|ngõ|"
    r"ngách|hẻm|lô|khu|KCN|street|district|city|ward|road|lane|avenue|boulevard)(?!\w)"
    r"|(?:P|Q|H|X|TP|Tp)\.)|" + _PLACE_NAMES,
    re.I,
)
_STARTS_WITH_CONTACT_RE = re.compile(_CONTACT_LABEL, re.I)
# What places an address below a city: a number, a street, a ward or commune ("chi nhánh tại
# Hà Nội và Thành phố Hồ Chí Minh" names cities, not an address).
_LOCAL_RE = re.compile(r"\d|\b(?:phường|P\.|xã|thôn|ấp|khu phố|đường|phố(?<!thành phố)|ngõ|"
                       r"ngách|hẻm|lô|tầng|tòa|KCN|KĐT|street)\b", re.I)


def _candidate(text: str, match: re.Match[str], rule_id: str) -> tuple[int, str] | None:
    """Where the address a rule matched starts, and its text; None when it is no address. An
    inline address goes on past a province that names a street ("12 đường Tiền Giang,
    phường ..., Thành phố Hồ Chí Minh")."""
    start, end = match.span("addr")
    if _ESCALATION_RE.search(text[max(0, start - _ESCALATION_REACH) : start]) or (
            other_party_before(text, start)):
        return None
    if rule_id == "address.inline.v1":
        end = _inline_end(text, end)
    raw = _trimmed(text[start:end], rule_id == "address.label.v1")
    value = raw.strip().strip("*").strip().rstrip(".,;")
    if not _is_address(value, rule_id == "address.label.v1", rule_id == "address.inline.v1") or (
            match.groupdict().get("place") and not _is_place_address(value)):
        return None
    return start + raw.index(value), value


def _trimmed(raw: str, labelled: bool) -> str:
    """What a rule matched, without what follows the address: the next line when it is no
    part of it, the sentence after a labelled address's province, a closing bracket."""
    raw = _own_lines(raw)
    if labelled and (stop := _SENTENCE_AFTER_RE.search(raw)):
        raw = raw[:stop.start("dot")]  # the address ended with its province; a sentence follows
    closing = raw.find(")")
    if closing > 3 and closing < (raw + "(").index("("):  # not a list's "1)"
        raw = raw[:closing]  # "(địa chỉ: ...) cung cấp": the bracket closes it
    return raw


def _own_lines(raw: str) -> str:
    """An address that goes on after a trailing comma, without the next line when that line
    is no part of it ("Quận 1,\nĐiện thoại: ...", a phone number, no place at all)."""
    if ",\n" not in raw:
        return raw
    first, after = raw.split(",\n", 1)
    return first if _NOT_GOING_ON_RE.search(after) or not _ADDRESS_CUE_RE.search(after) else raw


def _inline_end(text: str, end: int) -> int:
    """The end of an inline address that goes on with more units after a province, or after
    a street named after one ("12 đường Tiền Giang, Tân Bình, Thành phố Hồ Chí Minh")."""
    for _ in range(_MAX_UNITS_AFTER):
        if not (_GOES_ON_RE.match(text, end) or _city_then_province(text, end) or (
                _STREET_END_RE.search(text, max(0, end - 40), end) and text.startswith(",", end))):
            break
        more = _PROVINCE_TAIL_RE.match(text, end)
        if not more:
            break
        end = more.end()
    return end


def _city_then_province(text: str, end: int) -> bool:
    """Whether a province follows at `end` an address that does not end in one already."""
    return bool(_THEN_PROVINCE_RE.match(text, end)
                and not _ENDS_IN_PROVINCE_RE.search(text, max(0, end - 40), end))


def _is_place_address(value: str) -> bool:
    """Whether what a place label ("Chi nhánh Hà Nội:") heads is an address: a number, a
    street or a ward, and no law or opening hours."""
    return bool(_LOCAL_RE.search(value)) and not _NOT_ADDRESS_RE.search(value)


def _units(value: str) -> int:
    """Administrative units an address names; a known province or city is one."""
    return len(_ADMIN_UNIT_RE.findall(value)) + bool(_PLACE_RE.search(value))


# "có địa chỉ tại 22 Láng Hạ, Đống Đa, Hà Nội": after "địa chỉ/trụ sở ... tại", a house number
# and a province are enough, though no unit is named.
_HOUSE_NUMBER_RE = re.compile(
    _HOUSE_NUMBER + r"[A-ZĐÀ-Ỹ][^,\n]*,")  # a number, then a street's capitalised name, a comma


# A template's blank ("[Địa chỉ trụ sở]", "{{address}}", "Số XXX ..."): a finding, never a fact.
_PLACEHOLDER_RE = re.compile(r"^[\[{<]|\[[^\]\n]*\]|\{\{|(?<!\w)(?:XXX+|xxx+)(?!\w)")


def _is_address(value: str, labelled: bool, inline: bool = False) -> bool:
    if len(value) < 8 or "@" in value or not _ADDRESS_CUE_RE.search(value):
        return False
    if _PLACEHOLDER_RE.search(value):
        return False
    if _STARTS_WITH_CONTACT_RE.match(value):
        return False
    return labelled or (_units(value) >= (1 if inline and _HOUSE_NUMBER_RE.match(value) else 2)
                        and bool(_LOCAL_RE.search(_COUNT_RE.sub("", value))))


def find_addresses(text: str) -> Iterator[RawFact]:
    """Postal addresses, each once, the labelled reading first.

    Examples:
        >>> [f.value for f in find_addresses("Trụ sở: Số 17, TT27B, KĐT Sudico, Hà Nội")]
        ['Số 17, TT27B, KĐT Sudico, Hà Nội']
        >>> [f.value for f in find_addresses("Trụ sở đặt tại 8 Hùng Vương, phường Thủ Dầu Một,"
        ...                                  " tỉnh Bình Dương.")]
        ['8 Hùng Vương, phường Thủ Dầu Một, tỉnh Bình Dương']
    """
    rules = ((_ADDRESS_RE, "address.label.v1"), (_INLINE_ADDRESS_RE, "address.inline.v1"),
             (_ADDRESS_LINE_RE, "address.line.v1"))
    starts: list[int] = []  # the addresses taken, which never overlap, in text order
    ends: list[int] = []
    for pattern, rule_id in rules:
        for match in pattern.finditer(text):
            found = _candidate(text, match, rule_id)
            if found is None:
                continue
            start, value = found
            end = start + len(value)
            i = bisect_right(starts, start)
            if (i and ends[i - 1] > start) or (i < len(starts) and starts[i] < end):
                continue  # overlaps one taken already
            starts.insert(i, start)
            ends.insert(i, end)
            yield RawFact("address", value, value, start, end, rule_id, "")
