"""From per-label probabilities to a clause's labels: `final_labels`, the rules every caller
applies (a threshold, then the section rules of GUIDELINES)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..config import CLAUSE_LABELS
from ..records import Clause

# GUIDELINES: a contact line also takes the category of its section when that section is
# complaints or user rights (the address block under "Cơ chế giải quyết khiếu nại").
SECTION_CATEGORIES = ("complaints", "user_rights")
# GUIDELINES: label by what the clause says. Words any part of a complaint procedure says (a
# channel, a handling step, a dispute); a clause without one holds `complaints` from its
# section alone, as the Decree 52 template's commitments printed under the complaints heading
# or the text after a missed heading do.
_COMPLAINT_WORDS = re.compile(
    r"khiếu nại|phản ánh|tranh chấp|giải quyết|thắc mắc|liên hệ|phản hồi|hỗ trợ|góp ý|e-?mail"
    r"|điện thoại|hotline|@|địa chỉ|gửi|tiếp nhận|xử lý|hòa giải|tòa án|cơ quan|thỏa thuận"
    r"|thương lượng|vi phạm|bồi thường|quyền lợi", re.I)
NEXT_BEST_FLOOR = 0.1  # chosen on the development family CV (0.1 / 0.2 / 0.3 / none)
# GUIDELINES: a bare number, letter or bullet on its own ("2.1.", "B.", "-") takes the labels
# of what it numbers, the clause after it; its own words say nothing.
_BARE_MARK = re.compile(
    r"\s*(?:[-–—•*+·●○▪]+|\(?(?:[0-9]{1,3}(?:\.[0-9]{1,3})*|[ivxIVX]{1,4})[.)]?"
    r"|\(?[a-zđA-ZĐ][.)])?\s*[.:]?\s*")
# GUIDELINES: a limit on the use of the data ("chỉ sử dụng trong nội bộ", "không sử dụng ngoài
# mục đích ...") is `scope`, even under a "Mục đích" heading, whose words the classifier weighs.
_USE_LIMIT = re.compile(
    r"chỉ (?:được |có thể )?(?:sử dụng|dùng)\b|(?:sử dụng|dùng)\b[^.;:]{0,60}\btrong nội bộ"
    r"|không (?:được )?(?:sử dụng|dùng)\b[^.;:]{0,60}\b(?:ngoài|khác|vào mục đích khác)", re.I)
_DATA_WORDS = re.compile(r"thông tin|dữ liệu", re.I)
# ... but a recipient's limit is part of what it says of access, and cookies are no data use
_OTHER_USER = re.compile(r"bên thứ ba|đối tác|bên nhận|nhà cung cấp|cookie", re.I)


def final_labels(clauses: Sequence[Clause], probabilities: np.ndarray, threshold: float = 0.5
                 ) -> list[tuple[str, ...]]:
    """The labels a run gives: `decide`, then the rules of GUIDELINES
    (`inherit_section_labels`, `drop_unsaid_complaints`, `mark_use_limits`,
    `label_bare_marks`). `clauses` may span several documents, in order, one row of
    `probabilities` each."""
    decisions = inherit_section_labels(clauses, decide(probabilities, threshold))
    decisions = mark_use_limits(clauses, drop_unsaid_complaints(clauses, decisions,
                                                                probabilities))
    return label_bare_marks(clauses, decisions)


def decide(probabilities: np.ndarray, threshold: float = 0.5) -> list[tuple[str, ...]]:
    """Labels from per-label probabilities: all content labels over `threshold`, else the most
    likely label. `other` is only ever given alone."""
    content = probabilities[:, :-1]
    decisions = []
    for row, other in zip(content, probabilities[:, -1], strict=True):
        chosen = [CLAUSE_LABELS[j] for j in np.flatnonzero(row >= threshold)]
        if chosen and other > row.max():
            chosen = []
        if not chosen:
            best = int(np.argmax(row))
            chosen = [CLAUSE_LABELS[best]] if row[best] >= other else ["other"]
        decisions.append(tuple(chosen))
    return decisions


def inherit_section_labels(clauses: Sequence[Clause], decisions: Sequence[tuple[str, ...]]
                           ) -> list[tuple[str, ...]]:
    """`decisions` with a `contact` clause given the complaints or user-rights label of a
    heading it sits under (as the heading itself was labelled): the classifier reads a
    clause's words and its innermost heading, and an address line under a sub-heading
    ("Cơ sở 2") of the complaints section reads as contact alone. `clauses` may span several
    documents, in order.

    Examples:
        >>> from pipeline.records import Document
        >>> from pipeline.segment import segment_document
        >>> text = "7. Giải quyết khiếu nại\\nCơ sở 2\\nĐịa chỉ: 12 Lê Lợi, Huế"
        >>> clauses = segment_document(Document("x", "", "", text))
        >>> inherit_section_labels(clauses, [("complaints",), ("other",), ("contact",)])
        [('complaints',), ('other',), ('contact', 'complaints')]
    """
    out, stack, doc_id = [], [], None  # stack: (level, labels) of the enclosing headings
    for clause, labels in zip(clauses, decisions, strict=True):
        if clause.doc_id != doc_id:
            stack, doc_id = [], clause.doc_id
        if clause.kind == "heading":
            while stack and stack[-1][0] >= clause.heading_level:
                stack.pop()
        if "contact" in labels:
            above = {label for _, heading in stack for label in heading}
            labels = labels + tuple(c for c in SECTION_CATEGORIES
                                    if c in above and c not in labels)
        out.append(labels)
        if clause.kind == "heading":
            stack.append((clause.heading_level, labels))
    return out


def drop_unsaid_complaints(clauses: Sequence[Clause], decisions: Sequence[tuple[str, ...]],
                           probabilities: np.ndarray) -> list[tuple[str, ...]]:
    """`decisions` without `complaints` on a clause that says nothing of a complaint (not a
    heading, nor a contact line, which takes its section's label); one left with no label
    takes its most likely other content label, if that is at least `NEXT_BEST_FLOOR`, else
    keeps `complaints`.

    Examples:
        >>> from pipeline.records import Document
        >>> from pipeline.segment import segment_document
        >>> text = "7. Giải quyết khiếu nại\\nMọi thông tin giao dịch được bảo mật tuyệt đối."
        >>> clauses = segment_document(Document("x", "", "", text))
        >>> p = np.zeros((2, len(CLAUSE_LABELS)))
        >>> p[:, CLAUSE_LABELS.index("complaints")] = 0.9
        >>> p[1, CLAUSE_LABELS.index("security")] = 0.3
        >>> drop_unsaid_complaints(clauses, [("complaints",), ("complaints",)], p)
        [('complaints',), ('security',)]
    """
    complaints = CLAUSE_LABELS.index("complaints")
    out = []
    for clause, labels, row in zip(clauses, decisions, probabilities, strict=True):
        if ("complaints" in labels and "contact" not in labels and clause.kind != "heading"
                and not _COMPLAINT_WORDS.search(clause.text)):
            labels = tuple(label for label in labels if label != "complaints") or _next_best(
                row, complaints) or labels
        out.append(labels)
    return out


def mark_use_limits(clauses: Sequence[Clause], decisions: Sequence[tuple[str, ...]]
                    ) -> list[tuple[str, ...]]:
    """`decisions` with `scope` for a clause (not a heading) that limits how the controller
    uses the data, in place of `purpose` and `other`.

    Examples:
        >>> from pipeline.records import Document
        >>> from pipeline.segment import segment_document
        >>> text = "1. Mục đích thu thập\\nThông tin của bạn chỉ được dùng trong nội bộ công ty."
        >>> clauses = segment_document(Document("x", "", "", text))
        >>> mark_use_limits(clauses, [("purpose",), ("purpose",)])
        [('purpose',), ('scope',)]
    """
    out = []
    for clause, labels in zip(clauses, decisions, strict=True):
        text = clause.text
        if ("scope" not in labels and clause.kind != "heading" and _USE_LIMIT.search(text)
                and _DATA_WORDS.search(text) and not _OTHER_USER.search(text)):
            labels = (*(label for label in labels if label not in ("purpose", "other")),
                      "scope")
        out.append(labels)
    return out


def label_bare_marks(clauses: Sequence[Clause], decisions: Sequence[tuple[str, ...]]
                     ) -> list[tuple[str, ...]]:
    """`decisions` with each bare mark (a clause of only a number, letter or bullet) given
    the labels of the clause after it in its document (read from the end, so a run of marks
    takes the labels of the text they lead to).

    Examples:
        >>> from pipeline.records import Document
        >>> from pipeline.segment import segment_document
        >>> clauses = segment_document(Document("x", "", "", "-\\nDữ liệu lưu trong 2 năm."))
        >>> [c.text for c in clauses]
        ['-', 'Dữ liệu lưu trong 2 năm.']
        >>> label_bare_marks(clauses, [("other",), ("retention",)])
        [('retention',), ('retention',)]
    """
    out = list(decisions)
    for i in range(len(clauses) - 2, -1, -1):
        if (clauses[i].doc_id == clauses[i + 1].doc_id and clauses[i].kind != "heading"
                and _BARE_MARK.fullmatch(clauses[i].text)):
            out[i] = out[i + 1]
    return out


def _next_best(row: np.ndarray, excluded: int) -> tuple[str, ...]:
    """The most likely content label other than `excluded`, if at least `NEXT_BEST_FLOOR`."""
    content = row[:-1].copy()
    content[excluded] = -1.0
    best = int(np.argmax(content))
    return (CLAUSE_LABELS[best],) if content[best] >= NEXT_BEST_FLOOR else ()
