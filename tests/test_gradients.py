"""One gradient check per entry of the op table, so a new op is tested the moment it is registered.

``EXERCISERS`` maps the name of every ``derivatives.Op`` (``"MUL"``) to one or more small functions
that reach that entry through the public API. Each takes the module first (``tensorkit`` or, for
the live comparison, ``torch``) and float64 tensors after it, so the very same code runs on both.
``test_every_op_has_an_exerciser`` fails as soon as an entry is added to the table without one.

For every exerciser:

* ``test_exerciser_records_its_op``: the graph it builds really holds the entry's node;
* ``test_gradcheck``: ``tensorkit.autograd.gradcheck`` (finite differences, float64) passes;
* ``test_gradient_matches_finite_differences``: an independent check that does not use
  ``gradcheck``: ``backward()`` of a random projection of the outputs against central
  differences computed here;
* ``test_gradient_matches_torch`` / ``test_graph_names_match_torch``: values, gradients and the
  backward nodes' names equal PyTorch's (skipped when torch is missing);
* ``test_second_order_*``: for the entries whose formulas are written in differentiable math,
  ``create_graph=True`` gives a gradient that differentiates again to the right value, checked
  against finite differences of the first-order gradient and against PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from _tools import skip_missing_tool

import tensorkit
from tensorkit import derivatives

try:
    import torch as real_torch
except ImportError:  # the live comparison is skipped (and fails under CI=true)
    real_torch = None


# ---------------------------------------------------------------------------- the exercisers


@dataclass(frozen=True)
class Case:
    """``fn(t, *inputs)`` with ``t`` the module; ``inputs`` float64 tensors of ``shapes``.

    ``kinds`` gives each input's values: ``d`` distinct non-zero values on a grid of step 0.5
    offset by 0.25 (no ties, nothing near 0 or near the +-0.5 clamp bounds, shared across the
    ``d`` inputs so ``maximum`` never sees a tie); ``p`` positive (0.5 to 2); ``u`` uniform in
    (-1.5, 1.5); ``z`` like ``d`` but with its first entry exactly 0 (``prod``'s special case).
    """

    fn: Callable
    shapes: tuple
    kinds: str = ""
    error: tuple | None = None  # (type, message): the backward must raise this, as PyTorch does
    label: str = ""

    def kind(self, position: int) -> str:
        return self.kinds[position] if position < len(self.kinds) else "d"


def _c(fn, *shapes, kinds="", error=None, label=""):
    return Case(fn, tuple(shapes), kinds, error, label)


def _fill_by_setitem(t, x, v):
    y = x.clone()
    y[:] = v  # a 0-dim tensor value: FillBackward3
    return y


def _index_put(t, x, v):
    y = x.clone()
    y[[0, 2]] = v
    return y


def _index_put_mask(t, x, v):
    y = x.clone()
    y[t.tensor([True, False, True, False])] = v
    return y


def _mul_inplace_on_view(t, x, y):
    base = x.clone()
    base[1:].mul_(y)  # CopySlices on the base, MulBackward0 inside it
    return base


def _tanh_inplace_on_row(t, x):
    base = x * 1
    base[0].tanh_()
    return base


def _zero_inplace_on_row(t, x):
    base = x.clone()
    base[0].zero_()
    return base


def _copy_into_column(t, x, y):
    base = x.clone()
    base[:, 1].copy_(y)
    return base


def _setitem_slice(t, x, y):
    base = x.clone()
    base[1:, :2] = y
    return base


def _gradient_of_indexing(t, x, w):
    """The gradient of x[[0, 0, 2]] as a function of the output gradient w (create_graph=True):
    its graph holds the adjoint of indexing, PyTorch's IndexPutImplBackward0."""
    with t.enable_grad():  # gradcheck evaluates the function under no_grad
        (g,) = t.autograd.grad(x[[0, 0, 2]], x, grad_outputs=w, create_graph=True)
    return g


def _embedding_padding_unused(t, w):
    """A lookup whose padding rows are multiplied by 0 afterwards: the output does not depend on
    the padding row, so its zero gradient is the true derivative."""
    index = t.tensor([0, 2, 2, 1])
    return t.nn.functional.embedding(index, w, padding_idx=2) * (index != 2).unsqueeze(-1)


def _inplace_then_view(t, x):
    base = x.clone()
    row = base[1]
    base.mul_(2)  # the view's grad_fn is regenerated (AsStridedBackward0)
    return row * base[0]


EXERCISERS: dict[str, tuple[Case, ...] | Case] = {
    # ---------------------------------------------------------------- elementwise
    "ADD": (
        _c(lambda t, x, y: x + y, (2, 3), (2, 3)),
        _c(lambda t, x, y: x + y, (2, 3), (3,), label="broadcast"),
        _c(lambda t, x, y: t.add(x, y, alpha=2.5), (2, 1), (3,), label="alpha"),
        _c(lambda t, x: 1 + x, (2, 3), label="scalar"),
        _c(lambda t, x, y: x.clone().add_(y), (2, 3), (3,), label="inplace"),
    ),
    "SUB": (
        _c(lambda t, x, y: x - y, (2, 3), (2, 3)),
        _c(lambda t, x, y: t.sub(x, y, alpha=2), (3,), (2, 3), label="alpha-broadcast"),
        _c(lambda t, x, y: x.clone().sub_(y, alpha=3), (2, 3), (2, 3), label="inplace"),
    ),
    "RSUB": (
        _c(lambda t, x: 1 - x, (2, 3)),
        _c(lambda t, x: t.rsub(x, 2.0, alpha=3), (2, 3), label="alpha"),
    ),
    "MUL": (
        _c(lambda t, x, y: x * y, (2, 3), (2, 3)),
        _c(lambda t, x, y: x * y, (2, 1, 3), (4, 3), label="broadcast"),
        _c(lambda t, x: x * 2, (2, 3), label="scalar"),
        _c(lambda t, x: x * x, (2, 3), label="same-input"),
        _c(lambda t, x, y: x.clone().mul_(y), (2, 3), (2, 3), label="inplace"),
        _c(_mul_inplace_on_view, (3, 3), (3,), label="inplace-view"),
    ),
    "DIV": (
        _c(lambda t, x, y: x / y, (2, 3), (2, 3)),
        _c(lambda t, x, y: x / y, (3,), (2, 3), label="broadcast"),
        _c(lambda t, x: x / 4, (2, 3), label="scalar"),
        _c(lambda t, x, y: x.clone().div_(y), (2, 3), (2, 3), label="inplace"),
    ),
    "NEG": (
        _c(lambda t, x: -x, (2, 3)),
        _c(lambda t, x: x.clone().neg_(), (2, 3), label="inplace"),
    ),
    "RECIPROCAL": (
        _c(lambda t, x: x.reciprocal(), (2, 3)),
        _c(lambda t, x: 2 / x, (2, 3), label="rdiv"),
        _c(lambda t, x: x.clone().reciprocal_(), (2, 3), label="inplace"),
    ),
    "POW": (
        _c(lambda t, x: x**3, (2, 3)),
        _c(lambda t, x: x**2.5, (2, 3), kinds="p", label="fractional"),
        _c(lambda t, x: x.square(), (2, 3), label="square"),
        _c(lambda t, x: x**0, (2, 3), label="zero-exponent"),
        _c(lambda t, x: x.clone().pow_(2), (2, 3), label="inplace"),
    ),
    "POW_TENSOR": (
        _c(lambda t, x, y: x**y, (2, 3), (2, 3), kinds="pu"),
        _c(lambda t, x, y: x**y, (2, 3), (3,), kinds="pu", label="broadcast"),
    ),
    "POW_SCALAR_BASE": (_c(lambda t, x: 2**x, (2, 3), kinds="u"),),
    "ABS": (
        _c(lambda t, x: x.abs(), (2, 3)),
        _c(lambda t, x: x.clone().abs_(), (2, 3), label="inplace"),
    ),
    "EXP": (
        _c(lambda t, x: x.exp(), (2, 3), kinds="u"),
        _c(lambda t, x: x.clone().exp_(), (2, 3), kinds="u", label="inplace"),
    ),
    "LOG": (
        _c(lambda t, x: x.log(), (2, 3), kinds="p"),
        _c(lambda t, x: x.clone().log_(), (2, 3), kinds="p", label="inplace"),
    ),
    "SQRT": (
        _c(lambda t, x: x.sqrt(), (2, 3), kinds="p"),
        _c(lambda t, x: x.clone().sqrt_(), (2, 3), kinds="p", label="inplace"),
    ),
    "SIN": (
        _c(lambda t, x: x.sin(), (2, 3)),
        _c(lambda t, x: x.clone().sin_(), (2, 3), label="inplace"),
    ),
    "COS": (
        _c(lambda t, x: x.cos(), (2, 3)),
        _c(lambda t, x: x.clone().cos_(), (2, 3), label="inplace"),
    ),
    "TANH": (
        _c(lambda t, x: x.tanh(), (2, 3), kinds="u"),
        _c(_tanh_inplace_on_row, (2, 3), kinds="u", label="inplace-view"),
    ),
    "SIGMOID": (
        _c(lambda t, x: x.sigmoid(), (2, 3)),
        _c(lambda t, x: x.clone().sigmoid_(), (2, 3), label="inplace"),
    ),
    "RELU": (
        _c(lambda t, x: x.relu(), (2, 3)),
        _c(lambda t, x: x.clone().relu_(), (2, 3), label="inplace"),
    ),
    "CLAMP": (
        _c(lambda t, x: x.clamp(-0.5, 0.5), (3, 3)),
        _c(lambda t, x: x.clamp(min=0.0), (2, 3), label="min-only"),
        _c(lambda t, x: x.clamp(max=0.0), (2, 3), label="max-only"),
        _c(lambda t, x: x.clone().clamp_(-1.0, 1.0), (3, 3), label="inplace"),
    ),
    # piecewise-constant ops: zero gradients (the "d" grid keeps inputs off the steps)
    "FLOOR": (_c(lambda t, x: x.floor(), (2, 3)),),
    "CEIL": (_c(lambda t, x: x.ceil(), (2, 3)),),
    "ROUND": (_c(lambda t, x: x.round(), (2, 3)),),
    "TRUNC": (_c(lambda t, x: x.trunc(), (2, 3)),),
    "SIGN": (_c(lambda t, x: x.sign(), (2, 3)),),
    "DIV_ROUNDED": (
        _c(lambda t, x, y: t.div(x, y, rounding_mode="trunc"), (2, 3), (2, 3), kinds="dp"),
        _c(
            lambda t, x, y: t.div(x, y, rounding_mode="floor"),
            (2, 3),
            (3,),
            kinds="dp",
            label="floor",
        ),
    ),
    "REMAINDER": (_c(lambda t, x, y: x.remainder(y), (2, 3), (2, 3), kinds="dp"),),
    "REMAINDER_SCALAR": (_c(lambda t, x: x % 0.7, (2, 3)),),
    "CUMSUM": (
        _c(lambda t, x: x.cumsum(1), (2, 3)),
        _c(lambda t, x: t.cumsum(x, 0), (3, 2), label="dim0"),
    ),
    # random fills: the old values get no gradient (the drawn values are multiplied away, so the
    # result is deterministic; the fill's node still sits on the path back to x)
    "NORMAL": (_c(lambda t, x: x + (x * 1).normal_() * 0, (2, 3)),),
    "UNIFORM": (_c(lambda t, x: x + (x * 1).uniform_() * 0, (2, 3)),),
    "FLIP": (
        _c(lambda t, x: x.flip(0), (2, 3)),
        _c(lambda t, x: t.flip(x, (0, 1)) * x, (2, 3), label="both-dims"),
    ),
    "CLAMP_TENSOR": (
        _c(lambda t, x, lo, hi: x.clamp(lo, hi), (2, 3), (2, 3), (3,)),
        _c(lambda t, x, lo: x.clamp(min=lo), (2, 3), (3,), label="min-only"),
    ),
    "MAXIMUM": (
        _c(lambda t, x, y: t.maximum(x, y), (2, 3), (2, 3)),
        _c(lambda t, x, y: t.maximum(x, y), (2, 3), (3,), label="broadcast"),
    ),
    "MINIMUM": (
        _c(lambda t, x, y: t.minimum(x, y), (2, 3), (2, 3)),
        _c(lambda t, x, y: t.min(x, y), (3,), (2, 3), label="broadcast"),
    ),
    "WHERE": (
        _c(lambda t, x, y: t.where(x > 0, x, y), (2, 3), (2, 3)),
        _c(lambda t, x, y: t.where(x > 0, x, y), (2, 3), (3,), label="broadcast"),
    ),
    "LERP": (
        _c(lambda t, x, y: t.lerp(x, y, 0.25), (2, 3), (2, 3)),
        _c(lambda t, x, y: x.lerp(y, 0.75), (2, 3), (3,), label="large-weight-broadcast"),
        _c(lambda t, x, y: x.clone().lerp_(y, 0.3), (2, 3), (2, 3), label="inplace"),
    ),
    "LERP_TENSOR": (
        _c(lambda t, x, y, w: t.lerp(x, y, w), (2, 3), (2, 3), (2, 3), kinds="ddu"),
        _c(lambda t, x, y, w: t.lerp(x, y, w), (2, 3), (3,), (2, 1), kinds="ddu", label="bcast"),
        _c(lambda t, x, y, w: x.clone().lerp_(y, w), (2, 3), (2, 3), (), kinds="ddu", label="inp"),
    ),
    "ADDCMUL": (
        _c(lambda t, x, a, b: t.addcmul(x, a, b, value=0.5), (2, 3), (2, 3), (2, 3)),
        _c(lambda t, x, a, b: x.addcmul(a, b), (3,), (2, 3), (2, 1), label="broadcast"),
        _c(lambda t, x, a: x.clone().addcmul_(a, a, value=-2), (2, 3), (2, 3), label="inplace"),
    ),
    "ADDCDIV": (
        _c(lambda t, x, a, b: t.addcdiv(x, a, b, value=0.5), (2, 3), (2, 3), (2, 3), kinds="ddp"),
        _c(lambda t, x, a, b: x.addcdiv(a, b), (3,), (2, 3), (2, 1), kinds="ddp", label="bcast"),
        _c(
            lambda t, x, a, b: x.clone().addcdiv_(a, b, value=-3),
            (2, 3),
            (2, 3),
            (2, 3),
            kinds="ddp",
            label="inplace",
        ),
    ),
    # floor_divide has no derivative in PyTorch: backward raises, and so must ours.
    "FLOOR_DIVIDE": (
        _c(
            lambda t, x, y: x // y,
            (2, 3),
            (2, 3),
            error=(RuntimeError, "derivative for aten::floor_divide is not implemented"),
        ),
    ),
    "REMAINDER_SCALAR_SELF": (
        _c(
            lambda t, y: 2 % y,
            (2, 3),
            error=(RuntimeError, "derivative for aten::remainder is not implemented"),
        ),
    ),
    # ---------------------------------------------------------------- reductions
    "SUM": (_c(lambda t, x: x.sum(), (2, 3)),),
    "SUM_DIM": (
        _c(lambda t, x: x.sum(1), (2, 3)),
        _c(lambda t, x: x.sum((0, 2), keepdim=True), (2, 3, 4), label="dims-keepdim"),
        _c(lambda t, x: x.sum(-1), (2, 3, 2), label="negative-dim"),
    ),
    "MEAN": (_c(lambda t, x: x.mean(), (2, 3)),),
    "MEAN_DIM": (
        _c(lambda t, x: x.mean(0), (2, 3)),
        _c(lambda t, x: x.mean((0, 2), keepdim=True), (2, 3, 4), label="dims-keepdim"),
    ),
    "MAX_ALL": (_c(lambda t, x: x.max(), (2, 3)),),
    "MIN_ALL": (_c(lambda t, x: x.min(), (2, 3)),),
    "MAX_DIM": (
        _c(lambda t, x: x.max(1).values, (3, 4)),
        _c(lambda t, x: x.max(0, keepdim=True).values, (3, 4), label="keepdim"),
    ),
    "MIN_DIM": (
        _c(lambda t, x: x.min(1).values, (3, 4)),
        _c(lambda t, x: x.min(-1, keepdim=True)[0], (2, 3, 4), label="keepdim"),
    ),
    "PROD": (
        _c(lambda t, x: x.prod(), (2, 3)),
        _c(lambda t, x: x.prod(), (2, 3), kinds="z", label="with-zero"),
    ),
    "AMAX": (
        _c(lambda t, x: x.amax(), (2, 3)),
        _c(lambda t, x: x.amax(1, keepdim=True), (2, 3), label="dim-keepdim"),
    ),
    "AMIN": (_c(lambda t, x: x.amin(0), (2, 3)),),
    "PROD_DIM": (
        _c(lambda t, x: x.prod(1), (2, 3), kinds="z", label="dim-with-zero"),
        _c(lambda t, x: x.prod(0, keepdim=True), (3, 2), label="dim-keepdim"),
    ),
    "VAR": (
        _c(lambda t, x: x.var(), (2, 3)),
        _c(lambda t, x: x.var(1), (2, 3), label="dim"),
        _c(lambda t, x: x.var(0, keepdim=True, correction=0), (3, 2), label="keepdim-correction"),
    ),
    "STD": (
        _c(lambda t, x: x.std(), (2, 3)),
        _c(lambda t, x: x.std(1), (2, 3), label="dim"),
        _c(lambda t, x: x.std(0, keepdim=True, unbiased=False), (3, 2), label="keepdim-biased"),
    ),
    "NORM": (
        _c(lambda t, x: x.norm(), (2, 3)),
        _c(lambda t, x: x.norm(dim=1), (2, 3), label="dim"),
        _c(lambda t, x: x.norm(1), (2, 3), label="p1"),
        _c(lambda t, x: x.norm(3), (2, 3), label="p3"),
        # positive random values: no two entries share |x|, so the inf-norm is differentiable
        _c(lambda t, x: x.norm(float("inf")), (2, 3), kinds="p", label="inf"),
    ),
    "SOFTMAX": (
        _c(lambda t, x: x.softmax(1), (2, 3), kinds="u"),
        _c(lambda t, x: t.softmax(x, 0), (2, 3), kinds="u", label="dim0"),
    ),
    "LOG_SOFTMAX": (
        _c(lambda t, x: x.log_softmax(1), (2, 3), kinds="u"),
        _c(lambda t, x: t.log_softmax(x, -1), (2, 2, 3), kinds="u", label="3d"),
    ),
    # ---------------------------------------------------------------- linear algebra
    "ADDMM": (
        _c(lambda t, c, x, y: t.addmm(c, x, y), (4,), (2, 3), (3, 4), label="broadcast-bias"),
        _c(lambda t, c, x, y: t.addmm(c, x, y, beta=0.5, alpha=2.0), (2, 4), (2, 3), (3, 4)),
        _c(
            lambda t, x, w, b: t.nn.functional.linear(x, w, b), (5, 3), (2, 3), (2,), label="linear"
        ),
    ),
    "MM": (
        _c(lambda t, x, y: x @ y, (2, 3), (3, 4)),
        _c(lambda t, x, y: t.mm(x, y.t()), (2, 3), (4, 3), label="transposed-operand"),
    ),
    "BMM": (
        _c(lambda t, x, y: t.bmm(x, y), (2, 2, 3), (2, 3, 2)),
        _c(lambda t, x, y: t.matmul(x, y), (2, 1, 2, 3), (3, 3, 2), label="broadcast-batch"),
    ),
    "MV": (_c(lambda t, x, y: x @ y, (2, 3), (3,)),),
    "DOT": (
        _c(lambda t, x, y: x @ y, (3,), (3,)),
        _c(lambda t, x, y: t.dot(x, y), (4,), (4,), label="function"),
    ),
    # ---------------------------------------------------------------- layers
    # EmbeddingBackward0's padding row and scale_grad_by_freq are not derivatives of the lookup
    # (PyTorch's neither): the cases keep to where they are (tests/test_nn_layers.py checks the
    # rest against PyTorch).
    "EMBEDDING": (
        _c(lambda t, w: t.nn.functional.embedding(t.tensor([[0, 2], [3, 0]]), w), (4, 3)),
        _c(_embedding_padding_unused, (4, 3), label="padding-masked-out"),
        _c(
            lambda t, w: t.nn.functional.embedding(
                t.tensor([3, 0, 2], dtype=t.int32), w, scale_grad_by_freq=True
            ),
            (4, 3),
            label="scale-grad-by-freq-distinct",
        ),
        _c(lambda t, w: t.nn.functional.embedding(t.tensor(1), w.t()), (3, 4), label="0d-index"),
    ),
    "NATIVE_LAYER_NORM": (
        _c(
            lambda t, x, w, b: t.nn.functional.layer_norm(x, (3,), w, b),
            (2, 3),
            (3,),
            (3,),
            kinds="uuu",
        ),
        _c(lambda t, x: t.nn.functional.layer_norm(x, (2, 3)), (2, 2, 3), label="2d-no-affine"),
        _c(
            lambda t, x, w: t.nn.functional.layer_norm(x.t(), [2], w, eps=0.1),
            (2, 4),
            (2,),
            kinds="uu",
            label="weight-only-eps-transposed",
        ),
        _c(
            lambda t, x, w, b: t.nn.functional.layer_norm(x, (4,), w, b),
            (4,),
            (4,),
            (4,),
            label="1d",
        ),
    ),
    # ---------------------------------------------------------------- copies and joins
    "CLONE": (
        _c(lambda t, x: x.clone(), (2, 3)),
        _c(lambda t, x: x.t().clone(), (2, 3), label="non-contiguous"),
    ),
    "TO_COPY": (_c(lambda t, x: x.to(t.float64, copy=True), (2, 3)),),
    "CAT": (
        _c(lambda t, x, y: t.cat([x, y], 1), (2, 3), (2, 2)),
        _c(lambda t, x, y: t.cat([x, y, x]), (2, 3), (1, 3), label="repeated-input"),
    ),
    "STACK": (
        _c(lambda t, x, y: t.stack([x, y], 1), (2, 3), (2, 3)),
        _c(lambda t, x: t.stack([x, x * 2]), (3,), label="repeated-input"),
    ),
    "REPEAT": (
        _c(lambda t, x: x.repeat(2, 1, 2), (2, 3)),
        _c(lambda t, x: x.repeat(3), (2,), label="1d"),
    ),
    "INDEX": (
        _c(lambda t, x: x[[0, 0, 2]], (3, 2)),
        _c(lambda t, x: x[:, [2, 0]], (2, 3), label="second-dim"),
        _c(lambda t, x: x[t.tensor([True, False, True])], (3, 2), label="mask"),
    ),
    "INDEX_ACCUMULATE": (_c(_gradient_of_indexing, (3, 2), (3, 2)),),
    "INDEX_PUT": (
        _c(_index_put, (4, 3), (2, 3)),
        _c(_index_put_mask, (4, 3), (3,), label="mask-broadcast"),
    ),
    "ZERO": (
        _c(lambda t, x: x.clone().zero_() + x, (2, 3)),
        _c(_zero_inplace_on_row, (2, 3), label="view"),
    ),
    "FILL": (_c(lambda t, x: x.clone().fill_(2.0) * x, (2, 3)),),
    "FILL_TENSOR": (
        _c(lambda t, x, v: x.clone().fill_(v) * x, (2, 3), ()),
        _c(_fill_by_setitem, (2, 3), (), label="setitem"),
    ),
    "COPY": (
        _c(lambda t, x, y: x.clone().copy_(y), (2, 3), (2, 3)),
        _c(lambda t, x, y: x.clone().copy_(y), (2, 3), (3,), label="broadcast"),
        _c(_copy_into_column, (2, 3), (2,), label="view"),
        _c(_setitem_slice, (3, 3), (2, 2), label="setitem"),
    ),
    # ---------------------------------------------------------------- views
    "SLICE": (
        _c(lambda t, x: x[1:], (3, 2)),
        _c(lambda t, x: x[:, ::2], (2, 5), label="step"),
        _c(lambda t, x: x.narrow(1, 1, 2), (2, 4), label="narrow"),
    ),
    "SELECT": (
        _c(lambda t, x: x[1], (3, 2)),
        _c(lambda t, x: x[..., 0], (2, 3), label="last-dim"),
        _c(lambda t, x: x.select(1, -1), (2, 3), label="select"),
    ),
    "ALIAS": (_c(lambda t, x: x[...], (2, 3)),),
    "VIEW": (
        _c(lambda t, x: x.view(6), (2, 3)),
        _c(lambda t, x: x.view(3, -1), (2, 3), label="infer"),
        _c(lambda t, x: x.reshape(3, 2), (2, 3), label="reshape"),
        _c(lambda t, x: x.flatten(), (2, 3), label="flatten"),
    ),
    "RESHAPE_ALIAS": (
        _c(lambda t, x: x[:, 1].reshape(1, 2), (2, 3)),
        _c(lambda t, x: x.t().reshape(3, 1, 2), (2, 3), label="transposed"),
    ),
    "UNSAFE_VIEW": (
        _c(lambda t, x: x.t().reshape(6), (2, 3)),
        _c(lambda t, x, y: t.matmul(x, y), (2, 2, 3), (3, 2), label="matmul-3d-2d"),
    ),
    "TRANSPOSE": (
        _c(lambda t, x: x.transpose(0, 2), (2, 3, 4)),
        _c(lambda t, x: x.mT, (2, 3, 2), label="mT"),
    ),
    "T": (_c(lambda t, x: x.t(), (2, 3)), _c(lambda t, x: x.t(), (3,), label="1d")),
    "PERMUTE": (
        _c(lambda t, x: x.permute(2, 0, 1), (2, 3, 4)),
        _c(lambda t, x: x.T, (2, 3), label="T"),
    ),
    "EXPAND": (
        _c(lambda t, x: x.expand(4, 2, 3), (2, 3)),
        _c(lambda t, x: x.expand(3, 4), (3, 1), label="singleton"),
    ),
    "UNSQUEEZE": (
        _c(lambda t, x: x.unsqueeze(1), (2, 3)),
        _c(lambda t, x: x[:, None], (2, 3), label="index-none"),
    ),
    "SQUEEZE": (_c(lambda t, x: x.squeeze(), (2, 1, 3)),),
    "SQUEEZE_DIM": (_c(lambda t, x: x.squeeze(1), (2, 1, 3)),),
    # PyTorch's matmul of 1-d by 2-d squeezes with SqueezeBackward4
    "SQUEEZE_DIMS": (_c(lambda t, x: x.squeeze((1, 3)), (2, 1, 3, 1), label="tuple-dims"),),
    "DIAGONAL": (
        _c(lambda t, x: x.diagonal(), (3, 3)),
        _c(lambda t, x: x.diagonal(1), (3, 4), label="offset"),
        _c(lambda t, x: x.diagonal(-1, 0, 2), (3, 2, 3), label="dims"),
    ),
    "UNFOLD": (
        _c(lambda t, x: x.unfold(1, 2, 1), (2, 4)),  # overlapping windows: gradients add up
        _c(lambda t, x: x.unfold(0, 2, 2), (5, 2), label="step"),
    ),
    # in-place view ops (on a clone: a leaf that requires grad refuses them)
    "UNSQUEEZE_INPLACE": (_c(lambda t, x: x.clone().unsqueeze_(0), (2, 3)),),
    "SQUEEZE_INPLACE": (_c(lambda t, x: x.clone().squeeze_(), (2, 1, 3)),),
    "SQUEEZE_DIM_INPLACE": (
        _c(lambda t, x: x.clone().squeeze_(1), (2, 1, 3), label="dim"),
        _c(lambda t, x, y: t.matmul(x, y), (3,), (3, 4), label="matmul-1d-2d"),
    ),
    "TRANSPOSE_INPLACE": (_c(lambda t, x: x.clone().transpose_(0, 2), (2, 3, 4)),),
    "T_INPLACE": (_c(lambda t, x: x.clone().t_(), (2, 3), label="t_"),),
    "SPLIT": (
        _c(lambda t, x: x.split(2), (5, 3)),
        _c(lambda t, x: x.chunk(2, 1), (2, 4), label="chunk"),
    ),
    "SPLIT_WITH_SIZES": (_c(lambda t, x: x.split([1, 2], 1)[1], (2, 3), label="one-piece-used"),),
    "UNBIND": (
        _c(lambda t, x: x.unbind(1), (2, 3)),
        _c(lambda t, x: x.unbind(0)[1], (3, 2), label="one-piece-used"),
    ),
}


# ---------------------------------------------------------------- losses (tensorkit.nn.functional)
def _targets(t, *classes):
    return t.tensor(list(classes))


def _weights_of(t, *values):
    return t.tensor(list(values), dtype=t.float64)


EXERCISERS.update(
    {
        "MSE_LOSS": (
            _c(lambda t, x, y: t.nn.functional.mse_loss(x, y), (2, 3), (2, 3)),
            _c(
                lambda t, x, y: t.nn.functional.mse_loss(x, y, reduction="sum"),
                (3,),
                (3,),
                label="sum",
            ),
            _c(
                lambda t, x, y: t.nn.functional.mse_loss(x, y, reduction="none"),
                (2, 3),
                (2, 3),
                label="none",
            ),
            _c(
                lambda t, x: t.nn.functional.mse_loss(x, t.ones(2, 3, dtype=t.float64)),
                (2, 3),
                label="constant-target",
            ),
            _c(lambda t, x, y: t.nn.functional.mse_loss(x, y), (), (), label="0d"),
        ),
        "NLL_LOSS": (
            _c(lambda t, x: t.nn.functional.nll_loss(x, _targets(t, 0, 2, 1)), (3, 4)),
            _c(
                lambda t, x: t.nn.functional.nll_loss(
                    x,
                    _targets(t, 0, 3, 3, 1),
                    weight=_weights_of(t, 0.5, 1.0, 2.0, 3.0),
                    ignore_index=1,
                ),
                (4, 4),
                label="weight-ignore_index",
            ),
            _c(
                lambda t, x: t.nn.functional.nll_loss(x, _targets(t, 2, 0, 2), reduction="none"),
                (3, 3),
                label="none",
            ),
            _c(
                lambda t, x: t.nn.functional.nll_loss(x, t.tensor(2), reduction="sum"),
                (4,),
                label="1d",
            ),
            _c(
                lambda t, x: t.nn.functional.cross_entropy(x, _targets(t, 1, 0, 2)),
                (3, 3),
                kinds="u",
                label="cross_entropy",
            ),
        ),
        "NLL_LOSS2D": (
            _c(
                lambda t, x: t.nn.functional.nll_loss(x, t.tensor([[[0, 2], [1, 1]]])), (1, 3, 2, 2)
            ),
            _c(
                lambda t, x: t.nn.functional.cross_entropy(
                    x, t.tensor([[0, 2, 1], [1, -100, 0]]), reduction="none"
                ),
                (2, 3, 3),
                kinds="u",
                label="3d-none",
            ),
        ),
        "BCE_WITH_LOGITS": (
            _c(
                lambda t, x, y: t.nn.functional.binary_cross_entropy_with_logits(x, y),
                (2, 3),
                (2, 3),
            ),
            _c(
                lambda t, x, y: t.nn.functional.binary_cross_entropy_with_logits(
                    x,
                    y,
                    weight=_weights_of(t, 0.5, 2.0, 1.0),
                    pos_weight=_weights_of(t, 3.0, 1.0, 0.25),
                    reduction="sum",
                ),
                (2, 3),
                (2, 3),
                label="weight-pos_weight",
            ),
            _c(
                lambda t, x: t.nn.functional.binary_cross_entropy_with_logits(
                    x, t.tensor([1.0, 0.0, 0.5], dtype=t.float64), reduction="none"
                ),
                (3,),
                label="none",
            ),
        ),
        # cross_entropy's C++ composites are where PyTorch's Scalar overloads show up
        "MUL_SCALAR": (
            _c(
                lambda t, x: t.nn.functional.cross_entropy(
                    x, _targets(t, 0, 2, 1), label_smoothing=0.2
                ),
                (3, 4),
                kinds="u",
            ),
        ),
        "ADD_SCALAR": (
            _c(
                lambda t, x, y: t.nn.functional.cross_entropy(x, y, label_smoothing=0.1),
                (2, 3),
                (2, 3),
                kinds="uu",
            ),
        ),
        "DIV_SCALAR": (
            _c(lambda t, x, y: t.nn.functional.cross_entropy(x, y), (2, 3), (2, 3), kinds="uu"),
        ),
        "MASKED_FILL": (
            _c(
                lambda t, x: t.nn.functional.cross_entropy(
                    x,
                    _targets(t, 0, -100, 1),
                    weight=_weights_of(t, 1.0, 2.0, 0.5),
                    label_smoothing=0.3,
                ),
                (3, 3),
                kinds="u",
            ),
        ),
    }
)

# 0-dim inputs (NumPy hands back scalars, not arrays, for 0-d results: formulas must cope)
ZERO_DIM = (
    "ADD",
    "SUB",
    "RSUB",
    "MUL",
    "DIV",
    "NEG",
    "RECIPROCAL",
    "POW",
    "POW_TENSOR",
    "POW_SCALAR_BASE",
    "ABS",
    "EXP",
    "LOG",
    "SQRT",
    "SIN",
    "COS",
    "TANH",
    "SIGMOID",
    "RELU",
    "CLAMP",
    "MAXIMUM",
    "MINIMUM",
    "WHERE",
    "SUM",
    "MEAN",
    "CLONE",
)
for _name in ZERO_DIM:
    _main = EXERCISERS[_name][0]
    EXERCISERS[_name] += (
        Case(_main.fn, tuple(() for _ in _main.shapes), _main.kinds, _main.error, "0d"),
    )


# Every formula in the op table is written with the math namespace it is given, so under
# create_graph=True (derivatives.TensorMath) it must give correct second derivatives; only
# floor_divide has no derivative at all.
NO_SECOND_ORDER = {"FLOOR_DIVIDE", "REMAINDER_SCALAR_SELF"}

# Extra checks of the view machinery (not tied to one table entry): in-place on the base, then use a view.
EXTRA = {"AS_STRIDED_REGENERATED": (_c(_inplace_then_view, (2, 3)),)}


def _table_entries() -> dict[str, derivatives.Op]:
    return {
        name: value
        for name, value in vars(derivatives).items()
        if isinstance(value, derivatives.Op)
    }


def _cases(table: dict) -> list:
    params = []
    for name, cases in table.items():
        cases = cases if isinstance(cases, tuple) else (cases,)
        for number, case in enumerate(cases):
            label = case.label or ("main" if number == 0 else str(number))
            params.append(pytest.param(name, case, id=f"{name}-{label}"))
    return params


ALL_CASES = _cases(EXERCISERS)
GRAD_CASES = ALL_CASES + _cases(EXTRA)
SECOND_ORDER_CASES = [p for p in ALL_CASES if p.values[0] not in NO_SECOND_ORDER]


def test_every_op_has_an_exerciser():
    entries = _table_entries()
    assert entries, "no derivatives.Op found: the scan of the op table is broken"
    missing = sorted(set(entries) - set(EXERCISERS))
    assert not missing, (
        f"op-table entries without an exerciser in tests/test_gradients.py: {missing}"
    )
    stale = sorted(set(EXERCISERS) - set(entries))
    assert not stale, f"exercisers for entries no longer in the op table: {stale}"


# ---------------------------------------------------------------------------- inputs and helpers


def _arrays(case: Case, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    distinct_count = sum(
        int(np.prod(shape)) for number, shape in enumerate(case.shapes) if case.kind(number) in "dz"
    )
    grid = (np.arange(distinct_count) - distinct_count // 2 + 0.5) * 0.5
    grid = list(rng.permutation(grid))
    arrays = []
    for number, shape in enumerate(case.shapes):
        kind = case.kind(number)
        size = int(np.prod(shape))
        if kind in "dz":
            values = np.array([grid.pop() for _ in range(size)], dtype=np.float64)
            if kind == "z":
                values[0] = 0.0
        elif kind == "p":
            values = rng.uniform(0.5, 2.0, size)
        elif kind == "u":
            values = rng.uniform(-1.5, 1.5, size)
        else:
            raise ValueError(kind)
        arrays.append(values.reshape(shape))
    return arrays


def _leaves(module, arrays):
    return [module.tensor(a.copy(), dtype=module.float64, requires_grad=True) for a in arrays]


def _outputs(result) -> list:
    return list(result) if isinstance(result, (tuple, list)) else [result]


def _weights(outputs, seed: int = 1) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1.0, 1.0, tuple(o.shape)) for o in outputs]


def _projection(module, outputs, weights):
    """sum_i <w_i, out_i>: a scalar whose gradient is a vector-Jacobian product with random w."""
    total = None
    for output, weight in zip(outputs, weights):
        term = (output * module.tensor(weight, dtype=module.float64)).sum()
        total = term if total is None else total + term
    return total


def _grads(leaves) -> list[np.ndarray]:
    out = []
    for leaf in leaves:
        grad = leaf.grad
        out.append(
            np.zeros(tuple(leaf.shape))
            if grad is None
            else np.array(grad.detach().tolist(), dtype=float)
        )
    return out


def _node_names(outputs, look_inside: bool) -> list[str]:
    """Names of every node reachable from the outputs through next_functions (each node once)."""
    seen, names = set(), []
    stack = [o.grad_fn for o in outputs if o.grad_fn is not None]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        names.append(type(node).__name__)
        if look_inside and getattr(node, "fn", None) is not None:  # tensorkit's CopySlices
            stack.append(node.fn)
        stack.extend(fn for fn, _ in node.next_functions)
    return names


def _require_torch():
    if real_torch is None:
        skip_missing_tool("torch", "the live comparison of gradients runs PyTorch as the reference")


# ---------------------------------------------------------------------------- first order


@pytest.mark.parametrize("name, case", ALL_CASES)
def test_exerciser_records_its_op(name, case):
    op = _table_entries()[name]
    leaves = _leaves(tensorkit, _arrays(case))
    outputs = _outputs(case.fn(tensorkit, *leaves))
    names = _node_names(outputs, look_inside=True)
    assert op.name in names, f"{name}: the exerciser's graph holds {names}, not {op.name}"


@pytest.mark.parametrize("name, case", GRAD_CASES)
def test_gradcheck(name, case):
    leaves = _leaves(tensorkit, _arrays(case))
    function = lambda *inputs: case.fn(tensorkit, *inputs)
    if case.error is not None:
        error_type, message = case.error
        with pytest.raises(error_type) as info:
            tensorkit.autograd.gradcheck(function, tuple(leaves))
        assert str(info.value) == message
        return
    assert tensorkit.autograd.gradcheck(function, tuple(leaves), eps=1e-6, atol=1e-6, rtol=1e-4)


@pytest.mark.parametrize("name, case", GRAD_CASES)
def test_gradient_matches_finite_differences(name, case):
    """Independent of gradcheck: backward() of sum(w * f(x)) against central differences."""
    arrays = _arrays(case)
    leaves = _leaves(tensorkit, arrays)
    outputs = _outputs(case.fn(tensorkit, *leaves))
    weights = _weights(outputs)
    loss = _projection(tensorkit, outputs, weights)
    if case.error is not None:
        error_type, message = case.error
        with pytest.raises(error_type) as info:
            loss.backward()
        assert str(info.value) == message
        return
    loss.backward()
    analytical = _grads(leaves)

    def value(candidate_arrays):
        with tensorkit.no_grad():
            inputs = _leaves(tensorkit, candidate_arrays)
            outs = _outputs(case.fn(tensorkit, *inputs))
            return sum(
                float((np.array(o.tolist(), dtype=float) * w).sum()) for o, w in zip(outs, weights)
            )

    eps = 1e-6
    for position, array in enumerate(arrays):
        numerical = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            plus = [a.copy() for a in arrays]
            minus = [a.copy() for a in arrays]
            plus[position][index] += eps
            minus[position][index] -= eps
            numerical[index] = (value(plus) - value(minus)) / (2 * eps)
        np.testing.assert_allclose(
            analytical[position],
            numerical,
            rtol=1e-5,
            atol=1e-6,
            err_msg=f"{name}: gradient of input {position}",
        )


@pytest.mark.parametrize("name, case", GRAD_CASES)
def test_gradient_matches_torch(name, case):
    _require_torch()
    arrays = _arrays(case)
    ours = _leaves(tensorkit, arrays)
    theirs = _leaves(real_torch, arrays)
    our_outputs = _outputs(case.fn(tensorkit, *ours))
    their_outputs = _outputs(case.fn(real_torch, *theirs))
    assert len(our_outputs) == len(their_outputs)
    for mine, reference in zip(our_outputs, their_outputs):
        assert tuple(mine.shape) == tuple(reference.shape)
        assert mine.requires_grad == reference.requires_grad
        np.testing.assert_allclose(
            np.array(mine.tolist(), dtype=float), reference.detach().numpy(), rtol=1e-12, atol=1e-12
        )
    weights = _weights(our_outputs)
    our_loss = _projection(tensorkit, our_outputs, weights)
    their_loss = _projection(real_torch, their_outputs, weights)
    if case.error is not None:
        error_type, message = case.error
        with pytest.raises(error_type) as torch_info:
            their_loss.backward()
        assert str(torch_info.value) == message  # the expectation itself is PyTorch's behaviour
        with pytest.raises(error_type) as info:
            our_loss.backward()
        assert str(info.value) == message
        return
    our_loss.backward()
    their_loss.backward()
    their_grads = [np.zeros(tuple(t.shape)) if t.grad is None else t.grad.numpy() for t in theirs]
    for position, (mine, reference) in enumerate(zip(_grads(ours), their_grads)):
        np.testing.assert_allclose(
            mine, reference, rtol=1e-10, atol=1e-12, err_msg=f"{name}: gradient of input {position}"
        )


@pytest.mark.parametrize("name, case", GRAD_CASES)
def test_graph_names_match_torch(name, case):
    """The backward nodes reachable through next_functions carry PyTorch's class names."""
    _require_torch()
    arrays = _arrays(case)
    ours = _outputs(case.fn(tensorkit, *_leaves(tensorkit, arrays)))
    theirs = _outputs(case.fn(real_torch, *_leaves(real_torch, arrays)))
    our_names = sorted(_node_names(ours, look_inside=False))
    their_names = sorted(_node_names(theirs, look_inside=False))
    assert our_names == their_names


def _saved_names(outputs) -> list[tuple]:
    """(node class, the _saved_ attributes dir() lists) for every node behind ``outputs``."""
    found, stack, seen = [], [o.grad_fn for o in outputs if o.grad_fn is not None], set()
    while stack:
        fn = stack.pop()
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        found.append((type(fn).__name__, tuple(a for a in dir(fn) if a.startswith("_saved_"))))
        stack.extend(next_fn for next_fn, _ in fn.next_functions)
    return sorted(found)


@pytest.mark.parametrize("name, case", GRAD_CASES)
def test_saved_attributes_match_torch(name, case):
    """Each node lists the same _saved_* attributes as PyTorch's (what a picture of the graph
    shows as the node's saved values)."""
    _require_torch()
    arrays = _arrays(case)
    ours = _outputs(case.fn(tensorkit, *_leaves(tensorkit, arrays)))
    theirs = _outputs(case.fn(real_torch, *_leaves(real_torch, arrays)))
    assert _saved_names(ours) == _saved_names(theirs)


# ---------------------------------------------------------------------------- second order


def _second_order(module, case, arrays, v_seed: int = 2):
    """g = d/dx sum(w * f(x)^2) with create_graph, then h = d/dx sum(v * g). Returns (g, h)."""
    leaves = _leaves(module, arrays)
    outputs = _outputs(case.fn(module, *leaves))
    weights = _weights(outputs)
    squared = [o * o for o in outputs]
    loss = _projection(module, squared, weights)
    first = module.autograd.grad(loss, leaves, create_graph=True, allow_unused=True)
    first = [module.zeros_like(leaf) if g is None else g for leaf, g in zip(leaves, first)]
    rng = np.random.default_rng(v_seed)
    vs = [rng.uniform(-1.0, 1.0, tuple(leaf.shape)) for leaf in leaves]
    total = None
    for g, v in zip(first, vs):
        term = (g * module.tensor(v, dtype=module.float64)).sum()
        total = term if total is None else total + term
    if total.requires_grad:
        second = module.autograd.grad(total, leaves, allow_unused=True)
    else:  # the first derivative does not depend on the inputs at all
        second = (None,) * len(leaves)
    as_arrays = lambda values: [
        np.zeros(tuple(leaf.shape)) if g is None else np.array(g.detach().tolist(), dtype=float)
        for leaf, g in zip(leaves, values)
    ]
    return as_arrays(first), as_arrays(second), weights, vs


def _first_order(case, arrays, weights) -> list[np.ndarray]:
    """d/dx sum(w * f(x)^2) by an ordinary backward (no create_graph)."""
    leaves = _leaves(tensorkit, arrays)
    outputs = _outputs(case.fn(tensorkit, *leaves))
    loss = _projection(tensorkit, [o * o for o in outputs], weights)
    loss.backward()
    return _grads(leaves)


@pytest.mark.parametrize("name, case", SECOND_ORDER_CASES)
def test_second_order_matches_finite_differences(name, case):
    arrays = _arrays(case)
    first, second, weights, vs = _second_order(tensorkit, case, arrays)
    for position, plain in enumerate(_first_order(case, arrays, weights)):
        np.testing.assert_allclose(
            first[position],
            plain,
            rtol=1e-10,
            atol=1e-12,
            err_msg=f"{name}: create_graph=True changed the first derivative of input {position}",
        )
    eps = 1e-6
    for position, array in enumerate(arrays):
        numerical = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            plus = [a.copy() for a in arrays]
            minus = [a.copy() for a in arrays]
            plus[position][index] += eps
            minus[position][index] -= eps
            g_plus = _first_order(case, plus, weights)
            g_minus = _first_order(case, minus, weights)
            numerical[index] = sum(
                float(((gp - gm) * v).sum()) for gp, gm, v in zip(g_plus, g_minus, vs)
            ) / (2 * eps)
        np.testing.assert_allclose(
            second[position],
            numerical,
            rtol=1e-5,
            atol=1e-5,
            err_msg=f"{name}: second derivative for input {position}",
        )


@pytest.mark.parametrize("name, case", SECOND_ORDER_CASES)
def test_second_order_matches_torch(name, case):
    _require_torch()
    arrays = _arrays(case)
    first, second, _, _ = _second_order(tensorkit, case, arrays)
    their_first, their_second, _, _ = _second_order(real_torch, case, arrays)
    for position in range(len(arrays)):
        np.testing.assert_allclose(
            first[position],
            their_first[position],
            rtol=1e-10,
            atol=1e-12,
            err_msg=f"{name}: first derivative (create_graph) of input {position}",
        )
        np.testing.assert_allclose(
            second[position],
            their_second[position],
            rtol=1e-9,
            atol=1e-10,
            err_msg=f"{name}: second derivative of input {position}",
        )


def test_second_order_result_carries_a_graph():
    """d/dx x^3 at 3 is 27 with a grad_fn (MulBackward0 in PyTorch); differentiated again, 18."""
    x = tensorkit.tensor(3.0, requires_grad=True)
    (g,) = tensorkit.autograd.grad(x**3, x, create_graph=True)
    assert g.item() == 27.0
    assert g.grad_fn is not None and g.grad_fn.name() == "MulBackward0"
    (h,) = tensorkit.autograd.grad(g, x)
    assert h.item() == 18.0
