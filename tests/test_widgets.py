"""tensorkit.widgets, on the Python side (no front end): traits, clicks, weak references, refresh.

The browser side (the views rendered in JupyterLab under headless Chromium) is tested by the
widgets issue's browser test.
"""

from __future__ import annotations

import gc
import weakref
import xml.etree.ElementTree as ET

import pytest
from tensorkit.widgets import GraphView

import tensorkit
from tensorkit.render import timeline_svg as render_timeline


@pytest.fixture
def graph():
    x = tensorkit.ones(3, requires_grad=True)
    h = x * 2
    loss = (h * h).sum()
    return x, h, loss


def test_a_graph_view_carries_the_picture_its_text_and_each_node_s_details(graph):
    x, h, loss = graph
    view = GraphView(loss, name="loss", saved=True)
    ET.fromstring(view.svg)
    assert view.text.splitlines()[0] == "loss: [] float32, grad_fn SumBackward0#1"
    assert list(view.nodes) == [
        "SumBackward0#1",
        "MulBackward0#1",
        "MulBackward0#2",
        "AccumulateGrad#1",
    ]
    mul = view.nodes["MulBackward0#1"]
    assert [
        (s["name"], s["status"], s["shape"], s["version"], s["preview"]) for s in mul["saved"]
    ] == [
        ("other", "ok", [3], 0, "[2, 2, 2]"),
        ("self", "ok", [3], 0, "[2, 2, 2]"),
    ]
    assert view.nodes["AccumulateGrad#1"]["leaf"] == {
        "shape": [3],
        "dtype": "float32",
        "version": 0,
        "grad": None,
    }
    assert view.status == ""
    data, _ = view._repr_mimebundle_()
    assert data["text/plain"] == view.text and data["image/svg+xml"] == view.svg
    assert "application/vnd.jupyter.widget-view+json" in data
    view.close()


def test_refresh_shows_stale_and_freed_saved_tensors_and_keeps_the_selection(graph):
    x, h, loss = graph
    view = GraphView(loss, name="loss")
    view.selected = "MulBackward0#1"
    h.add_(1)
    view.refresh()
    assert view.status.startswith(
        "backward() will fail: one of the variables needed for gradient computation has been "
        "modified by an inplace operation"
    )
    assert [s["status"] for s in view.nodes["MulBackward0#1"]["saved"]] == ["stale", "stale"]
    assert view.selected == "MulBackward0#1"
    fresh = (x * x).sum()
    other = GraphView(fresh, name="fresh")
    fresh.backward()
    other.refresh()
    assert other.status.startswith("saved tensors were freed by backward()")
    assert other.nodes["AccumulateGrad#1"]["leaf"]["grad"] == {"shape": [3], "preview": "[2, 2, 2]"}
    view.close()
    other.close()


def test_the_view_holds_its_tensor_weakly():
    x = tensorkit.ones(3, requires_grad=True)
    loss = (x * 2).sum()
    view = GraphView(loss, name="loss")
    alive = weakref.ref(loss)
    del loss
    gc.collect()
    assert alive() is None and view.tensor is None  # deleting the tensor freed it
    # the view heard at once, with no refresh
    assert view.status == "loss was deleted: this is its graph as it last was"
    assert not view.alive
    assert list(view.nodes) == ["SumBackward0#1", "MulBackward0#1", "AccumulateGrad#1"]
    assert view.text.startswith("loss: [] float32, grad_fn SumBackward0#1")  # kept, as data
    view.close()


def test_only_tensors_are_shown():
    from tensorkit.widgets import MemoryView

    with pytest.raises(TypeError, match="GraphView shows a tensor's graph, not a list"):
        GraphView([1, 2])
    with pytest.raises(TypeError, match="MemoryView takes a mapping of names .* not a list"):
        MemoryView([tensorkit.ones(2)])


def test_a_memory_view_lays_out_buffers_cells_and_shared_counters():
    from tensorkit.widgets import MemoryView

    x = tensorkit.arange(6.0).reshape(2, 3)
    namespace = {"x": x, "xt": x.t(), "col": x[:, 1], "big": tensorkit.zeros(1000), "n": 3}
    view = MemoryView(namespace)
    first, second = view.buffers
    assert [w["name"] for w in first["windows"]] == ["x", "xt", "col"]
    assert [w["cells"] for w in first["windows"]] == [
        [0, 1, 2, 3, 4, 5],
        [0, 3, 1, 4, 2, 5],
        [1, 4],
    ]
    assert second["windows"][0]["cells"] is None  # 1000 elements: drawn as a span
    assert view.counters == [["x", "xt", "col"]]
    assert view.changes == [] and view.text.startswith("buffer#1: 24 bytes on cpu")
    data, _ = view._repr_mimebundle_()
    assert data["text/plain"] == view.text
    from tensorkit import inspect, render

    assert data["image/svg+xml"] == render.memory_svg(inspect.memory(namespace))  # static twin
    view.close()


def test_a_memory_view_marks_what_changed_and_lets_deleted_tensors_go():
    from tensorkit.widgets import MemoryView

    x = tensorkit.ones(3)
    d = x.detach()
    c = x.clone()
    view = MemoryView(x=x, d=d, c=c)
    x.add_(1)
    view.refresh()
    assert view.changes == ["x: version 0 → 1", "d: version 0 → 1"]
    assert view.changed_names == ["d", "x"]
    alive = weakref.ref(c)
    del c
    gc.collect()
    assert alive() is None  # the view held the clone weakly: it is freed
    view.refresh()
    assert view.changes == ["c: gone"]
    assert [w["name"] for b in view.buffers for w in b["windows"]] == ["x", "d"]
    view.close()


def test_a_version_timeline_records_after_every_cell_and_unregisters_on_close():
    from IPython.core.interactiveshell import InteractiveShell
    from tensorkit.widgets import VersionTimeline

    shell = InteractiveShell.instance()
    shell.run_cell("import tensorkit\nx = tensorkit.zeros(2)\nd = x.detach()\nc = x.clone()")
    handlers = len(shell.events.callbacks["post_run_cell"])
    timeline = VersionTimeline({"x": shell.user_ns["x"], "c": shell.user_ns["c"]}, shell=shell)
    assert len(shell.events.callbacks["post_run_cell"]) == handlers + 1
    shell.run_cell("d.add_(1)", store_history=True)
    shell.run_cell("c.mul_(2)\nc.mul_(2)\npass", store_history=True)  # no Out[] to keep c
    shell.run_cell("del c", store_history=True)
    assert timeline.series == {"x": [0, 1, 1, 1], "c": [0, 0, 2, None]}
    assert [(b["name"], b["from"], b["to"]) for b in timeline.bumps] == [("x", 0, 1), ("c", 0, 2)]
    assert timeline.labels[0] == "start" and len(timeline.labels) == 4
    assert "c: 0 0 2 -" in timeline.text()
    data, _ = timeline._repr_mimebundle_()
    root = ET.fromstring(data["image/svg+xml"])  # the static picture, for GitHub and nbconvert
    svg = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in root.iter(f"{svg}text")]  # the labels, then a row per tensor
    assert texts == [*timeline.labels, "x", "0", "1", "1", "1", "c", "0", "0", "2", "–"]
    bumped = [r for r in root.iter(f"{svg}rect") if r.get("class") == "bumped"]
    assert len(bumped) == 2  # x at the first cell, c at the second
    assert data["image/svg+xml"] == render_timeline(timeline.labels, timeline.series)
    timeline.close()
    assert len(shell.events.callbacks["post_run_cell"]) == handlers  # nothing left behind
    with pytest.raises(TypeError, match="n is a int"):
        VersionTimeline({"n": 3})
    shell.reset(new_session=False)


@pytest.fixture
def ipython():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_cell("import tensorkit as torch")
    yield shell
    shell.reset(new_session=False)


def test_views_follow_the_cells_of_their_shell_and_close_leaves_no_handler(ipython):
    from tensorkit.widgets import MemoryView

    handlers = ipython.events.callbacks["post_run_cell"]
    before = len(handlers)
    ipython.run_cell("x = torch.ones(3, requires_grad=True)\nh = x * 2\nloss = (h * h).sum()")
    graph = GraphView(ipython.user_ns["loss"], name="loss")  # made in IPython: follows it
    memory = MemoryView(h=ipython.user_ns["h"])
    assert len(handlers) == before + 2
    ipython.run_cell("h.add_(1)\npass")
    assert graph.status.startswith("backward() will fail")  # no refresh() was called
    assert memory.changes == ["h: version 0 → 1"] and memory.changed_names == ["h"]
    ipython.run_cell("pass")
    assert memory.changes == []  # the marks are what the last cell changed
    graph.close()
    assert len(handlers) == before + 1
    memory.comm.close()  # closed another way (the front end, or comm.close): it goes itself
    memory.comm = None
    ipython.run_cell("pass")
    assert len(handlers) == before
    quiet = GraphView(ipython.user_ns["loss"], shell=None)
    assert len(handlers) == before  # shell=None: a view that only refresh() redraws
    quiet.close()


def test_a_view_in_the_shell_s_handlers_is_held_weakly():
    from IPython.core.interactiveshell import InteractiveShell
    from tensorkit.widgets._live import CellFollower

    class View:  # what CellFollower needs of a view
        comm = object()
        cells = 0

        def _after_cell(self, result=None):
            self.cells += 1

    shell = InteractiveShell.instance()
    view = View()
    follower = CellFollower(view, shell)
    shell.run_cell("pass")
    assert view.cells == 1
    gone = weakref.ref(view)
    del view
    gc.collect()
    assert gone() is None  # the shell's handler list did not keep it
    shell.run_cell("pass")
    assert follower not in shell.events.callbacks["post_run_cell"]


def test_each_view_s_front_end_is_the_shared_part_then_its_own():
    from tensorkit.widgets import MemoryView, VersionTimeline
    from tensorkit.widgets._live import HERE

    common = (HERE / "_common.js").read_text()
    for view, name in (
        (GraphView, "graph_view"),
        (MemoryView, "memory_view"),
        (VersionTimeline, "version_timeline"),
    ):
        module = view._esm if isinstance(view._esm, str) else view._esm.read_text()
        assert module.startswith(common) and module.endswith((HERE / f"{name}.js").read_text())
        assert "followConnection(model, el, root)" in module  # each view says a lost kernel
        assert module.rstrip().endswith("export default { render };")


def test_a_big_buffer_is_drawn_as_the_span_each_name_reaches():
    from tensorkit.widgets import MemoryView

    x = tensorkit.zeros(100, 10)
    col, tail, flipped = x[:, 3], x[90:], x.t()  # held weakly: they must have names
    view = MemoryView(x=x, col=col, tail=tail, flipped=flipped, shell=None)
    windows = {w["name"]: w for b in view.buffers for w in b["windows"]}
    assert all(w["cells"] is None for w in windows.values())  # 1000 elements: spans
    assert windows["x"]["span"] == [0, 4000]
    assert windows["col"]["span"] == [12, 12 + 99 * 40 + 4]  # column 3, one float a row
    assert windows["tail"]["span"] == [3600, 4000]
    assert windows["flipped"]["span"] == [0, 4000]
    e = x[5:5]
    empty = MemoryView(e=e, shell=None)
    assert empty.buffers[0]["windows"][0]["span"] == [0, 0]  # no elements: no bytes reached
    view.close()
    empty.close()


def test_a_timeline_labels_each_record_with_its_cell_and_stop_keeps_the_view(ipython):
    from tensorkit.widgets import VersionTimeline

    ipython.run_cell("v = torch.zeros(2)", store_history=True)
    timeline = VersionTimeline({"v": ipython.user_ns["v"]})  # the shell made now: followed
    first = ipython.execution_count
    ipython.run_cell("v.add_(1)\npass", store_history=True)
    ipython.run_cell("pass", store_history=True)
    assert timeline.labels == ["start", f"[{first}]", f"[{first + 1}]"]
    assert timeline.bumps == [{"name": "v", "label": f"[{first}]", "from": 0, "to": 1}]
    timeline.stop()
    ipython.run_cell("v.add_(1)\npass", store_history=True)
    assert len(timeline.labels) == 3 and timeline.comm is not None  # stopped, still shown
    timeline.close()
    assert timeline.comm is None
