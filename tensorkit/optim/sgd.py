"""Stochastic gradient descent, with momentum, dampening, Nesterov momentum and weight decay.

The update is PyTorch's for-loop implementation (``_single_tensor_sgd``), op for op: the same
in-place ops on the parameters and momentum buffers (so version counters move as PyTorch's
do) and the same arithmetic in the same order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT, _number, _step_without_grad, _to_scalar

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent (optionally with momentum).

    Per parameter ``p`` with gradient ``g``: ``g += weight_decay * p``; with momentum, the
    buffer ``b`` starts as ``g`` and then becomes ``momentum * b + (1 - dampening) * g``, and
    ``g`` is ``b`` (or ``g + momentum * b`` for Nesterov); finally ``p -= lr * g``, one in-place
    ``add_`` on the parameter. ``maximize=True`` steps along ``-g``.

    >>> import tensorkit as torch
    >>> w = torch.nn.Parameter(torch.tensor([1.0, -1.0]))
    >>> opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad()
    ...     (w * w).sum().backward()
    ...     opt.step()
    >>> w
    Parameter containing:
    tensor([ 0.4600, -0.4600], requires_grad=True)
    >>> w._version
    2
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float | Tensor = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float | Tensor = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("differentiable", False)
            group.setdefault("fused", False)

    @_step_without_grad
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform a single optimization step; returns the closure's loss, if one is given."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = group["lr"]
            if (
                group["momentum"] == 0
                and group["weight_decay"] == 0
                and not group["maximize"]
                and type(lr) in (float, int)
            ):
                # Plain SGD, what _sgd does without momentum buffers: p -= lr * g, in place.
                alpha = -lr
                for param in group["params"]:
                    grad = param._grad
                    if grad is not None:
                        param.add_(grad, alpha=alpha)
                continue
            params: list[Tensor] = []
            grads: list[Tensor] = []
            momentum_buffers: list[Tensor | None] = []
            for param in group["params"]:
                if param.grad is not None:
                    params.append(param)
                    grads.append(param.grad)
                    if group["momentum"] != 0:
                        momentum_buffers.append(self.state[param].get("momentum_buffer"))
            _sgd(
                params,
                grads,
                momentum_buffers,
                weight_decay=group["weight_decay"],
                momentum=group["momentum"],
                lr=group["lr"],
                dampening=group["dampening"],
                nesterov=group["nesterov"],
                maximize=group["maximize"],
            )
            if group["momentum"] != 0:
                for param, buffer in zip(params, momentum_buffers):
                    self.state[param]["momentum_buffer"] = buffer
        return loss


def _sgd(
    params: list[Tensor],
    grads: list[Tensor],
    momentum_buffers: list[Tensor | None],
    *,
    weight_decay,
    momentum,
    lr,
    dampening,
    nesterov: bool,
    maximize: bool,
) -> None:
    """One SGD update of each parameter, as PyTorch's ``_single_tensor_sgd``."""
    lr = _to_scalar(lr)
    for i, param in enumerate(params):
        grad = grads[i] if not maximize else -grads[i]
        if weight_decay != 0:
            if isinstance(weight_decay, Tensor) and weight_decay.requires_grad:
                grad = grad.addcmul_(param.clone(), weight_decay)  # PyTorch writes into grad here
            else:
                grad = grad.add(param, alpha=_number(weight_decay))
        if momentum != 0:
            buffer = momentum_buffers[i]
            if buffer is None:
                buffer = grad.detach().clone()
                momentum_buffers[i] = buffer
            else:
                buffer.mul_(momentum).add_(grad, alpha=_number(1 - dampening))
            grad = grad.add(buffer, alpha=_number(momentum)) if nesterov else buffer
        if isinstance(lr, Tensor) and lr.requires_grad:
            param.addcmul_(grad, lr, value=-1)
        else:
            param.add_(grad, alpha=_number(-lr))
