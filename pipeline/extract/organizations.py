"""Organisation facts: the legal names a policy writes ("Công ty TNHH công nghệ SAO KHUÊ Việt
Nam") and the trading names the controller goes by ("Sao Khuê", "HẠT DẺ").

A legal name starts with a legal form; a trading name is read only where the policy ties it to
the controller: it spells the controller's own domain ("Xóm Núi" for xomnui.vn), or it names
itself "chúng tôi" ('Tây Hồ Car ("chúng tôi")'). Trading names carry the qualifier
`trading_name`; a legal name has none.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from ..gates import Gated
from ..records import TRADING_NAME, RawFact
from .letters import CAPITAL, CAPITALS

# Schools name their level first: "Trường Đại học Bách khoa", "Trường THPT Nguyễn Du".
_ONE_LEVEL = (r"(?:Đại học|Đại Học|ĐẠI HỌC|Cao đẳng|Cao Đẳng|CAO ĐẲNG|Trung cấp|TRUNG CẤP"
              r"|Trung học phổ thông|Trung học cơ sở|TRUNG HỌC PHỔ THÔNG|TRUNG HỌC CƠ SỞ"
              r"|THPT|THCS|Tiểu học|TIỂU HỌC|Mầm non|MẦM NON|Mẫu giáo|Phổ thông|PHỔ THÔNG)")
_SCHOOL_LEVEL = _ONE_LEVEL + r"(?:[ \t]+(?:và|VÀ)[ \t]+" + _ONE_LEVEL + ")?"  # "Tiểu học và THCS"
_ORG_RE = Gated(re.compile(
    # a legal form glued to the word before it in scraped text ("Giới thiệuCông ty ...")
    r"(?:(?<!\w)|(?<=[a-zà-ỹđ])(?=CÔNG TY|Công ty|Công Ty))"
    r"(?:(?:(?:Chi nhánh|CHI NHÁNH)[ \t]+)?"  # a branch: "Chi nhánh Công ty TNHH X tại Y"
    r"(?:(?:Tổng[ \t]+|TỔNG[ \t]+)?(?:CÔNG TY|Công ty|Công Ty|công ty|CTY|Cty)"
    r"|Tập đoàn|Tập Đoàn|TẬP ĐOÀN)[ \t]+"
    r"(?:(?:TNHH|Tnhh|CỔ PHẦN|Cổ phần|Cổ Phần|cổ phần|CP|MTV|một thành viên"
    r"|Một Thành Viên|MỘT THÀNH VIÊN|trách nhiệm hữu hạn|Trách nhiệm hữu hạn|TRÁCH NHIỆM HỮU HẠN"
    r"|hợp danh|HỢP DANH|Hợp danh|liên doanh|Liên doanh|Liên Doanh|LIÊN DOANH)[ \t]+)*"
    r"|(?:Ngân hàng|NGÂN HÀNG)[ \t]+(?:TMCP|Thương mại cổ phần|Thương mại Cổ phần|Thương Mại Cổ"
    r" Phần|THƯƠNG MẠI CỔ PHẦN|TNHH)[ \t]+"
    r"|(?:Phòng khám|PHÒNG KHÁM|Bệnh viện|BỆNH VIỆN|Cửa hàng|CỬA HÀNG|Hộ kinh doanh"
    r"|HỘ KINH DOANH|Doanh nghiệp tư nhân|DOANH NGHIỆP TƯ NHÂN|Nhà thuốc|NHÀ THUỐC|Hợp tác xã"
    r"|Tiệm|TIỆM"
    r"|HỢP TÁC XÃ|Học viện|HỌC VIỆN|Quỹ|(?:Trường|TRƯỜNG)[ \t]+" + _SCHOOL_LEVEL
    + r"|" + _SCHOOL_LEVEL + r")[ \t]+)"
    r"(?:[\w&][\w&'-]*(?:[ \t]+|(?=[\n.,;:)]|$))){1,12}(?:\([^()\n]{1,40}\))?"
))
_LOWER_LEVEL = (r"(?:đại học|cao đẳng|trung cấp|trung học phổ thông|trung học cơ sở|thpt|thcs|"
                r"tiểu học|mầm non|mẫu giáo|phổ thông)")
_LEGAL_FORM_WORDS = re.compile(
    r"(?:chi nhánh[ \t]+)?(?:công ty|cty|tập đoàn|tổng công ty|phòng khám|bệnh viện|cửa hàng|tiệm|"
    r"hộ kinh doanh|"
    r"doanh nghiệp tư nhân|ngân hàng|nhà thuốc|hợp tác xã|học viện|quỹ|"
    r"(?:trường[ \t]+)?" + _LOWER_LEVEL + r"(?:[ \t]+và[ \t]+" + _LOWER_LEVEL + r")?)"
    r"(?:[ \t]+(?:tnhh|cổ phần|cp|mtv|một thành viên|"
    r"trách nhiệm hữu hạn|hợp danh|liên doanh|tmcp|thương mại cổ phần))*", re.I)
_NAME_STOP = re.compile(r"^(?:MST|Email|E-mail|Website|Hotline|Tel|SĐT|Fax|ĐT)$")
_NOT_A_NAME = frozenset({"con", "mẹ", "liên", "thành", "đối", "khác", "này", "chúng", "của",
                         "chủ", "quản", "trong", "có", "được", "sẽ", "là", "không", "xin",
                         "luôn", "đã", "đang", "phải", "cần", "chỉ", "cũng", "hoặc", "và"})
# What a company does, not what it is called: "CÔNG TY CAM KẾT BẢO MẬT ..." is a heading.
_NOT_A_NAME_START = frozenset({"cam kết", "bảo mật", "bảo vệ", "thu thập", "sử dụng",
                               "chịu trách", "đảm bảo", "tôn trọng", "chia sẻ", "cung cấp",
                               "quốc gia"})  # "kỳ thi Trung học phổ thông Quốc gia"
_PLURAL_RE = re.compile(r"(?:các|những|mọi|nhiều)[ \t]+$", re.I)  # "các công ty Việt Nam"
# Another party than the controller, named as such just before: a partner, a payment gateway,
# a group it belongs to ("qua cổng thanh toán của Công ty ...", "thành viên của Tập đoàn ...").
# Searched in the text just before a name (`Gated`: most windows hold none of its words).
_OTHER_PARTY_RE = Gated(re.compile(
    r"(?:đối tác(?!\s+(?:của|và)\b)|bên thứ ba|cổng thanh toán của|hệ sinh thái của|công ty mẹ"
    r"|chúng tôi\s+(?:có thể\s+)?(?:sử dụng|dùng|thuê)[^.;!?\n]{0,120}dịch vụ của"
    r"|đơn vị vận chuyển|xử lý qua|giao bởi|bàn giao cho)[^.;!?\n]{0,25}\Z", re.I))
_MEMBER_OF_RE = re.compile(r"thành viên của[ \t]*\Z", re.I)  # "... thành viên của Tập đoàn X"
# A name the data is given to: "chúng tôi cung cấp địa chỉ nhận hàng cho Công ty X", unless a
# user gives it ("Khách hàng cung cấp thông tin cho Công ty X": the controller).
_DATA_WORDS = r"(?:thông tin|dữ liệu|hồ sơ|tên|số điện thoại|địa chỉ|email)"
_GIVE_WORDS = r"(?:chia sẻ|cung cấp|chuyển giao|chuyển|tiết lộ)"
_GIVEN_TO_RE = re.compile(
    r"(?:(?P<user>(?:bạn|khách hàng|quý khách|người dùng|thành viên|người mua|ứng viên"
    r"|học viên|người bệnh|phụ huynh)[^.;!?\n]{0,40})?" + _GIVE_WORDS + r"[^.;!?\n]{0,60}?"
    + _DATA_WORDS + r"|" + _DATA_WORDS + r"[^.;!?\n]{0,60}(?:được|bị)[ \t]+" + _GIVE_WORDS
    + r")[^.;!?\n]{0,80}\bcho[ \t]+\Z", re.I)
_OTHER_PARTY_REACH = 200
_NAME_TO_ADDRESS = 30  # at most this between a name and its address (" (địa chỉ: ")
_SENTENCE_END_RE = re.compile(r"[.;!?\n](?:\s|$)")
# A name's alias in brackets right after it: "(KHATRA)", "(tên viết tắt: KALIX JSC)", an
# English name in capitals or with its legal form ("(Blue Heron Software Company Limited)").
_ALIAS_RE = re.compile(
    r"^\((?!(?i:sau đây|dưới đây|gọi tắt|a member|member))"  # no "(SAU ĐÂY GỌI LÀ ...)"
    r"(?:(?i:tên viết tắt|viết tắt|tên tiếng anh|tên giao dịch|tên quốc tế)[ \t]*:[ \t]*)?"
    r"(?-i:[A-ZĐ0-9][A-ZĐÀ-Ỹ0-9 &.-]{1,60}"
    # or an English name with its legal form: "(White Crane Software Company Limited)"
    r"|[A-Z][A-Za-z0-9&.'-]*(?:[ \t]+[A-Za-z0-9&.'-]+){0,6}[ \t]+(?:Company|Limited|Co\.|"
    r"Ltd\.?|JSC|Corporation|Corp\.?|Group|Foundation|Holdings|Inc\.?))\)")
_MAX_LOWER_RUN = 8  # lower-case business-line words between a legal form and a proper name
# A name with a foreign legal form after it ("Shopee Pte. Ltd."), read only where the policy
# says who owns or runs the service: policies name foreign partners ("Google LLC") too.
_FOREIGN_FORM = (r"(?-i:Pte\.?[ \t]+Ltd\.?|Pty[ \t]+Ltd\.?|Co\.,?[ \t]*Ltd\.?|Company[ \t]+Limited"
                 r"|Limited|Ltd\.?|LLC|Inc\.?|Corporation|Corp\.?|JSC|GmbH|PLC|AG|S\.A\.|B\.V\.)")
_FOREIGN_FORM_RE = re.compile(_FOREIGN_FORM)  # case-sensitive: found before the costly search
_FOREIGN_OWNER_RE = re.compile(
    r"(?:thuộc[ \t]+(?:quyền[ \t]+)?sở[ \t]+hữu[ \t]+(?:của|bởi)|(?:vận[ \t]+hành|quản[ \t]+lý|"
    r"sở[ \t]+hữu)[ \t]+bởi|đơn[ \t]+vị[ \t]+chủ[ \t]+quản|chủ[ \t]+sở[ \t]+hữu"
    r"(?:[ \t]+(?:website|ứng[ \t]+dụng))?|operated[ \t]+by|owned[ \t]+by)[ \t]*:?[ \t]*"
    r"(?P<name>(?-i:[A-Z0-9][\w&'-]*)(?:[ \t]+(?-i:[A-Z0-9][\w&'.-]*)){0,6}?,?[ \t]+"
    + _FOREIGN_FORM + r")(?![\w.])", re.I)


@lru_cache(maxsize=1)
def _word_lists() -> dict:
    return json.loads((Path(__file__).parent / "organization_names.json").read_text(
        encoding="utf-8"))


@lru_cache(maxsize=1)
def _business_syllables() -> frozenset[str]:
    phrases = _word_lists()["business_line"]["phrases"]
    return frozenset(syllable for phrase in phrases for syllable in phrase.split())


@lru_cache(maxsize=1)
def _domain_words() -> tuple[str, ...]:
    return tuple(_word_lists()["domain_words"]["words"])


@lru_cache(maxsize=1)
def _subject_re() -> re.Pattern[str]:
    """A run of up to four capitalised words that starts a line or sentence, with what a
    business does after it ("KNP cam kết", "LearnHub thu thập")."""
    verbs = "|".join(map(re.escape, _word_lists()["subject_verbs"]["phrases"]))
    return re.compile(
        rf"(?:^|(?<=[.!?:][ \t]))[ \t]*(?P<name>{CAPITAL}[\w&'’-]*(?:[ \t]+(?:{CAPITAL}|\d)"
        rf"[\w&'’-]*){{0,3}})[ \t]+(?:{verbs})(?!\w)", re.M)


@lru_cache(maxsize=1)
def _not_subject_names() -> frozenset[str]:
    """First words of no business's name, and the names of platforms a policy names
    (`third_parties.json`: "Google sẽ ...")."""
    hosts = json.loads((Path(__file__).parent / "third_parties.json").read_text(
        encoding="utf-8"))["hosts"]
    return frozenset(_word_lists()["not_subject_names"]["words"]) | {
        label for host in hosts if (label := brand_label(host))}


def _capitalised(word: str) -> bool:
    return word[0].isupper() or word[0].isdigit()


def _ends_name(words: Sequence[str], i: int) -> bool:
    """A word no name goes past: a contact label, a quote or bracket, a closing bracket."""
    word = words[i]
    after = words[i + 1] if i + 1 < len(words) else ""
    # "Địa chỉ:", "Số điện thoại"; not the business lines "Điện máy", "Địa ốc"
    label_like = after[:1].islower() and (word in ("Mã", "Số", "Văn", "Chi", "Trụ") or (
        word, after.rstrip(":")) in (("Địa", "chỉ"), ("Điện", "thoại")))
    return bool(_NAME_STOP.match(word.rstrip(":")) or label_like or word[0] in "(“\"'["
                or (word.endswith(")") and "(" not in word))


def _lower_run_kept(words: Sequence[str], i: int) -> int:
    """Where a run of lower-case words starting at `i` ends, if a name may go on past it (a
    capitalised word follows, and the run is a short connector inside a name or words of a
    business line); else `i`."""
    run = i
    while run < len(words) and run - i < _MAX_LOWER_RUN and not _capitalised(words[run]):
        run += 1
    if run >= len(words) or not _capitalised(words[run]) or _LEGAL_FORM_WORDS.match(
            " ".join(words[run : run + 2])):  # "Alpha và Công ty TNHH Beta": a second name
        return i
    if any(word.endswith((".", ";", ":", "!", "?")) for word in words[i:run]):
        return i  # "Công ty TNHH Alpha vận hành. Alpha cam kết": the sentence ended
    business = all(word in _business_syllables() for word in words[i:run])
    return run if business or (i > 0 and run - i <= 2) else i


def _name_length(words: list[str]) -> int:
    """How many words of `words` belong to a company name: capitalised words, with short runs
    of lower-case words or connectors between them ("Công nghệ và Giải pháp Omega"), and the
    lower-case words of a business line ("công nghệ SAO KHUÊ")."""
    kept, i = 0, 0
    while i < len(words) and not _ends_name(words, i):
        if _capitalised(words[i]):
            i += 1
            kept = i
            if words[i - 1].endswith((",", ".", ":", ";")):
                break
            continue
        after = _lower_run_kept(words, i)
        if after == i:
            break
        i = after
    return kept


def find_organizations(text: str) -> Iterator[RawFact]:
    """Legal names such as "Công ty cổ phần KALIX" or "CTY TNHH THƯƠNG MẠI KHÁNH HỘI (KHATRA)".

    The normalised value starts with a capital, so "công ty cổ phần KALIX" mid-sentence and
    "Công ty cổ phần KALIX" in the contact block are one organisation.

    Examples:
        >>> [f.value for f in find_organizations("Công ty TNHH Công nghệ và Giải pháp Omega có")]
        ['Công ty TNHH Công nghệ và Giải pháp Omega']
    """
    position, places = 0, _ORG_RE.places(text)
    others = _OTHER_PARTY_RE.places(text) or []  # where "đối tác", "bên thứ ba" ... begin
    while match := _ORG_RE.search(text, position, places):
        start = match.start()
        plural = _PLURAL_RE.search(text, max(0, start - 8), start)
        value = "" if plural or _other_party(text, match, others) else _legal_name(text, match)
        if value:
            yield RawFact("organization", value, value[0].upper() + value[1:], start,
                          start + len(value), "organization.legal_name.v1", "")
        position = start + max(len(value), 1)  # a second name may start inside this match


def find_foreign_owners(text: str) -> Iterator[RawFact]:
    """The legal name of a foreign owner or operator, with its legal form after it.

    Examples:
        >>> [f.value for f in find_foreign_owners("Website thuộc sở hữu của Shopee Pte. Ltd.")]
        ['Shopee Pte. Ltd.']
    """
    if _FOREIGN_FORM_RE.search(text) is None:  # most policies: no foreign legal form at all
        return
    for match in _FOREIGN_OWNER_RE.finditer(text):
        name = match.group("name")
        if not _LEGAL_FORM_WORDS.match(name):  # a Vietnamese legal name is read as one
            yield RawFact("organization", name, name, match.start("name"), match.end("name"),
                          "organization.foreign_form.v1", "")


def other_party_before(text: str, position: int) -> bool:
    """Whether the legal name that ends just before `position` ("Công ty X (địa chỉ: ...",
    "Công ty X, địa chỉ ...") is named as another party: a partner's or carrier's address.

    Examples:
        >>> text = "Đơn hàng được giao bởi Công ty TNHH Giao vận Sông Thu, địa chỉ 12 Lê Lợi"
        >>> other_party_before(text, text.index("12"))
        True
        >>> other_party_before("Công ty TNHH Sao Khuê, địa chỉ 12 Lê Lợi", 31)
        False
    """
    last, end = None, position
    for match in _ORG_RE.regex.finditer(text, max(0, position - _OTHER_PARTY_REACH), position):
        value = _legal_name(text, match)
        if value and 0 <= position - (match.start() + len(value)) <= _NAME_TO_ADDRESS:
            last, end = match, match.start() + len(value)
    if last is None or _SENTENCE_END_RE.search(text, end, position):
        return False
    return _other_party(text, last)


def _other_party(text: str, match: re.Match[str], others: Sequence[int] | None = None) -> bool:
    """Whether the name `match` starts is named as another party just before it (`others`:
    where the words that say so begin in `text`, if known; they spare the search)."""
    start = match.start()
    reach = max(0, start - _OTHER_PARTY_REACH)
    near = others is None or bisect_left(others, reach) < bisect_left(others, start)
    if near and _OTHER_PARTY_RE.search(text[reach:start]):
        return True
    before = text[max(0, start - 20) : start].rstrip(" \t").lower()  # what both tests end on
    if before.endswith("cho"):
        given = _GIVEN_TO_RE.search(text, reach, start)
        if given is not None and given.group("user") is None:
            return True
    return (before.endswith("của") and match.group(0).lower().startswith(("tập đoàn",
                                                                         "tổng công ty"))
            and bool(_MEMBER_OF_RE.search(text, max(0, start - 20), start)))


def _legal_name(text: str, match: re.Match[str]) -> str:
    """The legal name a match of `_ORG_RE` starts, with its alias in brackets; "" when the
    form is not followed by a name."""
    legal = _LEGAL_FORM_WORDS.match(match.group(0))
    form = legal.group(0) if legal else match.group(0).split()[0]
    rest = text[match.start() + len(form) : match.start() + len(form) + 200].split("\n")[0]
    words = rest.split()
    if (not words or words[0].lower() in _NOT_A_NAME
            or " ".join(words[:2]).lower() in _NOT_A_NAME_START):
        return ""
    kept = _name_length(words)
    if kept == 0:
        return ""
    head = rest[: len(rest) - len(rest.lstrip())]
    value = form + head + " ".join(words[:kept])
    start = match.start()
    if text[start : start + len(value)] != value:  # tabs or double spaces inside
        return ""
    value = value.rstrip(",.:;")
    alias = _ALIAS_RE.match(text[start + len(value) :].lstrip(" "))
    if alias and not value.endswith((",", ".")):
        spaces = len(text[start + len(value) :]) - len(text[start + len(value) :].lstrip(" "))
        value = text[start : start + len(value) + spaces + alias.end()]
    branch = _BRANCH_RE.match(text, start + len(value))
    return value + branch.group(0) if branch else value


# A branch after the name: "Ngân hàng TMCP X – Chi nhánh Cần Thơ".
_BRANCH_RE = re.compile(rf"[ \t]*[–-][ \t]*(?:Chi nhánh|CHI NHÁNH)[ \t]+{CAPITAL}[\w'-]*"
                        rf"(?:[ \t]+{CAPITAL}[\w'-]*){{0,4}}")


# Public suffixes ("hatde.com", "xomnui.vn", "saokhue.edu.vn").
_DOMAIN_SUFFIX_LABELS = frozenset({"vn", "com", "net", "org", "edu", "gov", "info", "biz", "io",
                                   "co", "me", "asia", "app", "online", "store", "shop", "site"})
_MIN_BRAND = 4  # shorter domain labels ("abc", "vn1") match too many words
_NEXT_WORD_RE = re.compile(r" ([^\W_][\w&'’-]*)")
_MAX_BRAND_WORDS = 4
_COUNTRY_RE = re.compile(r" (?:Việt Nam|Vietnam|VN|VIỆT NAM|VIETNAM)")
_SHORT_NAME_RE = re.compile(
    r"[ \t]*\([ \t]*(?i:(?:sau đây|dưới đây)[ \t]+(?:được[ \t]+)?(?:gọi|viết)[ \t]+"
    r"(?:tắt[ \t]+|chung[ \t]+)?là|gọi[ \t]+tắt[ \t]+là|viết[ \t]+tắt[ \t]+là|gọi[ \t]+là)?"
    r"[ \t:]*[\"“”'‘](?P<name>[^\"“”'‘’\n()]{2,60})[\"“”'’]")
# Words a policy uses for itself or its users that name no one: ("Công ty"), "Bên A".
_GENERIC_SHORT_NAMES = frozenset({
    "congty", "chungtoi", "toi", "nganhang", "tapdoan", "benkiemsoat", "benkiemsoatdulieu",
    "website", "trangweb", "trangthongtindientu", "ungdung", "nentang", "dichvu", "donvi",
    "nhaban", "nhacungcap", "cuahang", "benban", "benxulydulieu", "tongcongty", "nguoidung",
    "khachhang", "thanhvien", "quykhach", "ban", "banquantri", "bena", "benb", "bencungcap",
    "bencungcapdichvu", "donvichuquan", "chuquan", "nhaphattrien"})
_SELF_NAMED_RE = re.compile(
    r"(?:^|(?<=[.!?:]\s))(?P<name>[^\s(][^\n(]{0,60}?)[ \t]*\([ \t]*(?i:sau đây (?:được )?"
    r"gọi (?:tắt |chung )?là[ \t]*|gọi tắt là[ \t]*)?[\"“”'‘]?(?i:chúng tôi)"
    r"(?=[\"“”'’ \t]*[),])", re.M)  # the bracket names it; not "(chúng tôi gọi là bạn)"


def fold(text: str) -> str:
    """Lower case without tone marks, diacritics, spaces or punctuation: how a name is spelled
    in a domain.

    Examples:
        >>> fold("Xóm Núi"), fold("Tây Hồ Car"), fold("Đất Việt")
        ('xomnui', 'tayhocar', 'datviet')
    """
    letters = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in letters.lower() if ch.isalnum() and ch.isascii())


def brand_label(host: str) -> str:
    """The name a host registers: "saokhue" for "www.saokhue.edu.vn"; "" when too short.

    Examples:
        >>> brand_label("shop.hatde.com"), brand_label("abc.vn")
        ('hatde', '')
    """
    labels = [label for label in host.lower().split(".") if label and label != "www"]
    while len(labels) > 1 and labels[-1] in _DOMAIN_SUFFIX_LABELS:
        labels.pop()
    label = labels[-1].replace("-", "") if labels else ""
    return label if len(label) >= _MIN_BRAND else ""


@dataclass(frozen=True)
class _Spellings:
    """What a run of words may spell: a domain's name (`exact`), the name without the word the
    domain appends ("hatde" of "hatdeshop", `part`), and every start of either, to stop
    reading a run as soon as it can spell nothing."""

    exact: frozenset[str]
    part: frozenset[str]
    starts: frozenset[str]

    @classmethod
    def of(cls, labels: Iterable[str]) -> _Spellings:
        exact = frozenset(labels)
        part = frozenset(label[: -len(word)] for label in exact for word in _domain_words()
                         if label.endswith(word) and len(label) - len(word) >= _MIN_BRAND)
        starts = frozenset(name[:n] for name in exact | part for n in range(1, len(name) + 1))
        return cls(exact, part, starts)

    def first_letters(self) -> frozenset[str]:
        return frozenset(start for start in self.starts if len(start) == 1)

    def spelling(self, folded: str) -> str:
        """`exact`, `part` or ""."""
        return "exact" if folded in self.exact else "part" if folded in self.part else ""


class _Covered:
    """Whether a position lies inside one of some spans, by bisection (a policy may write its
    legal name dozens of times)."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [a for a, _ in ordered]
        self.reach = list(accumulate((b for _, b in ordered), max))

    def __call__(self, position: int) -> bool:
        i = bisect_right(self.starts, position) - 1
        return i >= 0 and self.reach[i] > position


@lru_cache(maxsize=4096)
def _fold_word(word: str) -> str:
    return fold(word)


def find_trading_names(text: str, hosts: Iterable[str], legal: Sequence[RawFact] = ()
                       ) -> Iterator[RawFact]:
    """Trading names of the controller: the longest run of capitalised words that spells one of
    its own `hosts`, and a name that calls itself "chúng tôi"; none inside a `legal` name.

    Examples:
        >>> text = "Xóm Núi cam kết bảo mật. Liên hệ: xomnui.vn"
        >>> [f.value for f in find_trading_names(text, ["xomnui.vn"])]
        ['Xóm Núi']
    """
    covered = _Covered([(f.start, f.end) for f in legal])
    labels = [label for host in hosts if (label := brand_label(host))]
    found = [*(_spelled_domains(text, _Spellings.of(labels)) if labels else ()),
             *_self_named(text),
             *_short_names(text, legal),
             *_subject_names(text, _legal_cores(legal))]
    for start, end in sorted(set(found)):
        if not covered(start):
            value = text[start:end]
            yield RawFact("organization", value, value, start, end,
                          "organization.trading_name.v1", TRADING_NAME)


def _spelled_domains(text: str, spellings: _Spellings) -> list[tuple[int, int]]:
    """Spans that spell a domain's name, and spans that spell it without its appended word
    where the policy writes them at least twice ("Hạt Dẻ" for hatdeshop.vn; not the one
    "Tây Hồ" of an address for tayhocar.vn)."""
    exact, parts = [], []
    for first in _capital_words(spellings.first_letters()).finditer(text):
        end, spelling = _longest_spelling(text, _name_run(text, first), spellings)
        if spelling and not re.match(r"[.@][A-Za-z0-9]", text[end : end + 2]) and not (
                _PRODUCT_BEFORE_RE.search(text, max(0, first.start() - 20), first.start())
                or _OTHER_FORM_AFTER_RE.match(text, end)):
            (exact if spelling == "exact" else parts).append((first.start(), end))
    brand = [_COUNTRY_RE.sub("", text[a:b]) for a, b in parts]
    seen = Counter(brand)
    return exact + [span for span, name in zip(parts, brand, strict=True) if seen[name] >= 2]


# A product's name, not the business's: "Ứng dụng HọcVui Kids", "nền tảng Sao Khuê".
_PRODUCT_BEFORE_RE = re.compile(r"(?:ứng dụng|app|nền tảng|phần mềm|sản phẩm|trò chơi)[ \t]+\Z",
                                re.I)
# Another company that shares the name: a parent or a foreign entity ("ViecNhanh Holdings").
_OTHER_FORM_AFTER_RE = re.compile(r"[ \t]+(?:Holdings?|Group|Pte\b|Ltd\b|Inc\b|LLC\b"
                                  r"|Corporation|Limited)")


@lru_cache(maxsize=64)
def _capital_words(letters: frozenset[str]) -> re.Pattern[str]:
    """Words that start with a capital folding to one of `letters` ("Đ" for "d"), not inside a
    word, an e-mail address, a path or a host: where a name spelling a domain can start."""
    capitals = "".join(ch for ch in CAPITALS if fold(ch)[:1] in letters)
    return re.compile(rf"(?<![\w.@/-])(?<!\w[&'’])[{re.escape(capitals)}][\w&'’-]*")


def _longest_spelling(text: str, run: Sequence[tuple[str, int]], spellings: _Spellings
                      ) -> tuple[int, str]:
    """The end of the longest start of `run` (words and their ends) that spells a domain's
    name, and how, with the country a subsidiary adds ("Hạt Dẻ Việt Nam"); a part only when
    nothing else capitalised follows it (not "Tây Hồ" of "Tây Hồ Car")."""
    best, folded = (0, ""), ""
    for j, (word, end) in enumerate(run):
        folded += _fold_word(word)
        if folded not in spellings.starts:
            break
        spelling = spellings.spelling(folded)
        country = _COUNTRY_RE.fullmatch(text, end, run[-1][1]) if j + 1 < len(run) else None
        if spelling == "exact" or (spelling == "part" and (j == len(run) - 1 or country)):
            best = (run[-1][1] if country else end, spelling)
    return best


def _name_run(text: str, first: re.Match[str]) -> list[tuple[str, int]]:
    """The capitalised words from `first` on, one space apart (at most a few), with their
    ends."""
    run = [(first.group(0), first.end())]
    while len(run) < _MAX_BRAND_WORDS:
        word = _NEXT_WORD_RE.match(text, run[-1][1])
        if not word or not _capitalised(word.group(1)):
            break
        run.append((word.group(1), word.end()))
    return run


def _short_names(text: str, legal: Sequence[RawFact]) -> Iterator[tuple[int, int]]:
    """The short name a legal name gives itself in brackets: 'Công ty TNHH Sao Khuê Việt Nam
    ("Sao Khuê Việt Nam")', '... Bình Minh (sau đây gọi là "Bình Minh", "chúng tôi")'."""
    for fact in legal:
        match = _SHORT_NAME_RE.match(text, fact.end, fact.end + 120)
        if not match:
            continue
        name = match.group("name").strip()
        words = name.split()
        if (words and len(words) <= _MAX_BRAND_WORDS + 2 and all(_capitalised(w) for w in words)
                and fold(name) not in _GENERIC_SHORT_NAMES):
            start = match.start("name") + match.group("name").index(name)
            yield start, start + len(name)


def _self_named(text: str) -> Iterator[tuple[int, int]]:
    for match in _SELF_NAMED_RE.finditer(text):
        name = match.group("name").strip(" \t\"“”'‘’")
        words = name.split()
        if (not 0 < len(words) <= 6 or not all(_capitalised(w) for w in words)
                or _LEGAL_FORM_WORDS.match(name) or _NAME_STOP.match(words[0])
                or fold(name) in _GENERIC_SHORT_NAMES):
            continue
        start = match.start("name") + match.group("name").index(name)
        yield start, start + len(name)


_MIN_SUBJECT_USES = 2  # one sentence may start with a partner's name; the controller's recurs


def _legal_cores(legal: Sequence[RawFact]) -> frozenset[str]:
    """The proper names inside legal names, folded: "hoasu" of "Công ty TNHH Mỹ phẩm Hoa Sứ
    Việt Nam" (no legal form, business line or country)."""
    cores = set()
    for fact in legal:
        form = _LEGAL_FORM_WORDS.match(fact.value)
        words = fact.value[form.end() if form else 0 :].split("(")[0].split()
        while words and words[0].lower() in _business_syllables():
            words.pop(0)
        core = fold(_COUNTRY_RE.sub("", " " + " ".join(words)))
        if len(core) >= _MIN_BRAND:
            cores.add(core)
    return frozenset(cores)


def _subject_names(text: str, cores: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """Names the policy makes the subject of what the controller does, at least twice: 'KNP
    cam kết ... KNP không chia sẻ ...', or once when the name starts with the proper name of
    a legal name the policy gives ('Hoa Sứ Cosmetics cam kết' beside "Công ty TNHH Mỹ phẩm
    Hoa Sứ"). Not a heading in capitals, a generic word ("Khách hàng sẽ ...", or a word the
    policy also writes in lower case) or a platform ("Google có thể ...")."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for match in _subject_re().finditer(text):
        name = match.group("name")
        words = name.split()
        if (words[0].lower() in _not_subject_names() or fold(words[0]) in _not_subject_names()
                or fold(name) in _GENERIC_SHORT_NAMES or (len(words) > 2 and name.isupper())):
            continue
        spans.setdefault(name, []).append((match.start("name"), match.end("name")))
    recurring = [name for name, found in spans.items() if len(found) >= _MIN_SUBJECT_USES
                 or fold(name).startswith(tuple(cores))]
    lower = _written_lower(text, recurring)
    return [span for name in recurring if " ".join(name.lower().split()) not in lower
            for span in spans[name]]


_WORD_RE = re.compile(r"[\w&'’-]+")


def _written_lower(text: str, names: Sequence[str]) -> set[str]:
    """Which of `names` the policy also writes in lower case (a common noun that starts a
    sentence, "Đối tác sẽ ..." and "các đối tác", which a business's name is not): the runs
    of words from each lower-case word that starts one of them, in one pass."""
    if not names:
        return set()
    firsts = {name.split()[0].lower() for name in names}
    words = _WORD_RE.findall(text)
    return {" ".join(words[i : i + n]) for i, word in enumerate(words) if word in firsts
            for n in range(1, _MAX_BRAND_WORDS + 1)}
