"""The public ops: argument parsing, type promotion and broadcasting checks, then the op table.

Every function here works out PyTorch's result dtype and shape, prepares the arrays, and hands
the table entry from ``derivatives.py`` to ``_dispatch`` to run and record. Composite ops
(``2 / x``, ``matmul`` of batches, ``reshape`` of a non-contiguous tensor) are built from
primitives, so their graphs show the same nodes PyTorch's do.
"""

from __future__ import annotations

import builtins
import functools
import numbers
import warnings

from . import _backend, _dispatch, _layout
from . import _dtype as dtypes
from . import derivatives as D
from ._backend import numpy as np
from ._dispatch import (
    OVERLAP_INPLACE,
    PARTIAL_OVERLAP_INPLACE,
    call,
    call_multi_view,
    call_view,
    check_inplace,
    check_result_dtype,
    check_result_shape,
    commit_inplace,
    has_internal_overlap,
    overlap_status,
    wrap,
)
from .autograd import grad_mode
from .tensor import Tensor, warn_once

_ndarray = np.ndarray
_Number = (int, float, bool, np.number, np.bool_)


# ---------------------------------------------------------------------------- operands and promotion


def _as_operand(value):
    """A tensor for a tensor or NumPy array; a Python scalar for a number (NumPy scalars included)."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, _ndarray):
        return wrap(_backend.from_host(value))
    raise TypeError(f"unsupported operand type: '{type(value).__name__}'")


def result_dtype(*operands) -> dtypes.dtype:
    """PyTorch's result dtype for tensors and Python scalars mixed in one op."""
    dimensioned = zero_dim = scalar = None
    for value in operands:
        if isinstance(value, Tensor):
            dtype = value.dtype
            if value._data.ndim:
                dimensioned = (
                    dtype if dimensioned is None else dtypes.promote_types(dimensioned, dtype)
                )
            else:
                zero_dim = dtype if zero_dim is None else dtypes.promote_types(zero_dim, dtype)
        elif value is not None:
            dtype = dtypes.scalar_dtype(value)
            scalar = dtype if scalar is None else dtypes.promote_types(scalar, dtype)
    return dtypes.result_type(dimensioned, zero_dim, scalar)


def _check_same_device(a: Tensor, b: Tensor) -> None:
    if type(a._data) is _ndarray and type(b._data) is _ndarray:
        return  # both in host memory
    _same_device(a, b)


def _same_device(*values) -> None:
    """Refuse, with PyTorch's message, an op over tensors on different devices (values that
    are not tensors are ignored)."""
    seen = None
    for value in values:
        if isinstance(value, Tensor):
            if type(value._data) is _ndarray:
                device = _backend.CPU
            else:
                device = value.device
            if seen is None:
                seen = device
            elif device != seen:
                first, second = (seen, device) if seen.type == "cuda" else (device, seen)
                raise RuntimeError(
                    "Expected all tensors to be on the same device, but found at least two "
                    f"devices, {first} and {second}!"
                )


def _namespace_of(*values):
    """The array namespace of the first array among ``values`` (numbers have none of their own:
    the host's)."""
    for value in values:
        if type(value) is _ndarray:
            return np
        if hasattr(value, "shape") and not isinstance(value, np.generic):
            return _backend.array_namespace(value)
    return _backend.host_namespace()


def _arrays(operands, dtype: dtypes.dtype):
    """Each operand as an array (or Python scalar) of ``dtype``."""
    target = dtype.numpy
    out = []
    for value in operands:
        if isinstance(value, Tensor):
            data = value._data
            out.append(data if data.dtype == target else data.astype(target))
        elif type(value) is int and target.kind in "iu" and target != _INT64:
            # A Python int wraps into a narrow integer type as in PyTorch (uint8 + 300 is + 44);
            # NumPy would refuse an out-of-range int.
            out.append(np.array(value, dtype=np.int64).astype(target)[()])
        else:
            out.append(value)
    return out


def _scalars_to_device(a: Tensor, b: Tensor) -> tuple:
    """PyTorch lets a 0-d CPU tensor join an elementwise op with a CUDA tensor, as a scalar:
    it is copied to the other's device (recorded, when it requires grad)."""
    if a.ndim == 0 and b.device.type == "cuda" and a.device.type == "cpu":
        a = to_device(a, b.device)
    elif b.ndim == 0 and a.device.type == "cuda" and b.device.type == "cpu":
        b = to_device(b, a.device)
    return a, b


def _binary_prepare(a, b):
    """(tensor-or-scalar a, tensor-or-scalar b, array a, array b, result dtype)."""
    if type(a) is Tensor and type(b) is Tensor and type(a._data) is not type(b._data):
        a, b = _scalars_to_device(a, b)
    if type(a) is Tensor and type(b) is Tensor and a._data.dtype == b._data.dtype:
        if type(a._data) is not type(b._data):
            _check_same_device(a, b)
        return a, b, a._data, b._data, dtypes._BY_NUMPY[a._data.dtype]
    a, b = _as_operand(a), _as_operand(b)
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        _check_same_device(a, b)
    dtype = result_dtype(a, b)
    x, y = _arrays((a, b), dtype)
    return a, b, x, y, dtype


def _broadcast_shape(*shapes) -> tuple:
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        pass
    # Find the first dimension that does not match, as PyTorch's message names it.
    ndim = builtins.max(len(shape) for shape in shapes)
    padded = [(1,) * (ndim - len(shape)) + tuple(shape) for shape in shapes]
    for axis in range(ndim - 1, -1, -1):
        sizes = [shape[axis] for shape in padded]
        big = [size for size in sizes if size != 1]
        if big and builtins.any(size != big[0] for size in big):
            first, second = padded[0][axis], padded[1][axis]
            raise RuntimeError(
                f"The size of tensor a ({first}) must match the size of tensor b ({second}) at "
                f"non-singleton dimension {axis}"
            )
    raise RuntimeError("shapes cannot be broadcast together")


def _shape_of(value) -> tuple:
    return value._data.shape if isinstance(value, Tensor) else ()


def _fast_operands(a, b):
    """The arrays for the common cases (same-dtype tensors, a tensor and a plain Python number),
    where PyTorch's promotion changes nothing; None when the general path is needed."""
    if type(a) is not Tensor:
        return None
    x = a._data
    kind = type(b)
    if kind is Tensor:
        y = b._data
        if x.dtype == y.dtype and type(x) is type(y):
            return x, y
        return None
    if kind is float:
        return (x, b) if x.dtype.kind == "f" else None
    if kind is int:
        return (x, b) if x.dtype.kind == "f" or x.dtype == _INT64 else None
    return None


_INT64 = np.dtype(np.int64)


def _laid_out(out, operands, dtype=None, uncast: int = 0):
    """``out``, an elementwise result of ``operands`` (tensors and Python numbers, in PyTorch's
    argument order), laid out as PyTorch's TensorIterator lays it out. ``dtype``: the NumPy dtype
    the op computed in; PyTorch casts an operand of another dtype first, into a copy that keeps
    a dense layout (and makes a dense one in the same order of anything else); the first
    ``uncast`` operands are never cast (where's condition).

    Called only when some operand is not C-contiguous: NumPy's result is then laid out by rules
    of its own (C order wins where operands disagree; PyTorch's first operand does).
    """
    geometry = []
    for number, value in enumerate(operands):
        if isinstance(value, Tensor):
            shape, strides = value._data.shape, value.stride()
            if dtype is not None and value._data.dtype != dtype and number >= uncast:
                strides = _layout.preserved_strides(shape, strides)
            geometry.append((shape, strides))
        elif value is not None:
            geometry.append(((), ()))
    strides = _layout.elementwise_strides(out.shape, geometry)
    itemsize = out.itemsize
    if tuple(step // itemsize for step in out.strides) == strides:
        return out
    return _backend.copy_with_strides(out, strides)


def _contiguous(*arrays) -> bool:
    """Whether every array among ``arrays`` is C-contiguous (numbers and None pass)."""
    for x in arrays:
        if _strided(x):
            return False
    return True


def _strided(x) -> bool:
    """Whether ``x`` is an array (of any namespace) that is not C-contiguous."""
    if type(x) is _ndarray:
        return not x.flags.c_contiguous
    return hasattr(x, "flags") and not x.flags.c_contiguous


def _binary(op, a, b, params=None):
    # The common cases inline (this runs for every binary op): two tensors of one dtype, or a
    # tensor and a Python float; everything else goes through full promotion.
    if (
        type(a) is Tensor
        and type(b) is Tensor
        and a._data.dtype == b._data.dtype
        and (type(a._data) is type(b._data))
    ):
        x, y = a._data, b._data
    elif type(a) is Tensor and type(b) is float and a._data.dtype.kind == "f":
        x, y = a._data, b
    else:
        arrays = _fast_operands(a, b)
        if arrays is None:
            a, b, x, y, _ = _binary_prepare(a, b)
        else:
            x, y = arrays
    token = _hush()
    try:
        if type(x) is _ndarray and op.numpy_ufunc is not None and params in _UFUNC_PARAMS:
            out = op.numpy_ufunc(x, y)  # add, sub, mul, div on NumPy: the ufunc itself
        else:
            xp = np if type(x) is _ndarray or type(y) is _ndarray else _backend.array_namespace(x)
            out = op.forward(xp, x, y, **params) if params else op.forward(xp, x, y)
    except ValueError:
        _broadcast_shape(_shape_of(a), _shape_of(b))  # raises PyTorch's message
        raise
    finally:
        _unhush(token)
    if _strided(x) or _strided(y):
        out = _laid_out(out, (a, b), (x if hasattr(x, "flags") else y).dtype)
    return call(op, (a, b), out, params)


_binary._quiet = True
_hush, _unhush = _backend.hush, _backend.unhush


def _unary(op, tensor: Tensor, params=None):
    data = tensor._data
    xp = _backend.array_namespace(data)
    out = op.forward(xp, data, **params) if params else op.forward(xp, data)
    if _strided(data):
        out = _laid_out(out, (tensor,))
    return call(op, (tensor,), out, params)


# ---------------------------------------------------------------------------- in-place machinery


def _inplace_binary(op, target: Tensor, other, params=None):
    other = _as_operand(other)
    if isinstance(other, Tensor):
        if type(other._data) is not type(target._data):
            other = _scalars_to_device(target, other)[1]
        _check_same_device(target, other)
    record = check_inplace(target, (target, other))
    if type(other) is Tensor and other._data.dtype == target._data.dtype:
        # The common case (p -= lr * p.grad): same dtype, so no promotion and nothing to cast.
        x, y = target._data, other._data
        if y.shape != x.shape:
            check_result_shape(target, _broadcast_shape(x.shape, y.shape))
    else:
        if isinstance(other, Tensor):  # PyTorch checks the shape before the dtype
            check_result_shape(target, _broadcast_shape(target._data.shape, other._data.shape))
        dtype = result_dtype(target, other)
        check_result_dtype(target, dtype)
        x, y = _arrays((target, other), dtype)
    xp = _backend.array_namespace(x)
    alpha = params.get("alpha", 1) if params else 1
    if not record and op.ufunc is not None and x is target._data and alpha is not None:
        # Nothing to record: write the result straight into the target's memory (NumPy buffers
        # the inputs itself when they overlap the output, as in x.add_(x.flip(0))). An alpha
        # scales the other operand first, as the table's forward does (p.add_(g, alpha=-lr)).
        token = _hush()
        try:
            if alpha == 1:
                getattr(xp, op.ufunc)(x, y, out=x)
            elif _blockable(x, y):
                _scaled_update_in_blocks(op.numpy_ufunc, x, y, alpha)
            else:
                getattr(xp, op.ufunc)(x, alpha * y, out=x)
        finally:
            _unhush(token)
        target._version_counter.value += 1
        return target
    out = op.forward(xp, x, y, **params) if params else op.forward(xp, x, y)
    return commit_inplace(op, target, (target, other), out, record, params)


_BLOCK = 32768  # elements per block: a float32 block and its scaled copy stay in L2 cache


def _blockable(x, y) -> bool:
    """Whether ``x op= alpha * y`` can run block by block: big C-ordered NumPy arrays of one
    shape and dtype whose memory is apart."""
    return (
        type(x) is _ndarray
        and x.size >= 4 * _BLOCK
        and type(y) is _ndarray
        and y.shape == x.shape
        and y.dtype == x.dtype
        and x.flags.c_contiguous
        and y.flags.c_contiguous
        and not np.may_share_memory(x, y)
    )


def _scaled_update_in_blocks(ufunc, x, y, alpha) -> None:
    """``ufunc(x, alpha * y, out=x)`` (an optimizer's ``p.add_(g, alpha=-lr)``) a block at a
    time, through one block-sized scratch array: the same arithmetic, element for element, as
    the whole-array expression, without writing and re-reading a full-size ``alpha * y``. That
    is what PyTorch's fused kernel saves; on a big parameter it is a third of the update's time."""
    flat_x, flat_y = x.reshape(-1), y.reshape(-1)
    scratch = np.empty(_BLOCK, dtype=x.dtype)
    size = flat_x.size
    for start in range(0, size, _BLOCK):
        stop = builtins.min(start + _BLOCK, size)
        part = scratch[: stop - start]
        np.multiply(flat_y[start:stop], alpha, out=part)
        ufunc(flat_x[start:stop], part, out=flat_x[start:stop])


def _inplace_unary(op, target: Tensor, params=None, float_only: bool = False):
    record = check_inplace(target, (target,))
    data = target._data
    if float_only and data.dtype.kind != "f":
        check_result_dtype(target, dtypes.get_default_dtype())
    xp = _backend.array_namespace(data)
    out = op.forward(xp, data, **params) if params else op.forward(xp, data)
    return commit_inplace(op, target, (target,), out, record, params)


def _inplace_constant(op, target: Tensor, value):
    """zero_, fill_: overwrite with a constant; the old values get no gradient. PyTorch writes
    an expanded tensor too (every element gets the same value)."""
    record = check_inplace(target, (target,), overlap=False)
    return commit_inplace(op, target, (target,), value, record)


# ---------------------------------------------------------------------------- arithmetic

_ALPHA_ONE = {"alpha": 1}
_UFUNC_PARAMS = (None, _ALPHA_ONE)  # params under which a table op is its bare NumPy ufunc


def _check_alpha(output_dtype: dtypes.dtype, alpha) -> None:
    """PyTorch's alpha_check against the dtype of the result (of the target, in place)."""
    if isinstance(alpha, (bool, np.bool_)):
        if output_dtype is not dtypes.bool_:
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
    elif not output_dtype.is_floating_point and not isinstance(alpha, numbers.Integral):
        raise RuntimeError(
            "For integral input tensors, argument alpha must not be a floating point number."
        )


def _alpha_param(input, other, alpha):
    """``add``/``sub``'s params for an alpha other than the int 1, once the operands are found
    to broadcast and alpha to suit the result dtype (a bool result scales by bool(alpha))."""
    a, b = _as_operand(input), _as_operand(other)
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        _broadcast_shape(a._data.shape, b._data.shape)
    dtype = result_dtype(a, b)
    _check_alpha(dtype, alpha)
    if dtype is dtypes.bool_:
        alpha = bool(alpha)  # a + alpha * b in bool: a or (alpha and b)
    return _ALPHA_ONE if alpha == 1 else {"alpha": alpha}


def add(input, other, *, alpha=1, out=None):
    if out is not None:
        return _into(out, add(input, other, alpha=alpha), "add")
    if alpha != 1 or type(alpha) is not int:
        return _binary(D.ADD, input, other, _alpha_param(input, other, alpha))
    return _binary(D.ADD, input, other, _ALPHA_ONE)


def sub(input, other, *, alpha=1, out=None):
    if _is_bool(input) or _is_bool(other):
        _refuse_bool_subtraction(input, other)
    if out is not None:
        return _into(out, sub(input, other, alpha=alpha), "sub")
    if alpha != 1 or type(alpha) is not int:
        return _binary(D.SUB, input, other, _alpha_param(input, other, alpha))
    return _binary(D.SUB, input, other, _ALPHA_ONE)


def _refuse_bool_subtraction(input, other) -> None:
    if _is_bool(input) and _is_bool(other):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
            "`logical_xor()` operator instead."
        )
    raise RuntimeError(
        "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
        "invert a mask, use the `~` or `logical_not()` operator instead."
    )


def _is_bool(value) -> bool:
    if isinstance(value, Tensor):
        return value._data.dtype.kind == "b"
    return isinstance(value, (bool, np.bool_))


def rsub(input: Tensor, other, *, alpha=1):
    """``other - alpha * input``; a scalar ``other`` gives PyTorch's ``RsubBackward1``."""
    if isinstance(other, Tensor) or _is_bool(input) or _is_bool(other):
        return sub(other, input, alpha=alpha)  # sub refuses bools with PyTorch's messages
    other = _as_operand(other)
    dtype = result_dtype(input, other)
    if type(alpha) is not int:
        _check_alpha(dtype, alpha)
    (x,) = _arrays((input,), dtype)
    params = {"other": other, "alpha": alpha}
    out = D.RSUB.forward(None, x, other, alpha)
    if not _contiguous(x):
        out = _laid_out(out, (other, input), x.dtype)
    return call(D.RSUB, (input,), out, params)


def mul(input, other, *, out=None):
    if out is not None:
        return _into(out, mul(input, other), "mul")
    return _binary(D.MUL, input, other)


def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is not None:
        result = _div_rounded(input, other, rounding_mode)
        return result if out is None else _into(out, result)
    a, b = _as_operand(input), _as_operand(other)
    if isinstance(a, Tensor) and isinstance(b, Tensor) and type(a._data) is not type(b._data):
        a, b = _scalars_to_device(a, b)
    dtype = result_dtype(a, b)
    if not dtype.is_floating_point:
        dtype = dtypes.get_default_dtype()
    x, y = _arrays((a, b), dtype)
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        _check_same_device(a, b)
        if x.shape != y.shape:
            _broadcast_shape(x.shape, y.shape)
    xp = _namespace_of(x, y)
    result = _backend.quiet(xp.true_divide, x, y)
    if not hasattr(result, "shape") or isinstance(result, np.generic):
        result = xp.asarray(result, dtype=dtype.numpy)
    elif not _contiguous(x, y):
        result = _laid_out(result, (a, b), dtype.numpy)
    outcome = call(D.DIV, (a, b), result)
    return outcome if out is None else _into(out, outcome, "div")


true_divide = divide = div


def _div_rounded(input, other, rounding_mode):
    """``div`` with ``rounding_mode`` "trunc" or "floor": integer inputs stay integers."""
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'"
        )
    a, b, x, y, dtype = _binary_prepare(input, other)
    _check_broadcast(x, y)
    _refuse_bool(dtype, f"div_{rounding_mode}_cpu")
    _refuse_integer_division_by_zero(dtype, y, x)
    xp = _backend.array_namespace(x if hasattr(x, "dtype") else y)
    if dtype.is_floating_point:
        quotient = _backend.quiet(xp.true_divide, x, y)
        out = xp.floor(quotient) if rounding_mode == "floor" else xp.trunc(quotient)
    else:
        out = xp.floor_divide(x, y)
        if (
            rounding_mode == "trunc"
        ):  # floor division rounds down; move negative inexact quotients up
            out = out + ((xp.remainder(x, y) != 0) & ((xp.asarray(x) < 0) != (xp.asarray(y) < 0)))
            out = out.astype(dtype.numpy)
    out = xp.asarray(out, dtype=dtype.numpy)
    if not _contiguous(x, y):
        out = _laid_out(out, (a, b), dtype.numpy)
    return call(D.DIV_ROUNDED, (a, b), out, {"rounding_mode": rounding_mode})


def rdiv(input: Tensor, other):
    """``other / input``: PyTorch computes ``input.reciprocal() * other``."""
    return mul(reciprocal(input), other)


def _check_broadcast(x, y) -> None:
    """Refuse shapes that don't broadcast with PyTorch's message (NumPy's would be a ValueError)."""
    x_shape, y_shape = getattr(x, "shape", ()), getattr(y, "shape", ())
    if x_shape != y_shape:
        _broadcast_shape(x_shape, y_shape)


def floor_divide(input, other):
    a, b, x, y, dtype = _binary_prepare(input, other)
    _check_broadcast(x, y)
    _refuse_bool(dtype, "div_floor_cpu")
    _refuse_integer_division_by_zero(dtype, y, x)
    xp = _backend.array_namespace(x if hasattr(x, "dtype") else y)
    out = _backend.quiet(D.FLOOR_DIVIDE.forward, xp, x, y)
    if not _contiguous(x, y):
        out = _laid_out(out, (a, b), dtype.numpy)
    return call(D.FLOOR_DIVIDE, (a, b), out)


def remainder(input, other):
    a, b, x, y, dtype = _binary_prepare(input, other)
    _check_broadcast(x, y)
    _refuse_bool(dtype, "remainder_cpu")
    _refuse_integer_division_by_zero(dtype, y, x)
    xp = _backend.array_namespace(x if hasattr(x, "dtype") else y)
    if isinstance(b, Tensor):
        op = D.REMAINDER if isinstance(a, Tensor) else D.REMAINDER_SCALAR_SELF  # 2 % x
        out = _backend.quiet(op.forward, xp, x, y)
        if not _contiguous(x, y):
            out = _laid_out(out, (a, b), dtype.numpy)
        return call(op, (a, b), out)
    out = _backend.quiet(D.REMAINDER_SCALAR.forward, xp, x, y)
    if not _contiguous(x):
        out = _laid_out(out, (a, b), dtype.numpy)
    return call(D.REMAINDER_SCALAR, (a,), out, {"other": b})


def _refuse_bool(dtype: dtypes.dtype, kernel: str) -> None:
    """The NotImplementedError of a PyTorch kernel that has no bool version."""
    if dtype is dtypes.bool_:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _refuse_integer_division_by_zero(dtype: dtypes.dtype, divisor, dividend=None) -> None:
    if dtype.category == dtypes.FLOATING or getattr(dividend, "size", 1) == 0:
        return  # floats give inf/nan; an empty tensor divides nothing
    if not bool(_backend.array_namespace(divisor).all(divisor)):
        raise RuntimeError("ZeroDivisionError")


def neg(input: Tensor):
    if input.dtype is dtypes.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a "
            "mask, use the `~` or `logical_not()` operator instead."
        )
    return _unary(D.NEG, input)


negative = neg


def reciprocal(input: Tensor):
    return _reciprocal(input)


def pow(input, exponent):
    if not isinstance(input, Tensor):
        base = _as_operand(input)
        exponent = _as_operand(exponent)
        dtype = result_dtype(base, exponent)
        _refuse_bool(dtype, "pow")
        (y,) = _arrays((exponent,), dtype)
        xp = _backend.array_namespace(y)
        out = _backend.quiet(D.POW_SCALAR_BASE.forward, xp, y, base)
        if hasattr(out, "flags") and not out.flags.c_contiguous:
            out = xp.ascontiguousarray(out)  # PyTorch's result is contiguous whatever the layout
        return call(D.POW_SCALAR_BASE, (exponent,), out, {"self": base})
    if isinstance(exponent, (Tensor, _ndarray)):
        if input._data.dtype.kind == "b":
            exponent = _as_operand(exponent)
            _check_broadcast(input._data, exponent._data)
            _refuse_bool(result_dtype(input, exponent), "pow")
        return _binary(D.POW_TENSOR, input, exponent)
    exponent = _as_operand(exponent)
    dtype = result_dtype(input, exponent)
    (x,) = _arrays((input,), dtype)
    if dtype.category != dtypes.FLOATING and isinstance(exponent, int) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if dtype is dtypes.bool_:  # x ** True is x, x ** False is all True
        out = x.copy() if exponent else _backend.array_namespace(x).ones_like(x)
    else:
        out = _backend.quiet(D.POW.forward, _backend.array_namespace(x), x, exponent)
    if not _contiguous(x):
        out = _laid_out(out, (input,), x.dtype)  # the exponent is no operand in PyTorch
    return call(D.POW, (input,), out, {"exponent": exponent})


def square(input: Tensor):
    return pow(input, 2)


def _float_unary(op, can_warn: bool = True, kernel=None):
    """A float op of one tensor (integers compute in the default dtype). ``can_warn``: whether
    NumPy may warn for some input (log(0), exp overflow, sin(inf)); PyTorch never does.
    ``kernel``: the op on a float NumPy array, where it is no single ufunc (sigmoid)."""
    forward = op.forward
    ufunc = op.numpy_ufunc if kernel is None else kernel
    default_dtype = dtypes.get_default_dtype
    record = _dispatch.recorder(op)

    def function(input: Tensor):
        data = input._data
        if ufunc is not None and type(data) is _ndarray and data.dtype.kind == "f":
            token = _hush()  # the common case: a float NumPy tensor, straight to the ufunc
            try:
                out = ufunc(data)
            finally:
                _unhush(token)
            if not data.flags.c_contiguous:
                out = _laid_out(out, (input,))
            return record((input,), out, None)
        if data.dtype.kind != "f":
            data = _backend.quiet(data.astype, default_dtype().numpy)
        xp = np if type(data) is _ndarray else _backend.array_namespace(data)
        out = _backend.quiet(forward, xp, data) if can_warn else forward(xp, data)
        if not _contiguous(data):
            out = _laid_out(out, (input,), data.dtype)
        return call(op, (input,), out)

    function._quiet = True  # hushes itself where it must
    return function


exp = _float_unary(D.EXP)
log = _float_unary(D.LOG)
sqrt = _float_unary(D.SQRT)
sin = _float_unary(D.SIN)
cos = _float_unary(D.COS)
tanh = _float_unary(D.TANH, can_warn=False)
sigmoid = _float_unary(D.SIGMOID, kernel=functools.partial(D._sigmoid, np))
_reciprocal = _float_unary(D.RECIPROCAL)


def abs(input: Tensor):
    if input._data.dtype.kind == "b":
        _refuse_bool(dtypes.bool_, "abs_cpu")
    return _unary(D.ABS, input)


absolute = abs


RELU_BOOL = "Boolean inputs not supported for relu"


def relu(input: Tensor):
    if input._data.dtype.kind == "b":
        raise RuntimeError(RELU_BOOL)
    return _unary(D.RELU, input)


def _clamp_kernel(min, max) -> str | None:
    """The name of PyTorch's clamp kernel for these bounds, or None where it takes bools."""
    if min is not None and max is not None:
        both = isinstance(min, Tensor) and isinstance(max, Tensor)
        return "clamp_cpu" if both else "clamp_scalar_cpu"
    bound = min if min is not None else max
    if isinstance(bound, Tensor):
        return None
    return "clamp_min_scalar_cpu" if min is not None else "clamp_max_scalar_cpu"


def clamp(input: Tensor, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("tensorkit.clamp: At least one of 'min' or 'max' must not be None")
    _same_device(input, min, max)
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        low, high = (
            _as_operand(min) if min is not None else None,
            _as_operand(max) if max is not None else None,
        )
        dtype = result_dtype(input, low, high)
        if dtype is dtypes.bool_ and _clamp_kernel(min, max):
            _refuse_bool(dtype, _clamp_kernel(min, max))
        x, lo, hi = _arrays((input, low, high), dtype)
        xp = _backend.array_namespace(x)
        out = D.CLAMP_TENSOR.forward(xp, x, lo, hi)
        if not _contiguous(x, lo, hi):
            out = _laid_out(out, (input, low, high), dtype.numpy)
        return call(D.CLAMP_TENSOR, (input, low, high), out)
    dtype = result_dtype(input, min, max)
    if dtype is dtypes.bool_:
        _refuse_bool(dtype, _clamp_kernel(min, max))
    for bound in (min, max):
        if bound is not None:
            dtypes.checked_scalar(bound, dtype)
    (x,) = _arrays((input,), dtype)
    out = D.CLAMP.forward(_backend.array_namespace(x), x, min, max)
    if not _contiguous(x):
        out = _laid_out(out, (input,), dtype.numpy)  # the bounds are no operands in PyTorch
    return call(D.CLAMP, (input,), out, {"min": min, "max": max})


clip = clamp


def maximum(input: Tensor, other: Tensor, *, out=None):
    if out is not None:
        return _into_checked(out, maximum(input, other), "maximum")
    return _binary(D.MAXIMUM, input, other)


def minimum(input: Tensor, other: Tensor, *, out=None):
    if out is not None:
        return _into_checked(out, minimum(input, other), "minimum")
    return _binary(D.MINIMUM, input, other)


def _into_checked(out: Tensor, result: Tensor, name: str) -> Tensor:
    """``_into`` for an elementwise op, refusing (first) a result ``out``'s dtype can't hold."""
    if grad_mode.is_grad_enabled() and (result.requires_grad or out.requires_grad):
        return _into(out, result, name)  # raises the autograd message
    check_result_dtype(out, result.dtype)
    return _into(out, result, name)


# ---------------------------------------------------------------------------- lerp, addcmul, addcdiv


def _type_names(*values) -> str:
    return ", ".join(
        "Tensor" if type(value) is Tensor else type(value).__name__ for value in values
    )


def _cpp_name(tensor: Tensor) -> str:
    from .tensor import _CPP_TYPE_NAMES

    return _CPP_TYPE_NAMES[tensor.dtype.name]


def _lerp_checks(input, end, weight, inplace: bool) -> tuple[bool, bool]:
    """PyTorch's checks for lerp, in its order; returns whether the weight is a tensor and
    whether the in-place form must be recorded."""
    _same_device(input, end, weight)
    weight_is_tensor = isinstance(weight, Tensor)
    if not (
        isinstance(input, Tensor)
        and isinstance(end, Tensor)
        and (weight_is_tensor or isinstance(weight, (numbers.Number, np.number, np.bool_)))
    ):
        raise TypeError(
            f"lerp() received an invalid combination of arguments - got "
            f"({_type_names(input, end, weight)}), but expected one of:\n"
            " * (Tensor input, Tensor end, Tensor weight, *, Tensor out = None)\n"
            " * (Tensor input, Tensor end, Number weight, *, Tensor out = None)\n"
        )
    if isinstance(weight, complex):
        raise RuntimeError("value cannot be converted to type float without overflow")  # noqa: TRY004
    operands = (input, end, weight) if weight_is_tensor else (input, end)
    for tensor in operands[1:]:
        _check_same_device(input, tensor)
    record = check_inplace(input, operands) if inplace else False
    if end.dtype is not input.dtype:
        raise RuntimeError(
            f"expected dtype {_cpp_name(input)} for `end` but got dtype {_cpp_name(end)}"
        )
    if weight_is_tensor and weight.ndim and weight.dtype is not input.dtype:
        raise RuntimeError(
            f"expected dtype {_cpp_name(input)} for `weight` but got dtype {_cpp_name(weight)}"
        )
    shape = _broadcast_shape(*(_shape_of(tensor) for tensor in operands))
    if inplace:
        check_result_shape(input, shape)
    if not input.dtype.is_floating_point:
        kernel = "lerp_kernel_tensor" if weight_is_tensor else "lerp_kernel_scalar"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype.short_name}'")
    return weight_is_tensor, record


def lerp(input: Tensor, end: Tensor, weight, *, out=None) -> Tensor:
    """``input + weight * (end - input)``, computed from the nearer end as PyTorch does.

    >>> import tensorkit as torch
    >>> torch.lerp(torch.tensor([0., 1.]), torch.tensor([10., 11.]), 0.25)
    tensor([2.5000, 3.5000])
    """
    if out is not None:
        result = lerp(input, end, weight)
        tracked = grad_mode.is_grad_enabled() and (result.requires_grad or out.requires_grad)
        if isinstance(weight, Tensor) and not tracked and out.dtype is not result.dtype:
            # PyTorch casts into out= for a number weight, not for a tensor weight
            raise RuntimeError(
                f"Found dtype {out.dtype.short_name} but expected {result.dtype.short_name}"
            )
        return _into_checked(out, result, "lerp")
    if _lerp_checks(input, end, weight, inplace=False)[0]:
        out = D.LERP_TENSOR.forward(
            _backend.array_namespace(input._data), input._data, end._data, weight._data
        )
        if not _contiguous(input._data, end._data, weight._data):
            out = _laid_out(out, (input, end, weight), input._data.dtype)
        return call(D.LERP_TENSOR, (input, end, weight), out)
    weight = _as_operand(weight)
    out = D.LERP.forward(_backend.array_namespace(input._data), input._data, end._data, weight)
    if not _contiguous(input._data, end._data):
        out = _laid_out(out, (input, end), input._data.dtype)
    return call(D.LERP, (input, end), out, {"weight": weight})


def lerp_(target: Tensor, end: Tensor, weight) -> Tensor:
    weight_is_tensor, record = _lerp_checks(target, end, weight, inplace=True)
    if weight_is_tensor:
        out = D.LERP_TENSOR.forward(
            _backend.array_namespace(target._data), target._data, end._data, weight._data
        )
        return commit_inplace(D.LERP_TENSOR, target, (target, end, weight), out, record)
    weight = _as_operand(weight)
    out = D.LERP.forward(_backend.array_namespace(target._data), target._data, end._data, weight)
    return commit_inplace(D.LERP, target, (target, end), out, record, {"weight": weight})


ADDCDIV_INTEGER = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will "
    "perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be "
    "implemented as (input + value * tensorkit.trunc(tensor1 / tensor2)).to(input.dtype) for "
    "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
    "addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), "
    "for all dtypes."
)


def _addc_operands(name: str, input, tensor1, tensor2, value, target: Tensor | None):
    """addcmul/addcdiv's checks in PyTorch's order; returns (arrays, dtype, value as the
    kernel sees it) and whether an in-place form must record."""
    _same_device(input, tensor1, tensor2)
    for position, (argument, tensor) in enumerate(
        (("input", input), ("tensor1", tensor1), ("tensor2", tensor2)), 1
    ):
        if not isinstance(tensor, Tensor):
            where = f"'{argument}' (position {position})"
            raise TypeError(
                f"{name}(): argument {where} must be Tensor, not {type(tensor).__name__}"
            )
    if isinstance(value, Tensor) and value.ndim == 0:
        value = value.item()  # a 0-dim tensor passes as a number
    if not isinstance(value, (numbers.Number, np.number, np.bool_)) or isinstance(value, complex):
        raise TypeError(f"{name}(): argument 'value' must be Number, not {type(value).__name__}")
    for tensor in (tensor1, tensor2):
        _check_same_device(input, tensor)
    record = check_inplace(target, (target, tensor1, tensor2)) if target is not None else False
    if (
        name == "addcdiv"
        and not tensor1.dtype.is_floating_point
        and not tensor2.dtype.is_floating_point
    ):
        raise RuntimeError(ADDCDIV_INTEGER)
    shape = _broadcast_shape(input._data.shape, tensor1._data.shape, tensor2._data.shape)
    dtype = result_dtype(input, tensor1, tensor2)
    if target is not None:
        check_result_shape(target, shape)
        check_result_dtype(target, dtype)
    if dtype is dtypes.bool_:
        raise NotImplementedError(f"\"{name}_cpu_out\" not implemented for 'Bool'")
    # The kernel takes the value as an element of the computing dtype (0.5 is 0 for integers);
    # the node keeps the number as given.
    value = _as_operand(value)
    if not dtype.is_floating_point:
        value = builtins.int(value)
    x, y, z = _arrays((input, tensor1, tensor2), dtype)
    return (x, y, z), value, record


def _addc(op, name: str, input, tensor1, tensor2, value):
    (x, y, z), value, _ = _addc_operands(name, input, tensor1, tensor2, value, None)
    out = op.forward(_backend.array_namespace(x), x, y, z, value)
    if not _contiguous(x, y, z):
        out = _laid_out(out, (input, tensor1, tensor2), x.dtype)
    return call(op, (input, tensor1, tensor2), out, {"value": value})


def _addc_(op, name: str, target, tensor1, tensor2, value):
    (x, y, z), value, record = _addc_operands(name, target, tensor1, tensor2, value, target)
    out = op.forward(_backend.array_namespace(x), x, y, z, value)
    return commit_inplace(op, target, (target, tensor1, tensor2), out, record, {"value": value})


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1, out=None) -> Tensor:
    """``input + value * tensor1 * tensor2``.

    >>> import tensorkit as torch
    >>> torch.addcmul(torch.ones(2), torch.tensor([1., 2.]), torch.tensor([3., 4.]), value=0.5)
    tensor([2.5000, 5.0000])
    """
    if out is not None:
        return _into_checked(out, addcmul(input, tensor1, tensor2, value=value), "addcmul")
    return _addc(D.ADDCMUL, "addcmul", input, tensor1, tensor2, value)


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1, out=None) -> Tensor:
    """``input + value * tensor1 / tensor2`` (floating-point tensor1 or tensor2 only).

    >>> import tensorkit as torch
    >>> torch.addcdiv(torch.ones(2), torch.tensor([1., 2.]), torch.tensor([4., 4.]), value=-2)
    tensor([0.5000, 0.0000])
    """
    if out is not None:
        return _into_checked(out, addcdiv(input, tensor1, tensor2, value=value), "addcdiv")
    return _addc(D.ADDCDIV, "addcdiv", input, tensor1, tensor2, value)


def addcmul_(target: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1) -> Tensor:
    return _addc_(D.ADDCMUL, "addcmul", target, tensor1, tensor2, value)


def addcdiv_(target: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1) -> Tensor:
    return _addc_(D.ADDCDIV, "addcdiv", target, tensor1, tensor2, value)


def where(condition: Tensor, input=None, other=None):
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    _same_device(condition, input, other)
    if not isinstance(condition, Tensor) or condition.dtype is not dtypes.bool_:
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{condition.dtype.short_name if isinstance(condition, Tensor) else type(condition).__name__}"
        )
    a, b = _as_operand(input), _as_operand(other)
    dtype = result_dtype(a, b)
    for value in (a, b):
        if not isinstance(value, Tensor):
            dtypes.checked_scalar(value, dtype)
    x, y = _arrays((a, b), dtype)
    xp = _backend.array_namespace(condition._data)
    try:
        out = xp.where(condition._data, x, y)
    except ValueError:
        shape = condition._data.shape  # PyTorch broadcasts the operands in turn
        for value in (a, b):
            shape = _broadcast_shape(shape, _shape_of(value))  # raises PyTorch's message
        raise
    if out.dtype != dtype.numpy:
        out = out.astype(dtype.numpy)
    if not _contiguous(condition._data, x, y):
        out = _laid_out(out, (condition, a, b), dtype.numpy, uncast=1)
    return call(D.WHERE, (a, b), out, {"condition": condition._data})


def _compare(ufunc_name: str):
    def compare(input, other):
        a, b, x, y, dtype = _binary_prepare(input, other)
        _check_broadcast(x, y)
        xp = _backend.array_namespace(x if not isinstance(x, (int, float, bool)) else y)
        out = getattr(xp, ufunc_name)(x, y)
        if not _contiguous(x, y):
            out = _laid_out(out, (a, b), dtype.numpy)
        return wrap(out)

    compare.__name__ = ufunc_name
    return compare


eq = _compare("equal")
ne = _compare("not_equal")
lt = _compare("less")
le = _compare("less_equal")
gt = _compare("greater")
ge = _compare("greater_equal")
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def _not_implemented(kernel: str, dtype, *operands) -> NotImplementedError:
    """PyTorch's error for a kernel that has no version for ``dtype``: "lshift_cpu" not
    implemented for 'Float' (the device named as the tensors' own)."""
    device = next((o.device.type for o in operands if isinstance(o, Tensor)), "cpu")
    return NotImplementedError(f"\"{kernel}_{device}\" not implemented for '{dtype.short_name}'")


def _logical(name: str):
    bitwise = name.startswith("bitwise")

    def function(input, other):
        a, b, x, y, dtype = _binary_prepare(input, other)
        if bitwise and (dtype.is_floating_point or dtype.is_complex):
            raise _not_implemented(name, dtype, a, b)
        out = getattr(_namespace_of(x, y), name)(x, y)
        if not _contiguous(x, y):
            out = _laid_out(out, (a, b), dtype.numpy)
        return wrap(out)

    return function


bitwise_and = _logical("bitwise_and")
bitwise_or = _logical("bitwise_or")
bitwise_xor = _logical("bitwise_xor")
logical_and = _logical("logical_and")
logical_or = _logical("logical_or")
logical_xor = _logical("logical_xor")


def _shift(left: bool, x, y, dtype):
    """PyTorch's shift kernels on integer arrays of ``dtype``: a shift that is negative or too
    wide gives 0 to the left, and the sign fill (0 or -1) to the right."""
    xp = _namespace_of(x, y)
    x, y = xp.asarray(x, dtype=dtype.numpy), xp.asarray(y, dtype=dtype.numpy)  # a number too
    bits = 8 * dtype.itemsize
    signed = dtype.numpy.kind == "i"
    unsigned = xp.dtype(f"uint{bits}")
    as_signed = y if signed else y.view(xp.dtype(f"int{bits}"))
    if left:
        wide = (as_signed < 0) | (as_signed >= bits)
        safe = xp.where(wide, 0, y).astype(unsigned)
        shifted = xp.left_shift(x.view(unsigned), safe).view(x.dtype)
        return xp.where(wide, xp.zeros((), dtype=x.dtype), shifted)
    limit = bits - 1 if signed else bits
    wide = (as_signed < 0) | (as_signed >= limit)
    safe = xp.where(wide, 0, y).astype(x.dtype)
    shifted = xp.right_shift(x, safe)
    fill = xp.right_shift(x, bits - 1) if signed else xp.zeros((), dtype=x.dtype)
    return xp.where(wide, fill, shifted)


def _shift_function(name: str, kernel: str, left: bool):
    def function(input, other):
        a, b, x, y, dtype = _binary_prepare(input, other)
        if dtype.numpy.kind not in "iu":  # floats and bool: no kernel
            raise _not_implemented(kernel, dtype, a, b)
        out = _shift(left, x, y, dtype)
        if not _contiguous(x, y):
            out = _laid_out(out, (a, b), dtype.numpy)
        return wrap(out)

    function.__name__ = name
    return function


bitwise_left_shift = _shift_function("bitwise_left_shift", "lshift", left=True)
bitwise_right_shift = _shift_function("bitwise_right_shift", "rshift", left=False)


def logical_not(input: Tensor):
    out = _backend.array_namespace(input._data).logical_not(input._data)
    if not _contiguous(input._data):
        out = _laid_out(out, (input,))
    return wrap(out)


def bitwise_not(input: Tensor):
    if input.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"bitwise_not_cpu\" not implemented for '{input.dtype.short_name}'"
        )
    out = ~input._data
    if not _contiguous(input._data):
        out = _laid_out(out, (input,))
    return wrap(out)


def _no_grad_unary(name: str):
    def function(input: Tensor):
        xp = _backend.array_namespace(input._data)
        out = getattr(xp, name)(input._data)
        if not _contiguous(input._data):
            out = _laid_out(out, (input,))
        return wrap(out)

    function.__name__ = name
    return function


isnan = _no_grad_unary("isnan")
isinf = _no_grad_unary("isinf")
isfinite = _no_grad_unary("isfinite")


def _piecewise_constant(op, kernel: str):
    def function(input: Tensor):
        if input._data.dtype.kind == "b":
            _refuse_bool(dtypes.bool_, kernel)
        return _unary(op, input)

    return function


floor = _piecewise_constant(D.FLOOR, "floor_vml_cpu")
ceil = _piecewise_constant(D.CEIL, "ceil_vml_cpu")
round = _piecewise_constant(D.ROUND, "round_vml_cpu")
trunc = _piecewise_constant(D.TRUNC, "trunc_vml_cpu")


def sign(input: Tensor):
    if input._data.dtype.kind == "b":
        return wrap(input._data.copy())  # the sign of a bool is itself
    return _unary(D.SIGN, input)


def equal(input: Tensor, other: Tensor) -> bool:
    _same_device(input, other)
    return input.shape == other.shape and bool((input._data == other._data).all())


def allclose(input: Tensor, other: Tensor, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    _same_device(input, other)
    xp = _backend.array_namespace(input._data)
    return bool(xp.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input: Tensor, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> Tensor:
    _same_device(input, other)
    other_data = other._data if isinstance(other, Tensor) else other
    xp = _backend.array_namespace(input._data)
    return wrap(xp.isclose(input._data, other_data, rtol=rtol, atol=atol, equal_nan=equal_nan))


# ---------------------------------------------------------------------------- reductions


def _dims(tensor: Tensor, dim) -> tuple | None:
    """The dims wrapped (None for all); a 0-d tensor takes 0 and -1 and has no dims to give."""
    if dim is None:
        return None
    if isinstance(dim, (list, tuple)):
        if len(dim) == 0:
            return None
        dims = tuple(tensor._wrap_dim(d) for d in dim)
        if len(set(dims)) != len(dims):
            repeated = next(d for n, d in enumerate(dims) if d in dims[:n])
            raise RuntimeError(f"dim {repeated} appears multiple times in the list of dims")
    else:
        dims = (tensor._wrap_dim(dim),)
    return dims if tensor._data.ndim else ()


def _reduction_args(dim, keepdim, axis, keepdims):
    if axis is not None:
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return dim, bool(keepdim)


def sum(input: Tensor, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    dim, keepdim = _reduction_args(dim, keepdim, axis, keepdims)
    target = (
        dtype.numpy
        if dtype is not None
        else (np.int64 if input._data.dtype.kind in "biu" else None)
    )
    if dim is None:
        out = D.SUM.forward(None, input._data, dtype=target)
        return call(D.SUM, (input,), out, {"self_sym_sizes": input._data.shape})
    dims = _dims(input, dim)
    out = _c_order(D.SUM_DIM.forward(None, input._data, dims, keepdim, dtype=target))
    return call(
        D.SUM_DIM,
        (input,),
        out,
        {"self_sym_sizes": input._data.shape, "dim": dims, "keepdim": keepdim},
    )


def _c_order(out):
    """A reduction's (or scan's) result in row-major order: PyTorch allocates it so, whatever
    the input's layout; NumPy's may follow the input's."""
    if not hasattr(out, "flags"):
        return out
    if not out.flags.c_contiguous:
        return _backend.array_namespace(out).ascontiguousarray(out)
    if 1 in out.shape and out.size:  # a kept dim may step oddly: PyTorch's step, no copy
        strides = tuple(step * out.itemsize for step in _layout.contiguous_strides(out.shape))
        if out.strides != strides:
            xp = _backend.array_namespace(out)
            return xp.lib.stride_tricks.as_strided(out, strides=strides)
    return out


def _require_float(input: Tensor, name: str, dtype=None) -> None:
    if dtype is None and not input.dtype.is_floating_point:
        raise RuntimeError(
            f"{name}(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {input.dtype.short_name}"
        )


def mean(input: Tensor, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    _require_float(input, "mean", dtype)
    dim, keepdim = _reduction_args(dim, keepdim, axis, keepdims)
    if dtype is not None:
        input = input.to(dtype)
    if dim is None:
        out = _quiet_reduction(input._data.size == 0, D.MEAN.forward, None, input._data)
        return call(
            D.MEAN,
            (input,),
            out,
            {"self_sym_sizes": input._data.shape, "self_sym_numel": input._data.size},
        )
    dims = _dims(input, dim)
    out = _quiet_reduction(
        _reduced_count(input, dims) == 0, D.MEAN_DIM.forward, None, input._data, dims, keepdim
    )
    out = _c_order(out)
    return call(
        D.MEAN_DIM,
        (input,),
        out,
        {
            "self_sym_sizes": input._data.shape,
            "self_sym_numel": input._data.size,
            "dim": dims,
            "keepdim": keepdim,
        },
    )


class _ValuesIndices(tuple):
    """The ``(values, indices)`` pair that ``max(dim)`` and friends return."""

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self) -> str:
        name = getattr(self, "_name", "max")
        return f"tensorkit.return_types.{name}(\nvalues={self[0]!r},\nindices={self[1]!r})"


def _extreme(input: Tensor, dim, keepdim, kind: str):
    data = input._data
    xp = _backend.array_namespace(data)
    if dim is None:
        if data.size == 0:
            raise RuntimeError(
                f"{kind}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument."
            )
        op = D.MAX_ALL if kind == "max" else D.MIN_ALL
        out = data.max() if kind == "max" else data.min()
        return call(op, (input,), xp.asarray(out))
    axis = input._wrap_dim(dim)
    if data.ndim and data.shape[axis] == 0:
        raise IndexError(f"{kind}(): Expected reduction dim {axis} to have non-zero size.")
    if data.ndim == 0:
        indices = xp.zeros((), dtype=xp.int64)
        values = data.copy()
    else:
        indices = (xp.argmax if kind == "max" else xp.argmin)(data, axis=axis, keepdims=keepdim)
        values = xp.take_along_axis(
            data, indices if keepdim else xp.expand_dims(indices, axis), axis=axis
        )
        if not keepdim:
            values = values.squeeze(axis)
    op = D.MAX_DIM if kind == "max" else D.MIN_DIM
    params = {"indices": indices, "dim": axis, "keepdim": keepdim, "self_sym_sizes": data.shape}
    values_tensor, indices_tensor = call(op, (input,), (values, indices.astype(xp.int64)), params)
    node = values_tensor._grad_fn
    if node is not None:
        # The node keeps the indices it returned (output 1) with their version: changing them in
        # place before backward gets PyTorch's error, as for any saved tensor. They have no
        # grad_fn, so the node may hold the tensor itself (no cycle), as PyTorch does.
        from .autograd.graph import SavedTensor

        node.saved["indices"] = SavedTensor(indices_tensor)
    result = _ValuesIndices((values_tensor, indices_tensor))
    result._name = kind
    return result


def max(input: Tensor, dim=None, keepdim=False, *, out=None):
    if isinstance(dim, Tensor):
        return maximum(input, dim)
    return _with_out(_extreme(input, dim, keepdim, "max"), out, "max")


def min(input: Tensor, dim=None, keepdim=False, *, out=None):
    if isinstance(dim, Tensor):
        return minimum(input, dim)
    return _with_out(_extreme(input, dim, keepdim, "min"), out, "min")


def _with_out(result, out, name: str):
    """``out=`` for a result that may be a (values, indices) pair."""
    if out is None:
        return result
    if isinstance(result, tuple):
        values, indices = out
        _into(values, result[0], name)
        _into(indices, result[1], name)
        return _ValuesIndices((values, indices))
    return _into(out, result, name)


def _amax_amin(op, input: Tensor, dim, keepdim: bool, kind: str):
    whole = dim in ((), None)
    dims = tuple(range(input.ndim)) if whole else _dims(input, dim)
    data = input._data
    if _reduced_count(input, dims) == 0:
        if whole:
            raise RuntimeError(
                f"{kind}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        given = dim if isinstance(dim, (list, tuple)) else (dim,)  # named as given, as PyTorch
        empty = next(name for name, axis in zip(given, dims) if data.shape[axis] == 0)
        raise IndexError(f"{kind}(): Expected reduction dim {empty} to have non-zero size.")
    xp = _backend.array_namespace(data)
    if data.size == 0:  # a non-empty dim of an empty tensor reduces to an empty result
        out = xp.empty(_reduced_shape(data.shape, dims, keepdim), dtype=data.dtype)
    else:
        out = _c_order(
            xp.asarray(
                (data.max if kind == "amax" else data.min)(axis=dims or None, keepdims=keepdim)
            )
        )
    return call(op, (input,), out, {"dim": dims or None, "keepdim": keepdim})


def _reduced_shape(shape: tuple, dims: tuple, keepdim: bool) -> tuple:
    if keepdim:
        return tuple(1 if axis in dims else size for axis, size in enumerate(shape))
    return tuple(size for axis, size in enumerate(shape) if axis not in dims)


def amax(input: Tensor, dim=(), keepdim=False):
    return _amax_amin(D.AMAX, input, dim, keepdim, "amax")


def amin(input: Tensor, dim=(), keepdim=False):
    return _amax_amin(D.AMIN, input, dim, keepdim, "amin")


def _check_arg_reduction(input: Tensor, dim, name: str) -> None:
    if input._data.size:
        return
    if dim is None:
        raise IndexError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
        )
    axis = input._wrap_dim(dim)
    if input.ndim and input.shape[axis] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")


def _refuse_bool_arg(input: Tensor, name: str) -> None:
    if input._data.dtype.kind == "b":
        raise RuntimeError(f"{name}(): does not support bool input")


def argmax(input: Tensor, dim=None, keepdim=False):
    _refuse_bool_arg(input, "argmax")
    xp = _backend.array_namespace(input._data)
    _check_arg_reduction(input, dim, "argmax")
    if dim is None:
        return wrap(xp.asarray(xp.argmax(input._data), dtype=xp.int64))
    return wrap(
        xp.argmax(input._data, axis=input._wrap_dim(dim), keepdims=keepdim).astype(xp.int64)
    )


def argmin(input: Tensor, dim=None, keepdim=False):
    _refuse_bool_arg(input, "argmin")
    xp = _backend.array_namespace(input._data)
    _check_arg_reduction(input, dim, "argmin")
    if dim is None:
        return wrap(xp.asarray(xp.argmin(input._data), dtype=xp.int64))
    return wrap(
        xp.argmin(input._data, axis=input._wrap_dim(dim), keepdims=keepdim).astype(xp.int64)
    )


def prod(input: Tensor, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    data = input._data
    target = np.int64 if data.dtype.kind in "biu" else None
    axis = None if dim is None else input._wrap_dim(dim)
    if not data.ndim:
        axis = None  # a 0-d tensor's dim: the product of its one entry
    out = _c_order(data.prod(axis=axis, keepdims=keepdim and axis is not None, dtype=target))
    op = D.PROD if dim is None else D.PROD_DIM
    return call(op, (input,), out, {"dim": axis, "keepdim": keepdim and axis is not None})


def _correction(unbiased, correction) -> int:
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def _reduced_count(input: Tensor, dims) -> int:
    """How many entries each result of a reduction over ``dims`` combines."""
    count = 1
    for axis in range(input.ndim) if dims is None else dims:
        count *= input._data.shape[axis]
    return count


def _quiet_reduction(degenerate: bool, function, *args):
    """Run a NumPy reduction; over nothing (an empty mean, a variance without degrees of freedom)
    NumPy warns where PyTorch does not, so silence it then (it costs, so only then)."""
    if not degenerate:
        return function(*args)
    with warnings.catch_warnings(), _backend.warnings_off():
        warnings.simplefilter("ignore", RuntimeWarning)
        return function(*args)


def _warn_degrees_of_freedom(name: str, input: Tensor, dims, correction) -> bool:
    if _reduced_count(input, dims) - correction > 0:
        return False
    warnings.warn(
        f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
        "factor (input numel divided by output numel).",
        UserWarning,
        stacklevel=3,
    )
    return True


def _require_float_variance(input: Tensor) -> None:
    if not input.dtype.is_floating_point:
        raise RuntimeError("std and var only support floating point and complex dtypes")


def var(input: Tensor, dim=None, unbiased=None, keepdim=False, *, correction=None):
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    _require_float_variance(input)
    dims = _dims(input, dim)
    c = _correction(unbiased, correction)
    degenerate = _warn_degrees_of_freedom("var", input, dims, c)
    out = _c_order(_quiet_reduction(degenerate, D.VAR.forward, None, input._data, dims, c, keepdim))
    return call(D.VAR, (input,), out, {"dim": dims, "correction": c, "keepdim": keepdim})


def std(input: Tensor, dim=None, unbiased=None, keepdim=False, *, correction=None):
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    _require_float_variance(input)
    dims = _dims(input, dim)
    c = _correction(unbiased, correction)
    degenerate = _warn_degrees_of_freedom("std", input, dims, c)
    out = _c_order(_quiet_reduction(degenerate, D.STD.forward, None, input._data, dims, c, keepdim))
    return call(D.STD, (input,), out, {"dim": dims, "correction": c, "keepdim": keepdim})


def norm(input: Tensor, p="fro", dim=None, keepdim=False, dtype=None):
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
            f"{input.dtype.short_name}"
        )
    if dtype is not None:
        input = input.to(dtype)
    ord = 2 if p in ("fro", None) else float(p) if not isinstance(p, int) else p
    dims = _dims(input, dim)
    if ord in (float("inf"), float("-inf")) and input._data.size == 0:
        _refuse_empty_norm(input, dim, dims, ord)
    data = abs_array = builtins.abs(input._data)
    xp = _backend.array_namespace(data)
    with _backend.warnings_off():
        if ord == float("inf"):
            out = abs_array.max(axis=dims, keepdims=keepdim)
        elif ord == float("-inf"):
            out = abs_array.min(axis=dims, keepdims=keepdim)
        elif ord == 0:
            out = (abs_array != 0).sum(axis=dims, keepdims=keepdim).astype(data.dtype)
        elif ord == 2:  # a square root, correctly rounded, as PyTorch's 2-norm (not a power)
            out = xp.sqrt(xp.asarray((abs_array * abs_array).sum(axis=dims, keepdims=keepdim)))
        else:
            # the root in double precision, rounded once: the same result on every device (a
            # float32 power's last bit differs between NumPy's scalar and array code, and CuPy)
            total = xp.asarray((abs_array**ord).sum(axis=dims, keepdims=keepdim))
            out = xp.power(total.astype(xp.float64), 1.0 / ord)
    out = _c_order(xp.asarray(out, dtype=data.dtype))
    return call(D.NORM, (input,), out, {"ord": ord, "dim": dims, "keepdim": keepdim})


def _refuse_empty_norm(input: Tensor, dim, dims, ord) -> None:
    """An inf norm is a max: over an empty dim it has no value."""
    name = "inf" if ord > 0 else "-inf"
    if dims is None:
        raise RuntimeError(
            f"linalg.vector_norm cannot compute the {name} norm on an empty tensor because the "
            "operation does not have an identity"
        )
    given = dim if isinstance(dim, (list, tuple)) else (dim,)
    for named, axis in zip(given, dims):
        if input.shape[axis] == 0:
            raise RuntimeError(
                f"linalg.vector_norm cannot compute the {name} norm on the dimension {named}"
                "because this dimension is empty and the operation does not have an identity"
            )


def _integer_softmax(input: Tensor, axis: int, name: str) -> Tensor:
    """PyTorch has no integer softmax kernel: an empty input comes back as it is (no kernel
    runs), anything else is refused."""
    if input._data.size == 0:
        return wrap(_backend.array_namespace(input._data).empty_like(input._data))
    last = input.ndim == 0 or axis == input.ndim - 1
    kernel = f"{name}_lastdim_kernel_impl" if last else f"{name}_kernel_impl"
    raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype.short_name}'")


def softmax(input: Tensor, dim: int, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    axis = input._wrap_dim(dim)
    if not input.dtype.is_floating_point:
        return _integer_softmax(input, axis, "softmax")
    data = input._data
    xp = _backend.array_namespace(data)
    shifted = data - data.max(axis=axis, keepdims=True) if data.size else data
    e = xp.exp(shifted)
    out = _c_order(e / e.sum(axis=axis, keepdims=True))
    return call(D.SOFTMAX, (input,), out, {"dim": axis})


def log_softmax(input: Tensor, dim: int, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    axis = input._wrap_dim(dim)
    if not input.dtype.is_floating_point:
        return _integer_softmax(input, axis, "log_softmax")
    data = input._data
    xp = _backend.array_namespace(data)
    shifted = data - data.max(axis=axis, keepdims=True) if data.size else data
    out = _c_order(shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True)))
    return call(D.LOG_SOFTMAX, (input,), out, {"dim": axis})


def any(input: Tensor, dim=None, keepdim=False):
    return _any_all(input, dim, keepdim, "any")


def all(input: Tensor, dim=None, keepdim=False):
    return _any_all(input, dim, keepdim, "all")


def _any_all(input: Tensor, dim, keepdim: bool, kind: str):
    data = input._data
    if dim is None:
        return wrap(getattr(data, kind)())
    dims = _dims(input, dim)
    if dims is None:  # dim=(): each entry on its own
        return wrap(_c_order(data.astype(bool)))
    if data.ndim == 0:
        return wrap(getattr(data, kind)())
    return wrap(_c_order(getattr(data, kind)(axis=dims, keepdims=keepdim)))


def count_nonzero(input: Tensor, dim=None):
    xp = _backend.array_namespace(input._data)
    return wrap(xp.asarray(xp.count_nonzero(input._data, axis=dim), dtype=np.int64))


def nonzero(input: Tensor, *, as_tuple=False):
    xp = _backend.array_namespace(input._data)
    indices = xp.nonzero(input._data)
    if as_tuple:
        return tuple(wrap(index.astype(np.int64)) for index in indices)
    return wrap(
        xp.stack(indices, axis=1).astype(np.int64) if indices else xp.zeros((0, 0), np.int64)
    )


def cumsum(input: Tensor, dim: int, *, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    data = input._data
    if data.dtype.kind in "biu":
        data = data.astype(np.int64)  # integer sums widen to int64, as PyTorch's
    axis = input._wrap_dim(dim)
    xp = _backend.array_namespace(data)
    out = D.CUMSUM.forward(xp, data if data.ndim else data.reshape(1), axis)
    return call(D.CUMSUM, (input,), _c_order(out.reshape(data.shape)), {"dim": axis})


def flip(input: Tensor, dims):
    """The tensor with the order of its entries reversed along ``dims``: a copy in the input's
    layout (made dense in the same order if it has gaps), as in PyTorch."""
    axes = _dims(input, (dims,) if isinstance(dims, int) else tuple(dims)) or ()
    data = input._data
    xp = _backend.array_namespace(data)
    strides = _layout.preserved_strides(data.shape, input.stride())
    out = _backend.copy_with_strides(D.FLIP.forward(xp, data, axes), strides)
    return call(D.FLIP, (input,), out, {"dims": axes})


# ---------------------------------------------------------------------------- linear algebra


def _check_matmul_dtypes(a: Tensor, b: Tensor) -> None:
    if a._data.dtype != b._data.dtype:
        from .tensor import _CPP_TYPE_NAMES

        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_CPP_TYPE_NAMES[a.dtype.name]} != "
            f"{_CPP_TYPE_NAMES[b.dtype.name]}"
        )


def _refuse_bool_product(input: Tensor, mat2: Tensor, kernel: str) -> None:
    """PyTorch's products have no bool kernel; one with nothing to add up never runs it."""
    if input._data.dtype.kind == "b" and input._data.size and mat2._data.size:
        _refuse_bool(dtypes.bool_, kernel)


def mm(input: Tensor, mat2: Tensor):
    _same_device(input, mat2)
    a, b = input._data, mat2._data
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({input.shape[0]}x{input.shape[1]} and "
            f"{mat2.shape[0]}x{mat2.shape[1]})"
        )
    _check_matmul_dtypes(input, mat2)
    _refuse_bool_product(input, mat2, "addmm_impl_cpu_")
    return call(D.MM, (input, mat2), a @ b, _product_layouts("self", input, mat2))


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat1 @ mat2)``, ``input`` broadcast over the product's rows:
    what ``nn.Linear`` computes for a batch (``AddmmBackward0``).

    >>> import tensorkit
    >>> tensorkit.addmm(tensorkit.ones(2), tensorkit.ones(1, 3), tensorkit.ones(3, 2))
    tensor([[4., 4.]])
    """
    a, b, c = mat1._data, mat2._data, input._data
    if not (type(a) is type(b) is type(c) is _ndarray):
        _same_device(input, mat1, mat2)
    if a.ndim != 2 or b.ndim != 2:
        for name, matrix in (("mat1", a), ("mat2", b)):
            if matrix.ndim != 2:
                raise RuntimeError(f"{name} must be a matrix, got {matrix.ndim}-D tensor")
    dtype = b.dtype
    if a.dtype != dtype or c.dtype != dtype:
        for name, tensor in (("mat1", mat1), ("self", input)):
            if tensor.dtype is not mat2.dtype:
                raise RuntimeError(
                    f"{name} and mat2 must have the same dtype, but got "
                    f"{tensor.dtype.short_name} and {mat2.dtype.short_name}"
                )
    rows, columns = a.shape
    if columns != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{columns} and "
            f"{b.shape[0]}x{b.shape[1]})"
        )
    if dtype.kind == "b":
        _refuse_bool_product(mat1, mat2, "addmm_impl_cpu_")
    columns = b.shape[1]
    bias_shape = c.shape
    if bias_shape != (columns,) and (
        len(bias_shape) > 2
        or builtins.any(
            size not in (1, wanted) for size, wanted in zip(bias_shape[::-1], (columns, rows))
        )
    ):
        expand(input, rows, columns)  # raises PyTorch's message for a bias that won't broadcast
    out = D._addmm(_backend.array_namespace(a), c, a, b, beta, alpha)
    if out.dtype is not dtype:
        out = out.astype(dtype)
    if not grad_mode._state.grad_enabled:
        return call(D.ADDMM, (input, mat1, mat2), out)  # nothing recorded: no params needed
    params = _product_layouts("mat1", mat1, mat2, {"beta": beta, "alpha": alpha})
    return call(D.ADDMM, (input, mat1, mat2), out, params)


def _product_layouts(first: str, mat1: Tensor, mat2: Tensor, params: dict | None = None) -> dict:
    """What mm and addmm save of their matrices' layouts, as PyTorch: the sizes, and the strides
    of each matrix that needs a gradient (which is then computed in that layout); added to
    ``params`` when given."""
    a, b = mat1._data, mat2._data
    params = {} if params is None else params
    params[f"{first}_sym_sizes"] = a.shape
    params[f"{first}_sym_strides"] = _strides_of(a) if mat1.requires_grad else ()
    params["mat2_sym_sizes"] = b.shape
    params["mat2_sym_strides"] = _strides_of(b) if mat2.requires_grad else ()
    return params


def _strides_of(array) -> tuple:
    """``Tensor.stride()`` of a tensor over ``array``: its strides in elements."""
    itemsize = array.itemsize
    return tuple([step // itemsize for step in array.strides])


def mv(input: Tensor, vec: Tensor):
    _same_device(input, vec)
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({input.shape[0]}), mat ({input.shape[0]}x{input.shape[1]}), vec ({vec.shape[0]})"
        )
    if input.dtype is not vec.dtype:  # the result is made with vec's dtype, then checked
        names = (vec.dtype.short_name, input.dtype.short_name, vec.dtype.short_name)
        raise RuntimeError(
            "addmv input tensors must have the same dtype, but got {}, {}, and {}".format(*names)
        )
    _refuse_bool_product(input, vec, "addmv_impl_cpu")
    return call(D.MV, (input, vec), input._data @ vec._data)


def dot(input: Tensor, tensor: Tensor):
    _same_device(input, tensor)
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D tensors")
    if input.dtype is not tensor.dtype:
        raise RuntimeError(
            f"dot : expected both vectors to have same dtype, but found {input.dtype.short_name} and {tensor.dtype.short_name}"
        )
    if input.shape[0] != tensor.shape[0]:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{input.shape[0]}] and src [{tensor.shape[0]}] to have "
            "the same number of elements, but got {} and {} elements respectively".format(
                input.shape[0], tensor.shape[0]
            )
        )
    if input._data.dtype.kind == "b":
        _refuse_bool(dtypes.bool_, "dot")  # even with no elements
    xp = _backend.array_namespace(input._data)
    return call(D.DOT, (input, tensor), xp.asarray(xp.dot(input._data, tensor._data)))


def bmm(input: Tensor, mat2: Tensor):
    _same_device(input, mat2)
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if mat2.shape[0] != input.shape[0] or mat2.shape[1] != input.shape[2]:
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{input.shape[0]}, {input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}]."
        )
    if input.dtype is not mat2.dtype:
        raise RuntimeError(
            f"expected scalar type {input.dtype.short_name} but found {mat2.dtype.short_name}"
        )
    _refuse_bool_product(input, mat2, "bmm")
    return call(D.BMM, (input, mat2), input._data @ mat2._data)


def matmul(input: Tensor, other: Tensor):
    """PyTorch's matmul, built from mm/mv/dot/bmm with the same views around them."""
    if not isinstance(input, Tensor) or not isinstance(other, Tensor):
        raise TypeError("matmul(): argument 'other' must be Tensor")
    _same_device(input, other)
    a, b = input._data.ndim, other._data.ndim
    if a == 0 or b == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a}D and {b}D"
        )
    if a == 1 and b == 1:
        return dot(input, other)
    if a == 2 and b == 1:
        return mv(input, other)
    if a == 1 and b == 2:
        return squeeze_(mm(unsqueeze(input, 0), other), 0)  # in place, as PyTorch: SqueezeBackward4
    if a == 2 and b == 2:
        return mm(input, other)
    if a >= 3 and b <= 2 and _folds(input, other):
        # fold the batch into the rows: (..., n, k) -> (B*n, k)
        rows = input.shape[:-1]
        folded = reshape(input, (int(np.prod(rows)), input.shape[-1]))  # -1: ambiguous if empty
        if b == 1:
            return _unsafe_view(mv(folded, other), rows)
        if folded.shape[1] != other.shape[0]:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({folded.shape[0]}x{folded.shape[1]} and "
                f"{other.shape[0]}x{other.shape[1]})"
            )
        return _unsafe_view(mm(folded, other), tuple(rows) + (other.shape[-1],))
    # batched: broadcast the batch dimensions, then bmm
    left = unsqueeze(input, 0) if a == 1 else input
    right = unsqueeze(other, -1) if b == 1 else other
    batch = _broadcast_shape(left.shape[:-2], right.shape[:-2])
    n, k = left.shape[-2:]
    k2, p = right.shape[-2:]
    if k != k2:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{int(np.prod(batch))}, {k}] but got: "
            f"[{int(np.prod(batch))}, {k2}]."
        )
    count = int(np.prod(batch)) if batch else 1
    left3 = reshape(expand(left, tuple(batch) + (n, k)), (count, n, k))
    right3 = reshape(expand(right, tuple(batch) + (k, p)), (count, k, p))
    out_shape = tuple(batch) + (n, p)
    if a == 1:
        out_shape = tuple(batch) + (p,)
    elif b == 1:
        out_shape = tuple(batch) + (n,)
    return _unsafe_view(bmm(left3, right3), out_shape)


def _folds(input: Tensor, other: Tensor) -> bool:
    """Whether to fold the batch of ``input`` into the rows of one mm/mv. PyTorch folds only where
    that needs no copy (or ``other`` requires grad); tensorkit always folds, except for operands
    refused anyway (bool, or two dtypes), where the route decides which error PyTorch gives."""
    if input.dtype is other.dtype and input._data.dtype.kind != "b":
        return True
    if other.requires_grad or input._data.size == 0:
        return True
    shape, strides = input.shape, input.stride()
    return builtins.all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(input.ndim - 2))


def outer(input: Tensor, vec2: Tensor):
    for name, value in (("self", input), ("vec2", vec2)):
        if value.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {value.ndim}-D")
    return mul(unsqueeze(input, 1), vec2)


# ---------------------------------------------------------------------------- layers
# The ATen ops behind nn.Embedding and nn.LayerNorm (torch.embedding, torch.layer_norm): each
# records a node of its own, as in PyTorch. nn.functional parses their Python-level arguments.


def _require_tensor(function: str, name: str, position: int, value) -> None:
    """PyTorch's argument parser refusing a non-tensor where a tensor is expected."""
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{function}(): argument '{name}' (position {position}) must be Tensor, not "
            f"{type(value).__name__}"
        )


def _check_index_dtype(indices: Tensor, position: int, function: str) -> None:
    """Indices must be int64 or int32 (checkScalarTypes). Types without a legacy tensor name in
    that check's table print as the backend's type (``CPUBoolType``)."""
    if indices.dtype is dtypes.int64 or indices.dtype is dtypes.int32:
        return
    found = (
        "CPUBoolType" if indices.dtype is dtypes.bool_ else f"tensorkit.{indices.dtype.legacy_name}"
    )
    raise RuntimeError(
        f"Expected tensor for argument #{position} 'indices' to have one of the following scalar "
        f"types: Long, Int; but got {found} instead (while checking arguments for {function})"
    )


def _refuse_unrecordable_lookup(weight: Tensor, indices: Tensor, sparse: bool) -> None:
    """A lookup whose gradient cannot be recorded: the indices are saved, so an inference tensor
    is refused (as PyTorch does); and tensorkit has no sparse tensors, so ``sparse=True`` is
    refused where a gradient would be recorded (under no_grad, or for a frozen weight, it runs)."""
    if not _dispatch.needs_grad((weight,)):
        return
    if indices._is_inference:
        raise RuntimeError(_dispatch.INFERENCE_SAVED)
    if sparse:
        raise NotImplementedError(
            "embedding(..., sparse=True): tensorkit has no sparse tensors, so it cannot give the "
            "weight the sparse gradient PyTorch gives it. Use sparse=False: the same gradient, "
            "dense."
        )


def embedding(
    weight: Tensor,
    indices: Tensor,
    padding_idx: int = -1,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """The rows of ``weight`` that ``indices`` pick, shaped ``indices.shape + (dim,)``
    (``EmbeddingBackward0``). ``nn.functional.embedding`` is the usual way in.

    >>> import tensorkit
    >>> w = tensorkit.arange(6.0).reshape(3, 2).requires_grad_()
    >>> tensorkit._ops.embedding(w, tensorkit.tensor([2, 0]))
    tensor([[4., 5.],
            [0., 1.]], grad_fn=<EmbeddingBackward0>)
    """
    _require_tensor("embedding", "weight", 1, weight)
    _require_tensor("embedding", "indices", 2, indices)
    if weight._data.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    _check_index_dtype(indices, 1, "embedding")
    index = indices._data
    rows = weight._data.shape[0]
    if index.size and (int(index.min()) < 0 or int(index.max()) >= rows):
        raise IndexError("index out of range in self")
    _refuse_unrecordable_lookup(weight, indices, sparse)
    xp = _backend.array_namespace(weight._data)
    out = _c_order(xp.take(weight._data, index, axis=0))
    from .autograd.graph import SavedTensor

    params = {
        "indices": SavedTensor(indices),
        # a SymInt that reads back unsigned, as PyTorch's: no padding (-1) shows as 2**64 - 1
        "padding_idx": padding_idx % 2**64,
        "scale_grad_by_freq": scale_grad_by_freq,
        "sparse": sparse,
        "weight_sym_argsize_0": rows,
    }
    return call(D.EMBEDDING, (weight,), out, params)


def embedding_renorm_(input: Tensor, indices: Tensor, max_norm: float, norm_type: float) -> Tensor:
    """Scale, in place and unrecorded, each row of ``input`` that ``indices`` name and whose
    ``norm_type``-norm exceeds ``max_norm`` down to norm ``max_norm`` (PyTorch divides by
    norm + 1e-7). The version goes up by one, rows rescaled or not, as in PyTorch.

    The indices are all checked before any row changes (PyTorch renormalises the rows before a
    bad index as it goes, and leaves them so when it raises).
    """
    if input._data.ndim != 2:
        raise RuntimeError(
            f"Expected 2-dimensional tensor, but got {input._data.ndim}-dimensional tensor for "
            "argument #1 'self' (while checking arguments for embedding_renorm_)"
        )
    _check_index_dtype(indices, 2, "embedding_renorm_")
    data = input._data
    count = data.shape[0]
    xp = _backend.array_namespace(data)
    picked = xp.unique(_backend.indices_like(data, indices._data).reshape(-1))  # sorted
    if picked.size and (picked[0] < -count or picked[-1] >= count):
        bad = picked[0] if picked[0] < -count else picked[picked >= count][0]
        raise IndexError(
            f"select(): index {bad} out of range for tensor of size {list(data.shape)} at "
            "dimension 0"
        )
    picked = xp.unique(picked % count) if picked.size else picked
    if picked.size:
        with grad_mode.no_grad():
            norms = norm(wrap(data[picked]), norm_type, 1)._data.astype(np.float64)
        scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
        rescaled = picked[scale != 1.0]
        if rescaled.size:
            factor = scale[scale != 1.0].astype(data.dtype)[:, None]
            data[rescaled] = data[rescaled] * factor
    input._version_counter.value += 1
    return input


def _layer_norm_shape(normalized_shape) -> tuple:
    """normalized_shape as the argument parser takes it: a sequence of ints, never one int."""
    if isinstance(normalized_shape, Tensor) or not isinstance(normalized_shape, (tuple, list)):
        raise TypeError(
            "layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not "
            f"{type(normalized_shape).__name__}"
        )
    for position, size in enumerate(normalized_shape):
        if isinstance(size, (bool, np.bool_)) or not isinstance(size, numbers.Integral):
            raise TypeError(
                "layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, "
                f"but found element of type {type(size).__name__} at pos {position}"
            )
    return tuple(int(size) for size in normalized_shape)


def _check_layer_norm_dtypes(input: Tensor, weight, bias) -> None:
    """PyTorch's CPU rule: weight and bias share the input's dtype, except that a float16 input
    may take float32 parameters (mixed precision); which message depends on which rule broke."""
    first = weight if weight is not None else bias
    if first is not None and first.dtype is not input.dtype:
        for parameter in (weight, bias):
            if parameter is not None and parameter.dtype is not dtypes.float32:
                raise RuntimeError(
                    "mixed dtype (CPU): expect parameter to have scalar type of Float"
                )
        if input.dtype is not dtypes.float16:
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
    elif weight is not None and bias is not None and bias.dtype is not weight.dtype:
        raise RuntimeError(
            f"expected scalar type {input.dtype.short_name} but found {bias.dtype.short_name}"
        )


def layer_norm(input: Tensor, normalized_shape, weight=None, bias=None, eps: float = 1e-5):
    """Normalise over the trailing ``normalized_shape`` dims to mean 0 and (biased) variance 1,
    then scale by ``weight`` and shift by ``bias`` (``NativeLayerNormBackward0``).

    >>> import tensorkit
    >>> tensorkit._ops.layer_norm(tensorkit.tensor([[1.0, 3.0]]), (2,))
    tensor([[-1.0000,  1.0000]])
    """
    _require_tensor("layer_norm", "input", 1, input)
    shape = _layer_norm_shape(normalized_shape)
    for name, position, parameter in (("weight", 3, weight), ("bias", 4, bias)):
        if parameter is not None:
            _require_tensor("layer_norm", name, position, parameter)
    if isinstance(eps, Tensor) or not isinstance(eps, numbers.Real):
        raise TypeError(
            f"layer_norm(): argument 'eps' (position 5) must be float, not {type(eps).__name__}"
        )
    listed = str(list(shape))
    if not shape:
        raise RuntimeError(
            "Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
            f"element, but got normalized_shape = {listed}"
        )
    for name, parameter in (("weight", weight), ("bias", bias)):
        if parameter is not None and tuple(parameter._data.shape) != shape:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                f"{list(parameter._data.shape)} and normalized_shape = {listed}"
            )
    x = input._data
    if x.ndim < len(shape) or tuple(x.shape[x.ndim - len(shape) :]) != shape:
        trailing = "".join(f", {size}" for size in shape)
        raise RuntimeError(
            f"Given normalized_shape={listed}, expected input with shape [*{trailing}], but got "
            f"input of size{list(x.shape)}"
        )
    _check_layer_norm_dtypes(input, weight, bias)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"LayerNormKernelImpl\" not implemented for '{input.dtype.short_name}'"
        )
    xp = _backend.array_namespace(x)
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    # float16 is computed in float32 (PyTorch's accumulation type); the mean and rstd stay
    # float32 when the parameters are (mixed precision), else take the input's dtype
    computed = x.astype(np.float32) if x.dtype == np.float16 else x
    mean = computed.mean(axis=axes, keepdims=True)
    centered = computed - mean
    rstd = 1 / xp.sqrt((centered * centered).mean(axis=axes, keepdims=True) + eps)
    out = centered * rstd
    if weight is not None:
        out = out * weight._data
    if bias is not None:
        out = out + bias._data
    out = _c_order(out.astype(x.dtype, copy=False))
    first = weight if weight is not None else bias
    kept = np.float32 if first is not None and first.dtype is not input.dtype else x.dtype
    from .autograd.graph import SavedTensor

    params = {
        "normalized_shape": shape,
        "result1": SavedTensor(wrap(_c_order(mean.astype(kept, copy=False)))),
        "result2": SavedTensor(wrap(_c_order(rstd.astype(kept, copy=False)))),
        "eps": eps,  # for the formula's create_graph branch only (PyTorch's node shows no eps)
    }
    return call(D.NATIVE_LAYER_NORM, (input, weight, bias), out, params)


# ---------------------------------------------------------------------------- copies, casts, joins


def clone(input: Tensor, *, memory_format=None):
    """A copy in new memory, recorded as ``CloneBackward0``; a dense input keeps its strides."""
    data = input._data
    if memory_format is contiguous_format:
        strides = _layout.contiguous_strides(data.shape)
    else:
        strides = _layout.preserved_strides(data.shape, input.stride())
    return call(D.CLONE, (input,), _backend.copy_with_strides(data, strides))


def contiguous(input: Tensor, memory_format=None):
    """The tensor itself when already contiguous, else a contiguous copy (``CloneBackward0``).

    >>> import tensorkit
    >>> x = tensorkit.zeros(2, 3)
    >>> x.contiguous() is x, x.t().contiguous().stride()
    (True, (2, 1))
    """
    if input._data.flags.c_contiguous:
        return input
    return clone(input, memory_format=contiguous_format)


class _MemoryFormat:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"tensorkit.{self.name}"


contiguous_format = _MemoryFormat("contiguous_format")
preserve_format = _MemoryFormat("preserve_format")


def to_dtype(input: Tensor, dtype: dtypes.dtype, copy: bool = False):
    if dtype is input.dtype and not copy:
        return input
    data = input._data
    if data.flags.c_contiguous and (
        1 not in data.shape or input.stride() == _layout.contiguous_strides(data.shape)
    ):
        out = data.astype(dtype.numpy)
    else:  # PyTorch keeps a dense layout, and makes a dense one in the same order of any other
        strides = _layout.preserved_strides(data.shape, input.stride())
        out = _backend.copy_with_strides(data, strides, dtype.numpy)
    if not dtype.is_floating_point:
        return wrap(out)
    return call(D.TO_COPY, (input,), out)


def to_device(input: Tensor, device, dtype=None, copy: bool = False):
    device = _backend.Device(device) if not isinstance(device, _backend.Device) else device
    if device.type == "cuda" and device.index is None:
        device = _backend.Device("cuda", 0)
    if input.device == device and (dtype is None or dtype is input.dtype) and not copy:
        return input
    data = _backend.to_device(input._data, device)
    if dtype is not None and data.dtype != dtype.numpy:
        data = data.astype(dtype.numpy)
    if data.dtype.kind != "f":
        return wrap(data)
    # the gradient goes back to the source's device (kept out of the node's _saved_ names,
    # which PyTorch's ToCopyBackward0 does not show)
    return call(D.TO_COPY, (input,), data, {"device": input.device})


def parse_type(value) -> dtypes.dtype:
    if isinstance(value, dtypes.dtype):
        return value
    if isinstance(value, str):
        name = value.split(".")[-1]
        for dtype in dtypes.ALL:
            if dtype.legacy_name == name or dtype.name == name:
                return dtype
    raise TypeError(f"invalid type: '{value}'")


def cat(tensors, dim: int = 0, *, out=None):
    tensors = list(tensors)
    _same_device(*tensors)
    if not tensors:
        raise RuntimeError("tensorkit.cat(): expected a non-empty list of Tensors")
    for position, tensor in enumerate(tensors):
        if not isinstance(tensor, Tensor):
            raise TypeError(
                f"expected Tensor as element {position} in argument 0, but got {type(tensor).__name__}"
            )
    for position, tensor in enumerate(tensors):
        if tensor.ndim == 0:
            raise RuntimeError(
                f"zero-dimensional tensor (at position {position}) cannot be concatenated"
            )
    dtype = tensors[0].dtype
    for tensor in tensors[1:]:
        dtype = dtypes.promote_types(dtype, tensor.dtype)
    # PyTorch skips legacy empty (0,) tensors: they need not match the others, nor the dim
    kept = [t for t in tensors if t.shape != (0,)]
    if not kept:
        out_array = _backend.array_namespace(tensors[0]._data).zeros((0,), dtype.numpy)
        result = call(D.CAT, tuple(tensors), out_array, {"dim": 0, "sizes": (0,) * len(tensors)})
        return result if out is None else _into(out, result, "cat")
    reference = kept[0]
    axis = reference._wrap_dim(dim)
    parts = []
    for position, tensor in enumerate(tensors):
        if tensor.shape == (0,):
            continue
        if tensor.ndim != reference.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {reference.ndim} and {tensor.ndim}"
            )
        for axis_index, (size, expected) in enumerate(zip(tensor.shape, reference.shape)):
            if axis_index != axis and size != expected:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {axis}. Expected size {expected} but got "
                    f"size {size} for tensor number {position} in the list."
                )
        parts.append(tensor._data.astype(dtype.numpy, copy=False))
    xp = _backend.array_namespace(parts[0])
    out_array = xp.concatenate(parts, axis=axis)
    if not builtins.all(part.flags.c_contiguous for part in parts):
        geometry = [(t._data.shape, t.stride()) for t in tensors]
        strides = _layout.joined_strides(out_array.shape, geometry)
        out_array = _backend.copy_with_strides(out_array, strides)
    result = call(
        D.CAT,
        tuple(tensors),
        out_array,
        {
            "dim": axis,
            "sizes": tuple(None if t.shape == (0,) else t.shape[axis] for t in tensors),
        },
    )
    return result if out is None else _into(out, result, "cat")


concat = concatenate = cat


def stack(tensors, dim: int = 0):
    tensors = list(tensors)
    _same_device(*tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    axis = tensors[0]._wrap_dim(dim, tensors[0].ndim + 1)
    shape = tensors[0].shape
    for position, tensor in enumerate(tensors):
        if tensor.shape != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 and "
                f"{list(tensor.shape)} at entry {position}"
            )
    dtype = tensors[0].dtype
    for tensor in tensors[1:]:
        dtype = dtypes.promote_types(dtype, tensor.dtype)
    xp = _backend.array_namespace(tensors[0]._data)
    out = xp.stack([t._data.astype(dtype.numpy, copy=False) for t in tensors], axis=axis)
    if not builtins.all(t._data.flags.c_contiguous for t in tensors):
        # PyTorch's stack is a cat of the tensors unsqueezed at ``axis``
        geometry = [(out.shape, _unsqueezed_strides(t, axis)) for t in tensors]
        out = _backend.copy_with_strides(out, _layout.joined_strides(out.shape, geometry))
    return call(D.STACK, tuple(tensors), out, {"dim": axis})


def _unsqueezed_strides(tensor: Tensor, axis: int) -> tuple:
    """``tensor.unsqueeze(axis).stride()``, without making the view."""
    shape, strides = tensor._data.shape, tensor.stride()
    step = shape[axis] * strides[axis] if axis < len(shape) else 1
    return strides[:axis] + (step,) + strides[axis:]


def repeat(input: Tensor, *sizes):
    repeats = _size_args(sizes)
    if len(repeats) < input.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
        )
    xp = _backend.array_namespace(input._data)
    return call(
        D.REPEAT,
        (input,),
        D.REPEAT.forward(xp, input._data, repeats),
        {"repeats": repeats, "self_sym_sizes": input._data.shape},
    )


# ---------------------------------------------------------------------------- views


def _size_args(sizes) -> tuple:
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    result = []
    for size in sizes:
        if isinstance(size, Tensor):
            size = size.item()
        if not isinstance(size, (int, np.integer)) or isinstance(size, bool):
            raise TypeError(f"expected a sequence of integers, but got {type(size).__name__}")
        result.append(int(size))
    return tuple(result)


def _infer_shape(shape: tuple, numel: int) -> tuple:
    unknown = [axis for axis, size in enumerate(shape) if size == -1]
    if len(unknown) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for size in shape:
        if size < -1:
            raise RuntimeError(f"invalid shape dimension {size}")
    known = 1
    for size in shape:
        if size != -1:
            known *= size
    if unknown:
        if known == 0 and numel == 0:
            raise RuntimeError(
                f"cannot reshape tensor of 0 elements into shape [{', '.join(map(str, shape))}] "
                "because the unspecified dimension size -1 can be any value and is ambiguous"
            )
        if known == 0 or numel % known:
            raise RuntimeError(
                f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}"
            )
        shape = tuple(numel // known if size == -1 else size for size in shape)
    elif known != numel:
        raise RuntimeError(
            f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}"
        )
    return shape


def _view_array(data, shape):
    """``data`` reshaped without copying, or None when the strides don't allow it."""
    xp = _backend.array_namespace(data)
    try:
        view = xp.reshape(data, shape, copy=False)
    except (ValueError, AttributeError, TypeError):
        view = data.view()
        try:
            view.shape = shape
        except AttributeError:
            return None
    if 1 in shape and data.size:  # a size-1 dim: PyTorch's step for it, not NumPy's
        itemsize = data.itemsize
        strides = _layout.view_strides(
            data.shape, tuple(step // itemsize for step in data.strides), tuple(shape)
        )
        if strides is not None:
            strides = tuple(step * itemsize for step in strides)
            if strides != view.strides:
                view = xp.lib.stride_tricks.as_strided(view, strides=strides)
    return view


VIEW_INCOMPATIBLE = (
    "view size is not compatible with input tensor's size and stride (at least one dimension spans across "
    "two contiguous subspaces). Use .reshape(...) instead."
)


def view(input: Tensor, *shape):
    """The same memory seen with another shape; refused when the strides don't allow it.

    >>> import tensorkit
    >>> x = tensorkit.arange(6.)
    >>> v = x.view(2, 3)
    >>> v.data_ptr() == x.data_ptr(), v._base is x, v.grad_fn
    (True, True, None)
    """
    if len(shape) == 1 and isinstance(shape[0], dtypes.dtype):
        if shape[0] is input.dtype:
            return call_view(D.ALIAS, input, input._data)
        raise RuntimeError("tensorkit does not support reinterpreting a tensor as another dtype")
    shape = _infer_shape(_size_args(shape), input._data.size)
    data = _view_array(input._data, shape)
    if data is None:
        raise RuntimeError(VIEW_INCOMPATIBLE)
    return call_view(D.VIEW, input, data, {"self_sym_sizes": input._data.shape})


def view_as(input: Tensor, other: Tensor):
    return view(input, other.shape)


def _unsafe_view(input: Tensor, shape):
    data = input._data.reshape(shape)
    return call(D.UNSAFE_VIEW, (input,), data, {"self_sym_sizes": input._data.shape})


def reshape(input: Tensor, *shape):
    """Like ``view`` when the strides allow it (sharing memory); otherwise a copy.

    >>> import tensorkit
    >>> x = tensorkit.arange(6.).reshape(2, 3)
    >>> x.reshape(6)._is_view(), x.t().reshape(6)._is_view()
    (True, False)
    """
    shape = _infer_shape(_size_args(shape), input._data.size)
    data = _view_array(input._data, shape)
    if data is not None:
        op = D.VIEW if input._data.flags.c_contiguous else D.RESHAPE_ALIAS
        return call_view(op, input, data, {"self_sym_sizes": input._data.shape})
    copied = clone(input, memory_format=contiguous_format)
    return _unsafe_view(copied, shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1):
    start, end = input._wrap_dim(start_dim), input._wrap_dim(end_dim)
    if input.ndim == 0:
        return reshape(input, (1,))
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return input
    shape = input.shape
    middle = 1
    for size in shape[start : end + 1]:
        middle *= size
    return reshape(input, tuple(shape[:start]) + (middle,) + tuple(shape[end + 1 :]))


def unflatten(input: Tensor, dim: int, sizes):
    axis = input._wrap_dim(dim)
    if len(sizes) == 0:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if input.ndim == 0:  # PyTorch's message goes on with a C++ backtrace
        raise RuntimeError(
            "unflatten got an unexpected error:\nDimension specified as 0 but tensor has no "
            "dimensions\n"
        )
    shape = input.shape
    sizes = _infer_shape(tuple(sizes), shape[axis])
    return view(input, tuple(shape[:axis]) + tuple(sizes) + tuple(shape[axis + 1 :]))


def transpose(input: Tensor, dim0: int, dim1: int):
    """A view with two dimensions swapped (their strides swap; no data moves).

    >>> import tensorkit
    >>> tensorkit.zeros(2, 3).transpose(0, 1).stride()
    (1, 3)
    """
    if input.ndim == 0:
        dim0 = input._wrap_dim(dim0)
        dim1 = input._wrap_dim(dim1)
        return call_view(D.TRANSPOSE, input, input._data, {"dim0": dim0, "dim1": dim1})
    a, b = input._wrap_dim(dim0), input._wrap_dim(dim1)
    xp = _backend.array_namespace(input._data)
    return call_view(D.TRANSPOSE, input, xp.swapaxes(input._data, a, b), {"dim0": a, "dim1": b})


swapaxes = swapdims = transpose


def t(input: Tensor):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return call_view(D.T, input, input._data.T)


def permute(input: Tensor, *dims):
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    dims = _size_args(dims)
    if len(dims) != input.ndim:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the "
            f"desired ordering of dimensions i.e. input.dim() = {input.ndim} is not equal to len(dims) = {len(dims)}"
        )
    wrapped = tuple(input._wrap_dim(d) for d in dims)
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    xp = _backend.array_namespace(input._data)
    return call_view(D.PERMUTE, input, xp.transpose(input._data, wrapped), {"dims": wrapped})


def movedim(input: Tensor, source, destination):
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
            f"contain the same number of dims as destination ({list(dst)} dims)"
        )
    for name, given in (("source", src), ("destination", dst)):
        wrapped = {input._wrap_dim(d) for d in given}
        if len(wrapped) != len(given):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(given)})")
    src = tuple(input._wrap_dim(d) for d in src)
    dst = tuple(input._wrap_dim(d) for d in dst)
    if input.ndim == 0 and len(src) == len(dst) == 1:
        return alias(input)  # PyTorch: a 0-d tensor moves to where it is
    order = [d for d in range(input.ndim) if d not in src]
    for position, source_dim in sorted(zip(dst, src)):
        order.insert(position, source_dim)
    return permute(input, tuple(order))


moveaxis = movedim


def _transpose_property(input: Tensor):
    if input.ndim == 0:
        warn_once(
            "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.",
            stacklevel=2,
        )
    elif input.ndim != 2:
        warn_once(
            "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it "
            "will throw an error in a future release. Consider `x.mT` to transpose batches of matrices or "
            "`x.permute(*tensorkit.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.",
            stacklevel=2,
        )
    return permute(input, tuple(range(input.ndim - 1, -1, -1)))


def mT(input: Tensor):
    if input.ndim == 0:
        warn_once(
            "Tensor.mT is deprecated on 0-D tensors. This function is the identity in these cases.",
            stacklevel=3,  # mT runs inside _backend's device wrapper
        )
        return input
    if input.ndim < 2:
        raise RuntimeError(
            f"tensor.mT is only supported on matrices or batches of matrices. Got {input.ndim}-D tensor."
        )
    return transpose(input, -2, -1)


def expand(input: Tensor, *sizes):
    """Size-1 dimensions repeated without copying: the new entries have stride 0.

    >>> import tensorkit
    >>> e = tensorkit.zeros(3, 1).expand(3, 4)
    >>> e.stride(), e.data_ptr() == e._base.data_ptr()
    ((1, 0), True)
    """
    sizes = _size_args(sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError(
            f"expand(tensorkit.{input.dtype.legacy_name}{{[{', '.join(map(str, input.shape))}]}}, size=[{', '.join(map(str, sizes))}]): "
            "the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({input.ndim})"
        )
    lead = len(sizes) - input.ndim
    target = []
    for axis in reversed(range(len(sizes))):  # PyTorch checks the last dim first
        size = sizes[axis]
        if axis < lead:
            if size == -1:
                raise RuntimeError(
                    f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {axis}"
                )
            target.append(size)
            continue
        current = input.shape[axis - lead]
        if size == -1:
            size = current
        if current != size and current != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({size}) must match the existing size ({current}) at "
                f"non-singleton dimension {axis}.  Target sizes: [{', '.join(map(str, sizes))}].  Tensor sizes: "
                f"[{', '.join(map(str, input.shape))}]"
            )
        target.append(size)
    target.reverse()
    data = input._data
    xp = _backend.array_namespace(data)
    shape, strides = _layout.expanded_geometry(data.shape, input.stride(), tuple(target))
    view_data = xp.lib.stride_tricks.as_strided(
        data, shape=shape, strides=tuple(s * data.itemsize for s in strides)
    )
    return call_view(D.EXPAND, input, view_data, {"self_sym_sizes": data.shape})


def expand_as(input: Tensor, other: Tensor):
    return expand(input, other.shape)


def broadcast_to(input: Tensor, shape):
    return expand(input, tuple(shape))


def _unsqueezed_array(data, axis: int):
    """``data`` with a new axis at ``axis`` and PyTorch's stride for it."""
    xp = _backend.array_namespace(data)
    shape = data.shape[:axis] + (1,) + data.shape[axis:]
    if axis < data.ndim:
        new_stride = data.shape[axis] * data.strides[axis]
    else:
        new_stride = data.itemsize
    strides = data.strides[:axis] + (new_stride,) + data.strides[axis:]
    return xp.lib.stride_tricks.as_strided(data, shape=shape, strides=strides)


def unsqueeze(input: Tensor, dim: int):
    """A view with a new size-1 dimension at ``dim``.

    >>> import tensorkit
    >>> tensorkit.zeros(3).unsqueeze(0).shape
    tensorkit.Size([1, 3])
    """
    axis = input._wrap_dim(dim, input.ndim + 1)
    return call_view(D.UNSQUEEZE, input, _unsqueezed_array(input._data, axis), {"dim": axis})


def squeeze(input: Tensor, dim=None):
    data = input._data
    if dim is None:
        keep = tuple(axis for axis in range(data.ndim) if data.shape[axis] != 1)
        xp = _backend.array_namespace(data)
        squeezed = xp.lib.stride_tricks.as_strided(
            data,
            shape=tuple(data.shape[a] for a in keep),
            strides=tuple(data.strides[a] for a in keep),
        )
        return call_view(D.SQUEEZE, input, squeezed, {"self_sym_sizes": data.shape})
    dims = _dims(input, dim) or ()  # checks the dims (0 and -1 on a 0-d tensor)
    keep = tuple(axis for axis in range(data.ndim) if not (axis in dims and data.shape[axis] == 1))
    xp = _backend.array_namespace(data)
    squeezed = xp.lib.stride_tricks.as_strided(
        data, shape=tuple(data.shape[a] for a in keep), strides=tuple(data.strides[a] for a in keep)
    )
    op = D.SQUEEZE_DIM if isinstance(dim, int) else D.SQUEEZE_DIMS
    return call_view(op, input, squeezed, {"self_sym_sizes": data.shape, "dim": dim})


def narrow(input: Tensor, dim: int, start: int, length: int):
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    axis = input._wrap_dim(dim)
    size = input.shape[axis]
    if start < -size or start > size:
        raise IndexError(
            f"start out of range (expected to be in range of [{-size}, {size}], but got {start})"
        )
    if start < 0:
        start += size
    if start + length > size or length < 0:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return _slice(input, axis, start, start + length, 1)


def _slice(input: Tensor, axis: int, start, stop, step):
    size = input._data.shape[axis]
    if step is not None and step <= 0:
        raise ValueError("step must be greater than zero")
    begin, end, step = slice(start, stop, step).indices(size)
    end = builtins.max(end, begin)
    index = [slice(None)] * input.ndim
    index[axis] = slice(begin, end, step)
    # PyTorch saves the bounds as given, not clamped: no stop reads INT64_MAX and a negative
    # bound its unsigned 64-bit pattern (x[-2:] saves start 2**64 - 2); the gradient clamps them
    return call_view(
        D.SLICE,
        input,
        input._data[tuple(index)],
        {
            "self_sym_sizes": input._data.shape,
            "dim": axis,
            "start": _unsigned(start if start is not None else 0),
            "end": _unsigned(stop if stop is not None else _INT64_MAX),
            "step": step,
        },
    )


_INT64_MAX = (1 << 63) - 1


def _unsigned(bound: int) -> int:
    return bound + (1 << 64) if bound < 0 else bound


def select(input: Tensor, dim: int, index: int):
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    axis = input._wrap_dim(dim)
    size = input.shape[axis]
    if index < -size or index >= size:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
            f"dimension {axis}"
        )
    position = index % size
    selector = [slice(None)] * input.ndim
    selector[axis] = position
    # a trailing ... makes NumPy return a 0-d view rather than a scalar copy
    return call_view(
        D.SELECT,
        input,
        input._data[tuple(selector) + (Ellipsis,)],
        {"self_sym_sizes": input._data.shape, "dim": axis, "index": position},
    )


def split(input: Tensor, split_size_or_sections, dim: int = 0):
    if input.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    axis = input._wrap_dim(dim)
    size = input.shape[axis]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0 and size:
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}"
            )
        # a dim of size 0 still gives one (empty) piece
        sizes = [builtins.min(step, size - start) for start in range(0, size, step or 1)] or [0]
    else:
        sizes = list(split_size_or_sections)
        if builtins.sum(sizes) != size:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at dimension "
                f"{dim}), but got split_sizes={sizes}"
            )
    pieces, start = [], 0
    for piece in sizes:
        index = [slice(None)] * input.ndim
        index[axis] = slice(start, start + piece)
        pieces.append(input._data[tuple(index)])
        start += piece
    params = {"self_sym_sizes": input._data.shape, "dim": axis, "split_sizes": tuple(sizes)}
    if isinstance(split_size_or_sections, int):
        return call_multi_view(
            D.SPLIT, input, pieces, {**params, "split_size": split_size_or_sections}
        )
    return call_multi_view(D.SPLIT_WITH_SIZES, input, pieces, params)


def chunk(input: Tensor, chunks: int, dim: int = 0):
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    size = input.shape[input._wrap_dim(dim)]
    if size == 0:
        return split(input, [0] * chunks, dim)  # PyTorch: `chunks` empty pieces
    return split(input, -(-size // chunks), dim)


def unbind(input: Tensor, dim: int = 0):
    axis = input._wrap_dim(dim)
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    pieces = []
    for position in range(input.shape[axis]):
        index = [slice(None)] * input.ndim
        index[axis] = position
        pieces.append(input._data[tuple(index) + (Ellipsis,)])
    return call_multi_view(
        D.UNBIND, input, pieces, {"self_sym_sizes": input._data.shape, "dim": axis}
    )


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1):
    a, b = input._wrap_dim(dim1), input._wrap_dim(dim2)
    if a == b:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    data = input._data
    # NumPy's diagonal() is read-only; build the same window with as_strided so it can be written
    start = offset * data.strides[b] if offset >= 0 else -offset * data.strides[a]
    length = builtins.max(
        0,
        builtins.min(data.shape[a], data.shape[b] - offset)
        if offset >= 0
        else builtins.min(data.shape[a] + offset, data.shape[b]),
    )
    shape = tuple(size for axis, size in enumerate(data.shape) if axis not in (a, b)) + (length,)
    strides = tuple(step for axis, step in enumerate(data.strides) if axis not in (a, b)) + (
        data.strides[a] + data.strides[b],
    )
    view = _backend.window(_backend.span(data), start if length else 0, shape, strides)
    params = {"self_sym_sizes": data.shape, "offset": offset, "dim1": a, "dim2": b}
    return call_view(D.DIAGONAL, input, view, params)


def unfold(input: Tensor, dimension: int, size: int, step: int):
    axis = input._wrap_dim(dimension) if input.ndim else 0
    data = input._data
    length = data.shape[axis] if data.ndim else 1
    if size > length:
        raise RuntimeError(
            f"maximum size for tensor at dimension {axis} is {length} but size is {size}"
        )
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    count = (length - size) // step + 1
    shape = data.shape[:axis] + (count,) + data.shape[axis + 1 :] + (size,)
    stride = data.strides[axis] if data.ndim else data.itemsize
    strides = data.strides[:axis] + (stride * step,) + data.strides[axis + 1 :] + (stride,)
    xp = _backend.array_namespace(data)
    view = xp.lib.stride_tricks.as_strided(data, shape=shape, strides=strides)
    params = {"self_sym_sizes": data.shape, "dimension": axis, "size": size, "step": step}
    return call_view(D.UNFOLD, input, view, params)


def _inplace_view_op(op, target: Tensor, data, params, record: bool) -> Tensor:
    """``unsqueeze_``/``squeeze_``/``t_``/``transpose_``: change the tensor's own window.

    They count as in-place ops (the leaf checks apply, the version goes up) and record their own
    node, whose gradient puts the new shape back. A view stays a view of its base, its new
    node chained after its old grad_fn, as in PyTorch. ``record``: what the callers'
    ``_check_view_inplace`` said, before their own argument checks (PyTorch refuses a leaf first).
    """
    node = None
    if record:
        from ._dispatch import make_node

        node = make_node(op, (target,), params)
    _ = target._storage  # the storage spans the memory as it was: make it before the new window
    old_fn, old_nr = target._grad_fn, target._output_nr
    target._data = data
    target._version_counter.value += 1
    if node is not None:
        target._grad_fn = node
        target._output_nr = 0
        if target._base is not None:
            target._view_version = target._version_counter.value  # its grad_fn is current
        target._move_retained_grad(old_fn, old_nr)
    return target


def _check_view_inplace(target: Tensor) -> bool:
    """check_inplace for the in-place view ops: no overlap check, they write nothing."""
    return check_inplace(target, (target,), overlap=False)


def unsqueeze_(target: Tensor, dim: int) -> Tensor:
    record = _check_view_inplace(target)
    axis = target._wrap_dim(dim, target.ndim + 1)
    return _inplace_view_op(
        D.UNSQUEEZE_INPLACE, target, _unsqueezed_array(target._data, axis), {"dim": axis}, record
    )


def squeeze_(target: Tensor, dim=None) -> Tensor:
    record = _check_view_inplace(target)
    shape = target._data.shape
    with grad_mode.no_grad():
        squeezed = squeeze(target, dim)._data
    if dim is None:
        return _inplace_view_op(
            D.SQUEEZE_INPLACE, target, squeezed, {"self_sym_sizes": shape}, record
        )
    return _inplace_view_op(
        D.SQUEEZE_DIM_INPLACE, target, squeezed, {"self_sym_sizes": shape, "dim": dim}, record
    )


def transpose_(target: Tensor, dim0: int, dim1: int) -> Tensor:
    record = _check_view_inplace(target)
    a, b = target._wrap_dim(dim0), target._wrap_dim(dim1)
    xp = _backend.array_namespace(target._data)
    data = xp.swapaxes(target._data, a, b) if target.ndim else target._data
    return _inplace_view_op(D.TRANSPOSE_INPLACE, target, data, {"dim0": a, "dim1": b}, record)


def t_(target: Tensor) -> Tensor:
    record = _check_view_inplace(target)
    if target.ndim > 2:
        raise RuntimeError(
            f"t_() expects a tensor with <= 2 dimensions, but self is {target.ndim}D"
        )
    return _inplace_view_op(D.T_INPLACE, target, target._data.T, None, record)


def alias(input: Tensor):
    return call_view(D.ALIAS, input, input._data)


# ---------------------------------------------------------------------------- indexing
#
# As PyTorch: ints, slices, None, ... (and 0-d integer tensors) first make a view
# (``_apply_slicing``); the tensors, lists and masks left index that view (``_index`` and
# ``_index_put``, PyTorch's index and index_put_).

INVALID_0D_INDEX = (
    "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ "
    "to convert a 0-dim tensor to a number"
)
SEQUENCE_INDEX = (
    "Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed in "
    "pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be interpreted as "
    "tensor index, x[tensorkit.tensor(seq)], which will result either in an error or a different result"
)
EXPANDED_INDEX_PUT = (
    "Use of index_put_ on expanded tensors is deprecated. Please clone() the tensor before "
    "performing this operation. This also applies to advanced indexing e.g. tensor[indices] = tensor"
)
EXPANDED_MASKED_FILL = (
    "Use of masked_fill_ on expanded tensors is deprecated. Please clone() the tensor before "
    "performing this operation. This also applies to advanced indexing e.g. tensor[mask] = scalar"
)


def _is_advanced(item) -> bool:
    return isinstance(item, (list, tuple, Tensor, _ndarray))


def _is_mask(data) -> bool:
    """A bool or uint8 index: a mask, in PyTorch."""
    return data.dtype.kind == "b" or data.dtype == np.uint8


def _index_array(item, xp):
    """An index tensor (or list) as the array that indexes an array of namespace ``xp``:
    integers, or a bool mask. Host indices go to the device of the indexed tensor; device
    indices into a host tensor are refused, as in PyTorch."""
    if isinstance(item, Tensor) or (hasattr(item, "shape") and not isinstance(item, np.generic)):
        data = item._data if isinstance(item, Tensor) else item
        if data.dtype.kind == "b" or data.dtype in (np.int64, np.int32):
            pass
        elif data.dtype == np.uint8:
            data = data.astype(np.bool_)
        else:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if type(data) is _ndarray and xp is np:
            return data
        owner = _backend.array_namespace(data)
        if owner is xp and type(data) is not _ndarray:
            return data
        if _backend.is_device_array(data):
            raise RuntimeError(
                "indices should be either on cpu or on the same device as the indexed tensor (cpu)"
            )
        return xp.asarray(_backend.to_host(data))
    array = np.asarray(item)  # a list: PyTorch makes it a bool tensor, else a long one
    array = array if array.dtype.kind == "b" else array.astype(np.int64)
    return array if xp is np else xp.asarray(array)


def _specified_dims(items) -> int:
    """How many dims of the tensor an index names (a mask: as many as it has)."""
    count = 0
    for item in items:
        if isinstance(item, Tensor):
            count += item.ndim if _is_mask(item._data) else 1
        elif item is not None and item is not Ellipsis and not isinstance(item, (bool, np.bool_)):
            count += 1
    return count


def _select_index(input: Tensor, dim: int, index: int, position: int):
    """``x[..., index]`` at ``dim``; an index out of range names the ``position`` in the index."""
    if input.ndim == 0 and index == 0:
        raise IndexError(INVALID_0D_INDEX)
    size = input.shape[dim] if input.ndim else 0  # PyTorch reads a size of 0 here
    if index < -size or index >= size:
        raise IndexError(
            f"index {index} is out of bounds for dimension {position} with size {size}"
        )
    return select(input, dim, index)


def _slice_index(input: Tensor, dim: int, item: slice, skip_full: bool):
    """``x[..., start:stop:step]`` at ``dim``. With ``skip_full`` (in a tuple index, and in
    ``x[a:b] = v``) a slice over a whole dim is no view at all, as in PyTorch: start 0, step 1
    and a stop past the end."""
    if item.step == 0:
        raise ValueError("slice step cannot be zero")
    if input.ndim == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    start, stop, step = item.start, item.stop, item.step
    if (
        skip_full
        and (start is None or start == 0)
        and (step is None or step == 1)
        and (stop is None or stop >= input.shape[dim])
    ):
        return input
    return _slice(input, dim, start, stop, step if step is not None else 1)


def _apply_slicing(input: Tensor, items, skip_full: bool = True):
    """PyTorch's applySlicing: the view that the ints, slices, None and ... of ``items`` pick, and
    the index tensors left for the dims of that view (None for a dim they leave alone; a mask
    covers as many dims as it has)."""
    ndim = input.ndim
    specified = _specified_dims(items)
    if specified > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    result, dim, indices = input, 0, []
    covered = 0  # dims covered by masks beyond their first: a mask is one entry of ``indices``
    for position, item in enumerate(items):
        if item is None:
            result = unsqueeze(result, dim)
            dim += 1
        elif item is Ellipsis:
            dim += ndim - specified
        elif isinstance(item, slice):
            result = _slice_index(result, dim, item, skip_full)
            dim += 1
        elif isinstance(item, (bool, np.bool_)) or (
            isinstance(item, Tensor) and item.ndim == 0 and _is_mask(item._data)
        ):
            # a 0-d mask: a new dim of size 1, kept whole (True) or emptied (False)
            result = unsqueeze(result, dim)
            kept = bool(item.item() if isinstance(item, Tensor) else item)
            indices += [None] * (dim - covered - len(indices))
            indices.append(np.zeros(1 if kept else 0, dtype=np.int64))
            dim += 1
        elif isinstance(item, (int, np.integer)):
            result = _select_index(result, dim, int(item), position)
        elif isinstance(item, Tensor) and item.ndim == 0 and item._data.dtype.kind in "iu":
            result = _select_index(result, dim, int(item.item()), position)
        elif _is_advanced(item):
            indices += [None] * (dim - covered - len(indices))
            indices.append(item)
            span = item.ndim if isinstance(item, Tensor) and _is_mask(item._data) else 1
            dim += span
            covered += span - 1
        else:
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
                f"(got {type(item).__name__})"
            )
    return result, indices


def _as_index_tuple(index) -> tuple:
    """The index as a tuple: as PyTorch (and old NumPy), a short list with a tensor, list, slice,
    ... or None in it stands for a tuple."""
    if isinstance(index, tuple):
        return index
    if (
        isinstance(index, list)
        and len(index) < 32
        and builtins.any(
            isinstance(item, (Tensor, _ndarray, list, tuple, slice))
            or item is None
            or item is Ellipsis
            for item in index
        )
    ):
        warnings.warn(SEQUENCE_INDEX, UserWarning, stacklevel=3)
        return tuple(index)
    return (index,)


def getitem(input: Tensor, index):
    """``x[index]``: ints, slices, ``None`` and ``...`` give views; lists, tensors and masks copy.

    >>> import tensorkit
    >>> x = tensorkit.arange(6.)
    >>> x[1:]._is_view(), x[[1, 2]]._is_view()
    (True, False)
    """
    if not isinstance(index, tuple):
        if index is None:
            return unsqueeze(input, 0)
        if index is Ellipsis:
            return alias(input)
        if isinstance(index, (int, np.integer)) and not isinstance(index, (bool, np.bool_)):
            return _select_index(input, 0, int(index), 0)
        if isinstance(index, slice):
            return _slice_index(input, 0, index, skip_full=False)
        if isinstance(index, Tensor) and 0 < index.ndim <= input.ndim:
            return _index(input, (index,))  # x[t], x[mask]: nothing to slice first
    result, indices = _apply_slicing(input, _as_index_tuple(index))
    if indices:
        return _index(result, indices)
    return alias(input) if result is input else result


def _advanced_getitem(input: Tensor, items):
    """``input[items]`` for an index of arrays (and slices) alone, as the gradient formulas use."""
    return _index(input, items)


def _index(input: Tensor, indices):
    """PyTorch's index: ``indices`` (index tensors, or None for a dim left alone) pick a copy."""
    xp = _backend.array_namespace(input._data)
    index = tuple(
        slice(None) if item is None or type(item) is slice else _index_array(item, xp)
        for item in indices
    )
    if builtins.any(
        hasattr(item, "dtype") and item.dtype.kind == "b" and not item.size for item in index
    ):
        _refused_index(input._data.shape, index)  # NumPy takes an empty mask of any length
    try:
        data = input._data[index]
    except IndexError:
        index, message = _refused_index(input._data.shape, index)
        if message is not None:
            raise IndexError(message) from None
        data = input._data[index]
    xp = _backend.array_namespace(input._data)
    strides = None
    if input.stride() != _layout.contiguous_strides(input._data.shape) or not builtins.all(
        item.flags.c_contiguous for item in index if hasattr(item, "dtype")
    ):
        strides = _index_strides(input, index, data.shape)
    if strides is not None:
        data = _backend.copy_with_strides(data, strides)
    else:
        data = _c_order(xp.ascontiguousarray(data))  # contiguous operands: a row-major result
    if xp.shares_memory(data, input._data):
        data = data.copy()
    params = {"indices": index, "self_sym_sizes": input._data.shape, **_index_guards(indices)}
    return call(D.INDEX, (input,), data, params)


def _index_strides(input: Tensor, index: tuple, shape: tuple):
    """The strides of PyTorch's ``input[index]`` (an index with arrays in it), or None where its
    shape is not ``shape``. PyTorch applies the slices, None and ints as a view first, then its
    index kernel iterates over the view with the indexed dims stepping 0 and over the index
    arrays (broadcast together; moved to the front when not adjacent), and the result takes
    that iteration's elementwise layout."""
    sizes, steps = list(input._data.shape), list(input.stride())
    consumed = builtins.sum(
        item.ndim if hasattr(item, "dtype") and item.dtype == np.bool_ else 1
        for item in index
        if item is not None and item is not Ellipsis
    )
    view_sizes, view_steps, arrays = [], [], []  # arrays: per view dim, an index array or None
    dim = 0
    for item in index:
        if item is Ellipsis:
            for _ in range(len(sizes) - consumed):
                view_sizes.append(sizes[dim])
                view_steps.append(steps[dim])
                arrays.append(None)
                dim += 1
        elif item is None:
            after = len(view_sizes)
            view_sizes.append(1)
            view_steps.append(1)  # fixed below, once the dims after it are known
            arrays.append(("new", after))
        elif isinstance(item, slice):
            start, stop, step = item.indices(sizes[dim])
            view_sizes.append(len(range(start, stop, step)))
            view_steps.append(steps[dim] * step)
            arrays.append(None)
            dim += 1
        elif hasattr(item, "dtype") and item.dtype == np.bool_:
            if item.ndim == 0:
                return None
            columns = np.nonzero(item)
            for column in columns:
                view_sizes.append(sizes[dim])
                view_steps.append(steps[dim])
                arrays.append(((len(column),), (item.ndim,)))  # a column of nonzero's result
                dim += 1
        elif hasattr(item, "dtype"):
            view_sizes.append(sizes[dim])
            view_steps.append(steps[dim])
            itemsize = item.itemsize
            arrays.append((item.shape, tuple(step // itemsize for step in item.strides)))
            dim += 1
        else:  # an int selects
            dim += 1
    view_sizes += sizes[dim:]  # the dims no item names
    view_steps += steps[dim:]
    arrays += [None] * (len(sizes) - dim)
    for dim in range(len(view_sizes) - 1, -1, -1):  # None: unsqueeze's stride
        if type(arrays[dim]) is tuple and arrays[dim][0] == "new":
            later = dim + 1
            view_steps[dim] = (
                view_sizes[later] * view_steps[later] if later < len(view_sizes) else 1
            )
            arrays[dim] = None
    indexed = [dim for dim, array in enumerate(arrays) if array is not None]
    if not indexed:
        return None
    try:
        index_shape = _broadcast_shape(*(arrays[dim][0] for dim in indexed))
    except RuntimeError:
        return None
    if indexed != list(range(indexed[0], indexed[-1] + 1)):  # not adjacent: to the front
        order = indexed + [dim for dim in range(len(arrays)) if arrays[dim] is None]
        view_sizes = [view_sizes[dim] for dim in order]
        view_steps = [view_steps[dim] for dim in order]
        arrays = [arrays[dim] for dim in order]
        indexed = list(range(len(indexed)))
    before, after = indexed[0], len(arrays) - indexed[-1] - 1
    kept = slice(indexed[-1] + 1, None)
    result_shape = tuple(view_sizes[:before]) + index_shape + tuple(view_sizes[kept])
    if result_shape != tuple(shape):
        return None
    operands = [
        (
            result_shape,
            tuple(view_steps[:before]) + (0,) * len(index_shape) + tuple(view_steps[kept]),
        )
    ]
    for dim in indexed:
        # the array broadcast, then viewed with size-1 dims around it (reshape's strides)
        array_shape, array_steps = _layout.expanded_geometry(*arrays[dim], index_shape)
        outer = array_shape[0] * array_steps[0] if array_shape else 1
        inner = array_steps[-1] if array_shape else 1
        operands.append(
            (
                (1,) * before + array_shape + (1,) * after,
                (outer,) * before + array_steps + (inner,) * after,
            )
        )
    return _layout.elementwise_strides(result_shape, operands)


def _index_guards(items) -> dict:
    """The index tensors, saved with their versions: the gradient depends on where they point,
    so changing one in place before backward gets PyTorch's error, not a wrong gradient."""
    from .autograd.graph import SavedTensor

    if not grad_mode.is_grad_enabled():
        return {}
    return {
        f"index_tensor_{n}": SavedTensor(item)
        for n, item in enumerate(items)
        if isinstance(item, Tensor)
    }


def _shape_text(shape) -> str:
    return "[" + ", ".join(map(str, shape)) + "]"


def _refused_index(shape, index):
    """NumPy refused ``index`` into a tensor of ``shape``: raise PyTorch's IndexError for the
    masks and the shapes of the index, in PyTorch's order of checks; else give an index NumPy
    takes, with 0 for the indices out of range, and PyTorch's message for the first of those
    (None where the result has no elements: PyTorch then reads no index, so checks none)."""
    arrays, sizes, others, src = [], [], [], 0  # masks become one integer array per dim
    xp = _backend.array_namespace(next((item for item in index if hasattr(item, "dtype")), None))
    for item in index:
        if hasattr(item, "dtype") and item.dtype.kind == "b":
            for j in range(item.ndim):
                if src + j >= len(shape) or item.shape[j] != shape[src + j]:
                    raise IndexError(
                        f"The shape of the mask {_shape_text(item.shape)} at index {j} does not match "
                        f"the shape of the indexed tensor {_shape_text(shape)} at index {src + j}"
                    )
            arrays += list(xp.nonzero(item))
            sizes += shape[src : src + item.ndim]
            src += item.ndim
        elif hasattr(item, "dtype"):
            arrays.append(item)
            sizes.append(shape[src])
            src += 1
        else:
            others.append(shape[src])
            src += 1
    others += shape[src:]
    try:
        common = np.broadcast_shapes(*(array.shape for array in arrays))
    except ValueError:
        raise IndexError(
            "shape mismatch: indexing tensors could not be broadcast together with shapes "
            + ", ".join(_shape_text(array.shape) for array in arrays)
        ) from None
    if 0 in sizes and 0 not in common:
        raise IndexError("index is out of bounds for dimension with size 0")
    arrays = [xp.broadcast_to(array, common) for array in arrays]
    outside = [(array < -size) | (array >= size) for array, size in zip(arrays, sizes)]
    message = None
    if 0 not in common and 0 not in others:
        # PyTorch checks element by element, each index in turn: name the first bad one
        first = int(xp.argmax(xp.logical_or.reduce(outside).reshape(-1)))
        for dim, (array, bad) in enumerate(zip(arrays, outside)):
            if bad.reshape(-1)[first]:
                message = (
                    f"index {int(array.reshape(-1)[first])} is out of bounds for dimension {dim} "
                    f"with size {sizes[dim]}"
                )
                break
    fixed, position = [], 0
    for item in index:
        if not hasattr(item, "dtype"):
            fixed.append(item)
            continue
        for _ in range(item.ndim if item.dtype.kind == "b" else 1):
            fixed.append(xp.where(outside[position], 0, arrays[position]))
            position += 1
    return tuple(fixed), message


def _strip_leading_ones(shape) -> tuple:
    """PyTorch's slicePrefix1sDims: the shape without its leading dims of size 1."""
    lead = 0
    while lead < len(shape) and shape[lead] == 1:
        lead += 1
    return tuple(shape[lead:])


def setitem(input: Tensor, index, value) -> None:
    """``x[index] = value`` as PyTorch's set_item: the view the index picks is written by copy_
    or fill_ (``x[:] = v`` and ``x[0:n] = v`` write ``x`` itself); an index with tensors, lists or
    masks in it writes by index_put_."""
    if not isinstance(value, (Tensor, _ndarray)):
        value = dtypes.checked_scalar(value, input.dtype)
    value = _as_operand(value)
    if not isinstance(index, tuple):
        if index is False or (isinstance(index, np.bool_) and not index):
            return None
        if index is Ellipsis:
            return _copy_to(input, value)
        if index is None or index is True or isinstance(index, np.bool_):
            return _copy_to(unsqueeze(input, 0), value)
        if isinstance(index, (int, np.integer)):
            return _copy_to(_select_index(input, 0, int(index), 0), value)
        if isinstance(index, slice):
            return _copy_to(_slice_index(input, 0, index, skip_full=True), value)
    sliced, indices = _apply_slicing(input, _as_index_tuple(index))
    if not indices:
        return _copy_to(sliced, value)
    if isinstance(value, Tensor):
        shape = _strip_leading_ones(value.shape)
        if shape != tuple(value.shape):
            value = view(value, shape)
    return _index_put(sliced, indices, value)


def _copy_to(target: Tensor, value) -> None:
    """PyTorch's copy_to: copy_ a value of the target's shape, fill_ with a single one, else
    copy_ the value with its leading 1s dropped and expanded to the target's shape."""
    if not isinstance(value, Tensor):  # PyTorch's 0-d tensor of the target's dtype
        if target.ndim == 0:
            copy_(target, value)
            return
        record = check_inplace(target, (target,))
        commit_inplace(D.FILL_TENSOR, target, (target, None), value, record)
        return
    if value.shape == target.shape:
        copy_(target, value)
    elif value.ndim == 0 and value.device.type == "cpu":
        fill_(target, value)
    else:
        source = view(value, _strip_leading_ones(value.shape))
        if source.shape != target.shape:
            source = expand(source, target.shape)
        copy_(target, source)


def _selected_shape(xp, shape, index) -> tuple:
    """The shape of ``array[index]`` for an array of ``shape``, found on a stand-in of one
    element repeated (no memory of that shape is made)."""
    probe = xp.lib.stride_tricks.as_strided(
        xp.zeros(1, dtype=np.bool_), shape=shape, strides=(0,) * len(shape)
    )
    return probe[index].shape


def _index_put(input: Tensor, indices, value) -> None:
    """PyTorch's index_put_ (accumulate False): ``indices`` as ``_index`` takes them."""
    if isinstance(value, Tensor) and value.device != input.device:
        if value.ndim:
            _same_device(input, value)
        value = to_device(value, input.device)  # a 0-d value is a scalar: it may come from the CPU
    record = check_inplace(input, (input, value), overlap=False)
    data = input._data
    xp = _backend.array_namespace(data)
    expanded = has_internal_overlap(data)
    if expanded:
        warnings.warn(EXPANDED_INDEX_PUT, UserWarning, stacklevel=3)
    indices = [
        item if item is None or isinstance(item, Tensor) else _index_array(item, xp)
        for item in indices
    ]
    given = [item for item in indices if item is not None]
    single = not isinstance(value, Tensor) or (value.numel() == 1 and value.device == input.device)
    masked = single and len(given) == 1 and _is_mask(_data_of(given[0]))
    if masked:
        # PyTorch fills through masked_fill_ here: the value is cast to the tensor's dtype, and
        # only a mask that shares part of the tensor's memory is refused
        mask = _index_array(given[0], xp)
        _refused_mask(data.shape, indices, mask)
        if expanded:
            warnings.warn(EXPANDED_MASKED_FILL, UserWarning, stacklevel=3)
        if isinstance(given[0], Tensor) and overlap_status(data, given[0]._data) == "partial":
            raise RuntimeError(PARTIAL_OVERLAP_INPLACE)
        values = value.item() if isinstance(value, Tensor) else value
    else:
        for other in [value, *given]:
            if other is input or (
                isinstance(other, Tensor)
                and other._storage is input._storage
                and overlap_status(data, other._data) is not None
            ):
                raise RuntimeError(PARTIAL_OVERLAP_INPLACE)
        values = value._data if isinstance(value, Tensor) else value
    index = tuple(slice(None) if item is None else _index_array(item, xp) for item in indices)
    message = None
    try:
        selected_shape = _selected_shape(xp, data.shape, index)
    except IndexError:
        index, message = _refused_index(data.shape, index)
        selected_shape = _selected_shape(xp, data.shape, index)
    if isinstance(value, Tensor) and not masked:
        if not _broadcasts_to(tuple(value.shape), selected_shape):
            raise RuntimeError(
                f"shape mismatch: value tensor of shape {_shape_text(value.shape)} cannot be broadcast "
                f"to indexing result of shape {_shape_text(selected_shape)}"
            )
        if value.dtype is not input.dtype:
            raise RuntimeError(
                "Index put requires the source and destination dtypes match, got "
                f"{input.dtype.short_name} for the destination and {value.dtype.short_name} for the source."
            )
    if message is not None:
        raise IndexError(message)  # PyTorch writes up to the bad index; tensorkit writes nothing
    # Written in full before anything is committed: nothing is half-applied.
    if expanded:
        # elements share memory: each must read what was written last to its memory
        out = _backend.window(_backend.span(data).copy(), 0, data.shape, data.strides)
    else:
        out = data.copy()
    out[index] = values
    if not isinstance(value, Tensor):
        value = None
    params = {"indices": index, "accumulate": False, **(_index_guards(given) if record else {})}
    commit_inplace(D.INDEX_PUT, input, (input, value), out, record, params)


def _broadcasts_to(shape, target) -> bool:
    return len(shape) <= len(target) and builtins.all(
        size in (1, goal) for size, goal in zip(reversed(shape), reversed(target))
    )


def _data_of(item):
    return item._data if isinstance(item, Tensor) else item


def _refused_mask(shape, indices, mask) -> None:
    """PyTorch's check of a mask against the dims it covers (``indices``: one mask, else None)."""
    start = next(n for n, item in enumerate(indices) if item is not None)
    for j in range(mask.ndim):
        if start + j >= len(shape) or mask.shape[j] != shape[start + j]:
            raise IndexError(
                f"The shape of the mask {_shape_text(mask.shape)} at index {j} does not match "
                f"the shape of the indexed tensor {_shape_text(shape)} at index {start + j}"
            )


# ---------------------------------------------------------------------------- in-place forms


OUT_RESIZED = (
    "An output with one or more elements was resized since it had shape [{old}], which does not match "
    "the required output shape [{new}]. This behavior is deprecated, and in a future PyTorch release "
    "outputs will not be resized unless they have zero elements. You can explicitly reuse an out tensor t "
    "by resizing it, inplace, to zero elements with t.resize_(0)."
)


def _into(out: Tensor, result: Tensor, name: str = "out") -> Tensor:
    """Write ``result`` into ``out`` (the ``out=`` argument), resizing it as PyTorch does."""
    if grad_mode.is_grad_enabled() and (result.requires_grad or out.requires_grad):
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic differentiation, but one "
            "of the arguments requires grad."
        )
    if out._data.shape != result._data.shape:
        if out._data.size:
            warnings.warn(
                OUT_RESIZED.format(
                    old=", ".join(map(str, out._data.shape)),
                    new=", ".join(map(str, result._data.shape)),
                ),
                UserWarning,
                stacklevel=3,
            )
        from .tensor import UntypedStorage

        xp = _backend.array_namespace(out._data)
        out._data = xp.empty(result._data.shape, dtype=out._data.dtype)
        out._storage = UntypedStorage(out._data)
    from ._dispatch import write

    write(out, result._data.astype(out._data.dtype, copy=False))
    return out


def copy_(target: Tensor, src, non_blocking: bool = False) -> Tensor:
    src = _as_operand(src)
    # PyTorch copies nothing (and checks no overlap) from a tensor onto the same elements
    same = isinstance(src, Tensor) and (src is target or _same_window(src._data, target._data))
    record = check_inplace(target, (target, src), copy=True, overlap=not same)
    if isinstance(src, Tensor):
        # the source must broadcast to the target's shape
        if src._data.shape != target._data.shape:
            check_result_shape(target, _broadcast_shape(target._data.shape, src._data.shape))
        data = src._data
        if type(data) is not type(target._data):
            data = _backend.to_device(data, target.device)
        out = data.astype(target._data.dtype, copy=False)
    else:
        out = src
    if not isinstance(src, Tensor):
        src = None
    return commit_inplace(D.COPY, target, (target, src), out, record)


def _same_window(first, second) -> bool:
    """Whether two arrays are the same elements of the same memory, of one dtype."""
    from ._backend import data_address

    return (
        first.shape == second.shape
        and first.strides == second.strides
        and first.dtype == second.dtype
        and type(first) is type(second)
        and data_address(first) == data_address(second)
    )


def fill_(target: Tensor, value) -> Tensor:
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} dimensions."
            )
        # FillBackward3: the value gets the summed gradient. PyTorch copies the value (a clone
        # of it where it shares the target's memory) into the target: only an expanded target
        # is refused
        record = check_inplace(target, (target, value), overlap=False)
        if has_internal_overlap(target._data):
            raise RuntimeError(OVERLAP_INPLACE)
        return commit_inplace(D.FILL_TENSOR, target, (target, value), value.item(), record)
    return _inplace_constant(D.FILL, target, dtypes.checked_scalar(value, target.dtype))


def zero_(target: Tensor) -> Tensor:
    return _inplace_constant(D.ZERO, target, 0)


def _alpha_is_plain(target: Tensor, alpha) -> bool:
    """Whether ``alpha`` needs no check of its own: an int for a non-bool target, or a float
    for a float one (p.add_(grad, alpha=-lr), every optimizer step)."""
    kind = target._data.dtype.kind
    return (type(alpha) is int and kind != "b") or (type(alpha) is float and kind == "f")


def add_(target: Tensor, other, *, alpha=1) -> Tensor:
    if not _alpha_is_plain(target, alpha):
        alpha = _inplace_alpha(target, other, alpha)
    return _inplace_binary(D.ADD, target, other, {"alpha": alpha})


def sub_(target: Tensor, other, *, alpha=1) -> Tensor:
    if _is_bool(target) or _is_bool(other):
        _autograd_checks(target, other)
        _refuse_bool_subtraction(target, other)
    if not _alpha_is_plain(target, alpha):
        alpha = _inplace_alpha(target, other, alpha)
    return _inplace_binary(D.SUB, target, other, {"alpha": alpha})


def _autograd_checks(target: Tensor, other=None) -> None:
    """The checks PyTorch makes before an in-place kernel runs (leaf, views, inference), for
    kernels that refuse their input on their own before looking at memory overlap."""
    try:
        check_inplace(target, (target, _as_operand(other)) if other is not None else (target,))
    except RuntimeError as error:
        if str(error) not in (OVERLAP_INPLACE, PARTIAL_OVERLAP_INPLACE):
            raise


def _inplace_alpha(target: Tensor, other, alpha):
    """An in-place add/sub's alpha, checked as PyTorch does once the write itself passed its
    checks; a bool target scales by bool(alpha)."""
    other = _as_operand(other)
    check_inplace(target, (target, other))
    if isinstance(other, Tensor):  # the shape before the dtype, as in _inplace_binary
        check_result_shape(target, _broadcast_shape(target._data.shape, other._data.shape))
    check_result_dtype(target, result_dtype(target, other))
    _check_alpha(target.dtype, alpha)
    return bool(alpha) if target.dtype is dtypes.bool_ else alpha


def mul_(target: Tensor, other) -> Tensor:
    return _inplace_binary(D.MUL, target, other)


def div_(target: Tensor, other) -> Tensor:
    if target.dtype.category != dtypes.FLOATING:  # always refused: in PyTorch's order
        other = _as_operand(other)
        check_inplace(target, (target, other))
        if isinstance(other, Tensor):
            check_result_shape(target, _broadcast_shape(target._data.shape, other._data.shape))
        dtype = result_dtype(target, other)
        check_result_dtype(target, dtype if dtype.is_floating_point else dtypes.get_default_dtype())
    with _backend.warnings_off():
        return _inplace_binary(D.DIV, target, other)


def pow_(target: Tensor, exponent) -> Tensor:
    if isinstance(exponent, Tensor):
        if target.dtype is dtypes.bool_:
            _inplace_kernel_checks(target, exponent, "pow")
        return _inplace_binary(D.POW_TENSOR, target, exponent)
    record = check_inplace(target, (target,))
    check_result_dtype(target, result_dtype(target, _as_operand(exponent)))
    if target.dtype.category != dtypes.FLOATING and isinstance(exponent, int) and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    out = D.POW.forward(_backend.array_namespace(target._data), target._data, exponent)
    return commit_inplace(D.POW, target, (target,), out, record, {"exponent": exponent})


def clamp_(target: Tensor, min=None, max=None) -> Tensor:
    if min is None and max is None:
        raise RuntimeError("tensorkit.clamp: At least one of 'min' or 'max' must not be None")
    _same_device(target, min, max)
    bounds = tuple(_as_operand(v) for v in (min, max) if v is not None)
    bounds_dtype = result_dtype(target, *bounds)
    if builtins.any(isinstance(v, Tensor) for v in bounds):
        # clamp(Tensor min, Tensor max): a TensorIterator's checks, in its order
        check_inplace(target, (target, *bounds))
        check_result_dtype(target, bounds_dtype)
    elif not dtypes.can_cast(bounds_dtype, target.dtype):
        from .tensor import _CPP_TYPE_NAMES

        raise RuntimeError(  # PyTorch names the target type in C++ here ("long int")
            f"result type {bounds_dtype.short_name} can't be cast to the desired output type "
            f"{_CPP_TYPE_NAMES[target.dtype.name]}"
        )
    for bound in (min, max):
        if bound is not None and not isinstance(bound, Tensor):
            dtypes.checked_scalar(bound, target.dtype)
    if bounds_dtype is dtypes.bool_ and _clamp_kernel(min, max):
        check_inplace(target, (target, *bounds))  # the kernel refuses after the overlap check
        _refuse_bool(bounds_dtype, _clamp_kernel(min, max))
    return _inplace_unary(D.CLAMP, target, {"min": min, "max": max})


def _inplace_float_unary(op):
    def function(target: Tensor) -> Tensor:
        with _backend.warnings_off():
            return _inplace_unary(op, target, float_only=True)

    return function


exp_ = _inplace_float_unary(D.EXP)
log_ = _inplace_float_unary(D.LOG)
sqrt_ = _inplace_float_unary(D.SQRT)
sin_ = _inplace_float_unary(D.SIN)
cos_ = _inplace_float_unary(D.COS)
tanh_ = _inplace_float_unary(D.TANH)
sigmoid_ = _inplace_float_unary(D.SIGMOID)
reciprocal_ = _inplace_float_unary(D.RECIPROCAL)


def neg_(target: Tensor) -> Tensor:
    if target.dtype is dtypes.bool_:
        _autograd_checks(target)
        neg(target)  # raises PyTorch's message
    return _inplace_unary(D.NEG, target)


def abs_(target: Tensor) -> Tensor:
    if target.dtype is dtypes.bool_:
        check_inplace(target, (target,))  # the kernel refuses after the overlap check
        _refuse_bool(dtypes.bool_, "abs_cpu")
    return _inplace_unary(D.ABS, target)


def relu_(target: Tensor) -> Tensor:
    if target.dtype is dtypes.bool_:
        _autograd_checks(target)
        raise RuntimeError(RELU_BOOL)
    return _inplace_unary(D.RELU, target)


def _random_fill(op, target: Tensor, sample) -> Tensor:
    """``normal_``/``uniform_``: refuse first (the generator must not advance for nothing), then
    draw ``sample(shape)`` into the target; the old values get no gradient."""
    record = check_inplace(target, (target,))
    values = sample(target._data.shape).astype(target._data.dtype)  # drawn on the host
    values = _backend.to_namespace_of(target._data, values)
    return commit_inplace(op, target, (target,), values, record)


def full_scalar_like(reference: Tensor, value) -> Tensor:
    """A 0-dim tensor of ``reference``'s dtype holding ``value`` (for formulas on tensors)."""
    xp = _backend.array_namespace(reference._data)
    return wrap(xp.asarray(value, dtype=reference._data.dtype))


def floor_divide_(target: Tensor, other) -> Tensor:
    if target.dtype.category != dtypes.FLOATING:
        _inplace_kernel_checks(target, other, "div_floor_cpu")
    return _inplace_binary(D.FLOOR_DIVIDE, target, other)


def remainder_(target: Tensor, other) -> Tensor:
    if target.dtype.category != dtypes.FLOATING:
        _inplace_kernel_checks(target, other, "remainder_cpu")
    return _inplace_binary(D.REMAINDER, target, other)


def _inplace_kernel_checks(target: Tensor, other, kernel: str) -> None:
    """What an integer or bool target's in-place kernel refuses, after the write's own checks
    (as PyTorch's order): no bool kernel, no integer division by zero (unless nothing is
    written)."""
    other = _as_operand(other)
    check_inplace(target, (target, other))
    check_result_dtype(target, result_dtype(target, other))
    if isinstance(other, Tensor):
        check_result_shape(target, _broadcast_shape(target._data.shape, other._data.shape))
    _refuse_bool(target.dtype, kernel)
    if kernel != "pow":
        divisor = other._data if isinstance(other, Tensor) else other
        _refuse_integer_division_by_zero(target.dtype, divisor, target._data)


def _inplace_bitwise(name: str):
    """``&=``, ``|=``, ``^=``, ``<<=``, ``>>=``: integer (and for the first three, bool)
    tensors only, so there is nothing to record."""

    shift = {"bitwise_left_shift": "lshift", "bitwise_right_shift": "rshift"}.get(name)

    def function(target: Tensor, other) -> Tensor:
        other = _as_operand(other)
        check_inplace(target, (target, other))
        dtype = result_dtype(target, other)
        if shift is None and (dtype.is_floating_point or dtype.is_complex):
            raise _not_implemented(name, dtype, target)
        check_result_dtype(target, dtype)
        if shift is not None and dtype.numpy.kind not in "iu":
            raise _not_implemented(shift, dtype, target)
        x, y = _arrays((target, other), dtype)
        if shift is not None:
            out = _shift(shift == "lshift", x, y, dtype)
        else:
            out = getattr(_backend.array_namespace(x), name)(x, y)
        check_result_shape(target, out.shape)
        from ._dispatch import write

        write(target, out)
        return target

    function.__name__ = name + "_"
    return function


bitwise_and_ = _inplace_bitwise("bitwise_and")
bitwise_or_ = _inplace_bitwise("bitwise_or")
bitwise_xor_ = _inplace_bitwise("bitwise_xor")
bitwise_left_shift_ = _inplace_bitwise("bitwise_left_shift")
bitwise_right_shift_ = _inplace_bitwise("bitwise_right_shift")


# Every public op computes with NumPy's floating-point warnings off, as PyTorch never warns.
_backend.quiet_public_functions(globals())
