"""Running an entry of the op table: wrap the result, and record a node when autograd needs one.

Three shapes of call, as in PyTorch:

* ``call``: an out-of-place op gives new tensors with their own memory;
* ``call_view``: a view op gives tensors that share the input's memory and version counter;
* in place: ``check_inplace`` refuses a write PyTorch refuses (before anything changes), the
  caller computes the out-of-place result, and ``commit_inplace`` writes it into the target's
  memory, bumps the version and rebases the target's history (``CopySlices`` for a view).
"""

from __future__ import annotations

import linecache
import os
import textwrap

from . import _backend
from . import _dtype as dtypes
from ._backend import numpy as np
from .autograd import grad_mode
from .autograd.function import IN_CUSTOM_FUNCTION
from .autograd.graph import SavedTensor, _SavedOutput, _sequence
from .tensor import (
    DEFAULT,
    INFERENCE_MODE,
    MULTI_OUTPUT,
    NO_GRAD_MODE,
    NO_GRAD_MULTI_OUTPUT,
    Tensor,
    UntypedStorage,
    VersionCounter,
)

_ndarray = np.ndarray
_state = grad_mode._state
_new = object.__new__

LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF_INPLACE = (
    "a view of a leaf Variable that requires grad is being used in an in-place operation."
)
NO_GRAD_VIEW_INPLACE = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that "
    "this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both "
    "the view and the inplace either both inside the no_grad block (if you don't want the inplace to be "
    "tracked) or both outside (if you want the inplace to be tracked)."
)
NO_GRAD_MULTI_OUTPUT_VIEW_INPLACE = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. This view is "
    "the output of a function that returns multiple views. Such functions do not allow the output views to "
    "be modified inplace. You should replace the inplace operation by an out-of-place one."
)
MULTI_OUTPUT_VIEW_INPLACE = (
    "Output {nr} of {name} is a view and is being modified inplace. This view is the output of a function "
    "that returns multiple views. Such functions do not allow the output views to be modified inplace. "
    "You should replace the inplace operation by an out-of-place one."
)
CUSTOM_FUNCTION_VIEW_INPLACE = (
    "Output {nr} of {name} is a view and is being modified inplace. This view was created inside a custom "
    "Function (or because an input was returned as-is) and the autograd logic to handle view+inplace would "
    "override the custom backward associated with the custom Function, leading to incorrect gradients. This "
    "behavior is forbidden. You can fix this by cloning the output of the custom Function."
)
OVERLAP_INPLACE = (
    "unsupported operation: more than one element of the written-to tensor refers to a single memory "
    "location. Please clone() the tensor before performing the operation."
)
PARTIAL_OVERLAP_INPLACE = (
    "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single "
    "memory location. Please clone() the tensor before performing the operation."
)
INFERENCE_SAVED = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode "
    "in computation tracked by autograd. To work around this, you can make a clone to get a normal tensor "
    "and use it in autograd, or use `tensorkit.no_grad()` instead of `tensorkit.inference_mode()`."
)


def wrap(array) -> Tensor:
    """A new tensor that owns ``array`` (NumPy turns 0-d results into scalars; undo that)."""
    if type(array) is not _ndarray:
        array = _backend.as_array(array)
    return Tensor._make(array)


def edge(tensor) -> tuple:
    """The ``(node, input_nr)`` through which a gradient reaches ``tensor``; ``(None, 0)`` if none."""
    if not isinstance(tensor, Tensor):
        return (None, 0)
    fn = tensor._grad_fn if tensor._base is None else tensor.grad_fn
    if fn is not None:
        return (fn, tensor._output_nr)
    if tensor._requires_grad:
        return (tensor._accumulate_node(), 0)
    return (None, 0)


def needs_grad(inputs) -> bool:
    if not _state.grad_enabled:
        return False
    for tensor in inputs:
        if isinstance(tensor, Tensor) and (
            tensor._requires_grad
            or tensor._grad_fn is not None
            or (tensor._base is not None and tensor.requires_grad)
        ):
            return True
    return False


def make_node(op, inputs, params, edges=None, meta=None):
    """Build ``op``'s backward node over ``inputs``, saving what its formula needs."""
    if edges is None:
        edges = tuple([edge(tensor) for tensor in inputs])
        for tensor, (fn, _) in zip(inputs, edges):
            if fn is not None and tensor._is_inference:
                raise RuntimeError(INFERENCE_SAVED)
    if not op.save_items and not op.saves_result:
        saved = params or _NOTHING_SAVED  # nothing will be added: the params dict can be shared
    else:
        saved = dict(params) if params else {}
    for key, source, wanted_by in op.save_items:
        if wanted_by is not None and edges[wanted_by][0] is None:
            saved[key] = None
            continue
        value = inputs[source]
        if isinstance(value, Tensor):
            if value._is_inference:
                raise RuntimeError(INFERENCE_SAVED)
            saved[key] = SavedTensor(value)
        else:
            saved[key] = value
    if meta is None:
        meta = tuple(
            [
                (tensor._data.shape, tensor._data.dtype) if fn is not None else None
                for tensor, (fn, _) in zip(inputs, edges)
            ]
        )
    node = op.node_class(edges, saved, meta)
    if _state.anomaly:
        _note_traceback(node)
    return node


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _note_traceback(node) -> None:
    """Under anomaly detection: remember where the forward op ran, for backward's warning: the
    stack down to the user's call, without tensorkit's own frames below it (PyTorch's C++
    frames never show either)."""
    import traceback

    stack = traceback.extract_stack()
    while stack and (
        stack[-1].filename.startswith(_PACKAGE_DIR) or stack[-1].filename.startswith("<tensorkit")
    ):
        stack.pop()
    node.metadata["traceback_"] = "".join(traceback.format_list(stack))


_NO_EDGE = (None, 0)
_NOTHING_SAVED: dict = {}


def call(op, inputs: tuple, out, params: dict | None = None):
    """Wrap ``out`` (one array or a tuple of arrays) as new tensors, recording ``op`` if needed.

    ``inputs`` are the op's inputs in its table order (tensors or numbers); ``params`` what its
    formula needs besides them (``dim``, ``alpha``). The work is done by ``op``'s recorder.
    """
    if type(out) is tuple:
        return _call_multi(op, inputs, out, params)
    record = op.record
    if record is None:
        record = recorder(op)
    return record(inputs, out, params)


# ---------------------------------------------------------------------- generated recorders
#
# Recording an op is the hot path of the library: every out-of-place op on a tensor that
# requires grad runs it. Like PyTorch, which generates its autograd wrappers from
# derivatives.yaml, tensorkit writes each table entry's recorder out as straight-line code the
# first time the op runs: one block per input (its edge and its (shape, dtype)), one per saved
# value, no loops and no lookups of what the table says. ``recorder_source(op)`` shows it.

_RECORDER_HEAD = """\
def record(inputs, out, params):
    if type(out) is not _ndarray:
        out = _as_array(out)
    result = _new(Tensor)  # Tensor._make(out), written out
    result._data = out
    result._storage_obj = None  # made on first use
    result._version_counter = VersionCounter()
    result._requires_grad = False
    result._grad_fn = None
    result._output_nr = 0
    result._base = None
    if _state.inference:
        result._is_inference = True
    if not _state.grad_enabled:
        return result
    recording = False
"""

# The edge to input {i}'s node (``edge()`` inlined) and, where a gradient flows, its metadata.
_RECORDER_INPUT = """\
    if type(a{i}) is Tensor or isinstance(a{i}, Tensor):
        if a{i}._base is None:
            fn = a{i}._grad_fn
            if fn is not None:
                e{i} = (fn, a{i}._output_nr)
            elif a{i}._requires_grad:
                e{i} = (a{i}._accumulate_node(), 0)
            else:
                e{i} = _NO_EDGE
        else:
            e{i} = edge(a{i})
        if e{i}[0] is not None:
            if a{i}._is_inference:
                raise RuntimeError(INFERENCE_SAVED)
            recording = True
            data = a{i}._data
            m{i} = (data.shape, data.dtype)
        else:
            m{i} = None
            if a{i}._base is not None and a{i}.requires_grad:
                # A view taken before its base's requires_grad_(): recorded, with no edge.
                recording = True
    else:
        e{i} = _NO_EDGE
        m{i} = None
"""

# Input {source} saved under {key!r}: a tensor as a SavedTensor with its version, a number as is.
_RECORDER_SAVE = """\
{indent}value = a{source}
{indent}if type(value) is Tensor or isinstance(value, Tensor):
{indent}    if value._is_inference:
{indent}        raise RuntimeError(INFERENCE_SAVED)
{indent}    entry = _new(SavedTensor)
{indent}    entry.tensor = value
{indent}    entry.output = None
{indent}    counter = entry.version_counter = value._version_counter
{indent}    entry.saved_version = counter.value
{indent}    saved[{key!r}] = entry
{indent}else:
{indent}    saved[{key!r}] = value
"""

_RECORDER_NODE = """\
    node = _new(Node)
    node.next_functions = {edges}
    node._sequence_nr = next(_sequence)
    node._input_meta = {meta}
    node.saved = saved
    if _state.anomaly:
        _note_traceback(node)
    result._grad_fn = node
"""

# ``SavedTensor(result, is_output=True)`` written out: the result is kept as its memory, not as
# the tensor (a node holding its own output would make a reference cycle).
_RECORDER_SAVE_RESULT = """\
    storage = result._storage_obj = _new(UntypedStorage)  # result._storage, written out
    storage._array = out
    output = _new(_SavedOutput)
    output.data = out
    output.storage = storage
    output.output_nr = 0
    output.requires_grad = True  # it has this node as its grad_fn
    output.node_name = NODE_NAME
    output.grad_fn_ref = None
    entry = _new(SavedTensor)
    entry.tensor = None
    entry.output = output
    counter = entry.version_counter = result._version_counter
    entry.saved_version = counter.value
    saved["result"] = entry
"""


# A view op's recorder is handed the view already made (``call_view``).
_VIEW_RECORDER_HEAD = """\
def record(inputs, result, params):
    if not _state.grad_enabled:
        return result
    recording = False
"""


def recorder_source(op, view: bool = False) -> str:
    """The Python source of ``op``'s recorder: ``record(inputs, out, params)`` wraps ``out`` as
    the result tensor and, when an input needs a gradient, gives it ``op``'s backward node.
    With ``view``, ``record(inputs, result, params)`` records onto a view already made."""
    if view and op.saves_result:
        raise ValueError(f"{op.name}: a view op does not save its result")
    parts = [_VIEW_RECORDER_HEAD if view else _RECORDER_HEAD]
    if op.arity is None:  # cat, stack: any number of inputs, none saved
        parts.append("    edges = []\n    meta = []\n    for a in inputs:\n")
        parts.append(textwrap.indent(_RECORDER_INPUT.format(i=""), "    "))
        parts.append("        edges.append(e)\n        meta.append(m)\n")
        edges, meta = "tuple(edges)", "tuple(meta)"
    else:
        names = [f"a{i}" for i in range(op.arity)]
        parts.append(f"    ({', '.join(names)},) = inputs\n")
        parts += [_RECORDER_INPUT.format(i=i) for i in range(op.arity)]
        edges = "(" + "".join(f"e{i}, " for i in range(op.arity)) + ")"
        meta = "(" + "".join(f"m{i}, " for i in range(op.arity)) + ")"
    parts.append("    if not recording:\n        return result\n")
    if op.save_items or op.saves_result:
        parts.append("    saved = dict(params) if params else {}\n")
    else:  # nothing will be added: the params dict can be shared
        parts.append("    saved = params or _NOTHING_SAVED\n")
    for key, source, wanted_by in op.save_items:
        if wanted_by is None:
            parts.append(_RECORDER_SAVE.format(indent="    ", source=source, key=key))
        else:  # saved only for the gradient of input {wanted_by}
            parts.append(f"    if e{wanted_by}[0] is None:\n        saved[{key!r}] = None\n")
            parts.append("    else:\n")
            parts.append(_RECORDER_SAVE.format(indent="        ", source=source, key=key))
    parts.append(_RECORDER_NODE.format(edges=edges, meta=meta))
    if op.saves_result:
        parts.append(_RECORDER_SAVE_RESULT)
    parts.append("    return result\n")
    return "".join(parts)


def recorder(op, view: bool = False):
    """``op``'s recorder, compiled from ``recorder_source`` on first use and kept on ``op``
    (``op.record``, or ``op.record_view`` for a view op's)."""
    source = recorder_source(op, view)
    filename = f"<tensorkit {'view ' if view else ''}recorder {op.name}>"
    namespace = {
        "_ndarray": _ndarray,
        "_as_array": _backend.as_array,
        "_new": _new,
        "Tensor": Tensor,
        "VersionCounter": VersionCounter,
        "_state": _state,
        "edge": edge,
        "_NO_EDGE": _NO_EDGE,
        "_NOTHING_SAVED": _NOTHING_SAVED,
        "INFERENCE_SAVED": INFERENCE_SAVED,
        "SavedTensor": SavedTensor,
        "_SavedOutput": _SavedOutput,
        "UntypedStorage": UntypedStorage,
        "Node": op.node_class,
        "NODE_NAME": _new(op.node_class).name(),
        "_sequence": _sequence,
        "_note_traceback": _note_traceback,
    }
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - our own template
    # Tracebacks through the recorder show its lines, as for any source file.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    record = namespace["record"]
    if view:
        op.record_view = record
    else:
        op.record = record
    return record


def _call_multi(op, inputs: tuple, out: tuple, params: dict | None):
    """``call`` for an op with several results (``max(dim)``, ``sort``): one node for all."""
    results = tuple(wrap(array) for array in out)
    if needs_grad(inputs):
        node = make_node(op, inputs, params)
        for number, result in enumerate(results):
            if result._data.dtype.kind == "f":
                result._grad_fn = node
                result._output_nr = number
    return results


def call_view(op, tensor: Tensor, data, params: dict | None = None) -> Tensor:
    """A view of ``tensor`` over ``data`` (an array sharing its memory), recorded as ``op``."""
    view = tensor._make_view(data)
    record = op.record_view
    if record is None:
        record = recorder(op, view=True)
    return record((tensor,), view, params)


def call_multi_view(op, tensor: Tensor, arrays, params: dict | None = None) -> tuple:
    """Several views from one op (``split``, ``unbind``): they may not be modified in place in a
    recorded op, whether or not this op was recorded (PyTorch's two messages tell which)."""
    views = tuple(tensor._make_view(data) for data in arrays)
    if needs_grad((tensor,)):
        node = make_node(op, (tensor,), params)
        node.output_count = len(views)  # split/unbind: as many outputs as pieces
        node.multi_output = True
        node._general = True
        for number, view in enumerate(views):
            view._grad_fn = node
            view._output_nr = number
            view._view_creation = MULTI_OUTPUT
    elif _state.grad_enabled:
        # Not recorded (nothing requires grad) but made in grad mode: still a multi-output view
        # (under no_grad they stay no-grad views, whose messages PyTorch words otherwise).
        for view in views:
            view._view_creation = NO_GRAD_MULTI_OUTPUT
    return views


# ---------------------------------------------------------------------- in-place ops


def check_inplace(target: Tensor, inputs: tuple, copy: bool = False, overlap: bool = True) -> bool:
    """Refuse an in-place write that PyTorch refuses; return whether it must be recorded.

    ``copy``: a copy_ into an integer or bool tensor is not recorded (it stays a tensor that
    does not require grad whatever was copied into it); PyTorch's fill_ with a tensor value is.
    ``overlap`` False: the caller checks memory overlap itself, or PyTorch checks none for the
    op (fill_ and zero_ write an expanded tensor, in-place view ops write nothing)."""
    record = needs_grad(inputs) and not (copy and target._data.dtype.kind != "f")
    if record:
        base = target._base
        if base is not None and target._view_creation != DEFAULT:
            _refuse_view_rebase(target)
        # PyTorch asks only whether the base is a leaf: after base.detach_() or
        # base.requires_grad_(False) a view that requires grad is still refused.
        if base is not None and target.requires_grad and base.is_leaf:
            raise RuntimeError(VIEW_OF_LEAF_INPLACE)
        if target._requires_grad and target.is_leaf:
            raise RuntimeError(LEAF_INPLACE)
    if target._is_inference and not _state.inference:
        raise RuntimeError(
            "Inplace update to inference tensor outside InferenceMode is not allowed."
            "You can make a clone to get a normal tensor before doing inplace update."
            "See https://github.com/pytorch/rfcs/pull/17 for more details."
        )
    if not overlap:
        return record
    data = target._data
    if 0 in data.strides and has_internal_overlap(data):
        raise RuntimeError(OVERLAP_INPLACE)
    storage = target._storage_obj  # None: the target owns its memory and no view was taken
    if storage is not None:
        for other in inputs:
            if (
                other is not target
                and isinstance(other, Tensor)
                and other._storage_obj is storage
                and _partially_overlap(data, other._data)
            ):
                raise RuntimeError(PARTIAL_OVERLAP_INPLACE)
    return record


def has_internal_overlap(data) -> bool:
    """Whether elements of ``data`` share memory (a dim of stride 0 and size > 1)."""
    return data.size > 1 and any(
        stride == 0 and size > 1 for size, stride in zip(data.shape, data.strides)
    )


def _dense_range(array):
    """(first byte, end byte) of an array whose elements fill that range exactly, else None."""
    if array.size == 0:
        return None
    from ._backend import data_address

    start = data_address(array)
    extent = sum((size - 1) * abs(stride) for size, stride in zip(array.shape, array.strides))
    if extent + array.itemsize != array.size * array.itemsize:
        return None  # strided with gaps: PyTorch calls the overlap "too hard" and allows the op
    return start, start + extent + array.itemsize


def _partially_overlap(target, other) -> bool:
    """Whether ``other`` reads memory ``target`` writes, without being the very same window."""
    return overlap_status(target, other) == "partial"


def overlap_status(target, other):
    """PyTorch's get_overlap_status for arrays over one storage: "full" (the same elements, in
    the same strides), "partial" (some shared), or None (apart, or too hard to tell)."""
    first, second = _dense_range(target), _dense_range(other)
    if first is None or second is None:
        return None
    if first == second:
        return "full" if target.strides == other.strides else "partial"
    return "partial" if first[0] < second[1] and second[0] < first[1] else None


def refuse_view_rebase(view: Tensor, indirect: bool) -> None:
    """PyTorch's error for a view that may not be rebased: written in place (``indirect``
    False), or used after its base or another view of it was (``indirect`` True)."""
    if not indirect:
        _refuse_view_rebase(view)
        return
    creation = view._view_creation
    fn = view._grad_fn
    modified = "its base or another view of its base has been"
    if creation in (INFERENCE_MODE, NO_GRAD_MODE, NO_GRAD_MULTI_OUTPUT) or fn is None:
        prefix = (
            f"Output {view._output_nr} of {_short_name(fn)} is a view of a view which was created in"
            if fn is not None
            else "A view was created in"
        )
        if creation == INFERENCE_MODE:
            message = f"{prefix} inference mode and {modified} modified inplace in normal mode."
        else:
            message = (
                f"{prefix} no_grad mode and {modified} modified inplace with grad mode enabled."
            )
    else:
        message = f"Output {view._output_nr} of {_short_name(fn)} is a view and {modified} modified inplace."
    if creation in (MULTI_OUTPUT, NO_GRAD_MULTI_OUTPUT):
        message += (
            " This view is the output of a function that returns multiple views. Such functions do "
            "not allow the output views to be modified inplace. You should replace the inplace "
            "operation by an out-of-place one."
        )
    elif creation == INFERENCE_MODE:
        message += (
            " Given that this use case is ambiguous and error-prone, it is forbidden. You can "
            "clarify your code by moving both the view and the inplace either both inside the "
            "inference_mode block (if you don't want the inplace to be tracked) or both outside (if "
            "you want the inplace to be tracked)."
        )
    elif creation == IN_CUSTOM_FUNCTION:
        message += (
            " This view was created inside a custom Function (or because an input was returned "
            "as-is) and the autograd logic to handle view+inplace would override the custom "
            "backward associated with the custom Function, leading to incorrect gradients. This "
            "behavior is forbidden. You can fix this by cloning the output of the custom Function."
        )
    else:
        message += (
            " Given that this use case is ambiguous and error-prone, it is forbidden. You can "
            "clarify your code by moving both the view and the inplace either both inside the "
            "no_grad block (if you don't want the inplace to be tracked) or both outside (if you "
            "want the inplace to be tracked)."
        )
    raise RuntimeError(message)


def _short_name(fn) -> str:
    """A node's name as PyTorch's view messages give it: SplitBackward0 -> Split."""
    name = fn.name()
    head, _, _ = name.rpartition("Backward")
    return head or name


def _refuse_view_rebase(view: Tensor) -> None:
    creation = view._view_creation
    if creation == NO_GRAD_MODE:
        raise RuntimeError(NO_GRAD_VIEW_INPLACE)
    if creation == NO_GRAD_MULTI_OUTPUT:
        raise RuntimeError(NO_GRAD_MULTI_OUTPUT_VIEW_INPLACE)
    if creation == MULTI_OUTPUT:
        fn = view._grad_fn
        name = fn.name() if fn is not None else "a function"
        head, _, _ = name.rpartition("Backward")
        raise RuntimeError(MULTI_OUTPUT_VIEW_INPLACE.format(nr=view._output_nr, name=head or name))
    if creation == INFERENCE_MODE:
        raise RuntimeError(
            "Inplace update to inference tensor outside InferenceMode is not allowed."
        )
    if creation == IN_CUSTOM_FUNCTION:
        fn = view._grad_fn
        name = fn.name() if fn is not None else "a custom Function"
        name = name.removesuffix("Backward")
        raise RuntimeError(CUSTOM_FUNCTION_VIEW_INPLACE.format(nr=view._output_nr, name=name))


def check_result_dtype(target: Tensor, result_dtype: dtypes.dtype) -> None:
    target_dtype = target.dtype
    if not dtypes.can_cast(result_dtype, target_dtype):
        raise RuntimeError(
            f"result type {result_dtype.short_name} can't be cast to the desired output type {target_dtype.short_name}"
        )


def check_result_shape(target: Tensor, shape: tuple) -> None:
    if tuple(shape) != target._data.shape:
        raise RuntimeError(
            f"output with shape [{', '.join(map(str, target._data.shape))}] doesn't match the broadcast "
            f"shape [{', '.join(map(str, shape))}]"
        )


def commit_inplace(
    op, target: Tensor, inputs: tuple, out, record: bool, params: dict | None = None
) -> Tensor:
    """Write ``out`` into ``target`` and rebase its history onto ``op``'s node.

    ``inputs[0]`` is ``target`` itself; a formula that needs the target's old value gets a
    private copy of it, since the write is about to overwrite it.
    """
    node = None
    if record:
        edges = tuple(edge(tensor) for tensor in inputs)
        snapshot = inputs
        if any(source == 0 for source, _ in op.save.values()):
            # The value before the write, for the formula: a recorded clone (as PyTorch's
            # original_self), so a gradient taken with create_graph can flow through it.
            original = target.clone()
            snapshot = (original,) + tuple(inputs[1:])
        node = make_node(op, snapshot, params, edges)
    write(target, out)
    if node is not None:
        rebase_history(target, node)
        if op.saves_result:
            node.saved["result"] = SavedTensor(target, is_output=True, node_name=node.name())
            if target._base is not None and target.grad_fn is not None:
                # For a gradient of a gradient, the result of an in-place op on a view is produced by
                # the view's regenerated grad_fn (AsStridedBackward0 over CopySlices), not by ``node``
                # (which CopySlices runs itself). Remember how to rebuild that node, holding the
                # CopySlices weakly: a strong link would close a cycle node -> CopySlices -> node.
                from .autograd.engine import AsStridedRecipe

                node.saved["result"].output.grad_fn_ref = AsStridedRecipe(target)
    return target


def write(target: Tensor, out) -> None:
    """Copy ``out`` into ``target``'s memory and bump its version counter."""
    data = target._data
    if data.ndim == 0 and type(data) is _ndarray:
        data[()] = out
    else:
        data[...] = out
    target._version_counter.value += 1


def rebase_history(target: Tensor, node) -> None:
    """Make ``node`` the producer of ``target`` (for a view: of its base, through CopySlices)."""
    base = target._base
    if base is not None and target._view_creation == DEFAULT:
        from .autograd.engine import copy_slices_node

        old_fn, old_nr = base._grad_fn, base._output_nr
        base._grad_fn = copy_slices_node(base, target, node)
        base._output_nr = 0
        base._move_retained_grad(old_fn, old_nr)
        # The view's grad_fn is rebuilt (AsStridedBackward0) on its next access.
        target._view_version = -1
        return
    old_fn, old_nr = target._grad_fn, target._output_nr
    target._grad_fn = node
    target._output_nr = 0
    target._move_retained_grad(old_fn, old_nr)
