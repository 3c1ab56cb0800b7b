"""Data types and PyTorch's type-promotion rules.

PyTorch promotes by *category* (bool < integer < floating point) and lets an operand's
*tier* decide how much its dtype counts: tensors with dimensions beat 0-dim tensors, which
beat Python scalars. A scalar or 0-dim tensor only changes the result when it brings a higher
category: ``int64[2] + 1.5`` is float32 (the default dtype), ``float32[2] + float64(0-dim)``
stays float32.
"""

from __future__ import annotations

import math

from ._backend import numpy as np

__all__ = [
    "bool_",
    "dtype",
    "float16",
    "float32",
    "float64",
    "get_default_dtype",
    "int8",
    "int16",
    "int32",
    "int64",
    "promote_types",
    "set_default_dtype",
    "uint8",
]

BOOL, INTEGER, FLOATING = 0, 1, 2


class dtype:
    """A tensor element type, printed as PyTorch prints it (``tensorkit.float32``)."""

    __slots__ = (
        "__weakref__",
        "category",
        "itemsize",
        "legacy_name",
        "name",
        "numpy",
        "short_name",
    )

    def __init__(self, name: str, numpy_dtype, category: int, legacy_name: str, short_name: str):
        self.name = name
        self.numpy = np.dtype(numpy_dtype)
        self.category = category
        self.itemsize = self.numpy.itemsize
        self.legacy_name = legacy_name  # FloatTensor, used in PyTorch's error messages
        self.short_name = short_name  # Float, used in "result type Float can't be cast ..."

    @property
    def is_floating_point(self) -> bool:
        return self.category == FLOATING

    @property
    def is_complex(self) -> bool:
        return False

    @property
    def is_signed(self) -> bool:
        return self.name not in ("bool", "uint8")

    def to_real(self) -> dtype:
        return self

    def __repr__(self) -> str:
        return f"tensorkit.{self.name}"

    def __reduce__(self):
        # pickles as this module's attribute of that name (bool is bool_ here: a Python keyword clash)
        return "bool_" if self.name == "bool" else self.name


float16 = dtype("float16", np.float16, FLOATING, "HalfTensor", "Half")
float32 = dtype("float32", np.float32, FLOATING, "FloatTensor", "Float")
float64 = dtype("float64", np.float64, FLOATING, "DoubleTensor", "Double")
uint8 = dtype("uint8", np.uint8, INTEGER, "ByteTensor", "Byte")
int8 = dtype("int8", np.int8, INTEGER, "CharTensor", "Char")
int16 = dtype("int16", np.int16, INTEGER, "ShortTensor", "Short")
int32 = dtype("int32", np.int32, INTEGER, "IntTensor", "Int")
int64 = dtype("int64", np.int64, INTEGER, "LongTensor", "Long")
bool_ = dtype("bool", np.bool_, BOOL, "BoolTensor", "Bool")

ALL = (float16, float32, float64, uint8, int8, int16, int32, int64, bool_)
_BY_NUMPY = {d.numpy: d for d in ALL}

_default_dtype = float32


def get_default_dtype() -> dtype:
    return _default_dtype


def set_default_dtype(d: dtype) -> None:
    global _default_dtype
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default_dtype = d


def from_numpy_dtype(numpy_dtype) -> dtype:
    """The tensorkit dtype for a NumPy dtype, or TypeError for one tensorkit can't hold."""
    try:
        return _BY_NUMPY[np.dtype(numpy_dtype)]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(numpy_dtype).name}. The only supported "
            "types are: float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
        ) from None


def promote_types(a: dtype, b: dtype) -> dtype:
    """The smallest dtype that both ``a`` and ``b`` convert to (PyTorch's table, no complex)."""
    if a is b:
        return a
    if a.category != b.category:
        return a if a.category > b.category else b
    if a.category == INTEGER and (a is uint8) != (b is uint8):
        other = b if a is uint8 else a
        return int16 if other is int8 else other
    return a if a.itemsize >= b.itemsize else b


def can_cast(source: dtype, target: dtype) -> bool:
    """Whether an in-place op may write a ``source`` result into a ``target`` tensor."""
    return source.category <= target.category


def scalar_dtype(value) -> dtype:
    """The dtype a Python scalar takes in type promotion (floats count as the default dtype)."""
    if isinstance(value, bool):
        return bool_
    if isinstance(value, int):
        return int64
    return _default_dtype


def _combine_categories(higher: dtype | None, lower: dtype | None) -> dtype | None:
    if higher is None:
        return lower
    if higher.category == FLOATING:
        return higher
    if lower is not None and (higher is bool_ or lower.category == FLOATING):
        return promote_types(higher, lower)
    return higher


def result_type(dimensioned: dtype | None, zero_dim: dtype | None, scalar: dtype | None) -> dtype:
    """Combine the promoted dtype of each tier: dimensioned tensors, 0-dim tensors, Python scalars."""
    return _combine_categories(dimensioned, _combine_categories(zero_dim, scalar))


# The C++ element types PyTorch names when a Python number does not fit one.
_ELEMENT_TYPE_NAMES = {
    "float16": "c10::Half",
    "float32": "float",
    "float64": "double",
    "int8": "int8_t",
    "int16": "int16_t",
    "int32": "int",
    "int64": "int64_t",
    "uint8": "uint8_t",
}


def checked_scalar(value, target: dtype):
    """``value`` (a Python number) as PyTorch converts it to one element of ``target``: a number
    out of the type's range is refused (``full``, ``fill_``, ``clamp``, ``x[i] = v``), where an
    op's arithmetic would overflow to inf silently. inf and nan fit any floating type; an
    unsigned type takes negative numbers down to minus its maximum (they wrap)."""
    if isinstance(value, (bool, np.bool_)) or target.category == BOOL:
        return value
    if isinstance(value, int) and value >= 2**64:
        raise OverflowError("int too big to convert")
    if isinstance(value, int) and value < -(2**63):
        raise OverflowError("can't convert negative int to unsigned")
    if not isinstance(value, (int, float, np.integer, np.floating)):
        return value
    kind = target.numpy.kind
    if math.isnan(value):
        fits = kind == "f"
    elif kind == "f":
        fits = math.isinf(value) or abs(value) <= float(np.finfo(target.numpy).max)
    else:
        info = np.iinfo(target.numpy)
        low = -int(info.max) if kind == "u" else int(info.min)
        fits = low <= value <= int(info.max)
        if fits and kind == "u" and value < 0:
            return int(value) % (int(info.max) + 1)  # -1 is 255 in uint8
    if not fits:
        raise RuntimeError(
            f"value cannot be converted to type {_ELEMENT_TYPE_NAMES[target.name]} without overflow"
        )
    return value
