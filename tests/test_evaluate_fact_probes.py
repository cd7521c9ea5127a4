"""Fact probes (`data/annotated/fact_probes/`): well-formed, and scored per type."""

import json

from pipeline.config import ANNOTATED_DIR
from pipeline.evaluate_fact_probes import (
    PROBE_SETS,
    PROBE_TYPES,
    evaluate_fact_probes,
    format_fact_probe_report,
    load_fact_probes,
)

RETENTION_KINDS = {"until_deletion_request", "until_purpose_fulfilled", "indefinite",
                   "as_required_by_law"}


def test_probe_files_hold_facts_written_in_their_text_and_normalised_as_taxonomy_says():
    for name in PROBE_SETS:
        probes = load_fact_probes(ANNOTATED_DIR / "fact_probes" / f"{name}.jsonl")
        assert {probe["type"] for probe in probes} == set(PROBE_TYPES), name
        for probe in probes:
            assert probe["text"].startswith("Chính sách bảo mật\n"), probe
            for fact in probe["facts"]:
                value, normalized = fact["value"], fact["normalized"]
                assert value in probe["text"], (name, fact)
                if probe["type"] == "organization":
                    assert normalized == value[:1].upper() + value[1:], (name, fact)
                elif probe["type"] == "address":
                    assert normalized == value, (name, fact)
                else:
                    assert normalized.isdigit() or normalized in RETENTION_KINDS, (name, fact)


def test_probes_are_scored_per_type_by_normalised_value(tmp_path):
    probes = [
        {"type": "organization", "facts": [
            {"value": "Công ty TNHH Thực phẩm Minh Long",
             "normalized": "Công ty TNHH Thực phẩm Minh Long"}],
         "text": "Chính sách bảo mật\n1. Giới thiệu\nCông ty TNHH Thực phẩm Minh Long (sau đây "
                 "gọi là Minh Long) quản lý website minhlong.example.vn."},
        {"type": "retention_period", "facts": [{"value": "5 năm", "normalized": "1825"}],
         "text": "Chính sách bảo mật\n4. Thời gian lưu trữ\nDữ liệu của bạn được lưu trữ trong "
                 "5 năm kể từ giao dịch cuối cùng."},
        {"type": "retention_period", "facts": [{"value": "2 năm", "normalized": "730"}],
         "text": "Chính sách bảo mật\n4. Thời gian lưu trữ\nSản phẩm được bảo hành 12 tháng."},
    ]
    for name in PROBE_SETS:
        (tmp_path / f"{name}.jsonl").write_text(
            "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in probes), encoding="utf-8")
    result = evaluate_fact_probes(tmp_path)
    assert result[PROBE_SETS[0]]["organization"] == {"exact": 1, "n": 1, "tp": 1, "fp": 0,
                                                     "fn": 0}
    assert result[PROBE_SETS[0]]["retention_period"] == {"exact": 1, "n": 2, "tp": 1, "fp": 0,
                                                         "fn": 1}
    line = format_fact_probe_report(result)[0]
    assert line.startswith(f"  {PROBE_SETS[0]}: 2/3 probes right; organization 1/1 (P 1.00")
    assert "retention_period 1/2 (P 1.00 R 0.50)" in line and "address" not in line
