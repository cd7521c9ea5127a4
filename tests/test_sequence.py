"""The second stage over a document's clause sequence (issue 11): its inputs, its weights as
JSON, and how `ClauseClassifier` applies it (per document, after the memoised first stage)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from pipeline.classify.sequence import (
    INPUTS,
    SequenceModel,
    TwoStageModel,
    document_inputs,
    stacked_inputs,
)
from pipeline.config import CLAUSE_LABELS, MODEL_META_PATH, MODEL_PATH
from pipeline.errors import ModelNotFoundError
from pipeline.records import Document
from pipeline.segment import segment_document

N_LABELS = len(CLAUSE_LABELS)
RETENTION = CLAUSE_LABELS.index("retention")
KEEP = "Chúng tôi lưu trữ thông tin tài khoản của bạn trong ba năm."
VAGUE = "Điều này cũng áp dụng với các bản sao dự phòng."
DELETE = "Sau ba năm, dữ liệu lưu trữ sẽ bị xóa vĩnh viễn."


def _weights(**inputs: float) -> SequenceModel:
    """The same weight on the named inputs for every label, nothing else."""
    coef = np.zeros((N_LABELS, len(INPUTS)))
    for name, weight in inputs.items():
        coef[:, INPUTS.index(name)] = weight
    return SequenceModel(coef, np.zeros(N_LABELS))


def _clauses(text: str, doc_id: str = "t"):  # type: ignore[no-untyped-def]
    return segment_document(Document(doc_id, "", "", text))


@pytest.fixture(scope="module")
def first_stage():
    from pipeline.classify.persist import load_model

    return load_model()[0]


def _classifier(first_stage, sequence: SequenceModel):  # type: ignore[no-untyped-def]
    from pipeline.classify.predict import ClauseClassifier

    return ClauseClassifier(model=TwoStageModel(first_stage, first_stage, sequence))


def test_a_clause_between_two_clauses_of_its_section_reads_both():
    p = np.array([[0.9] * N_LABELS, [0.5] * N_LABELS, [0.2] * N_LABELS])
    inputs = document_inputs(p, p, ["heading", "sentence", "sentence"], [0, 0, 0])
    middle = dict(zip(INPUTS, inputs[1, RETENTION].tolist(), strict=True))
    assert middle["prev_same"] == pytest.approx(np.log(9)) and middle["prev_cross"] == 0
    assert middle["next_same"] == pytest.approx(np.log(0.25)) and middle["next_cross"] == 0
    assert middle["section"] == pytest.approx(np.log(0.55 / 0.45))  # mean of 0.9 and 0.2
    assert middle["window"] == pytest.approx((np.log(9) + np.log(0.25)) / 2)
    assert (middle["same_as_prev"], middle["same_as_next"], middle["heading"]) == (1, 1, 0)


def test_a_heading_between_two_clauses_makes_them_neighbours_across_it():
    p = np.array([[0.9] * N_LABELS, [0.8] * N_LABELS, [0.3] * N_LABELS])
    inputs = document_inputs(p, p, ["sentence", "heading", "sentence"], [-1, 1, 1])
    heading = dict(zip(INPUTS, inputs[1, 0].tolist(), strict=True))
    assert heading["prev_same"] == 0 and heading["prev_cross"] == pytest.approx(np.log(9))
    assert heading["next_same"] == pytest.approx(np.log(0.3 / 0.7))
    first = dict(zip(INPUTS, inputs[0, 0].tolist(), strict=True))
    assert first["section"] == pytest.approx(np.log(9))  # alone before the heading: itself


def test_a_clause_alone_reads_no_evidence_against_itself():
    """A snippet of one clause (`pipeline.analyze`) has no neighbours: each context input is
    the clause's own log-odds, not the "start or end of a policy" that titles and footers
    are."""
    p = np.array([[0.8] * N_LABELS])
    (alone,) = document_inputs(p, p * 0.5, ["sentence"], [-1])[:, 0]
    inputs = dict(zip(INPUTS, alone.tolist(), strict=True))
    for name in ("prev_same", "next_same", "section", "window"):
        assert inputs[name] == pytest.approx(np.log(4))
    for name in ("text_section", "text_window"):
        assert inputs[name] == pytest.approx(np.log(0.4 / 0.6))
    assert inputs["prev_cross"] == inputs["next_cross"] == 0


def test_documents_are_read_apart():
    p = np.random.default_rng(0).uniform(0.05, 0.95, (5, N_LABELS))
    kinds, rows = ["heading", "sentence", "sentence", "heading", "sentence"], [0, 0, 0, 0, 0]
    together = stacked_inputs(p, p, kinds, rows, ["a", "a", "a", "b", "b"])
    assert np.array_equal(together[:3], document_inputs(p[:3], p[:3], kinds[:3], rows[:3]))
    assert np.array_equal(together[3:], document_inputs(p[3:], p[3:], kinds[3:], rows[3:]))


def test_weights_round_trip_as_plain_json_and_other_inputs_are_refused():
    model = SequenceModel(np.arange(N_LABELS * len(INPUTS), dtype=float).reshape(N_LABELS, -1),
                          np.linspace(-1, 1, N_LABELS))
    saved = json.loads(json.dumps(model.to_json()))
    again = SequenceModel.from_json(saved)
    assert np.array_equal(again.coef, model.coef)
    assert np.array_equal(again.intercept, model.intercept)
    with pytest.raises(ValueError):
        SequenceModel.from_json({**saved, "inputs": saved["inputs"][:-1]})
    with pytest.raises(ValueError):
        SequenceModel.from_json({**saved, "coef": saved["coef"][:-1]})


def test_a_vague_clause_between_two_retention_clauses_follows_them(first_stage):
    clauses = _clauses(f"{KEEP}\n{VAGUE}\n{DELETE}")
    assert len({c.section for c in clauses}) == 1
    one_stage = _classifier(first_stage, _weights(self=1.0)).predict(clauses)
    two_stage = _classifier(first_stage, _weights(self=1.0, prev_same=1.0, next_same=1.0)
                            ).predict(clauses)
    assert "retention" in one_stage[0].labels and "retention" in one_stage[2].labels
    assert "retention" not in one_stage[1].labels
    assert two_stage[1].labels == ("retention",)


def test_a_neighbour_across_a_heading_is_not_read_as_one_of_the_section(first_stage):
    text = f"{KEEP}\n4. Liên hệ\nĐịa chỉ: 12 Nguyễn Trãi, Hà Nội."
    clauses = _clauses(text)
    assert [c.kind for c in clauses] == ["sentence", "heading", "sentence"]
    same_only = _classifier(first_stage, _weights(self=1.0, prev_same=1.0)).predict(clauses)
    self_only = _classifier(first_stage, _weights(self=1.0)).predict(clauses)
    assert same_only[1].scores == self_only[1].scores  # its previous clause is across it


def test_the_memo_keeps_first_stage_scores_only(first_stage):
    """A row repeated in two documents is scored once by the first stage; its final scores
    still follow each document's own clauses."""
    shared = f"\n{VAGUE}\n{DELETE}"
    a = _clauses(f"3. Quy định khác\n{KEEP}\nDữ liệu được sao lưu hằng tuần.{shared}", "a")
    b = _clauses(f"3. Quy định khác\n{KEEP}\nCửa hàng mở cửa từ 8 giờ đến 21 giờ.{shared}",
                 "b")
    sequence = _weights(self=1.0, window=2.0)
    classifier = _classifier(first_stage, sequence)
    both = classifier.predict_many([a, b])
    assert both == [_classifier(first_stage, sequence).predict(a),
                    _classifier(first_stage, sequence).predict(b)]
    assert both[0][4].scores != both[1][4].scores  # same row, other clauses in its window
    assert len(classifier.memo) == 8  # the title and the last clause are the same rows
    assert all(len(classifier.memo.get(key)) == 2 * N_LABELS
               for key in list(classifier.memo._data))


def test_one_stage_models_give_the_first_stage_scores(first_stage):
    from pipeline.classify.features import feature_rows
    from pipeline.classify.predict import ClauseClassifier
    from pipeline.classify.sklearn_scoring import SklearnScorer

    clauses = _clauses(f"3. Quy định khác\n{KEEP}\n{VAGUE}")
    rows = feature_rows(clauses)
    expected = SklearnScorer(first_stage).predict_proba(rows)
    results = ClauseClassifier(model=first_stage).predict(clauses)
    assert [list(r.scores.values()) for r in results] == np.round(expected, 4).tolist()


def _two_stage_files(folder: Path, sequence: SequenceModel) -> tuple[Path, Path]:
    """The committed model as both first stages, `sequence` as the second, with metadata."""
    from pipeline.classify.persist import load_model
    from pipeline.classify.train import save_second_stage

    model_path, meta_path = folder / MODEL_PATH.name, folder / MODEL_META_PATH.name
    shutil.copy(MODEL_PATH, model_path)
    main = load_model()[0]
    meta = json.loads(MODEL_META_PATH.read_text(encoding="utf-8"))
    meta.update(save_second_stage(TwoStageModel(main, main, sequence), folder))
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    return model_path, meta_path


def test_saved_second_stage_loads_and_a_changed_one_is_refused(tmp_path, monkeypatch):
    from pipeline import config
    from pipeline.classify.persist import load_stages

    monkeypatch.setattr(config, "USER_CACHE_DIR", tmp_path / "cache")
    sequence = _weights(self=1.0, section=0.5)
    model_path, meta_path = _two_stage_files(tmp_path, sequence)
    _, text, loaded, meta = load_stages(model_path, meta_path)
    assert text is not None and np.array_equal(loaded.coef, sequence.coef)
    weights = tmp_path / meta["sequence_file"]
    weights.write_text(weights.read_text(encoding="utf-8").replace("0.5", "5.0"),
                       encoding="utf-8")
    with pytest.raises(ModelNotFoundError, match="sequence_sha256"):
        load_stages(model_path, meta_path)
    meta["sequence_sha256"] = hashlib.sha256(weights.read_bytes()).hexdigest()
    (tmp_path / meta["text_model_file"]).write_bytes(b"PK\x03\x04 not a model")
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelNotFoundError, match="text_model_sha256"):
        load_stages(model_path, meta_path)


def _run(folder: Path, cache: Path) -> str:
    """What a fresh process imports to label clauses with the two-stage files in `folder`."""
    import os
    import subprocess
    import sys

    text = f"3. Quy định khác\n{KEEP}\n{VAGUE}"
    code = ("import sys\n"
            "from pathlib import Path\n"
            "from pipeline.classify.predict import ClauseClassifier\n"
            "from pipeline.records import Document\n"
            "from pipeline.segment import segment_document\n"
            f"folder = Path({str(folder)!r})\n"
            f"c = ClauseClassifier(folder / {MODEL_PATH.name!r}, folder / "
            f"{MODEL_META_PATH.name!r})\n"
            f"doc = Document('t', '', '', {text!r})\n"
            "print([r.labels for r in c.predict(segment_document(doc))],\n"
            "      type(c.text_scorer).__name__,\n"
            "      sorted({'sklearn', 'skops', 'scipy'}\n"
            "             & {m.split('.')[0] for m in sys.modules}))")
    env = {**os.environ, "VNPOLICY_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_a_two_stage_run_does_not_import_scikit_learn_once_cached(tmp_path):
    folder = tmp_path / "models"
    folder.mkdir()
    _two_stage_files(folder, _weights(self=1.0, prev_same=1.0, next_same=1.0))
    first = _run(folder, tmp_path / "cache")
    assert "LinearScorer" in first and "sklearn" in first
    second = _run(folder, tmp_path / "cache")
    assert second.endswith("LinearScorer []") and second.split(" Linear")[0] == first.split(
        " Linear")[0]


def test_fit_sequence_model_learns_that_a_label_continues_in_its_section():
    from pipeline.classify.train import fit_sequence_model

    rng = np.random.default_rng(3)
    n = 400
    truth = rng.integers(0, 2, (n, N_LABELS))
    inputs = rng.normal(0, 1, (n, N_LABELS, len(INPUTS)))
    inputs[:, :, INPUTS.index("section")] += 3 * (2 * truth - 1)  # the section says the label
    model = fit_sequence_model(inputs, truth)
    section = model.coef[:, INPUTS.index("section")]
    assert (section > 1).all() and (np.abs(model.coef[:, INPUTS.index("self")]) < 0.5).all()
    assert ((model.predict_proba(inputs) >= 0.5) == truth).mean() > 0.95
