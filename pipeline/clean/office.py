"""The text of a DOCX file, read straight from its XML in one streaming pass.

python-docx builds an object per paragraph and per grid cell (a 36 KB file whose cell spans a
million columns, or a 290 KB file of a million paragraphs, ran for minutes), raises outside
its reader on some malformed XML (a `w:pStyle` without `w:val`), and keeps only the text before
an entity reference in a `w:t`. Here each body paragraph or table is read when its end tag is
parsed and then freed, a cell counts once however many columns it spans, entities are never
expanded (no billion laughs, no external entities), and every byte inflated out of the zip
counts against a limit.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..errors import InputError, LimitExceeded

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                    "officeDocument")
# Run children that stand for text, as python-docx reads them.
_RUN_TEXT = {f"{W}tab": "\t", f"{W}ptab": "\t", f"{W}cr": "\n", f"{W}noBreakHyphen": "-"}


class _Budget(io.RawIOBase):
    """A zip member that raises `LimitExceeded` once more than `limit` bytes came out of all
    members read through the same budget."""

    def __init__(self, member: IO[bytes], budget: list[int], path: Path) -> None:
        self.member, self.budget, self.path = member, budget, path

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        data = self.member.read(len(buffer))
        self.budget[0] -= len(data)
        if self.budget[0] < 0:
            raise LimitExceeded(f"{self.path}: DOCX content inflates past the limit "
                                f"(--max-inflated-bytes)")
        buffer[: len(data)] = data
        return len(data)


def read_docx(data: bytes, path: Path, max_inflated: int, max_chars: int) -> str:
    """Paragraphs (list styles as "- " bullets) and table rows ("a | b") in reading order.

    Raises:
        InputError: not a zip, no main document, malformed XML, or a limit exceeded.
    """
    budget = [max_inflated]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            main = _main_part(package, path, budget)
            lists = _list_styles(package, posixpath.dirname(main), path, budget)
            lines, size = [], 0
            for line in _body_lines(_member(package, main, path, budget), lists):
                size += len(line) + 1
                if size > max_chars:
                    raise LimitExceeded(f"{path}: DOCX text longer than {max_chars} "
                                        "characters (--max-chars)")
                lines.append(line)
    except InputError:
        raise
    except Exception as err:  # noqa: BLE001 - zip, XML and package errors of a damaged file
        raise InputError(f"{path}: unreadable DOCX ({type(err).__name__}: {err})") from err
    return "\n".join(lines)


def _member(package: zipfile.ZipFile, name: str, path: Path, budget: list[int]) -> IO[bytes]:
    try:
        member = package.open(name)
    except KeyError as err:
        raise InputError(f"{path}: unreadable DOCX (no part {name})") from err
    return io.BufferedReader(_Budget(member, budget, path))


def _parse(source: IO[bytes], tags: tuple[str, ...]) -> Iterator:  # type: ignore[type-arg]
    from lxml import etree

    return etree.iterparse(source, events=("end",), tag=tags, resolve_entities=False,
                           load_dtd=False, no_network=True, huge_tree=False)


def _main_part(package: zipfile.ZipFile, path: Path, budget: list[int]) -> str:
    """The main document part the package relationships name (`word/document.xml`)."""
    if "_rels/.rels" in package.namelist():
        for _, rel in _parse(_member(package, "_rels/.rels", path, budget),
                             (f"{_RELS}Relationship",)):
            if rel.get("Type") == _OFFICE_DOCUMENT and rel.get("Target"):
                return rel.get("Target").lstrip("/")
    return "word/document.xml"


def _list_styles(package: zipfile.ZipFile, folder: str, path: Path, budget: list[int]
                 ) -> frozenset[str]:
    """Ids of paragraph styles whose name says "list" ("List Paragraph", "List Bullet")."""
    name = posixpath.join(folder, "styles.xml")
    if name not in package.namelist():
        return frozenset()
    found = set()
    for _, style in _parse(_member(package, name, path, budget), (f"{W}style",)):
        style_name = style.find(f"{W}name")
        if style_name is not None and "list" in (style_name.get(f"{W}val") or "").lower():
            found.add(style.get(f"{W}styleId") or "")
        style.clear()
    return frozenset(found)


def _body_lines(source: IO[bytes], lists: frozenset[str]) -> Iterator[str]:
    """Lines of the body's own paragraphs and tables, each freed once read."""
    for _, element in _parse(source, (f"{W}p", f"{W}tbl")):
        parent = element.getparent()
        if parent is None or parent.tag != f"{W}body":
            continue  # inside a table or a text box: read with its block
        if element.tag == f"{W}p":
            yield ("- " if _style_of(element) in lists else "") + paragraph_text(element)
        else:
            for row in element.iterchildren(f"{W}tr"):
                yield " | ".join(_cell_text(cell) for cell in row.iterchildren(f"{W}tc"))
        element.clear()
        while element.getprevious() is not None:  # the body keeps no finished blocks
            del parent[0]


def _style_of(paragraph) -> str:  # type: ignore[no-untyped-def]
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    return (style.get(f"{W}val") or "") if style is not None else ""


def _cell_text(cell) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(paragraph_text(p) for p in cell.iterchildren(f"{W}p"))


def paragraph_text(paragraph) -> str:  # type: ignore[no-untyped-def]
    """The text of a `w:p`: its runs and hyperlinks' runs, tabs and breaks as python-docx
    reads them, and the text on both sides of an entity reference (never expanded)."""
    parts = []
    for run in paragraph.iterchildren(f"{W}r", f"{W}hyperlink"):
        for item in (run.iterchildren(f"{W}r") if run.tag == f"{W}hyperlink" else (run,)):
            parts.extend(_run_text(item))
    return "".join(parts)


def _run_text(run) -> Iterator[str]:  # type: ignore[no-untyped-def]
    for child in run.iterchildren():
        if child.tag == f"{W}t":
            yield child.text or ""
            yield from (entity.tail or "" for entity in child)  # text after an entity
        elif child.tag == f"{W}br":
            yield "\n" if child.get(f"{W}type", "textWrapping") == "textWrapping" else ""
        elif child.tag in _RUN_TEXT:
            yield _RUN_TEXT[child.tag]
