"""SVG pictures of version timelines: one row per tensor, one column per recorded cell, each cell
holding the tensor's version then, marked where it moved since the column before. Integer
coordinates and no addresses: the same timeline gives the same bytes everywhere."""

from __future__ import annotations

from xml.sax.saxutils import escape

from .svg import CHAR_WIDTH, MARGIN

__all__ = ["timeline_svg"]

ROW = 22
PAD = 8

_STYLE = (
    "text{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;"
    "fill:#1f2328}"
    ".head{font-weight:600}"
    ".box{fill:#ffffff;stroke:#d0d7de}"
    ".bumped{fill:#fff8c5;stroke:#d4a72c}"
    ".value{text-anchor:middle}"
)


def timeline_svg(labels: list[str], series: dict[str, list[int | None]]) -> str:
    """The timeline as an SVG document: ``labels`` name the columns (a cell's ``[n]``),
    ``series`` maps each tensor's name to its version per column (None: it did not exist)."""
    name_width = max((len(name) for name in series), default=0) * CHAR_WIDTH + 2 * PAD
    columns = [
        max([len(label)] + [len("–" if v is None else str(v)) for v in _column(series, index)])
        * CHAR_WIDTH
        + 2 * PAD
        for index, label in enumerate(labels)
    ]
    width = 2 * MARGIN + name_width + sum(columns)
    height = 2 * MARGIN + ROW * (len(series) + 1)
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="version timeline">'
        ),
        f"<style>{_STYLE}</style>",
    ]
    x = MARGIN + name_width
    for label, column in zip(labels, columns):
        middle = x + column // 2
        parts.append(
            f'<text class="head value" x="{middle}" y="{MARGIN + 15}">{escape(label)}</text>'
        )
        x += column
    for row, (name, values) in enumerate(series.items(), start=1):
        y = MARGIN + row * ROW
        parts.append(f'<text class="head" x="{MARGIN}" y="{y + 15}">{escape(name)}</text>')
        x = MARGIN + name_width
        previous = None
        for value, column in zip(values, columns):
            bumped = value is not None and previous is not None and value != previous
            kind = "bumped" if bumped else "box"
            parts.append(
                f'<rect class="{kind}" x="{x}" y="{y}" width="{column - 2}" height="{ROW - 2}"/>'
            )
            text = "–" if value is None else str(value)
            parts.append(f'<text class="value" x="{x + column // 2}" y="{y + 15}">{text}</text>')
            if value is not None:
                previous = value
            x += column
    parts.append("</svg>")
    return "\n".join(parts)


def _column(series: dict[str, list[int | None]], index: int) -> list[int | None]:
    return [values[index] for values in series.values() if index < len(values)]
