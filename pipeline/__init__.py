"""Read Vietnamese website privacy policies and turn them into a dataset.

Importing the package loads no model and configures no logging; each stage lives in its own
module (`clean`, `segment`, `classify`, `extract`, `dataset`) and `cli` ties them together.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
