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
