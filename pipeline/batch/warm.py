"""Imported by the forkserver before it forks workers, so each new worker starts with the
costly imports done: skops (through `persist`, without its estimator scan), scikit-learn,
spaCy and underthesea."""

from ..classify.persist import import_skops

import_skops()
