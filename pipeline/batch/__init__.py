"""`vnpolicy run`: every stage per document, in parallel, streamed into the dataset tables,
with a per-document cache (`run`, `worker`, `engines`, `cache`, `writer`, `manifest`).

`run_pipeline` is imported on first use, so that `engines` can start the workers' fork server
before the main process imports the rest (spaCy, pandas: ~1.4 s)."""

from __future__ import annotations

from typing import Any

__all__ = ["run_pipeline"]


def __getattr__(name: str) -> Any:
    if name == "run_pipeline":
        from .run import run_pipeline

        return run_pipeline
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
