"""Stage 5: the completeness audit against a profile (`audit/profiles/*.json`) and the
quality findings, from a policy's labelled clauses and facts."""

from .checklist import STATUSES, audit_document, choose_profile
from .findings import FREE_MAIL, find_quality_issues
from .profiles import AUTO, DEFAULT_PROFILE, check_profile, get_profile, profile_names

__all__ = ["AUTO", "DEFAULT_PROFILE", "FREE_MAIL", "STATUSES", "audit_document",
           "check_profile", "choose_profile", "find_quality_issues", "get_profile",
           "profile_names"]
