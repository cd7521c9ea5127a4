"""Columns and types of every table, and which tables go together: the one place the
dataset contract (README) is written down.

Types are `string`, `int64`, `float64`, `bool`, `list<item>`, `map<string,float64>` (label ->
probability; JSON text in CSV) and `int64?` (an integer or null). Later work may add columns;
it never renames or drops these.
"""

from __future__ import annotations

TABLES: dict[str, dict[str, str]] = {
    "documents": {
        "doc_id": "string", "source_path": "string", "sha256": "string", "text": "string",
        "n_chars": "int64", "n_clauses": "int64", "status": "string",
        # issue 15: where a crawled page came from, and what the status was decided on
        "url": "string", "fetched_at": "string", "vietnamese_share": "float64",
        "policy_score": "float64", "warnings": "list<string>",
    },
    "clauses": {
        "doc_id": "string", "clause_id": "int64", "section": "string", "text": "string",
        "start": "int64", "end": "int64", "tokens": "list<string>", "labels": "list<string>",
        "scores": "map<string,float64>", "kind": "string", "section_path": "list<string>",
        "token_starts": "list<int64>", "heading_level": "int64",
    },
    "facts": {
        "doc_id": "string", "clause_id": "int64", "type": "string", "value": "string",
        "normalized": "string", "start": "int64", "end": "int64", "rule_id": "string",
        "qualifier": "string",
        # issue 15: a count as an integer (days, hours), its unit beside it; null otherwise
        "amount": "int64?", "unit": "string",
    },
    "audit": {
        "doc_id": "string", "element": "string", "present": "bool", "evidence": "list<int64>",
        "note": "string", "profile": "string", "legal_basis": "string",
        "status": "string",  # present | absent | not_applicable (`present` kept for old readers)
    },
    "findings": {
        "doc_id": "string", "finding": "string", "evidence": "list<int64>", "detail": "string",
        "legal_basis": "string",
    },
    "errors": {
        "doc_id": "string", "source_path": "string", "stage": "string", "error": "string",
    },
    # Tracker and analytics scripts an HTML page loads (`audit/trackers.json`).
    "trackers": {
        "doc_id": "string", "tracker": "string", "category": "string", "evidence": "string",
    },
    # `vnpolicy compare`: coverage also has one bool column per checklist element.
    "coverage": {"doc_id": "string", "profile": "string"},
    "completeness": {
        "doc_id": "string", "profile": "string", "n_present": "int64", "n_elements": "int64",
        "score": "float64", "missing": "list<string>", "n_findings": "int64",
        "not_applicable": "list<string>",  # conditional elements the policy gave no cause for
    },
    "periods": {
        "type": "string", "value": "string", "qualifier": "string", "days": "int64",
        "n_policies": "int64", "doc_ids": "list<string>",
    },
    "contacts": {
        "doc_id": "string", "n_emails": "int64", "n_phones": "int64", "n_websites": "int64",
        "free_mail": "bool", "emails": "list<string>", "phones": "list<string>",
        "websites": "list<string>",
    },
    "template_families": {
        "family_id": "string", "n_policies": "int64", "doc_ids": "list<string>",
        "min_jaccard": "float64", "max_jaccard": "float64",
    },
    "template_pairs": {
        "family_id": "string", "doc_a": "string", "doc_b": "string", "jaccard": "float64",
        "n_same": "int64", "n_changed": "int64", "n_only_a": "int64", "n_only_b": "int64",
    },
    "template_diffs": {
        "family_id": "string", "doc_a": "string", "doc_b": "string", "change": "string",
        "clause_a": "int64", "clause_b": "int64", "similarity": "float64", "text_a": "string",
        "text_b": "string",
    },
    "boilerplate": {
        "boilerplate_id": "string", "n_policies": "int64", "doc_ids": "list<string>",
        "clauses": "list<string>", "min_jaccard": "float64", "text": "string",
    },
    # Stage outputs in `<interim>/<stage>/`, read back by the next stage command.
    "interim_documents": {
        "doc_id": "string", "source_path": "string", "sha256": "string", "text": "string",
        "url": "string", "fetched_at": "string",
    },
    "interim_clauses": {
        "doc_id": "string", "clause_id": "int64", "section": "string", "text": "string",
        "start": "int64", "end": "int64", "tokens": "list<string>",
        "token_starts": "list<int64>", "kind": "string", "section_path": "string",
        "heading_level": "int64",
    },
    "interim_labels": {
        "doc_id": "string", "clause_id": "int64", "labels": "list<string>", "scores": "string",
    },
}
TABLES["interim_facts"] = {column: dtype for column, dtype in TABLES["facts"].items()
                           if column not in ("amount", "unit")}  # `Fact` fields
TABLES["interim_errors"] = TABLES["errors"]
TABLES["interim_trackers"] = TABLES["trackers"]

# The tables `vnpolicy run` and `build` write together, and those `compare` writes.
DATASET_TABLES: tuple[str, ...] = ("documents", "clauses", "facts", "audit", "findings",
                                   "errors", "trackers")
COMPARE_TABLES: tuple[str, ...] = ("coverage", "completeness", "periods", "contacts",
                                   "template_families", "template_pairs", "template_diffs",
                                   "boilerplate")
# Columns a batch stamps from the input's name (and a crawled page's record); the rows made
# of a document's bytes, and so its cache entry, lack them.
INPUT_COLUMNS: tuple[str, ...] = ("doc_id", "source_path", "url", "fetched_at")


# Columns added after a table was first written, with the value a row written before them
# reads as: a dataset of an earlier version (or a table made by hand) still reads.
ADDED_COLUMNS: dict[str, dict[str, object]] = {
    "documents": {"url": "", "fetched_at": "", "vietnamese_share": float("nan"),
                  "policy_score": float("nan"), "warnings": ()},
    "facts": {"amount": None, "unit": ""},
    "clauses": {"heading_level": 0},
    "audit": {"status": ""},  # `compare.audit_status` reads `present` where it is empty
    "interim_documents": {"url": "", "fetched_at": ""},
}

MAP_TYPE = "map<string,float64>"
NULLABLE_INT = "int64?"


def list_item(dtype: str) -> str | None:
    """The item type of a list type, None for other types.

    Examples:
        >>> list_item("list<int64>"), list_item("string")
        ('int64', None)
    """
    return dtype[5:-1] if dtype.startswith("list<") else None
