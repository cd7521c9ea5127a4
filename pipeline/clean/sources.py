"""Policy text inside web source files: JSX/TSX/JS/TS components and Markdown.

Policies scraped from repositories often arrive as the page's source: a React component whose
JSX holds the text, a TypeScript object of strings, a template literal of HTML, or Markdown.
Read as plain text, the code becomes clauses ("export default function Page() {") and JSX
expressions (`{" "}`) split sentences. These functions keep the text a reader of the page
sees; HTML inside the result is left for `ingest.html_to_text`.
"""

from __future__ import annotations

import re

_JS_SUFFIXES = (".js", ".jsx", ".ts", ".tsx", ".mjs", ".vue")
# How a module starts: a directive, an import or export, a declaration, an object key.
_JS_START_RE = re.compile(
    r"\A\s*(?:[\"']use client[\"'];?|import\s|export\s|const\s|let\s|var\s|function\s|"
    r"module\.exports|[A-Za-z_$][\w$]*\s*:\s*[{\[])"
)
_JS_END_RE = re.compile(r"(?:export\s+default\s+[\w$]+;?|\}\s*\)?;?)\s*\Z")
_TEMPLATE_RE = re.compile(r"`((?:[^`\\]|\\.)*)`", re.S)
_STRING_RE = re.compile(r"\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'")
# A JSX expression without nested braces deeper than two levels: `{" "}`, `{item.title}`,
# `{new Date().toLocaleDateString('vi-VN', { year: 'numeric' })}`.
_EXPRESSION_RE = re.compile(r"\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}")
_CODE_LINE_RE = re.compile(
    r"^\s*(?://.*|/\*.*|\*/|[(){}\[\];:,?]+|\)\s*:\s*\(|[\w$.]+\s*=>\s*\(?|"
    r"(?:return|export|import|const|let|var)\b.*)\s*$"
)
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


def looks_like_source_code(text: str, suffixes: tuple[str, ...] = ()) -> bool:
    """A JavaScript/TypeScript module: by a source suffix before `.txt`, or by how it starts
    and ends.

    Examples:
        >>> looks_like_source_code('import React from "react";\\nexport default Page;')
        True
        >>> looks_like_source_code("Chính sách bảo mật\\n1. Mục đích thu thập")
        False
    """
    if any(suffix.lower() in _JS_SUFFIXES for suffix in suffixes):
        return True
    return bool(_JS_START_RE.match(text[:2000])) and bool(_JS_END_RE.search(text[-2000:]))


def _unquote(literal: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": " "}.get(m.group(1), m.group(1)),
                  literal)


def source_text(text: str) -> str:
    """The text a page built from this module shows (HTML tags may remain).

    Three shapes: a template literal of HTML rendered with `dangerouslySetInnerHTML` (its
    contents), JSX (the markup between the first and the last tag, with its expressions
    resolved), or an object of strings (each string with words in it, one per line).

    Examples:
        >>> source_text('const p = () => (\\n  <p>Chúng tôi{" "}\\n  bảo mật.</p>\\n);')
        '<p>Chúng tôi \\n  bảo mật.</p>'
        >>> source_text('x: {\\n  title: "Chính sách bảo mật",\\n  id: "a-b",\\n}')
        'Chính sách bảo mật'
    """
    templates = [m.group(1) for m in _TEMPLATE_RE.finditer(text)]
    html = max(templates, key=len, default="")
    if len(html) > 0.3 * len(text) and "<" in html:
        return _unquote(html)
    lines = text.split("\n")
    tagged = [i for i, line in enumerate(lines) if line.strip().startswith("<")
              or line.rstrip().endswith(">")]
    body = "\n".join(lines[tagged[0] : tagged[-1] + 1]) if tagged else ""
    if len(body) > 0.3 * len(text):
        return _resolve_jsx(re.sub(r"</?>", "", body).strip())
    strings = (_unquote(m.group(1) if m.group(1) is not None else m.group(2))
               for m in _STRING_RE.finditer(text))
    return "\n".join(s for s in strings if " " in s.strip() or _NON_ASCII_RE.search(s))


def _resolve_jsx(body: str) -> str:
    """JSX expressions replaced by the text they render: a string literal by its text, any
    other expression (a variable, a call, a `.map`) by nothing; lines left with only code
    are dropped."""

    def expression(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        literal = re.fullmatch(r"\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)'|`([^`]*)`", inner)
        if literal:
            return _unquote(next(g for g in literal.groups() if g is not None))
        return ""

    previous = None
    while previous != body:  # nested expressions resolve from the inside out
        previous, body = body, _EXPRESSION_RE.sub(expression, body)
    kept = [line for line in body.split("\n") if not _CODE_LINE_RE.match(line)]
    return "\n".join(kept)


_MD_HEADING_RE = re.compile(r"^#{1,6}[ \t]+", re.M)
_MD_RULE_RE = re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$", re.M)
_MD_LINK_RE = re.compile(r"!?\[([^\]\n]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*"
                             r"(?![\w*])")
_MD_HARD_BREAK_RE = re.compile(r"[ \t]{2,}$|\\$", re.M)


def looks_like_markdown(text: str, suffixes: tuple[str, ...] = ()) -> bool:
    """Markdown: a `.md` suffix, or `#` headings together with emphasis or links.

    Examples:
        >>> looks_like_markdown("# Chính sách\\n\\n**Email:** a@b.vn\\n## 1. Mục đích")
        True
        >>> looks_like_markdown("1. Mục đích thu thập\\n- họ tên")
        False
    """
    if any(suffix.lower() in (".md", ".markdown") for suffix in suffixes):
        return True
    sample = text[:50_000]
    headings = len(_MD_HEADING_RE.findall(sample))
    return headings >= 2 and bool(_MD_EMPHASIS_RE.search(sample) or _MD_LINK_RE.search(sample))


def markdown_text(text: str) -> str:
    """Markdown as a reader sees it: emphasis and link syntax removed (a link keeps its text,
    and its address when the text does not show it), rules dropped. Heading marks (`##`) stay:
    they are the author's own statement of the structure.

    Examples:
        >>> markdown_text("## Liên hệ\\n**Email:** [hotro@abc.vn](mailto:hotro@abc.vn)  ")
        '## Liên hệ\\nEmail: hotro@abc.vn'
        >>> markdown_text("Xem [trang này](https://abc.vn/cookie).")
        'Xem trang này (https://abc.vn/cookie).'
    """

    def link(match: re.Match[str]) -> str:
        label, target = match.group(1).strip(), match.group(2)
        shown = target.removeprefix("mailto:").removeprefix("tel:")
        if not target or shown in label or not label:
            return label or shown
        return f"{label} ({target})" if not target.startswith(("#", "/")) else label

    text = _MD_RULE_RE.sub("", text)
    text = _MD_LINK_RE.sub(link, text)
    text = _MD_EMPHASIS_RE.sub(lambda m: m.group(2) if m.group(2) is not None else m.group(3),
                               text)
    return _MD_HARD_BREAK_RE.sub("", text)


# What a JSX page leaves in text copied out of its rendered source: `{item.title}`,
# `{new Date().toLocaleDateString('vi-VN')}`, `{privacyPolicy.map((item) => (`. Template
# placeholders (`{{ten_cong_ty}}`, `{ho_ten}`) are not code: the audit reports them.
_RESIDUE_EXPRESSION_RE = re.compile(r"(?<![{\w])\{(?!\{)((?:[^{}\n]|\{[^{}\n]*\})*)\}(?!\})")
_RESIDUE_LINE_RE = re.compile(r"^\s*(?:\{[^\n]*(?:=>|\.map\(|typeof\s)[^\n]*|\)\s*:\s*\(|"
                              r"//[^\n]*|\)\)?\s*\}?\)?;?)\s*$")


def drop_code_residue(text: str) -> str:
    """Text with left-over JSX expressions and code-only lines removed.

    Examples:
        >>> drop_code_residue("Cập nhật: {new Date().toLocaleDateString('vi-VN')}\\n{{ten}}")
        'Cập nhật: \\n{{ten}}'
        >>> drop_code_residue("{items.map((item) => (\\n{item.id}. {item.title}\\nHọ tên")
        'Họ tên'
    """
    if "{" not in text and "//" not in text:
        return text

    def expression(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        is_code = re.fullmatch(r"[A-Za-z_$][\w$]*(?:\.[\w$]+)+", inner) or (
            "(" in inner and not _NON_ASCII_RE.search(inner))
        return "" if is_code else match.group(0)

    kept = []
    for line in text.split("\n"):
        if _RESIDUE_LINE_RE.match(line):
            continue
        resolved = _RESIDUE_EXPRESSION_RE.sub(expression, line)
        if resolved == line or re.search(r"\w", resolved):  # drop what was only code
            kept.append(resolved)
    return "\n".join(kept)
