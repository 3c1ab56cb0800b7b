"""``Linear`` (``y = x W^T + b``) and ``Identity``."""

from __future__ import annotations

import math

from ... import _creation
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Identity", "Linear"]


class Identity(Module):
    """Returns its input unchanged (the very same tensor); takes and ignores any arguments.

    >>> import tensorkit
    >>> x = tensorkit.ones(2)
    >>> tensorkit.nn.Identity(54, unused='x')(x) is x
    True
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """``y = x W^T + b`` with ``W`` of shape (out_features, in_features).

    The weights start uniform in [-1/sqrt(in_features), 1/sqrt(in_features)] (PyTorch's scheme,
    drawn from tensorkit's generator), written in place: each parameter starts at version 1.

    >>> import tensorkit
    >>> lin = tensorkit.nn.Linear(3, 2)
    >>> lin, lin.weight.shape, lin(tensorkit.ones(4, 3)).grad_fn
    (Linear(in_features=3, out_features=2, bias=True), tensorkit.Size([2, 3]), <AddmmBackward0 object at 0x...>)
    """

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None
    ) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(
            _creation.empty((out_features, in_features), device=device, dtype=dtype)
        )
        if bias:
            self.bias = Parameter(_creation.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )
