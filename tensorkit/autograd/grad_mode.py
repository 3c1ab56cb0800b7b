"""Grad modes: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``.

The state is thread-local, as in PyTorch: a ``no_grad`` block in one thread does not switch
off recording in another.
"""

from __future__ import annotations

import functools
import inspect
import threading
import warnings

__all__ = [
    "detect_anomaly",
    "enable_grad",
    "inference_mode",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "is_inference_mode_enabled",
    "no_grad",
    "set_detect_anomaly",
    "set_grad_enabled",
]


class _State(threading.local):
    def __init__(self) -> None:
        self.grad_enabled = True
        self.inference = False
        self.anomaly = False
        self.anomaly_check_nan = True


_state = _State()


def is_grad_enabled() -> bool:
    """Whether operations are being recorded for backward.

    >>> import tensorkit
    >>> with tensorkit.no_grad():
    ...     tensorkit.is_grad_enabled()
    False
    """
    return _state.grad_enabled


def is_inference_mode_enabled() -> bool:
    return _state.inference


def is_anomaly_enabled() -> bool:
    return _state.anomaly


class _DecoratorContextManager:
    """A context manager that is also a decorator: ``@no_grad()``, ``@set_grad_enabled(False)``.

    The decorated function enters a fresh ``clone()`` on every call, so one decorator serves
    recursive and concurrent calls. Generators get the mode back each time they resume.
    """

    def __call__(self, function):
        if inspect.isclass(function):
            warnings.warn(
                "Decorating classes is deprecated and will be disabled in future versions. You "
                "should only decorate functions or methods. To preserve the current behavior of "
                "class decoration, you can directly decorate the `__init__` method and nothing "
                "else.",
                FutureWarning,
                stacklevel=2,
            )
            # As in PyTorch, calls to the class are wrapped: the name now holds a function.
            cls = function
            function = lambda *args, **kwargs: cls(*args, **kwargs)
        if inspect.isgeneratorfunction(function):
            return _wrap_generator(self.clone, function)

        @functools.wraps(function)
        def decorated(*args, **kwargs):
            with self.clone():
                return function(*args, **kwargs)

        return decorated

    def __enter__(self) -> None:
        raise NotImplementedError

    def __exit__(self, *exc) -> None:
        raise NotImplementedError

    def clone(self):
        return self.__class__()


class _NoParamDecoratorContextManager(_DecoratorContextManager):
    """One that also decorates without parentheses: ``@no_grad`` as well as ``@no_grad()``."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


def _wrap_generator(make_context, function):
    """Run each step of the generator in a fresh context; the caller's mode holds between steps."""

    @functools.wraps(function)
    def generator(*args, **kwargs):
        inner = function(*args, **kwargs)
        try:
            with make_context():
                response = inner.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with make_context():
                        inner.close()
                    raise
                # Whatever the caller throws in goes on to the generator.
                except BaseException as error:  # noqa: BLE001
                    with make_context():
                        response = inner.throw(error)
                else:
                    with make_context():
                        response = inner.send(request)
        except StopIteration as stop:
            return stop.value

    return generator


class no_grad(_NoParamDecoratorContextManager):
    """Turn off recording for backward inside the block (or the decorated function).

    >>> import tensorkit
    >>> x = tensorkit.ones(2, requires_grad=True)
    >>> with tensorkit.no_grad():
    ...     (x * 2).requires_grad
    False
    """

    def __init__(self, orig_func=None) -> None:
        self.prev = False

    def __enter__(self) -> None:
        self.prev = _state.grad_enabled
        _state.grad_enabled = False

    def __exit__(self, *exc) -> None:
        _state.grad_enabled = self.prev


class enable_grad(_NoParamDecoratorContextManager):
    """Turn recording back on inside a ``no_grad`` block (or for the decorated function)."""

    def __init__(self, orig_func=None) -> None:
        self.prev = False

    def __enter__(self) -> None:
        self.prev = _state.grad_enabled
        _state.grad_enabled = True

    def __exit__(self, *exc) -> None:
        _state.grad_enabled = self.prev


class set_grad_enabled(_DecoratorContextManager):
    """Set grad mode on or off: at once when called, until the end of the block with ``with``.

    As in PyTorch the constructor switches the mode and remembers the one before, and
    ``__exit__`` puts that one back. Used as a decorator, ``@set_grad_enabled(False)`` first
    undoes the switch its own construction made, so only the decorated function runs with
    ``mode``.

    >>> import tensorkit
    >>> with tensorkit.set_grad_enabled(False):
    ...     tensorkit.is_grad_enabled()
    False
    >>> tensorkit.is_grad_enabled()
    True
    """

    def __init__(self, mode: bool) -> None:
        # PyTorch's binding takes a bool only; an int still passes here because the engine
        # hands its caller's create_graph straight to set_grad_enabled.
        if not isinstance(mode, int):
            raise TypeError(
                f"set_grad_enabled(): argument 'enabled' (position 1) must be bool, "
                f"not {type(mode).__name__}"
            )
        self.prev = _state.grad_enabled
        self.mode = bool(mode)
        _state.grad_enabled = self.mode

    def __call__(self, function):
        _state.grad_enabled = self.prev
        return super().__call__(function)

    def __enter__(self) -> None:
        _state.grad_enabled = self.mode

    def __exit__(self, *exc) -> None:
        _state.grad_enabled = self.prev

    def __repr__(self) -> str:
        return f"tensorkit.autograd.grad_mode.set_grad_enabled(mode={self.mode})"

    def clone(self):
        return self.__class__(self.mode)


class inference_mode(_DecoratorContextManager):
    """Like ``no_grad``, and the tensors made inside are inference tensors.

    ``inference_mode(False)`` switches inference mode off and grad mode on for the block, as
    PyTorch's does. Decorates with or without parentheses: ``@inference_mode``,
    ``@inference_mode()``, ``@inference_mode(False)``.

    >>> import tensorkit
    >>> with tensorkit.inference_mode():
    ...     tensorkit.ones(2).is_inference()
    True
    """

    def __new__(cls, mode=True):
        if isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)  # @inference_mode without parentheses: mode is the function

    def __init__(self, mode: bool = True) -> None:
        self.mode = mode
        self.prev = (True, False)

    def __enter__(self) -> None:
        self.prev = (_state.grad_enabled, _state.inference)
        _state.grad_enabled = not self.mode
        _state.inference = self.mode

    def __exit__(self, *exc) -> None:
        _state.grad_enabled, _state.inference = self.prev

    def clone(self):
        return self.__class__(self.mode)


class detect_anomaly:
    """Switch anomaly detection on: forward ops remember where they were made, a failing backward
    names its node, and (``check_nan``) a backward that produces nan raises at once."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self.prev = (False, True)

    def __enter__(self) -> None:
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and should "
            "only be enabled for debugging.",
            UserWarning,
            stacklevel=2,
        )
        self.prev = (_state.anomaly, _state.anomaly_check_nan)
        _state.anomaly, _state.anomaly_check_nan = True, self.check_nan

    def __exit__(self, *exc) -> None:
        _state.anomaly, _state.anomaly_check_nan = self.prev


class set_detect_anomaly:
    """Set anomaly detection on or off at once; as a context manager it restores the old state."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = (_state.anomaly, _state.anomaly_check_nan)
        _state.anomaly, _state.anomaly_check_nan = bool(mode), check_nan

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> None:
        _state.anomaly, _state.anomaly_check_nan = self.prev
