"""Reverse-mode automatic differentiation: ``backward``, ``grad``, grad modes, custom Functions."""

from __future__ import annotations

from . import engine
from .engine import run_backward
from .function import Function, FunctionCtx
from .grad_mode import (
    detect_anomaly,
    enable_grad,
    inference_mode,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    set_detect_anomaly,
    set_grad_enabled,
)
from .gradcheck import gradcheck
from .graph import Node

__all__ = [
    "Function",
    "FunctionCtx",
    "Node",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "grad",
    "gradcheck",
    "graph",
    "inference_mode",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "no_grad",
    "set_detect_anomaly",
    "set_grad_enabled",
]

from . import graph


def _as_tuple(value):
    if value is None:
        return None
    if isinstance(value, engine._tensor_type()):
        return (value,)
    return tuple(value)


def backward(
    tensors,
    grad_tensors=None,
    retain_graph=None,
    create_graph=False,
    grad_variables=None,
    inputs=None,
) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of every leaf that led to them."""
    tensors = _as_tuple(tensors)
    grads = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(tensors)
    if len(grads) != len(tensors):
        raise RuntimeError(f"got {len(grads)} gradients but {len(tensors)} tensors")
    if retain_graph is None:
        retain_graph = create_graph
    inputs = _as_tuple(inputs)
    if inputs is not None and len(inputs) == 0:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    run_backward(
        tensors,
        grads,
        retain_graph=retain_graph,
        create_graph=create_graph,
        inputs=inputs,
        accumulate=True,
        allow_unused=True,
    )


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    only_inputs=True,
    allow_unused=None,
    is_grads_batched=False,
    materialize_grads=False,
):
    """The gradients of ``outputs`` with respect to ``inputs``, returned (``.grad`` is left alone).

    >>> import tensorkit
    >>> x = tensorkit.tensor(3., requires_grad=True)
    >>> tensorkit.autograd.grad(x ** 3, x)
    (tensor(27.),)
    """
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    grads = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    if not only_inputs:
        import warnings

        warnings.warn(
            "only_inputs argument is deprecated and is ignored now (defaults to True). To "
            "accumulate gradient for other parts of the graph, please use torch.autograd.backward.".replace(
                "torch.", "tensorkit."
            ),
            FutureWarning,
            stacklevel=2,
        )
    if is_grads_batched:
        _check_batched_grads(outputs, grads)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    if len(inputs) == 0:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    for index, output in enumerate(outputs):  # PyTorch checks the outputs before the inputs
        if output.grad_fn is None and not output._requires_grad:
            raise RuntimeError(
                f"element {index} of tensors does not require grad and does not have a grad_fn"
            )
    for tensor in inputs:
        if not tensor.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if is_grads_batched and any(grad is not None for grad in grads):
        return _batched_grad(
            outputs, inputs, grads, retain_graph, create_graph, allow_unused, materialize_grads
        )
    return run_backward(
        outputs,
        grads,
        retain_graph=retain_graph,
        create_graph=create_graph,
        inputs=inputs,
        accumulate=False,
        allow_unused=allow_unused,
        materialize_grads=materialize_grads,
    )


def _check_batched_grads(outputs, grads) -> None:
    """``is_grads_batched``: each grad_output is a batch of gradients for its output (PyTorch's
    messages; its shape check compares the first gradient of the batch)."""
    for index, (output, grad) in enumerate(zip(outputs, grads)):
        if grad is None:
            continue
        first = grad[0]
        if tuple(first.shape) != tuple(output.shape):
            from ..tensor import Size

            raise RuntimeError(
                "If `is_grads_batched=True`, we interpret the first dimension of each grad_output "
                "as the batch dimension. The sizes of the remaining dimensions are expected to "
                "match the shape of corresponding output, but a mismatch was detected: "
                f"grad_output[{index}] has a shape of {Size(first.shape[1:])} and "
                f"output[{index}] has a shape of {output.shape}. If you only want some tensors in "
                "`grad_output` to be considered batched, consider using vmap."
            )
    sizes = [grad.shape[0] for grad in grads if grad is not None]
    if any(size != sizes[0] for size in sizes):
        raise ValueError(
            "vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
            f"{sizes} for the mapped dimension"
        )


def _batched_grad(outputs, inputs, grads, retain_graph, create_graph, allow_unused, materialize):
    """``grad(..., is_grads_batched=True)``: one vector-Jacobian product per gradient of the
    batch, stacked along a new first dimension (what PyTorch computes with vmap); the graph is
    freed after the last one unless retained."""
    from .. import _creation, _ops
    from .grad_mode import no_grad

    batch = next(grad.shape[0] for grad in grads if grad is not None)
    per_sample = []
    for number in range(batch):
        per_sample.append(
            run_backward(
                outputs,
                tuple(grad[number] if grad is not None else None for grad in grads),
                retain_graph=retain_graph or number < batch - 1,
                create_graph=create_graph,
                inputs=inputs,
                accumulate=False,
                allow_unused=True,
            )
        )
    results = []
    for position, tensor in enumerate(inputs):
        pieces = [sample[position] for sample in per_sample]
        if batch == 0 or any(piece is None for piece in pieces):
            if materialize:
                results.append(_creation.zeros_like(tensor))
                continue
            if not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {position} appears to not have been used "
                    "in the graph. Set allow_unused=True if this is the desired behavior."
                )
            results.append(None)
            continue
        if create_graph:
            results.append(_ops.stack(pieces))
        else:
            with no_grad():
                results.append(_ops.stack(pieces))
    return tuple(results)
