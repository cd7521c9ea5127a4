"""Paths, label ids and stage parameters; the one place that reads the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# The checkout, when the package runs from one; an installed package has no data/ or models/
# beside it, so only the checkout's own commands (train, evaluate, annotate) use these.
PROJ_ROOT = PACKAGE_DIR.parent
DATA_DIR = Path(os.environ.get("VNPOLICY_DATA_DIR", PROJ_ROOT / "data"))
RAW_DIR = DATA_DIR / "raw"
ANNOTATED_DIR = DATA_DIR / "annotated"
# Where `vnpolicy train` writes when asked (`make train`: --out models); the package ships a
# copy of what is committed there (`make models` refreshes it, a test checks they are equal).
MODELS_DIR = PROJ_ROOT / "models"
# The model every run loads: the copy inside the package, so an installed wheel finds it.
PACKAGED_MODELS_DIR = PACKAGE_DIR / "models"
MODEL_FILE, MODEL_META_FILE = "clause_classifier.skops", "clause_classifier.json"
MODEL_PATH = PACKAGED_MODELS_DIR / MODEL_FILE
MODEL_META_PATH = PACKAGED_MODELS_DIR / MODEL_META_FILE
HEADING_MODEL_FILE = "heading_model.json"
HEADING_MODEL_PATH = PACKAGED_MODELS_DIR / HEADING_MODEL_FILE
# Stage commands' default folder, relative to where the command runs (never the package).
INTERIM_DIR = Path("data") / "interim"
RUN_MANIFEST = ".vnpolicy-run.json"  # `run`: in --out, what its tables were made from
CACHE_DIRNAME = ".cache"  # `run`: per-document results inside --out, unless --cache-dir
COMPARE_DIRNAME, REPORT_DIRNAME = "compare", "report"  # inside the dataset they read
SHARED_CORPUS_DIR = PROJ_ROOT.parent / "shared" / "corpus"
# Files derived at run time from installed libraries (`wordseg`'s arrays of underthesea's
# weights, which may not be shipped with this MIT project): VNPOLICY_CACHE_DIR, else the XDG
# cache folder.
USER_CACHE_DIR = Path(os.environ.get("VNPOLICY_CACHE_DIR") or Path(
    os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "vnpolicy")

# Clause categories of ../shared/TAXONOMY.md, verbatim; `other` last.
CLAUSE_LABELS: tuple[str, ...] = (
    "purpose",
    "scope",
    "retention",
    "access",
    "contact",
    "user_rights",
    "complaints",
    "security",
    "other",
)
CONTENT_LABELS: tuple[str, ...] = CLAUSE_LABELS[:-1]

FACT_TYPES: tuple[str, ...] = (
    "email",
    "phone",
    "website",
    "organization",
    "tax_code",
    "address",
    "complaint_deadline",
    "retention_period",
    "opening_hours",
    "breach_notification",
    "policy_date",
)

# Elements of Law 91/2025 + Decree 356/2025 (../shared/LAW.md), verbatim: the gold law
# annotation's ids and the `pdp` audit profile's, in its order.
LAW_ELEMENTS: tuple[str, ...] = (
    "controller_identity", "data_categories", "purposes", "consent", "withdraw_consent",
    "rights", "rights_procedure", "response_deadlines", "recipients", "no_sale", "retention",
    "deletion", "security", "breach_notification", "complaints", "dpo_contact",
    "sensitive_data", "cross_border", "cookies_tracking", "marketing_optout", "children",
    "automated_processing",
)
LAW_VALUES: tuple[str, ...] = ("present", "absent", "not_applicable")

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".html", ".htm", ".pdf", ".docx", ".md")
# Crawls: each HTML response that looks like a privacy policy is one document.
WARC_SUFFIXES: tuple[str, ...] = (".warc", ".warc.gz")
# In the head of every page `vnpolicy report` writes: a run never reads its pages back as
# policies, wherever the report was written.
GENERATOR_MARK = '<meta name="generator" content="vnpolicy report">'


@dataclass(frozen=True)
class CleanParams:
    """Limits that turn hostile input into a clear error instead of a crash or a hang."""

    max_bytes: int = 20_000_000
    max_html_depth: int = 2_000
    max_chars: int = 20_000_000  # decoded text
    max_inflated_bytes: int = 200_000_000  # out of a DOCX zip or a PDF's content streams


@dataclass(frozen=True)
class SegmentParams:
    """How long a line may be and still count as a heading."""

    max_heading_chars: int = 260
    max_clause_chars: int = 2_000


@dataclass(frozen=True)
class CompareParams:
    """Template detection: MinHash over syllable shingles, thresholds on estimated Jaccard.

    Whole policies copied from one template and edited score about 0.35 on 3-syllable
    shingles in our corpus, unrelated policies below 0.3; boilerplate clauses are near-copies.
    """

    shingle_size: int = 3
    num_perm: int = 128
    seed: int = 1
    family_threshold: float = 0.3
    boilerplate_threshold: float = 0.8
    boilerplate_min_syllables: int = 8
    match_threshold: float = 0.5
