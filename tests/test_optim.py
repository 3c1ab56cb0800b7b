"""tensorkit.optim: what the golden cases (tests/golden/cases/27_optim.py) cannot show well.

* Training equivalence: the MLP runs of ``_training.py`` give PyTorch's per-step losses to 1e-5
  relative, against the recording (no PyTorch needed) and live where PyTorch is installed.
* Refusals change nothing: a refused constructor, ``add_param_group``, ``load_state_dict``,
  ``step`` or in-place op leaves dicts, tensors, versions and state as they were.
* ``state_dict``/``load_state_dict`` copying (groups deep-copied, state tensors shared),
  closures, options tensorkit refuses, deep copies of an optimizer.
"""

from __future__ import annotations

import copy
import json
import warnings

import numpy as np
import pytest
from _tools import skip_missing_tool
from _training import CONFIGS, EXPECTED_PATH, describe, train

import tensorkit
from tensorkit.nn import Parameter

try:
    import torch as real_torch
except ImportError:  # the live comparison is skipped (and fails under CI=true)
    real_torch = None

LOSS_RTOL = 1e-5


def _param(values):
    return Parameter(tensorkit.tensor(values))


def _snapshot(tensors):
    return [(t.detach().clone().numpy(), t._version) for t in tensors]


def _assert_unchanged(tensors, snapshot):
    for tensor, (values, version) in zip(tensors, snapshot):
        np.testing.assert_array_equal(tensor.detach().numpy(), values)
        assert tensor._version == version


# ---------------------------------------------------------------------------- training equivalence


@pytest.fixture(scope="module")
def recorded():
    return json.loads(EXPECTED_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", list(CONFIGS))
def test_training_matches_recorded_pytorch_losses(name, recorded):
    """Each step's loss equals PyTorch's (recorded by scripts/record_training.py) to 1e-5."""
    entry = recorded["configs"][name]
    assert {key: entry[key] for key in describe(name)} == describe(name), (
        "the recording is stale: run scripts/record_training.py"
    )
    run = train(tensorkit, name)
    np.testing.assert_allclose(run["losses"], entry["losses"], rtol=LOSS_RTOL, atol=0)
    for got, want in zip(run["params"], entry["params"]):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    assert run["losses"][-1] < 0.2 * run["losses"][0]  # it did train


@pytest.mark.parametrize("name", list(CONFIGS))
def test_training_matches_pytorch_live(name):
    if real_torch is None:
        skip_missing_tool("torch", "the live training comparison runs PyTorch as the reference")
    ours, theirs = train(tensorkit, name), train(real_torch, name)
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=LOSS_RTOL, atol=0)


def test_recording_covers_every_configuration(recorded):
    assert sorted(recorded["configs"]) == sorted(CONFIGS)


# ---------------------------------------------------------------------------- refused construction


@pytest.mark.parametrize(
    "make_second_group, error",
    [
        (lambda a, b: {"params": [a]}, ValueError),  # a is in the first group already
        (lambda a, b: {"params": [b, "w"]}, TypeError),
        (lambda a, b: {"params": [b * 2]}, ValueError),  # a non-leaf
        (lambda a, b: {"params": [("b", b)]}, ValueError),  # names in one group only
        (lambda a, b: {"params": {b}}, TypeError),
        (lambda a, b: {"params": [b], "foreach": True}, NotImplementedError),
        (lambda a, b: b, TypeError),
    ],
)
def test_refused_constructor_leaves_the_groups_passed_in_unchanged(make_second_group, error):
    a, b = _param([1.0, 2.0]), _param([3.0])
    first = {"params": [a], "lr": 0.5}
    second = make_second_group(a, b)
    before = (dict(first), dict(second) if isinstance(second, dict) else None)
    with pytest.raises(error):
        tensorkit.optim.SGD([first, second], lr=0.1, momentum=0.9)
    assert first == before[0]  # PyTorch would have filled in the defaults of this one
    if isinstance(second, dict):
        assert second == before[1]
    assert a._version == 0 and b._version == 0


def test_refused_constructor_still_warns_about_duplicates_before_refusing():
    a, b = _param([1.0]), _param([2.0])
    first = {"params": [a, a]}
    with pytest.warns(UserWarning, match="duplicate parameters"):
        with pytest.raises(ValueError, match="more than one parameter group"):
            tensorkit.optim.Adam([first, {"params": [a, b]}])
    assert first == {"params": [a, a]}


def test_refused_add_param_group_changes_nothing():
    a, b = _param([1.0]), _param([2.0])
    opt = tensorkit.optim.SGD([a], lr=0.1)
    groups_before = [dict(group) for group in opt.param_groups]
    for group in ({"params": [b, a]}, {"params": [b], "fused": True}, {"params": [b, None]}):
        original = dict(group)
        with pytest.raises((ValueError, TypeError, NotImplementedError)):
            opt.add_param_group(group)
        assert group == original
        assert [dict(g) for g in opt.param_groups] == groups_before
    opt.add_param_group({"params": [b]})  # the refusals left no trace: b can still be added
    assert len(opt.param_groups) == 2


@pytest.mark.parametrize(
    "cls, option",
    [
        (tensorkit.optim.SGD, {"foreach": True}),
        (tensorkit.optim.SGD, {"fused": True}),
        (tensorkit.optim.SGD, {"differentiable": True}),
        (tensorkit.optim.Adam, {"foreach": True}),
        (tensorkit.optim.Adam, {"fused": True}),
        (tensorkit.optim.Adam, {"capturable": True}),
        (tensorkit.optim.AdamW, {"differentiable": True}),
    ],
)
def test_options_tensorkit_cannot_honour_are_refused(cls, option):
    (name,) = option
    a = _param([1.0])
    group = {"params": [a]}
    with pytest.raises(NotImplementedError, match=rf"{cls.__name__} does not support {name}=True"):
        cls([group], **option)
    assert group == {"params": [a]}


@pytest.mark.parametrize("value", [None, False])
def test_foreach_and_fused_none_or_false_are_accepted_and_kept(value):
    a = _param([1.0])
    opt = tensorkit.optim.Adam([a], foreach=value, fused=value, capturable=False)
    assert opt.param_groups[0]["foreach"] is value and opt.param_groups[0]["fused"] is value
    assert f"foreach: {value}" in repr(opt)


def test_step_refuses_an_option_set_later_before_changing_anything():
    a, b = _param([1.0, 2.0]), _param([3.0])
    opt = tensorkit.optim.Adam([{"params": [a]}, {"params": [b]}], lr=0.1)
    (a.sum() + b.sum()).backward()
    opt.step()
    opt.param_groups[1]["foreach"] = True
    calls = []
    tensors = [a, b, *opt.state[a].values(), *opt.state[b].values()]
    snapshot = _snapshot(tensors)
    with pytest.raises(NotImplementedError, match="foreach=True"):
        opt.step(lambda: calls.append(1))
    assert calls == []
    _assert_unchanged(tensors, snapshot)


# ---------------------------------------------------------------------------- state_dict


def _trained_adam():
    a, b = _param([1.0, -2.0]), _param([0.5])
    opt = tensorkit.optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.01}], lr=0.1)
    for _ in range(2):
        opt.zero_grad()
        ((a * a).sum() + (b * b).sum()).backward()
        opt.step()
    return opt, a, b


def _bad_state_dicts(sd):
    missing_state = {"param_groups": sd["param_groups"]}
    one_group = {"state": sd["state"], "param_groups": sd["param_groups"][:1]}
    short_group = copy.deepcopy(sd)
    short_group["param_groups"][1]["params"] = []
    unsupported = copy.deepcopy(sd)
    unsupported["param_groups"][1]["fused"] = True
    return [
        (missing_state, KeyError),
        (one_group, ValueError),
        (short_group, ValueError),
        (unsupported, NotImplementedError),
    ]


def test_refused_load_state_dict_changes_nothing():
    opt, a, b = _trained_adam()
    other, _, _ = _trained_adam()
    good = other.state_dict()
    groups, state = opt.param_groups, opt.state
    group_contents = [dict(group) for group in groups]
    state_contents = {param: dict(entry) for param, entry in state.items()}
    tensors = [a, b, *opt.state[a].values(), *opt.state[b].values()]
    snapshot = _snapshot(tensors)
    for bad, error in _bad_state_dicts(good):
        with pytest.raises(error):
            opt.load_state_dict(bad)
        assert opt.param_groups is groups and opt.state is state
        assert [dict(group) for group in groups] == group_contents
        assert {param: dict(entry) for param, entry in state.items()} == state_contents
        _assert_unchanged(tensors, snapshot)


def test_load_state_dict_deep_copies_the_groups():
    opt, a, b = _trained_adam()
    sd = opt.state_dict()
    sd["param_groups"][0]["betas"] = [0.5, 0.6]  # a mutable value, to see the deep copy
    fresh = tensorkit.optim.Adam([{"params": [a]}, {"params": [b]}])
    fresh.load_state_dict(sd)
    sd["param_groups"][0]["betas"].append(0.7)
    sd["param_groups"][0]["lr"] = 123.0
    assert fresh.param_groups[0]["betas"] == [0.5, 0.6]
    assert fresh.param_groups[0]["lr"] == 0.1
    assert fresh.param_groups[0]["params"] == [a] and sd["param_groups"][0]["params"] == [0]


def test_load_state_dict_shares_state_tensors_as_pytorch_does():
    """PyTorch casts state tensors with ``.to()``, which returns the tensor itself when nothing
    changes: the loaded optimizer and the dict share them (deepcopy the dict for a snapshot)."""
    opt, a, b = _trained_adam()
    sd = opt.state_dict()
    fresh = tensorkit.optim.Adam([{"params": [a]}, {"params": [b]}])
    fresh.load_state_dict(sd)
    assert fresh.state[a] is not sd["state"][0]
    assert fresh.state[a]["exp_avg"] is sd["state"][0]["exp_avg"]
    snapshot = tensorkit.optim.Adam([{"params": [a]}, {"params": [b]}])
    snapshot.load_state_dict(copy.deepcopy(sd))
    assert snapshot.state[a]["exp_avg"] is not opt.state[a]["exp_avg"]
    assert tensorkit.equal(snapshot.state[a]["exp_avg"], opt.state[a]["exp_avg"])


def test_state_dict_is_live_and_deepcopy_gives_a_snapshot():
    opt, a, b = _trained_adam()
    live = opt.state_dict()
    frozen = copy.deepcopy(opt.state_dict())
    ((a * a).sum() + (b * b).sum()).backward()
    opt.step()
    assert live["state"][0]["step"].item() == 3.0
    assert frozen["state"][0]["step"].item() == 2.0
    assert not tensorkit.equal(live["state"][0]["exp_avg"], frozen["state"][0]["exp_avg"])


def test_load_state_dict_casts_state_to_the_parameter_dtype():
    a = Parameter(tensorkit.tensor([1.0, 2.0], dtype=tensorkit.float64))
    opt = tensorkit.optim.SGD([a], lr=0.1, momentum=0.9)
    buffer = tensorkit.tensor([0.5, 0.25])
    opt.load_state_dict(
        {
            "state": {0: {"momentum_buffer": buffer}},
            "param_groups": opt.state_dict()["param_groups"],
        }
    )
    loaded = opt.state[a]["momentum_buffer"]
    assert loaded.dtype is tensorkit.float64 and loaded is not buffer
    a.grad = tensorkit.zeros(2, dtype=tensorkit.float64)
    opt.step()
    assert opt.state[a]["momentum_buffer"].tolist() == [0.45, 0.225]


def test_round_trip_through_state_dict_continues_identically():
    opt, a, b = _trained_adam()
    a2, b2 = Parameter(a.detach().clone()), Parameter(b.detach().clone())
    twin = tensorkit.optim.Adam([{"params": [a2]}, {"params": [b2]}], lr=0.5)
    twin.load_state_dict(copy.deepcopy(opt.state_dict()))
    for _ in range(3):
        for optimizer, (p, q) in ((opt, (a, b)), (twin, (a2, b2))):
            optimizer.zero_grad()
            ((p * p).sum() + (q * q).sum()).backward()
            optimizer.step()
    assert tensorkit.equal(a, a2) and tensorkit.equal(b, b2)


def test_deepcopy_of_an_optimizer_is_independent():
    opt, a, b = _trained_adam()
    twin = copy.deepcopy(opt)
    (new_a,) = twin.param_groups[0]["params"]
    assert new_a is not a and tensorkit.equal(new_a, a)
    assert set(twin.state) == {new_a, twin.param_groups[1]["params"][0]}
    version = a._version
    new_a.grad = tensorkit.ones(2)
    twin.param_groups[1]["params"][0].grad = None
    twin.step()
    assert a._version == version and not tensorkit.equal(new_a, a)


# ---------------------------------------------------------------------------- closures and steps


def test_closure_runs_once_before_the_update_with_grad_on():
    w = _param([3.0])
    opt = tensorkit.optim.SGD([w], lr=0.25)
    seen = []

    def closure():
        seen.append((w.item(), tensorkit.is_grad_enabled()))
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with tensorkit.no_grad():
        loss = opt.step(closure)
    assert seen == [(3.0, True)]
    assert loss.item() == 9.0 and loss.grad_fn is not None
    assert w.item() == 1.5
    assert tensorkit.is_grad_enabled()  # the caller's mode is back after the no_grad block


def test_closure_error_propagates_and_nothing_is_updated():
    w = _param([3.0])
    opt = tensorkit.optim.Adam([w], lr=0.25)
    w.grad = tensorkit.ones(1)

    def closure():
        raise ZeroDivisionError("from the closure")

    with pytest.raises(ZeroDivisionError, match="from the closure"):
        opt.step(closure)
    assert w.item() == 3.0 and w._version == 0 and len(opt.state) == 0
    assert tensorkit.is_grad_enabled()


def test_closure_may_return_any_value():
    w = _param([1.0])
    opt = tensorkit.optim.SGD([w], lr=0.1)
    assert opt.step(lambda: "anything") == "anything"
    assert opt.step() is None
    assert w._version == 0  # no gradient: nothing moved


def test_step_keeps_the_callers_grad_mode():
    w = _param([1.0])
    w.grad = tensorkit.ones(1)
    opt = tensorkit.optim.AdamW([w], lr=0.1)
    with tensorkit.no_grad():
        opt.step()
        assert not tensorkit.is_grad_enabled()
    opt.step()
    assert tensorkit.is_grad_enabled()
    assert w.grad_fn is None and opt.state[w]["exp_avg"].grad_fn is None


def test_parameter_without_grad_gets_no_state_and_no_version_bump():
    a, b = _param([1.0]), _param([2.0])
    for cls in (tensorkit.optim.SGD, tensorkit.optim.Adam):
        opt = cls([a, b], lr=0.1)
        a.grad = tensorkit.ones(1)
        version = b._version
        opt.step()
        assert b not in opt.state and b._version == version and b.item() == 2.0


def test_exports():
    assert tensorkit.optim.__all__ == ["SGD", "Adam", "AdamW", "Optimizer"]
    assert issubclass(tensorkit.optim.AdamW, tensorkit.optim.Adam)
    assert issubclass(tensorkit.optim.SGD, tensorkit.optim.Optimizer)


# ---------------------------------------------------------------------------- the in-place ops


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.addcmul_(tensorkit.ones(2, 2), tensorkit.ones(2)),  # shape
        lambda t: t.addcdiv_(tensorkit.tensor([1, 2]), tensorkit.tensor([1, 2])),  # integers
        lambda t: t.addcmul_(tensorkit.ones(2), tensorkit.ones(2), value="a"),
        lambda t: t.lerp_(tensorkit.ones(2, dtype=tensorkit.float64), 0.5),
        lambda t: t.lerp_(tensorkit.ones(3), 0.5),
        lambda t: t.lerp_(tensorkit.ones(2), tensorkit.ones(2, dtype=tensorkit.float64)),
        lambda t: tensorkit.maximum(t, t, out=tensorkit.zeros(2, dtype=tensorkit.int64)),
    ],
)
def test_refused_inplace_op_changes_nothing(call):
    target = tensorkit.tensor([1.0, 2.0])
    with pytest.raises((RuntimeError, TypeError)):
        call(target)
    assert target.tolist() == [1.0, 2.0] and target._version == 0


def test_maximum_out_refused_for_dtype_leaves_out_unchanged():
    out = tensorkit.tensor([7, 8])
    with pytest.raises(RuntimeError, match="can't be cast"):
        tensorkit.maximum(tensorkit.ones(2), tensorkit.zeros(2), out=out)
    assert out.tolist() == [7, 8] and out._version == 0


def test_no_warning_from_addcdiv_by_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = tensorkit.addcdiv(tensorkit.ones(2), tensorkit.ones(2), tensorkit.zeros(2))
    assert result.tolist() == [float("inf"), float("inf")]


def test_step_hooks_run_around_step_in_order_and_can_replace_its_arguments(t):
    torch = t
    from importlib import import_module

    optimizer_module = import_module(f"{t.__name__}.optim.optimizer")
    w = torch.nn.Parameter(torch.tensor([1.0]))
    opt = torch.optim.SGD([w], lr=0.5)
    calls = []

    def closure():
        calls.append("closure")
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    def pre(optimizer, args, kwargs):
        calls.append(("pre", optimizer is opt, len(args), args[0] is opt, dict(kwargs)))
        return (opt,), {"closure": closure}  # step() called bare, runs with the closure

    global_pre = optimizer_module.register_optimizer_step_pre_hook(
        lambda o, a, k: calls.append("global pre")
    )
    global_post = optimizer_module.register_optimizer_step_post_hook(
        lambda o, a, k: calls.append(("global post", len(a), sorted(k)))
    )
    try:
        handle = opt.register_step_pre_hook(pre)
        opt.register_step_post_hook(lambda o, a, k: calls.append("post"))
        loss = opt.step()
    finally:
        global_pre.remove()
        global_post.remove()
    assert calls == [
        "global pre",
        ("pre", True, 1, True, {}),
        "closure",
        "post",
        ("global post", 1, ["closure"]),
    ]
    assert loss.item() == 1.0 and w.tolist() == [0.0]
    handle.remove()
    calls.clear()
    opt.step(closure)
    assert calls == ["closure", "post"]  # the pre hook is gone, the global ones too

    def bad(optimizer, args, kwargs):
        return 3

    opt.register_step_pre_hook(bad)
    with pytest.raises(
        RuntimeError, match=r"must return None or a tuple of \(new_args, new_kwargs\), but got 3\."
    ):
        opt.step(closure)


def test_state_dict_hooks_see_and_may_replace_the_dicts(t):
    torch = t
    w = torch.nn.Parameter(torch.tensor([1.0]))
    opt = torch.optim.SGD([w], lr=0.5, momentum=0.9)
    (w * w).sum().backward()
    opt.step()
    seen = []
    opt.register_state_dict_pre_hook(lambda o: seen.append("pre"))
    opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
    opt.register_state_dict_post_hook(lambda o, sd: seen.append(sorted(sd)), prepend=True)
    state = opt.state_dict()
    assert seen == ["pre", ["param_groups", "state"]] and state["extra"] == 1

    def lower_lr(o, sd):
        seen.append(("load pre", sd is not state))  # a shallow copy of the dict passed
        sd["param_groups"] = [dict(g, lr=0.01) for g in sd["param_groups"]]
        return sd

    opt.register_load_state_dict_pre_hook(lower_lr)
    opt.register_load_state_dict_post_hook(
        lambda o: seen.append(("load post", o.param_groups[0]["lr"]))
    )
    opt.load_state_dict(state)
    assert seen[2:] == [("load pre", True), ("load post", 0.01)]
    assert opt.state_dict()["extra"] == 1
    restored = copy.deepcopy(opt)  # hooks are not copied with the optimizer
    assert "extra" not in restored.state_dict()
