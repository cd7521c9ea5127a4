import json

import pytest

from pipeline.annotations import load_gold_clauses
from pipeline.errors import AnnotationError

from .conftest import SEED_KHATRA


def _write(tmp_path, row):
    path = tmp_path / "clauses.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    return path


def test_hash_mismatch_fails_loudly(tmp_path):
    row = {"source": "raw", "file": SEED_KHATRA.name, "start": 0, "end": 14,
           "sha1": "000000000000", "labels": ["other"]}
    with pytest.raises(AnnotationError, match="no longer matches"):
        load_gold_clauses(_write(tmp_path, row))


def test_unknown_label_fails_loudly(tmp_path):
    from pipeline.annotations import span_hash
    from pipeline.clean import clean_file

    text = clean_file(SEED_KHATRA).text[0:14]
    row = {"source": "raw", "file": SEED_KHATRA.name, "start": 0, "end": 14,
           "sha1": span_hash(text), "labels": ["privacy"]}
    with pytest.raises(AnnotationError, match="unknown or empty labels"):
        load_gold_clauses(_write(tmp_path, row))


def test_annotation_files_hold_no_policy_text():
    from pipeline.config import ANNOTATED_DIR

    for name in ("clauses.jsonl", "facts.jsonl"):
        for line in (ANNOTATED_DIR / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            assert "text" not in row and "value" not in row


def test_names_and_addresses_are_kept_as_spans_only():
    from pipeline.config import ANNOTATED_DIR

    for line in (ANNOTATED_DIR / "facts.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        assert row["type"] not in ("organization", "address") or "normalized" not in row


def test_a_name_without_a_stored_value_is_read_back_from_its_span(tmp_path):
    from pipeline.annotations import load_gold_facts, span_hash
    from pipeline.clean import clean_file

    text = clean_file(SEED_KHATRA).text
    name = "CTY TNHH THƯƠNG MẠI KHÁNH HỘI"
    start = text.index(name)
    row = {"source": "raw", "file": SEED_KHATRA.name, "type": "organization", "start": start,
           "end": start + len(name), "sha1": span_hash(name), "qualifier": ""}
    path = tmp_path / "facts.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert [f.normalized for f in load_gold_facts(path)] == [name]
    path.write_text(json.dumps({**row, "type": "email"}) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match="needs its normalized value"):
        load_gold_facts(path)


def test_agreement_counts_what_the_review_changed(tmp_path):
    import json

    from pipeline.annotation_tool import heading_agreement, label_agreement

    def write(folder, name, rows):
        folder.mkdir(exist_ok=True)
        (folder / name).write_text("".join(json.dumps(r) + "\n" for r in rows))

    first, final = tmp_path / "first", tmp_path / "final"
    base = {"source": "corpus", "file": "a.txt", "sha1": "x"}
    write(first, "clauses.jsonl", [{**base, "start": 0, "end": 10, "labels": ["purpose"]},
                                   {**base, "start": 11, "end": 20, "labels": ["scope"]}])
    write(final, "clauses.jsonl", [{**base, "start": 0, "end": 10, "labels": ["purpose"]},
                                   {**base, "start": 11, "end": 20, "labels": ["purpose"]}])
    agreement = label_agreement(first / "clauses.jsonl", final / "clauses.jsonl")
    assert agreement["purpose"]["recall"] == 0.5 and agreement["purpose"]["precision"] == 1.0
    assert agreement["all"] == {"clauses": 2, "identical": 0.5}
    write(first, "headings.jsonl", [{**base, "start": 0, "end": 10, "level": 2}])
    write(final, "headings.jsonl", [{**base, "start": 0, "end": 10, "level": 1},
                                    {**base, "start": 11, "end": 20, "level": 2}])
    heads = heading_agreement(first / "headings.jsonl", final / "headings.jsonl")
    assert heads["precision"] == 1.0 and heads["recall"] == 0.5
    assert heads["level_agreement"] == 0.0
