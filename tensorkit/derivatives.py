"""The op table: each primitive's forward and its vector-Jacobian product, side by side.

An entry names the backward node as PyTorch does (``MulBackward0``), says what the node saves
(under PyTorch's names, readable as ``grad_fn._saved_self``), and gives two functions:

* ``forward(xp, *arrays, **params)`` computes the result with the array namespace ``xp``;
* ``vjp(m, g, saved, needs)`` maps the output gradient ``g`` to one gradient per input.

``m`` is a small math namespace. During an ordinary ``backward()`` gradients are raw arrays and
``m`` calls NumPy/CuPy; under ``create_graph=True`` they are tensors and ``m`` calls tensorkit's
own differentiable ops, so the same formula gives higher-order derivatives. ``needs[i]`` says
whether input ``i`` wants a gradient, so costly products are skipped when nobody needs them.
Broadcasting needs no care here: the engine sums each gradient back to its input's shape.
"""

from __future__ import annotations

from . import _backend
from .autograd import engine as _engine
from .autograd.graph import node_class

ALWAYS = None  # "save this whatever inputs need grad"
_SAVED_ARRAY_PARAMS = frozenset(("indices", "condition", "mask"))


class Op:
    """One table entry."""

    __slots__ = (
        "arity",
        "forward",
        "name",
        "node_class",
        "numpy_ufunc",
        "record",
        "record_view",
        "save",
        "save_items",
        "saves_result",
        "ufunc",
    )

    def __init__(
        self,
        node: str,
        forward,
        vjp,
        *,
        save: dict | None = None,
        result: bool = False,
        inputs: tuple = ("self", "other"),
        params: tuple = (),
        scalars: tuple = (),
        hidden: tuple = (),
        ufunc: str | None = None,
    ):
        self.name = node
        self.forward = forward
        self.arity = len(inputs) or None  # None: any number (cat, stack)
        self.record = None  # the recorder _dispatch generates on the op's first call
        self.record_view = None  # the same for a view op (call_view)
        # The ufunc that is the forward itself (with alpha=1 for add and sub): called directly on
        # NumPy arrays, one call less, and able to write an in-place result (out=).
        self.ufunc = ufunc
        self.numpy_ufunc = getattr(_backend.numpy, ufunc) if ufunc else None
        # save: {saved name: (input it comes from, input whose gradient needs it)}
        self.save = {}
        for key, (source, wanted_by) in (save or {}).items():
            self.save[key] = (
                inputs.index(source),
                None if wanted_by is ALWAYS else inputs.index(wanted_by),
            )
        self.save_items = tuple(
            (key, source, wanted_by) for key, (source, wanted_by) in self.save.items()
        )
        self.saves_result = result
        names = tuple(self.save) + (("result",) if result else ()) + tuple(params)
        # hidden: params the formula needs that PyTorch's node does not show as _saved_*
        names = tuple(name for name in names if name not in hidden)
        self.node_class = node_class(node, vjp, saved_names=names, scalar_tensors=scalars)
        # Index arrays and masks passed as params are tensors PyTorch saves (and frees after
        # backward, so a second backward through them is refused): count them as saved too.
        arrays = tuple(name for name in params if name in _SAVED_ARRAY_PARAMS)
        self.node_class.freed_params = frozenset(arrays)
        self.node_class.saves_tensors = bool(self.save_items) or result or bool(arrays)


def _both(saved_self, saved_other):
    return {"self": ("self", saved_self), "other": ("other", saved_other)}


# ---------------------------------------------------------------------------- elementwise
# d(a + alpha b) = da + alpha db
ADD = Op(
    "AddBackward0",
    lambda xp, a, b, alpha=1: a + b if alpha == 1 else a + alpha * b,
    lambda m, g, s, needs: (g, g if s["alpha"] == 1 else g * s["alpha"]),
    params=("alpha",),
    ufunc="add",
)
# d(a - alpha b) = da - alpha db
SUB = Op(
    "SubBackward0",
    lambda xp, a, b, alpha=1: a - b if alpha == 1 else a - alpha * b,
    lambda m, g, s, needs: (g, -g if s["alpha"] == 1 else -g * s["alpha"]),
    params=("alpha",),
    ufunc="subtract",
)
# d(c - x) = -dx   (Python scalar on the left: only x is an input)
RSUB = Op(
    "RsubBackward1",
    lambda xp, a, other, alpha=1: other - alpha * a if alpha != 1 else other - a,
    lambda m, g, s, needs: (-g if s["alpha"] == 1 else -g * s["alpha"],),
    inputs=("self",),
    params=("other", "alpha"),
    hidden=("other",),
)
# d(ab) = b da + a db
MUL = Op(
    "MulBackward0",
    lambda xp, a, b: a * b,
    lambda m, g, s, needs: (
        m.mul(g, s["other"]) if needs[0] else None,
        m.mul(g, s["self"]) if needs[1] else None,
    ),
    save={"self": ("self", "other"), "other": ("other", "self")},
    scalars=("other", "self"),
    ufunc="multiply",
)
# d(a/b) = da/b - a db/b^2
DIV = Op(
    "DivBackward0",
    lambda xp, a, b: a / b,
    lambda m, g, s, needs: (
        g / s["other"] if needs[0] else None,
        -g * s["self"] / (s["other"] * s["other"]) if needs[1] else None,
    ),
    save={"self": ("self", "other"), "other": ("other", ALWAYS)},
    scalars=("other",),
    ufunc="true_divide",
)
# PyTorch's Scalar overloads (mul.Scalar, add.Scalar, div.Scalar): Python code reaches the
# Tensor ones (MulBackward0 ...), but its C++ composites such as cross_entropy call these, so
# their graphs show nodes of their own.
# d(x c) = c dx
MUL_SCALAR = Op(
    "MulBackward1",
    lambda xp, a, other: a * other,
    lambda m, g, s, needs: (g * s["other"],),
    inputs=("self",),
    params=("other",),
)
# d(x + c) = dx
ADD_SCALAR = Op(
    "AddBackward1",
    lambda xp, a, other: a + other,
    lambda m, g, s, needs: (g,),
    inputs=("self",),
)
# d(x / c) = dx / c
DIV_SCALAR = Op(
    "DivBackward1",
    lambda xp, a, other: a / other,
    lambda m, g, s, needs: (g / s["other"],),
    inputs=("self",),
    params=("other",),
)
# d(-x) = -dx
NEG = Op("NegBackward0", lambda xp, a: -a, lambda m, g, s, needs: (-g,), inputs=("self",))
# d(1/x) = -dx / x^2 = -result^2 dx
RECIPROCAL = Op(
    "ReciprocalBackward0",
    lambda xp, a: 1 / a,
    lambda m, g, s, needs: (-g * s["result"] * s["result"],),
    inputs=("self",),
    result=True,
)
# d(x^p) = p x^(p-1) dx      (p a Python number)
POW = Op(
    "PowBackward0",
    lambda xp, a, exponent: 1 / xp.sqrt(a) if exponent == -0.5 else a**exponent,
    lambda m, g, s, needs: (_pow_scalar_grad(m, g, s["self"], s["exponent"]),),
    save={"self": ("self", ALWAYS)},
    inputs=("self",),
    params=("exponent",),
)
# d(x^y) = y x^(y-1) dx + x^y log(x) dy     (0 where y == 0, and for dy where x == 0 <= y, as PyTorch)
POW_TENSOR = Op(
    "PowBackward1",
    lambda xp, a, b: _power(xp, a, b),
    lambda m, g, s, needs: (
        m.where(
            s["exponent"] == 0,
            m.zeros_like(g * s["self"]),
            g * s["exponent"] * s["self"] ** (s["exponent"] - 1),
        )
        if needs[0]
        else None,
        m.where(
            (s["self"] == 0) & (s["exponent"] >= 0),
            m.zeros_like(g * s["result"]),
            g * s["result"] * m.log(s["self"]),
        )
        if needs[1]
        else None,
    ),
    save={"self": ("self", ALWAYS), "exponent": ("exponent", ALWAYS)},
    inputs=("self", "exponent"),
    result=True,
)
# d(c^y) = c^y log(c) dy     (c a Python number)
POW_SCALAR_BASE = Op(
    "PowBackward2",
    lambda xp, exponent, base: _power(xp, base, exponent),
    lambda m, g, s, needs: (_pow_scalar_base_grad(m, g, s),),
    save={"exponent": ("exponent", ALWAYS)},
    inputs=("exponent",),
    params=("self",),
    result=True,
)
# d|x| = sign(x) dx          (0 at 0, as in PyTorch)
ABS = Op(
    "AbsBackward0",
    lambda xp, a: abs(a),
    lambda m, g, s, needs: (g * m.sign(s["self"]),),
    save={"self": ("self", ALWAYS)},
    inputs=("self",),
)
# d exp(x) = exp(x) dx
EXP = Op(
    "ExpBackward0",
    lambda xp, a: xp.exp(a),
    lambda m, g, s, needs: (g * s["result"],),
    inputs=("self",),
    ufunc="exp",
    result=True,
)
# d log(x) = dx / x
LOG = Op(
    "LogBackward0",
    lambda xp, a: xp.log(a),
    lambda m, g, s, needs: (g / s["self"],),
    save={"self": ("self", ALWAYS)},
    inputs=("self",),
    ufunc="log",
)
# d sqrt(x) = dx / (2 sqrt(x))
SQRT = Op(
    "SqrtBackward0",
    lambda xp, a: xp.sqrt(a),
    lambda m, g, s, needs: (g / (2 * s["result"]),),
    inputs=("self",),
    ufunc="sqrt",
    result=True,
)
# d sin(x) = cos(x) dx
SIN = Op(
    "SinBackward0",
    lambda xp, a: xp.sin(a),
    lambda m, g, s, needs: (g * m.cos(s["self"]),),
    save={"self": ("self", ALWAYS)},
    inputs=("self",),
    ufunc="sin",
)
# d cos(x) = -sin(x) dx
COS = Op(
    "CosBackward0",
    lambda xp, a: xp.cos(a),
    lambda m, g, s, needs: (-g * m.sin(s["self"]),),
    save={"self": ("self", ALWAYS)},
    inputs=("self",),
    ufunc="cos",
)
# d tanh(x) = (1 - tanh(x)^2) dx          (m.tanh_grad: that product, in one temporary on arrays)
TANH = Op(
    "TanhBackward0",
    lambda xp, a: xp.tanh(a),
    lambda m, g, s, needs: (m.tanh_grad(g, s["result"]),),
    inputs=("self",),
    ufunc="tanh",
    result=True,
)
# d sigmoid(x) = s (1 - s) dx  (computed as 1/(1+exp(-x)), stable for large |x| in floating point)
SIGMOID = Op(
    "SigmoidBackward0",
    lambda xp, a: _sigmoid(xp, a),
    lambda m, g, s, needs: (m.sigmoid_grad(g, s["result"]),),
    inputs=("self",),
    result=True,
)
# d relu(x) = [x > 0] dx
RELU = Op(
    "ReluBackward0",
    lambda xp, a: xp.maximum(a, 0),
    # PyTorch's threshold_backward: zero where result <= 0, so a nan input passes its gradient
    lambda m, g, s, needs: (m.where(s["result"] <= 0, 0, g),),
    inputs=("self",),
    result=True,
)
# d clamp(x) = [min <= x <= max] dx
CLAMP = Op(
    "ClampBackward1",
    lambda xp, a, min=None, max=None: _clamp(xp, a, min, max),
    lambda m, g, s, needs: (m.where(_inside(s["self"], s["min"], s["max"]), g, 0),),
    save={"self": ("self", ALWAYS)},
    inputs=("self",),
    params=("min", "max"),
)
# d clamp(x, min, max) with tensor bounds: x's gradient inside the bounds, each bound's where it binds
CLAMP_TENSOR = Op(
    "ClampBackward0",
    lambda xp, a, low, high: _clamp(xp, a, low, high),
    lambda m, g, s, needs: _clamp_tensor_grads(m, g, s["self"], s["min"], s["max"], needs),
    save={"self": ("self", ALWAYS), "min": ("min", ALWAYS), "max": ("max", ALWAYS)},
    inputs=("self", "min", "max"),
)
# d max(a, b): the larger input gets the gradient; ties split it evenly
MAXIMUM = Op(
    "MaximumBackward0",
    lambda xp, a, b: xp.maximum(a, b),
    lambda m, g, s, needs: _pick_larger(m, g, s["self"], s["other"]),
    save=_both(ALWAYS, ALWAYS),
)
MINIMUM = Op(
    "MinimumBackward0",
    lambda xp, a, b: xp.minimum(a, b),
    lambda m, g, s, needs: _pick_larger(m, g, s["other"], s["self"]),
    save=_both(ALWAYS, ALWAYS),
)
# d where(c, a, b) = where(c, da, db)
WHERE = Op(
    "WhereBackward0",
    lambda xp, a, b, condition: xp.where(condition, a, b),
    lambda m, g, s, needs: (
        m.where(s["condition"], g, 0) if needs[0] else None,
        m.where(s["condition"], 0, g) if needs[1] else None,
    ),
    params=("condition",),
)
# d lerp(a, b, w) = (1 - w) da + w db      (w a Python number)
LERP = Op(
    "LerpBackward0",
    lambda xp, a, b, weight: _lerp(xp, a, b, weight),
    lambda m, g, s, needs: (
        g * (1 - s["weight"]) if needs[0] else None,
        g * s["weight"] if needs[1] else None,
    ),
    inputs=("self", "end"),
    params=("weight",),
)
# d lerp(a, b, w) = (1 - w) da + w db + (b - a) dw      (w a tensor)
LERP_TENSOR = Op(
    "LerpBackward1",
    lambda xp, a, b, w: _lerp(xp, a, b, w),
    lambda m, g, s, needs: (
        g * (1 - s["weight"]) if needs[0] else None,
        g * s["weight"] if needs[1] else None,
        g * (s["end"] - s["self"]) if needs[2] else None,
    ),
    save={"self": ("self", "weight"), "end": ("end", "weight"), "weight": ("weight", ALWAYS)},
    inputs=("self", "end", "weight"),
)
# d(a + v b c) = da + v c db + v b dc      (v a Python number)
ADDCMUL = Op(
    "AddcmulBackward0",
    lambda xp, a, b, c, value: a + value * b * c,  # PyTorch's order: (value * b) * c, then a +
    lambda m, g, s, needs: (
        g,
        g * (s["tensor2"] * s["value"]) if needs[1] else None,
        g * (s["tensor1"] * s["value"]) if needs[2] else None,
    ),
    save={"tensor1": ("tensor1", "tensor2"), "tensor2": ("tensor2", "tensor1")},
    inputs=("self", "tensor1", "tensor2"),
    params=("value",),
)
# d(a + v b / c) = da + v/c db - v b/c^2 dc
ADDCDIV = Op(
    "AddcdivBackward0",
    lambda xp, a, b, c, value: a + value * b / c,  # PyTorch's order: (value * b) / c, then a +
    lambda m, g, s, needs: (
        g,
        g * (s["value"] / s["tensor2"]) if needs[1] else None,
        -g * ((s["value"] * s["tensor1"]) / (s["tensor2"] * s["tensor2"])) if needs[2] else None,
    ),
    save={"tensor1": ("tensor1", "tensor2"), "tensor2": ("tensor2", ALWAYS)},
    inputs=("self", "tensor1", "tensor2"),
    params=("value",),
)
# d masked_fill(x, mask, value) = dx where the mask is False, 0 where it filled
MASKED_FILL = Op(
    "MaskedFillBackward0",
    None,
    lambda m, g, s, needs: (m.where(s["mask"], 0, g),),
    inputs=("self",),
    params=("mask",),
)
FLOOR_DIVIDE = Op(
    "NotImplemented",
    lambda xp, a, b: xp.floor_divide(a, b),
    lambda m, g, s, needs: _not_implemented("floor_divide"),
)
# remainder(number, tensor) (2 % x) has no derivative in PyTorch either
REMAINDER_SCALAR_SELF = Op(
    "NotImplemented",
    lambda xp, a, b: _remainder(xp, a, b),
    lambda m, g, s, needs: _not_implemented("remainder"),
)


# Piecewise-constant ops: the gradient is zero almost everywhere (PyTorch records them anyway).
def _zero_grad(m, g, s, needs):
    return (m.zeros_like(g),)


FLOOR = Op("FloorBackward0", lambda xp, a: xp.floor(a), _zero_grad, inputs=("self",))
CEIL = Op("CeilBackward0", lambda xp, a: xp.ceil(a), _zero_grad, inputs=("self",))
ROUND = Op("RoundBackward0", lambda xp, a: xp.round(a), _zero_grad, inputs=("self",))
TRUNC = Op("TruncBackward0", lambda xp, a: xp.trunc(a), _zero_grad, inputs=("self",))


def _sign(xp, a):
    """-1, 0 or 1; nan gives 0 as in PyTorch ((0 < a) - (a < 0)), where NumPy gives nan."""
    out = xp.sign(a)
    if out.dtype.kind == "f":
        nan = xp.isnan(out)
        if nan.any():
            out = xp.where(nan, 0, out).astype(out.dtype)
    return out


SIGN = Op("SignBackward0", _sign, _zero_grad, inputs=("self",))
# div with rounding_mode: a step function of both inputs, so both gradients are zero
DIV_ROUNDED = Op(
    "DivBackward2",
    None,
    lambda m, g, s, needs: (m.zeros_like(g), m.zeros_like(g) if needs[1] else None),
    # the gradient is zero, yet PyTorch saves both operands (so an in-place change of either
    # breaks backward) and shows a number operand as a tensor
    save={"self": ("self", ALWAYS), "other": ("other", ALWAYS)},
    params=("rounding_mode",),
    scalars=("self", "other"),
)


def _remainder(xp, a, b):
    """a mod b with the divisor's sign; a zero result keeps the dividend's sign, as PyTorch's
    (fmod, then b added where the signs differ), where NumPy's zero is always +0."""
    out = xp.remainder(a, b)
    if out.dtype.kind == "f":
        zero = out == 0
        if zero.any():
            out = xp.where(zero, xp.copysign(out, a), out)
    return out


# d(a mod b) = da - floor(a / b) db
REMAINDER = Op(
    "RemainderBackward1",
    _remainder,
    lambda m, g, s, needs: (g, -g * m.floor_divide(s["self"], s["other"]) if needs[1] else None),
    save={"self": ("self", "other"), "other": ("other", "other")},
)
REMAINDER_SCALAR = Op(
    "RemainderBackward0",
    _remainder,
    lambda m, g, s, needs: (g,),
    inputs=("self",),
    params=("other",),
    hidden=("other",),
)


def _sigmoid(xp, a):
    # exp may overflow to inf for very negative a: 1/inf is the right 0
    if a.ndim == 0:
        return 1 / (1 + xp.exp(-a))
    out = xp.negative(a)  # one temporary, updated in place: 1 / (1 + exp(-a))
    xp.exp(out, out=out)
    out += 1
    return xp.reciprocal(out, out=out)


def _lerp(xp, start, end, weight):
    """PyTorch's lerp: start + w (end - start) for |w| < 0.5, else end - (end - start) (1 - w),
    which gives end exactly at w = 1. The weight is cast to the inputs' dtype first, as
    PyTorch's kernel casts it."""
    weight = xp.asarray(weight, dtype=start.dtype)
    diff = end - start
    if weight.ndim == 0:
        return start + weight * diff if abs(weight) < 0.5 else end - diff * (1 - weight)
    return xp.where(abs(weight) < 0.5, start + weight * diff, end - diff * (1 - weight))


def _clamp(xp, a, low, high):
    if low is not None:
        a = xp.maximum(a, low)
    if high is not None:
        a = xp.minimum(a, high)
    return a


def _inside(x, low, high):
    if low is None:
        return x <= high
    if high is None:
        return x >= low
    return (x >= low) & (x <= high)


def _power(xp, base, exponent):
    """``base ** exponent``; integers to negative powers give C's integer results as in PyTorch
    (1 for base 1, +-1 for base -1, else 0), where NumPy refuses them."""
    integers = getattr(exponent, "dtype", None) is not None and exponent.dtype.kind in "iu"
    if not integers or not bool((exponent < 0).any()):
        return base**exponent
    negative = exponent < 0
    plain = base ** xp.where(negative, 0, exponent)
    odd = exponent % 2 != 0
    special = xp.where(base == 1, 1, xp.where(base == -1, xp.where(odd, -1, 1), 0))
    return xp.where(negative, special, plain).astype(plain.dtype)


def _log_scalar(value: float) -> float:
    """log of a Python number as floating point gives it: -inf at 0, nan below (math.log raises)."""
    import math

    if value > 0:
        return math.log(value)
    return float("-inf") if value == 0 else float("nan")


def _pow_scalar_base_grad(m, g, s):
    """c^y log(c): 0 where c == 0 and y >= 0 (as PyTorch), nan for a negative base."""
    base = s["self"]
    if base == 0:
        return m.where(s["exponent"] >= 0, m.zeros_like(g), g * s["result"] * float("-inf"))
    return g * s["result"] * m.log_scalar(base)


def _pow_scalar_grad(m, g, x, exponent):
    """g * (p x^(p-1)), in PyTorch's order. PyTorch computes x^-0.5 as 1/sqrt(x) (rsqrt), which
    differs from pow at -inf and -0.0; NumPy's own shortcuts (0.5, 2, -1) agree with PyTorch's."""
    if exponent == 0:
        return g * 0
    power = 1 / m.sqrt(x) if exponent == 0.5 else x ** (exponent - 1)
    return g * (exponent * power)


def _clamp_tensor_grads(m, g, x, low, high, needs):
    """PyTorch's rule: with both bounds, a bound gets the gradient where it binds, and when the
    bounds cross (min > max) the result is max everywhere."""
    inside = _inside(x, low, high)
    if low is not None and high is not None:
        low_binds = (x < low) & (low < high)
        high_binds = (x > high) | (high < low)
    else:
        low_binds = x < low if low is not None else None
        high_binds = x > high if high is not None else None
    return (
        m.where(inside, g, 0) if needs[0] else None,
        m.where(low_binds, g, 0) if needs[1] else None,
        m.where(high_binds, g, 0) if needs[2] else None,
    )


def _pick_larger(m, g, larger, smaller):
    """maximum(larger, smaller)'s gradients (minimum's with the inputs swapped), as PyTorch:
    half each where they tie, nothing to the one that lost, and the whole gradient to both
    where a nan makes the comparison undecided."""
    split = m.where(larger == smaller, g / 2, g)
    return m.where(larger < smaller, 0, split), m.where(larger > smaller, 0, split)


def _not_implemented(name: str):
    raise RuntimeError(f"derivative for aten::{name} is not implemented")


# ---------------------------------------------------------------------------- reductions
# d cumsum(x)_i = sum of the gradient from i onwards: a cumulative sum from the end
CUMSUM = Op(
    "CumsumBackward0",
    lambda xp, a, dim: xp.cumsum(a, axis=dim),
    lambda m, g, s, needs: (m.reverse_cumsum(g, s["dim"]),),
    inputs=("self",),
    params=("dim",),
)
# d sum(x) = broadcast of the gradient back to x's shape
SUM = Op(
    "SumBackward0",
    lambda xp, a, dtype=None: a.sum(dtype=dtype),
    lambda m, g, s, needs: (m.expand(g, s["self_sym_sizes"]),),
    inputs=("self",),
    params=("self_sym_sizes",),
)
SUM_DIM = Op(
    "SumBackward1",
    lambda xp, a, dim, keepdim, dtype=None: a.sum(axis=dim, keepdims=keepdim, dtype=dtype),
    lambda m, g, s, needs: (
        m.expand(m.unsqueeze_dims(g, s["dim"], s["keepdim"]), s["self_sym_sizes"]),
    ),
    inputs=("self",),
    params=("self_sym_sizes", "dim", "keepdim"),
)
# d mean(x) = gradient / n, broadcast back
MEAN = Op(
    "MeanBackward0",
    lambda xp, a: a.mean(),
    lambda m, g, s, needs: (m.expand(g / s["self_sym_numel"], s["self_sym_sizes"]),),
    inputs=("self",),
    params=("self_sym_sizes", "self_sym_numel"),
)
MEAN_DIM = Op(
    "MeanBackward1",
    lambda xp, a, dim, keepdim: a.mean(axis=dim, keepdims=keepdim),
    lambda m, g, s, needs: (
        m.expand(m.unsqueeze_dims(g, s["dim"], s["keepdim"]) / _count(s), s["self_sym_sizes"]),
    ),
    inputs=("self",),
    params=("self_sym_sizes", "self_sym_numel", "dim", "keepdim"),
)
# d max(x): the gradient goes to the maximal entries, split evenly among ties
MAX_ALL = Op(
    "MaxBackward1",
    lambda xp, a: a.max(),
    lambda m, g, s, needs: (_evenly_to(m, g, s["self"], s["result"]),),
    save={"self": ("self", ALWAYS)},
    inputs=("self",),
    result=True,
)
MIN_ALL = Op(
    "MinBackward1",
    lambda xp, a: a.min(),
    lambda m, g, s, needs: (_evenly_to(m, g, s["self"], s["result"]),),
    save={"self": ("self", ALWAYS)},
    inputs=("self",),
    result=True,
)
# d amax(x, dims): like max(), the gradient is split evenly among the entries that tie
AMAX = Op(
    "AmaxBackward0",
    None,
    lambda m, g, s, needs: (_evenly_along(m, g, s["self"], s["result"], s["dim"], s["keepdim"]),),
    save={"self": ("self", ALWAYS)},
    inputs=("self",),
    params=("dim", "keepdim"),
    result=True,
)
AMIN = Op(
    "AminBackward0",
    None,
    lambda m, g, s, needs: (_evenly_along(m, g, s["self"], s["result"], s["dim"], s["keepdim"]),),
    save={"self": ("self", ALWAYS)},
    inputs=("self",),
    params=("dim", "keepdim"),
    result=True,
)
# d max(x, dim): the gradient goes to the entry each index points at
MAX_DIM = Op(
    "MaxBackward0",
    None,
    lambda m, g, s, needs: (
        m.scatter_along(g[0], s["indices"], s["dim"], s["keepdim"], s["self_sym_sizes"]),
    ),
    inputs=("self",),
    params=("indices", "dim", "keepdim", "self_sym_sizes"),
)
MIN_DIM = Op(
    "MinBackward0",
    None,
    lambda m, g, s, needs: (
        m.scatter_along(g[0], s["indices"], s["dim"], s["keepdim"], s["self_sym_sizes"]),
    ),
    inputs=("self",),
    params=("indices", "dim", "keepdim", "self_sym_sizes"),
)
MAX_DIM.node_class.output_count = MIN_DIM.node_class.output_count = 2
MAX_DIM.node_class._general = MIN_DIM.node_class._general = True
# d prod(x)_i = product of the other entries: result / x_i when no entry is 0 (PyTorch's rule,
# nan and inf included), else exclusive products; zeros when a whole prod() has two zeros
PROD = Op(
    "ProdBackward0",
    lambda xp, a, dim=None, keepdim=False: a.prod(axis=dim, keepdims=keepdim),
    lambda m, g, s, needs: (m.prod_grad(g, s["self"], s["result"], s["dim"], s["keepdim"]),),
    save={"self": ("self", ALWAYS)},
    inputs=("self",),
    params=("dim", "keepdim"),
    result=True,
    hidden=("dim", "keepdim"),  # a whole prod(): PyTorch's node keeps no dim
)
PROD_DIM = Op(
    "ProdBackward1",
    lambda xp, a, dim=None, keepdim=False: a.prod(axis=dim, keepdims=keepdim),
    lambda m, g, s, needs: (m.prod_grad(g, s["self"], s["result"], s["dim"], s["keepdim"]),),
    save={"self": ("self", ALWAYS)},
    inputs=("self",),
    params=("dim", "keepdim"),
    result=True,
)
# d var(x) = 2 (x - mean) / (n - correction) dx
VAR = Op(
    "VarBackward0",
    lambda xp, a, dim, correction, keepdim: a.var(axis=dim, ddof=correction, keepdims=keepdim),
    lambda m, g, s, needs: (
        m.unsqueeze_dims(g, s["dim"], s["keepdim"])
        * 2
        * _centered(m, s)
        / (_count(s) - s["correction"]),
    ),
    save={"self": ("self", ALWAYS)},
    inputs=("self",),
    params=("dim", "correction", "keepdim"),
)
# d std(x) = (x - mean) / ((n - correction) std) dx
STD = Op(
    "StdBackward0",
    lambda xp, a, dim, correction, keepdim: a.std(axis=dim, ddof=correction, keepdims=keepdim),
    lambda m, g, s, needs: (_std_grad(m, g, s),),
    save={"self": ("self", ALWAYS)},
    inputs=("self",),
    params=("dim", "correction", "keepdim"),
    result=True,
)
# d ||x||_p = x |x|^(p-2) / ||x||^(p-1) dx  (p = 2: x / ||x||)
NORM = Op(
    "LinalgVectorNormBackward0",
    None,
    lambda m, g, s, needs: (
        # ord 0 counts nonzeros: a step function with no gradient (PyTorch leaves .grad None)
        None
        if s["ord"] == 0
        else m.norm_grad(g, s["self"], s["result"], s["ord"], s["dim"], s["keepdim"]),
    ),
    save={"self": ("self", ALWAYS)},
    inputs=("self",),
    params=("ord", "dim", "keepdim"),
    result=True,
)
# d softmax = s * (g - sum(g * s))
SOFTMAX = Op(
    "SoftmaxBackward0",
    None,
    lambda m, g, s, needs: (s["result"] * (g - (g * s["result"]).sum(s["dim"], keepdims=True)),),
    inputs=("self",),
    params=("dim",),
    result=True,
)
# d log_softmax = g - exp(result) * sum(g)
LOG_SOFTMAX = Op(
    "LogSoftmaxBackward0",
    None,
    lambda m, g, s, needs: (g - m.exp(s["result"]) * g.sum(s["dim"], keepdims=True),),
    inputs=("self",),
    params=("dim",),
    result=True,
)


def _count(s) -> int:
    sizes = s["self_sym_sizes"] if "self_sym_sizes" in s else s["self"].shape
    dims = s["dim"]
    if dims is None:
        count = 1
        for size in sizes:
            count *= size
        return count
    count = 1
    for dim in dims if isinstance(dims, tuple) else (dims,):
        count *= sizes[dim]
    return count


def _centered(m, s):
    x = s["self"]
    return x - x.mean(s["dim"], keepdims=True)


def _std_grad(m, g, s):
    """(x - mean) / ((n - correction) std), and 0 where std is 0 (a constant input), as PyTorch."""
    std = m.unsqueeze_dims(s["result"], s["dim"], s["keepdim"])
    g = m.unsqueeze_dims(g, s["dim"], s["keepdim"])
    grad = g / std * _centered(m, s) / (_count(s) - s["correction"])
    return m.where(std == 0, m.zeros_like(grad), grad)


def _evenly_along(m, g, x, extreme, dim, keepdim):
    """amax/amin: the gradient split among the entries equal to the extreme. PyTorch scales by
    the mask, so a slice whose extreme is nan (no entry equals it) gets nan everywhere."""
    extreme = m.unsqueeze_dims(extreme, dim, keepdim)
    g = m.unsqueeze_dims(g, dim, keepdim)
    mask = x == extreme
    count = mask.sum(dim, keepdims=True) if m.is_array else mask.sum(dim, keepdim=True)
    return (g / count) * mask


def _evenly_to(m, g, x, extreme):
    """max()/min() of a whole tensor: the gradient split among the entries equal to the
    extreme, or among the nan entries when the extreme is nan (PyTorch's rule)."""
    mask = m.isnan(x) if bool(m.isnan(extreme)) else (x == extreme)
    return m.where(mask, g / mask.sum(), 0)


# ---------------------------------------------------------------------------- linear algebra
# d(beta C + alpha A B) = beta dC + alpha (dA B^T + A^T dB). Its own node, as in PyTorch: what
# nn.Linear records for a batch of vectors (C, the bias, broadcast over the rows).
ADDMM = Op(
    "AddmmBackward0",
    lambda xp, c, a, b, beta=1, alpha=1: _addmm(xp, c, a, b, beta, alpha),
    lambda m, g, s, needs: (
        (g if s["beta"] == 1 else g * s["beta"]) if needs[0] else None,
        _mat1_grad(m, g, s["mat2"], s["mat1_sym_sizes"], s["mat1_sym_strides"], s["alpha"])
        if needs[1]
        else None,
        _mat2_grad(m, g, s["mat1"], s["mat2_sym_sizes"], s["mat2_sym_strides"], s["alpha"])
        if needs[2]
        else None,
    ),
    save={"mat1": ("mat1", "mat2"), "mat2": ("mat2", "mat1")},
    inputs=("self", "mat1", "mat2"),
    params=(
        "beta",
        "alpha",
        "mat1_sym_sizes",
        "mat1_sym_strides",
        "mat2_sym_sizes",
        "mat2_sym_strides",
    ),
)


def _addmm(xp, c, a, b, beta, alpha):
    out = a @ b  # a new array: the rest is written into it (one buffer, as PyTorch's addmm)
    if (
        out.ndim == 0
        or out.dtype.kind != "f"
        or (out.dtype is not getattr(c, "dtype", None) and out.dtype != xp.result_type(out, c))
    ):
        out = out * alpha if alpha != 1 else out  # 0-d results or a wider bias: out of place
        return out if beta == 0 else out + (c if beta == 1 else c * beta)
    if alpha != 1:
        out *= alpha
    if beta != 0:  # with beta 0 PyTorch ignores the input: its nan and inf do not spread
        out += c if beta == 1 else c * beta
    return out


def _times(value, factor):
    return value if factor == 1 else value * factor  # an elementwise op keeps value's layout


# PyTorch's mm_mat1_backward / mm_mat2_backward: a gradient in the layout of the matrix it is
# for. nn.Linear's mat2 is weight.t(), column-major; its gradient computed as (g^T A)^T is too,
# so after TBackward0 the weight's gradient is row-major like the weight, and becomes its
# .grad without a copy.
def _column_major(sizes, strides) -> bool:
    return bool(strides) and strides[0] == 1 and strides[1] == sizes[0]


def _mat1_grad(m, g, mat2, sizes, strides, alpha):
    if _column_major(sizes, strides):
        return _times(m.mT(m.matmul(mat2, m.mT(g))), alpha)
    return _times(m.matmul(g, m.mT(mat2)), alpha)


def _mat2_grad(m, g, mat1, sizes, strides, alpha):
    if _column_major(sizes, strides):
        return _times(m.mT(m.matmul(m.mT(g), mat1)), alpha)
    return _times(m.matmul(m.mT(mat1), g), alpha)


# d(A B) = dA B^T + A^T dB
MM = Op(
    "MmBackward0",
    lambda xp, a, b: a @ b,
    lambda m, g, s, needs: (
        _mat1_grad(m, g, s["mat2"], s["self_sym_sizes"], s["self_sym_strides"], 1)
        if needs[0]
        else None,
        _mat2_grad(m, g, s["self"], s["mat2_sym_sizes"], s["mat2_sym_strides"], 1)
        if needs[1]
        else None,
    ),
    save={"self": ("self", "mat2"), "mat2": ("mat2", "self")},
    inputs=("self", "mat2"),
    params=("self_sym_sizes", "self_sym_strides", "mat2_sym_sizes", "mat2_sym_strides"),
)
BMM = Op(
    "BmmBackward0",
    lambda xp, a, b: a @ b,
    lambda m, g, s, needs: (
        m.matmul(g, m.mT(s["mat2"])) if needs[0] else None,
        m.matmul(m.mT(s["self"]), g) if needs[1] else None,
    ),
    save={"self": ("self", "mat2"), "mat2": ("mat2", "self")},
    inputs=("self", "mat2"),
)
# d(A v) = dA v^T (outer) + A^T dv
MV = Op(
    "MvBackward0",
    lambda xp, a, v: a @ v,
    lambda m, g, s, needs: (
        m.outer(g, s["vec"]) if needs[0] else None,
        m.matmul(m.mT(s["self"]), g) if needs[1] else None,
    ),
    save={"self": ("self", "vec"), "vec": ("vec", "self")},
    inputs=("self", "vec"),
)
# d(u . v) = v du + u dv
DOT = Op(
    "DotBackward0",
    lambda xp, a, b: xp.dot(a, b),
    lambda m, g, s, needs: (
        g * s["tensor"] if needs[0] else None,
        g * s["self"] if needs[1] else None,
    ),
    save={"self": ("self", "tensor"), "tensor": ("tensor", "self")},
    inputs=("self", "tensor"),
)


# ---------------------------------------------------------------------------- layers
# Rows of the weight picked by indices (nn.Embedding). Its own node, as in PyTorch: the gradient
# of each picked row is added back into a zero matrix of the weight's shape; rows picked more
# often get more (divided by the count under scale_grad_by_freq) and the padding row gets none.
# The indices are a saved tensor (a SavedTensor passed as a param: they are no input with an
# edge, as they are none in PyTorch's next_functions), so changing them in place is caught.
EMBEDDING = Op(
    "EmbeddingBackward0",
    None,
    lambda m, g, s, needs: (
        m.embedding_grad(
            g,
            s["indices"],
            s["weight_sym_argsize_0"],
            s["padding_idx"],
            s["scale_grad_by_freq"],
        ),
    ),
    inputs=("weight",),
    params=("indices", "padding_idx", "scale_grad_by_freq", "sparse", "weight_sym_argsize_0"),
)


def _layer_norm_grads(m, g, s, needs):
    """y = xhat w + b with xhat = (x - mean) rstd over the trailing normalized dims:

    dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)), dxhat = g w;
    dw = g xhat and db = g, each summed over the leading (batch) dims.

    On arrays mean and rstd are the ones the forward saved. On tensors (create_graph=True) they
    are recomputed from the input, so that a gradient of this gradient sees them move with it.
    """
    x, weight = s["input"], s["weight"]
    axes = tuple(range(x.ndim - len(s["normalized_shape"]), x.ndim))
    if m.is_array:
        mean, rstd = s["result1"], s["result2"]
    else:
        mean = x.mean(axes, keepdims=True)
        centered = x - mean
        rstd = ((centered * centered).mean(axes, keepdims=True) + s["eps"]) ** -0.5
    xhat = (x - mean) * rstd
    grad_input = grad_weight = grad_bias = None
    if needs[0]:
        dxhat = g if weight is None else g * weight
        grad_input = rstd * (
            dxhat
            - dxhat.mean(axes, keepdims=True)
            - xhat * (dxhat * xhat).mean(axes, keepdims=True)
        )
    if needs[1]:
        grad_weight = m.sum_to(g * xhat, weight.shape)
    if needs[2]:
        grad_bias = m.sum_to(g, s["bias"].shape)
    return grad_input, grad_weight, grad_bias


# Layer normalisation over the trailing dims (nn.LayerNorm), its own node as in PyTorch. It saves
# what PyTorch's does: the input, weight and bias, and the forward's mean (result1) and
# 1/sqrt(var + eps) (result2), kept per row with the normalized dims as size 1. The eps
# travels in the saved dict unnamed (PyTorch's node shows none): only the recomputation above
# uses it.
NATIVE_LAYER_NORM = Op(
    "NativeLayerNormBackward0",
    None,
    _layer_norm_grads,
    save={"input": ("input", ALWAYS), "weight": ("weight", ALWAYS), "bias": ("bias", ALWAYS)},
    inputs=("input", "weight", "bias"),
    params=("normalized_shape", "result1", "result2"),
)


# ---------------------------------------------------------------------------- copies and joins
# random fills: the new values do not depend on the old ones
NORMAL = Op("NormalBackward0", None, _zero_grad, inputs=("self",))
UNIFORM = Op("UniformBackward0", None, _zero_grad, inputs=("self",))
# flip: the gradient flips back
FLIP = Op(
    "FlipBackward0",
    lambda xp, a, dims: xp.flip(a, dims),
    lambda m, g, s, needs: (m.flip(g, s["dims"]),),
    inputs=("self",),
    params=("dims",),
)
CLONE = Op("CloneBackward0", lambda xp, a: a.copy(), lambda m, g, s, needs: (g,), inputs=("self",))
TO_COPY = Op(
    "ToCopyBackward0",
    None,
    lambda m, g, s, needs: (m.to_device(g, s.get("device")),),
    inputs=("self",),
)
# cat: each input gets its slice of the gradient
CAT = Op(
    "CatBackward0",
    None,
    lambda m, g, s, needs: m.split_sizes(g, s["sizes"], s["dim"]),
    inputs=(),
    params=("dim", "sizes"),
    hidden=("sizes",),
)
# stack: each input gets its entry of the gradient
STACK = Op(
    "StackBackward0",
    None,
    lambda m, g, s, needs: m.unstack(g, s["dim"]),
    inputs=(),
    params=("dim",),
)
# repeat: the gradient of every copy adds up
REPEAT = Op(
    "RepeatBackward0",
    lambda xp, a, repeats: xp.tile(a, repeats),
    lambda m, g, s, needs: (m.repeat_grad(g, s["repeats"], s["self_sym_sizes"]),),
    inputs=("self",),
    params=("repeats", "self_sym_sizes"),
)
# advanced indexing copies: the gradient is added back at the indexed places
INDEX = Op(
    "IndexBackward0",
    None,
    lambda m, g, s, needs: (m.index_grad(g, s["indices"], s["self_sym_sizes"]),),
    inputs=("self",),
    params=("indices", "self_sym_sizes"),
)
# x[indices] = values: indexed places lose their gradient; values get theirs (summed over repeats)
INDEX_PUT = Op(
    "IndexPutBackward0",
    None,
    lambda m, g, s, needs: (
        m.index_fill_zero(g, s["indices"]) if needs[0] else None,
        m.index_take(g, s["indices"]) if needs[1] else None,
    ),
    inputs=("self", "values"),
    params=("indices", "accumulate"),
)
# zeros with g added at the indexed places (repeats add up): the adjoint of indexing, needed as
# an op of its own only when a gradient through indexing is itself differentiated
INDEX_ACCUMULATE = Op(
    "IndexPutImplBackward0",
    None,
    lambda m, g, s, needs: (m.index_take(g, s["indices"]),),
    inputs=("values",),
    params=("indices", "self_sym_sizes", "accumulate"),
    hidden=("self_sym_sizes",),
)
# in-place writes of constants: no gradient reaches the old values
ZERO = Op("ZeroBackward0", None, lambda m, g, s, needs: (m.zeros_like(g),), inputs=("self",))
FILL = Op("FillBackward2", None, lambda m, g, s, needs: (m.zeros_like(g),), inputs=("self",))
# fill_ with a 0-dim tensor value: the value gets the sum of the gradient
FILL_TENSOR = Op(
    "FillBackward3",
    None,
    lambda m, g, s, needs: (m.zeros_like(g), g.sum() if needs[1] else None),
    inputs=("self", "value"),
)
# copy_(src): the old value gets no gradient, src gets all of it
COPY = Op(
    "CopyBackwards", None, lambda m, g, s, needs: (m.zeros_like(g), g), inputs=("self", "src")
)


# ---------------------------------------------------------------------------- views
# Each view's gradient puts the view-shaped gradient back into the input's shape. Several of
# PyTorch's node names share one formula:


def _reshape_back(m, g, s, needs):  # view, reshape, flatten, squeeze (every variant)
    return (m.reshape(g, s["self_sym_sizes"]),)


def _unsqueeze_back(m, g, s, needs):  # unsqueeze, unsqueeze_
    return (m.reshape(g, _without(g.shape, s["dim"])),)


def _swap_back(m, g, s, needs):  # transpose, transpose_
    return (m.swapaxes(g, s["dim0"], s["dim1"]),)


def _join_back(
    m, g, s, needs
):  # split, split with sizes, chunk: the pieces' gradients side by side
    return (m.join_pieces(g, s["self_sym_sizes"], s["dim"], s["split_sizes"]),)


SLICE = Op(
    "SliceBackward0",
    None,
    lambda m, g, s, needs: (m.slice_grad(g, s["self_sym_sizes"], s["dim"], *_slice_bounds(s)),),
    inputs=("self",),
    params=("self_sym_sizes", "dim", "start", "end", "step"),
)


def _slice_bounds(s) -> tuple:
    """(start, end, step) of a SliceBackward0, clamped to the sliced size: the node keeps
    PyTorch's raw bounds (a negative one as its unsigned 64-bit pattern, no stop as INT64_MAX)."""
    size = s["self_sym_sizes"][s["dim"]]
    start, end = (
        bound - (1 << 64) if bound >= 1 << 63 else bound for bound in (s["start"], s["end"])
    )
    begin, end, step = slice(start, end, s["step"]).indices(size)
    return begin, max(end, begin), step


SELECT = Op(
    "SelectBackward0",
    None,
    lambda m, g, s, needs: (m.select_grad(g, s["self_sym_sizes"], s["dim"], s["index"]),),
    inputs=("self",),
    params=("self_sym_sizes", "dim", "index"),
)
ALIAS = Op("AliasBackward0", None, lambda m, g, s, needs: (g,), inputs=("self",))
VIEW = Op(
    "ViewBackward0",
    None,
    _reshape_back,
    inputs=("self",),
    params=("self_sym_sizes",),
)
# reshape's view of a tensor that is not contiguous (PyTorch's _reshape_alias)
RESHAPE_ALIAS = Op(
    "ReshapeAliasBackward0",
    None,
    _reshape_back,
    inputs=("self",),
    params=("self_sym_sizes",),
)
UNSAFE_VIEW = Op(
    "UnsafeViewBackward0",
    None,
    _reshape_back,
    inputs=("self",),
    params=("self_sym_sizes",),
)
TRANSPOSE = Op(
    "TransposeBackward0",
    None,
    _swap_back,
    inputs=("self",),
    params=("dim0", "dim1"),
)
T = Op(
    "TBackward0",
    None,
    lambda m, g, s, needs: (m.swapaxes(g, 0, -1) if g.ndim == 2 else g,),
    inputs=("self",),
)
PERMUTE = Op(
    "PermuteBackward0",
    None,
    lambda m, g, s, needs: (m.permute(g, _inverse(s["dims"])),),
    inputs=("self",),
    params=("dims",),
)
EXPAND = Op(
    "ExpandBackward0",
    None,
    lambda m, g, s, needs: (m.sum_to(g, s["self_sym_sizes"]),),
    inputs=("self",),
    params=("self_sym_sizes",),
)
UNSQUEEZE = Op(
    "UnsqueezeBackward0",
    None,
    _unsqueeze_back,
    inputs=("self",),
    params=("dim",),
)
SQUEEZE = Op(
    "SqueezeBackward0",
    None,
    _reshape_back,
    inputs=("self",),
    params=("self_sym_sizes",),
)
SQUEEZE_DIM = Op(
    "SqueezeBackward1",
    None,
    _reshape_back,
    inputs=("self",),
    params=("self_sym_sizes", "dim"),
)
SQUEEZE_DIMS = Op(
    "SqueezeBackward2",
    None,
    _reshape_back,
    inputs=("self",),
    params=("self_sym_sizes", "dim"),
)
SPLIT = Op(
    "SplitBackward0",
    None,
    _join_back,
    inputs=("self",),
    params=("self_sym_sizes", "dim", "split_size", "split_sizes"),
    hidden=("split_sizes",),
)
SPLIT_WITH_SIZES = Op(
    "SplitWithSizesBackward0",
    None,
    _join_back,
    inputs=("self",),
    params=("self_sym_sizes", "dim", "split_sizes"),
)
UNBIND = Op(
    "UnbindBackward0",
    None,
    lambda m, g, s, needs: (m.join_pieces(g, s["self_sym_sizes"], s["dim"], None),),
    inputs=("self",),
    params=("self_sym_sizes", "dim"),
    hidden=("self_sym_sizes",),
)


# diagonal/unfold: views with computed strides; the gradient is added back at the viewed places
DIAGONAL = Op(
    "DiagonalBackward0",
    None,
    lambda m, g, s, needs: (m.strided_grad(g, s["self_sym_sizes"], _diagonal_positions(s)),),
    inputs=("self",),
    params=("self_sym_sizes", "offset", "dim1", "dim2"),
)
UNFOLD = Op(
    "UnfoldBackward0",
    None,
    lambda m, g, s, needs: (m.strided_grad(g, s["self_sym_sizes"], _unfold_positions(s)),),
    inputs=("self",),
    params=("self_sym_sizes", "dimension", "size", "step"),
)


# Where each element of a diagonal or unfold view sits in its input (flat indices), worked out
# at backward time so that making the view stays O(1).
def _flat_index(sizes):
    np = _backend.numpy
    return np.arange(_product(sizes), dtype=np.int64).reshape(sizes)


def _diagonal_positions(s):
    np = _backend.numpy
    return np.diagonal(_flat_index(s["self_sym_sizes"]), s["offset"], s["dim1"], s["dim2"]).copy()


def _unfold_positions(s):
    np = _backend.numpy
    index = _flat_index(s["self_sym_sizes"])
    axis, size, step = s["dimension"], s["size"], s["step"]
    length = index.shape[axis] if index.ndim else 1
    count = (length - size) // step + 1
    shape = index.shape[:axis] + (count,) + index.shape[axis + 1 :] + (size,)
    stride = index.strides[axis] if index.ndim else index.itemsize
    strides = index.strides[:axis] + (stride * step,) + index.strides[axis + 1 :] + (stride,)
    return np.lib.stride_tricks.as_strided(index, shape=shape, strides=strides).copy()


# in-place view ops change the tensor's own shape
UNSQUEEZE_INPLACE = Op(
    "UnsqueezeBackward1",
    None,
    _unsqueeze_back,
    inputs=("self",),
    params=("dim",),
)
SQUEEZE_INPLACE = Op(
    "SqueezeBackward3",
    None,
    _reshape_back,
    inputs=("self",),
    params=("self_sym_sizes",),
)
SQUEEZE_DIM_INPLACE = Op(
    "SqueezeBackward4",
    None,
    _reshape_back,
    inputs=("self",),
    params=("self_sym_sizes", "dim"),
)
TRANSPOSE_INPLACE = Op(
    "TransposeBackward1",
    None,
    _swap_back,
    inputs=("self",),
    params=("dim0", "dim1"),
)
T_INPLACE = Op(
    "TBackward1",
    None,
    lambda m, g, s, needs: (m.swapaxes(g, 0, -1) if g.ndim == 2 else g,),
    inputs=("self",),
)


def _inverse(dims):
    inverse = [0] * len(dims)
    for position, dim in enumerate(dims):
        inverse[dim] = position
    return tuple(inverse)


def _without(shape, dim):
    return tuple(size for axis, size in enumerate(shape) if axis != dim)


# ---------------------------------------------------------------------------- losses
# PyTorch's reduction codes, saved as ``grad_fn._saved_reduction``.
REDUCTION_NONE, REDUCTION_MEAN, REDUCTION_SUM = 0, 1, 2

# mse = (x - t)^2, summed or averaged: d/dx = 2 (x - t) g (/ n for the mean), d/dt = -d/dx
MSE_LOSS = Op(
    "MseLossBackward0",
    None,
    lambda m, g, s, needs: (
        _mse_loss_grad(g, s["self"], s["target"], s["reduction"]) if needs[0] else None,
        _mse_loss_grad(g, s["target"], s["self"], s["reduction"]) if needs[1] else None,
    ),
    save={"self": ("self", ALWAYS), "target": ("target", ALWAYS)},
    inputs=("self", "target"),
    params=("reduction",),
)
# nll = -w[t] x[t] per sample, summed or divided by the total weight of the counted targets:
# d/dx = -w[t] g (/ total_weight) at each target's class, 0 elsewhere and where t is ignored.
# The target, the weight and total_weight are saved tensors (params: they get no gradient).
NLL_LOSS = Op(
    "NllLossBackward0",
    None,
    lambda m, g, s, needs: (_nll_loss_grad(m, g, s),),
    save={"self": ("self", ALWAYS)},
    inputs=("self",),
    params=("target", "weight", "reduction", "ignore_index", "total_weight"),
)
# the same loss over (N, C, H, W) inputs (PyTorch's nll_loss2d; other K-d inputs are viewed so)
NLL_LOSS2D = Op(
    "NllLoss2DBackward0",
    None,
    lambda m, g, s, needs: (_nll_loss_grad(m, g, s),),
    save={"self": ("self", ALWAYS)},
    inputs=("self",),
    params=("target", "weight", "reduction", "ignore_index", "total_weight"),
)
# bce = (1 - t) x - l log sigmoid(x), l = 1 + (p - 1) t (p: pos_weight, 1 without), times w:
# d/dx = ((p t + 1 - t) sigmoid(x) - p t) w g, d/dt = (log sigmoid(-x) - p log sigmoid(x)) w g
# (-x w g without p), both / n for the mean. log sigmoid is min(x, 0) - log1p(exp(-|x|)), which
# neither overflows nor loses the small values.
BCE_WITH_LOGITS = Op(
    "BinaryCrossEntropyWithLogitsBackward0",
    None,
    lambda m, g, s, needs: _bce_with_logits_grads(m, g, s, needs),
    save={"self": ("self", ALWAYS), "target": ("target", ALWAYS)},
    inputs=("self", "target"),
    params=("weight", "pos_weight", "reduction"),
)


def _numel(x) -> int:
    """Element count of an array (``size``) or a tensor (``numel()``, under create_graph)."""
    size = x.size
    return size if type(size) is int else x.numel()


def _raw(x):
    """The array behind a saved tensor (formulas under create_graph receive tensors)."""
    return getattr(x, "_data", x)


def _constant(m, array):
    """A NumPy constant as the formula math wants it: as is, or as a tensor (create_graph)."""
    if m.is_array:
        return array
    from ._dispatch import wrap

    return wrap(array)


def _mse_loss_grad(g, x, t, reduction):
    # PyTorch's order: norm * (x - t) * g, norm = 2 (2 / n for the mean)
    norm = 2.0 / _numel(x) if reduction == REDUCTION_MEAN else 2.0
    return norm * (x - t) * g


def _nll_loss_grad(m, g, s):
    x = _raw(s["self"])
    target = _raw(s["target"]).astype(_backend.numpy.int64, copy=False)
    if x.ndim == 1 and target.ndim == 1:
        # The forward takes a 1-d input's target of shape (1,); PyTorch's backward refuses it
        raise RuntimeError(
            f"size mismatch (got input: {list(x.shape)}, target: {list(target.shape)})"
        )
    weight = _raw(s["weight"])
    xp = _backend.array_namespace(x)
    class_dim = 0 if x.ndim == 1 else 1
    counted = target != s["ignore_index"]
    if m.is_array and weight is None and x.ndim == 2 and target.ndim == 1 and counted.all():
        # The common case (a batch of rows, every target counted, no weights): each row's
        # gradient is -g (over the total weight for the mean) at its target, 0 elsewhere.
        g = -(g / s["total_weight"]) if s["reduction"] == REDUCTION_MEAN else -g
        out = xp.zeros(x.shape, dtype=x.dtype)
        out[xp.arange(x.shape[0]), target] = g
        return out
    classes = xp.where(counted, target, 0)
    # nll_loss2d accepts any weight with C elements
    if weight is not None:
        scale = xp.where(counted, weight.reshape(-1)[classes], 0).astype(x.dtype)
    else:
        scale = counted.astype(x.dtype)
    if s["reduction"] == REDUCTION_MEAN:
        g = -(g / s["total_weight"])  # PyTorch divides the gradient first, then scales by w
    else:
        g = -g
    # Only the counted targets' places are written: a nan gradient (all ignored, mean) stays out.
    values = m.where(_constant(m, counted), g * _constant(m, scale), 0)
    return m.scatter_along(values, classes, class_dim, False, x.shape)


def _bce_with_logits_grads(m, g, s, needs):
    x, t = s["self"], s["target"]
    weight, pos_weight = s["weight"], s["pos_weight"]
    mean = s["reduction"] == REDUCTION_MEAN
    grad_input = grad_target = None
    if needs[0]:
        if pos_weight is None:
            grad_input = (m.sigmoid(x) - t) * g
        else:
            weighted = pos_weight * t
            grad_input = ((weighted + 1 - t) * m.sigmoid(x) - weighted) * g
        if weight is not None:
            grad_input = grad_input * weight
        if mean:
            grad_input = grad_input / _numel(x)
    if needs[1]:
        if pos_weight is None:
            grad_target = -x * g
        else:
            grad_target = (m.log_sigmoid(-x) - m.log_sigmoid(x) * pos_weight) * g
        if weight is not None:
            grad_target = grad_target * weight
        if mean:
            grad_target = grad_target / _numel(t)
    return grad_input, grad_target


def log_sigmoid(xp, x):
    """log(sigmoid(x)) as PyTorch computes it: min(x, 0) - log1p(exp(-|x|)), stable both ways."""
    return xp.minimum(x, 0) - xp.log1p(xp.exp(-abs(x)))


# ---------------------------------------------------------------------------- formula math
_LAZY_BROADCAST_MIN = 1 << 16  # elements: below this a plain multiply is cheaper


_UNSIGNED_OF_SIZE = {2: "uint16", 4: "uint32", 8: "uint64"}


_MASK_MIN = 1024  # below this many elements where() is the quicker of the two


def _maskable(values, condition) -> bool:
    """Whether ``values`` can be masked by ``condition`` bit for bit (ArrayMath.where)."""
    return (
        getattr(values, "ndim", 0)
        and values.dtype.kind == "f"
        and condition.shape == values.shape
        and condition.dtype.kind == "b"
    )


_PLAIN_FUNCTIONS = ("log", "exp", "sin", "cos", "isnan", "sqrt")


class ArrayMath:
    """The math the formulas use, on raw NumPy/CuPy arrays (ordinary backward)."""

    is_array = True

    def __init__(self, xp) -> None:
        self.xp = xp
        # The methods that only call the namespace's function are that function itself here
        # (one Python call less in every backward step that uses them).
        for name in _PLAIN_FUNCTIONS:
            setattr(self, name, getattr(xp, name))

    def log(self, x):
        return self.xp.log(x)

    def log_scalar(self, value):
        return _log_scalar(value)

    def exp(self, x):
        return self.xp.exp(x)

    def sin(self, x):
        return self.xp.sin(x)

    def cos(self, x):
        return self.xp.cos(x)

    def sign(self, x):
        out = self.xp.sign(x)
        if out.dtype.kind == "f" and out.ndim:
            out[self.xp.isnan(out)] = 0  # PyTorch's sign (and sgn, in abs's gradient) of nan is 0
        return out

    def isnan(self, x):
        return self.xp.isnan(x)

    def sqrt(self, x):
        return self.xp.sqrt(x)

    def where(self, condition, a, b):
        # "a where condition, else 0" or "0 where condition, else b": every mask-shaped
        # gradient (relu, clamp, max ...). where() on an unpredictable mask is an order of
        # magnitude slower than this: the array's bits ANDed with a mask of all ones or all
        # zeros. Bit for bit what where() gives, nan and inf masked out included, and never a
        # -0.0 (which a multiply by the mask would give).
        if (
            type(b) is int
            and b == 0
            and getattr(a, "size", 0) >= _MASK_MIN
            and _maskable(a, condition)
        ):
            xp = self.xp
            bits = a.view(_UNSIGNED_OF_SIZE[a.itemsize])
            mask = condition.astype(bits.dtype)
            xp.negative(mask, out=mask)  # True -> all ones, False -> 0
            return xp.bitwise_and(bits, mask, out=mask).view(a.dtype)
        if (
            type(a) is int
            and a == 0
            and getattr(b, "size", 0) >= _MASK_MIN
            and _maskable(b, condition)
        ):
            xp = self.xp
            bits = b.view(_UNSIGNED_OF_SIZE[b.itemsize])
            mask = condition.astype(bits.dtype)
            xp.subtract(mask, 1, out=mask)  # True -> 0, False -> all ones
            return xp.bitwise_and(bits, mask, out=mask).view(b.dtype)
        out = self.xp.where(condition, a, b)
        reference = a if hasattr(a, "dtype") else b
        return out.astype(reference.dtype, copy=False) if hasattr(reference, "dtype") else out

    def zeros_like(self, g):
        return self.xp.zeros_like(g)

    def mul(self, g, other):
        """``g * other``; a big broadcast gradient times a number stays broadcast.

        ``x.sum().backward()`` starts from one value broadcast over x's shape (stride 0). Scaling
        that by a Python number (``x * 2``) need not write out a full array: the next formula
        reads the broadcast as cheaply, and on big tensors that saves a whole pass over memory.
        On small ones making the broadcast view costs more than the multiply, so they don't.
        """
        if g.size >= _LAZY_BROADCAST_MIN and type(other) in (int, float) and not any(g.strides):
            value = g[(0,) * g.ndim] * other
            return self.xp.broadcast_to(self.xp.asarray(value, dtype=g.dtype), g.shape)
        return g * other

    def floor_divide(self, a, b):
        return self.xp.floor_divide(a, b)

    def flip(self, g, dims):
        return self.xp.flip(g, dims)

    def reverse_cumsum(self, g, dim):
        xp = self.xp
        if g.ndim == 0:  # the cumsum of a 0-d tensor is the tensor
            return g
        return xp.flip(xp.cumsum(xp.flip(g, dim), axis=dim), dim)

    # The activations' gradients on big arrays are memory-bound: one temporary, updated in place,
    # instead of the three that the plain expression allocates.
    def tanh_grad(self, g, result):
        if result.ndim == 0:  # NumPy hands back scalars for 0-d results: nothing to update in place
            return g * (1 - result * result)
        out = result * result
        self.xp.subtract(1, out, out=out)
        self.xp.multiply(out, g, out=out)
        return out

    def sigmoid(self, x):
        return _sigmoid(self.xp, x)

    def log_sigmoid(self, x):
        return log_sigmoid(self.xp, x)

    def sigmoid_grad(self, g, result):
        if result.ndim == 0:
            return g * result * (1 - result)
        out = 1 - result
        self.xp.multiply(out, result, out=out)
        self.xp.multiply(out, g, out=out)
        return out

    def expand(self, g, shape):
        return self.xp.broadcast_to(g, shape)

    def sum_to(self, g, shape):
        return _engine.sum_to(g, tuple(shape))

    def reshape(self, g, shape):
        return g.reshape(shape)

    def swapaxes(self, g, a, b):
        return g.swapaxes(a, b) if g.ndim else g

    def permute(self, g, dims):
        return self.xp.transpose(g, dims)

    def mT(self, x):
        return x.swapaxes(-1, -2)  # the array's method: NumPy's function wraps it in Python

    def matmul(self, a, b):
        return self.xp.matmul(a, b)

    def outer(self, a, b):
        return self.xp.outer(a, b)

    def unsqueeze_dims(self, g, dim, keepdim):
        if keepdim or dim is None:
            return g
        dims = dim if isinstance(dim, tuple) else (dim,)
        return self.xp.expand_dims(g, tuple(sorted(dims)))

    def scatter_along(self, g, indices, dim, keepdim, sizes):
        xp = self.xp
        if not sizes:  # max(dim) of a 0-d tensor is the tensor
            return g
        out = xp.zeros(sizes, dtype=g.dtype)
        if not keepdim and len(sizes) == 2 and dim in (1, -1) and indices.ndim == 1:
            out[xp.arange(sizes[0]), indices] = g  # a batch of rows: one index each, no copies
            return out
        if not keepdim:
            g = xp.expand_dims(g, dim)
            indices = xp.expand_dims(indices, dim)
        xp.put_along_axis(out, indices, g, axis=dim)
        return out

    def prod_grad(self, g, x, result, dim, keepdim):
        xp = self.xp
        if x.ndim == 0:
            return g
        zeros = int(xp.count_nonzero(x == 0))
        if dim is None:
            if zeros == 0:
                return g * (result / x)
            if zeros > 1:
                return xp.zeros_like(x)
            flat = x.reshape(-1)
            return (g * _exclusive_products(xp, flat, 0)).reshape(x.shape)
        g = self.unsqueeze_dims(g, dim, keepdim)
        if zeros == 0:
            return g * (self.unsqueeze_dims(result, dim, keepdim) / x)
        return g * _exclusive_products(xp, x, dim)

    def norm_grad(self, g, x, norm, ord, dim, keepdim):
        xp = self.xp
        g = self.unsqueeze_dims(g, dim, keepdim)
        norm = self.unsqueeze_dims(norm, dim, keepdim)
        with _backend.numpy.errstate(divide="ignore", invalid="ignore"):
            if ord == 2:
                scale = xp.where(norm == 0, 0, x / norm)
            elif ord == 1:
                scale = xp.sign(x)
            elif ord in (float("inf"), float("-inf")):
                mask = abs(x) == norm
                scale = xp.sign(x) * mask / mask.sum(axis=dim, keepdims=True)
            else:
                scale = xp.where(norm == 0, 0, x * abs(x) ** (ord - 2) / norm ** (ord - 1))
        return (g * scale).astype(x.dtype, copy=False)

    def split_sizes(self, g, sizes, dim):
        pieces, start = [], 0
        for size in sizes:
            if size is None:  # a (0,) tensor that cat skipped
                pieces.append(self.xp.zeros((0,), g.dtype))
                continue
            index = [slice(None)] * g.ndim
            index[dim] = slice(start, start + size)
            pieces.append(g[tuple(index)])
            start += size
        return tuple(pieces)

    def unstack(self, g, dim):
        return tuple(self.xp.moveaxis(g, dim, 0))

    def repeat_grad(self, g, repeats, sizes):
        lead = len(repeats) - len(sizes)
        shape = []
        for axis, count in enumerate(repeats):
            size = sizes[axis - lead] if axis >= lead else 1
            shape += [count, size]
        summed = g.reshape(shape).sum(axis=tuple(range(0, len(shape), 2)))
        return summed.reshape(sizes)

    def index_grad(self, g, indices, sizes):
        out = self.xp.zeros(sizes, dtype=g.dtype)
        _backend.add_at(self.xp, out, indices, g)
        return out

    def embedding_grad(self, g, indices, num_weights, padding_idx, scale_grad_by_freq):
        """Each row of ``g`` added into row ``indices[i]`` of a zero (num_weights, dim) matrix,
        as PyTorch's embedding_dense_backward: scaled by 1/count under scale_grad_by_freq, and
        nothing into the padding row."""
        xp = self.xp
        flat = indices.reshape(-1)
        rows = g.reshape(flat.shape[0], g.shape[-1])
        if scale_grad_by_freq:
            counts = xp.bincount(flat, minlength=num_weights)
            rows = rows * (1.0 / counts[flat]).astype(g.dtype)[:, None]
        out = xp.zeros((num_weights, g.shape[-1]), dtype=g.dtype)
        _backend.add_at(xp, out, flat, rows)
        if padding_idx < num_weights:  # saved unsigned: "no padding" is 2**64 - 1
            out[padding_idx] = 0
        return out

    def to_device(self, g, device):
        """``g`` on ``device`` (a transfer's gradient goes back where its source lives)."""
        if device is None or _backend.device_of(g) == device:
            return g
        return _backend.to_device(g, device)

    def index_fill_zero(self, g, indices):
        out = g.copy()
        out[_backend.indices_like(g, indices)] = 0
        return out

    def index_take(self, g, indices):
        return g[_backend.indices_like(g, indices)]

    def strided_grad(self, g, sizes, positions):
        """Add ``g`` back at ``positions`` (flat indices into a tensor of ``sizes``)."""
        out = self.xp.zeros(int(_product(sizes)), dtype=g.dtype)
        _backend.add_at(self.xp, out, positions.reshape(-1), g.reshape(-1))
        return out.reshape(sizes)

    def slice_grad(self, g, sizes, dim, start, end, step):
        out = self.xp.zeros(sizes, dtype=g.dtype)
        index = [slice(None)] * len(sizes)
        index[dim] = slice(start, end, step)
        out[tuple(index)] = g
        return out

    def select_grad(self, g, sizes, dim, position):
        out = self.xp.zeros(sizes, dtype=g.dtype)
        index = [slice(None)] * len(sizes)
        index[dim] = position
        out[tuple(index)] = g
        return out

    def join_pieces(self, grads, sizes, dim, split_sizes):
        xp = self.xp
        reference = next(g for g in grads if g is not None)
        if split_sizes is None:  # unbind: pieces lost the dimension
            pieces = [g if g is not None else xp.zeros_like(reference) for g in grads]
            return xp.stack(pieces, axis=dim)
        pieces = []
        for g, size in zip(grads, split_sizes):
            if g is None:
                shape = list(sizes)
                shape[dim] = size
                g = xp.zeros(shape, dtype=reference.dtype)
            pieces.append(g)
        return xp.concatenate(pieces, axis=dim)


def _product(sizes) -> int:
    count = 1
    for size in sizes:
        count *= size
    return count


def _exclusive_products(xp, x, axis):
    """For each entry, the product of all other entries along ``axis`` (no division, so zeros work)."""
    moved = xp.moveaxis(x, axis, -1)
    ones = xp.ones(moved.shape[:-1] + (1,), dtype=x.dtype)
    before = xp.cumprod(xp.concatenate([ones, moved[..., :-1]], axis=-1), axis=-1)
    after = xp.flip(
        xp.cumprod(xp.concatenate([ones, xp.flip(moved, -1)[..., :-1]], axis=-1), axis=-1), -1
    )
    return xp.moveaxis(before * after, -1, axis)


_array_math = {}


def array_math(array) -> ArrayMath:
    xp = _backend.array_namespace(array)
    math = _array_math.get(xp)
    if math is None:
        math = _array_math[xp] = ArrayMath(xp)
    return math


class TensorMath:
    """The same math on tensors, recorded for higher-order gradients (``create_graph=True``)."""

    is_array = False

    def __getattr__(self, name):
        from . import _formula_tensor_math

        return getattr(_formula_tensor_math, name)


TENSOR_MATH = TensorMath()
