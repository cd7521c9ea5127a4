"""`vnpolicy compare`: tables that compare the policies of a built dataset (`tables`) and the
template families and boilerplate they share (`templates`)."""

from .tables import (
    audit_status,
    compare_dataset,
    elements_of,
    load_dataset,
    period_distribution,
    policies_of,
    run_compare,
)

__all__ = ["audit_status", "compare_dataset", "elements_of", "load_dataset", "period_distribution",
           "policies_of", "run_compare"]
