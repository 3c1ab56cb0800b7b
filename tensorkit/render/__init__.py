"""Pictures of ``tensorkit.inspect`` snapshots, drawn by tensorkit itself (no Graphviz binary).

Every picture has a text twin (``text``): deterministic, with no memory addresses, for
``text/plain`` outputs that nbval compares and a screen reader reads.
"""

from .memory_svg import memory_svg
from .svg import graph_svg
from .text import diff_text, graph_text, memory_text
from .timeline_svg import timeline_svg

__all__ = ["diff_text", "graph_svg", "graph_text", "memory_svg", "memory_text", "timeline_svg"]
