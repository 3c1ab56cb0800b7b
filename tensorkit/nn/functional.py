"""Functions behind the layers (``tensorkit.nn.functional``, imported as ``F``): each computes
what its module does, from tensorkit's recorded ops, so the graph is PyTorch's."""

from __future__ import annotations

import warnings

from .. import _ops
from .._creation import rand_like, zeros_like
from ..autograd import grad_mode
from ..tensor import Tensor

__all__ = [
    "dropout",
    "linear",
    "log_softmax",
    "relu",
    "relu_",
    "sigmoid",
    "softmax",
    "tanh",
]

# ---------------------------------------------------------------------------- layers


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``: ``AddmmBackward0`` for a 2-d input (inputs of other ranks
    are flattened to 2-d first and viewed back, as in PyTorch: ``ViewBackward0``).

    >>> import tensorkit
    >>> y = linear(tensorkit.ones(4, 3), tensorkit.ones(2, 3, requires_grad=True), tensorkit.zeros(2))
    >>> y.shape, y.grad_fn
    (tensorkit.Size([4, 2]), <AddmmBackward0 object at 0x...>)
    """
    if input.ndim == 0 or weight.ndim == 0:
        raise RuntimeError(
            f"both arguments to linear need to be at least 1D, but they are {input.ndim}D and "
            f"{weight.ndim}D"
        )
    if bias is not None:
        if input.ndim == 2:
            return _ops.addmm(bias, input, weight.t())
        if input.is_contiguous() and (input.ndim == 3 or bias.ndim == 1):
            # PyTorch's _flatten_nd_linear: rows of the flattened input, then back
            sizes = tuple(input.shape)
            rows = 1
            for size in sizes[:-1]:
                rows *= size
            result = _ops.addmm(bias, _ops.reshape(input, (rows, sizes[-1])), weight.t())
            return _ops.view(result, sizes[:-1] + (result.shape[1],))
    output = _ops.matmul(input, weight.t())
    if bias is not None:
        output.add_(bias)
    return output


# ---------------------------------------------------------------------------- activations


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    return _ops.relu_(input) if inplace else _ops.relu(input)


def relu_(input: Tensor) -> Tensor:
    return _ops.relu_(input)


def tanh(input: Tensor) -> Tensor:
    return _ops.tanh(input)


def sigmoid(input: Tensor) -> Tensor:
    return _ops.sigmoid(input)


def _implicit_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
        "dim=X as an argument.",
        UserWarning,
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """Softmax along ``dim`` (PyTorch warns and guesses a dim when it is not given)."""
    if dim is None:
        dim = _implicit_dim("softmax", input.ndim, _stacklevel)
    return _ops.softmax(input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """log(softmax) along ``dim``, computed stably (a log-sum-exp, never log of a softmax)."""
    if dim is None:
        dim = _implicit_dim("log_softmax", input.ndim, _stacklevel)
    return _ops.log_softmax(input, dim, dtype=dtype)


# ---------------------------------------------------------------------------- regularisation


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p) (training only).

    As in PyTorch it is ``input * mask`` (``MulBackward0``), the mask drawn from tensorkit's
    generator; with ``p=0``, outside training or on an empty tensor the input comes back as is.
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or input.numel() == 0:
        return input
    with grad_mode.no_grad():
        if p == 1:
            mask = zeros_like(input)
        else:  # each element kept with probability 1 - p, and scaled up to keep the mean
            mask = (rand_like(input) < 1 - p).to(input.dtype).div_(1 - p)
    return input.mul_(mask) if inplace else input * mask
