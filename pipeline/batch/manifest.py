"""What a dataset folder was made from, so that a run with nothing changed does nothing.

`MANIFEST` beside the tables holds a hash of the inputs (names, ids, bytes), the code version
and the format, and each table's size, modification time and sha256 as that run wrote them:
tables from two runs (a mixed set) or edited in place never pass for that run's.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

from ..config import RUN_MANIFEST as MANIFEST
from ..io import atomic_write, file_sha256
from ..records import StageReport

logger = logging.getLogger(__name__)


def input_signature(inputs: Sequence[tuple[str, str, str, str]], version: str, fmt: str) -> str:
    """A hash of what a dataset is made from: the files as (doc_id, path, cache key of the
    bytes, read error), the code version (which covers the parameters and the model) and the
    format."""
    digest = hashlib.sha256(f"{version}\0{fmt}\n".encode())
    for doc_id, path, key, error in inputs:
        digest.update(f"{doc_id}\0{path}\0{key}\0{error}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def up_to_date(out: Path, signature: str) -> dict | None:
    """The manifest of `out` if its tables were made from exactly `signature` and are still
    the bytes that run wrote (size and modification time first, as `make` checks, then the
    sha256 of each), else None."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        if manifest["signature"] != signature:
            return None
        for name, (size, mtime_ns, _) in manifest["outputs"].items():
            stat = (out / name).stat()
            if (stat.st_size, stat.st_mtime_ns) != (size, mtime_ns):
                return None
        for name, (_, _, sha256) in manifest["outputs"].items():
            if file_sha256(out / name) != sha256:
                return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return manifest


def write_manifest(out: Path, signature: str, report: StageReport, digests: dict[str, str],
                   complete: bool) -> None:
    """Record what the tables were made from (`digests`: their sha256 by file name, as
    written); only a run whose every document succeeded and was cached counts as complete (a
    failed file is retried next time)."""
    path = out / MANIFEST
    try:
        if not complete:
            path.unlink(missing_ok=True)
            return
        outputs = {p.name: [p.stat().st_size, p.stat().st_mtime_ns, digests[p.name]]
                   for p in report.outputs}
        manifest = {"signature": signature, "n_out": report.n_out, "outputs": outputs}
        atomic_write(path, lambda tmp: tmp.write_text(json.dumps(manifest), encoding="utf-8"))
    except OSError as err:  # the tables are written; only the next run's shortcut is lost
        logger.warning("could not record %s (%s): the next run will write the tables again",
                       path, err)
