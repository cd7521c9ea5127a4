"""Which files a run reads, and the `doc_id` each gets."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterable
from pathlib import Path

from ..config import GENERATOR_MARK, SUPPORTED_SUFFIXES, WARC_SUFFIXES
from ..errors import InputNotFoundError

logger = logging.getLogger(__name__)
_BIDI_RE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def discover_inputs(inputs: Iterable[Path], *, follow_symlinks: bool = False,
                    exclude: Iterable[Path] = (),
                    skipped: list[tuple[str, str]] | None = None) -> list[Path]:
    """Policy files from files and folders (recursively), in a stable order.

    A symlink found in a folder is followed only to a file inside one of the given folders
    (`follow_symlinks`: anywhere), so a link to `/etc/hostname` does not end up in the
    dataset; folders in `exclude` (the run's own output and cache) and pages of a report are
    never read back. A file named on the command line is read whatever it is (an unsupported
    type is then that file's error, never skipped in silence). Every other file of a folder
    that is not read goes into `skipped` as (file, why).

    Raises:
        InputNotFoundError: an input path does not exist.
    """
    items = list(inputs)
    roots = [item.resolve() for item in items if item.is_dir()]
    excluded = [folder.resolve() for folder in exclude]
    found: list[Path] = []
    skipped = [] if skipped is None else skipped
    for item in items:
        if not item.exists():
            raise InputNotFoundError(f"{item}: no such file or folder")
        if not item.is_dir():
            found.append(item)
            continue
        for path in sorted(item.rglob("*")):
            if not path.is_file() or _excluded(path, excluded):
                continue
            reason = _skip_reason(path, roots, follow_symlinks)
            if reason:
                skipped.append((shown(path), reason))
            else:
                found.append(path)
    return found


def _within(path: Path, folders: list[Path]) -> bool:
    return any(path == folder or folder in path.parents for folder in folders)


def _excluded(path: Path, excluded: list[Path]) -> bool:
    """A file of the run's own output, interim or cache folders: never an input, not
    reported either (a cache holds thousands of entries)."""
    return _within(path.resolve(), excluded) or _within(path.absolute(), excluded)


def _skip_reason(path: Path, roots: list[Path], follow_symlinks: bool) -> str:
    """Why a file found in a folder is not read ("" when it is an input)."""
    if path.name.startswith("."):
        return "hidden file"
    if path.name.upper().startswith("README"):
        return "a README, not a policy"
    if not is_supported(path):
        return f"not a supported type ({path.suffix or 'no suffix'})"
    real = path.resolve()
    if not follow_symlinks and not _within(real, roots):
        logger.warning("skipping %s: a link to %s, outside the input folders "
                       "(--follow-symlinks reads it)", shown(path), shown(real))
        return f"a link to {shown(real)}, outside the input folders (--follow-symlinks)"
    if path.suffix.lower() in (".html", ".htm") and _is_report_page(path):
        return "a page of a vnpolicy report"
    return ""


def is_supported(path: Path) -> bool:
    """Whether the file's name ends in a suffix we read (`.warc.gz` included)."""
    name = path.name.lower()
    return path.suffix.lower() in SUPPORTED_SUFFIXES or name.endswith(WARC_SUFFIXES)


def _is_report_page(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False  # its error is reported when it is read
    return GENERATOR_MARK.encode() in head


def shown(text: object) -> str:
    r"""A path, or a message naming one, as text any table can hold: the bytes of a file name
    that are not UTF-8 (which Python keeps as surrogate escapes) written as ``\xNN``, and
    bidirectional controls (which make "bang\u202etxt.exe" show as "bangexe.txt") as ``\uNNNN``.

    Examples:
        >>> shown(os.fsdecode(b"caf\xe9.txt"))
        'caf\\xe9.txt'
    """
    shown_text = str(text).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _BIDI_RE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", shown_text)


def doc_id_for(path: Path) -> str:
    """The input file name without extension (the dataset's `doc_id`); for a page of a
    crawl (`crawl.warc.gz#sen.vn-chinh-sach-bao-mat.html`), the name of the page."""
    crawl, sep, page = path.name.partition("#")
    if sep and crawl.lower().endswith(WARC_SUFFIXES):
        return shown(Path(page).stem)
    return shown(path.stem)


def assign_doc_ids(paths: list[Path]) -> dict[Path, str]:
    """`doc_id` = file stem; inputs that share a stem get a short hash of their path."""
    stems: dict[str, int] = {}
    for path in paths:
        stems[doc_id_for(path)] = stems.get(doc_id_for(path), 0) + 1
    ids = {}
    for path in paths:
        stem = doc_id_for(path)
        if stems[stem] > 1:
            stem += "-" + hashlib.sha1(os.fsencode(path.resolve())).hexdigest()[:8]
        ids[path] = stem
    return ids
