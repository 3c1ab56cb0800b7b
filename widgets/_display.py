"""What every view adds to its display: the static text (and picture) beside the live widget,
for nbconvert, GitHub and nbval, which cannot run it."""

from __future__ import annotations


def with_static(bundle, text: str, svg: str | None = None):
    data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
    data = dict(data)
    data["text/plain"] = text
    if svg:
        data["image/svg+xml"] = svg
    return data, metadata
