"""The research notebook runs top to bottom on the current code (so it cannot rot)."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from pipeline.config import PROJ_ROOT, RAW_DIR

NOTEBOOK = PROJ_ROOT / "notebooks" / "1.0-vnpolicy-compare-policies.ipynb"


@pytest.mark.slow
def test_compare_notebook_executes_and_plots(good_dir, tmp_path, monkeypatch):
    from pipeline.batch import run_pipeline

    run_pipeline([RAW_DIR, good_dir], tmp_path / "dataset", show_progress=False)
    monkeypatch.setenv("VNPOLICY_DATASET", str(tmp_path / "dataset"))  # the parameter
    monkeypatch.setenv("PYTHONPATH", str(PROJ_ROOT))  # the kernel runs this checkout
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert "parameters" in notebook.cells[2].metadata.get("tags", [])
    assert not any("run_pipeline" in cell.source for cell in notebook.cells)
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code"
               for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 5
    assert f"policies from {tmp_path / 'dataset'}" in str(outputs)
