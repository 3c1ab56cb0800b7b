"""``%tensor_watch on|off [names ...]``: after every cell, what that cell changed.

Before a cell runs, the watcher snapshots the watched names (every tensor and array of the
namespace when none are given): their memory, and the backward graph of each tensor that has
one. After the cell, it snapshots again and shows, under the cell, what changed: versions
bumped, sharing of memory or of a version counter made or broken, names added, removed or
rebound, leaves' gradients set, accumulated or cleared, and graphs that just became unusable,
with the exact error ``backward()`` will raise.

In a notebook (a kernel whose front end draws widgets) each panel is a ``MemoryView`` of the
names the cell changed, with those changes marked, and ``%tensor_watch on`` shows a
``VersionTimeline`` of the watched tensors that grows after every cell; elsewhere each panel is
the text alone. Either way the panel's text is the same (nbval compares it).
"""

from __future__ import annotations

from IPython.display import display

from .. import inspect

MAX_NODES = 2_000  # per watched graph: a watcher must never stall a cell


class Panel:
    """A live view displayed with the watcher's text as its text twin."""

    def __init__(self, view, text: str) -> None:
        self.view = view
        self.text = text

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.view._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        return {**data, "text/plain": self.text}, metadata

    def __repr__(self) -> str:
        return self.text


class Watcher:
    """``views`` and ``timeline``: the ``MemoryView`` and ``VersionTimeline`` classes where the
    panels are live views (the magic finds them; None: text panels). The watcher imports no
    widget itself: the widgets are the layer above it."""

    def __init__(self, shell, names: list[str], show=display, views=None, timeline=None) -> None:
        self.shell = shell
        self.names = list(names)
        self.show = show
        self.views = views
        self.before = None
        self.timeline = None
        if views is not None and timeline is not None:
            tensors = {
                name: value
                for name, value in self._values().items()
                if inspect._is_tensor(value) and not name.startswith("_")
            }
            if tensors:
                self.timeline = timeline(tensors, shell=shell)

    def start(self) -> None:
        self.shell.events.register("pre_run_cell", self.pre_run_cell)
        self.shell.events.register("post_run_cell", self.post_run_cell)

    def stop(self) -> None:
        for event, handler in (
            ("pre_run_cell", self.pre_run_cell),
            ("post_run_cell", self.post_run_cell),
        ):
            if handler in self.shell.events.callbacks[event]:
                self.shell.events.unregister(event, handler)
        if self.timeline is not None:
            self.timeline.stop()  # the view stays, as the record of what was watched

    def _values(self) -> dict:
        namespace = self.shell.user_ns
        if self.names:
            return {name: namespace[name] for name in self.names if name in namespace}
        hidden = set(self.shell.user_ns_hidden)
        return {name: value for name, value in namespace.items() if name not in hidden}

    def snapshot(self):
        values = self._values()
        memory = inspect.memory(values)
        graphs, grads = {}, {}
        for window in memory.windows:
            value = values[window.name]
            if window.grad_fn is not None:
                graphs[window.name] = (
                    value,
                    inspect.graph(value, names=[window.name], max_nodes=MAX_NODES),
                )
            elif window.kind == "tensor" and window.requires_grad:
                grad = value.grad
                grads[window.name] = (
                    value,
                    None if grad is None else (id(grad), int(grad._version), float(grad.norm())),
                )
        return memory, graphs, grads

    def pre_run_cell(self, info=None) -> None:
        self.before = self.snapshot()

    def post_run_cell(self, result=None) -> None:
        if self.before is None:
            return
        before, after = self.before, self.snapshot()
        self.before = None
        lines = self.changes(before, after)
        if not lines:
            return
        text = "\n".join(["tensor_watch:", *(f"  {line}" for line in lines)])
        if self.views is None:
            from .magics import Picture

            self.show(Picture(text))
            return
        memory = inspect.diff(before[0], after[0]).changes
        names = {change.subject for change in memory}
        values = {name: value for name, value in self._values().items() if name in names}
        # what the view cannot show: names gone, and (after the memory's lines) grads and graphs
        notes = [change.text for change in memory if change.subject not in values]
        notes += lines[len(memory) :]
        view = self.views(values, since=before[0], notes=notes, shell=None)
        self.show(Panel(view, text))

    @staticmethod
    def changes(before, after) -> list[str]:
        memory_before, graphs_before, grads_before = before
        memory_after, graphs_after, grads_after = after
        lines = inspect.diff(memory_before, memory_after).texts()
        for name, (value, grad) in grads_after.items():
            previous = grads_before.get(name)
            if previous is None or previous[0] is not value or previous[1] == grad:
                continue
            if grad is None:
                lines.append(f"{name}.grad: cleared")
            elif previous[1] is None:
                lines.append(f"{name}.grad: set (size {grad[2]:.4g})")
            else:
                lines.append(f"{name}.grad: changed (size {previous[1][2]:.4g} → {grad[2]:.4g})")
        for name, (value, graph) in graphs_after.items():
            previous = graphs_before.get(name)
            if previous is None or previous[0] is not value:
                continue
            for change in inspect.diff(previous[1], graph).changes:
                if change.kind != "saved":
                    continue
                if change.after == "stale":
                    node = graph.node(change.subject)
                    message = next(saved.message for saved in node.saved if saved.status == "stale")
                    lines.append(f"{name}.backward() will now fail: {message.split(' Hint:')[0]}")
                    break
        return lines
