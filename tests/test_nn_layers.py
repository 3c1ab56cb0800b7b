"""nn.Embedding and nn.LayerNorm where the golden cases cannot show it: initial weights drawn at
random (statistics with a fixed seed), refusals that leave everything as it was (tensorkit checks
before max_norm writes, where PyTorch rescales some rows first), the sparse refusal, and the
gradients PyTorch's formulas give that are not derivatives of the forward (the padding row,
scale_grad_by_freq), compared with PyTorch live where it is installed.
"""

from __future__ import annotations

import numpy as np
import pytest
from _tools import skip_missing_tool

import tensorkit
import tensorkit.nn.functional as F

try:
    import torch as real_torch
except ImportError:  # the live comparisons skip (and fail under CI=true)
    real_torch = None


def _require_torch():
    if real_torch is None:
        skip_missing_tool("torch", "these tests compare gradients with PyTorch's")


def _snapshot(tensor):
    return tensor.detach().numpy().copy(), tensor._version


# ---------------------------------------------------------------------------- initial parameters


def test_embedding_weight_starts_standard_normal_with_the_padding_row_zero():
    tensorkit.manual_seed(0)
    table = tensorkit.nn.Embedding(2000, 50, padding_idx=7)
    weight = table.weight.detach().numpy()
    others = np.delete(weight, 7, axis=0)
    assert abs(others.mean()) < 0.01
    assert abs(others.std() - 1.0) < 0.01
    assert abs(np.mean(np.abs(others) < 1.0) - 0.6827) < 0.01  # normal, not uniform
    assert not weight[7].any()
    assert table.weight._version == 2  # normal_, then the padding row's fill_


def test_embedding_init_follows_the_seed():
    tensorkit.manual_seed(3)
    first = tensorkit.nn.Embedding(5, 4).weight.detach().numpy().copy()
    tensorkit.manual_seed(3)
    again = tensorkit.nn.Embedding(5, 4).weight.detach().numpy().copy()
    later = tensorkit.nn.Embedding(5, 4).weight.detach().numpy()
    assert np.array_equal(first, again)
    assert not np.array_equal(first, later)


def test_reset_parameters_draws_again_and_zeroes_the_padding_row():
    table = tensorkit.nn.Embedding(6, 3, padding_idx=-2)
    with tensorkit.no_grad():
        table.weight.fill_(5.0)
    table.reset_parameters()
    weight = table.weight.detach().numpy()
    assert table.padding_idx == 4
    assert not weight[4].any() and (weight[[0, 1, 2, 3, 5]] != 5.0).all()


def test_layer_norm_parameters_start_at_ones_and_zeros_in_the_given_dtype():
    norm = tensorkit.nn.LayerNorm((2, 3), dtype=tensorkit.float64)
    assert norm.weight.dtype is tensorkit.float64 and norm.bias.dtype is tensorkit.float64
    assert (norm.weight.detach().numpy() == 1).all() and not norm.bias.detach().numpy().any()
    with tensorkit.no_grad():
        norm.weight.mul_(3)
    norm.reset_parameters()
    assert (norm.weight.detach().numpy() == 1).all()


def test_a_refused_constructor_draws_nothing_from_the_generator():
    tensorkit.manual_seed(11)
    expected = tensorkit.randn(4).numpy().copy()
    tensorkit.manual_seed(11)
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        tensorkit.nn.Embedding(3, 2, padding_idx=3)
    assert np.array_equal(tensorkit.randn(4).numpy(), expected)


# ---------------------------------------------------------------------------- nothing half-done


@pytest.mark.parametrize(
    "indices, error, message",
    [
        ([0, 1, -1], IndexError, "index out of range in self"),
        ([1, 0, 9], IndexError, "select(): index 9 out of range for tensor of size [4, 3]"),
        ([-9, 1], IndexError, "select(): index -9 out of range for tensor of size [4, 3]"),
    ],
)
def test_max_norm_rescales_nothing_when_the_lookup_is_refused(indices, error, message):
    weight = tensorkit.arange(12.0).reshape(4, 3).requires_grad_()
    before, version = _snapshot(weight)
    with pytest.raises(error) as info:
        F.embedding(tensorkit.tensor(indices), weight, max_norm=1.0)
    assert str(info.value).startswith(message)
    after, version_after = _snapshot(weight)
    assert np.array_equal(after, before) and version_after == version
    assert weight.grad is None


def test_max_norm_with_float_indices_changes_nothing():
    table = tensorkit.nn.Embedding(4, 3, max_norm=0.1)
    before, version = _snapshot(table.weight)
    with pytest.raises(RuntimeError, match="while checking arguments for embedding_renorm_"):
        table(tensorkit.tensor([0.0, 1.0]))
    assert np.array_equal(table.weight.detach().numpy(), before)
    assert table.weight._version == version


def test_sparse_gradients_are_refused_before_anything_changes():
    table = tensorkit.nn.Embedding(4, 3, max_norm=0.1, sparse=True)
    before, version = _snapshot(table.weight)
    with pytest.raises(NotImplementedError, match="tensorkit has no sparse tensors"):
        table(tensorkit.tensor([0, 2]))
    assert np.array_equal(table.weight.detach().numpy(), before)
    assert table.weight._version == version
    with pytest.raises(NotImplementedError, match="sparse=True"):
        F.embedding(tensorkit.tensor([], dtype=tensorkit.int64), table.weight, sparse=True)


def test_inference_indices_are_refused_before_max_norm_rescales():
    weight = tensorkit.arange(6.0).reshape(3, 2).requires_grad_()
    with tensorkit.inference_mode():
        indices = tensorkit.tensor([2])
    before, version = _snapshot(weight)
    with pytest.raises(RuntimeError, match="Inference tensors cannot be saved for backward"):
        F.embedding(indices, weight, max_norm=1.0)
    assert np.array_equal(weight.detach().numpy(), before) and weight._version == version


def test_sparse_lookups_that_record_no_gradient_run():
    table = tensorkit.nn.Embedding(4, 3, sparse=True)
    with tensorkit.no_grad():
        rows = table(tensorkit.tensor([1, 3]))
    assert np.array_equal(rows.numpy(), table.weight.detach().numpy()[[1, 3]])
    frozen = tensorkit.nn.Embedding.from_pretrained(tensorkit.ones(3, 2), sparse=True)
    assert frozen(tensorkit.tensor([2])).grad_fn is None
    assert repr(table) == "Embedding(4, 3, sparse=True)"


def test_a_refused_layer_norm_records_nothing_and_changes_nothing():
    x = tensorkit.ones(2, 3, requires_grad=True)
    weight = tensorkit.ones(4, requires_grad=True)
    with pytest.raises(RuntimeError, match="Expected weight to be of same shape"):
        F.layer_norm(x, (3,), weight)
    assert x._version == 0 and weight._version == 0
    assert x.grad is None and weight.grad is None


# ---------------------------------------------------------------------------- max_norm arithmetic


def test_max_norm_scales_by_max_norm_over_norm_plus_1e7():
    weight = tensorkit.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]], dtype=tensorkit.float64)
    rows = F.embedding(tensorkit.tensor([2, 0, 0]), weight, max_norm=1.0)
    expected = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
    expected[0] *= 1.0 / (5.0 + 1e-7)
    expected[2] *= 1.0 / (10.0 + 1e-7)
    assert np.array_equal(weight.numpy(), expected)  # row 1 (not looked up) untouched
    assert np.array_equal(rows.numpy(), expected[[2, 0, 0]])
    assert weight._version == 1  # one bump, however many rows changed


def test_max_norm_writes_through_a_view_into_its_base():
    base = tensorkit.arange(12.0).reshape(4, 3)
    view = base[1:]
    F.embedding(tensorkit.tensor([0]), view, max_norm=1.0)
    assert np.allclose(np.linalg.norm(base.numpy()[1]), 1.0, atol=1e-6)
    assert base._version == view._version == 1


# ---------------------------------------------------------------------------- the graph


def test_the_weight_is_not_saved_so_changing_it_after_the_lookup_is_allowed():
    weight = tensorkit.ones(3, 2, requires_grad=True)
    rows = F.embedding(tensorkit.tensor([0, 0, 2]), weight)
    with tensorkit.no_grad():
        weight.mul_(5)
    rows.sum().backward()
    assert np.array_equal(weight.grad.numpy(), [[2.0, 2.0], [0.0, 0.0], [1.0, 1.0]])


def test_the_layer_norm_node_shows_no_eps():
    y = F.layer_norm(tensorkit.ones(2, 3, requires_grad=True), (3,), eps=0.5)
    with pytest.raises(AttributeError):
        y.grad_fn._saved_eps  # PyTorch's node has none either


def test_layer_norm_gradient_with_create_graph_differentiates_again():
    """d/dx of sum(d/dx sum(y^2) * v): finite differences of the first derivative."""
    rng = np.random.default_rng(5)
    x0, v = rng.normal(size=(2, 4)), rng.normal(size=(2, 4))

    def first(values, create_graph=False):
        x = tensorkit.tensor(values, requires_grad=True)
        y = F.layer_norm(x, (4,), eps=0.01)
        (g,) = tensorkit.autograd.grad((y * y * y).sum(), x, create_graph=create_graph)
        return x, g

    x, g = first(x0, create_graph=True)
    (h,) = tensorkit.autograd.grad((g * tensorkit.tensor(v)).sum(), x)
    numerical = np.zeros_like(x0)
    for index in np.ndindex(x0.shape):
        step = np.zeros_like(x0)
        step[index] = 1e-6
        plus = first(x0 + step)[1].numpy()
        minus = first(x0 - step)[1].numpy()
        numerical[index] = ((plus - minus) * v).sum() / 2e-6
    np.testing.assert_allclose(h.numpy(), numerical, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------- against PyTorch


def _embedding_run(module, create_graph: bool):
    weight = module.tensor(np.arange(15.0).reshape(5, 3) / 7 - 1, requires_grad=True)
    indices = module.tensor([[0, 2, 4], [2, 2, 1], [1, 4, 3]])
    rows = module.nn.functional.embedding(indices, weight, padding_idx=4, scale_grad_by_freq=True)
    projection = module.tensor(np.linspace(-1, 1, 27).reshape(3, 3, 3))
    (grad,) = module.autograd.grad(
        (rows * rows * projection).sum(), weight, create_graph=create_graph
    )
    if not create_graph:
        return grad.detach().numpy(), None
    v = module.tensor(np.linspace(0.4, -0.9, 15).reshape(5, 3))
    (second,) = module.autograd.grad((grad * v).sum(), weight)
    return grad.detach().numpy(), second.numpy()


@pytest.mark.parametrize("create_graph", [False, True])
def test_padding_and_frequency_scaled_gradients_match_torch(create_graph):
    _require_torch()
    ours = _embedding_run(tensorkit, create_graph)
    theirs = _embedding_run(real_torch, create_graph)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12, atol=1e-14)
    assert not ours[0][4].any()  # the padding row
    if create_graph:
        np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("scale_grad_by_freq", [False, True])
def test_float32_embedding_gradients_match_torch(scale_grad_by_freq):
    """Bit for bit when rows are summed as they are; PyTorch adds a scaled row with a fused
    multiply-add, which NumPy has not, so scaled sums may differ in the last bit."""
    _require_torch()
    values = np.random.default_rng(1).normal(size=(6, 4)).astype(np.float32)
    upstream = np.random.default_rng(2).normal(size=(7, 4)).astype(np.float32)
    index = [5, 0, 3, 3, 0, 3, 1]
    grads = []
    for module in (tensorkit, real_torch):
        weight = module.tensor(values, requires_grad=True)
        rows = module.nn.functional.embedding(
            module.tensor(index), weight, scale_grad_by_freq=scale_grad_by_freq
        )
        rows.backward(module.tensor(upstream))
        grads.append(weight.grad.numpy())
    if scale_grad_by_freq:
        np.testing.assert_allclose(grads[0], grads[1], rtol=3e-7, atol=1e-7)
    else:
        assert np.array_equal(grads[0], grads[1])


def test_bias_only_and_mixed_precision_layer_norm_match_torch():
    _require_torch()
    rng = np.random.default_rng(4)
    x_values, b_values = rng.normal(size=(3, 4)), rng.normal(size=4)
    results = []
    for module in (tensorkit, real_torch):
        x = module.tensor(x_values, requires_grad=True)
        b = module.tensor(b_values, requires_grad=True)
        y = module.nn.functional.layer_norm(x, (4,), None, b)
        y.backward(module.tensor(x_values[::-1].copy()))
        half = module.tensor(x_values, dtype=module.float16, requires_grad=True)
        weight = module.tensor(b_values, dtype=module.float32, requires_grad=True)
        z = module.nn.functional.layer_norm(half, (4,), weight)
        z.sum().backward()
        results.append(
            (y.detach().numpy(), x.grad.numpy(), b.grad.numpy(), z.detach().numpy(), z.dtype)
            + (half.grad.numpy(), weight.grad.numpy(), weight.grad.dtype)
        )
    ours, theirs = results
    for mine, reference in zip(ours[:3], theirs[:3]):
        np.testing.assert_allclose(mine, reference, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ours[3], theirs[3], rtol=2e-3, atol=2e-3)
    np.testing.assert_allclose(ours[5], theirs[5], rtol=1e-2, atol=1e-2)
    np.testing.assert_allclose(ours[6], theirs[6], rtol=2e-3, atol=2e-3)  # float16 steps
    assert str(ours[4]).split(".")[-1] == str(theirs[4]).split(".")[-1] == "float16"
    assert str(ours[7]).split(".")[-1] == str(theirs[7]).split(".")[-1] == "float32"
