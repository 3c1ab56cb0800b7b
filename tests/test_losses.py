"""The losses of ``tensorkit.nn.functional`` and ``tensorkit.nn`` against references written here.

The golden cases (``tests/golden/cases/28_losses.py``) fix PyTorch's printed values, graphs and
messages; these tests check what printing at four decimals can't show: every loss against a
float64 NumPy formula over random inputs, stability at logits whose exp overflows, the
relations between reductions, the gradients against NumPy's, and that a refused call changes
nothing.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import float_arrays

import tensorkit
import tensorkit.nn.functional as F
from tensorkit import nn

REDUCTIONS = ("mean", "sum", "none")


def _array(tensor) -> np.ndarray:
    return np.array(tensor.detach().tolist(), dtype=np.float64)


def _reduce(values: np.ndarray, reduction: str, total=None) -> np.ndarray:
    if reduction == "none":
        return values
    if reduction == "sum":
        return np.asarray(values.sum())
    with np.errstate(invalid="ignore", divide="ignore"):  # every target ignored: 0 / 0 = nan
        return np.asarray(values.sum() / (values.size if total is None else total))


# ---------------------------------------------------------------------------- NumPy references


def _log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    """float64 log-sum-exp, shifted by the max so nothing overflows."""
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _nll_reference(logp, target, weight, ignore_index, reduction):
    """-w[t] logp[n, t] per sample (0 where ignored), reduced over the counted weight."""
    classes = logp.shape[1]
    weight = np.ones(classes) if weight is None else weight
    counted = target != ignore_index
    safe = np.where(counted, target, 0)
    picked = np.take_along_axis(logp, np.expand_dims(safe, 1), 1).squeeze(1)
    w = np.where(counted, weight[safe], 0.0)
    return _reduce(np.where(counted, -picked * w, 0.0), reduction, total=w.sum())


def _bce_reference(x, t, weight=None, pos_weight=None, reduction="mean"):
    """-[p t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))] w, with log sigmoid(x) written as
    -logaddexp(0, -x) so that it stays exact for large |x|."""
    log_sigmoid = -np.logaddexp(0.0, -x)
    log_one_minus = -np.logaddexp(0.0, x)
    p = 1.0 if pos_weight is None else pos_weight
    loss = -(p * t * log_sigmoid + (1 - t) * log_one_minus)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------- values


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    batch=st.integers(1, 4),
    classes=st.integers(2, 5),
    scale=st.sampled_from([1.0, 1e2, 1e4]),
)
def test_cross_entropy_matches_a_float64_log_sum_exp(data, batch, classes, scale):
    """Logits up to 4e4 (exp overflows float64 at 710): the loss stays finite and exact."""
    logits = data.draw(float_arrays((batch, classes))) * scale
    target = np.array(
        data.draw(st.lists(st.integers(0, classes - 1), min_size=batch, max_size=batch))
    )
    reduction = data.draw(st.sampled_from(REDUCTIONS))
    x = tensorkit.tensor(logits, requires_grad=True)
    loss = F.cross_entropy(x, tensorkit.tensor(target), reduction=reduction)
    expected = _nll_reference(_log_softmax(logits, 1), target, None, -100, reduction)
    np.testing.assert_allclose(_array(loss), expected, rtol=1e-12, atol=1e-9)
    loss.sum().backward()
    # d/dx = softmax(x) - onehot(t), per sample (divided by the batch for the mean)
    softmax = np.exp(_log_softmax(logits, 1))
    onehot = np.eye(classes)[target]
    expected_grad = (softmax - onehot) / (batch if reduction == "mean" else 1)
    np.testing.assert_allclose(_array(x.grad), expected_grad, rtol=1e-10, atol=1e-12)


def test_cross_entropy_in_float32_at_huge_logits():
    """float32 logits far beyond exp's range: finite loss and gradient, as a float64 reference."""
    logits = np.array([[1e30, 0.0, -1e30], [3e4, 3e4 + 1, -3e4], [88.0, 89.0, 90.0]])
    target = np.array([1, 1, 0])
    x = tensorkit.tensor(logits.astype(np.float32), requires_grad=True)
    loss = F.cross_entropy(x, tensorkit.tensor(target), reduction="none")
    expected = _nll_reference(
        _log_softmax(logits.astype(np.float32).astype(np.float64), 1), target, None, -100, "none"
    )
    assert np.all(np.isfinite(_array(loss)))
    np.testing.assert_allclose(_array(loss), expected, rtol=1e-6)
    loss.sum().backward()
    assert np.all(np.isfinite(_array(x.grad)))


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    shape=st.sampled_from([(3,), (2, 3), (2, 2, 2)]),
    scale=st.sampled_from([1.0, 1e2, 1e4]),
)
def test_bce_with_logits_matches_a_float64_reference(data, shape, scale):
    x = data.draw(float_arrays(shape)) * scale
    t = data.draw(float_arrays(shape, 0.0, 1.0))
    weight = data.draw(st.none() | float_arrays(shape[-1:], 0.0, 2.0))
    pos_weight = data.draw(st.none() | float_arrays(shape[-1:], 0.1, 3.0))
    reduction = data.draw(st.sampled_from(REDUCTIONS))
    loss = F.binary_cross_entropy_with_logits(
        tensorkit.tensor(x),
        tensorkit.tensor(t),
        weight=None if weight is None else tensorkit.tensor(weight),
        pos_weight=None if pos_weight is None else tensorkit.tensor(pos_weight),
        reduction=reduction,
    )
    expected = _bce_reference(x, t, weight, pos_weight, reduction)
    np.testing.assert_allclose(_array(loss), expected, rtol=1e-10, atol=1e-10)


def test_bce_with_logits_in_float32_at_huge_logits():
    """No overflow to inf and no log(0): the float32 loss equals the float64 reference."""
    x = np.array([1e4, -1e4, 100.0, -100.0, 40.0, -40.0, 1e-8])
    t = np.array([0.0, 1.0, 0.3, 0.7, 1.0, 0.0, 0.5])
    loss = F.binary_cross_entropy_with_logits(
        tensorkit.tensor(x.astype(np.float32)),
        tensorkit.tensor(t.astype(np.float32)),
        reduction="none",
    )
    # atol: PyTorch's (1 - t) x - log_sigmoid(x) cancels to 0 at x = -40, t = 0 (4e-18 exactly)
    np.testing.assert_allclose(
        _array(loss), _bce_reference(x, t, reduction="none"), rtol=1e-6, atol=1e-12
    )
    # no 1 + exp(-40) rounded to 1: log1p keeps the 4.2e-18 of a confident right answer
    assert _array(loss)[4] == pytest.approx(4.248354e-18, rel=1e-6)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), batch=st.integers(1, 4), classes=st.integers(2, 4))
def test_nll_loss_weight_and_ignore_index_match_numpy(data, batch, classes):
    logp = _log_softmax(data.draw(float_arrays((batch, classes))), 1)
    target = np.array(
        data.draw(st.lists(st.integers(-1, classes - 1), min_size=batch, max_size=batch))
    )
    weight = data.draw(float_arrays((classes,), 0.1, 3.0))
    reduction = data.draw(st.sampled_from(REDUCTIONS))
    x = tensorkit.tensor(logp, requires_grad=True)
    loss = F.nll_loss(
        x,
        tensorkit.tensor(target),
        weight=tensorkit.tensor(weight),
        ignore_index=-1,
        reduction=reduction,
    )
    expected = _nll_reference(logp, target, weight, -1, reduction)
    np.testing.assert_allclose(_array(loss), expected, rtol=1e-12, equal_nan=True)
    loss.sum().backward()
    counted = target != -1
    grad = np.zeros_like(logp)
    total = weight[target[counted]].sum()
    for n in np.flatnonzero(counted):
        grad[n, target[n]] = -weight[target[n]] / (total if reduction == "mean" else 1)
    np.testing.assert_allclose(_array(x.grad), grad, rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_k_dimensional_cross_entropy_equals_the_flattened_one(reduction):
    """(N, C, d1, d2) logits are N * d1 * d2 samples of C classes."""
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2, 3, 2, 4))
    target = rng.integers(0, 3, size=(2, 2, 4))
    target[0, 1, 2] = -100
    spatial = F.cross_entropy(
        tensorkit.tensor(logits), tensorkit.tensor(target), reduction=reduction
    )
    flat = F.cross_entropy(
        tensorkit.tensor(logits.transpose(0, 2, 3, 1).reshape(-1, 3)),
        tensorkit.tensor(target.reshape(-1)),
        reduction=reduction,
    )
    expected = _array(flat).reshape(2, 2, 4) if reduction == "none" else _array(flat)
    np.testing.assert_allclose(_array(spatial), expected, rtol=1e-12)
    five_d = F.cross_entropy(
        tensorkit.tensor(logits[..., None]),
        tensorkit.tensor(target[..., None]),
        reduction=reduction,
    )
    np.testing.assert_allclose(_array(five_d).reshape(np.shape(expected)), expected, rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_label_smoothing_is_a_mix_with_the_uniform_target(reduction, weighted):
    """eps-smoothed class indices give the loss of the target (1 - eps) onehot + eps / C."""
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(4, 3))
    target = np.array([0, 2, 1, 1])
    weight = np.array([0.5, 2.0, 1.5]) if weighted else None
    eps = 0.3
    loss = F.cross_entropy(
        tensorkit.tensor(logits),
        tensorkit.tensor(target),
        weight=None if weight is None else tensorkit.tensor(weight),
        label_smoothing=eps,
        reduction=reduction,
    )
    logp = _log_softmax(logits, 1)
    w = np.ones(3) if weight is None else weight
    nll = -logp[np.arange(4), target] * w[target]
    smooth = -(logp * w).sum(1)
    if reduction == "mean":  # both parts averaged over the targets' weights
        expected = (1 - eps) * nll.sum() / w[target].sum() + eps / 3 * smooth.sum() / w[
            target
        ].sum()
    else:
        expected = _reduce((1 - eps) * nll + eps / 3 * smooth, reduction)
    np.testing.assert_allclose(_array(loss), expected, rtol=1e-12)


def test_probability_targets_that_are_one_hot_equal_class_indices():
    rng = np.random.default_rng(2)
    logits = rng.normal(size=(5, 4))
    target = np.array([3, 0, 1, 1, 2])
    onehot = np.eye(4)[target]
    for reduction in REDUCTIONS:
        soft = F.cross_entropy(
            tensorkit.tensor(logits), tensorkit.tensor(onehot), reduction=reduction
        )
        hard = F.cross_entropy(
            tensorkit.tensor(logits), tensorkit.tensor(target), reduction=reduction
        )
        np.testing.assert_allclose(_array(soft), _array(hard), rtol=1e-12)


@pytest.mark.parametrize("loss", [F.mse_loss, F.l1_loss])
def test_pointwise_losses_match_numpy_and_their_gradients(loss):
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    for reduction in REDUCTIONS:
        a = tensorkit.tensor(x, requires_grad=True)
        b = tensorkit.tensor(y, requires_grad=True)
        out = loss(a, b, reduction=reduction)
        diff = x - y
        values = diff**2 if loss is F.mse_loss else np.abs(diff)
        np.testing.assert_allclose(_array(out), _reduce(values, reduction), rtol=1e-12)
        out.sum().backward()
        grad = 2 * diff if loss is F.mse_loss else np.sign(diff)
        grad = grad / (x.size if reduction == "mean" else 1)
        np.testing.assert_allclose(_array(a.grad), grad, rtol=1e-12)
        np.testing.assert_allclose(_array(b.grad), -grad, rtol=1e-12)


def test_bce_gradients_match_the_closed_form():
    """d/dx = ((p t + 1 - t) sigmoid(x) - p t) w / n, d/dt = (log sigmoid(-x) - p log sigmoid(x)) w / n."""
    rng = np.random.default_rng(4)
    x, t = rng.normal(size=(2, 3)) * 5, rng.uniform(size=(2, 3))
    p, w = np.array([0.5, 1.0, 3.0]), np.array([[2.0], [0.25]])
    a, b = tensorkit.tensor(x, requires_grad=True), tensorkit.tensor(t, requires_grad=True)
    F.binary_cross_entropy_with_logits(
        a, b, weight=tensorkit.tensor(w), pos_weight=tensorkit.tensor(p)
    ).backward()
    sigmoid = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(
        _array(a.grad), ((p * t + 1 - t) * sigmoid - p * t) * w / 6, rtol=1e-12
    )
    log_sigmoid = lambda v: -np.logaddexp(0.0, -v)
    np.testing.assert_allclose(
        _array(b.grad), (log_sigmoid(-x) - p * log_sigmoid(x)) * w / 6, rtol=1e-12
    )


def test_second_derivative_of_cross_entropy():
    """create_graph through log_softmax and nll_loss: the Hessian of the mean loss of one sample
    is (diag(s) - s s^T) / 1, whatever the target."""
    logits = np.array([0.5, -1.0, 2.0])
    x = tensorkit.tensor(logits, requires_grad=True)
    loss = F.cross_entropy(x[None], tensorkit.tensor([1]))
    (g,) = tensorkit.autograd.grad(loss, x, create_graph=True)
    hessian = np.stack(
        [_array(tensorkit.autograd.grad(g[i], x, retain_graph=True)[0]) for i in range(3)]
    )
    s = np.exp(_log_softmax(logits, 0))
    np.testing.assert_allclose(hessian, np.diag(s) - np.outer(s, s), rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------------------- refused calls


REFUSED = [
    pytest.param(lambda x, t: F.nll_loss(x, t.float()), RuntimeError, id="nll-float-target"),
    pytest.param(lambda x, t: F.nll_loss(x, t + 7), IndexError, id="nll-out-of-bounds"),
    pytest.param(
        lambda x, t: F.cross_entropy(x, t, weight=tensorkit.ones(2)),
        RuntimeError,
        id="ce-weight-size",
    ),
    pytest.param(
        lambda x, t: F.cross_entropy(x, t, reduction="avg"), ValueError, id="ce-reduction"
    ),
    # refused only after nll_loss has run
    pytest.param(
        lambda x, t: F.cross_entropy(x[0], t[:1], label_smoothing=0.1),
        RuntimeError,
        id="ce-smoothing-late",
    ),
    pytest.param(
        lambda x, t: F.binary_cross_entropy_with_logits(x, x.detach(), weight=tensorkit.ones(5)),
        RuntimeError,
        id="bce-weight",
    ),
    pytest.param(lambda x, t: F.mse_loss(x, tensorkit.ones(3, 1, 2)), RuntimeError, id="mse-shape"),
]


@pytest.mark.filterwarnings("ignore:Using a target size")
@pytest.mark.parametrize("call, error", REFUSED)
def test_a_refused_loss_changes_nothing(call, error):
    """Nothing half-done: the inputs keep their values, versions and (absent) grads."""
    x = tensorkit.tensor([[0.5, -1.0, 2.0], [0.0, 3.0, -4.0]], requires_grad=True)
    t = tensorkit.tensor([2, 0])
    before = (_array(x).tolist(), x._version, t.tolist(), t._version)
    with pytest.raises(error):
        call(x, t)
    assert (_array(x).tolist(), x._version, t.tolist(), t._version) == before
    assert x.grad is None


# ---------------------------------------------------------------------------- modules


def test_loss_modules_equal_their_functions():
    rng = np.random.default_rng(5)
    x = tensorkit.tensor(rng.normal(size=(3, 4)))
    y = tensorkit.tensor(rng.uniform(size=(3, 4)))
    t = tensorkit.tensor([0, 3, 1])
    w = tensorkit.tensor([1.0, 2.0, 0.5, 1.5], dtype=tensorkit.float64)
    pairs = [
        (nn.MSELoss(reduction="sum")(x, y), F.mse_loss(x, y, reduction="sum")),
        (nn.L1Loss()(x, y), F.l1_loss(x, y)),
        (nn.NLLLoss(weight=w, ignore_index=3)(x, t), F.nll_loss(x, t, weight=w, ignore_index=3)),
        (
            nn.CrossEntropyLoss(weight=w, label_smoothing=0.2, reduction="none")(x, t),
            F.cross_entropy(x, t, weight=w, label_smoothing=0.2, reduction="none"),
        ),
        (
            nn.BCEWithLogitsLoss(pos_weight=w)(x, y),
            F.binary_cross_entropy_with_logits(x, y, pos_weight=w),
        ),
    ]
    for module_result, function_result in pairs:
        np.testing.assert_array_equal(_array(module_result), _array(function_result))


def test_loss_weights_are_buffers_that_follow_the_module():
    loss = nn.CrossEntropyLoss(weight=tensorkit.tensor([1.0, 2.0]))
    assert [name for name, _ in loss.named_buffers()] == ["weight"]
    assert list(loss.parameters()) == []
    loss.double()
    assert loss.weight.dtype is tensorkit.float64
    assert loss.state_dict()["weight"].dtype is tensorkit.float64
    bce = nn.BCEWithLogitsLoss()
    assert bce.weight is None and bce.pos_weight is None
    assert list(bce.state_dict()) == []  # None buffers are registered but not saved
    assert repr(bce) == "BCEWithLogitsLoss()"
    with pytest.warns(UserWarning, match="reduction='sum'"):
        assert nn.NLLLoss(size_average=False).reduction == "sum"
