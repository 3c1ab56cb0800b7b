"""What every view shares: its display carries the static text (and picture) beside the live
widget, for nbconvert, GitHub and nbval, which cannot run it; and it follows the cells of the
IPython shell it was made in, refreshing after each one, until it is closed."""

from __future__ import annotations

import pathlib
import weakref

HERE = pathlib.Path(__file__).parent
CURRENT = object()  # the ``shell=`` default: the IPython shell running now, if any


def front_end(view: str) -> tuple[str, str]:
    """The ES module and the CSS of a view: the parts every view shares (``_common.js``,
    ``_common.css``), then the view's own (``<view>.js``, ``<view>.css``). No build step."""
    return tuple(
        (HERE / f"_common.{kind}").read_text() + "\n" + (HERE / f"{view}.{kind}").read_text()
        for kind in ("js", "css")
    )


def with_static(bundle, text: str, svg: str | None = None):
    data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
    data = dict(data)
    data["text/plain"] = text
    if svg:
        data["image/svg+xml"] = svg
    return data, metadata


def current_shell(shell=CURRENT):
    """``shell`` itself, or for ``CURRENT`` the running IPython shell (None outside IPython)."""
    if shell is not CURRENT:
        return shell
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - ipywidgets needs IPython
        return None
    return get_ipython()


class CellFollower:
    """Calls ``view._after_cell(result)`` after every cell the shell runs. It holds the view by
    weak reference (the shell's list of handlers never keeps a view alive) and removes itself
    when the view is closed or gone."""

    def __init__(self, view, shell) -> None:
        self._view = weakref.ref(view)
        self.shell = shell
        shell.events.register("post_run_cell", self)

    def __call__(self, result=None) -> None:
        view = self._view()
        if view is None or getattr(view, "comm", None) is None:  # gone, or closed
            self.stop()
            return
        view._after_cell(result)

    def stop(self) -> None:
        callbacks = self.shell.events.callbacks["post_run_cell"]
        if self in callbacks:
            self.shell.events.unregister("post_run_cell", self)


class FollowsCells:
    """What a view mixes in to follow cells: ``_follow(shell)`` starts (for ``CURRENT``, the
    running IPython shell, if any), ``_after_cell`` runs after each cell (``refresh()`` unless
    the view says otherwise), ``_stop_following()`` stops, and ``close()`` stops too."""

    _follower: CellFollower | None = None  # also when __init__ refused its input

    def _follow(self, shell) -> None:
        shell = current_shell(shell)
        self._follower = CellFollower(self, shell) if shell is not None else None

    def _after_cell(self, result=None) -> None:
        self.refresh()

    def _stop_following(self) -> None:
        if self._follower is not None:
            self._follower.stop()
            self._follower = None

    def close(self) -> None:
        """Stop following cells and close the view (its front ends remove themselves)."""
        self._stop_following()
        super().close()


def execution_count(result, shell) -> int | None:
    """The number of the cell that just ran (its In[n]), from post_run_cell's result."""
    count = getattr(result, "execution_count", None)
    if count is None:
        count = getattr(getattr(result, "info", None), "execution_count", None)
    if count is None and shell is not None:
        count = getattr(shell, "execution_count", None)
    return count


def on_death(view, method: str):
    """A weak-reference callback that calls ``view.<method>()`` when the object dies, holding
    the view itself weakly."""
    view_ref = weakref.ref(view)

    def callback(_ref) -> None:
        alive = view_ref()
        if alive is not None and getattr(alive, "comm", None) is not None:
            getattr(alive, method)()

    return callback
