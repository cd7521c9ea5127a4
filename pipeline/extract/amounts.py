"""Amounts written in digits or in Vietnamese words: "15", "mười lăm", "mười lăm (15)",
"15 (mười lăm)", "hai mươi mốt". Policies write deadlines both ways."""

from __future__ import annotations

import re

_UNITS = {"một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
          "sáu": 6, "bảy": 7, "tám": 8, "chín": 9}
_DIGIT_WORD = r"(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín)"
_AFTER_TEN = r"(?:một|mốt|hai|ba|bốn|tư|lăm|năm|sáu|bảy|tám|chín)"
# Whole words only; "tư" and "mốt" only after a ten ("hai mươi tư"), as Vietnamese writes them.
NUMBER_WORDS = (rf"(?:{_DIGIT_WORD}\s+mươi(?:\s+{_AFTER_TEN})?|mười(?:\s+{_AFTER_TEN})?"
                rf"|{_DIGIT_WORD})(?!\w)")
# Not an amount: a weekday ("thứ hai", "thứ 2"), a date ("tháng 7 năm ..."), the tail of a
# larger number ("một trăm hai mươi", "QH15", "1,5"): each is left unread, not misread.
_NOT_AFTER = r"(?<!thứ )(?<!tháng )(?<!ngày )(?<!trăm )(?<!nghìn )(?<!ngàn )(?<!lẻ )(?<!linh )"
# An amount: digits, or words, either with the other form in brackets.
AMOUNT = (rf"(?:(?<![\w.,/]){_NOT_AFTER}\d{{1,3}}(?:\s*\([^()\d\n]{{2,30}}\))?"
          rf"|(?<!\w){_NOT_AFTER}{NUMBER_WORDS}(?:\s*\(\s*\d{{1,3}}\s*\))?)")
_DIGITS_RE = re.compile(r"\d{1,3}")


def amount_value(text: str) -> int:
    """The value of an `AMOUNT` match: its digits where it has any, else its words.

    Examples:
        >>> [amount_value(t) for t in ("05", "mười lăm (15)", "hai mươi mốt", "ba mươi", "bảy")]
        [5, 15, 21, 30, 7]
    """
    digits = _DIGITS_RE.search(text)
    if digits:
        return int(digits.group(0))
    words = text.lower().split()
    if "mươi" in words:
        tens = _UNITS[words[0]] * 10
        return tens + (_UNITS[words[-1]] if words[-1] != "mươi" else 0)
    if words[0] == "mười":
        return 10 + (_UNITS[words[1]] if len(words) > 1 else 0)
    return _UNITS[words[0]]

