"""`vnpolicy info`: what a user reports with a bug, and what an analyst cites with a dataset:
the versions, the model in use and where the package reads its data from."""

from __future__ import annotations

import json
import platform
from importlib import metadata

from . import __version__
from .config import MODEL_META_PATH, MODEL_PATH, PACKAGE_DIR, SUPPORTED_SUFFIXES

LIBRARIES = ("underthesea", "spacy", "scikit-learn", "skops", "pandas", "pyarrow",
             "phonenumbers", "pypdfium2", "warcio", "duckdb", "dask")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def package_info() -> dict[str, dict[str, object]]:
    """Versions, the classifier's metadata and the package's paths, by section."""
    from .audit import profile_names

    meta = json.loads(MODEL_META_PATH.read_text(encoding="utf-8")) \
        if MODEL_META_PATH.is_file() else {}
    cv = meta.get("cross_validation", {}).get(meta.get("family", ""), {})
    return {
        "versions": {"vnpolicy": __version__, "python": platform.python_version(),
                     **{name: _version(name) for name in LIBRARIES}},
        "model": {"path": str(MODEL_PATH), "family": meta.get("family", "missing"),
                  "labels": ", ".join(meta.get("labels", [])),
                  "trained_on": f"{meta.get('n_clauses', 0)} clauses of "
                                f"{meta.get('n_policies', 0)} policies "
                                f"(+{meta.get('n_synthetic_policies', 0)} synthetic)",
                  "grouped_cv_macro_f1": cv.get("macro_f1", "n/a"),
                  "sha256": meta.get("model_sha256", "")},
        "paths": {"package": str(PACKAGE_DIR),
                  "profiles": str(PACKAGE_DIR / "audit" / "profiles"),
                  "patterns": str(PACKAGE_DIR / "extract" / "patterns"),
                  "cache": "OUT/.cache (run --cache-dir)"},
        "inputs": {"suffixes": " ".join(SUPPORTED_SUFFIXES),
                   "profiles": ", ".join(profile_names())},
    }
