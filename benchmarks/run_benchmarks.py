"""Throughput, warm re-run, memory and start-up of `vnpolicy run` on generated corpora.

    .venv/bin/python benchmarks/run_benchmarks.py --sizes 100 1000    # or: make bench

For each size and form (`corpus.py`: templated, unique) it times, on the same texts:
underthesea `word_tokenize` alone and pyvi's tokenizer (if installed), each line of each
document in this process; `vnpolicy run` with 1 worker and with all workers (each with an
empty cache); `vnpolicy run` again with nothing changed (an up-to-date check), then again with
one file changed (the others from the cache). Memory is the peak sum
of resident memory over the run's process tree (main, pool or forkserver, workers), sampled
every 0.2 s; shared pages count once per process, so it overstates. CPU time, summed over the
same processes, is what other jobs on a shared machine do not inflate. The corpora live in a
temporary folder that is deleted afterwards: the third-party texts never enter the repo.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import psutil
from corpus import make_corpus

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (ROOT / "data" / "raw", ROOT.parent / "shared" / "corpus")
SYLLABLE_RE = re.compile(r"\w+")


def base_policies() -> list[Path]:
    """The policies this machine has (not the READMEs or the source list)."""
    found = []
    for folder in SOURCES:
        if folder.is_dir():
            found += sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".html")
                            and not p.name.upper().startswith("README"))
    if not found:
        sys.exit("no policies found in data/raw or ../shared/corpus")
    return found


def run_cli(args: list[str], log: Path) -> tuple[float, float, float]:
    """Wall time (s), CPU time (s) and peak resident memory (MiB) of `vnpolicy run ARGS` and
    its children. The wall time is taken when the process ends; memory and CPU time are
    sampled every 0.2 s beside it, and CPU time is each process's last sample, summed: it is
    what other jobs on a shared machine do not inflate."""
    cpu: dict[int, float] = {}
    peak = [0]
    with log.open("w") as stderr:
        start = time.perf_counter()
        process = psutil.Popen([sys.executable, "-m", "pipeline", "run", *args],
                               stdout=subprocess.DEVNULL, stderr=stderr)
        done = threading.Event()
        sampler = threading.Thread(target=_sample, args=(process, done, peak, cpu))
        sampler.start()
        process.wait()
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
    if process.returncode:  # the generated policies all go through
        sys.exit(f"vnpolicy run {' '.join(args)} failed:\n{log.read_text()}")
    return wall, sum(cpu.values()), peak[0] / 2**20


def _sample(process: psutil.Popen, done: threading.Event, peak: list[int],
            cpu: dict[int, float]) -> None:
    """Peak resident memory of the process tree and each process's CPU time, every 0.2 s
    until `done`."""
    while not done.is_set():
        try:
            tree = [process, *process.children(recursive=True)]
            peak[0] = max(peak[0], sum(p.memory_info().rss for p in tree))
            cpu.update({p.pid: sum(p.cpu_times()[:2]) for p in tree})
        except psutil.Error:
            pass  # a process ended while we looked
        done.wait(0.2)


def time_tokenizer(tokenize, texts: list[str],  # type: ignore[no-untyped-def]
                   clock=time.perf_counter) -> float:
    """Seconds to tokenize every non-empty line of every text."""
    return wall_and_cpu(tokenize, texts)[0 if clock is time.perf_counter else 1]


def wall_and_cpu(tokenize, texts: list[str]) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Wall and CPU seconds to tokenize every non-empty line of every text."""
    lines = [line for text in texts for line in text.split("\n") if line.strip()]
    tokenize(lines[0])  # load the model outside the timing
    wall, cpu = time.perf_counter(), time.process_time()
    for line in lines:
        tokenize(line)
    return time.perf_counter() - wall, time.process_time() - cpu


def tokenizers() -> dict[str, object]:
    from underthesea import word_tokenize

    from pipeline import wordseg

    found: dict[str, object] = {"underthesea word_tokenize": word_tokenize,
                                "vnpolicy wordseg (same words)": wordseg.word_tokenize}
    try:
        from pyvi import ViTokenizer
    except ImportError:
        print("pyvi is not installed (pip install pyvi): its row is left out")
    else:
        found["pyvi ViTokenizer"] = ViTokenizer.tokenize
    return found


def _spin(n: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(n):
        total += i
    return time.perf_counter() - start


def parallel_capacity(workers: int, n: int = 10_000_000) -> float:
    """How many cores `workers` busy processes really get: a CPU loop alone, then
    `workers` copies at once (a VM may give two vCPUs the speed of one)."""
    alone = _spin(n)
    with multiprocessing.Pool(workers) as pool:
        together = pool.map(_spin, [n] * workers)
    return workers * alone / max(together)


def startup(policy: Path, work: Path, repeat: int = 3) -> tuple[float, float]:
    """Median wall and CPU time of `vnpolicy run` on one file (imports, model load, one
    document)."""
    runs = [run_cli([str(policy), "--out", str(work / f"s{i}"), "--interim",
                     str(work / f"si{i}"), "-q", "--no-cache"], work / "startup.log")
            for i in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def bench_corpus(folder: Path, work: Path, workers: int, tokenize: dict[str, object]
                 ) -> tuple[list[tuple], str]:
    """Rows (what, seconds, CPU seconds, peak MiB or None) for the tokenizers and the runs
    over `folder`, and a note on the outputs."""
    work.mkdir(parents=True)
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())]
    rows = [(name, *wall_and_cpu(fn, texts), None) for name, fn in tokenize.items()]
    runs = [("run --workers 1", "1", "one"), (f"run --workers {workers}", str(workers), "all"),
            ("run again, nothing changed", str(workers), "all")]
    for what, n, name in runs:
        args = [str(folder), "--out", str(work / name / "out"), "--interim",
                str(work / name / "interim"), "-q", "--workers", n]
        rows.append((what, *run_cli(args, work / f"{name}.log")))
    same = all((work / "one" / "out" / p.name).read_bytes() == p.read_bytes()
               for p in (work / "all" / "out").iterdir() if not p.name.startswith("."))
    clauses = pd.read_parquet(work / "all" / "out" / "clauses.parquet", columns=["text"])
    edited = sorted(folder.iterdir())[0]  # then one file changes: the rest from the cache
    edited.write_text(edited.read_text(encoding="utf-8") + "Cập nhật lần cuối.\n",
                      encoding="utf-8")
    rows.append(("run again, one file changed", *run_cli(args, work / "changed.log")))
    cached = [re.search(r"\d+ of \d+ documents from the cache", (work / log).read_text())
              for log in ("all.log", "changed.log")]
    note = (f"{folder.name}: tables of 1 and {workers} workers identical: "
            f"{'yes' if same else 'NO'}; {clauses['text'].nunique():,} distinct texts among "
            f"{len(clauses):,} clauses; re-runs: "
            + " / ".join(found.group(0) if found else "?" for found in cached))
    return rows, note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--forms", nargs="+", default=["templated", "unique"])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    bases = base_policies()
    tokenize = tokenizers()
    memory = psutil.virtual_memory().total / 2**30
    print(f"{dt.date.today()}: {os.cpu_count()} cores, {memory:.0f} GiB, Python "
          f"{platform.python_version()}, {len(bases)} base policies")
    print(f"{args.workers} busy processes get {parallel_capacity(args.workers):.1f} cores' "
          "worth of CPU")
    with tempfile.TemporaryDirectory(prefix="vnpolicy-bench-") as tmp:
        work = Path(tmp)
        wall, cpu = startup(bases[0], work)
        print(f"start-up, `vnpolicy run` on one file: {wall:.2f} s, {cpu:.2f} s of CPU "
              "(medians of 3)\n")
        print("| corpus | docs | syllables | what | s | CPU s | docs/s | syllables/s | peak MiB |")
        print("|---|---:|---:|---|---:|---:|---:|---:|---:|")
        notes = []
        for size in args.sizes:
            for form in args.forms:
                folder = work / f"{form}-{size}"
                make_corpus(bases, size, form, folder)
                syllables = sum(len(SYLLABLE_RE.findall(p.read_text(encoding="utf-8")))
                                for p in folder.iterdir())
                rows, note = bench_corpus(folder, work / f"runs-{form}-{size}", args.workers,
                                          tokenize)
                notes.append(note)
                for what, seconds, cpu, peak in rows:
                    print(f"| {form} | {size:,} | {syllables:,} | {what} | {seconds:.1f} | "
                          f"{cpu:.1f} | "
                          f"{size / seconds:,.1f} | {syllables / seconds:,.0f} | "
                          f"{'' if peak is None else f'{peak:,.0f}'} |", flush=True)
        print("\n" + "\n".join(notes))


if __name__ == "__main__":
    main()
