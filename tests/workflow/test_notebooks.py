"""The notebooks run top to bottom at smoke size, and are stored without outputs."""

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def test_notebooks_exist_and_are_stripped():
    assert {p.stem for p in NOTEBOOKS} >= {
        "tour",
        "condensation",
        "maturation",
        "attachment",
        "coalescence",
        "stability",
    }
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs, path.name
                assert cell.execution_count is None, path.name


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_at_smoke_size(path, tmp_path, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("AUCLUSTER_NOTEBOOK_SMOKE", "1")
    monkeypatch.setenv("AUCLUSTER_NOTEBOOK_OUT", str(tmp_path))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors
