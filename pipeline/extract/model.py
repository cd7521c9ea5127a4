"""The fact record every extractor yields."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawFact:
    """A fact read from a span of the cleaned text, before it is tied to a clause.

    `qualifier` holds what the normalised value cannot: a phone's kind ("mobile", "hotline",
    "toll_free"; ";ext=12" for an extension), "working_days" for a deadline, a phase.
    """

    type: str
    value: str
    normalized: str
    start: int
    end: int
    rule_id: str
    qualifier: str = ""
