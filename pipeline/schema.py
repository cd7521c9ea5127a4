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
    # `vnpolicy compare`: coverage also has one bool column per checklist element.
    "coverage": {"doc_id": "string", "profile": "string"},
    "completeness": {
        "doc_id": "string", "profile": "string", "n_present": "int64", "n_elements": "int64",
        "score": "float64", "missing": "list", "n_findings": "int64",
    },
    "periods": {
        "type": "string", "value": "string", "qualifier": "string", "days": "int64",
        "n_policies": "int64", "doc_ids": "list",
    },
    "contacts": {
        "doc_id": "string", "n_emails": "int64", "n_phones": "int64", "n_websites": "int64",
        "free_mail": "bool", "emails": "list", "phones": "list", "websites": "list",
    },
    "template_families": {
        "family_id": "string", "n_policies": "int64", "doc_ids": "list",
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
        "boilerplate_id": "string", "n_policies": "int64", "doc_ids": "list", "clauses": "list",
        "min_jaccard": "float64", "text": "string",
    },
}
