"""Predict-then-check exercises for the curriculum (notebooks/10_exercises.ipynb).

Each check takes the learner's prediction and the tensors it is about, reads the truth off the
tensors with ``tensorkit.inspect`` (never by running the operation in question: asking whether
``backward()`` will fail does not run it), and says whether the prediction was right and why::

    from tensorkit.jupyter import exercises as check
    answer = True                      # do a and b share memory?
    check.shares_memory(answer, a, b)  # ✓ right: a and b share memory (...)

A prediction left as ``None`` gets a reminder instead of a verdict. The checks read public
attributes only, so they work on PyTorch's tensors as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import inspect

__all__ = [
    "Verdict",
    "backward_fails",
    "is_leaf",
    "shares_memory",
    "shares_version_counter",
    "version",
]

NO_ANSWER = "no answer yet: put your prediction in place of None and run the cell again"


@dataclass
class Verdict:
    """The outcome of one check: ``right`` (None while there is no answer) and what it says."""

    right: bool | None
    text: str

    def __repr__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(self.text)


def _verdict(answer, truth, explanation: str) -> Verdict:
    if answer is None:
        return Verdict(None, NO_ANSWER)
    if answer == truth:
        return Verdict(True, f"✓ right: {explanation}")
    return Verdict(False, f"✗ not quite: {explanation}")


def _needs_bool(answer, question: str) -> None:
    if answer is not None and not isinstance(answer, bool):
        raise TypeError(f"{question} takes True, False or None, not {answer!r}")


def _two(a, b):
    for value in (a, b):
        if not (inspect._is_tensor(value) or inspect._is_array(value)):
            raise TypeError(f"the checks take tensors or arrays, not a {type(value).__name__}")
    return inspect.memory({"a": a, "b": b})


def shares_memory(answer, a, b) -> Verdict:
    """Do ``a`` and ``b`` read any of the same memory?"""
    _needs_bool(answer, "shares_memory")
    snapshot = _two(a, b)
    truth = any({"a", "b"} <= set(names) for names in snapshot.shared_buffers)
    windows = {window.name: window for window in snapshot.windows}
    if truth:
        why = (
            f"they share memory: one buffer, read by the first from its byte "
            f"{windows['a'].offset} and by the second from its byte {windows['b'].offset}, so a "
            "change through one can show through the other"
        )
    else:
        why = "they do not share memory: each has a buffer of its own"
    return _verdict(answer, truth, why)


def shares_version_counter(answer, a, b) -> Verdict:
    """Do ``a`` and ``b`` (tensors) share one version counter?"""
    _needs_bool(answer, "shares_version_counter")
    for value in (a, b):
        if not inspect._is_tensor(value):
            raise TypeError(f"version counters belong to tensors, not a {type(value).__name__}")
    snapshot = _two(a, b)
    truth = any({"a", "b"} <= set(names) for names in snapshot.shared_counters)
    if truth:
        why = "they share one version counter: an in-place change through either bumps both"
    else:
        why = "each has a version counter of its own"
    if not snapshot.counters_exact:
        why += " (inferred from their memory and versions: PyTorch does not show its counters)"
    return _verdict(answer, truth, why)


def version(answer, tensor) -> Verdict:
    """What is the tensor's version now (how many in-place changes its counter has seen)?"""
    if answer is not None and (isinstance(answer, bool) or not isinstance(answer, int)):
        raise TypeError(f"version takes a whole number or None, not {answer!r}")
    if not inspect._is_tensor(tensor):
        raise TypeError(f"version takes a tensor, not a {type(tensor).__name__}")
    truth = inspect.tensor_info(tensor, with_grad=False).version
    return _verdict(answer, truth, f"its version is {truth}")


def is_leaf(answer, tensor) -> Verdict:
    """Is the tensor a leaf of the graph (made by the user, not by a recorded operation)?"""
    _needs_bool(answer, "is_leaf")
    if not inspect._is_tensor(tensor):
        raise TypeError(f"is_leaf takes a tensor, not a {type(tensor).__name__}")
    truth = bool(tensor.is_leaf)
    if truth:
        why = "it is a leaf: no recorded operation made it" + (
            "; backward() will fill its .grad" if tensor.requires_grad else ""
        )
    else:
        why = f"it is not a leaf: {type(tensor.grad_fn).__name__} made it"
    return _verdict(answer, truth, why)


def _backward_error(loss) -> str | None:
    """The error ``loss.backward()`` would raise, read off the graph (None: it would run)."""
    if loss.grad_fn is None and not loss.requires_grad:
        return "element 0 of tensors does not require grad and does not have a grad_fn"
    if int(loss.numel()) != 1:
        return "grad can be implicitly created only for scalar outputs"
    if loss.grad_fn is None:
        return None
    graph = inspect.graph(loss, max_nodes=100_000)
    for node in graph.nodes:
        for value in node.saved:
            if value.status in ("stale", "freed"):
                return value.message.split(" Hint:")[0]
    return None


def backward_fails(answer, loss) -> Verdict:
    """Will ``loss.backward()`` fail? (It is not run: the graph's saved tensors tell.)"""
    _needs_bool(answer, "backward_fails")
    if not inspect._is_tensor(loss):
        raise TypeError(f"backward_fails takes a tensor, not a {type(loss).__name__}")
    error = _backward_error(loss)
    why = f"it fails with: {error}" if error else "it runs: every saved tensor is as it was saved"
    return _verdict(answer, error is not None, why)
