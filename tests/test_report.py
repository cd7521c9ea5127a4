"""`vnpolicy report`: a static report that shows hostile policy text as text, in a browser too."""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.audit import audit_document, find_quality_issues
from pipeline.cli import app
from pipeline.config import LAW_ELEMENTS
from pipeline.io import write_table
from pipeline.report import run_report
from pipeline.report.html import page

HOSTILE_ID = "../../<script>alert(5)</script>"
SCRIPT = "<script>window.__pwned = 1; alert(1)</script>"
IMG = '<img src=x onerror="window.__pwned = 2; alert(2)">'
POLICIES = {
    HOSTILE_ID: (
        [(SCRIPT, ["other"], "heading"),
         (f"Liên hệ {IMG} qua email hotro@xau.vn hoặc hotline 1900 1234.", ["contact"],
          "sentence"),
         ("Chúng tôi thu thập họ tên và số điện thoại "
          '<a href="javascript:alert(3)">bấm</a> của khách hàng.', ["purpose", "scope"],
          "sentence"),
         ('Thời gian xử lý khiếu nại là 07 ngày làm việc."><svg onload=alert(4)>',
          ["complaints"], "sentence")],
        [(1, "hotro@xau.vn", "email", "hotro@xau.vn", ""),
         (1, "1900 1234", "phone", "+8419001234", "hotline"),
         (3, "07 ngày làm việc", "complaint_deadline", "7", "working_days")],
    ),
    "cong-ty-lanh": (
        [("CHÍNH SÁCH BẢO MẬT THÔNG TIN", ["other"], "heading"),
         ("Công ty Lành thu thập họ tên, số điện thoại và email khi khách hàng đặt hàng.",
          ["purpose", "scope"], "sentence"),
         ("Dữ liệu được lưu trữ trong 24 tháng kể từ giao dịch cuối cùng.", ["retention"],
          "sentence"),
         ("Mọi thắc mắc xin gửi về cskh@lanh.vn.", ["contact"], "sentence")],
        [(2, "24 tháng", "retention_period", "730", ""),
         (3, "cskh@lanh.vn", "email", "cskh@lanh.vn", "")],
    ),
}


TRACKER = {"doc_id": HOSTILE_ID, "tracker": "facebook_pixel", "category": "advertising",
           "evidence": "fbq('init', '1');\"><svg onload=alert(6)>"}


def write_dataset(directory: Path) -> Path:
    """The dataset tables of `POLICIES`, audited by the real audit code."""
    documents, clauses, facts = [], [], []
    for doc_id, (clause_specs, fact_specs) in POLICIES.items():
        text, spans = "", []
        for clause_id, (clause_text, labels, kind) in enumerate(clause_specs):
            start = len(text)
            spans.append(start)
            text += clause_text + "\n"
            words = clause_text.split()
            clauses.append({
                "doc_id": doc_id, "clause_id": clause_id, "section": clause_specs[0][0],
                "text": clause_text, "start": start, "end": start + len(clause_text),
                "tokens": words, "labels": labels, "scores": "{}", "kind": kind,
                "section_path": clause_specs[0][0], "heading_level": 0,
                "token_starts": [start + m.start() for m in re.finditer(r"\S+", clause_text)],
            })
        for clause_id, value, kind, normalized, qualifier in fact_specs:
            start = text.index(value, spans[clause_id])
            facts.append({"doc_id": doc_id, "clause_id": clause_id, "type": kind,
                          "value": value, "normalized": normalized, "start": start,
                          "end": start + len(value), "rule_id": "test", "qualifier": qualifier})
        documents.append({"doc_id": doc_id, "source_path": f"{doc_id}.txt", "sha256": "0" * 64,
                          "text": text, "n_chars": len(text), "n_clauses": len(clause_specs),
                          "status": "ok"})
    tables = {"documents": pd.DataFrame(documents), "clauses": pd.DataFrame(clauses),
              "facts": pd.DataFrame(facts), "trackers": pd.DataFrame([TRACKER])}
    audit, findings = [], []
    for doc_id, frame in tables["clauses"].groupby("doc_id"):
        mine = tables["facts"][tables["facts"]["doc_id"] == doc_id]
        trackers = [TRACKER] if doc_id == HOSTILE_ID else []
        audit += audit_document(doc_id, frame, mine, trackers=trackers)
        findings += find_quality_issues(doc_id, frame, mine, trackers)
    tables["audit"] = pd.DataFrame(audit)
    tables["findings"] = pd.DataFrame(findings, columns=["doc_id", "finding", "evidence",
                                                         "detail", "legal_basis"])
    for name, table in tables.items():
        write_table(table, directory, name)
    return directory


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report")
    return run_report(write_dataset(root / "dataset"), root / "out").parent


class _Tags(HTMLParser):
    """Every start tag with its attributes, and every id."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(path: Path) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tags


def _pages(report: Path) -> list[Path]:
    return sorted(report.rglob("*.html"))


def _hostile_page(report: Path) -> Path:
    return next(p for p in _pages(report) if "alert(5)" in p.read_text(encoding="utf-8")
                and p.name != "index.html")


def test_pages_have_safe_names_inside_the_report(report):
    names = [p.relative_to(report).as_posix() for p in _pages(report)]
    assert names[0] == "index.html" and len(names) == 3
    assert all(re.fullmatch(r"policies/[a-z0-9-]+-[0-9a-f]{8}\.html", n) for n in names[1:])
    assert sorted(p.name for p in report.parent.iterdir()) == ["dataset", "out"]


def test_no_page_holds_active_content(report):
    for path in _pages(report):
        for tag, attrs in _tags(path):
            assert tag not in {"script", "img", "iframe", "object", "embed", "link", "base",
                               "form"}, (path.name, tag)
            assert not [a for a in attrs if a.startswith("on")], (path.name, tag, attrs)
            assert not (attrs.get("href") or "").lower().startswith("javascript:")


def test_policy_text_shows_escaped(report):
    html = _hostile_page(report).read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__pwned = 1; alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;window.__pwned = 2; alert(2)&quot;&gt;" in html
    assert "&lt;a href=&quot;javascript:alert(3)&quot;&gt;" in html
    assert "<h1>../../&lt;script&gt;alert(5)&lt;/script&gt;</h1>" in html


def test_every_page_has_the_strict_csp(report):
    for path in _pages(report):
        csp = [a["content"] for tag, a in _tags(path)
               if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert len(csp) == 1
        assert csp[0].startswith("default-src 'none'; style-src 'unsafe-inline'; img-src data:")


def test_links_point_to_existing_pages_and_anchors(report):
    ids = {p: {a["id"] for _, a in _tags(p) if a.get("id")} for p in _pages(report)}
    for path in _pages(report):
        for _, attrs in _tags(path):
            href = attrs.get("href")
            if href is None:
                continue
            target, _, anchor = href.partition("#")
            page_path = (path.parent / target).resolve() if target else path
            assert page_path in ids, (path.name, href)
            assert not anchor or anchor in ids[page_path], (path.name, href)


def test_checklist_links_to_evidence_clauses(report):
    tags = _tags(_hostile_page(report))
    assert ("a", {"href": "#c1"}) in tags
    assert any(a.get("id") == "c1" and "cat-contact" in (a.get("class") or "")
               for _, a in tags)


def test_facts_are_highlighted(report):
    html = _hostile_page(report).read_text(encoding="utf-8")
    assert '<mark class="fact" title="email: hotro@xau.vn">hotro@xau.vn</mark>' in html
    assert 'title="complaint_deadline: 7">07 ngày làm việc</mark>' in html


def test_index_compares_the_policies(report):
    html = (report / "index.html").read_text(encoding="utf-8")
    assert html.count('class="cell ') == 2 * len(LAW_ELEMENTS)
    assert "Law 91/2025/QH15 on Personal Data Protection + Decree 356/2025/ND-CP" in html
    assert 'class="cell na" title="children: not applicable"' in html
    assert "<svg" in html and "7 working days" in html and "2 years" in html


def test_trackers_show_escaped_with_the_audit_they_caused(report):
    html = _hostile_page(report).read_text(encoding="utf-8")
    assert ("<code>fbq(&#x27;init&#x27;, &#x27;1&#x27;);&quot;&gt;&lt;svg onload=alert(6)&gt;"
            "</code>") in html
    assert "the page loads facebook_pixel" in html
    assert "trackers_not_disclosed" in html and "Law 91/2025/QH15 Arts. 28(8), 29(3)-(4)" in html
    index = (report / "index.html").read_text(encoding="utf-8")
    assert '<section id="trackers">' in index and "facebook_pixel" in index


def test_cli_report(tmp_path):
    dataset = write_dataset(tmp_path / "dataset")
    result = CliRunner().invoke(app, ["report", str(dataset), "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r" / "index.html").is_file()


# --- in a real browser ------------------------------------------------------------------

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Headless Debian chromium through chromedriver; skipped only off CI when it is absent."""
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver_path):
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests: apt-get install chromium chromium-driver")
        pytest.skip("chromium/chromedriver not installed (apt-get install chromium "
                    "chromium-driver); CI installs them")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    yield driver
    driver.quit()


def _assert_nothing_ran(driver) -> None:  # type: ignore[no-untyped-def]
    from selenium.common.exceptions import NoAlertPresentException

    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018 - the property raises when no dialog is open


@pytest.mark.slow
def test_browser_index_renders_and_links_to_every_policy(browser, report):
    from selenium.webdriver.common.by import By

    browser.get((report / "index.html").as_uri())
    assert browser.title == "Privacy policies compared — vnpolicy"
    assert browser.find_element(By.CSS_SELECTOR, "#coverage table").is_displayed()
    links = browser.find_elements(By.CSS_SELECTOR, "#coverage td > a")
    targets = {a.text: a.get_attribute("href") for a in links}
    assert set(targets) == set(POLICIES)
    for doc_id, href in targets.items():
        browser.get(href)
        assert browser.find_element(By.TAG_NAME, "h1").text == doc_id
        assert browser.title == f"{doc_id} — vnpolicy report"
        _assert_nothing_ran(browser)


@pytest.mark.slow
def test_browser_runs_no_script_from_a_policy(browser, report):
    from selenium.webdriver.common.by import By

    browser.get(_hostile_page(report).as_uri())
    _assert_nothing_ran(browser)
    assert browser.find_element(By.ID, "c0").text == SCRIPT
    assert IMG in browser.find_element(By.ID, "c1").text
    assert not browser.find_elements(By.CSS_SELECTOR, ".policy-text img, .policy-text script")


@pytest.mark.slow
def test_browser_evidence_link_jumps_to_the_clause(browser, report):
    from selenium.webdriver.common.by import By

    browser.get(_hostile_page(report).as_uri())
    browser.find_element(By.CSS_SELECTOR, '#checklist a[href="#c1"]').click()
    assert browser.current_url.endswith("#c1")
    assert browser.execute_script("return document.querySelector(':target').id") == "c1"


@pytest.mark.slow
def test_browser_csp_blocks_script_even_if_escaping_failed(browser, tmp_path):
    unescaped = tmp_path / "unescaped.html"
    unescaped.write_text(page("CSP", f"<p>{SCRIPT}{IMG}</p>"), encoding="utf-8")
    browser.get(unescaped.as_uri())
    _assert_nothing_ran(browser)
