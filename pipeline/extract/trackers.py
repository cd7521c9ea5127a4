"""Trackers a web page loads: the analytics, advertising and chat scripts in its markup.

The clean stage drops scripts from the text a reader sees, so this reads the page itself
(the file's bytes): every `<script>` (its `src` and inline code), `<noscript>`, `<iframe>`
and `<img>` element, against the patterns of `trackers.json` (one entry per tracker). A
tracker merely named in the policy's text ("chúng tôi dùng Google Analytics") is not a
load; the audit reads that from the clauses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..clean.decode import decode_bytes
from ..errors import InputError, PipelineError

TRACKERS_PATH = Path(__file__).with_name("trackers.json")
# The markup a page loads code or pixels with; a tracker's pattern counts only inside it.
_MARKUP_RE = re.compile(r"<script\b[^>]*>.*?(?:</script\s*>|$)|<noscript\b[^>]*>.*?(?:</noscript"
                        r"\s*>|$)|<(?:iframe|img)\b[^>]*>", re.I | re.S)
_URL_RE = re.compile(r"(?:https?:)?//[^\s'\"<>()\\]+", re.I)
SNIPPET_CHARS = 120


@dataclass(frozen=True)
class Tracker:
    """One entry of `trackers.json`."""

    id: str
    name: str
    category: str
    patterns: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=2)
def load_trackers(path: Path = TRACKERS_PATH) -> tuple[Tracker, ...]:
    """The tracker list, patterns compiled.

    Raises:
        PipelineError: the file is unreadable or holds a bad pattern.
    """
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["trackers"]
        return tuple(Tracker(row["id"], row["name"], row["category"],
                             tuple(re.compile(p, re.I) for p in row["patterns"]))
                     for row in rows)
    except (OSError, ValueError, KeyError, TypeError, re.error) as err:
        raise PipelineError(f"tracker list {path}: unreadable ({err})") from err


def find_trackers(data: bytes, path: Path | str = "<bytes>") -> list[dict]:
    """Rows of the `trackers` table (without `doc_id`) for a file's bytes: one per tracker
    and distinct evidence (the script URL, else a snippet), in page order. PDF, DOCX and
    undecodable bytes load nothing.

    Examples:
        >>> page = b'<script src="https://www.googletagmanager.com/gtm.js?id=GTM-AB12"></script>'
        >>> [(r["tracker"], r["evidence"]) for r in find_trackers(page)]
        [('google_tag_manager', 'https://www.googletagmanager.com/gtm.js?id=GTM-AB12')]
    """
    if data.startswith((b"%PDF", b"PK\x03\x04")):
        return []
    try:
        text = decode_bytes(data, path)
    except InputError:
        return []
    return trackers_in(text)


def trackers_in(page: str) -> list[dict]:
    """Tracker rows for the text of a page (see `find_trackers`): per element of markup, one
    row per tracker it loads, its evidence the script URL when there is one."""
    found: dict[tuple[str, str], tuple[int, dict]] = {}
    for markup in _MARKUP_RE.finditer(page):
        for tracker in load_trackers():
            hit = _best_evidence(markup.group(0), tracker)
            if hit is not None and (tracker.id, hit[1]) not in found:
                found[(tracker.id, hit[1])] = (
                    markup.start() + hit[0],
                    {"tracker": tracker.id, "category": tracker.category, "evidence": hit[1]})
    ordered = sorted(found.values(), key=lambda item: (item[0], item[1]["tracker"]))
    return [row for _, row in ordered]


def _best_evidence(markup: str, tracker: Tracker) -> tuple[int, str] | None:
    """(offset, evidence) of the tracker in one element: the first URL a pattern matches
    in, else the line of code around the first match; None when no pattern matches."""
    matches = sorted((m for p in tracker.patterns for m in p.finditer(markup)),
                     key=lambda m: m.start())
    if not matches:
        return None
    urls = list(_URL_RE.finditer(markup))
    for match in matches:
        for url in urls:
            if url.start() <= match.start() < url.end():
                return url.start(), url.group(0)
    first = matches[0]
    start = max(markup.rfind("\n", 0, first.start()), markup.rfind(">", 0, first.start())) + 1
    start = max(start, first.start() - SNIPPET_CHARS // 3)  # a long minified line
    code = re.split(r"[\n<]", markup[start:], maxsplit=1)[0]
    return first.start(), " ".join(code.split())[:SNIPPET_CHARS]
