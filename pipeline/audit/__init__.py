"""Stage 5: the completeness audit against a profile (`audit/profiles/*.json`) and the
quality findings, from a policy's labelled clauses and facts.

Names are imported from their modules on first use: the command line reads the profiles
(`profiles`, light) for its options without importing the checklist's pandas (~0.3 s)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOMES = {"STATUSES": "checklist", "audit_document": "checklist", "choose_profile": "checklist",
          "FREE_MAIL": "findings", "find_quality_issues": "findings", "AUTO": "profiles",
          "DEFAULT_PROFILE": "profiles", "check_profile": "profiles", "get_profile": "profiles",
          "profile_names": "profiles"}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_HOMES[name]}", __name__), name)
