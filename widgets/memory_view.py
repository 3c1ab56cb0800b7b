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
from tensorkit.render.memory_svg import window_cells

from ._live import CURRENT, FollowsCells, front_end, on_death, with_static


class MemoryView(FollowsCells, anywidget.AnyWidget):
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
        if objects is not None and not hasattr(objects, "items"):  # refused before any widget
            raise TypeError(
                "MemoryView takes a mapping of names to tensors or arrays (such as globals()) "
                f"or names as keywords, not a {type(objects).__name__}"
            )
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
        self._follow(shell)

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
                        "cells": window_cells(windows[name], buffer.nbytes),
                        "span": list(inspect.window_span(windows[name])),
                    }
                    for name in buffer.names
                ],
            }
            for buffer in snapshot.buffers
        ]
        self.counters = snapshot.shared_counters
        self.text = render.memory_text(snapshot)
        self._shown = snapshot
        return snapshot

    def _repr_mimebundle_(self, **kwargs):
        svg = render.memory_svg(self._shown, changed=self.changed_names)
        return with_static(super()._repr_mimebundle_(**kwargs), self.text, svg)
