"""Crawls as input (issue 15): a WARC file the test writes itself with warcio."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.clean.crawl import page_score, read_crawl
from pipeline.cli import app

warcio = pytest.importorskip("warcio")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

runner = CliRunner()

POLICY_PAGE = """<html><head><title>Chính sách bảo mật | Cửa hàng Sen</title></head><body>
<nav><a href="/">Trang chủ</a></nav><main><h1>Chính sách bảo mật thông tin</h1>
<h2>1. Mục đích thu thập</h2><p>Chúng tôi thu thập họ tên và số điện thoại của khách hàng
để giao hàng và chăm sóc khách hàng.</p>
<h2>2. Thời gian lưu trữ</h2><p>Dữ liệu cá nhân được lưu trữ trong 12 tháng.</p>
<h2>3. Liên hệ</h2><p>Mọi thắc mắc xin gửi về hotro@sen.vn.</p></main></body></html>"""
PRODUCT_PAGE = """<html><head><title>Áo sơ mi trắng | Cửa hàng Sen</title></head><body>
<main><h1>Áo sơ mi trắng</h1><p>Giá 250.000 đồng. Chất liệu cotton, giao hàng toàn quốc
trong ba ngày.</p></main></body></html>"""


def _response(writer, url: str, body: bytes, kind: str = "text/html; charset=utf-8",
              status: str = "200 OK") -> None:
    http = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=http,
        warc_headers_dict={"WARC-Date": "2026-11-30T08:15:00Z"}))


@pytest.fixture
def crawl(tmp_path: Path) -> Path:
    path = tmp_path / "sen.warc.gz"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warc_record(
            "https://sen.vn/chinh-sach-bao-mat", "request", payload=io.BytesIO(b"GET /")))
        _response(writer, "https://sen.vn/chinh-sach-bao-mat", POLICY_PAGE.encode())
        _response(writer, "https://sen.vn/ao-so-mi", PRODUCT_PAGE.encode())
        _response(writer, "https://sen.vn/logo.png", b"\x89PNG\r\n", kind="image/png")
        _response(writer, "https://sen.vn/cu", b"<html>gone</html>", status="404 Not Found")
    return path


def test_a_crawl_keeps_its_policy_pages_and_counts_the_rest_issue_15(crawl):
    found = read_crawl(crawl)
    assert [page.url for page in found.pages] == ["https://sen.vn/chinh-sach-bao-mat"]
    assert found.pages[0].fetched_at == "2026-11-30T08:15:00Z"
    reasons = dict(found.skipped)
    assert reasons[f"{crawl}#https://sen.vn/ao-so-mi"].startswith(
        "crawl page not a privacy policy (score")
    assert reasons[f"{crawl}#https://sen.vn/logo.png"] == \
        "crawl record: not an HTML response (image/png)"
    assert reasons[f"{crawl}#https://sen.vn/cu"] == "crawl record: HTTP status 404"
    assert len(found.skipped) == 4  # the request record too


def test_run_on_a_crawl_records_url_and_fetch_date_issue_15(crawl, tmp_path):
    out = tmp_path / "o"
    result = runner.invoke(app, ["run", str(crawl), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert "1 in, 1 out, 0 failed, 4 skipped" in result.output
    documents = pd.read_parquet(out / "documents.parquet")
    row = documents.iloc[0]
    assert row["doc_id"] == "sen.vn-chinh-sach-bao-mat"
    assert (row["url"], row["fetched_at"]) == ("https://sen.vn/chinh-sach-bao-mat",
                                               "2026-11-30T08:15:00Z")
    assert row["status"] == "ok" and "Trang chủ" not in row["text"]
    facts = pd.read_parquet(out / "facts.parquet")
    assert "hotro@sen.vn" in set(facts["normalized"])
    listed = runner.invoke(app, ["-v", "run", str(crawl), "--out", str(out), "-q"])
    assert "ao-so-mi: crawl page not a privacy policy" in listed.output


def test_an_unreadable_crawl_is_an_errors_row_issue_15(tmp_path, policy_dir):
    broken = tmp_path / "hong.warc.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    out = tmp_path / "o"
    result = runner.invoke(app, ["run", str(broken), str(policy_dir), "--out", str(out), "-q"])
    assert result.exit_code == 2, result.output
    errors = pd.read_parquet(out / "errors.parquet")
    assert errors["doc_id"].tolist() == ["hong.warc"]
    assert "not a readable WARC file" in errors["error"][0]


@pytest.mark.parametrize(("url", "title", "kept"), [
    ("https://sen.vn/chinh-sach-bao-mat", "Chính sách bảo mật", True),
    ("https://sen.vn/privacy", "", True),
    ("https://sen.vn/ao-so-mi", "Áo sơ mi", False),
])
def test_page_score_reads_url_title_and_text_issue_15(url, title, kept):
    from pipeline.clean.decode import html_to_text

    text = html_to_text(POLICY_PAGE if kept else PRODUCT_PAGE)
    assert (page_score(url, title, text) >= 0.5) is kept
