"""Is a cleaned text a Vietnamese privacy policy, and does it read whole? Scores a document's
status and warnings are decided from, and a crawl's pages are kept by.

All three are shares of the text's words, cheap and explainable: the share carrying a
letter only Vietnamese writes (a tone mark, `ă â đ ê ô ơ ư`), the policy vocabulary found,
and the share of one-letter "syllables", which text extraction leaves when it splits
syllables apart ("b ả o m ậ t").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD_RE = re.compile(r"[^\W\d_]+")
_VI_LETTERS = frozenset(
    "ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")
# Words a privacy policy uses; a page with few of them is something else (a shop page, news).
POLICY_CUES: tuple[str, ...] = (
    "bảo mật", "thông tin cá nhân", "dữ liệu cá nhân", "quyền riêng tư", "thu thập",
    "lưu trữ", "chia sẻ", "bên thứ ba", "mục đích", "cookie", "khiếu nại", "truy cập",
    "chỉnh sửa", "xóa", "đồng ý", "bảo vệ",
)
CUES_FOR_FULL_SCORE = 8
# A policy names itself: with one of these, half the score is there (a short policy may
# use few of the cues above).
POLICY_TITLES: tuple[str, ...] = (
    "chính sách bảo mật", "chính sách quyền riêng tư", "chính sách riêng tư",
    "chính sách bảo vệ dữ liệu", "bảo mật thông tin", "privacy policy",
)
# Below these a document gets the status `not_vietnamese` / `not_a_policy`.
MIN_VIETNAMESE_SHARE = 0.2
MIN_POLICY_SCORE = 0.5
# Above this share of one-letter words, text extraction most likely split syllables.
MAX_SINGLE_LETTER_SHARE = 0.15
SAMPLE_CHARS = 200_000  # a longer text is judged by its first part: the scores are shares


@lru_cache(maxsize=2)
def _word_counts(text: str) -> tuple[int, int, int]:
    """(words, words with a letter only Vietnamese uses, one-letter words) of the sample:
    the shares below read one text's words once (a document row asks for both)."""
    words = _WORD_RE.findall(unicodedata.normalize("NFC", text[:SAMPLE_CHARS]).lower())
    return (len(words), len(words) - sum(map(_VI_LETTERS.isdisjoint, words)),
            list(map(len, words)).count(1))


def vietnamese_share(text: str) -> float:
    """Share of words with a letter only Vietnamese uses (~0.5-0.7 in Vietnamese prose, ~0
    in English; a word without one, "chi", "tin", is common in both).

    Examples:
        >>> vietnamese_share("Chúng tôi bảo vệ dữ liệu chi tiết"), vietnamese_share("We do")
        (0.875, 0.0)
    """
    n_words, vietnamese, _ = _word_counts(text)
    return round(vietnamese / max(n_words, 1), 4)


def policy_score(text: str) -> float:
    """0.5 when the text names itself a privacy policy (`POLICY_TITLES`), plus the share of
    `CUES_FOR_FULL_SCORE` distinct cue phrases found; at most 1.

    Examples:
        >>> policy_score("Chúng tôi thu thập và lưu trữ thông tin cá nhân.")
        0.375
        >>> policy_score("Chính sách bảo mật. Chúng tôi thu thập và lưu trữ thông tin cá nhân.")
        1.0
        >>> policy_score("Giỏ hàng của bạn đang trống. Mua thêm sản phẩm.")
        0.0
    """
    lowered = unicodedata.normalize("NFC", text[:SAMPLE_CHARS]).lower()
    found = sum(cue in lowered for cue in POLICY_CUES)
    titled = any(title in lowered for title in POLICY_TITLES)
    return round(min(0.5 * titled + found / CUES_FOR_FULL_SCORE, 1.0), 4)


def single_letter_share(text: str) -> float:
    """Share of words that are one letter: "Trang ch ủ" has two in three.

    Examples:
        >>> single_letter_share("b ả o m ậ t"), single_letter_share("bảo mật")
        (1.0, 0.0)
    """
    n_words, _, single = _word_counts(text)
    return round(single / max(n_words, 1), 4)


def text_warnings(text: str) -> list[str]:
    """Warnings about a cleaned text a reader should see before trusting its rows."""
    share = single_letter_share(text)
    if share > MAX_SINGLE_LETTER_SHARE:
        return [f"damaged_text: {share:.0%} of the words are one letter (syllables split "
                "apart by text extraction?)"]
    return []


def document_status(vietnamese: float, policy: float) -> str:
    """`not_vietnamese`, `not_a_policy` or `ok`, from the two scores above."""
    if vietnamese < MIN_VIETNAMESE_SHARE:
        return "not_vietnamese"
    if policy < MIN_POLICY_SCORE:
        return "not_a_policy"
    return "ok"
