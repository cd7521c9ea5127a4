"""Completeness audit: which elements of a profile each policy states, with evidence.

Every element is `present` or `absent`; a conditional one (cookies, children, transfers
abroad...) is `not_applicable` unless the policy or the page shows the activity, and its note
says what showed it. With the profile `auto`, each policy is audited against the law in force
on its own date (`policy_date` facts), and the note says which profile was chosen and why.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Union

from ..memo import Memo
from .cues import Candidates, Cue, cue_text
from .profiles import (
    AUTO,
    DEFAULT_PROFILE,
    Applies,
    Element,
    check_profile,
    get_profile,
    profile_for_date,
)

# A label the classifier gave only because nothing else fit (its probability under 0.5) is a
# clause's best guess, not evidence that the policy states an element.
EVIDENCE_MIN_SCORE = 0.5
PRESENT, ABSENT, NOT_APPLICABLE = "present", "absent", "not_applicable"
NO_CLAUSE = -1
STATUSES = (PRESENT, ABSENT, NOT_APPLICABLE)


if TYPE_CHECKING:
    import pandas as pd

# One policy's rows of a table: a frame or records (pandas is imported only where a frame is
# made: a run's workers audit records and never need it).
TableRows = Union["pd.DataFrame", Sequence[Mapping[str, Any]]]
Clauses = list[tuple[int, set[str], str, str]]  # (clause_id, evidence labels, text, lower)
PolicyClauses = Candidates[tuple[int, set[str], str, str]]
Judgement = tuple[str, list[int], str]  # (status, evidence clause ids, note)


def records(rows: TableRows) -> Sequence[Mapping]:
    """Plain records: a batch worker already has them, and reading them is ~10x faster than
    iterating a frame of Arrow strings."""
    return rows.to_dict("records") if hasattr(rows, "to_dict") else rows


def _evidence_labels(row: Mapping) -> set[str]:
    """The clause's labels that count as evidence: all of them for gold or hand-made rows,
    those with a score of at least `EVIDENCE_MIN_SCORE` when the classifier's scores are known
    (a dict, or the JSON text of a table's `scores` column)."""
    labels = set(row["labels"])
    scores = row.get("scores")
    if isinstance(scores, str) and scores:
        scores = json.loads(scores)
    if not isinstance(scores, Mapping) or not scores:
        return labels
    return {label for label in labels if scores.get(label, 1.0) >= EVIDENCE_MIN_SCORE}


def choose_profile(profile: str, facts: Sequence[Mapping]) -> tuple[str, str]:
    """The profile to audit a policy against and, for `auto`, why: the law in force on the
    policy's latest effective or updated date, else the law in force today.

    Examples:
        >>> choose_profile("auto", [{"type": "policy_date", "normalized": "2024-03-01",
        ...                          "qualifier": "updated"}])
        ('decree13', 'auto: policy updated 2024-03-01, so decree13')
    """
    name = check_profile(profile)
    if name != AUTO:
        return name, ""
    dates = sorted((fact["normalized"], fact["qualifier"]) for fact in facts
                   if fact["type"] == "policy_date")
    if not dates:
        return DEFAULT_PROFILE, f"auto: no policy date, so the law in force ({DEFAULT_PROFILE})"
    date, qualifier = dates[-1]
    chosen = profile_for_date(date)
    return chosen, f"auto: policy {qualifier or 'dated'} {date}, so {chosen}"


def audit_document(doc_id: str, clauses: TableRows, facts: TableRows,
                   profile: str = DEFAULT_PROFILE, trackers: TableRows = (),
                   memo: Memo | None = None) -> list[dict]:
    """Audit rows (one per checklist element) for one policy.

    Args:
        clauses: the policy's rows of the `clauses` table (with `labels`, `scores` when
            the labels come from the classifier, and `kind`: a heading whose section denies
            an activity does not show it).
        facts: the policy's rows of the `facts` table.
        profile: a profile name or alias, or `auto` (chosen by the policy's date).
        trackers: the page's rows of the `trackers` table (what it loads shows tracking).
        memo: clause texts with the cues' results on them (`cues.cue_text`), across policies.
    """
    fact_rows = records(facts)
    name, choice = choose_profile(profile, fact_rows)
    chosen = get_profile(name)
    clause_rows = records(clauses)
    rows: Clauses = [(int(row["clause_id"]), _evidence_labels(row), row["text"],
                      cue_text(row["text"], memo)) for row in clause_rows]
    fact_clauses: dict[str, list[int]] = {}
    for fact in fact_rows:  # a fact given by type alone (`evaluate`) sits in no clause: -1
        clause_id = fact.get("clause_id")
        fact_clauses.setdefault(fact["type"], []).append(
            NO_CLAUSE if clause_id is None else int(clause_id))
    tracker_names = sorted({str(row["tracker"]) for row in records(trackers)})
    headings = frozenset(int(row["clause_id"]) for row in clause_rows
                         if row.get("kind") == "heading")
    policy = policy_clauses(rows)
    audit = []
    for element in chosen.elements:
        status, evidence, note = judge(element, policy, fact_clauses, tracker_names, headings)
        audit.append({"doc_id": doc_id, "element": element.element,
                      "present": status == PRESENT, "evidence": evidence,
                      "note": "; ".join(part for part in (note, choice) if part),
                      "profile": name, "legal_basis": element.legal_basis, "status": status})
    return audit


def policy_clauses(rows: Clauses) -> PolicyClauses:
    """A policy's clause rows with which of them each cue can match (`cues.Candidates`)."""
    return Candidates(rows, [low for _, _, _, low in rows])


def judge(element: Element, policy: PolicyClauses, fact_clauses: Mapping[str, list[int]],
          trackers: Sequence[str] = (), headings: Collection[int] = ()) -> Judgement:
    """An element's status, its evidence clauses and a note saying why."""
    applies = ""
    if element.applies is not None:
        denied = _denied_headings(element.applies, policy, headings)
        applies, shown = _applies(element.applies, [row for row in policy.of(element.applies.cue)
                                                    if row[0] not in denied], trackers)
        if not applies:
            return NOT_APPLICABLE, [], f"not applicable: no {element.applies.activity} shown"
    evidence = _evidence(element, policy, fact_clauses)
    if headings and element.deny_headings and element.not_cue is not None:
        evidence = _drop_denied_headings(element.not_cue, policy, evidence, headings)
    if headings and element.sections:
        evidence = _with_sections(element, policy, evidence, headings)
    status, note = _decide(element, evidence, policy.rows, fact_clauses)
    if applies and status == ABSENT:
        evidence = shown  # what a regulator checks: where the activity shows
    return (status, [cid for cid in evidence if cid != NO_CLAUSE],
            "; ".join(part for part in (applies, note) if part))


def _evidence(element: Element, policy: PolicyClauses, fact_clauses: Mapping[str, list[int]]
              ) -> list[int]:
    """The clauses that show the element: without a cue any clause with one of its labels
    may, else only those a cue can match; and the clauses of its facts."""
    rows = (policy.rows if element.cue is None and element.labels
            else policy.of(element.strong_cue, element.cue))
    found = {clause_id for clause_id, clause_labels, text, low in rows
             if _is_evidence(element, clause_labels, text, low)}
    texts = {clause_id: text for clause_id, _, text, _ in policy.rows}
    for kind in element.facts:
        found.update(clause_id for clause_id in fact_clauses.get(kind, ())
                     if element.not_cue is None
                     or not element.not_cue.search(texts.get(clause_id, "")))
    return sorted(found)


def _drop_denied_headings(not_cue: Cue, policy: PolicyClauses, evidence: list[int],
                          headings: Collection[int]) -> list[int]:
    """The evidence without the headings whose own section the element's `not_cue` matches: a
    heading "Nhân sự bảo vệ dữ liệu" over "we will appoint one when the law requires it" names
    the element but shows none."""
    named = set(evidence) & set(headings)
    if not named:
        return evidence
    denied: set[int] = set()
    heading = None
    for clause_id, _, text, low in policy.rows:
        if clause_id in headings:
            heading = clause_id if clause_id in named else None
        elif heading is not None and not_cue.search(text, low):
            denied.add(heading)
    return [clause_id for clause_id in evidence if clause_id not in denied]


def _with_sections(element: Element, policy: PolicyClauses, evidence: list[int],
                   headings: Collection[int]) -> list[int]:
    """The evidence and the clauses, with one of the element's labels, of the sections whose
    heading is evidence."""
    found, labels = set(evidence), set(element.labels)
    under = False
    for clause_id, clause_labels, text, low in policy.rows:
        if clause_id in headings:
            under = clause_id in evidence
        elif under and labels & clause_labels and (
                element.not_cue is None or not element.not_cue.search(text, low)):
            found.add(clause_id)
    return sorted(found)


def _is_evidence(element: Element, labels: set[str], text: str, low: str) -> bool:
    """Whether a clause shows the element; the cheap tests first (a label set), `not_cue`
    last, on the few clauses that match (most of an audit's time is regex search)."""
    if element.strong_cue is not None and element.strong_cue.search(text, low):
        found = True
    elif not element.labels and element.cue is None:
        return False  # an element read from facts only
    else:
        found = ((not element.labels or bool(set(element.labels) & labels))
                 and (element.cue is None or bool(element.cue.search(text, low))))
    return found and (element.not_cue is None or not element.not_cue.search(text, low))


def _decide(element: Element, evidence: list[int], clauses: Clauses,
            fact_clauses: Mapping[str, list[int]]) -> tuple[str, str]:
    if not evidence:
        return ABSENT, "no clause states it"
    if element.groups:
        shown = set(evidence)
        texts = [(text, low) for clause_id, _, text, low in clauses if clause_id in shown]
        covered = [name for name, pattern in element.groups
                   if any(pattern.search(text, low) for text, low in texts)]
        if len(covered) < element.min_groups:
            return ABSENT, (f"only {len(covered)} of the {element.min_groups} needed: "
                            + (", ".join(covered) or "none"))
    if element.needs_facts and not set(fact_clauses) & set(element.needs_facts):
        return ABSENT, f"clauses found, but no {' or '.join(element.needs_facts)} extracted"
    return PRESENT, ""


def _denied_headings(applies: Applies, policy: PolicyClauses, headings: Collection[int]
                     ) -> set[int]:
    """Headings whose section denies the activity they name: "Dữ liệu vị trí" over "Chúng tôi
    không thu thập dữ liệu vị trí" shows no location data."""
    if not headings or applies.cue is None or applies.not_cue is None:
        return set()
    cue, not_cue = applies.cue, applies.not_cue
    naming = {clause_id for clause_id, _, text, low in policy.of(cue)
              if clause_id in headings and cue.search(text, low)}
    denied: set[int] = set()
    heading = None
    for clause_id, _, text, low in policy.rows if naming else ():
        if clause_id in headings:
            heading = clause_id if clause_id in naming else None
        elif heading is not None and cue.search(text, low) and not_cue.search(text, low):
            denied.add(heading)
    return denied


def _applies(applies: Applies, clauses: Clauses, trackers: Sequence[str]
             ) -> tuple[str, list[int]]:
    """Why a conditional element applies (empty when it does not), and the clauses that
    show the activity."""
    labels = set(applies.labels)
    shown, words = [], []
    for clause_id, clause_labels, text, low in clauses:
        if labels and not labels & clause_labels:
            continue
        match = applies.cue.search(text, low) if applies.cue else None
        if match and (applies.not_cue is None or not applies.not_cue.search(text, low)):
            shown.append(clause_id)
            words.append(match.group(0).lower())
    reasons = []
    if shown:
        named = ", ".join(f"«{w}»" for w in sorted(set(words))[:3])
        reasons.append(f"clause {shown[0]}" + (f" (and {len(shown) - 1} more)"
                                               if len(shown) > 1 else "") + f" names {named}")
    if applies.trackers and trackers:
        reasons.append(f"the page loads {', '.join(trackers)}")
    return ("applies: " + "; ".join(reasons)) if reasons else "", shown
