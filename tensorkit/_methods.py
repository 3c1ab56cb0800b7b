"""Tensor methods and Python operators, each a thin call into ``_ops``.

Kept apart from ``tensor.py`` so that file reads as the data model (memory, versions, graph
state) and this one as the list of what a tensor can do.
"""

from __future__ import annotations

import numbers

from . import _backend, _creation, _dispatch, _ops
from . import _dtype as dtypes
from . import derivatives as _derivatives
from ._backend import Device
from ._backend import numpy as _np
from .tensor import Tensor

_ndarray = _np.ndarray

# Methods that are exactly the function of the same name with the tensor first.
_SAME_NAME = (
    "add",
    "sub",
    "mul",
    "div",
    "true_divide",
    "divide",
    "floor_divide",
    "remainder",
    "neg",
    "negative",
    "reciprocal",
    "pow",
    "square",
    "exp",
    "log",
    "sqrt",
    "sin",
    "cos",
    "tanh",
    "sigmoid",
    "abs",
    "absolute",
    "relu",
    "clamp",
    "clip",
    "maximum",
    "minimum",
    "lerp",
    "addcmul",
    "addcdiv",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "not_equal",
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
    "bitwise_not",
    "isnan",
    "isinf",
    "isfinite",
    "sign",
    "floor",
    "ceil",
    "round",
    "trunc",
    "equal",
    "allclose",
    "isclose",
    "sum",
    "mean",
    "max",
    "min",
    "amax",
    "amin",
    "argmax",
    "argmin",
    "prod",
    "var",
    "std",
    "norm",
    "softmax",
    "log_softmax",
    "any",
    "all",
    "count_nonzero",
    "nonzero",
    "cumsum",
    "mm",
    "addmm",
    "mv",
    "dot",
    "bmm",
    "matmul",
    "outer",
    "contiguous",
    "repeat",
    "view",
    "view_as",
    "reshape",
    "flatten",
    "unflatten",
    "transpose",
    "swapaxes",
    "swapdims",
    "t",
    "permute",
    "movedim",
    "moveaxis",
    "expand",
    "expand_as",
    "broadcast_to",
    "unsqueeze",
    "squeeze",
    "narrow",
    "select",
    "split",
    "chunk",
    "unbind",
    "copy_",
    "fill_",
    "zero_",
    "add_",
    "sub_",
    "mul_",
    "div_",
    "pow_",
    "clamp_",
    "exp_",
    "log_",
    "sqrt_",
    "sin_",
    "cos_",
    "tanh_",
    "sigmoid_",
    "reciprocal_",
    "neg_",
    "abs_",
    "relu_",
    "lerp_",
    "addcmul_",
    "addcdiv_",
    "diagonal",
    "unfold",
    "unsqueeze_",
    "squeeze_",
    "transpose_",
    "t_",
    "flip",
    "floor_divide_",
    "remainder_",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "bitwise_and_",
    "bitwise_or_",
    "bitwise_xor_",
    "bitwise_left_shift",
    "bitwise_right_shift",
    "bitwise_left_shift_",
    "bitwise_right_shift_",
)
for _name in _SAME_NAME:
    setattr(Tensor, _name, getattr(_ops, _name))

Tensor.normal_ = _creation.normal_
Tensor.uniform_ = _creation.uniform_
Tensor.T = property(_ops._transpose_property)
Tensor.mT = property(_ops.mT)
Tensor.__getitem__ = _ops.getitem
Tensor.__setitem__ = _ops.setitem


def _reshape_as(self: Tensor, other: Tensor) -> Tensor:
    return _ops.reshape(self, other.shape)


def _sum_to_size(self: Tensor, *size) -> Tensor:
    """Sum broadcast dimensions away until the shape is ``size`` (the gradient of ``expand``)."""
    shape = _ops._size_args(size)
    lead = self.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and self.shape[lead + i] != 1
    )
    result = _ops.sum(self, dims, keepdim=True) if dims else self
    return _ops.view(result, shape) if result.shape != tuple(shape) else result


Tensor.reshape_as = _reshape_as
Tensor.where = lambda self, condition, other: _ops.where(condition, self, other)
Tensor.sum_to_size = _sum_to_size


# ---------------------------------------------------------------------------- casts and devices


def _to(self: Tensor, *args, **kwargs) -> Tensor:
    """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)``; returns self when nothing changes."""
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    if kwargs:
        raise TypeError(
            f"to() received an invalid combination of arguments - got unexpected {sorted(kwargs)}"
        )
    for arg in args:
        if isinstance(arg, dtypes.dtype):
            dtype = arg
        elif isinstance(arg, (str, Device, int)) and not isinstance(arg, bool):
            device = arg
        elif isinstance(arg, Tensor):
            dtype, device = arg.dtype, arg.device
        elif isinstance(arg, bool):
            copy = arg if device is not None or dtype is not None else copy
        else:
            raise TypeError(
                f"to() received an invalid combination of arguments - got ({type(arg).__name__})"
            )
    if device is not None:
        return _ops.to_device(self, device, dtype, copy)
    if dtype is None:
        return self if not copy else _ops.clone(self)
    return _ops.to_dtype(self, dtype, copy)


Tensor.to = _to
Tensor.float = lambda self, memory_format=None: _ops.to_dtype(self, dtypes.float32)
Tensor.double = lambda self, memory_format=None: _ops.to_dtype(self, dtypes.float64)
Tensor.half = lambda self, memory_format=None: _ops.to_dtype(self, dtypes.float16)
Tensor.long = lambda self, memory_format=None: _ops.to_dtype(self, dtypes.int64)
Tensor.int = lambda self, memory_format=None: _ops.to_dtype(self, dtypes.int32)
Tensor.short = lambda self, memory_format=None: _ops.to_dtype(self, dtypes.int16)
Tensor.char = lambda self, memory_format=None: _ops.to_dtype(self, dtypes.int8)
Tensor.byte = lambda self, memory_format=None: _ops.to_dtype(self, dtypes.uint8)
Tensor.bool = lambda self, memory_format=None: _ops.to_dtype(self, dtypes.bool_)
Tensor.cpu = lambda self, memory_format=None: _ops.to_device(self, "cpu")
Tensor.cuda = lambda self, device=None, non_blocking=False: _ops.to_device(
    self,
    Device("cuda", device if isinstance(device, int) else 0)
    if not isinstance(device, (str, Device))
    else device,
)
Tensor.new_tensor = lambda self, data, dtype=None, device=None, requires_grad=False: (
    _creation.tensor(
        data,
        dtype=dtype or self.dtype,
        device=device or self.device,
        requires_grad=requires_grad,
    )
)
Tensor.new_zeros = lambda self, *size, dtype=None, device=None, requires_grad=False: (
    _creation.zeros(
        *size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad
    )
)
Tensor.new_ones = lambda self, *size, dtype=None, device=None, requires_grad=False: _creation.ones(
    *size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad
)
Tensor.new_full = lambda self, size, fill_value, dtype=None, device=None, requires_grad=False: (
    _creation.full(
        size,
        fill_value,
        dtype=dtype or self.dtype,
        device=device or self.device,
        requires_grad=requires_grad,
    )
)
Tensor.new_empty = lambda self, *size, dtype=None, device=None, requires_grad=False: (
    _creation.empty(
        *size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad
    )
)


# ---------------------------------------------------------------------------- Python operators


def _reflected(function):
    return lambda self, other: function(other, self)


_OPERAND_TYPES = (Tensor, numbers.Number, _np.ndarray, _np.generic)
_FAST_OPERANDS = frozenset((Tensor, float, int))


def _binary_operator(function):
    """An operator that defers (NotImplemented) to the other operand when it isn't a number or array."""

    def operator(self, other):
        if type(other) not in _FAST_OPERANDS and not isinstance(other, _OPERAND_TYPES):
            return NotImplemented
        return function(self, other)

    return operator


def _table_operator(op, params=None):
    """``+``/``*``: the hottest path in the library. Two NumPy tensors of one dtype, or a float
    tensor and a Python float, go straight to the ufunc; anything else to ``_ops._binary``."""
    ufunc = op.numpy_ufunc
    binary = _ops._binary
    laid_out = _ops._laid_out
    record = _dispatch.recorder(op)
    hush, unhush = _backend.hush, _backend.unhush

    def operator(self, other):
        kind = type(other)
        x = self._data
        if kind is Tensor:
            y = other._data
            if x.dtype != y.dtype or type(x) is not _ndarray or type(y) is not _ndarray:
                return binary(op, self, other, params)
        elif kind is float and x.dtype.kind == "f" and type(x) is _ndarray:
            y = other
        elif kind in _FAST_OPERANDS or isinstance(other, _OPERAND_TYPES):
            return binary(op, self, other, params)
        else:
            return NotImplemented
        token = hush()
        try:
            out = ufunc(x, y)
        except ValueError:
            binary(op, self, other, params)  # raises PyTorch's message for the shapes
            raise
        finally:
            unhush(token)
        if not x.flags.c_contiguous or (kind is Tensor and not y.flags.c_contiguous):
            out = laid_out(out, (self, other))  # PyTorch's layout, not NumPy's
        return record((self, other), out, params)

    return operator


Tensor.__add__ = _table_operator(_derivatives.ADD, _ops._ALPHA_ONE)
Tensor.__radd__ = _table_operator(_derivatives.ADD, _ops._ALPHA_ONE)
Tensor.__sub__ = _binary_operator(_ops.sub)
Tensor.__rsub__ = _binary_operator(lambda self, other: _ops.rsub(self, other))
Tensor.__mul__ = _table_operator(_derivatives.MUL)
Tensor.__rmul__ = _table_operator(_derivatives.MUL)
Tensor.__truediv__ = _binary_operator(_ops.div)
Tensor.__rtruediv__ = _binary_operator(lambda self, other: _ops.rdiv(self, other))
Tensor.__floordiv__ = _binary_operator(_ops.floor_divide)
Tensor.__rfloordiv__ = _binary_operator(_reflected(_ops.floor_divide))
Tensor.__mod__ = _binary_operator(_ops.remainder)
Tensor.__rmod__ = _binary_operator(_reflected(_ops.remainder))
Tensor.__pow__ = _binary_operator(_ops.pow)
Tensor.__rpow__ = _binary_operator(_reflected(_ops.pow))
Tensor.__matmul__ = lambda self, other: (
    _ops.matmul(self, other) if isinstance(other, Tensor) else NotImplemented
)
Tensor.__rmatmul__ = lambda self, other: (
    _ops.matmul(other, self) if isinstance(other, Tensor) else NotImplemented
)
Tensor.__neg__ = _ops.neg
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = _ops.abs


def _invert(self):
    if self.dtype is dtypes.bool_:
        return _ops.logical_not(self)
    if self.dtype.is_floating_point:
        raise TypeError(
            "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
        )
    return _ops.bitwise_not(self)


Tensor.__invert__ = _invert
Tensor.__and__ = _binary_operator(_ops.bitwise_and)
Tensor.__rand__ = _binary_operator(_reflected(_ops.bitwise_and))
Tensor.__ror__ = _binary_operator(_reflected(_ops.bitwise_or))
Tensor.__rxor__ = _binary_operator(_reflected(_ops.bitwise_xor))
Tensor.__or__ = _binary_operator(_ops.bitwise_or)
Tensor.__xor__ = _binary_operator(_ops.bitwise_xor)
Tensor.__lshift__ = _binary_operator(_ops.bitwise_left_shift)
Tensor.__rlshift__ = _binary_operator(_reflected(_ops.bitwise_left_shift))
Tensor.__rshift__ = _binary_operator(_ops.bitwise_right_shift)
Tensor.__rrshift__ = _binary_operator(_reflected(_ops.bitwise_right_shift))
Tensor.__eq__ = _binary_operator(_ops.eq)
Tensor.__ne__ = _binary_operator(_ops.ne)
Tensor.__lt__ = _binary_operator(_ops.lt)
Tensor.__le__ = _binary_operator(_ops.le)
Tensor.__gt__ = _binary_operator(_ops.gt)
Tensor.__ge__ = _binary_operator(_ops.ge)


def _inplace_operator(function):
    def operator(self, other):
        function(self, other)
        return self

    return operator


Tensor.__iadd__ = _inplace_operator(_ops.add_)
Tensor.__isub__ = _inplace_operator(_ops.sub_)
Tensor.__imul__ = _inplace_operator(_ops.mul_)
Tensor.__itruediv__ = _inplace_operator(_ops.div_)
Tensor.__ipow__ = _inplace_operator(_ops.pow_)
Tensor.__ifloordiv__ = _inplace_operator(_ops.floor_divide_)
Tensor.__imod__ = _inplace_operator(_ops.remainder_)
Tensor.__iand__ = _inplace_operator(_ops.bitwise_and_)
Tensor.__ior__ = _inplace_operator(_ops.bitwise_or_)
Tensor.__ixor__ = _inplace_operator(_ops.bitwise_xor_)
Tensor.__ilshift__ = _inplace_operator(_ops.bitwise_left_shift_)
Tensor.__irshift__ = _inplace_operator(_ops.bitwise_right_shift_)
