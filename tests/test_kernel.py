"""The "Python 3 (tensorkit)" kernel: installed with ``python -m tensorkit.jupyter install``, started
for real (jupyter_client through nbclient), running a notebook that uses every magic; two runs
give identical outputs, so nbval can check stored ones."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

WIDGET = "application/vnd.jupyter.widget-view+json"

CELLS = [
    "import tensorkit as torch\nx = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()",
    "%tensor_graph y",
    "%tensor_graph y --saved --format text",
    "%tensor_mem",
    "%tensor_versions",
    "%tensor_copies y",
    "%tensor_watch on",
    "d = x.detach()",
    "%tensor_watch off",
]


@pytest.fixture(scope="module")
def kernel_path(tmp_path_factory):
    prefix = tmp_path_factory.mktemp("prefix")
    done = subprocess.run(
        [sys.executable, "-m", "tensorkit.jupyter", "install", "--prefix", str(prefix)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "installed the kernel spec 'tensorkit'" in done.stdout
    return prefix / "share" / "jupyter"


def test_the_kernel_spec_loads_the_extension(kernel_path):
    spec = json.loads((kernel_path / "kernels" / "tensorkit" / "kernel.json").read_text())
    assert spec["display_name"] == "Python 3 (tensorkit)"
    assert spec["argv"][0] == sys.executable and "--ext=tensorkit" in spec["argv"]


def _run_notebook(kernel_path) -> list:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    previous = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(kernel_path)
    try:
        NotebookClient(notebook, kernel_name="tensorkit", timeout=120).execute()
    finally:
        if previous is None:
            del os.environ["JUPYTER_PATH"]
        else:
            os.environ["JUPYTER_PATH"] = previous
    return [[_comparable(output) for output in cell.outputs] for cell in notebook.cells]


def _comparable(output) -> dict:
    """An output as nbval compares it: a widget's model id is random, so only its presence is
    kept (its text twin is compared)."""
    kept = {key: output.get(key) for key in ("output_type", "data", "text", "name")}
    data = dict(kept["data"] or {})
    if data.pop(WIDGET, None) is not None:
        data[WIDGET] = "a widget view"
    kept["data"] = data or None
    return kept


def test_a_notebook_using_every_magic_runs_the_same_twice(kernel_path):
    first = _run_notebook(kernel_path)
    second = _run_notebook(kernel_path)
    assert first == second
    graph = first[1][0]["data"]
    assert graph["text/plain"].splitlines()[0] == "y: [] float32, grad_fn SumBackward0#1"
    assert graph["image/svg+xml"].startswith("<svg")
    assert "saved self_sym_sizes=(3,)" in first[2][0]["data"]["text/plain"]
    memory = first[3][0]["data"]  # in a kernel: the live MemoryView, with its text twin
    assert memory["text/plain"].startswith("buffer#1: 12 bytes on cpu") and WIDGET in memory
    timeline = first[6][0]["data"]  # %tensor_watch on: the VersionTimeline of x and y
    assert timeline["text/plain"] == "x: 0\ny: 0" and WIDGET in timeline
    assert first[4][0]["data"]["text/plain"].splitlines()[0] == "x  version 0"
    assert first[5][0]["data"]["text/plain"].startswith("copy ")
    watch = [output for output in first[7] if output["output_type"] == "display_data"]
    assert watch[0]["data"]["text/plain"] == (
        "tensor_watch:\n  d: new\n  x: now shares memory with d\n"
        "  x: now shares a version counter with d"
    )
    assert WIDGET in watch[0]["data"]  # the panel is a MemoryView of d and x
