"""Crawls as input: the HTML responses of a WARC file (`.warc`, `.warc.gz`, read with warcio)
that look like privacy policies, each a document with its URL and fetch date.

A page is kept on a score of its URL (`chinh-sach-bao-mat`, `privacy`, ...), its title and the
policy vocabulary of its text (`quality.policy_score`); every other record is counted as
skipped with its reason, so a crawl of a whole site is accounted for page by page.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..config import WARC_SUFFIXES, CleanParams
from ..errors import InputError
from .quality import policy_score

URL_CUES: tuple[str, ...] = (
    "chinh-sach-bao-mat", "chinhsachbaomat", "bao-mat", "baomat", "quyen-rieng-tu",
    "rieng-tu", "privacy", "bao-ve-du-lieu", "du-lieu-ca-nhan", "policy",
)
TITLE_CUES: tuple[str, ...] = ("bảo mật", "quyền riêng tư", "riêng tư", "dữ liệu cá nhân",
                               "privacy")
MIN_PAGE_SCORE = 0.5
_TITLE_RE = re.compile(rb"<title[^>]*>(.*?)</title", re.I | re.S)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_crawl(path: Path) -> bool:
    """Whether the file is a WARC crawl (by its name)."""
    return path.name.lower().endswith(WARC_SUFFIXES)


@dataclass(frozen=True)
class CrawlPage:
    """One HTML response of a crawl kept as a policy."""

    name: Path  # `<crawl>#<slug>.html`: what tables call it; its suffix picks the HTML reader
    url: str
    fetched_at: str
    data: bytes
    score: float


@dataclass
class CrawlRead:
    """What a crawl held: the pages kept, and every other record with why it was not."""

    pages: list[CrawlPage] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def page_slug(url: str) -> str:
    """A short readable name for a page: host and path, in ASCII letters, digits and dashes.

    Examples:
        >>> page_slug("https://www.sen.vn/chinh-sach-bao-mat.html?x=1")
        'sen.vn-chinh-sach-bao-mat'
    """
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    path = re.sub(r"\.(html?|php|aspx?)$", "", unquote(parts.path), flags=re.I)
    ascii_path = unicodedata.normalize("NFKD", path).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9.]+", "-", f"{host}-{ascii_path}").strip("-.")
    return slug[:80] or hashlib.sha1(url.encode()).hexdigest()[:12]


def page_score(url: str, title: str, text: str) -> float:
    """0.25 for a policy cue in the URL, 0.25 for one in the title, and half the text's
    `policy_score`: a policy page with neither cue still scores 0.5.

    Examples:
        >>> page_score("https://sen.vn/chinh-sach-bao-mat", "Chính sách bảo mật", "")
        0.5
    """
    lowered_url = unquote(url).lower()
    url_cue = any(cue in lowered_url for cue in URL_CUES)
    title_cue = any(cue in title.lower() for cue in TITLE_CUES)
    return round(0.25 * url_cue + 0.25 * title_cue + 0.5 * policy_score(text), 4)


def _title(body: bytes) -> str:
    match = _TITLE_RE.search(body[:65_536])
    return match.group(1).decode("utf-8", "replace").strip() if match else ""


def _records(path: Path) -> Iterator[object]:
    """warcio's records of a crawl (gzip'd or not).

    Raises:
        InputError: warcio is missing or the file is not a readable WARC.
    """
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError as err:  # pragma: no cover - a declared dependency
        raise ImportError("reading WARC crawls needs warcio: pip install warcio") from err
    with path.open("rb") as stream:
        try:
            yield from ArchiveIterator(stream)
        except (ArchiveLoadFailed, ValueError, OSError, EOFError, zlib.error) as err:
            raise InputError(f"{path}: not a readable WARC file ({err})") from err


def _why_not(record: object, params: CleanParams) -> str:
    """Why a WARC record is not a page to read ("" when it is one)."""
    http = getattr(record, "http_headers", None)
    if getattr(record, "rec_type", "") != "response" or http is None:
        return f"a {getattr(record, 'rec_type', 'unknown')} record, not a response"
    status = http.get_statuscode()
    if status != "200":
        return f"HTTP status {status}"
    kind = (http.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if kind not in _HTML_TYPES:
        return f"not an HTML response ({kind or 'no content type'})"
    length = int(record.rec_headers.get_header("Content-Length") or 0)  # type: ignore[attr-defined]
    if length > params.max_bytes:
        return f"{length} bytes exceeds the limit of {params.max_bytes} (--max-bytes)"
    return ""


def read_crawl(path: Path, params: CleanParams = CleanParams()) -> CrawlRead:
    """The policy pages of a crawl, and every other record counted with its reason.

    Raises:
        InputError: the file is not a readable WARC.
    """
    from .decode import decode_bytes, html_to_text

    found = CrawlRead()
    for record in _records(path):
        url = record.rec_headers.get_header("WARC-Target-URI") or ""  # type: ignore[attr-defined]
        shown_as = f"{path}#{url}"
        reason = _why_not(record, params)
        if reason:
            found.skipped.append((shown_as, f"crawl record: {reason}"))
            continue
        body = record.content_stream().read(params.max_bytes + 1)  # type: ignore[attr-defined]
        try:
            text = html_to_text(decode_bytes(body, shown_as), path=shown_as,
                                max_depth=params.max_html_depth)
        except InputError as err:
            found.skipped.append((shown_as, f"crawl page unreadable: {err}"))
            continue
        score = page_score(url, _title(body), text)
        if score < MIN_PAGE_SCORE:
            found.skipped.append((shown_as, f"crawl page not a privacy policy (score {score:.2f}"
                                            f" < {MIN_PAGE_SCORE})"))
            continue
        fetched = record.rec_headers.get_header("WARC-Date") or ""  # type: ignore[attr-defined]
        found.pages.append(CrawlPage(Path(f"{path}#{page_slug(url)}.html"), url, fetched,
                                     body, score))
    return found


@dataclass
class Expanded:
    """A run's inputs with each crawl replaced by its policy pages."""

    paths: list[Path]  # files, crawl pages (`CrawlPage.name`) and unreadable crawls
    pages: dict[Path, CrawlPage] = field(default_factory=dict)
    errors: dict[Path, str] = field(default_factory=dict)  # a crawl that could not be read


def expand_crawls(paths: list[Path], params: CleanParams,
                  skipped: list[tuple[str, str]]) -> Expanded:
    """Every input, a crawl's kept pages in its place (its other records go to `skipped`); a
    crawl that cannot be read stays, with its error."""
    expanded = Expanded([])
    for path in paths:
        if not is_crawl(path):
            expanded.paths.append(path)
            continue
        try:
            found = read_crawl(path, params)
        except (InputError, OSError) as err:
            expanded.paths.append(path)
            expanded.errors[path] = str(err)
            continue
        skipped.extend(found.skipped)
        for page in found.pages:
            expanded.paths.append(page.name)
            expanded.pages[page.name] = page
    return expanded
