"""One bad file is one `errors` row: whatever a stage raises for a document, a worker that
dies, a cache or memo entry of the wrong shape or a failing cache disk leave the rest of the
batch complete and the exit status right."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline import document
from pipeline.cli import app

from .conftest import POLICY
from .test_office import make_docx

runner = CliRunner()


def invoke(inputs: Path, root: Path, *options: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["run", str(inputs), "--out", str(root / "out"), "--interim",
                               str(root / "interim"), "-q", *options])


def tables(root: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(root / "out" / f"{name}.parquet")
            for name in ("documents", "clauses", "facts", "errors")}


def test_docx_with_a_style_without_val_is_one_errors_row_at_most_issue_16(good_dir, tmp_path):
    body = "<w:p><w:pPr><w:pStyle/></w:pPr><w:r><w:t>Dữ liệu được bảo mật.</w:t></w:r></w:p>"
    (good_dir / "kieu-hong.docx").write_bytes(make_docx(body))
    (good_dir / "xml-hong.docx").write_bytes(make_docx("<w:p><w:r><w:t>mở</w:p>"))
    for _ in range(2):  # and the same on the next run (from the cache)
        result = invoke(good_dir, tmp_path, "--workers", "1")
        assert result.exit_code == 2, result.output
        found = tables(tmp_path)
        assert set(found["documents"]["doc_id"]) == {"hoasen", "binhminh", "anhduong",
                                                     "kieu-hong"}
        assert list(found["errors"]["doc_id"]) == ["xml-hong"]
        assert "xml-hong.docx: unreadable DOCX" in found["errors"]["error"][0]


@pytest.mark.parametrize("stage", ["segment", "classify", "extract", "audit"])
def test_any_exception_of_a_stage_is_that_documents_error_row_issue_16(good_dir, tmp_path,
                                                                       monkeypatch, stage):
    """A stage that raises something unexpected (not a PipelineError) for one document."""
    def poisoned(real):  # type: ignore[no-untyped-def]
        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            if "binhminh" in repr(args)[:100_000]:
                raise KeyError("hỏng")
            return real(*args, **kwargs)
        return call

    if stage == "classify":
        from pipeline.batch import worker
        classifier = worker.classifier()
        monkeypatch.setattr(classifier, "predict_many", poisoned(classifier.predict_many))
    else:
        name = {"segment": "segment_document", "extract": "extract_facts",
                "audit": "audit_document"}[stage]
        monkeypatch.setattr(document, name, poisoned(getattr(document, name)))
    result = invoke(good_dir, tmp_path, "--workers", "1", "--no-cache")
    assert result.exit_code == 2, result.output
    found = tables(tmp_path)
    errors = found["errors"].set_index("doc_id")
    assert list(errors.index) == ["binhminh"] and errors.loc["binhminh", "stage"] == stage
    assert errors.loc["binhminh", "error"].endswith("binhminh.txt: KeyError: 'hỏng'")
    documents = found["documents"].set_index("doc_id")["status"]
    assert documents.to_dict() == {"anhduong": "ok", "binhminh": "error", "hoasen": "ok"}
    assert {"hoasen", "anhduong"} <= set(found["facts"]["doc_id"])


def cache_entries(root: Path) -> list[Path]:
    return sorted(p for p in (root / "interim" / "cache").rglob("*.json.gz")
                  if p.name != "memo.json.gz")


def reseal(entry: Path, root: Path, rows: object) -> None:
    """Write `rows` as the entry, sealed with the cache's own key: a well-signed entry of the
    wrong shape (what a buggy or older writer would leave)."""
    import gzip
    import json

    from pipeline.batch.cache import load_key, seal

    payload = gzip.compress(json.dumps(rows).encode())
    key = load_key(root / "interim" / "cache")
    assert key is not None
    entry.write_bytes(seal(key, entry.name.removesuffix(".json.gz"), payload))


def read_entry(entry: Path) -> dict:
    import gzip
    import json

    from pipeline.batch.cache import MAC_SIZE

    return json.loads(gzip.decompress(entry.read_bytes()[MAC_SIZE:]))


@pytest.mark.parametrize("shape", ["empty", "list", "missing column", "wrong type"])
def test_cache_entry_of_the_wrong_shape_is_recomputed_and_overwritten_issue_16(
        good_dir, tmp_path, shape):
    assert invoke(good_dir, tmp_path, "--workers", "1").exit_code == 0
    entry = cache_entries(tmp_path)[0]
    good = read_entry(entry)
    bad = {"empty": {}, "list": [1, 2], "missing column": {**good, "facts": {"type": []}},
           "wrong type": {**good, "clauses": {**good["clauses"],
                                             "start": ["0"] * len(good["clauses"]["start"])}}}
    reseal(entry, tmp_path, bad[shape])
    (tmp_path / "out" / "documents.parquet").unlink()  # so the run is not "up to date"
    for _ in range(2):  # not only once: the entry is overwritten with good rows
        result = invoke(good_dir, tmp_path, "--workers", "1")
        assert result.exit_code == 0, result.output
        assert len(tables(tmp_path)["documents"]) == 3
    assert read_entry(entry) == good


def test_memo_of_the_wrong_shape_is_ignored_issue_16(good_dir, tmp_path):
    import gzip
    import json

    from pipeline.batch.cache import MEMO_FILE, load_key, seal

    assert invoke(good_dir, tmp_path, "--workers", "1").exit_code == 0
    version_dir = next(p for p in (tmp_path / "interim" / "cache").iterdir() if p.is_dir())
    key = load_key(tmp_path / "interim" / "cache")
    assert key is not None
    for memo in ({"tokens": []}, {"tokens": {"k": [["a"], [0, 1]]}, "scores": {"k": [1]}}, []):
        (version_dir / MEMO_FILE).write_bytes(
            seal(key, MEMO_FILE, gzip.compress(json.dumps(memo).encode())))
        (good_dir / "moi.txt").write_text(POLICY.format(name=f"moi{len(memo)}"), "utf-8")
        result = invoke(good_dir, tmp_path, "--workers", "1")
        assert result.exit_code == 0, result.output


def test_a_forged_cache_entry_is_not_served_issue_16(good_dir, tmp_path):
    """An entry edited by hand (an injected fact and text) fails its HMAC; one sealed with
    another key too."""
    import gzip
    import json

    assert invoke(good_dir, tmp_path, "--workers", "1").exit_code == 0
    entries = cache_entries(tmp_path)
    for i, entry in enumerate(entries[:2]):
        rows = read_entry(entry)
        rows["documents"]["text"] = ["Văn bản giả mạo."]
        rows["facts"]["value"] = ["gia-mao@lua-dao.vn" for _ in rows["facts"]["value"]]
        payload = gzip.compress(json.dumps(rows).encode())
        if i == 0:  # the old MAC kept in front of edited bytes
            entry.write_bytes(entry.read_bytes()[:32] + payload)
        else:
            from pipeline.batch.cache import seal
            entry.write_bytes(seal(b"another key" * 3, entry.name[:-8], payload))
    (tmp_path / "out" / "documents.parquet").unlink()
    assert invoke(good_dir, tmp_path, "--workers", "1").exit_code == 0
    found = tables(tmp_path)
    assert "Văn bản giả mạo." not in set(found["documents"]["text"])
    assert "gia-mao@lua-dao.vn" not in set(found["facts"]["value"])


def _disk_full(*args: object) -> None:
    raise OSError(28, "No space left on device")


def test_a_cache_disk_that_is_full_costs_only_the_cache_issue_16(good_dir, tmp_path,
                                                                 monkeypatch):
    from pipeline.batch import cache

    monkeypatch.setattr(cache, "atomic_write", _disk_full)  # entries and memo alike
    result = invoke(good_dir, tmp_path, "--workers", "1")
    assert result.exit_code == 0, result.output
    assert len(tables(tmp_path)["documents"]) == 3
    assert not cache_entries(tmp_path)
    monkeypatch.undo()
    again = invoke(good_dir, tmp_path, "--workers", "1")  # not "up to date": nothing cached
    assert again.exit_code == 0 and "0 of 3 documents from the cache" in again.output


def test_a_memo_that_cannot_be_saved_after_the_tables_is_a_warning_issue_16(
        good_dir, tmp_path, monkeypatch):
    from pipeline.batch import cache, worker
    from pipeline.memo import Memos

    monkeypatch.setattr(worker, "MEMOS", Memos())  # a process that has seen no clause yet
    real, tried = cache.atomic_write, []

    def memo_disk_full(path: Path, write: object) -> None:
        if path.name != cache.MEMO_FILE:
            return real(path, write)
        tried.append(path)
        _disk_full()

    monkeypatch.setattr(cache, "atomic_write", memo_disk_full)
    (good_dir / "ban-sao.txt").write_text(POLICY.format(name="hoasen") + "Hết.", "utf-8")
    result = invoke(good_dir, tmp_path, "--workers", "1")
    assert result.exit_code == 0, result.output
    assert tried, "the run had repeated clauses: it must have tried to save the memo"
    assert len(tables(tmp_path)["documents"]) == 4 and len(cache_entries(tmp_path)) == 4


@pytest.mark.slow
def test_a_worker_killed_mid_task_is_replaced_and_only_its_culprit_reported_issue_16(
        good_dir, tmp_path, monkeypatch):
    """A document that kills its worker (as the OOM killer would) with SIGKILL: the pool is
    replaced, the documents of the broken tasks are retried alone, the culprit twice, then it
    is one `errors` row. Workers are forked here so that they inherit the poisoned step."""
    import multiprocessing
    import os
    import signal

    from pipeline.batch import engines, worker
    from pipeline.batch import run as batch

    real = worker.process_documents

    def lethal(items, *args):  # type: ignore[no-untyped-def]
        if any(b"TU-HUY" in data for _, _, data in items):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(items, *args)

    monkeypatch.setattr(worker, "process_documents", lethal)
    monkeypatch.setattr(engines, "_context", lambda preload: multiprocessing.get_context("fork"))
    monkeypatch.setattr(batch, "TASK_SIZE", 2)
    monkeypatch.setattr(batch, "MIN_TASKS_PER_WORKER", 1)
    (good_dir / "ban-sao.txt").write_text(POLICY.format(name="bansao"), "utf-8")
    (good_dir / "binhminh.txt").write_text(POLICY.format(name="binhminh") + "TU-HUY", "utf-8")
    report = batch.run_pipeline([good_dir], tmp_path / "out", tmp_path / "interim",
                                workers=2, show_progress=False)
    assert [(e["doc_id"], e["stage"]) for e in report.errors] == [("binhminh", "process")]
    assert "died twice" in report.errors[0]["error"]
    documents = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    assert list(documents["doc_id"]) == ["anhduong", "ban-sao", "hoasen"]


def test_an_out_disk_that_fills_up_is_a_clear_error_and_keeps_the_old_tables(
        good_dir, tmp_path, monkeypatch):
    from pipeline.batch import writer

    assert invoke(good_dir, tmp_path, "--workers", "1").exit_code == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").glob("*.parquet")}
    (good_dir / "moi.txt").write_text(POLICY.format(name="moi"), encoding="utf-8")
    monkeypatch.setattr(writer.DatasetWriter, "write", _disk_full)
    result = invoke(good_dir, tmp_path, "--workers", "1")
    assert result.exit_code == 1 and "cannot write the dataset" in result.output
    assert "Traceback" not in result.output
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").glob("*.parquet")} == before
    assert not list((tmp_path / "out").glob("*.tmp"))
