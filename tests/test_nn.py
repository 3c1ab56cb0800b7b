"""nn.Module's contracts that golden files can't show well: refusals that change nothing, the
snapshot lesson in a training loop, hooks' order, pickling."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import tensorkit
from tensorkit import nn


def _linear(weight, bias):
    layer = nn.Linear(len(weight[0]), len(weight))
    with tensorkit.no_grad():
        layer.weight.copy_(tensorkit.tensor(weight))
        layer.bias.copy_(tensorkit.tensor(bias))
    return layer


def _snapshot(model):
    return {name: (p.detach().numpy().copy(), p._version) for name, p in model.named_parameters()}


@pytest.mark.parametrize(
    ("state", "strict", "message"),
    [
        ({"0.weight": tensorkit.zeros(2, 2)}, True, "Missing key(s)"),
        (
            {
                "0.weight": tensorkit.zeros(2, 2),
                "0.bias": tensorkit.zeros(2),
                "1.weight": tensorkit.zeros(1, 2),
                "1.bias": tensorkit.zeros(1),
                "2.weight": tensorkit.zeros(1),
            },
            True,
            "Unexpected key(s)",
        ),
        ({"0.weight": tensorkit.zeros(2, 2), "1.weight": tensorkit.zeros(3, 3)}, False, "size"),
        ({"0.weight": tensorkit.zeros(2, 2), "1.weight": [[0.0, 0.0]]}, False, "While copying"),
    ],
)
def test_a_refused_load_state_dict_changes_no_parameter_or_version(state, strict, message):
    """PyTorch copies the keys that fit before it raises for the others; tensorkit checks every
    key first, so a refused load leaves the model as it was (the project's rule for refusals)."""
    model = nn.Sequential(
        _linear([[1.0, 2.0], [3.0, 4.0]], [0.5, -0.5]), _linear([[1.0, 1.0]], [0.0])
    )
    before = _snapshot(model)
    with pytest.raises(RuntimeError, match="Error\\(s\\) in loading state_dict") as error:
        model.load_state_dict(state, strict=strict)
    assert message in str(error.value)
    after = _snapshot(model)
    assert before.keys() == after.keys()
    for name in before:
        np.testing.assert_array_equal(before[name][0], after[name][0])
        assert before[name][1] == after[name][1], name


def test_an_accepted_load_state_dict_bumps_each_version_once():
    model = nn.Sequential(_linear([[1.0, 2.0]], [0.5]))
    versions = [p._version for p in model.parameters()]
    model.load_state_dict(
        {"0.weight": tensorkit.tensor([[3.0, 4.0]]), "0.bias": tensorkit.zeros(1)}
    )
    assert [p._version for p in model.parameters()] == [v + 1 for v in versions]
    assert model[0].weight.tolist() == [[3.0, 4.0]]


def _train(model, steps, on_step):
    x = tensorkit.tensor([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]])
    target = tensorkit.tensor([[1.0], [0.0], [2.0]])
    for step in range(steps):
        loss = ((model(x) - target) ** 2).mean()
        model.zero_grad()
        loss.backward()
        with tensorkit.no_grad():
            for p in model.parameters():
                p -= 0.1 * p.grad
        on_step(step, loss.item())


def test_the_snapshot_lesson_deepcopy_stays_fixed_a_bare_state_dict_follows():
    model = nn.Sequential(
        _linear([[0.2, -0.1], [0.4, 0.3]], [0.0, 0.1]), nn.ReLU(), _linear([[0.5, -0.5]], [0.2])
    )
    kept = {}

    def on_step(step, loss):
        if step == 3:
            kept["deepcopy"] = copy.deepcopy(model)
            kept["state_dict"] = model.state_dict()
            kept["deepcopy_of_state_dict"] = copy.deepcopy(model.state_dict())
            kept["clones"] = {k: v.clone() for k, v in model.state_dict().items()}
            kept["values"] = {k: v.numpy().copy() for k, v in model.state_dict().items()}

    _train(model, 10, on_step)
    final = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    at_step_3 = kept["values"]
    assert any(not np.array_equal(final[k], at_step_3[k]) for k in final)  # training moved on

    fixed = {
        "deepcopy": {k: v.numpy() for k, v in kept["deepcopy"].state_dict().items()},
        "deepcopy_of_state_dict": {k: v.numpy() for k, v in kept["deepcopy_of_state_dict"].items()},
        "clones": {k: v.numpy() for k, v in kept["clones"].items()},
    }
    for how, values in fixed.items():
        for key in at_step_3:
            np.testing.assert_array_equal(values[key], at_step_3[key], err_msg=how)
    # the bare state_dict is live: it is the model now
    for key, tensor in kept["state_dict"].items():
        np.testing.assert_array_equal(tensor.numpy(), final[key])
    # and the deep copy is a working model: a new instance loaded from it matches it
    restored = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
    restored.load_state_dict(kept["deepcopy"].state_dict())
    x = tensorkit.tensor([[1.0, -1.0]])
    assert restored(x).tolist() == kept["deepcopy"](x).tolist()


def test_named_parameters_lists_a_tied_weight_once_unless_asked():
    a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    b.weight = a.weight
    model = nn.Sequential(a, b)
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "1.bias"]
    names = [n for n, _ in model.named_parameters(remove_duplicate=False)]
    assert names == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_forward_hooks_run_in_order_prepend_first_and_with_kwargs():
    layer = nn.Identity()
    order = []
    layer.register_forward_hook(lambda m, a, out: order.append("second"))
    layer.register_forward_hook(lambda m, a, out: order.append("first"), prepend=True)
    layer.register_forward_hook(
        lambda m, a, kw, out: order.append(("kwargs", sorted(kw))), with_kwargs=True
    )
    layer.register_forward_pre_hook(lambda m, a, kw: ((a[0] * 2,), kw), with_kwargs=True)
    out = layer(tensorkit.ones(1))
    assert out.tolist() == [2.0]
    assert order == ["first", "second", ("kwargs", [])]


def test_always_call_forward_hooks_run_when_forward_raises(t):
    torch = t

    class Failing(torch.nn.Module):
        def forward(self, x):
            raise ValueError("forward failed")

    module = Failing()
    seen = []
    module.register_forward_hook(lambda m, a, out: seen.append(("plain", out)))
    module.register_forward_hook(lambda m, a, out: seen.append(("always", out)), always_call=True)
    module.register_forward_hook(
        lambda m, a, kw, out: seen.append(("always+kwargs", out)),
        always_call=True,
        with_kwargs=True,
    )

    def broken(m, a, out):
        raise RuntimeError("hook failed")

    module.register_forward_hook(broken, always_call=True)
    with pytest.raises(ValueError, match="forward failed"):  # the first error goes on
        with pytest.warns(
            UserWarning,
            match=(
                "module forward hook with ``always_call=True`` raised an exception that was "
                "silenced as another error was raised in forward: hook failed"
            ),
        ):
            module(torch.ones(1))
    assert seen == [("always", None), ("always+kwargs", None)]  # the plain hook did not run

    seen.clear()
    ok = torch.nn.Identity()
    ok.register_forward_hook(lambda m, a, out: seen.append("always"), always_call=True)

    def fails_after(m, a, out):
        raise KeyError("later hook")

    ok.register_forward_hook(fails_after)
    with pytest.raises(KeyError):
        ok(torch.ones(1))
    assert seen == ["always"]  # it ran once, in order, not again on the way out
    handle = ok.register_forward_hook(lambda m, a, out: seen.append("removed"), always_call=True)
    handle.remove()
    with pytest.raises(KeyError):
        ok(torch.ones(1))
    assert seen == ["always", "always"]


def test_state_dict_positional_arguments_warn_as_pytorch():
    layer = nn.Linear(1, 1)
    with pytest.warns(FutureWarning, match="Positional args are being deprecated"):
        destination = layer.state_dict(None, "pre.")
    assert list(destination) == ["pre.weight", "pre.bias"]


def test_a_model_pickles_and_unpickles_with_its_parameters():
    model = nn.Sequential(_linear([[1.0, 2.0]], [0.5]), nn.Tanh())
    restored = pickle.loads(pickle.dumps(model))
    assert isinstance(restored[0].weight, nn.Parameter)
    assert restored[0].weight.requires_grad
    assert restored[0].weight.tolist() == [[1.0, 2.0]]
    assert restored[0].weight.data_ptr() != model[0].weight.data_ptr()
    assert repr(restored) == repr(model)


def test_get_submodule_walks_dotted_names():
    model = nn.Sequential(nn.Sequential(nn.Linear(1, 1)))
    assert model.get_submodule("0.0") is model[0][0]
    assert model.get_submodule("") is model
    with pytest.raises(AttributeError, match="has no attribute `5`"):
        model.get_submodule("0.5")


def test_assigning_a_parameter_over_a_buffer_or_module_moves_it():
    m = nn.Module()
    m.register_buffer("x", tensorkit.ones(1))
    m.x = nn.Parameter(tensorkit.zeros(1))
    assert list(m._buffers) == [] and list(m._parameters) == ["x"]
    with pytest.raises(TypeError, match="cannot assign '.*ReLU' as parameter 'x'"):
        m.x = nn.ReLU()  # a parameter's slot takes a Parameter or None, as in PyTorch
    m.y = nn.ReLU()
    m.y = nn.Parameter(tensorkit.zeros(1))
    assert list(m._modules) == [] and list(m._parameters) == ["x", "y"]


def test_dropout_keeps_about_one_minus_p_and_scales_the_rest():
    tensorkit.manual_seed(0)
    x = tensorkit.ones(20000)
    y = nn.functional.dropout(x, 0.25)
    kept = (y != 0).float().mean().item()
    assert abs(kept - 0.75) < 0.02
    assert set(np.unique(y.numpy()).tolist()) == {0.0, float(np.float32(1 / 0.75))}


def test_linear_initialisation_stays_within_pytorchs_bounds():
    tensorkit.manual_seed(0)
    layer = nn.Linear(64, 32)
    bound = 1 / np.sqrt(64)
    weight, bias = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    assert np.abs(weight).max() <= bound and np.abs(bias).max() <= bound
    assert weight.std() > 0.8 * bound / np.sqrt(3)  # uniform on [-b, b] has std b / sqrt(3)
    assert layer.weight._version == 1 and layer.bias._version == 1
