"""`vnpolicy run` at scale: streamed tables, workers, engines, the per-document cache, memos."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.batch import manifest, worker
from pipeline.batch import run as batch
from pipeline.batch.cache import MAC_SIZE, code_version, load_key, load_memo, save_memo
from pipeline.cli import app
from pipeline.config import CleanParams, SegmentParams
from pipeline.errors import PipelineError
from pipeline.io import LOCK_FILE
from pipeline.records import StageReport
from pipeline.schema import DATASET_TABLES
from pipeline.stages import run_build, run_classify, run_clean, run_extract, run_segment

from .conftest import SEED_KALIX, SEED_KHATRA

TEMPLATE = (
    "CHÍNH SÁCH BẢO MẬT THÔNG TIN\n"
    "1. Mục đích và phạm vi thu thập thông tin\n"
    "{name} thu thập họ tên, số điện thoại và địa chỉ email của khách hàng.\n"
    "2. Thời gian lưu trữ thông tin\n"
    "Dữ liệu cá nhân được lưu trữ trong {months} tháng kể từ ngày đăng ký.\n"
    "3. Cơ chế tiếp nhận và giải quyết khiếu nại\n"
    "Thời gian xử lý khiếu nại là 05 ngày làm việc. Liên hệ {email} hoặc Hotline 1900 1234.\n"
)
COMPANIES = [("Công ty TNHH Hoa Sen", "hotro@hoasen.vn"), ("Công ty TNHH Bình Minh",
             "cskh@binhminh.com.vn"), ("Công ty CP Ánh Dương", "lienhe@anhduong.vn"),
             ("Công ty TNHH Sao Việt", "hotro@saoviet.vn")]
runner = CliRunner()


@pytest.fixture
def templated_dir(tmp_path: Path) -> Path:
    """Four policies from one template (shared sentences) and a file that cannot be read."""
    folder = tmp_path / "policies"
    folder.mkdir()
    for i, (name, email) in enumerate(COMPANIES):
        text = TEMPLATE.format(name=name, email=email, months=12 * (i + 1))
        (folder / f"cong-ty-{i}.txt").write_text(text, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    return folder


@pytest.fixture
def small_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """One document per task and two per row group, so a few files exercise everything."""
    monkeypatch.setattr(batch, "TASK_SIZE", 1)
    monkeypatch.setattr(batch, "CHUNK_SIZE", 2)


def _run(inputs: list[Path], root: Path, **options) -> StageReport:
    return batch.run_pipeline(inputs, root / "out", root / "interim", show_progress=False,
                              **options)


def _bytes(folder: Path) -> dict[str, bytes]:
    """The tables of a dataset folder (not the run's manifest, which records file times)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if not p.name.startswith(".")}


def _left(folder: Path) -> list[str]:
    """What a run left in its output folder, besides the lock it holds while it runs."""
    return [p.name for p in folder.iterdir() if p.name != LOCK_FILE]


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """List cells (numpy arrays once read back) as lists, so frames compare with `equals`."""
    return frame.map(lambda v: np.asarray(v).tolist() if isinstance(v, list | np.ndarray) else v)


@pytest.mark.slow
def test_streamed_run_equals_the_stage_commands(templated_dir, tmp_path, small_tasks):
    inputs = [templated_dir, SEED_KHATRA, SEED_KALIX]
    staged = tmp_path / "staged"
    run_clean(inputs, staged / "interim", show_progress=False)
    run_segment(staged / "interim", show_progress=False)
    run_classify(staged / "interim", show_progress=False)
    run_extract(staged / "interim", show_progress=False)
    run_build(staged / "interim", staged / "parquet")
    run_build(staged / "interim", staged / "csv", fmt="csv")
    report = _run(inputs, tmp_path / "streamed")
    assert (report.n_in, report.n_out, len(report.errors)) == (7, 6, 1)
    for name in DATASET_TABLES:
        expected = pd.read_parquet(staged / "parquet" / f"{name}.parquet")
        got = pd.read_parquet(tmp_path / "streamed" / "out" / f"{name}.parquet")
        assert list(got.columns) == list(expected.columns)
        assert dict(got.dtypes) == dict(expected.dtypes), name
        assert _comparable(got).equals(_comparable(expected)), name
    assert got["doc_id"].is_monotonic_increasing
    _run(inputs, tmp_path / "streamed", fmt="csv")  # from the cache this time
    streamed_csv = {k: v for k, v in _bytes(tmp_path / "streamed" / "out").items()
                    if k.endswith(".csv")}
    assert streamed_csv == _bytes(staged / "csv")


@pytest.mark.slow
def test_one_or_two_workers_give_the_same_bytes(templated_dir, tmp_path, small_tasks):
    one = _run([templated_dir], tmp_path / "one", workers=1, use_cache=False)
    two = _run([templated_dir], tmp_path / "two", workers=2, use_cache=False)
    assert one.errors == two.errors and len(one.errors) == 1
    assert _bytes(tmp_path / "one" / "out") == _bytes(tmp_path / "two" / "out")


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_bytes(templated_dir, tmp_path, small_tasks):
    single = _run([templated_dir], tmp_path / "single", workers=1, use_cache=False)
    result = runner.invoke(app, ["run", str(templated_dir), "--out", str(tmp_path / "dask"),
                                 "--interim", str(tmp_path / "i"), "--engine", "dask",
                                 "--workers", "2", "--no-cache", "-q"])
    assert result.exit_code == 2, result.output  # empty.txt failed, the rest went through
    assert single.n_out == 4
    assert _bytes(tmp_path / "single" / "out") == _bytes(tmp_path / "dask")


@pytest.mark.slow
def test_dask_scheduler_on_loopback_gives_the_same_bytes(templated_dir, tmp_path, small_tasks):
    from dask.distributed import LocalCluster

    _run([templated_dir], tmp_path / "single", workers=1, use_cache=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        _run([templated_dir], tmp_path / "dask", engine="dask",
             scheduler=cluster.scheduler_address, use_cache=False)
    assert _bytes(tmp_path / "single" / "out") == _bytes(tmp_path / "dask" / "out")


def test_unreachable_scheduler_is_a_clear_error(templated_dir, tmp_path):
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = runner.invoke(app, ["run", str(templated_dir), "--out", str(tmp_path / "o"),
                                     "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler" in result.output


def test_scheduler_without_dask_is_refused(templated_dir, tmp_path):
    result = runner.invoke(app, ["run", str(templated_dir), "--out", str(tmp_path / "o"),
                                 "--scheduler", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 1 and "--engine dask" in result.output


def test_rerun_processes_only_the_changed_file(templated_dir, tmp_path, small_tasks):
    first = _run([templated_dir], tmp_path)
    assert first.n_cached == 0
    changed = templated_dir / "cong-ty-2.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("05 ngày", "07 ngày"),
                       encoding="utf-8")
    second = _run([templated_dir], tmp_path)
    assert second.n_cached == 3  # the changed file and the unreadable one are redone
    fresh = _run([templated_dir], tmp_path / "fresh", use_cache=False)
    assert fresh.n_cached == 0
    assert _bytes(tmp_path / "out") == _bytes(tmp_path / "fresh" / "out")
    facts = pd.read_parquet(tmp_path / "out" / "facts.parquet")
    deadlines = facts[facts["type"] == "complaint_deadline"].set_index("doc_id")["normalized"]
    assert deadlines["cong-ty-2"] == "7" and deadlines["cong-ty-1"] == "5"


def test_a_rerun_with_nothing_changed_rewrites_nothing(templated_dir, tmp_path):
    (templated_dir / "empty.txt").unlink()  # a failed file is retried on every run
    _run([templated_dir], tmp_path)
    tables = {p: p.stat().st_mtime_ns for p in (tmp_path / "out").glob("*.parquet")}
    again = _run([templated_dir], tmp_path)
    assert again.up_to_date and again.n_cached == again.n_in == again.n_out == 4
    assert {p: p.stat().st_mtime_ns for p in tables} == tables
    result = runner.invoke(app, ["run", str(templated_dir), "--out", str(tmp_path / "out"),
                                 "--interim", str(tmp_path / "interim"), "-q"])
    assert result.exit_code == 0 and "is up to date" in result.output


@pytest.mark.parametrize("change", ["input", "table", "format", "failed file"])
def test_a_rerun_after_a_change_writes_the_tables_again(templated_dir, tmp_path, change):
    (templated_dir / "empty.txt").unlink()
    _run([templated_dir], tmp_path)
    options = {}
    if change == "input":
        (templated_dir / "cong-ty-0.txt").write_text(TEMPLATE.format(
            name="Công ty TNHH Hoa Sen", email="hotro@hoasen.vn", months=6), encoding="utf-8")
    elif change == "table":
        (tmp_path / "out" / "facts.parquet").write_bytes(b"edited by hand")
    elif change == "format":
        options = {"fmt": "csv"}
    else:
        (templated_dir / "empty.txt").write_bytes(b"")
        _run([templated_dir], tmp_path)  # fails one file: no manifest, so never up to date
    again = _run([templated_dir], tmp_path, **options)
    assert not again.up_to_date
    assert len(pd.read_parquet(tmp_path / "out" / "facts.parquet")) > 0


def test_a_manifest_that_cannot_be_written_costs_only_the_shortcut(templated_dir, tmp_path,
                                                                   monkeypatch):
    (templated_dir / "empty.txt").unlink()

    def disk_full(path: Path, write: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(manifest, "atomic_write", disk_full)
    report = _run([templated_dir], tmp_path)
    assert report.n_out == 4 and not (tmp_path / "out" / manifest.MANIFEST).exists()
    monkeypatch.undo()
    assert not _run([templated_dir], tmp_path).up_to_date


def test_tables_and_cache_entries_get_the_usual_file_mode(templated_dir, tmp_path):
    import os
    import stat

    from pipeline.io import new_file_mode

    umask = os.umask(0o022)
    new_file_mode.cache_clear()
    try:
        _run([templated_dir], tmp_path)
    finally:
        os.umask(umask)
        new_file_mode.cache_clear()
    written = [*(tmp_path / "out").iterdir(), *(tmp_path / "interim").rglob("*.json.gz")]
    assert len(written) > 6
    assert {stat.S_IMODE(p.stat().st_mode) for p in written} == {0o644}


def test_interrupted_run_resumes_from_the_cache(templated_dir, tmp_path, small_tasks,
                                                monkeypatch):
    calls = []

    def interrupted(items, settings):
        if len(calls) == 2:
            raise KeyboardInterrupt
        calls.append(items)
        return real(items, settings)

    real = batch.process_batch
    monkeypatch.setattr(batch, "process_batch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _run([templated_dir], tmp_path)
    assert _left(tmp_path / "out") == []  # no table, no temporary file left
    monkeypatch.setattr(batch, "process_batch", real)
    result = runner.invoke(app, ["run", str(templated_dir), "--out", str(tmp_path / "out"),
                                 "--interim", str(tmp_path / "interim"),
                                 "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert "2 of 5 documents from the cache" in result.output
    assert "doc/s" not in result.output  # stderr is not a terminal: no progress bar
    assert len(pd.read_parquet(tmp_path / "out" / "documents.parquet")) == 4


def test_strict_stops_at_the_first_bad_file_and_writes_nothing(templated_dir, tmp_path):
    with pytest.raises(PipelineError, match="empty: clean failed: .*empty file"):
        _run([templated_dir], tmp_path, strict=True)
    assert _left(tmp_path / "out") == []


def test_resume_is_gone_a_plain_rerun_continues_issue_15(templated_dir, tmp_path):
    result = runner.invoke(app, ["run", str(templated_dir), "--out", str(tmp_path / "o"),
                                 "--resume"])
    assert result.exit_code == 2 and "No such option" in result.output


def test_cache_entries_are_gzipped_json_written_whole(templated_dir, tmp_path):
    _run([templated_dir], tmp_path)
    entries = list((tmp_path / "interim" / "cache").rglob("*.json.gz"))
    rows = [json.loads(gzip.decompress(p.read_bytes()[MAC_SIZE:])) for p in entries
            if p.name != "memo.json.gz"]
    assert len(rows) == 4  # the unreadable file is not cached
    assert all(set(r) == set(DATASET_TABLES) and "doc_id" not in r["clauses"] for r in rows)
    assert not list((tmp_path / "interim" / "cache").rglob("*.tmp"))


def test_no_cache_writes_no_cache(templated_dir, tmp_path):
    report = _run([templated_dir], tmp_path, use_cache=False)
    assert report.n_out == 4 and not (tmp_path / "interim").exists()


def test_code_version_follows_parameters_and_profile():
    base = code_version(CleanParams(), SegmentParams(), "ecommerce")
    assert base == code_version(CleanParams(), SegmentParams(), "ecommerce")
    assert base != code_version(CleanParams(), SegmentParams(), "pdp")
    assert base != code_version(CleanParams(), SegmentParams(max_clause_chars=500), "ecommerce")


def test_corrupt_cache_entry_is_recomputed(templated_dir, tmp_path):
    _run([templated_dir], tmp_path)
    entry = next(p for p in (tmp_path / "interim" / "cache").rglob("*.json.gz")
                 if p.name != "memo.json.gz")
    entry.write_bytes(b"not gzip")
    report = _run([templated_dir], tmp_path)
    assert report.n_cached == 3 and report.n_out == 4


def test_repeated_sentences_are_tokenized_once_and_memo_is_saved(templated_dir, tmp_path,
                                                                 monkeypatch):
    from pipeline import segment
    from pipeline.memo import Memos

    monkeypatch.setattr(worker, "MEMOS", Memos())  # a process with empty memo tables
    worker.classifier.cache_clear()  # and a classifier with an empty memo
    seen: list[str] = []
    real = segment._words_of

    def counting(chunk, start, tokens):
        seen.append(chunk)
        return real(chunk, start, tokens)

    monkeypatch.setattr(segment, "_words_of", counting)
    _run([templated_dir], tmp_path)
    assert len(seen) == len(set(seen))  # each distinct clause text once
    assert "Dữ liệu cá nhân được lưu trữ trong 12 tháng kể từ ngày đăng ký." in seen
    assert "2. Thời gian lưu trữ thông tin" in seen
    saved = load_memo(next((tmp_path / "interim" / "cache").glob("*/memo.json.gz")),
                      load_key(tmp_path / "interim" / "cache"))
    assert len(saved["tokens"]) >= 4 and saved["scores"]  # headings repeat in all four


def test_save_memo_merges_and_keeps_the_newest(tmp_path, monkeypatch):
    from pipeline.batch import cache

    monkeypatch.setattr(cache, "MEMO_SIZE", 3)
    path, key = tmp_path / "memo.json.gz", b"k" * 32
    save_memo(path, {"tokens": {"a": [["Dữ liệu"], [0]], "b": [["cá nhân"], [0]]}}, key)
    save_memo(path, {"tokens": {"c": [["khách hàng"], [0]], "d": [["email"], [0]]}}, key)
    assert list(load_memo(path, key)["tokens"]) == ["b", "c", "d"]


def test_repeated_feature_rows_reach_the_model_once(monkeypatch):
    from pipeline.classify import predict
    from pipeline.clean import clean_file
    from pipeline.segment import segment_document

    classifier = predict.ClauseClassifier()
    rows = []
    real = classifier.scorer.predict_proba
    monkeypatch.setattr(classifier.scorer, "predict_proba",
                        lambda rows_in: rows.append(len(rows_in)) or real(rows_in))
    clauses = segment_document(clean_file(SEED_KHATRA))
    first, second = classifier.predict_many([clauses, clauses])
    assert first == second == classifier.predict(clauses)
    assert len(rows) == 1 and rows[0] <= len(clauses)  # the copy and `predict`: from the memo


def test_classifier_is_loaded_once_per_process(templated_dir, tmp_path, small_tasks,
                                               monkeypatch):
    from pipeline.classify import predict

    loads = []
    real = predict.load_scorer
    monkeypatch.setattr(predict, "load_scorer", lambda *a: loads.append(a) or real(*a))
    worker.classifier.cache_clear()
    report = _run([templated_dir], tmp_path, use_cache=False)
    worker.classifier.cache_clear()
    assert report.n_out == 4 and len(loads) == 1


def test_worker_columns_are_the_rows_of_every_table_packed():
    """The worker reads the clauses off their records, not off `outcome_rows`: same values."""
    from pipeline.batch.cache import PACKED_LISTS
    from pipeline.config import CleanParams, SegmentParams
    from pipeline.document import Settings, outcome_rows, process_documents

    text = ("CHÍNH SÁCH BẢO MẬT\n1. Thời gian lưu trữ\nDữ liệu được lưu trong 24 tháng.\n"
            "- Liên hệ hotro@hoasen.vn để yêu cầu xóa dữ liệu.\n").encode()
    outcome = process_documents([("hoa-sen", "hoa-sen.txt", text)],
                                Settings(CleanParams(), SegmentParams(), "pdp"),
                                worker.classifier())[0]
    columns, rows = worker._columns(outcome), outcome_rows(outcome)
    assert set(columns) == set(rows) and len(rows["clauses"]) == 4
    for name, table in rows.items():
        for column, values in columns[name].items():
            expected = [row[column] for row in table]
            if column in PACKED_LISTS:
                expected = [PACKED_LISTS[column].join(map(str, v)) for v in expected]
            assert json.dumps(values) == json.dumps(expected), (name, column)


def test_the_fork_server_starts_early_only_for_a_new_run_with_work_for_two(tmp_path,
                                                                           monkeypatch):
    from pipeline.batch import engines

    started = []
    monkeypatch.setattr(engines, "_context", lambda preload: started.append(preload))
    monkeypatch.setattr("multiprocessing.forkserver.ensure_running", lambda: None)
    folder = tmp_path / "policies"
    folder.mkdir()
    for i in range(engines.TASK_SIZE * engines.MIN_TASKS_PER_WORKER):
        (folder / f"{i}.txt").write_text("Chính sách bảo mật.", encoding="utf-8")
    out = tmp_path / "out"
    assert not engines.prestart([folder], out, 2, "local")  # 32 documents: one worker
    (folder / "extra.txt").write_text("Chính sách bảo mật.", encoding="utf-8")
    assert not engines.prestart([folder], out, 1, "local")
    assert not engines.prestart([folder], out, 2, "dask")
    assert not engines.prestart([folder / "0.txt"], out, 2, "local")
    assert not started
    assert engines.prestart([folder], out, 2, "local")
    assert engines.prestart([tmp_path / "crawl.warc.gz"], out, 2, "local")
    assert started == [engines.WORKER_PRELOAD] * 2
    out.mkdir()
    (out / manifest.MANIFEST).write_text("{}", encoding="utf-8")  # a re-run: mostly cached
    assert not engines.prestart([folder], out, 2, "local")


def test_the_fork_servers_warm_up_loads_the_models_and_leaves_no_memo():
    from pipeline.batch import warm

    before = (len(worker.MEMOS.tokens), len(worker.MEMOS.cues), len(worker.MEMOS.cue_texts))
    warm.warm_up()
    assert worker.classifier.cache_info().currsize == 1  # loaded
    assert len(worker.classifier().memo) == 0
    assert (len(worker.MEMOS.tokens), len(worker.MEMOS.cues), len(worker.MEMOS.cue_texts)) \
        == before


def test_a_worker_processes_policies_without_importing_pandas():
    """Workers get rows and write none: pandas (~0.4 s, ~37 MiB a process) is for the main
    process's tables and the stage commands."""
    import subprocess
    import sys

    code = ("import sys\n"
            "import pipeline.batch.warm\n"
            "from pipeline.batch.worker import DocInput, WorkSettings, process_batch\n"
            "from pipeline.batch.cache import code_version\n"
            "from pipeline.config import CleanParams, SegmentParams\n"
            "from pipeline.document import Settings\n"
            "c, s = CleanParams(), SegmentParams()\n"
            "text = 'Chính sách bảo mật\\nKhiếu nại gửi về hotro@anphat.vn trong 15 ngày.'\n"
            "out = process_batch([DocInput('a', 'a.txt', text.encode())],\n"
            "                    WorkSettings(Settings(c, s, 'pdp'), code_version(c, s, 'pdp')))\n"
            "print(len(out.payloads), 'pandas' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["1", "False"]
