"""tensorkit: a PyTorch-shaped tensor library on NumPy (and CuPy), built to be looked inside.

Tutorial code runs with ``import tensorkit as torch`` and prints what PyTorch prints. Tensors
share memory through views, ``detach()`` and the NumPy bridge exactly as PyTorch's do, carry
version counters, and record a backward graph whose nodes have PyTorch's names.

>>> import tensorkit as torch
>>> x = torch.ones(5, requires_grad=True)
>>> y = x.clone()
>>> y
tensor([1., 1., 1., 1., 1.], grad_fn=<CloneBackward0>)
"""

from __future__ import annotations

from . import _methods  # noqa: F401  (attaches the Tensor methods)
from . import autograd, nn
from ._backend import Device as device
from ._creation import (Generator, arange, as_tensor, asarray, default_generator, empty, empty_like, eye,
                        from_numpy, full, full_like, initial_seed, linspace, manual_seed, ones, ones_like, rand,
                        rand_like, randint, randint_like, randn, randn_like, randperm, seed, tensor, zeros,
                        zeros_like)
from ._creation import _LegacyTensorType
from ._dtype import (bool_ as bool, dtype, float16, float32, float64, get_default_dtype, int8, int16, int32,
                     int64, promote_types, set_default_dtype, uint8)
from ._ops import (abs, absolute, add, all, allclose, amax, amin, any, argmax, argmin, bitwise_and, bitwise_not,
                   bitwise_or, bitwise_xor, bmm, broadcast_to, cat, ceil, chunk, clamp, clip, clone, concat,
                   concatenate, contiguous_format, cos, count_nonzero, cumsum, diagonal, div, divide, dot, eq, equal, exp,
                   expand, flatten, floor, floor_divide, ge, greater, greater_equal, gt,
                   isclose, isfinite, isinf, isnan, le, less, less_equal, log, log_softmax, logical_and,
                   logical_not, logical_or, logical_xor, lt, matmul, max, maximum, mean, min, minimum, mm, movedim,
                   moveaxis, mul, mul as multiply, mv, narrow, ne, neg, negative, nonzero,
                   norm, not_equal, outer, permute, pow, preserve_format, prod, reciprocal, relu, remainder,
                   repeat, reshape, round, rsub, select, sigmoid, sign, sin, softmax, split, sqrt,
                   square, squeeze, stack, std, sub, sub as subtract, sum, swapaxes,
                   swapdims, t, tanh, transpose, true_divide, trunc, unbind, unflatten, unsqueeze, var, where)
from .autograd import enable_grad, inference_mode, no_grad, set_grad_enabled
from .autograd.grad_mode import is_grad_enabled, is_inference_mode_enabled
from .tensor import Size, Tensor, UntypedStorage, is_tensor

__version__ = "0.1.0"

float = float32
double = float64
half = float16
long = int64
int = int32
short = int16

FloatTensor = _LegacyTensorType(float32)
DoubleTensor = _LegacyTensorType(float64)
HalfTensor = _LegacyTensorType(float16)
LongTensor = _LegacyTensorType(int64)
IntTensor = _LegacyTensorType(int32)
BoolTensor = _LegacyTensorType(bool)
ByteTensor = _LegacyTensorType(uint8)


def numel(input: Tensor) -> "int":
    return input.numel()


def detach(input: Tensor) -> Tensor:
    return input.detach()


def is_floating_point(input: Tensor) -> "bool":
    return input.is_floating_point()


def result_type(tensor1, tensor2) -> dtype:
    from ._ops import result_dtype

    return result_dtype(tensor1, tensor2)
