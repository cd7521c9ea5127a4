"""Template families: policies written from one template, and boilerplate clauses they share.

Vietnamese writes one syllable per space-separated word, so runs of syllables ("shingles") are
the unit of comparison: word segmentation would add noise without telling copies apart better.
MinHash estimates the Jaccard similarity of two shingle sets and MinHashLSH finds candidate
pairs without comparing every pair; every candidate is checked against the threshold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd
from datasketch import MinHash, MinHashLSH

from ..config import CompareParams
from ..errors import PipelineError

_SYLLABLE_RE = re.compile(r"\w+")
# Pinned so that a datasketch upgrade cannot silently change every estimate.
_SCHEME = "affine32"


@dataclass(frozen=True)
class Family:
    """Policies that share a template, with the estimated Jaccard of every pair."""

    family_id: str
    doc_ids: tuple[str, ...]
    pairs: dict[tuple[str, str], float] = field(default_factory=dict)


def syllables(text: str) -> list[str]:
    """Lower-case syllables: punctuation, case and spacing are no difference between copies.

    Examples:
        >>> syllables("Thời gian lưu trữ: 24 tháng.")
        ['thời', 'gian', 'lưu', 'trữ', '24', 'tháng']
    """
    return _SYLLABLE_RE.findall(text.lower())


def shingles(words: Sequence[str], size: int) -> set[str]:
    """Runs of `size` syllables; a shorter text is one shingle of all its syllables.

    Examples:
        >>> sorted(shingles(["chính", "sách", "bảo", "mật"], 3))
        ['chính sách bảo', 'sách bảo mật']
    """
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def minhashes(texts: Iterable[str], params: CompareParams) -> list[MinHash]:
    """One MinHash per text, all with the same seeded permutations (so they are comparable)."""
    sets = [[s.encode("utf-8") for s in sorted(shingles(syllables(t), params.shingle_size))]
            for t in texts]
    return MinHash.bulk(sets, num_perm=params.num_perm, seed=params.seed, scheme=_SCHEME)


def similar_pairs(keys: Sequence[str], hashes: Sequence[MinHash], threshold: float,
                  params: CompareParams) -> dict[tuple[str, str], float]:
    """Pairs (sorted keys) whose estimated Jaccard reaches `threshold`, found with LSH.

    Raises:
        PipelineError: the threshold is not strictly between 0 and 1.
    """
    if not 0 < threshold < 1:
        raise PipelineError(f"a similarity threshold must be between 0 and 1, not {threshold}")
    # Every candidate is verified below, so a missed pair costs more than a false candidate.
    lsh = MinHashLSH(threshold=threshold, num_perm=params.num_perm, weights=(0.1, 0.9))
    by_key = dict(zip(keys, hashes, strict=True))
    for key in sorted(by_key):
        lsh.insert(key, by_key[key])
    pairs = {}
    for key in sorted(by_key):
        for other in sorted(lsh.query(by_key[key])):
            if other <= key:
                continue
            jaccard = float(by_key[key].jaccard(by_key[other]))
            if jaccard >= threshold:
                pairs[(key, other)] = round(jaccard, 4)
    return pairs


def components(pairs: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Connected groups of keys (union-find), each sorted, in order of their first key.

    Examples:
        >>> components([("b", "c"), ("a", "d"), ("c", "e")])
        [['a', 'd'], ['b', 'c', 'e']]
    """
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for key in sorted(parent):
        groups.setdefault(root(key), []).append(key)
    return sorted(groups.values())


def find_families(texts: dict[str, str], params: CompareParams = CompareParams()) -> list[Family]:
    """Group whole policies whose shingle sets are near-duplicates.

    Args:
        texts: cleaned text by doc_id.

    Returns:
        Families `T1`, `T2`, … (two or more policies each), with every pair's estimate.
    """
    keys = sorted(texts)
    hashes = minhashes((texts[k] for k in keys), params)
    edges = similar_pairs(keys, hashes, params.family_threshold, params)
    by_key = dict(zip(keys, hashes, strict=True))
    families = []
    for number, members in enumerate(components(edges), start=1):
        pairs = {(a, b): round(float(by_key[a].jaccard(by_key[b])), 4)
                 for a, b in combinations(members, 2)}
        families.append(Family(f"T{number}", tuple(members), pairs))
    return families


def _similarity_matrix(a: Sequence[MinHash], b: Sequence[MinHash]) -> np.ndarray:
    if not a or not b:
        return np.zeros((len(a), len(b)))
    ha = np.stack([m.hashvalues for m in a])
    hb = np.stack([m.hashvalues for m in b])
    return (ha[:, None, :] == hb[None, :, :]).mean(axis=2)


def diff_clauses(clauses_a: pd.DataFrame, clauses_b: pd.DataFrame,
                 params: CompareParams = CompareParams()) -> list[dict]:
    """What differs between two policies of one family, clause by clause.

    Clauses are paired greedily, most similar first; a pair with the same syllables is the
    same clause, a pair under `match_threshold` is no pair.

    Args:
        clauses_a: rows of the `clauses` table of the first policy (clause_id, text).
        clauses_b: the same for the second policy.

    Returns:
        Rows with `change` = `same`, `changed` (edited), `only_a` or `only_b`; clause ids
        are -1 on the side that has no clause.
    """
    a = clauses_a[clauses_a["text"].map(lambda t: bool(syllables(t)))]
    b = clauses_b[clauses_b["text"].map(lambda t: bool(syllables(t)))]
    sim = _similarity_matrix(minhashes(a["text"], params), minhashes(b["text"], params))
    order = sorted(((-sim[i, j], i, j) for i, j in zip(*np.nonzero(sim >= params.match_threshold),
                                                        strict=True)))
    used_a: set[int] = set()
    used_b: set[int] = set()
    rows = []
    for neg, i, j in order:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        text_a, text_b = a["text"].iloc[i], b["text"].iloc[j]
        same = syllables(text_a) == syllables(text_b)
        rows.append(_diff_row("same" if same else "changed", a, i, b, j, 1.0 if same else -neg))
    rows += [_diff_row("only_a", a, i, b, None, 0.0) for i in range(len(a)) if i not in used_a]
    rows += [_diff_row("only_b", a, None, b, j, 0.0) for j in range(len(b)) if j not in used_b]
    # In the first policy's order, clauses only the second one has at the end.
    return sorted(rows, key=lambda r: (r["clause_a"] < 0, r["clause_a"], r["clause_b"]))


def _diff_row(change: str, a: pd.DataFrame, i: int | None, b: pd.DataFrame, j: int | None,
              similarity: float) -> dict:
    return {"change": change,
            "clause_a": int(a["clause_id"].iloc[i]) if i is not None else -1,
            "clause_b": int(b["clause_id"].iloc[j]) if j is not None else -1,
            "similarity": round(float(similarity), 4),
            "text_a": a["text"].iloc[i] if i is not None else "",
            "text_b": b["text"].iloc[j] if j is not None else ""}


def find_boilerplate(clauses: pd.DataFrame,
                     params: CompareParams = CompareParams()) -> list[dict]:
    """Clauses repeated (near-verbatim) in two or more policies of the corpus.

    Short clauses ("Họ và tên", "Email") are left out: they repeat without being a template.

    Args:
        clauses: the `clauses` table (doc_id, clause_id, text).

    Returns:
        One dict per group: the member clauses as `doc_id#clause_id`, their policies, the
        lowest estimated Jaccard of a linking pair and the text of the first member.
    """
    long = clauses[clauses["text"].map(lambda t: len(syllables(t))
                                       >= params.boilerplate_min_syllables)]
    keys = [f"{d}#{c}" for d, c in zip(long["doc_id"], long["clause_id"], strict=True)]
    texts = dict(zip(keys, long["text"], strict=True))
    pairs = similar_pairs(keys, minhashes(long["text"], params), params.boilerplate_threshold,
                          params)
    pairs = {k: v for k, v in pairs.items() if _doc(k[0]) != _doc(k[1])}
    groups = []
    for group in components(pairs):
        members = set(group)
        doc_ids = sorted({_doc(m) for m in members})
        links = [v for (x, _), v in pairs.items() if x in members]
        ordered = sorted(members, key=_clause_key)
        groups.append({"doc_ids": doc_ids, "clauses": ordered, "min_jaccard": min(links),
                       "text": texts[ordered[0]]})
    return sorted(groups, key=lambda g: (-len(g["doc_ids"]), _clause_key(g["clauses"][0])))


def _doc(key: str) -> str:
    return key.rsplit("#", 1)[0]


def _clause_key(key: str) -> tuple[str, int]:
    doc, clause = key.rsplit("#", 1)
    return doc, int(clause)
