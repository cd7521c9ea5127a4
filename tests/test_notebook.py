"""The research notebook runs top to bottom on the current code (so it cannot rot)."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from pipeline.config import PROJ_ROOT

NOTEBOOK = PROJ_ROOT / "notebooks" / "1.0-vnpolicy-compare-policies.ipynb"


@pytest.mark.slow
def test_compare_notebook_executes_and_plots():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code"
               for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 5
