"""``Dropout``: zero elements at random while training; the identity in eval mode."""

from __future__ import annotations

from ...tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    """Each element is zeroed with probability ``p`` and the others scaled by 1/(1-p), in
    training mode only (``model.eval()`` turns it off).

    >>> import tensorkit
    >>> drop = tensorkit.nn.Dropout(0.5).eval()
    >>> drop, drop(tensorkit.ones(3))
    (Dropout(p=0.5, inplace=False), tensor([1., 1., 1.]))
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
