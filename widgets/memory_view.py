"""``MemoryView(...)``: buffers as bars with each name's window on them, the names that share a
version counter, and what changed since the last refresh, highlighted.

It takes names and tensors or arrays (a mapping, such as a notebook's namespace, or keywords)
and holds each by weak reference where the object allows one: deleting a tensor frees it, and
the view then drops its name at once. Made in IPython, the view takes a new snapshot after every
cell, and highlights what that cell changed, until ``close()``.
"""

from __future__ import annotations

import weakref

import anywidget
import traitlets

from tensorkit import inspect, render
from tensorkit._backend import byte_extent

from ._live import CURRENT, CellFollower, current_shell, front_end, on_death, with_static

MAX_CELLS = 256  # a buffer with more elements is drawn as spans, not cells


def _span(window) -> list[int]:
    """The bytes of its buffer a window reaches, as [first, end) from the buffer's start."""
    if 0 in window.shape:
        return [window.offset, window.offset]
    low, high = byte_extent(window.shape, [step * window.itemsize for step in window.strides])
    return [window.offset + low, window.offset + high + window.itemsize]


def _cells(window, buffer_bytes: int) -> list[int] | None:
    """The element positions a window reads (in its own itemsize units), in reading order; None
    for a buffer too big to draw cell by cell."""
    if buffer_bytes // window.itemsize > MAX_CELLS or window.offset % window.itemsize:
        return None
    return inspect.reading_order(window)


class MemoryView(anywidget.AnyWidget):
    """``MemoryView(namespace)`` or ``MemoryView(x=x, v=v)``; ``refresh()`` takes a new
    snapshot and marks what changed since the last one (in IPython: after every cell by itself,
    unless ``shell=None``). ``since``, a ``tensorkit.inspect.memory`` snapshot taken earlier,
    marks what changed since then from the start; ``notes`` are lines shown with the changes
    (as ``%tensor_watch`` adds what a cell did to grads and graphs). The view speaks only of its
    own names."""

    _esm, _css = front_end("memory_view")

    buffers = traitlets.List().tag(sync=True)
    counters = traitlets.List().tag(sync=True)
    changes = traitlets.List().tag(sync=True)
    changed_names = traitlets.List().tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)

    def __init__(self, objects=None, /, *, since=None, notes=(), shell=CURRENT, **named) -> None:
        super().__init__()
        self._notes = [str(note) for note in notes]
        items = dict(objects.items()) if objects is not None else {}
        items.update(named)
        self._refs = {}
        for name, value in items.items():
            if str(name).startswith("_") or not (
                inspect._is_tensor(value) or inspect._is_array(value)
            ):
                continue
            try:
                self._refs[name] = weakref.ref(value, on_death(self, "_redraw"))
            except TypeError:  # no weak reference: held strongly (a plain NumPy array may be)
                self._refs[name] = lambda value=value: value
        self._last = since
        self.refresh()
        shell = current_shell(shell)
        self._follower = CellFollower(self, shell) if shell is not None else None

    def _after_cell(self, result=None) -> None:
        self.refresh()

    def close(self) -> None:
        """Stop following cells and close the view (its front ends remove themselves)."""
        follower = getattr(self, "_follower", None)  # None too when __init__ refused its input
        if follower is not None:
            follower.stop()
            self._follower = None
        super().close()

    def _values(self) -> dict:
        values = {}
        for name, ref in self._refs.items():
            value = ref()
            if value is not None:
                values[name] = value
        return values

    def refresh(self) -> None:
        """A new snapshot, with what changed since the last refresh marked."""
        self._last = self._redraw()

    def _redraw(self):
        """Draw a new snapshot against the last refresh's (a tensor that dies redraws the view
        at once, and the next refresh still marks everything since the last one)."""
        with self.hold_sync():  # every trait in one message: the front end draws once
            return self._draw()

    def _draw(self):
        snapshot = inspect.memory(self._values())
        changes = []
        if self._last is not None:
            mine = set(self._refs)
            changes = [c for c in inspect.diff(self._last, snapshot).changes if c.subject in mine]
        self.changes = [change.text for change in changes] + self._notes
        self.changed_names = sorted({change.subject for change in changes})
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
                        "span": _span(windows[name]),
                    }
                    for name in buffer.names
                ],
            }
            for buffer in snapshot.buffers
        ]
        self.counters = snapshot.shared_counters
        self.text = render.memory_text(snapshot)
        return snapshot

    def _repr_mimebundle_(self, **kwargs):
        return with_static(super()._repr_mimebundle_(**kwargs), self.text)
