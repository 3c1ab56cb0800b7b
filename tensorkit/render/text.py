"""The text twins of the pictures: a graph as an indented tree, memory as a table per buffer.

>>> import tensorkit
>>> from tensorkit import inspect
>>> x = tensorkit.ones(3, requires_grad=True)
>>> print(graph_text(inspect.graph((x * 2).sum(), names=["loss"])))
loss: [] float32, grad_fn SumBackward0#1
SumBackward0#1  saved self_sym_sizes=(3,)
└─ MulBackward0#1  saved other: [] int64, version 0, self: none
└─ AccumulateGrad#1  leaf [3] float32, version 0, grad none
"""

from __future__ import annotations

from ..inspect import Diff, Graph, Memory, Node, SavedValue, TensorInfo

__all__ = ["diff_text", "graph_text", "memory_text"]


def _shape(info: TensorInfo) -> str:
    return "[" + ", ".join(str(size) for size in info.shape) + "]"


def _tensor(info: TensorInfo) -> str:
    device = "" if info.device in ("cpu", "") else f" on {info.device}"
    return f"{_shape(info)} {info.dtype}{device}"


def _saved(value: SavedValue) -> str:
    if value.kind == "none":
        return f"{value.name}: none"
    if value.status == "freed":
        return f"{value.name}: freed by backward"
    if value.status == "unreadable":
        return f"{value.name}: unreadable ({value.message})"
    if value.status == "stale":
        return (
            f"{value.name}: {_tensor(value.tensor)} STALE (saved at version {value.saved_version}, "
            f"now {value.version}: backward will fail)"
        )
    if value.kind == "tensor":
        return f"{value.name}: {_tensor(value.tensor)}, version {value.version}"
    if value.text is not None:
        return f"{value.name}={value.text}"
    return f"{value.name}: {value.kind}"


def _label(node: Node) -> str:
    if node.kind == "fold":
        return f"{node.id}  {node.name}, {node.hidden} nodes folded"
    if node.kind == "leaf":
        leaf = node.variable
        grad = "none" if leaf.grad is None else _tensor(leaf.grad)
        return f"{node.id}  leaf {_tensor(leaf)}, version {leaf.version}, grad {grad}"
    if node.saved:
        return f"{node.id}  saved " + ", ".join(_saved(value) for value in node.saved)
    return node.id


def graph_text(graph: Graph) -> str:
    """The graph as a tree from each root; a node reached again shows as "(shown above)"."""
    lines = []
    for root in graph.roots:
        where = f"grad_fn {root.node}" if root.node else "no grad_fn (no gradient reaches it)"
        if root.node and root.node.startswith("AccumulateGrad"):
            where = f"a leaf ({root.node})"
        lines.append(f"{root.label}: {_tensor(root.tensor)}, {where}")
    by_id = {node.id: node for node in graph.nodes}
    children: dict[str, list[str]] = {}
    for edge in graph.edges:
        children.setdefault(edge.source, []).append(edge.target)
    shown: set[str] = set()
    for root in graph.roots:
        if root.node is None or root.node in shown:
            continue
        # an explicit stack: a chain of 100,000 nodes draws without recursion
        stack = [(root.node, "", "", True)]
        while stack:
            node_id, prefix, branch, _last = stack.pop()
            if node_id in shown:
                lines.append(f"{prefix}{branch}{node_id}  (shown above)")
                continue
            shown.add(node_id)
            lines.append(f"{prefix}{branch}{_label(by_id[node_id])}")
            kids = children.get(node_id, [])
            # indent where the graph branches; a chain (one input after another) stays in line,
            # so a long chain draws in linear time and width
            if branch and len(kids) > 1 or branch.startswith("├"):
                prefix += "   " if branch.startswith("└") else "│  "
            for position in range(len(kids) - 1, -1, -1):
                last = position == len(kids) - 1
                stack.append((kids[position], prefix, "└─ " if last else "├─ ", last))
    if graph.note:
        lines.append(f"({graph.note})")
    return "\n".join(lines)


def memory_text(memory: Memory) -> str:
    """Each buffer (its size and device) with the window every name sees on it."""
    lines = []
    windows = {window.name: window for window in memory.windows}
    width = max((len(name) for name in windows), default=0)
    for buffer in memory.buffers:
        lines.append(f"{buffer.id}: {buffer.nbytes} bytes on {buffer.device}")
        for name in buffer.names:
            window = windows[name]
            shape = "[" + ", ".join(str(size) for size in window.shape) + "]"
            strides = str(tuple(window.strides))
            parts = [
                f"  {name:<{width}}  {shape} {window.dtype}",
                f"offset {window.offset}",
                f"strides {strides}",
            ]
            if window.kind == "tensor":
                parts.append(f"version {window.version} ({window.counter})")
                if window.grad_fn:
                    parts.append(f"grad_fn {window.grad_fn}")
                elif window.requires_grad:
                    parts.append("requires grad")
            else:
                parts.append(f"{window.library} array")
            lines.append(", ".join(parts))
    if memory.shared_counters:
        groups = "; ".join(", ".join(names) for names in memory.shared_counters)
        exact = "" if memory.counters_exact else " (inferred: PyTorch does not show counters)"
        lines.append(f"shared version counters: {groups}{exact}")
    return "\n".join(lines)


def diff_text(diff: Diff) -> str:
    return "\n".join(diff.texts()) if diff else "nothing changed"
