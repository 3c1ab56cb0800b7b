"""matplotlib figures, where a plot reads better than a diagram: the memory of a buffer and the
window each name sees on it (which elements, in which order).

matplotlib is imported only when a figure is asked for (``import tensorkit`` stays light).
"""

from __future__ import annotations

import math

from ..inspect import Memory, reading_order

MAX_CELLS = 256  # elements of a buffer drawn one by one; a bigger buffer is drawn as spans
MAX_LABELS = 64  # cells numbered (the order a window reads them) up to this many


def memory_figure(memory: Memory, title: str | None = None):
    """A figure with one panel per buffer: the buffer as a row of cells (elements), and under
    it one row per name, its cells coloured and numbered in the order the name reads them."""
    import matplotlib
    from matplotlib.figure import Figure

    windows = {window.name: window for window in memory.windows}
    rows = sum(1 + len(buffer.names) for buffer in memory.buffers)
    figure = Figure(figsize=(8, 0.45 * rows + 0.8 * len(memory.buffers) + 0.3))
    axes = figure.subplots(len(memory.buffers), 1, squeeze=False)[:, 0] if memory.buffers else []
    colours = matplotlib.colormaps["tab10"]
    for axis, buffer in zip(axes, memory.buffers):
        views = [windows[name] for name in buffer.names]
        unit = math.gcd(*[view.itemsize for view in views]) or 1
        cells = max(1, buffer.nbytes // unit)
        spans = cells > MAX_CELLS
        axis.set_xlim(0, cells)
        axis.set_ylim(-len(views) - 0.5, 1.0)
        axis.set_yticks([0.25] + [-row - 0.75 + 1 for row in range(1, len(views) + 1)])
        axis.set_yticklabels([buffer.id] + [view.name for view in views])
        axis.set_xlabel(f"{buffer.nbytes} bytes on {buffer.device}, in cells of {unit} bytes")
        axis.broken_barh([(0, cells)], (0, 0.5), facecolors="#eaeef2", edgecolors="#57606a")
        for row, view in enumerate(views, 1):
            colour = colours((row - 1) % 10)
            positions = reading_order(view, unit) if not spans else []
            if spans or not positions:  # too many cells to draw: the range the name spans
                scale = view.itemsize // unit
                low = view.offset // unit + scale * sum(
                    min(0, (size - 1) * step) for size, step in zip(view.shape, view.strides)
                )
                high = view.offset // unit + scale * (
                    sum(max(0, (size - 1) * step) for size, step in zip(view.shape, view.strides))
                    + 1
                )
                if all(view.shape):
                    axis.broken_barh([(low, high - low)], (-row, 0.5), facecolors=colour)
                continue
            width = max(1, view.itemsize // unit)
            axis.broken_barh(
                [(position, width) for position in positions],
                (-row, 0.5),
                facecolors=colour,
                edgecolors="white",
            )
            if len(positions) <= MAX_LABELS:
                for order, position in enumerate(positions):
                    axis.text(
                        position + width / 2,
                        -row + 0.25,
                        str(order),
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white",
                    )
        axis.spines[["top", "right"]].set_visible(False)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def figure_svg(figure) -> str:
    """A figure as SVG text, the same bytes on every run (no date, fixed ids)."""
    import io

    import matplotlib

    with matplotlib.rc_context({"svg.hashsalt": "tensorkit", "svg.fonttype": "none"}):
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def grad_figure(named_parameters, title: str | None = None):
    """A bar per parameter: the size (2-norm) of its ``.grad``, for ``model.named_parameters()``
    (or any ``(name, tensor)`` pairs): which layers learn, which get nothing (no bar: no grad).
    """
    from matplotlib.figure import Figure

    names, sizes, missing = [], [], []
    for name, parameter in named_parameters:
        names.append(name)
        grad = parameter.grad
        if grad is None:
            sizes.append(0.0)
            missing.append(name)
        else:
            sizes.append(float((grad.detach().double() ** 2).sum().item()) ** 0.5)
    figure = Figure(figsize=(6, 0.35 * len(names) + 1.0))
    axis = figure.subplots()
    bars = axis.barh(range(len(names)), sizes, color="#0969da")
    axis.set_yticks(range(len(names)))
    axis.set_yticklabels(names)
    axis.invert_yaxis()
    axis.set_xlabel("gradient size (2-norm)")
    for bar, name in zip(bars, names):
        if name in missing:
            axis.text(0, bar.get_y() + bar.get_height() / 2, " no grad", va="center", fontsize=8)
    axis.spines[["top", "right"]].set_visible(False)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure
