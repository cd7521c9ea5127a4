"""Measure the heading model, the classifier, the audit and the extractors, twice: by grouped
cross-validation on the development policies, and on the frozen test policies
(`data/annotated/split.json`) with models fitted on the development policies only.

The folds group by template family (`split.json`'s `families`), not only by policy: with a
near copy of a policy in the training folds, the CV reads as better than on a new organisation.

Every choice of features, weights, thresholds, rules and synthetic data was made on the
development figures; the test figures are reported beside them, never used to choose.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection
from pathlib import Path

import numpy as np

from .annotations import annotated_documents, load_gold_facts, load_gold_headings
from .config import ANNOTATED_DIR, CLAUSE_LABELS, CONTENT_LABELS, FACT_TYPES
from .split import family_groups, load_split

logger = logging.getLogger(__name__)

FAMILIES = ("logreg", "rules")
AUDIT_PROFILE = "decree52"  # TAXONOMY.md's checklist, one element per clause label


def _test_ids(annotations: Path) -> set[str]:
    return {Path(name).stem for name in load_split(annotations / "split.json")["test"]}


def evaluate_facts(documents: list, annotations: Path = ANNOTATED_DIR,
                   heading_model=None) -> dict:  # type: ignore[no-untyped-def]
    """Per-type precision and recall of extracted facts against the gold facts of
    `documents`.

    A fact counts once per (policy, type, normalized value): what an analyst reads off a
    policy is "its hotline is +8419006175", wherever it is repeated. Websites count only as
    the controller's own (a site a policy merely names is no contact of the controller).
    """
    from .extract.facts import extract_facts
    from .segment import segment_document

    ids = {doc.doc_id for doc in documents}
    gold = {(g.doc_id, g.type, g.normalized) for g in load_gold_facts(annotations / "facts.jsonl")
            if g.doc_id in ids and not (g.type == "website" and g.qualifier)}
    predicted = set()
    for doc in documents:
        clauses = segment_document(doc, model=heading_model)
        for fact in extract_facts(doc.doc_id, doc.text, clauses):
            if fact.type in FACT_TYPES and not (fact.type == "website" and fact.qualifier):
                predicted.add((doc.doc_id, fact.type, fact.normalized))
    result = {}
    for kind in FACT_TYPES:
        g = {x for x in gold if x[1] == kind}
        p = {x for x in predicted if x[1] == kind}
        tp = len(g & p)
        result[kind] = {
            "precision": round(tp / len(p), 4) if p else None,
            "recall": round(tp / len(g), 4) if g else None,
            "gold": len(g), "predicted": len(p),
        }
    return result


def evaluate_audit(data, probabilities: np.ndarray, rows: np.ndarray,  # type: ignore[no-untyped-def]
                   annotations: Path = ANNOTATED_DIR, profile: str = AUDIT_PROFILE) -> dict:
    """How the checklist computed from predicted labels and scores (and extracted facts)
    agrees with the checklist computed from gold labels (and gold facts), on the policies of
    `rows`; and how well it finds what a policy lacks (recall and precision of "missing")."""
    from .audit import audit_document
    from .classify.decisions import final_labels
    from .classify.train import indicator
    from .extract.facts import extract_facts

    gold_facts = load_gold_facts(annotations / "facts.jsonl")
    texts = {d.doc_id: d.text for d in annotated_documents(annotations / "clauses.jsonl")}
    y_pred = indicator(final_labels(data.clauses, probabilities))
    agree: dict[str, list[bool]] = defaultdict(list)
    missing_gold = missing_pred = missing_both = 0
    for doc_id in sorted(set(data.groups[rows])):
        doc_rows = rows[data.groups[rows] == doc_id]
        clauses = [data.clauses[i] for i in doc_rows]

        def audit(labels, scores, facts, clauses=clauses, doc_id=doc_id):  # type: ignore[no-untyped-def]
            records = [{"clause_id": c.clause_id, "text": c.text, "kind": c.kind,
                        "labels": list(ls), "scores": sc}
                       for c, ls, sc in zip(clauses, labels, scores, strict=True)]
            return audit_document(doc_id, records, facts, profile)

        facts = [f.to_row() for f in extract_facts(doc_id, texts[doc_id], clauses)]
        gold = _gold_checklist(profile, _labels(data.Y[doc_rows]),
                               {g.type for g in gold_facts if g.doc_id == doc_id})
        predicted = audit(_labels(y_pred[doc_rows]),
                          [dict(zip(CLAUSE_LABELS, map(float, p), strict=True))
                           for p in probabilities[doc_rows]], facts)
        for p in predicted:
            g = gold[p["element"]]
            agree[p["element"]].append(p["present"] == g)
            missing_gold += not g
            missing_pred += not p["present"]
            missing_both += not g and not p["present"]
    return {
        "agreement": round(float(np.mean([x for v in agree.values() for x in v])), 4),
        "agreement_per_element": {e: round(float(np.mean(v)), 4) for e, v in agree.items()},
        "missing_gold": missing_gold, "missing_predicted": missing_pred,
        "missing_recall": round(missing_both / missing_gold, 4) if missing_gold else None,
        "missing_precision": round(missing_both / missing_pred, 4) if missing_pred else None,
    }


def _gold_checklist(profile: str, labels: list[list[str]], fact_types: set[str]
                    ) -> dict[str, bool]:
    """The checklist as TAXONOMY.md defines it, from gold labels and gold facts: an element
    is present when a clause carries one of its labels (and a fact it needs was annotated);
    the audit's cue phrases stand in for labels the classifier may miss, gold needs none."""
    from .audit.profiles import get_profile

    present = {label for row in labels for label in row}
    return {e.element: bool(present & set(e.labels))
            and (not e.needs_facts or bool(fact_types & set(e.needs_facts)))
            for e in get_profile(profile).elements}


def _labels(indicators: np.ndarray) -> list[list[str]]:
    return [[CLAUSE_LABELS[j] for j in np.flatnonzero(row)] for row in indicators]


def _classifier_scores(data, probabilities: np.ndarray, rows: np.ndarray) -> dict:  # type: ignore[no-untyped-def]
    from .classify.decisions import final_labels
    from .classify.train import indicator, score

    clauses = [data.clauses[i] for i in rows]
    y_pred = indicator(final_labels(clauses, probabilities[rows]))
    result = score(data.Y[rows], y_pred)
    result["merged_purpose_scope_f1"] = _merged_f1(data.Y[rows], y_pred)
    result["policies"] = len(set(data.groups[rows]))
    return result


def _merged_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """F1 of `purpose` and `scope` taken as one label (micro over the merged label)."""
    i, j = CLAUSE_LABELS.index("purpose"), CLAUSE_LABELS.index("scope")
    true, pred = np.maximum(y_true[:, i], y_true[:, j]), np.maximum(y_pred[:, i], y_pred[:, j])
    both = int((true & pred).sum())
    return round(2 * both / max(int(true.sum() + pred.sum()), 1), 4)


def evaluate_headings(annotations: Path, test_ids: Collection[str]):  # type: ignore[no-untyped-def]
    """Heading detection by family-grouped CV on the development policies, and on the test
    policies with a model fitted on the development ones (returned, to segment the rest
    with)."""
    from .classify.headings import (
        cross_validate_headings,
        fit_heading_model,
        heading_data,
        span_scores,
        weights_of,
    )

    data = heading_data(annotations)
    gold = load_gold_headings(annotations / "headings.jsonl")
    real = {d.doc_id for d in data.documents if not d.doc_id.startswith("synthetic:")}
    dev = real - set(test_ids)
    logger.info("headings: grouped CV on %d development policies", len(dev))
    families = family_groups(annotations / "split.json")
    cv = cross_validate_headings(data, gold, dev, families=families)
    train = np.flatnonzero(np.isin(data.groups, list(dev)) | data.synthetic)
    model = fit_heading_model([data.rows[i] for i in train], data.y[train],
                              weights=weights_of(data, train))
    test_docs = [d for d in data.documents if d.doc_id in test_ids]
    return {"dev_cv": cv, "test": span_scores(test_docs, gold, model)}, model


def evaluate_law_audit(annotations: Path, models: dict, test_model, test_ids: set[str],  # type: ignore[no-untyped-def]
                       heading_model) -> dict:
    """The `pdp` audit against the gold law elements: each development policy labelled by the
    cross-validation model that did not see it, each test policy by the development model."""
    from .classify.predict import ClauseClassifier
    from .evaluate_law import evaluate_law, law_gold, predict_law

    gold, files = law_gold(annotations / "law.jsonl")
    by_model: dict[int, list[str]] = defaultdict(list)
    chosen = {}
    for doc_id in files:
        model = test_model if doc_id in test_ids else models.get(doc_id)
        if model is not None:
            by_model[id(model)].append(doc_id)
            chosen[id(model)] = model
    predicted: dict[str, list[dict]] = {}
    for key, doc_ids in by_model.items():
        labeller = ClauseClassifier(model=chosen[key])
        predicted.update(predict_law([files[d] for d in doc_ids], labeller,
                                     heading_model=heading_model))
    dev = sorted(d for d in predicted if d not in test_ids)
    test = sorted(d for d in predicted if d in test_ids)
    return {"dev_cv": evaluate_law(gold, predicted, dev),
            "test": evaluate_law(gold, predicted, test)}


def evaluate_all(annotations: Path = ANNOTATED_DIR, families: tuple[str, ...] = FAMILIES,
                 show_progress: bool = False, probes: bool = True) -> dict:
    """Every figure, on the development policies (grouped CV) and on the frozen test ones;
    with `probes`, also the law probes (`law_probes/`, if there), scored with the committed
    classifier (training, which may have none yet, asks for none), and the fact probes
    (`fact_probes/`)."""
    from .classify.train import build_training_set, cross_val_proba, fit

    test_ids = _test_ids(annotations)
    headings, heading_model = evaluate_headings(annotations, test_ids)
    data = build_training_set(annotations / "clauses.jsonl", heading_model=heading_model)
    real = ~data.synthetic
    test = np.flatnonzero(real & np.isin(data.groups, list(test_ids)))
    dev = np.flatnonzero(real & ~np.isin(data.groups, list(test_ids)))
    train = np.concatenate([dev, np.flatnonzero(data.synthetic)])
    classifier, audit, law = {"dev_cv": {}, "test": {}}, {}, {}
    for family in families:
        logger.info("%s: grouped CV on the development policies, then the test policies", family)
        models: dict = {}
        oof = cross_val_proba(data, family, dev, models=models, show_progress=show_progress,
                              families=family_groups(annotations / "split.json"))
        held_out = np.zeros(data.Y.shape)
        test_model = fit(data, family, train)
        held_out[test] = test_model.predict_proba(data.X.iloc[test])
        classifier["dev_cv"][family] = _classifier_scores(data, oof, dev)
        classifier["test"][family] = _classifier_scores(data, held_out, test)
        if family == families[0]:
            audit = {"dev_cv": evaluate_audit(data, oof, dev, annotations),
                     "test": evaluate_audit(data, held_out, test, annotations)}
            logger.info("law audit (pdp) of the annotated policies")
            law = evaluate_law_audit(annotations, models, test_model, test_ids, heading_model)
    documents = annotated_documents(annotations / "clauses.jsonl")
    facts = {side: evaluate_facts([d for d in documents if (d.doc_id in test_ids) == is_test],
                                  annotations, heading_model)
             for side, is_test in (("dev", False), ("test", True))}
    law_probes = {}
    if probes and (annotations / "law_probes").is_dir():
        from .evaluate_law import evaluate_law_probes

        logger.info("law audit (pdp) of the probe excerpts, with the committed classifier")
        law_probes = evaluate_law_probes(annotations / "law_probes")
    fact_probes = {}
    if probes and (annotations / "fact_probes").is_dir():
        from .evaluate_fact_probes import evaluate_fact_probes

        fact_probes = evaluate_fact_probes(annotations / "fact_probes")
    return {"policies": {"dev": len(set(data.groups[dev])), "test": len(set(data.groups[test]))},
            "headings": headings, "classifier": classifier, "audit": audit, "law": law,
            "facts": facts, "law_probes": law_probes, "fact_probes": fact_probes}


def summary(result: dict) -> dict:
    """The headline figures of `evaluate_all`, to record beside a trained model."""
    family = next(iter(result["classifier"]["test"]))
    return {side: {"clause_macro_f1": result["classifier"][side][family]["macro_f1"],
                   "purpose_scope_merged_f1":
                       result["classifier"][side][family]["merged_purpose_scope_f1"],
                   "heading_f1": result["headings"][side]["f1"],
                   "audit_agreement": result["audit"][side]["agreement"],
                   "missing_recall": result["audit"][side]["missing_recall"],
                   "missing_precision": result["audit"][side]["missing_precision"],
                   "law_agreement": result["law"][side]["overall"]["agreement"],
                   "law_missing_recall": result["law"][side]["overall"]["absent_recall"],
                   "law_missing_precision": result["law"][side]["overall"]["absent_precision"],
                   "complaint_deadline_recall":
                       result["facts"]["test" if side == "test" else "dev"][
                           "complaint_deadline"]["recall"]}
            for side in ("dev_cv", "test")}


def _classifier_lines(scores: dict[str, dict]) -> list[str]:
    names = list(scores)
    lines = [f"{'label':<14}" + "".join(f"{n:>22}" for n in names)]
    for label in CLAUSE_LABELS:
        cells = []
        for name in names:
            m = scores[name]["per_label"][label]
            cells.append(f"P{m['precision']:.2f} R{m['recall']:.2f} F{m['f1']:.2f}".rjust(22))
        lines.append(f"{label:<14}" + "".join(cells))
    for key, title in (("macro_f1", f"macro-F1 ({len(CONTENT_LABELS)})"),
                       ("macro_f1_purpose_scope_merged", "macro, p+s as 1"),
                       ("merged_purpose_scope_f1", "F1 of p+s")):
        lines.append(f"{title:<14}" + "".join(f"{scores[n][key]:>22.3f}" for n in names))
    return lines


def _side_lines(result: dict, side: str) -> list[str]:
    h, a = result["headings"][side], result["audit"][side]
    lines = [f"Headings: P {h['precision']:.3f} R {h['recall']:.3f} F1 {h['f1']:.3f}, "
             f"level right for {h['level_accuracy']:.3f} of those found ({h['n_gold']} gold)",
             "", "Clause classifier (F1 per label)",
             *_classifier_lines(result["classifier"][side]),
             "", f"Audit ({AUDIT_PROFILE}) agreement with the gold checklist: "
             f"{a['agreement']:.3f}; missing elements found: recall {a['missing_recall']} "
             f"precision {a['missing_precision']} ({a['missing_gold']} missing in gold)"]
    lines.extend(f"  {element:<14}{value:.3f}"
                 for element, value in a["agreement_per_element"].items())
    law = result["law"][side]
    lines += ["", f"Law audit (pdp: Law 91/2025 + Decree 356/2025), {law['n_policies']} "
              f"policies: agreement {law['overall']['agreement']}; missing elements found: "
              f"recall {law['overall']['absent_recall']} precision "
              f"{law['overall']['absent_precision']}"]
    lines.extend(f"  {element:<22}{m['agreement']:.3f}"
                 for element, m in law["per_element"].items())
    facts = result["facts"]["test" if side == "test" else "dev"]
    lines += ["", "Facts (policy-level, normalised values)",
              f"{'type':<22}{'precision':>10}{'recall':>10}{'gold':>6}{'pred':>6}"]
    for kind, m in facts.items():
        p = "-" if m["precision"] is None else f"{m['precision']:.2f}"
        r = "-" if m["recall"] is None else f"{m['recall']:.2f}"
        lines.append(f"{kind:<22}{p:>10}{r:>10}{m['gold']:>6}{m['predicted']:>6}")
    return lines


def format_report(result: dict) -> str:
    """Plain-text tables of `evaluate_all`'s figures: the test split first."""
    n = result["policies"]
    lines = [f"== Frozen test split: {n['test']} policies, models fitted on the "
             f"{n['dev']} development policies ==", *_side_lines(result, "test"), "",
             f"== Cross-validation on the {n['dev']} development policies (6 folds, "
             "grouped by template family) ==",
             *_side_lines(result, "dev_cv")]
    if result.get("law_probes"):
        from .evaluate_law import format_probe_report

        lines += ["", "== Law audit (pdp) on probe excerpts written from LAW.md and GUIDELINES "
                      "(development shaped the cues; heldout only scored) ==",
                  *format_probe_report(result["law_probes"])]
    if result.get("fact_probes"):
        from .evaluate_fact_probes import format_fact_probe_report

        lines += ["", "== Facts (organization, address, retention_period) on probe excerpts "
                      "written from TAXONOMY and GUIDELINES (heldout only scored) ==",
                  *format_fact_probe_report(result["fact_probes"])]
    return "\n".join(lines)
