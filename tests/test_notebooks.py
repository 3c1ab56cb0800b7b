"""The curriculum's notebooks, as stored: what nbval (``make test`` runs it on notebooks/, strict)
does not check by itself.

Each notebook is stored run top to bottom in the "Python 3 (tensorkit)" kernel, with every output;
a cell that shows an error carries ``raises-exception`` (and only such a cell stores one); a widget
is stored as its static picture and text, which nbconvert's HTML shows; PyTorch appears only in
optional cells that run without it; and together the notebooks use every magic and view.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

FOLDER = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("[0-9][0-9]_*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"


def read(path: Path):
    return nbformat.read(path, as_version=4)


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def test_the_curriculum_has_its_eleven_notebooks_in_order():
    assert [path.name[:2] for path in NOTEBOOKS] == [f"{n:02d}" for n in range(11)]
    for path in NOTEBOOKS:
        notebook = read(path)
        nbformat.validate(notebook)
        assert notebook.metadata["kernelspec"]["name"] == "tensorkit", path.name
        assert notebook.cells[0].cell_type == "markdown"
        assert notebook.cells[0].source.startswith("# "), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_each_notebook_is_stored_run_top_to_bottom(path):
    counts = [cell.execution_count for cell in code_cells(read(path))]
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: run it again in order"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_errors_are_shown_only_by_cells_tagged_raises_exception(path):
    for cell in code_cells(read(path)):
        errors = [output for output in cell.outputs if output.output_type == "error"]
        if "raises-exception" in tags(cell):
            assert len(errors) == 1, f"{path.name}: a raises-exception cell that raised nothing"
            assert errors[0].ename and errors[0].evalue  # nbval compares both
        else:
            assert not errors, f"{path.name}: an error outside a raises-exception cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_widgets_are_stored_as_their_static_picture_and_text(path):
    notebook = read(path)
    assert "widgets" not in notebook.metadata
    for cell in code_cells(notebook):
        for output in cell.outputs:
            data = output.get("data", {})
            assert WIDGET not in data, f"{path.name}: a stored reference to a widget model"
            if data:
                assert "text/plain" in data  # every picture has its text twin


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_nbconvert_html_shows_every_stored_picture(path):
    from nbconvert import HTMLExporter

    notebook = read(path)
    pictures = sum(
        "image/svg+xml" in output.get("data", {})
        for cell in code_cells(notebook)
        for output in cell.outputs
    )
    html, _ = HTMLExporter().from_notebook_node(notebook)
    assert len(re.findall(r'<img[^>]*src="data:image/svg\+xml;base64,', html)) == pictures
    assert "Error displaying widget" not in html


def test_pytorch_appears_only_in_optional_cells_that_run_without_it():
    optional = 0
    for path in NOTEBOOKS:
        for cell in code_cells(read(path)):
            if "real_torch" not in cell.source and "import torch" not in cell.source:
                continue
            optional += 1
            assert "import torch as real_torch" in cell.source, path.name
            assert "except ImportError" in cell.source, path.name
            assert "nbval-ignore-output" in tags(cell), path.name  # it prints what it found
    assert optional >= 9  # most notebooks end with one


def test_cells_whose_output_is_not_compared_are_the_few_that_vary_by_machine():
    ignored = {}
    for path in NOTEBOOKS:
        for cell in code_cells(read(path)):
            if "nbval-ignore-output" in tags(cell):
                ignored.setdefault(path.stem, []).append(cell.source)
    for name, sources in ignored.items():
        for source in sources:
            varies = (
                "real_torch" in source  # with or without PyTorch
                or "has_gpu" in source  # with or without a GPU
                or "cuda" in source
            )
            assert varies, f"{name}: an uncompared cell that does not vary: {source[:60]!r}"


def test_together_the_notebooks_use_every_magic_and_view():
    sources = "\n".join(cell.source for path in NOTEBOOKS for cell in code_cells(read(path)))
    for used in (
        "%tensor_graph",
        "%tensor_mem",
        "%tensor_versions",
        "%tensor_copies",
        "%tensor_watch on",  # which shows a VersionTimeline above its panels
        "GraphView(",
        "MemoryView(",
        "check.backward_fails(",
    ):
        assert used in sources, used


def test_the_sanitizer_covers_only_what_varies_between_runs():
    import configparser

    parser = configparser.ConfigParser()
    parser.read(FOLDER / "nbval_sanitize.cfg")
    assert parser.sections() == ["warning locations", "memory addresses", "timings"]
    warning = re.compile(parser["warning locations"]["regex"])
    line = "/tmp/ipykernel_29180/638005153.py:1: UserWarning: The .grad attribute"
    assert warning.sub(parser["warning locations"]["replace"], line) == (
        "<cell>:<line>: UserWarning: The .grad attribute"
    )
    address = re.compile(parser["memory addresses"]["regex"])
    assert address.sub("0x<address>", "<CloneBackward0 object at 0x7ff4acbe66b0>") == (
        "<CloneBackward0 object at 0x<address>>"
    )
    assert not address.search("tensor([0., 1.])")
    timing = re.compile(parser["timings"]["regex"])
    for figure in ("   7.50", "  10.25"):  # one width, whatever the figure
        line = f"small.clone().detach(){figure} µs per call"
        sanitized = timing.sub(parser["timings"]["replace"], line)
        assert sanitized == "small.clone().detach()<time> per call"
