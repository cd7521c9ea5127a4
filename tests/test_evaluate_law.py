"""Evaluating the `pdp` audit against the gold law annotation (`law.jsonl`)."""

import json

import pytest

from pipeline.annotations import load_gold_law, span_hash
from pipeline.clean import clean_file
from pipeline.config import LAW_ELEMENTS
from pipeline.errors import AnnotationError
from pipeline.evaluate_law import evaluate_law, format_law_report, law_gold, run_law_evaluation

from .conftest import SEED_KHATRA


def _law_file(tmp_path, values, evidence=()):
    """A `law.jsonl` for the Khatra seed: `values` by element, `absent` for the others."""
    rows = [{"source": "raw", "file": SEED_KHATRA.name, "element": element,
             "value": values.get(element, "absent"),
             "evidence": list(evidence) if element in values else []}
            for element in LAW_ELEMENTS]
    path = tmp_path / "law.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _span(start, end):
    return {"start": start, "end": end, "sha1": span_hash(clean_file(SEED_KHATRA).text[start:end])}


def test_gold_law_is_read_with_its_hash_checked_evidence(tmp_path):
    path = _law_file(tmp_path, {"controller_identity": "present"}, [_span(0, 20)])
    rows = {row.element: row for row in load_gold_law(path)}
    assert rows["controller_identity"].evidence == ((0, 20),)
    assert rows["children"].value == "absent" and rows["children"].evidence == ()
    bad = _law_file(tmp_path, {"controller_identity": "present"},
                    [{"start": 0, "end": 20, "sha1": "000000000000"}])
    with pytest.raises(AnnotationError, match="no longer matches"):
        load_gold_law(bad)


def test_unknown_value_and_missing_element_fail_loudly(tmp_path):
    with pytest.raises(AnnotationError, match="unknown law element or value"):
        load_gold_law(_law_file(tmp_path, {"consent": "maybe"}))
    path = _law_file(tmp_path, {})
    path.write_text("".join(path.read_text(encoding="utf-8").splitlines(True)[1:]),
                    encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"elements \['controller_identity'\] missing"):
        law_gold(path)


def test_scores_per_element_and_overall():
    gold = {"a": {"consent": "absent", "children": "not_applicable"},
            "b": {"consent": "present", "children": "present"},
            "c": {"consent": "absent", "children": "absent"}}
    audit = {"a": [{"element": "consent", "status": "absent"},
                   {"element": "children", "status": "not_applicable"}],
             "b": [{"element": "consent", "status": "absent"},
                   {"element": "children", "status": "present"}],
             "c": [{"element": "consent", "status": "absent"},
                   {"element": "children", "status": "not_applicable"}]}
    result = evaluate_law(gold, audit)
    consent = result["per_element"]["consent"]
    assert (consent["agreement"], consent["absent_precision"], consent["absent_recall"]) == (
        round(2 / 3, 4), round(2 / 3, 4), 1.0)
    assert consent["present_recall"] == 0.0 and consent["present_precision"] is None
    children = result["per_element"]["children"]
    assert children["absent_recall"] == 0.0 and children["gold_absent"] == 1
    assert result["overall"]["n"] == 6 and result["overall"]["agreement"] == round(4 / 6, 4)
    assert result["disagreements"] == [("b", "consent", "present", "absent"),
                                       ("c", "children", "absent", "not_applicable")]
    assert evaluate_law(gold, audit, ["a"])["overall"]["agreement"] == 1.0
    assert "overall" in format_law_report(result)


@pytest.mark.slow
def test_run_law_evaluation_audits_the_annotated_policy(tmp_path):
    values = {"controller_identity": "present", "children": "not_applicable",
              "automated_processing": "not_applicable"}
    _law_file(tmp_path, values)
    (tmp_path / "split.json").write_text(json.dumps({"dev": [SEED_KHATRA.name], "test": []}))
    result = run_law_evaluation("dev", tmp_path, tmp_path / "split.json")
    assert result["policies"] == [SEED_KHATRA.stem]
    assert set(result["per_element"]) == set(LAW_ELEMENTS)
    for element in values:
        assert result["per_element"][element]["agreement"] == 1.0, element
    assert run_law_evaluation("test", tmp_path, tmp_path / "split.json")["n_policies"] == 0


def test_probe_files_name_law_elements_and_statuses():
    from pipeline.config import ANNOTATED_DIR
    from pipeline.evaluate_law import PROBE_SETS

    for name in PROBE_SETS:
        lines = (ANNOTATED_DIR / "law_probes" / f"{name}.jsonl").read_text(
            encoding="utf-8").splitlines()
        probes = [json.loads(line) for line in lines]
        assert probes
        for probe in probes:
            assert probe["element"] in LAW_ELEMENTS
            assert probe["expected"] in ("present", "absent", "not_applicable")
            assert probe["text"].startswith("Chính sách bảo mật\n")


def test_probes_are_scored_per_set_and_element(tmp_path):
    from pipeline.evaluate_law import PROBE_SETS, evaluate_law_probes, format_probe_report

    probes = [
        {"element": "cookies_tracking", "expected": "not_applicable",
         "text": "Chính sách bảo mật\n1. Thông tin thu thập\nChúng tôi thu thập họ tên khi bạn "
                 "đặt hàng."},
        {"element": "cookies_tracking", "expected": "present",  # no cookie named: missed
         "text": "Chính sách bảo mật\n1. Liên hệ\nEmail: hotro@anphat.example.vn"},
    ]
    for name in PROBE_SETS:
        (tmp_path / f"{name}.jsonl").write_text(
            "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in probes), encoding="utf-8")
    result = evaluate_law_probes(tmp_path)
    assert result[PROBE_SETS[0]] == {"cookies_tracking": {"agree": 1, "n": 2}}
    assert format_probe_report(result)[0].startswith(f"  {PROBE_SETS[0]}: 1/2 (0.500)")
