"""`vnpolicy compare`: tables that compare the policies of a built dataset (`tables`) and the
template families and boilerplate they share (`templates`)."""

from .tables import (
    compare_dataset,
    elements_of,
    load_dataset,
    period_distribution,
    policies_of,
    run_compare,
)

__all__ = ["compare_dataset", "elements_of", "load_dataset", "period_distribution",
           "policies_of", "run_compare"]
