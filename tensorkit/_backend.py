"""The one module that imports NumPy or CuPy.

Everything else asks this module for an *array namespace* (``xp``): ``numpy`` for tensors on
the CPU, ``cupy`` for tensors on a CUDA device. CuPy is imported only when a CUDA tensor is
first asked for, so ``import tensorkit`` costs one NumPy import and nothing else.
"""

from __future__ import annotations

import functools
import types

import numpy

__all__ = [
    "Device",
    "array_namespace",
    "cuda_namespace",
    "device",
    "from_host",
    "host_view",
    "namespace_for",
    "numpy",
]


class Device:
    """Where a tensor's memory lives: ``device(type='cpu')`` or ``device(type='cuda', index=0)``.

    >>> Device("cpu")
    device(type='cpu')
    >>> str(Device("cuda", 1))
    'cuda:1'
    """

    __slots__ = ("index", "type")

    def __init__(self, type: str | Device | int, index: int | None = None) -> None:
        if isinstance(type, Device):
            type, index = type.type, type.index if index is None else index
        elif isinstance(type, int) and not isinstance(type, bool):
            if cuda_device_count() == 0:  # a bare index names the accelerator: CUDA
                raise RuntimeError("Cannot access accelerator device when none is available.")
            type, index = "cuda", type
        if not isinstance(type, str):
            raise TypeError(
                "device() received an invalid combination of arguments - got "
                f"({type.__class__.__name__}), but expected one of:\n"
                " * (tensorkit.device device)\n"
                "      didn't match because some of the arguments have invalid types: "
                f"(!{type.__class__.__name__}!)\n"
                " * (str type, int index = -1)\n"
            )
        if ":" in type:
            if index is not None:
                raise RuntimeError(
                    "type (string) must not include an index because index was passed "
                    f"explicitly: {type}"
                )
            name, _, number = type.partition(":")
            if not number.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            type, index = name, int(number)
        if type not in _DEVICE_TYPES:
            raise RuntimeError(
                f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device "
                f"string: {type}"
            )
        if type not in ("cpu", "cuda"):
            raise RuntimeError(
                f"tensorkit has the cpu and cuda devices (NumPy and CuPy), not {type}"
            )
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self.type = type
        self.index = index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Device):  # a string is no device: device("cpu") != "cpu"
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))


# PyTorch's device types, as its message lists them (tensorkit has the first two)
_DEVICE_TYPES = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga",
    "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone",
)  # fmt: skip
device = Device
CPU = Device("cpu")

# The two array namespaces. The host's is NumPy; the test suite may put a strict stand-in in its
# place (tests/strict_device.py), whose arrays refuse to pass for NumPy arrays, so that any
# code that reaches past a tensor's namespace fails on the CPU as it would on a GPU. The CUDA
# namespace is CuPy, imported when a CUDA tensor is first asked for (or the stand-in).
_host = numpy
_host_array = numpy.ndarray
_cuda = None
_cuda_array: type | None = None
_cuda_is_stand_in = False

NO_CUPY = (
    "tensorkit cannot use CUDA: CuPy is not installed. On a machine with an NVIDIA GPU, install "
    'the GPU extra for your CUDA version: pip install "tensorkit[gpu]" (CUDA 13) or '
    'pip install "tensorkit[gpu-cuda12]" (CUDA 12), which bring the CuPy wheel '
    "(cupy-cuda13x, cupy-cuda12x)."
)


def _no_gpu(detail: str) -> str:
    return (
        f"tensorkit cannot use CUDA: CuPy is installed, but {detail}. CUDA tensors need an "
        "NVIDIA GPU and its driver; on this machine use the CPU (device='cpu')."
    )


def cuda_namespace():
    """CuPy (imported on first use), or a RuntimeError that says what is missing and how to get it."""
    global _cuda, _cuda_array
    if _cuda is None:
        try:
            import cupy
        except ImportError as error:
            raise RuntimeError(NO_CUPY) from error
        try:
            count = cupy.cuda.runtime.getDeviceCount()
        except Exception as error:  # CuPy raises its own CUDARuntimeError subclasses
            raise RuntimeError(_no_gpu(f"no usable NVIDIA GPU was found ({error})")) from error
        if count == 0:
            raise RuntimeError(_no_gpu("no NVIDIA GPU is visible"))
        _cuda, _cuda_array = cupy, cupy.ndarray
    return _cuda


def cuda_device_count() -> int:
    """How many CUDA devices there are: 0 without CuPy or without a GPU (never raises)."""
    if _cuda is not None:
        return 1 if _cuda_is_stand_in else _cuda.cuda.runtime.getDeviceCount()
    try:
        return cuda_namespace().cuda.runtime.getDeviceCount()
    except RuntimeError:
        return 0


def cuda_device_name(xp, index: int) -> str:
    if _cuda_is_stand_in:
        return "tensorkit strict stand-in device"
    name = xp.cuda.runtime.getDeviceProperties(index)["name"]
    return name.decode() if isinstance(name, bytes) else str(name)


def use_namespaces(host=None, cuda=None) -> tuple:
    """Serve the host and/or CUDA devices with the given array namespaces (the test suite's
    strict stand-ins); returns the previous pair, for ``restore_namespaces``."""
    global _host, _host_array, _cuda, _cuda_array, _cuda_is_stand_in
    previous = (_host, (_cuda, _cuda_is_stand_in))
    if host is not None:
        _host, _host_array = host, host.ndarray
    if cuda is not None:
        _cuda, _cuda_array, _cuda_is_stand_in = cuda, cuda.ndarray, True
    return previous


def restore_namespaces(previous: tuple) -> None:
    global _host, _host_array, _cuda, _cuda_array, _cuda_is_stand_in
    host, (cuda, stand_in) = previous
    _host, _host_array = host, host.ndarray
    _cuda, _cuda_is_stand_in = cuda, stand_in
    _cuda_array = cuda.ndarray if cuda is not None else None


def host_namespace():
    """The namespace of host memory: NumPy (or the test suite's strict stand-in)."""
    return _host


def namespace_for(device: Device):
    """The array namespace that holds memory on ``device``."""
    return _host if device.type == "cpu" else cuda_namespace()


def array_namespace(array):
    """The namespace that owns ``array`` (CuPy's get_array_module, without importing CuPy):
    the host's for host arrays and for anything that is no array (Python and NumPy scalars)."""
    if type(array) is _host_array:
        return _host
    if _cuda_array is not None and isinstance(array, _cuda_array):
        return _cuda
    return _host


def as_array(value):
    """An op's result as an array: NumPy hands back 0-d results as scalars; an array of either
    namespace stays itself."""
    if isinstance(value, _host_array) or (
        _cuda_array is not None and isinstance(value, _cuda_array)
    ):
        return value
    return _host.asarray(value)


def is_device_array(array) -> bool:
    return _cuda_array is not None and isinstance(array, _cuda_array)


def device_of(array) -> Device:
    if _cuda_array is not None and isinstance(array, _cuda_array):
        return Device("cuda", array.device.id)
    return CPU


def from_host(array):
    """A NumPy array as an array of the host namespace, sharing its memory (``from_numpy``)."""
    return array if _host is numpy else _host.wrap_host(array)


def host_view(array):
    """The NumPy array over a host array's memory (``numpy()``: no copy)."""
    if type(array) is numpy.ndarray:
        return array
    if isinstance(array, _host_array):
        return _host.host_view(array)
    raise TypeError(f"{type(array).__name__} is not host memory")


def to_host(array):
    """A NumPy array with ``array``'s values: host memory as it is, device memory copied."""
    if type(array) is numpy.ndarray:
        return array
    if isinstance(array, numpy.generic):
        return numpy.asarray(array)
    if isinstance(array, _host_array):
        return _host.host_view(array)
    if is_device_array(array):
        return array.get()
    return numpy.asarray(array)


def to_device(array, device: Device):
    """A copy of ``array`` on ``device`` (always a copy: a transfer never shares memory)."""
    if device.type == "cpu":
        if is_device_array(array):
            return from_host(array.get())
        return from_host(numpy.array(to_host(array)))
    xp = cuda_namespace()
    with xp.cuda.Device(device.index or 0):
        if is_device_array(array):
            return xp.array(array, copy=True)  # made on the current (target) device
        return xp.asarray(to_host(array))  # one copy, host to device: nothing shared after


def host_from_dlpack(value):
    """An array of the host namespace over the host memory that ``value`` exports."""
    if isinstance(value, _host_array):
        return value
    return from_host(numpy.from_dlpack(value))


def cuda_from_dlpack(value, index: int):
    """A CuPy array over the CUDA memory that ``value`` exports (on device ``index``)."""
    xp = cuda_namespace()
    with xp.cuda.Device(index):
        return xp.from_dlpack(value)


def to_namespace_of(reference, values):
    """``values``, a NumPy array made on the host, in the namespace (and on the device) of the
    array ``reference``: as it is for NumPy, else moved (a fresh array: never shared after)."""
    if type(reference) is numpy.ndarray:
        return values
    if is_device_array(reference):
        with _cuda.cuda.Device(reference.device.id):
            return _cuda.asarray(values)
    return from_host(values)


def indices_like(array, indices):
    """An index (an array or a tuple of them and slices) for ``array``: index arrays computed on
    the host (storage positions, saved indices) moved to ``array``'s namespace."""
    if type(array) is numpy.ndarray:
        return indices
    if type(indices) is tuple:
        return tuple(
            to_namespace_of(array, index) if type(index) is numpy.ndarray else index
            for index in indices
        )
    if type(indices) is numpy.ndarray:
        return to_namespace_of(array, indices)
    return indices


def add_at(xp, out, indices, values) -> None:
    """``out[indices] += values``, adding once per repeated index (NumPy's ``add.at``). Index
    arrays computed on the host (storage positions) are moved to ``out``'s device first."""
    indices = indices_like(out, indices)
    if xp is _cuda and not _cuda_is_stand_in:
        import cupyx

        cupyx.scatter_add(out, indices, values)
    else:
        xp.add.at(out, indices, values)


def data_address(array) -> int:
    """The address of ``array``'s first element."""
    if type(array) is numpy.ndarray:
        return array.__array_interface__["data"][0]
    return array.data.ptr


def byte_extent(shape, strides) -> tuple[int, int]:
    """(lowest, highest) byte offset from element 0 that a strided array reaches (strides in
    bytes; a negative stride reaches below element 0). The array must have elements."""
    low = high = 0
    for size, stride in zip(shape, strides):
        extent = (size - 1) * stride
        if extent < 0:
            low += extent
        else:
            high += extent
    return low, high


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
