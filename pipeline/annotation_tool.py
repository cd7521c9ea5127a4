"""Annotate a policy: a work sheet to fill in, checked and turned into gold rows.

`export_sheet` writes a JSON work sheet of one policy: its clauses as the segmenter cuts them
(offsets, kind, text) with empty `labels`, `heading`, plus empty `facts` and `law` sections.
An annotator fills it in (see GUIDELINES.md) and may split a clause the segmenter merged
(`pieces`). `sheet_rows` checks the sheet against the cleaned text and returns the rows of
`clauses.jsonl`, `headings.jsonl`, `facts.jsonl` and `law.jsonl`: offsets, a hash and labels,
never the text, since the policies are third-party texts. Sheets (which hold text) stay
outside the repository.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .annotations import (
    GoldClause,
    align_labels,
    as_written,
    fact_normalized,
    fact_row_span,
    span_hash,
)
from .clean import clean_file
from .config import CLAUSE_LABELS, FACT_TYPES, LAW_ELEMENTS, LAW_VALUES
from .errors import AnnotationError
from .records import Document
from .segment import segment_document


def export_sheet(path: Path, source: str, gold: list[GoldClause] = ()) -> dict[str, Any]:
    """A work sheet for one policy file (`source`: `raw` or `corpus`); clauses covered by
    `gold` come with its labels filled in."""
    doc = clean_file(path)
    segmented = segment_document(doc)
    known = align_labels(segmented, gold) if gold else [[] for _ in segmented]
    clauses = [
        {"i": c.clause_id, "start": c.start, "end": c.end, "kind": c.kind, "section": c.section,
         "text": c.text, "labels": list(labels), "heading": None}
        for c, labels in zip(segmented, known, strict=True)
    ]
    return {"source": source, "file": path.name, "chars": len(doc.text), "clauses": clauses,
            "facts": [], "law": {element: {"value": None, "evidence": []}
                                 for element in LAW_ELEMENTS}}


def _pieces(clause: dict, text: str) -> list[tuple[int, int, dict]]:
    """(start, end, piece) for a clause, split where its `pieces` say."""
    pieces = clause.get("pieces")
    if not pieces:
        return [(clause["start"], clause["end"], clause)]
    starts = [clause["start"]]
    for piece in pieces[1:]:
        found = text.find(piece["from"], starts[-1] + 1, clause["end"])
        if found < 0:
            raise AnnotationError(f"clause {clause['i']}: piece start {piece['from']!r} not "
                                  "found after the previous piece")
        starts.append(found)
    ends = [*starts[1:], clause["end"]]
    spans = []
    for start, end, piece in zip(starts, ends, pieces, strict=True):
        chunk = text[start:end]
        stripped = chunk.strip()
        offset = start + chunk.index(stripped) if stripped else start
        spans.append((offset, offset + len(stripped), piece))
    return spans


def _check_labels(labels: list[str], where: str) -> None:
    unknown = set(labels) - set(CLAUSE_LABELS)
    if unknown or not labels:
        raise AnnotationError(f"{where}: unknown or empty labels {sorted(unknown) or labels}")
    if "other" in labels and len(labels) > 1:
        raise AnnotationError(f"{where}: `other` is never combined with another label")


def _clause_rows(sheet: dict, doc: Document) -> tuple[list[dict], list[dict]]:
    base = {"source": sheet["source"], "file": sheet["file"]}
    clauses, headings = [], []
    for clause in sheet["clauses"]:
        if doc.text[clause["start"] : clause["end"]] != clause["text"]:
            raise AnnotationError(f"{sheet['file']}: clause {clause['i']} does not match the "
                                  "cleaned text (the cleaning or the sheet changed)")
        for start, end, piece in _pieces(clause, doc.text):
            where = f"{sheet['file']}: clause {clause['i']}"
            _check_labels(piece.get("labels", []), where)
            span = {**base, "start": start, "end": end,
                    "sha1": span_hash(doc.text[start:end])}
            clauses.append({**span, "labels": [label for label in CLAUSE_LABELS
                                               if label in piece["labels"]]})
            level = piece.get("heading")
            if level is not None:
                if not isinstance(level, int) or not 1 <= level <= 6:
                    raise AnnotationError(f"{where}: heading level {level!r} is not 1-6")
                headings.append({**span, "level": level})
    return clauses, headings


def _fact_rows(sheet: dict, doc: Document) -> list[dict]:
    rows = []
    for fact in sheet.get("facts", []):
        if fact["type"] not in FACT_TYPES:
            raise AnnotationError(f"{sheet['file']}: unknown fact type {fact['type']!r}")
        start, nth = -1, int(fact.get("nth", 0))
        for _ in range(nth + 1):
            start = doc.text.find(fact["text"], start + 1)
            if start < 0:
                raise AnnotationError(f"{sheet['file']}: fact text {fact['text']!r} "
                                      f"(occurrence {nth}) not in the cleaned text")
        end = start + len(fact["text"])
        row = {"source": sheet["source"], "file": sheet["file"], "type": fact["type"],
               "start": start, "end": end, "sha1": span_hash(fact["text"]),
               "normalized": str(fact["normalized"]), "qualifier": fact.get("qualifier", "")}
        if as_written(fact["type"], fact["text"]) == row["normalized"]:
            del row["normalized"]  # read back from the span: no policy text in the repository
        rows.append(row)
    return rows


def _law_rows(sheet: dict) -> list[dict]:
    law = sheet.get("law") or {}
    if all(entry.get("value") is None for entry in law.values()):
        return []  # this sheet was not annotated for the law
    by_id = {c["i"]: c for c in sheet["clauses"]}
    rows = []
    for element in LAW_ELEMENTS:
        entry = law.get(element) or {}
        value = entry.get("value")
        if value not in LAW_VALUES:
            raise AnnotationError(f"{sheet['file']}: law element {element}: value {value!r} "
                                  f"is not one of {LAW_VALUES}")
        evidence = []
        for i in entry.get("evidence", []):
            if i not in by_id:
                raise AnnotationError(f"{sheet['file']}: law element {element}: no clause {i}")
            clause = by_id[i]
            evidence.append({"start": clause["start"], "end": clause["end"],
                             "sha1": span_hash(clause["text"])})
        rows.append({"source": sheet["source"], "file": sheet["file"], "element": element,
                     "value": value, "evidence": evidence})
    return rows


def sheet_rows(sheet: dict, base_dirs: dict[str, Path]) -> dict[str, list[dict]]:
    """Gold rows of a filled-in sheet, checked against the cleaned text.

    Raises:
        AnnotationError: a clause no longer matches the text, a label or level is unknown, a
            fact is not found, a law element is missing.
    """
    doc = clean_file(base_dirs[sheet["source"]] / sheet["file"])
    unlabelled = [c["i"] for c in sheet["clauses"]
                  if not c.get("labels") and not c.get("pieces")]
    if len(unlabelled) == len(sheet["clauses"]):  # a sheet for facts and the law only
        clauses, headings = [], []
    elif unlabelled:
        raise AnnotationError(f"{sheet['file']}: clauses without labels: {unlabelled[:10]}")
    else:
        clauses, headings = _clause_rows(sheet, doc)
    return {"clauses": clauses, "headings": headings, "facts": _fact_rows(sheet, doc),
            "law": _law_rows(sheet)}


def load_sheet(path: Path) -> dict:
    """A work sheet from its JSON file."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise AnnotationError(f"{path}: not a readable work sheet ({err})") from err


GOLD_FILES = ("clauses", "headings", "facts", "law")


def import_sheets(sheets: list[Path], annotated: Path, base_dirs: dict[str, Path],
                  tables: tuple[str, ...] = GOLD_FILES) -> dict[str, int]:
    """Write the gold rows of `sheets` into `annotated/<table>.jsonl`, replacing the rows of
    the same files; rows of other files keep their order. Returns rows written per table."""
    from .io import atomic_write

    new: dict[str, list[dict]] = {table: [] for table in tables}
    for path in sheets:
        for table, rows in sheet_rows(load_sheet(path), base_dirs).items():
            if table in new:
                new[table].extend(rows)
    counts = {}
    for table in tables:
        target = annotated / f"{table}.jsonl"
        old = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()
               if line.strip()] if target.is_file() else []
        replaced = {(row["source"], row["file"]) for row in new[table]}
        kept = [row for row in old if (row["source"], row["file"]) not in replaced]
        rows = kept + new[table]
        text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        atomic_write(target, lambda tmp, text=text: tmp.write_text(text, encoding="utf-8"))
        counts[table] = len(new[table])
    return counts



def _rows_by_file(path: Path) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    for line in path.read_text(encoding="utf-8").splitlines() if path.is_file() else []:
        if line.strip():
            row = json.loads(line)
            rows.setdefault(row["file"], []).append(row)
    return rows


def _overlaps(a: dict, b: dict) -> bool:
    """`b` covers at least half of `a`."""
    return min(a["end"], b["end"]) - max(a["start"], b["start"]) >= 0.5 * (a["end"] - a["start"])


def label_agreement(first: Path, final: Path) -> dict[str, dict[str, float]]:
    """Per label, how the first pass agrees with the reviewed gold on the clauses both
    annotated (each final clause takes the first-pass labels of the spans covering it):
    Cohen's kappa, and the first pass's precision and recall against the final labels."""
    from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

    firsts, finals = _rows_by_file(first), _rows_by_file(final)
    pairs: list[tuple[set[str], set[str]]] = []
    for file, rows in firsts.items():
        for row in finals.get(file, []):
            covering = [g for g in rows if _overlaps(row, g)]
            pairs.append(({label for g in covering for label in g["labels"]} or {"other"},
                          set(row["labels"])))
    result = {}
    for label in CLAUSE_LABELS:
        a = [label in one for one, _ in pairs]
        b = [label in two for _, two in pairs]
        p, r, f, _ = precision_recall_fscore_support(b, a, average="binary", zero_division=0)
        kappa = cohen_kappa_score(a, b) if len(set(a) | set(b)) > 1 else 1.0  # one class
        result[label] = {"kappa": round(float(kappa), 3),
                         "precision": round(float(p), 3), "recall": round(float(r), 3),
                         "f1": round(float(f), 3), "support": int(sum(b))}
    result["all"] = {"clauses": len(pairs),
                     "identical": round(sum(a == b for a, b in pairs) / max(len(pairs), 1), 3)}
    return result


def heading_agreement(first: Path, final: Path) -> dict[str, float]:
    """How the first pass's headings match the reviewed ones: precision, recall, F1 of the
    heading spans and the share of matched headings with the same level."""
    firsts, finals = _rows_by_file(first), _rows_by_file(final)
    matched = same_level = n_first = n_final = 0
    for file, rows in firsts.items():
        gold = finals.get(file, [])
        n_first, n_final = n_first + len(rows), n_final + len(gold)
        for row in gold:
            hit = next((g for g in rows if _overlaps(row, g)), None)
            matched += hit is not None
            same_level += hit is not None and hit["level"] == row["level"]
    precision, recall = matched / max(n_first, 1), matched / max(n_final, 1)
    return {"precision": round(precision, 3), "recall": round(recall, 3),
            "f1": round(2 * precision * recall / max(precision + recall, 1e-9), 3),
            "level_agreement": round(same_level / max(matched, 1), 3), "headings": n_final}


def fact_agreement(first: Path, final: Path) -> dict[str, float]:
    """The first pass's facts against the reviewed ones, as (policy, type, normalised value)
    sets: precision and recall."""
    def facts(path: Path, files: set[str] | None = None) -> set[tuple[str, str, str]]:
        return {(row["file"], row["type"], fact_normalized(row, fact_row_span(row)))
                for file, rows in _rows_by_file(path).items() if files is None or file in files
                for row in rows}

    one = facts(first)
    two = facts(final, {file for file, _, _ in one} | set(_rows_by_file(first)))
    both = len(one & two)
    return {"precision": round(both / max(len(one), 1), 3),
            "recall": round(both / max(len(two), 1), 3), "facts": len(two)}


def law_agreement(first: Path, final: Path) -> dict[str, float]:
    """Share of (policy, element) values the first pass and the review agree on, and Cohen's
    kappa over present / absent / not_applicable."""
    from sklearn.metrics import cohen_kappa_score

    values = {path: {(row["file"], row["element"]): row["value"]
                     for rows in _rows_by_file(path).values() for row in rows}
              for path in (first, final)}
    keys = sorted(values[first].keys() & values[final].keys())
    a = [values[first][key] for key in keys]
    b = [values[final][key] for key in keys]
    return {"agreement": round(sum(x == y for x, y in zip(a, b, strict=True)) / max(len(keys), 1),
                               3),
            "kappa": round(float(cohen_kappa_score(a, b)), 3) if keys else 0.0,
            "elements": len(keys)}
