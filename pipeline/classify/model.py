"""The clause classifiers: two scikit-learn families and a keyword/heading rule baseline.

All share the scikit-learn estimator API (`fit(X, Y)`, `predict_proba(X)`), where `X` is the
frame of `features.clause_features` and `Y` a binary indicator matrix over `CLAUSE_LABELS`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.svm import LinearSVC

from ..config import CLAUSE_LABELS

SEED = 13


# Tokens of the innermost heading only: the section column is "title | ... | heading", and a
# token followed by no "|" belongs to the last heading. Sub-headings are mostly copied from
# Decree 52/2013 Art. 69, so they carry over between companies better than the whole path.
LAST_HEADING_PATTERN = r"(?u)\b\w+\b(?![^|]*\|)"


def _vectorizers() -> ColumnTransformer:
    """Words (1-2 grams), syllables (1-3 grams), heading path, innermost heading, the
    innermost heading's first two syllables, neighbours, kind, position. Weights chosen by
    grouped CV on the development policies only: the innermost heading carries most of the
    section's evidence, the whole path little (it repeats each company's own title on every
    clause)."""
    tfidf = {"min_df": 2, "sublinear_tf": True}
    return ColumnTransformer(
        [
            ("words", TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 2), **tfidf),
             "words"),
            ("syllables", TfidfVectorizer(ngram_range=(1, 3), **tfidf), "syllables"),
            ("section", TfidfVectorizer(ngram_range=(1, 2), **tfidf), "section"),
            ("heading", TfidfVectorizer(token_pattern=LAST_HEADING_PATTERN, ngram_range=(1, 2),
                                        **tfidf), "section"),
            ("lead", TfidfVectorizer(token_pattern=r"\S+", **tfidf), "lead"),
            ("context", TfidfVectorizer(ngram_range=(1, 1), **tfidf), "context"),
            ("kind", OneHotEncoder(handle_unknown="ignore"), ["kind"]),
            ("position", "passthrough", ["position"]),
        ],
        transformer_weights={"words": 1.0, "syllables": 1.0, "section": 0.1, "heading": 0.6,
                             "lead": 0.5, "context": 0.6, "kind": 0.5, "position": 0.5},
    )


def make_logreg() -> Pipeline:
    """One-vs-rest logistic regression: calibrated-enough probabilities, fast to fit."""
    classifier = LogisticRegression(C=8.0, class_weight="balanced", max_iter=2000,
                                    random_state=SEED)
    return Pipeline([("features", _vectorizers()),
                     ("classifier", OneVsRestClassifier(classifier))])


def make_svm() -> Pipeline:
    """One-vs-rest linear SVM with sigmoid calibration for probabilities."""
    svm = LinearSVC(C=0.5, class_weight="balanced", random_state=SEED)
    classifier = CalibratedClassifierCV(svm, method="sigmoid", cv=3)
    return Pipeline([("features", _vectorizers()),
                     ("classifier", OneVsRestClassifier(classifier))])


# Cue phrases per category, from the Decree 52/2013 Art. 69 headings and the Decree 13/2023
# notice contents: what a regulator would search for by hand.
RULE_CUES: dict[str, tuple[str, ...]] = {
    "purpose": ("mục đích", "thu thập", "bao gồm", "họ tên", "họ và tên", "số điện thoại"),
    "scope": ("phạm vi sử dụng", "sử dụng thông tin", "sử dụng để", "nội bộ"),
    "retention": ("lưu trữ", "lưu giữ", "thời gian lưu", "xóa dữ liệu", "hủy bỏ"),
    "access": ("tiếp cận", "bên thứ ba", "chia sẻ", "đối tác", "cơ quan nhà nước",
               "cung cấp cho", "tiết lộ"),
    "contact": ("địa chỉ:", "điện thoại", "hotline", "email:", "website:", "mst", "công ty"),
    "user_rights": ("chỉnh sửa", "tiếp cận và", "quyền", "rút lại", "hủy đăng ký", "cập nhật"),
    "complaints": ("khiếu nại", "phản ánh", "tranh chấp"),
    "security": ("bảo mật", "an toàn", "mã hóa", "bảo vệ", "ssl", "trái phép"),
}


class RuleBaseline(ClassifierMixin, BaseEstimator):
    """Label a clause by cue phrases in its text, else by the cues of its section heading."""

    def fit(self, X: pd.DataFrame, Y: np.ndarray) -> RuleBaseline:  # noqa: N803
        self.classes_ = np.arange(len(CLAUSE_LABELS))
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:  # noqa: N803
        out = np.zeros((len(X), len(CLAUSE_LABELS)))
        for i, (text, section) in enumerate(zip(X["syllables"], X["section"], strict=True)):
            last_heading = section.split("|")[-1]
            for source, weight in ((text, 0.9), (last_heading, 0.6)):
                for j, label in enumerate(CLAUSE_LABELS[:-1]):
                    if any(re.search(re.escape(cue), source) for cue in RULE_CUES[label]):
                        out[i, j] = max(out[i, j], weight)
                if out[i, :-1].max() > 0:
                    break
            out[i, -1] = 0.0 if out[i, :-1].max() > 0 else 1.0
        return out


MODEL_FAMILIES = {"logreg": make_logreg, "svm": make_svm, "rules": RuleBaseline}
