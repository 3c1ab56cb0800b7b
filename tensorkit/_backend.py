"""The one module that imports NumPy or CuPy.

Everything else asks this module for an *array namespace* (``xp``): ``numpy`` for tensors on
the CPU, ``cupy`` for tensors on a CUDA device. CuPy is imported only when a CUDA tensor is
first asked for, so ``import tensorkit`` costs one NumPy import and nothing else.
"""

from __future__ import annotations

import functools
import types

import numpy

__all__ = ["Device", "array_namespace", "cupy_module", "device", "namespace_for", "numpy"]


class Device:
    """Where a tensor's memory lives: ``device(type='cpu')`` or ``device(type='cuda', index=0)``.

    >>> Device("cpu")
    device(type='cpu')
    >>> str(Device("cuda", 1))
    'cuda:1'
    """

    __slots__ = ("index", "type")

    def __init__(self, type: str | Device, index: int | None = None) -> None:
        if isinstance(type, Device):
            type, index = type.type, type.index if index is None else index
        if not isinstance(type, str):
            raise TypeError(
                f"Device() received an invalid combination of arguments - got ({type.__class__.__name__})"
            )
        if ":" in type:
            type, _, number = type.partition(":")
            if not number.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{number}'")
            index = int(number)
        if type not in ("cpu", "cuda"):
            raise RuntimeError(
                "Expected one of cpu, cuda device type at start of device string: " + type
            )
        if type == "cpu":
            index = None
        self.type = type
        self.index = index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = Device(other)
        if not isinstance(other, Device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))


device = Device
CPU = Device("cpu")

_cupy = None


def cupy_module():
    """Import CuPy on first use, with a message that says how to get it."""
    global _cupy
    if _cupy is None:
        try:
            import cupy
        except ImportError as error:
            raise AssertionError(
                "tensorkit cannot use CUDA: CuPy is not installed. "
                "Install the GPU extra (pip install 'tensorkit[gpu]') on a machine with an NVIDIA GPU."
            ) from error
        try:
            count = cupy.cuda.runtime.getDeviceCount()
        except Exception as error:  # CuPy raises its own CUDARuntimeError subclasses
            raise AssertionError(
                f"tensorkit cannot use CUDA: no usable NVIDIA GPU ({error})"
            ) from error
        if count == 0:
            raise AssertionError("tensorkit cannot use CUDA: no NVIDIA GPU is visible")
        _cupy = cupy
    return _cupy


def namespace_for(device: Device):
    """The array namespace that holds memory on ``device``."""
    return numpy if device.type == "cpu" else cupy_module()


def array_namespace(array):
    """``numpy`` or ``cupy``, whichever owns ``array`` (CuPy's get_array_module, without importing CuPy)."""
    if isinstance(array, numpy.ndarray) or _cupy is None:
        return numpy
    return _cupy if isinstance(array, _cupy.ndarray) else numpy


def device_of(array) -> Device:
    if isinstance(array, numpy.ndarray) or _cupy is None:
        return CPU
    return Device("cuda", array.device.id)


def to_host(array):
    """A NumPy array with ``array``'s values (the array itself when it already is one)."""
    if isinstance(array, numpy.ndarray):
        return array
    if isinstance(array, numpy.generic):
        return numpy.asarray(array)
    return array.get()


def to_device(array, device: Device):
    """Copy ``array`` onto ``device``."""
    if device.type == "cpu":
        return numpy.array(to_host(array))
    cupy = cupy_module()
    with cupy.cuda.Device(device.index or 0):
        return cupy.asarray(array)


def data_address(array) -> int:
    """The address of ``array``'s first element."""
    if isinstance(array, numpy.ndarray):
        return array.__array_interface__["data"][0]
    return array.data.ptr


def span(array):
    """A 1-d array over every element position between ``array``'s first and last element.

    Strides are never negative here (``from_numpy`` refuses those), so the span starts at the
    array's first element.
    """
    xp = array_namespace(array)
    if array.size == 0:
        return xp.empty(0, dtype=array.dtype)
    extent = sum((size - 1) * stride for size, stride in zip(array.shape, array.strides))
    count = extent // array.itemsize + 1
    return xp.lib.stride_tricks.as_strided(array, shape=(count,), strides=(array.itemsize,))


def window(flat, byte_offset: int, shape, strides):
    """A strided view of ``shape`` and byte ``strides``, starting ``byte_offset`` bytes into ``flat``."""
    xp = array_namespace(flat)
    start = flat[byte_offset // flat.itemsize :]
    return xp.lib.stride_tricks.as_strided(start, shape=shape, strides=strides)


# NumPy warns on log(0), exp overflow, 0 * inf, a float32 sum that overflows, a cast of nan to
# an integer and the like; PyTorch never does, so tensorkit computes with those warnings off.
# ``numpy.errstate`` costs about a microsecond (a sizeable share of a small op), so ``hush()``
# sets the context variable it sets, prepared once, where NumPy has it; ``unhush(token)`` undoes
# it. Both are C calls.
try:
    from numpy._core._ufunc_config import _extobj_contextvar, _make_extobj

    hush = functools.partial(_extobj_contextvar.set, _make_extobj(all="ignore"))
    unhush = _extobj_contextvar.reset
except ImportError:  # another NumPy layout: the public, slower way

    def hush():
        state = numpy.errstate(all="ignore")
        state.__enter__()
        return state

    def unhush(state) -> None:
        state.__exit__(None, None, None)


def quiet(function, *args):
    """``function(*args)`` with NumPy's floating-point warnings switched off."""
    token = hush()
    try:
        return function(*args)
    finally:
        unhush(token)


def quietly(function):
    """``function`` with NumPy's floating-point warnings off while it runs: what every public op
    and factory is wrapped in (``_ops``, ``_creation``). The hottest ops hush themselves inline
    and carry ``_quiet = True`` so they are not wrapped twice."""

    @functools.wraps(function)
    def quiet_function(*args, **kwargs):
        token = hush()
        try:
            return function(*args, **kwargs)
        finally:
            unhush(token)

    quiet_function._quiet = True
    return quiet_function


def quiet_public_functions(namespace: dict) -> None:
    """Wrap, in place, every public function a module defines (``namespace`` is its globals())
    with ``quietly``; an alias gets the same wrapper as the name it aliases."""
    module = namespace["__name__"]
    wrapped: dict[int, object] = {}
    for name, value in list(namespace.items()):
        if (
            name.startswith("_")
            or not isinstance(value, types.FunctionType)
            or value.__module__ != module
            or getattr(value, "_quiet", False)
        ):
            continue
        if id(value) not in wrapped:
            wrapped[id(value)] = quietly(value)
        namespace[name] = wrapped[id(value)]


def warnings_off():
    """A context manager with NumPy's floating-point warnings off, for longer stretches of work."""
    return numpy.errstate(all="ignore")


def empty_strided(shape, strides, dtype, like):
    """Uninitialised memory of ``shape`` laid out with element ``strides``, on ``like``'s device."""
    xp = array_namespace(like)
    count = (
        1 + sum((size - 1) * stride for size, stride in zip(shape, strides)) if all(shape) else 0
    )
    flat = xp.empty(count, dtype=dtype)
    if not shape:
        return flat.reshape(())
    return xp.lib.stride_tricks.as_strided(
        flat, shape=tuple(shape), strides=tuple(stride * flat.itemsize for stride in strides)
    )


def copy_with_strides(array, strides, dtype=None):
    """A copy of ``array`` laid out with element ``strides`` (cast to ``dtype`` if given)."""
    out = empty_strided(array.shape, strides, array.dtype if dtype is None else dtype, array)
    out[...] = array
    return out
