"""The audit's literal pre-test (`audit.cues.Cue`) skips regex work and never a match."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.audit import law_findings
from pipeline.audit.cues import Candidates, Cue, cue_text, gate, needles
from pipeline.audit.profiles import load_profiles

from .test_audit import CONDITIONAL_CASES, CORE_CASES


def _cues() -> list[Cue]:
    found = []
    for profile in load_profiles().values():
        for element in profile.elements:
            found += [c for c in (element.cue, element.strong_cue, element.not_cue) if c]
            found += [pattern for _, pattern in element.groups]
            if element.applies is not None:
                found += [c for c in (element.applies.cue, element.applies.not_cue) if c]
    found += [value for value in vars(law_findings).values() if isinstance(value, Cue)]
    return found


def _strings(found) -> set[str]:
    """Every string of a gate tree."""
    if found is None:
        return set()
    if isinstance(found, str):
        return {found}
    return set().union(*map(_strings, found[1]))


CUES = _cues()
# Text made of the words the cues need, with fillers and marks between: where a skipped
# match would show.
WORDS = sorted({word for cue in CUES for needle in _strings(cue.gate) for word in needle.split()}
               | {"và", "của", "bạn", "7", "24", "GPS", "AI"})
SENTENCES = st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join) | st.lists(
    st.sampled_from([*WORDS, ",", ".", ":", "(", ")", "-"]), max_size=30).map("".join)


def test_the_cues_have_needles_and_results_do_not_change_on_the_tests_sentences():
    assert sum(bool(cue.needles) for cue in CUES) > 0.9 * len(CUES)
    sentences = [s for case in CORE_CASES for s in case[2:]] + [
        s for case in CONDITIONAL_CASES for s in case[1:]]
    for cue in CUES:
        for sentence in sentences:
            assert bool(cue.search(sentence)) == bool(cue.regex.search(sentence)), cue


@settings(max_examples=300, deadline=None)
@given(SENTENCES)
def test_the_pre_test_never_hides_a_match(text):
    for cue in CUES:
        assert bool(cue.search(text)) == bool(cue.regex.search(text)), (cue, text)


@settings(max_examples=300, deadline=None)
@given(SENTENCES)
def test_the_pre_test_on_the_strings_a_clause_holds_never_hides_a_match(text):
    low = cue_text(text)  # read once for every cue (one Aho-Corasick pass)
    for cue in CUES:  # where the cue begins (`gates.starts`), the regex is tried only there
        assert _span(cue.search(text, low)) == _span(cue.regex.search(text)), (cue, text)


def _span(match):
    return match and match.span()


@settings(max_examples=100, deadline=None)
@given(st.lists(SENTENCES, max_size=8))
def test_candidates_hold_every_clause_a_cue_matches(texts):
    candidates = _candidates(texts)
    for cue in CUES:
        matched = {at for at, text in enumerate(texts) if cue.regex.search(text)}
        assert matched <= {at for at, _ in candidates.of(cue)}, (cue, texts)
        assert matched <= {at for at, _ in candidates.of(None, cue, CUES[0])}


def _candidates(texts: list[str]) -> Candidates:
    rows = [(at, cue_text(text)) for at, text in enumerate(texts)]
    return Candidates(rows, [low for _, low in rows])


def test_candidates_skip_clauses_without_the_cues_words():
    texts = ["Chúng tôi dùng cookie để ghi nhớ giỏ hàng.", "Bạn có quyền rút lại sự đồng ý.",
             "Máy chủ đặt tại Singapore."]
    candidates = _candidates(texts)

    def ids(*cues: Cue) -> list[int]:
        return [at for at, _ in candidates.of(*cues)]

    assert ids(Cue(r"rút lại\s+(sự\s+)?đồng ý")) == [1]
    assert ids(Cue(r"cookie|máy chủ")) == [0, 2] and ids() == []
    assert ids(Cue(r"\d+")) == [0, 1, 2]  # no strings to test: every clause
    with pytest.raises(ValueError, match="2 rows but 3 texts"):
        Candidates(candidates.rows[:2], [cue_text(text) for text in texts])


# Letters a case-insensitive regex holds equal to "i" or "s" although `str.lower` does not.
FOLDED_APART = st.lists(st.sampled_from(WORDS), max_size=20).map(" ".join).map(
    lambda text: text.replace("i", "ı").replace("s", "ſ").replace("a", "A"))


@settings(max_examples=200, deadline=None)
@given(FOLDED_APART | SENTENCES.map(lambda text: text.replace("i", "İ")))
def test_letters_that_fold_together_still_reach_the_regex(text):
    low = cue_text(text)
    for cue in CUES:
        assert bool(cue.search(text)) == bool(cue.regex.search(text)), (cue, text)
        assert _span(cue.search(text, low)) == _span(cue.regex.search(text)), (cue, text)


def test_the_gate_reads_the_text_as_the_regex_does():
    assert Cue(r"internet|sách bảo mật").search("Trang İNTERNET")
    assert Cue(r"internet|sách bảo mật").search("chính ſách bảo mật")
    assert Cue(r"internet").search("trang ınternet") and not Cue(r"internet").search("intranet")


def test_gate_of_alternations_groups_and_lookarounds():
    assert gate(r"(?:bằng việc|khi)\s+sử dụng") == (
        "all", ("sử dụng", ("any", ("bằng việc", "khi"))))
    assert gate(r"thu thập (định vị|vân tay)|nhạy cảm") == (
        "any", (("all", ("thu thập ", ("any", ("định vị", "vân tay")))), "nhạy cảm"))
    assert gate(r"(?!không)bán") == "bán" and gate(r"x?y*") is None
    test = Cue(r"thu thập (định vị|vân tay)|nhạy cảm").gated
    assert test("chúng tôi thu thập vân tay") and not test("chúng tôi thu thập họ tên")


def test_needles_of_alternations_groups_and_lookarounds():
    assert needles(r"(?:bằng việc|khi)\s+sử dụng") == (("sử dụng",), ("bằng việc", "khi"))
    assert needles(r"^(?=[\s\S]*(sức khỏe|vân tay))(?=[\s\S]*(mã hóa))") == (
        ("sức khỏe", "vân tay"), ("mã hóa",))
    assert needles(r"(?!không)bán") == (("bán",),)
    assert needles(r"x?y*") == ()


def _policy(name: str) -> list[dict]:
    sentences = ["Chúng tôi thu thập họ tên, số điện thoại và vị trí GPS của bạn.",
                 "Dữ liệu được lưu trữ trên máy chủ đặt tại Singapore.",
                 "Bạn có quyền rút lại sự đồng ý bất cứ lúc nào.",
                 f"Mọi thắc mắc xin gửi về {name}@congtymau.vn."]
    return [{"clause_id": i, "text": text, "labels": ["purpose"], "scores": {}}
            for i, text in enumerate(sentences)]


def test_remembered_cue_results_change_no_audit_and_skip_the_second_search(monkeypatch):
    from pipeline.audit import audit_document, find_quality_issues
    from pipeline.memo import Memo

    def audits(memo: Memo | None) -> list:
        out = []
        for name in ("lan", "minh", "lan"):  # two policies repeat three of the clauses
            audit = audit_document(name, _policy(name), [], "pdp", (), memo)
            out.append((audit, find_quality_issues(name, _policy(name), [], (), audit, memo)))
        return out

    searched: list[tuple[str, str]] = []
    real = Cue._search
    monkeypatch.setattr(Cue, "_search", lambda self, text, low: searched.append(
        (self.pattern, text)) or real(self, text, low))
    plain = audits(None)
    plain_searches = len(searched)
    searched.clear()
    memo = Memo()
    assert audits(memo) == plain
    assert len(memo) == 5  # distinct clause texts
    assert 0 < len(searched) < plain_searches
    assert len(searched) == len(set(searched))  # each text and cue once
