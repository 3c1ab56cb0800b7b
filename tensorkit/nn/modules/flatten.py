"""``Flatten``: dims ``start_dim`` .. ``end_dim`` into one (a view where the memory allows)."""

from __future__ import annotations

from ... import _ops
from ...tensor import Tensor
from .module import Module

__all__ = ["Flatten"]


class Flatten(Module):
    """Flatten all dims but the batch dim by default: (N, C, H, W) -> (N, C*H*W).

    >>> import tensorkit
    >>> tensorkit.nn.Flatten()(tensorkit.ones(2, 3, 4)).shape
    tensorkit.Size([2, 12])
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        return _ops.flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
