"""PyTorch's rules for the strides of new tensors, in element units.

A learner checks ``stride()`` and ``is_contiguous()`` after ``clone()`` or ``expand()``, so the
layouts follow PyTorch's exactly: a clone keeps a dense input's strides (a transposed tensor
stays transposed), and a dense, ordered copy is made of anything else.
"""

from __future__ import annotations


def is_non_overlapping_and_dense(shape, strides) -> bool:
    """Whether some ordering of the dimensions is contiguous (PyTorch's compute_non_overlapping_and_dense)."""
    ndim = len(shape)
    if ndim == 1:
        return shape[0] < 2 or strides[0] == 1
    order = sorted(range(ndim), key=lambda d: (shape[d] < 2, strides[d] if shape[d] >= 2 else 0))
    required = 1
    for dim in order:
        if shape[dim] < 2:
            return True
        if strides[dim] != required:
            return False
        required *= shape[dim]
    return True


def dense_strides_like(shape, strides) -> tuple:
    """Gap-free strides that keep the order of ``strides`` (PyTorch's infer_dense_strides)."""
    ndim = len(shape)
    perm = list(range(ndim - 1, -1, -1))  # innermost dimension first

    def should_swap(dim0, dim1) -> int:
        stride0, stride1 = strides[dim0], strides[dim1]
        if stride0 == 0 or stride1 == 0:
            return 0
        if stride0 != stride1:
            return -1 if stride0 < stride1 else 1
        return 1 if shape[dim0] > shape[dim1] else 0

    for i in range(1, ndim):
        dim1 = i
        for dim0 in range(i - 1, -1, -1):
            comparison = should_swap(perm[dim0], perm[dim1])
            if comparison > 0:
                perm[dim0], perm[dim1] = perm[dim1], perm[dim0]
                dim1 = dim0
            elif comparison < 0:
                break
    result = [0] * ndim
    current = 1
    for dim in perm:
        result[dim] = current
        current *= max(shape[dim], 1)
    return tuple(result)


def preserved_strides(shape, strides) -> tuple:
    """The strides ``clone()`` gives under ``preserve_format``."""
    if is_non_overlapping_and_dense(shape, strides):
        return tuple(strides)
    return dense_strides_like(shape, strides)


def contiguous_strides(shape) -> tuple:
    result, current = [], 1
    for size in reversed(shape):
        result.append(current)
        current *= max(size, 1)
    return tuple(reversed(result))


def expanded_geometry(shape, strides, target) -> tuple:
    """Sizes and strides of ``expand(target)`` (PyTorch's inferExpandGeometry): an expanded
    size-1 dim gets stride 0; a new leading dim of size 1 gets the stride it would have if dense."""
    ndim, tensor_dim = len(target), len(shape)
    if tensor_dim == 0:  # a 0-dim tensor: every dim is new, and PyTorch gives them all stride 0
        return tuple(target), (0,) * ndim
    sizes, steps = [0] * ndim, [0] * ndim
    for i in range(ndim - 1, -1, -1):
        dim = tensor_dim - 1 - (ndim - 1 - i)
        size = shape[dim] if dim >= 0 else 1
        stride = strides[dim] if dim >= 0 else (sizes[i + 1] * steps[i + 1] if i < ndim - 1 else 1)
        wanted = target[i] if target[i] != -1 else size
        if size != wanted:
            size, stride = wanted, 0
        sizes[i], steps[i] = size, stride
    return tuple(sizes), tuple(steps)
