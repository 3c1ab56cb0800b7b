"""Making tensors: from data (``tensor``, ``as_tensor``, ``from_numpy``) and from shapes (``zeros`` ...).

``tensor()`` always copies; ``from_numpy()`` and ``as_tensor()`` share the array's memory when
they can, which is the first thing a learner should see with ``data_ptr()``.
"""

from __future__ import annotations

import numbers
import warnings

from . import _backend
from . import _dtype as dtypes
from ._backend import numpy as np
from .tensor import Tensor

_ndarray = np.ndarray

COPY_CONSTRUCT_WARNING = (
    "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
    "sourceTensor.detach().clone().requires_grad_(True), rather than tensorkit.tensor(sourceTensor)."
)
FACTORY_INTEGER_GRAD = "Only Tensors of floating point and complex dtype can require gradients"
NEGATIVE_STRIDES = (
    "At least one stride in the given numpy array is negative, and tensors with negative strides are not "
    "currently supported. (You can probably work around this by making a copy of your array  with "
    "array.copy().) "
)
READ_ONLY_WARNING = (
    "The given NumPy array is not writable, and tensorkit does not support non-writable tensors. This means "
    "writing to this tensor will result in undefined behavior. You may want to copy the array to protect its "
    "data or make it writable before converting it to a tensor. This type of warning will be suppressed for "
    "the rest of this program."
)
_read_only_warned = False


_default_device = None  # set_default_device; None: the CPU


def set_default_device(device) -> None:
    """The device factories (``tensor``, ``zeros``, ``rand``...) use when given none, as
    PyTorch's ``torch.set_default_device``; ``None`` goes back to the CPU. ``from_numpy`` and the
    ``*_like`` factories keep their source's device.

    >>> set_default_device("cpu"); get_default_device()
    device(type='cpu')
    >>> set_default_device(None)
    """
    global _default_device
    _default_device = None if device is None else _device(device)


def get_default_device() -> _backend.Device:
    return _default_device if _default_device is not None else _backend.CPU


def _device(device) -> _backend.Device:
    if device is None:
        return _default_device if _default_device is not None else _backend.CPU
    if isinstance(device, int):
        return _backend.Device("cuda", device)
    device = _backend.Device(device)
    if device.type == "cuda" and device.index is None:
        return _backend.Device("cuda", 0)
    return device


def _finish(array, device, requires_grad: bool) -> Tensor:
    """A new tensor over ``array``, a NumPy array made for it, moved to ``device``, requiring
    grad if asked."""
    where = _device(device)
    if where.type != "cpu":
        array = _backend.to_device(array, where)
    else:
        array = _backend.from_host(array)
    return _finish_on_device(array, requires_grad)


# ---------------------------------------------------------------------------- from data


def _infer_dtype(data) -> dtypes.dtype:
    """PyTorch's dtype for nested Python data: promote over the leaves' own dtypes."""
    result = None
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
            continue
        if isinstance(item, Tensor):
            dtype = item.dtype
        elif isinstance(item, (_ndarray, np.generic)):
            dtype = dtypes.from_numpy_dtype(item.dtype)
        elif isinstance(item, (bool, numbers.Number)):
            if isinstance(item, complex):
                raise TypeError("tensorkit does not support complex numbers")
            dtype = dtypes.scalar_dtype(item)
        else:
            raise TypeError(f"Could not infer dtype of {type(item).__name__}")
        result = dtype if result is None else dtypes.promote_types(result, dtype)
    return result if result is not None else dtypes.get_default_dtype()


def _check_ragged(data, depth: int = 0) -> tuple:
    """The shape of nested lists, raising PyTorch's error for a ragged one."""
    if not isinstance(data, (list, tuple)):
        if isinstance(data, Tensor):
            return tuple(data.shape)
        if isinstance(data, _ndarray):
            return data.shape
        return ()
    if not data:
        return (0,)
    shapes = [_check_ragged(item, depth + 1) for item in data]
    first = shapes[0]
    for item, shape in zip(data, shapes):
        if shape != first:
            got = (
                len(item)
                if isinstance(item, (list, tuple))
                else (item.shape[0] if hasattr(item, "shape") and item.shape else None)
            )
            expected = first[0] if first else None
            raise ValueError(
                f"expected sequence of length {expected} at dim {depth + 1} (got {got})"
            )
    return (len(data),) + first


def _plain(data):
    if isinstance(data, (list, tuple)):
        return [_plain(item) for item in data]
    if isinstance(data, Tensor):
        return _backend.to_host(data._data)
    return data


def tensor(
    data, *, dtype=None, device=None, requires_grad: bool = False, pin_memory: bool = False
) -> Tensor:
    """A new tensor that copies ``data`` (a number, nested lists, a NumPy array or a tensor).

    >>> tensor([1, 2.5])
    tensor([1.0000, 2.5000])
    """
    if isinstance(data, Tensor):
        warnings.warn(COPY_CONSTRUCT_WARNING, UserWarning, stacklevel=2)
        source = data.detach()
        array = _backend.to_host(source._data).copy()
        target = dtype.numpy if dtype is not None else array.dtype
        device = device if device is not None else source.device
        return _finish(array.astype(target, copy=False), device, requires_grad)
    if isinstance(data, _ndarray):
        dtypes.from_numpy_dtype(data.dtype)
        target = dtype.numpy if dtype is not None else data.dtype
        array = np.array(data, dtype=target, copy=True)
        return _finish(array, device, requires_grad)
    if isinstance(data, str):
        raise TypeError("new(): invalid data type 'str'")
    _check_ragged(data)
    inferred = _infer_dtype(data)
    target = dtype if dtype is not None else inferred
    plain = _plain(data)
    if target.category == dtypes.INTEGER and inferred.category == dtypes.FLOATING:
        array = np.array(plain, dtype=np.float64).astype(target.numpy)  # truncates toward zero
    else:
        array = np.array(plain, dtype=target.numpy)
    return _finish(array, device, requires_grad)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like ``tensor``, but shares memory with a NumPy array or tensor when no conversion is needed."""
    if isinstance(data, Tensor):
        result = data
        if dtype is not None and dtype is not data.dtype:
            result = result.to(dtype)
        if device is not None and _device(device) != data.device:
            result = result.to(_device(device))
        return result
    if (
        isinstance(data, _ndarray)
        and (dtype is None or dtype.numpy == data.dtype)
        and (device is None or _device(device).type == "cpu")
    ):
        return from_numpy(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tensor(data, dtype=dtype, device=device)


asarray = as_tensor


def from_numpy(array) -> Tensor:
    """A tensor that shares ``array``'s memory: writes through either are seen by the other.

    >>> import numpy
    >>> a = numpy.zeros(3)
    >>> t = from_numpy(a)
    >>> a[0] = 5
    >>> t
    tensor([5., 0., 0.], dtype=tensorkit.float64)
    """
    global _read_only_warned
    if not isinstance(array, _ndarray):
        name = (
            type(array).__module__ + "." + type(array).__name__
            if type(array).__module__ != "builtins"
            else type(array).__name__
        )
        raise TypeError(f"expected np.ndarray (got {name})")
    if any(stride < 0 for stride in array.strides):
        raise ValueError(NEGATIVE_STRIDES)
    dtypes.from_numpy_dtype(array.dtype)
    if not array.flags.writeable and not _read_only_warned:
        _read_only_warned = True
        warnings.warn(READ_ONLY_WARNING, UserWarning, stacklevel=2)
    if not array.dtype.isnative:
        raise ValueError(
            "given numpy array has byte order different from the native byte order. "
            "Conversion between byte orders is currently not supported."
        )
    from .tensor import UntypedStorage

    whole = _backend.from_host(array)
    return Tensor._make(whole.view(), UntypedStorage(whole))


def from_dlpack(ext_tensor) -> Tensor:
    """A tensor over the memory of ``ext_tensor`` (any object with ``__dlpack__``: a NumPy or
    CuPy array, a PyTorch tensor...), without a copy: writes through either show in the other.

    >>> import numpy
    >>> a = numpy.arange(3.0)
    >>> t = from_dlpack(a)
    >>> a[0] = 9
    >>> t
    tensor([9., 1., 2.], dtype=tensorkit.float64)
    """
    if isinstance(ext_tensor, Tensor):
        ext_tensor = ext_tensor._data
    if not hasattr(ext_tensor, "__dlpack__"):
        raise RuntimeError(
            "from_dlpack received an invalid capsule. Note that DLTensor capsules can be consumed "
            "only once, so you might have already constructed a tensor from it once."
        )
    device_type, index = ext_tensor.__dlpack_device__()
    if int(device_type) == 1:  # kDLCPU
        array = _backend.host_from_dlpack(ext_tensor)
    elif int(device_type) == 2:  # kDLCUDA
        array = _backend.cuda_from_dlpack(ext_tensor, int(index))
    else:
        raise RuntimeError(f"Unsupported device type {int(device_type)} in DLTensor")
    dtypes.from_numpy_dtype(array.dtype)  # a dtype tensorkit has, or PyTorch's TypeError
    from .tensor import UntypedStorage

    return Tensor._make(array, UntypedStorage(array))


def _legacy_constructor(cls, dtype, args, kwargs):
    """``Tensor(...)``/``FloatTensor(...)``: from data, or uninitialised memory of a shape."""
    device = kwargs.pop("device", None)
    if kwargs:
        raise TypeError(f"new() got unexpected keyword arguments {sorted(kwargs)}")
    from .tensor import Size

    if not args:
        result = empty(0, dtype=dtype, device=device)
    elif len(args) == 1 and isinstance(args[0], Size):
        result = empty(*args[0], dtype=dtype, device=device)  # a Size is a shape, not data
    elif len(args) == 1 and isinstance(args[0], (list, tuple, _ndarray)) and not _all_ints(args):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = tensor(args[0], dtype=dtype, device=device)
    elif len(args) == 1 and isinstance(args[0], Tensor):
        result = args[0]  # PyTorch hands back the very tensor (of the right type)
        if result.dtype is not dtype:
            raise TypeError(f"expected {dtype} (got {result.dtype})")
        return result
    else:
        result = empty(*args, dtype=dtype, device=device)
    if cls is not Tensor:
        result.__class__ = cls
    return result


def _all_ints(args) -> bool:
    return all(isinstance(a, int) and not isinstance(a, bool) for a in args)


class _LegacyTensorType:
    """``tensorkit.FloatTensor`` and friends: constructors of one dtype."""

    def __init__(self, dtype: dtypes.dtype) -> None:
        self.dtype = dtype
        self.__name__ = dtype.legacy_name

    def __call__(self, *args, **kwargs) -> Tensor:
        return _legacy_constructor(Tensor, self.dtype, args, kwargs)

    def __instancecheck__(self, instance) -> bool:
        return isinstance(instance, Tensor) and instance.dtype is self.dtype

    def __repr__(self) -> str:
        return f"<class 'tensorkit.{self.dtype.legacy_name}'>"


# ---------------------------------------------------------------------------- from shapes


def _shape(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = []
    for dim in size:
        if isinstance(dim, Tensor):
            dim = dim.item()
        if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
            raise TypeError(
                f"zeros(): argument 'size' (position 1) must be tuple of ints, but found element of type "
                f"{type(dim).__name__} at pos 0"
            )
        if dim < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {dim}: {list(size)}"
            )
        shape.append(int(dim))
    return tuple(shape)


def _namespace(device):
    return _backend.namespace_for(_device(device))


def _filled(shape, value, dtype, device, requires_grad) -> Tensor:
    dtype = dtype if dtype is not None else dtypes.get_default_dtype()
    value = dtypes.checked_scalar(value, dtype)
    where = _device(device)
    xp = _backend.namespace_for(where)
    if where.type == "cpu":
        array = xp.full(shape, value, dtype=dtype.numpy)
    else:
        with xp.cuda.Device(where.index or 0):
            array = xp.full(shape, value, dtype=dtype.numpy)
    return _finish_on_device(array, requires_grad)


def _finish_on_device(array, requires_grad: bool) -> Tensor:
    tensor = Tensor._make(array)
    if requires_grad:
        if array.dtype.kind != "f":
            raise RuntimeError(FACTORY_INTEGER_GRAD)
        tensor._requires_grad = True
    return tensor


def zeros(*size, dtype=None, device=None, requires_grad: bool = False, out=None) -> Tensor:
    result = _filled(
        _shape(size),
        0,
        dtype if dtype is not None or out is None else out.dtype,
        device,
        requires_grad,
    )
    return result if out is None else _ops_into(out, result, "zeros")


def ones(*size, dtype=None, device=None, requires_grad: bool = False, out=None) -> Tensor:
    result = _filled(
        _shape(size),
        1,
        dtype if dtype is not None or out is None else out.dtype,
        device,
        requires_grad,
    )
    return result if out is None else _ops_into(out, result, "ones")


def _ops_into(out, result, name: str):
    from ._ops import _into

    return _into(out, result, name)


def empty(
    *size, dtype=None, device=None, requires_grad: bool = False, memory_format=None
) -> Tensor:
    dtype = dtype if dtype is not None else dtypes.get_default_dtype()
    xp = _namespace(device)
    return _finish_on_device(xp.empty(_shape(size), dtype=dtype.numpy), requires_grad)


def full(size, fill_value, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    if dtype is None:
        if isinstance(fill_value, Tensor):
            fill_value = fill_value.item()
        dtype = dtypes.scalar_dtype(fill_value)
    return _filled(
        _shape((size,) if isinstance(size, int) else (tuple(size),)),
        fill_value,
        dtype,
        device,
        requires_grad,
    )


def _like(input: Tensor, dtype, device):
    return (
        dtype if dtype is not None else input.dtype,
        device if device is not None else input.device,
    )


def zeros_like(
    input: Tensor, *, dtype=None, device=None, requires_grad: bool = False, memory_format=None
) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return _filled(tuple(input.shape), 0, dtype, device, requires_grad)


def ones_like(
    input: Tensor, *, dtype=None, device=None, requires_grad: bool = False, memory_format=None
) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return _filled(tuple(input.shape), 1, dtype, device, requires_grad)


def empty_like(
    input: Tensor, *, dtype=None, device=None, requires_grad: bool = False, memory_format=None
) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return empty(tuple(input.shape), dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(
    input: Tensor,
    fill_value,
    *,
    dtype=None,
    device=None,
    requires_grad: bool = False,
    memory_format=None,
) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return _filled(tuple(input.shape), fill_value, dtype, device, requires_grad)


def arange(
    start, end=None, step=1, *, dtype=None, device=None, requires_grad: bool = False
) -> Tensor:
    """Values from ``start`` up to (not including) ``end``; int64 unless an argument is a float."""
    if end is None:
        start, end = 0, start
    values = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = values
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        dtype = (
            dtypes.int64
            if all(isinstance(v, (int, np.integer)) for v in values)
            else dtypes.get_default_dtype()
        )
    count = max(0, int(np.ceil((end - start) / step)))
    array = (
        (start + step * np.arange(count, dtype=np.float64))
        if dtype.is_floating_point
        else np.arange(start, start + step * count, step, dtype=np.int64)[:count]
    )
    return _finish(array.astype(dtype.numpy), device, requires_grad)


def linspace(
    start, end, steps: int, *, dtype=None, device=None, requires_grad: bool = False
) -> Tensor:
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dtype = dtype if dtype is not None else dtypes.get_default_dtype()
    array = np.linspace(start, end, steps, dtype=np.float64)
    if not dtype.is_floating_point:
        array = np.trunc(array)
    return _finish(array.astype(dtype.numpy), device, requires_grad)


def eye(
    n: int, m: int | None = None, *, dtype=None, device=None, requires_grad: bool = False
) -> Tensor:
    dtype = dtype if dtype is not None else dtypes.get_default_dtype()
    return _finish(np.eye(n, m, dtype=dtype.numpy), device, requires_grad)


# ---------------------------------------------------------------------------- random

DEFAULT_SEED = 67280421310721


class Generator:
    """tensorkit's random number generator (values differ from PyTorch's: a different algorithm)."""

    def __init__(self, device="cpu") -> None:
        self.device = _device(device)
        self._seed = DEFAULT_SEED
        self._generator = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed: int) -> Generator:
        seed = int(seed)
        self._seed = seed
        self._generator = np.random.Generator(np.random.PCG64(seed & ((1 << 64) - 1)))
        return self

    def seed(self) -> int:
        seed = int(np.random.SeedSequence().entropy) & ((1 << 63) - 1)
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self):
        return self._generator.bit_generator.state

    def set_state(self, state) -> None:
        self._generator.bit_generator.state = state


default_generator = Generator()
# The generator of CUDA tensors' random values (drawn on the host, then copied to the device):
# its own stream, as PyTorch's CUDA generator, so tensorkit.cuda.manual_seed seeds it alone.
# It needs no GPU to exist.
cuda_generator = Generator("cuda")


def manual_seed(seed: int) -> Generator:
    """Seed tensorkit's generators (the CPU's and CUDA's), so ``rand``/``randn``/``randint``
    repeat their values."""
    cuda_generator.manual_seed(seed)
    return default_generator.manual_seed(seed)


def _source(generator, device):
    """The NumPy generator that draws for ``device`` (a ``Generator`` given wins)."""
    if generator is not None:
        return generator._generator
    if _device(device).type == "cuda":
        return cuda_generator._generator
    return default_generator._generator


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def _random(sample, size, dtype, device, requires_grad, generator) -> Tensor:
    dtype = dtype if dtype is not None else dtypes.get_default_dtype()
    source = _source(generator, device)
    array = sample(source, _shape(size)).astype(dtype.numpy)
    return _finish(array, device, requires_grad)


def rand(*size, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _random(lambda g, s: g.random(s), size, dtype, device, requires_grad, generator)


def randn(*size, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _random(lambda g, s: g.standard_normal(s), size, dtype, device, requires_grad, generator)


def randint(
    low,
    high=None,
    size=None,
    *,
    generator=None,
    dtype=None,
    device=None,
    requires_grad: bool = False,
) -> Tensor:
    if size is None:
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    if low >= high:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    dtype = dtype if dtype is not None else dtypes.int64
    source = _source(generator, device)
    array = source.integers(low, high, size=_shape((tuple(size),))).astype(dtype.numpy)
    return _finish(array, device, requires_grad)


def rand_like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return rand(tuple(input.shape), dtype=dtype, device=device, requires_grad=requires_grad)


def randn_like(input: Tensor, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return randn(tuple(input.shape), dtype=dtype, device=device, requires_grad=requires_grad)


def randint_like(input: Tensor, low, high=None, *, dtype=None, device=None) -> Tensor:
    dtype, device = _like(input, dtype, device)
    return randint(low, high, tuple(input.shape), dtype=dtype, device=device)


def randperm(
    n: int, *, generator=None, dtype=None, device=None, requires_grad: bool = False
) -> Tensor:
    source = _source(generator, device)
    array = source.permutation(n).astype((dtype or dtypes.int64).numpy)
    return _finish(array, device, requires_grad)


def normal_(target: Tensor, mean: float = 0.0, std: float = 1.0, *, generator=None) -> Tensor:
    from . import derivatives
    from ._ops import _random_fill

    source = _source(generator, target.device)
    return _random_fill(
        derivatives.NORMAL, target, lambda shape: source.normal(mean, std, size=shape)
    )


def uniform_(target: Tensor, a: float = 0.0, b: float = 1.0, *, generator=None) -> Tensor:
    from . import derivatives
    from ._ops import _random_fill

    source = _source(generator, target.device)
    return _random_fill(derivatives.UNIFORM, target, lambda shape: source.uniform(a, b, size=shape))


# A factory may cast (tensor([1e40], dtype=float32)): NumPy's warnings off, as in PyTorch.
_backend.quiet_public_functions(globals())
