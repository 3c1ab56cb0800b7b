"""``Tensor``: a window (shape, strides, offset) onto a buffer, plus the autograd state.

The window is a NumPy (or CuPy) array view, so slicing and transposing share memory exactly as
PyTorch's views do; the buffer is the ``UntypedStorage`` all views of it hold. Everything that
views the same data, and every ``detach()`` of it, shares one ``VersionCounter``: in-place ops
bump it, and tensors saved for backward compare against it.
"""

from __future__ import annotations

import copy as _copy
import enum
import numbers
import warnings
import weakref
from typing import Any

from . import _backend
from . import _dtype as dtypes
from . import autograd as _autograd
from ._backend import numpy as np
from .autograd import grad_mode
from .autograd.graph import AccumulateGrad, RemovableHandle, _HookDict
from .autograd.graph import _sequence as _node_sequence

__all__ = ["Size", "Tensor", "UntypedStorage", "VersionCounter"]

_ndarray = np.ndarray

NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
    "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
    "for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor "
    "by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 "
    "for more information."
)
NUMPY_REQUIRES_GRAD = (
    "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
)
DEEPCOPY_NON_LEAF = (
    "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the "
    "moment.  If you were attempting to deepcopy a module, this may be because of a "
    "tensorkit.nn.utils.weight_norm usage, see https://github.com/pytorch/pytorch/pull/103001"
)
DETACH_VIEW_INPLACE = (
    "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) "
    "for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and "
    "hence detach_() cannot be called on these gradients. To fix this error, please refer to the "
    "Optimizer.zero_grad() function in tensorkit/optim/optimizer.py as the solution."
)
NON_LEAF_REQUIRES_GRAD = (
    "you can only change requires_grad flags of leaf variables. If you want to use a computed variable "
    "in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
)

# How PyTorch's C++ names element types in some messages.
SCALAR_OF_REQUIRES_GRAD = (
    "Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
    "Consider using tensor.detach() first."
)
_WARNED_ONCE: set[str] = set()  # the warnings PyTorch gives once per process, given already


def warn_once(message: str, stacklevel: int) -> None:
    """A UserWarning PyTorch gives once per process (TORCH_WARN_ONCE); ``stacklevel`` as the
    caller would give ``warnings.warn`` itself."""
    if message not in _WARNED_ONCE:
        _WARNED_ONCE.add(message)
        warnings.warn(message, UserWarning, stacklevel=stacklevel + 1)


_CPP_TYPE_NAMES = {
    "float16": "c10::Half",
    "float32": "float",
    "float64": "double",
    "int8": "signed char",
    "int16": "short int",
    "int32": "int",
    "int64": "long int",
    "uint8": "unsigned char",
    "bool": "bool",
}

# How a view was made; decides whether it may be modified in place (PyTorch's CreationMeta).
DEFAULT, NO_GRAD_MODE, MULTI_OUTPUT, INFERENCE_MODE = (
    "default",
    "no_grad",
    "multi_output",
    "inference",
)
NO_GRAD_MULTI_OUTPUT = "no_grad_multi_output"  # split/unbind outputs made without recording


class VersionCounter:
    """How many times the shared data was modified in place."""

    __slots__ = ("value",)

    def __init__(self, value: int = 0) -> None:
        self.value = value


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``tensorkit.Size([2, 3])``.

    >>> Size([2, 3]) == (2, 3)
    True
    """

    def __repr__(self) -> str:
        return f"tensorkit.Size({list(self)})"

    __str__ = __repr__

    def numel(self) -> int:
        count = 1
        for size in self:
            count *= size
        return count

    def __getitem__(self, index):
        result = tuple.__getitem__(self, index)
        return Size(result) if isinstance(index, slice) else result

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __reduce__(self):
        return (Size, (tuple(self),))


class UntypedStorage:
    """The buffer behind a tensor and all its views: bytes, a start address and a device."""

    __slots__ = ("__weakref__", "_array")

    def __init__(self, array) -> None:
        self._array = array  # the array that owns (or spans) the whole buffer

    def _span(self) -> tuple[int, int]:
        array = self._array
        start = _backend.data_address(array)
        if array.size == 0:
            return start, 0
        low, high = _backend.byte_extent(array.shape, array.strides)
        return start + low, high - low + array.itemsize

    def data_ptr(self) -> int:
        return self._span()[0]

    def nbytes(self) -> int:
        return self._span()[1]

    def size(self) -> int:
        return self.nbytes()

    def __len__(self) -> int:
        return self.nbytes()

    @property
    def device(self) -> _backend.Device:
        return _backend.device_of(self._array)

    def __repr__(self) -> str:
        return f"<tensorkit.UntypedStorage of {self.nbytes()} bytes on {self.device}>"


class DLDeviceType(enum.IntEnum):
    """DLPack's device types, as ``__dlpack_device__`` names them (PyTorch's enum)."""

    kDLCPU = 1
    kDLCUDA = 2


class Tensor:
    """A multi-dimensional array that can record the operations made on it for backward.

    >>> import tensorkit
    >>> x = tensorkit.ones(3, requires_grad=True)
    >>> (x * 2).sum().backward()
    >>> x.grad
    tensor([2., 2., 2.])
    """

    # The fields every op touches live in slots; the rarely set ones default at class level
    # and land in the instance dict only when set, so making a tensor stays cheap.
    __slots__ = (
        "__dict__",
        "__weakref__",
        "_base",
        "_data",
        "_grad_fn",
        "_output_nr",
        "_requires_grad",
        "_storage_obj",
        "_version_counter",
    )
    _grad = None
    _view_creation = None
    _view_version = 0
    _accumulator = None
    _leaf_hooks = None
    _retains_grad = False
    _is_inference = False
    _is_param = False
    _detached_at = -1  # when detach_() took this tensor's grad_fn (a node sequence number)
    _INTERNAL = frozenset(
        (
            "_grad",
            "_view_creation",
            "_view_version",
            "_accumulator",
            "_leaf_hooks",
            "_retains_grad",
            "_is_inference",
            "_is_param",
            "_detached_at",
        )
    )

    def _user_attributes(self) -> dict:
        """Attributes a user set on this tensor (``t.tag = ...``), which copies carry over."""
        return {key: value for key, value in self.__dict__.items() if key not in Tensor._INTERNAL}

    # ------------------------------------------------------------------ construction
    def __new__(cls, *args, **kwargs):
        # The legacy constructor: Tensor([1, 2]) or Tensor(2, 3) gives float32.
        from ._creation import _legacy_constructor

        return _legacy_constructor(cls, dtypes.float32, args, kwargs)

    @classmethod
    def _make(
        cls,
        data,
        storage: UntypedStorage | None = None,
        version_counter: VersionCounter | None = None,
    ):
        """A tensor over ``data``; a new storage and version counter unless given."""
        self = object.__new__(cls)
        self._data = data
        self._storage_obj = storage  # None: made on first use from data, the whole buffer
        self._version_counter = version_counter if version_counter is not None else VersionCounter()
        self._requires_grad = False
        self._grad_fn = None
        self._output_nr = 0
        self._base = None
        if grad_mode._state.inference:
            self._is_inference = True
        return self

    @property
    def _storage(self) -> UntypedStorage:
        """The buffer's storage object, shared by every view. A tensor that owns its memory (the
        result of an op) makes it only when first asked: most results never are."""
        storage = self._storage_obj
        if storage is None:
            storage = self._storage_obj = UntypedStorage(self._data)
        return storage

    @_storage.setter
    def _storage(self, storage: UntypedStorage) -> None:
        self._storage_obj = storage

    def _make_view(self, data) -> Tensor:
        """A view of this tensor over ``data`` (which must share this tensor's memory)."""
        view = Tensor._make(data, self._storage, self._version_counter)
        base = self._base if self._base is not None else self
        view._base = base
        view._view_version = self._version_counter.value
        if self._is_inference != view._is_inference:
            view._is_inference = self._is_inference  # a view is an inference tensor iff its base is
        if grad_mode._state.inference:
            view._view_creation = INFERENCE_MODE
        elif not grad_mode._state.grad_enabled:
            view._view_creation = NO_GRAD_MODE
        else:
            view._view_creation = (
                self._view_creation if self._view_creation is not None else DEFAULT
            )
        return view

    # ------------------------------------------------------------------ metadata
    @property
    def dtype(self) -> dtypes.dtype:
        return dtypes._BY_NUMPY[self._data.dtype]

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[self._wrap_dim(dim)]

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    @property
    def itemsize(self) -> int:
        return self._data.itemsize

    @property
    def nbytes(self) -> int:
        return self._data.nbytes

    @property
    def device(self) -> _backend.Device:
        return _backend.device_of(self._data)

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def is_cpu(self) -> bool:
        return self.device.type == "cpu"

    def get_device(self) -> int:
        device = self.device
        return -1 if device.type == "cpu" else device.index

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def is_complex(self) -> bool:
        return False

    def _wrap_dim(self, dim: int, ndim: int | None = None) -> int:
        ndim = self._data.ndim if ndim is None else ndim
        bound = max(ndim, 1)
        if not isinstance(dim, int) or isinstance(dim, bool):
            raise TypeError(f"dim must be an int, not {type(dim).__name__}")
        if dim < -bound or dim >= bound:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-bound}, {bound - 1}], but got {dim})"
            )
        return dim % bound

    # ------------------------------------------------------------------ zero-copy exchange
    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        """A DLPack capsule over this tensor's memory, for ``numpy.from_dlpack``,
        ``cupy.from_dlpack``, ``torch.from_dlpack`` (no copy: writes show on both sides)."""
        if self.requires_grad:
            raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
        if max_version is None:
            return self._data.__dlpack__(stream=stream)
        return self._data.__dlpack__(stream=stream, max_version=max_version)

    def __dlpack_device__(self):
        """(DLPack's device type, device index): (kDLCPU, 0) or (kDLCUDA, index)."""
        device = self.device
        if device.type == "cpu":
            return (DLDeviceType.kDLCPU, 0)
        return (DLDeviceType.kDLCUDA, device.index)

    @property
    def __cuda_array_interface__(self) -> dict:
        """CUDA memory shared with Numba, CuPy, PyTorch... (CUDA tensors only, as in PyTorch)."""
        if self.device.type != "cuda":
            raise AttributeError(
                "Can't get __cuda_array_interface__ on non-CUDA tensor type: "
                f"{self.type()} If CUDA data is required use tensor.cuda() to copy "
                "tensor to device memory."
            )
        if self.requires_grad:
            raise RuntimeError(
                "Can't get __cuda_array_interface__ on Variable that requires grad. If gradients "
                "aren't required, use var.detach() to get Variable that doesn't require grad."
            )
        return self._data.__cuda_array_interface__

    # ------------------------------------------------------------------ memory
    def data_ptr(self) -> int:
        """The address of the first element: equal for tensors that start at the same place.

        >>> import tensorkit
        >>> x = tensorkit.arange(4.)
        >>> x.detach().data_ptr() == x.data_ptr(), x[1:].data_ptr() - x.data_ptr()
        (True, 4)
        """
        return _backend.data_address(self._data)

    def untyped_storage(self) -> UntypedStorage:
        """The buffer this tensor is a window on, shared by all its views.

        >>> import tensorkit
        >>> x = tensorkit.arange(4.)
        >>> x[2:].untyped_storage() is x.untyped_storage(), x.untyped_storage().nbytes()
        (True, 16)
        """
        return self._storage

    def storage_offset(self) -> int:
        """How many elements into its storage this tensor starts.

        >>> import tensorkit
        >>> tensorkit.arange(12.).reshape(3, 4)[1:, 2].storage_offset()
        6
        """
        return (self.data_ptr() - self._storage.data_ptr()) // self._data.itemsize

    def stride(self, dim: int | None = None):
        """How many elements to step in storage to move one place along each dimension.

        >>> import tensorkit
        >>> x = tensorkit.zeros(2, 3)
        >>> x.stride(), x.t().stride(), x.expand(4, 2, 3).stride()
        ((3, 1), (1, 3), (0, 3, 1))
        """
        itemsize = self._data.itemsize
        strides = tuple(step // itemsize for step in self._data.strides)
        if dim is None:
            return strides
        return strides[self._wrap_dim(dim)]

    def is_contiguous(self, memory_format=None) -> bool:
        """Whether the elements lie in storage in row-major order without gaps.

        >>> import tensorkit
        >>> x = tensorkit.zeros(2, 3)
        >>> x.is_contiguous(), x.t().is_contiguous(), x.t().contiguous().is_contiguous()
        (True, False, True)
        """
        return bool(self._data.flags.c_contiguous)

    def _is_view(self) -> bool:
        return self._base is not None

    @property
    def _version(self) -> int:
        """How many in-place writes the shared data has had (shared with views and ``detach()``).

        >>> import tensorkit
        >>> x = tensorkit.zeros(3)
        >>> v = x[1:]
        >>> v.add_(1)
        tensor([1., 1.])
        >>> x._version, v._version, x.detach()._version, x.clone()._version
        (1, 1, 1, 0)
        """
        if self._is_inference:
            raise RuntimeError("Inference tensors do not track version counter.")
        return self._version_counter.value

    def is_inference(self) -> bool:
        return self._is_inference

    def _bump_version(self) -> None:
        self._version_counter.value += 1

    def is_set_to(self, other: Tensor) -> bool:
        return (
            self._storage is other._storage
            and self.storage_offset() == other.storage_offset()
            and self.shape == other.shape
            and self.stride() == other.stride()
        )

    # ------------------------------------------------------------------ autograd state
    @property
    def grad_fn(self):
        """The backward node that produced this tensor (None for a leaf).

        >>> import tensorkit
        >>> x = tensorkit.ones(2, requires_grad=True)
        >>> y = (x * 2).sum()
        >>> y.grad_fn, y.grad_fn.next_functions[0][0].name()
        (<SumBackward0 object at 0x...>, 'MulBackward0')
        """
        if self._base is not None and self._view_version != self._version_counter.value:
            self._refresh_view_grad_fn()
        return self._grad_fn

    def _refresh_view_grad_fn(self) -> None:
        """After an in-place change, a view's grad_fn is rebuilt as AsStridedBackward0 of its base."""
        from .autograd.engine import as_strided_node

        base = self._base
        if self._grad_fn is None and not (base._grad_fn is not None or base._requires_grad):
            # Nothing to differentiate through yet: the version is not marked as seen, so the
            # grad_fn is built if the base requires grad later (as PyTorch).
            return
        if self._view_creation != DEFAULT:
            from ._dispatch import refuse_view_rebase

            refuse_view_rebase(self, indirect=True)  # on every use, as PyTorch
        self._view_version = self._version_counter.value
        old_fn, old_nr = self._grad_fn, self._output_nr
        self._grad_fn = as_strided_node(base, self)
        self._output_nr = 0
        self._move_retained_grad(old_fn, old_nr)

    def _move_retained_grad(self, old_fn, old_nr: int) -> None:
        """After an in-place op gives this tensor a new grad_fn, ``retain_grad()`` follows it."""
        if not self._retains_grad or old_fn is None or not old_fn._retain_grad_hooks:
            return
        reference = old_fn._retain_grad_hooks.pop(old_nr, None)
        new_fn = self._grad_fn
        if reference is not None and new_fn is not None:
            new_fn._retained_grads()[self._output_nr] = reference

    @property
    def requires_grad(self) -> bool:
        if self._requires_grad or self._grad_fn is not None:
            return True
        base = self._base
        return base is not None and base.requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if not self.is_leaf and value:
            raise RuntimeError("you can only change requires_grad flags of leaf variables.")
        self._set_requires_grad(
            bool(value), "only Tensors of floating point and complex dtype can require gradients"
        )

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        self._set_requires_grad(
            bool(requires_grad), "only Tensors of floating point dtype can require gradients"
        )
        return self

    def _set_requires_grad(self, value: bool, integer_message: str) -> None:
        if not self.is_leaf:
            if value:
                return
            raise RuntimeError(NON_LEAF_REQUIRES_GRAD)
        if value and self._data.dtype.kind != "f":
            raise RuntimeError(integer_message)
        if value and self._is_inference:
            raise RuntimeError(
                "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed."
            )
        self._requires_grad = value

    @property
    def is_leaf(self) -> bool:
        """Whether no recorded op produced this tensor (only leaves get ``.grad`` filled).

        >>> import tensorkit
        >>> x = tensorkit.ones(2, requires_grad=True)
        >>> x.is_leaf, (x * 2).is_leaf, x[0].is_leaf, x.detach().is_leaf
        (True, False, False, True)
        """
        return self.grad_fn is None

    @property
    def grad(self):
        if self._grad is None and self.grad_fn is not None and not self._retains_grad:
            warnings.warn(NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}"
                )
            if value.shape != self.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of size "
                    f"'{list(self.shape)}'. Please ensure that the gradient and the tensor are the same size"
                )
            if value.dtype is not self.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{_CPP_TYPE_NAMES[value.dtype.name]}' to a "
                    f"tensor with grad_dtype '{self.dtype.short_name}'. The gradient must match the tensor's "
                    "grad_dtype (defaults to the tensor's dtype). You can set the tensor's grad_dtype attribute "
                    "with a specific dtype, or None to allow any dtype. Set grad_dtype with caution. Diverging "
                    "the dtypes of a tensor and its gradient may break downstream systems that assume they match."
                )
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in ``.grad`` during backward.

        >>> import tensorkit
        >>> x = tensorkit.ones(2, requires_grad=True)
        >>> y = x * 3
        >>> y.retain_grad()
        >>> (y * y).sum().backward()
        >>> y.grad
        tensor([6., 6.])
        """
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.is_leaf or self._retains_grad:
            return
        self.grad_fn._retained_grads()[self._output_nr] = weakref.ref(self)
        self._retains_grad = True

    @property
    def output_nr(self) -> int:
        return self._output_nr

    def _accumulate_node(self) -> AccumulateGrad:
        """The AccumulateGrad node of this leaf, shared while any graph holds it."""
        node = self._accumulator() if self._accumulator is not None else None
        if node is None:
            node = AccumulateGrad(self)
            self._accumulator = weakref.ref(node)
        return node

    def register_hook(self, hook) -> RemovableHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new gradient."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        fn = self.grad_fn
        if fn is not None:
            return fn._register_tensor_hook(self._output_nr, hook)
        if self._leaf_hooks is None:
            self._leaf_hooks = _HookDict()
        handle = RemovableHandle(self._leaf_hooks)
        self._leaf_hooks[handle.id] = hook
        return handle

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad``."""
        _autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # ------------------------------------------------------------------ copies
    def detach(self) -> Tensor:
        """A new tensor on the same memory and version counter, outside the graph.

        Writes through it change the original, and autograd notices them:

        >>> import tensorkit
        >>> x = tensorkit.ones(3, requires_grad=True)
        >>> d = x.detach()
        >>> d.zero_()
        tensor([0., 0., 0.])
        >>> x, x._version
        (tensor([0., 0., 0.], requires_grad=True), 1)
        """
        out = Tensor._make(self._data, self._storage, self._version_counter)
        if self._is_inference:
            out._is_inference = True
        return out

    def detach_(self) -> Tensor:
        if self._base is not None:
            raise RuntimeError(DETACH_VIEW_INPLACE)
        if self._grad_fn is not None:
            # Nodes made before now that saved this tensor may no longer use it (PyTorch's
            # "saved tensor that has been detached in-place"): they are older than this mark.
            self._detached_at = next(_node_sequence)
        self._grad_fn = None
        self._output_nr = 0
        self._requires_grad = False
        return self

    @property
    def data(self) -> Tensor:
        """The same memory under a new version counter: changes through it escape autograd's checks."""
        out = Tensor._make(self._data, self._storage, VersionCounter())
        if self._is_inference:
            out._is_inference = True
        return out

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        if self.requires_grad and not value.dtype.is_floating_point:
            raise RuntimeError(
                "data set to a tensor that requires gradients must be floating point or complex dtype"
            )
        self._data = value._data
        self._storage = value._storage

    def clone(self, *, memory_format=None) -> Tensor:
        """A copy in new memory that stays in the graph (``CloneBackward0``), with the same strides.

        >>> import tensorkit
        >>> x = tensorkit.ones(2, requires_grad=True)
        >>> y = x.clone()
        >>> y, y.data_ptr() == x.data_ptr()
        (tensor([1., 1.], grad_fn=<CloneBackward0>), False)
        """
        from . import _ops

        return _ops.clone(self, memory_format=memory_format)

    def __deepcopy__(self, memo: dict) -> Tensor:
        if not self.is_leaf:
            raise RuntimeError(DEEPCOPY_NON_LEAF)
        if id(self) in memo:
            return memo[id(self)]
        storage_key = ("tensorkit.storage", id(self._storage))
        new_storage = memo.get(storage_key)
        if new_storage is None:
            new_storage = UntypedStorage(_copy_buffer(self._storage._array))
            memo[storage_key] = new_storage
            memo.setdefault(id(memo), []).append(self._storage)  # keep the key's storage alive
        data = _window_on(new_storage, self)
        new = type(self)._make(data, new_storage, VersionCounter(0 if self._is_param else 1))
        new._requires_grad = self._requires_grad
        new._is_param = self._is_param
        memo[id(self)] = new
        if self._grad is not None and not self._is_param:
            new._grad = _copy.deepcopy(self._grad, memo)
        attributes = self._user_attributes()
        if attributes:
            new.__dict__.update(_copy.deepcopy(attributes, memo))
        return new

    def __copy__(self) -> Tensor:
        new = type(self)._make(
            self._data, self._storage, VersionCounter(0 if self._is_param else 1)
        )
        new._requires_grad = self.requires_grad
        new._is_param = self._is_param
        new.__dict__.update(self._user_attributes())
        return new

    def __reduce_ex__(self, protocol):
        # As PyTorch pickles a tensor: its whole storage (a copy), and its window on it (offset,
        # shape, strides), requires_grad and the attributes set on it; no graph.
        storage = self._storage
        data = self._data
        return (
            _rebuild_tensor,
            (
                _backend.to_host(_copy_buffer(storage._array)),
                self.data_ptr() - storage.data_ptr(),
                data.shape,
                data.strides,
                self.requires_grad,
                self._user_attributes(),
                str(self.device),
            ),
        )

    # ------------------------------------------------------------------ NumPy bridge and Python values
    def numpy(self, *, force: bool = False):
        """The tensor's values as a NumPy array that shares memory with it (on the CPU).

        NumPy-side writes show in the tensor but do not bump its version:

        >>> import tensorkit
        >>> x = tensorkit.zeros(2)
        >>> x.numpy()[0] = 5
        >>> x, x._version
        (tensor([5., 0.]), 0)
        """
        if self.requires_grad and not force:
            raise RuntimeError(NUMPY_REQUIRES_GRAD)
        if self.device.type != "cpu":
            if not force:
                raise TypeError(
                    f"can't convert {self.device.type}:{self.device.index or 0} device type tensor to numpy. "
                    "Use Tensor.cpu() to copy the tensor to host memory first."
                )
            return _backend.to_host(self._data)
        return _backend.host_view(self._data)

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()  # PyTorch's refusals: a tensor that requires grad, a CUDA tensor
        if dtype is not None and np.dtype(dtype) != array.dtype:
            return array.astype(dtype)
        return array.copy() if copy else array

    def tolist(self):
        return _backend.to_host(self._data).tolist()

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return _backend.to_host(self._data).reshape(()).item()

    def __bool__(self) -> bool:
        if self._data.size != 1:
            amount = "no values" if self._data.size == 0 else "more than one value"
            raise RuntimeError(f"Boolean value of Tensor with {amount} is ambiguous")
        return bool(self.item())

    def __float__(self) -> float:
        self._warn_scalar_of_requires_grad()
        self._check_scalar_conversion()
        return float(self.item())

    def __complex__(self) -> complex:
        self._warn_scalar_of_requires_grad()
        self._check_scalar_conversion()
        return complex(self.item())

    def _warn_scalar_of_requires_grad(self) -> None:
        """PyTorch warns, once per process, when float() or complex() takes a tensor that
        requires grad (int() and item() do not warn)."""
        if self.requires_grad:
            warn_once(SCALAR_OF_REQUIRES_GRAD, stacklevel=3)

    def __int__(self) -> int:
        self._check_scalar_conversion()
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def _check_scalar_conversion(self) -> None:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __contains__(self, element) -> bool:
        """``element in t``: whether any element of ``t`` equals it (a tensor or a number)."""
        if isinstance(element, (Tensor, numbers.Number)):
            return bool((element == self).any().item())
        raise RuntimeError(
            "Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
            f"{type(element)}."
        )

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        from ._formatting import format_tensor

        device = None if self.device.type == "cpu" else str(self.device)
        try:
            fn = self.grad_fn
            fn_name = type(fn).__name__ if fn is not None else None
        except RuntimeError:  # a multi-output or no-grad view whose base changed in place
            fn, fn_name = True, "Invalid"
        return format_tensor(
            _backend.to_host(self._data),
            dtype_name=self.dtype.name,
            device=device,
            requires_grad=self.requires_grad and fn is None,
            grad_fn_name=fn_name,
            default_dtype_name=dtypes.get_default_dtype().name,
        )

    __str__ = __repr__

    def type(self, dtype=None, non_blocking: bool = False, **kwargs):
        if dtype is None:
            where = "cuda." if self.device.type == "cuda" else ""
            return f"tensorkit.{where}{self.dtype.legacy_name}"
        from . import _ops

        return _ops.to_dtype(self, _ops.parse_type(dtype))

    # The op methods (add, sum, view, ...) and the operators are attached by _methods at import.


def _copy_buffer(array):
    """A copy of the whole buffer ``array`` spans, as a flat array of its dtype."""
    return _backend.span(array).copy()


def _window_on(storage: UntypedStorage, tensor: Tensor):
    """``tensor``'s window (offset, shape, strides), laid on ``storage`` (a copy of its buffer)."""
    byte_offset = tensor.data_ptr() - tensor._storage.data_ptr()
    data = tensor._data
    return _backend.window(storage._array, byte_offset, data.shape, data.strides)


def _scalar_tensor(value) -> Tensor:
    """A 0-dim tensor for a Python scalar saved by a node (``_saved_other`` of ``x * 2``)."""
    dtype = dtypes.scalar_dtype(value) if not isinstance(value, float) else dtypes.float64
    return Tensor._make(_backend.host_namespace().asarray(value, dtype=dtype.numpy))


def _rebuild_tensor(
    flat, byte_offset: int, shape, strides, requires_grad, attributes, device="cpu"
) -> Tensor:
    """An unpickled tensor: a leaf over its own copy of the storage (``flat``, host memory),
    back on ``device``, at version 1 (PyTorch sets the storage into a new tensor, which counts as
    a change)."""
    where = _backend.Device(device)
    flat = _backend.from_host(flat) if where.type == "cpu" else _backend.to_device(flat, where)
    data = _backend.window(flat, byte_offset, shape, strides)
    tensor = Tensor._make(data, UntypedStorage(flat), VersionCounter(1))
    tensor._requires_grad = requires_grad
    tensor.__dict__.update(attributes)
    return tensor


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)
