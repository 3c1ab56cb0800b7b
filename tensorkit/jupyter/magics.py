"""The magics (see the package docstring), registered on an IPython shell by ``load``."""

from __future__ import annotations

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from .. import inspect, render
from . import copies
from .watch import Watcher

_REGISTERED = "_tensorkit_magics"  # on the shell: what load() added, for unload()


class Picture:
    """A picture for a notebook's output: SVG where the front end shows images, and always its
    text twin (``text/plain``: what nbval compares and a screen reader reads)."""

    def __init__(self, text: str, svg: str | None = None) -> None:
        self.text = text
        self.svg = svg

    def _repr_svg_(self):
        return self.svg

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(self.text)

    def __repr__(self) -> str:
        return self.text


@magics_class
class TensorMagics(Magics):
    def __init__(self, shell) -> None:
        super().__init__(shell)
        self.watcher: Watcher | None = None

    @magic_arguments()
    @argument("expression", help="the tensor (a name or an expression) whose graph to draw")
    @argument("--saved", action="store_true", help="list each node's saved values")
    @argument("--depth", type=int, default=None, help="stop N edges from the tensor")
    @argument("--fold", action="store_true", help="fold repeated chains of nodes into one")
    @argument(
        "--format",
        choices=("svg", "text", "widget"),
        default="svg",
        help="svg (with its text twin), text alone, or the interactive widget (svg where the "
        "widgets are not available)",
    )
    @argument(
        "--max-nodes",
        type=int,
        default=500,
        help="draw at most this many nodes (the rest is cut with a note)",
    )
    @line_magic
    def tensor_graph(self, line: str):
        """Draw the backward graph behind a tensor: nodes, leaves with their grads, saved
        values (ok, stale or freed), without Graphviz."""
        args = parse_argstring(self.tensor_graph, line)
        if args.depth is not None and args.depth < 0:
            raise UsageError(f"--depth must be 0 or more, not {args.depth}")
        if args.max_nodes < 1:
            raise UsageError(f"--max-nodes must be 1 or more, not {args.max_nodes}")
        expression = _unquoted(args.expression)
        value = self.shell.ev(expression)
        graph = inspect.graph(
            value,
            names=[expression],
            saved=True,
            depth=args.depth,
            fold=args.fold,
            max_nodes=args.max_nodes,
        )
        text = render.graph_text(graph) if args.saved else _graph_outline(graph)
        if args.format == "text":
            return Picture(text)
        if args.format == "widget":
            view = _widget("GraphView")
            if view is not None:
                return view(
                    value,
                    name=expression,
                    saved=args.saved,
                    depth=args.depth,
                    fold=args.fold,
                    max_nodes=args.max_nodes,
                    shell=self.shell,
                )
        return Picture(text, render.graph_svg(graph, saved=args.saved))

    @magic_arguments()
    @argument("expression", help="the tensor (a name or an expression) to copy six ways")
    @line_magic
    def tensor_copies(self, line: str):
        """Copy a tensor the six usual ways (clone, detach, both orders, .data, deepcopy) and
        tabulate what each shares with it, and what an in-place change through each one does
        to it and to a pending backward() (tried on a stand-in: the tensor is not touched)."""
        args = parse_argstring(self.tensor_copies, line)
        value = self.shell.ev(_unquoted(args.expression))
        if not inspect._is_tensor(value):
            raise TypeError(f"%tensor_copies takes a tensor, not a {type(value).__name__}")
        return Picture(copies.table(value))

    @magic_arguments()
    @argument("switch", choices=("on", "off"), help="start or stop watching")
    @argument("names", nargs="*", help="the names to watch (default: every tensor and array)")
    @line_magic
    def tensor_watch(self, line: str):
        """After every cell, show under it what the cell changed: versions, sharing, names, and
        graphs that just became unusable (with the error backward() will raise). In a notebook
        each panel is a MemoryView of what changed, and ``on`` shows a VersionTimeline of the
        watched tensors that grows under this cell."""
        args = parse_argstring(self.tensor_watch, line)
        if args.switch == "off" and args.names:
            raise UsageError("%tensor_watch off takes no names")
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        if args.switch == "on":
            self.watcher = Watcher(
                self.shell,
                args.names,
                views=live_view(self.shell, "MemoryView"),
                timeline=live_view(self.shell, "VersionTimeline"),
            )
            self.watcher.start()
            return self.watcher.timeline
        return None

    @magic_arguments()
    @argument("names", nargs="*", help="names of tensors and arrays (default: all of them)")
    @argument(
        "--plot",
        action="store_true",
        help="draw the cells with matplotlib (a figure to style or save) instead of tensorkit's "
        "own SVG",
    )
    @argument(
        "--static",
        action="store_true",
        help="the text (and with --plot the picture) even where the interactive MemoryView "
        "can be shown",
    )
    @line_magic
    def tensor_mem(self, line: str):
        """Show the buffers behind tensors and arrays, and the window each name sees: in a
        notebook, the interactive MemoryView (which marks what each later cell changes); the
        picture (tensorkit's SVG, or matplotlib's with --plot) and its text elsewhere or with
        --static."""
        args = parse_argstring(self.tensor_mem, line)
        snapshot = self._memory(args.names)
        view = None if args.static or args.plot else live_view(self.shell, "MemoryView")
        if view is not None:
            return view(
                {window.name: self.shell.user_ns[window.name] for window in snapshot.windows},
                shell=self.shell,
            )
        text = render.memory_text(snapshot)
        if not args.plot:
            return Picture(text, render.memory_svg(snapshot))
        from ..render import plots

        return Picture(text, plots.figure_svg(plots.memory_figure(snapshot)))

    @magic_arguments()
    @argument("names", nargs="*", help="names of tensors (default: all of them)")
    @line_magic
    def tensor_versions(self, line: str):
        """List each tensor's version and the names that share its version counter."""
        args = parse_argstring(self.tensor_versions, line)
        snapshot = self._memory(args.names)
        groups: dict[str, list[str]] = {}
        for window in snapshot.windows:
            if window.counter is not None:
                groups.setdefault(window.counter, []).append(window.name)
        lines = []
        width = max((len(w.name) for w in snapshot.windows), default=0)
        for window in snapshot.windows:
            if window.counter is None:
                continue
            others = [name for name in groups[window.counter] if name != window.name]
            shared = f", shares its counter with {', '.join(others)}" if others else ""
            lines.append(f"{window.name:<{width}}  version {window.version}{shared}")
        return Picture("\n".join(lines) if lines else "no tensors")

    def _memory(self, names: list[str]):
        namespace = self.shell.user_ns
        if not names:
            hidden = set(self.shell.user_ns_hidden)
            return inspect.memory(
                {name: value for name, value in namespace.items() if name not in hidden}
            )
        values = {}
        for name in names:
            if name not in namespace:
                raise NameError(f"name '{name}' is not defined")
            values[name] = namespace[name]
        return inspect.memory(values)


def _widget(name: str):
    """The interactive view ``name`` from tensorkit.widgets, or None where it (or ipywidgets)
    is not there: the magics then show their static pictures."""
    try:
        from .. import widgets
    except ImportError:
        return None
    return getattr(widgets, name, None)


def live_view(shell, name: str):
    """The view ``name`` where a shell can show it: one of a kernel, whose front end (JupyterLab,
    Notebook, VS Code, Colab) draws widgets; None in a terminal, or without ipywidgets. (Asked
    for by name, as with ``--format widget``, a view is given anywhere: its text twin shows.)"""
    if getattr(shell, "kernel", None) is None:
        return None
    return _widget(name)


def _unquoted(expression: str) -> str:
    """An expression with spaces comes quoted: %tensor_graph "(x * x).mean()"."""
    if len(expression) > 1 and expression[0] == expression[-1] and expression[0] in "'\"":
        return expression[1:-1]
    return expression


def _graph_outline(graph) -> str:
    """The text twin without saved values: the tree of node ids, leaves and grads."""
    plain = inspect.Graph(
        graph.roots,
        [
            inspect.Node(
                n.id, n.name, n.kind, n.depth, [], n.variable, n.pattern, n.repeats, n.hidden
            )
            for n in graph.nodes
        ],
        graph.edges,
        graph.truncated,
        graph.note,
    )
    return render.graph_text(plain)


def load(shell) -> None:
    """Register the magics on ``shell`` (``%load_ext tensorkit``); loading twice is harmless."""
    if getattr(shell, _REGISTERED, None) is not None:
        return
    magics = TensorMagics(shell)
    shell.register_magics(magics)
    setattr(shell, _REGISTERED, magics)


def unload(shell) -> None:
    """Remove every magic ``load`` registered (``%unload_ext tensorkit``)."""
    magics = getattr(shell, _REGISTERED, None)
    if magics is None:
        return
    if magics.watcher is not None:
        magics.watcher.stop()
        magics.watcher = None
    table = shell.magics_manager.magics
    for kind, names in magics.magics.items():
        for name in names:
            table[kind].pop(name, None)
    shell.magics_manager.registry.pop(type(magics).__name__, None)
    delattr(shell, _REGISTERED)
