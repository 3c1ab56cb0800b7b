"""The Jupyter layer's magics, in a real IPython shell (``%load_ext tensorkit``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from _tools import skip_missing_tool
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

MAGICS = ("tensor_graph", "tensor_mem", "tensor_versions")
WIDGET = "application/vnd.jupyter.widget-view+json"


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "tensorkit")
    shell.run_cell("import tensorkit as torch")
    yield shell
    shell.run_line_magic("unload_ext", "tensorkit")
    shell.reset(new_session=False)


def run(shell, source: str) -> None:
    result = shell.run_cell(source)
    result.raise_error()


def test_load_registers_the_magics_and_unload_removes_them(shell):
    line_magics = shell.magics_manager.magics["line"]
    assert all(name in line_magics for name in MAGICS)
    shell.run_line_magic("load_ext", "tensorkit")  # a second load changes nothing
    shell.run_line_magic("unload_ext", "tensorkit")
    assert not any(name in line_magics for name in MAGICS)
    assert "TensorMagics" not in shell.magics_manager.registry
    shell.run_line_magic("load_ext", "tensorkit")  # and it loads again
    assert all(name in line_magics for name in MAGICS)


def test_tensor_graph_gives_svg_with_a_text_twin(shell):
    run(shell, "x = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()")
    picture = shell.run_line_magic("tensor_graph", "y")
    assert repr(picture).splitlines() == [
        "y: [] float32, grad_fn SumBackward0#1",
        "SumBackward0#1",
        "└─ MulBackward0#1",
        "└─ AccumulateGrad#1  leaf [3] float32, version 0, grad none",
    ]
    ET.fromstring(picture._repr_svg_())
    again = shell.run_line_magic("tensor_graph", "y")
    assert again._repr_svg_() == picture._repr_svg_()  # the same bytes: nbval can store it
    saved = shell.run_line_magic("tensor_graph", "y --saved --format text")
    assert saved._repr_svg_() is None
    assert "saved other: [] int64, version 0, self: none" in repr(saved)
    expression = shell.run_line_magic("tensor_graph", '"(x * x).mean()" --depth 0')
    assert repr(expression).splitlines()[-1] == (
        "(graph cut at depth 0: nodes beyond are not shown)"
    )


def test_tensor_graph_folds_and_caps(shell):
    run(shell, "x = torch.ones(2, requires_grad=True)\nz = x\nfor _ in range(40): z = z * 2 + 1")
    folded = repr(shell.run_line_magic("tensor_graph", "z --fold --format text"))
    assert "fold#1  (AddBackward0 → MulBackward0) ×40, 80 nodes folded" in folded
    capped = repr(shell.run_line_magic("tensor_graph", "z --max-nodes 10 --format text"))
    assert capped.splitlines()[-1] == "(graph capped at 10 nodes: nodes beyond are not shown)"


def test_bad_arguments_raise_real_exceptions(shell):
    run(shell, "x = torch.ones(2, requires_grad=True)\nn = 3")
    with pytest.raises(NameError, match="name 'nope' is not defined"):
        shell.run_line_magic("tensor_graph", "nope")
    with pytest.raises(TypeError, match="graph\\(\\) takes tensors, but argument 0 is a int"):
        shell.run_line_magic("tensor_graph", "n")
    with pytest.raises(UsageError, match="--depth must be 0 or more"):
        shell.run_line_magic("tensor_graph", "x --depth -1")
    with pytest.raises(UsageError, match="invalid choice: 'png'"):
        shell.run_line_magic("tensor_graph", "x --format png")
    with pytest.raises(NameError, match="name 'missing' is not defined"):
        shell.run_line_magic("tensor_mem", "x missing")


def test_tensor_mem_and_versions_read_the_namespace(shell):
    run(shell, "x = torch.arange(4.0)\nv = x[1:]\nd = x.detach()\nc = x.clone()\nn = 5")
    run(shell, "x.add_(1)")
    memory = repr(shell.run_line_magic("tensor_mem", ""))
    assert memory.splitlines()[:4] == [
        "buffer#1: 16 bytes on cpu",
        "  x  [4] float32, offset 0, strides (1,), version 1 (counter#1)",
        "  v  [3] float32, offset 4, strides (1,), version 1 (counter#1)",
        "  d  [4] float32, offset 0, strides (1,), version 1 (counter#1)",
    ]
    named = repr(shell.run_line_magic("tensor_mem", "c"))
    assert named.splitlines() == [
        "buffer#1: 16 bytes on cpu",
        "  c  [4] float32, offset 0, strides (1,), version 0 (counter#1)",
    ]
    versions = repr(shell.run_line_magic("tensor_versions", ""))
    assert versions.splitlines() == [
        "x  version 1, shares its counter with v, d",
        "v  version 1, shares its counter with x, d",
        "d  version 1, shares its counter with x, v",
        "c  version 0",
    ]


COPIES_OF_A_RESULT = [
    (
        "copy                shares memory  shares version counter  grad_fn         is_leaf  "
        "requires_grad  copy.add_(1): y changes?  then backward()"
    ),
    (
        "------------------  -------------  ----------------------  --------------  -------  "
        "-------------  ------------------------  ---------------"
    ),
    (
        "y.clone()           no             no                      CloneBackward0  False    True"
        "           no                        runs"
    ),
    (
        "y.detach()          yes            yes                     None            True     False"
        "          yes                       error [1]"
    ),
    (
        "y.detach().clone()  no             no                      None            True     False"
        "          no                        runs"
    ),
    (
        "y.clone().detach()  no             no                      None            True     False"
        "          no                        runs"
    ),
    (
        "y.data              yes            no                      None            True     False"
        "          yes                       runs"
    ),
    "copy.deepcopy(y)    error [2]",
    "",
    (
        "[1] RuntimeError: one of the variables needed for gradient computation has been modified "
        "by an inplace operation: [tensorkit.FloatTensor [3]], which is output 0 of Mul, is at "
        "version 1; expected version 0 instead"
    ),
    (
        "[2] RuntimeError: Only Tensors created explicitly by the user (graph leaves) support the "
        "deepcopy protocol at the moment"
    ),
]


def test_tensor_copies_tabulates_the_six_copies_without_touching_y(shell):
    run(shell, "x = torch.ones(3, requires_grad=True)\ny = x * 2")
    table = repr(shell.run_line_magic("tensor_copies", "y"))
    assert table.splitlines() == COPIES_OF_A_RESULT
    assert shell.ev("y._version") == 0 and shell.ev("y.tolist()") == [2.0, 2.0, 2.0]
    leaf = repr(shell.run_line_magic("tensor_copies", "x")).splitlines()
    assert leaf[-2] == (
        "[1] RuntimeError: one of the variables needed for gradient computation has been "
        "modified by an inplace operation: [tensorkit.FloatTensor [3]] is at version 1; "
        "expected version 0 instead"
    )
    assert leaf[-1] == (
        "[2] RuntimeError: a leaf Variable that requires grad is being used in an in-place "
        "operation."
    )
    with pytest.raises(TypeError, match="%tensor_copies takes a tensor, not a int"):
        shell.run_line_magic("tensor_copies", "3")


def test_tensor_copies_of_a_pytorch_tensor_reads_the_same():
    from tensorkit.jupyter import copies

    try:
        import torch
    except ImportError:
        skip_missing_tool("torch", "the table of PyTorch's own tensors is compared")
    table = copies.table(torch.ones(3, requires_grad=True) * 2)
    assert table.replace("torch.", "tensorkit.").splitlines() == COPIES_OF_A_RESULT


def _watched(shell, cells):
    """Run ``cells`` with the watcher on; the panels it showed, one per cell (None: nothing)."""
    shown = []
    watcher = shell._tensorkit_magics.watcher
    panels = []
    watcher.show = lambda picture: shown.append(repr(picture))
    for source in cells:
        run(shell, source)
        panels.append(shown.pop() if shown else None)
    return panels


def test_tensor_watch_shows_what_each_cell_changed(shell):
    shell.run_line_magic("tensor_watch", "on")
    panels = _watched(
        shell,
        [
            "x = torch.ones(3, requires_grad=True)\nh = x * 2\nloss = (h * h).sum()",
            "d = h.detach()",
            "d.add_(1)",
            "n = 1",
            "del d",
            "x.sum().backward()",
            "x.sum().backward()",
            "x.grad = None",
        ],
    )
    assert panels[0] == "tensor_watch:\n  x: new\n  h: new\n  loss: new"
    assert panels[1] == (
        "tensor_watch:\n  d: new\n  h: now shares memory with d\n"
        "  h: now shares a version counter with d"
    )
    assert panels[2].splitlines() == [
        "tensor_watch:",
        "  h: version 0 → 1",
        "  d: version 0 → 1",
        (
            "  loss.backward() will now fail: one of the variables needed for gradient computation "
            "has been modified by an inplace operation: [tensorkit.FloatTensor [3]], which is "
            "output 0 of Mul, is at version 1; expected version 0 instead."
        ),
    ]
    assert panels[3] is None  # a cell that changed no tensor shows nothing
    assert panels[4] == "tensor_watch:\n  d: gone"
    assert panels[5:] == [
        "tensor_watch:\n  x.grad: set (size 1.732)",
        "tensor_watch:\n  x.grad: changed (size 1.732 → 3.464)",
        "tensor_watch:\n  x.grad: cleared",
    ]
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        shell.ev("loss.backward()")  # the panel said so


def test_tensor_watch_of_named_tensors_and_switching_off(shell):
    run(shell, "a = torch.zeros(2)\nb = torch.zeros(2)")
    shell.run_line_magic("tensor_watch", "on a")
    panels = _watched(shell, ["a.add_(1)\nb.add_(1)"])
    assert panels == ["tensor_watch:\n  a: version 0 → 1"]
    callbacks = shell.events.callbacks
    handlers = len(callbacks["pre_run_cell"]), len(callbacks["post_run_cell"])
    shell.run_line_magic("tensor_watch", "off")
    assert shell._tensorkit_magics.watcher is None
    assert (len(callbacks["pre_run_cell"]), len(callbacks["post_run_cell"])) == (
        handlers[0] - 1,
        handlers[1] - 1,
    )
    with pytest.raises(UsageError, match="takes no names"):
        shell.run_line_magic("tensor_watch", "off a")
    shell.run_line_magic("tensor_watch", "on")
    shell.run_line_magic("unload_ext", "tensorkit")  # unloading stops the watcher too
    assert (len(callbacks["pre_run_cell"]), len(callbacks["post_run_cell"])) == (
        handlers[0] - 1,
        handlers[1] - 1,
    )
    shell.run_line_magic("load_ext", "tensorkit")


def test_tensor_mem_draws_tensorkit_s_svg_or_with_plot_matplotlib_s(shell):
    from tensorkit import inspect, render

    run(shell, "x = torch.arange(6.0).reshape(2, 3)\nxt = x.t()")
    plain = shell.run_line_magic("tensor_mem", "x xt")
    snapshot = inspect.memory(x=shell.user_ns["x"], xt=shell.user_ns["xt"])
    assert plain._repr_svg_() == render.memory_svg(snapshot)
    plotted = shell.run_line_magic("tensor_mem", "x xt --plot")
    assert repr(plotted) == repr(plain)
    svg = plotted._repr_svg_()
    ET.fromstring(svg)
    assert "matplotlib" in svg and svg != plain._repr_svg_()
    assert svg == shell.run_line_magic("tensor_mem", "x xt --plot")._repr_svg_()


def test_tensor_graph_widget_format_gives_the_live_view_with_the_same_picture(shell):
    from tensorkit.widgets import GraphView

    run(shell, "x = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()")
    widget = shell.run_line_magic("tensor_graph", "y --format widget --saved")
    static = shell.run_line_magic("tensor_graph", "y --saved")
    assert isinstance(widget, GraphView)
    data, _ = widget._repr_mimebundle_()
    assert data["image/svg+xml"] == static._repr_svg_()
    assert data["text/plain"] == repr(static)
    widget.close()


@pytest.fixture
def kernel_shell(shell, monkeypatch):
    """The shell as in a notebook: one with a kernel, whose front end draws widgets."""
    monkeypatch.setattr(shell, "kernel", object(), raising=False)
    return shell


def test_tensor_mem_in_a_notebook_gives_the_memory_view_of_the_same_names(kernel_shell):
    from tensorkit.widgets import MemoryView

    shell = kernel_shell
    run(shell, "x = torch.arange(4.0)\nv = x[1:]\nn = 2")
    view = shell.run_line_magic("tensor_mem", "")
    assert isinstance(view, MemoryView)
    static = shell.run_line_magic("tensor_mem", "--static")
    assert view.text == repr(static) and not isinstance(static, MemoryView)
    named = shell.run_line_magic("tensor_mem", "v")
    assert [w["name"] for b in named.buffers for w in b["windows"]] == ["v"]
    assert not isinstance(shell.run_line_magic("tensor_mem", "--plot"), MemoryView)
    run(shell, "x.add_(1)")  # the views follow the cells and mark what each one changed
    assert view.changes == ["x: version 0 → 1", "v: version 0 → 1"]
    assert named.changes == ["v: version 0 → 1"]
    view.close()
    named.close()


def test_tensor_mem_in_a_terminal_gives_the_text(shell):
    run(shell, "x = torch.arange(4.0)")
    assert repr(shell.run_line_magic("tensor_mem", "")).startswith("buffer#1: 16 bytes on cpu")
    assert type(shell.run_line_magic("tensor_mem", "")).__name__ == "Picture"


def test_tensor_watch_in_a_notebook_shows_memory_views_and_a_version_timeline(kernel_shell):
    from tensorkit.widgets import MemoryView, VersionTimeline

    from tensorkit.jupyter.watch import Panel

    shell = kernel_shell
    run(shell, "x = torch.ones(3, requires_grad=True)\nh = x * 2\nloss = (h * h).sum()\nn = 1")
    timeline = shell.run_line_magic("tensor_watch", "on")
    assert isinstance(timeline, VersionTimeline) and list(timeline.series) == ["x", "h", "loss"]
    shown = []
    shell._tensorkit_magics.watcher.show = shown.append
    run(shell, "d = h.detach()")
    run(shell, "d.add_(1)\ndel d")
    run(shell, "n = 2")
    first, second = shown  # a cell that changed no tensor shows nothing
    assert isinstance(first, Panel) and isinstance(first.view, MemoryView)
    assert repr(first) == (
        "tensor_watch:\n  d: new\n  h: now shares memory with d\n"
        "  h: now shares a version counter with d"
    )
    assert first.view.changed_names == ["d", "h"]
    data, _ = first._repr_mimebundle_()
    assert data["text/plain"] == repr(first) and WIDGET in data
    assert [w["name"] for b in second.view.buffers for w in b["windows"]] == ["h"]
    assert second.view.changes == [
        "h: version 0 → 1",
        "d: gone",  # not in the view: said as a note
        (
            "loss.backward() will now fail: one of the variables needed for gradient computation "
            "has been modified by an inplace operation: [tensorkit.FloatTensor [3]], which is "
            "output 0 of Mul, is at version 1; expected version 0 instead."
        ),
    ]
    assert timeline.series["h"][-3:] == [0, 1, 1] and timeline.bumps[0]["name"] == "h"
    handlers = len(shell.events.callbacks["post_run_cell"])
    shell.run_line_magic("tensor_watch", "off")
    assert len(shell.events.callbacks["post_run_cell"]) == handlers - 2  # watcher and timeline
    assert timeline.comm is not None  # the timeline stays on the page as a record
    timeline.close()
    for panel in shown:
        panel.view.close()
