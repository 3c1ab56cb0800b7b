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


def _sort_dims(perm: list, should_swap) -> None:
    """PyTorch's insertion sort of dims (innermost first) by ``should_swap(dim0, dim1)``: 1
    swaps, -1 stops, 0 leaves the pair and goes on. In place."""
    for i in range(1, len(perm)):
        dim1 = i
        for dim0 in range(i - 1, -1, -1):
            comparison = should_swap(perm[dim0], perm[dim1])
            if comparison > 0:
                perm[dim0], perm[dim1] = perm[dim1], perm[dim0]
                dim1 = dim0
            elif comparison < 0:
                break


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

    _sort_dims(perm, should_swap)
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


def is_channels_last(shape, strides) -> bool:
    """PyTorch's is_contiguous(memory_format=torch.channels_last): a 4-d NHWC layout."""
    if len(shape) != 4:
        return False
    expected = 1
    for dim in (1, 3, 2, 0):
        size = shape[dim]
        if size != 1:
            if strides[dim] != expected:
                return False
            expected *= size
    return True


def channels_last_strides(shape) -> tuple:
    result, current = [0] * 4, 1
    for dim in (1, 3, 2, 0):
        result[dim] = current
        current *= shape[dim]
    return tuple(result)


def is_contiguous(shape, strides) -> bool:
    """PyTorch's is_contiguous(): row-major without gaps, ignoring size-1 dims (NumPy's flag)."""
    if 0 in shape:
        return True
    expected = 1
    for size, stride in zip(reversed(shape), reversed(strides)):
        if size == 0:
            return True
        if size != 1:
            if stride != expected:
                return False
            expected *= size
    return True


def elementwise_strides(shape, operands) -> tuple:
    """The strides PyTorch's TensorIterator gives the result of an elementwise op over
    ``operands`` ((shape, strides) pairs, in argument order; a Python number is ``((), ())``).

    When every operand has the result's shape, a contiguous, a channels-last or a dense layout
    that all share is kept as is. Otherwise the dims are ordered by the operands' strides (the
    first operand with an opinion wins; a broadcast dim has none; where an operand's strides
    are equal, the larger dim goes outside), and the result is dense in that order.
    """
    ndim = len(shape)
    if ndim == 0:
        return ()
    same_shape = all(tuple(s) == tuple(shape) for s, _ in operands)
    if same_shape:
        if all(is_contiguous(s, st) for s, st in operands):
            return contiguous_strides(shape)
        if all(is_channels_last(s, st) for s, st in operands):
            return channels_last_strides(shape)
        first = tuple(operands[0][1])
        if all(tuple(st) == first for _, st in operands) and is_non_overlapping_and_dense(
            shape, first
        ):
            return first
    # Each operand's strides over the result's dims; a broadcast dim steps 0.
    steps = []
    for s, st in operands:
        offset = ndim - len(s)
        row = [0] * ndim
        for i, (size, stride) in enumerate(zip(s, st)):
            row[offset + i] = 0 if size == 1 and shape[offset + i] != 1 else stride
        steps.append(row)

    def should_swap(dim0, dim1) -> int:
        for row in steps:
            stride0, stride1 = row[dim0], row[dim1]
            if stride0 == 0 or stride1 == 0:
                continue
            if stride0 != stride1:
                return -1 if stride0 < stride1 else 1
            if shape[dim0] > shape[dim1]:
                return 1
        return 0

    perm = list(range(ndim - 1, -1, -1))  # innermost dim first
    _sort_dims(perm, should_swap)
    if perm == list(range(ndim - 1, -1, -1)):
        return contiguous_strides(shape)
    result, current = [0] * ndim, 1
    for dim in perm:
        result[dim] = current
        current *= shape[dim]
    return tuple(result)


def _channels_last_order(ndim: int) -> tuple:
    return (1, 3, 2, 0) if ndim == 4 else (1, 4, 3, 2, 0)


def suggests_channels_last(shape, strides) -> bool:
    """PyTorch's suggest_memory_format() is channels_last (4-d) or channels_last_3d (5-d): the
    strides of a 4-d or 5-d tensor grow in N, H, W, C order from C (is_channels_last_strides)."""
    ndim = len(shape)
    if ndim not in (4, 5) or strides[1] == 0:
        return False
    smallest = 0
    for dim in _channels_last_order(ndim):
        if shape[dim] == 0 or strides[dim] < smallest:
            return False
        if dim == 0 and smallest == strides[1]:
            return False  # ambiguous (N111, or N11W sliced): PyTorch falls back to contiguous
        smallest = strides[dim]
        if shape[dim] > 1:
            smallest *= shape[dim]
    return True


def joined_strides(shape, parts) -> tuple:
    """The strides of ``cat``'s result: channels-last when every part ((shape, strides) pairs)
    suggests it, else contiguous (PyTorch's cat_compute_output_memory_format)."""
    if len(shape) in (4, 5) and all(suggests_channels_last(s, st) for s, st in parts):
        result, current = [0] * len(shape), 1
        for dim in _channels_last_order(len(shape)):
            result[dim] = current
            current *= shape[dim]
        return tuple(result)
    return contiguous_strides(shape)


def view_strides(shape, strides, target):
    """The strides of ``view(target)`` (PyTorch's computeStride), or None when no view can
    have that shape. Only the steps of size-1 dims can differ from NumPy's reshape."""
    if not shape:
        return (1,) * len(target)
    numel = 1
    for size in shape:
        numel *= size
    if numel == 0:
        return contiguous_strides(target) if tuple(shape) != tuple(target) else tuple(strides)
    result = [0] * len(target)
    view_d = len(target) - 1
    chunk_base_stride = strides[-1]
    tensor_numel = view_numel = 1
    for tensor_d in range(len(shape) - 1, -1, -1):
        tensor_numel *= shape[tensor_d]
        if tensor_d == 0 or (
            shape[tensor_d - 1] != 1 and strides[tensor_d - 1] != tensor_numel * chunk_base_stride
        ):
            while view_d >= 0 and (view_numel < tensor_numel or target[view_d] == 1):
                result[view_d] = view_numel * chunk_base_stride
                view_numel *= target[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                chunk_base_stride = strides[tensor_d - 1]
                tensor_numel = view_numel = 1
    if view_d != -1:
        return None
    return tuple(result)
