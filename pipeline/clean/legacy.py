"""Legacy Vietnamese font encodings: text typed in TCVN3 (ABC) ".Vn" fonts or VNI fonts.

Such text arrives as bytes that decode to Latin-1 symbols ("ChÝnh s¸ch b¶o mËt" in TCVN3,
"Chính saùch baûo maät" in VNI); no well-kept library converts it, so the font tables are
applied here, and only where the text shows it (many telltale symbols inside words, no letter
that only Unicode has).
"""

from __future__ import annotations

import re
import unicodedata

# Lower-case TCVN3 code points; the upper-case toned letters of ".VnTimeH" fonts share these
# code points, so a converted all-caps heading comes out in lower case.
_TCVN3 = {
    "µ": "à", "¸": "á", "¶": "ả", "·": "ã", "¹": "ạ",
    "¨": "ă", "»": "ằ", "¾": "ắ", "¼": "ẳ", "½": "ẵ", "Æ": "ặ",
    "©": "â", "Ç": "ầ", "Ê": "ấ", "È": "ẩ", "É": "ẫ", "Ë": "ậ",
    "®": "đ",
    "Ì": "è", "Ð": "é", "Î": "ẻ", "Ï": "ẽ", "Ñ": "ẹ",
    "ª": "ê", "Ò": "ề", "Õ": "ế", "Ó": "ể", "Ô": "ễ", "Ö": "ệ",
    "×": "ì", "Ý": "í", "Ø": "ỉ", "Ü": "ĩ", "Þ": "ị",
    "ß": "ò", "ã": "ó", "á": "ỏ", "â": "õ", "ä": "ọ",
    "«": "ô", "å": "ồ", "è": "ố", "æ": "ổ", "ç": "ỗ", "é": "ộ",
    "¬": "ơ", "ê": "ờ", "í": "ớ", "ë": "ở", "ì": "ỡ", "î": "ợ",
    "ï": "ù", "ó": "ú", "ñ": "ủ", "ò": "ũ", "ô": "ụ",
    "\xad": "ư", "õ": "ừ", "ø": "ứ", "ö": "ử", "÷": "ữ", "ù": "ự",
    "ú": "ỳ", "ý": "ý", "û": "ỷ", "ü": "ỹ", "þ": "ỵ",
    "¡": "Ă", "¢": "Â", "§": "Đ", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư",
}
_TABLE = str.maketrans(_TCVN3)
# Code points that are symbols or non-Vietnamese letters in Unicode: their presence inside
# words is what gives TCVN3 away.
_TELLTALE = frozenset("µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßä«åæç¬ëîïñö÷ûüþ¡¢§£¤¥¦\xad")
_UNICODE_ONLY = re.compile("[ăắằẳẵặấầẩẫậđếềểễệịọốồổỗộơớờởỡợụưứừửữựỳỷỹỵạảẹẻẽỉỏủ]", re.I)


def looks_like_tcvn3(text: str) -> bool:
    """Many TCVN3 telltale symbols among the letters, and no letter only Unicode has.

    Examples:
        >>> looks_like_tcvn3("ChÝnh s¸ch b¶o mËt th«ng tin")
        True
        >>> looks_like_tcvn3("Chính sách bảo mật thông tin")
        False
    """
    sample = text[:20_000]
    if _UNICODE_ONLY.search(sample):
        return False
    letters = sum(ch.isalpha() for ch in sample) or 1
    telltale = sum(ch in _TELLTALE for ch in sample)
    return telltale >= 3 and telltale / letters > 0.02


def tcvn3_to_unicode(text: str) -> str:
    """Map TCVN3 code points to Unicode letters.

    Examples:
        >>> tcvn3_to_unicode("ChÝnh s¸ch b¶o mËt th«ng tin")
        'Chính sách bảo mật thông tin'
    """
    return text.translate(_TABLE)


# VNI writes a base letter followed by a Latin-1 letter that stands for its marks: "aù" = á,
# "aâ" = â, "aá" = ấ, "aê" = ă, "ô" = ơ, "ö" = ư, "ñ" = đ (VNI-Windows font table).
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_VNI_TONES = {"ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_VNI_CIRCUMFLEX = {"â": "", "á": _ACUTE, "à": _GRAVE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_VNI_BREVE = {"ê": "", "é": _ACUTE, "è": _GRAVE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}
_VNI_SINGLE = {"í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ", "ñ": "đ",
               "ô": "ơ", "ö": "ư"}


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for vowel in "aeouy":
        for mark, tone in _VNI_TONES.items():
            table[vowel + mark] = vowel + tone
    for vowel in "aeo":
        for mark, tone in _VNI_CIRCUMFLEX.items():
            table[vowel + mark] = vowel + "\u0302" + tone
    for mark, tone in _VNI_BREVE.items():
        table["a" + mark] = "a\u0306" + tone
    for horned, letter in (("ô", "ơ"), ("ö", "ư")):
        for mark, tone in _VNI_TONES.items():
            table[horned + mark] = letter + tone
    table.update(_VNI_SINGLE)
    full = {}
    for source, target in table.items():
        target = unicodedata.normalize("NFC", target)
        full[source] = target
        full[source.upper()] = target.upper()
        full[source[0].upper() + source[1:]] = target.upper()
    return full


_VNI = _vni_table()
_VNI_RE = re.compile("|".join(sorted(map(re.escape, _VNI), key=len, reverse=True)))
_VNI_PAIR_RE = re.compile("[aeouyAEOUYôöÔÖ][ùøûõïâáàåãäêéèúüëÙØÛÕÏÂÁÀÅÃÄÊÉÈÚÜË]")


def looks_like_vni(text: str) -> bool:
    """Base letters followed by VNI mark letters, and no letter only Unicode has.

    Examples:
        >>> looks_like_vni("Chính saùch baûo maät thoâng tin")
        True
        >>> looks_like_vni("Chính sách bảo mật thông tin")
        False
    """
    sample = text[:20_000]
    if _UNICODE_ONLY.search(sample):
        return False
    words = len(sample.split()) or 1
    pairs = len(_VNI_PAIR_RE.findall(sample))
    return pairs >= 3 and pairs / words > 0.05


def vni_to_unicode(text: str) -> str:
    """Map VNI letter pairs to Unicode letters.

    Examples:
        >>> vni_to_unicode("Cô cheá tieáp nhaän vaø giaûi quyeát khieáu naïi")
        'Cơ chế tiếp nhận và giải quyết khiếu nại'
    """
    return _VNI_RE.sub(lambda m: _VNI[m.group(0)], text)
