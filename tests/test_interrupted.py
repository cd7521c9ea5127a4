"""A run killed mid-way (SIGKILL, no clean-up) leaves the previous dataset intact, and the
next run completes the dataset."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

TEMPLATE = (
    "CHÍNH SÁCH BẢO MẬT THÔNG TIN\n"
    "1. Mục đích thu thập thông tin\n"
    "Công ty TNHH Số {i} thu thập họ tên và số điện thoại của khách hàng số {i}.\n"
    "2. Thời gian lưu trữ thông tin\n"
    "Dữ liệu được lưu trữ trong {i} tháng. Liên hệ hotro{i}@congty{i}.vn.\n"
)


def _vnpolicy(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", "run", *args, "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.slow
def test_killed_run_keeps_the_previous_dataset_and_the_next_run_completes(tmp_path):
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "dau-tien.txt").write_text(TEMPLATE.format(i=0), encoding="utf-8")
    out, interim = tmp_path / "out", tmp_path / "interim"
    common = ["--out", str(out), "--interim", str(interim), "--workers", "1"]
    assert _vnpolicy(str(policies), *common).wait(timeout=300) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}

    for i in range(1, 200):
        (policies / f"cong-ty-{i:03d}.txt").write_text(TEMPLATE.format(i=i), encoding="utf-8")
    process = _vnpolicy(str(policies), *common)
    cache = interim / "cache"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if cache.is_dir() and len(list(cache.rglob("*.json.gz"))) >= 3:
            break
        time.sleep(0.2)
    assert process.poll() is None, "the run finished before it could be interrupted"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    after = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    assert after == before
    assert len(pd.read_parquet(out / "documents.parquet")) == 1

    assert _vnpolicy(str(policies), *common).wait(timeout=600) == 0  # continues from the cache
    documents = pd.read_parquet(out / "documents.parquet")
    assert len(documents) == 200 and documents["doc_id"].is_unique
