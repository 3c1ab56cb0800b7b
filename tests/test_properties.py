"""Property-based tests: broadcasting, views, clones, version counters and reductions against NumPy.

Every property here is checked against NumPy doing the same thing (no PyTorch needed). The
rules NumPy cannot decide (strides of size-1 dims, clone's preserve_format) are written out in
tests/strategies.py from PyTorch's source, and the last tests check those rules, and backward
through random chains of ops on non-contiguous views, against PyTorch where it is installed.
"""

from __future__ import annotations

import numpy as np
import pytest
from _tools import skip_missing_tool
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import (
    broadcastable_shape_pairs,
    contiguous_strides,
    expected_clone_strides,
    float_arrays,
    is_overlapping,
    nonzero_float_arrays,
    op_chains,
    reduction_args,
    reshape_targets,
    run_chain,
    shapes,
    sum_to_shape,
    torch_is_contiguous,
    view_recipes,
)

import tensorkit

try:
    import torch as real_torch
except ImportError:
    real_torch = None

PROPERTY = settings(max_examples=80, deadline=None)

OVERLAP_INPLACE = (
    "unsupported operation: more than one element of the written-to tensor refers "
    "to a single memory location. Please clone() the tensor before performing the "
    "operation."
)
VIEW_INCOMPATIBLE = (
    "view size is not compatible with input tensor's size and stride (at least "
    "one dimension spans across two contiguous subspaces). Use .reshape(...) "
    "instead."
)


def values(tensor) -> np.ndarray:
    """A tensor's values as a new NumPy array, read through tolist() (not the memory bridge)."""
    return np.array(tensor.detach().tolist(), dtype=np.float64).reshape(tuple(tensor.shape))


def leaf(array: np.ndarray, requires_grad: bool = False):
    return tensorkit.tensor(array.copy(), dtype=tensorkit.float64, requires_grad=requires_grad)


def numpy_strides(array: np.ndarray) -> tuple:
    return tuple(stride // array.itemsize for stride in array.strides)


def numpy_offset(view: np.ndarray, base: np.ndarray) -> int:
    return (
        view.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    ) // base.itemsize


def arange_base(shape) -> np.ndarray:
    return np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)


# ---------------------------------------------------------------------------- broadcasting binary ops


def _maximum_grads(a, b, w):
    """PyTorch's maximum: the larger input gets the gradient, ties split it evenly."""
    return (
        np.where(a > b, w, np.where(a == b, w / 2, 0.0)),
        np.where(b > a, w, np.where(a == b, w / 2, 0.0)),
    )


BINARY = {
    # name: (tensorkit function, numpy value, numpy grads (a, b, w) on the broadcast shape)
    "add": (lambda a, b: a + b, lambda a, b: a + b, lambda a, b, w: (w, w)),
    "sub": (lambda a, b: a - b, lambda a, b: a - b, lambda a, b, w: (w, -w)),
    "mul": (lambda a, b: a * b, lambda a, b: a * b, lambda a, b, w: (w * b, w * a)),
    "div": (lambda a, b: a / b, lambda a, b: a / b, lambda a, b, w: (w / b, -w * a / (b * b))),
    "maximum": (lambda a, b: tensorkit.maximum(a, b), np.maximum, _maximum_grads),
    "minimum": (
        lambda a, b: tensorkit.minimum(a, b),
        np.minimum,
        lambda a, b, w: (
            np.where(a < b, w, np.where(a == b, w / 2, 0.0)),
            np.where(b < a, w, np.where(a == b, w / 2, 0.0)),
        ),
    ),
    "where": (
        lambda a, b: tensorkit.where(a > 0, a, b),
        lambda a, b: np.where(a > 0, a, b),
        lambda a, b, w: (np.where(a > 0, w, 0.0), np.where(a > 0, 0.0, w)),
    ),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@PROPERTY
@given(data=st.data())
def test_broadcasting_binary_op_matches_numpy(name, data):
    """Values are NumPy's; the gradient of each input is the broadcast gradient summed back to its shape."""
    first_shape, second_shape, out_shape = data.draw(broadcastable_shape_pairs())
    a = data.draw(float_arrays(first_shape), label="a")
    b = data.draw(
        nonzero_float_arrays(second_shape) if name == "div" else float_arrays(second_shape),
        label="b",
    )
    w = data.draw(float_arrays(out_shape, -1, 1), label="w")
    function, numpy_value, numpy_grads = BINARY[name]

    x, y = leaf(a, True), leaf(b, True)
    out = function(x, y)
    assert tuple(out.shape) == out_shape
    assert out.dtype is tensorkit.float64
    np.testing.assert_allclose(values(out), numpy_value(a, b), rtol=1e-12, atol=1e-12)

    (out * tensorkit.tensor(w)).sum().backward()
    big_a, big_b = np.broadcast_to(a, out_shape), np.broadcast_to(b, out_shape)
    grad_a, grad_b = numpy_grads(big_a, big_b, w)
    np.testing.assert_allclose(
        values(x.grad),
        sum_to_shape(np.asarray(grad_a, dtype=float), first_shape),
        rtol=1e-10,
        atol=1e-12,
    )
    np.testing.assert_allclose(
        values(y.grad),
        sum_to_shape(np.asarray(grad_b, dtype=float), second_shape),
        rtol=1e-10,
        atol=1e-12,
    )
    assert tuple(x.grad.shape) == first_shape and tuple(y.grad.shape) == second_shape


@PROPERTY
@given(data=st.data())
def test_broadcasting_mismatch_raises_torchs_message(data):
    shape = data.draw(shapes(min_dims=1, max_dims=3, min_side=2))
    axis = data.draw(st.integers(0, len(shape) - 1))
    other = list(shape)
    other[axis] = shape[axis] + 1
    x, y = tensorkit.zeros(shape), tensorkit.zeros(tuple(other))
    with pytest.raises(RuntimeError) as info:
        x + y
    assert str(info.value) == (
        f"The size of tensor a ({shape[axis]}) must match the size of tensor b "
        f"({other[axis]}) at non-singleton dimension {axis}"
    )


# ---------------------------------------------------------------------------- views


@PROPERTY
@given(recipe=view_recipes())
def test_view_values_and_layout_match_numpy(recipe):
    """transpose/permute/slice/select/unsqueeze/expand give NumPy's values, shape, offset and the
    strides of every dim of size > 1 (size-1 strides follow PyTorch's own rules: see the torch test)."""
    base_np = arange_base(recipe.base_shape)
    base = leaf(base_np)
    view = recipe.apply(base)
    expected = recipe.apply_numpy(base_np)
    assert tuple(view.shape) == expected.shape
    np.testing.assert_array_equal(values(view), expected)
    for size, ours, theirs in zip(expected.shape, view.stride(), numpy_strides(expected)):
        if size > 1:
            assert ours == theirs, (view.stride(), numpy_strides(expected))
    assert view.storage_offset() == numpy_offset(expected, base_np)


@PROPERTY
@given(recipe=view_recipes())
def test_views_share_memory_base_and_version_counter(recipe):
    assume(recipe.steps)
    base_np = arange_base(recipe.base_shape)
    base = leaf(base_np)
    view = recipe.apply(base)
    assert view._is_view()
    assert view._base is base  # always the root base, also for a view of a view
    assert view.untyped_storage().data_ptr() == base.untyped_storage().data_ptr()
    assert view.data_ptr() == base.data_ptr() + view.storage_offset() * view.element_size()
    assert view._version == base._version == 0
    base.detach().mul_(1.0)  # a write through detach() is seen by every view
    assert view._version == base._version == 1


@PROPERTY
@given(recipe=view_recipes(), data=st.data(), value=st.floats(-3, 3, allow_nan=False))
def test_inplace_through_a_view_writes_the_base_and_bumps_every_version_once(recipe, data, value):
    """An in-place op through any view changes the base's memory and adds exactly 1 to the version
    seen by the base, that view, other views and detach()es. An overlapping (expanded) target is
    refused with PyTorch's message and nothing changes."""
    assume(recipe.steps)
    other = data.draw(view_recipes(base_shape=recipe.base_shape), label="other")
    base_np = arange_base(recipe.base_shape)
    base = leaf(base_np)
    view, sibling, detached = recipe.apply(base), other.apply(base), base.detach()
    before = values(base)
    if is_overlapping(tuple(view.shape), view.stride()):
        with pytest.raises(RuntimeError) as info:
            view.add_(value)
        assert str(info.value) == OVERLAP_INPLACE
        np.testing.assert_array_equal(values(base), before)
        assert base._version == view._version == sibling._version == detached._version == 0
        return
    result = view.add_(value)
    assert result is view
    expected_base = base_np.copy()
    expected_view = recipe.apply_numpy(expected_base)
    expected_view += value
    np.testing.assert_array_equal(values(base), expected_base)
    np.testing.assert_array_equal(values(sibling), other.apply_numpy(expected_base))
    assert base._version == view._version == sibling._version == detached._version == 1


@PROPERTY
@given(recipe=view_recipes(), data=st.data())
def test_reshape_and_view_match_numpy(recipe, data):
    """reshape gives NumPy's (C-order) values; it is a view exactly when view() succeeds, and view()
    of an incompatible layout raises PyTorch's message and changes nothing."""
    base_np = arange_base(recipe.base_shape)
    base = leaf(base_np)
    source = recipe.apply(base)
    source_np = recipe.apply_numpy(base_np)
    target = data.draw(reshape_targets(source.numel()), label="target")
    expected = np.reshape(np.ascontiguousarray(source_np), target)

    reshaped = source.reshape(target)
    np.testing.assert_array_equal(values(reshaped), expected)
    try:
        viewed = source.view(target)
    except RuntimeError as error:
        assert str(error) == VIEW_INCOMPATIBLE
        assert not source.is_contiguous()
        assert reshaped.untyped_storage().data_ptr() != base.untyped_storage().data_ptr()
        assert reshaped._base is None and reshaped._version == 0
        return
    np.testing.assert_array_equal(values(viewed), expected)
    assert viewed._base is base
    assert viewed.untyped_storage().data_ptr() == base.untyped_storage().data_ptr()
    assert reshaped._base is base  # reshape is a view whenever a view is possible
    assert reshaped is not source


@PROPERTY
@given(recipe=view_recipes(max_steps=4))
def test_clone_preserves_strides_of_a_view(recipe):
    """clone() (preserve_format) copies the memory and keeps the layout: the same strides for a
    non-overlapping dense input, else dense strides in the input's stride order, where stride-0
    (expanded) dims make the order ambiguous and keep their contiguous place (so a plain expanded
    input clones contiguous, but an expanded transpose keeps its transposed dims: PyTorch gives
    (4, 1, 2) for arange(4.).reshape(2, 2).t().expand(2, 2, 2)). Not a view; a new version counter."""
    base_np = arange_base(recipe.base_shape)
    base = leaf(base_np)
    base.add_(0.0)  # the source is at version 1: the clone still starts at 0
    view = recipe.apply(base)
    copy = view.clone()
    shape, strides = tuple(view.shape), view.stride()
    expected = expected_clone_strides(shape, strides)
    # dims of size 1 have conventional strides: test_size_one_strides_match_torch compares those
    assert [s for n, s in zip(shape, copy.stride()) if n > 1] == [
        s for n, s in zip(shape, expected) if n > 1
    ], (shape, strides, copy.stride(), expected)
    np.testing.assert_array_equal(values(copy), recipe.apply_numpy(base_np))
    assert copy.untyped_storage().data_ptr() != base.untyped_storage().data_ptr()
    assert not copy._is_view() and copy._base is None
    assert copy.storage_offset() == 0
    assert copy._version == 0
    copy.add_(1.0)
    assert view._version == base._version == 1
    np.testing.assert_array_equal(values(view), recipe.apply_numpy(base_np))


@PROPERTY
@given(recipe=view_recipes(min_steps=0))
def test_contiguous_returns_self_iff_already_contiguous(recipe):
    base_np = arange_base(recipe.base_shape)
    view = recipe.apply(leaf(base_np))
    shape, strides = tuple(view.shape), view.stride()
    expected = torch_is_contiguous(shape, strides)
    assert view.is_contiguous() == expected, (shape, strides)
    result = view.contiguous()
    assert (result is view) == expected
    if not expected:
        assert result.is_contiguous() and result.stride() == contiguous_strides(shape)
        assert result.untyped_storage().data_ptr() != view.untyped_storage().data_ptr()
    np.testing.assert_array_equal(values(result), recipe.apply_numpy(base_np))


# ---------------------------------------------------------------------------- reductions


@PROPERTY
@given(data=st.data())
def test_sum_and_mean_with_dim_and_keepdim_match_numpy(data):
    shape = data.draw(shapes(min_dims=1, max_dims=4))
    array = data.draw(float_arrays(shape), label="array")
    dim, keepdim = data.draw(reduction_args(len(shape)), label="dim, keepdim")
    for name, numpy_function in (("sum", np.sum), ("mean", np.mean)):
        x = leaf(array, True)
        out = getattr(x, name)(dim, keepdim=keepdim)
        expected = numpy_function(array, axis=dim, keepdims=keepdim)
        assert tuple(out.shape) == np.shape(expected), name
        np.testing.assert_allclose(values(out), expected, rtol=1e-12, atol=1e-12, err_msg=name)
        out.sum().backward()
        count = array.size // max(np.asarray(expected).size, 1)
        scale = 1.0 if name == "sum" else 1.0 / count
        np.testing.assert_allclose(values(x.grad), np.full(shape, scale), rtol=1e-12, err_msg=name)


@PROPERTY
@given(data=st.data())
def test_max_and_min_with_dim_and_keepdim_match_numpy(data):
    shape = data.draw(shapes(min_dims=1, max_dims=4))
    array = data.draw(float_arrays(shape, unique=True), label="array")
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    keepdim = data.draw(st.booleans(), label="keepdim")
    for name, numpy_value, numpy_index in (("max", np.max, np.argmax), ("min", np.min, np.argmin)):
        x = leaf(array, True)
        result = getattr(x, name)(dim, keepdim=keepdim)
        out, indices = result.values, result.indices
        assert result[0] is out and result[1] is indices
        expected_values = numpy_value(array, axis=dim, keepdims=keepdim)
        expected_indices = numpy_index(array, axis=dim, keepdims=keepdim)
        np.testing.assert_array_equal(values(out), expected_values, err_msg=name)
        assert indices.dtype is tensorkit.int64
        assert tuple(indices.shape) == expected_indices.shape
        np.testing.assert_array_equal(
            np.array(indices.tolist()).reshape(expected_indices.shape),
            expected_indices,
            err_msg=name,
        )
        out.sum().backward()
        one_hot = np.zeros(shape)
        np.put_along_axis(one_hot, numpy_index(array, axis=dim, keepdims=True), 1.0, axis=dim)
        np.testing.assert_array_equal(values(x.grad), one_hot, err_msg=name)
        # the reduction over everything: the gradient goes to the single extreme entry
        y = leaf(array, True)
        whole = getattr(y, name)()
        assert whole.item() == numpy_value(array)
        whole.backward()
        expected_grad = np.zeros(array.size)
        expected_grad[numpy_index(array)] = 1.0
        np.testing.assert_array_equal(values(y.grad), expected_grad.reshape(shape), err_msg=name)


@PROPERTY
@given(size=st.integers(2, 6), ties=st.integers(2, 6))
def test_max_of_all_splits_the_gradient_evenly_among_ties(size, ties):
    array = np.zeros(size + ties)
    array[:ties] = 5.0
    x = leaf(array, True)
    x.max().backward()
    expected = np.zeros(size + ties)
    expected[:ties] = 1.0 / ties
    np.testing.assert_allclose(values(x.grad), expected, rtol=1e-15)


# ---------------------------------------------------------------------------- against PyTorch


def _require_torch():
    if real_torch is None:
        skip_missing_tool(
            "torch", "these properties compare backward and layouts with PyTorch itself"
        )


@PROPERTY
@given(recipe=view_recipes(), data=st.data())
def test_backward_through_a_chain_on_a_noncontiguous_view_matches_torch(recipe, data):
    _require_torch()
    # distinct values: with ties, max(dim) may pick another index than PyTorch does (both are right)
    base_np = data.draw(float_arrays(recipe.base_shape, -2, 2, unique=True), label="base")
    ours = leaf(base_np, True)
    theirs = real_torch.tensor(base_np.copy(), dtype=real_torch.float64, requires_grad=True)
    our_view, their_view = recipe.apply(ours), recipe.apply(theirs)
    chain = data.draw(op_chains(our_view.ndim), label="chain")
    our_out, their_out = (
        run_chain(tensorkit, our_view, chain),
        run_chain(real_torch, their_view, chain),
    )
    assert tuple(our_out.shape) == tuple(their_out.shape)
    np.testing.assert_allclose(values(our_out), their_out.detach().numpy(), rtol=1e-12, atol=1e-12)
    weights = data.draw(float_arrays(tuple(their_out.shape), -1, 1), label="weights")
    (our_out * tensorkit.tensor(weights)).sum().backward()
    (their_out * real_torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(values(ours.grad), theirs.grad.numpy(), rtol=1e-10, atol=1e-12)


@PROPERTY
@given(recipe=view_recipes(min_steps=0, max_steps=4), data=st.data())
def test_layout_rules_match_torch(recipe, data):
    """The strides of views (size-1 dims included), is_contiguous(), clone()'s strides and whether
    view() succeeds are PyTorch's; this also checks the rules written out in strategies.py."""
    _require_torch()
    base_np = arange_base(recipe.base_shape)
    ours, theirs = recipe.apply(leaf(base_np)), recipe.apply(real_torch.tensor(base_np))
    shape, strides = tuple(theirs.shape), theirs.stride()
    assert torch_is_contiguous(shape, strides) == theirs.is_contiguous()
    assert expected_clone_strides(shape, strides) == theirs.clone().stride()
    big = [n > 1 for n in shape]  # test_size_one_strides_match_torch compares the others
    assert [s for b, s in zip(big, ours.stride()) if b] == [s for b, s in zip(big, strides) if b]
    assert ours.storage_offset() == theirs.storage_offset()
    assert ours.is_contiguous() == theirs.is_contiguous()
    assert [s for b, s in zip(big, ours.clone().stride()) if b] == [
        s for b, s in zip(big, theirs.clone().stride()) if b
    ]
    target = data.draw(reshape_targets(theirs.numel()), label="target")
    try:
        theirs.view(target)
        torch_can_view = True
    except RuntimeError:
        torch_can_view = False
    try:
        ours.view(target)
        we_can_view = True
    except RuntimeError:
        we_can_view = False
    assert we_can_view == torch_can_view


@PROPERTY
@given(recipe=view_recipes(min_steps=0, max_steps=4))
def test_size_one_strides_match_torch(recipe):
    """Strides of size-1 dims are conventions, but visible ones (stride(), clone().stride()): PyTorch's."""
    _require_torch()
    base_np = arange_base(recipe.base_shape)
    ours, theirs = recipe.apply(leaf(base_np)), recipe.apply(real_torch.tensor(base_np))
    assert ours.stride() == theirs.stride()
    assert ours.clone().stride() == theirs.clone().stride()
