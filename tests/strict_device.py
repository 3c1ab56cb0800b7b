"""A strict stand-in device: arrays over NumPy that refuse, as CuPy's do, to be NumPy arrays.

The test suite has no GPU, yet tensorkit must never reach past a tensor's array namespace: a
``numpy.foo(data)`` on the data of a CUDA tensor, or an op that mixes a host array with a device
array, works on the CPU and breaks on the first GPU it meets. This module makes those mistakes
fail here. Its arrays hold a NumPy array inside and behave like CuPy's where that matters:

* ``numpy.asarray(array)`` (any implicit conversion: ``__array__``) raises CuPy's TypeError;
  ``.get()`` copies to the host, as in CuPy;
* its namespace (``xp``) takes only its own arrays, Python and NumPy scalars: a NumPy array passed
  where an array is expected is refused (except by ``asarray``/``array``, the explicit transfers);
* arrays of one namespace refuse arrays of another (a host stand-in array and a device one);
* reductions return 0-d arrays, not NumPy scalars; ``.device.id``, ``.data.ptr`` and ``.base``
  read as in CuPy.

Two uses (tests/conftest.py): ``--strict-device`` makes the stand-in *the host* (every CPU tensor's
array is one, ``from_numpy``/``numpy()`` share memory through :func:`StrictNamespace.wrap_host`),
so the whole suite, golden files included, runs through it unchanged; and
``install_as_cuda()`` serves ``device="cuda"`` with it, for the device-semantics tests.
"""

from __future__ import annotations

import numbers
import operator
import types

import numpy

IMPLICIT_CONVERSION = (
    "Implicit conversion to a NumPy array is not allowed. Please use `.get()` to construct a "
    "NumPy array explicitly."
)


class StrictDevice:
    """``array.device``: CuPy's ``cupy.cuda.Device``, an id and a context manager."""

    def __init__(self, id: int = 0) -> None:
        self.id = id

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def synchronize(self) -> None:
        return None

    def __eq__(self, other) -> bool:
        return isinstance(other, StrictDevice) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"<StrictDevice {self.id}>"


class _MemoryPointer:
    __slots__ = ("ptr",)

    def __init__(self, ptr: int) -> None:
        self.ptr = ptr


def _root(array: numpy.ndarray):
    """The object that owns ``array``'s memory (NumPy collapses chains of views to it)."""
    while isinstance(array, numpy.ndarray) and array.base is not None:
        array = array.base
    return array


class StrictArray:
    """One array of a stand-in namespace: a NumPy array that will not pass for one."""

    __slots__ = ("__weakref__", "_a", "_owner")
    __array_priority__ = 1000  # numpy_scalar * array defers to __rmul__
    namespace: StrictNamespace  # set on each namespace's own subclass

    def __init__(self, array: numpy.ndarray, owner: StrictArray | None = None) -> None:
        self._a = array
        self._owner = self if owner is None else owner

    # -- no implicit conversion ---------------------------------------------------------------
    def __array__(self, *args, **kwargs):
        raise TypeError(IMPLICIT_CONVERSION)

    def get(self, stream=None, order="C", out=None):
        """A NumPy copy of the values (CuPy's device-to-host copy)."""
        if out is not None:
            out[...] = self._a
            return out
        return numpy.array(self._a, order=order)

    # -- metadata -----------------------------------------------------------------------------
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    strides = property(lambda self: self._a.strides)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    flags = property(lambda self: self._a.flags)

    @property
    def base(self):
        return None if self._owner is self else self._owner

    @property
    def device(self) -> StrictDevice:
        return self.namespace.cuda.Device(self.namespace.device_id)

    @property
    def data(self) -> _MemoryPointer:
        return _MemoryPointer(self._a.__array_interface__["data"][0])

    @property
    def T(self):
        return self.namespace._wrap(self._a.T, (self,))

    @property
    def mT(self):
        return self.namespace._wrap(numpy.swapaxes(self._a, -1, -2), (self,))

    @property
    def real(self):
        return self.namespace._wrap(self._a.real, (self,))

    @property
    def __cuda_array_interface__(self):
        if not self.namespace.is_device:
            raise AttributeError("__cuda_array_interface__")
        interface = dict(self._a.__array_interface__)
        interface["version"] = 3
        interface["stream"] = None
        return interface

    def __dlpack_device__(self):
        return (2, self.namespace.device_id) if self.namespace.is_device else (1, 0)

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        if self.namespace.is_device:
            # The memory is really on the host: a consumer that trusted the device would read
            # host memory as device memory. Only this namespace's from_dlpack takes it.
            raise BufferError("a stand-in device array is exchanged only through its namespace")
        return self._a.__dlpack__(stream=stream)

    # -- Python protocol ----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._a)

    def __iter__(self):
        for index in range(len(self._a)):
            yield self[index]

    def __bool__(self) -> bool:
        return bool(self._a)

    def __int__(self) -> int:
        return int(self._a)

    def __float__(self) -> float:
        return float(self._a)

    def __complex__(self) -> complex:
        return complex(self._a)

    def __index__(self) -> int:
        return operator.index(self._a)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._a!r})"

    def __format__(self, spec: str) -> str:
        return format(self._a, spec) if self._a.ndim == 0 else repr(self)

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()

    def __reduce__(self):
        return (self.namespace.asarray, (self._a.copy(),))

    def __getitem__(self, index):
        ns = self.namespace
        return ns._wrap(self._a[ns._unwrap_index(index)], (self,))

    def __setitem__(self, index, value) -> None:
        ns = self.namespace
        self._a[ns._unwrap_index(index)] = ns._unwrap(value, "setitem")

    def __getattr__(self, name: str):
        # Methods (reshape, astype, sum, ...): NumPy's, on the inner array, with their arguments
        # checked and their results wrapped.
        if name.startswith("__"):
            raise AttributeError(name)
        method = getattr(self._a, name)
        if not callable(method):
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")  # noqa: TRY004
        ns = self.namespace

        def call(*args, **kwargs):
            args, kwargs = ns._unwrap_arguments(args, kwargs, name)
            wrapper = kwargs.pop("_out_wrapper", None)
            result = method(*args, **kwargs)
            return wrapper if wrapper is not None else ns._wrap(result, (self,))

        return call


def _operator(name: str, inplace: bool = False):
    def method(self, *others):
        ns = self.namespace
        values = [ns._unwrap(other, name) for other in others]
        result = getattr(self._a, name)(*values)
        if result is NotImplemented:
            return NotImplemented
        return self if inplace else ns._wrap(result, (self,))

    method.__name__ = name
    return method


_BINARY = (
    "add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul",
    "and", "or", "xor", "lshift", "rshift",
)  # fmt: skip
_OTHERS = ("lt", "le", "gt", "ge", "eq", "ne", "neg", "pos", "abs", "invert")
for _name in _BINARY + tuple("r" + name for name in _BINARY[:-2]) + ("rand", "ror", "rxor"):
    setattr(StrictArray, f"__{_name}__", _operator(f"__{_name}__"))
for _name in _OTHERS:
    setattr(StrictArray, f"__{_name}__", _operator(f"__{_name}__"))
for _name in _BINARY:
    setattr(StrictArray, f"__i{_name}__", _operator(f"__i{_name}__", inplace=True))
StrictArray.__hash__ = None  # as NumPy's and CuPy's arrays: __eq__ is elementwise


class _Ufunc:
    """A NumPy ufunc over stand-in arrays (``out=`` a stand-in array; ``reduce`` and ``at``)."""

    def __init__(self, namespace: StrictNamespace, ufunc: numpy.ufunc) -> None:
        self._ns = namespace
        self._ufunc = ufunc
        self.__name__ = ufunc.__name__
        self.nin, self.nout = ufunc.nin, ufunc.nout

    def __call__(self, *args, **kwargs):
        return self._ns._call(self._ufunc, args, kwargs, self.__name__)

    def reduce(self, *args, **kwargs):
        return self._ns._call(self._ufunc.reduce, args, kwargs, f"{self.__name__}.reduce")

    def accumulate(self, *args, **kwargs):
        return self._ns._call(self._ufunc.accumulate, args, kwargs, f"{self.__name__}.accumulate")

    def at(self, *args, **kwargs):
        return self._ns._call(self._ufunc.at, args, kwargs, f"{self.__name__}.at")

    def __repr__(self) -> str:
        return f"<stand-in ufunc {self.__name__!r}>"


# Names that are data, not functions over arrays: handed out as NumPy has them.
_PASSTHROUGH = (type, numpy.dtype, numbers.Number, str, tuple, numpy.generic)
# The explicit host-to-device transfers: a NumPy array is welcome here.
_TRANSFERS = frozenset({"asarray", "array", "ascontiguousarray"})


class StrictNamespace(types.SimpleNamespace):
    """The ``xp`` of the stand-in: NumPy's functions over this namespace's arrays only."""

    def __init__(self, name: str, *, is_device: bool, device_id: int = 0) -> None:
        super().__init__()
        self.__name__ = name
        self.is_device = is_device
        self.device_id = device_id
        self.ndarray = type(f"{name}.ndarray", (StrictArray,), {"__slots__": ()})
        self.ndarray.namespace = self
        self.cuda = types.SimpleNamespace(Device=StrictDevice)
        self.lib = types.SimpleNamespace(
            stride_tricks=types.SimpleNamespace(as_strided=self._as_strided)
        )
        self._functions: dict[str, object] = {}

    def __repr__(self) -> str:
        return f"<stand-in array namespace {self.__name__!r}>"

    # a namespace is a module: equal only to itself (SimpleNamespace compares attributes)
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    # -- the namespace's functions ------------------------------------------------------------
    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        cached = self._functions.get(name)
        if cached is not None:
            return cached
        value = getattr(numpy, name)
        if isinstance(value, numpy.ufunc):
            wrapped = _Ufunc(self, value)
        elif isinstance(value, types.ModuleType):
            raise AttributeError(f"the stand-in namespace has no module {name!r}")  # noqa: TRY004
        elif isinstance(value, _PASSTHROUGH):
            wrapped = value
        elif callable(value):

            def wrapped(*args, _function=value, _name=name, **kwargs):
                return self._call(_function, args, kwargs, _name)

            wrapped.__name__ = name
        else:
            wrapped = value
        self._functions[name] = wrapped
        return wrapped

    def asarray(self, value, dtype=None, order=None, **kwargs):
        if isinstance(value, self.ndarray):
            if dtype is None or numpy.dtype(dtype) == value.dtype:
                return value
            return self._wrap(value._a.astype(dtype), ())
        return self._wrap(
            numpy.array(
                self._unwrap(value, "asarray", transfer=True), dtype=dtype, order=order or "K"
            ),
            (),
        )

    def wrap_host(self, array: numpy.ndarray) -> StrictArray:
        """``array`` itself as a host stand-in array (from_numpy's zero-copy bridge)."""
        if self.is_device:
            raise TypeError("a device namespace cannot take host memory without a copy")
        return self.ndarray(array)

    def host_view(self, array: StrictArray) -> numpy.ndarray:
        """The NumPy array inside a host stand-in array (numpy()'s zero-copy bridge)."""
        if self.is_device:
            raise TypeError("device memory has no host view")
        return array._a

    def from_dlpack(self, value):
        if isinstance(value, StrictArray):
            if value.namespace is not self:
                raise BufferError("the array is on another device")
            return value
        if self.is_device:
            raise BufferError("the stand-in device takes DLPack capsules of its own arrays only")
        return self.ndarray(numpy.from_dlpack(value))

    def _as_strided(self, array, shape=None, strides=None, **kwargs):
        if not isinstance(array, self.ndarray):
            raise TypeError(f"as_strided of a {type(array).__name__}, not a stand-in array")
        view = numpy.lib.stride_tricks.as_strided(array._a, shape=shape, strides=strides, **kwargs)
        return self.ndarray(view, array._owner)

    # -- argument checking and result wrapping ------------------------------------------------
    def _unwrap(self, value, where: str, transfer: bool = False):
        if isinstance(value, StrictArray):
            if value.namespace is not self:
                raise TypeError(
                    f"{where}: an array of {value.namespace.__name__} given to {self.__name__}"
                )
            return value._a
        if isinstance(value, numpy.ndarray):
            if transfer:
                return value
            raise TypeError(
                f"{where}: a NumPy array given to {self.__name__} (convert it with asarray first)"
            )
        if isinstance(value, (list, tuple)):
            items = [self._unwrap(item, where, transfer) for item in value]
            return type(value)(items) if isinstance(value, tuple) else items
        return value

    def _unwrap_index(self, index):
        if isinstance(index, tuple):
            return tuple(self._unwrap(item, "indexing") for item in index)
        return self._unwrap(index, "indexing")

    def _unwrap_arguments(self, args, kwargs, where: str):
        transfer = where in _TRANSFERS
        args = tuple(self._unwrap(arg, where, transfer) for arg in args)
        out = kwargs.get("out")
        if out is not None:
            wrapper = out
            if isinstance(out, tuple):
                kwargs = dict(kwargs, out=tuple(self._unwrap(o, where) for o in out))
                wrapper = out[0] if len(out) == 1 else out
            else:
                kwargs = dict(kwargs, out=self._unwrap(out, where))
            kwargs["_out_wrapper"] = wrapper
        other = {
            key: (
                self._unwrap(value, where, transfer)
                if key not in ("out", "_out_wrapper")
                else value
            )
            for key, value in kwargs.items()
        }
        return args, other

    def _call(self, function, args, kwargs, where: str):
        sources = [arg for arg in args if isinstance(arg, StrictArray)]
        args, kwargs = self._unwrap_arguments(args, kwargs, where)
        wrapper = kwargs.pop("_out_wrapper", None)
        result = function(*args, **kwargs)
        if wrapper is not None:
            return wrapper
        return self._wrap(result, sources)

    def _wrap(self, result, sources):
        if isinstance(result, numpy.ndarray):
            for source in sources:  # the very array (astype(copy=False), asarray): itself
                if isinstance(source, StrictArray) and source._a is result:
                    return source
            root = _root(result)
            for source in sources:
                if isinstance(source, StrictArray) and _root(source._a) is root:
                    return self.ndarray(result, source._owner)
            return self.ndarray(result)
        if isinstance(result, numpy.generic):
            return self.ndarray(numpy.asarray(result))  # CuPy's reductions give 0-d arrays
        if isinstance(result, tuple):
            return tuple(self._wrap(item, sources) for item in result)
        if isinstance(result, list) and result and isinstance(result[0], numpy.ndarray):
            return [self._wrap(item, sources) for item in result]
        return result


def host_namespace() -> StrictNamespace:
    """A stand-in for the host: tensorkit's CPU tensors hold its arrays (``--strict-device``)."""
    return StrictNamespace("strict_host", is_device=False)


def cuda_namespace() -> StrictNamespace:
    """A stand-in for CuPy on ``cuda:0``."""
    return StrictNamespace("strict_cuda", is_device=True)
