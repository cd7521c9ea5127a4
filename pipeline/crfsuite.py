"""Read the weights of a CRFsuite model file (`lCRF`/`FOMC`, the format `crfsuite` writes).

Only what inference needs: the label and attribute strings (each a CQDB string table, read
through its id -> record "backward" array) and the features (type 0 = state feature
attribute -> label, type 1 = transition label -> label, each with a float64 weight). The layout
is CRFsuite's `crf1dmodel.c`: a 48-byte header, a `FEAT` chunk of 20-byte records, two `CQDB`
chunks. Reading it needs no CRFsuite binding.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

_HEADER = struct.Struct("<4sI4sIIIIIIIII")
_CHUNK = struct.Struct("<4sII")
_CQDB_HEADER = struct.Struct("<4sIIIII")
_FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])


class CRFsuiteFormatError(ValueError):
    """The bytes are not a CRFsuite first-order CRF model this reader understands."""


@dataclass(frozen=True)
class CRFsuiteModel:
    """Labels, attributes and weights of a first-order CRF.

    `state[a, y]` is the weight of attribute `a` for label `y` (0 where the model has no such
    feature); `transition[y1, y2]` the weight of label `y1` followed by `y2`.
    """

    labels: tuple[str, ...]
    attributes: tuple[str, ...]
    state: np.ndarray
    transition: np.ndarray


def read_crfsuite(data: bytes) -> CRFsuiteModel:
    """Parse a CRFsuite model file's bytes.

    Raises:
        CRFsuiteFormatError: wrong magic, model type, or offsets outside the file.
    """
    if len(data) < _HEADER.size:
        raise CRFsuiteFormatError("shorter than a CRFsuite header")
    (magic, _size, model_type, _version, _n_features, n_labels, n_attrs, off_features,
     off_labels, off_attrs, _off_labelrefs, _off_attrrefs) = _HEADER.unpack_from(data, 0)
    if magic != b"lCRF" or model_type != b"FOMC":
        raise CRFsuiteFormatError(f"not a CRFsuite CRF1d model: {magic!r} {model_type!r}")
    features = _features(data, off_features)
    labels = _strings(data, off_labels, n_labels)
    attributes = _strings(data, off_attrs, n_attrs)
    state = np.zeros((n_attrs, n_labels))
    transition = np.zeros((n_labels, n_labels))
    for kind, table, rows in ((0, state, n_attrs), (1, transition, n_labels)):
        chosen = features[features["type"] == kind]
        if chosen.size and (chosen["src"].max() >= rows or chosen["dst"].max() >= n_labels):
            raise CRFsuiteFormatError(f"a type-{kind} feature points past its table")
        np.add.at(table, (chosen["src"], chosen["dst"]), chosen["weight"])
    if np.isin(features["type"], (0, 1), invert=True).any():
        raise CRFsuiteFormatError("a feature of unknown type")
    return CRFsuiteModel(labels, attributes, state, transition)


def _features(data: bytes, offset: int) -> np.ndarray:
    magic, _size, count = _unpack(_CHUNK, data, offset)
    if magic != b"FEAT":
        raise CRFsuiteFormatError(f"no FEAT chunk at {offset}")
    start = offset + _CHUNK.size
    if start + count * _FEATURE.itemsize > len(data):
        raise CRFsuiteFormatError("the FEAT chunk runs past the end of the file")
    return np.frombuffer(data, dtype=_FEATURE, count=count, offset=start)


def _strings(data: bytes, base: int, count: int) -> tuple[str, ...]:
    """Strings 0..count-1 of the CQDB at `base`, from its backward (id -> record) array."""
    magic, _size, _flag, _order, bwd_size, bwd_offset = _unpack(_CQDB_HEADER, data, base)
    if magic != b"CQDB" or bwd_size < count:
        raise CRFsuiteFormatError(f"no CQDB string table of {count} entries at {base}")
    offsets = np.frombuffer(data, dtype="<u4", count=count, offset=base + bwd_offset)
    strings = []
    for ident, offset in enumerate(offsets.tolist()):
        stored, size = _unpack(struct.Struct("<II"), data, base + offset)
        key = data[base + offset + 8 : base + offset + 8 + size]
        if stored != ident or len(key) != size or not key.endswith(b"\0"):
            raise CRFsuiteFormatError(f"CQDB record {ident} at {base + offset} is damaged")
        strings.append(key[:-1].decode("utf-8"))
    return tuple(strings)


def _unpack(layout: struct.Struct, data: bytes, offset: int) -> tuple:
    if offset < 0 or offset + layout.size > len(data):
        raise CRFsuiteFormatError(f"offset {offset} is outside the file")
    return layout.unpack_from(data, offset)
