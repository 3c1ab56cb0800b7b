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
    assert [(s["name"], s["status"], s["shape"], s["version"]) for s in mul["saved"]] == [
        ("other", "ok", [3], 0),
        ("self", "ok", [3], 0),
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
    assert other.nodes["AccumulateGrad#1"]["leaf"]["grad"] == {"shape": [3]}
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
