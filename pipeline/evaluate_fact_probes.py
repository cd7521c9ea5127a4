"""Fact probes: short excerpts, written by helper sessions from TAXONOMY and GUIDELINES alone,
each with the organisation names, addresses or retention periods a careful reader finds in it
(`data/annotated/fact_probes/`). They test wording the annotated policies do not show:
`development` may shape the extractors, `heldout` is only ever scored.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from .config import ANNOTATED_DIR

PROBE_SETS = ("development", "heldout")
PROBE_TYPES = ("organization", "address", "retention_period")


def load_fact_probes(path: Path) -> list[dict]:
    """The probes of one file, one JSON object per line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def score_fact_probes(probes: list[dict]) -> dict[str, dict[str, int]]:
    """Per fact type: probes whose facts of that type were found exactly (`exact` of `n`),
    and the facts found right (`tp`), found wrongly (`fp`) and missed (`fn`), by normalised
    value."""
    from .extract.facts import extract_text_facts

    counts: dict[str, Counter] = {kind: Counter() for kind in PROBE_TYPES}
    for probe in probes:
        kind = probe["type"]
        gold = {fact["normalized"] for fact in probe["facts"]}
        found = {fact.normalized for fact in extract_text_facts(probe["text"])
                 if fact.type == kind}
        counts[kind].update(n=1, exact=int(gold == found), tp=len(gold & found),
                            fp=len(found - gold), fn=len(gold - found))
    return {kind: {key: counts[kind][key] for key in ("exact", "n", "tp", "fp", "fn")}
            for kind in PROBE_TYPES}


def evaluate_fact_probes(folder: Path = ANNOTATED_DIR / "fact_probes"
                         ) -> dict[str, dict[str, dict[str, int]]]:
    """`score_fact_probes` of each probe set in `folder`."""
    return {name: score_fact_probes(load_fact_probes(folder / f"{name}.jsonl"))
            for name in PROBE_SETS if (folder / f"{name}.jsonl").is_file()}


def format_fact_probe_report(result: Mapping[str, Mapping[str, Mapping[str, int]]]
                             ) -> list[str]:
    """One line per probe set: probes right overall, then per type with the precision and
    recall of its facts."""
    lines = []
    for name, per_type in result.items():
        exact = sum(row["exact"] for row in per_type.values())
        total = sum(row["n"] for row in per_type.values())
        detail = "; ".join(f"{kind} {row['exact']}/{row['n']} (P {_ratio(row['tp'], row['fp'])}"
                           f" R {_ratio(row['tp'], row['fn'])})"
                           for kind, row in per_type.items() if row["n"])
        lines.append(f"  {name}: {exact}/{total} probes right; {detail}")
    return lines


def _ratio(tp: int, other: int) -> str:
    return "-" if tp + other == 0 else f"{tp / (tp + other):.2f}"
