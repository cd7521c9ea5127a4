"""`vnpolicy report`: a static HTML site of a built dataset (`pages`), from safe building
blocks (`html`)."""

from .pages import period_label, run_report

__all__ = ["period_label", "run_report"]
