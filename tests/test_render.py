"""tensorkit.render: the text twins of the pictures (what nbval compares, what a screen reader reads).

Each picture of a program run with tensorkit must read exactly as the picture of the same program
run with PyTorch (where it is installed), since the snapshots read only public attributes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from _tools import skip_missing_tool

import tensorkit
from tensorkit import inspect, render

SVG = "{http://www.w3.org/2000/svg}"

try:
    import torch as real_torch
except ImportError:
    real_torch = None


def test_a_graph_reads_as_a_tree_with_shared_nodes_shown_once(t):
    x = t.ones(3, requires_grad=True)
    w = t.ones(3, requires_grad=True)
    b = x * w + x
    y = (b * b).sum()
    assert render.graph_text(inspect.graph(y, names=["y"])).splitlines() == (
        [
            "y: [] float32, grad_fn SumBackward0#1",
            "SumBackward0#1  saved self_sym_sizes=(3,)",
            "└─ MulBackward0#1  saved other: [3] float32, version 0, self: [3] float32, version 0",
            "   ├─ AddBackward0#1  saved alpha=1",
            "   │  ├─ MulBackward0#2  saved other: [3] float32, version 0, self: [3] float32, version 0",
            "   │  │  ├─ AccumulateGrad#1  leaf [3] float32, version 0, grad none",
            "   │  │  └─ AccumulateGrad#2  leaf [3] float32, version 0, grad none",
            "   │  └─ AccumulateGrad#1  (shown above)",
            "   └─ AddBackward0#1  (shown above)",
        ]
    )


def test_stale_and_freed_saved_tensors_and_grads_are_said(t):
    x = t.ones(2, requires_grad=True)
    h = x * 2
    loss = (h * h).sum()
    h.add_(1)
    text = render.graph_text(inspect.graph(loss))
    assert "self: [2] float32 STALE (saved at version 0, now 1: backward will fail)" in text
    fresh = (x * x).sum()
    fresh.backward()
    text = render.graph_text(inspect.graph(fresh, names=["fresh"]))
    assert "saved other: freed by backward, self: freed by backward" in text
    assert "AccumulateGrad#1  leaf [2] float32, version 0, grad [2] float32" in text


def test_folds_caps_and_roots_without_a_graph(t):
    x = t.ones(2, requires_grad=True)
    z = x
    for _ in range(20):
        z = z * 1.5 + 1
    assert render.graph_text(inspect.graph(z.sum(), fold=True)).splitlines()[2:] == [
        "└─ fold#1  (AddBackward0 → MulBackward0) ×20, 40 nodes folded",
        "└─ AccumulateGrad#1  leaf [2] float32, version 0, grad none",  # a chain stays in line
    ]
    capped = render.graph_text(inspect.graph(z, depth=1))
    assert capped.splitlines()[-1] == "(graph cut at depth 1: nodes beyond are not shown)"
    plain = render.graph_text(inspect.graph(t.ones(2), x, names=["plain", "x"]))
    assert plain.splitlines()[:2] == [
        "plain: [2] float32, no grad_fn (no gradient reaches it)",
        "x: [2] float32, a leaf (AccumulateGrad#1)",
    ]


def test_a_long_chain_draws_without_recursion():
    x = tensorkit.ones(1, requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y * 1.0
    lines = render.graph_text(inspect.graph(y, saved=False)).splitlines()
    assert len(lines) == 1 + 20_001
    assert lines[-1].endswith("AccumulateGrad#1  leaf [1] float32, version 0, grad none")


def test_memory_reads_buffer_by_buffer(t):
    x = t.arange(6.0)
    text = render.memory_text(inspect.memory(x=x, tail=x[2:], t2=x.view(2, 3).t(), c=x.clone()))
    assert text.splitlines()[:5] == [
        "buffer#1: 24 bytes on cpu",
        "  x     [6] float32, offset 0, strides (1,), version 0 (counter#1)",
        "  tail  [4] float32, offset 8, strides (1,), version 0 (counter#1)",
        "  t2    [3, 2] float32, offset 0, strides (1, 3), version 0 (counter#1)",
        "buffer#2: 24 bytes on cpu",
    ]


def test_diff_text():
    x = tensorkit.ones(2)
    before = inspect.memory(x=x)
    assert render.diff_text(inspect.diff(before, inspect.memory(x=x))) == "nothing changed"
    x.add_(1)
    assert render.diff_text(inspect.diff(before, inspect.memory(x=x))) == "x: version 0 → 1"


# ---------------------------------------------------------------------------- SVG


def _svg(graph, saved=False):
    import xml.etree.ElementTree as ET

    text = render.graph_svg(graph, saved=saved)
    return text, ET.fromstring(text)  # well-formed, or this raises


def _groups(root):
    return {
        g.get("id"): g.get("class")
        for g in root.iter("{http://www.w3.org/2000/svg}g")
        if g.get("id")
    }


def test_svg_is_well_formed_deterministic_and_names_every_node(t):
    def program():
        x = t.ones(3, requires_grad=True)
        w = t.ones(3, requires_grad=True)
        b = x * w + x
        return (b * b).sum()

    first, root = _svg(inspect.graph(program(), names=["y"]), saved=True)
    second, _ = _svg(inspect.graph(program(), names=["y"]), saved=True)
    assert first == second  # byte for byte
    assert _groups(root) == {
        "SumBackward0#1": "node backward",
        "MulBackward0#1": "node backward",
        "AddBackward0#1": "node backward",
        "MulBackward0#2": "node backward",
        "AccumulateGrad#1": "node leaf",
        "AccumulateGrad#2": "node leaf",
    }
    assert len(list(root.iter("{http://www.w3.org/2000/svg}path"))) == 6 + 1  # edges + arrow
    assert "self: 3 v0" in first and "y → SumBackward0#1" in first


def test_svg_marks_stale_and_freed_nodes_and_shows_folds_and_notes(t):
    x = t.ones(2, requires_grad=True)
    h = x * 2
    loss = (h * h).sum()
    h.add_(1)
    text, root = _svg(inspect.graph(loss), saved=True)
    assert _groups(root)["MulBackward0#1"] == "node backward stale"
    assert "self: STALE v0→v1" in text
    fresh = (x * x).sum()
    fresh.backward()
    _, root = _svg(inspect.graph(fresh))
    assert _groups(root)["MulBackward0#1"] == "node backward freed"
    z = x
    for _ in range(30):
        z = z * 1.5 + 1
    text, root = _svg(inspect.graph(z.sum(), fold=True))
    assert _groups(root)["fold#1"] == "node fold" and "×30 (60 nodes)" in text
    text, _ = _svg(inspect.graph(z, depth=2))
    assert "graph cut at depth 2: nodes beyond are not shown" in text


def test_a_graph_of_200_nodes_stays_readable():
    x = tensorkit.ones(3, requires_grad=True)
    w = tensorkit.ones(3, requires_grad=True)
    z = x
    for step in range(130):
        z = (z * 1.01 + w) if step % 2 else z.tanh()
    graph = inspect.graph(z.sum())
    assert 190 <= len(graph.nodes) <= 210
    text, root = _svg(graph)
    width, height = int(root.get("width")), int(root.get("height"))
    assert width < 1200  # a column, not a row of 200 boxes
    assert len(_groups(root)) == len(graph.nodes)
    assert height > 0


def test_the_picture_of_a_pytorch_graph_is_the_same_picture():
    if real_torch is None:
        skip_missing_tool("torch", "pictures of PyTorch's own graphs are compared")

    def program(t):
        x = t.ones(2, 3, requires_grad=True)
        w = t.ones(3, 4, requires_grad=True)
        return ((x @ w).relu()[0] * 2).mean()

    ours = render.graph_svg(inspect.graph(program(tensorkit)), saved=True)
    theirs = render.graph_svg(inspect.graph(program(real_torch)), saved=True)
    assert ours == theirs


def test_the_memory_svg_numbers_each_name_s_cells_in_reading_order(t):
    x = t.arange(6.0).reshape(2, 3)
    xt, col, big = x.t(), x[:, 1], t.zeros(1000)
    snapshot = inspect.memory(x=x, xt=xt, col=col, big=big)
    svg = render.memory_svg(snapshot, changed=["col"])
    root = ET.fromstring(svg)
    texts = [node.text for node in root.iter(f"{SVG}text")]
    assert texts[:2] == ["buffer#1: 24 bytes on cpu", "x [2, 3] float32 v0"]
    numbers = [node for node in root.iter(f"{SVG}text") if node.get("class") == "order"]
    by_row: dict = {}
    for node in numbers:
        by_row.setdefault(int(node.get("y")), []).append((int(node.get("x")), node.text))
    rows = [[label for _, label in sorted(cells)] for _, cells in sorted(by_row.items())]
    assert rows == [["0", "1", "2", "3", "4", "5"], ["0", "2", "4", "1", "3", "5"], ["0", "1"]]
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("class") == "changed"]) == 1
    spans = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "span"]
    assert [r.find(f"{SVG}title").text for r in spans] == ["bytes 0 to 4000 of 4000"]
    assert texts[-1] == "shared version counters: x, xt, col"
    assert svg == render.memory_svg(inspect.memory(x=x, xt=xt, col=col, big=big), ["col"])
    assert "no tensors or arrays" in render.memory_svg(inspect.memory({}))


def test_the_memory_svg_of_a_pytorch_program_is_the_same_picture():
    if real_torch is None:
        skip_missing_tool("torch", "pictures of PyTorch's own memory are compared")

    def picture(t):
        x = t.arange(12.0).reshape(3, 4)
        v, d = x[1:, ::2], x.detach()
        return render.memory_svg(inspect.memory(x=x, v=v, d=d))

    assert picture(tensorkit) == picture(real_torch)


# ---------------------------------------------------------------------------- plots


def test_the_memory_figure_draws_each_name_s_cells_in_reading_order():
    from tensorkit.render import plots

    x = tensorkit.arange(6.0).reshape(2, 3)
    snapshot = inspect.memory(x=x, xt=x.t(), col=x[:, 1], big=tensorkit.zeros(1000))
    figure = plots.memory_figure(snapshot)
    small, large = figure.axes
    assert [label.get_text() for label in small.get_yticklabels()] == ["buffer#1", "x", "xt", "col"]
    numbers = [(round(text.get_position()[0], 1), text.get_text()) for text in small.texts]
    transposed = numbers[6:12]  # x's six cells, then xt's: the order xt reads the buffer
    assert [label for _, label in sorted(transposed)] == ["0", "2", "4", "1", "3", "5"]
    assert numbers[12:] == [(1.5, "0"), (4.5, "1")]  # the column: every third cell
    assert large.get_xlim() == (0.0, 1000.0) and not large.texts
    assert plots.figure_svg(figure) == plots.figure_svg(plots.memory_figure(snapshot))


def test_the_grad_figure_has_a_bar_per_parameter_and_says_which_have_none():
    from tensorkit.render import plots

    model = tensorkit.nn.Sequential(tensorkit.nn.Linear(3, 2), tensorkit.nn.Linear(2, 1))
    model[1].bias.requires_grad_(False)
    model(tensorkit.ones(4, 3)).sum().backward()
    figure = plots.grad_figure(model.named_parameters())
    axis = figure.axes[0]
    assert [label.get_text() for label in axis.get_yticklabels()] == [
        "0.weight",
        "0.bias",
        "1.weight",
        "1.bias",
    ]
    widths = [bar.get_width() for bar in axis.patches]
    expected = [float(p.grad.norm()) if p.grad is not None else 0.0 for p in model.parameters()]
    assert widths == pytest.approx(expected) and widths[3] == 0.0
    assert [text.get_text() for text in axis.texts] == [" no grad"]
