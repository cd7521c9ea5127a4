"""HTML building blocks for the report: a page shell with a strict CSP, safe names, SVG charts.

Policy text is untrusted. Every string that came from a policy goes through `esc`, and the
Content-Security-Policy allows no script, no external resource and no form, so a slip in
escaping still cannot run code or call out. Charts are inline SVG: nothing to fetch.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Sequence

from ..config import CLAUSE_LABELS, GENERATOR_MARK

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")

LABEL_COLOURS: dict[str, str] = {
    "purpose": "#cfe2ff", "scope": "#d9d2f7", "retention": "#ffe8a3", "access": "#fcd0d6",
    "contact": "#c8efd9", "user_rights": "#f3d3f0", "complaints": "#ffd8b5",
    "security": "#c4edf2", "other": "#ffffff",
}
PRESENT_COLOUR, MISSING_COLOUR = "#2e9e5b", "#d9534f"

_LABEL_CSS = "".join(
    f".cat-{label}{{background:{colour}}}.cat2-{label}{{box-shadow:inset 0 -3px 0 {colour}}}"
    for label, colour in LABEL_COLOURS.items()
)
_BASE_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;
 margin:0 auto;max-width:1180px;padding:0 20px 40px;color:#1f2328}
header{border-bottom:1px solid #d0d7de;margin-bottom:12px}
h1{font-size:1.6em;margin:.6em 0 .2em}h2{margin-top:1.6em;border-bottom:1px solid #eee}
a{color:#0b5cad}nav a{margin-right:14px}.muted{color:#59636e}
.note{background:#fff4ce;border-left:4px solid #c99a00;padding:6px 10px}
tr.why td{font-size:90%;color:#3b434b}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d0d7de;padding:3px 7px;
 vertical-align:top;text-align:left}th{background:#f6f8fa}
td.num,th.num{text-align:right}td.cell{text-align:center;color:#fff;font-weight:600;
 min-width:48px}td.yes{background:PRESENT}td.no{background:MISSING}td.na{background:#afb8c1}
.flag{background:#9a6700;color:#fff;border-radius:3px;padding:0 5px;font-size:.85em}
.score{display:inline-block;height:10px;background:#0b5cad;vertical-align:middle;
 margin-right:6px}.scorebox{white-space:nowrap}
.legend span{display:inline-block;padding:1px 8px;margin:2px 4px 2px 0;border:1px solid #d0d7de;
 border-radius:3px}
.policy-text{white-space:pre-wrap;border:1px solid #d0d7de;padding:12px;border-radius:4px;
 line-height:1.7}
.clause{border-radius:2px}.clause:target{outline:3px solid #0b5cad}.k-heading{font-weight:700}
mark.fact{background:#fff27a;border-bottom:2px solid #b59b00;padding:0 1px}
.diff td{max-width:520px}details{margin:6px 0}summary{cursor:pointer}
"""
STYLE = (_BASE_CSS.replace("PRESENT", PRESENT_COLOUR).replace("MISSING", MISSING_COLOUR)
         + _LABEL_CSS)


def esc(value: object) -> str:
    """Escape any value for HTML text and attribute values.

    Examples:
        >>> esc('<script>alert("Chào")</script>')
        '&lt;script&gt;alert(&quot;Chào&quot;)&lt;/script&gt;'
    """
    return html.escape(str(value), quote=True)


def page(title: str, body: str) -> str:
    """A whole HTML document: UTF-8, the CSP, no referrer, the inline stylesheet, `body`.

    Args:
        title: plain text (escaped here).
        body: HTML built by the caller from escaped pieces.
    """
    return ("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
            "<meta name=\"referrer\" content=\"no-referrer\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"{GENERATOR_MARK}\n"
            f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")


def page_name(doc_id: str) -> str:
    """A file name for a policy's page: ASCII slug of the doc_id plus a short hash of it.

    The slug keeps names readable; the hash keeps two ids with the same slug apart. Only
    `[a-z0-9-]` survive, so no name can climb out of the report folder.

    Examples:
        >>> page_name("002_Công-ty Á")
        '002-cong-ty-a-efa31067.html'
        >>> page_name("../../etc/passwd").startswith("etc-passwd-")
        True
    """
    folded = unicodedata.normalize("NFKD", doc_id.replace("đ", "d").replace("Đ", "D"))
    ascii_text = folded.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:48].strip("-") or "policy"
    return f"{slug}-{hashlib.sha1(doc_id.encode('utf-8')).hexdigest()[:8]}.html"


def label_class(label: str) -> str:
    """A CSS-safe category name: a known label, else `other`."""
    return label if label in CLAUSE_LABELS else "other"


def bar_chart(bars: Sequence[tuple[str, int]], title: str, *, width: int = 640,
              label_width: int = 230, bar_height: int = 20, colour: str = "#0b5cad") -> str:
    """A horizontal bar chart as inline SVG, one bar per (label, count).

    Examples:
        >>> svg = bar_chart([("15 ngày", 2), ("<b>", 1)], "Thời hạn")
        >>> svg.startswith("<svg") and "&lt;b&gt;" in svg and "<b>" not in svg
        True
    """
    if not bars:
        return f'<p class="muted">{esc(title)}: none found.</p>'
    step = bar_height + 6
    height = len(bars) * step + 34
    room = width - label_width - 50
    top = max(count for _, count in bars) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" font-size="13" '
             f'font-family="system-ui,sans-serif">',
             f"<title>{esc(title)}</title>",
             f'<text x="0" y="16" font-weight="700">{esc(title)}</text>']
    for i, (label, count) in enumerate(bars):
        y = 28 + i * step
        length = max(2.0, room * count / top)
        parts += [
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.72:.1f}" '
            f'text-anchor="end">{esc(label)}</text>',
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'fill="{colour}"><title>{esc(label)}: {count}</title></rect>',
            f'<text x="{label_width + length + 6:.1f}" y="{y + bar_height * 0.72:.1f}">'
            f"{count}</text>",
        ]
    parts.append("</svg>")
    return "".join(parts)
