"""Functions behind the layers (``tensorkit.nn.functional``, imported as ``F``): each computes
what its module does, from tensorkit's recorded ops, so the graph is PyTorch's."""

from __future__ import annotations

import math
import operator
import warnings

from .. import _backend, _ops
from .. import _dtype as dtypes
from .. import derivatives as D
from .._creation import rand_like, zeros_like
from .._dispatch import call, needs_grad, wrap
from .._dtype import int32, int64
from ..autograd import grad_mode
from ..autograd.graph import SavedTensor
from ..tensor import Tensor
from . import _reduction
from ._reduction import MEAN, NONE, SUM

__all__ = [
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "dropout",
    "embedding",
    "l1_loss",
    "layer_norm",
    "linear",
    "log_softmax",
    "mse_loss",
    "nll_loss",
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


# ---------------------------------------------------------------------------- losses
#
# Each loss follows PyTorch's own code path: the Python checks of torch.nn.functional first,
# then the C++ op's checks in its order, so that a call with several mistakes names the same
# one. Losses PyTorch computes in one kernel (mse_loss, nll_loss, cross_entropy's core,
# binary_cross_entropy_with_logits) record one node from the op table; the others are built
# from tensorkit's ops, so their graphs show the nodes PyTorch's composites show.

_SIZE_WARNING = (
    "Using a target size ({target}) that is different to the input size ({input}). This will "
    "likely lead to incorrect results due to broadcasting. Please ensure they have the same size."
)
_REDUCTION_CODES = {"mean": MEAN, "sum": SUM, "none": NONE}
_INT64 = dtypes.int64.numpy

_WEIGHT_NOT_DIFFERENTIABLE = (
    "The function '{function}' is not differentiable with respect to argument '{argument}'. "
    "This input cannot have requires_grad True."
)


@_backend.quietly  # NumPy's warnings hushed, as in every public op
def mse_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """The mean (or sum, or each) of the squared differences ``(input - target) ** 2``.

    >>> import tensorkit
    >>> x = tensorkit.tensor([1.0, 2.0], requires_grad=True)
    >>> mse_loss(x, tensorkit.tensor([0.0, 0.0]), reduction="sum")
    tensor(5., grad_fn=<MseLossBackward0>)
    """
    return _pointwise_loss(
        input, target, size_average, reduce, reduction, weight, _mse_loss, squared=True
    )


@_backend.quietly  # NumPy's warnings hushed, as in every public op
def l1_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """The mean (or sum, or each) of the absolute differences ``|input - target|``.

    >>> import tensorkit
    >>> l1_loss(tensorkit.tensor([1.0, 2.0]), tensorkit.tensor([0.0, 4.0]))
    tensor(1.5000)
    """
    return _pointwise_loss(
        input, target, size_average, reduce, reduction, weight, _l1_loss, squared=False
    )


def _pointwise_loss(input, target, size_average, reduce, reduction, weight, kernel, squared):
    """mse_loss and l1_loss: PyTorch's Python wrapper, shared."""
    _ops._same_device(input, target)
    if target.size() != input.size():
        warnings.warn(_SIZE_WARNING.format(target=target.size(), input=input.size()), stacklevel=4)
    if size_average is not None or reduce is not None:
        reduction = _reduction.legacy_get_string(size_average, reduce)
    expanded_input, expanded_target = _broadcast_tensors(input, target)
    if weight is None:
        return kernel(expanded_input, expanded_target, _reduction.get_enum(reduction))
    if weight.size() != input.size():
        raise ValueError("Weights and input must have the same size.")
    difference = expanded_input - expanded_target
    errors = _ops.pow(difference, 2) if squared else _ops.abs(difference)
    weighted = errors * weight
    if reduction == "none":
        return weighted
    if reduction == "sum":
        return _ops.sum(weighted)
    if reduction == "mean":
        return _ops.sum(weighted) / _ops.sum(weight)
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")


def _broadcast_tensors(*tensors: Tensor) -> tuple:
    """PyTorch's broadcast_tensors: each tensor expanded to the common shape (an ExpandBackward0
    node), or left as it is when it has that shape already."""
    shape = _ops._broadcast_shape(*(tuple(t.shape) for t in tensors))
    return tuple(t if tuple(t.shape) == shape else _ops.expand(t, shape) for t in tensors)


def _mse_loss(input: Tensor, target: Tensor, reduction: int) -> Tensor:
    """PyTorch's mse_loss kernel: one MseLossBackward0 node for the whole loss."""
    dtype = _ops.result_dtype(input, target)
    if not dtype.is_floating_point:
        raise NotImplementedError(f"\"mse_cpu\" not implemented for '{dtype.short_name}'")
    # An integer operand can't require grad: computing with its float copy changes no graph.
    input, target = (_cast(t, dtype) for t in (input, target))
    difference = input._data - target._data
    out = difference * difference
    if reduction == NONE:
        if not _ops._contiguous(input._data, target._data):  # PyTorch's elementwise layout
            out = _ops._laid_out(out, (input, target))
    else:
        out = _mean(out) if reduction == MEAN else out.sum()
    return call(D.MSE_LOSS, (input, target), out, {"reduction": reduction})


def _mean(array):
    """The mean of an array; nan for an empty one, without NumPy's warning (PyTorch gives none)."""
    return _ops._quiet_reduction(array.size == 0, array.mean)


def _cast(tensor: Tensor, dtype: dtypes.dtype) -> Tensor:
    if tensor.dtype is dtype or tensor.dtype.is_floating_point:
        return tensor
    return wrap(tensor._data.astype(dtype.numpy))


def _l1_loss(input: Tensor, target: Tensor, reduction: int) -> Tensor:
    """PyTorch's l1_loss is a composite: |input - target|, then the reduction."""
    return _apply_loss_reduction(_ops.abs(input - target), reduction)


def _apply_loss_reduction(loss: Tensor, reduction: int) -> Tensor:
    if reduction == MEAN:
        return _ops.mean(loss)
    if reduction == SUM:
        return _ops.sum(loss)
    return loss


@_backend.quietly  # NumPy's warnings hushed, as in every public op
def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """The negative log likelihood ``-input[n, target[n]]`` (times ``weight[target[n]]``),
    averaged over the total weight of the targets that are not ``ignore_index``.

    ``input`` holds log-probabilities, shaped (C), (N, C) or (N, C, d1, ..., dK); ``target``
    holds class indices (int64 or uint8), shaped (), (N) or (N, d1, ..., dK).

    >>> import tensorkit
    >>> logp = tensorkit.tensor([[-0.5, -1.0], [-2.0, -0.25]])
    >>> nll_loss(logp, tensorkit.tensor([0, 1]))
    tensor(0.3750)
    """
    if size_average is not None or reduce is not None:
        reduction = _reduction.legacy_get_string(size_average, reduce)
    reduction = _reduction.get_enum(reduction)
    ignore_index = _parse_args("nll_loss_nd", input, target, weight, ignore_index=ignore_index)
    return _nll_loss_nd(input, target, weight, reduction, ignore_index)


@_backend.quietly  # NumPy's warnings hushed, as in every public op
def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """The cross entropy between the logits ``input`` and ``target``: log_softmax over the class
    dim (1, or 0 for an input of shape (C)), then nll_loss.

    ``target`` holds class indices, or class probabilities shaped like ``input``.
    ``label_smoothing`` mixes the target with the uniform distribution over the classes.

    >>> import tensorkit
    >>> logits = tensorkit.tensor([[2.0, 0.0], [0.0, 2.0]], requires_grad=True)
    >>> cross_entropy(logits, tensorkit.tensor([0, 1]))
    tensor(0.1269, grad_fn=<NllLossBackward0>)
    """
    if (
        type(input) is Tensor
        and type(target) is Tensor
        and weight is None
        and size_average is None
        and reduce is None
        and type(ignore_index) is int
        and type(label_smoothing) in (float, int)
        and label_smoothing == 0
        and reduction in _REDUCTION_CODES
        and input._data.ndim == 2
        and target._data.ndim == 1
        and input._data.dtype.kind == "f"
        and target._data.dtype == _INT64
        and target._data.shape[0] == input._data.shape[0]
    ):
        # The common call (a batch of logits, their class indices, nothing else): every check
        # below would pass, so go straight to PyTorch's two ops.
        logp = _ops.log_softmax(input, 1)
        return _nll_loss(D.NLL_LOSS, logp, target, None, _REDUCTION_CODES[reduction], ignore_index)
    if size_average is not None or reduce is not None:
        reduction = _reduction.legacy_get_string(size_average, reduce)
    reduction = _reduction.get_enum(reduction)
    ignore_index, label_smoothing = _parse_args(
        "cross_entropy_loss",
        input,
        target,
        weight,
        ignore_index=ignore_index,
        label_smoothing=label_smoothing,
    )
    if input.shape == target.shape:  # PyTorch reads equal shapes as class probabilities
        if not target.dtype.is_floating_point:
            raise RuntimeError(
                "Expected floating point type for target with class probabilities, "
                f"got {target.dtype.short_name}"
            )
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        return _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing)
    if label_smoothing > 0.0:
        _check_label_smoothing(label_smoothing)
        return _cross_entropy_smoothed(
            input, target, weight, reduction, ignore_index, label_smoothing
        )
    logp = _ops.log_softmax(input, 0 if input.dim() == 1 else 1)
    return _nll_loss_nd(logp, target, weight, reduction, ignore_index)


def _parse_args(function: str, input, target, weight, **scalars):
    """The type checks of PyTorch's argument parser, with its messages."""
    for position, (name, value) in enumerate(
        (("input", input), ("target", target), ("weight", weight)), 1
    ):
        if not isinstance(value, Tensor) and not (name == "weight" and value is None):
            raise TypeError(
                f"{function}(): argument '{name}' (position {position}) must be Tensor, "
                f"not {type(value).__name__}"
            )
    parsed = []
    ignore_index = scalars["ignore_index"]
    try:
        if isinstance(ignore_index, bool):
            raise TypeError
        parsed.append(operator.index(ignore_index))
    except TypeError:
        raise TypeError(
            f"{function}(): argument 'ignore_index' (position 5) must be int, "
            f"not {type(ignore_index).__name__}"
        ) from None
    if "label_smoothing" in scalars:
        label_smoothing = scalars["label_smoothing"]
        try:
            parsed.append(float(label_smoothing))
        except (TypeError, ValueError):
            raise TypeError(
                f"{function}(): argument 'label_smoothing' (position 6) must be float, "
                f"not {type(label_smoothing).__name__}"
            ) from None
    return parsed[0] if len(parsed) == 1 else tuple(parsed)


def _check_label_smoothing(label_smoothing: float) -> None:
    if label_smoothing > 1.0:
        # C++ prints the double with 6 significant digits: 2.0 as "2", 1e20 as "1e+20"
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")


def _cross_entropy_probabilities(
    input: Tensor, target: Tensor, weight: Tensor | None, reduction: int, label_smoothing: float
) -> Tensor:
    """cross_entropy with class probabilities: -sum(target * log_softmax(input)) per sample,
    built from ops as PyTorch's C++ composite (DivBackward1 over NegBackward0 ...)."""
    if input.dim() == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    class_dim = 0 if input.dim() == 1 else 1
    classes = input.shape[class_dim]
    if weight is not None and (weight.dim() != 1 or weight.numel() != classes):
        raise RuntimeError(
            f"cross_entropy: weight tensor should be defined either for all {classes} classes or "
            f"no classes but got weight tensor of shape: {list(weight.shape)}"
        )
    logp = _ops.log_softmax(input, class_dim)
    if label_smoothing > 0.0:
        _check_label_smoothing(label_smoothing)
        target = _scalar_op(D.MUL_SCALAR, target, 1 - label_smoothing)
        target = _scalar_op(D.ADD_SCALAR, target, label_smoothing / classes)
    product = logp * target
    if weight is not None:
        product = product * (_class_view(weight, logp, class_dim) if logp.dim() > 1 else weight)
    if reduction == MEAN:
        if logp.numel() == 0:
            return -product.sum().fill_(math.nan)
        # PyTorch divides by numel / classes in integers: the number of samples
        return _scalar_op(D.DIV_SCALAR, -product.sum(), logp.numel() // classes)
    if reduction == SUM:
        return -product.sum()
    return -product.sum(class_dim)


def _class_view(weight: Tensor, like: Tensor, class_dim: int) -> Tensor:
    """``weight`` viewed as (1, C, 1, ...) to broadcast over ``like`` along the class dim."""
    shape = [1] * like.dim()
    shape[class_dim] = weight.shape[0]
    return weight.view(*shape)


def _scalar_op(op, tensor: Tensor, other) -> Tensor:
    """``tensor`` times, plus or divided by a Python number, recorded as PyTorch's Scalar
    overload (MulBackward1, AddBackward1, DivBackward1) as its C++ composites call it."""
    data = tensor._data
    out = op.forward(_backend.array_namespace(data), data, other)
    return call(op, (tensor,), out, None if op is D.ADD_SCALAR else {"other": other})


def _cross_entropy_smoothed(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None,
    reduction: int,
    ignore_index: int,
    label_smoothing: float,
) -> Tensor:
    """cross_entropy with class indices and label smoothing: PyTorch's composite,
    (1 - eps) nll + eps / C * (the loss against the uniform distribution)."""
    class_dim = 0 if input.dim() == 1 else 1
    logp = _ops.log_softmax(input, class_dim)
    nll = _nll_loss_nd(logp, target, weight, reduction, ignore_index)
    classes = logp.shape[class_dim]
    if weight is not None:
        smooth = -(logp * _class_view(weight, logp, class_dim)).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    ignored = target == ignore_index
    smooth = _masked_fill(smooth, ignored, 0.0)  # PyTorch's smooth_loss.masked_fill_
    if reduction == MEAN:
        if weight is not None:
            if target.dtype is not dtypes.int64:  # gather's index must be int64 here
                raise RuntimeError("gather(): Expected dtype int32/int64 for index")
            counted = target._data[~ignored._data].reshape(-1)
            total = weight._data[counted].sum(dtype=weight._data.dtype)
            smooth = smooth.sum() / wrap(_backend.array_namespace(total).asarray(total))
        else:
            smooth = smooth.sum() / (~ignored).sum()
    elif reduction == SUM:
        smooth = smooth.sum()
    return _scalar_op(D.MUL_SCALAR, nll, 1 - label_smoothing) + _scalar_op(
        D.MUL_SCALAR, smooth, label_smoothing / classes
    )


def _masked_fill(tensor: Tensor, mask: Tensor, value: float) -> Tensor:
    """``tensor.masked_fill_(mask, value)`` on a fresh result (so the same graph, recorded out
    of place): the mask must broadcast to the tensor's own shape."""
    shape = _ops._broadcast_shape(tuple(tensor.shape), tuple(mask.shape))
    if shape != tuple(tensor.shape):
        raise RuntimeError(
            f"output with shape {list(tensor.shape)} doesn't match the broadcast shape "
            f"{list(shape)}"
        )
    data = tensor._data
    xp = _backend.array_namespace(data)
    out = xp.where(mask._data, xp.asarray(value, dtype=data.dtype), data)
    return call(D.MASKED_FILL, (tensor,), out, {"mask": SavedTensor(mask)})


def _nll_loss_nd(
    input: Tensor, target: Tensor, weight: Tensor | None, reduction: int, ignore_index: int
) -> Tensor:
    """PyTorch's nll_loss_nd: 1-d and 2-d inputs go to nll_loss, 4-d ones to nll_loss2d, and
    the others are viewed as (N, C, 1, -1) for nll_loss2d."""
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    if input.dim() != 1:
        # PyTorch reads size 0 of a 0-d target as 0
        batch = target.shape[0] if target.dim() else 0
        if input.shape[0] != batch:
            raise ValueError(
                f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                f"({batch})."
            )
    if input.dim() <= 2:
        return _nll_loss(D.NLL_LOSS, input, target, weight, reduction, ignore_index)
    if input.dim() == 4:
        return _nll_loss(D.NLL_LOSS2D, input, target, weight, reduction, ignore_index)
    n, c = input.shape[0], input.shape[1]
    out_size = [n, *input.shape[2:]]
    if tuple(target.shape[1:]) != tuple(input.shape[2:]):
        raise RuntimeError(f"Expected target size {out_size}, got {list(target.shape)}")
    input, target = input.contiguous(), target.contiguous()
    input = input.view(n, c, 1, -1) if input.numel() > 0 else input.view(n, c, 0, 0)
    target = target.view(n, 1, -1) if target.numel() > 0 else target.view(n, 0, 0)
    out = _nll_loss(D.NLL_LOSS2D, input, target, weight, reduction, ignore_index)
    return out if reduction != NONE else out.view(*out_size)


def _nll_loss(
    op, input: Tensor, target: Tensor, weight: Tensor | None, reduction: int, ignore_index: int
) -> Tensor:
    """PyTorch's nll_loss_forward (``op`` NLL_LOSS) or nll_loss2d_forward (NLL_LOSS2D): its
    checks in its order, then the loss and the total weight of the counted targets."""
    _ops._same_device(input, target, weight)
    spatial = op is D.NLL_LOSS2D
    name = "nll_loss2d" if spatial else "nll_loss"
    if weight is not None and weight.requires_grad:
        raise RuntimeError(
            _WEIGHT_NOT_DIFFERENTIABLE.format(function=f"{name}_forward", argument="weight")
        )
    if spatial:
        _check_nll_loss2d(input, target, weight)
    else:
        _check_nll_loss(input, target, weight)
    if not input.dtype.is_floating_point:
        kernel = "nll_loss2d_forward_out_frame" if spatial else "nll_loss_out_frame"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype.short_name}'")
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(
            f"expected scalar type {input.dtype.short_name} but found {weight.dtype.short_name}"
        )
    if spatial and target.dtype is not dtypes.int64:  # nll_loss2d reads int64 targets only
        raise RuntimeError(f"expected scalar type Long but found {target.dtype.short_name}")
    x = input._data
    xp = _backend.array_namespace(x)
    class_dim = 0 if x.ndim == 1 else 1
    targets = target._data.astype(xp.int64).reshape(() if x.ndim == 1 else target.shape)
    counted = targets != ignore_index
    if (
        weight is None
        and x.ndim == 2
        and targets.size
        and counted.all()
        and targets.min() >= 0
        and targets.max() < x.shape[1]
    ):
        # The common case: a batch of rows, every target counted and in range, no weights.
        losses = -x[xp.arange(x.shape[0]), targets]
        total_weight = xp.asarray(targets.size, dtype=x.dtype)
        if reduction == NONE:
            out, total_weight = losses, xp.zeros((), dtype=x.dtype)
        elif reduction == MEAN:
            out = xp.asarray(losses.sum() / total_weight, dtype=x.dtype)
        else:
            out = xp.asarray(losses.sum(), dtype=x.dtype)
        return _nll_loss_result(op, input, target, None, reduction, ignore_index, out, total_weight)
    out_of_bounds = counted & ((targets < 0) | (targets >= x.shape[class_dim]))
    if out_of_bounds.any():
        raise IndexError(f"Target {int(targets[out_of_bounds].reshape(-1)[0])} is out of bounds.")
    classes = xp.where(counted, targets, 0)
    if x.ndim == 2:  # a batch of rows, one class each
        picked = x[xp.arange(x.shape[0]), classes]
    else:
        picked = xp.take_along_axis(x, xp.expand_dims(classes, class_dim), class_dim)
        picked = picked.squeeze(class_dim)
    if weight is not None:
        weights = xp.where(counted, weight._data.reshape(-1)[classes], 0).astype(x.dtype)
        losses = -(picked * weights)
    else:
        weights = counted.astype(x.dtype)
        losses = -picked
    losses = xp.where(counted, losses, xp.zeros((), dtype=x.dtype))
    total_weight = xp.asarray(weights.sum(), dtype=x.dtype)
    if reduction == NONE and x.ndim > 1:
        out = losses
        total_weight = xp.zeros((), dtype=x.dtype)  # PyTorch leaves it 0 when it doesn't reduce
    elif target.numel() == 0:  # PyTorch: nan for the mean of nothing, 0 for the sum
        out = xp.asarray(math.nan if reduction == MEAN else 0.0, dtype=x.dtype)
    else:
        out = xp.asarray(losses.sum(), dtype=x.dtype)
        if reduction == MEAN:
            out = xp.asarray(out / total_weight, dtype=x.dtype)
    return _nll_loss_result(op, input, target, weight, reduction, ignore_index, out, total_weight)


def _nll_loss_result(op, input, target, weight, reduction, ignore_index, out, total_weight):
    """The loss tensor, recording ``op`` with what its gradient needs when ``input`` needs one."""
    params = None
    if needs_grad((input,)):
        params = {
            "target": SavedTensor(target),
            "weight": SavedTensor(weight) if weight is not None else None,
            "reduction": reduction,
            "ignore_index": ignore_index,
            "total_weight": SavedTensor(wrap(total_weight)),
        }
    return call(op, (input,), out, params)


def _check_nll_loss(input: Tensor, target: Tensor, weight: Tensor | None) -> None:
    """nll_loss_forward's checks (its meta function), in PyTorch's order."""
    if not 0 < input.dim() <= 2:
        raise RuntimeError("input tensor should be 1D or 2D")
    if target.dim() > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    _check_target_dtype(target)
    if input.dim() == 1 and target.dim() == 1 and target.shape[0] != 1:
        raise ValueError(
            f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}"
        )
    if input.dim() != 1:
        if target.dim() == 0:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        if input.shape[0] != target.shape[0]:
            raise RuntimeError(
                f"size mismatch (got input: {list(input.shape)}, target: {list(target.shape)})"
            )
    classes = input.shape[-1]
    if weight is not None and (weight.dim() != 1 or weight.numel() != classes):
        raise RuntimeError(
            f"weight tensor should be defined either for all {classes} classes or no classes but "
            f"got weight tensor of shape: {list(weight.shape)}"
        )


def _check_nll_loss2d(input: Tensor, target: Tensor, weight: Tensor | None) -> None:
    """nll_loss2d's checks, in PyTorch's order (its size message has no closing parenthesis)."""
    if target.dim() != 3:
        raise RuntimeError(
            "only batches of spatial targets supported (3D tensors) but got targets of "
            f"dimension: {target.dim()}"
        )
    if input.dim() != 4:
        raise RuntimeError(
            "only batches of spatial inputs supported (4D tensors), but got input of "
            f"dimension: {input.dim()}"
        )
    _check_target_dtype(target)
    if weight is not None and weight.numel() != input.shape[1]:
        raise RuntimeError("weight tensor should be defined either for all or no classes")
    n, _, height, width = input.shape
    if (n, height, width) != tuple(target.shape):
        raise RuntimeError(
            f"size mismatch (got input: {list(input.shape)} , target: {list(target.shape)}"
        )


def _check_target_dtype(target: Tensor) -> None:
    if target.dtype not in (dtypes.int64, dtypes.uint8):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {target.dtype.short_name}"
        )


@_backend.quietly  # NumPy's warnings hushed, as in every public op
def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Binary cross entropy of the logits ``input`` against ``target`` (probabilities), without
    forming sigmoid(input): ``(1 - t) x - l log(sigmoid(x))`` with ``l = 1 + (pos_weight - 1) t``,
    times ``weight``; stable for large logits of either sign.

    >>> import tensorkit
    >>> x = tensorkit.tensor([0.0, 100.0])
    >>> binary_cross_entropy_with_logits(x, tensorkit.tensor([1.0, 0.0]), reduction="none")
    tensor([  0.6931, 100.0000])
    """
    _ops._same_device(input, target, weight, pos_weight)
    if size_average is not None or reduce is not None:
        reduction_enum = _reduction.legacy_get_enum(size_average, reduce)
    else:
        reduction_enum = _reduction.get_enum(reduction)
    if not (target.size() == input.size()):
        raise ValueError(
            f"Target size ({target.size()}) must be the same as input size ({input.size()})"
        )
    return _binary_cross_entropy_with_logits(input, target, weight, pos_weight, reduction_enum)


def _binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None,
    pos_weight: Tensor | None,
    reduction: int,
) -> Tensor:
    """PyTorch's kernel: its checks in the order its in-place steps make them, then the loss
    ``(1 - t) x - l log_sigmoid(x)``, recorded as one node."""
    function = "binary_cross_entropy_with_logits"
    for position, (name, value) in enumerate(
        (("input", input), ("target", target), ("weight", weight), ("pos_weight", pos_weight)), 1
    ):
        if not isinstance(value, Tensor) and not (
            name in ("weight", "pos_weight") and value is None
        ):
            raise TypeError(
                f"{function}(): argument '{name}' (position {position}) must be Tensor, "
                f"not {type(value).__name__}"
            )
    for name, value in (("weight", weight), ("pos_weight", pos_weight)):
        if value is not None and value.requires_grad:
            raise RuntimeError(_WEIGHT_NOT_DIFFERENTIABLE.format(function=function, argument=name))
    if not input.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"log_sigmoid_cpu\" not implemented for '{input.dtype.short_name}'"
        )
    shape = tuple(input.shape)
    if pos_weight is not None:  # log_sigmoid(input).mul_((pos_weight - 1) * target + 1)
        _check_inplace_broadcast(
            shape, _ops._broadcast_shape(tuple(pos_weight.shape), tuple(target.shape))
        )
    if target.dtype is dtypes.bool_:  # 1 - target
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    if not target.dtype.is_floating_point:  # (1 - target).mul_(input)
        raise RuntimeError(
            f"result type {dtypes.promote_types(target.dtype, input.dtype).short_name} can't be "
            f"cast to the desired output type {target.dtype.short_name}"
        )
    if weight is not None:  # loss.mul_(weight)
        _check_inplace_broadcast(shape, _ops._broadcast_shape(shape, tuple(weight.shape)))
    x, t = input._data, target._data
    xp = _backend.array_namespace(x)
    log_sigmoid = D.log_sigmoid(xp, x)
    if pos_weight is not None:
        log_weight = (pos_weight._data - 1) * t + 1
        log_sigmoid = (log_sigmoid * log_weight).astype(x.dtype, copy=False)
    loss = ((1 - t) * x).astype(t.dtype, copy=False) - log_sigmoid
    loss = loss.astype(t.dtype, copy=False)  # the loss is computed in the target's dtype
    if weight is not None:
        loss = (loss * weight._data).astype(t.dtype, copy=False)
    if reduction != NONE:
        loss = xp.asarray(_mean(loss) if reduction == MEAN else loss.sum(), dtype=t.dtype)
    params = {"weight": None, "pos_weight": None, "reduction": reduction}
    if needs_grad((input, target)):
        for name, value in (("weight", weight), ("pos_weight", pos_weight)):
            params[name] = SavedTensor(value) if value is not None else None
    return call(D.BCE_WITH_LOGITS, (input, target), loss, params)


def _check_inplace_broadcast(shape: tuple, broadcast: tuple) -> None:
    """An in-place op writes into a tensor of ``shape``: the broadcast may not be larger."""
    if broadcast != shape:
        raise RuntimeError(
            f"output with shape {list(shape)} doesn't match the broadcast shape {list(broadcast)}"
        )


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
    _ops._same_device(input, weight)
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
    _ops._same_device(input, weight, bias)
    return _ops.layer_norm(input, normalized_shape, weight, bias, eps)
