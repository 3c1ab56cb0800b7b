"""``VersionTimeline({name: tensor, ...})``: for each watched tensor, its version after every
executed cell, and which cell bumped it.

In IPython it records after every cell (a ``post_run_cell`` handler of the shell it was made in,
or of ``shell=``; removed by ``close()``); ``record(label)`` records by hand. Tensors are held by
weak reference: a deleted one shows no version from then on.
"""

from __future__ import annotations

import weakref

import anywidget
import traitlets

from tensorkit import inspect, render

from ._live import CURRENT, FollowsCells, execution_count, front_end, with_static


class VersionTimeline(FollowsCells, anywidget.AnyWidget):
    _esm, _css = front_end("version_timeline")

    labels = traitlets.List().tag(sync=True)  # one per record: the cell's execution count
    series = traitlets.Dict().tag(sync=True)  # name -> [version or None per record]
    bumps = traitlets.List().tag(sync=True)  # [{"name", "label", "from", "to"}]

    def __init__(self, tensors: dict, shell=CURRENT) -> None:
        for name, tensor in tensors.items():  # refused before any widget is made
            if not inspect._is_tensor(tensor):
                raise TypeError(
                    f"VersionTimeline watches tensors, but {name} is a {type(tensor).__name__}"
                )
        super().__init__()
        self._refs = {name: weakref.ref(tensor) for name, tensor in tensors.items()}
        self.record("start")
        self._follow(shell)

    def _after_cell(self, result=None) -> None:
        count = execution_count(result, self._follower.shell)  # only a follower calls this
        self.record(f"[{len(self.labels) if count is None else count}]")

    def record(self, label: str) -> None:
        """Note every watched tensor's version now, under ``label``."""
        series = {name: list(values) for name, values in self.series.items()}
        bumps = list(self.bumps)
        for name, ref in self._refs.items():
            tensor = ref()
            version = (
                None if tensor is None else inspect.tensor_info(tensor, with_grad=False).version
            )
            history = series.setdefault(name, [None] * len(self.labels))
            previous = next((v for v in reversed(history) if v is not None), None)
            if version is not None and previous is not None and version != previous:
                bumps.append({"name": name, "label": label, "from": previous, "to": version})
            history.append(version)
        with self.hold_sync():  # every trait in one message: the front end draws once
            self.labels = [*self.labels, label]
            self.series = series
            self.bumps = bumps

    def stop(self) -> None:
        """Stop recording (the shell's handler goes); the view stays as it is."""
        self._stop_following()

    def text(self) -> str:
        lines = []
        for name, values in self.series.items():
            cells = " ".join("-" if v is None else str(v) for v in values)
            lines.append(f"{name}: {cells}")
        for bump in self.bumps:
            lines.append(f"{bump['label']} bumped {bump['name']}: {bump['from']} → {bump['to']}")
        return "\n".join(lines)

    def _repr_mimebundle_(self, **kwargs):
        svg = render.timeline_svg(self.labels, self.series)
        return with_static(super()._repr_mimebundle_(**kwargs), self.text(), svg)
