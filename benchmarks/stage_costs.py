"""Where one worker's time goes: milliseconds per document for each step of `vnpolicy run`.

    .venv/bin/python benchmarks/stage_costs.py --size 200 --form unique

Runs the steps of `worker.process_batch` one by one, in this process, over a generated corpus
(`corpus.py`), with the memo tables emptied first, as in a fresh run. `word_tokenize alone` is
the floor the batch issue measures against: underthesea over every line, as in
`run_benchmarks.py`. Times are this process's CPU time (`time.process_time`), which other jobs
on a shared machine do not inflate. The corpus lives in a temporary folder that is deleted
afterwards.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corpus import make_corpus
from run_benchmarks import base_policies, time_tokenizer

from pipeline.audit import audit_document, find_quality_issues
from pipeline.batch.cache import code_version
from pipeline.batch.run import TASK_SIZE
from pipeline.batch.worker import DocInput, WorkSettings, classifier, process_batch
from pipeline.classify.features import feature_rows
from pipeline.clean import clean_bytes
from pipeline.config import CleanParams, SegmentParams
from pipeline.document import Settings
from pipeline.extract.facts import cue_windows, extract_facts, extract_raw_facts
from pipeline.segment import segment_document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--form", choices=("unique", "templated"), default="unique")
    args = parser.parse_args()
    model = classifier()
    with tempfile.TemporaryDirectory(prefix="vnpolicy-stages-") as tmp:
        paths = make_corpus(base_policies(), args.size, args.form, Path(tmp))
        inputs = [(path, path.read_bytes()) for path in paths]
        process_batch([DocInput("warm-up", str(paths[0]), inputs[0][1])], _settings())
        steps = _time_steps(inputs, model)
        _forget(model)
        start = time.process_time()
        items = [DocInput(path.stem, str(path), data) for path, data in inputs]
        for i in range(0, len(items), TASK_SIZE):
            process_batch(items[i : i + TASK_SIZE], _settings())
        worker = time.process_time() - start
        floor = time_tokenizer(_word_tokenize(), [data.decode("utf-8") for _, data in inputs],
                               time.process_time)
    n = len(inputs)
    print(f"{n} {args.form} documents, ms per document, one process, memos emptied first\n")
    print("| step | ms/doc |\n|---|---:|")
    for step, spent in steps.items():
        print(f"| {step} | {spent / n * 1000:.1f} |")
    print(f"| **worker.process_batch, {TASK_SIZE} documents a task** | "
          f"**{worker / n * 1000:.1f}** |")
    print(f"| underthesea word_tokenize alone, every line | {floor / n * 1000:.1f} |")
    print(f"\npipeline speed / word_tokenize speed: {floor / worker:.2f}")


def _settings() -> WorkSettings:
    clean, segment = CleanParams(), SegmentParams()
    return WorkSettings(Settings(clean, segment, "pdp"), code_version(clean, segment, "pdp"))


def _forget(model: Any) -> None:
    model.memo.clear()  # the steps below are given no memo tables of their own


def _time_steps(inputs: list[tuple[Path, bytes]], model: Any) -> dict[str, float]:
    """Seconds per step, document by document (the classifier is asked once per document
    here, once per task in a run)."""
    _forget(model)
    seconds: dict[str, float] = defaultdict(float)

    def timed(step: str, work: Callable[..., Any], *args: Any) -> Any:
        start = time.process_time()
        result = work(*args)
        seconds[step] += time.process_time() - start
        return result

    for path, data in inputs:
        doc = timed("clean: decode, normalise", clean_bytes, data, path)
        clauses = timed("segment: incl. word_tokenize", segment_document, doc)
        features = timed("classify: features", feature_rows, clauses)
        timed("classify: scores", model._probabilities, features)
        windows = timed("extract: cue phrases", cue_windows, doc.text, clauses)
        timed("extract: fact finders", extract_raw_facts, doc.text, windows)
        labels = model.predict(clauses)
        rows = [r.to_row(c) for c, r in zip(clauses, labels, strict=True)]
        facts = [f.to_row() for f in extract_facts(doc.doc_id, doc.text, clauses)]
        audit = timed("audit", audit_document, doc.doc_id, rows, facts)
        timed("findings", find_quality_issues, doc.doc_id, rows, facts, (), audit)
    return seconds


def _word_tokenize():  # type: ignore[no-untyped-def]
    from underthesea import word_tokenize

    return word_tokenize


if __name__ == "__main__":
    main()
