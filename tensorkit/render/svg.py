"""SVG pictures of backward graphs, laid out by tensorkit itself: no Graphviz binary.

The layout is a layered one (Sugiyama's scheme, kept small):

1. layers: each node one row below the lowest of the nodes that send it a gradient (the longest
   path from a root), so every edge points down;
2. long edges get a waypoint in each row they cross, so they are ordered like nodes;
3. order within rows: a few sweeps down and up placing each node at the mean position of its
   neighbours in the row before (the barycenter heuristic), ties kept in walk order;
4. coordinates: rows centred, boxes as wide as their text.

Everything is computed from the snapshot alone with integer-rounded coordinates, so the same
graph gives the same bytes on every run (nbval and git diffs can rely on it).
"""

from __future__ import annotations

import itertools
from xml.sax.saxutils import escape

from ..inspect import Graph, Node, SavedValue

__all__ = ["graph_svg"]

CHAR_WIDTH = 7  # px per character of the 12px monospace font
LINE_HEIGHT = 15
PAD_X, PAD_Y = 10, 6
ROW_GAP = 46
COLUMN_GAP = 24
MARGIN = 16
SWEEPS = 4
# An edge crossing more rows than this gets no waypoints (one per row would make a picture of
# a long loop quadratic in its size): it is drawn as one curve.
MAX_WAYPOINTS = 3

_STYLE = (
    "text{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;"
    "fill:#1f2328}"
    ".node rect{fill:#ddf4ff;stroke:#0969da;stroke-width:1}"
    ".leaf rect{fill:#dafbe1;stroke:#1a7f37}"
    ".fold rect{fill:#f6f8fa;stroke:#8c959f;stroke-dasharray:4 2}"
    ".stale rect{fill:#ffebe9;stroke:#cf222e;stroke-width:2}"
    ".freed rect{stroke-dasharray:2 2}"
    ".edge{fill:none;stroke:#57606a;stroke-width:1}"
    ".root{fill:#8250df}"
    ".note{fill:#57606a;font-style:italic}"
)


_ARROW = (
    '<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" '
    'markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#57606a"/></marker></defs>'
)


def _saved_line(value: SavedValue) -> str:
    if value.kind == "none":
        return f"{value.name}: none"
    if value.status == "freed":
        return f"{value.name}: freed"
    if value.status == "unreadable":
        return f"{value.name}: unreadable"
    if value.status == "stale":
        return f"{value.name}: STALE v{value.saved_version}→v{value.version}"
    if value.kind == "tensor":
        shape = "×".join(str(size) for size in value.tensor.shape) or "scalar"
        return f"{value.name}: {shape} v{value.version}"
    if value.text is not None and len(value.text) <= 24:
        return f"{value.name}={value.text}"
    return f"{value.name}: {value.kind}"


def _lines(node: Node, saved: bool) -> list[str]:
    if node.kind == "fold":
        return [f"{' → '.join(node.pattern)}", f"×{node.repeats} ({node.hidden} nodes)"]
    if node.kind == "leaf":
        leaf = node.variable
        shape = "×".join(str(size) for size in leaf.shape) or "scalar"
        grad = "none" if leaf.grad is None else "set"
        return [node.id, f"leaf {shape} {leaf.dtype}", f"grad {grad}, v{leaf.version}"]
    lines = [node.id]
    if saved:
        lines += [_saved_line(value) for value in node.saved]
    return lines


def _classes(node: Node) -> str:
    classes = ["node", node.kind]
    statuses = {value.status for value in node.saved}
    if "stale" in statuses:
        classes.append("stale")
    elif "freed" in statuses:
        classes.append("freed")
    return " ".join(classes)


def _layers(graph: Graph) -> dict[str, int]:
    """Each node's row: one below the lowest row of the nodes with an edge into it."""
    order = [node.id for node in graph.nodes]
    incoming: dict[str, list[str]] = {node_id: [] for node_id in order}
    outgoing: dict[str, list[str]] = {node_id: [] for node_id in order}
    for edge in graph.edges:
        incoming[edge.target].append(edge.source)
        outgoing[edge.source].append(edge.target)
    # Kahn's order (the graph is a DAG), then the longest path from the roots
    remaining = {node_id: len(set(incoming[node_id])) for node_id in order}
    ready = [node_id for node_id in order if remaining[node_id] == 0]
    layer = {node_id: 0 for node_id in ready}
    head = 0
    while head < len(ready):
        node_id = ready[head]
        head += 1
        for target in dict.fromkeys(outgoing[node_id]):
            layer[target] = max(layer.get(target, 0), layer[node_id] + 1)
            remaining[target] -= 1
            if remaining[target] == 0:
                ready.append(target)
    return layer


def _order(graph: Graph, layer: dict[str, int]):
    """Rows of node ids and waypoints (``(source, target, row)``), ordered by barycenters."""
    rows: dict[int, list] = {}
    for node in graph.nodes:
        rows.setdefault(layer[node.id], []).append(node.id)
    links: list[tuple] = []  # (upper item, lower item) between adjacent rows
    paths: dict[tuple, list] = {}
    for edge in graph.edges:
        key = (edge.source, edge.target)
        if key in paths:
            continue
        top, bottom = layer[edge.source], layer[edge.target]
        chain = [edge.source]
        if bottom - top <= MAX_WAYPOINTS + 1:  # longer edges are drawn as one curve
            for row in range(top + 1, bottom):
                waypoint = (edge.source, edge.target, row)
                rows[row].append(waypoint)
                chain.append(waypoint)
        chain.append(edge.target)
        paths[key] = chain
        links += list(itertools.pairwise(chain))
    up: dict = {}
    down: dict = {}
    for upper, lower in links:
        down.setdefault(upper, []).append(lower)
        up.setdefault(lower, []).append(upper)
    depth = max(rows) if rows else 0
    for sweep in range(SWEEPS):
        downward = sweep % 2 == 0
        sequence = range(1, depth + 1) if downward else range(depth - 1, -1, -1)
        for row in sequence:
            reference = rows.get(row - 1 if downward else row + 1, [])
            position = {item: index for index, item in enumerate(reference)}
            neighbours = up if downward else down

            def weight(item, index, position=position, neighbours=neighbours):
                around = [position[n] for n in neighbours.get(item, ()) if n in position]
                return (sum(around) / len(around) if around else index, index)

            rows[row] = [
                item
                for _, item in sorted(
                    ((weight(item, index), item) for index, item in enumerate(rows[row])),
                    key=lambda pair: pair[0],
                )
            ]
    return rows, paths


def graph_svg(graph: Graph, saved: bool = False) -> str:
    """The graph as an SVG document (a string): nodes top-down from the roots, edges pointing
    the way gradients flow, leaves in green, stale saved values in red, folds dashed; with
    ``saved``, each node lists its saved values."""
    by_id = {node.id: node for node in graph.nodes}
    layer = _layers(graph)
    rows, paths = _order(graph, layer)
    boxes: dict = {}  # item -> (x, y, width, height)
    row_heights = {}
    for row, items in rows.items():
        row_heights[row] = (
            max(
                (len(_lines(by_id[item], saved)) * LINE_HEIGHT + 2 * PAD_Y)
                for item in items
                if isinstance(item, str)
            )
            if any(isinstance(item, str) for item in items)
            else LINE_HEIGHT
        )
    widths = {}
    for row, items in rows.items():
        total = 0
        for item in items:
            if isinstance(item, str):
                text = _lines(by_id[item], saved)
                width = max(len(line) for line in text) * CHAR_WIDTH + 2 * PAD_X
            else:
                width = 0
            widths[item] = width
            total += width
        widths[row] = total + COLUMN_GAP * (len(items) - 1)
    canvas = max((widths[row] for row in rows), default=0) + 2 * MARGIN
    top = MARGIN + (LINE_HEIGHT if graph.roots else 0)
    y = top
    for row in sorted(rows):
        x = (canvas - widths[row]) // 2
        for item in rows[row]:
            height = row_heights[row] if isinstance(item, str) else 0
            boxes[item] = (x, y, widths[item], height)
            x += widths[item] + COLUMN_GAP
        y += row_heights[row] + ROW_GAP
    note_lines = 1 if graph.note else 0
    height = y - ROW_GAP + MARGIN + note_lines * LINE_HEIGHT if rows else top + MARGIN

    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{canvas}" height="{height}" '
            f'viewBox="0 0 {canvas} {height}" role="img" aria-label="backward graph">'
        ),
        f"<style>{_STYLE}</style>",
        _ARROW,
    ]
    labels = ", ".join(f"{root.label} → {root.node or 'no graph'}" for root in graph.roots)
    if labels:
        parts.append(f'<text class="root" x="{MARGIN}" y="{MARGIN + 10}">{escape(labels)}</text>')
    for (source, target), chain in paths.items():
        points = []
        for index, item in enumerate(chain):
            x, y0, width, h = boxes[item]
            centre = x + width // 2
            if index == 0:
                points.append((centre, y0 + h))
            elif index == len(chain) - 1:
                points.append((centre, y0))
            else:
                points.append((centre, y0))
        if len(points) == 2 and layer[target] - layer[source] > 1:
            (x1, y1), (x2, y2) = points  # a long edge: a curve, bowing out to the side
            bow = 40 + 4 * (layer[target] - layer[source])
            path = f"M{x1},{y1} C{x1 + bow},{y1 + 40} {x2 + bow},{y2 - 40} {x2},{y2}"
        else:
            path = " ".join(
                f"{'M' if i == 0 else 'L'}{px},{py}" for i, (px, py) in enumerate(points)
            )
        parts.append(
            f'<path class="edge" d="{path}" marker-end="url(#arrow)">'
            f"<title>{escape(source)} → {escape(target)}</title></path>"
        )
    for node in graph.nodes:
        x, y0, width, h = boxes[node.id]
        lines = _lines(node, saved)
        tip = [node.name] + [_saved_line(value) for value in node.saved]
        parts.append(f'<g class="{_classes(node)}" id="{escape(node.id)}">')
        parts.append(f"<title>{escape(chr(10).join(tip))}</title>")
        parts.append(f'<rect x="{x}" y="{y0}" width="{width}" height="{h}" rx="4"/>')
        for index, line in enumerate(lines):
            baseline = y0 + PAD_Y + (index + 1) * LINE_HEIGHT - 4
            parts.append(f'<text x="{x + PAD_X}" y="{baseline}">{escape(line)}</text>')
        parts.append("</g>")
    if graph.note:
        parts.append(
            f'<text class="note" x="{MARGIN}" y="{height - MARGIN // 2}">{escape(graph.note)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
