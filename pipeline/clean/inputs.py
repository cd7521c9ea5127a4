"""Which files a run reads, and the `doc_id` each gets."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from ..config import SUPPORTED_SUFFIXES
from ..errors import InputNotFoundError


def discover_inputs(inputs: Iterable[Path]) -> list[Path]:
    """Policy files from files and folders (recursively), in a stable order.

    Raises:
        InputNotFoundError: an input path does not exist.
    """
    found: list[Path] = []
    for item in inputs:
        if not item.exists():
            raise InputNotFoundError(f"{item}: no such file or folder")
        if item.is_dir():
            found.extend(
                p for p in sorted(item.rglob("*"))
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not p.name.upper().startswith("README") and not p.name.startswith(".")
            )
        else:
            found.append(item)
    return found


def shown(text: object) -> str:
    r"""A path, or a message naming one, as text any table can hold: the bytes of a file name
    that are not UTF-8 (which Python keeps as surrogate escapes) written as ``\xNN``.

    Examples:
        >>> shown(os.fsdecode(b"caf\xe9.txt"))
        'caf\\xe9.txt'
    """
    return str(text).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def doc_id_for(path: Path) -> str:
    """The input file name without extension (the dataset's `doc_id`)."""
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
