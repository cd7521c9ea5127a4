"""Save and load the clause classifier with skops, trusting an explicit list of types only.

skops never unpickles: a file holding any type outside `TRUSTED_TYPES` is refused before
anything is built. On import, skops walks all of scikit-learn (`all_estimators`, ~0.4 s) to
build the list of types it trusts by default; we always pass our own list, so that walk is
replaced by an empty one for the duration of the import (`import_skops`), which makes loading
faster and trusts only our list.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .. import config
from ..config import CLAUSE_LABELS, MODEL_META_PATH, MODEL_PATH
from ..errors import ModelNotFoundError
from ..io import load_arrays, save_arrays

logger = logging.getLogger(__name__)

# Every type a saved model may contain; anything else in the file is refused.
TRUSTED_TYPES = [
    "numpy.dtype", "numpy.ndarray", "numpy.float64", "numpy.int64",
    "numpy.core.multiarray._reconstruct",
    "builtins.dict", "builtins.list", "builtins.tuple", "builtins.slice",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.pipeline.Pipeline",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.preprocessing._encoders.OneHotEncoder",
    "sklearn.preprocessing._function_transformer.FunctionTransformer",  # "passthrough"
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.preprocessing._label.LabelBinarizer",
    "sklearn.multiclass._ConstantPredictor",
    "sklearn.svm._classes.LinearSVC",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.utils._bunch.Bunch",
    "sklearn.utils._metadata_requests.MetadataRequest",
    "sklearn.utils._metadata_requests.MethodMetadataRequest",
    "sklearn.utils._metadata_requests._MetadataRequester",
    "collections.OrderedDict",
    "collections.defaultdict",
]


@lru_cache(maxsize=1)
def import_skops() -> tuple[Any, type[Exception]]:
    """`skops.io` and its untrusted-types exception, imported without the estimator scan."""
    import sklearn.utils

    scan = sklearn.utils.all_estimators
    sklearn.utils.all_estimators = lambda *args, **kwargs: []
    try:
        import skops.io as sio
        from skops.io.exceptions import UntrustedTypesFoundException
    finally:
        sklearn.utils.all_estimators = scan
    return sio, UntrustedTypesFoundException


def _vectorizers(model) -> dict:  # type: ignore[no-untyped-def]
    """The fitted text vectorizers of a pipeline's `features` step, by name (none for the
    rule baseline)."""
    from sklearn.feature_extraction.text import CountVectorizer

    steps = getattr(model, "named_steps", {})
    return {name: transformer
            for name, transformer, _ in getattr(steps.get("features"), "transformers_", [])
            if isinstance(transformer, CountVectorizer)}


def dump_model(model) -> bytes:  # type: ignore[no-untyped-def]
    """skops bytes of `{"model": ..., "vocabularies": {name: terms}}`.

    A vocabulary is saved as one array of terms in column order instead of a dict: skops
    writes a dict of 25,000 terms as 25,000 nodes and takes ~0.35 s to read them back, most
    of the start-up of a one-file run; the array reads in milliseconds. `stop_words_` only
    records pruned terms (scikit-learn documents it as safe to delete) and is dropped.
    """
    sio, _ = import_skops()
    model = copy.deepcopy(model)
    vocabularies = {}
    for name, vectorizer in _vectorizers(model).items():
        terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        vocabularies[name] = np.array(terms, dtype=str)
        del vectorizer.vocabulary_
        vectorizer.stop_words_ = None
    return sio.dumps({"model": model, "vocabularies": vocabularies},
                     compression=zipfile.ZIP_DEFLATED, compresslevel=9)


def load_model(model_path: Path = MODEL_PATH, meta_path: Path = MODEL_META_PATH):  # type: ignore[no-untyped-def]
    """Load the classifier through skops, trusting only `TRUSTED_TYPES`.

    Raises:
        ModelNotFoundError: the file is missing, its sha256 is not the one its metadata
            records (`train` writes both), or it holds a type outside the trusted list (a
            tampered or foreign model).
    """
    data, meta = _checked_bytes(model_path, meta_path)
    return _build(data, model_path), meta


def load_scorer(model_path: Path = MODEL_PATH, meta_path: Path = MODEL_META_PATH
                ) -> tuple[Any, dict]:
    """What scores feature rows (`predict_proba(rows)`), and the model's metadata.

    The committed model's numbers come from the user cache (`linear.LinearScorer` arrays,
    keyed by the sha256 the metadata records and checked against the file), so a run imports
    neither skops nor scikit-learn; the first run builds them from the skops file. A model
    `LinearScorer` does not reproduce is scored by scikit-learn (`SklearnScorer`).

    Raises:
        ModelNotFoundError: as `load_model`.
    """
    from .linear import FORMAT, LinearScorer, UnsupportedModelError, export_arrays
    from .sklearn_scoring import SklearnScorer

    data, meta = _checked_bytes(model_path, meta_path)
    path = Path(config.USER_CACHE_DIR) / f"clause-model-{FORMAT}-{meta['model_sha256'][:24]}.npz"
    stored = load_arrays(path)
    if stored is not None:
        try:
            return LinearScorer(stored), meta
        except (KeyError, ValueError):  # another layout (UnsupportedModelError is one)
            pass
    model = _build(data, model_path)
    try:
        scorer = LinearScorer(export_arrays(model))
    except UnsupportedModelError:
        return SklearnScorer(model), meta
    try:
        save_arrays(path, scorer.arrays())
    except OSError as err:
        logger.info("classifier arrays kept in memory: cannot write %s (%s)", path, err)
    return scorer, meta


def _checked_bytes(model_path: Path, meta_path: Path) -> tuple[bytes, dict]:
    """The model file's bytes and its metadata, once the sha256 and the labels check out."""
    if not model_path.is_file() or not meta_path.is_file():
        raise ModelNotFoundError(
            f"no classifier at {model_path}; run `vnpolicy train` (make train)"
        )
    data = model_path.read_bytes()
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("model_sha256") != hashlib.sha256(data).hexdigest():
        # Trusted types hold any numbers: a model with edited weights passes the type audit.
        raise ModelNotFoundError(
            f"{model_path}: its sha256 is not the one {meta_path.name} records (model_sha256): "
            "the model was changed or replaced; retrain it with `make train`")
    if meta.get("labels") != list(CLAUSE_LABELS):
        raise ModelNotFoundError(f"{meta_path}: label set {meta.get('labels')} is not ours")
    return data, meta


def _build(data: bytes, model_path: Path):  # type: ignore[no-untyped-def]
    """The fitted pipeline of a skops file's bytes."""
    sio, UntrustedTypesFoundException = import_skops()  # noqa: N806 - an exception class
    try:  # one pass: skops audits the file against the list before it builds anything
        saved = sio.loads(data, trusted=TRUSTED_TYPES)
    except UntrustedTypesFoundException as err:
        raise ModelNotFoundError(
            f"{model_path}: refused to load, it contains untrusted types: {err}"
        ) from err
    except Exception as err:  # skops raises many types on a corrupt file
        raise ModelNotFoundError(f"{model_path}: not a readable skops file ({err})") from err
    if not isinstance(saved, dict) or set(saved) != {"model", "vocabularies"}:
        raise ModelNotFoundError(f"{model_path}: not a model saved by `vnpolicy train` "
                                 "(`dump_model`); retrain it with `make train`")
    model = saved["model"]
    vectorizers = _vectorizers(model)
    if set(vectorizers) != set(saved["vocabularies"]):
        raise ModelNotFoundError(f"{model_path}: vocabularies do not match the vectorizers")
    for name, terms in saved["vocabularies"].items():
        vectorizers[name].vocabulary_ = {term: i for i, term in enumerate(terms.tolist())}
    return model
