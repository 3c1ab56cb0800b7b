"""The text of ``repr(tensor)``, character for character as PyTorch prints it.

PyTorch's algorithm (``torch/_tensor_str.py``) in four steps:

1. Pick one element format for the whole tensor from the values that will be printed: integers
   as ``str``; floats in *int mode* (``1.``), *fixed* (``0.1000``) or *scientific* (``1.0000e-05``),
   all right-aligned to one width.
2. Lay the elements out: as many per line as fit in the line width, nested brackets for each
   dimension, and ``...`` in place of the middle of long dimensions when the tensor is large.
3. Add the suffixes (device, size, dtype, grad_fn or requires_grad), each on a new line when it
   would not fit on the last one.
4. Close the bracket.

Dtype names read ``tensorkit.float64`` where PyTorch writes ``torch.float64``, but lines break
where PyTorch breaks them: the suffixes are measured in PyTorch's spelling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._backend import numpy as np

__all__ = ["PrintOptions", "format_tensor", "print_options"]

# Non-empty tensors of these dtypes print without a dtype suffix: their values already say it
# (with the default floating-point dtype, which the caller names: float32 unless it was changed).
_DTYPES_SHOWN_BY_THEIR_VALUES = frozenset({"int64", "bool", "complex64"})


@dataclass(frozen=True)
class PrintOptions:
    """PyTorch's print options, with its defaults (see ``torch.set_printoptions``)."""

    precision: int = 4  # digits after the point
    threshold: float = 1000  # more elements than this are summarised
    edgeitems: int = 3  # entries kept at each end of a summarised dimension
    linewidth: int = 80  # characters per line, before suffixes wrap
    sci_mode: bool | None = None  # None: chosen from the values


# The options format_tensor uses when it is given none; a future set_printoptions replaces this.
print_options = PrintOptions()


def format_tensor(
    values,
    *,
    dtype_name: str,
    device: str | None = None,
    requires_grad: bool = False,
    grad_fn_name: str | None = None,
    prefix: str = "tensor(",
    options: PrintOptions | None = None,
    default_dtype_name: str = "float32",
) -> str:
    """The repr of a tensor holding ``values`` (a NumPy array of any shape, layout and strides).

    ``device`` is shown only when given (pass it for tensors that are not on the CPU), and
    ``grad_fn_name`` wins over ``requires_grad``. Nested lines are indented by ``len(prefix)``.

    >>> print(format_tensor(np.arange(9.0), dtype_name="float64", requires_grad=True))
    tensor([0., 1., 2., 3., 4., 5., 6., 7., 8.], dtype=tensorkit.float64,
           requires_grad=True)
    """
    options = print_options if options is None else options
    values = np.asarray(values)
    indent = len(prefix)

    suffixes = []
    if device is not None:
        suffixes.append(f"device='{device}'")
    if values.size == 0:
        # NumPy's habit: only a 1-d empty array leaves its shape unsaid.
        if values.ndim != 1:
            suffixes.append(f"size={tuple(values.shape)}")
        # Without elements nothing hints at the dtype, so only the default float goes unnamed.
        if dtype_name != default_dtype_name:
            suffixes.append(f"dtype=torch.{dtype_name}")
        body = "[]"
    else:
        if options.edgeitems == 0:
            # A summary keeps no elements then, so PyTorch states the shape (even unsummarised).
            suffixes.append(f"size={tuple(values.shape)}")
        if dtype_name not in _DTYPES_SHOWN_BY_THEIR_VALUES and dtype_name != default_dtype_name:
            suffixes.append(f"dtype=torch.{dtype_name}")
        body = _body(values, indent, options)
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")

    return _with_suffixes(prefix + body, suffixes, indent, options.linewidth)


def _body(values, indent: int, options: PrintOptions) -> str:
    """The bracketed elements of a non-empty tensor."""
    summarize = values.size > options.threshold
    if summarize and options.edgeitems == 0 and values.ndim > 0:
        return "[...]"
    printed = _summarized(values, options.edgeitems) if summarize else values
    element_format = _ElementFormat.fitting(printed, options)
    return _block(values, indent, summarize, element_format, options)


def _kept_indices(length: int, summarize: bool, edgeitems: int) -> list[int | None]:
    """The indices printed along a dimension of ``length``; ``None`` marks the ``...`` gap."""
    if summarize and length > 2 * edgeitems:
        return [*range(edgeitems), None, *range(length - edgeitems, length)]
    return list(range(length))


def _summarized(values, edgeitems: int):
    """Only the entries a summarised repr prints: the ends of every long dimension."""
    for axis, length in enumerate(values.shape):
        kept = [index for index in _kept_indices(length, True, edgeitems) if index is not None]
        if len(kept) < length:
            values = values.take(kept, axis=axis)
    return values


@dataclass(frozen=True)
class _ElementFormat:
    """How every element of one tensor is written: one notation and one width."""

    floating: bool
    int_mode: bool  # floats that are all integral print as ``1.``
    sci_mode: bool
    width: int
    precision: int

    @classmethod
    def fitting(cls, values, options: PrintOptions) -> _ElementFormat:
        """The format PyTorch picks for ``values`` (the elements that will be printed)."""
        kind = values.dtype.kind
        if kind not in "fiub":
            raise TypeError(f"cannot format a tensor of NumPy dtype {values.dtype}")
        precision = options.precision
        if kind != "f":
            width = max(len(str(value)) for value in values.ravel().tolist())
            return cls(False, False, False, max(width, 1), precision)

        flat = values.ravel()
        # Zeros, nan and inf print whatever the format; they take no part in choosing it.
        chosen = flat[np.isfinite(flat) & (flat != 0)]
        if chosen.size == 0:
            return cls(True, True, False, 1, precision)

        # As Python floats, so the ratio is taken in double precision whatever the dtype, as
        # PyTorch takes it (a float16 ratio would overflow).
        magnitudes = np.abs(chosen)
        smallest, largest = float(magnitudes.min()), float(magnitudes.max())
        int_mode = bool(np.all(chosen == np.ceil(chosen)))
        if options.sci_mode is None:
            sci_mode = largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
        else:
            sci_mode = options.sci_mode

        numbers = chosen.tolist()
        if sci_mode:
            width = max(len(f"{number:.{precision}e}") for number in numbers)
        elif int_mode:
            width = max(len(f"{number:.0f}") for number in numbers) + 1  # for the "."
        else:
            width = max(len(f"{number:.{precision}f}") for number in numbers)
        return cls(True, int_mode, sci_mode, width, precision)

    def format(self, value: float | bool) -> str:
        """``value`` right-aligned to the shared width (wider values are not cut)."""
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:.{self.precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if math.isfinite(value):
                text += "."  # a float, not an int; PyTorch writes nan and inf without it
        else:
            text = f"{value:.{self.precision}f}"
        return text.rjust(self.width)


def _block(
    values, indent: int, summarize: bool, element_format: _ElementFormat, options: PrintOptions
) -> str:
    """``values`` (of any dimension) in brackets, its lines indented past ``indent`` columns."""
    if values.ndim == 0:
        return element_format.format(values.item())
    if values.ndim == 1:
        return _vector(values, indent, summarize, element_format, options)
    blocks = [
        "..."
        if index is None
        else _block(values[index], indent + 1, summarize, element_format, options)
        for index in _kept_indices(len(values), summarize, options.edgeitems)
    ]
    # A blank line between 2-d blocks, two between 3-d blocks, and so on.
    separator = "," + "\n" * (values.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(blocks) + "]"


def _vector(
    values, indent: int, summarize: bool, element_format: _ElementFormat, options: PrintOptions
) -> str:
    """A 1-d tensor: elements wrapped to the line width, continuation lines past the bracket."""
    elements = [
        " ..." if index is None else element_format.format(values[index].item())
        for index in _kept_indices(len(values), summarize, options.edgeitems)
    ]
    # Each element takes its width plus ", "; the " ..." gap counts as one element.
    per_line = max(1, math.floor((options.linewidth - indent) / (element_format.width + 2)))
    lines = [
        ", ".join(elements[start : start + per_line]) for start in range(0, len(elements), per_line)
    ]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _with_suffixes(text: str, suffixes: list[str], indent: int, linewidth: int) -> str:
    """``text``, then ``, suffix`` for each suffix (on a new line if it does not fit), then ``)``.

    ``suffixes`` are spelled as PyTorch spells them (``dtype=torch.int32``); they are measured so
    and written with tensorkit's dtype names.
    """
    parts = [text]
    # PyTorch measures the text's last line as two characters longer than it is, but a wrapped
    # suffix's line exactly; both are kept so that suffixes wrap where PyTorch wraps them.
    line_length = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if line_length + len(suffix) + 2 > linewidth:
            parts.append(",\n" + " " * indent + _in_tensorkit_words(suffix))
            line_length = indent + len(suffix)
        else:
            parts.append(", " + _in_tensorkit_words(suffix))
            line_length += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def _in_tensorkit_words(suffix: str) -> str:
    """``suffix`` with tensorkit's dtype name: ``dtype=tensorkit.int32``."""
    return suffix.replace("dtype=torch.", "dtype=tensorkit.", 1)
