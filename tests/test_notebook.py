"""The example notebook (docs/examples/kantokuen_1941.ipynb) runs top to bottom in a fresh
kernel, from a folder outside the checkout (it names the bundled case), and draws its plots."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).parent.parent / "docs" / "examples" / "kantokuen_1941.ipynb"


def test_the_example_notebook_runs(tmp_path: Path) -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()  # a cell that raises fails here, naming the cell
    outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    printed = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    assert "historical   no-go (verified: True)" in printed
    assert "crash-schedule go, X-Day 1941-" in printed
    plots = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(plots) == 2
