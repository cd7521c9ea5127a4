"""Stage 1: a policy file of any format and encoding becomes a `Document` of clean text.

`decode` reads the bytes (encodings, legacy fonts, HTML, PDF, DOCX, web sources), `text`
normalises what a reader sees into the text every offset of the dataset points into.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..config import CleanParams
from ..records import Document
from .decode import check_size, decode_document
from .inputs import doc_id_for
from .text import clean_text

__all__ = ["clean_bytes", "clean_file", "clean_text"]


def clean_file(path: Path, params: CleanParams = CleanParams(), doc_id: str | None = None
               ) -> Document:
    """Read and clean one file.

    Raises:
        InputError: the file is empty, too large or cannot be decoded.
    """
    check_size(path.stat().st_size, path, params)
    return clean_bytes(path.read_bytes(), path, params, doc_id)


def clean_bytes(data: bytes, path: Path, params: CleanParams = CleanParams(),
                doc_id: str | None = None) -> Document:
    """Clean the bytes of one file read elsewhere: a batch worker gets bytes, not a path.

    Raises:
        InputError: the bytes cannot be decoded (see `decode.decode_document`).
    """
    return Document(
        doc_id=doc_id or doc_id_for(path),
        source_path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        text=clean_text(decode_document(data, path, params)),
    )
