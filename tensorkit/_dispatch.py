"""Running an entry of the op table: wrap the result, and record a node when autograd needs one.

Three shapes of call, as in PyTorch:

* ``call``: an out-of-place op gives new tensors with their own memory;
* ``call_view``: a view op gives tensors that share the input's memory and version counter;
* in place: ``check_inplace`` refuses a write PyTorch refuses (before anything changes), the
  caller computes the out-of-place result, and ``commit_inplace`` writes it into the target's
  memory, bumps the version and rebases the target's history (``CopySlices`` for a view).
"""

from __future__ import annotations

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
        array = np.asarray(array) if not hasattr(array, "__cuda_array_interface__") else array
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
        _note_traceback(node, frames=4)
    return node


def _note_traceback(node, frames: int) -> None:
    """Under anomaly detection: remember where the forward op ran (the stack without its last
    ``frames`` frames, which are tensorkit's own), for backward's warning."""
    import traceback

    node.metadata["traceback_"] = "".join(traceback.format_stack()[:-frames])


def save_result(node, key: str, result: Tensor) -> None:
    """Save ``result``, an output of ``node``, for its formula (``SavedTensor(result,
    is_output=True)`` written out: exp, tanh and sigmoid do this on every call)."""
    node_type = type(node)
    name = _node_names.get(node_type)
    if name is None:
        name = _node_names[node_type] = node.name()
    output = _new(_SavedOutput)
    output.data = result._data
    output.storage = result._storage
    output.output_nr = result._output_nr
    output.requires_grad = True  # it has this node as its grad_fn
    output.node_name = name
    output.grad_fn_ref = None
    entry = _new(SavedTensor)
    entry.tensor = None
    entry.output = output
    counter = entry.version_counter = result._version_counter
    entry.saved_version = counter.value
    node.saved[key] = entry


_node_names: dict[type, str] = {}  # a table node's name depends on its class only


_NO_EDGE = (None, 0)
_NOTHING_SAVED: dict = {}


def call(op, inputs: tuple, out, params: dict | None = None):
    """Wrap ``out`` (one array or a tuple of arrays) as new tensors, recording ``op`` if needed.

    The hot path of every out-of-place op, so the common case is written out in one function:
    the result tensor, the edges to the inputs' nodes, and the node with what it saves.
    """
    if type(out) is tuple:
        return _call_multi(op, inputs, out, params)
    if type(out) is not _ndarray:
        out = np.asarray(out) if not hasattr(out, "__cuda_array_interface__") else out
    result = _new(Tensor)  # Tensor._make(out), written out: one call less on every op
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
    # The edges (``edge()`` inlined) and each differentiable input's (shape, dtype).
    edges = []
    meta = []
    recording = False
    for tensor in inputs:
        if type(tensor) is Tensor or isinstance(tensor, Tensor):
            if tensor._base is None:
                fn = tensor._grad_fn
                if fn is not None:
                    current = (fn, tensor._output_nr)
                elif tensor._requires_grad:
                    current = (tensor._accumulate_node(), 0)
                else:
                    current = _NO_EDGE
            else:
                current = edge(tensor)
            if current[0] is not None:
                if tensor._is_inference:
                    raise RuntimeError(INFERENCE_SAVED)
                recording = True
                data = tensor._data
                meta.append((data.shape, data.dtype))
            else:
                meta.append(None)
                if tensor._base is not None and tensor.requires_grad:
                    # A view taken before its base's requires_grad_() requires grad but has no
                    # edge: the result is recorded (and requires grad), its gradient goes nowhere.
                    recording = True
            edges.append(current)
        else:
            edges.append(_NO_EDGE)
            meta.append(None)
    if not recording:
        return result
    edges = tuple(edges)
    # What the formula saves (``make_node`` inlined): inputs as SavedTensors, with their version.
    items = op.save_items
    if items:
        saved = dict(params) if params else {}
        for key, source, wanted_by in items:
            if wanted_by is not None and edges[wanted_by][0] is None:
                saved[key] = None
                continue
            value = inputs[source]
            if isinstance(value, Tensor):
                if value._is_inference:
                    raise RuntimeError(INFERENCE_SAVED)
                entry = _new(SavedTensor)
                entry.tensor = value
                entry.output = None
                counter = entry.version_counter = value._version_counter
                entry.saved_version = counter.value
                saved[key] = entry
            else:
                saved[key] = value
    elif op.saves_result:
        saved = dict(params) if params else {}
    else:
        saved = params or _NOTHING_SAVED  # nothing will be added: the params dict can be shared
    node = _new(op.node_class)
    node.next_functions = edges
    node._sequence_nr = next(_sequence)
    node._input_meta = tuple(meta)
    node.saved = saved
    if _state.anomaly:
        _note_traceback(
            node, frames=3
        )  # from the op's caller up: not _note_traceback, call, _binary
    result._grad_fn = node
    if op.saves_result:
        save_result(node, "result", result)
    return result


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
    if needs_grad((tensor,)):
        view._grad_fn = make_node(op, (tensor,), params)
    return view


def call_multi_view(op, tensor: Tensor, arrays, params: dict | None = None) -> tuple:
    """Several views from one op (``split``, ``unbind``): they may not be modified in place in a
    recorded op, whether or not this op was recorded (PyTorch's two messages tell which)."""
    views = tuple(tensor._make_view(data) for data in arrays)
    if needs_grad((tensor,)):
        node = make_node(op, (tensor,), params)
        node.output_count = len(views)  # split/unbind: as many outputs as pieces
        node.multi_output = True
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
    if data.size > 1 and any(
        stride == 0 and size > 1 for size, stride in zip(data.shape, data.strides)
    ):
        raise RuntimeError(OVERLAP_INPLACE)
    for other in inputs:
        if (
            other is not target
            and isinstance(other, Tensor)
            and other._storage is target._storage
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
            save_result(node, "result", target)
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
