"""Legacy Vietnamese font encodings: text typed in TCVN3 (ABC) ".Vn" fonts.

Such text arrives as bytes that decode to Latin-1 symbols ("ChÝnh s¸ch b¶o mËt"); no
well-kept library converts it, so the published TCVN 5712:1993 (VN3) font table is applied
here, and only where the text shows it (many such symbols inside words, no Vietnamese letters).
"""

from __future__ import annotations

import re

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
