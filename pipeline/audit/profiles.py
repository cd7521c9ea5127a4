"""Audit profiles as data: one JSON file per profile in `audit/profiles/`, each element with
its legal basis and how a policy satisfies it (clause labels, a cue the evidence must match,
facts that must have been extracted)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import PipelineError

PROFILES_DIR = Path(__file__).parent / "profiles"


@dataclass(frozen=True)
class Element:
    """One checklist element of a profile."""

    element: str
    labels: tuple[str, ...]
    legal_basis: str
    needs_facts: tuple[str, ...] = ()
    cue: str = ""  # a regex the evidence clauses must also match, for finer elements


@lru_cache(maxsize=1)
def load_profiles(directory: Path = PROFILES_DIR) -> dict[str, tuple[Element, ...]]:
    """Every profile file of `directory`, by name."""
    profiles = {}
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        profiles[data["profile"]] = tuple(
            Element(row["element"], tuple(row["labels"]), row["legal_basis"],
                    tuple(row.get("needs_facts", ())), row.get("cue", ""))
            for row in data["elements"]
        )
    return profiles


def profile_names() -> list[str]:
    """The known profiles, sorted."""
    return sorted(load_profiles())


def check_profile(profile: str) -> str:
    """The profile name, or a clear error listing the known ones."""
    if profile not in load_profiles():
        raise PipelineError(f"unknown audit profile {profile!r}; use one of {profile_names()}")
    return profile


def profile_elements(profile: str) -> tuple[Element, ...]:
    """The elements of a known profile, in checklist order."""
    return load_profiles()[check_profile(profile)]
