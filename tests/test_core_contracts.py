"""Unit tests for the contracts of the core (DESIGN.md "Contracts of the core", TORCH_SEMANTICS §4-§16).

Every test takes the module under test as the fixture ``t`` and runs twice: on tensorkit, and on
PyTorch itself where it is installed (the live comparison; skipped, or failed under CI=true, when
torch is missing). So each expected value here is PyTorch's own behaviour, checked on every run.
Messages are written exactly as PyTorch prints them; ``msg`` puts ``tensorkit`` in place of
``torch`` in module names (``tensorkit.FloatTensor``, ``tensorkit.autograd.set_detect_anomaly``)
for tensorkit.

Error paths check the exception type, the exact message, and that nothing changed: values,
``_version``, ``grad_fn``, ``.grad``, and the object a name points to after a failed ``x += 1``.
"""

from __future__ import annotations

import copy
import re
import threading
import warnings

import numpy as np
import pytest

import tensorkit

try:
    import torch as real_torch
except ImportError:
    real_torch = None


@pytest.fixture(autouse=True)
def _grad_mode_restored():
    """A test that trips over a grad-mode bug must not leave recording off for the tests after it."""
    yield
    for module in (tensorkit, real_torch):
        if module is not None and not module.is_grad_enabled():
            module.set_grad_enabled(True)


def msg(t, text: str) -> str:
    """PyTorch's ``text`` with tensorkit's name in place of ``torch`` in module names and in
    ``torch::autograd::`` node names (not in URLs)."""
    if t is tensorkit:
        return re.sub(r"(?<![\w/])torch(?=[./]|::)", "tensorkit", text)
    return text


def raises(t, error_type, text: str):
    """``pytest.raises`` that also checks the exact message (module names adapted)."""
    return pytest.raises(error_type, match="^" + re.escape(msg(t, text)) + "$")


def vals(tensor) -> list:
    return tensor.detach().tolist()


def state(tensor) -> tuple:
    """Everything a failed operation must leave alone."""
    return (
        vals(tensor),
        tensor._version,
        tensor.grad_fn,
        tensor.requires_grad,
        tensor.data_ptr(),
        tuple(tensor.shape),
        tensor.stride(),
        tensor.dtype,
    )


def names(fn) -> list:
    return [(None if node is None else type(node).__name__, nr) for node, nr in fn.next_functions]


def first(fn):
    return fn.next_functions[0][0]


LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF_INPLACE = (
    "a view of a leaf Variable that requires grad is being used in an in-place operation."
)
BACKWARD_TWICE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they have "
    "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
    "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
    "if you need to access saved tensors after calling backward."
)
HINT = (
    "enable anomaly detection to find the operation that failed to compute its gradient, with "
    "torch.autograd.set_detect_anomaly(True, check_nan=False)."
)
HINT_ANOMALY = (
    "the backtrace further above shows the operation that failed to compute its gradient. The "
    "variable in question was changed in there or anywhere later. Good luck!"
)
DEEPCOPY_NON_LEAF = (
    "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the moment.  "
    "If you were attempting to deepcopy a module, this may be because of a torch.nn.utils.weight_norm usage, "
    "see https://github.com/pytorch/pytorch/pull/103001"
)
NUMPY_REQUIRES_GRAD = (
    "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
)
NEGATIVE_STRIDES = (
    "At least one stride in the given numpy array is negative, and tensors with negative strides are not "
    "currently supported. (You can probably work around this by making a copy of your array  with "
    "array.copy().) "
)
VIEW_INCOMPATIBLE = (
    "view size is not compatible with input tensor's size and stride (at least one dimension "
    "spans across two contiguous subspaces). Use .reshape(...) instead."
)
DETACH_VIEW = (
    "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for "
    "training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence "
    "detach_() cannot be called on these gradients. To fix this error, please refer to the "
    "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution."
)
NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be "
    "populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf "
    "Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure "
    "you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more information."
)
NO_GRAD_VIEW = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this "
    "use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view "
    "and the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both "
    "outside (if you want the inplace to be tracked)."
)
MULTI_VIEW = (
    "Output {nr} of {name} is a view and is being modified inplace. This view is the output of a function that "
    "returns multiple views. Such functions do not allow the output views to be modified inplace. You should "
    "replace the inplace operation by an out-of-place one."
)
OVERLAP = (
    "unsupported operation: more than one element of the written-to tensor refers to a single memory "
    "location. Please clone() the tensor before performing the operation."
)
INFERENCE_SAVED = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode in "
    "computation tracked by autograd. To work around this, you can make a clone to get a normal tensor and use "
    "it in autograd, or use `torch.no_grad()` instead of `torch.inference_mode()`."
)


def stale(
    type_name: str, shape: str, clause: str, version: int, expected: int, hint: str = HINT
) -> str:
    return (
        "one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"[torch.{type_name} [{shape}]]{clause} is at version {version}; expected version {expected} "
        f"instead. Hint: {hint}"
    )


# ============================================================================ error paths


def test_add_shape_mismatch(t):
    x, y = t.ones(2, 3), t.ones(2, 4)
    before = state(x), state(y)
    with raises(
        t,
        RuntimeError,
        "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1",
    ):
        x + y
    assert (state(x), state(y)) == before


def test_inplace_add_shape_mismatch_changes_nothing(t):
    x = t.ones(2, 3)
    before = state(x)
    with raises(
        t,
        RuntimeError,
        "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1",
    ):
        x.add_(t.ones(4))
    assert state(x) == before
    a = t.ones(3)
    before = state(a)
    with raises(t, RuntimeError, "output with shape [3] doesn't match the broadcast shape [2, 3]"):
        a.add_(t.ones(2, 3))
    assert state(a) == before


def test_inplace_dtype_error_changes_nothing(t):
    x = t.tensor([1, 2, 3])
    original = x
    before = state(x)
    with raises(t, RuntimeError, "result type Float can't be cast to the desired output type Long"):
        x.add_(1.5)
    assert state(x) == before
    with raises(t, RuntimeError, "result type Float can't be cast to the desired output type Long"):
        x += 1.5
    assert x is original and state(x) == before
    with raises(t, RuntimeError, "result type Float can't be cast to the desired output type Long"):
        x.mul_(t.tensor([0.5, 0.5, 0.5]))
    assert state(x) == before
    # float32 target, float64 operand: fine, stays float32
    f = t.ones(2)
    f.add_(t.ones(2, dtype=t.float64))
    assert f.dtype == t.float32 and vals(f) == [2.0, 2.0]


LEAF_INPLACE_OPS = {
    "add_": lambda t, x: x.add_(1),
    "mul_": lambda t, x: x.mul_(2),
    "zero_": lambda t, x: x.zero_(),
    "fill_": lambda t, x: x.fill_(3),
    "copy_": lambda t, x: x.copy_(t.zeros(5)),
    "sub_": lambda t, x: x.sub_(1),
    "clamp_": lambda t, x: x.clamp_(0, 0.5),
    "normal_": lambda t, x: x.normal_(),
    "uniform_": lambda t, x: x.uniform_(),
    "div_": lambda t, x: x.div_(2),
    "exp_": lambda t, x: x.exp_(),
}


@pytest.mark.parametrize("op", sorted(LEAF_INPLACE_OPS))
def test_inplace_on_leaf_that_requires_grad_is_refused(t, op):
    x = t.ones(5, requires_grad=True)
    before = state(x)
    with raises(t, RuntimeError, LEAF_INPLACE):
        LEAF_INPLACE_OPS[op](t, x)
    assert state(x) == before
    assert x.is_leaf and x.grad is None


def test_augmented_assignment_on_leaf_is_refused_and_the_name_keeps_its_object(t):
    x = t.ones(5, requires_grad=True)
    original = x
    before = state(x)
    with raises(t, RuntimeError, LEAF_INPLACE):
        x += 1
    assert x is original
    assert state(x) == before
    with raises(t, RuntimeError, LEAF_INPLACE):
        x *= 2
    assert x is original and state(x) == before


VIEW_OF_LEAF_OPS = {
    "slice": lambda x: x[1:].add_(1),
    "view": lambda x: x.view(5).mul_(2),
    "select": lambda x: x[0].zero_(),
    "t": lambda x: x.t().add_(1),
    "unsqueeze": lambda x: x.unsqueeze(0).fill_(2),
}


@pytest.mark.parametrize("view", sorted(VIEW_OF_LEAF_OPS))
def test_inplace_on_view_of_leaf_that_requires_grad_is_refused(t, view):
    x = t.ones(5, requires_grad=True)
    before = state(x)
    with raises(t, RuntimeError, VIEW_OF_LEAF_INPLACE):
        VIEW_OF_LEAF_OPS[view](x)
    assert state(x) == before


def _set(index, value):
    def assign(t, x):
        x[index(t) if callable(index) else index] = value(t) if callable(value) else value

    return assign


SETITEM_CASES = {
    "int": (_set(0, 5.0), VIEW_OF_LEAF_INPLACE),
    "slice": (_set(slice(1, 3), 0.0), VIEW_OF_LEAF_INPLACE),
    "list": (_set([0, 1], 0.0), LEAF_INPLACE),
    "mask": (_set(lambda t: t.tensor([True, False, True, False, False]), 0.0), LEAF_INPLACE),
    "full-slice": (_set(slice(None), lambda t: t.zeros(5)), LEAF_INPLACE),
}


@pytest.mark.parametrize("case", sorted(SETITEM_CASES))
def test_setitem_on_leaf_that_requires_grad_is_refused(t, case):
    assign, message = SETITEM_CASES[case]
    x = t.ones(5, requires_grad=True)
    before = state(x)
    with raises(t, RuntimeError, message):
        assign(t, x)
    assert state(x) == before


def test_inplace_on_leaf_is_allowed_under_no_grad(t):
    x = t.ones(5, requires_grad=True)
    with t.no_grad():
        x.add_(1)
        x[0] = 5
        x[1:3].mul_(2)
    assert x.is_leaf and x.requires_grad and x.grad_fn is None
    assert x._version == 3
    assert vals(x) == [5.0, 4.0, 4.0, 2.0, 2.0]
    plain = t.ones(3)
    plain.add_(1)  # a leaf that doesn't require grad is never restricted
    assert plain._version == 1


def test_stale_saved_leaf_raises_on_backward(t):
    """The tutorial's snippet 4: an in-place op through detach() on a tensor that a node saved."""
    a = t.ones(5, requires_grad=True)
    b = a**2
    c = a.detach()
    c.zero_()
    assert a._version == c._version == 1
    with raises(t, RuntimeError, stale("FloatTensor", "5", "", 1, 0)):
        b.sum().backward()
    assert a.grad is None


def test_stale_saved_non_leaf_names_its_current_producer(t):
    x = t.ones(2, 3, dtype=t.float64, requires_grad=True)
    y = x * 2
    z = y.sin()  # saves y
    y.add_(1)
    with raises(
        t, RuntimeError, stale("DoubleTensor", "2, 3", ", which is output 0 of Add,", 1, 0)
    ):
        z.sum().backward()
    assert x.grad is None


def test_stale_saved_output_names_the_node_that_saved_it(t):
    x = t.ones(2, 3, requires_grad=True)
    z = x.t().exp()  # saves its result
    w = z.t()
    z.add_(1)
    with raises(t, RuntimeError, stale("FloatTensor", "3, 2", ", which is output 0 of Exp,", 1, 0)):
        w.sum().backward()


def test_stale_saved_tensor_under_anomaly_detection_gives_the_other_hint(t):
    a = t.ones(5, requires_grad=True)
    b = a * a
    with t.no_grad():
        a.sub_(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with t.autograd.detect_anomaly():
            with raises(t, RuntimeError, stale("FloatTensor", "5", "", 1, 0, HINT_ANOMALY)):
                b.sum().backward()


def test_backward_twice_raises_when_a_node_saved_tensors(t):
    x = t.ones(3, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    grad = vals(x.grad)
    with raises(t, RuntimeError, BACKWARD_TWICE):
        y.backward()
    assert vals(x.grad) == grad
    z = (x * 2).sum()  # Mul saves the wrapped scalar: a second backward raises too
    z.backward()
    with raises(t, RuntimeError, BACKWARD_TWICE):
        z.backward()


def test_backward_twice_without_saved_tensors_accumulates(t):
    x = t.ones(3, requires_grad=True)
    y = (x + 1).sum()
    y.backward()
    y.backward()
    assert vals(x.grad) == [2.0, 2.0, 2.0]


def test_backward_on_non_scalar_raises(t):
    x = t.ones(3, requires_grad=True)
    y = x * 2
    with raises(t, RuntimeError, "grad can be implicitly created only for scalar outputs"):
        y.backward()
    assert x.grad is None
    with raises(
        t,
        RuntimeError,
        "Mismatch in shape: grad_output[0] has a shape of torch.Size([4]) and "
        "output[0] has a shape of torch.Size([3]).",
    ):
        y.backward(t.ones(4))
    assert x.grad is None
    y.backward(t.ones(3))  # the failures freed nothing
    assert vals(x.grad) == [2.0, 2.0, 2.0]
    for shape in ((1,), (1, 1)):
        w = t.ones(shape, requires_grad=True)
        (w * 3).backward()
        assert vals(w.grad) == vals(t.full(shape, 3.0))


def test_backward_on_tensor_that_does_not_require_grad(t):
    with raises(
        t, RuntimeError, "element 0 of tensors does not require grad and does not have a grad_fn"
    ):
        (t.ones(3) * 2).sum().backward()


def test_deepcopy_of_non_leaf_is_refused(t):
    x = t.ones(3, requires_grad=True)
    y = x * 2
    before = state(y)
    for thing in (y, {"y": y}, [x, y]):
        with raises(t, RuntimeError, DEEPCOPY_NON_LEAF):
            copy.deepcopy(thing)
    assert state(y) == before
    detached = copy.deepcopy(y.detach())
    assert vals(detached) == [2.0, 2.0, 2.0] and detached.is_leaf


def test_numpy_of_tensor_that_requires_grad_is_refused(t):
    x = t.ones(3, requires_grad=True)
    with raises(t, RuntimeError, NUMPY_REQUIRES_GRAD):
        x.numpy()
    with pytest.raises(RuntimeError, match=re.escape(NUMPY_REQUIRES_GRAD)):
        np.asarray(x)
    forced = x.numpy(force=True)
    assert forced.__array_interface__["data"][0] == x.data_ptr()
    assert state(x)[:4] == ([1.0, 1.0, 1.0], 0, None, True)


def test_from_numpy_refuses_negative_strides_and_non_arrays(t):
    a = np.arange(5.0)[::-1]
    with raises(t, ValueError, NEGATIVE_STRIDES):
        t.from_numpy(a)
    assert a.tolist() == [4.0, 3.0, 2.0, 1.0, 0.0]
    with raises(t, TypeError, "expected np.ndarray (got list)"):
        t.from_numpy([1.0, 2.0])
    with raises(t, TypeError, "expected np.ndarray (got numpy.float64)"):
        t.from_numpy(np.float64(1.5))
    assert t.from_numpy(np.array(2.5)).item() == 2.5


def test_requires_grad_on_integer_tensor_three_wordings(t):
    x = t.tensor([1, 2])
    with raises(t, RuntimeError, "only Tensors of floating point dtype can require gradients"):
        x.requires_grad_()
    assert not x.requires_grad
    with raises(
        t, RuntimeError, "only Tensors of floating point and complex dtype can require gradients"
    ):
        x.requires_grad = True
    assert not x.requires_grad
    with raises(
        t, RuntimeError, "Only Tensors of floating point and complex dtype can require gradients"
    ):
        t.tensor([1, 2], requires_grad=True)
    with raises(
        t, RuntimeError, "Only Tensors of floating point and complex dtype can require gradients"
    ):
        t.zeros(2, dtype=t.int64, requires_grad=True)
    x.requires_grad_(False)  # switching it off is fine
    assert not x.requires_grad


def test_requires_grad_false_on_non_leaf_is_refused(t):
    x = t.ones(2, requires_grad=True)
    y = x * 2
    assert y.requires_grad_(True) is y  # a no-op
    message = (
        "you can only change requires_grad flags of leaf variables. If you want to use a computed "
        "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
    )
    with raises(t, RuntimeError, message):
        y.requires_grad_(False)
    with raises(t, RuntimeError, message):
        y.requires_grad = False
    assert y.requires_grad and y.grad_fn is not None


def test_bad_view_size(t):
    x = t.arange(6.0)
    before = state(x)
    with raises(t, RuntimeError, "shape '[4]' is invalid for input of size 6"):
        x.view(4)
    with raises(t, RuntimeError, "shape '[-1, 4]' is invalid for input of size 6"):
        x.view(-1, 4)
    with raises(t, RuntimeError, "shape '[4]' is invalid for input of size 6"):
        x.reshape(4)
    assert state(x) == before


def test_view_of_non_contiguous_tensor(t):
    x = t.arange(6.0).reshape(2, 3).t()
    before = state(x)
    with raises(t, RuntimeError, VIEW_INCOMPATIBLE):
        x.view(6)
    assert state(x) == before
    assert vals(x.reshape(6)) == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]


def test_detach_inplace_on_view_is_refused(t):
    x = t.ones(4, requires_grad=True)
    y = x * 2
    v = y[1:]
    with raises(t, RuntimeError, DETACH_VIEW):
        v.detach_()
    assert v.requires_grad and v.grad_fn is not None


def test_retain_grad_and_hooks_on_tensor_without_grad(t):
    x = t.ones(2)
    with raises(t, RuntimeError, "can't retain_grad on Tensor that has requires_grad=False"):
        x.retain_grad()
    with raises(
        t, RuntimeError, "cannot register a hook on a tensor that doesn't require gradient"
    ):
        x.register_hook(lambda g: g)


def test_view_created_under_no_grad_modified_with_grad_is_refused(t):
    x = t.ones(3, requires_grad=True)
    y = x * 1
    with t.no_grad():
        v = y[1:]
    before = state(y)
    with raises(t, RuntimeError, NO_GRAD_VIEW):
        v.add_(1)
    assert state(y) == before


def test_multi_output_views_may_not_be_modified_inplace(t):
    x = t.ones(3, requires_grad=True)
    y = x * 1
    a, b, c = y.unbind()
    with raises(t, RuntimeError, MULTI_VIEW.format(nr=0, name="Unbind")):
        a.add_(1)
    p, q = y.split(2)
    with raises(t, RuntimeError, MULTI_VIEW.format(nr=1, name="Split")):
        q.mul_(2)
    p, q = y.chunk(2)
    with raises(t, RuntimeError, MULTI_VIEW.format(nr=0, name="Split")):
        p.zero_()
    assert vals(y) == [1.0, 1.0, 1.0] and y._version == 0


def test_inplace_on_expanded_tensor_is_refused(t):
    base = t.zeros(3, 1)
    expanded = base.expand(3, 4)
    with raises(t, RuntimeError, OVERLAP):
        expanded.add_(1)
    assert vals(base) == [[0.0], [0.0], [0.0]] and base._version == 0


def test_inference_tensor_cannot_be_saved_for_backward(t):
    with t.inference_mode():
        i = t.ones(2)
    assert i.is_inference() and not i.requires_grad
    x = t.ones(2, requires_grad=True)
    with raises(t, RuntimeError, INFERENCE_SAVED):
        x * i
    assert vals(i + x) == [2.0, 2.0]  # add saves nothing: allowed
    with raises(t, RuntimeError, "Inference tensors do not track version counter."):
        i._version


def test_autograd_grad_of_unused_input(t):
    x, y = t.ones(2, requires_grad=True), t.ones(2, requires_grad=True)
    with raises(
        t,
        RuntimeError,
        "The differentiated Tensor at index 1 appears to not have been used in the "
        "graph. Set allow_unused=True if this is the desired behavior.",
    ):
        t.autograd.grad((x * 2).sum(), (x, y))


# ============================================================================ the engine


def test_engine_handles_a_chain_of_100000_ops(t):
    x = t.ones(1, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y + 0.0
    y.sum().backward()
    assert vals(x.grad) == [1.0]
    del y  # freeing a deep graph must not recurse either
    z = x
    for _ in range(100_000):
        z = z * 1.0
    (first_grad,) = t.autograd.grad(z.sum(), x)
    assert vals(first_grad) == [1.0]


def test_saved_tensors_are_freed_after_backward_and_kept_with_retain_graph(t):
    x = t.ones(2, requires_grad=True)
    y = x * x
    fn = y.grad_fn
    assert fn._saved_self is x
    y.sum().backward()
    with raises(t, RuntimeError, BACKWARD_TWICE):
        fn._saved_self
    x.grad = None
    y = x * x
    fn = y.grad_fn
    y.sum().backward(retain_graph=True)
    assert fn._saved_self is x
    y.sum().backward()
    assert vals(x.grad) == [4.0, 4.0]


def test_gradients_accumulate_in_place(t):
    x = t.ones(3, requires_grad=True)
    (x * 2).sum().backward()
    grad = x.grad
    version = grad._version
    assert not grad.requires_grad and grad.is_leaf
    (x * 3).sum().backward()
    assert x.grad is grad
    assert grad._version == version + 1
    assert vals(grad) == [5.0, 5.0, 5.0]
    x.grad.zero_()
    (x * 1).sum().backward()
    assert vals(x.grad) == [1.0, 1.0, 1.0]
    x.grad = None
    (x * 4).sum().backward()
    assert vals(x.grad) == [4.0, 4.0, 4.0]


def test_backward_inputs_and_autograd_backward(t):
    x, w = t.ones(2, requires_grad=True), t.ones(2, requires_grad=True)
    (x * w * 3).sum().backward(inputs=[w])
    assert x.grad is None and vals(w.grad) == [3.0, 3.0]
    a, b = x * 2, x * 5
    t.autograd.backward([a, b], [t.ones(2), t.full((2,), 2.0)])
    assert vals(x.grad) == [12.0, 12.0]
    c = (x * 1).sum()
    with t.no_grad():  # backward works inside no_grad
        c.backward()
    assert vals(x.grad) == [13.0, 13.0]


def test_hooks_order_replacement_and_removal(t):
    x = t.ones(3, requires_grad=True)
    y = x * 2
    calls = []
    y.register_hook(lambda g: calls.append(("first", vals(g))))
    y.register_hook(lambda g: g * 10)
    y.register_hook(lambda g: calls.append(("third", vals(g))))
    handle = y.register_hook(lambda g: g * 1000)
    handle.remove()
    y.sum().backward()
    assert calls == [("first", [1.0, 1.0, 1.0]), ("third", [10.0, 10.0, 10.0])]
    assert vals(x.grad) == [20.0, 20.0, 20.0]


def test_leaf_hook_sees_the_gradient_before_accumulation(t):
    x = t.ones(2, requires_grad=True)
    (x * 1).sum().backward()
    seen = []
    x.register_hook(lambda g: seen.append((vals(g), vals(x.grad))))
    x.register_hook(lambda g: g * 3)
    (x * 2).sum().backward()
    assert seen == [([2.0, 2.0], [1.0, 1.0])]
    assert vals(x.grad) == [7.0, 7.0]


def test_retain_grad(t):
    x = t.ones(2, requires_grad=True)
    y = x * 3
    assert not y.retains_grad
    y.retain_grad()
    z = (y * y).sum()
    z.backward()
    assert y.retains_grad
    assert vals(y.grad) == [6.0, 6.0]
    x.retain_grad()  # on a leaf: a no-op
    assert not x.retains_grad


def test_non_leaf_grad_warns(t):
    x = t.ones(2, requires_grad=True)
    y = x * 2
    with pytest.warns(UserWarning) as record:
        assert y.grad is None
    texts = [str(w.message) for w in record]
    assert any(
        text == NON_LEAF_GRAD_WARNING
        or (
            t is not tensorkit
            and text.startswith(NON_LEAF_GRAD_WARNING + " (Triggered internally at")
        )
        for text in texts
    ), texts
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert x.grad is None  # a leaf: no warning
        assert (t.ones(2) * 2).grad is None  # doesn't require grad: no warning
        y.retain_grad()
        assert y.grad is None


def test_autograd_grad_allow_unused_materialize_and_create_graph(t):
    x, y = t.ones(2, requires_grad=True), t.ones(2, requires_grad=True)
    out = (x * 2).sum()
    gx, gy = t.autograd.grad(out, (x, y), allow_unused=True, retain_graph=True)
    assert vals(gx) == [2.0, 2.0] and gy is None
    gx, gy = t.autograd.grad(out, (x, y), materialize_grads=True)
    assert vals(gy) == [0.0, 0.0]
    assert x.grad is None and y.grad is None  # grad() leaves .grad alone

    z = t.tensor(3.0, requires_grad=True)
    (first_derivative,) = t.autograd.grad(z**3, z, create_graph=True)
    assert isinstance(first_derivative, t.Tensor)
    assert repr(first_derivative) == "tensor(27., grad_fn=<MulBackward0>)"
    (second_derivative,) = t.autograd.grad(first_derivative, z)
    assert second_derivative.item() == 18.0

    with raises(t, RuntimeError, "grad can be implicitly created only for scalar outputs"):
        t.autograd.grad(x * 2, x)
    (g,) = t.autograd.grad(x * 2, x, grad_outputs=t.ones(2))
    assert vals(g) == [2.0, 2.0]


# ============================================================================ grad modes


def test_no_grad_enable_grad_set_grad_enabled(t):
    x = t.ones(2, requires_grad=True)
    with t.no_grad():
        y = x * 2
        assert not t.is_grad_enabled()
        with t.enable_grad():
            assert t.is_grad_enabled()
            w = x * 2
        made = t.ones(2, requires_grad=True)
    assert not y.requires_grad and y.is_leaf and y.grad_fn is None
    assert w.requires_grad and w.grad_fn is not None
    assert made.requires_grad and made.is_leaf

    @t.no_grad()
    def with_parens():
        return t.is_grad_enabled()

    @t.no_grad
    def without_parens():
        return t.is_grad_enabled()

    assert with_parens() is False and without_parens() is False and t.is_grad_enabled()

    with t.set_grad_enabled(False):
        assert not t.is_grad_enabled()
    assert t.is_grad_enabled()
    t.set_grad_enabled(False)
    try:
        assert not t.is_grad_enabled()
        assert not (x * 2).requires_grad
    finally:
        t.set_grad_enabled(True)
    assert t.is_grad_enabled()


def test_inference_mode(t):
    x = t.ones(2, requires_grad=True)
    with t.inference_mode():
        y = x * 2
        assert not t.is_grad_enabled()
    assert y.is_inference() and not y.requires_grad and y.is_leaf
    assert not x.is_inference()
    assert t.is_grad_enabled()


def test_grad_mode_is_thread_local(t):
    x = t.ones(2, requires_grad=True)
    seen = {}

    def worker():
        seen["enabled"] = t.is_grad_enabled()
        seen["records"] = (x * 2).requires_grad
        with t.no_grad():
            seen["inner"] = t.is_grad_enabled()
            event.set()
            release.wait(5)

    event, release = threading.Event(), threading.Event()
    with t.no_grad():
        thread = threading.Thread(target=worker)
        thread.start()
        assert event.wait(5)
        assert not t.is_grad_enabled()
    # the worker is still inside its own no_grad block: this thread records
    assert t.is_grad_enabled() and (x * 2).requires_grad
    release.set()
    thread.join(5)
    assert seen == {"enabled": True, "records": True, "inner": False}


# ============================================================================ custom Function


def test_custom_function_with_save_for_backward(t):
    class Cube(t.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x**2

    x = t.tensor([1.0, 2.0], requires_grad=True)
    y = Cube.apply(x)
    assert type(y.grad_fn).__name__ == "CubeBackward"
    assert y.grad_fn.next_functions[0][0].variable is x
    y.sum().backward()
    assert vals(x.grad) == [3.0, 12.0]
    with raises(t, RuntimeError, BACKWARD_TWICE):
        y.grad_fn.saved_tensors


def test_custom_function_with_mark_dirty(t):
    class AddOneInPlace(t.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad

    a = t.ones(3, requires_grad=True)
    b = a.clone()
    c = AddOneInPlace.apply(b)
    assert c is b
    assert b._version == 2  # the add_ inside forward, then one more for mark_dirty
    assert type(b.grad_fn).__name__ == "AddOneInPlaceBackward"
    assert type(first(b.grad_fn)).__name__ == "CloneBackward0"
    (c * c).sum().backward()
    assert vals(a.grad) == [4.0, 4.0, 4.0]


# ============================================================================ clone, detach, copies


def test_clone(t):
    x = t.ones(5, requires_grad=True)
    with t.no_grad():
        x.add_(0)
    assert x._version == 1
    y = x.clone()
    assert y.data_ptr() != x.data_ptr() and vals(y) == vals(x)
    assert y.requires_grad and not y.is_leaf
    assert type(y.grad_fn).__name__ == "CloneBackward0"
    assert names(y.grad_fn) == [("AccumulateGrad", 0)]
    assert y._version == 0
    assert repr(y) == "tensor([1., 1., 1., 1., 1.], grad_fn=<CloneBackward0>)"
    y.add_(1)  # allowed on a non-leaf
    assert type(y.grad_fn).__name__ == "AddBackward0"
    assert type(first(y.grad_fn)).__name__ == "CloneBackward0"
    assert x._version == 1
    (y * 2).sum().backward()
    assert vals(x.grad) == [2.0] * 5
    x_grad = x.grad
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading a non-leaf's .grad warns
        assert x.clone().grad is None and x_grad is x.grad  # .grad is never copied
    plain = t.ones(2).clone()
    assert plain.grad_fn is None and plain.is_leaf


def test_clone_of_a_view_is_not_a_view(t):
    x = t.arange(5.0, requires_grad=True)
    v = x[1:]
    c = v.clone()
    assert not c._is_view() and c._base is None and c.storage_offset() == 0
    assert type(c.grad_fn).__name__ == "CloneBackward0"
    assert type(first(c.grad_fn)).__name__ == "SliceBackward0"
    with t.no_grad():
        c.add_(1)
    assert vals(x) == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_clone_memory_formats(t):
    transposed = t.arange(6.0).reshape(2, 3).t()
    assert transposed.clone().stride() == (1, 3) and not transposed.clone().is_contiguous()
    assert transposed.clone(memory_format=t.contiguous_format).stride() == (2, 1)
    assert transposed.clone(memory_format=t.preserve_format).stride() == (1, 3)
    assert t.arange(4.0).reshape(4, 1).expand(4, 3).clone().stride() == (3, 1)
    # size-1 dims keep the strides of a non-overlapping dense input
    assert t.arange(3.0)[0:1:2].clone().stride() == (2,)
    # an expanded transposed input keeps its transposed order (stride-0 dims make the rest ambiguous)
    assert t.arange(4.0).reshape(2, 2).t().expand(2, 2, 2).clone().stride() == (4, 1, 2)


def test_expand_strides(t):
    x = t.arange(3.0)
    assert x.expand(2, 3).stride() == (0, 1)
    assert x.expand(1, 3).stride() == (3, 1)  # a new size-1 dim is not given stride 0
    assert t.zeros(3, 1).expand(3, 4).stride() == (1, 0)


def test_advanced_indexing_result_is_contiguous(t):
    x = t.arange(6.0).reshape(2, 3)
    y = x[:, [2, 0]]
    assert y.is_contiguous() and y.stride() == (2, 1)
    assert vals(y) == [[2.0, 0.0], [5.0, 3.0]]


def test_detach(t):
    x = t.ones(5, requires_grad=True)
    d = x.detach()
    assert d is not x and d.data_ptr() == x.data_ptr()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    assert not d._is_view() and d._base is None
    d.zero_()
    assert x._version == d._version == 1
    assert repr(x) == "tensor([0., 0., 0., 0., 0.], requires_grad=True)"
    with t.no_grad():
        x.add_(1)
    assert d._version == 2 and vals(d) == [1.0] * 5
    dd = d.detach()
    assert dd is not d and dd.data_ptr() == x.data_ptr()
    v = x[2:]
    dv = v.detach()
    assert dv.data_ptr() == v.data_ptr() and not dv._is_view()
    dv.add_(1)
    assert x._version == v._version == 3
    fresh = x.detach().requires_grad_()
    assert fresh.is_leaf and fresh.requires_grad and fresh.data_ptr() == x.data_ptr()
    (fresh * 2).sum().backward()
    assert x.grad is None


def test_detach_inplace(t):
    x = t.ones(2, requires_grad=True)
    y = x * 2
    assert y.detach_() is y
    assert y.is_leaf and not y.requires_grad and y.grad_fn is None


def test_inplace_through_detach_without_saved_tensor_is_harmless(t):
    x = t.ones(5, requires_grad=True)
    y = x + 2  # saves nothing
    x.detach().zero_()
    y.sum().backward()
    assert vals(x.grad) == [1.0] * 5


@pytest.mark.parametrize("order", ["detach-clone", "clone-detach"])
def test_detach_clone_and_clone_detach_agree(t, order):
    x = t.ones(3, requires_grad=True)
    source = x * 2  # a non-leaf source too
    for s in (x, source):
        c = s.detach().clone() if order == "detach-clone" else s.clone().detach()
        assert vals(c) == vals(s) and c.data_ptr() != s.data_ptr()
        assert not c.requires_grad and c.is_leaf and c.grad_fn is None and c._version == 0
        c.add_(1)
        assert s._version == 0
        c.requires_grad_(True)
        assert c.is_leaf and c.requires_grad


def test_deepcopy_of_leaf(t):
    x = t.ones(5, requires_grad=True)
    with t.no_grad():
        x.add_(0)
        x.add_(0)
    c = copy.deepcopy(x)
    assert c.data_ptr() != x.data_ptr() and repr(c) == repr(x)
    assert c.requires_grad and c.is_leaf and c.grad is None
    assert c._version == 1
    assert copy.deepcopy(t.ones(2))._version == 1
    x.grad = t.full((5,), 3.0)
    c = copy.deepcopy(x)
    assert vals(c.grad) == [3.0] * 5 and c.grad.data_ptr() != x.grad.data_ptr()
    c.grad.add_(1)
    assert vals(x.grad) == [3.0] * 5
    x.tag = {"name": "weights"}
    c = copy.deepcopy(x)
    assert c.tag == {"name": "weights"} and c.tag is not x.tag
    ints = copy.deepcopy(t.tensor([1, 2]))
    assert vals(ints) == [1, 2] and ints.dtype == t.int64


def test_deepcopy_keeps_shared_storage_shared_with_separate_versions(t):
    base = t.arange(5.0)
    for order in (("a", "b"), ("b", "a")):
        tensors = {"a": base, "b": base[1:]}
        c = copy.deepcopy({key: tensors[key] for key in order})
        assert c["a"].data_ptr() != base.data_ptr()
        assert c["a"].untyped_storage().data_ptr() == c["b"].untyped_storage().data_ptr()
        assert c["b"].storage_offset() == 1
        assert not c["b"]._is_view() and c["b"]._base is None
        c["b"][0] = 100.0
        assert vals(c["a"]) == [0.0, 100.0, 2.0, 3.0, 4.0]
        assert c["a"]._version == 1 and c["b"]._version == 2
    assert vals(base) == [0.0, 1.0, 2.0, 3.0, 4.0]
    x = t.ones(2, requires_grad=True)
    pair = copy.deepcopy([x, x.detach()])
    assert pair[0].data_ptr() == pair[1].data_ptr()
    assert pair[0].requires_grad and not pair[1].requires_grad
    twice = copy.deepcopy([x, x])
    assert twice[0] is twice[1]


def test_deepcopy_of_a_lone_view_copies_the_whole_storage(t):
    v = t.arange(10.0)[2:4]
    c = copy.deepcopy(v)
    assert c.storage_offset() == 2
    assert c.untyped_storage().nbytes() == 40
    assert not c._is_view() and vals(c) == [2.0, 3.0]


def test_shallow_copy(t):
    x = t.ones(3, requires_grad=True)
    (x * 2).sum().backward()
    c = copy.copy(x)
    assert c is not x and c.data_ptr() == x.data_ptr()
    assert c._version == 1 and x._version == 0
    assert c.requires_grad and c.grad is None
    y = x * 2
    cy = copy.copy(y)
    assert cy.is_leaf and cy.requires_grad and cy.grad_fn is None and cy.data_ptr() == y.data_ptr()


def test_data_has_its_own_version_counter_and_gives_silently_wrong_gradients(t):
    x = t.ones(3, requires_grad=True)
    d1, d2 = x.data, x.data
    assert d1 is not d2 and d1.data_ptr() == x.data_ptr()
    assert not d1.requires_grad and d1.is_leaf and d1._version == 0
    x.data.add_(1)
    assert x._version == 0
    x.detach().add_(1)
    assert x._version == 1
    x = t.ones(3, requires_grad=True)
    y = x**2
    x.data.mul_(3)
    y.sum().backward()  # no version error: the saved x now holds 3s
    assert vals(x.grad) == [6.0, 6.0, 6.0]


def test_data_assignment_replaces_storage_and_shape(t):
    x = t.ones(3, requires_grad=True)
    x.data = t.zeros(2)
    assert tuple(x.shape) == (2,) and vals(x) == [0.0, 0.0]
    assert x.requires_grad and x.is_leaf and x._version == 0


# ============================================================================ in-place ops and graphs

INPLACE_NODE_NAMES = {
    "add_": (lambda t, y: y.add_(1), "AddBackward0"),
    "iadd": (lambda t, y: y.__iadd__(1), "AddBackward0"),
    "sub_": (lambda t, y: y.sub_(1), "SubBackward0"),
    "mul_": (lambda t, y: y.mul_(2), "MulBackward0"),
    "div_": (lambda t, y: y.div_(2), "DivBackward0"),
    "zero_": (lambda t, y: y.zero_(), "ZeroBackward0"),
    "fill_": (lambda t, y: y.fill_(2), "FillBackward2"),
    "copy_": (lambda t, y: y.copy_(t.zeros(3)), "CopyBackwards"),
    "clamp_": (lambda t, y: y.clamp_(0, 1), "ClampBackward1"),
    "pow_": (lambda t, y: y.pow_(2), "PowBackward0"),
    "exp_": (lambda t, y: y.exp_(), "ExpBackward0"),
    "neg_": (lambda t, y: y.neg_(), "NegBackward0"),
    "relu_": (lambda t, y: y.relu_(), "ReluBackward0"),
    "sigmoid_": (lambda t, y: y.sigmoid_(), "SigmoidBackward0"),
    "unsqueeze_": (lambda t, y: y.unsqueeze_(0), "UnsqueezeBackward1"),
}


@pytest.mark.parametrize("op", sorted(INPLACE_NODE_NAMES))
def test_inplace_on_non_leaf_rebases_its_history(t, op):
    function, expected = INPLACE_NODE_NAMES[op]
    x = t.ones(3, requires_grad=True)
    y = x.clone()
    result = function(t, y)
    assert result is y
    assert type(y.grad_fn).__name__ == expected
    assert type(first(y.grad_fn)).__name__ == "CloneBackward0"
    assert y._version == 1  # in-place view ops like unsqueeze_ bump it too


def test_setitem_on_non_leaf_gives_copyslices_and_zeroes_the_gradient(t):
    x = t.ones(3, requires_grad=True)
    y = x * 2
    y[0] = 5
    assert type(y.grad_fn).__name__ == "CopySlices"
    assert type(first(y.grad_fn)).__name__ == "MulBackward0"
    y.sum().backward()
    assert vals(x.grad) == [0.0, 2.0, 2.0]


def test_inplace_on_non_leaf_under_no_grad_keeps_grad_fn(t):
    x = t.ones(3, requires_grad=True)
    y = x * 2
    fn = y.grad_fn
    with t.no_grad():
        y.add_(1)
    assert y.grad_fn is fn and y._version == 1
    y.sum().backward()
    assert vals(x.grad) == [2.0, 2.0, 2.0]


def test_requires_grad_spreads_into_the_target(t):
    x = t.ones(2, requires_grad=True)
    a = t.zeros(2)
    assert a.add_(x) is a
    assert a.requires_grad and not a.is_leaf
    assert type(a.grad_fn).__name__ == "AddBackward0"
    assert names(a.grad_fn) == [(None, 0), ("AccumulateGrad", 0)]
    b = t.zeros(2)
    b[1] = x[0]
    assert type(b.grad_fn).__name__ == "CopySlices"


def test_inplace_returns_self_and_out_argument(t):
    a = t.ones(2)
    identity = id(a)
    a += 1
    a *= 3
    assert id(a) == identity and vals(a) == [6.0, 6.0] and a._version == 2
    c = t.zeros(2)
    result = t.add(t.ones(2), t.ones(2), out=c)
    assert result is c and vals(c) == [2.0, 2.0] and c._version == 1


def test_inplace_on_view_of_non_leaf(t):
    x = t.ones(5, requires_grad=True)
    y = x * 1
    old = y.grad_fn
    v = y[1:]
    v.mul_(2)
    assert type(y.grad_fn).__name__ == "CopySlices"
    assert first(y.grad_fn) is old
    assert type(v.grad_fn).__name__ == "AsStridedBackward0"
    assert type(first(v.grad_fn)).__name__ == "CopySlices"
    assert y._version == v._version == 1
    y.sum().backward()
    assert vals(x.grad) == [1.0, 2.0, 2.0, 2.0, 2.0]


def test_inplace_on_base_regenerates_the_view_grad_fn(t):
    x = t.ones(4, requires_grad=True)
    y = x * 1
    v = y[2:]
    y.mul_(3)
    assert type(y.grad_fn).__name__ == "MulBackward0"
    assert type(v.grad_fn).__name__ == "AsStridedBackward0"
    assert type(first(v.grad_fn)).__name__ == "MulBackward0"
    (v * v).sum().backward()
    assert vals(x.grad) == [0.0, 0.0, 18.0, 18.0]


def test_requires_grad_on_view_of_plain_tensor(t):
    base = t.zeros(4)
    v = base[1:]
    v.requires_grad_()
    assert v.is_leaf and v.requires_grad and v._is_view()


def test_reshape_and_contiguous_graphs(t):
    x = t.ones(2, 3, requires_grad=True)
    r = x.reshape(2, 3)
    assert r is not x and r._is_view() and type(r.grad_fn).__name__ == "ViewBackward0"
    copied = x.t().reshape(6)
    assert not copied._is_view()
    assert [
        type(n).__name__
        for n in (copied.grad_fn, first(copied.grad_fn), first(first(copied.grad_fn)))
    ] == ["UnsafeViewBackward0", "CloneBackward0", "TBackward0"]
    assert x.contiguous() is x
    made = x.t().contiguous()
    assert made.is_contiguous() and type(made.grad_fn).__name__ == "CloneBackward0"
    assert x.to(t.float32) is x and x.float() is x and x.cpu() is x
    assert type(x.double().grad_fn).__name__ == "ToCopyBackward0"


VIEW_NAMES = {
    "slice": (lambda x: x[1:], "SliceBackward0"),
    "narrow": (lambda x: x.narrow(0, 0, 1), "SliceBackward0"),
    "select": (lambda x: x[0], "SelectBackward0"),
    "select-ellipsis": (lambda x: x[..., 0], "SelectBackward0"),
    "view": (lambda x: x.view(6), "ViewBackward0"),
    "flatten": (lambda x: x.flatten(), "ViewBackward0"),
    "transpose": (lambda x: x.transpose(0, 1), "TransposeBackward0"),
    "mT": (lambda x: x.mT, "TransposeBackward0"),
    "t": (lambda x: x.t(), "TBackward0"),
    "T": (lambda x: x.T, "PermuteBackward0"),
    "permute": (lambda x: x.permute(1, 0), "PermuteBackward0"),
    "movedim": (lambda x: x.movedim(0, 1), "PermuteBackward0"),
    "expand": (lambda x: x[:1].expand(4, 3), "ExpandBackward0"),
    "unsqueeze": (lambda x: x.unsqueeze(0), "UnsqueezeBackward0"),
    "index-none": (lambda x: x[None], "UnsqueezeBackward0"),
    "squeeze": (lambda x: x[:1].squeeze(), "SqueezeBackward0"),
    "squeeze-dim": (lambda x: x[:1].squeeze(0), "SqueezeBackward1"),
    "diagonal": (lambda x: x.diagonal(), "DiagonalBackward0"),
    "unfold": (lambda x: x.unfold(1, 2, 1), "UnfoldBackward0"),
    "split": (lambda x: x.split(1)[0], "SplitBackward0"),
    "unbind": (lambda x: x.unbind()[0], "UnbindBackward0"),
    "advanced-index": (lambda x: x[[0, 1]], "IndexBackward0"),
}


@pytest.mark.parametrize("view", sorted(VIEW_NAMES))
def test_view_node_names(t, view):
    function, expected = VIEW_NAMES[view]
    x = t.ones(2, 3, requires_grad=True)
    out = function(x)
    assert type(out.grad_fn).__name__ == expected
    assert out._is_view() == (view != "advanced-index")
    if out._is_view():
        assert out._base is x
        assert out.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
        assert not out.is_leaf


def test_view_of_view_points_at_the_root_base(t):
    x = t.arange(12.0).reshape(3, 4)  # itself a view of the arange
    v = x[1:][:, ::2]
    assert x._is_view() and v._base is x._base
    y = t.arange(12.0)
    w = y.view(3, 4)[1:, ::2]
    assert w._base is y
    assert w.stride() == (4, 2) and w.storage_offset() == 4
    assert w.data_ptr() == y.data_ptr() + 4 * w.element_size()


# ============================================================================ graph structure and saved values


def test_next_functions_and_chain_names(t):
    x, w = t.ones(2, requires_grad=True), t.ones(2, requires_grad=True)
    c = t.ones(2)
    assert names((x * w).grad_fn) == [("AccumulateGrad", 0), ("AccumulateGrad", 0)]
    assert names((x * 2).grad_fn) == [("AccumulateGrad", 0), (None, 0)]
    assert names((c * x).grad_fn) == [(None, 0), ("AccumulateGrad", 0)]
    accumulate = (x * w).grad_fn.next_functions[0][0]
    assert accumulate.variable is x and accumulate.next_functions == ()
    assert accumulate.name() == msg(t, "torch::autograd::AccumulateGrad")
    chain = []
    fn = ((x * 2 + 1) ** 2).sum().grad_fn
    while fn is not None:
        chain.append(type(fn).__name__)
        fn = fn.next_functions[0][0] if fn.next_functions else None
    assert chain == [
        "SumBackward0",
        "PowBackward0",
        "AddBackward0",
        "MulBackward0",
        "AccumulateGrad",
    ]


OP_NAMES = {
    "1-x": (lambda t, x: 1 - x, "RsubBackward1"),
    "2/x": (lambda t, x: 2 / x, "MulBackward0"),
    "x**x": (lambda t, x: x**x, "PowBackward1"),
    "2**x": (lambda t, x: 2**x, "PowBackward2"),
    "sum(0)": (lambda t, x: x.sum(0), "SumBackward1"),
    "mean(0)": (lambda t, x: x.mean(0), "MeanBackward1"),
    "max()": (lambda t, x: x.max(), "MaxBackward1"),
    "max(0)": (lambda t, x: x.max(0).values, "MaxBackward0"),
    "2d@1d": (lambda t, x: x @ x[0], "MvBackward0"),
    "1d@1d": (lambda t, x: x[0] @ x[1], "DotBackward0"),
    "cat": (lambda t, x: t.cat([x, x]), "CatBackward0"),
    "stack": (lambda t, x: t.stack([x, x]), "StackBackward0"),
    "clamp": (lambda t, x: x.clamp(0, 1), "ClampBackward1"),
    "norm": (lambda t, x: x.norm(), "LinalgVectorNormBackward0"),
    "softmax": (lambda t, x: x.softmax(0), "SoftmaxBackward0"),
    "repeat": (lambda t, x: x.repeat(2, 1), "RepeatBackward0"),
    "prod(0)": (lambda t, x: x.prod(0), "ProdBackward1"),
    "prod()": (lambda t, x: x.prod(), "ProdBackward0"),
    "squeeze(tuple)": (lambda t, x: x.unsqueeze(0).squeeze((0,)), "SqueezeBackward2"),
    "split(list)": (lambda t, x: x.split([1, 1])[0], "SplitWithSizesBackward0"),
}


@pytest.mark.parametrize("op", sorted(OP_NAMES))
def test_op_node_names(t, op):
    function, expected = OP_NAMES[op]
    x = t.ones(2, 2, requires_grad=True)
    assert type(function(t, x).grad_fn).__name__ == expected


def test_node_name_method(t):
    """``name()`` is the class name, except for the engine's own nodes, named torch::autograd::...
    (tensorkit::autograd::... in tensorkit)."""
    x = t.ones(3, requires_grad=True)
    y = x * 1
    y[0] = 2.0
    assert y.grad_fn.name() == msg(t, "torch::autograd::CopySlices")
    assert x.clone().copy_(x).grad_fn.name() == msg(t, "torch::autograd::CopyBackwards")
    assert (x // 2).grad_fn.name() == msg(t, "torch::autograd::NotImplemented")
    assert (x * 2).grad_fn.name() == "MulBackward0"


def test_saved_attributes(t):
    x = t.ones(2, 3, requires_grad=True)
    w = t.ones(2, 3, requires_grad=True)
    p = (x**2).grad_fn
    assert p._saved_self is x and p._saved_exponent == 2 and type(p._saved_exponent) is int
    y = x.exp()
    saved = y.grad_fn._saved_result
    assert vals(saved) == vals(y) and saved.data_ptr() == y.data_ptr() and saved is not y
    assert saved.requires_grad and type(saved.grad_fn).__name__ == "ExpBackward0"
    m = (x * w).grad_fn
    assert m._saved_self is x and m._saved_other is w
    s = (x * 2).grad_fn
    assert s._saved_self is None
    assert (
        s._saved_other.dtype == t.int64 and s._saved_other.dim() == 0 and s._saved_other.item() == 2
    )
    const = t.full((2, 3), 4.0)
    k = (x * const).grad_fn
    assert k._saved_self is None and k._saved_other is const
    assert tuple(x.sum().grad_fn._saved_self_sym_sizes) == (2, 3)
    assert tuple(x.view(6).grad_fn._saved_self_sym_sizes) == (2, 3)
    sl = x[1:].grad_fn
    assert (sl._saved_start, sl._saved_dim, sl._saved_step) == (1, 0, 1)


# ============================================================================ NumPy bridge


def test_numpy_shares_memory_without_version_bumps(t):
    x = t.ones(2, 3)
    a = x.numpy()
    assert isinstance(a, np.ndarray) and a.dtype == np.float32
    a[0, 0] = 7.0
    assert vals(x)[0][0] == 7.0 and x._version == 0
    x.add_(1)
    assert a[0, 0] == 8.0
    v = x.t()
    assert v.numpy().strides == (4, 12)
    assert x[:, 1:].numpy().strides == (12, 4)
    y = t.ones(2, requires_grad=True)
    y.detach().numpy()[0] = 5.0
    assert vals(y) == [5.0, 1.0] and y._version == 0


def test_from_numpy_and_as_tensor_share_memory(t):
    a = np.arange(6.0).reshape(2, 3)
    x = t.from_numpy(a)
    assert x.dtype == t.float64 and x.data_ptr() == a.__array_interface__["data"][0]
    a[0, 0] = 10.0
    a += 1
    assert vals(x)[0][0] == 11.0 and x._version == 0
    x.mul_(2)
    assert a[0, 0] == 22.0 and x._version == 1
    assert t.from_numpy(a[:, ::2]).stride() == (3, 2)
    assert t.from_numpy(a.T).stride() == (1, 3)
    assert t.as_tensor(a).data_ptr() == x.data_ptr()
    copied = t.tensor(a)
    assert copied.data_ptr() != x.data_ptr() and copied.dtype == t.float64
    grad_alias = t.from_numpy(a).requires_grad_()
    assert grad_alias.data_ptr() == x.data_ptr()


# ============================================================================ more error paths and contracts

INPLACE_VIEW_OPS = {
    "unsqueeze_": lambda x: x.unsqueeze_(0),
    "squeeze_": lambda x: x.squeeze_(),
    "t_": lambda x: x.t_(),
    "transpose_": lambda x: x.transpose_(0, 1),
}


@pytest.mark.parametrize("op", sorted(INPLACE_VIEW_OPS))
def test_inplace_view_ops_on_leaf_that_requires_grad_are_refused(t, op):
    x = t.ones(2, 1, requires_grad=True)
    before = state(x)
    with raises(t, RuntimeError, LEAF_INPLACE):
        INPLACE_VIEW_OPS[op](x)
    assert state(x) == before  # the shape too
    view = x[:, :]
    with raises(t, RuntimeError, VIEW_OF_LEAF_INPLACE):
        INPLACE_VIEW_OPS[op](view)
    assert tuple(view.shape) == (2, 1)


def test_inplace_view_ops_bump_the_version_and_name_their_nodes(t):
    x = t.zeros(2, 3)
    v = x[0]
    assert x.t_() is x
    assert tuple(x.shape) == (3, 2) and x._version == v._version == 1
    v.unsqueeze_(0)
    assert tuple(v.shape) == (1, 3) and v._base is x and x._version == 2
    leaf = t.ones(2, 1, 3, requires_grad=True)
    for function, expected in (
        (lambda y: y.squeeze_(), "SqueezeBackward3"),
        (lambda y: y.squeeze_(1), "SqueezeBackward4"),
        (lambda y: y.transpose_(0, 2), "TransposeBackward1"),
        (lambda y: y.squeeze_(1).t_(), "TBackward1"),
        (lambda y: y.unsqueeze_(0), "UnsqueezeBackward1"),
    ):
        y = leaf.clone()
        function(y)
        assert type(y.grad_fn).__name__ == expected
        assert y._version >= 1


def test_set_grad_enabled_as_decorator_leaves_the_mode_alone(t):
    assert t.is_grad_enabled()

    @t.set_grad_enabled(False)
    def inside():
        return t.is_grad_enabled()

    assert t.is_grad_enabled()  # decorating must not switch recording off for everyone
    assert inside() is False
    assert t.is_grad_enabled()


def test_inference_mode_as_decorator(t):
    @t.inference_mode
    def without_parens():
        return t.ones(2) * 2

    @t.inference_mode()
    def with_parens():
        return t.ones(2) * 2

    assert without_parens().is_inference() and with_parens().is_inference()
    assert t.is_grad_enabled() and not t.is_inference_mode_enabled()


def test_inplace_on_inference_tensor_outside_inference_mode_is_refused(t):
    with t.inference_mode():
        i = t.ones(2)
        i.add_(1)  # inside: fine
    with raises(
        t,
        RuntimeError,
        "Inplace update to inference tensor outside InferenceMode is not allowed.You "
        "can make a clone to get a normal tensor before doing inplace update.See "
        "https://github.com/pytorch/rfcs/pull/17 for more details.",
    ):
        i.add_(1)
    if (
        t is tensorkit
    ):  # PyTorch writes first and raises after ([3., 3.]); DESIGN.md: nothing is half-applied
        assert vals(i) == [2.0, 2.0]
    normal = i.clone()
    normal.add_(1)
    assert not normal.is_inference() and vals(normal) == [v + 1 for v in vals(i)]


def test_view_of_a_normal_tensor_made_in_inference_mode_is_not_an_inference_tensor(t):
    x = t.ones(2)
    with t.inference_mode():
        v = x[0]
        made = t.ones(2)
    assert not v.is_inference() and made.is_inference()


def test_hooks_under_autograd_grad(t):
    x = t.ones(3, requires_grad=True)
    x.register_hook(lambda g: g * 10)
    (gx,) = t.autograd.grad((x * x).sum(), x)
    assert vals(gx) == [20.0, 20.0, 20.0]  # a leaf's hook runs for autograd.grad too
    assert x.grad is None
    w = t.ones(3, requires_grad=True)
    y = w * 2
    y.register_hook(lambda g: g * 10)
    gy, gw = t.autograd.grad((y * y).sum(), [y, w])
    assert vals(gy) == [4.0, 4.0, 4.0]  # captured before the tensor's hook
    assert vals(gw) == [80.0, 80.0, 80.0]  # but the hooked gradient flows on


def test_hook_returning_a_wrong_value_is_refused(t):
    for target in ("leaf", "non-leaf"):
        x = t.ones(3, requires_grad=True)
        hooked = x if target == "leaf" else x * 2
        hooked.register_hook(lambda g: t.ones(2))
        with raises(t, RuntimeError, "hook '<lambda>' has changed the size of value"):
            (hooked * 1).sum().backward()
        assert x.grad is None
    x = t.ones(3, requires_grad=True)
    x.register_hook(lambda g: 5)
    with raises(t, TypeError, "expected Variable, but hook returned 'int'"):
        (x * 1).sum().backward()
    assert x.grad is None
    y = t.ones(3, requires_grad=True)
    z = y * 2
    z.register_hook(lambda g: g.double())
    with raises(
        t,
        RuntimeError,
        "hook '<lambda>' has changed the type of value (was torch.FloatTensor got "
        "torch.DoubleTensor)",
    ):
        (z * 1).sum().backward()


def test_retain_grad_follows_the_tensor_through_inplace_ops(t):
    x = t.ones(4, requires_grad=True)
    y = x * 1
    y.retain_grad()
    y.mul_(2)
    (y * 1).sum().backward()
    assert vals(y.grad) == [1.0] * 4  # the gradient of y's current value
    assert vals(x.grad) == [2.0] * 4
    x.grad = None
    y = x * 1
    y.retain_grad()
    y[1:].mul_(2)
    (y * 1).sum().backward()
    assert vals(y.grad) == [1.0] * 4 and vals(x.grad) == [1.0, 2.0, 2.0, 2.0]
    x.grad = None
    y = x * 1
    v = y[1:3]
    v.retain_grad()
    y.mul_(2)
    (v * 1).sum().backward()
    assert vals(v.grad) == [1.0, 1.0] and vals(x.grad) == [0.0, 2.0, 2.0, 0.0]


def test_retained_grad_of_a_transposed_view_is_contiguous(t):
    x = t.ones(2, 3, requires_grad=True)
    y = x.t()
    y.retain_grad()
    (y * y).sum().backward()
    assert y.grad.stride() == (2, 1)


def test_backward_inputs_non_leaf_and_errors(t):
    x = t.ones(3, requires_grad=True)
    y = x * 2
    y.sum().backward(inputs=[y])
    assert vals(y.grad) == [1.0, 1.0, 1.0] and x.grad is None
    w = t.ones(3)
    with raises(t, RuntimeError, "can't retain_grad on Tensor that has requires_grad=False"):
        (x * w).sum().backward(inputs=[w])
    with raises(t, RuntimeError, "`inputs` argument to `backward()` cannot be empty."):
        (x * 2).sum().backward(inputs=[])
    with raises(t, RuntimeError, "`inputs` argument to `grad()` cannot be empty."):
        t.autograd.grad((x * 2).sum(), [])
    with raises(
        t, RuntimeError, "element 0 of tensors does not require grad and does not have a grad_fn"
    ):
        t.autograd.grad(t.ones(3).sum(), t.ones(3))


def test_assigning_a_wrong_grad_is_refused(t):
    x = t.ones(3, requires_grad=True)
    with raises(
        t,
        RuntimeError,
        "attempting to assign a gradient of size '[2]' to a tensor of size '[3]'. Please "
        "ensure that the gradient and the tensor are the same size",
    ):
        x.grad = t.ones(2)
    with raises(
        t,
        RuntimeError,
        "attempting to assign a gradient with dtype 'double' to a tensor with grad_dtype "
        "'Float'. The gradient must match the tensor's grad_dtype (defaults to the tensor's "
        "dtype). You can set the tensor's grad_dtype attribute with a specific dtype, or None "
        "to allow any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor "
        "and its gradient may break downstream systems that assume they match.",
    ):
        x.grad = t.ones(3, dtype=t.float64)
    with raises(
        t, TypeError, "assigned grad expected to be a Tensor or None but got grad of type list"
    ):
        x.grad = [1.0, 2.0, 3.0]
    assert x.grad is None


def test_data_assignment_of_integer_tensor_to_tensor_that_requires_grad(t):
    x = t.ones(3, requires_grad=True)
    with raises(
        t,
        RuntimeError,
        "data set to a tensor that requires gradients must be floating point or complex dtype",
    ):
        x.data = t.zeros(3, dtype=t.int64)
    assert x.dtype == t.float32 and vals(x) == [1.0, 1.0, 1.0]


def test_misc_error_types_and_messages_change_nothing(t):
    x = t.tensor([1, 2])
    with raises(t, RuntimeError, "Integers to negative integer powers are not allowed."):
        x.pow_(-1)
    assert vals(x) == [1, 2] and x._version == 0
    y = t.ones(5)
    with raises(t, IndexError, "index 7 is out of bounds for dimension 0 with size 5"):
        y[[0, 7]] = 0.0
    if (
        t is tensorkit
    ):  # PyTorch has already written y[0] when it raises; DESIGN.md: nothing is half-applied
        assert vals(y) == [1.0] * 5 and y._version == 0


def test_diagonal_is_a_writeable_view(t):
    x = t.arange(9.0).view(3, 3)
    d = x.diagonal()
    d.add_(1)
    assert vals(x) == [[1.0, 1.0, 2.0], [3.0, 5.0, 5.0], [6.0, 7.0, 9.0]]
    assert x._version == d._version == 1
    x.diagonal()[0] = 7.0
    assert vals(x)[0][0] == 7.0
    leaf = t.arange(9.0, requires_grad=True)
    y = leaf * 1
    y.view(3, 3).diagonal().mul_(2)
    y.sum().backward()
    assert vals(leaf.grad) == [2.0, 1.0, 1.0, 1.0, 2.0, 1.0, 1.0, 1.0, 2.0]


def test_gradient_values_at_edge_cases(t):
    def grad_of(function, values):
        x = t.tensor(values, requires_grad=True)
        function(x).sum().backward()
        return vals(x.grad)

    assert grad_of(lambda x: x.abs(), [0.0, -2.0]) == [0.0, -1.0]
    assert grad_of(lambda x: x.relu(), [0.0, 1.0]) == [0.0, 1.0]
    assert grad_of(lambda x: x.max(), [1.0, 3.0, 3.0]) == [0.0, 0.5, 0.5]
    assert grad_of(lambda x: x.amax(-1), [[1.0, 3.0, 3.0]]) == [[0.0, 0.5, 0.5]]
    assert grad_of(lambda x: x.mean(), [1.0, 2.0, 3.0, 4.0]) == [0.25] * 4
    assert grad_of(lambda x: x.clamp(0.0, 1.0), [0.0, 1.0, 2.0]) == [1.0, 1.0, 0.0]
    assert grad_of(
        lambda x: x.clamp(min=t.tensor([1.0, 1.0]), max=t.tensor([2.0, 2.0])), [1.0, 2.0]
    ) == [1.0, 1.0]
    assert grad_of(lambda x: x**x, [0.0, 1.0]) == [0.0, 1.0]
    assert grad_of(lambda x: x.std(), [2.0, 2.0]) == [0.0, 0.0]
    assert grad_of(lambda x: x.norm(), [0.0, 0.0]) == [0.0, 0.0]
    assert grad_of(lambda x: x.prod(), [0.0, 0.0, 2.0]) == [0.0, 0.0, 0.0]
    b = t.ones(3, requires_grad=True)
    ((t.ones(2, 3) + b) * 2).mean().backward()
    assert [round(v, 4) for v in vals(b.grad)] == [0.6667] * 3
    assert (
        type(t.ones(2, requires_grad=True).clamp(min=t.zeros(2)).grad_fn).__name__
        == "ClampBackward0"
    )
    assert type(t.ones(2, requires_grad=True).amax().grad_fn).__name__ == "AmaxBackward0"


# Each op on values where NumPy would warn (overflow, 0 * inf, inf - inf, nan cast to an integer).
_EXTREME_VALUE_OPS = {
    "mul overflow": lambda t, big, special: big * big,
    "add overflow": lambda t, big, special: big + big,
    "scalar add overflow": lambda t, big, special: big + 3e38,
    "inf - inf": lambda t, big, special: special - special,
    "inf * 0": lambda t, big, special: special * 0,
    "div by zero": lambda t, big, special: big / 0.0,
    "floor_divide by zero": lambda t, big, special: big // 0.0,
    "remainder by zero": lambda t, big, special: big % 0.0,
    "sum overflow": lambda t, big, special: big.sum(),
    "sum(dim) overflow": lambda t, big, special: big.view(1, 2).sum(1),
    "mean overflow": lambda t, big, special: big.mean(),
    "prod overflow": lambda t, big, special: big.prod(),
    "var overflow": lambda t, big, special: big.var(),
    "std(dim) overflow": lambda t, big, special: big.view(1, 2).std(1),
    "cumsum overflow": lambda t, big, special: big.cumsum(0),
    "matmul overflow": lambda t, big, special: big @ big,
    "mm overflow": lambda t, big, special: big.view(1, 2) @ big.view(2, 1),
    "softmax of inf": lambda t, big, special: special.softmax(0),
    "log_softmax of inf": lambda t, big, special: special.log_softmax(0),
    "exp overflow": lambda t, big, special: big.exp(),
    "sigmoid of -big": lambda t, big, special: (-big).sigmoid(),
    "log of 0": lambda t, big, special: t.zeros(2).log(),
    "sqrt of -1": lambda t, big, special: (-t.ones(2)).sqrt(),
    "nan to long": lambda t, big, special: special.log_softmax(0).long(),
    "big to half": lambda t, big, special: big.half(),
    "big to float16 with to()": lambda t, big, special: big.to(t.float16),
    "tensor() of 1e40 as float32": lambda t, big, special: t.tensor([1e40], dtype=t.float32),
    "tensor() of 1e40 as float16": lambda t, big, special: t.tensor([1e40], dtype=t.float16),
    "backward through an overflow": lambda t, big, special: (
        (big.clone().requires_grad_() * big).sum().backward()
    ),
}


@pytest.mark.parametrize("name", sorted(_EXTREME_VALUE_OPS))
def test_no_numpy_warnings_at_extreme_values(t, name):
    """PyTorch computes overflow, 0 * inf or a nan cast silently; NumPy would warn for each."""
    big = t.tensor([3e38, 3e38])
    special = t.tensor([float("inf"), 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _EXTREME_VALUE_OPS[name](t, big, special)


def test_a_none_gradient_still_counts_as_delivered(t):
    """A node that receives None from one consumer and a gradient from another still runs."""

    class DropsGradient(t.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 1

        @staticmethod
        def backward(ctx, grad):
            return None

    x = t.ones(3, requires_grad=True)
    a = x * 2  # two consumers: the Function (which returns None) and the product below
    (DropsGradient.apply(a) + a * 3).sum().backward()
    assert vals(x.grad) == [6.0, 6.0, 6.0]

    y = t.ones(2, requires_grad=True)
    DropsGradient.apply(y * 2).sum().backward()  # only None reaches the leaf: no .grad at all
    assert y.grad is None


@pytest.mark.parametrize(
    ("make", "error_type", "text"),
    [
        (lambda t: t.full((2,), 1e40), RuntimeError, "type float without"),
        (lambda t: t.full((2,), 65519.0, dtype=t.float16), RuntimeError, "type c10::Half without"),
        (lambda t: t.full((2,), 2**31, dtype=t.int32), RuntimeError, "type int without"),
        (lambda t: t.full((2,), float("nan"), dtype=t.int32), RuntimeError, "type int without"),
        (lambda t: t.full((2,), 300, dtype=t.uint8), RuntimeError, "type uint8_t without"),
        (lambda t: t.full((2,), 2**63), RuntimeError, "type int64_t without"),
        (lambda t: t.full((2,), 2**64), OverflowError, "int too big to convert"),
        (lambda t: t.full((2,), -(2**63) - 1), OverflowError, "can't convert negative int"),
        (lambda t: t.full_like(t.zeros(2), 1e40), RuntimeError, "type float without"),
        (lambda t: t.zeros(2).new_full((2,), 1e40), RuntimeError, "type float without"),
        (lambda t: t.zeros(2, dtype=t.int64).fill_(1e30), RuntimeError, "type int64_t without"),
        (lambda t: t.zeros(2).clamp(max=1e40), RuntimeError, "type float without"),
        (lambda t: t.zeros(2, dtype=t.int32).clamp(max=1e40), RuntimeError, "type float without"),
        (lambda t: t.zeros(2).clamp_(min=-1e40), RuntimeError, "type float without"),
        (lambda t: t.where(t.ones(2) > 0, t.zeros(2), 1e40), RuntimeError, "type float without"),
    ],
)
def test_a_python_number_that_does_not_fit_the_element_type_is_refused(t, make, error_type, text):
    with pytest.raises(error_type) as info:
        make(t)
    assert text in str(info.value)


def test_a_number_that_does_not_fit_leaves_the_tensor_unchanged(t):
    x = t.zeros(2)
    for write in (lambda: x.fill_(1e40), lambda: x.__setitem__(0, 1e40), lambda: x.clamp_(1e40)):
        with pytest.raises(RuntimeError, match="value cannot be converted to type float"):
            write()
    assert vals(x) == [0.0, 0.0] and x._version == 0


def test_numbers_that_fit_are_taken_as_pytorch_takes_them(t):
    assert vals(t.full((2,), -1, dtype=t.uint8)) == [255, 255]  # an unsigned type wraps
    assert vals(t.full((2,), float("inf"), dtype=t.float16)) == [float("inf")] * 2
    assert vals(t.full((2,), 1e40, dtype=t.bool)) == [True, True]
    assert vals(t.zeros(2) + 1e40) == [float("inf")] * 2  # arithmetic overflows silently
    assert vals(t.full((1,), 2**64 - 1, dtype=t.float32)) == [float(2**64)]


@pytest.mark.parametrize("method", ["add_", "sub_"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_big_scaled_inplace_update_matches_the_whole_array_expression(t, method, dtype):
    # An optimizer's p.add_(g, alpha=-lr) on a big parameter runs block by block in tensorkit:
    # the result is bit for bit the whole-array ``p op (alpha * g)`` (PyTorch fuses the multiply
    # and the add, so it may differ in the last bit), the version moves once, and an update whose
    # operands share memory (p.add_(p, ...)) comes out the same as well.
    rng = np.random.default_rng(0)
    p0 = rng.standard_normal((300, 701)).astype(dtype)  # not a multiple of any block size
    g0 = rng.standard_normal((300, 701)).astype(dtype)
    alpha = -0.0123
    scaled = (np.asarray(alpha, dtype=dtype) * g0).astype(dtype)
    expected = p0 + scaled if method == "add_" else p0 - scaled
    p, g = t.from_numpy(p0.copy()), t.from_numpy(g0.copy())
    with t.no_grad():
        out = getattr(p, method)(g, alpha=alpha)
    assert out is p and p._version == 1
    same = np.testing.assert_array_equal if t is tensorkit else _within_one_rounding
    same(p.numpy(), expected, p0, scaled)
    np.testing.assert_array_equal(g.numpy(), g0)  # the operand is read, never written
    q = t.from_numpy(p0.copy())
    getattr(q, method)(q, alpha=alpha)
    self_scaled = (np.asarray(alpha, dtype=dtype) * p0).astype(dtype)
    expected_self = p0 + self_scaled if method == "add_" else p0 - self_scaled
    same(q.numpy(), expected_self, p0, self_scaled)
    assert q._version == 1


def _within_one_rounding(actual, expected, first, second):
    # one rounding of first ± second's exact value, against NumPy's two: the error is bounded
    # by the operands' size, not the (possibly cancelled) result's
    bound = 2 * np.finfo(expected.dtype).eps * (np.abs(first) + np.abs(second))
    assert np.all(np.abs(actual - expected) <= bound)


def test_once_per_process_warnings_come_once_and_point_at_the_caller(tmp_path):
    """x.T on other than 2-d, x.T and x.mT on 0-d, float() of a tensor that requires grad:
    PyTorch warns once per process (TORCH_WARN_ONCE), at the line of the user's code."""
    import subprocess
    import sys

    script = tmp_path / "user_code.py"
    script.write_text(
        "import warnings\n"
        "import tensorkit as t\n"
        "with warnings.catch_warnings(record=True) as seen:\n"
        "    warnings.simplefilter('always')\n"
        "    t.tensor(1.0).mT\n"  # line 5
        "    t.ones(3).T\n"  # line 6
        "    t.tensor(1.0).T\n"  # line 7
        "    float(t.ones(1, requires_grad=True))\n"  # line 8
        "    t.tensor(1.0).mT, t.ones(3).T, t.tensor(1.0).T\n"
        "    float(t.ones(1, requires_grad=True))\n"
        "for w in seen:\n"
        "    print(w.filename.rsplit('/', 1)[-1], w.lineno, str(w.message).split('.')[0])\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "user_code.py 5 Tensor",
        "user_code.py 6 The use of `x",
        "user_code.py 7 Tensor",
        (
            "user_code.py 8 Converting a tensor with requires_grad=True to a scalar may lead to "
            "unexpected behavior"
        ),
    ]
