"""Gold annotations: clause labels and facts, stored as offsets and hashes, never as text.

The corpus policies are third-party texts, so `data/annotated/*.jsonl` keeps only the file
name, character offsets into the *cleaned* text (`clean.clean_file`), a short hash of the
annotated span and the labels. `load_*` rebuild the spans from the source files and fail loudly
when a hash no longer matches (the source, or the cleaning, changed).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .clean import clean_file, clean_text
from .config import (
    ANNOTATED_DIR,
    CLAUSE_LABELS,
    FACT_TYPES,
    LAW_ELEMENTS,
    LAW_VALUES,
    RAW_DIR,
    SHARED_CORPUS_DIR,
)
from .errors import AnnotationError, InputNotFoundError
from .records import Clause, Document


@dataclass(frozen=True)
class GoldClause:
    doc_id: str
    start: int
    end: int
    text: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class GoldHeading:
    doc_id: str
    start: int
    end: int
    level: int


@dataclass(frozen=True)
class GoldFact:
    doc_id: str
    type: str
    start: int
    end: int
    value: str
    normalized: str
    qualifier: str


def span_hash(text: str) -> str:
    """First 12 hex digits of the SHA-1 of a span: enough to notice any change."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def source_dirs() -> dict[str, Path]:
    """Where each `source` of an annotation row lives."""
    return {"raw": RAW_DIR, "corpus": SHARED_CORPUS_DIR}


@lru_cache(maxsize=64)
def _document(source: str, file: str) -> Document:
    base = source_dirs().get(source)
    if base is None:
        raise AnnotationError(f"unknown annotation source {source!r} (expected raw or corpus)")
    path = base / file
    if not path.is_file():
        raise InputNotFoundError(f"annotated file {path} not found")
    return clean_file(path)


def _rows(path: Path) -> Iterable[dict]:
    if not path.is_file():
        raise InputNotFoundError(f"annotation file {path} not found")
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as err:
                    raise AnnotationError(f"{path}:{number}: invalid JSON: {err}") from err


def _span(row: dict, path: Path) -> tuple[Document, str]:
    doc = _document(row["source"], row["file"])
    text = doc.text[row["start"] : row["end"]]
    if span_hash(text) != row["sha1"]:
        raise AnnotationError(
            f"{path}: {row['file']}[{row['start']}:{row['end']}] no longer matches its hash "
            f"{row['sha1']}: the source file or the cleaning changed; re-annotate or re-anchor"
        )
    return doc, text


def load_gold_clauses(path: Path = ANNOTATED_DIR / "clauses.jsonl") -> list[GoldClause]:
    """Annotated clauses rebuilt from their sources, hash-checked.

    Raises:
        AnnotationError: a hash does not match or a label is not in `CLAUSE_LABELS`.
    """
    gold = []
    for row in _rows(path):
        doc, text = _span(row, path)
        unknown = set(row["labels"]) - set(CLAUSE_LABELS)
        if unknown or not row["labels"]:
            raise AnnotationError(f"{path}: {row['file']}: unknown or empty labels {unknown}")
        gold.append(GoldClause(doc.doc_id, row["start"], row["end"], text, tuple(row["labels"])))
    return gold


def as_written(kind: str, span: str) -> str | None:
    """The normalised value of a fact normalised as written (an organisation's name with its
    first letter capitalised, an address on one line), read from its span; None for the
    other types. A row of these types stores no `normalized`: it would copy the policy's
    text into the repository.

    Examples:
        >>> as_written("address", "12 Lê Lợi,\\nHuế"), as_written("email", "a@b.vn")
        ('12 Lê Lợi, Huế', None)
    """
    if kind == "organization":
        return span[:1].upper() + span[1:]
    if kind == "address":
        return " ".join(span.split())
    return None


def fact_normalized(row: dict, span: str) -> str:
    """A fact row's normalised value: stored, or derived from its span (`as_written`)."""
    if "normalized" in row:
        return str(row["normalized"])
    derived = as_written(row["type"], span)
    if derived is None:
        raise AnnotationError(f"{row['file']}: a {row['type']} fact needs its normalized value")
    return derived


def load_gold_facts(path: Path = ANNOTATED_DIR / "facts.jsonl") -> list[GoldFact]:
    """Annotated facts rebuilt from their sources, hash-checked."""
    gold = []
    for row in _rows(path):
        doc, text = _span(row, path)
        if row["type"] not in FACT_TYPES:
            raise AnnotationError(f"{path}: {row['file']}: unknown fact type {row['type']!r}")
        gold.append(GoldFact(doc.doc_id, row["type"], row["start"], row["end"], text,
                             fact_normalized(row, text), row.get("qualifier", "")))
    return gold


def fact_row_span(row: dict) -> str:
    """The text a fact row points at in its cleaned source (not hash-checked)."""
    return _document(row["source"], row["file"]).text[row["start"] : row["end"]]


def load_gold_headings(path: Path = ANNOTATED_DIR / "headings.jsonl"
                       ) -> dict[str, list[GoldHeading]]:
    """Gold headings with their levels, by document, hash-checked."""
    gold: dict[str, list[GoldHeading]] = {}
    for row in _rows(path):
        doc, _ = _span(row, path)
        gold.setdefault(doc.doc_id, []).append(
            GoldHeading(doc.doc_id, row["start"], row["end"], int(row["level"])))
    return gold


@dataclass(frozen=True)
class GoldLaw:
    """One policy's law element as annotated: present, absent or not_applicable, with the
    spans that show it."""

    doc_id: str
    source: str
    file: str
    element: str
    value: str
    evidence: tuple[tuple[int, int], ...]


def load_gold_law(path: Path = ANNOTATED_DIR / "law.jsonl") -> list[GoldLaw]:
    """Law-element annotations (`law.jsonl`), evidence spans hash-checked.

    Raises:
        AnnotationError: an unknown element or value, or a span that no longer matches.
        InputNotFoundError: the file or an annotated policy is missing.
    """
    gold = []
    for row in _rows(path):
        if row["element"] not in LAW_ELEMENTS or row["value"] not in LAW_VALUES:
            raise AnnotationError(f"{path}: {row['file']}: unknown law element or value "
                                  f"{row['element']!r}={row['value']!r}")
        doc = _document(row["source"], row["file"])
        for span in row.get("evidence", ()):
            _span({**span, "source": row["source"], "file": row["file"]}, path)
        gold.append(GoldLaw(doc.doc_id, row["source"], row["file"], row["element"],
                            row["value"], tuple((s["start"], s["end"])
                                                for s in row.get("evidence", ()))))
    return gold


SYNTHETIC_DIR = ANNOTATED_DIR / "synthetic"
SYNTHETIC_STRUCTURE_DIR = ANNOTATED_DIR / "synthetic_structure"
_INLINE_HEADING_MARK = re.compile(r"\[\[([1-6])\|([^\]\n]+)\]\]")


def _marked_line(line: str, offset: int) -> tuple[str, list[tuple[int, int, int]]]:
    """A line of a synthetic layout without its marks, and the headings they marked."""
    heading = re.match(r"@([1-6]) ", line)
    if heading:
        text = line[heading.end() :]
        return text, [(offset, offset + len(text), int(heading.group(1)))]
    spans, text, pos = [], "", 0
    for match in _INLINE_HEADING_MARK.finditer(line):
        text += line[pos : match.start()]
        spans.append((offset + len(text), offset + len(text) + len(match.group(2)),
                      int(match.group(1))))
        text += match.group(2)
        pos = match.end()
    return text + line[pos:], spans


def load_synthetic_structure(directory: Path = SYNTHETIC_STRUCTURE_DIR
                             ) -> list[tuple[Document, list[GoldHeading]]]:
    """Layouts the team wrote for the heading model (training only): "@N " starts a heading
    line of level N, "[[N|...]]" marks a heading inlined in a line.

    Raises:
        AnnotationError: a file is not clean text (its offsets would move when cleaned).
    """
    layouts = []
    for path in sorted(directory.glob("*.txt")) if directory.is_dir() else []:
        lines, headings, offset = [], [], 0
        for line in path.read_text(encoding="utf-8").splitlines():
            text, spans = _marked_line(line, offset)
            lines.append(text)
            headings.extend(spans)
            offset += len(text) + 1
        text = "\n".join(lines)
        if clean_text(text) != text:
            raise AnnotationError(f"{path}: not clean text; write it as `clean_text` leaves it")
        doc_id = "synthetic:" + path.stem
        doc = Document(doc_id, str(path), hashlib.sha256(text.encode()).hexdigest(), text)
        layouts.append((doc, [GoldHeading(doc_id, a, b, level) for a, b, level in headings]))
    return layouts


def load_synthetic(directory: Path = SYNTHETIC_DIR) -> list[tuple[Document, list[GoldClause]]]:
    """Policies the team wrote itself (fictional companies), one JSONL line per clause.

    These are for training only: `classify.train` never puts them in an evaluation fold.
    A line with `"para": true` continues the previous line's paragraph.
    """
    documents = []
    for path in sorted(directory.glob("*.jsonl")) if directory.is_dir() else []:
        text, spans = "", []
        for row in _rows(path):
            unknown = set(row["labels"]) - set(CLAUSE_LABELS)
            if unknown or not row["labels"]:
                raise AnnotationError(f"{path}: unknown or empty labels {unknown}")
            sentence = clean_text(row["text"])
            separator = (" " if row.get("para") else "\n") if text else ""
            start = len(text) + len(separator)
            text += separator + sentence
            spans.append((start, len(text), tuple(row["labels"])))
        doc_id = "synthetic:" + path.stem
        doc = Document(doc_id, str(path), hashlib.sha256(text.encode()).hexdigest(), text)
        documents.append(
            (doc, [GoldClause(doc_id, a, b, text[a:b], labels) for a, b, labels in spans])
        )
    return documents


def annotated_documents(path: Path = ANNOTATED_DIR / "clauses.jsonl") -> list[Document]:
    """The cleaned documents that carry clause annotations, in file order."""
    seen: dict[tuple[str, str], Document] = {}
    for row in _rows(path):
        key = (row["source"], row["file"])
        if key not in seen:
            seen[key] = _document(*key)
    return list(seen.values())


def align_labels(clauses: Sequence[Clause], gold: Sequence[GoldClause]) -> list[tuple[str, ...]]:
    """Gold labels for predicted clauses: the labels of gold spans covering most of each
    clause, so annotations survive a change of the segmenter."""
    labels = []
    for clause in clauses:
        best: dict[str, int] = {}
        for g in gold:
            overlap = min(clause.end, g.end) - max(clause.start, g.start)
            if overlap > 0:
                for label in g.labels:
                    best[label] = best.get(label, 0) + overlap
        length = max(clause.end - clause.start, 1)
        chosen = tuple(label for label in CLAUSE_LABELS if best.get(label, 0) >= 0.5 * length)
        if len(chosen) > 1 and "other" in chosen:
            chosen = tuple(label for label in chosen if label != "other")
        labels.append(chosen or ("other",))
    return labels
