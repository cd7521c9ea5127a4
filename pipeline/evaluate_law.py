"""Measure the `pdp` audit (Law 91/2025 + Decree 356/2025) against the gold law annotation,
`data/annotated/law.jsonl`: per element, how often the audit agrees, and the precision and
recall of its `absent` decisions (the missing elements a regulator acts on) and of its
`present` ones.

The audit is computed the way `vnpolicy run` computes it (clean, segment, classify, extract,
trackers, audit) by any object with `predict_many` (`classify.predict.ClauseClassifier`, or
a stand-in that returns out-of-fold labels), so a policy's own labels never come from a model
trained on it when the caller says so.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from .annotations import load_gold_law, source_dirs
from .config import ANNOTATED_DIR, LAW_ELEMENTS, CleanParams, SegmentParams
from .document import Settings, process_documents
from .errors import AnnotationError, InputNotFoundError
from .records import ClauseLabels
from .split import SPLIT_PATH, load_split
from .structure import HeadingModel

Gold = dict[str, dict[str, str]]  # doc_id -> element -> present | absent | not_applicable


class Labeller(Protocol):
    """What labels clauses for the audit: the committed classifier or out-of-fold labels."""

    def predict_many(self, documents: Sequence[Sequence[Any]]) -> list[list[ClauseLabels]]:
        ...


def law_gold(path: Path = ANNOTATED_DIR / "law.jsonl") -> tuple[Gold, dict[str, tuple[str, str]]]:
    """The gold values by policy and element, and each policy's (source, file).

    Raises:
        AnnotationError: a policy lacks an element, or has one twice.
    """
    gold: Gold = defaultdict(dict)
    files: dict[str, tuple[str, str]] = {}
    for row in load_gold_law(path):
        if row.element in gold[row.doc_id]:
            raise AnnotationError(f"{path}: {row.file}: {row.element} annotated twice")
        gold[row.doc_id][row.element] = row.value
        files[row.doc_id] = (row.source, row.file)
    for doc_id, values in gold.items():
        lacking = [e for e in LAW_ELEMENTS if e not in values]
        if lacking:
            raise AnnotationError(f"{path}: {files[doc_id][1]}: elements {lacking} missing")
    return dict(gold), files


def predict_law(files: Iterable[tuple[str, str]], labeller: Labeller | None = None,
                profile: str = "pdp", heading_model: HeadingModel | None = None
                ) -> dict[str, list[dict]]:
    """The audit rows of each (source, file) policy, by doc_id, as `vnpolicy run` makes them.

    Raises:
        InputNotFoundError: a policy file is missing.
    """
    if labeller is None:
        from .classify.predict import ClauseClassifier

        labeller = ClauseClassifier()
    items = []
    for source, file in sorted(set(files)):
        path = source_dirs()[source] / file
        if not path.is_file():
            raise InputNotFoundError(f"annotated file {path} not found")
        items.append((path.stem, str(path), path.read_bytes()))
    settings = Settings(CleanParams(), SegmentParams(), profile, heading_model=heading_model)
    audits = {}
    for start in range(0, len(items), 8):  # one labeller call per 8 policies, as `run` does
        for outcome in process_documents(items[start:start + 8], settings, labeller):
            audits[outcome.doc_id] = outcome.audit
    return audits


def _ratio(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def evaluate_law(gold: Mapping[str, Mapping[str, str]],
                 predicted: Mapping[str, Sequence[Mapping]],
                 doc_ids: Iterable[str] | None = None) -> dict:
    """Agreement of the audit's statuses with the gold values, per element and overall, and
    precision / recall of `absent` (missing) and of `present`, on `doc_ids` (default: every
    policy of `gold`).

    Examples:
        >>> gold = {"a": {"consent": "absent"}, "b": {"consent": "present"}}
        >>> audit = {d: [{"element": "consent", "status": s}]
        ...          for d, s in (("a", "absent"), ("b", "absent"))}
        >>> r = evaluate_law(gold, audit)["per_element"]["consent"]
        >>> r["agreement"], r["absent_precision"], r["absent_recall"]
        (0.5, 0.5, 1.0)
    """
    ids = sorted(gold if doc_ids is None else doc_ids)
    pairs: dict[str, Counter] = defaultdict(Counter)  # element -> (gold, predicted) -> n
    for doc_id in ids:
        statuses = {row["element"]: row["status"] for row in predicted.get(doc_id, ())}
        for element, value in gold[doc_id].items():
            pairs[element][(value, statuses.get(element, "missing from the audit"))] += 1
    per_element = {element: _scores(pairs[element]) for element in LAW_ELEMENTS
                   if element in pairs}
    overall: Counter = sum(pairs.values(), Counter())
    return {"policies": ids, "n_policies": len(ids), "per_element": per_element,
            "overall": _scores(overall),
            "disagreements": sorted(
                (doc_id, element, gold[doc_id][element], status)
                for doc_id in ids
                for element, status in ((r["element"], r["status"])
                                        for r in predicted.get(doc_id, ()))
                if element in gold[doc_id] and gold[doc_id][element] != status)}


def _scores(pairs: Counter) -> dict:
    """Agreement, and precision / recall of `absent` and of `present`, from (gold,
    predicted) counts."""
    n = sum(pairs.values())
    scores: dict[str, Any] = {"n": n, "agreement": _ratio(
        sum(c for (g, p), c in pairs.items() if g == p), n)}
    for value in ("absent", "present"):
        hit = pairs[(value, value)]
        scores[f"{value}_precision"] = _ratio(hit, sum(c for (_, p), c in pairs.items()
                                                       if p == value))
        scores[f"{value}_recall"] = _ratio(hit, sum(c for (g, _), c in pairs.items()
                                                    if g == value))
        scores[f"gold_{value}"] = sum(c for (g, _), c in pairs.items() if g == value)
    return scores


def run_law_evaluation(split: str = "test", annotations: Path = ANNOTATED_DIR,
                       split_path: Path = SPLIT_PATH, labeller: Labeller | None = None) -> dict:
    """`evaluate_law` on the annotated policies of one side of the frozen split (`dev`,
    `test`) or of all of them (`all`)."""
    gold, files = law_gold(annotations / "law.jsonl")
    chosen = set(files) if split == "all" else {
        Path(name).stem for name in load_split(split_path)[split]}
    ids = sorted(chosen & set(files))
    predicted = predict_law([files[doc_id] for doc_id in ids], labeller)
    return {"split": split, **evaluate_law(gold, predicted, ids)}


PROBE_SETS = ("development", "heldout")


def evaluate_law_probes(folder: Path = ANNOTATED_DIR / "law_probes",
                        labeller: Labeller | None = None) -> dict[str, dict]:
    """How often the `pdp` audit gives each probe's expected status, per probe set and
    element. Probes are short excerpts the project wrote from LAW.md and GUIDELINES alone
    (no policy text): `development` shaped the profile's cues, `heldout` was written by
    another hand and only scored, to show whether the cues generalise."""
    if labeller is None:
        from .classify.predict import ClauseClassifier

        labeller = ClauseClassifier()
    settings = Settings(CleanParams(), SegmentParams(), "pdp")
    result = {}
    for name in PROBE_SETS:
        probes = [json.loads(line) for line in (folder / f"{name}.jsonl").read_text(
            encoding="utf-8").splitlines() if line.strip()]
        items = [(f"probe{i}", f"{name}:{i}", probe["text"].encode("utf-8"))
                 for i, probe in enumerate(probes)]
        hits: Counter = Counter()
        totals: Counter = Counter()
        for start in range(0, len(items), 8):
            outcomes = process_documents(items[start:start + 8], settings, labeller)
            for probe, outcome in zip(probes[start:start + 8], outcomes, strict=True):
                status = {row["element"]: row["status"] for row in outcome.audit}
                totals[probe["element"]] += 1
                hits[probe["element"]] += status.get(probe["element"]) == probe["expected"]
        result[name] = {element: {"agree": hits[element], "n": totals[element]}
                        for element in sorted(totals)}
    return result


def format_probe_report(result: Mapping[str, Mapping[str, dict]]) -> list[str]:
    """One line per probe set: agreement overall, then per element."""
    lines = []
    for name, per_element in result.items():
        agree = sum(row["agree"] for row in per_element.values())
        total = sum(row["n"] for row in per_element.values())
        detail = ", ".join(f"{element} {row['agree']}/{row['n']}"
                           for element, row in per_element.items())
        lines.append(f"  {name}: {agree}/{total} ({agree / max(total, 1):.3f}); {detail}")
    return lines


def format_law_report(result: dict) -> str:
    """A plain-text table of `evaluate_law`'s figures."""
    def cell(value: float | None) -> str:
        return "   -" if value is None else f"{value:.2f}"

    lines = [f"pdp audit (Law 91/2025 + Decree 356/2025) against the gold law annotation, "
             f"{result.get('split', 'given')} policies: {result['n_policies']}",
             f"{'element':<22}{'agree':>7}{'absent P':>10}{'R':>6}{'n':>4}"
             f"{'present P':>11}{'R':>6}{'n':>4}"]
    rows = [*result["per_element"].items(), ("overall", result["overall"])]
    for element, s in rows:
        lines.append(f"{element:<22}{cell(s['agreement']):>7}{cell(s['absent_precision']):>10}"
                     f"{cell(s['absent_recall']):>6}{s['gold_absent']:>4}"
                     f"{cell(s['present_precision']):>11}{cell(s['present_recall']):>6}"
                     f"{s['gold_present']:>4}")
    return "\n".join(lines)
