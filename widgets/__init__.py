"""The interactive Jupyter views of tensorkit, importable as ``tensorkit.widgets``.

Each view is a small widget class over the plain-data snapshots of ``tensorkit.inspect``, with its
front-end ``.js``/``.css`` beside it (anywidget: an ES module, no build step).

* ``GraphView(y)``: the grad_fn graph, with pan, zoom and a click panel for each node.
"""

from .graph_view import GraphView

__all__ = ["GraphView"]
