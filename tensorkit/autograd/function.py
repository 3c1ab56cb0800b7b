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
"""

from __future__ import annotations

from . import grad_mode
from .graph import BACKWARD_TWICE, Node, SavedTensor

__all__ = ["Function", "FunctionCtx", "BackwardCFunction"]


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

    def __init__(self, next_functions) -> None:
        Node.__init__(self, next_functions)
        self._saved = None
        self._freed = False
        self._materialize_grads = True
        self.needs_input_grad = tuple(fn is not None for fn, _ in next_functions)

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(BACKWARD_TWICE)
        if self._saved is None:
            return ()
        from .graph import _unpack_for_user

        return tuple(_unpack_for_user(item, self) if isinstance(item, SavedTensor) else item
                     for item in self._saved)

    saved_variables = saved_tensors

    def _release(self) -> None:
        if self._saved is not None:
            self._freed = True
            self._saved = None

    def apply_grads(self, grads, needs, create_graph):
        from ..tensor import Tensor
        from .. import _creation

        if self._freed:
            raise RuntimeError(BACKWARD_TWICE)
        wrapped = []
        for grad, (shape, dtype) in zip(grads, self._output_meta):
            if grad is None and self._materialize_grads:
                grad = _creation.zeros(shape, dtype=dtype)
            elif grad is not None and not isinstance(grad, Tensor):
                grad = Tensor._make(grad)
            wrapped.append(grad)
        with grad_mode.set_grad_enabled(create_graph):
            result = self._forward_cls.backward(self, *wrapped)
        if not isinstance(result, tuple):
            result = (result,)
        if len(result) < len(self.next_functions):
            result = result + (None,) * (len(self.next_functions) - len(result))
        if len(result) > len(self.next_functions):
            if any(r is not None for r in result[len(self.next_functions):]):
                raise RuntimeError(
                    f"function {self.name()} returned an incorrect number of gradients (expected "
                    f"{len(self.next_functions)}, got {len(result)})"
                )
            result = result[: len(self.next_functions)]
        if create_graph:
            return result
        return tuple(r._data if isinstance(r, Tensor) else r for r in result)


class _FunctionMeta(type):
    def __init__(cls, name, bases, namespace) -> None:
        super().__init__(name, bases, namespace)
        cls._backward_cls = type(name + "Backward", (BackwardCFunction,), {"_forward_cls": cls})


class Function(metaclass=_FunctionMeta):
    """Base class for an op with a hand-written backward."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        from ..tensor import Tensor
        from .._dispatch import edge, needs_grad, rebase_history

        tensor_inputs = [a for a in args if isinstance(a, Tensor)]
        record = needs_grad(tensor_inputs)
        edges = tuple(edge(a) if isinstance(a, Tensor) else (None, 0) for a in args)
        node = cls._backward_cls(edges)
        with grad_mode.no_grad():
            outputs = cls.forward(node, *args, **kwargs)
        single = not isinstance(outputs, tuple)
        outputs_tuple = (outputs,) if single else outputs
        if not record:
            return outputs
        node._input_meta = tuple((a._data.shape, a._data.dtype) if isinstance(a, Tensor) and e[0] is not None
                                 else None for a, e in zip(args, edges))
        node.output_count = len(outputs_tuple)
        node._output_meta = tuple((o.shape, o.dtype) if isinstance(o, Tensor) else ((), None) for o in outputs_tuple)
        dirty = getattr(node, "_dirty", ())
        non_differentiable = getattr(node, "_non_differentiable", ())
        results = []
        for number, output in enumerate(outputs_tuple):
            if not isinstance(output, Tensor):
                results.append(output)
                continue
            if any(output is d for d in non_differentiable):
                results.append(output)
                continue
            if any(output is d for d in dirty):
                rebase_history(output, node)
                output._output_nr = number
            elif any(output is a for a in args):
                output = _alias_output(output)
                output._grad_fn = node
                output._output_nr = number
            else:
                output._grad_fn = node
                output._output_nr = number
            results.append(output)
        to_save = getattr(node, "_to_save", None)
        if to_save is not None:
            node._saved = tuple(
                SavedTensor(t, is_output=any(t is r for r in results)) if isinstance(t, Tensor) else t
                for t in to_save
            )
        return results[0] if single else tuple(results)


def _alias_output(tensor):
    """An input returned unchanged from forward becomes a new tensor object, as in PyTorch."""
    from ..tensor import Tensor

    return Tensor._make(tensor._data, tensor._storage, tensor._version_counter)
