"""The classroom notebook runs top to bottom (nbclient, the venv's python3 kernel) at a
small scale and draws its charts."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "experiments" / "classroom.ipynb"
TEST_SETTINGS = "SCALE = 0.01\nSEEDS = 2\nBASE_SEED = 20210101\n"
MIN_FIGURES = 7

pytestmark = pytest.mark.slow


def _parameters_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    cells = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "the notebook needs one code cell tagged 'parameters'"
    return cells[0]


def test_notebook_is_committed_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert notebook.cells.index(_parameters_cell(notebook)) == next(
        i for i, c in enumerate(notebook.cells) if c.cell_type == "code"
    ), "the settings must be the first code cell"


def test_classroom_notebook_runs_and_draws_its_charts(tmp_path: Path) -> None:
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    _parameters_cell(notebook).source = TEST_SETTINGS
    client = NotebookClient(
        notebook, kernel_name="python3", timeout=300, resources={"metadata": {"path": tmp_path}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    figures = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(figures) >= MIN_FIGURES
    tables = [o for o in outputs if "text/html" in o.get("data", {})]
    assert len(tables) >= 3  # the fit table and the two scenario summaries
