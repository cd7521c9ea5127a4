"""`gates.Gated`: a regex with its literal pre-test, tried only where its matches can begin,
finds what the regex finds, under its own flags, on the extractors' regexes and on random
sentences."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.audit import findings
from pipeline.extract import addresses, contacts, dates, organizations, periods
from pipeline.gates import Gated, GateText, _Index, fold, gate, set_test, starts, triggers

GATED = [dates._CUED, contacts._TAX, findings._PLACEHOLDER, addresses._ADDRESS_RE,
         addresses._INLINE_ADDRESS_RE, organizations._ORG_RE,
         *(pattern for _, _, pattern in periods._RETENTION_KINDS)]
WORDS = ["Cập nhật", "cập nhật lần cuối", "hiệu lực", "Áp dụng", "ban hành", "MST", "Mã số thuế",
         "ĐKKD", "đăng ký kinh doanh", "ngày", "01/07/2025", "0312345678", "Last updated",
         "phiên bản 2.1", "công ty", ":", ",", "-", "\n", "İ", "ſ", "[điền", "tên công ty]", "]",
         "___", "__/__", "XXX", "xx", "{{ten}}", "{", "}", "yourdomain.com", "0123 456 789",
         "DD/MM/YYYY", ".....", "abc.example", "example.com", "Địa chỉ", "ĐỊA CHỈ", "trụ sở",
         "Trụ sở chính:", "văn phòng", "kho", "không", "Kho hàng", "ĐC", "Đ/C", "Address", "tại",
         "12 Lê Lợi", "phường Bến Nghé", "Hà Nội", "TP. Hồ Chí Minh", "CÔNG TY", "Công ty",
         "TNHH", "Cổ phần", "An Phát", "cho đến khi", "yêu cầu xóa", "vô thời hạn", "pháp luật",
         "theo quy định của", "mục đích", "hoàn thành", ".", ";"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=14).map(" ".join))
def test_a_gated_regex_finds_what_the_regex_finds(text):
    for gated in GATED:
        assert [m.span() for m in gated.finditer(text)] == [
            m.span() for m in gated.regex.finditer(text)]


def test_the_gate_reads_the_pattern_with_its_flags():
    verbose = Gated(re.compile(r"cập \s nhật", re.X | re.I))
    assert gate(verbose.regex.pattern, verbose.regex.flags) == ("all", ("nhật", "cập"))
    assert [m.group(0) for m in verbose.finditer("Đã CẬP\nNHẬT")] == ["CẬP\nNHẬT"]
    assert list(verbose.finditer("Đã cập-nhật")) == [] and not verbose.possible("nhật ký")


def test_fold_keeps_offsets_of_vietnamese_text():
    text = "Chính Sách Bảo Mật – Cập nhật ngày 01/07/2025"
    assert fold(text) == text.lower() and len(fold("İstanbul")) == len("İstanbul")


def test_a_text_is_read_once_for_the_strings_every_gate_needs():
    assert _Index().held("chưa có chuỗi nào") == (0, frozenset())  # an empty index
    found = gate(r"(?:thu thập|lưu trữ)[^.]{0,40}(?:vị trí|\bGPS\b)|sinh trắc")
    test, needed = set_test(found), triggers(found)
    for text, expected in [("Chúng tôi thu thập vị trí GPS.", True), ("Dữ liệu sinh trắc.", True),
                           ("Chúng tôi lưu trữ họ tên.", False), ("Vị trí cửa hàng.", False)]:
        low = GateText(fold(text))
        assert test(low, low.held()) is expected, text
        assert bool(needed & low.held()) or not expected


def test_the_strings_a_match_begins_with():
    assert starts(r"(?<!\w)(?:Địa chỉ|trụ sở)(?:\s+chính)?:") == {"địa chỉ", "trụ sở"}
    # an optional part: it, or what follows it
    assert starts(r"(?:cho\s+)?(?:đến|tới) khi") == {"cho", "đến", "tới"}
    assert starts(r"[\"“]tên") == {'"', "“"} and starts(r"^\b(?=x)abc") == {"abc"}
    for anywhere in (r"\d+ ngày", r"(?:mailto:)?[a-z]+@", r"(?:x)?", r"a|\w", r"[^x]y"):
        assert starts(anywhere) is None, anywhere


def test_a_match_that_begins_inside_an_earlier_beginning_is_found():
    # "kho" begins "không": both are tried, in order, and a match ends where the next starts
    found = Gated(re.compile(r"kho(?:ng)?\b|không có|ng", re.I))
    text = "KHÔNG có kho nào, khong"
    assert [m.span() for m in found.finditer(text)] == [
        m.span() for m in found.regex.finditer(text)] == [(0, 8), (9, 12), (18, 23)]


def test_a_search_from_a_position_uses_the_places_found_once():
    found = organizations._ORG_RE
    text = "Công ty TNHH An Phát và Công ty Cổ phần Bình Minh cam kết"
    places = found.places(text)
    assert places == [0, 24] and found.places("Không có tên") == []
    for pos in (0, 1, 24, 25):
        assert _span(found.search(text, pos, places)) == _span(found.regex.search(text, pos))


def _span(match):
    return match and match.span()


# Pieces of addresses and hosts, joined with or without spaces: where a match begins far from
# its "@" or its first "." ("tên.rất.dài.của.người.dùng [at] ...", "mailto:", "https://").
CONTACT_PIECES = ["tam", "nguyen.van.an.01", "an_01", "info", "cskh", "mailto:", "MAILTO:", "@",
                  " @ ", "[at]", " [AT] ", "(at)", "(a)", "{at}", " [@] ", "[dot]", " (dot) ", ".",
                  ":", "/", "//", "https", "http://", "ftp:", "www", "www.", "khatra", "com",
                  "vn", ".com.vn", "-", "+", "%", "_", "x" * 70, "Liên hệ", "qua", "(", ")",
                  "\n", "ẩn", "tên", "İ", "ı", "ſ", "\u212a"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(CONTACT_PIECES), max_size=16).flatmap(
    lambda pieces: st.sampled_from(["", " "]).map(lambda glue: glue.join(pieces))))
def test_emails_and_hosts_tried_near_their_marks_are_the_regexs_matches(text):
    for fast, pattern in ((contacts._emails_in, contacts._EMAIL_RE),
                          (contacts._urls_in, contacts._URL_RE)):
        assert [m.span() for m in fast(text)] == [m.span() for m in pattern.finditer(text)]


def test_a_long_user_name_before_a_spelled_out_at_is_read_whole():
    text = "Gửi tới nguyen.van.an.phong.cham.soc.khach.hang [at] khatra.com.vn nhé"
    assert [m.group(1) for m in contacts._emails_in(text)] == [
        "nguyen.van.an.phong.cham.soc.khach.hang [at] khatra.com.vn"]


def test_letters_a_case_insensitive_class_holds_equal_to_ascii_ones_do_not_hide_a_match():
    # "İ", "ı", "ſ" and the Kelvin sign match [A-Za-z] under re.I (found by a review)
    for text in ("İstanbul.İnfo@khatra.com.vn", "Liên hệ İstanbul.com.vn", "\u212aHATRA.VN",
                 "httpſ://khatra.vn", "ıı.ſſ.\u212a.com"):
        for fast, pattern in ((contacts._emails_in, contacts._EMAIL_RE),
                              (contacts._urls_in, contacts._URL_RE)):
            assert [m.span() for m in fast(text)] == [m.span() for m in pattern.finditer(text)]
