"""Stage 5: the completeness audit against a profile (`audit/profiles/*.json`) and the
quality findings, from a policy's labelled clauses and facts."""

from .checklist import audit_document
from .findings import FREE_MAIL, find_quality_issues
from .profiles import check_profile, profile_names

__all__ = ["FREE_MAIL", "audit_document", "check_profile", "find_quality_issues",
           "profile_names"]
