"""The package carries what a run reads: an installed wheel has no checkout beside it."""

from __future__ import annotations

from fnmatch import fnmatch

import pytest

from pipeline.config import MODEL_PATH, MODELS_DIR, PACKAGE_DIR, PACKAGED_MODELS_DIR, PROJ_ROOT

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

pytestmark = pytest.mark.skipif(not (PROJ_ROOT / "pyproject.toml").is_file(),
                                reason="needs the checkout (pyproject.toml, models/)")


def test_runs_load_the_packaged_model():
    assert MODEL_PATH.parent == PACKAGED_MODELS_DIR
    assert PACKAGED_MODELS_DIR.parent == PACKAGE_DIR


def test_packaged_models_equal_the_committed_ones():
    committed = sorted(p.name for p in MODELS_DIR.iterdir() if p.suffix in (".skops", ".json"))
    assert committed, "models/ holds no model"
    for name in committed:
        copy = PACKAGED_MODELS_DIR / name
        assert copy.is_file(), f"pipeline/models/{name} is missing: run `make models`"
        assert copy.read_bytes() == (MODELS_DIR / name).read_bytes(), \
            f"pipeline/models/{name} differs from models/{name}: run `make models`"


def _package_data() -> dict[str, list[str]]:
    config = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["setuptools"]["package-data"]


def test_every_data_file_of_the_package_ships_in_the_wheel():
    shipped = [(package.replace(".", "/"), pattern)
               for package, patterns in _package_data().items() for pattern in patterns]
    data = [p.relative_to(PACKAGE_DIR.parent).as_posix() for p in PACKAGE_DIR.rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    assert data
    missing = [path for path in data
               if not any(fnmatch(path, f"{folder}/{pattern}") for folder, pattern in shipped)]
    assert not missing, f"add to [tool.setuptools.package-data]: {missing}"
