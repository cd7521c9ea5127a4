import hashlib
import json
from pathlib import Path

import pytest

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


def test_fast_scoring_gives_the_models_own_probabilities(classifier):
    import numpy as np
    import pandas as pd

    from pipeline.classify.features import clause_features
    from pipeline.classify.predict import predict_proba

    features = pd.concat([clause_features(segment_document(clean_file(seed)))
                          for seed in (SEED_KHATRA, SEED_KALIX)], ignore_index=True)
    assert features["section"].nunique() < len(features)  # the shortcut has work to skip
    assert np.array_equal(predict_proba(classifier.model, features),
                          classifier.model.predict_proba(features))


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


def test_a_cookie_explanation_saying_what_is_collected_is_purpose(classifier):
    text = ("Chính sách bảo mật\n3. Cookie\n"
            "Website sử dụng cookie để ghi nhớ giỏ hàng và thống kê lượt truy cập.")
    clauses = segment_document(Document("x", "", "", text))
    assert "purpose" in classifier.predict(clauses)[-1].labels
