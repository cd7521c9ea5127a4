"""Read Vietnamese website privacy policies and turn them into a dataset.

Importing the package loads no model and configures no logging. The stages are `clean`,
`segment`, `classify`, `extract` and `audit`; `document` takes one policy through all five,
`stages` runs them one at a time over interim tables, `batch` runs them all per document in
parallel, `compare` and `report` read a built dataset; `cli` ties them together.
"""

from importlib import import_module
from typing import Any

__version__ = "0.1.0"
__all__ = ["PolicyAnalysis", "__version__", "analyze"]


def __getattr__(name: str) -> Any:
    """`pipeline.analyze` and `pipeline.PolicyAnalysis`, imported on first use (PEP 562):
    importing the package stays free of scikit-learn and spaCy."""
    if name in ("analyze", "PolicyAnalysis"):
        return getattr(import_module(".api", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
