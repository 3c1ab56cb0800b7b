"""``Parameter``: a leaf tensor that a Module registers as one of its weights."""

from __future__ import annotations

from ..tensor import Tensor


class Parameter(Tensor):
    """A tensor that requires grad by default and prints as ``Parameter containing:``.

    It shares memory and the version counter with the tensor it wraps; results of ops on it
    are plain tensors.

    >>> import tensorkit
    >>> Parameter(tensorkit.ones(2))
    Parameter containing:
    tensor([1., 1.], requires_grad=True)
    """

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        if data is None:
            from .._creation import empty

            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter data must be a Tensor, not {type(data).__name__}")
        parameter = cls._make(data._data, data._storage, data._version_counter)
        parameter._is_param = True
        if requires_grad:
            parameter._set_requires_grad(
                True, "Only Tensors of floating point and complex dtype can require gradients"
            )
        return parameter

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self.detach().numpy().copy(), self._requires_grad))


def _rebuild_parameter(array, requires_grad: bool) -> Parameter:
    from .._dispatch import wrap

    return Parameter(wrap(array), requires_grad)
