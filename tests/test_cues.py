"""Every cue pattern file, with phrases it must and must not match (underthesea words)."""

import pytest

from pipeline.clean import clean_file
from pipeline.extract.facts import cue_windows
from pipeline.extract.nlp import (
    CUES_KEY,
    PATTERNS_DIR,
    PHRASE_ATTRS,
    CueMatcher,
    annotate,
    build_nlp,
    doc_from_clauses,
    doc_from_words,
    get_vocab,
    load_patterns,
)
from pipeline.memo import Memo
from pipeline.records import Document
from pipeline.segment import segment_document

from .conftest import SEED_KALIX, SEED_KHATRA


def cue_labels(text: str) -> set[str]:
    clauses = segment_document(Document("t", "", "", text))
    doc = annotate(doc_from_clauses(text, clauses))
    return {span.label_ for span in doc.spans[CUES_KEY]}


@pytest.mark.parametrize("label, must_match, must_not_match", [
    ("COMPLAINT", "Quý khách có thể gửi khiếu nại qua email.", "Quý khách có thể gửi góp ý."),
    ("HANDLING", "Chúng tôi sẽ giải quyết trong 15 ngày.", "Chúng tôi cảm ơn quý khách."),
    ("SUBJECT_REQUEST", "Bạn có thể gửi yêu cầu xóa dữ liệu cá nhân.",
     "Bạn có thể xem dữ liệu cá nhân."),
    ("RETENTION", "Dữ liệu được lưu trữ trong 24 tháng.", "Dữ liệu được mã hóa."),
    ("BREACH", "Khi xảy ra sự cố rò rỉ dữ liệu, chúng tôi sẽ xử lý ngay.",
     "Dữ liệu được bảo vệ an toàn."),
    ("NOTIFY", "Chúng tôi sẽ thông báo cho khách hàng.", "Chúng tôi sẽ liên hệ khách hàng."),
    ("HOURS_CONTEXT", "Giờ làm việc: T2 - T7, 8h00 - 17h00.", "Giá bán: 8.000 - 17.000 đồng."),
    ("HOURS_CONTEXT", "Nhận đơn T3 và T5 hằng tuần.", "Mẫu đơn t3 và t5 ở cuối trang."),
    ("HOURS_CONTEXT", "Nhận đơn T3 và T5 hằng tuần.", "Sản phẩm T8 và T9 đã hết hàng."),
])
def test_cue_patterns(label, must_match, must_not_match):
    assert label in cue_labels(must_match)
    assert label not in cue_labels(must_not_match)


@pytest.mark.parametrize("seed", [SEED_KHATRA, SEED_KALIX])
def test_clause_by_clause_cues_equal_those_of_the_whole_document(seed):
    text = clean_file(seed).text + "\n2.1.\nThời gian lưu trữ thông tin\nLưu trữ 24 tháng."
    clauses = segment_document(Document("t", "", "", text))
    doc = annotate(doc_from_clauses(text, clauses))
    expected = [[(s.label_, s.start_char, s.end_char) for s in doc.spans[CUES_KEY]
                 if c.start <= s.start_char and s.end_char <= c.end] for c in clauses]
    memo = Memo()
    direct = [list(window.cues) for window in cue_windows(text, clauses)]
    cold = [list(window.cues) for window in cue_windows(text, clauses, memo)]
    warm = [list(window.cues) for window in cue_windows(text, clauses, memo)]
    assert direct == cold == warm == expected
    assert sum(map(len, expected)) > 10


def test_third_party_is_not_a_weekday():
    assert "HOURS_CONTEXT" not in cue_labels("Không chia sẻ với bên thứ ba.")


def test_every_pattern_has_an_id_label_and_a_phrase_or_pattern():
    rows = load_patterns(PATTERNS_DIR)
    assert len({row["id"] for row in rows}) == len(rows)
    for row in rows:
        assert row["id"].startswith(row["label"] + ".") and row["id"].endswith(".v1")
        assert sum(key in row for key in ("phrase", "phrases", "pattern")) == 1
        assert row.get("attr", "LOWER") in PHRASE_ATTRS
        assert not ("attr" in row and "pattern" in row)


def test_a_token_pattern_still_runs_beside_the_phrases(tmp_path):
    (tmp_path / "hours.jsonl").write_text(
        '{"id": "HOURS.T.v1", "label": "HOURS", "pattern": [{"TEXT": {"REGEX": "^T[2-7]$"}}]}\n'
        '{"id": "HOURS.gio.v1", "label": "HOURS", "phrase": "giờ làm việc"}\n', encoding="utf-8")
    matcher = CueMatcher(get_vocab(), tmp_path)
    doc = matcher(doc_from_words(["Giờ làm việc", ":", "T2", "-", "T7"], "Giờ làm việc: T2 - T7"))
    assert [span.text for span in doc.spans[CUES_KEY]] == ["Giờ làm việc", "T2", "T7"]


def test_a_token_pattern_is_skipped_only_where_its_words_are_absent(tmp_path):
    (tmp_path / "retention.jsonl").write_text(
        '{"id": "RETENTION.giu.v1", "label": "RETENTION", "pattern": [{"LOWER": "được"}, '
        '{"LOWER": "giữ"}, {"LOWER": "trong"}, {"LOWER": "vòng", "OP": "?"}, '
        '{"LIKE_NUM": true}]}\n', encoding="utf-8")
    matcher = CueMatcher(get_vocab(), tmp_path)
    assert matcher.gates == [("được", "giữ", "trong")]
    words = ["Hồ sơ", "ĐƯỢC", "Giữ", "trong", "vòng", "5", "năm", "."]
    doc = matcher(doc_from_words(words, "Hồ sơ ĐƯỢC Giữ trong vòng 5 năm."))
    assert [span.text for span in doc.spans[CUES_KEY]] == ["ĐƯỢC Giữ trong vòng 5"]
    assert not matcher._may_match("Hồ sơ được lưu trong vòng 5 năm.")


def test_a_token_pattern_without_required_words_gates_nothing(tmp_path):
    (tmp_path / "hours.jsonl").write_text(
        '{"id": "HOURS.T.v1", "label": "HOURS", "pattern": [{"TEXT": {"REGEX": "^T[2-7]$"}}]}\n'
        '{"id": "HOURS.G.v1", "label": "HOURS", "pattern": [{"LOWER": "giờ"}]}\n',
        encoding="utf-8")
    matcher = CueMatcher(get_vocab(), tmp_path)
    assert matcher.gates is None and matcher._may_match("Thứ Hai")


def test_pipeline_is_blank_vietnamese_with_the_cue_matcher():
    nlp = build_nlp()
    assert nlp.lang == "vi" and nlp.pipe_names == ["vnpolicy_cues"]
