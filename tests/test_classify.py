import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.annotations import align_labels, load_gold_clauses
from pipeline.classify.persist import TRUSTED_TYPES, load_model
from pipeline.classify.predict import ClauseClassifier
from pipeline.clean import clean_file
from pipeline.config import MODEL_META_PATH, MODEL_PATH
from pipeline.errors import ModelNotFoundError
from pipeline.records import Document
from pipeline.segment import segment_document

from .conftest import SEED_KALIX, SEED_KHATRA, needs_corpus


@pytest.fixture(scope="module")
def classifier():
    return ClauseClassifier()


def test_retention_heading_and_its_clause(classifier):
    doc = Document("t", "", "", "3. Thời gian lưu trữ thông tin\n"
                                "Dữ liệu cá nhân của khách hàng sẽ được lưu trữ cho đến khi có "
                                "yêu cầu hủy bỏ.")
    labels = [r.labels for r in classifier.predict(segment_document(doc))]
    assert all("retention" in row for row in labels)


def test_seed_complaints_paragraph_is_complaints(classifier):
    doc = clean_file(SEED_KALIX)
    clauses = segment_document(doc)
    results = classifier.predict(clauses)
    complaint = [r.labels for c, r in zip(clauses, results, strict=True)
                 if "Thời gian xử lý phản ánh" in c.text]
    assert complaint and "complaints" in complaint[0]


def test_contact_lines_under_a_sub_heading_of_the_complaints_section_are_complaints_too(
        classifier):
    """GUIDELINES: a contact line also takes its section's category when that section is
    complaints; the sub-heading ("6.1. Văn phòng Đà Nẵng") hides it from the clause's own
    features. The contact section after it stays contact alone."""
    doc = Document("t", "", "", "6. Cơ chế tiếp nhận và giải quyết khiếu nại\n"
                                "Khách hàng có thể gửi khiếu nại qua email hoặc điện thoại.\n"
                                "6.1. Văn phòng Đà Nẵng\nSố 45 Trần Phú, Hải Châu, Đà Nẵng\n"
                                "6.2. Văn phòng Huế\nSố 12 Lê Lợi, Huế\n"
                                "7. Liên hệ\nSố 8 Nguyễn Huệ, Quận 1, TP. Hồ Chí Minh")
    clauses = segment_document(doc)
    labels = {c.text: r.labels for c, r in zip(clauses, classifier.predict(clauses), strict=True)}
    for address in ("Số 45 Trần Phú, Hải Châu, Đà Nẵng", "Số 12 Lê Lợi, Huế"):
        assert {"contact", "complaints"} <= set(labels[address])
    assert labels["Số 8 Nguyễn Huệ, Quận 1, TP. Hồ Chí Minh"] == ("contact",)


def test_a_clause_that_says_nothing_of_complaints_is_not_complaints_for_its_heading(classifier):
    """GUIDELINES: label by what the clause says. The Decree 52 template prints its security
    and sharing commitments under the complaints heading; the way to complain stays
    `complaints`."""
    head = "CHÍNH SÁCH BẢO MẬT\n7. Cơ chế tiếp nhận và giải quyết khiếu nại\n"
    for line, label in (
            ("Chúng tôi cam kết bảo mật tuyệt đối mọi thông tin giao dịch của khách hàng.",
             "security"),
            ("Cửa hàng không bán hay cho thuê thông tin cá nhân của khách hàng.", "access")):
        clauses = segment_document(Document("t", "", "", head + line))
        assert classifier.predict(clauses)[-1].labels == (label,), line
    clauses = segment_document(Document("t", "", "", head + "Khách hàng gửi khiếu nại qua "
                                        "email hotro@anphat.vn."))
    assert "complaints" in classifier.predict(clauses)[-1].labels


def test_a_limit_on_the_use_of_data_is_scope_even_under_a_purpose_heading(classifier):
    """GUIDELINES: "chỉ sử dụng trong nội bộ" is `scope` even under a Mục đích heading; a
    recipient's limit stays what it says of access, and the list of uses stays `purpose`."""
    head = "CHÍNH SÁCH BẢO MẬT\n1. Mục đích và phạm vi thu thập thông tin\n"
    for line in ("Thông tin cá nhân của quý khách chỉ được dùng trong nội bộ cửa hàng.",
                 "Chúng tôi không sử dụng dữ liệu của bạn vào mục đích khác."):
        clauses = segment_document(Document("t", "", "", head + line))
        labels = classifier.predict(clauses)[-1].labels
        assert "scope" in labels and "purpose" not in labels, line
    for line in ("Thông tin được thu thập để giao hàng và chăm sóc khách hàng.",
                 "Đối tác vận chuyển chỉ sử dụng thông tin để giao hàng cho bạn."):
        clauses = segment_document(Document("t", "", "", head + line))
        assert "scope" not in classifier.predict(clauses)[-1].labels, line


def test_a_bare_mark_takes_the_labels_of_what_it_numbers(classifier):
    """GUIDELINES: a bare number or "-" on its own line takes the labels of the clause it
    numbers."""
    doc = Document("t", "", "", "CHÍNH SÁCH BẢO MẬT\n3. Thời gian lưu trữ thông tin\n-\n"
                                "Dữ liệu cá nhân được lưu trữ trong 24 tháng.\n"
                                "4. Cơ chế giải quyết khiếu nại\n•\n"
                                "Khách hàng có thể gửi khiếu nại qua email hotro@anphat.vn.")
    clauses = segment_document(doc)
    labels = [r.labels for r in classifier.predict(clauses)]
    marks = [i for i, c in enumerate(clauses) if c.text in ("-", "•")]
    assert len(marks) == 2 and all(labels[i] == labels[i + 1] for i in marks)
    assert "retention" in labels[marks[0]] and "complaints" in labels[marks[1]]


def _seed_rows() -> list[dict]:
    from pipeline.classify.features import feature_rows

    return [row for seed in (SEED_KHATRA, SEED_KALIX)
            for row in feature_rows(segment_document(clean_file(seed)))]


def _frame(rows: list[dict]):  # type: ignore[no-untyped-def]
    import pandas as pd

    from pipeline.classify.features import FEATURE_COLUMNS, PLACE_COLUMNS

    return pd.DataFrame(rows, columns=[*FEATURE_COLUMNS, *PLACE_COLUMNS])


@pytest.fixture(scope="module")
def committed_model():
    return load_model()[0]


def test_fast_scoring_gives_the_models_own_probabilities(committed_model):
    import numpy as np

    from pipeline.classify.sklearn_scoring import predict_proba

    features = _frame(_seed_rows())
    assert features["section"].nunique() < len(features)  # the shortcut has work to skip
    assert np.array_equal(predict_proba(committed_model, features),
                          committed_model.predict_proba(features))


def _odd_rows() -> list[dict]:
    """Rows no policy gives: nothing the vocabulary knows, an unknown kind, position 0."""
    base = {"words": "", "syllables": "", "section": "", "lead": "", "context": "",
            "kind": "bảng", "position": 0.0, "group": "t", "section_row": -1}
    return [base, {**base, "syllables": "zzz qqq", "kind": "sentence", "position": 1.0},
            {**base, "words": "bảo_mật bảo_mật bảo_mật", "section": "x | bảo mật thông tin",
             "lead": "bảo_mật"}]


def test_the_linear_scorer_gives_the_models_probabilities_to_the_last_bit(committed_model):
    import numpy as np

    from pipeline.classify.linear import LinearScorer, export_arrays

    rows = _seed_rows() + _odd_rows()
    scorer = LinearScorer(export_arrays(committed_model))
    assert np.array_equal(scorer.predict_proba(rows),
                          committed_model.predict_proba(_frame(rows)))
    reloaded = LinearScorer(scorer.arrays())  # what the cache file holds
    assert np.array_equal(reloaded.predict_proba(rows[::-1]), scorer.predict_proba(rows)[::-1])


@needs_corpus
def test_the_linear_scorer_matches_on_every_corpus_clause(committed_model):
    import numpy as np

    from pipeline.classify.features import feature_rows
    from pipeline.classify.linear import LinearScorer, export_arrays
    from pipeline.clean import clean_bytes
    from pipeline.config import SHARED_CORPUS_DIR

    rows = []
    for path in sorted(SHARED_CORPUS_DIR.iterdir()):
        if path.suffix not in {".tsv", ".md"}:
            rows += feature_rows(segment_document(clean_bytes(path.read_bytes(), path)))
    assert len(rows) > 3000
    assert np.array_equal(LinearScorer(export_arrays(committed_model)).predict_proba(rows),
                          committed_model.predict_proba(_frame(rows)))


@given(st.lists(st.tuples(st.integers(0, 40), st.floats(-1e6, 1e6)), max_size=30))
def test_segment_sums_add_left_to_right(runs):
    import numpy as np

    from pipeline.classify.linear import segment_sums

    values = [v * (k + 1) / 7 for k, (n, v) in enumerate(runs) for _ in range(n)]
    lengths = np.array([n for n, _ in runs], dtype=np.int64)
    expected, start = [], 0
    for n in lengths.tolist():
        total = 0.0
        for value in values[start:start + n]:
            total += value
        expected.append(total)
        start += n
    got = segment_sums(np.array(values, dtype=float), lengths)
    assert got.tolist() == expected
    wide = np.repeat(np.array(values, dtype=float)[:, None], 3, axis=1)
    assert segment_sums(wide, lengths).tolist() == [[e] * 3 for e in expected]


def test_other_model_shapes_are_refused_by_the_linear_scorer():
    from sklearn.linear_model import LogisticRegression

    from pipeline.classify.linear import UnsupportedModelError, export_arrays
    from pipeline.classify.model import RuleBaseline

    for model in (RuleBaseline(), LogisticRegression()):
        with pytest.raises(UnsupportedModelError):
            export_arrays(model)


def _cached_scorer_run(cache: Path) -> str:
    """What a fresh process imports to label a clause, the cache in `cache`."""
    import os
    import subprocess
    import sys

    code = ("import sys\n"
            "from pipeline.classify.predict import ClauseClassifier\n"
            "from pipeline.records import Document\n"
            "from pipeline.segment import segment_document\n"
            "doc = Document('t', '', '', 'Chúng tôi lưu trữ dữ liệu trong 24 tháng.')\n"
            "print(ClauseClassifier().predict(segment_document(doc))[0].labels,\n"
            "      type(ClauseClassifier().scorer).__name__,\n"
            "      sorted({'sklearn', 'skops', 'scipy'}\n"
            "             & {m.split('.')[0] for m in sys.modules}))")
    env = {**os.environ, "VNPOLICY_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_a_run_labels_clauses_without_importing_scikit_learn_once_cached(tmp_path):
    first = _cached_scorer_run(tmp_path)
    assert first.startswith("('retention',) LinearScorer") and "sklearn" in first
    assert len(list(tmp_path.glob("clause-model-*.npz"))) == 1
    assert _cached_scorer_run(tmp_path) == "('retention',) LinearScorer []"


def test_a_damaged_or_unwritable_cache_still_gives_the_same_labels(tmp_path, monkeypatch):
    import numpy as np

    from pipeline import config
    from pipeline.classify.persist import load_scorer

    rows = _seed_rows()
    monkeypatch.setattr(config, "USER_CACHE_DIR", tmp_path)
    expected = load_scorer()[0].predict_proba(rows)
    (cached,) = tmp_path.glob("clause-model-*.npz")
    cached.write_bytes(b"PK\x03\x04 damaged")
    assert np.array_equal(load_scorer()[0].predict_proba(rows), expected)
    assert np.load(cached, allow_pickle=False)["coef"].shape[0] == 9  # written again
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(config, "USER_CACHE_DIR", blocker / "cache")
    assert np.array_equal(load_scorer()[0].predict_proba(rows), expected)


def test_a_model_the_linear_scorer_does_not_reproduce_is_scored_by_scikit_learn(tmp_path,
                                                                              monkeypatch):
    import numpy as np

    from pipeline import config
    from pipeline.classify.model import make_svm
    from pipeline.classify.persist import dump_model, load_scorer
    from pipeline.classify.sklearn_scoring import SklearnScorer
    from pipeline.classify.train import indicator

    rows = _seed_rows()
    features = _frame(rows)
    labels = [("purpose", "scope", "retention", "access", "contact", "user_rights",
               "complaints", "security", "other")[i % 9:i % 9 + 1] for i in range(len(rows))]
    svm = make_svm().fit(features, indicator(labels))
    path = tmp_path / "clause_classifier.skops"
    path.write_bytes(dump_model(svm))
    monkeypatch.setattr(config, "USER_CACHE_DIR", tmp_path / "cache")
    scorer, _ = load_scorer(path, _meta_for(path, tmp_path))
    assert isinstance(scorer, SklearnScorer)
    assert np.array_equal(scorer.predict_proba(rows), svm.predict_proba(features))


def test_scores_cover_every_label(classifier):
    doc = Document("t", "", "", "Chúng tôi cam kết bảo mật thông tin bằng mã hóa SSL.")
    (result,) = classifier.predict(segment_document(doc))
    assert set(result.scores) >= {"security", "other", "purpose"}
    assert "security" in result.labels


def test_model_metadata_records_training(classifier):
    meta = json.loads(MODEL_META_PATH.read_text(encoding="utf-8"))
    assert meta["labels"][-1] == "other"
    assert meta["n_policies"] == 64  # the seeds and the 62 corpus policies
    for side in ("dev_cv", "test"):  # figures measured without the policies they score
        assert 0.5 < meta["evaluation"][side]["clause_macro_f1"] <= 1
    assert len(meta["training_data_sha256"]) == 64


def test_committed_heading_model_was_trained_on_the_committed_headings():
    import hashlib

    from pipeline.annotations import SYNTHETIC_STRUCTURE_DIR
    from pipeline.config import ANNOTATED_DIR, HEADING_MODEL_PATH

    meta = json.loads(HEADING_MODEL_PATH.read_text(encoding="utf-8"))["meta"]
    digest = hashlib.sha256((ANNOTATED_DIR / "headings.jsonl").read_bytes())
    for layout in sorted(SYNTHETIC_STRUCTURE_DIR.glob("*.txt")):
        digest.update(layout.name.encode() + layout.read_bytes())
    assert meta["training_data_sha256"] == digest.hexdigest()


def test_every_synthetic_layout_is_a_policy_with_headings():
    # a layout once held a copy of the model's JSON weights: one line, no heading
    from pipeline.annotations import load_synthetic_structure

    layouts = load_synthetic_structure()
    assert layouts
    for doc, headings in layouts:
        assert headings, doc.doc_id
        assert max(map(len, doc.text.splitlines())) < 5000, doc.doc_id
        assert not doc.text.lstrip().startswith("{"), doc.doc_id


def _meta_for(model: Path, folder: Path) -> Path:
    """The committed metadata, recording `model`'s sha256: what a tamperer who also edits the
    JSON leaves, so the type audit behind the hash is tested too."""
    meta = json.loads(MODEL_META_PATH.read_text(encoding="utf-8"))
    meta["model_sha256"] = hashlib.sha256(model.read_bytes()).hexdigest()
    path = folder / "clause_classifier.json"
    path.write_text(json.dumps(meta), encoding="utf-8")
    return path


def test_a_model_with_edited_weights_is_refused_by_its_hash_issue_16(tmp_path):
    """Only trusted types, other numbers: negated weights labelled every clause 7-8 ways."""
    from pipeline.classify.persist import dump_model

    model, _ = load_model()
    classifier = model.steps[-1][1]
    for estimator in classifier.estimators_:
        estimator.coef_ = -estimator.coef_
    edited = tmp_path / "clause_classifier.skops"
    edited.write_bytes(dump_model(model))
    meta = tmp_path / "clause_classifier.json"
    meta.write_text(MODEL_META_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ModelNotFoundError, match="sha256 is not the one .*make train"):
        load_model(edited, meta)
    assert json.loads(meta.read_text(encoding="utf-8"))["model_sha256"] == hashlib.sha256(
        MODEL_PATH.read_bytes()).hexdigest()  # the committed pair agrees


def test_tampered_model_is_refused(tmp_path):
    from pipeline.classify.persist import import_skops
    sio, _ = import_skops()

    bad = tmp_path / "clause_classifier.skops"
    bad.write_bytes(sio.dumps({"payload": __import__("collections").Counter()}))
    meta = _meta_for(bad, tmp_path)
    with pytest.raises(ModelNotFoundError, match="untrusted types"):
        load_model(bad, meta)


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelNotFoundError, match="vnpolicy train"):
        load_model(tmp_path / "none.skops", tmp_path / "none.json")


def test_a_scikit_learn_type_outside_our_list_is_refused(tmp_path):
    from sklearn.tree import DecisionTreeClassifier

    from pipeline.classify.persist import import_skops
    sio, _ = import_skops()

    foreign = tmp_path / "clause_classifier.skops"
    foreign.write_bytes(sio.dumps({"model": DecisionTreeClassifier(), "vocabularies": {}}))
    meta = _meta_for(foreign, tmp_path)
    with pytest.raises(ModelNotFoundError, match="DecisionTreeClassifier"):
        load_model(foreign, meta)


def test_committed_model_holds_only_trusted_types():
    from pipeline.classify.persist import import_skops
    sio, _ = import_skops()

    assert set(sio.get_untrusted_types(file=MODEL_PATH)) <= set(TRUSTED_TYPES)


@needs_corpus
def test_annotations_rebuild_from_sources_with_matching_hashes():
    gold = load_gold_clauses()
    assert len({g.doc_id for g in gold}) == 64  # the 2 seeds and the 62 corpus policies
    assert all(g.text.strip() for g in gold)


def test_labels_follow_gold_spans_across_a_segmentation_change():
    from pipeline.annotations import GoldClause

    doc = Document("t", "", "", "Lưu trữ 24 tháng. Liên hệ hotro@congty.vn.")
    clauses = segment_document(doc)
    gold = [GoldClause("t", 0, 17, "", ("retention",)), GoldClause("t", 18, 42, "", ("contact",))]
    assert align_labels(clauses, gold) == [("retention",), ("contact",)]


@pytest.fixture(scope="module")
def training_set():
    from pipeline.classify.train import build_training_set

    return build_training_set()


@needs_corpus
@pytest.mark.parametrize("family", ["logreg", "svm"])
def test_training_is_reproducible(training_set, family):
    import numpy as np

    from pipeline.classify.model import MODEL_FAMILIES

    rows = slice(0, 600)
    first, second = MODEL_FAMILIES[family](), MODEL_FAMILIES[family]()
    first.fit(training_set.X.iloc[rows], training_set.Y[rows])
    second.fit(training_set.X.iloc[rows], training_set.Y[rows])
    probe = training_set.X.iloc[600:700]
    assert np.array_equal(first.predict_proba(probe), second.predict_proba(probe))


@needs_corpus
def test_synthetic_policies_never_enter_an_evaluation_fold(training_set):
    from pipeline.classify.train import cross_val_proba

    assert training_set.synthetic.any()
    predicted = cross_val_proba(training_set, "rules")
    assert not predicted[training_set.synthetic].any()
    assert predicted[~training_set.synthetic].any(axis=1).all()


def test_corrupt_model_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "clause_classifier.skops"
    bad.write_bytes(b"PK\x03\x04 not really a model")
    meta = _meta_for(bad, tmp_path)
    with pytest.raises(ModelNotFoundError, match="not a readable skops file"):
        load_model(bad, meta)


def test_committed_model_was_trained_on_the_committed_annotations():
    from pipeline.annotations import SYNTHETIC_DIR
    from pipeline.classify.train import training_hash
    from pipeline.config import ANNOTATED_DIR

    meta = json.loads(MODEL_META_PATH.read_text(encoding="utf-8"))
    assert meta["training_data_sha256"] == training_hash(ANNOTATED_DIR / "clauses.jsonl",
                                                         SYNTHETIC_DIR)


def test_a_list_of_uses_under_a_muc_dich_heading_is_purpose(classifier):
    text = ("CHÍNH SÁCH BẢO MẬT THÔNG TIN\n1. Mục đích sử dụng thông tin\n"
            "Thông tin của khách hàng được sử dụng cho các mục đích sau:\n"
            "- Xác nhận và giao đơn hàng\n- Chăm sóc khách hàng và giải đáp thắc mắc\n"
            "2. Thời gian lưu trữ thông tin\nDữ liệu được lưu trữ trong 24 tháng.")
    clauses = segment_document(Document("x", "", "", text))
    labels = {c.text: r.labels for c, r in zip(clauses, classifier.predict(clauses), strict=True)}
    assert labels["- Xác nhận và giao đơn hàng"] == ("purpose",)
    assert labels["- Chăm sóc khách hàng và giải đáp thắc mắc"] == ("purpose",)
    assert labels["Dữ liệu được lưu trữ trong 24 tháng."] == ("retention",)


def test_the_same_use_is_purpose_under_muc_dich_and_scope_under_pham_vi_su_dung(classifier):
    """GUIDELINES: a list of uses is `purpose` under a "Mục đích" heading and `scope` under
    "Phạm vi sử dụng"; both headings hold "sử dụng", their first words tell them apart."""
    uses = ("- Xác nhận và giao đơn hàng.", "- Gửi thông tin khuyến mãi qua email.")
    for heading, label in (("2. Mục đích sử dụng thông tin", "purpose"),
                           ("2. Phạm vi sử dụng thông tin", "scope")):
        for use in uses:
            text = ("CHÍNH SÁCH BẢO MẬT\n1. Thông tin thu thập\nHọ tên và số điện thoại.\n"
                    f"{heading}\nChúng tôi dùng thông tin để:\n{use}")
            clauses = segment_document(Document("x", "", "", text))
            assert classifier.predict(clauses)[-1].labels == (label,), (heading, use)


def test_a_cookie_explanation_saying_what_is_collected_is_purpose(classifier):
    text = ("Chính sách bảo mật\n3. Cookie\n"
            "Website sử dụng cookie để ghi nhớ giỏ hàng và thống kê lượt truy cập.")
    clauses = segment_document(Document("x", "", "", text))
    assert "purpose" in classifier.predict(clauses)[-1].labels
