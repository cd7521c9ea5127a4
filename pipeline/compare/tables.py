"""Compare the policies of a built dataset: coverage, deadlines, contacts, scores, templates.

Everything here is derived from the dataset tables alone (no new NLP), so a comparison can be
re-run on any dataset folder, Parquet or CSV. Rows are sorted and MinHash is seeded: the same
dataset always gives the same bytes.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..audit import FREE_MAIL
from ..config import CompareParams
from ..errors import EmptyDatasetError, InputNotFoundError, SchemaError
from ..io import check_columns, check_output_folder, empty_table, read_table, write_tables
from ..schema import COMPARE_TABLES, DATASET_TABLES
from .templates import diff_clauses, find_boilerplate, find_families

logger = logging.getLogger(__name__)

PERIOD_TYPES: tuple[str, ...] = ("complaint_deadline", "retention_period")
OPTIONAL_TABLES: tuple[str, ...] = ("trackers",)
NOT_A_DURATION = -1
COMPARED_TABLES = tuple(name for name in DATASET_TABLES if name != "errors")


def load_dataset(directory: Path, tables: Sequence[str] = COMPARED_TABLES
                 ) -> dict[str, pd.DataFrame]:
    """The tables of a built dataset folder, by name (what failed, `errors`, is not compared).

    Raises:
        InputNotFoundError: `directory` does not exist.
        SchemaError: it is not a dataset, or a table is missing (`trackers` may be: datasets
            built before it lack it).
        EmptyDatasetError: the dataset has no policy that went through every stage.
    """
    if not directory.is_dir():
        raise InputNotFoundError(f"{directory}: no such dataset folder")
    loaded = {}
    for name in tables:
        try:
            loaded[name] = read_table(directory, name)
        except SchemaError:
            if name not in OPTIONAL_TABLES:
                raise
            loaded[name] = empty_table(name)
    if "audit" in loaded and loaded["audit"].empty:
        n_documents = len(loaded["documents"]) if "documents" in loaded else 0
        raise EmptyDatasetError(
            f"{directory}: the dataset has no audited policy ({n_documents} documents, none "
            "went through every stage): nothing to compare or report")
    return loaded


def policies_of(audit: pd.DataFrame) -> list[str]:
    """The audited policies (those that went through every stage), sorted."""
    return sorted(set(audit["doc_id"]))


def elements_of(audit: pd.DataFrame) -> list[str]:
    """Checklist elements in the profile's own order."""
    return list(dict.fromkeys(audit["element"]))


def audit_status(audit: pd.DataFrame) -> pd.Series:
    """Each audit row's status; a dataset built before the `status` column has only
    `present`."""
    from_present = audit["present"].astype(bool).map({True: "present", False: "absent"})
    if "status" in audit:
        return audit["status"].where(audit["status"] != "", from_present)
    return from_present


def coverage_matrix(audit: pd.DataFrame) -> pd.DataFrame:
    """Policy × element: one bool column per checklist element, in checklist order (an
    element not applicable to a policy, or not in its profile, is False).

    Examples:
        >>> audit = pd.DataFrame({"doc_id": ["a", "a"], "element": ["purpose", "contact"],
        ...                       "present": [True, False], "profile": ["ecommerce"] * 2})
        >>> coverage_matrix(audit).to_dict("records")
        [{'doc_id': 'a', 'profile': 'ecommerce', 'purpose': True, 'contact': False}]
    """
    if audit.empty:
        return empty_table("coverage")
    wide = audit.pivot_table(index="doc_id", columns="element", values="present",
                             aggfunc="any").fillna(False).astype(bool)
    wide = wide[elements_of(audit)].reset_index()
    wide.columns.name = None
    profiles = audit.groupby("doc_id")["profile"].first()
    wide.insert(1, "profile", wide["doc_id"].map(profiles))
    return wide.sort_values("doc_id", ignore_index=True)


def completeness_scores(audit: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """Share of the applicable elements of its own profile each policy states, with what is
    missing and what does not apply; best first."""
    n_findings = findings.groupby("doc_id").size()
    audit = audit.assign(_status=audit_status(audit))
    rows = []
    for doc_id, frame in audit.groupby("doc_id"):
        applies = frame["_status"] != "not_applicable"
        present = frame["_status"] == "present"
        rows.append({"doc_id": doc_id, "profile": frame["profile"].iloc[0],
                     "n_present": int(present.sum()), "n_elements": int(applies.sum()),
                     "score": round(float(present.sum() / max(int(applies.sum()), 1)), 4),
                     "missing": frame.loc[applies & ~present, "element"].tolist(),
                     "n_findings": int(n_findings.get(doc_id, 0)),
                     "not_applicable": frame.loc[~applies, "element"].tolist()})
    table = pd.DataFrame(rows, columns=list(empty_table("completeness").columns))
    return table.sort_values(["score", "doc_id"], ascending=[False, True], ignore_index=True)


def period_distribution(facts: pd.DataFrame) -> pd.DataFrame:
    """How many policies give each complaint deadline and retention period.

    `days` is the duration in days, or -1 for a condition such as `until_deletion_request`.
    """
    periods = facts[facts["type"].isin(PERIOD_TYPES)]
    rows = []
    for (kind, value, qualifier), frame in periods.groupby(["type", "normalized", "qualifier"]):
        doc_ids = sorted(set(frame["doc_id"]))
        rows.append({"type": kind, "value": value, "qualifier": qualifier,
                     "days": int(value) if value.isdigit() else NOT_A_DURATION,
                     "n_policies": len(doc_ids), "doc_ids": doc_ids})
    table = pd.DataFrame(rows, columns=list(empty_table("periods").columns))
    table["_condition"] = table["days"] < 0
    return (table.sort_values(["type", "_condition", "days", "value", "qualifier"])
            .drop(columns="_condition").reset_index(drop=True))


def contact_channels(doc_ids: list[str], facts: pd.DataFrame) -> pd.DataFrame:
    """Distinct e-mails, phones and websites per policy, and whether an e-mail is free-mail.

    A free-mail address (`free_mail`) means the company is not reached at its own domain.
    """
    by_doc = dict(list(facts.groupby("doc_id")))
    rows = []
    for doc_id in doc_ids:
        mine = by_doc.get(doc_id, empty_table("facts"))
        own = (mine["type"] != "website") | (mine["qualifier"] == "")  # not a named third party
        emails, phones, websites = (sorted(set(mine.loc[own & (mine["type"] == kind),
                                                        "normalized"]))
                                    for kind in ("email", "phone", "website"))
        rows.append({"doc_id": doc_id, "n_emails": len(emails), "n_phones": len(phones),
                     "n_websites": len(websites),
                     "free_mail": any(e.rsplit("@", 1)[-1] in FREE_MAIL for e in emails),
                     "emails": emails, "phones": phones, "websites": websites})
    return pd.DataFrame(rows, columns=list(empty_table("contacts").columns))


def template_tables(documents: pd.DataFrame, clauses: pd.DataFrame, doc_ids: list[str],
                    params: CompareParams = CompareParams()) -> dict[str, pd.DataFrame]:
    """Template families, their pairs and clause differences, and corpus-wide boilerplate."""
    texts = dict(zip(documents["doc_id"], documents["text"], strict=True))
    families = find_families({d: texts[d] for d in doc_ids}, params)
    by_doc = {d: f.sort_values("clause_id") for d, f in clauses.groupby("doc_id")}
    family_rows, pair_rows, diff_rows = [], [], []
    for family in families:
        family_rows.append({"family_id": family.family_id, "n_policies": len(family.doc_ids),
                            "doc_ids": list(family.doc_ids),
                            "min_jaccard": min(family.pairs.values()),
                            "max_jaccard": max(family.pairs.values())})
        for (doc_a, doc_b), jaccard in sorted(family.pairs.items()):
            diffs = diff_clauses(by_doc[doc_a], by_doc[doc_b], params)
            counts = Counter(d["change"] for d in diffs)
            pair_rows.append({"family_id": family.family_id, "doc_a": doc_a, "doc_b": doc_b,
                              "jaccard": jaccard,
                              **{f"n_{c}": counts[c]
                                 for c in ("same", "changed", "only_a", "only_b")}})
            diff_rows += [{"family_id": family.family_id, "doc_a": doc_a, "doc_b": doc_b, **d}
                          for d in diffs if d["change"] != "same"]
    boilerplate = [{"boilerplate_id": f"B{number:03d}", "n_policies": len(group["doc_ids"]),
                    **group}
                   for number, group in enumerate(
                       find_boilerplate(clauses[clauses["doc_id"].isin(doc_ids)], params),
                       start=1)]
    return {name: pd.DataFrame(rows, columns=list(empty_table(name).columns))
            for name, rows in (("template_families", family_rows),
                               ("template_pairs", pair_rows),
                               ("template_diffs", diff_rows),
                               ("boilerplate", boilerplate))}


def compare_dataset(tables: dict[str, pd.DataFrame],
                    params: CompareParams = CompareParams()) -> dict[str, pd.DataFrame]:
    """Every comparison table from the dataset tables (see `load_dataset`), by name."""
    doc_ids = policies_of(tables["audit"])
    result = {
        "coverage": coverage_matrix(tables["audit"]),
        "completeness": completeness_scores(tables["audit"], tables["findings"]),
        "periods": period_distribution(tables["facts"]),
        "contacts": contact_channels(doc_ids, tables["facts"]),
        **template_tables(tables["documents"], tables["clauses"], doc_ids, params),
    }
    return {name: check_columns(result[name], name) for name in COMPARE_TABLES}


def run_compare(dataset: Path, out: Path, *, fmt: str = "parquet",
                params: CompareParams = CompareParams()) -> dict[str, pd.DataFrame]:
    """Read a built dataset, compare its policies and write the comparison tables to `out`.

    Args:
        dataset: a folder written by `vnpolicy build`/`run`.
        out: folder for the comparison tables (created).
        fmt: `parquet` or `csv`.

    Returns:
        The tables written, by name.
    """
    check_output_folder(out)
    logger.info("compare: reading %s", dataset)
    tables = compare_dataset(load_dataset(dataset), params)
    write_tables(tables, out, fmt)
    logger.info("compare: %d policies, %d template families, %d boilerplate groups -> %s",
                len(tables["coverage"]), len(tables["template_families"]),
                len(tables["boilerplate"]), out)
    return tables
