"""The backward engine's own guarantees: memory, aliasing, node names, higher-order gradients."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
from _tools import skip_missing_tool

import tensorkit
from tensorkit.autograd.graph import SavedTensor


@pytest.fixture
def no_cyclic_gc():
    """Run with the cyclic collector off: what is freed then was freed by reference counting."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def test_an_output_saved_by_its_own_node_is_freed_without_the_cycle_collector(no_cyclic_gc):
    x = tensorkit.ones(3, requires_grad=True)
    y = x.exp()  # ExpBackward0 saves its result
    alive = weakref.ref(y)
    del y
    assert alive() is None


def test_a_graph_is_freed_with_its_output_without_the_cycle_collector(no_cyclic_gc):
    x = tensorkit.ones(3, requires_grad=True)
    y = (x * 2).sigmoid().tanh()
    node = weakref.ref(y.grad_fn)
    del y
    assert node() is None


def test_a_leaf_adopts_an_unshared_gradient_and_copies_a_shared_one():
    x = tensorkit.ones(3, requires_grad=True)
    w = tensorkit.ones(3, requires_grad=True)
    (x + w).sum().backward()  # AddBackward0 hands the same array to both inputs
    x.grad.add_(1)
    assert w.grad.tolist() == [1.0, 1.0, 1.0]
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_a_gradient_a_hook_kept_is_not_aliased_by_grad():
    x = tensorkit.ones(3, requires_grad=True)
    kept = []
    x.register_hook(lambda grad: kept.append(grad))
    (x * 2).sum().backward()
    x.grad.add_(1)
    assert kept[0].tolist() == [2.0, 2.0, 2.0]
    assert x.grad.tolist() == [3.0, 3.0, 3.0]


OVERLAP = (
    "unsupported operation: some elements of the input tensor and the written-to tensor refer to a "
    "single memory location. Please clone() the tensor before performing the operation."
)


@pytest.mark.parametrize("statement", ["y[:4].add_(y[1:])", "y[:4].copy_(y[1:])", "y.mul_(y[0])"])
def test_partially_overlapping_inplace_input_is_refused_and_nothing_changes(statement):
    y = tensorkit.arange(5.0)
    with pytest.raises(RuntimeError) as error:
        exec(statement, {"y": y})
    assert str(error.value) == OVERLAP
    assert y.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert y._version == 0


@pytest.mark.parametrize(
    "statement, expected",
    [
        ("y.add_(y)", [0.0, 2.0, 4.0, 6.0, 8.0]),  # the very same window: fine
        ("y[:2].add_(y[3:])", [3.0, 5.0, 2.0, 3.0, 4.0]),  # same buffer, disjoint windows: fine
    ],
)
def test_identical_or_disjoint_inplace_inputs_are_allowed(statement, expected):
    y = tensorkit.arange(5.0)
    exec(statement, {"y": y})
    assert y.tolist() == expected
    assert y._version == 1


def test_nodes_pytorch_writes_in_cpp_have_qualified_names_and_plain_class_names():
    x = tensorkit.ones(3, requires_grad=True)
    y = x * 1
    y[0] = 2
    assert type(y.grad_fn).__name__ == "CopySlices"
    assert y.grad_fn.name() == "tensorkit::autograd::CopySlices"
    assert repr(y).endswith("grad_fn=<CopySlices>)")
    z = x * 1
    z.copy_(x)
    assert z.grad_fn.name() == "tensorkit::autograd::CopyBackwards"
    assert (
        x.grad_fn is None
        and z.grad_fn.next_functions[1][0].name() == "tensorkit::autograd::AccumulateGrad"
    )


def _setitem(m, x):
    y = x * x
    y[0] = 0.0
    y[1:, 2] = x[1:, 0] * 3
    return y**2


def _view_inplace(m, x):
    y = x * x
    v = y[1:]
    v.mul_(x[1:] ** 2)
    return (y**2).sum() + (v**3).sum()


SECOND_ORDER = {
    "elementwise": lambda m, x: (x.sin() * x.exp() / (1 + x * x)).sqrt().tanh().sigmoid(),
    "matmul": lambda m, x: x @ x.t() @ x,
    "reductions": lambda m, x: (
        x.sum(0) * x.mean(1, keepdim=True) + x.var() + x.std(1, keepdim=True)
    ),
    "softmax": lambda m, x: x.softmax(1) * x.log_softmax(0),
    "index": lambda m, x: x[[0, 2, 0]] ** 2,
    "max_dim": lambda m, x: x.max(1).values ** 2,
    "max_all": lambda m, x: x.max() * x,
    "prod": lambda m, x: x.prod(),
    "prod_dim": lambda m, x: x.prod(1),
    "norm": lambda m, x: x.norm() ** 3,
    "repeat": lambda m, x: x.repeat(2, 1) ** 2,
    "split": lambda m, x: x.split(2, 1)[0] ** 2 + x.split(2, 1)[1] ** 3,
    "unbind": lambda m, x: x.unbind(0)[1] ** 2,
    "diagonal": lambda m, x: x.diagonal() ** 2,
    "unfold": lambda m, x: x.reshape(-1).unfold(0, 3, 2) ** 2,
    "where": lambda m, x: m.where(x > 1, x**3, x),
    "views": lambda m, x: x.t().reshape(2, 6).expand(3, 2, 6).permute(2, 0, 1)[1:, None] ** 3,
    "cat_stack": lambda m, x: m.cat([x, x**2], 1) * m.stack([x, x], 0).sum(0).repeat(1, 2),
    "setitem": _setitem,
    "inplace_on_view": _view_inplace,
}


@pytest.mark.parametrize("name", sorted(SECOND_ORDER))
def test_second_order_gradients_match_pytorch(name):
    try:
        import torch
    except ImportError:
        skip_missing_tool("torch", "second-order gradients are compared with PyTorch's")
    function = SECOND_ORDER[name]

    def hessian_vector(module):
        values = np.linspace(0.5, 2.0, 12).reshape(3, 4)
        x = module.tensor(values, dtype=module.float64, requires_grad=True)
        y = function(module, x)
        (g,) = module.autograd.grad(y.sum(), x, create_graph=True)
        assert g.requires_grad
        (h,) = module.autograd.grad((g * g * g).sum(), x)
        return np.array(h.detach().numpy())

    np.testing.assert_allclose(
        hessian_vector(tensorkit), hessian_vector(torch), rtol=1e-7, atol=1e-9
    )


def test_an_input_returned_as_is_by_a_custom_function_refuses_inplace_ops():
    class Ident(tensorkit.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad

    x = tensorkit.ones(2, requires_grad=True)
    y = Ident.apply(x * 1)
    with pytest.raises(RuntimeError) as error:
        y.mul_(2)
    assert str(error.value).startswith(
        "Output 0 of Ident is a view and is being modified inplace. This view was "
        "created inside a custom Function"
    )
    assert y.tolist() == [1.0, 1.0] and y._version == 0


def test_autograd_grad_gives_every_copy_of_a_repeated_input_its_gradient():
    x = tensorkit.ones(2, requires_grad=True)
    y = x * 2
    gy, gy_again, gx = tensorkit.autograd.grad((y * y).sum(), [y, y, x])
    assert gy.tolist() == gy_again.tolist() == [4.0, 4.0]
    assert gx.tolist() == [8.0, 8.0]


def test_a_gradient_of_the_wrong_shape_from_a_custom_backward_is_refused():
    class Bad(tensorkit.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, grad):
            return grad.sum()[None].expand(3)

    x = tensorkit.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError) as error:
        Bad.apply(x).sum().backward()
    assert str(error.value) == (
        "Function BadBackward returned an invalid gradient at index 0 - got [3] but "
        "expected shape compatible with [2]"
    )
    assert x.grad is None


def test_a_big_broadcast_gradient_scaled_by_a_number_gives_the_right_writable_grad():
    # Past the size where the scaled gradient is kept broadcast (a memory-saving path).
    values = np.linspace(-1.0, 1.0, 300 * 300, dtype=np.float32).reshape(300, 300)
    x = tensorkit.tensor(values, requires_grad=True)
    ((x * 2).tanh() * 3).sum().backward()
    expected = 3 * 2 * (1 - np.tanh(2 * values) ** 2)
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-5, atol=1e-6)
    w = tensorkit.ones(300, 300, requires_grad=True)
    (w * 2).sum().backward()  # the gradient reaching the leaf is itself a broadcast
    w.grad.add_(1)  # .grad owns ordinary, writable memory
    assert w.grad.numpy().min() == w.grad.numpy().max() == 3.0
    assert w.grad.stride() == (300, 1)


# ------------------------------------------------------------------ generated recorders


def _recorded_node_parts(node):
    saved = {
        key: (None if value is None else (value.tensor, value.saved_version))
        if isinstance(value, SavedTensor)
        else value
        for key, value in node.saved.items()
        if key != "result"
    }
    return type(node), node.next_functions, node._input_meta, saved


@pytest.mark.parametrize(
    ("op_name", "inputs", "params"),
    [
        ("MUL", "xw", None),  # saves each input only for the other's gradient
        ("MUL", "wx", None),
        ("MUL", "xx", None),
        ("MUL", "x2", None),  # a number as an input
        ("SIN", "x", None),  # saves its input for its own gradient
        ("ADD", "xw", {"alpha": 1}),  # saves nothing but a param
        ("TANH", "x", None),  # saves its result
        ("CAT", "xwx", {"dim": 0, "sizes": [4, 4, 4]}),  # any number of inputs
    ],
)
def test_a_generated_recorder_builds_the_node_make_node_builds(op_name, inputs, params):
    """Each op's recorder is generated code; ``make_node`` is the same recording written as a
    loop over the table entry. Both must give the same node: edges, metadata, saved values."""
    from tensorkit import _dispatch, derivatives

    x = tensorkit.linspace(-1.0, 1.0, 4).requires_grad_()
    w = tensorkit.linspace(0.5, 1.5, 4)
    y = x * 1.0  # an input with a grad_fn
    given = {"x": y, "w": w, "2": 2.0}
    args = tuple(given[name] for name in inputs)
    op = getattr(derivatives, op_name)
    out = np.ones(4, dtype=np.float32)
    result = _dispatch.call(op, args, out, params)
    assert result.requires_grad and result._data is out
    expected = _dispatch.make_node(op, args, params)
    assert _recorded_node_parts(result.grad_fn) == _recorded_node_parts(expected)
    if op.saves_result:
        assert result.grad_fn._saved_result.equal(result)
    source = _dispatch.recorder_source(op)
    if op.arity is not None:
        assert "for " not in source  # written out per input, no loop
    compile(source, "<test>", "exec")


def test_a_generated_recorder_records_nothing_when_no_input_needs_a_gradient():
    w = tensorkit.linspace(0.5, 1.5, 4)
    assert (w * w).grad_fn is None and not (w * w).requires_grad
    x = tensorkit.ones(4, requires_grad=True)
    with tensorkit.no_grad():
        assert (x * w).grad_fn is None


def test_anomaly_mode_keeps_the_forward_traceback_down_to_the_users_line():
    """Backward's anomaly warning shows where the failing op ran: the caller's line last, with
    none of tensorkit's own frames (generated recorders included) below it."""
    x = tensorkit.ones(3, requires_grad=True)
    makers = (lambda t: t * 2.0, lambda t: t.sin(), lambda t: t.sum(0), lambda t: t[1:])
    with pytest.warns(UserWarning, match="Anomaly Detection"), tensorkit.autograd.detect_anomaly():
        results = [make(x) for make in makers]
    for result in results:
        trace = result.grad_fn.metadata["traceback_"]
        last = trace.rstrip("\n").splitlines()
        assert __file__ in last[-2], trace
        assert "lambda t:" in last[-1], trace


def test_third_order_gradient_through_advanced_indexing_with_a_slice():
    """The saved indices of an index_put hold slice(None); differentiating them again indexes
    with that slice (a regression: _index once took every index for an array)."""
    x = tensorkit.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    y = (x[:, [0, 2]] ** 3).sum()
    (g,) = tensorkit.autograd.grad(y, x, create_graph=True)
    (h,) = tensorkit.autograd.grad(g.sum(), x, create_graph=True)
    (third,) = tensorkit.autograd.grad(h.sum(), x)
    assert third.tolist() == [[6.0, 0.0, 6.0], [6.0, 0.0, 6.0]]
