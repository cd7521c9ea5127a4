"""Columns and dtypes of every table: the dataset contract the README documents.

Later work may add columns; it never renames or drops these.
"""

from __future__ import annotations

TABLES: dict[str, dict[str, str]] = {
    "documents": {
        "doc_id": "string", "source_path": "string", "sha256": "string", "text": "string",
        "n_chars": "int64", "n_clauses": "int64", "status": "string",
    },
    "clauses": {
        "doc_id": "string", "clause_id": "int64", "section": "string", "text": "string",
        "start": "int64", "end": "int64", "tokens": "list", "labels": "list",
        "scores": "string", "kind": "string", "section_path": "string",
        "token_starts": "list",
    },
    "facts": {
        "doc_id": "string", "clause_id": "int64", "type": "string", "value": "string",
        "normalized": "string", "start": "int64", "end": "int64", "rule_id": "string",
        "qualifier": "string",
    },
    "audit": {
        "doc_id": "string", "element": "string", "present": "bool", "evidence": "list",
        "note": "string", "profile": "string", "legal_basis": "string",
    },
    "findings": {
        "doc_id": "string", "finding": "string", "evidence": "list", "detail": "string",
    },
    "errors": {
        "doc_id": "string", "source_path": "string", "stage": "string", "error": "string",
    },
}
