"""Our word segmentation (`pipeline.wordseg`) against underthesea `word_tokenize`, same lines.

    .venv/bin/python benchmarks/wordseg.py --sizes 1000 --forms unique templated

Every non-empty line of the policies of `data/raw` and `../shared/corpus` (as cleaned), then
of each generated corpus (`corpus.py`), is segmented by `underthesea.word_tokenize` and by
`wordseg.word_tokenize`, one line at a time in this process, and the words compared. "cold"
is a first pass with a segmenter just loaded from its cache file (no token or layout seen
yet), "warm" a second pass. No memo of repeated lines: that is `segment`'s, not measured here.
Times are this process's CPU seconds (`time.process_time`): both sides run in this one
process, and CPU time does not count what other jobs on a shared machine take.
Also printed: the time to build the arrays from underthesea's model files (first use on a
machine) and to load them from the cache (every process).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from corpus import make_corpus
from run_benchmarks import SYLLABLE_RE, base_policies

from pipeline import config, wordseg
from pipeline.clean import clean_file


def timed(tokenize: Callable[[str], list[str]], lines: list[str]
          ) -> tuple[float, list[list[str]]]:
    start = time.process_time()
    words = [tokenize(line) for line in lines]
    return time.process_time() - start, words


def compare(name: str, lines: list[str]) -> str:
    """One table row: seconds of each tokenizer over `lines`, ratios, differing lines."""
    from underthesea import word_tokenize

    def theirs(line: str) -> list[str]:
        return word_tokenize(line, use_token_normalize=False)

    theirs(lines[0])  # load underthesea's model outside the timing
    reference, expected = timed(theirs, lines)
    wordseg.load_segmenter.cache_clear()
    wordseg.load_segmenter()  # from the cache file: a fresh segmenter, nothing seen yet
    cold, ours = timed(wordseg.word_tokenize, lines)
    warm, _ = timed(wordseg.word_tokenize, lines)
    differ = sum(a != b for a, b in zip(ours, expected, strict=True))
    syllables = sum(len(SYLLABLE_RE.findall(line)) for line in lines)
    return (f"| {name} | {len(lines):,} | {syllables:,} | {reference:.2f} | {cold:.2f} | "
            f"{warm:.2f} | {reference / cold:.2f}× | {reference / warm:.2f}× | {differ} |")


def build_and_load(folder: Path) -> str:
    """Seconds to build the arrays into an empty cache folder, then to load them again."""
    config.USER_CACHE_DIR = folder
    wordseg.load_segmenter.cache_clear()
    start = time.perf_counter()
    assert wordseg.load_segmenter() is not None, "wordseg fell back to underthesea"
    built = time.perf_counter() - start
    wordseg.load_segmenter.cache_clear()
    start = time.perf_counter()
    wordseg.load_segmenter()
    loaded = time.perf_counter() - start
    return f"arrays built in {built:.2f} s (first use), loaded from the cache in {loaded:.3f} s"


def lines_of(texts: list[str]) -> list[str]:
    return [line for text in texts for line in text.split("\n") if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[])
    parser.add_argument("--forms", nargs="+", default=["unique", "templated"])
    args = parser.parse_args()
    bases = base_policies()
    with tempfile.TemporaryDirectory(prefix="vnpolicy-wordseg-") as tmp:
        work = Path(tmp)
        print(build_and_load(work / "cache") + "\n")
        print("| lines of | lines | syllables | word_tokenize CPU s | ours cold | ours warm "
              "| cold | warm | lines that differ |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        print(compare(f"{len(bases)} policies, cleaned",
                      lines_of([clean_file(path).text for path in bases])), flush=True)
        for size in args.sizes:
            for form in args.forms:
                paths = make_corpus(bases, size, form, work / f"{form}-{size}")
                texts = [path.read_text(encoding="utf-8") for path in paths]
                print(compare(f"{form}, {size:,} documents", lines_of(texts)), flush=True)


if __name__ == "__main__":
    main()
