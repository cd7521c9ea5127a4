"""Audit profiles as data: one JSON file per profile in `audit/profiles/`, each element with
its legal basis and how a policy satisfies it (clause labels, cues the evidence must match,
facts that must have been extracted), and, for a conditional element, what shows that the
site does the activity at all.

A profile also says which policies it was written for (`written_for`: the dates its law
governed), so `auto` can choose, per policy, the law in force on the policy's own date.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import PipelineError
from .cues import Cue

PROFILES_DIR = Path(__file__).parent / "profiles"
AUTO = "auto"  # choose per policy, by its `policy_date` facts
DEFAULT_PROFILE = "pdp"
CORE, CONDITIONAL = "core", "conditional"


def _regex(pattern: str, where: str) -> Cue | None:
    """A profile's regex, compiled once (case-insensitive, with its literal pre-test); a bad
    one is the profile file's error."""
    if not pattern:
        return None
    try:
        return Cue(pattern)
    except re.error as err:
        raise PipelineError(f"{where}: invalid regular expression {pattern!r}: {err}") from err


@dataclass(frozen=True)
class Applies:
    """When a conditional element applies: a clause that shows the activity (matching `cue`,
    with one of `labels` if given, and not `not_cue`: "we do not collect location data"
    shows no activity), or trackers the page loads."""

    cue: Cue | None = None
    not_cue: Cue | None = None
    labels: tuple[str, ...] = ()
    trackers: bool = False
    activity: str = ""  # what it is, for notes: "cookies or tracking"


@dataclass(frozen=True)
class Element:
    """One checklist element of a profile.

    A clause is evidence when it carries one of `labels` (any clause when there are none),
    matches `cue` and does not match `not_cue`; clauses holding a fact of `facts` are
    evidence too. With `groups`, evidence must cover at least `min_groups` of them (rights:
    two different rights). `needs_facts`: one of these fact types must have been extracted.
    With `sections`, a clause with one of `labels` (and not `not_cue`) under a heading that is
    evidence is evidence too: the bullets of "Bạn có thể làm gì với dữ liệu của mình?". With
    `deny_headings` (a `not_cue` that denies the element), a heading whose section matches
    `not_cue` is not evidence.
    """

    element: str
    labels: tuple[str, ...]
    legal_basis: str
    needs_facts: tuple[str, ...] = ()
    cue: Cue | None = None
    not_cue: Cue | None = None
    strong_cue: Cue | None = None
    facts: tuple[str, ...] = ()
    groups: tuple[tuple[str, Cue], ...] = ()
    min_groups: int = 0
    kind: str = CORE
    applies: Applies | None = None
    asks: str = ""
    sections: bool = False
    deny_headings: bool = False


@dataclass(frozen=True)
class Profile:
    """A profile file: its elements and what it checks against."""

    name: str
    title: str
    legal_basis: str
    elements: tuple[Element, ...]
    written_for: tuple[str, str] = ("", "")  # ISO dates, "" = open-ended
    historical: bool = False
    aliases: tuple[str, ...] = ()
    description: str = ""
    notes: dict[str, str] = field(default_factory=dict)


def _element(row: dict, where: str) -> Element:
    where = f"{where}: element {row.get('element')!r}"
    applies = row.get("applies")
    return Element(
        element=row["element"], labels=tuple(row.get("labels", ())),
        legal_basis=row["legal_basis"], needs_facts=tuple(row.get("needs_facts", ())),
        cue=_regex(row.get("cue", ""), where), not_cue=_regex(row.get("not_cue", ""), where),
        strong_cue=_regex(row.get("strong_cue", ""), where),
        facts=tuple(row.get("facts", ())),
        groups=tuple((name, _regex(pattern, where))  # type: ignore[misc]
                     for name, pattern in row.get("groups", {}).items()),
        min_groups=int(row.get("min_groups", 0)), kind=row.get("kind", CORE),
        applies=Applies(_regex(applies.get("cue", ""), where),
                        _regex(applies.get("not_cue", ""), where),
                        tuple(applies.get("labels", ())), bool(applies.get("trackers")),
                        applies.get("activity", ""))
        if applies else None,
        asks=row.get("asks", ""), sections=bool(row.get("sections")),
        deny_headings=bool(row.get("deny_headings")),
    )


def _profile(path: Path) -> Profile:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        dates = data.get("written_for", {})
        return Profile(
            name=data["profile"], title=data.get("title", data["profile"]),
            legal_basis=data.get("legal_basis", ""),
            elements=tuple(_element(row, path.name) for row in data["elements"]),
            written_for=(dates.get("from") or "", dates.get("until") or ""),
            historical=bool(data.get("historical")), aliases=tuple(data.get("aliases", ())),
            description=data.get("description", ""), notes=data.get("notes", {}))
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise PipelineError(f"audit profile {path}: unreadable ({err!r})") from err


@lru_cache(maxsize=4)
def load_profiles(directory: Path = PROFILES_DIR) -> dict[str, Profile]:
    """Every profile file of `directory`, by name."""
    return {profile.name: profile for profile in map(_profile, sorted(directory.glob("*.json")))}


def _aliases() -> dict[str, str]:
    return {alias: profile.name for profile in load_profiles().values()
            for alias in profile.aliases}


def profile_choices() -> list[str]:
    """Every name a user may give: the profiles, their aliases and `auto`."""
    return [*profile_names(), *sorted(_aliases()), AUTO]


def profile_names() -> list[str]:
    """The known profiles, sorted (aliases and `auto` not included)."""
    return sorted(load_profiles())


def check_profile(profile: str) -> str:
    """The profile's own name (an alias resolved; `auto` kept), or a clear error listing the
    known ones.

    Examples:
        >>> check_profile("ecommerce")
        'decree52'
    """
    if profile in load_profiles() or profile == AUTO:
        return profile
    if profile in _aliases():
        return _aliases()[profile]
    raise PipelineError(f"unknown audit profile {profile!r}; use one of "
                        f"{[*profile_names(), AUTO]} (or the alias "
                        f"{', '.join(sorted(_aliases()))})")


def get_profile(profile: str) -> Profile:
    """A known profile (not `auto`), by name or alias."""
    name = check_profile(profile)
    if name == AUTO:
        raise PipelineError("`auto` is chosen per policy: pass the profile it chose")
    return load_profiles()[name]


def profile_elements(profile: str) -> tuple[Element, ...]:
    """The elements of a known profile, in checklist order."""
    return get_profile(profile).elements


def profile_for_date(date: str) -> str:
    """The profile written for the law in force on an ISO date (`YYYY`, `YYYY-MM` or
    `YYYY-MM-DD`; a partial date counts from its first day).

    Examples:
        >>> profile_for_date("2024-05-01"), profile_for_date("2026-07-24")
        ('decree13', 'pdp')
        >>> profile_for_date("2015-01")
        'decree52'
    """
    day = (date + "-01-01")[:10] if len(date) < 10 else date
    for profile in load_profiles().values():
        start, end = profile.written_for
        if (start or end) and (not start or start <= day) and (not end or day <= end):
            return profile.name
    return DEFAULT_PROFILE
