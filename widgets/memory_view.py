"""``MemoryView(...)``: buffers as bars with each name's window on them, the names that share a
version counter, and what changed since the last refresh, highlighted.

It takes names and tensors or arrays (a mapping, such as a notebook's namespace, or keywords)
and holds each by weak reference where the object allows one: deleting a tensor frees it, and
the view then drops its name.
"""

from __future__ import annotations

import pathlib
import weakref

import anywidget
import traitlets

from tensorkit import inspect, render

from ._display import with_static

HERE = pathlib.Path(__file__).parent
MAX_CELLS = 256  # a buffer with more elements is drawn as spans, not cells


def _cells(window, buffer_bytes: int) -> list[int] | None:
    """The element positions a window reads (in its own itemsize units), in reading order; None
    for a buffer too big to draw cell by cell."""
    if buffer_bytes // window.itemsize > MAX_CELLS or window.offset % window.itemsize:
        return None
    return inspect.reading_order(window)


class MemoryView(anywidget.AnyWidget):
    """``MemoryView(namespace)`` or ``MemoryView(x=x, v=v)``; ``refresh()`` takes a new
    snapshot and marks what changed since the last one."""

    _esm = HERE / "memory_view.js"
    _css = HERE / "memory_view.css"

    buffers = traitlets.List().tag(sync=True)
    counters = traitlets.List().tag(sync=True)
    changes = traitlets.List().tag(sync=True)
    changed_names = traitlets.List().tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)

    def __init__(self, objects=None, /, **named) -> None:
        super().__init__()
        items = dict(objects.items()) if objects is not None else {}
        items.update(named)
        self._refs = {}
        for name, value in items.items():
            if str(name).startswith("_") or not (
                inspect._is_tensor(value) or inspect._is_array(value)
            ):
                continue
            try:
                self._refs[name] = weakref.ref(value)
            except TypeError:  # no weak reference: held strongly (a plain NumPy array may be)
                self._refs[name] = lambda value=value: value
        self._last = None
        self.refresh()

    def _values(self) -> dict:
        values = {}
        for name, ref in self._refs.items():
            value = ref()
            if value is not None:
                values[name] = value
        return values

    def refresh(self) -> None:
        snapshot = inspect.memory(self._values())
        if self._last is not None:
            diff = inspect.diff(self._last, snapshot)
            self.changes = diff.texts()
            self.changed_names = sorted({change.subject for change in diff.changes})
        else:
            self.changes, self.changed_names = [], []
        self._last = snapshot
        windows = {window.name: window for window in snapshot.windows}
        self.buffers = [
            {
                "id": buffer.id,
                "nbytes": buffer.nbytes,
                "device": buffer.device,
                "windows": [
                    {
                        "name": name,
                        "shape": windows[name].shape,
                        "dtype": windows[name].dtype,
                        "offset": windows[name].offset,
                        "itemsize": windows[name].itemsize,
                        "version": windows[name].version,
                        "counter": windows[name].counter,
                        "cells": _cells(windows[name], buffer.nbytes),
                    }
                    for name in buffer.names
                ],
            }
            for buffer in snapshot.buffers
        ]
        self.counters = snapshot.shared_counters
        self.text = render.memory_text(snapshot)

    def _repr_mimebundle_(self, **kwargs):
        return with_static(super()._repr_mimebundle_(**kwargs), self.text)
