"""``GraphView``: the backward graph behind a tensor, interactive (pan, zoom, click a node).

The layout is tensorkit's own SVG (``tensorkit.render.graph_svg``), made in Python so that it is
the same picture as the static one; the front end (``graph_view.js``) adds pan and zoom, and a
panel with the details of the node clicked (its saved tensors, the version each was saved at
against the version now, a leaf's ``.grad``). The view holds the tensor by weak reference:
deleting the tensor frees it, and the view then says so at once (keeping its last picture, so a
view of a temporary, ``GraphView((x * x).sum())``, still shows the graph it had). Made in
IPython, the view redraws after every cell (so a ``backward()`` or an in-place change shows in
it under the cell that drew it) until ``close()``.
"""

from __future__ import annotations

import weakref

import anywidget
import traitlets

from tensorkit import inspect, render

from ._live import CURRENT, FollowsCells, front_end, on_death, with_static


def _details(node) -> dict:
    """What the click panel shows of a node (plain data, synced to the front end)."""
    details = {"id": node.id, "name": node.name, "kind": node.kind, "saved": []}
    for value in node.saved:
        entry = {"name": value.name, "kind": value.kind, "status": value.status}
        if value.tensor is not None:
            entry["shape"] = value.tensor.shape
            entry["dtype"] = value.tensor.dtype
            if value.tensor.preview is not None:
                entry["preview"] = value.tensor.preview
        if value.saved_version is not None:
            entry["saved_version"] = value.saved_version
            entry["version"] = value.version
        if value.text is not None:
            entry["text"] = value.text
        if value.message is not None:
            entry["message"] = value.message
        details["saved"].append(entry)
    if node.variable is not None:
        leaf = node.variable
        details["leaf"] = {
            "shape": leaf.shape,
            "dtype": leaf.dtype,
            "version": leaf.version,
            "grad": None
            if leaf.grad is None
            else {"shape": leaf.grad.shape, "preview": leaf.grad.preview},
        }
    if node.kind == "fold":
        details["pattern"] = node.pattern
        details["repeats"] = node.repeats
    return details


class GraphView(FollowsCells, anywidget.AnyWidget):
    """``GraphView(y)``: the grad_fn graph of ``y``; ``refresh()`` redraws it (after backward,
    after an in-place change; in IPython it does so after every cell by itself, unless
    ``shell=None``); ``selected`` is the id of the node clicked."""

    _esm, _css = front_end("graph_view")

    svg = traitlets.Unicode("").tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    nodes = traitlets.Dict().tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    alive = traitlets.Bool(True).tag(sync=True)  # False once the tensor was deleted

    def __init__(
        self,
        tensor,
        *,
        name: str = "y",
        saved: bool = False,
        depth: int | None = None,
        fold: bool = False,
        max_nodes: int = 500,
        shell=CURRENT,
        **kwargs,
    ) -> None:
        if not inspect._is_tensor(tensor):
            raise TypeError(f"GraphView shows a tensor's graph, not a {type(tensor).__name__}")
        super().__init__(**kwargs)
        self._tensor = weakref.ref(tensor, on_death(self, "refresh"))
        self._options = {"saved": saved, "depth": depth, "fold": fold, "max_nodes": max_nodes}
        self._name = name
        self.refresh()
        self._follow(shell)

    @property
    def tensor(self):
        """The tensor shown, or None once it was deleted."""
        return self._tensor()

    def refresh(self) -> None:
        """Snapshot the graph again and redraw it (the view never changes the tensor)."""
        with self.hold_sync():  # every trait in one message: the front end draws once
            self._draw()

    def _draw(self) -> None:
        tensor = self._tensor()
        if tensor is None:  # the last picture stays: it is plain data, and says what was
            self.alive = False
            self.status = f"{self._name} was deleted: this is its graph as it last was"
            return
        options = self._options
        graph = inspect.graph(
            tensor,
            names=[self._name],
            depth=options["depth"],
            fold=options["fold"],
            max_nodes=options["max_nodes"],
        )
        stale = [v for node in graph.nodes for v in node.saved if v.status == "stale"]
        freed = [v for node in graph.nodes for v in node.saved if v.status == "freed"]
        if stale:
            self.status = "backward() will fail: " + stale[0].message.split(" Hint:")[0]
        elif freed:
            self.status = "saved tensors were freed by backward(): a second backward() will fail"
        else:
            self.status = graph.note or ""
        self.text = render.graph_text(graph)
        self.svg = render.graph_svg(graph, saved=options["saved"])
        self.nodes = {node.id: _details(node) for node in graph.nodes}
        if self.selected not in self.nodes:
            self.selected = ""

    def _repr_mimebundle_(self, **kwargs):
        return with_static(super()._repr_mimebundle_(**kwargs), self.text or self.status, self.svg)
