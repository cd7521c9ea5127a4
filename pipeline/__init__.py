"""Read Vietnamese website privacy policies and turn them into a dataset.

Importing the package loads no model and configures no logging. The stages are `clean`,
`segment`, `classify`, `extract` and `audit`; `document` takes one policy through all five,
`stages` runs them one at a time over interim tables, `batch` runs them all per document in
parallel, `compare` and `report` read a built dataset; `cli` ties them together.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
