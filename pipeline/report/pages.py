"""A static HTML report of a built dataset: people read policies, not Parquet files.

`index.html` compares the policies (coverage heatmap, deadline charts, contacts, templates);
`policies/<name>.html` shows one policy's text coloured by clause category, its facts
highlighted and its checklist linked to the evidence. Self-contained: inline CSS and SVG,
no script, a CSP that forbids loading anything (see `html`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from ..audit import get_profile
from ..compare import audit_status, compare_dataset, elements_of, load_dataset, policies_of
from ..config import CLAUSE_LABELS, CompareParams
from ..errors import PipelineError
from ..io import atomic_write, check_output_folder
from .html import bar_chart, esc, label_class, page, page_name
from .why import closest_clauses, cue_phrases, document_notes, element_name, needed_facts

logger = logging.getLogger(__name__)

POLICY_DIR = "policies"
_EXCERPT_CHARS = 240


def run_report(dataset: Path, out: Path, params: CompareParams = CompareParams()) -> Path:
    """Write `index.html` and one page per policy into `out`.

    Args:
        dataset: a folder written by `vnpolicy build`/`run`.
        out: the report folder (created; pages go to `out/policies/`).

    Returns:
        The path of `index.html`.

    Raises:
        SchemaError: a dataset table is missing.
    """
    check_output_folder(out)
    tables = load_dataset(dataset)
    comparison = compare_dataset(tables, params)
    names = {doc_id: page_name(doc_id) for doc_id in policies_of(tables["audit"])}
    logger.info("report: %d policies -> %s", len(names), out)
    for doc_id, name in names.items():
        _write(out / POLICY_DIR / name, render_policy(doc_id, tables, comparison, names))
    index = out / "index.html"
    _write(index, render_index(tables, comparison, names))
    return index


def _write(path: Path, text: str) -> None:
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


# --- index ------------------------------------------------------------------------------

def render_index(tables: dict[str, pd.DataFrame], comparison: dict[str, pd.DataFrame],
                 names: dict[str, str]) -> str:
    """The comparison page, linking every policy to its own page."""
    completeness = comparison["completeness"]
    mean = completeness["score"].mean() if len(completeness) else 0.0
    profiles = sorted(set(completeness["profile"]))
    body = [
        "<header><h1>Privacy policies compared</h1>",
        f'<p class="muted">{len(names)} policies · audit profile '
        f"{esc(', '.join(profiles) or 'none')} · "
        f"mean completeness {mean:.0%} · template families: "
        f"{len(comparison['template_families'])} · shared boilerplate clauses: "
        f"{len(comparison['boilerplate'])}</p>",
        '<nav><a href="#coverage">Coverage</a><a href="#trackers">Trackers</a>'
        '<a href="#periods">Deadlines</a>'
        '<a href="#contacts">Contacts</a><a href="#templates">Templates</a>'
        '<a href="#boilerplate">Boilerplate</a></nav></header>',
        _coverage_section(tables["audit"], comparison, names),
        _trackers_index(tables["trackers"], names),
        _periods_section(comparison["periods"]),
        _contacts_section(comparison["contacts"], names),
        _templates_section(comparison, names),
        _boilerplate_section(comparison["boilerplate"], names),
    ]
    return page("Privacy policies compared — vnpolicy", "\n".join(body))


def _policy_link(doc_id: str, names: dict[str, str], anchor: str = "", prefix: str = "") -> str:
    if doc_id not in names:
        return esc(doc_id)
    href = f"{prefix}{POLICY_DIR}/{names[doc_id]}" + (f"#{anchor}" if anchor else "")
    return f'<a href="{esc(href)}">{esc(doc_id)}</a>'


def profile_basis(profile: str) -> str:
    """The profile's title and legal basis as HTML, for a reader who must know which law an
    audit checked (a historical profile says so)."""
    try:
        chosen = get_profile(profile)
    except PipelineError:  # a dataset audited by a profile this version does not know
        return f"Profile {esc(profile)}."
    flag = ' <span class="flag">historical</span>' if chosen.historical else ""
    return (f"<b>{esc(chosen.name)}</b>{flag}: {esc(chosen.title)}. Legal basis: "
            f"{esc(chosen.legal_basis)}.")


_CELLS = {"present": ('yes', "✓"), "absent": ("no", "✗"), "not_applicable": ("na", "–")}


def _status_cell(element: str, status: str) -> str:
    css, mark = _CELLS.get(status, ("na", "?"))
    return (f'<td class="cell {css}" title="{esc(element)}: {esc(status.replace("_", " "))}">'
            f"{mark}</td>")


def _coverage_section(audit: pd.DataFrame, comparison: dict[str, pd.DataFrame],
                      names: dict[str, str]) -> str:
    """One table per profile (`auto` audits policies against different laws), each policy's
    elements in its profile's order."""
    keys = zip(audit["doc_id"], audit["element"], strict=True)
    status = dict(zip(keys, audit_status(audit), strict=True))
    completeness = comparison["completeness"]
    parts = ['<section id="coverage"><h2>Completeness audit</h2>'
             '<p class="muted">✓ the policy states the element (with evidence clauses), '
             "✗ it does not, – not applicable (the policy and page show no such activity). "
             "The score counts applicable elements only. Best first.</p>"]
    for profile in sorted(set(completeness["profile"])):
        mine = completeness[completeness["profile"] == profile]
        elements = elements_of(audit[audit["doc_id"].isin(mine["doc_id"])])
        head = "".join(f"<th>{esc(e)}</th>" for e in elements)
        rows = [
            f"<tr><td>{_policy_link(r.doc_id, names)}</td>"
            + "".join(_status_cell(e, status.get((r.doc_id, e), "")) for e in elements)
            + f'<td class="scorebox"><span class="score" style="width:{r.score * 80:.0f}px">'
            f"</span>{r.score:.0%} ({r.n_present}/{r.n_elements})</td>"
            f'<td class="num">{r.n_findings}</td></tr>'
            for r in mine.itertuples()
        ]
        parts.append(f"<h3>{esc(profile)}</h3><p>{profile_basis(profile)}</p>"
                     f"<table><tr><th>policy</th>{head}<th>score</th><th>findings</th></tr>"
                     + "".join(rows) + "</table>")
    parts.append("</section>")
    return "".join(parts)


def _trackers_index(trackers: pd.DataFrame, names: dict[str, str]) -> str:
    """Which policy's page loads which trackers (HTML inputs only)."""
    rows = [f"<tr><td>{_policy_link(doc_id, names, 'trackers')}</td>"
            f"<td>{esc(', '.join(dict.fromkeys(frame['tracker'])))}</td></tr>"
            for doc_id, frame in trackers.groupby("doc_id", sort=True)]
    content = ("<table><tr><th>policy</th><th>trackers its page loads</th></tr>"
               + "".join(rows) + "</table>") if rows else (
        '<p class="muted">No page loads a known tracker.</p>')
    return ('<section id="trackers"><h2>Trackers</h2><p class="muted">Analytics, advertising '
            "and chat scripts found in the HTML pages themselves (the script URL or snippet is "
            "on each policy's page).</p>" + content + "</section>")


def period_label(kind: str, value: str, qualifier: str, days: int) -> str:
    """A reader's label for a deadline or retention period.

    Examples:
        >>> period_label("complaint_deadline", "10", "working_days", 10)
        '10 working days'
        >>> period_label("retention_period", "730", "max", 730)
        'up to 2 years'
        >>> period_label("retention_period", "until_deletion_request", "", -1)
        'until deletion request'
    """
    if days < 0:
        return value.replace("_", " ")
    parts = qualifier.split(";")
    if kind == "complaint_deadline":
        text = f"{days} {'working days' if 'working_days' in parts else 'days'}"
    elif days % 365 == 0:
        text = f"{days // 365} year{'s' if days > 365 else ''}"
    elif days % 30 == 0 and days > 30:
        text = f"{days // 30} months"
    else:
        text = f"{days} days"
    prefix = {"max": "up to ", "min": "at least "}
    text = "".join(prefix[p] for p in parts if p in prefix) + text
    extra = [p.replace("=", " ") for p in parts if p.startswith(("range=", "phase="))]
    return text + (f" ({', '.join(extra)})" if extra else "")


def _periods_section(periods: pd.DataFrame) -> str:
    charts, rows = [], []
    for kind, title in (("complaint_deadline", "Complaint handling deadline"),
                        ("retention_period", "Retention period")):
        frame = periods[periods["type"] == kind]
        bars = [(period_label(kind, r.value, r.qualifier, r.days), int(r.n_policies))
                for r in frame.itertuples()]
        charts.append(bar_chart(bars, f"{title} (number of policies)"))
        rows += [f"<tr><td>{esc(title)}</td><td>{esc(label)}</td><td class=\"num\">{n}</td>"
                 f"<td>{esc(', '.join(r.doc_ids))}</td></tr>"
                 for (label, n), r in zip(bars, frame.itertuples(), strict=True)]
    table = ("<table><tr><th>fact</th><th>value</th><th class=\"num\">policies</th>"
             "<th>which</th></tr>" + "".join(rows) + "</table>") if rows else ""
    return ('<section id="periods"><h2>Complaint deadlines and retention periods</h2>'
            + "".join(f"<div>{c}</div>" for c in charts) + table + "</section>")


def _contacts_section(contacts: pd.DataFrame, names: dict[str, str]) -> str:
    rows = [
        f"<tr><td>{_policy_link(r.doc_id, names)}</td><td class=\"num\">{r.n_emails}</td>"
        f"<td class=\"num\">{r.n_phones}</td><td class=\"num\">{r.n_websites}</td>"
        f"<td>{'yes' if r.free_mail else ''}</td>"
        f"<td>{esc(', '.join([*r.emails, *r.phones, *r.websites]))}</td></tr>"
        for r in contacts.itertuples()
    ]
    return ('<section id="contacts"><h2>Contact channels</h2>'
            "<table><tr><th>policy</th><th class=\"num\">e-mails</th><th class=\"num\">phones"
            "</th><th class=\"num\">websites</th><th>free-mail</th><th>values</th></tr>"
            + "".join(rows) + "</table></section>")


def _templates_section(comparison: dict[str, pd.DataFrame], names: dict[str, str]) -> str:
    families = comparison["template_families"]
    if families.empty:
        return ('<section id="templates"><h2>Template families</h2><p class="muted">'
                "No two policies are near-duplicates at this threshold.</p></section>")
    pairs, diffs = comparison["template_pairs"], comparison["template_diffs"]
    parts = ['<section id="templates"><h2>Template families</h2><p class="muted">Policies '
             "whose syllable shingles overlap (MinHash estimate of Jaccard), and what each pair "
             "changed.</p>"]
    for family in families.itertuples():
        members = ", ".join(_policy_link(d, names) for d in family.doc_ids)
        parts.append(f'<h3 id="{esc(family.family_id)}">{esc(family.family_id)}: {members}</h3>'
                     f'<p class="muted">Jaccard {family.min_jaccard:.2f}–'
                     f"{family.max_jaccard:.2f}</p>")
        for pair in pairs[pairs["family_id"] == family.family_id].itertuples():
            mine = diffs[(diffs["family_id"] == family.family_id) & (diffs["doc_a"] == pair.doc_a)
                         & (diffs["doc_b"] == pair.doc_b)]
            parts.append(
                f"<details><summary>{esc(pair.doc_a)} ↔ {esc(pair.doc_b)}: Jaccard "
                f"{pair.jaccard:.2f} · {pair.n_same} same, {pair.n_changed} changed, "
                f"{pair.n_only_a} only in the first, {pair.n_only_b} only in the second"
                f"</summary>{_diff_table(mine, names)}</details>")
    parts.append("</section>")
    return "".join(parts)


def _diff_table(diffs: pd.DataFrame, names: dict[str, str]) -> str:
    rows = []
    for d in diffs.itertuples():
        left = (_policy_link(d.doc_a, names, f"c{d.clause_a}") + f" #{d.clause_a}<br>"
                + esc(d.text_a)) if d.clause_a >= 0 else ""
        right = (_policy_link(d.doc_b, names, f"c{d.clause_b}") + f" #{d.clause_b}<br>"
                 + esc(d.text_b)) if d.clause_b >= 0 else ""
        rows.append(f"<tr><td>{esc(d.change)}</td><td>{left}</td><td>{right}</td></tr>")
    return ('<table class="diff"><tr><th>change</th><th>first</th><th>second</th></tr>'
            + "".join(rows) + "</table>")


def _boilerplate_section(boilerplate: pd.DataFrame, names: dict[str, str]) -> str:
    rows = []
    for b in boilerplate.itertuples():
        links = ", ".join(_policy_link(c.rsplit("#", 1)[0], names, "c" + c.rsplit("#", 1)[1])
                          for c in b.clauses)
        rows.append(f"<tr><td>{esc(b.boilerplate_id)}</td><td class=\"num\">{b.n_policies}</td>"
                    f"<td>{links}</td><td>{esc(_excerpt(b.text))}</td></tr>")
    return ('<section id="boilerplate"><h2>Shared boilerplate clauses</h2>'
            '<p class="muted">Clauses found near-verbatim in several policies.</p>'
            "<table><tr><th>id</th><th class=\"num\">policies</th><th>clauses</th>"
            "<th>text</th></tr>" + "".join(rows) + "</table></section>")


def _excerpt(text: str) -> str:
    return text if len(text) <= _EXCERPT_CHARS else text[:_EXCERPT_CHARS].rstrip() + "…"


# --- one policy -------------------------------------------------------------------------

def render_policy(doc_id: str, tables: dict[str, pd.DataFrame],
                  comparison: dict[str, pd.DataFrame], names: dict[str, str]) -> str:
    """One policy's page: checklist, findings, facts, template links and the coloured text."""

    def rows_of(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["doc_id"] == doc_id]

    document = rows_of(tables["documents"]).iloc[0]
    clauses = rows_of(tables["clauses"]).sort_values("start")
    facts = rows_of(tables["facts"]).sort_values(["start", "end"])
    score = rows_of(comparison["completeness"]).iloc[0]
    notes = document_notes(document, len(score["missing"]))
    body = [
        '<header><p><a href="../index.html">← all policies</a></p>',
        f"<h1>{esc(doc_id)}</h1>",
        f'<p class="muted">{esc(document["source_path"])} · {int(document["n_chars"])} '
        f"characters · {len(clauses)} clauses · completeness {score['score']:.0%} "
        f"({score['n_present']}/{score['n_elements']}, profile {esc(score['profile'])})</p>",
        f'<p class="basis">{profile_basis(score["profile"])}</p>',
        *(f'<p class="note">{esc(note)}</p>' for note in notes),
        '<nav><a href="#checklist">Checklist</a><a href="#findings">Findings</a>'
        '<a href="#trackers">Trackers</a><a href="#facts">Facts</a>'
        '<a href="#templates">Templates</a><a href="#text">Text</a></nav></header>',
        _checklist_section(rows_of(tables["audit"]), clauses),
        _findings_section(rows_of(tables["findings"])),
        _trackers_section(rows_of(tables["trackers"])),
        _facts_section(facts),
        _policy_templates_section(doc_id, comparison, names),
        '<section id="text"><h2>Text</h2>', _legend(clauses),
        f'<div class="policy-text" lang="vi">{render_text(document["text"], clauses, facts)}'
        "</div></section>",
    ]
    return page(f"{doc_id} — vnpolicy report", "\n".join(body))


def _evidence_links(ids: Iterable[int]) -> str:
    return " ".join(f'<a href="#c{int(i)}">#{int(i)}</a>' for i in ids)


def _checklist_section(audit: pd.DataFrame, clauses: pd.DataFrame) -> str:
    rows = []
    for r, status in zip(audit.itertuples(), audit_status(audit), strict=True):
        rows.append(
            f"<tr><td>{esc(r.element)}<br><span class=\"muted\" lang=\"vi\">"
            f"{esc(element_name(r.element))}</span></td>{_status_cell(r.element, status)}"
            f"<td>{_evidence_links(r.evidence)}</td><td>{esc(r.note)}</td>"
            f"<td>{esc(r.legal_basis)}</td></tr>")
        if status == "absent":
            rows.append(f'<tr class="why"><td></td><td colspan="4">'
                        f"{_why_missing(r.profile, r.element, clauses)}</td></tr>")
    return ('<section id="checklist"><h2>Completeness checklist</h2>'
            "<table><tr><th>element</th><th>status</th><th>evidence</th><th>note</th>"
            "<th>legal basis</th></tr>" + "".join(rows) + "</table></section>")


def _table_section(anchor: str, title: str, head: Sequence[str], rows: list[str],
                   intro: str = "", empty: str = "None.") -> str:
    """A section with a title, an optional intro and a table, or `empty` without rows."""
    content = ("<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>"
               + "".join(rows) + "</table>") if rows else f'<p class="muted">{esc(empty)}</p>'
    intro_html = f'<p class="muted">{esc(intro)}</p>' if intro and rows else ""
    return f'<section id="{anchor}"><h2>{esc(title)}</h2>{intro_html}{content}</section>'


def _why_missing(profile: str, element: str, clauses: pd.DataFrame) -> str:
    """The closest clauses with their scores, the cue phrases and the facts looked for."""
    closest = closest_clauses(profile, element, clauses)
    cues, facts = cue_phrases(profile, element), needed_facts(profile, element)
    parts = ["<b>Why missing:</b> no clause is evidence for it (a score of 0.5 or more for "
             "its labels" + (", an own cue" if any(c for c in cues) else "")
             + (f", and an extracted {esc(' or '.join(facts))} in the policy" if facts else "")
             + ")."]
    if closest:
        parts.append("Closest clauses: " + "; ".join(
            f'<a href="#c{m.clause_id}">#{m.clause_id}</a> {esc(m.label)} {m.score:.2f} '
            f'“<span lang="vi">{esc(_excerpt(m.text))}</span>”' for m in closest) + ".")
    if cues:
        parts.append(f'Cue phrases looked for: <span lang="vi">{esc(", ".join(cues))}</span>.')
    return " ".join(parts)


def _findings_section(findings: pd.DataFrame) -> str:
    rows = [f"<tr><td>{esc(r.finding)}</td><td>{esc(r.detail)}</td>"
            f"<td>{_evidence_links(r.evidence)}</td><td>{esc(getattr(r, 'legal_basis', ''))}"
            "</td></tr>" for r in findings.itertuples()]
    return _table_section("findings", "Findings", ("finding", "detail", "evidence",
                                                   "legal basis"), rows,
                          "What the policy states badly or against the law, with the clauses "
                          "it rests on and the provision it concerns.")


def _trackers_section(trackers: pd.DataFrame) -> str:
    rows = [f"<tr><td>{esc(r.tracker)}</td><td>{esc(r.category)}</td>"
            f"<td><code>{esc(r.evidence)}</code></td></tr>" for r in trackers.itertuples()]
    return _table_section("trackers", "Trackers the page loads",
                          ("tracker", "category", "evidence (script URL or snippet)"), rows,
                          empty="None found (or not an HTML page).")


def _facts_section(facts: pd.DataFrame) -> str:
    rows = [f"<tr><td>{esc(r.type)}</td><td>{esc(r.value)}</td><td>{esc(r.normalized)}</td>"
            f"<td>{esc(r.qualifier)}</td><td>{_evidence_links([r.clause_id])}</td></tr>"
            for r in facts.itertuples()]
    return ('<section id="facts"><h2>Facts</h2><table><tr><th>type</th><th>as written</th>'
            "<th>normalised</th><th>qualifier</th><th>clause</th></tr>" + "".join(rows)
            + "</table></section>")


def _policy_templates_section(doc_id: str, comparison: dict[str, pd.DataFrame],
                              names: dict[str, str]) -> str:
    pairs = comparison["template_pairs"]
    mine = pairs[(pairs["doc_a"] == doc_id) | (pairs["doc_b"] == doc_id)]
    items = []
    for p in mine.itertuples():
        other = p.doc_b if p.doc_a == doc_id else p.doc_a
        items.append(f"<li>{_policy_link(other, names, prefix='../')} (family "
                     f'<a href="../index.html#{esc(p.family_id)}">{esc(p.family_id)}</a>, '
                     f"Jaccard {p.jaccard:.2f}: {p.n_same} clauses the same, {p.n_changed} "
                     "changed)</li>")
    boilerplate = comparison["boilerplate"]
    shared = [(b, c.rsplit("#", 1)[1]) for b in boilerplate.itertuples() for c in b.clauses
              if c.rsplit("#", 1)[0] == doc_id]
    items += [f'<li>clause <a href="#c{int(clause)}">#{int(clause)}</a> is boilerplate '
              f"{esc(b.boilerplate_id)}, also in {b.n_policies - 1} other "
              f"polic{'y' if b.n_policies == 2 else 'ies'}</li>" for b, clause in shared]
    content = f"<ul>{''.join(items)}</ul>" if items else '<p class="muted">No shared template.</p>'
    return f'<section id="templates"><h2>Shared templates</h2>{content}</section>'


def _legend(clauses: pd.DataFrame) -> str:
    counts = pd.Series([label_class(ls[0]) if len(ls) else "other"
                        for ls in clauses["labels"]]).value_counts()
    spans = "".join(f'<span class="cat-{label}">{esc(label)} ({int(counts.get(label, 0))})'
                    "</span>" for label in CLAUSE_LABELS)
    return (f'<p class="legend">Clause categories: {spans} '
            '<mark class="fact">extracted fact</mark></p>')


def render_text(text: str, clauses: pd.DataFrame, facts: pd.DataFrame) -> str:
    """The policy text, escaped, each clause a coloured span (`#c<id>`) and facts marked.

    Examples:
        >>> clauses = pd.DataFrame({"clause_id": [0], "start": [0], "end": [13],
        ...     "labels": [["contact"]], "kind": ["sentence"], "section": [""]})
        >>> facts = pd.DataFrame({"start": [7], "end": [13], "type": ["email"],
        ...                       "normalized": ["a@b.vn"]})
        >>> render_text("Email: a@b.vn <b>", clauses, facts)  # doctest: +ELLIPSIS
        '<span class="clause cat-contact" ...>Email: <mark ...>a@b.vn</mark></span> &lt;b&gt;'
    """
    spans = _fact_spans(facts)
    parts, pos = [], 0
    for c in clauses.sort_values("start").itertuples():
        if c.start < pos:
            continue
        labels = [label_class(label) for label in c.labels] or ["other"]
        classes = ["clause", f"cat-{labels[0]}", *(f"cat2-{label}" for label in labels[1:2])]
        if c.kind == "heading":
            classes.append("k-heading")
        title = f"#{int(c.clause_id)} · {', '.join(labels)}" + (
            f" · {c.section}" if c.section else "")
        parts += [esc(text[pos:c.start]),
                  f'<span class="{" ".join(classes)}" id="c{int(c.clause_id)}" '
                  f'title="{esc(title)}">', _mark_facts(text, c.start, c.end, spans), "</span>"]
        pos = c.end
    parts.append(esc(text[pos:]))
    return "".join(parts)


def _fact_spans(facts: pd.DataFrame) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, tooltip) of the facts, longest first where they overlap."""
    spans, last_end = [], -1
    for f in sorted(facts.itertuples(), key=lambda f: (f.start, -f.end)):
        if f.start >= last_end:
            spans.append((int(f.start), int(f.end), f"{f.type}: {f.normalized}"))
            last_end = int(f.end)
    return spans


def _mark_facts(text: str, start: int, end: int, spans: list[tuple[int, int, str]]) -> str:
    parts, pos = [], start
    for fact_start, fact_end, tooltip in spans:
        a, b = max(fact_start, pos), min(fact_end, end)
        if a >= b:
            continue
        parts += [esc(text[pos:a]),
                  f'<mark class="fact" title="{esc(tooltip)}">{esc(text[a:b])}</mark>']
        pos = b
    parts.append(esc(text[pos:end]))
    return "".join(parts)
