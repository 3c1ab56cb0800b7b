"""tensorkit.inspect: snapshots of the backward graph as plain data.

Every test takes the module as the fixture ``t`` and runs on tensorkit and on PyTorch (where it is
installed; skipped, or failed under CI=true, when it is missing): a snapshot reads only public
attributes, so PyTorch's tensors must give the same snapshot as tensorkit's.
"""

from __future__ import annotations

import json
import time

import pytest
from _tools import skip_missing_tool

import tensorkit
from tensorkit import inspect, render

try:
    import torch as real_torch
except ImportError:
    real_torch = None


def ids(graph):
    return [node.id for node in graph.nodes]


def edges(graph):
    return [(e.source, e.target, e.position, e.input_nr) for e in graph.edges]


def saved(graph, node_id):
    return {value.name: value for value in graph.node(node_id).saved}


def test_nodes_get_stable_ids_in_walk_order_and_edges_name_their_inputs(t):
    x = t.ones(3, requires_grad=True)
    w = t.ones(3, requires_grad=True)
    y = ((x * w) + x).sum()
    g = inspect.graph(y, names=["y"])
    assert ids(g) == [
        "SumBackward0#1",
        "AddBackward0#1",
        "MulBackward0#1",
        "AccumulateGrad#1",
        "AccumulateGrad#2",
    ]
    assert edges(g) == [
        ("SumBackward0#1", "AddBackward0#1", 0, 0),
        ("AddBackward0#1", "MulBackward0#1", 0, 0),
        ("AddBackward0#1", "AccumulateGrad#1", 1, 0),
        ("MulBackward0#1", "AccumulateGrad#1", 0, 0),
        ("MulBackward0#1", "AccumulateGrad#2", 1, 0),
    ]
    assert [node.depth for node in g.nodes] == [0, 1, 2, 2, 3]
    assert [node.kind for node in g.nodes] == ["backward"] * 3 + ["leaf"] * 2
    root = g.roots[0]
    assert (root.label, root.node, root.tensor.shape, root.tensor.requires_grad) == (
        "y",
        "SumBackward0#1",
        [],
        True,
    )
    assert g.truncated is False and g.note is None


def test_saved_tensors_are_ok_then_stale_then_freed(t):
    x = t.ones(3, requires_grad=True)
    a = x * 2
    b = a * a
    loss = b.sum()
    values = saved(inspect.graph(loss), "MulBackward0#1")
    assert sorted(values) == ["other", "self"]
    assert (values["self"].kind, values["self"].status) == ("tensor", "ok")
    assert values["self"].tensor.shape == [3] and values["self"].tensor.dtype == "float32"
    a.add_(1)  # the saved a is now at version 1, saved at 0: backward would fail
    values = saved(inspect.graph(loss), "MulBackward0#1")
    stale = values["self"]
    assert (stale.status, stale.saved_version, stale.version) == ("stale", 0, 1)
    assert stale.tensor.shape == [3] and stale.tensor.dtype == "float32"
    with pytest.raises(RuntimeError) as caught:
        loss.backward()
    assert stale.message == str(caught.value)  # the very error backward raises


def test_freed_saved_tensors_after_backward(t):
    x = t.ones(3, requires_grad=True)
    loss = (x * x).sum()
    loss.backward()
    g = inspect.graph(loss)
    values = saved(g, "MulBackward0#1")
    assert {name: value.status for name, value in values.items()} == {
        "other": "freed",
        "self": "freed",
    }
    assert "already been freed" in values["self"].message
    leaf = g.node("AccumulateGrad#1").variable
    assert leaf.grad is not None and leaf.grad.shape == [3] and leaf.version == 0


def test_saved_tensors_and_grads_carry_a_preview_of_their_first_values(t):
    x = t.arange(8.0, requires_grad=True)
    y = (x.reshape(2, 4).t() * 0.5).sum()
    scaled = saved(inspect.graph(y), "MulBackward0#1")
    assert scaled["other"].tensor.preview == "0.5"  # the number, saved as a 0-d tensor
    z = (x[:3] * x[:3]).sum()
    mul = saved(inspect.graph(z), "MulBackward0#1")
    assert mul["self"].tensor.preview == "[0, 1, 2]"
    assert inspect.preview(t.arange(10) * 3) == "[0, 3, 6, 9, 12, 15, …]"  # integers stay exact
    assert inspect.preview(x.detach().reshape(2, 4).t() / 3) == (
        "[0, 1.333, 0.3333, 1.667, 0.6667, 2, …]"  # reading order, 4 significant digits
    )
    assert inspect.preview(t.tensor([True, False])) == "[True, False]"
    wide = t.arange(24.0).reshape(4, 6)
    assert not wide.t().is_contiguous()  # read element by element, in reading order
    assert inspect.preview(wide.t()) == "[0, 6, 12, 18, 1, 7, …]"
    assert inspect.preview(wide[:, 1:3]) == "[1, 2, 7, 8, 13, 14, …]"
    z.backward()
    leaf = inspect.graph(z).roots[0]
    assert leaf.tensor.grad is None  # z is not a leaf
    grad = inspect.graph(x * 1).node("AccumulateGrad#1").variable.grad
    assert grad.preview == "[0, 2, 4, 0, 0, 0, …]" and grad.shape == [8]


def test_numbers_sizes_and_absent_values_are_read_as_such(t):
    x = t.ones(2, 3, requires_grad=True)
    y = (x * 2).sum(dim=1)
    g = inspect.graph(y)
    values = saved(g, "SumBackward1#1")
    assert values["keepdim"].kind == "number" and values["keepdim"].text == "False"
    mul = saved(g, "MulBackward0#1")
    assert mul["self"].kind == "none"  # not needed: the other factor is a number


def test_roots_that_are_leaves_or_need_no_grad(t):
    leaf = t.ones(2, requires_grad=True)
    plain = t.ones(2)
    view = leaf[1:]
    g = inspect.graph(leaf, plain, view, names=["leaf", "plain", "view"])
    assert [root.node for root in g.roots] == ["AccumulateGrad#1", None, "SliceBackward0#1"]
    assert g.roots[2].tensor.is_view and not g.roots[0].tensor.is_view
    assert ids(g) == ["AccumulateGrad#1", "SliceBackward0#1"]
    assert edges(g) == [("SliceBackward0#1", "AccumulateGrad#1", 0, 0)]


def test_depth_and_size_caps_say_so(t):
    x = t.ones(2, requires_grad=True)
    y = x
    for _ in range(10):
        y = y * 1.5
    g = inspect.graph(y, depth=3)
    assert ids(g) == ["MulBackward0#1", "MulBackward0#2", "MulBackward0#3", "MulBackward0#4"]
    assert g.truncated and g.note == "graph cut at depth 3: nodes beyond are not shown"
    g = inspect.graph(y, max_nodes=5)
    assert len(g.nodes) == 5 and g.truncated
    assert g.note == "graph capped at 5 nodes: nodes beyond are not shown"
    assert not inspect.graph(y, depth=10).truncated


def test_repeated_chains_fold(t):
    x = t.ones(2, requires_grad=True)
    y = x
    for _ in range(50):
        y = (y * 1.01) + 0.5
    total = y.sum()
    g = inspect.graph(total, fold=True)
    assert ids(g) == ["SumBackward0#1", "fold#1", "AccumulateGrad#1"]
    fold = g.node("fold#1")
    assert (fold.kind, fold.pattern, fold.repeats, fold.hidden) == (
        "fold",
        ["AddBackward0", "MulBackward0"],
        50,
        100,
    )
    assert fold.name == "(AddBackward0 → MulBackward0) ×50"
    assert edges(g) == [("SumBackward0#1", "fold#1", 0, 0), ("fold#1", "AccumulateGrad#1", 0, 0)]
    assert len(inspect.graph(total).nodes) == 102  # unfolded: every node


def test_snapshots_are_plain_data_and_repeat_exactly(t):
    def program():
        x = t.ones(2, 2, requires_grad=True)
        return (x.t() @ x).relu().mean()

    first, second = inspect.graph(program()), inspect.graph(program())
    assert first.to_json() == second.to_json()
    data = json.loads(first.to_json())
    assert [node["id"] for node in data["nodes"]] == ids(first)
    assert data["roots"][0]["node"] == "MeanBackward0#1"


def test_bad_arguments_are_refused(t):
    x = t.ones(2, requires_grad=True)
    with pytest.raises(TypeError, match="argument 1 is a list"):
        inspect.graph(x, [1, 2])
    with pytest.raises(TypeError, match="at least one tensor"):
        inspect.graph()
    with pytest.raises(ValueError, match="2 names given for 1 tensors"):
        inspect.graph(x, names=["a", "b"])
    with pytest.raises(ValueError, match="depth must be 0 or more"):
        inspect.graph(x, depth=-1)


def test_a_chain_of_100000_ops_is_walked_without_recursion():
    x = tensorkit.ones(1, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    started = time.perf_counter()
    g = inspect.graph(y, saved=False)
    elapsed = time.perf_counter() - started
    assert len(g.nodes) == 100_001 and g.nodes[-1].id == "AccumulateGrad#1"
    assert g.nodes[-2].id == "MulBackward0#100000" and not g.truncated
    assert elapsed >= 0  # the walk finishes (no time asserted; benchmarks measure)
    folded = inspect.graph(y, saved=False, fold=True)
    assert ids(folded) == ["fold#1", "AccumulateGrad#1"]
    assert folded.node("fold#1").repeats == 100_000


def test_the_same_program_gives_the_same_snapshot_in_tensorkit_and_pytorch():
    if real_torch is None:
        skip_missing_tool("torch", "snapshots of PyTorch's own tensors are compared")

    def program(t):
        x = t.ones(3, 2, requires_grad=True)
        w = t.ones(2, 4, requires_grad=True)
        h = (x @ w).tanh()
        h2 = h[1:] * 3
        loss = h2.sum() + (w * w).mean()
        x2 = x.detach()
        return loss, x2

    ours, _ = program(tensorkit)
    theirs, _ = program(real_torch)
    a, b = inspect.graph(ours).to_dict(), inspect.graph(theirs).to_dict()
    assert a == b


# ---------------------------------------------------------------------------- memory


def _layout(snapshot):
    """The windows without what may differ between libraries (the counter groups of PyTorch's
    tensors are inferred)."""
    return [
        (w.name, w.kind, w.buffer, w.offset, w.shape, w.strides, w.dtype, w.version, w.is_view)
        for w in snapshot.windows
    ]


def test_views_detach_data_and_clone_on_their_buffers(t):
    x = t.arange(6.0)
    snapshot = inspect.memory(
        x=x, tail=x[2:], col=x.view(2, 3)[:, 1], d=x.detach(), data=x.data, copy=x.clone()
    )
    assert [(b.id, b.nbytes, b.names) for b in snapshot.buffers] == [
        ("buffer#1", 24, ["x", "tail", "col", "d", "data"]),
        ("buffer#2", 24, ["copy"]),
    ]
    assert _layout(snapshot) == [
        ("x", "tensor", "buffer#1", 0, [6], [1], "float32", 0, False),
        ("tail", "tensor", "buffer#1", 8, [4], [1], "float32", 0, True),
        ("col", "tensor", "buffer#1", 4, [2], [3], "float32", 0, True),
        ("d", "tensor", "buffer#1", 0, [6], [1], "float32", 0, False),
        ("data", "tensor", "buffer#1", 0, [6], [1], "float32", 0, False),
        ("copy", "tensor", "buffer#2", 0, [6], [1], "float32", 0, False),
    ]
    assert snapshot.shared_buffers == [["x", "tail", "col", "d", "data"]]


def test_version_counters_are_shared_by_views_and_detach_not_by_data():
    x = tensorkit.arange(6.0)
    snapshot = inspect.memory(x=x, tail=x[2:], d=x.detach(), data=x.data, copy=x.clone())
    assert snapshot.counters_exact
    assert snapshot.shared_counters == [["x", "tail", "d"]]
    assert len({snapshot.window(name).counter for name in ("x", "data", "copy")}) == 3


def test_numpy_arrays_and_the_tensors_that_share_them(t):
    np = pytest.importorskip("numpy")
    a = np.arange(10.0)
    part = t.from_numpy(a[2:5])
    whole = t.from_numpy(a)
    other = np.zeros(3)
    snapshot = inspect.memory({"a": a, "part": part, "whole": whole, "other": other, "_hidden": a})
    assert [(b.id, b.names) for b in snapshot.buffers] == [
        ("buffer#1", ["a", "part", "whole"]),
        ("buffer#2", ["other"]),
    ]
    assert [(w.name, w.kind, w.offset, w.strides) for w in snapshot.windows] == [
        ("a", "array", 0, [1]),
        ("part", "tensor", 16, [1]),
        ("whole", "tensor", 0, [1]),
        ("other", "array", 0, [1]),
    ]
    assert snapshot.window("a").library == "numpy"
    flipped = inspect.memory(r=a[::-1], a=a)
    assert flipped.window("r").offset == 72 and flipped.window("r").strides == [-1]


def test_a_namespace_keeps_only_tensors_and_arrays_and_bad_items_are_refused(t):
    x = t.ones(2)
    snapshot = inspect.memory({"x": x, "n": 3, "s": "text", "_x": x})
    assert [w.name for w in snapshot.windows] == ["x"]
    with pytest.raises(TypeError, match="item 1 is a int"):
        inspect.memory([x, 3])
    with pytest.raises(TypeError, match="y is a str"):
        inspect.memory(y="no")
    assert json.loads(snapshot.to_json())["buffers"][0]["names"] == ["x"]


def test_the_same_program_gives_the_same_memory_in_tensorkit_and_pytorch():
    if real_torch is None:
        skip_missing_tool("torch", "memory snapshots of PyTorch's own tensors are compared")

    def program(t):
        x = t.arange(12.0).reshape(3, 4)
        y = x.t()
        z = x[1:, ::2]
        w = x.clone()
        w.add_(1)
        return {"x": x, "y": y, "z": z, "w": w, "d": z.detach()}

    ours = inspect.memory(program(tensorkit))
    theirs = inspect.memory(program(real_torch))
    assert _layout(ours) == _layout(theirs)
    assert [b.names for b in ours.buffers] == [b.names for b in theirs.buffers]
    assert ours.shared_buffers == theirs.shared_buffers
    assert theirs.counters_exact is False and ours.counters_exact is True


# ---------------------------------------------------------------------------- diff


def test_diff_of_memory_says_what_a_cell_changed(t):
    namespace = {"x": t.arange(4.0)}
    before = inspect.memory(namespace)
    x = namespace["x"]
    namespace["v"] = x[1:]
    namespace["d"] = x.detach()
    x.add_(1)
    after = inspect.memory(namespace)
    texts = inspect.diff(before, after).texts()
    assert texts[:4] == ["v: new", "d: new", "x: version 0 → 1", "x: now shares memory with v"]
    assert "x: now shares memory with d" in texts
    namespace["v"] = t.zeros(2)
    del namespace["d"]
    later = inspect.diff(after, inspect.memory(namespace))
    assert later.texts() == [
        "d: gone",
        "x: no longer shares memory with v",
        "x: no longer shares a version counter with v",
        "v: now another object",
    ]
    assert not inspect.diff(later_snapshot := inspect.memory(namespace), later_snapshot)


def test_diff_of_memory_sees_a_data_reassignment_and_broken_sharing():
    x = tensorkit.ones(2, 3)
    alias = x.detach()
    before = inspect.memory(x=x, alias=alias)
    x.data = tensorkit.zeros(4)
    after = inspect.memory(x=x, alias=alias)
    # the memory is apart now, but x keeps its version counter, still shared with alias (as in
    # PyTorch: set_data replaces the data, never the counter)
    assert inspect.diff(before, after).texts() == [
        "x: 2×3 float32 on cpu → 4 float32 on cpu",
        "x: no longer shares memory with alias",
    ]
    assert after.shared_counters == [["x", "alias"]]


def test_diff_of_graphs_says_what_backward_will_meet(t):
    w = t.ones(3, requires_grad=True)
    h = w * 2
    loss = (h * h).sum()
    first = inspect.graph(loss)
    h.add_(1)
    stale = inspect.diff(first, inspect.graph(loss))
    assert stale.texts() == [
        "MulBackward0#1: saved other changed in place (version 0 → 1): backward will fail",
        "MulBackward0#1: saved self changed in place (version 0 → 1): backward will fail",
    ]
    v = t.ones(2, requires_grad=True)
    total = (v * v).sum()
    before = inspect.graph(total)
    total.backward()
    texts = inspect.diff(before, inspect.graph(total)).texts()
    assert texts == [
        "MulBackward0#1: saved other freed by backward",
        "MulBackward0#1: saved self freed by backward",
        "AccumulateGrad#1: .grad set",
    ]
    with pytest.raises(TypeError, match="two memory or two graph snapshots"):
        inspect.diff(before, inspect.memory(v=v))


def test_a_saved_value_that_cannot_be_read_is_said_not_raised():
    class Odd:
        """A node of a kind the snapshot does not know: its saved value raises when read."""

        next_functions = ()

        @property
        def _saved_thing(self):
            raise AttributeError("no thing here")

        @property
        def _saved_other(self):
            raise RuntimeError("something else went wrong")

    class Holder:
        grad_fn = Odd()
        requires_grad = True
        is_leaf = False
        shape = (2,)
        dtype = "float32"
        device = "cpu"
        _version = 0
        _base = None

    g = inspect.graph(Holder())
    values = saved(g, "Odd#1")
    assert (values["thing"].status, values["thing"].message) == (
        "unreadable",
        "AttributeError: no thing here",
    )
    assert values["other"].message == "RuntimeError: something else went wrong"
    assert "thing: unreadable (AttributeError: no thing here)" in render.graph_text(g)
    assert "thing: unreadable" in render.graph_svg(g, saved=True)
