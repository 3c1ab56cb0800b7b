"""The backward engine: runs the graph's nodes in reverse order of creation, without recursion.

1. Walk the graph from the outputs (an explicit stack) and count each node's incoming edges.
2. Start with the outputs' gradients; a node runs once every edge into it has delivered.
3. A node turns its output gradients into input gradients (its formula from the op table),
   which are reduced to each input's shape and dtype and sent along ``next_functions``.
4. ``AccumulateGrad`` adds into a leaf's ``.grad`` (in place after the first time).

Without ``create_graph`` gradients travel as raw arrays, so backward costs one array
operation per formula step. With it they travel as tensors, and the formulas record a graph of
their own that can be differentiated again.
"""

from __future__ import annotations

import heapq
import sys
import threading

from .. import _backend
from . import grad_mode
from .graph import (
    _FREED_DICT,
    BACKWARD_TWICE,
    DETACHED_IN_PLACE,
    AccumulateGrad,
    FormulaNode,
    Node,
    SavedTensor,
)

__all__ = ["as_strided_node", "copy_slices_node", "run_backward"]


# Modules that import this one (through tensorkit.autograd), bound as globals on first use:
# an import statement in a function costs about a microsecond on every call.
_Tensor = _wrap_array = _derivatives = None


def _tensor_type():
    global _Tensor
    if _Tensor is None:
        from ..tensor import Tensor as _Tensor
    return _Tensor


def _wrap(array):
    """A tensor owning ``array`` (NumPy hands back 0-d results as scalars: make them arrays again)."""
    global _wrap_array
    if _wrap_array is None:
        from .._dispatch import wrap as _wrap_array
    return _wrap_array(array)


def _derivatives_module():
    global _derivatives
    if _derivatives is None:
        from .. import derivatives as _derivatives
    return _derivatives


def run_backward(
    outputs,
    grad_outputs,
    *,
    retain_graph: bool,
    create_graph: bool,
    inputs=None,
    accumulate: bool = True,
    allow_unused: bool = False,
    materialize_grads: bool = False,
):
    """Backpropagate from ``outputs``; accumulate into leaves, or return the grads of ``inputs``."""
    derivatives = _derivatives_module()
    roots = []
    for index, (output, grad) in enumerate(zip(outputs, grad_outputs)):
        fn = output.grad_fn
        if fn is None:
            if not output._requires_grad:
                raise RuntimeError(
                    f"element {index} of tensors does not require grad and does not have a grad_fn"
                )
            fn, nr = output._accumulate_node(), 0
        else:
            nr = output._output_nr
        roots.append((fn, nr, _initial_grad(output, grad, index, create_graph)))

    # What to deliver to: leaves (through AccumulateGrad) and non-leaf tensors (through their producer).
    captures = {}  # (node, output_nr) -> the positions in inputs of the tensors it produces
    if inputs is not None:
        for position, tensor in enumerate(inputs):
            if accumulate and not tensor.requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            fn = tensor.grad_fn
            key = (fn, tensor._output_nr) if fn is not None else (tensor._accumulate_node(), 0)
            captures.setdefault(key, []).append(position)
    captured = [None] * (len(inputs) if inputs is not None else 0)

    dependencies = _count_dependencies([fn for fn, _, _ in roots])
    needed = (
        _needed_nodes([fn for fn, _, _ in roots], {key[0] for key in captures})
        if inputs is not None
        else None
    )

    buffers: dict[Node, list] = {}
    ready: list = []
    for fn, nr, grad in roots:
        _deliver(buffers, fn, nr, grad, create_graph)
    for fn, _, _ in roots:
        if dependencies.get(fn, 0) == 0 and all(entry[1] is not fn for entry in ready):
            heapq.heappush(ready, (-fn._sequence_nr, fn))  # sequence numbers are unique: no ties

    math = derivatives.TENSOR_MATH if create_graph else derivatives.array_math(roots[0][2])
    check_nan = grad_mode._state.anomaly and grad_mode._state.anomaly_check_nan
    release = not retain_graph
    heappush, heappop = heapq.heappush, heapq.heappop
    if inputs is None and not create_graph and not check_nan:
        # The common backward(): grad mode off and NumPy's warnings hushed, set by hand (the
        # context managers below cost a few microseconds of a small backward).
        state = grad_mode._state
        previous, state.grad_enabled = state.grad_enabled, False
        token = _backend.hush()
        try:
            _run_plain(ready, buffers, dependencies, math, release)
        finally:
            _backend.unhush(token)
            state.grad_enabled = previous
        return None
    with grad_mode.set_grad_enabled(create_graph), _backend.warnings_off():
        # A node that becomes ready while no other one waits runs next without the heap (a
        # chain of ops, the common shape of a graph, never touches it).
        following = None
        while ready or following is not None:
            if following is not None:
                node = following
                following = None
            else:
                node = heappop(ready)[1]
            grads = buffers.pop(node)
            if type(node) is AccumulateGrad:
                # A leaf: its hooks see the gradient first, then it is accumulated or captured.
                variable = node.variable
                grad = grads[0]
                # The buffer lets go, so the leaf can adopt an otherwise unshared gradient.
                grads = None
                if grad is None:  # every gradient that reached it was None
                    continue
                if variable._leaf_hooks:
                    grad = _run_hook_dict(variable._leaf_hooks, grad, create_graph)
                positions = captures.get((node, 0)) if captures else None
                if positions is not None and not accumulate:
                    for position in positions:
                        captured[position] = grad if create_graph else _wrap(grad)
                elif accumulate and (inputs is None or positions is not None):
                    _accumulate(variable, grad, create_graph)
                grad = None
                continue
            if captures:
                # A non-leaf input: autograd.grad returns the gradient as it arrives, before the
                # tensor's own hooks; backward(inputs=...) fills its .grad.
                for nr, grad in enumerate(grads):
                    positions = captures.get((node, nr))
                    if positions is not None and grad is not None:
                        if accumulate:
                            _retain(inputs[positions[0]], grad, create_graph)
                        else:
                            for position in positions:
                                captured[position] = grad if create_graph else _wrap(grad)
            hooked = node._hooked
            if hooked:
                grads = _run_pre_hooks(node, grads, create_graph)

            next_functions = node.next_functions
            meta = node._input_meta
            if needed is not None:
                if node not in needed:
                    continue
                needs = tuple([fn is not None and fn in needed for fn, _ in next_functions])
            elif meta is not None and node.vjp is not None:
                needs = meta  # a table node's metadata is None exactly where no gradient flows
            else:
                needs = tuple([fn is not None for fn, _ in next_functions])
            input_grads = _run_node(node, grads, needs, math, release, create_graph, check_nan)
            if hooked and node._post_hooks:
                input_grads = _run_node_hooks(node._post_hooks, input_grads, grads)

            if meta is None:
                meta = _no_meta(len(next_functions))
            for position, ((next_fn, nr), grad, expected, wanted) in enumerate(
                zip(next_functions, input_grads, meta, needs)
            ):
                if next_fn is None or not wanted:
                    continue
                if (
                    grad is not None
                    and expected is not None
                    and (
                        create_graph
                        or grad.shape != expected[0]
                        or (grad.dtype is not expected[1] and grad.dtype != expected[1])
                    )
                ):
                    grad = _validate(grad, expected, create_graph, node, position)
                buffer = buffers.get(next_fn)
                if buffer is None:
                    buffer = buffers[next_fn] = [None] * next_fn.output_count
                    buffer[nr] = grad
                elif grad is not None:
                    current = buffer[nr]
                    buffer[nr] = grad if current is None else current + grad
                remaining = dependencies[next_fn] - 1
                dependencies[next_fn] = remaining
                if remaining == 0:
                    if following is None and not ready:
                        following = next_fn
                    else:
                        if following is not None:
                            heappush(ready, (-following._sequence_nr, following))
                            following = None
                        heappush(ready, (-next_fn._sequence_nr, next_fn))
            # Drop this iteration's references, so a leaf can adopt a gradient nothing else holds.
            input_grads = grad = grads = buffer = current = None

    if inputs is None:
        return None
    results = []
    for position, (tensor, grad) in enumerate(zip(inputs, captured)):
        if grad is None:
            if materialize_grads:
                grad = _zeros_like(tensor)
            elif not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {position} appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior."
                )
        results.append(grad)
    return tuple(results)


def _run_plain(ready: list, buffers: dict, dependencies: dict, math, release: bool) -> None:
    """The loop of an ordinary ``backward()``: no ``inputs``, no ``create_graph``, no nan check.

    The same schedule as ``run_backward``'s own loop, written for speed, since every training
    step runs it: a node that becomes ready while no other waits is handed its gradients
    directly (no heap, no buffer), and a table formula's saved arrays are unpacked inline. Any
    other node (hooks, custom Functions, several outputs) takes ``_general_step``.
    """
    heappush, heappop = heapq.heappush, heapq.heappop
    following = following_grads = None
    while True:
        if following is not None:
            node, grads = following, following_grads
            following = following_grads = None
        elif ready:
            node = heappop(ready)[1]
            grads = buffers.pop(node)
        else:
            return
        if type(node) is AccumulateGrad:
            variable = node.variable
            grad = grads[0]
            grads = None  # so the leaf can adopt a gradient nothing else holds
            if grad is not None:
                if variable._leaf_hooks:
                    grad = _run_hook_dict(variable._leaf_hooks, grad, False)
                _accumulate(variable, grad, False)
                grad = None
            continue
        next_functions = node.next_functions
        meta = node._input_meta  # for a table node: None exactly where no gradient flows
        vjp = node.vjp
        if node._general or meta is None or grads[0] is None:
            input_grads, meta = _general_step(node, grads, math, release)
        else:
            try:
                if node.saves_tensors:
                    if node.saved is _FREED_DICT:  # node._freed, without the property call
                        raise RuntimeError(BACKWARD_TWICE)
                    stored = node.saved
                    saved = stored.copy()  # each SavedTensor replaced by its array below
                    holds_tensor = False
                    for key in stored:
                        value = stored[key]
                        if type(value) is SavedTensor:
                            if value.version_counter.value != value.saved_version:
                                value.check_version()  # raises "modified by an inplace operation"
                            holds_tensor = True
                            tensor = value.tensor
                            if tensor is None:
                                saved[key] = value.output.data
                            elif tensor._detached_at > node._sequence_nr:
                                raise RuntimeError(DETACHED_IN_PLACE)
                            else:
                                saved[key] = tensor._data
                    input_grads = vjp(math, grads[0], saved, meta)
                    saved = stored = value = tensor = None
                    if release:
                        if holds_tensor:
                            node.saved = _FREED_DICT
                        else:
                            node._release()  # it may still have saved a scalar PyTorch frees
                else:
                    input_grads = vjp(math, grads[0], node.saved, meta)
            except Exception:
                if grad_mode.is_anomaly_enabled():
                    _warn_anomaly(node)
                raise
        position = -1  # indexing, not zip(): a third of the cost on one or two edges
        for next_fn, nr in next_functions:
            position += 1
            if next_fn is None:
                continue
            grad = input_grads[position]
            if grad is not None:
                expected = meta[position]
                if expected is not None and (
                    grad.shape != expected[0]
                    or (grad.dtype is not expected[1] and grad.dtype != expected[1])
                ):
                    grad = _validate(grad, expected, False, node, position)
            remaining = dependencies[next_fn] - 1
            dependencies[next_fn] = remaining
            buffer = buffers.get(next_fn)
            if buffer is None:
                if remaining == 0 and following is None and not ready:
                    following = next_fn  # straight to it
                    following_grads = (
                        [grad] if next_fn.output_count == 1 else _only(next_fn, nr, grad)
                    )
                    continue
                buffer = [None] * next_fn.output_count
                buffer[nr] = grad
                buffers[next_fn] = buffer
            elif grad is not None:
                current = buffer[nr]
                buffer[nr] = grad if current is None else current + grad
            if remaining == 0:
                if following is not None:  # two ready at once: both go through the heap
                    buffers[following] = following_grads
                    heappush(ready, (-following._sequence_nr, following))
                    following = following_grads = None
                heappush(ready, (-next_fn._sequence_nr, next_fn))
        input_grads = grad = grads = buffer = current = None


def _only(node, nr: int, grad) -> list:
    """The gradients of ``node``'s outputs when only output ``nr`` received one."""
    grads = [None] * node.output_count
    grads[nr] = grad
    return grads


def _run_node(node, grads, needs, math, release, create_graph, check_nan=False):
    """A node's input gradients (its formula, or its own apply for other nodes), freeing what
    it saved unless the graph is retained; anomaly mode warns where it failed."""
    try:
        if node.vjp is None and all(grad is None for grad in grads):
            input_grads = (None,) * len(node.next_functions)
        else:
            input_grads = _apply(node, grads, needs, math, create_graph)
        if release and node.saves_tensors:
            node._release()
        if check_nan:
            _refuse_nan(node, input_grads, create_graph)
    except Exception:
        if grad_mode.is_anomaly_enabled():
            _warn_anomaly(node)
        raise
    return input_grads


def _general_step(node, grads, math, release: bool) -> tuple:
    """One node of ``_run_plain`` off its fast path: hooks, custom Functions, CopySlices,
    several outputs, all-None gradients. Returns the input gradients and the metadata to check
    them against."""
    if node._hooked:
        grads = _run_pre_hooks(node, grads, False)
    next_functions = node.next_functions
    meta = node._input_meta
    if meta is not None and node.vjp is not None:
        needs = meta
    else:
        needs = tuple([fn is not None for fn, _ in next_functions])
    input_grads = _run_node(node, grads, needs, math, release, False)
    if node._hooked and node._post_hooks:
        input_grads = _run_node_hooks(node._post_hooks, input_grads, grads)
    return input_grads, meta if meta is not None else _no_meta(len(next_functions))


def _no_meta(count: int) -> tuple:
    """Metadata for a node that records none: no input's gradient is checked."""
    meta = _NO_META.get(count)
    if meta is None:
        meta = _NO_META[count] = (None,) * count
    return meta


_NO_META: dict = {}


def _initial_grad(output, grad, index: int, create_graph: bool):
    Tensor = _tensor_type()
    data = output._data
    if grad is None:
        if data.size != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        xp = _backend.array_namespace(data)
        array = xp.ones(data.shape, dtype=data.dtype)
        return _wrap(array) if create_graph else array
    if not isinstance(grad, Tensor):
        raise TypeError(f"gradients can be either Tensors or None, but got {type(grad).__name__}")
    if grad._data.shape != data.shape:
        raise RuntimeError(
            f"Mismatch in shape: grad_output[{index}] has a shape of {grad.shape} and output[{index}] has a "
            f"shape of {output.shape}."
        )
    if grad.dtype.is_floating_point != output.dtype.is_floating_point:
        raise RuntimeError(
            f"For complex Tensors, both grad_output and output are required to have the same dtype. "
            f"Mismatch in dtype: grad_output[{index}] has a dtype of {grad.dtype} and output[{index}] has a "
            f"dtype of {output.dtype}."
        )
    if grad.dtype is not output.dtype:  # PyTorch casts the given gradient to the output's dtype
        grad = grad.to(output.dtype)
    return grad if create_graph else grad._data


def _count_dependencies(roots) -> dict:
    """How many edges lead into each node reachable from ``roots`` (an explicit stack, no recursion)."""
    dependencies: dict = {}
    stack = list(dict.fromkeys(roots))
    roots = set(stack)
    while stack:
        for next_fn, _ in stack.pop().next_functions:
            if next_fn is None:
                continue
            count = dependencies.get(next_fn)
            if count is None:  # first seen: walk on from it (roots are on the stack already)
                dependencies[next_fn] = 1
                if next_fn not in roots:
                    stack.append(next_fn)
            else:
                dependencies[next_fn] = count + 1
    return dependencies


def _needed_nodes(roots, targets: set) -> set:
    """The nodes from which some target can be reached: only they need to run."""
    parents: dict = {}
    seen = set(roots)
    stack = list(roots)
    while stack:
        node = stack.pop()
        for next_fn, _ in node.next_functions:
            if next_fn is None:
                continue
            parents.setdefault(next_fn, []).append(node)
            if next_fn not in seen:
                seen.add(next_fn)
                stack.append(next_fn)
    needed = set(targets)
    stack = list(targets)
    while stack:
        node = stack.pop()
        for parent in parents.get(node, ()):
            if parent not in needed:
                needed.add(parent)
                stack.append(parent)
    return needed


def _deliver(buffers: dict, node, nr: int, grad, create_graph: bool) -> None:
    buffer = buffers.get(node)
    if buffer is None:
        buffer = [None] * node.output_count
        buffers[node] = buffer
    current = buffer[nr]
    buffer[nr] = grad if current is None else current + grad


def _apply(node, grads, needs, math, create_graph: bool):
    if isinstance(node, FormulaNode):
        if node._freed:
            raise RuntimeError(BACKWARD_TWICE)
        saved = node.saved
        if node.saves_tensors:
            unpacked = {}
            for key, value in saved.items():
                if type(value) is SavedTensor:
                    if value.version_counter.value != value.saved_version:
                        value.check_version()  # raises PyTorch's "modified by an inplace operation"
                    value.check_not_detached(node)
                    if create_graph:
                        from .graph import _unpack_for_user

                        value = _unpack_for_user(value, node)
                    else:
                        value = (
                            value.tensor._data if value.tensor is not None else value.output.data
                        )
                unpacked[key] = value
            saved = unpacked
        grad = grads[0] if node.output_count == 1 and not node.multi_output else grads
        if grad is None:
            return (None,) * len(node.next_functions)
        return node.vjp(math, grad, saved, needs)
    return node.apply_grads(grads, needs, create_graph)


def _refuse_nan(node, input_grads, create_graph: bool) -> None:
    """Under ``detect_anomaly(check_nan=True)``: stop at the first node that produced nan."""
    for position, grad in enumerate(input_grads):
        if grad is None:
            continue
        array = grad._data if create_graph else grad
        if bool(_backend.array_namespace(array).isnan(array).any()):
            raise RuntimeError(
                f"Function '{node.name()}' returned nan values in its {position}th output."
            )


def _warn_anomaly(node) -> None:
    import warnings

    trace = node.metadata.get("traceback_")
    if trace is None:
        text = (
            f"Error detected in {node.name()}. No forward pass information available. Enable detect "
            "anomaly during forward pass for more information."
        )
    else:
        text = f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n{trace}"
    warnings.warn(text, UserWarning, stacklevel=4)


def _validate(grad, meta, create_graph: bool, node=None, position: int = 0):
    """Reduce a gradient to its input's shape (broadcasting) and cast it to the input's dtype."""
    shape, dtype = meta
    if tuple(grad.shape) != tuple(shape) and not _expandable(tuple(shape), tuple(grad.shape)):
        raise RuntimeError(
            f"Function {node.name() if node is not None else 'a node'} returned an invalid gradient at index "
            f"{position} - got {list(grad.shape)} but expected shape compatible with {list(shape)}"
        )
    if create_graph:
        if grad._data.shape != shape:
            grad = grad.sum_to_size(shape)
        if grad._data.dtype != dtype:
            grad = grad.to(dtype=_dtype_of(dtype))
        return grad
    if grad.shape != shape:
        grad = sum_to(grad, shape)
    if grad.dtype != dtype:
        grad = grad.astype(dtype)
    return grad


def _expandable(shape: tuple, target: tuple) -> bool:
    """Whether ``shape`` broadcasts to ``target`` (so a gradient of ``target`` sums back to it)."""
    if len(shape) > len(target):
        return False
    for size, wanted in zip(reversed(shape), reversed(target)):
        if size != wanted and size != 1:
            return False
    return True


def _dtype_of(numpy_dtype):
    from .. import _dtype

    return _dtype.from_numpy_dtype(numpy_dtype)


def sum_to(array, shape: tuple):
    """Sum ``array`` down to ``shape``: the gradient of broadcasting (``expand``).

    The result is a new array of its own (not a reshaped view), so a leaf can adopt it as ``.grad``.
    """
    if array.shape == shape:
        return array
    if shape and array.ndim == len(shape) + 1 and array.shape[1:] == shape:
        return array.sum(axis=0)  # the common broadcast: a bias added to every row of a batch
    lead = array.ndim - len(shape)
    if lead:
        array = array.sum(axis=tuple(range(lead)))
    kept = tuple(axis for axis, size in enumerate(shape) if size == 1 and array.shape[axis] != 1)
    if kept:
        array = array.sum(axis=kept, keepdims=True)
    return array if array.shape == shape else array.reshape(shape)


_grad_lock = threading.Lock()  # PyTorch locks AccumulateGrad too: backward may run in threads


def _accumulate(variable, grad, create_graph: bool) -> None:
    if grad is None or not variable._requires_grad:  # detach_() since the graph was built
        return
    # A leaf may adopt the gradient's buffer when nothing else can see it (PyTorch steals it
    # likewise): it owns its memory, and its only references are the engine loop's variable,
    # this parameter and getrefcount's argument (the loop drops every other one first). Otherwise
    # .grad gets a copy, so it never aliases an array another node or a hook still holds.
    base = getattr(grad, "base", 0)
    if base is None:
        unshared = sys.getrefcount(grad) <= 3
    else:
        # A view over a whole buffer that nothing else holds counts as unshared too: the
        # transpose of a transposed product (nn.Linear's weight gradient, see _mat2_grad).
        unshared = (
            type(base) is type(grad)
            and base.base is None
            and base.size == grad.size
            and sys.getrefcount(base) <= 3
            and sys.getrefcount(grad) <= 3
        )
    base = None
    with _grad_lock:
        _accumulate_locked(variable, grad, create_graph, unshared)


def _accumulate_locked(variable, grad, create_graph: bool, unshared: bool) -> None:
    current = variable._grad
    if create_graph:
        variable._grad = grad if current is None else current + grad
        return
    if current is None:
        if not (unshared and grad.strides == variable._data.strides):
            grad = _copy_like(grad, variable._data)
        variable._grad = _wrap(grad)
    elif current.requires_grad or current._data.shape != grad.shape:
        variable._grad = _wrap(current._data + grad)
    else:
        current._data += grad
        current._version_counter.value += 1


def _copy_like(grad, variable_data):
    """A copy of ``grad`` in the layout of the tensor it is the gradient of (PyTorch's layout
    contract for ``.grad``), or contiguous when that tensor's layout has overlaps or gaps."""
    from .. import _layout

    shape = variable_data.shape
    strides = tuple(step // variable_data.itemsize for step in variable_data.strides)
    if not _layout.is_non_overlapping_and_dense(shape, strides):
        strides = _layout.contiguous_strides(shape)
    return _backend.copy_with_strides(_backend.array_namespace(grad).asarray(grad), strides)


def _run_pre_hooks(node, grads, create_graph: bool):
    """What a node's gradients become before it runs: its tensors' hooks and retain_grad, then
    its own pre-hooks."""
    if node._tensor_pre_hooks or node._retain_grad_hooks:
        grads = _run_tensor_hooks(node, grads, create_graph)
    if node._pre_hooks:
        grads = _run_node_hooks(node._pre_hooks, grads, ())
    return grads


def _run_tensor_hooks(node, grads: list, create_graph: bool) -> list:
    hooks = node._tensor_pre_hooks
    retain = node._retain_grad_hooks
    if not hooks and not retain:
        return grads
    grads = list(grads)
    if hooks:
        for nr, hook_dict in hooks.items():
            if hook_dict and grads[nr] is not None:
                grads[nr] = _run_hook_dict(hook_dict, grads[nr], create_graph)
    if retain:
        for nr, reference in retain.items():
            tensor = reference()
            if tensor is not None and grads[nr] is not None:
                _retain(tensor, grads[nr], create_graph)
    return grads


def _retain(tensor, grad, create_graph: bool) -> None:
    """Fill a non-leaf's ``.grad`` (``retain_grad()``, or ``backward(inputs=[it])``)."""
    with _grad_lock:
        _retain_locked(tensor, grad, create_graph)


def _retain_locked(tensor, grad, create_graph: bool) -> None:
    if tensor._grad is None:
        if create_graph:
            tensor._grad = grad
        else:  # a contiguous copy, as PyTorch's retain_grad hook makes
            xp = _backend.array_namespace(grad)
            tensor._grad = _wrap(xp.array(grad, copy=True, order="C"))
    elif create_graph:
        tensor._grad = tensor._grad + grad
    else:
        tensor._grad._data += grad
        tensor._grad._version_counter.value += 1


def _run_hook_dict(hooks: dict, grad, create_graph: bool):
    Tensor = _tensor_type()
    for hook in list(hooks.values()):
        value = grad if create_graph else _wrap(grad)
        result = hook(value)
        if result is None:
            continue
        name = getattr(hook, "__name__", type(hook).__name__)
        if not isinstance(result, Tensor):
            raise TypeError(f"expected Variable, but hook returned '{type(result).__name__}'")
        if result.shape != value.shape:
            raise RuntimeError(f"hook '{name}' has changed the size of value")
        if result.dtype is not value.dtype:
            raise RuntimeError(
                f"hook '{name}' has changed the type of value (was tensorkit.{value.dtype.legacy_name} "
                f"got tensorkit.{result.dtype.legacy_name})"
            )
        grad = result if create_graph else result._data
    return grad


def _run_node_hooks(hooks: dict, grads, other):
    """A node's hooks: ``hook(grad_inputs, grad_outputs)`` (post) or ``hook(grad_outputs)`` (pre)."""
    Tensor = _tensor_type()

    def as_tensors(values):
        return tuple(_wrap(g) if g is not None and not isinstance(g, Tensor) else g for g in values)

    wrapped = as_tensors(grads)
    extra = (as_tensors(other),) if other else ()
    for hook in list(hooks.values()):
        result = hook(wrapped, *extra)
        if result is not None:
            wrapped = tuple(result)
    return [
        g._data if isinstance(g, Tensor) and not isinstance(grads[0], Tensor) else g
        for g in wrapped
    ]


def _zeros_like(tensor):
    xp = _backend.array_namespace(tensor._data)
    return _wrap(xp.zeros(tensor._data.shape, dtype=tensor._data.dtype))


# ---------------------------------------------------------------------- view rebasing nodes


def _geometry(tensor) -> tuple:
    """``tensor``'s window on its storage, in elements: (shape, strides, storage_offset)."""
    return tuple(tensor._data.shape), tensor.stride(), tensor.storage_offset()


def _scatter_positions(xp, geometry) -> object:
    """The storage position of every element of a window, as an array of the window's shape."""
    shape, strides, offset = geometry
    positions = xp.full(shape, offset, dtype=xp.int64)
    for axis, (size, stride) in enumerate(zip(shape, strides)):
        index_shape = [1] * len(shape)
        index_shape[axis] = size
        positions = positions + (xp.arange(size, dtype=xp.int64) * stride).reshape(index_shape)
    return positions


class AsStridedBackward0(Node):
    """The grad_fn of a view whose base was changed in place: routes the view's gradient into the
    base's positions (PyTorch regenerates it lazily, so do we)."""

    __slots__ = ("_base_geometry", "_view_geometry")

    def __init__(self, next_functions, base_geometry, view_geometry) -> None:
        super().__init__(next_functions)
        self._base_geometry = base_geometry
        self._view_geometry = view_geometry

    @property
    def _saved_size(self):
        return self._view_geometry[0]

    @property
    def _saved_stride(self):
        return self._view_geometry[1]

    @property
    def _saved_storage_offset(self):
        return self._view_geometry[2]

    def apply_grads(self, grads, needs, create_graph):
        grad = grads[0]
        if create_graph:
            return (_restride_differentiably(grad, self._view_geometry, self._base_geometry),)
        array = grad
        xp = _backend.array_namespace(array)
        base_positions = _scatter_positions(xp, self._base_geometry)
        view_positions = _scatter_positions(xp, self._view_geometry)
        size = int(max(base_positions.max(initial=0), view_positions.max(initial=0))) + 1
        storage = xp.zeros(size, dtype=array.dtype)
        _backend.add_at(xp, storage, view_positions.reshape(-1), array.reshape(-1))
        return (storage[base_positions],)


def _restride_differentiably(grad, from_geometry, to_geometry):
    """Scatter ``grad`` (laid out as ``from_geometry``) into storage and read it back as ``to_geometry``."""
    from .. import _formula_tensor_math as tm
    from .. import _ops

    xp = _backend.array_namespace(grad._data)
    source = _scatter_positions(xp, from_geometry)
    target = _scatter_positions(xp, to_geometry)
    size = int(max(source.max(initial=0), target.max(initial=0))) + 1
    storage = tm.index_grad(_ops.reshape(grad, (-1,)), (source.reshape(-1),), (size,))
    return _ops._advanced_getitem(storage, (target,))


class AsStridedRecipe:
    """How to rebuild a view's AsStridedBackward0 later, holding its base's grad_fn only weakly."""

    __slots__ = ("base_fn", "base_geometry", "base_meta", "base_nr", "view_geometry")

    def __init__(self, view) -> None:
        import weakref

        base = view._base
        self.base_fn = weakref.ref(base.grad_fn)
        self.base_nr = base._output_nr
        self.base_geometry = _geometry(base)
        self.view_geometry = _geometry(view)
        self.base_meta = (base._data.shape, base._data.dtype)

    def __call__(self):
        fn = self.base_fn()
        if fn is None:
            return None
        node = AsStridedBackward0(((fn, self.base_nr),), self.base_geometry, self.view_geometry)
        node._input_meta = (self.base_meta,)
        return node


def as_strided_node(base, view) -> Node:
    from .._dispatch import edge

    node = AsStridedBackward0((edge(base),), _geometry(base), _geometry(view))
    node._input_meta = ((base._data.shape, base._data.dtype),)
    return node


class CopySlices(Node):
    """The base's grad_fn after an in-place op on one of its views.

    The gradient of the base passes unchanged outside the view's window; inside the window it
    goes through the in-place op's own node (``fn``), whose gradient for its first input lands
    back in the window and whose other inputs get the rest.
    """

    __slots__ = ("_base_geometry", "_view_geometry", "fn")

    def __init__(self, base_edge, base_geometry, view_geometry, fn) -> None:
        super().__init__((base_edge,) + tuple(fn.next_functions[1:]))
        self.fn = fn
        self._base_geometry = base_geometry
        self._view_geometry = view_geometry

    def _release(self) -> None:
        self.fn._release()

    def apply_grads(self, grads, needs, create_graph):
        from .. import derivatives

        grad = grads[0]
        if create_graph:
            return self._apply_differentiably(grad, needs)
        array = grad
        xp = _backend.array_namespace(array)
        base_positions = _scatter_positions(xp, self._base_geometry)
        view_positions = _scatter_positions(xp, self._view_geometry)
        size = int(max(base_positions.max(initial=0), view_positions.max(initial=0))) + 1
        storage = xp.zeros(size, dtype=array.dtype)
        storage[base_positions.reshape(-1)] = array.reshape(-1)
        window = storage[view_positions]
        fn_needs = tuple(needs)  # the window's own gradient only matters if the base wants one
        fn_grads = _apply(self.fn, [window], fn_needs, derivatives.array_math(window), False)
        own = fn_grads[0]
        if own is None:
            storage[view_positions.reshape(-1)] = 0
        else:
            own_array = own
            meta = self.fn._input_meta[0] if self.fn._input_meta else None
            if meta is not None and own_array.shape != meta[0]:
                own_array = sum_to(own_array, meta[0])
            storage[view_positions.reshape(-1)] = xp.broadcast_to(own_array, window.shape).reshape(
                -1
            )
        return (storage[base_positions],) + tuple(fn_grads[1:])

    def _apply_differentiably(self, grad, needs):
        """The same routing, built from differentiable ops, for ``create_graph=True``."""
        from .. import _formula_tensor_math as tm
        from .. import _ops, derivatives

        xp = _backend.array_namespace(grad._data)
        base_positions = _scatter_positions(xp, self._base_geometry)
        view_positions = _scatter_positions(xp, self._view_geometry)
        size = int(max(base_positions.max(initial=0), view_positions.max(initial=0))) + 1
        storage = tm.index_grad(_ops.reshape(grad, (-1,)), (base_positions.reshape(-1),), (size,))
        window = _ops._advanced_getitem(storage, (view_positions,))
        fn_grads = _apply(self.fn, [window], tuple(needs), derivatives.TENSOR_MATH, True)
        outside = xp.ones(size, dtype=grad._data.dtype)
        outside[view_positions.reshape(-1)] = 0
        storage = storage * _wrap(outside)
        own = fn_grads[0]
        if own is not None:
            meta = self.fn._input_meta[0] if self.fn._input_meta else None
            if meta is not None and tuple(own.shape) != meta[0]:
                own = own.sum_to_size(meta[0])
            own = _ops.expand(own, tuple(window.shape))
            storage = storage + tm.index_grad(
                _ops.reshape(own, (-1,)), (view_positions.reshape(-1),), (size,)
            )
        return (_ops._advanced_getitem(storage, (base_positions,)),) + tuple(fn_grads[1:])


def copy_slices_node(base, view, fn) -> Node:
    from .._dispatch import edge

    node = CopySlices(edge(base), _geometry(base), _geometry(view), fn)
    fn_meta = fn._input_meta or ((None,) * len(fn.next_functions))
    node._input_meta = ((base._data.shape, base._data.dtype),) + tuple(fn_meta[1:])
    return node
