"""The backward graph: nodes (``grad_fn``), their edges and the values they save.

A node is what PyTorch calls a ``grad_fn``: ``next_functions`` holds one ``(node, input_nr)``
edge per differentiable input of the forward op, in argument order; ``(None, 0)`` marks an input
that needs no gradient. A leaf that requires grad is reached through its ``AccumulateGrad`` node.

Every node saved by the op table is a ``FormulaNode`` whose class carries PyTorch's name
(``MulBackward0``) and whose vector-Jacobian product comes from ``derivatives.py``.
"""

from __future__ import annotations

import itertools
import weakref

__all__ = ["AccumulateGrad", "FormulaNode", "Node", "RemovableHandle", "SavedTensor", "node_class"]

_sequence = itertools.count()
_QUALIFIED_NAMES = frozenset(
    ("CopySlices", "CopyBackwards", "NotImplemented", "Error", "DelayedError")
)

BACKWARD_TWICE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)

DETACHED_IN_PLACE = (
    "Trying to use a saved tensor that has been detached in-place, i.e. with .detach_()."
    "This is not supported, please use out-of-place `.detach()` instead"
)

ANOMALY_HINT = (
    "enable anomaly detection to find the operation that failed to compute its gradient, with "
    "tensorkit.autograd.set_detect_anomaly(True, check_nan=False)."
)
ANOMALY_HINT_ACTIVE = (
    "the backtrace further above shows the operation that failed to compute its gradient. The "
    "variable in question was changed in there or anywhere later. Good luck!"
)


class RemovableHandle:
    """Returned by ``register_hook``; ``remove()`` takes the hook out again."""

    _ids = itertools.count()

    def __init__(self, hooks: dict) -> None:
        self._hooks = weakref.ref(hooks) if hooks is not None else None
        self.id = next(RemovableHandle._ids)

    def remove(self) -> None:
        hooks = self._hooks() if self._hooks is not None else None
        if hooks is not None:
            hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


class _HookDict(dict):
    """A dict that a RemovableHandle can hold a weak reference to."""

    __slots__ = ("__weakref__",)


class Node:
    """A backward function: turns the gradient of its forward outputs into gradients of its inputs."""

    __slots__ = ("__dict__", "__weakref__", "_input_meta", "_sequence_nr", "next_functions")
    output_count = 1  # how many outputs the forward op had (split and unbind set their own)
    multi_output = False  # a tuple of gradients even with one output (split into one piece)
    saves_tensors = True  # whether backward must unpack saved values and free them after
    vjp = None  # a table formula (FormulaNode); other nodes implement apply_grads
    # Hooks are rare: they default at class level and are set on the instance only when used.
    _pre_hooks = None
    _post_hooks = None
    _tensor_pre_hooks = None  # output_nr -> _HookDict of tensor hooks (non-leaf tensors)
    _retain_grad_hooks = None  # output_nr -> weakref to the tensor that retains its grad
    _hooked = False  # whether any of the four above was ever set: the engine's one check
    # Whether an ordinary backward must take its general step for this node rather than the
    # fast one: true unless it is a table formula with one output and no hooks. Whatever sets
    # hooks, output_count or multi_output on a node sets it too.
    _general = True

    def __init__(self, next_functions: tuple = ()) -> None:
        self.next_functions = next_functions
        self._sequence_nr = next(_sequence)
        self._input_meta = None  # per input: (shape, dtype) its gradient must have, or None

    @property
    def metadata(self) -> dict:
        """A dict for the user's own notes about this node (PyTorch's ``Node.metadata``)."""
        notes = self.__dict__.get("_metadata")
        if notes is None:
            notes = self.__dict__["_metadata"] = {}
        return notes

    def name(self) -> str:
        # Nodes PyTorch writes in C++ only (CopySlices, CopyBackwards ...) carry their namespace.
        name = type(self).__name__
        return f"tensorkit::autograd::{name}" if name in _QUALIFIED_NAMES else name

    def apply(self, grad_outputs: tuple) -> tuple:
        raise NotImplementedError

    def _release(self) -> None:
        """Free saved values after a backward pass that does not retain the graph."""

    def register_hook(self, hook) -> RemovableHandle:
        if self._post_hooks is None:
            self._post_hooks = _HookDict()
            self._hooked = self._general = True
        handle = RemovableHandle(self._post_hooks)
        self._post_hooks[handle.id] = hook
        return handle

    def register_prehook(self, hook) -> RemovableHandle:
        if self._pre_hooks is None:
            self._pre_hooks = _HookDict()
            self._hooked = self._general = True
        handle = RemovableHandle(self._pre_hooks)
        self._pre_hooks[handle.id] = hook
        return handle

    def _register_tensor_hook(self, output_nr: int, hook) -> RemovableHandle:
        if self._tensor_pre_hooks is None:
            self._tensor_pre_hooks = {}
            self._hooked = self._general = True
        hooks = self._tensor_pre_hooks.setdefault(output_nr, _HookDict())
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    def _retained_grads(self) -> dict:
        """output_nr -> weakref to the tensor whose ``retain_grad()`` this node fills."""
        if self._retain_grad_hooks is None:
            self._retain_grad_hooks = {}
            self._hooked = self._general = True
        return self._retain_grad_hooks

    def __call__(self, *grad_outputs):
        return self.apply(grad_outputs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {id(self):#x}>"


class AccumulateGrad(Node):
    """The node for a leaf that requires grad: adds the incoming gradient into ``variable.grad``."""

    __slots__ = ("variable",)

    def __init__(self, variable) -> None:
        super().__init__(())
        self.variable = variable

    def name(self) -> str:
        return "tensorkit::autograd::AccumulateGrad"

    def apply(self, grad_outputs: tuple) -> tuple:
        raise RuntimeError("AccumulateGrad is applied by the engine")


class SavedTensor:
    """A tensor saved for backward, with the version it had when saved.

    Inputs are kept as the tensor itself (``_saved_self is x``). Outputs are kept as their data
    and version counter only (``output``), so a node does not keep its own output alive;
    unpacking one builds a new tensor whose ``grad_fn`` is the saving node, as PyTorch does.
    """

    __slots__ = ("output", "saved_version", "tensor", "version_counter")

    def __init__(self, tensor, *, is_output: bool = False, node_name: str = "") -> None:
        self.version_counter = tensor._version_counter
        self.saved_version = tensor._version_counter.value
        if is_output:
            self.tensor = None
            self.output = _SavedOutput(tensor, node_name)
        else:
            self.tensor = tensor
            self.output = None

    @property
    def is_output(self) -> bool:
        return self.output is not None

    def check_not_detached(self, node) -> None:
        """Refuse an input that had a grad_fn when ``node`` saved it and lost it to detach_()."""
        tensor = self.tensor
        if tensor is not None and tensor._detached_at > node._sequence_nr:
            raise RuntimeError(DETACHED_IN_PLACE)

    def check_version(self) -> None:
        current = self.version_counter.value
        if current == self.saved_version:
            return
        from .. import _backend
        from .._dtype import from_numpy_dtype
        from .grad_mode import is_anomaly_enabled

        output = self.output
        array = self.tensor._data if output is None else output.data
        kind = ("cuda." if _backend.is_device_array(array) else "") + from_numpy_dtype(
            array.dtype
        ).legacy_name
        shape = ", ".join(str(size) for size in array.shape)
        clause = ""
        if output is not None and output.requires_grad:
            clause = f", which is output {output.output_nr} of {_strip_backward(output.node_name)},"
        elif output is None and self.tensor.grad_fn is not None:
            fn = self.tensor.grad_fn
            clause = f", which is output {self.tensor._output_nr} of {_strip_backward(fn.name())},"
        hint = ANOMALY_HINT_ACTIVE if is_anomaly_enabled() else ANOMALY_HINT
        raise RuntimeError(
            "one of the variables needed for gradient computation has been modified by an inplace "
            f"operation: [tensorkit.{kind} [{shape}]]{clause} is at version "
            f"{current}; expected version {self.saved_version} instead. Hint: {hint}"
        )


class _SavedOutput:
    """What a saved output keeps: its memory, not the tensor. A node holding its own output would
    make a reference cycle that only the cyclic garbage collector could free."""

    __slots__ = ("data", "grad_fn_ref", "node_name", "output_nr", "requires_grad", "storage")

    def __init__(self, tensor, node_name: str) -> None:
        self.data = tensor._data
        self.storage = tensor._storage
        self.output_nr = tensor._output_nr
        self.requires_grad = (
            tensor._requires_grad
            or tensor._grad_fn is not None
            or (tensor._base is not None and tensor.requires_grad)
        )
        self.node_name = node_name
        # The result of an in-place op on a view: how to rebuild the view's new grad_fn.
        self.grad_fn_ref = None


def _strip_backward(name: str) -> str:
    head, sep, tail = name.rpartition("Backward")
    if sep and tail.isdigit():
        return head
    if name.endswith("Backwards"):  # CopyBackwards
        return name[: -len("Backwards")]
    return name


_FREED = object()


class FormulaNode(Node):
    """A node whose gradient formula lives in the op table (``derivatives.py``).

    ``saved`` maps PyTorch's saved names (``self``, ``other``, ``result``, ``dim`` ...) to
    SavedTensors or plain values; they read back as ``_saved_self`` and so on.
    """

    __slots__ = ("saved",)
    saves_tensors = True  # False for formulas that keep only sizes and dims: nothing to unpack
    freed_params = frozenset()  # params that are saved tensors in PyTorch (indices, masks)
    vjp = None  # set on each generated class: vjp(math, grad, saved, needs) -> a grad per input

    def __init__(self, next_functions: tuple, saved: dict, input_meta: tuple | None = None) -> None:
        self.next_functions = next_functions
        self._sequence_nr = next(_sequence)
        self._input_meta = input_meta
        self.saved = saved

    def _release(self) -> None:
        # Only saved tensors are freed (a Python scalar counts: PyTorch wraps it in a tensor, and
        # so do index arrays and masks); a node that saved only sizes and dims can run backward
        # again, as in PyTorch.
        if not self.saves_tensors:
            return
        cls = type(self)
        for key, value in self.saved.items():
            if isinstance(value, SavedTensor) or (
                value is not None and (key in cls.scalar_tensors or key in cls.freed_params)
            ):
                self.saved = _FREED_DICT
                return

    @property
    def _freed(self) -> bool:
        """Whether backward freed what this node saved (a second backward then raises)."""
        return self.saved is _FREED_DICT

    def __dir__(self):
        # the saved values are attributes as in PyTorch, so dir() lists them (the Jupyter layer
        # finds them there, on tensorkit's nodes as on PyTorch's)
        names = {f"_saved_{name}" for name in type(self).saved_names}
        return sorted(set(super().__dir__()) | names)

    def __getattr__(self, attribute: str):
        if attribute.startswith("_saved_"):
            return self._unpack_attribute(attribute[len("_saved_") :])
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{attribute}'")

    def _unpack_attribute(self, key: str):
        if self._freed:
            raise RuntimeError(BACKWARD_TWICE)
        spec = type(self).saved_names
        if key not in spec:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '_saved_{key}'")
        value = self.saved.get(key)
        if isinstance(value, SavedTensor):
            return _unpack_for_user(value, self)
        from ..tensor import _scalar_tensor

        if isinstance(value, (int, float, bool)) and key in type(self).scalar_tensors:
            return _scalar_tensor(value)  # a Python number saved by x * 2 reads back as tensor(2)
        return value


_FREED_DICT: dict = {}


def _unpack_for_user(saved: SavedTensor, node: Node):
    saved.check_version()
    output = saved.output
    if output is None:
        return saved.tensor
    from ..tensor import Tensor

    tensor = Tensor._make(output.data, output.storage, saved.version_counter)
    if output.requires_grad:
        producer = output.grad_fn_ref() if output.grad_fn_ref is not None else None
        tensor._grad_fn = producer if producer is not None else node
        tensor._output_nr = 0 if producer is not None else output.output_nr
    return tensor


_classes: dict[tuple, type] = {}


def node_class(
    name: str, vjp=None, saved_names=(), scalar_tensors=(), base: type = FormulaNode
) -> type:
    """The node class called ``name`` (``MulBackward0``), made once and reused."""
    key = (name, vjp, base)  # one class per formula: two entries never share a class by accident
    cls = _classes.get(key)
    if cls is None:
        cls = type(
            name,
            (base,),
            {
                "__slots__": (),
                "vjp": staticmethod(vjp) if vjp else None,
                "_general": vjp is None,
                "saved_names": frozenset(saved_names),
                "scalar_tensors": frozenset(scalar_tensors),
                "__module__": "tensorkit.autograd.graph",
            },
        )
        _classes[key] = cls
    return cls
