"""The Python API, for people who want answers rather than files: `analyze(text_or_path)` runs
one policy through every stage and returns a `PolicyAnalysis`, and the spaCy component
`vnpolicy` puts clause and fact spans on a `Doc`.

Both use the committed classifier (loaded once per process) and the same per-document flow
as `vnpolicy run` (`document.process_documents`), so their rows are the dataset's rows.

Examples:
    >>> import pipeline
    >>> result = pipeline.analyze("Chính sách bảo mật\\nDữ liệu được lưu trữ trong 12 tháng.")
    >>> result.status, [c["labels"] for c in result.clauses]
    ('ok', [['other'], ['retention']])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .audit import DEFAULT_PROFILE, check_profile
from .clean.decode import check_size
from .clean.inputs import doc_id_for
from .config import CleanParams, SegmentParams
from .document import Settings, outcome_rows, process_documents
from .errors import AlignmentError, InputNotFoundError
from .io import check_columns, empty_table
from .records import Document
from .schema import DATASET_TABLES
from .segment import segment_document

if TYPE_CHECKING:  # pandas only for `to_frame`: spaCy imports this module in every run
    import pandas as pd
    from spacy.language import Language
    from spacy.tokens import Doc

    from .classify.predict import ClauseClassifier

__all__ = ["PolicyAnalysis", "analyze", "make_component"]

MAX_PATH_CHARS = 4096


@dataclass(frozen=True)
class PolicyAnalysis:
    """One policy's rows of every dataset table (see README, "The dataset contract")."""

    document: dict[str, Any]  # its `documents` row (empty when it could not be read)
    clauses: list[dict[str, Any]] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    trackers: list[dict[str, Any]] = field(default_factory=list)  # scripts its page loads

    @property
    def status(self) -> str:
        """`ok`, `error`, `not_vietnamese` or `not_a_policy` (as `documents.status`)."""
        return str(self.document.get("status", "error"))

    @property
    def text(self) -> str:
        """The cleaned text every offset points into."""
        return str(self.document.get("text", ""))

    @property
    def missing(self) -> list[str]:
        """The checklist elements the policy does not state."""
        return [row["element"] for row in self.audit if row.get("status") == "absent"
                or "status" not in row and not row["present"]]

    def to_frame(self, table: str) -> pd.DataFrame:
        """One table as a DataFrame with the dataset's columns and types.

        Raises:
            KeyError: `table` is not one of `schema.DATASET_TABLES`.
        """
        if table not in DATASET_TABLES:
            raise KeyError(f"no table {table!r}; tables: {', '.join(DATASET_TABLES)}")
        if table == "documents":
            rows = [self.document] if self.document else []
        else:
            rows = getattr(self, table)
        import pandas as pd

        return check_columns(pd.DataFrame(rows), table) if rows else empty_table(table)

    def __repr__(self) -> str:
        present = sum(bool(row["present"]) for row in self.audit)
        return (f"PolicyAnalysis({self.document.get('doc_id', '?')!r}, status={self.status!r}, "
                f"{len(self.clauses)} clauses, {len(self.facts)} facts, "
                f"audit {present}/{len(self.audit)})")


@lru_cache(maxsize=1)
def _classifier() -> ClauseClassifier:
    from .classify.predict import ClauseClassifier

    return ClauseClassifier()


def _source(text_or_path: str | Path) -> tuple[Path, bytes]:
    """The file name and bytes to analyse: a `Path` is a file; a `str` is a file only if it
    is one line naming a file that exists, else it is the policy's text."""
    if isinstance(text_or_path, str):
        candidate = Path(text_or_path) if "\n" not in text_or_path and \
            len(text_or_path) < MAX_PATH_CHARS else None
        if candidate is None or not candidate.is_file():
            return Path("text.txt"), text_or_path.encode("utf-8")
        text_or_path = candidate
    if not text_or_path.is_file():
        raise InputNotFoundError(f"{text_or_path}: no such file")
    check_size(text_or_path.stat().st_size, text_or_path)
    return text_or_path, text_or_path.read_bytes()


def analyze(text_or_path: str | Path, *, profile: str = DEFAULT_PROFILE,
            clean: CleanParams = CleanParams()) -> PolicyAnalysis:
    """Run one policy (its text, or a file of any supported format) through every stage.

    A file that cannot be read is not an exception: its `errors` say why, as in a batch.

    Raises:
        InputNotFoundError: a `Path` that does not exist.
        PipelineError: an unknown `profile`, or the model cannot be loaded.
    """
    profile = check_profile(profile)
    path, data = _source(text_or_path)
    doc_id = doc_id_for(path)
    outcome = process_documents([(doc_id, str(path), data)],
                                Settings(clean, SegmentParams(), profile), _classifier())[0]
    rows = outcome_rows(outcome)
    return PolicyAnalysis(rows["documents"][0] if rows["documents"] else {},
                          rows["clauses"], rows["facts"], rows["audit"], rows["findings"],
                          rows["errors"], rows["trackers"])


# --- spaCy ------------------------------------------------------------------------------

class VnpolicyComponent:
    """Puts the clauses of a policy on `doc.spans["clauses"]` (one span per label, `label_` =
    category, `span._.vnpolicy` = the label's probability and the clause's scores) and its
    facts on `doc.spans["facts"]` (`label_` = the fact type in upper case, `span._.vnpolicy`
    = value, normalised value, qualifier, rule). Spans cover whole tokens of the `Doc`
    (a blank `vi` tokenizer splits on spaces, so "hotro@sen.vn." is one token); the fact's
    own characters are in `span._.vnpolicy["value"]`. The text is taken as it is: offsets
    are `doc.text`'s, so clean raw text first (`pipeline.clean.clean_text`)."""

    def __init__(self, nlp: Language, name: str) -> None:
        from spacy.tokens import Span

        if not Span.has_extension("vnpolicy"):
            Span.set_extension("vnpolicy", default=None)
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        from .extract.facts import extract_facts

        document = Document("doc", "", "", doc.text)
        try:
            clauses = segment_document(document)
        except AlignmentError as err:
            raise ValueError(f"vnpolicy: {err}; clean the text first "
                             "(pipeline.clean.clean_text)") from err
        labels = _classifier().predict(clauses)
        doc.spans["clauses"] = _spans(doc, [
            (clause.start, clause.end, label,
             {"clause_id": clause.clause_id, "score": result.scores.get(label),
              "scores": result.scores})
            for clause, result in zip(clauses, labels, strict=True) for label in result.labels])
        doc.spans["facts"] = _spans(doc, [
            (fact.start, fact.end, fact.type.upper(),
             {"value": fact.value, "normalized": fact.normalized, "qualifier": fact.qualifier,
              "rule_id": fact.rule_id})
            for fact in extract_facts("doc", doc.text, clauses)])
        return doc


def _spans(doc: Doc, found: list[tuple[int, int, str, dict[str, Any]]]) -> list[Any]:
    """Spans over the tokens covering each (start, end); one that covers no token is left
    out (a span must hold a token)."""
    spans = []
    for start, end, label, data in found:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None and len(span):
            span._.vnpolicy = data
            spans.append(span)
    return spans


def make_component(nlp: Language, name: str) -> VnpolicyComponent:
    """The `vnpolicy` factory (`nlp.add_pipe("vnpolicy")`; found through the package's
    `spacy_factories` entry point once installed)."""
    return VnpolicyComponent(nlp, name)


def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory("vnpolicy"):
        Language.factory("vnpolicy", func=make_component)


_register()
