"""Functions behind the layers (``tensorkit.nn.functional``, imported as ``F``): each computes
what its module does, from tensorkit's recorded ops, so the graph is PyTorch's."""

from __future__ import annotations

import warnings

from .. import _ops
from .._creation import rand_like, zeros_like
from .._dtype import int32, int64
from ..autograd import grad_mode
from ..tensor import Tensor

__all__ = [
    "dropout",
    "embedding",
    "layer_norm",
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


# ---------------------------------------------------------------------------- embedding and normalisation


def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Look up the rows of ``weight`` that ``input`` (int64 or int32 indices) names: the result
    has shape ``input.shape + (embedding_dim,)`` and records ``EmbeddingBackward0``.

    ``padding_idx``'s row gets no gradient; ``max_norm`` first rescales, in place, each looked-up
    row whose ``norm_type``-norm exceeds it; ``scale_grad_by_freq`` divides each row's gradient
    by how often the row was picked. ``sparse=True`` (a sparse gradient) is refused where a
    gradient would be recorded: tensorkit has no sparse tensors.

    >>> import tensorkit
    >>> w = tensorkit.tensor([[0.0, 0.0], [1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> embedding(tensorkit.tensor([[2, 1]]), w, padding_idx=0)
    tensor([[[3., 4.],
             [1., 2.]]], grad_fn=<EmbeddingBackward0>)
    """
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= weight.size(0):
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -weight.size(0):
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = weight.size(0) + padding_idx
    else:
        padding_idx = -1
    if max_norm is not None:
        input = input.contiguous()  # as PyTorch, which saves this (contiguous) index tensor
        target = weight.detach()
        _refuse_lookup_before_renorm(weight, input, sparse)
        _ops.embedding_renorm_(target, input, max_norm, norm_type)
    return _ops.embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)


def _refuse_lookup_before_renorm(weight: Tensor, input: Tensor, sparse: bool) -> None:
    """Refuse, before max_norm rescales anything, a call that the lookup after the rescaling
    would refuse (PyTorch rescales first and raises after, leaving the weight changed). What
    the rescaling itself checks is left to it: it checks before it writes."""
    if weight.ndim != 2 or input.dtype not in (int64, int32):
        return  # embedding_renorm_ refuses these itself, with its own message
    if input.numel():
        rows = weight.size(0)
        lowest, highest = int(input.min()), int(input.max())
        if lowest < -rows or highest >= rows:
            return  # so are these
        if lowest < 0:
            raise IndexError("index out of range in self")
    _ops._refuse_unrecordable_lookup(weight, input, sparse)


def layer_norm(
    input: Tensor,
    normalized_shape,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise the trailing ``normalized_shape`` dims of ``input`` to mean 0 and variance 1
    (the biased variance, plus ``eps``), then scale by ``weight`` and shift by ``bias``:
    ``NativeLayerNormBackward0``.

    >>> import tensorkit
    >>> layer_norm(tensorkit.tensor([[1.0, 3.0], [2.0, 2.0]]), (2,))
    tensor([[-1.0000,  1.0000],
            [ 0.0000,  0.0000]])
    """
    return _ops.layer_norm(input, normalized_shape, weight, bias, eps)
