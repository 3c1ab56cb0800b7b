"""Run the curriculum's notebooks top to bottom and store their outputs (for nbval to check).

    .venv/bin/python scripts/run_notebooks.py [notebooks/03_clone.ipynb ...]

Each notebook runs in a fresh kernel of the kind its metadata names ("Python 3 (tensorkit)",
installed by ``make lab``, ``make test`` or ``python -m tensorkit.jupyter install``), in the
notebooks' folder. A cell that raises fails the run unless it carries the ``raises-exception``
tag. The time of each notebook and of all of them is printed (the curriculum's budget: all of
them in under 60 s on a CPU).

A widget's output is stored as its static picture and text only: the live widget needs its
kernel, and an output that names a widget model no kernel has would read "model not found" in
JupyterLab and show nothing in nbconvert's HTML. Stored this way, the outputs read the same in
JupyterLab before the cells run, on GitHub and in an HTML export; running a cell brings its live
widget back. (nbval does not compare the widget's part of an output either.)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

FOLDER = Path(__file__).resolve().parent.parent / "notebooks"
WIDGET = "application/vnd.jupyter.widget-view+json"


def static_outputs(notebook) -> None:
    """Keep each widget output's static picture and text, not the reference to its model."""
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET, None)
    notebook.metadata.pop("widgets", None)


def run(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name=notebook.metadata["kernelspec"]["name"],
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,
        record_timing=False,  # no timestamps in the cells: a run again changes only what changed
    ).execute()
    seconds = time.perf_counter() - started
    static_outputs(notebook)
    nbformat.write(notebook, path)
    return seconds


def main(argv: list[str]) -> int:
    paths = [Path(arg) for arg in argv] or sorted(FOLDER.glob("[0-9]*.ipynb"))
    total = 0.0
    for path in paths:
        seconds = run(path)
        total += seconds
        print(f"{seconds:6.2f} s  {path.name}")
    print(f"{total:6.2f} s  in all ({len(paths)} notebooks)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
