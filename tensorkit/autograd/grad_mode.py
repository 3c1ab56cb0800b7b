"""Grad modes: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``.

The state is thread-local, as in PyTorch: a ``no_grad`` block in one thread does not switch
off recording in another.
"""

from __future__ import annotations

import functools
import inspect
import threading

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled", "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled"]


class _State(threading.local):
    def __init__(self) -> None:
        self.grad_enabled = True
        self.inference = False
        self.anomaly = False


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
    """A context manager that also works as a decorator, with or without parentheses."""

    def __new__(cls, orig_func=None, *args, **kwargs):
        if cls is not _DecoratorContextManager and callable(orig_func) and not args and not kwargs:
            return cls()(orig_func)
        return super().__new__(cls)

    def __call__(self, function):
        if inspect.isgeneratorfunction(function):
            raise TypeError("tensorkit grad modes do not decorate generator functions")

        @functools.wraps(function)
        def decorated(*args, **kwargs):
            with self.clone():
                return function(*args, **kwargs)

        return decorated

    def clone(self):
        return self.__class__()


class no_grad(_DecoratorContextManager):
    """Turn off recording for backward inside the block (or the decorated function)."""

    def __init__(self, orig_func=None) -> None:
        self.prev = False

    def __enter__(self) -> None:
        self.prev = _state.grad_enabled
        _state.grad_enabled = False

    def __exit__(self, *exc) -> None:
        _state.grad_enabled = self.prev


class enable_grad(_DecoratorContextManager):
    """Turn recording back on inside a ``no_grad`` block."""

    def __init__(self, orig_func=None) -> None:
        self.prev = False

    def __enter__(self) -> None:
        self.prev = _state.grad_enabled
        _state.grad_enabled = True

    def __exit__(self, *exc) -> None:
        _state.grad_enabled = self.prev


class set_grad_enabled(_DecoratorContextManager):
    """Set grad mode on or off; takes effect at once, and undoes itself when used with ``with``."""

    def __new__(cls, mode=None, *args, **kwargs):
        return object.__new__(cls)

    def __init__(self, mode: bool) -> None:
        self.prev = _state.grad_enabled
        self.mode = bool(mode)
        _state.grad_enabled = self.mode

    def __enter__(self) -> None:
        _state.grad_enabled = self.mode

    def __exit__(self, *exc) -> None:
        _state.grad_enabled = self.prev

    def clone(self):
        return self.__class__(self.mode)


class inference_mode(_DecoratorContextManager):
    """Like ``no_grad``, and the tensors made inside are marked as inference tensors."""

    def __new__(cls, mode=True, *args, **kwargs):
        if callable(mode) and not isinstance(mode, bool):
            return object.__new__(cls)(mode)
        return object.__new__(cls)

    def __init__(self, mode: bool = True) -> None:
        self.mode = bool(mode)
        self.prev = (False, False)

    def __enter__(self) -> None:
        self.prev = (_state.grad_enabled, _state.inference)
        if self.mode:
            _state.grad_enabled = False
            _state.inference = True

    def __exit__(self, *exc) -> None:
        _state.grad_enabled, _state.inference = self.prev

    def clone(self):
        return self.__class__(self.mode)


class detect_anomaly:
    """Context manager that switches anomaly detection on; error hints then point at it."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self.prev = False

    def __enter__(self) -> None:
        import warnings

        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only "
                      "be enabled for debugging.", UserWarning, stacklevel=2)
        self.prev = _state.anomaly
        _state.anomaly = True

    def __exit__(self, *exc) -> None:
        _state.anomaly = self.prev


class set_detect_anomaly:
    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = _state.anomaly
        _state.anomaly = bool(mode)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> None:
        _state.anomaly = self.prev
