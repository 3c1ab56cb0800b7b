"""Loss modules: ``MSELoss``, ``L1Loss``, ``NLLLoss``, ``CrossEntropyLoss``, ``BCEWithLogitsLoss``.

Each keeps its arguments (``reduction``, ``ignore_index`` ...) as attributes and its weights as
buffers, as PyTorch's do, and calls its function from ``nn.functional`` in ``forward``.
"""

from __future__ import annotations

from ...tensor import Tensor
from .. import _reduction
from .. import functional as F
from .module import Module

__all__ = ["BCEWithLogitsLoss", "CrossEntropyLoss", "L1Loss", "MSELoss", "NLLLoss"]


class _Loss(Module):
    """Keeps ``reduction``; the deprecated ``size_average``/``reduce`` override it (warning)."""

    reduction: str

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__()
        if size_average is not None or reduce is not None:
            self.reduction = _reduction.legacy_get_string(size_average, reduce)
        else:
            self.reduction = reduction


class _WeightedLoss(_Loss):
    """A loss with per-class weights, registered as the buffer ``weight`` (None included)."""

    def __init__(
        self, weight: Tensor | None = None, size_average=None, reduce=None, reduction: str = "mean"
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class L1Loss(_Loss):
    """The mean (or sum, or each) of ``|input - target|``.

    >>> import tensorkit
    >>> loss = L1Loss()
    >>> loss
    L1Loss()
    >>> loss(tensorkit.tensor([1.0, 2.0]), tensorkit.tensor([0.0, 4.0]))
    tensor(1.5000)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """The mean (or sum, or each) of ``(input - target) ** 2``.

    >>> import tensorkit
    >>> x = tensorkit.tensor([1.0, 2.0], requires_grad=True)
    >>> MSELoss(reduction="sum")(x, tensorkit.tensor([0.0, 0.0]))
    tensor(5., grad_fn=<MseLossBackward0>)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class NLLLoss(_WeightedLoss):
    """The negative log likelihood of the target classes, given log-probabilities.

    >>> import tensorkit
    >>> logp = tensorkit.tensor([[-0.5, -1.0], [-2.0, -0.25]])
    >>> NLLLoss(ignore_index=1)(logp, tensorkit.tensor([0, 1]))
    tensor(0.5000)
    """

    ignore_index: int

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average=None,
        ignore_index: int = -100,
        reduce=None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
        )


class CrossEntropyLoss(_WeightedLoss):
    """log_softmax over the classes, then the negative log likelihood of the targets (class
    indices, or probabilities shaped like the input), optionally with label smoothing.

    >>> import tensorkit
    >>> logits = tensorkit.tensor([[2.0, 0.0], [0.0, 2.0]], requires_grad=True)
    >>> CrossEntropyLoss()(logits, tensorkit.tensor([0, 1]))
    tensor(0.1269, grad_fn=<NllLossBackward0>)
    """

    ignore_index: int
    label_smoothing: float

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average=None,
        ignore_index: int = -100,
        reduce=None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class BCEWithLogitsLoss(_Loss):
    """Binary cross entropy on logits, stable for large ones; ``weight`` and ``pos_weight`` are
    buffers (None included).

    >>> import tensorkit
    >>> loss = BCEWithLogitsLoss(pos_weight=tensorkit.tensor([2.0]))
    >>> sorted(name for name, _ in loss.named_buffers())
    ['pos_weight']
    >>> loss(tensorkit.tensor([0.0]), tensorkit.tensor([1.0]))
    tensor(1.3863)
    """

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average=None,
        reduce=None,
        reduction: str = "mean",
        pos_weight: Tensor | None = None,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, pos_weight=self.pos_weight, reduction=self.reduction
        )
