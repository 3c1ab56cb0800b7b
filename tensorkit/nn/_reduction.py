"""The ``reduction`` argument of the losses, as PyTorch's ``torch.nn._reduction`` reads it.

``reduction`` is ``'mean'``, ``'sum'`` or ``'none'``; the deprecated ``size_average`` and
``reduce`` flags still work and override it, with PyTorch's warning.

>>> get_enum("sum")
2
"""

from __future__ import annotations

import warnings

NONE, MEAN, SUM = 0, 1, 2  # PyTorch's codes (what grad_fn._saved_reduction shows)


def get_enum(reduction: str) -> int:
    """The code of a reduction name; ``'elementwise_mean'`` is the old name of ``'mean'``."""
    if reduction == "none":
        return NONE
    if reduction == "mean":
        return MEAN
    if reduction == "elementwise_mean":
        warnings.warn(
            "reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
            stacklevel=2,
        )
        return MEAN
    if reduction == "sum":
        return SUM
    raise ValueError(f"{reduction} is not a valid value for reduction")


def legacy_get_string(
    size_average: bool | None, reduce: bool | None, emit_warning: bool = True
) -> str:
    """The reduction that the deprecated flags ask for (``None`` counts as ``True``)."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if size_average and reduce:
        reduction = "mean"
    elif reduce:
        reduction = "sum"
    else:
        reduction = "none"
    if emit_warning:
        warnings.warn(
            "size_average and reduce args will be deprecated, please use "
            f"reduction='{reduction}' instead.",
            stacklevel=2,
        )
    return reduction


def legacy_get_enum(
    size_average: bool | None, reduce: bool | None, emit_warning: bool = True
) -> int:
    return get_enum(legacy_get_string(size_average, reduce, emit_warning))
