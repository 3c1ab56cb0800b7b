"""The formula math of ``derivatives.py`` on tensors, for ``create_graph=True``.

Each function mirrors ``derivatives.ArrayMath`` but calls tensorkit's differentiable ops, so a
gradient computed with it has a graph of its own.
"""

from __future__ import annotations

import math as _math

from . import _ops
from ._dispatch import wrap
from .tensor import Tensor

is_array = False


def _tensor(value, like: Tensor):
    if isinstance(value, Tensor):
        return value
    if hasattr(value, "dtype") and hasattr(value, "shape"):
        return wrap(value)
    return value


def log(x):
    return _ops.log(x)


def log_scalar(value):
    return _math.log(value)


def exp(x):
    return _ops.exp(x)


def sin(x):
    return _ops.sin(x)


def cos(x):
    return _ops.cos(x)


def sign(x):
    return _ops.sign(x)


def where(condition, a, b):
    condition = _tensor(condition, None)
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        raise TypeError("where needs a tensor")
    reference = a if isinstance(a, Tensor) else b
    a = a if isinstance(a, Tensor) else _ops.full_scalar_like(reference, a)
    b = b if isinstance(b, Tensor) else _ops.full_scalar_like(reference, b)
    return _ops.where(condition, a, b)


def zeros_like(g):
    from ._creation import zeros_like as make

    return make(g)


def expand(g, shape):
    return _ops.expand(g, tuple(shape))


def sum_to(g, shape):
    return g.sum_to_size(tuple(shape))


def reshape(g, shape):
    return _ops.reshape(g, tuple(shape))


def swapaxes(g, a, b):
    return _ops.transpose(g, a, b)


def permute(g, dims):
    return _ops.permute(g, tuple(dims))


def mT(x):
    return _ops.transpose(x, -1, -2)


def matmul(a, b):
    return _ops.matmul(a, b)


def outer(a, b):
    return _ops.outer(a, b)


def unsqueeze_dims(g, dim, keepdim):
    if keepdim or dim is None:
        return g
    for axis in sorted(dim if isinstance(dim, tuple) else (dim,)):
        g = _ops.unsqueeze(g, axis)
    return g


def split_sizes(g, sizes, dim):
    pieces, start = [], 0
    for size in sizes:
        pieces.append(_ops.narrow(g, dim, start, size))
        start += size
    return tuple(pieces)


def unstack(g, dim):
    return tuple(_ops.select(g, dim, i) for i in range(g.shape[dim]))


def slice_grad(g, sizes, dim, start, end, step):
    from ._creation import zeros

    out = zeros(tuple(sizes), dtype=g.dtype)
    index = [slice(None)] * len(sizes)
    index[dim] = slice(start, end, step)
    out[tuple(index)] = g
    return out


def select_grad(g, sizes, dim, position):
    from ._creation import zeros

    out = zeros(tuple(sizes), dtype=g.dtype)
    index = [slice(None)] * len(sizes)
    index[dim] = position
    out[tuple(index)] = g
    return out


def _unsupported(name):
    def function(*args, **kwargs):
        raise NotImplementedError(
            f"create_graph=True through '{name}' is not supported yet: its gradient formula has no tensor form"
        )

    return function


scatter_along = _unsupported("max/min along a dim")
prod_grad = _unsupported("prod")
norm_grad = _unsupported("norm")
repeat_grad = _unsupported("repeat")
index_grad = _unsupported("indexing")
index_fill_zero = _unsupported("index_put")
index_take = _unsupported("index_put")
join_pieces = _unsupported("split/unbind")
