"""``VersionTimeline(names, shell=...)``: for each watched tensor, its version after every
executed cell, and which cell bumped it.

Given an IPython shell it records after every cell (a ``post_run_cell`` handler, removed by
``close()``); ``record(label)`` records by hand. Tensors are held by weak reference: a deleted
one shows no version from then on.
"""

from __future__ import annotations

import pathlib
import weakref

import anywidget
import traitlets

from tensorkit import inspect

from ._display import with_static

HERE = pathlib.Path(__file__).parent


class VersionTimeline(anywidget.AnyWidget):
    _esm = HERE / "version_timeline.js"
    _css = HERE / "version_timeline.css"

    labels = traitlets.List().tag(sync=True)  # one per record: the cell's execution count
    series = traitlets.Dict().tag(sync=True)  # name -> [version or None per record]
    bumps = traitlets.List().tag(sync=True)  # [{"name", "label", "from", "to"}]

    def __init__(self, tensors: dict, shell=None) -> None:
        super().__init__()
        self._refs = {}
        for name, tensor in tensors.items():
            if not inspect._is_tensor(tensor):
                raise TypeError(
                    f"VersionTimeline watches tensors, but {name} is a {type(tensor).__name__}"
                )
            self._refs[name] = weakref.ref(tensor)
        self._shell = shell
        if shell is not None:
            shell.events.register("post_run_cell", self._after_cell)
        self.record("start")

    def _after_cell(self, result=None) -> None:
        count = getattr(getattr(result, "info", None), "execution_count", None)
        if count is None:
            count = getattr(self._shell, "execution_count", len(self.labels))
        self.record(f"[{count}]")

    def record(self, label: str) -> None:
        """Note every watched tensor's version now, under ``label``."""
        series = {name: list(values) for name, values in self.series.items()}
        bumps = list(self.bumps)
        for name, ref in self._refs.items():
            tensor = ref()
            version = int(tensor._version) if tensor is not None else None
            history = series.setdefault(name, [None] * len(self.labels))
            previous = next((v for v in reversed(history) if v is not None), None)
            if version is not None and previous is not None and version != previous:
                bumps.append({"name": name, "label": label, "from": previous, "to": version})
            history.append(version)
        self.labels = [*self.labels, label]
        self.series = series
        self.bumps = bumps

    def close(self) -> None:
        """Stop recording (the shell's handler goes) and close the view."""
        if (
            self._shell is not None
            and self._after_cell in self._shell.events.callbacks["post_run_cell"]
        ):
            self._shell.events.unregister("post_run_cell", self._after_cell)
        self._shell = None
        super().close()

    def text(self) -> str:
        lines = []
        for name, values in self.series.items():
            cells = " ".join("-" if v is None else str(v) for v in values)
            lines.append(f"{name}: {cells}")
        for bump in self.bumps:
            lines.append(f"{bump['label']} bumped {bump['name']}: {bump['from']} → {bump['to']}")
        return "\n".join(lines)

    def _repr_mimebundle_(self, **kwargs):
        return with_static(super()._repr_mimebundle_(**kwargs), self.text())
