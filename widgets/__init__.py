"""The interactive Jupyter views of tensorkit, importable as ``tensorkit.widgets``.

Each view is a small widget class over the plain-data snapshots of ``tensorkit.inspect``, with its
front-end ``.js``/``.css`` beside it (anywidget: an ES module, no build step).

* ``GraphView(y)``: the grad_fn graph, with pan, zoom and a click panel for each node;
* ``MemoryView(...)``: buffers and each name's window on them, what changed highlighted;
* ``VersionTimeline(...)``: each watched tensor's version after every cell, and who bumped it.
"""

from .graph_view import GraphView
from .memory_view import MemoryView
from .version_timeline import VersionTimeline

__all__ = ["GraphView", "MemoryView", "VersionTimeline"]
