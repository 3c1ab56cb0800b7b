"""``%tensor_copies y``: the six ways to copy a tensor, side by side, and what each one does.

For ``y.clone()``, ``y.detach()``, ``y.detach().clone()``, ``y.clone().detach()``, ``y.data``
and ``copy.deepcopy(y)`` (or the error it raises): whether it shares y's memory and version
counter, its grad_fn, is_leaf and requires_grad. Then, for each, an experiment on a stand-in
for y (a fresh tensor made the way y was made: a leaf, or the result of an op), so that y itself
is never touched: an in-place ``add_(1)`` through the copy, whether the stand-in's values moved,
and what a backward() that saved the stand-in does next.
"""

from __future__ import annotations

import copy

from .. import inspect

_REFUSALS = (RuntimeError, TypeError, ValueError)  # what PyTorch's copies and checks raise

WAYS = (
    ("y.clone()", lambda y: y.clone()),
    ("y.detach()", lambda y: y.detach()),
    ("y.detach().clone()", lambda y: y.detach().clone()),
    ("y.clone().detach()", lambda y: y.clone().detach()),
    ("y.data", lambda y: y.data),
    ("copy.deepcopy(y)", lambda y: copy.deepcopy(y)),
)


def _error(error: BaseException) -> str:
    text = str(error).split(". ")[0].split("\n")[0]
    return f"{type(error).__name__}: {text}"


def _stand_in(y):
    """A tensor made as y was (a leaf, or an op's result), with the graph a loss would have:
    (stand-in, loss that saved it)."""
    values = y.detach().clone()
    if y.grad_fn is None:
        stand_in = values.requires_grad_(y.requires_grad)
        pending = (stand_in * stand_in).sum() if y.requires_grad else None
    else:
        leaf = values.requires_grad_(True)
        stand_in = leaf * 1
        pending = (stand_in * stand_in).sum()
    return stand_in, pending


def table(y) -> str:
    """The table ``%tensor_copies`` shows for tensor ``y`` (errors as numbered notes below)."""
    notes: list[str] = []

    def cell(text: str) -> str:
        if ": " in text and text.split(": ")[0].endswith("Error"):
            notes.append(text)
            return f"error [{len(notes)}]"
        return text

    rows = []
    for label, make in WAYS:
        try:
            made = make(y)
        except _REFUSALS as error:  # deepcopy of a non-leaf: PyTorch's refusal
            rows.append([label, cell(_error(error))] + [""] * 6)
            continue
        snapshot = inspect.memory(y=y, copy=made)
        changed, bumped, after = _experiment(y, make)
        if bumped is None:  # the in-place change was refused: read the counters instead
            shares = snapshot.window("y").counter == snapshot.window("copy").counter
            counter = ("yes" if shares else "no") + (
                "" if snapshot.counters_exact else " (inferred)"
            )
        else:
            counter = "yes" if bumped else "no"
        fn = made.grad_fn
        rows.append(
            [
                label,
                "yes" if len(snapshot.buffers) == 1 else "no",
                counter,
                type(fn).__name__ if fn is not None else "None",
                str(bool(made.is_leaf)),
                str(bool(made.requires_grad)),
                cell(changed),
                cell(after),
            ]
        )
    header = [
        "copy",
        "shares memory",
        "shares version counter",
        "grad_fn",
        "is_leaf",
        "requires_grad",
        "copy.add_(1): y changes?",
        "then backward()",
    ]
    text = _render(header, rows)
    if notes:
        text += "\n\n" + "\n".join(f"[{number}] {note}" for number, note in enumerate(notes, 1))
    return text


def _experiment(y, make) -> tuple[str, bool | None, str]:
    """On a stand-in for y: (did its values change, did its version move (None: the change was
    refused), what backward() did next)."""
    stand_in, pending = _stand_in(y)
    before = stand_in.detach().clone()
    version = stand_in._version
    try:
        made = make(stand_in)
    except _REFUSALS as error:
        return _error(error), None, ""
    try:
        made.add_(1)
    except _REFUSALS as error:
        changed, bumped = _error(error), None
    else:
        moved = not bool((stand_in.detach() == before).all())
        bumped = stand_in._version != version
        changed = "yes" if moved else "no"
    if pending is None:
        return changed, bumped, "no graph (y needs no grad)"
    try:
        pending.backward()
    except _REFUSALS as error:
        return changed, bumped, _error(error)
    return changed, bumped, "runs"


def _render(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * width for width in widths))
    for row in rows:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return "\n".join(lines)
