"""Clause features that carry over to companies the model has never seen.

Each clause becomes one row of plain strings and numbers (no custom Python objects), so the
fitted pipeline saves with skops using only scikit-learn types: the clause's underthesea
words, its syllables, the heading path it sits under and the first syllables of its innermost
heading, its neighbours, its kind and position.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..records import Clause

if TYPE_CHECKING:
    import pandas as pd

_DIGITS_RE = re.compile(r"\d+")
FEATURE_COLUMNS = ("words", "syllables", "section", "lead", "context", "kind", "position")
# Where each clause sits, for models that read a clause with its neighbours and section: the
# document it belongs to and the row of its innermost heading (-1 outside any section).
PLACE_COLUMNS = ("group", "section_row")


_LETTERS_RE = re.compile(r"[^\W\d_]+")
LEAD_SYLLABLES = 2  # "Mục đích", "Phạm vi", "Thời gian", "Cam kết": chosen on development CV
_NUMBERING_RE = re.compile(
    r"^\s*(?:#{1,6}\s+)?(?:(?:[0-9]{1,2}(?:[./][0-9]{1,2})*|[IVXLCivxlc]{1,6})"
    r"[.)/]\s*|[0-9]{1,2}(?:[./][0-9]{1,2})*\s+|[A-Ha-hĐđ][.)]\s*)")


def _words(clause: Clause) -> str:
    """underthesea words joined by '_' inside a word ("thông_tin cá_nhân"), digits as "0"
    (one substitution for the clause: a run of digits never spans a space or a "_")."""
    return _DIGITS_RE.sub("0", " ".join(w.lower().replace(" ", "_") for w in clause.tokens))


def _strip_numbering(heading: str) -> str:
    """ "2.1. Phạm vi" -> "Phạm vi"; a separator is required, so "Chính sách" keeps its "C"."""
    return _NUMBERING_RE.sub("", heading)


def _lead(heading: str) -> str:
    """The first syllables of a heading, numbering and digits left out ("2. Mục đích sử dụng
    thông tin" -> "mục_đích"): a Vietnamese heading opens with the noun that names its
    subject, and the words after it may name another ("sử dụng" is the word of `scope`, but a
    list under "Mục đích sử dụng" is `purpose`). Only for a section heading: under the
    document's title ("Chính sách ...") alone, as when a policy's headings are missed, a clause
    is read by its own words."""
    return "_".join(_LETTERS_RE.findall(_strip_numbering(heading).lower())[:LEAD_SYLLABLES])


def _section(path: str) -> str:
    return " | ".join(_strip_numbering(h) for h in path.split(" > ")).lower()


def feature_rows(clauses: Sequence[Clause]) -> list[dict[str, str | float | int]]:
    """One row per clause of one document (neighbours are taken within the document), keyed
    by `FEATURE_COLUMNS` and `PLACE_COLUMNS`.

    Examples:
        >>> from pipeline.records import Document
        >>> from pipeline.segment import segment_document
        >>> d = Document("x", "", "", "3. Thời gian lưu trữ thông tin\\nLưu trữ 24 tháng.")
        >>> feature_rows(segment_document(d))[1]["section"]
        'thời gian lưu trữ thông tin'
    """
    n = len(clauses)
    rows = []
    headings: dict[str, int] = {}
    levels: dict[str, int] = {}
    sections: dict[str, str] = {}  # consecutive clauses share their heading path
    for i, clause in enumerate(clauses):
        if clause.kind == "heading":
            headings[clause.text] = i
            levels[clause.text] = clause.heading_level
        prev_text = clauses[i - 1].text if i > 0 else ""
        next_text = clauses[i + 1].text if i + 1 < n else ""
        path = sections.get(clause.section_path)
        if path is None:
            path = sections[clause.section_path] = _section(clause.section_path)
        rows.append({
            "words": _words(clause),
            "syllables": _DIGITS_RE.sub("0", clause.text.lower()),
            "section": path,
            "lead": _lead(clause.section) if levels.get(clause.section, 0) > 1 else "",
            "context": _DIGITS_RE.sub("0", (prev_text + " \n " + next_text).lower()),
            "kind": clause.kind,
            "position": i / max(n - 1, 1),
            "group": clause.doc_id,
            "section_row": headings.get(clause.section, -1),
        })
    return rows


def clause_features(clauses: Sequence[Clause]) -> pd.DataFrame:
    """`feature_rows` as the frame training and evaluation fit on (prediction reads the rows:
    a run's workers never import pandas)."""
    import pandas as pd

    return pd.DataFrame(feature_rows(clauses), columns=[*FEATURE_COLUMNS, *PLACE_COLUMNS])
