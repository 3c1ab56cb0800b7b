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
    view.refresh()
    assert view.status == "loss was deleted: nothing to draw" and view.nodes == {}
    view.close()


def test_only_tensors_are_shown():
    with pytest.raises(TypeError, match="GraphView shows a tensor's graph, not a list"):
        GraphView([1, 2])


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
    timeline.close()
    assert len(shell.events.callbacks["post_run_cell"]) == handlers  # nothing left behind
    with pytest.raises(TypeError, match="n is a int"):
        VersionTimeline({"n": 3})
    shell.reset(new_session=False)
