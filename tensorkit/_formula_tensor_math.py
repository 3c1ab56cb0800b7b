"""The formula math of ``derivatives.py`` on tensors, for ``create_graph=True``.

Each function mirrors ``derivatives.ArrayMath`` but calls tensorkit's differentiable ops, so a
gradient computed with it has a graph of its own.
"""

from __future__ import annotations

from . import _ops
from ._dispatch import wrap
from .tensor import Tensor


def _tensor(value, like: Tensor):
    if isinstance(value, Tensor):
        return value
    if hasattr(value, "dtype") and hasattr(value, "shape"):
        return wrap(value)
    return value


def log(x):
    return _ops.log(x)


def log_scalar(value):
    from .derivatives import _log_scalar

    return _log_scalar(value)


def floor_divide(a, b):
    # rounding_mode="floor" rather than //: differentiable (zero gradient), as PyTorch's formula
    return _ops.div(a, b, rounding_mode="floor")


def reverse_cumsum(g, dim):
    if g.ndim == 0:  # the cumsum of a 0-d tensor is the tensor
        return g
    return _ops.flip(_ops.cumsum(_ops.flip(g, (dim,)), dim), (dim,))


def exp(x):
    return _ops.exp(x)


def sin(x):
    return _ops.sin(x)


def cos(x):
    return _ops.cos(x)


def sign(x):
    return _ops.sign(x)


def isnan(x):
    return _ops.isnan(x)


def sqrt(x):
    return _ops.sqrt(x)


def where(condition, a, b):
    condition = _tensor(condition, None)
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        raise TypeError("where needs a tensor")
    reference = a if isinstance(a, Tensor) else b
    a = a if isinstance(a, Tensor) else _ops.full_scalar_like(reference, a)
    b = b if isinstance(b, Tensor) else _ops.full_scalar_like(reference, b)
    return _ops.where(condition, a, b)


def mul(g, other):
    return g * other


def tanh_grad(g, result):
    return g * (1 - result * result)


def sigmoid_grad(g, result):
    return g * result * (1 - result)


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
    from ._creation import zeros

    pieces, start = [], 0
    for size in sizes:
        if size is None:  # a (0,) tensor that cat skipped
            pieces.append(zeros(0, dtype=g.dtype))
            continue
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


def index_grad(g, indices, sizes):
    from . import derivatives as D
    from ._dispatch import call
    from .derivatives import array_math

    out = array_math(g._data).index_grad(g._data, indices, tuple(sizes))
    params = {"indices": indices, "self_sym_sizes": tuple(sizes), "accumulate": True}
    return call(D.INDEX_ACCUMULATE, (g,), out, params)


def embedding_grad(g, indices, num_weights, padding_idx, scale_grad_by_freq):
    """The rows of ``g`` added into a zero matrix at ``indices`` (the padding row's masked out
    first), through ``index_grad``: a gradient that differentiates again.

    Under scale_grad_by_freq the value is divided by each row's count, but the gradient flows
    through the unscaled sum, as PyTorch's double backward (a plain gather) has it: the first
    backward, met again on the way down, scales once, and once is the true second derivative.
    """
    from . import _backend

    flat = indices._data.reshape(-1)
    rows = _ops.reshape(g, (flat.shape[0], g.shape[-1]))
    if padding_idx < num_weights:  # saved unsigned: "no padding" is 2**64 - 1
        keep = (flat != padding_idx).astype(g._data.dtype)[:, None]
        rows = rows * wrap(keep)
    out = index_grad(rows, (flat,), (num_weights, g.shape[-1]))
    if scale_grad_by_freq:
        xp = _backend.array_namespace(flat)
        counts = xp.maximum(xp.bincount(flat, minlength=num_weights), 1)
        shrink = (1.0 / counts).astype(g._data.dtype)[:, None] - 1
        out = out + wrap(out._data * shrink)  # a constant: the graph does not see the scaling
    return out


def index_take(g, indices):
    return _ops._advanced_getitem(g, indices if isinstance(indices, tuple) else (indices,))


def index_fill_zero(g, indices):
    from ._creation import ones_like

    keep = ones_like(g)
    keep._data[indices] = 0
    return g * keep


def scatter_along(g, indices, dim, keepdim, sizes):
    """The gradient lands where ``indices`` point along ``dim`` (a one-hot mask, so it differentiates)."""
    from . import _backend

    if not sizes:  # max(dim) of a 0-d tensor is the tensor
        return g
    xp = _backend.array_namespace(indices)
    if not keepdim:
        g = _ops.unsqueeze(g, dim)
        indices = xp.expand_dims(indices, dim)
    positions = xp.arange(sizes[dim]).reshape(
        [-1 if axis == dim else 1 for axis in range(len(sizes))]
    )
    one_hot = wrap(positions == indices).to(g.dtype)
    return g * one_hot


def strided_grad(g, sizes, positions):
    count = 1
    for size in sizes:
        count *= size
    flat = index_grad(_ops.reshape(g, (-1,)), (positions.reshape(-1),), (count,))
    return _ops.reshape(flat, tuple(sizes))


def repeat_grad(g, repeats, sizes):
    lead = len(repeats) - len(sizes)
    shape = []
    for axis, count in enumerate(repeats):
        size = sizes[axis - lead] if axis >= lead else 1
        shape += [count, size]
    summed = _ops.sum(_ops.reshape(g, tuple(shape)), tuple(range(0, len(shape), 2)))
    return _ops.reshape(summed, tuple(sizes))


def join_pieces(grads, sizes, dim, split_sizes):
    from ._creation import zeros

    reference = next(g for g in grads if g is not None)
    if split_sizes is None:
        pieces = [
            g if g is not None else zeros(tuple(reference.shape), dtype=reference.dtype)
            for g in grads
        ]
        return _ops.stack(pieces, dim)
    pieces = []
    for g, size in zip(grads, split_sizes):
        if g is None:
            shape = list(sizes)
            shape[dim] = size
            g = zeros(tuple(shape), dtype=reference.dtype)
        pieces.append(g)
    return _ops.cat(pieces, dim)


def prod_grad(g, x, result, dim, keepdim):
    """The product of the other entries, as a differentiable expression: result / x where no
    entry is 0 (PyTorch's rule), else each entry replaced by 1 in turn (an n-by-n construction,
    fine at the sizes higher-order gradients are taken)."""
    from ._creation import eye

    if x.ndim == 0:
        return g
    if not bool((x == 0).any()):
        if dim is None:
            return g * (result / x)
        return unsqueeze_dims(g, dim, keepdim) * (unsqueeze_dims(result, dim, keepdim) / x)
    if dim is None:
        flat = _ops.reshape(x, (-1,))
        n = flat.shape[0]
        rows = _ops.where(
            eye(n, dtype=x.dtype) > 0, _ops.full_scalar_like(x, 1), _ops.expand(flat, (n, n))
        )
        return _ops.reshape(g * _ops.prod(rows, 1), tuple(x.shape))
    g = unsqueeze_dims(g, dim, keepdim)
    moved = _ops.movedim(x, dim, -1)
    n = moved.shape[-1]
    grid = _ops.expand(_ops.unsqueeze(moved, -2), tuple(moved.shape[:-1]) + (n, n))
    rows = _ops.where(eye(n, dtype=x.dtype) > 0, _ops.full_scalar_like(x, 1), grid)
    others = _ops.movedim(_ops.prod(rows, -1), -1, dim)
    return g * others


def flip(g, dims):
    return _ops.flip(g, dims)


def norm_grad(g, x, norm, ord, dim, keepdim):
    g = unsqueeze_dims(g, dim, keepdim)
    norm = unsqueeze_dims(norm, dim, keepdim)
    if ord == 2:  # x / ||x||, and 0 at x == 0 as on arrays
        safe = _ops.where(norm == 0, _ops.full_scalar_like(norm, 1), norm)
        return _ops.where(norm == 0, _ops.full_scalar_like(x, 0), g * x / safe)
    if ord == 1:
        return g * _ops.sign(x)
    if ord in (float("inf"), float("-inf")):
        mask = (_ops.abs(x) == norm).to(x.dtype)
        count = _ops.sum(mask, dim, keepdim=True) if dim is not None else _ops.sum(mask)
        return g * _ops.sign(x) * mask / count
    return g * x * _ops.abs(x) ** (ord - 2) / norm ** (ord - 1)


def sigmoid(x):
    return _ops.sigmoid(x)


def log_sigmoid(x):
    # min(x, 0) - log(1 + exp(-|x|)): the stable form, from differentiable ops
    return _ops.clamp(x, max=0) - _ops.log(1 + _ops.exp(-_ops.abs(x)))


def to_device(g, device):
    """``g`` on ``device``, recorded (a transfer's gradient, differentiated again)."""
    if device is None or g.device == device:
        return g
    return _ops.to_device(g, device)
