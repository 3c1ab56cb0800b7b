"""Custom differentiable functions: subclass ``Function`` with ``forward`` and ``backward``.

>>> import tensorkit
>>> class Double(tensorkit.autograd.Function):
...     @staticmethod
...     def forward(ctx, x):
...         return x * 2
...     @staticmethod
...     def backward(ctx, grad):
...         return grad * 2
>>> x = tensorkit.ones(2, requires_grad=True)
>>> y = Double.apply(x)
>>> y.grad_fn.name()
'DoubleBackward'
>>> y.sum().backward(); x.grad
tensor([2., 2.])

``Function.apply`` treats the outputs of ``forward`` as PyTorch's ``_wrap_outputs`` does:

* an input returned unchanged comes back as a new tensor, a view of the input;
* an input marked with ``ctx.mark_dirty`` (modified in place) comes back as itself, one version
  later, with its history rebased onto the new node;
* outputs marked with ``ctx.mark_non_differentiable``, and integer outputs, do not require grad.
"""

from __future__ import annotations

import functools
import inspect
import warnings

from . import grad_mode
from .graph import BACKWARD_TWICE, Node, SavedTensor

__all__ = ["BackwardCFunction", "Function", "FunctionCtx", "once_differentiable"]

# How a view returned by a custom Function was made (``Tensor._view_creation``): modifying it in
# place is refused, since rebasing its history would bypass the custom backward.
IN_CUSTOM_FUNCTION = "in_custom_function"

LEAF_MARKED_DIRTY = "a leaf Variable that requires grad has been used in an in-place operation."
DIRTY_NOT_RETURNED = (
    "Some elements marked as dirty during the forward method were not returned as output. "
    "The inputs that are modified inplace must all be outputs of the Function."
)
DIRTY_NOT_INPUT = (
    "ctx.mark_dirty() received a tensor that was not an input. Only input Tensors that have been "
    "mutated should be passed to ctx.mark_dirty()."
)
TWICE_DIFFERENTIATED = (
    "trying to differentiate twice a function that was marked with @once_differentiable"
)


class FunctionCtx:
    """What ``forward`` leaves for ``backward``: saved tensors and any attributes set on it."""

    def save_for_backward(self, *tensors) -> None:
        self._to_save = tensors

    def mark_dirty(self, *tensors) -> None:
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors) -> None:
        self._non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        self._materialize_grads = value


class BackwardCFunction(Node, FunctionCtx):
    """The grad_fn of a custom Function's output (PyTorch names it ``<Class>Backward``)."""

    _forward_cls = None

    def __init__(self, forward_inputs: tuple) -> None:
        from .._dispatch import edge
        from ..tensor import Tensor

        Node.__init__(self, tuple(edge(a) for a in forward_inputs))
        self._saved = None
        self._freed = False
        self._materialize_grads = True
        self.needs_input_grad = tuple(
            isinstance(a, Tensor) and a.requires_grad for a in forward_inputs
        )
        self._forward_is_tensor = tuple(isinstance(a, Tensor) for a in forward_inputs)

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(BACKWARD_TWICE)
        if self._saved is None:
            return ()
        from .graph import _unpack_for_user

        return tuple(
            _unpack_for_user(item, self) if isinstance(item, SavedTensor) else item
            for item in self._saved
        )

    saved_variables = saved_tensors

    def _release(self) -> None:
        if self._saved is not None:
            self._freed = True
            self._saved = None

    def apply_grads(self, grads, needs, create_graph):
        from .. import _creation
        from ..tensor import Tensor

        if self._freed:
            raise RuntimeError(BACKWARD_TWICE)
        wrapped = []
        for grad, meta in zip(grads, self._output_meta):
            if grad is None and self._materialize_grads and meta is not None:
                grad = _creation.zeros(meta[0], dtype=meta[1])
            elif grad is not None and not isinstance(grad, Tensor):
                grad = Tensor._make(grad)
            wrapped.append(grad)
        with grad_mode.set_grad_enabled(bool(create_graph)):
            result = self._forward_cls.backward(self, *wrapped)
        result = self._check_gradient_count(result if isinstance(result, tuple) else (result,))
        if create_graph:
            return result
        return tuple(r._data if isinstance(r, Tensor) else r for r in result)

    def _check_gradient_count(self, result: tuple) -> tuple:
        """One gradient per forward input, as PyTorch demands; extra trailing ``None`` dropped."""
        expected = len(self.next_functions)
        if len(result) > expected and all(r is None for r in result[expected:]):
            result = result[:expected]
        if len(result) != expected:
            raise RuntimeError(
                f"function {self.name()} returned an incorrect number of gradients (expected "
                f"{expected}, got {len(result)})"
            )
        for position, (gradient, is_tensor) in enumerate(zip(result, self._forward_is_tensor)):
            if gradient is not None and not is_tensor:
                raise RuntimeError(
                    f"function {self.name()} returned a gradient different than None at position "
                    f"{position + 1}, but the corresponding forward input was not a Variable"
                )
        return result


class _FunctionMeta(type):
    def __init__(cls, name, bases, namespace) -> None:
        super().__init__(name, bases, namespace)
        cls._backward_cls = type(name + "Backward", (BackwardCFunction,), {"_forward_cls": cls})


class Function(metaclass=_FunctionMeta):
    """Base class for an op with a hand-written backward.

    ``forward(ctx, *args)`` runs under ``no_grad``; ``backward(ctx, *grad_outputs)`` returns one
    gradient (or ``None``) per argument of ``forward``. Alternatively ``forward(*args)`` without
    ``ctx`` and a separate ``setup_context(ctx, inputs, output)``, as in PyTorch 2.
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._dispatch import needs_grad
        from ..tensor import Tensor

        separate_setup = cls.setup_context is not Function.setup_context
        args = _bind_arguments(cls.forward, args, kwargs, has_ctx=not separate_setup)
        record = needs_grad(args)
        node = cls._backward_cls(args)
        with grad_mode.no_grad():
            if separate_setup:
                outputs = cls.forward(*args)
                cls.setup_context(node, args, outputs)
            else:
                outputs = cls.forward(node, *args)
        single = not isinstance(outputs, tuple)
        raw_outputs = (outputs,) if single else outputs

        dirty = _mark_dirty(node)
        if record:
            node._input_meta = tuple(
                (a._data.shape, a._data.dtype)
                if isinstance(a, Tensor) and a.requires_grad
                else None
                for a in args
            )
            node.output_count = len(raw_outputs)
            node._output_meta = tuple(
                (o.shape, o.dtype) if isinstance(o, Tensor) else None for o in raw_outputs
            )
        results = _wrap_outputs(
            node if record else None,
            args,
            raw_outputs,
            dirty,
            getattr(node, "_non_differentiable", ()),
        )
        for tensor in dirty:
            if not any(tensor is output for output in raw_outputs):
                raise RuntimeError(DIRTY_NOT_RETURNED)
        if record:
            _save_for_backward(node, results)
        return results[0] if single else tuple(results)


def _bind_arguments(forward, args: tuple, kwargs: dict, *, has_ctx: bool) -> tuple:
    """The Function's inputs: ``apply``'s keyword arguments put in ``forward``'s positional order.

    PyTorch binds them so: ``apply(x, k=2)`` passes ``k`` as input 1, which needs its own
    (``None``) gradient and shows in ``ctx.needs_input_grad``.
    """
    signature = inspect.signature(forward)
    if not has_ctx:
        # A forward without ctx (setup_context style) gets its defaults bound too, as in PyTorch.
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return bound.args
    if not kwargs:
        return args
    names = [
        p.name
        for p in signature.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ][1:]  # after ctx
    for name in kwargs:
        if name not in names:
            raise TypeError(f"forward() got an unexpected keyword argument '{name}'")
        if names.index(name) < len(args):
            raise TypeError(f"forward() got multiple values for argument '{name}'")
    bound = list(args)
    for position in range(len(args), len(args) + len(kwargs)):
        if names[position] not in kwargs:
            raise TypeError(
                f"forward() missing required argument: '{names[position]}' (position {position})"
            )
        bound.append(kwargs[names[position]])
    return tuple(bound)


def _mark_dirty(node) -> tuple:
    """The tensors ``forward`` marked dirty, each one version later (whether recording or not)."""
    from ..tensor import Tensor

    dirty = getattr(node, "_dirty", ())
    for position, tensor in enumerate(dirty):
        if not isinstance(tensor, Tensor):  # PyTorch raises RuntimeError, not TypeError, here
            raise RuntimeError(  # noqa: TRY004
                f"mark_dirty can only accept variables, but argument {position} is of type "
                f"{type(tensor).__name__}"
            )
        tensor._bump_version()
    return dirty


def _wrap_outputs(node, args, raw_outputs, dirty, non_differentiable) -> list:
    """Connect the outputs of ``forward`` to ``node`` (``None`` when not recording).

    Case by case as PyTorch's ``_process_backward_mode_ad`` (``custom_function.cpp``).
    """
    from .._dispatch import VIEW_OF_LEAF_INPLACE, rebase_history
    from ..tensor import MULTI_OUTPUT, Tensor

    results = []
    differentiable_count = 0
    for number, output in enumerate(raw_outputs):
        if not isinstance(output, Tensor):
            results.append(output)
            continue
        is_input = any(output is a for a in args)
        is_modified = any(output is d for d in dirty)
        is_differentiable = (
            node is not None
            and not any(output is n for n in non_differentiable)
            and (output.dtype.is_floating_point or output.dtype.is_complex)
        )
        if not is_differentiable:
            if not output.requires_grad:
                if is_input and not is_modified:
                    output = _alias(output)
            elif is_input:
                output = output.detach()  # a detached alias: the caller's input keeps its history
            elif output._base is None:
                output.detach_()
        elif is_modified:
            if output.is_leaf and output.requires_grad:
                raise RuntimeError(LEAF_MARKED_DIRTY)
            base = output._base
            if base is not None and base.requires_grad and base.is_leaf:
                raise RuntimeError(VIEW_OF_LEAF_INPLACE)
            if not is_input:
                warnings.warn(DIRTY_NOT_INPUT, UserWarning, stacklevel=3)
            rebase_history(output, node)
            if output._base is None:
                output._output_nr = number
        else:
            if is_input:
                output = _alias(output)
            output._grad_fn = node
            output._output_nr = number
        if not (is_input and is_modified) and output._base is not None:
            output._view_creation = IN_CUSTOM_FUNCTION
        if is_differentiable:
            differentiable_count += 1
        results.append(output)
    if differentiable_count > 1:
        # Several differentiable outputs: none of the views among them may be modified in place.
        for output in results:
            if isinstance(output, Tensor) and output._base is not None:
                output._view_creation = MULTI_OUTPUT
    return results


def _alias(tensor):
    """A new tensor object viewing all of ``tensor`` (PyTorch's ``view_as(self)``), no history."""
    return tensor._make_view(tensor._data)


def _save_for_backward(node, results) -> None:
    from ..tensor import Tensor

    to_save = getattr(node, "_to_save", None)
    if to_save is None:
        return
    for position, item in enumerate(to_save):
        if item is not None and not isinstance(item, Tensor):
            raise TypeError(
                f"save_for_backward can only save variables, but argument {position} is of type "
                f"{type(item).__name__}"
            )
    node._saved = tuple(
        SavedTensor(item, is_output=any(item is r for r in results), node_name=node.name())
        if isinstance(item, Tensor)
        else item
        for item in to_save
    )


class Error(Node):
    """The grad_fn of a ``once_differentiable`` backward's results: differentiating them raises.

    PyTorch's name for it; ``name()`` gives ``tensorkit::autograd::Error``.
    """

    def __init__(self, next_functions, output_count: int) -> None:
        super().__init__(next_functions)
        self.output_count = output_count

    def apply_grads(self, grads, needs, create_graph):
        raise RuntimeError(TWICE_DIFFERENTIATED)


def once_differentiable(backward):
    """Mark a ``backward`` as not itself differentiable.

    It runs under ``no_grad``; a double backward through its results raises instead of silently
    giving wrong second derivatives.
    """
    from .._dispatch import edge
    from ..tensor import Tensor

    @functools.wraps(backward)
    def wrapper(ctx, *grad_outputs):
        with grad_mode.no_grad():
            outputs = backward(ctx, *grad_outputs)
        if not grad_mode.is_grad_enabled():
            return outputs
        if not any(isinstance(g, Tensor) and g.requires_grad for g in grad_outputs):
            return outputs
        single = not isinstance(outputs, tuple)
        outputs = (outputs,) if single else outputs
        # As in PyTorch, the results become aliases whose grad_fn raises when reached: each hangs
        # off a detached leaf that requires grad, so that it gets a grad_fn at all.
        leaves = [o.detach().requires_grad_() if isinstance(o, Tensor) else o for o in outputs]
        error = Error(tuple(edge(leaf) for leaf in leaves), len(leaves))
        wrapped = []
        for number, leaf in enumerate(leaves):
            if isinstance(leaf, Tensor):
                leaf = leaf.detach()
                leaf._grad_fn = error
                leaf._output_nr = number
            wrapped.append(leaf)
        return wrapped[0] if single else tuple(wrapped)

    return wrapper
