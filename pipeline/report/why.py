"""Why an element is missing, in words a reader checks against the text: the clauses that came
closest (the classifier's score for the element's labels), the cue phrases looked for, the
facts it needs; and a note when the document looks too short or cut off to judge.

The report and the notebook both use these, so what they say is the same.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ..audit.profiles import profile_elements
from ..config import PACKAGE_DIR
from ..io import as_mapping

# The elements' names in the wording of the texts they come from (Decree 52/2013 Art. 69,
# Decree 13/2023 Art. 9 and 13), beside the ids the tables use.
ELEMENT_NAMES_VI: dict[str, str] = {
    "purpose": "Mục đích thu thập, xử lý thông tin",
    "scope": "Phạm vi sử dụng thông tin",
    "retention": "Thời gian lưu trữ thông tin",
    "access": "Những người hoặc tổ chức có thể được tiếp cận thông tin",
    "contact": "Địa chỉ, thông tin liên hệ của đơn vị thu thập và quản lý thông tin",
    "user_rights": "Phương tiện để người dùng tiếp cận và chỉnh sửa dữ liệu của mình",
    "complaints": "Cơ chế tiếp nhận và giải quyết khiếu nại",
    "security": "Cam kết bảo mật thông tin",
    "data_types": "Loại dữ liệu cá nhân được xử lý",
    "processing_method": "Cách thức xử lý dữ liệu",
    "other_parties": "Tổ chức, cá nhân khác liên quan đến việc xử lý",
    "undesired_consequences": "Hậu quả, thiệt hại không mong muốn có khả năng xảy ra",
    "processing_time": "Thời gian bắt đầu, thời gian kết thúc xử lý dữ liệu",
    "right_access": "Quyền được truy cập dữ liệu",
    "right_withdraw": "Quyền rút lại sự đồng ý",
    "right_delete": "Quyền xóa dữ liệu",
    "right_restrict": "Quyền hạn chế xử lý dữ liệu",
    "right_object": "Quyền phản đối xử lý dữ liệu",
    "breach_notification": "Thông báo vi phạm bảo vệ dữ liệu cá nhân",
}
# The cue-phrase files (extract/patterns/<name>.jsonl) that speak for each clause label.
LABEL_PATTERNS: dict[str, tuple[str, ...]] = {
    "retention": ("retention",), "complaints": ("complaint", "handling"),
    "user_rights": ("subject_request",), "security": ("breach", "notify"),
}
N_CLOSEST = 3
# Policies of our corpus have 822 to 28,375 characters (median 4,883); below this, or
# ending in the middle of a sentence, a text may be an excerpt.
SHORT_CHARS = 2_000
_MID_SENTENCE_RE = re.compile(r"[a-zà-ỹđ,;]\s*$")


def element_name(element: str) -> str:
    """The element's Vietnamese name, or its id when it has none here."""
    return ELEMENT_NAMES_VI.get(element, element)


@lru_cache(maxsize=8)
def _pattern_phrases(name: str) -> tuple[str, ...]:
    path = PACKAGE_DIR / "extract" / "patterns" / f"{name}.jsonl"
    if not path.is_file():
        return ()
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return tuple(row["phrase"] for row in rows if isinstance(row.get("phrase"), str))


def cue_phrases(profile: str, element: str) -> list[str]:
    """What was looked for: the element's own cue (alternatives of its regex) and the cue
    phrases the extractors match for its labels."""
    found = next((e for e in profile_elements(profile) if e.element == element), None)
    if found is None:
        return []
    phrases = [needle for cue in (found.strong_cue, found.cue) if cue is not None
               for needed in cue.needles for needle in needed]
    for label in found.labels:
        for name in LABEL_PATTERNS.get(label, ()):
            phrases.extend(_pattern_phrases(name))
    return list(dict.fromkeys(phrases))


@dataclass(frozen=True)
class NearMiss:
    """A clause that came close to being evidence for an element."""

    clause_id: int
    label: str
    score: float
    text: str


def closest_clauses(profile: str, element: str, clauses: pd.DataFrame,
                    n: int = N_CLOSEST) -> list[NearMiss]:
    """The `n` clauses the classifier scored highest for the element's labels."""
    found = next((e for e in profile_elements(profile) if e.element == element), None)
    if found is None or clauses.empty or not found.labels:  # an element read from cues only
        return []
    candidates = []
    for row in clauses.itertuples():
        scores = as_mapping(row.scores)
        label = max(found.labels, key=lambda name: scores.get(name, 0.0))
        candidates.append(NearMiss(int(row.clause_id), label,
                                   round(float(scores.get(label, 0.0)), 4), row.text))
    return sorted(candidates, key=lambda m: (-m.score, m.clause_id))[:n]


def needed_facts(profile: str, element: str) -> list[str]:
    """The fact types an element needs (one of them), e.g. a phone or e-mail for contact."""
    found = next((e for e in profile_elements(profile) if e.element == element), None)
    return list(found.needs_facts) if found else []


def document_notes(document: pd.Series | dict, n_missing: int) -> list[str]:
    """Notes a reader needs before trusting the checklist: a short or cut-off text, a status
    other than ok, warnings of the cleaning."""
    notes = []
    text, n_chars = str(document["text"]), int(document["n_chars"])
    if n_missing and (n_chars < SHORT_CHARS or _MID_SENTENCE_RE.search(text[-200:])):
        ending = " and ends in the middle of a sentence" if _MID_SENTENCE_RE.search(
            text[-200:]) else ""
        notes.append(f"Short or truncated document: {n_chars:,} characters{ending} (our "
                     "corpus: 822 to 28,375, median 4,883). It may be an excerpt; the missing "
                     "elements may be in the part that is not here.")
    status = str(document.get("status", "ok"))
    if status not in ("ok", "error"):
        notes.append(f"Status {status}: Vietnamese share {document.get('vietnamese_share')}, "
                     f"policy score {document.get('policy_score')}; the checklist of a text "
                     "that is not a Vietnamese privacy policy means little.")
    warnings = document.get("warnings")
    notes.extend(str(w) for w in (warnings if warnings is not None else ()))
    return notes
