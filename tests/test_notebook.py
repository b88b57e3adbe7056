"""The classroom notebook runs top to bottom (nbclient, the venv's python3 kernel) at a
small scale and draws the classroom page's charts (Vega-Lite, as PNG pictures)."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import nbformat
import numpy as np
import pytest
from PIL import Image

NOTEBOOK = Path(__file__).resolve().parents[1] / "experiments" / "classroom.ipynb"
TEST_SETTINGS = "SCALE = 0.01\nSEEDS = 2\nBASE_SEED = 20210101\n"
FIGURES = 9  # the page's charts: baseline, innovation x2, supply, 3 twin views, finance x2

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
    assert len(figures) == FIGURES
    for figure in figures:
        picture = Image.open(io.BytesIO(base64.b64decode(figure["data"]["image/png"])))
        width, height = picture.size
        assert width > 500 and height > 250  # a page panel at 1.5x, not a blank chart
        pixels = np.asarray(picture.convert("RGB")).reshape(-1, 3)
        inked = (pixels < 200).any(axis=1).mean()
        assert 0.01 < inked < 0.6  # lines, dots and labels drawn on a white page
        colours = {tuple(p) for p in pixels[:: max(1, len(pixels) // 20_000)]}
        assert len(colours) > 20  # more than axes: coloured lines or areas
    sources = "".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "matplotlib" not in sources and "model.reports.charts" not in sources
    assert "charts.png" in sources and "scenario_differences" in sources
    tables = [o for o in outputs if "text/html" in o.get("data", {})]
    assert len(tables) >= 3  # the fit table and the two scenario summaries
