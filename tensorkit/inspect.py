"""Snapshots of tensors as plain data, for pictures: the backward graph behind tensors
(``graph``) and the memory behind tensors and arrays (``memory``).

A snapshot is made of dataclasses that serialise to JSON (``to_dict``, ``to_json``). It reads
tensors only through their public attributes (``grad_fn``, ``next_functions``, ``_saved_*``,
``_version``, ``_base``, ``grad``, ``is_leaf``...), so the same snapshot is taken of PyTorch's
tensors, and a lesson can draw both.

>>> import tensorkit
>>> x = tensorkit.ones(3, requires_grad=True)
>>> y = (x * 2).sum()
>>> [node.id for node in graph(y).nodes]
['SumBackward0#1', 'MulBackward0#1', 'AccumulateGrad#1']

Node ids are stable: the class name and a count, in the order of a walk from the roots, so two
runs of the same program give the same ids (nbval can compare them), never ``id()``.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
import weakref
from dataclasses import dataclass, field

from ._backend import byte_extent

__all__ = [
    "Buffer",
    "Change",
    "Diff",
    "Edge",
    "Graph",
    "Memory",
    "Node",
    "SavedValue",
    "TensorInfo",
    "Window",
    "diff",
    "graph",
    "memory",
    "reading_order",
]

DEFAULT_MAX_NODES = 200_000
FOLD_MIN_REPEATS = 3  # a pattern repeated fewer times than this is drawn in full
FOLD_MAX_PERIOD = 8  # the longest repeated pattern looked for

_STALE = re.compile(
    r"modified by an inplace operation: \[(?P<type>[\w.]+) \[(?P<shape>[\d, ]*)\]\].*?"
    r"is at version (?P<now>\d+); expected version (?P<saved>\d+) instead",
    re.DOTALL,
)
_FREED = ("a second time", "already been freed")
_LEGACY_DTYPES = {
    "FloatTensor": "float32",
    "DoubleTensor": "float64",
    "HalfTensor": "float16",
    "BFloat16Tensor": "bfloat16",
    "LongTensor": "int64",
    "IntTensor": "int32",
    "ShortTensor": "int16",
    "CharTensor": "int8",
    "ByteTensor": "uint8",
    "BoolTensor": "bool",
}


# ---------------------------------------------------------------------------- the data


class _PlainData:
    """A snapshot's serialisation: a dict of plain values, or JSON."""

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)


@dataclass
class TensorInfo:
    """What a picture shows of a tensor (a leaf, a root, a saved tensor, a gradient)."""

    shape: list[int]
    dtype: str
    device: str
    requires_grad: bool
    is_leaf: bool
    version: int
    is_view: bool
    grad: TensorInfo | None = None
    preview: str | None = None  # a saved tensor's or a grad's first values: "[1, 2.5, …]"


@dataclass
class SavedValue:
    """One value a backward node saved (``node._saved_<name>``).

    ``status`` is ``"ok"``; ``"stale"`` when the tensor was changed in place since it was saved
    (``saved_version`` against ``version``: backward will raise ``message``); ``"freed"`` when
    a backward without ``retain_graph`` released it (``message`` is the error reading it gives);
    or ``"unreadable"`` when reading it raised something else (``message`` says what): a
    snapshot never fails on a node it does not know.
    """

    name: str
    kind: str  # "tensor", "tensors", "number", "none" or "value"
    status: str
    tensor: TensorInfo | None = None
    saved_version: int | None = None
    version: int | None = None
    text: str | None = None  # a number's or a value's text
    message: str | None = None


@dataclass
class Node:
    """A backward node (``grad_fn``), a leaf's ``AccumulateGrad``, or a folded run of nodes."""

    id: str
    name: str
    kind: str  # "backward", "leaf" or "fold"
    depth: int
    saved: list[SavedValue] = field(default_factory=list)
    variable: TensorInfo | None = None  # the leaf of an AccumulateGrad
    pattern: list[str] | None = None  # a fold: the names of one period of the run
    repeats: int | None = None  # a fold: how many times the pattern repeats
    hidden: int | None = None  # a fold: how many nodes it stands for


@dataclass
class Edge:
    """A gradient's way from ``source`` to ``target`` (``source.next_functions[position]``)."""

    source: str
    target: str
    position: int
    input_nr: int


@dataclass
class Root:
    """A tensor the snapshot was taken of, and the node its gradient starts from (None: no
    gradient reaches it)."""

    label: str
    tensor: TensorInfo
    node: str | None


@dataclass
class Graph(_PlainData):
    """The backward graph behind some tensors, in walk order from them."""

    roots: list[Root]
    nodes: list[Node]
    edges: list[Edge]
    truncated: bool = False
    note: str | None = None

    def node(self, id: str) -> Node:
        for node in self.nodes:
            if node.id == id:
                return node
        raise KeyError(id)


# ---------------------------------------------------------------------------- reading tensors


def _is_tensor(value) -> bool:
    """A tensor of tensorkit or PyTorch (read by duck typing: nothing is imported for it)."""
    return all(hasattr(value, name) for name in ("grad_fn", "requires_grad", "is_leaf", "shape"))


def _dtype_name(dtype) -> str:
    return str(dtype).rsplit(".", 1)[-1]


PREVIEW_VALUES = 6  # how many of a tensor's values its preview shows


def _number_text(value) -> str:
    if isinstance(value, (bool, int)):
        return str(value)
    return f"{value:.4g}"  # floats and complex numbers


def preview(tensor) -> str:
    """The first few values of a tensor, in reading order: ``[0.8415, 0.9093, …]`` (a 0-d
    tensor reads as its value). Read through public methods, and never by copying the whole
    tensor (a view that is not contiguous is read element by element); values on a GPU are
    copied, the few shown."""
    tensor = tensor.detach()
    if tensor.dim() == 0:
        return _number_text(tensor.item())
    count = int(tensor.numel())
    shown = min(count, PREVIEW_VALUES)
    if tensor.is_contiguous():
        values = tensor.reshape(-1)[:shown].tolist()  # a view: nothing copied but these
    else:
        values = [tensor[_index(position, tensor.shape)].item() for position in range(shown)]
    more = ", …" if count > PREVIEW_VALUES else ""
    return "[" + ", ".join(_number_text(value) for value in values) + more + "]"


def _index(position: int, shape) -> tuple[int, ...]:
    """The index of the element at ``position`` in row-major reading order."""
    index = []
    for size in reversed(tuple(shape)):
        position, rest = divmod(position, int(size))
        index.append(rest)
    return tuple(reversed(index))


def tensor_info(tensor, with_grad: bool = True, with_preview: bool = False) -> TensorInfo:
    """A tensor's picture-worthy facts, through public attributes only; a leaf's grad comes
    with a preview of its values, and so does the tensor itself with ``with_preview``."""
    grad = None
    if with_grad and tensor.is_leaf:
        value = tensor.grad
        if value is not None:
            grad = tensor_info(value, with_grad=False, with_preview=True)
    return TensorInfo(
        shape=[int(size) for size in tensor.shape],
        dtype=_dtype_name(tensor.dtype),
        device=str(tensor.device),
        requires_grad=bool(tensor.requires_grad),
        is_leaf=bool(tensor.is_leaf),
        version=int(tensor._version),
        is_view=tensor._base is not None,
        grad=grad,
        preview=preview(tensor) if with_preview else None,
    )


def _saved_names(node) -> list[str]:
    return sorted(name[len("_saved_") :] for name in dir(node) if name.startswith("_saved_"))


def _saved_value(node, name: str) -> SavedValue:
    try:
        value = getattr(node, f"_saved_{name}")
    except RuntimeError as error:
        message = str(error)
        stale = _STALE.search(message)
        if stale is not None:
            shape = [int(size) for size in stale["shape"].split(",") if size.strip()]
            kind = stale["type"].split(".")  # torch.FloatTensor, tensorkit.cuda.DoubleTensor
            dtype = _LEGACY_DTYPES.get(kind[-1], kind[-1])
            device = "cuda" if "cuda" in kind else "cpu"
            now = int(stale["now"])
            return SavedValue(
                name,
                "tensor",
                "stale",
                tensor=TensorInfo(shape, dtype, device, False, False, now, False),
                saved_version=int(stale["saved"]),
                version=int(stale["now"]),
                message=message,
            )
        if any(marker in message for marker in _FREED):
            return SavedValue(name, "tensor", "freed", message=message)
        return SavedValue(name, "value", "unreadable", message=f"RuntimeError: {message}")
    except (AttributeError, TypeError, ValueError) as error:  # a node of another kind: say so
        return SavedValue(name, "value", "unreadable", message=f"{type(error).__name__}: {error}")
    if value is None:
        return SavedValue(name, "none", "ok")
    if _is_tensor(value):
        info = tensor_info(value, with_grad=False, with_preview=True)
        return SavedValue(
            name, "tensor", "ok", tensor=info, saved_version=info.version, version=info.version
        )
    if isinstance(value, (list, tuple)) and value and all(_is_tensor(item) for item in value):
        return SavedValue(name, "tensors", "ok", text=f"{len(value)} tensors")
    if isinstance(value, (bool, int, float)):
        return SavedValue(name, "number", "ok", text=repr(value))
    return SavedValue(name, "value", "ok", text=repr(value) if len(repr(value)) < 80 else None)


def _node_name(fn) -> str:
    return type(fn).__name__


# ---------------------------------------------------------------------------- the walk


def graph(
    *tensors,
    names: list[str] | None = None,
    saved: bool = True,
    depth: int | None = None,
    fold: bool = False,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> Graph:
    """The backward graph behind ``tensors`` (tensorkit's or PyTorch's).

    ``names`` labels the roots (default ``t0``, ``t1``...). ``saved`` reads each node's saved
    values (with their status: ok, stale or freed). ``depth`` stops the walk that many edges
    from the roots; ``max_nodes`` caps the number of nodes (200,000 by default); both say so in
    ``truncated`` and ``note``. ``fold`` replaces each run of a repeated pattern of nodes (a
    loop's body, unrolled) by one node of kind ``"fold"``. The walk is iterative: a chain of
    100,000 ops is no problem.
    """
    if not tensors:
        raise TypeError("graph() needs at least one tensor")
    for position, tensor in enumerate(tensors):
        if not _is_tensor(tensor):
            raise TypeError(
                f"graph() takes tensors, but argument {position} is a {type(tensor).__name__}"
            )
    if names is not None and len(names) != len(tensors):
        raise ValueError(f"{len(names)} names given for {len(tensors)} tensors")
    if depth is not None and depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    labels = list(names) if names is not None else [f"t{i}" for i in range(len(tensors))]

    ids: dict[int, str] = {}  # id(fn) -> node id
    functions: dict[str, object] = {}  # node id -> fn (kept alive while walking)
    depths: dict[str, int] = {}
    counts: dict[str, int] = {}
    order: list[str] = []
    edges: list[Edge] = []
    truncated, reasons = False, []

    def visit(fn, level: int) -> str | None:
        nonlocal truncated
        key = id(fn)
        known = ids.get(key)
        if known is not None:
            return known
        if len(order) >= max_nodes:
            truncated = True
            return None
        name = _node_name(fn)
        counts[name] = counts.get(name, 0) + 1
        node_id = f"{name}#{counts[name]}"
        ids[key], functions[node_id], depths[node_id] = node_id, fn, level
        order.append(node_id)
        return node_id

    roots = []
    queue = []  # (fn, node id): breadth first, so ids count outwards from the roots
    for label, tensor in zip(labels, tensors):
        fn = tensor.grad_fn
        if fn is None and tensor.requires_grad and tensor.is_leaf:
            fn = _accumulate_node(tensor)
        node_id = visit(fn, 0) if fn is not None else None
        if node_id is not None and node_id not in [entry[1] for entry in queue]:
            queue.append((fn, node_id))
        roots.append(Root(label, tensor_info(tensor), node_id))
    head = 0
    while head < len(queue):
        fn, node_id = queue[head]
        head += 1
        level = depths[node_id]
        if depth is not None and level >= depth:
            if any(next_fn is not None for next_fn, _ in fn.next_functions):
                truncated = True
                if "depth" not in reasons:
                    reasons.append("depth")
            continue
        for position, (next_fn, input_nr) in enumerate(fn.next_functions):
            if next_fn is None:
                continue
            seen = id(next_fn) in ids
            target = visit(next_fn, level + 1)
            if target is None:
                if "size" not in reasons:
                    reasons.append("size")
                continue
            edges.append(Edge(node_id, target, position, int(input_nr)))
            if not seen:
                queue.append((next_fn, target))

    nodes = [_make_node(node_id, functions[node_id], depths[node_id], saved) for node_id in order]
    note = None
    if truncated:
        parts = []
        if "depth" in reasons:
            parts.append(f"cut at depth {depth}")
        if "size" in reasons:
            parts.append(f"capped at {max_nodes:,} nodes")
        note = "graph " + " and ".join(parts) + ": nodes beyond are not shown"
    result = Graph(roots, nodes, edges, truncated, note)
    return _fold(result) if fold else result


def _accumulate_node(tensor):
    """A leaf's AccumulateGrad, found the public way: through a throwaway view's graph."""
    view = tensor.view_as(tensor)
    fn = view.grad_fn
    return fn.next_functions[0][0] if fn is not None else None


def _make_node(node_id: str, fn, depth: int, read_saved: bool) -> Node:
    name = _node_name(fn)
    variable = getattr(fn, "variable", None)
    if variable is not None and name == "AccumulateGrad":
        return Node(node_id, name, "leaf", depth, variable=tensor_info(variable))
    values = [_saved_value(fn, key) for key in _saved_names(fn)] if read_saved else []
    return Node(node_id, name, "backward", depth, saved=values)


# ---------------------------------------------------------------------------- folding


def _fold(result: Graph) -> Graph:
    """Each run of one pattern of nodes repeated FOLD_MIN_REPEATS times or more along a chain
    (one way in, one way out) becomes one node of kind "fold"."""
    outgoing: dict[str, list[Edge]] = {}
    incoming: dict[str, list[Edge]] = {}
    for edge in result.edges:
        outgoing.setdefault(edge.source, []).append(edge)
        incoming.setdefault(edge.target, []).append(edge)
    rooted = {root.node for root in result.roots}
    by_id = {node.id: node for node in result.nodes}

    def linear(node_id: str) -> bool:
        return (
            by_id[node_id].kind == "backward"
            and len(outgoing.get(node_id, ())) == 1
            and len(incoming.get(node_id, ())) <= 1
        )

    # the chains: maximal runs of linear nodes, each followed along its one outgoing edge
    chains, placed = [], set()
    for node in result.nodes:
        start = node.id
        if start in placed or not linear(start):
            continue
        previous = incoming.get(start)
        if previous and linear(previous[0].source) and start not in rooted:
            continue  # not the head of its chain: reached from the head
        chain = [start]
        placed.add(start)
        current = start
        while True:
            after = outgoing[current][0].target
            if after in placed or not linear(after) or after in rooted:
                break
            chain.append(after)
            placed.add(after)
            current = after
        chains.append(chain)

    replaced: dict[str, str] = {}  # folded node id -> the fold's id
    folds: list[Node] = []
    for chain in chains:
        names = [by_id[node_id].name for node_id in chain]
        start = 0
        while start < len(chain):
            run = _longest_run(names, start)
            if run is None:
                start += 1
                continue
            period, repeats = run
            members = chain[start : start + period * repeats]
            fold_id = f"fold#{len(folds) + 1}"
            folds.append(
                Node(
                    fold_id,
                    f"({' → '.join(names[start : start + period])}) ×{repeats}",
                    "fold",
                    by_id[members[0]].depth,
                    pattern=names[start : start + period],
                    repeats=repeats,
                    hidden=len(members),
                )
            )
            for member in members:
                replaced[member] = fold_id
            start += period * repeats
    if not folds:
        return result

    nodes, inserted = [], set()
    for node in result.nodes:
        fold_id = replaced.get(node.id)
        if fold_id is None:
            nodes.append(node)
        elif fold_id not in inserted:
            inserted.add(fold_id)
            nodes.append(next(fold for fold in folds if fold.id == fold_id))
    edges = []
    for edge in result.edges:
        source = replaced.get(edge.source, edge.source)
        target = replaced.get(edge.target, edge.target)
        if source == target:
            continue  # inside a fold
        edges.append(Edge(source, target, edge.position, edge.input_nr))
    roots = [
        Root(root.label, root.tensor, replaced.get(root.node, root.node)) for root in result.roots
    ]
    return Graph(roots, nodes, edges, result.truncated, result.note)


def _longest_run(names: list[str], start: int):
    """(period, repeats) of the pattern repeated most often from ``start`` (at least
    FOLD_MIN_REPEATS times; the shortest period wins a tie), or None."""
    best = None
    for period in range(1, FOLD_MAX_PERIOD + 1):
        pattern = names[start : start + period]
        if len(pattern) < period:
            break
        repeats = 1
        while names[start + repeats * period : start + (repeats + 1) * period] == pattern:
            repeats += 1
        if repeats >= FOLD_MIN_REPEATS and (best is None or repeats * period > best[0] * best[1]):
            best = (period, repeats)
    return best


# ---------------------------------------------------------------------------- memory


@dataclass
class Window:
    """What one name sees of a buffer: where it starts (bytes from the buffer's start), its shape
    and its strides (in elements)."""

    name: str
    kind: str  # "tensor" (tensorkit's or PyTorch's) or "array" (NumPy's or CuPy's)
    library: str  # "tensorkit", "torch", "numpy", "cupy"...
    buffer: str
    offset: int
    shape: list[int]
    strides: list[int]
    dtype: str
    itemsize: int
    device: str
    version: int | None = None  # tensors: their version counter's value
    counter: str | None = None  # tensors: which counter ("counter#1"), shared by views and detach
    requires_grad: bool | None = None
    grad_fn: str | None = None
    is_view: bool | None = None


@dataclass
class Buffer:
    """A range of memory that some names see: ``address`` (first byte; differs from run to run,
    so pictures show offsets) and ``nbytes``."""

    id: str
    address: int
    nbytes: int
    device: str
    names: list[str]


@dataclass
class Memory(_PlainData):
    """The buffers behind some tensors and arrays, the window each name sees on them, and which
    names share a buffer or a version counter.

    ``counters_exact`` is False when a PyTorch tensor is among them: PyTorch shows no version
    counter's identity, so tensors on one buffer whose versions agree are grouped as sharing one.
    """

    buffers: list[Buffer]
    windows: list[Window]
    shared_buffers: list[list[str]]
    shared_counters: list[list[str]]
    counters_exact: bool = True

    def window(self, name: str) -> Window:
        for window in self.windows:
            if window.name == name:
                return window
        raise KeyError(name)


def reading_order(window: Window, unit: int | None = None) -> list[int]:
    """The positions a window reads, in its row-major order, counted in ``unit`` bytes from the
    buffer's start (the window's itemsize by default): [0, 3, 1, 4, 2, 5] for a 2x3 transpose."""
    unit = unit or window.itemsize
    scale = window.itemsize // unit
    start = window.offset // unit
    return [
        start + scale * sum(i * step for i, step in zip(index, window.strides))
        for index in itertools.product(*(range(size) for size in window.shape))
    ]


def window_span(window: Window) -> tuple[int, int]:
    """The bytes of its buffer a window reaches, as (first, end) from the buffer's start; an
    empty window reaches none: (offset, offset)."""
    if 0 in window.shape:
        return window.offset, window.offset
    low, high = byte_extent(window.shape, [step * window.itemsize for step in window.strides])
    return window.offset + low, window.offset + high + window.itemsize


def _library(value) -> str:
    return type(value).__module__.split(".")[0]


def _is_array(value) -> bool:
    return hasattr(value, "__array_interface__") or hasattr(value, "__cuda_array_interface__")


def _array_span(array) -> tuple[int, int, int]:
    """(first byte, end byte, address of element 0) of an array, from its interface."""
    interface = getattr(array, "__cuda_array_interface__", None) or array.__array_interface__
    pointer = interface["data"][0]
    if array.size:
        low, high = byte_extent(array.shape, array.strides)
        return pointer + low, pointer + high + array.itemsize, pointer
    return pointer, pointer, pointer


def _array_owner(array):
    """The array that owns ``array``'s memory (the end of its chain of ``base``s)."""
    while _is_array(getattr(array, "base", None)):
        array = array.base
    return array


def memory(objects=None, /, **named) -> Memory:
    """The memory behind tensors and arrays (tensorkit's, PyTorch's, NumPy's, CuPy's).

    ``objects`` is a mapping of names to values (a notebook's namespace: every value that is a
    tensor or an array is taken, names starting with ``_`` left out) or a sequence (named
    ``t0``, ``t1``...); keywords add names. Buffers are the ranges of memory the values see,
    merged where they overlap, numbered in the order their first name comes.

    >>> import tensorkit
    >>> x = tensorkit.arange(6.0)
    >>> snapshot = memory(x=x, tail=x[2:], copy=x.clone())
    >>> snapshot.shared_buffers, snapshot.window("tail").offset
    ([['x', 'tail']], 8)
    """
    items: list[tuple[str, object]] = []
    if objects is not None:
        if hasattr(objects, "items"):
            items += [
                (str(name), value)
                for name, value in objects.items()
                if not str(name).startswith("_") and (_is_tensor(value) or _is_array(value))
            ]
        else:
            for position, value in enumerate(objects):
                if not (_is_tensor(value) or _is_array(value)):
                    raise TypeError(
                        f"memory() takes tensors and arrays, but item {position} is a "
                        f"{type(value).__name__}"
                    )
                items.append((f"t{position}", value))
    for name, value in named.items():
        if not (_is_tensor(value) or _is_array(value)):
            raise TypeError(
                f"memory() takes tensors and arrays, but {name} is a {type(value).__name__}"
            )
        items.append((name, value))

    # each value's memory range (its whole storage or owning array) and its first element
    spans = []
    for name, value in items:
        if _is_tensor(value):
            storage = value.untyped_storage()
            start = storage.data_ptr()
            spans.append((name, value, start, start + storage.nbytes(), value.data_ptr()))
        else:
            low, high, _ = _array_span(_array_owner(value))
            spans.append((name, value, low, high, _array_span(value)[2]))

    # buffers: overlapping ranges on one device merged, numbered by first appearance
    ranges: list[list] = []  # [device, start, end, [names]]
    for name, value, start, end, _ in spans:
        device = str(value.device) if _is_tensor(value) else _array_device(value)
        merged = None
        for entry in ranges:
            if _overlaps(entry, device, start, end):
                if merged is None:
                    entry[1], entry[2] = min(entry[1], start), max(entry[2], end)
                    entry[3].append(name)
                    merged = entry
                else:  # this range joins two buffers that were apart
                    merged[1], merged[2] = min(merged[1], entry[1]), max(merged[2], entry[2])
                    merged[3].extend(entry[3])
                    entry[3] = None
        ranges = [entry for entry in ranges if entry[3] is not None]
        if merged is None:
            ranges.append([device, start, end, [name]])
    order = {name: position for position, (name, *_rest) in enumerate(spans)}
    ranges.sort(key=lambda entry: min(order[name] for name in entry[3]))
    buffers, where = [], {}
    for number, (device, start, end, names) in enumerate(ranges, 1):
        names = sorted(names, key=order.__getitem__)
        buffers.append(Buffer(f"buffer#{number}", start, end - start, device, names))
        for name in names:
            where[name] = buffers[-1]

    windows, counters, exact = [], {}, True
    for name, value, _start, _end, first in spans:
        buffer = where[name]
        if _is_tensor(value):
            shared = getattr(value, "_version_counter", None)  # tensorkit's counter object
            if shared is None:  # PyTorch: no identity to read; grouped by buffer and version
                exact = False
                key = (buffer.id, int(value._version))
            else:
                key = id(shared)
            counter = counters.setdefault(key, f"counter#{len(counters) + 1}")
            fn = value.grad_fn
            windows.append(
                Window(
                    name,
                    "tensor",
                    _library(value),
                    buffer.id,
                    first - buffer.address,
                    [int(size) for size in value.shape],
                    [int(step) for step in value.stride()],
                    _dtype_name(value.dtype),
                    int(value.element_size()),
                    str(value.device),
                    version=int(value._version),
                    counter=counter,
                    requires_grad=bool(value.requires_grad),
                    grad_fn=type(fn).__name__ if fn is not None else None,
                    is_view=value._base is not None,
                )
            )
        else:
            windows.append(
                Window(
                    name,
                    "array",
                    _library(value),
                    buffer.id,
                    first - buffer.address,
                    [int(size) for size in value.shape],
                    [int(step) // value.itemsize for step in value.strides],
                    str(value.dtype),
                    int(value.itemsize),
                    _array_device(value),
                )
            )
    by_counter: dict[str, list[str]] = {}
    for window in windows:
        if window.counter is not None:
            by_counter.setdefault(window.counter, []).append(window.name)
    snapshot = Memory(
        buffers,
        windows,
        [buffer.names for buffer in buffers if len(buffer.names) > 1],
        [names for names in by_counter.values() if len(names) > 1],
        exact,
    )
    # which object each name held, for diff (an attribute, not a field: not in the data)
    snapshot._objects = {name: _reference(value) for name, value, *_ in spans}
    return snapshot


def _reference(value):
    """A weak reference where the object takes one (an id could be reused once it is freed)."""
    try:
        return weakref.ref(value)
    except TypeError:
        return id(value)


def _overlaps(entry, device: str, start: int, end: int) -> bool:
    """Whether the range [start, end) on ``device`` overlaps a buffer's range (two empty ranges
    at one address count as one buffer)."""
    same_device, low, high = entry[0] == device, entry[1], entry[2]
    return same_device and ((start < high and low < end) or (start == low == end == high))


def _array_device(array) -> str:
    if hasattr(array, "__cuda_array_interface__"):
        return f"cuda:{array.device.id}"
    return "cpu"


# ---------------------------------------------------------------------------- diff


@dataclass
class Change:
    """One thing that changed between two snapshots, with a sentence that says it."""

    kind: str  # added, removed, version, shares_memory, shares_counter, layout, grad, saved, root
    subject: str  # a name (memory) or a node id (graph)
    before: str | None
    after: str | None
    text: str


@dataclass
class Diff(_PlainData):
    changes: list[Change]

    def __bool__(self) -> bool:
        return bool(self.changes)

    def texts(self) -> list[str]:
        return [change.text for change in self.changes]


def diff(before, after) -> Diff:
    """What changed from one snapshot to the next (two ``memory`` or two ``graph`` snapshots):
    names added and removed, versions bumped, sharing of memory or of a version counter made
    or broken, layouts changed; for graphs, saved values that went stale or were freed and
    leaves whose ``.grad`` changed."""
    if isinstance(before, Memory) and isinstance(after, Memory):
        return Diff(_memory_changes(before, after))
    if isinstance(before, Graph) and isinstance(after, Graph):
        return Diff(_graph_changes(before, after))
    raise TypeError(
        f"diff() compares two memory or two graph snapshots, not {type(before).__name__} and "
        f"{type(after).__name__}"
    )


def _partners(snapshot: Memory, attribute: str) -> dict[str, set]:
    groups: dict[str, list[str]] = {}
    for window in snapshot.windows:
        key = getattr(window, attribute)
        if key is not None:
            groups.setdefault(key, []).append(window.name)
    return {name: set(names) - {name} for names in groups.values() for name in names}


def _memory_changes(before: Memory, after: Memory) -> list[Change]:
    changes = []
    old = {window.name: window for window in before.windows}
    new = {window.name: window for window in after.windows}
    for name in old:
        if name not in new:
            changes.append(Change("removed", name, name, None, f"{name}: gone"))
    for name in new:
        if name not in old:
            changes.append(Change("added", name, None, name, f"{name}: new"))
    memory_before, memory_after = _partners(before, "buffer"), _partners(after, "buffer")
    counter_before, counter_after = _partners(before, "counter"), _partners(after, "counter")
    for name, window in new.items():
        previous = old.get(name)
        if previous is None:
            continue
        if not _same_object(before, after, name):
            changes.append(Change("rebound", name, None, None, f"{name}: now another object"))
            continue
        if window.version is not None and previous.version not in (None, window.version):
            changes.append(
                Change(
                    "version",
                    name,
                    str(previous.version),
                    str(window.version),
                    f"{name}: version {previous.version} → {window.version}",
                )
            )
        layout = (window.shape, window.strides, window.dtype, window.device)
        if layout != (previous.shape, previous.strides, previous.dtype, previous.device):
            changes.append(
                Change(
                    "layout",
                    name,
                    _layout_text(previous),
                    _layout_text(window),
                    f"{name}: {_layout_text(previous)} → {_layout_text(window)}",
                )
            )
        for kind, partners_before, partners_after, what in (
            ("shares_memory", memory_before, memory_after, "memory"),
            ("shares_counter", counter_before, counter_after, "a version counter"),
        ):
            was = {other for other in partners_before.get(name, set()) if other in new}
            now = partners_after.get(name, set())
            for other in sorted(now - was, key=list(new).index):
                if list(new).index(other) < list(new).index(name) and other in old:
                    continue  # said once, for the pair
                changes.append(
                    Change(kind, name, None, other, f"{name}: now shares {what} with {other}")
                )
            for other in sorted(was - now, key=list(new).index):
                if list(new).index(other) < list(new).index(name):
                    continue
                changes.append(
                    Change(kind, name, other, None, f"{name}: no longer shares {what} with {other}")
                )
    return changes


def _same_object(before: Memory, after: Memory, name: str) -> bool:
    """Whether a name holds the object it held (kept beside the snapshots' data, never
    serialised); True when either snapshot does not know."""
    was = getattr(before, "_objects", {}).get(name)
    now = getattr(after, "_objects", {}).get(name)
    if was is None or now is None:
        return True
    if isinstance(was, weakref.ref) and isinstance(now, weakref.ref):
        return was() is not None and was() is now()
    return was == now


def _layout_text(window: Window) -> str:
    shape = "×".join(str(size) for size in window.shape) or "scalar"
    return f"{shape} {window.dtype} on {window.device}"


def _graph_changes(before: Graph, after: Graph) -> list[Change]:
    changes = []
    old = {node.id: node for node in before.nodes}
    for node in after.nodes:
        previous = old.get(node.id)
        if previous is None or previous.name != node.name:
            continue
        saved_before = {value.name: value for value in previous.saved}
        for value in node.saved:
            was = saved_before.get(value.name)
            if was is None or was.status == value.status:
                continue
            if value.status == "stale":
                text = (
                    f"{node.id}: saved {value.name} changed in place (version "
                    f"{value.saved_version} → {value.version}): backward will fail"
                )
            elif value.status == "freed":
                text = f"{node.id}: saved {value.name} freed by backward"
            else:
                text = f"{node.id}: saved {value.name} {value.status}"
            changes.append(Change("saved", node.id, was.status, value.status, text))
        if node.variable is not None and previous.variable is not None:
            grad_before, grad_after = previous.variable.grad, node.variable.grad
            if (grad_before is None) != (grad_after is None) or (
                grad_after is not None and grad_before.version != grad_after.version
            ):
                changes.append(
                    Change(
                        "grad",
                        node.id,
                        None if grad_before is None else "set",
                        None if grad_after is None else "set",
                        f"{node.id}: .grad "
                        + (
                            "cleared"
                            if grad_after is None
                            else "set"
                            if grad_before is None
                            else "accumulated"
                        ),
                    )
                )
    return changes
