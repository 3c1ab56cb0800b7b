"""Hypothesis strategies for tensorkit's property tests (in the style of minitorch's tensor_strategies).

* ``shapes`` / ``broadcastable_shape_pairs``: shapes, and pairs of shapes that broadcast together;
* ``float_arrays``: float64 NumPy arrays of a shape, with bounded finite values;
* ``view_recipes``: a base shape and a chain of view steps (transpose, permute, strided slice,
  select, unsqueeze, expand) that can be replayed on a tensorkit tensor, a torch tensor or a
  NumPy array, so every property compares against NumPy doing the same thing;
* ``op_chains``: a chain of differentiable ops to run after a view, for backward properties.

Plain helpers used by the properties, written from PyTorch's rules (not tensorkit's code):
``torch_is_contiguous``, ``is_non_overlapping_and_dense``, ``expected_clone_strides``,
``sum_to_shape``.

The tests import this module as ``from strategies import ...`` (tests/ is on ``sys.path``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

MAX_SIDE = 4
MAX_DIMS = 4


# ---------------------------------------------------------------------------- shapes and arrays


def shapes(
    min_dims: int = 0, max_dims: int = MAX_DIMS, min_side: int = 1, max_side: int = MAX_SIDE
):
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


@st.composite
def broadcastable_shape_pairs(
    draw, min_dims: int = 0, max_dims: int = MAX_DIMS, max_side: int = MAX_SIDE
):
    """Two shapes that broadcast together, and the shape they broadcast to."""
    result = draw(
        hnp.mutually_broadcastable_shapes(
            num_shapes=2, min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side
        )
    )
    first, second = result.input_shapes
    return tuple(first), tuple(second), tuple(result.result_shape)


def finite_floats(low: float = -4.0, high: float = 4.0):
    return st.floats(low, high, allow_nan=False, allow_infinity=False, width=64)


def float_arrays(shape, low: float = -4.0, high: float = 4.0, unique: bool = False):
    """float64 arrays of ``shape`` with values in [low, high]."""
    return hnp.arrays(np.float64, shape, elements=finite_floats(low, high), unique=unique)


def nonzero_float_arrays(shape, low: float = 0.5, high: float = 4.0):
    """float64 arrays whose values are at least ``low`` in magnitude (safe denominators)."""
    magnitude = st.floats(low, high, allow_nan=False, allow_infinity=False, width=64)
    signed = st.tuples(st.sampled_from((-1.0, 1.0)), magnitude).map(lambda pair: pair[0] * pair[1])
    return hnp.arrays(np.float64, shape, elements=signed)


@st.composite
def reduction_args(draw, ndim: int, allow_tuple: bool = True):
    """A ``dim`` (an int, possibly negative, or a tuple of distinct dims) and a ``keepdim`` flag."""
    if allow_tuple and ndim > 1 and draw(st.booleans()):
        dims = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
        dim = tuple(d - ndim if draw(st.booleans()) else d for d in dims)
    else:
        dim = draw(st.integers(-ndim, ndim - 1))
    return dim, draw(st.booleans())


# ---------------------------------------------------------------------------- views


@dataclass(frozen=True)
class ViewRecipe:
    """A base shape and view steps to replay on tensors (tensorkit or torch) and on NumPy arrays."""

    base_shape: tuple
    steps: tuple  # of (name, args)

    def apply(self, tensor):
        for name, args in self.steps:
            if name == "transpose":
                tensor = tensor.transpose(*args)
            elif name == "permute":
                tensor = tensor.permute(*args)
            elif name == "slice":
                dim, start, stop, step = args
                tensor = tensor[(slice(None),) * dim + (slice(start, stop, step),)]
            elif name == "select":
                dim, index = args
                tensor = tensor.select(dim, index)
            elif name == "unsqueeze":
                tensor = tensor.unsqueeze(args[0])
            elif name == "expand":
                tensor = tensor.expand(*args[0])
            else:
                raise ValueError(name)
        return tensor

    def apply_numpy(self, array: np.ndarray) -> np.ndarray:
        for name, args in self.steps:
            if name == "transpose":
                array = np.swapaxes(array, *args)
            elif name == "permute":
                array = np.transpose(array, args)
            elif name == "slice":
                dim, start, stop, step = args
                array = array[(slice(None),) * dim + (slice(start, stop, step),)]
            elif name == "select":
                dim, index = args
                array = array[
                    (slice(None),) * dim + (index, Ellipsis)
                ]  # ... keeps a 0-d result a view
            elif name == "unsqueeze":
                array = np.expand_dims(array, args[0])
            elif name == "expand":
                array = _expand_numpy(array, args[0])
            else:
                raise ValueError(name)
        return array

    @property
    def expands(self) -> bool:
        return any(name == "expand" for name, _ in self.steps)

    def __repr__(self) -> str:
        return f"ViewRecipe(base_shape={self.base_shape}, steps={list(self.steps)})"


def _expand_numpy(array: np.ndarray, sizes) -> np.ndarray:
    """``expand`` in NumPy, as a writeable view (np.broadcast_to gives a read-only one)."""
    lead = len(sizes) - array.ndim
    shape, strides = [], []
    for axis, size in enumerate(sizes):
        if axis < lead:
            shape.append(size)
            strides.append(0)
            continue
        current, stride = array.shape[axis - lead], array.strides[axis - lead]
        size = current if size == -1 else size
        shape.append(size)
        strides.append(0 if current == 1 and size != 1 else stride)
    return np.lib.stride_tricks.as_strided(array, shape=tuple(shape), strides=tuple(strides))


@st.composite
def _view_step(draw, shape: tuple):
    """One view step valid for ``shape``, and the shape after it."""
    ndim = len(shape)
    choices = ["unsqueeze"]
    if ndim >= 1:
        choices += ["transpose", "slice", "slice", "select", "expand"]
    if ndim >= 2:
        choices += ["permute", "transpose"]
    if ndim == 0:
        choices += ["expand"]
    name = draw(st.sampled_from(choices))
    if name == "transpose":
        dim0, dim1 = draw(st.integers(-ndim, ndim - 1)), draw(st.integers(-ndim, ndim - 1))
        new = list(shape)
        new[dim0], new[dim1] = new[dim1], new[dim0]
        return (name, (dim0, dim1)), tuple(new)
    if name == "permute":
        dims = tuple(draw(st.permutations(range(ndim))))
        return (name, dims), tuple(shape[d] for d in dims)
    if name == "slice":
        dim = draw(st.integers(0, ndim - 1))
        size = shape[dim]
        start = draw(st.integers(0, size - 1))
        stop = draw(st.integers(start + 1, size))
        step = draw(st.integers(1, 3))
        length = len(range(start, stop, step))
        return (name, (dim, start, stop, step)), shape[:dim] + (length,) + shape[dim + 1 :]
    if name == "select":
        dim = draw(st.integers(0, ndim - 1))
        index = draw(st.integers(-shape[dim], shape[dim] - 1))
        return (name, (dim, index)), shape[:dim] + shape[dim + 1 :]
    if name == "unsqueeze":
        dim = draw(st.integers(-(ndim + 1), ndim))
        axis = dim % (ndim + 1)
        return (name, (dim,)), shape[:axis] + (1,) + shape[axis:]
    # expand: grow size-1 dims, maybe add a leading dim; -1 keeps a size
    lead = draw(st.integers(1 if ndim == 0 else 0, 1)) if ndim < MAX_DIMS else 0
    target = [draw(st.integers(1, 3)) for _ in range(lead)]
    for size in shape:
        if size == 1:
            target.append(draw(st.integers(1, 3)))
        else:
            target.append(draw(st.sampled_from((size, -1))))
    result = tuple(t if t != -1 else s for t, s in zip(target, (None,) * lead + tuple(shape)))
    return (name, (tuple(target),)), result


@st.composite
def view_recipes(
    draw,
    min_steps: int = 1,
    max_steps: int = 3,
    min_dims: int = 1,
    max_dims: int = 3,
    expand: bool = True,
    base_shape: tuple | None = None,
):
    """A base shape (drawn unless given) and 1..3 view steps on it (no step yields an empty tensor)."""
    if base_shape is None:
        base_shape = tuple(draw(shapes(min_dims=min_dims, max_dims=max_dims)))
    shape = base_shape
    steps = []
    for _ in range(draw(st.integers(min_steps, max_steps))):
        step, new_shape = draw(_view_step(shape))
        if step[0] == "expand" and not expand:
            continue
        if len(new_shape) > MAX_DIMS + 1:
            continue
        steps.append(step)
        shape = new_shape
    return ViewRecipe(base_shape, tuple(steps))


@st.composite
def reshape_targets(draw, numel: int):
    """A shape with ``numel`` elements (1 to 4 dims), possibly with one -1."""
    dims = []
    remaining = numel
    for _ in range(draw(st.integers(0, 3))):
        divisors = [d for d in range(1, remaining + 1) if remaining % d == 0]
        size = draw(st.sampled_from(divisors))
        dims.append(size)
        remaining //= size
    dims.append(remaining)
    dims = draw(st.permutations(dims))
    if draw(st.booleans()):
        dims[draw(st.integers(0, len(dims) - 1))] = -1
    return tuple(dims)


# ---------------------------------------------------------------------------- op chains for backward

# Each op: (name, minimum ndim, function(module, tensor) -> tensor, change of ndim or None for "becomes 1").
CHAIN_OPS = {
    "mul-scalar": (0, lambda m, y: y * 1.5, 0),
    "add-self-sin": (0, lambda m, y: y + y.sin(), 0),
    "tanh": (0, lambda m, y: y.tanh(), 0),
    "sigmoid": (0, lambda m, y: y.sigmoid(), 0),
    "square": (0, lambda m, y: y**2, 0),
    "mul-self": (0, lambda m, y: y * y, 0),
    "exp-of-tanh": (0, lambda m, y: y.tanh().exp(), 0),
    "clone": (0, lambda m, y: y.clone(), 0),
    "clone-inplace-mul": (0, lambda m, y: y.clone().mul_(2.0), 0),
    "clone-inplace-sin": (0, lambda m, y: y.clone().sin_(), 0),
    "contiguous": (0, lambda m, y: y.contiguous(), 0),
    "unsqueeze": (0, lambda m, y: y.unsqueeze(0), +1),
    "flatten": (0, lambda m, y: y.reshape(-1), None),
    "transpose": (1, lambda m, y: y.transpose(0, -1), 0),
    "sum-dim": (1, lambda m, y: y.sum(0), -1),
    "mean-dim-keepdim": (1, lambda m, y: y.mean(-1, keepdim=True), 0),
    "slice-step": (1, lambda m, y: y[..., ::2], 0),
    "select": (1, lambda m, y: y[0], -1),
    "matmul-self-t": (2, lambda m, y: y @ y.mT, 0),
    "softmax": (1, lambda m, y: y.softmax(-1), 0),
    "max-dim": (1, lambda m, y: y.max(-1).values, -1),
}


@st.composite
def op_chains(draw, ndim: int, max_ops: int = 4):
    """Names of 1..max_ops ops from CHAIN_OPS, each valid for the ndim it receives."""
    names = []
    for _ in range(draw(st.integers(1, max_ops))):
        valid = sorted(
            name
            for name, (minimum, _, change) in CHAIN_OPS.items()
            if ndim >= minimum and not (ndim >= MAX_DIMS and change == +1)
        )
        name = draw(st.sampled_from(valid))
        change = CHAIN_OPS[name][2]
        ndim = 1 if change is None else ndim + change
        names.append(name)
    return tuple(names)


def run_chain(module, tensor, names):
    for name in names:
        tensor = CHAIN_OPS[name][1](module, tensor)
    return tensor


# ---------------------------------------------------------------------------- PyTorch's layout rules


def torch_is_contiguous(shape, strides) -> bool:
    """PyTorch's is_contiguous: dims of size 1 are ignored; an empty tensor is contiguous."""
    if any(size == 0 for size in shape):
        return True
    expected = 1
    for size, stride in zip(reversed(shape), reversed(strides)):
        if size == 1:
            continue
        if stride != expected:
            return False
        expected *= size
    return True


def is_non_overlapping_and_dense(shape, strides) -> bool:
    """PyTorch's compute_non_overlapping_and_dense: some permutation of the dims is contiguous."""
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


def _infer_dense_strides(shape, strides) -> tuple:
    """PyTorch's infer_dense_strides: keep the order of the input's strides, without gaps."""
    ndim = len(shape)
    perm = list(range(ndim - 1, -1, -1))  # innermost first

    def should_swap(dim0, dim1) -> int:
        stride0, stride1 = strides[dim0], strides[dim1]
        if stride0 == 0 or stride1 == 0:
            return 0
        if stride0 < stride1:
            return -1
        if stride0 > stride1:
            return 1
        if shape[dim0] > shape[dim1]:
            return 1
        return 0

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


def expected_clone_strides(shape, strides) -> tuple:
    """Strides of ``clone()`` (memory_format=preserve_format) in PyTorch: the input's own strides
    when it is non-overlapping and dense, else dense strides in the input's stride order (an
    expanded input, whose stride-0 dims make the order ambiguous, gets contiguous strides)."""
    shape, strides = tuple(shape), tuple(strides)
    if is_non_overlapping_and_dense(shape, strides):
        return strides
    return _infer_dense_strides(shape, strides)


def contiguous_strides(shape) -> tuple:
    strides, current = [], 1
    for size in reversed(shape):
        strides.append(current)
        current *= max(size, 1)
    return tuple(reversed(strides))


def is_overlapping(shape, strides) -> bool:
    """True when two index tuples reach the same memory (here: a stride-0 dim of size > 1)."""
    return any(stride == 0 and size > 1 for size, stride in zip(shape, strides))


def sum_to_shape(array: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum a broadcast array back to ``shape``: the gradient of broadcasting, done in NumPy."""
    lead = array.ndim - len(shape)
    array = array.sum(axis=tuple(range(lead))) if lead else array
    axes = tuple(axis for axis, size in enumerate(shape) if size == 1 and array.shape[axis] != 1)
    if axes:
        array = array.sum(axis=axes, keepdims=True)
    return array.reshape(shape)
