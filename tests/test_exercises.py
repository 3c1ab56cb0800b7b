"""tensorkit.jupyter.exercises: the curriculum's predict-then-check questions, graded from the
tensors themselves (on tensorkit and on PyTorch, whose tensors the checks read just as well)."""

from __future__ import annotations

import pytest

import tensorkit
from tensorkit.jupyter import exercises as check

try:
    import torch as real_torch
except ImportError:
    real_torch = None


def test_sharing_memory_and_counters(t):
    x = t.arange(6.0)
    view, copy, detached = x[2:], x.clone(), x.detach()
    assert check.shares_memory(True, x, view).right is True
    assert repr(check.shares_memory(True, x, view)) == (
        "✓ right: they share memory: one buffer, read by the first from its byte 0 and by the "
        "second from its byte 8, so a change through one can show through the other"
    )
    assert check.shares_memory(True, x, copy).right is False
    assert repr(check.shares_memory(False, x, copy)) == (
        "✓ right: they do not share memory: each has a buffer of its own"
    )
    assert check.shares_version_counter(True, x, detached).right is True
    data = check.shares_version_counter(True, x, x.data)
    if t is tensorkit:
        assert data.right is False  # .data shares the memory, not the counter
    else:  # PyTorch shows no counter's identity: the check can only infer, and says so
        assert data.text.endswith(
            "(inferred from their memory and versions: PyTorch does not show its counters)"
        )
    assert check.shares_memory(True, x, x.data).right is True
    assert check.shares_memory(True, x.numpy(), x).right is True  # arrays too


def test_versions_leaves_and_no_answer_yet(t):
    x = t.ones(3)
    x.add_(1)
    x[0] = 5
    assert check.version(2, x).right is True
    assert repr(check.version(1, x)) == "✗ not quite: its version is 2"
    assert repr(check.version(None, x)) == check.NO_ANSWER
    assert check.version(None, x).right is None
    w = t.ones(2, requires_grad=True)
    assert repr(check.is_leaf(True, w)) == (
        "✓ right: it is a leaf: no recorded operation made it; backward() will fill its .grad"
    )
    not_leaf = check.is_leaf(True, w * 2)
    assert repr(not_leaf) == "✗ not quite: it is not a leaf: MulBackward0 made it"


def test_backward_fails_is_read_off_the_graph_without_running_it(t):
    a = t.ones(5, requires_grad=True)
    b = a**2
    assert repr(check.backward_fails(False, b.sum())) == (
        "✓ right: it runs: every saved tensor is as it was saved"
    )
    a.detach().zero_()
    loss = b.sum()
    verdict = check.backward_fails(True, loss)
    assert verdict.right is True
    assert verdict.text.startswith(
        "✓ right: it fails with: one of the variables needed for gradient computation has been "
        "modified by an inplace operation: ["
    )
    assert a.grad is None  # nothing ran
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()  # and it does fail, as said
    fresh = (t.ones(2, requires_grad=True) * 3).sum()
    fresh.backward()
    assert (
        "Trying to backward through the graph a second time"
        in check.backward_fails(True, fresh).text
    )
    assert check.backward_fails(True, t.ones(2)).text == (
        "✓ right: it fails with: element 0 of tensors does not require grad and does not have a "
        "grad_fn"
    )
    assert check.backward_fails(True, t.ones(2, requires_grad=True) * 2).text == (
        "✓ right: it fails with: grad can be implicitly created only for scalar outputs"
    )


def test_answers_and_values_of_the_wrong_kind_are_refused():
    x = tensorkit.ones(2)
    with pytest.raises(TypeError, match="shares_memory takes True, False or None, not 'yes'"):
        check.shares_memory("yes", x, x)
    with pytest.raises(TypeError, match="version takes a whole number or None, not True"):
        check.version(True, x)
    with pytest.raises(TypeError, match="the checks take tensors or arrays, not a list"):
        check.shares_memory(True, x, [1, 2])
    with pytest.raises(TypeError, match="backward_fails takes a tensor, not a int"):
        check.backward_fails(True, 3)
