"""`vnpolicy run`: every stage per document, in parallel, streamed into the dataset tables,
with a per-document cache (`run`, `worker`, `engines`, `cache`, `writer`, `manifest`)."""

from .run import run_pipeline

__all__ = ["run_pipeline"]
