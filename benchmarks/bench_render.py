"""Pictures of graphs: a 1,000-node backward graph snapshot (``tensorkit.inspect.graph``) and
drawn (``tensorkit.render.graph_svg`` and its text twin). Target (the Jupyter-layer issue):
under 0.5 s. Then the same graph as a ``GraphView`` widget, the kernel's side of it (snapshot,
picture, text, each node's click panel, traits ready to send); the browser's side is timed by
the browser test (tests/test_browser.py prints it). The same is done for PyTorch's graph of the
same program, where PyTorch is there; the NumPy column is empty (there is no graph in NumPy).
"""

from __future__ import annotations

from ._common import Context, Row, measure, print_rows

NAME = "graph_pictures"
TITLE = "8. a 1,000-node graph: snapshot, SVG and text"

TARGET_S = 0.5


def build(torch, steps: int):
    """A loop of tanh / multiply-add on a leaf x, reusing a second leaf w at every other step:
    about 1.5 nodes per step, with long edges to w."""
    x = torch.ones(3, requires_grad=True)
    w = torch.ones(3, requires_grad=True)
    z = x
    for step in range(steps):
        z = (z * 1.01 + w) if step % 2 else z.tanh()
    return z.sum()


def run(ctx: Context) -> list[Row]:
    from tensorkit import inspect, render

    steps = 60 if ctx.quick else 666
    fns, sizes = {}, {}
    for name, mod in ctx.modules().items():
        loss = build(mod, steps)

        def picture(loss=loss):
            graph = inspect.graph(loss, saved=True)
            return graph, render.graph_svg(graph, saved=True), render.graph_text(graph)

        sizes[name] = len(picture()[0].nodes)
        fns[name] = picture
    t = measure(fns, repeat=3 if ctx.quick else 7, min_time=0.0 if not ctx.quick else 0.005)
    seconds = {name: t[name].min for name in t}
    views = _views(ctx, steps)
    count = f"{sizes['tensorkit']:,} nodes"
    rows = [_row(f"graph of {count}: snapshot + SVG + text", seconds)]
    if views:
        rows.append(_row(f"GraphView of {count} (the kernel's side)", views))
    print_rows(ctx, rows)
    return rows


def _row(figure: str, seconds: dict) -> Row:
    return Row(
        NAME,
        figure,
        "s",
        seconds.get("torch"),
        seconds["tensorkit"],
        None,
        target=f"tk <= {TARGET_S} s",
        met=seconds["tensorkit"] <= TARGET_S,
    )


def _views(ctx: Context, steps: int) -> dict:
    """Seconds to make a GraphView of the graph (best of a few), or {} without ipywidgets."""
    try:
        from tensorkit.widgets import GraphView
    except ImportError:
        return {}
    fns = {}
    for name, mod in ctx.modules().items():
        loss = build(mod, steps)

        def view(loss=loss):
            GraphView(loss, saved=True, max_nodes=5000, shell=None).close()

        fns[name] = view
    t = measure(fns, repeat=3 if ctx.quick else 5, min_time=0.0)
    return {name: t[name].min for name in t}
