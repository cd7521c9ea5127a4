"""Contact facts: e-mail, phone, website, tax code (names: `organizations`, addresses:
`addresses`).

Phones come from `phonenumbers` (Google's libphonenumber); e-mail and URLs from a small
grammar that also reads light obfuscation. Every fact is a span of the cleaned text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from ..gates import Gated
from ..records import RawFact

_EMAIL_RE = re.compile(
    r"(?<![\w.+-])(?:mailto:)?([A-Za-z0-9][A-Za-z0-9._%+-]*"
    r"(?:@|\s?\[at\]\s?|\s?\(at\)\s?|\s?\(a\)\s?|\s?\{at\}\s?|\s\[@\]\s)"
    r"[A-Za-z0-9-]+(?:(?:\.|\s?\[dot\]\s?|\s?\(dot\)\s?)[A-Za-z0-9-]+)*"
    r"(?:\.|\s?\[dot\]\s?|\s?\(dot\)\s?)[A-Za-z]{2,24})(?![\w@-])",
    re.I,
)


def _classed(chars: str) -> str:
    """Every character a case-insensitive class matches: its ASCII letters and also "İ", "ı",
    "ſ" and the Kelvin sign, which `re.I` holds equal to "i", "s" and "k"."""
    pattern = re.compile(chars, re.I)
    return "".join(c for c in map(chr, range(0x2200)) if pattern.fullmatch(c))


# Where an address's separator begins, and the characters its user name is made of.
_SEPARATOR_RE = re.compile(r"@|\[at\]|\(at\)|\(a\)|\{at\}|\[@\]", re.I)
_USER_CHARS = frozenset(_classed(r"[A-Za-z0-9._%+-]"))
# Top-level domains seen on Vietnamese sites; a bare host needs one of them, so that
# "v.v" or "T.P.HCM" are not read as websites. URLs with a scheme need none.
_TLDS = (
    "vn|com|net|org|edu|gov|info|biz|io|co|me|asia|app|dev|online|store|shop|site|tech|ai|"
    "xyz|us|uk|jp|sg|kr|cn|tv|cc|pro|top|club|live|group|global|health|network|cloud|int"
)
_URL_RE = re.compile(
    r"(?<![@\w.-])(?:(?:https?|ftp):/{1,3}[^\s<>\"'()\[\]]+"
    r"|(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + _TLDS + r")"
    r"(?::\d{2,5})?(?:/[^\s<>\"'()\[\]]*)?)(?![\w@-])",
    re.I,
)
_PHONE_BLOCKERS_RE = re.compile(
    r"(?:MST|mã số thuế|mã số doanh nghiệp|mã số DN|ĐKKD|ĐKDN|GCN\w*|giấy chứng nhận"
    r"[^.;\n\d]{0,50}|giấy phép|đăng ký (?:kinh doanh|doanh nghiệp)|số tài khoản|STK|tài khoản"
    r"|account|CMND|CCCD|hộ chiếu|số hiệu|quyết định|mã bưu|postcode|zip)\W*(?:số|no\.?)?\W*$",
    re.I,
)
_EXTENSION_RE = re.compile(
    r"^\s*(?:-|,)?\s*\(?(?:máy lẻ|nhánh|ext\.?|số lẻ|line)\s*:?\s*(\d{1,6})", re.I
)
_COUNTRY_HINTS = {
    "JP": ("nhật bản", "japan", "tokyo", "osaka"),
    "SG": ("singapore",),
    "KR": ("hàn quốc", "korea", "seoul"),
    "US": ("hoa kỳ", "united states", "usa", "california", "new york", "delaware"),
    "CN": ("trung quốc", "china", "thượng hải", "bắc kinh", "shanghai", "beijing", "shenzhen"),
    "TH": ("thái lan", "thailand", "bangkok"),
    "GB": ("vương quốc anh", "anh quốc", "united kingdom", "london", "england"),
    "AU": ("nước úc", "australia", "sydney", "melbourne"),
    "DE": ("nước đức", "cộng hòa liên bang đức", "germany", "berlin", "münchen"),
    "FR": ("nước pháp", "cộng hòa pháp", "france", "paris"),
    "HK": ("hồng kông", "hong kong"),
    "TW": ("đài loan", "taiwan", "đài bắc", "taipei"),
    "MY": ("malaysia", "kuala lumpur"),
    "ID": ("indonesia", "jakarta"),
    "PH": ("philippines", "manila"),
    "IN": ("ấn độ", "india"),
    "CA": ("canada", "toronto"),
}
_TAX = Gated(re.compile(
    r"(?:MST|mã số thuế|mã số doanh nghiệp|mã số DN|GCNĐKDN|GCNĐKKD|ĐKKD|ĐKDN|"
    r"đăng ký kinh doanh|đăng ký doanh nghiệp)[^0-9\n]{0,40}?(\d{10}(?:-\d{3})?)(?!\d)",
    re.I,
))
# Where a URL or host may hold its first "." or ":" ("https:", "khatra.com"), and what the
# characters before it in the match are made of.
_URL_MARK_RE = re.compile(r"[.:]")
_HOST_CHARS = frozenset(_classed(r"[a-z0-9-]"))


def _emails_in(text: str) -> Iterator[re.Match[str]]:
    """`_EMAIL_RE.finditer(text)`, the regex tried only just before a separator ("@", "[at]"
    ...): a match holds one, after its user name and an optional "mailto:" and space."""
    return _matches_before(_EMAIL_RE, text, (m.start() for m in _SEPARATOR_RE.finditer(text)),
                           _USER_CHARS, len("mailto:"))


def _urls_in(text: str) -> Iterator[re.Match[str]]:
    """`_URL_RE.finditer(text)`, the regex tried only before a "." or ":": a match holds one
    after its scheme or first label, which are made of `_HOST_CHARS`."""
    return _matches_before(_URL_RE, text, (m.start() for m in _URL_MARK_RE.finditer(text)),
                           _HOST_CHARS, 0)


def _matches_before(pattern: re.Pattern[str], text: str, marks: Iterator[int],
                    chars: frozenset[str], slack: int) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern whose every match holds one of `marks` (in
    order) after a space or none, a run of `chars` and at most `slack` other characters
    ("mailto:"): it is tried there only, from the left, as `finditer` does."""
    end = 0
    for mark in marks:
        if mark < end:
            continue
        first = mark - 1 if mark and text[mark - 1].isspace() else mark
        while first > 0 and text[first - 1] in chars:
            first -= 1
        for at in range(max(first - slack, end), mark):
            found = pattern.match(text, at)
            if found is not None:
                end = found.end()
                yield found
                break


def find_emails(text: str) -> Iterator[RawFact]:
    """E-mail addresses, also in `mailto:` links and as `tam [at] khatra.com.vn`.

    Examples:
        >>> [f.normalized for f in find_emails("Email: Tam [at] Khatra.com.vn.")]
        ['tam@khatra.com.vn']
    """
    for match in _emails_in(text):
        value = match.group(1)
        normalized = re.sub(r"\s?(?:\[at\]|\(at\)|\(a\)|\{at\}|\[@\])\s?", "@", value, flags=re.I)
        normalized = re.sub(r"\s?(?:\[dot\]|\(dot\))\s?", ".", normalized, flags=re.I)
        if normalized.count("@") != 1 or PLACEHOLDER_HOST_RE.search(normalized.split("@")[1]):
            continue
        yield RawFact("email", value, normalized.lower(), match.start(1), match.end(1),
                      "email.address.v1", "obfuscated" if "@" not in value else "")


# Template placeholders are a finding (an unfilled template), never a fact.
PLACEHOLDER_HOST_RE = re.compile(
    r"(?:^|\.)(?:example|yourdomain|your-domain|tenmien|ten-mien|tendomain|domain|yoursite|"
    r"yourwebsite|tenwebsite|tencongty|abc|xyz|website|email)\.(?:com|vn|com\.vn|net|org|"
    r"example)$|\.example$|\.invalid$|\.test$", re.I)
_PLACEHOLDER_PHONES = frozenset({"+84123456789", "+841234567890", "+84987654321",
                                 "+840123456789", "+84999999999", "+84900000000"})


@lru_cache(maxsize=1)
def _third_party_hosts() -> frozenset[str]:
    data = json.loads((Path(__file__).parent / "third_parties.json").read_text(encoding="utf-8"))
    return frozenset(data["hosts"])


def website_owner(host: str, email_domains: frozenset[str] = frozenset()) -> str:
    """`""` for what reads as the controller's own site, `third_party` for a platform,
    service, help page or authority the policy only names.

    Examples:
        >>> website_owner("support.google.com"), website_owner("khatra.com.vn")
        ('third_party', '')
        >>> website_owner("online.gov.vn"), website_owner("shop.abc.vn", frozenset({"abc.vn"}))
        ('third_party', '')
    """
    if any(host == d or host.endswith("." + d) for d in email_domains):
        return ""
    parts = host.split(".")
    parents = {".".join(parts[i:]) for i in range(len(parts) - 1)}
    if parents & _third_party_hosts() or re.search(r"\.gov(?:\.[a-z]{2})?$", host):
        return "third_party"
    return ""


def find_websites(text: str, emails: list[RawFact]) -> Iterator[RawFact]:
    """URLs and bare hosts (`khatra.com.vn`), normalised to the host without `www.`, marked
    `third_party` when the policy only names another party's site (`website_owner`)."""
    taken = [(f.start, f.end) for f in emails]
    domains = frozenset(f.normalized.split("@")[-1] for f in emails)
    for match in _urls_in(text):
        start, end = match.span()
        value = match.group(0).rstrip(".,;:!?…")
        end = start + len(value)
        if any(a <= start < b for a, b in taken) or "@" in value:
            continue
        host = re.sub(r"^[a-z]+:/+", "", value, flags=re.I).split("/")[0].split(":")[0]
        host = host.lower().rstrip(".")
        host = host[4:] if host.startswith("www.") else host
        if "." not in host or host.replace(".", "").isdigit():
            continue
        if not re.search(r"\.(?:" + _TLDS + r")$", host) and not re.match(r"^[a-z]+:/", value):
            continue
        if PLACEHOLDER_HOST_RE.search(host):
            continue
        yield RawFact("website", value, host, start, end, "website.url.v1",
                      website_owner(host, domains))


def _phone_kind(number: phonenumbers.PhoneNumber) -> str:
    national = str(number.national_number)
    if number.country_code == 84 and national.startswith("1800"):
        return "toll_free"
    if number.country_code == 84 and national.startswith("1900"):
        return "hotline"
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.MOBILE:
        return "mobile"
    if kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return "landline"
    if kind == PhoneNumberType.TOLL_FREE:
        return "toll_free"
    if kind in (PhoneNumberType.PREMIUM_RATE, PhoneNumberType.SHARED_COST, PhoneNumberType.UAN):
        return "hotline"
    return "other"


def find_phones(text: str) -> Iterator[RawFact]:
    """Phone numbers in E.164, with their kind; tax codes and account numbers are skipped.

    Examples:
        >>> [f.normalized for f in find_phones("Hotline: 094.268.9393 - 0975.24.9393")]
        ['+84942689393', '+84975249393']
        >>> list(find_phones("MST: 0315241288"))
        []
    """
    seen: set[tuple[int, int]] = set()
    lower = text.lower()
    regions = ["VN"] + [
        region for region, names in _COUNTRY_HINTS.items()
        if any(name in lower and _last_word(lower, name) >= 0 for name in names)
    ]
    for region in regions:
        for match in phonenumbers.PhoneNumberMatcher(text, region):
            span = (match.start, match.end)
            if any(a < span[1] and span[0] < b for a, b in seen):
                continue
            before = text[max(0, match.start - 40) : match.start]
            if _PHONE_BLOCKERS_RE.search(before):
                continue
            local = _region_named_near(text, match.start)
            if region != "VN" and local != region:
                continue
            number = _reparse(match, local) if region == "VN" and local else match.number
            seen.add(span)
            extension = _EXTENSION_RE.match(text[match.end : match.end + 30])
            qualifier = _phone_kind(number)
            if extension:
                qualifier += f";ext={extension.group(1)}"
            e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
            if e164 in _PLACEHOLDER_PHONES:
                continue
            yield RawFact("phone", match.raw_string, e164, match.start, match.end,
                          "phone.libphonenumber.v1", qualifier)


def _reparse(match: phonenumbers.PhoneNumberMatch, region: str) -> phonenumbers.PhoneNumber:
    """A number written without a country code next to a foreign address belongs there."""
    if match.raw_string.lstrip("( ").startswith("+"):
        return match.number
    try:
        foreign = phonenumbers.parse(match.raw_string, region)
    except phonenumbers.NumberParseException:
        return match.number
    return foreign if phonenumbers.is_valid_number(foreign) else match.number


def _last_word(text: str, name: str) -> int:
    """Where `name` last stands as whole words in `text`, -1 if nowhere ("lúc" is no "úc")."""
    if name not in text:  # most names of most windows: no regex needed
        return -1
    matches = list(re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text))
    return matches[-1].start() if matches else -1


def _region_named_near(text: str, position: int) -> str | None:
    """The foreign country named closest before `position` on the same line or just above."""
    window = text[max(0, position - 200) : position].lower()
    best, best_at = None, -1
    for region, names in _COUNTRY_HINTS.items():
        for name in names:
            at = _last_word(window, name)
            if at > best_at:
                best, best_at = region, at
    if best is None:
        return None
    vietnam_at = max(window.rfind("việt nam"), window.rfind("viet nam"), window.rfind("vietnam"))
    return best if best_at > vietnam_at else None


def find_tax_codes(text: str) -> Iterator[RawFact]:
    """Tax codes / business registration numbers (10 digits, optional -XXX branch suffix)."""
    for match in _TAX.finditer(text):
        yield RawFact("tax_code", match.group(1), match.group(1), match.start(1), match.end(1),
                      "tax_code.mst.v1", "")
