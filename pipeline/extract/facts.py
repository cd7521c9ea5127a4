"""Run every extractor over one document and tie each fact to the clause it sits in.

Extraction runs on the whole cleaned text (never on sentence strings: underthesea's
`sent_tokenize` splits e-mail addresses), so every fact keeps offsets into `documents.text`.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence

from ..memo import Memo, memo_key
from ..records import Clause, Document, Fact, RawFact
from ..segment import segment_document
from .addresses import find_addresses
from .contacts import (
    find_emails,
    find_phones,
    find_tax_codes,
    find_websites,
    website_owner,
)
from .dates import find_policy_dates
from .nlp import CUES_KEY, annotate, doc_from_words
from .organizations import find_foreign_owners, find_organizations, find_trading_names
from .periods import (
    Window,
    find_breach_notifications,
    find_complaint_deadlines,
    find_opening_hours,
    find_retention_periods,
)


def cue_windows(text: str, clauses: Sequence[Clause], memo: Memo | None = None
                ) -> list[Window]:
    """One `Window` per clause, with the cue phrases the spaCy matcher found in it and in the
    heading of its section."""
    windows, heading_cues, previous = [], frozenset[str](), frozenset[str]()
    for clause, cues in zip(clauses, clause_cues(clauses, memo), strict=True):
        labels = frozenset(label for label, _, _ in cues)
        if clause.kind == "heading":
            heading_cues = labels
        windows.append(Window(clause.start, clause.end,
                              tuple((label, clause.start + a, clause.start + b)
                                    for label, a, b in cues), heading_cues, previous))
        previous = labels
    return windows


def clause_cues(clauses: Sequence[Clause], memo: Memo | None = None
                ) -> list[tuple[tuple[str, int, int], ...]]:
    """The cues inside each clause, as (label, start, end) relative to the clause start.

    A cue counts only inside one clause, and the matchers read nothing outside a match, so a
    clause's cues depend on its words alone: with a `memo` (`memo.Memos.cues`; templated
    policies repeat most clauses) they are kept by its text and words, and the clauses not
    seen before are matched together in one spaCy `Doc` of their words.
    """
    if memo is None:
        return _match_clauses(clauses)
    keys = [memo_key(clause.text, *clause.tokens) for clause in clauses]
    found = [memo.get(key) for key in keys]
    todo = [i for i, cues in enumerate(found) if cues is None]
    for i, cues in zip(todo, _match_clauses([clauses[i] for i in todo]), strict=True):
        memo.put(keys[i], cues)
        found[i] = cues
    return found


def _match_clauses(clauses: Sequence[Clause]) -> list[tuple[tuple[str, int, int], ...]]:
    if not clauses:
        return []
    text = "\n".join(clause.text for clause in clauses)
    starts = list(itertools.accumulate((len(c.text) + 1 for c in clauses[:-1]), initial=0))
    doc = annotate(doc_from_words([w for c in clauses for w in c.tokens], text))
    found: list[list[tuple[str, int, int]]] = [[] for _ in clauses]
    for span in doc.spans[CUES_KEY]:
        index = bisect.bisect_right(starts, span.start_char) - 1
        if span.end_char <= starts[index] + len(clauses[index].text):
            found[index].append((span.label_, span.start_char - starts[index],
                                 span.end_char - starts[index]))
    return [tuple(cues) for cues in found]


def extract_text_facts(text: str) -> list[RawFact]:
    """Facts of a bare text: segments it first (for tests, notebooks and one-off use).

    Examples:
        >>> t = "Hotline 0933 588 655, email tam@khatra.com.vn, website khatra.com.vn."
        >>> [(f.type, f.normalized) for f in extract_text_facts(t)]
        [('phone', '+84933588655'), ('email', 'tam@khatra.com.vn'), ('website', 'khatra.com.vn')]
    """
    clauses = segment_document(Document("text", "", "", text))
    return extract_raw_facts(text, cue_windows(text, clauses))


def extract_raw_facts(text: str, windows: Sequence[Window]) -> list[RawFact]:
    """All facts of a text, in reading order, without duplicates at the same place."""
    windows = list(windows)
    emails = list(find_emails(text))
    websites = list(find_websites(text, emails))
    organizations = [*find_organizations(text), *find_foreign_owners(text)]
    found = [
        *emails,
        *websites,
        *find_phones(text),
        *organizations,
        *find_trading_names(text, own_hosts(emails, websites), organizations),
        *find_tax_codes(text),
        *find_addresses(text),
        *find_complaint_deadlines(text, windows),
        *find_retention_periods(text, windows),
        *find_breach_notifications(text, windows),
        *find_opening_hours(text, windows),
        *find_policy_dates(text, windows),
    ]
    unique: dict[tuple[str, int, int], RawFact] = {}
    for fact in found:
        unique.setdefault((fact.type, fact.start, fact.end), fact)
    return sorted(unique.values(), key=lambda f: (f.start, f.end, f.type))


def own_hosts(emails: Sequence[RawFact], websites: Sequence[RawFact]) -> list[str]:
    """The controller's own hosts: its websites and the domains of its e-mail addresses (not
    a mail provider's or another party's)."""
    domains = {fact.normalized.split("@")[-1] for fact in emails}
    return sorted({f.normalized for f in websites if not f.qualifier}
                  | {domain for domain in domains if not website_owner(domain)})


def extract_facts(doc_id: str, text: str, clauses: Sequence[Clause], memo: Memo | None = None
                  ) -> list[Fact]:
    """Facts of one segmented document, each with the id of the clause holding its start.

    Args:
        memo: cue phrases of clauses seen before (`memo.Memos.cues`), if any.
    """
    windows = cue_windows(text, clauses, memo)
    starts = [c.start for c in clauses]
    facts = []
    for raw in extract_raw_facts(text, windows):
        index = max(bisect.bisect_right(starts, raw.start) - 1, 0)
        clause_id = clauses[index].clause_id if clauses else -1
        facts.append(Fact(**vars(raw), doc_id=doc_id, clause_id=clause_id))
    return facts
