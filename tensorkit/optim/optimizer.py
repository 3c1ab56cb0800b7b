"""``Optimizer``: parameter groups, per-parameter state, ``zero_grad`` and ``state_dict``.

The base class keeps what every optimizer shares, as ``torch.optim.Optimizer`` does:
``param_groups`` (a list of dicts, each with its ``params`` and its options), ``defaults`` (the
options a group takes when it names none), and ``state`` (a ``defaultdict(dict)`` keyed by the
parameter tensors themselves, filled lazily by ``step()``).

Checks and messages follow PyTorch 2.13. One thing is stricter: a refused constructor or
``add_param_group`` leaves the dicts passed in as they were (PyTorch may have filled the first
groups in with defaults before it refuses a later one).
"""

from __future__ import annotations

import functools
import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from copy import deepcopy
from itertools import chain
from typing import Any

from .._dtype import float32, float64, get_default_dtype
from ..autograd.grad_mode import enable_grad, no_grad
from ..autograd.graph import RemovableHandle
from ..tensor import Tensor

__all__ = [
    "Optimizer",
    "register_optimizer_step_post_hook",
    "register_optimizer_step_pre_hook",
    "required",
]

ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]] | Iterable[tuple[str, Tensor]]
StateDict = dict[str, Any]


class _RequiredParameter:
    """The default of an option a parameter group must give itself."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()

# Step hooks of every optimizer: pre hooks run before an optimizer's own, post hooks after.
_global_optimizer_pre_hooks: OrderedDict[int, Callable] = OrderedDict()
_global_optimizer_post_hooks: OrderedDict[int, Callable] = OrderedDict()


def register_optimizer_step_pre_hook(hook: Callable) -> RemovableHandle:
    """``hook(optimizer, args, kwargs)`` before every optimizer's ``step()``; it may return
    ``(new_args, new_kwargs)``. ``remove()`` on the handle takes it out."""
    return Optimizer._add_hook(_global_optimizer_pre_hooks, hook)


def register_optimizer_step_post_hook(hook: Callable) -> RemovableHandle:
    """``hook(optimizer, args, kwargs)`` after every optimizer's ``step()``."""
    return Optimizer._add_hook(_global_optimizer_post_hooks, hook)


def _with_step_hooks(step):
    """``step`` between the step hooks (global and the optimizer's own), as PyTorch wraps every
    optimizer class's ``step`` once."""

    @functools.wraps(step)
    def wrapper(*args, **kwargs):
        self = args[0]
        for pre_hook in chain(
            _global_optimizer_pre_hooks.values(), self._optimizer_step_pre_hooks.values()
        ):
            result = pre_hook(self, args, kwargs)
            if result is not None:
                if isinstance(result, tuple) and len(result) == 2:
                    args, kwargs = result
                else:
                    raise RuntimeError(
                        f"{step} must return None or a tuple of (new_args, new_kwargs), but got "
                        f"{result}."
                    )
        out = step(*args, **kwargs)
        for post_hook in chain(
            self._optimizer_step_post_hooks.values(), _global_optimizer_post_hooks.values()
        ):
            post_hook(self, args, kwargs)
        return out

    wrapper._tensorkit_step_hooks = True
    return wrapper


# Options of PyTorch's constructors that pick another implementation of the same step. tensorkit
# has only the for-loop one (what PyTorch runs on CPU by default), so True is refused.
_UNSUPPORTED = {
    "foreach": "tensorkit has no multi-tensor (foreach) kernels; leave foreach as None or False",
    "fused": "tensorkit has no fused kernels; leave fused as None or False",
    "capturable": (
        "it exists for CUDA graphs and torch.compile, which tensorkit does not have; "
        "leave capturable as False"
    ),
    "differentiable": (
        "tensorkit's step() always runs under no_grad, so autograd cannot go through it; "
        "leave differentiable as False"
    ),
}


def _typename(obj) -> str:
    """``torch.typename``: a tensor's legacy type name, else the (qualified) class name."""
    if isinstance(obj, Tensor):
        return obj.type()
    kind = type(obj)
    module = kind.__module__ or ""
    return kind.__qualname__ if module in ("", "builtins") else f"{module}.{kind.__qualname__}"


def _to_scalar(value):
    """A 1-element tensor hyperparameter as a 0-dim tensor; anything else as it is."""
    if isinstance(value, Tensor) and value.dim() != 0:
        return value.squeeze()
    return value


def _number(value):
    """A hyperparameter as the Python number PyTorch makes of it where an op takes a Scalar."""
    return value.item() if isinstance(value, Tensor) else value


def _scalar_dtype():
    """The dtype of Adam's ``step`` counter: float64 under a float64 default dtype, else float32."""
    return float64 if get_default_dtype() is float64 else float32


class Optimizer:
    """Base class of all optimizers.

    ``params`` is an iterable of tensors, of ``(name, tensor)`` pairs, or of dicts that each
    define a parameter group (``{"params": [...], "lr": 0.1}``); ``defaults`` holds the options
    a group takes when it does not set them. Subclasses implement ``step()``.

    >>> import tensorkit as torch
    >>> w = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    >>> opt = torch.optim.SGD([w], lr=0.5)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    Parameter containing:
    tensor([0., 0.], requires_grad=True)
    >>> opt.zero_grad()
    >>> print(w.grad)
    None
    """

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self._init_hooks()
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                "dicts, but got " + _typename(params)
            )
        self.state: defaultdict[Tensor, Any] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        # Every group is checked (PyTorch's checks, in its order) before any is taken in.
        prepared: list[tuple[dict, dict]] = []
        for param_group in param_groups:
            prepared.append((param_group, self._prepare_group(param_group, prepared)))
        self._check_defaults()
        for _, contents in prepared:
            self._refuse_unsupported(contents)
        for param_group, contents in prepared:
            self._take_group(param_group, contents)

    # ------------------------------------------------------------------ hooks

    def _init_hooks(self) -> None:
        self._optimizer_step_pre_hooks: OrderedDict[int, Callable] = OrderedDict()
        self._optimizer_step_post_hooks: OrderedDict[int, Callable] = OrderedDict()
        self._optimizer_state_dict_pre_hooks: OrderedDict[int, Callable] = OrderedDict()
        self._optimizer_state_dict_post_hooks: OrderedDict[int, Callable] = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks: OrderedDict[int, Callable] = OrderedDict()
        self._optimizer_load_state_dict_post_hooks: OrderedDict[int, Callable] = OrderedDict()
        step = type(self).step
        if not getattr(step, "_tensorkit_step_hooks", False):
            type(self).step = _with_step_hooks(step)

    def register_step_pre_hook(self, hook: Callable) -> RemovableHandle:
        """``hook(optimizer, args, kwargs)`` before each ``step()``; it may return
        ``(new_args, new_kwargs)`` to replace the arguments."""
        return self._add_hook(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook: Callable) -> RemovableHandle:
        """``hook(optimizer, args, kwargs)`` after each ``step()``."""
        return self._add_hook(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook: Callable, prepend: bool = False):
        """``hook(optimizer)`` before ``state_dict()`` builds its dict."""
        return self._add_hook(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook: Callable, prepend: bool = False):
        """``hook(optimizer, state_dict)`` after ``state_dict()``; a dict it returns is the
        result instead."""
        return self._add_hook(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook: Callable, prepend: bool = False):
        """``hook(optimizer, state_dict)`` before ``load_state_dict()`` reads the dict (a
        shallow copy of the one passed); a dict it returns is read instead."""
        return self._add_hook(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook: Callable, prepend: bool = False):
        """``hook(optimizer)`` after ``load_state_dict()`` has loaded the state."""
        return self._add_hook(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    @staticmethod
    def _add_hook(hooks: OrderedDict, hook: Callable, prepend: bool = False) -> RemovableHandle:
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    # ------------------------------------------------------------------ parameter groups

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (the rest come from ``defaults``).

        >>> import tensorkit as torch
        >>> a, b = torch.nn.Parameter(torch.ones(1)), torch.nn.Parameter(torch.ones(1))
        >>> opt = torch.optim.SGD([a], lr=0.1)
        >>> opt.add_param_group({"params": [b], "lr": 0.01})
        >>> [group["lr"] for group in opt.param_groups]
        [0.1, 0.01]
        """
        contents = self._prepare_group(param_group, [])
        self._refuse_unsupported(contents)
        self._take_group(param_group, contents)

    def _prepare_group(self, param_group, pending: list) -> dict[str, Any]:
        """PyTorch's checks of one group, in its order, changing nothing: returns the group's
        contents once taken in (``params`` as a list, names split off, defaults filled in).
        ``pending``: the (group, contents) pairs of the same constructor call, checked before."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            params = list(params)
        tensors, names = [], []
        for param in params:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        contents = dict(param_group)
        contents["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError(
                    "all optimizer params should be with/without names. Some param names are missing"
                )
            contents["param_names"] = names
        for param in tensors:
            if not isinstance(param, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is "
                    + _typename(param)
                )
            if not self.defaults.get("differentiable", None) and not (
                param.is_leaf or param.retains_grad
            ):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in contents:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization "
                    f"parameter {name}"
                )
            contents.setdefault(name, default)
        if len(tensors) != len(set(tensors)):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, "
                "this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more "
                "information",
                stacklevel=4,
            )
        taken: set[Tensor] = set()
        for group in self.param_groups + [contents for _, contents in pending]:
            taken.update(group["params"])
            if ("param_names" in contents) != ("param_names" in group):
                which = "with names" if "param_names" in contents else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {which} to the optimizer"
                )
        if not taken.isdisjoint(tensors):
            raise ValueError("some parameters appear in more than one parameter group")
        return contents

    def _take_group(self, param_group: dict, contents: dict) -> None:
        """Fill the caller's dict in (as PyTorch does: it becomes the group) and append it."""
        param_group["params"] = contents["params"]
        if "param_names" in contents:
            param_group["param_names"] = contents["param_names"]
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)
        self.param_groups.append(param_group)

    def _check_defaults(self) -> None:
        """The checks PyTorch's SGD and Adam constructors make once the groups are in."""
        if self.defaults.get("fused"):
            if self.defaults.get("differentiable"):
                raise RuntimeError("`fused` does not support `differentiable`")
            if self.defaults.get("foreach"):
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def _refuse_unsupported(self, group: dict[str, Any]) -> None:
        """Refuse the options that ask for an implementation tensorkit does not have."""
        for option, reason in _UNSUPPORTED.items():
            if group.get(option):
                raise NotImplementedError(
                    f"tensorkit.optim.{type(self).__name__} does not support {option}=True: "
                    f"{reason}"
                )

    # ------------------------------------------------------------------ gradients and steps

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized tensors: to None (the default), or, with
        ``set_to_none=False``, to zeros in place (detached from any graph first)."""
        for group in self.param_groups:
            for param in group["params"]:
                grad = param.grad
                if grad is None:
                    continue
                if set_to_none:
                    param.grad = None
                    continue
                if grad.grad_fn is not None:
                    grad.detach_()
                else:
                    grad.requires_grad_(False)
                grad.zero_()

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform a single optimization step (subclasses implement it)."""
        raise NotImplementedError

    def _evaluate(self, closure: Callable[[], Any] | None) -> Any:
        """The start of every ``step()``: refuse what tensorkit cannot run (before anything
        changes), then re-evaluate the closure with grad mode on and return its loss."""
        for group in self.param_groups:
            self._refuse_unsupported(group)
        if closure is None:
            return None
        with enable_grad():
            return closure()

    # ------------------------------------------------------------------ state_dict

    def state_dict(self) -> StateDict:
        """The optimizer's state as ``{"state": ..., "param_groups": ...}``, with parameters
        replaced by their indices in group order. The per-parameter state dicts and their
        tensors are the optimizer's own, not copies (as in PyTorch).

        >>> import tensorkit as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0]))
        >>> opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> w.sum().backward()
        >>> opt.step()
        >>> opt.state_dict()["state"]
        {0: {'momentum_buffer': tensor([1.])}}
        """
        for pre_hook in self._optimizer_state_dict_pre_hooks.values():
            pre_hook(self)
        mapping: dict[int, int] = {}
        start = 0

        def pack(group: dict[str, Any]) -> dict[str, Any]:
            nonlocal start
            packed = {key: value for key, value in group.items() if key != "params"}
            # Within one group a repeated parameter takes its last index (PyTorch's dict
            # comprehension); a parameter met in an earlier group keeps that one.
            mapping.update(
                {
                    id(param): index
                    for index, param in enumerate(group["params"], start)
                    if id(param) not in mapping
                }
            )
            packed["params"] = [mapping[id(param)] for param in group["params"]]
            start += len(packed["params"])
            return packed

        param_groups = [pack(group) for group in self.param_groups]
        state = {
            (mapping[id(key)] if isinstance(key, Tensor) else key): value
            for key, value in self.state.items()
        }
        state_dict = {"state": state, "param_groups": param_groups}
        for post_hook in self._optimizer_state_dict_post_hooks.values():
            returned = post_hook(self, state_dict)
            if returned is not None:
                state_dict = returned
        return state_dict

    def load_state_dict(self, state_dict: StateDict) -> None:
        """Load a state from ``state_dict()``: the groups' options are deep copies of the
        dict's; the state's tensors are cast to each parameter's dtype and device (the very
        same tensors where nothing changes, as in PyTorch). Refused dicts change nothing."""
        state_dict = state_dict.copy()
        for pre_hook in self._optimizer_load_state_dict_pre_hooks.values():
            returned = pre_hook(self, state_dict)
            if returned is not None:
                state_dict = returned
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(
            len(group["params"]) != len(saved["params"])
            for group, saved in zip(groups, saved_groups)
        ):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of "
                "optimizer's group"
            )
        id_map = dict(
            zip(
                chain.from_iterable(saved["params"] for saved in saved_groups),
                chain.from_iterable(group["params"] for group in groups),
            )
        )

        def cast(param, value, param_id=None, key=None):
            """A copy of ``value`` whose tensors suit ``param``."""
            if isinstance(value, Tensor):
                return _cast_state_tensor(param, value, param_id, state_dict["param_groups"], key)
            if isinstance(value, dict):
                return {k: cast(param, v, param_id, key=k) for k, v in value.items()}
            if isinstance(value, Iterable):
                return type(value)(cast(param, v, param_id) for v in value)
            return value

        state: defaultdict[Any, Any] = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in id_map:
                param = id_map[key]
                state[param] = cast(param, value, param_id=key)
            else:
                state[key] = value  # state that belongs to no parameter is kept as it is

        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
            self._refuse_unsupported(saved)
        self.__setstate__({"state": state, "param_groups": saved_groups})
        for post_hook in self._optimizer_load_state_dict_post_hooks.values():
            post_hook(self)

    # ------------------------------------------------------------------ pickling and printing

    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        if "_optimizer_step_pre_hooks" not in self.__dict__:  # unpickled: hooks start empty
            self._init_hooks()
        self.__dict__.update(state)
        self.defaults.setdefault("differentiable", False)

    def __repr__(self) -> str:
        text = type(self).__name__ + " ("
        for number, group in enumerate(self.param_groups):
            text += f"\nParameter Group {number}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


def _cast_state_tensor(param: Tensor, value: Tensor, param_id, param_groups, key) -> Tensor:
    """A state tensor on ``param``'s device; floating-point state in ``param``'s dtype too.
    ``step`` keeps its own dtype (PyTorch casts it only for fused or capturable groups)."""
    fused = capturable = False
    for group in param_groups:
        if param_id in group["params"]:
            fused = group.get("fused", False)
            capturable = group.get("capturable", False)
            break
    if key == "step":
        if capturable or fused:
            return value.to(dtype=float32, device=param.device)
        return value
    if param.is_floating_point():
        return value.to(dtype=param.dtype, device=param.device)
    return value.to(device=param.device)


def _step_without_grad(step):
    """Run an optimizer's ``step`` with grad mode off, as PyTorch's (non-differentiable) step."""

    @functools.wraps(step)
    def wrapper(self, closure=None):
        with no_grad():
            return step(self, closure)

    return wrapper
