"""`wordseg` gives exactly underthesea's words: on every line of the policies, on random
Vietnamese-like strings, and through its fallbacks."""

from __future__ import annotations

import logging
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from underthesea import word_tokenize as underthesea_word_tokenize

from pipeline import config, wordseg
from pipeline.clean import clean_file
from pipeline.clean.inputs import discover_inputs
from pipeline.config import RAW_DIR, SHARED_CORPUS_DIR
from pipeline.crfsuite import CRFsuiteFormatError, read_crfsuite
from pipeline.wordseg_tables import UnsupportedModelError, parse_template

from .conftest import needs_corpus


def reference(text: str) -> list[str]:
    return underthesea_word_tokenize(text, use_token_normalize=False, fixed_words=[])


def policy_lines(folder: Path) -> list[str]:
    """Every non-empty line of every policy, as written and as cleaned."""
    lines: list[str] = []
    for path in discover_inputs([folder]):
        if path.suffix == ".txt":
            lines += path.read_text(encoding="utf-8", errors="replace").split("\n")
        lines += clean_file(path).text.split("\n")
    return [line for line in lines if line.strip()]


def differences(lines: list[str], batch: int = 40) -> list[tuple[str, list[str], list[str]]]:
    """Lines whose words differ from underthesea's, scored alone or `batch` at a time."""
    found = []
    for start in range(0, len(lines), batch):
        group = lines[start : start + batch]
        for line, together in zip(group, wordseg.word_tokenize_many(group), strict=True):
            ours, theirs = wordseg.word_tokenize(line), reference(line)
            if ours != theirs or together != theirs:
                found.append((line, ours, theirs))
    return found


@pytest.fixture
def fresh_segmenter(tmp_path, monkeypatch):
    """`load_segmenter` starts again with its cache folder in tmp_path."""
    monkeypatch.setattr(config, "USER_CACHE_DIR", tmp_path / "cache")
    wordseg.load_segmenter.cache_clear()
    yield tmp_path / "cache"
    wordseg.load_segmenter.cache_clear()


def test_the_installed_model_is_the_pinned_one():
    assert wordseg.load_segmenter() is not None, "wordseg fell back to underthesea"


def test_same_words_as_underthesea_on_the_seed_policies():
    lines = policy_lines(RAW_DIR)
    assert len(lines) > 100
    assert differences(lines) == []


@needs_corpus
def test_same_words_as_underthesea_on_the_shared_corpus():
    lines = policy_lines(SHARED_CORPUS_DIR)
    assert len(lines) > 1_000
    assert differences(lines) == []


SYLLABLES = (
    "chính sách bảo mật thông tin công ty tnhh cổ phần dữ liệu cá nhân khách hàng được sử "
    "dụng thu thập lưu trữ trong vòng tháng năm ngày kể từ liên hệ qua email điện thoại số "
    "địa chỉ website hòa xóa quyền và nghĩa vụ của chúng tôi bạn người dùng hỗ trợ giải quyết "
    "khiếu nại việt nam hà nội hồ chí minh phường quận tầng tòa nhà đường cookie google "
    "facebook zalo momo the a b c d đ e x y z bos eos"
).split()
CASINGS = (str.lower, str.upper, str.title, str.swapcase, lambda s: s[:1] + s[1:].upper())
WORDS = st.one_of(
    st.builds(lambda s, case: case(s), st.sampled_from(SYLLABLES), st.sampled_from(CASINGS)),
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(["+84", "0901.234.567", "1900-1234", "24/7", "2.147.483.648", "2147483647",
                     "2147483648", "-2147483648", "007", "1.000.000đ", "50%", "3x4", "4K",
                     "v.v.", "Tp.", "TP.HCM", "NĐ-CP", "hotro@congty.vn", "www.congty.vn",
                     "https://congty.vn/chinh-sach", "BOS", "EOS", "Bos", "eOS"]),
    st.sampled_from(list(".,;:!?()[]{}-–—/\\\"'…%&@#*+=<>_~^|•·“”‘’")),
    st.text(max_size=4),
)
SEPARATORS = st.sampled_from([" ", " ", " ", "  ", "", "\t", " - ", ", ", ". ", "\u00a0"])


@st.composite
def vietnamese_like(draw, max_words: int = 40) -> str:
    words = draw(st.lists(WORDS, max_size=max_words))
    seps = draw(st.lists(SEPARATORS, min_size=len(words), max_size=len(words)))
    return "".join(word + sep for word, sep in zip(words, seps, strict=True))


@settings(max_examples=400, deadline=None)
@given(st.one_of(vietnamese_like(), vietnamese_like(max_words=300), st.text(max_size=120)))
def test_same_words_as_underthesea_on_random_strings(text):
    assert wordseg.word_tokenize(text) == reference(text)


# Where a run of lower-case letters meets what other alternatives of underthesea's pattern
# read: abbreviations, "Th.S" (its "." is any character, a space too), e-mail, URLs, emoji.
TRICKY = st.sampled_from([
    "Th", "ThS", "Th.s", "Th s", "Thạc", "th", "e-mail", "email", "v.v", "vv", "H'Mông",
    "N’Thôn", "ftp:", "http", "https:", "xã", "ʺ", "°C", "♥‿♥", ":D", ":)", "<3", "=>", "->",
    "..", "--", ">>", "hoa\u0300", "ﬁ", "ǆ", "İ", "ß", "a_b", "x2", "tp.", "đ", "Đ", "@", "'"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(vietnamese_like(), st.text(max_size=80),
                 st.lists(st.one_of(TRICKY, WORDS, SEPARATORS), max_size=30).map("".join)))
def test_regex_tokens_are_underthesea_regex_tokens(text):
    from underthesea.pipeline.word_tokenize.regex_tokenize import tokenize

    assert wordseg.regex_tokenize(text) == tokenize(text, use_token_normalize=False,
                                                    fixed_words=[])


def test_a_pattern_whose_alternatives_are_not_whole_named_groups_is_read_underthesea_s_way():
    import re

    assert wordseg._alternatives_are_named_groups(re.compile(r"((?P<a>\d+)|(?P<b>\w+))"))
    assert not wordseg._alternatives_are_named_groups(re.compile(r"((?P<a>\d+)x|(?P<b>\w+))"))
    assert not wordseg._alternatives_are_named_groups(re.compile(r"((?P<a>\d+)|\w+)"))
    assert not wordseg._alternatives_are_named_groups(re.compile(r"(?P<a>\d+)"))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(vietnamese_like(), st.sampled_from(["", " ", ".", "BOS", "Ấy"]),
                          st.text(max_size=30)), max_size=12))
def test_texts_scored_together_get_the_words_each_gets_alone(texts):
    assert wordseg.word_tokenize_many(texts) == [reference(text) for text in texts]


def test_same_words_on_a_very_long_line():
    rng = random.Random(13)
    words = [rng.choice(SYLLABLES) for _ in range(6_000)]
    text = " ".join(rng.choice(CASINGS)(w) if rng.random() < 0.2 else w for w in words)
    assert wordseg.word_tokenize(text) == reference(text)


@pytest.mark.parametrize("text", ["", " ", "\n", ".", "BOS", "EOS", "BOS EOS", "a", "Ấy",
                                  "1", "x.Y", "(A", "Đ", "CHÍNH SÁCH", "2147483648 2147483647",
                                  "\x1b\x1b", ". . . .", "- - -", "a a a a a a"])
def test_same_words_on_short_texts(text):
    assert wordseg.word_tokenize(text) == reference(text)


@pytest.mark.parametrize("token, expected", [
    ("2024", True), ("+84", True), ("-1", True), ("007", True), ("2147483647", True),
    ("-2147483648", True), ("2147483648", False), ("²", False), ("٣", False), ("1.5", False),
    ("+", False), ("-", False), ("1_000", False),
])
def test_isdigit_is_a_rust_i32_parse(token, expected):
    assert wordseg.is_i32(token) is expected


@pytest.mark.parametrize("token, expected", [
    ("CHÍNH", True), ("Chính", True), ("1", True), ("(A", True), ("(a", True), (".", True),
    ("x.Y", False), ("chính", False), ("đ", False), ("ß", False),
])
def test_istitle_is_the_first_character_unchanged_by_upper_casing(token, expected):
    assert wordseg.is_title(token) is expected


def test_flags_match_underthesea_core_featurizer():
    from underthesea_core import CRFFeaturizer

    tokens = ["2024", "+84", "-1", "2147483648", "²", "CHÍNH", "(a", "x.Y", "ß", "Đ", "ǅ"]
    featurizer = CRFFeaturizer(["T[0].isdigit", "T[0].istitle"], set())
    rows = featurizer.process([[[token] for token in tokens]])[0]
    ours = [[f"T[0].isdigit={wordseg.is_i32(t)}", f"T[0].istitle={wordseg.is_title(t)}"]
            for t in tokens]
    assert rows == ours


@pytest.mark.parametrize("text", ["ƛ ƛ ƛ", "ɤa ɤa", "\ua7cd dữ liệu", "Thông \U00010d70 tin"])
def test_letters_whose_case_underthesea_core_sees_otherwise_are_left_to_it(text):
    """Unicode 16 letters (ƛ gained an upper case): Python 3.11 and underthesea_core's Rust
    disagree on their `istitle`, so such texts go to underthesea."""
    segmenter = wordseg.load_segmenter()
    assert segmenter.unsure.search(text)
    assert wordseg.word_tokenize(text) == reference(text)


def test_a_lone_surrogate_fails_as_it_does_in_underthesea():
    with pytest.raises(UnicodeEncodeError):
        reference("abc \ud800 x")
    with pytest.raises(UnicodeEncodeError):
        wordseg.word_tokenize("abc \ud800 x")


def test_arrays_are_built_once_into_the_cache_folder(fresh_segmenter):
    assert wordseg.load_segmenter() is not None
    [built] = fresh_segmenter.glob("wordseg-*.npz")
    stamp = built.stat().st_mtime_ns
    wordseg.load_segmenter.cache_clear()
    assert wordseg.word_tokenize("Bảo mật thông tin") == reference("Bảo mật thông tin")
    assert built.stat().st_mtime_ns == stamp
    assert list(fresh_segmenter.glob(".*.tmp")) == []


def test_a_damaged_cache_file_is_rebuilt(fresh_segmenter):
    wordseg.load_segmenter()
    [built] = fresh_segmenter.glob("wordseg-*.npz")
    for damage in (b"not an npz", b"PK\x03\x04 cut short"):  # not a zip; a zip cut short
        built.write_bytes(damage)
        wordseg.load_segmenter.cache_clear()
        assert wordseg.load_segmenter() is not None
    with np.load(built) as arrays:
        assert "table" in arrays


def test_an_unwritable_cache_folder_builds_in_memory(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setattr(config, "USER_CACHE_DIR", blocker / "cache")
    wordseg.load_segmenter.cache_clear()
    try:
        assert wordseg.load_segmenter() is not None
        assert wordseg.word_tokenize("Dữ liệu cá nhân") == reference("Dữ liệu cá nhân")
    finally:
        wordseg.load_segmenter.cache_clear()


def test_another_model_falls_back_to_underthesea_and_says_so_once(fresh_segmenter,
                                                                   monkeypatch, caplog):
    monkeypatch.setitem(wordseg.PINNED_SHA256, "models.bin", "0" * 64)
    text = "Khách hàng có quyền yêu cầu xóa dữ liệu."
    with caplog.at_level(logging.WARNING, logger="pipeline.wordseg"):
        assert wordseg.word_tokenize(text) == reference(text)
        assert wordseg.word_tokenize(text) == reference(text)
    assert [r.getMessage() for r in caplog.records].count(caplog.records[0].getMessage()) == 1
    assert "falls back to underthesea" in caplog.records[0].getMessage()
    assert list(fresh_segmenter.glob("*.npz")) == []


def test_another_underthesea_core_falls_back(fresh_segmenter, monkeypatch):
    monkeypatch.setattr(wordseg, "UNDERTHESEA_CORE", "0.0.1")
    assert wordseg.load_segmenter() is None
    assert wordseg.word_tokenize("Dữ liệu cá nhân") == reference("Dữ liệu cá nhân")


def test_crfsuite_reader_finds_every_weight():
    model = read_crfsuite((wordseg.model_dir() / "models.bin").read_bytes())
    assert model.labels == ("B-W", "I-W")
    assert len(model.attributes) == model.state.shape[0] == 50_671
    assert np.count_nonzero(model.state) == 101_342
    assert np.count_nonzero(model.transition) == 4


@pytest.mark.parametrize("damage", [
    lambda data: data[:40], lambda data: b"xCRF" + data[4:], lambda data: data[:100_000]])
def test_crfsuite_reader_refuses_damaged_files(damage):
    data = (wordseg.model_dir() / "models.bin").read_bytes()
    with pytest.raises(CRFsuiteFormatError):
        read_crfsuite(damage(data))


@pytest.mark.parametrize("syntax", ["T[3]", "T[-1,2]", "T[0].isupper", "T[0,1].isdigit",
                                    "T[0][1]", "W[0]"])
def test_templates_it_does_not_reproduce_are_refused(syntax):
    with pytest.raises(UnsupportedModelError):
        parse_template(syntax)


def test_segment_gives_the_same_clauses_through_either_path(fresh_segmenter, monkeypatch):
    from pipeline.segment import segment_document

    documents = [clean_file(path) for path in discover_inputs([RAW_DIR])]
    ours = [segment_document(doc) for doc in documents]  # no memo: every clause is tokenized
    monkeypatch.setitem(wordseg.PINNED_SHA256, "models.bin", "0" * 64)
    wordseg.load_segmenter.cache_clear()
    assert [segment_document(doc) for doc in documents] == ours
