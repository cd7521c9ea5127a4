"""Signals and concurrency: SIGTERM is Ctrl-C (tables committed or untouched, temporary files
removed, no process left behind, no traceback), stale temporary files are cleaned, an --out is
locked for its run, and the manifest tells a mixed or edited set of tables from its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline.batch import run as batch
from pipeline.io import LOCK_FILE

from .conftest import POLICY
from .test_isolation import invoke


def _session(pid: int) -> list[int]:
    """Processes of the session `pid` leads (a run started with `start_new_session`): the run,
    its forkserver, resource tracker and workers, wherever they were reparented."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == pid and fields[0] != "Z":  # field 6 of stat: the session id
            found.append(int(entry.name))
    return found


def _start(policies: Path, out: Path, interim: Path, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", str(policies), "--out", str(out),
         "--interim", str(interim), "--workers", str(workers), "-q"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="counts processes in /proc")
def test_sigterm_mid_run_leaves_no_process_no_temp_file_and_the_old_tables_issue_16(tmp_path):
    policies, out, interim = tmp_path / "policies", tmp_path / "out", tmp_path / "interim"
    policies.mkdir()
    (policies / "dau-tien.txt").write_text(POLICY.format(name="dautien"), encoding="utf-8")
    first = _start(policies, out, interim, 1)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    before = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    for i in range(300):
        (policies / f"cong-ty-{i:03d}.txt").write_text(POLICY.format(name=f"ct{i}") * 3,
                                                       encoding="utf-8")
    process = _start(policies, out, interim, 2)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if len(list(interim.rglob("*.json.gz"))) >= 3 and len(_session(process.pid)) >= 3:
            break  # workers are busy
        time.sleep(0.1)
    assert process.poll() is None, "the run finished before it could be interrupted"
    assert len(_session(process.pid)) >= 3  # the run, the forkserver, workers
    os.kill(process.pid, signal.SIGTERM)
    assert process.wait(timeout=60) == 143
    stderr = process.stderr.read()
    assert "Traceback" not in stderr and "interrupted by SIGTERM" in stderr
    # what was kept, and how to go on (issue 15)
    assert f"are kept in the cache {interim / 'cache'}; run the same command again" in stderr
    deadline = time.monotonic() + 20
    while _session(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _session(process.pid) == []
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []
    after = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    assert after == before


@pytest.mark.slow
def test_an_early_ctrl_c_prints_no_traceback_issue_16(tmp_path, good_dir):
    process = _start(good_dir, tmp_path / "out", tmp_path / "interim", 1)
    time.sleep(0.5)  # past the interpreter's start, inside the imports or the run
    process.send_signal(signal.SIGINT)
    code = process.wait(timeout=60)
    stderr = process.stderr.read()
    assert "Traceback" not in stderr, stderr
    assert code in (0, 130)  # 0 only if the run was already done
    if code == 130:
        assert "interrupted by SIGINT" in stderr


def test_stale_temporary_files_of_a_killed_run_are_removed_by_the_next(good_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    stale = [out / ".documents.parquet.k1ll3d.tmp", out / ".facts.csv.x9.tmp",
             out / "..vnpolicy-run.json.abc.tmp"]  # atomic_write: "." + the name
    for path in stale:
        path.write_bytes(b"half a table")
    mine = out / ".ghi-chu.txt.tmp"  # not the run's: kept
    mine.write_text("của người dùng", encoding="utf-8")
    assert invoke(good_dir, tmp_path, "--workers", "1").exit_code == 0
    assert [p.name for p in stale if p.exists()] == [] and mine.exists()


def test_a_second_run_on_the_same_out_is_refused_while_the_first_holds_it_issue_16(
        good_dir, tmp_path):
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    with open(out / LOCK_FILE, "a+") as held:  # as a run in another process holds it
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = invoke(good_dir, tmp_path, "--workers", "1")
        assert result.exit_code == 1
        assert "being written by another vnpolicy run" in result.output
        assert not (out / "documents.parquet").exists()
    assert invoke(good_dir, tmp_path, "--workers", "1").exit_code == 0


def test_a_table_changed_under_the_same_size_and_time_is_not_up_to_date_issue_16(
        good_dir, tmp_path):
    """What a mixed set looks like to `make`: same sizes and times, other bytes."""
    common = {"show_progress": False, "workers": 1}
    batch.run_pipeline([good_dir], tmp_path / "out", tmp_path / "interim", **common)
    facts = tmp_path / "out" / "facts.parquet"
    stat = facts.stat()
    data = bytearray(facts.read_bytes())
    data[len(data) // 2] ^= 0xFF
    facts.write_bytes(bytes(data))
    os.utime(facts, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    again = batch.run_pipeline([good_dir], tmp_path / "out", tmp_path / "interim", **common)
    assert not again.up_to_date
    assert len(pd.read_parquet(facts)) > 0
    third = batch.run_pipeline([good_dir], tmp_path / "out", tmp_path / "interim", **common)
    assert third.up_to_date
