"""SVG pictures of memory snapshots: each buffer as a row of cells, and under it one row per name
with the cells that name reads, numbered in the order it reads them (so a transpose reads
0 2 4 / 1 3 5 across a 2x3 buffer). A buffer with too many elements to draw one by one is a bar,
with each name's span of bytes on it.

Drawn from the snapshot alone with integer coordinates and no addresses: the same snapshot gives
the same bytes on every run and machine (nbval compares them), and no matplotlib is needed.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from ..inspect import Memory, Window, reading_order, window_span
from .svg import CHAR_WIDTH, MARGIN

__all__ = ["memory_svg", "window_cells"]

MAX_CELLS = 48  # a buffer with more elements (of a name's itemsize) is drawn as a bar
CELL = 24  # px per cell
ROW = 22  # px per row
BAR = MAX_CELLS * CELL // 2  # px of a buffer drawn as a bar
TITLE = 20
GAP = 12  # px between buffers

_STYLE = (
    "text{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;"
    "fill:#1f2328}"
    ".title{font-weight:600}"
    ".cell{fill:#f6f8fa;stroke:#d0d7de}"
    ".read{fill:#0969da;stroke:#0550ae}"
    ".order{fill:#ffffff;text-anchor:middle}"
    ".bar{fill:#f6f8fa;stroke:#d0d7de}"
    ".span{fill:#0969da}"
    ".changed{fill:#fff8c5}"
    ".note{fill:#57606a}"
)


def _label(window: Window) -> str:
    shape = "[" + ", ".join(str(size) for size in window.shape) + "]"
    version = f" v{window.version}" if window.version is not None else ""
    return f"{window.name} {shape} {window.dtype}{version}"


def window_cells(window: Window, buffer_bytes: int) -> list[int] | None:
    """The positions the window reads in reading order, or None when the buffer is drawn as a
    bar (too many elements, or the window's offset falls between elements)."""
    if buffer_bytes // window.itemsize > MAX_CELLS or window.offset % window.itemsize:
        return None
    return reading_order(window)


def memory_svg(memory: Memory, changed: tuple[str, ...] | list[str] = ()) -> str:
    """The snapshot as an SVG document (a string); names in ``changed`` get a marked label."""
    windows = {window.name: window for window in memory.windows}
    label_width = max((len(_label(w)) for w in memory.windows), default=0) * CHAR_WIDTH + 12
    rows: list[str] = []
    y = MARGIN
    width = MARGIN * 2
    for buffer in memory.buffers:
        title = f"{buffer.id}: {buffer.nbytes} bytes on {buffer.device}"
        rows.append(f'<text class="title" x="{MARGIN}" y="{y + 14}">{escape(title)}</text>')
        width = max(width, MARGIN * 2 + len(title) * CHAR_WIDTH)
        y += TITLE
        for name in buffer.names:
            window = windows[name]
            label = _label(window)
            if name in changed:
                rows.append(
                    f'<rect class="changed" x="{MARGIN - 4}" y="{y}" '
                    f'width="{label_width - 4}" height="{ROW - 2}"/>'
                )
            rows.append(f'<text x="{MARGIN}" y="{y + 15}">{escape(label)}</text>')
            left = MARGIN + label_width
            cells = window_cells(window, buffer.nbytes)
            if cells is not None:
                total = max(1, buffer.nbytes // window.itemsize)
                order = {cell: index for index, cell in enumerate(cells)}
                for cell in range(total):
                    x = left + cell * CELL
                    kind = "read" if cell in order else "cell"
                    rows.append(
                        f'<rect class="{kind}" x="{x}" y="{y}" width="{CELL - 2}" '
                        f'height="{ROW - 2}"/>'
                    )
                    if cell in order:
                        rows.append(
                            f'<text class="order" x="{x + (CELL - 2) // 2}" y="{y + 15}">'
                            f"{order[cell]}</text>"
                        )
                width = max(width, left + total * CELL + MARGIN)
            else:
                first, end = window_span(window)
                scale = BAR / max(1, buffer.nbytes)
                start = left + int(first * scale)
                span = max(1, int((end - first) * scale))
                rows.append(
                    f'<rect class="bar" x="{left}" y="{y}" width="{BAR}" height="{ROW - 2}"/>'
                )
                rows.append(
                    f'<rect class="span" x="{start}" y="{y + 3}" width="{span}" '
                    f'height="{ROW - 8}"><title>bytes {first} to {end} of {buffer.nbytes}'
                    "</title></rect>"
                )
                width = max(width, left + BAR + MARGIN)
            y += ROW
        y += GAP
    if memory.shared_counters:
        groups = "; ".join(", ".join(names) for names in memory.shared_counters)
        line = f"shared version counters: {groups}"
        rows.append(f'<text class="note" x="{MARGIN}" y="{y + 12}">{escape(line)}</text>')
        width = max(width, MARGIN * 2 + len(line) * CHAR_WIDTH)
        y += TITLE
    if not memory.buffers:
        rows.append(f'<text class="note" x="{MARGIN}" y="{y + 12}">no tensors or arrays</text>')
        width = max(width, MARGIN * 2 + 20 * CHAR_WIDTH)
        y += TITLE
    height = y + MARGIN - GAP // 2
    return "\n".join(
        [
            (
                f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                f'viewBox="0 0 {width} {height}" role="img" aria-label="memory">'
            ),
            f"<style>{_STYLE}</style>",
            *rows,
            "</svg>",
        ]
    )
