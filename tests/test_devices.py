"""CUDA tensors: PyTorch's device semantics, on the strict stand-in device and on a real GPU.

Every test takes the fixture ``cuda``, which runs it twice: on the strict stand-in for CuPy
(tests/strict_device.py: arrays over NumPy that refuse to be mixed with host arrays, as CuPy's
do), and on a real NVIDIA GPU through CuPy, where one is present (skipped otherwise, saying so;
these are marked ``gpu``). The facts a machine without a GPU can show (device objects, DLPack on
the CPU) are golden cases (tests/golden/cases/30_devices.py); the messages here are PyTorch's.
"""

from __future__ import annotations

import copy
import importlib.util
import pickle
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest
import strict_device
import test_gradients

import tensorkit
from tensorkit import _backend

MIXED = (
    "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!"
)
TO_NUMPY = (
    "can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the tensor to "
    "host memory first."
)


def _real_gpu() -> bool:
    if importlib.util.find_spec("cupy") is None:
        return False
    try:
        import cupy

        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # no driver, no device: CuPy's own errors
        return False


@pytest.fixture(params=["stand-in", pytest.param("gpu", marks=pytest.mark.gpu)])
def cuda(request):
    """``device="cuda"`` served by the stand-in, or by CuPy on a real GPU."""
    if request.param == "gpu":
        if not _real_gpu():
            pytest.skip("no NVIDIA GPU with CuPy on this machine: the stand-in run covers it")
        yield "gpu"
        return
    previous = _backend.use_namespaces(cuda=strict_device.cuda_namespace())
    try:
        yield "stand-in"
    finally:
        _backend.restore_namespaces(previous)


def host(t):
    """A tensor's values as a NumPy array, from any device."""
    return t.detach().cpu().numpy()


# ---------------------------------------------------------------------------- the device


def test_cuda_module_reports_the_device(cuda):
    assert tensorkit.cuda.is_available() is True
    assert tensorkit.cuda.device_count() >= 1
    assert tensorkit.cuda.current_device() == 0
    assert isinstance(tensorkit.cuda.get_device_name(), str)
    tensorkit.cuda.synchronize()
    tensorkit.cuda.synchronize("cuda:0")


def test_factories_make_tensors_on_the_device(cuda):
    made = [
        tensorkit.zeros(2, 3, device="cuda"),
        tensorkit.ones(4, device="cuda"),
        tensorkit.full((2,), 7.0, device="cuda"),
        tensorkit.empty(3, device="cuda"),
        tensorkit.arange(5, device="cuda"),
        tensorkit.linspace(0, 1, 5, device="cuda"),
        tensorkit.eye(3, device="cuda"),
        tensorkit.tensor([1.0, 2.0], device="cuda"),
        tensorkit.tensor([[1, 2]], device=tensorkit.device("cuda", 0)),
        tensorkit.rand(3, device="cuda"),
        tensorkit.randn(3, device="cuda"),
        tensorkit.randint(0, 5, (3,), device="cuda"),
        tensorkit.randperm(4, device="cuda"),
        tensorkit.zeros_like(tensorkit.ones(2, device="cuda")),
        tensorkit.ones(2).new_zeros(3, device="cuda"),
    ]
    for t in made:
        assert t.device == tensorkit.device("cuda", 0)
        assert t.is_cuda and not t.is_cpu and t.get_device() == 0
    assert made[0].type() == "tensorkit.cuda.FloatTensor"
    np.testing.assert_array_equal(host(made[4]), np.arange(5))
    np.testing.assert_array_equal(host(made[6]), np.eye(3, dtype=np.float32))


def test_cuda_random_values_have_their_own_seeded_stream(cuda):
    tensorkit.manual_seed(11)
    first = host(tensorkit.randn(4, device="cuda"))
    tensorkit.cuda.manual_seed(11)
    again = host(tensorkit.randn(4, device="cuda"))
    np.testing.assert_array_equal(first, again)
    tensorkit.manual_seed(11)
    tensorkit.randn(4)  # the CPU's stream moves; the device's does not
    np.testing.assert_array_equal(host(tensorkit.randn(4, device="cuda")), first)


def test_repr_shows_the_device_before_the_dtype(cuda):
    assert repr(tensorkit.tensor([1.0, 2.0], device="cuda")) == (
        "tensor([1., 2.], device='cuda:0')"
    )
    assert repr(tensorkit.tensor([1, 2], device="cuda")) == "tensor([1, 2], device='cuda:0')"
    assert repr(tensorkit.ones(2, dtype=tensorkit.float64, device="cuda")) == (
        "tensor([1., 1.], device='cuda:0', dtype=tensorkit.float64)"
    )
    x = tensorkit.ones(2, device="cuda", requires_grad=True)
    assert repr(x) == "tensor([1., 1.], device='cuda:0', requires_grad=True)"
    assert repr(x * 2) == "tensor([2., 2.], device='cuda:0', grad_fn=<MulBackward0>)"


# ---------------------------------------------------------------------------- transfers


def test_transfers_copy_and_start_a_new_version_counter(cuda):
    x = tensorkit.arange(4.0)
    y = x.cuda()
    assert y.is_cuda and y.data_ptr() != x.data_ptr()
    y.add_(1)
    assert (y._version, x._version) == (1, 0)
    np.testing.assert_array_equal(host(y), [1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(x.numpy(), [0.0, 1.0, 2.0, 3.0])
    assert y.to("cuda") is y and y.cuda() is y and y.to("cuda:0") is y
    z = y.cpu()
    assert z.device == tensorkit.device("cpu") and z._version == 0
    z.add_(1)
    np.testing.assert_array_equal(host(y), [1.0, 2.0, 3.0, 4.0])
    w = x.to("cuda", tensorkit.float64, non_blocking=True)
    assert w.is_cuda and w.dtype is tensorkit.float64
    assert y.to("cuda", copy=True) is not y
    assert x.to(y).is_cuda and y.to(x).is_cpu


def test_gradients_flow_back_across_a_transfer(cuda):
    x = tensorkit.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.cuda()
    assert type(y.grad_fn).__name__ == "ToCopyBackward0" and y.is_leaf is False
    loss = (y * y).sum()
    assert loss.is_cuda
    loss.backward()
    assert x.grad.device == tensorkit.device("cpu")
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0, 6.0])
    leaf = tensorkit.ones(2, device="cuda", requires_grad=True)
    (leaf.cpu() * 3).sum().backward()
    assert leaf.grad.is_cuda
    np.testing.assert_array_equal(host(leaf.grad), [3.0, 3.0])


# ---------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "operation",
    [
        lambda c, h: c + h,
        lambda c, h: h * c,
        lambda c, h: c @ h.reshape(3, 1),
        lambda c, h: tensorkit.cat([c, h]),
        lambda c, h: tensorkit.where(c > 0, c, h),
        lambda c, h: c.add_(h),
        lambda c, h: c.sub_(h),
        lambda c, h: c / h,
        lambda c, h: c.clamp(h, h),
        lambda c, h: tensorkit.allclose(c, h),
        lambda c, h: c.__setitem__(tensorkit.tensor([0, 1]), h[:2]),
        lambda c, h: tensorkit.nn.functional.mse_loss(c, h),
        lambda c, h: tensorkit.nn.functional.binary_cross_entropy_with_logits(c, h),
        lambda c, h: tensorkit.nn.functional.cross_entropy(c.reshape(1, 3), h.long()[:1]),
        lambda c, h: tensorkit.nn.functional.embedding(h.long(), c.reshape(3, 1)),
        lambda c, h: tensorkit.nn.functional.layer_norm(c, (3,), h),
    ],
)
def test_mixing_devices_is_refused_and_changes_nothing(cuda, operation):
    c = tensorkit.ones(3, device="cuda")
    h = tensorkit.ones(3)
    with pytest.raises(RuntimeError, match=r"^Expected all tensors to be on the same device"):
        operation(c, h)
    with pytest.raises(RuntimeError) as caught:
        c + h
    assert str(caught.value) == MIXED
    assert (c._version, h._version) == (0, 0)
    np.testing.assert_array_equal(host(c), [1.0, 1.0, 1.0])


def test_a_0d_cpu_tensor_joins_an_elementwise_op_as_a_scalar(cuda):
    # PyTorch's rule: a 0-d CPU tensor may meet CUDA tensors in an elementwise op (not a 1-d one)
    x = tensorkit.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    scale = tensorkit.tensor(3.0, requires_grad=True)
    y = x * scale + tensorkit.tensor(1.0)
    assert y.is_cuda
    np.testing.assert_array_equal(host(y), [4.0, 7.0])
    y.sum().backward()
    assert scale.grad.device == tensorkit.device("cpu") and scale.grad.item() == 3.0
    np.testing.assert_array_equal(host(x.grad), [3.0, 3.0])
    z = tensorkit.ones(2, device="cuda")
    z.add_(tensorkit.tensor(2.0))
    z[tensorkit.tensor([0])] = tensorkit.tensor(5.0)
    assert z.tolist() == [5.0, 3.0] and z._version == 2
    assert (z / tensorkit.tensor(2.0)).tolist() == [2.5, 1.5]


def test_numpy_of_a_cuda_tensor_is_refused(cuda):
    x = tensorkit.ones(2, device="cuda")
    with pytest.raises(TypeError) as caught:
        x.numpy()
    assert str(caught.value) == TO_NUMPY
    with pytest.raises(TypeError) as caught:
        np.asarray(x)
    assert str(caught.value) == TO_NUMPY
    assert x.tolist() == [1.0, 1.0] and x.sum().item() == 2.0


def test_without_cupy_cuda_says_what_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # import cupy raises ImportError
    previous = _backend.use_namespaces()
    _backend.restore_namespaces((previous[0], (None, False)))
    try:
        assert tensorkit.cuda.is_available() is False
        assert tensorkit.cuda.device_count() == 0
        for ask in (
            lambda: tensorkit.zeros(2, device="cuda"),
            lambda: tensorkit.ones(2).cuda(),
            lambda: tensorkit.ones(2).to("cuda"),
            lambda: tensorkit.randn(2, device="cuda"),
            tensorkit.cuda.synchronize,
        ):
            with pytest.raises(RuntimeError, match="CuPy is not installed") as caught:
                ask()
            assert 'pip install "tensorkit[gpu]"' in str(caught.value)
        tensorkit.cuda.manual_seed(1)  # as PyTorch's: kept for later, no device needed
        assert (tensorkit.ones(2) * 2).tolist() == [2.0, 2.0]  # nothing else changes
    finally:
        _backend.restore_namespaces(previous)


@pytest.mark.parametrize(
    "count, detail",
    [(lambda: 0, "no NVIDIA GPU is visible"), (None, "no usable NVIDIA GPU was found (no driver)")],
)
def test_with_cupy_but_no_gpu_cuda_says_so(monkeypatch, count, detail):
    def no_driver():
        raise OSError("no driver")

    runtime = types.SimpleNamespace(getDeviceCount=count or no_driver)
    monkeypatch.setitem(
        sys.modules, "cupy", types.SimpleNamespace(cuda=types.SimpleNamespace(runtime=runtime))
    )
    previous = _backend.use_namespaces()
    _backend.restore_namespaces((previous[0], (None, False)))
    try:
        assert tensorkit.cuda.is_available() is False
        with pytest.raises(RuntimeError) as caught:
            tensorkit.zeros(1, device="cuda")
        assert str(caught.value) == (
            f"tensorkit cannot use CUDA: CuPy is installed, but {detail}. CUDA tensors need an "
            "NVIDIA GPU and its driver; on this machine use the CPU (device='cpu')."
        )
    finally:
        _backend.restore_namespaces(previous)


def test_importing_tensorkit_does_not_import_cupy():
    code = (
        "import sys, tensorkit\n"
        "x = (tensorkit.ones(2, requires_grad=True) * 2).sum()\n"
        "x.backward()\n"
        "tensorkit.cuda.manual_seed(0)\n"
        "print('cupy' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------- the core on the device


def test_views_detach_and_versions_behave_as_on_the_cpu(cuda):
    x = tensorkit.arange(6.0, device="cuda")
    v = x[2:].view(2, 2)
    assert v._base is x and v.data_ptr() == x.data_ptr() + 8
    d = x.detach()
    d[0] = 10
    assert x._version == d._version == v._version == 1
    np.testing.assert_array_equal(host(v), [[2.0, 3.0], [4.0, 5.0]])
    c = x.clone()
    assert c.data_ptr() != x.data_ptr() and c._version == 0 and c.is_cuda


def test_a_stale_saved_tensor_is_refused_on_the_device(cuda):
    a = tensorkit.ones(3, device="cuda", requires_grad=True)
    b = a * 2
    c = b * b
    b.add_(1)
    with pytest.raises(RuntimeError) as caught:
        c.sum().backward()
    assert str(caught.value).startswith(
        "one of the variables needed for gradient computation has been modified by an inplace "
        "operation: [tensorkit.cuda.FloatTensor [3]], which is output 0 of Add, is at "
        "version 1; expected version 0 instead."
    )


def test_deepcopy_and_pickle_stay_on_the_device(cuda):
    x = tensorkit.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    (x * x).sum().backward()
    y = copy.deepcopy(x)
    assert y.is_cuda and y.data_ptr() != x.data_ptr() and y._version == 1  # as PyTorch's
    assert y.grad.is_cuda
    np.testing.assert_array_equal(host(y.grad), [2.0, 4.0])
    z = pickle.loads(pickle.dumps(x.detach()))
    assert z.is_cuda and z._version == 1
    np.testing.assert_array_equal(host(z), [1.0, 2.0])


def test_a_model_trains_on_the_device_as_on_the_cpu(cuda):
    def run(device):
        tensorkit.manual_seed(0)
        model = tensorkit.nn.Sequential(
            tensorkit.nn.Linear(4, 8), tensorkit.nn.ReLU(), tensorkit.nn.Linear(8, 3)
        )
        params = list(model.parameters())
        model.to(device)
        assert [p is q for p, q in zip(params, model.parameters())] == [True] * 4
        optimizer = tensorkit.optim.Adam(model.parameters(), lr=0.01)
        data = tensorkit.linspace(-1, 1, 20).reshape(5, 4).to(device)
        target = tensorkit.tensor([0, 1, 2, 1, 0]).to(device)
        losses = []
        for _ in range(5):
            optimizer.zero_grad()
            loss = tensorkit.nn.functional.cross_entropy(model(data), target)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        assert all(p.device == tensorkit.device(device) for p in model.parameters())
        assert all(p.grad.device == p.device for p in model.parameters())
        return losses, [host(p) for p in model.parameters()]

    cpu_losses, cpu_params = run("cpu")
    cuda_losses, cuda_params = run("cuda:0")
    np.testing.assert_allclose(cuda_losses, cpu_losses, rtol=1e-5)
    for a, b in zip(cuda_params, cpu_params):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------- zero-copy exchange


def test_dlpack_and_the_cuda_array_interface_share_device_memory(cuda):
    xp = _backend.cuda_namespace()
    t = tensorkit.arange(4.0, device="cuda")
    assert t.__dlpack_device__() == (2, 0)  # (kDLCUDA, device 0)
    interface = t.__cuda_array_interface__
    assert interface["data"][0] == t.data_ptr() and interface["shape"] == (4,)
    array = xp.asarray(np.arange(3.0))
    u = tensorkit.from_dlpack(array)
    assert u.is_cuda and u.data_ptr() == array.data.ptr
    array[0] = 9.0
    assert u.tolist() == [9.0, 1.0, 2.0]
    with pytest.raises(RuntimeError) as caught:
        tensorkit.ones(2, device="cuda", requires_grad=True).__cuda_array_interface__
    assert str(caught.value) == (
        "Can't get __cuda_array_interface__ on Variable that requires grad. If gradients aren't "
        "required, use var.detach() to get Variable that doesn't require grad."
    )


# ---------------------------------------------------------------------------- every op


@pytest.fixture
def default_cuda(cuda):
    tensorkit.set_default_device("cuda")
    try:
        yield cuda
    finally:
        tensorkit.set_default_device(None)


@pytest.mark.parametrize("name, case", test_gradients.GRAD_CASES)
def test_every_op_runs_forward_and_backward_on_the_device(default_cuda, name, case):
    """Each op-table entry's exerciser (tests/test_gradients.py) on CUDA tensors gives the values
    and gradients it gives on the CPU (factories inside the exercisers follow the default device,
    as under PyTorch's set_default_device)."""
    arrays = test_gradients._arrays(case)
    results = {}
    for device in ("cpu", "cuda"):
        tensorkit.set_default_device(device)
        leaves = [
            tensorkit.tensor(a.copy(), dtype=tensorkit.float64, requires_grad=True) for a in arrays
        ]
        assert all(leaf.device.type == device for leaf in leaves)
        outputs = test_gradients._outputs(case.fn(tensorkit, *leaves))
        values = [host(output) for output in outputs]
        assert all(output.device.type == device for output in outputs)
        loss = test_gradients._projection(tensorkit, outputs, test_gradients._weights(outputs))
        if case.error is not None:
            with pytest.raises(case.error[0]) as caught:
                loss.backward()
            results[device] = (values, str(caught.value))
            continue
        loss.backward()
        grads = [None if leaf.grad is None else host(leaf.grad) for leaf in leaves]
        assert all(leaf.grad is None or leaf.grad.device.type == device for leaf in leaves)
        results[device] = (values, grads)
    (cpu_values, cpu_grads), (cuda_values, cuda_grads) = results["cpu"], results["cuda"]
    for mine, reference in zip(cuda_values, cpu_values):
        np.testing.assert_allclose(mine, reference, rtol=1e-12, atol=1e-12)
    if case.error is not None:
        assert cuda_grads == cpu_grads  # the same message
        return
    for mine, reference in zip(cuda_grads, cpu_grads):
        if reference is None:
            assert mine is None
        else:
            np.testing.assert_allclose(mine, reference, rtol=1e-12, atol=1e-12)


def test_the_gpu_benchmark_runs_on_the_device(cuda):
    """``benchmarks/bench_gpu.py`` (quick sizes) runs through and its three columns agree, so its
    first run on a GPU machine measures rather than crashes. Nothing here looks at a time."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    try:
        from benchmarks import bench_gpu
        from benchmarks._common import Context
    finally:
        sys.path.pop(0)
    lines = []
    ctx = Context(quick=True, torch=None, tensorkit=tensorkit, numpy=np, log=lines.append)
    rows = bench_gpu.run(ctx)
    assert [row.bench for row in rows] == ["gpu"] * 5
    assert all(row.tensorkit > 0 and row.numpy > 0 for row in rows)
    assert not [line for line in lines if "!!" in line], lines  # results agree with CuPy's


def test_module_cuda_and_a_loaded_optimizer_state_follow_the_parameters(cuda):
    model = tensorkit.nn.Linear(3, 2)
    optimizer = tensorkit.optim.Adam(model.parameters(), lr=0.1)
    model(tensorkit.ones(4, 3)).sum().backward()
    optimizer.step()
    state = optimizer.state_dict()
    weight = model.weight
    assert model.cuda() is model and model.weight is weight and weight.is_cuda
    moved = tensorkit.optim.Adam(model.parameters(), lr=0.1)
    moved.load_state_dict(state)
    entry = moved.state[model.weight]
    # as PyTorch: the moments go to the parameter's device, the step count stays on the CPU
    assert entry["exp_avg"].is_cuda and entry["exp_avg_sq"].is_cuda and entry["step"].is_cpu
    model(tensorkit.ones(4, 3, device="cuda")).sum().backward()
    moved.step()
    assert model.weight.is_cuda and model.cpu() is model and model.weight.is_cpu


@pytest.mark.gpu
def test_memory_is_shared_with_pytorch_cuda_tensors():
    if not _real_gpu():
        pytest.skip("no NVIDIA GPU with CuPy on this machine: the stand-in run covers the rest")
    torch = pytest.importorskip("torch", reason="PyTorch is not installed on this GPU machine")
    if not torch.cuda.is_available():
        pytest.skip("this PyTorch has no CUDA")
    theirs = torch.arange(4.0, device="cuda")
    ours = tensorkit.from_dlpack(theirs)
    assert ours.is_cuda and ours.data_ptr() == theirs.data_ptr()
    theirs[0] = 7.0
    assert ours.tolist() == [7.0, 1.0, 2.0, 3.0]
    back = torch.from_dlpack(ours)
    ours.add_(1)
    assert back.data_ptr() == ours.data_ptr() and back.tolist() == [8.0, 2.0, 3.0, 4.0]
    via_interface = torch.as_tensor(tensorkit.ones(2, device="cuda"), device="cuda")
    assert via_interface.tolist() == [1.0, 1.0]


def test_memory_snapshots_see_device_buffers_and_their_sharing(cuda):
    from tensorkit import inspect

    xp = _backend.cuda_namespace()
    array = xp.asarray(np.arange(6.0, dtype=np.float32))
    shared = tensorkit.from_dlpack(array)
    x = tensorkit.arange(6.0, device="cuda")
    snapshot = inspect.memory(array=array, shared=shared, view=shared[3:], x=x, host=x.cpu())
    assert [(b.names, b.device) for b in snapshot.buffers] == [
        (["array", "shared", "view"], "cuda:0"),
        (["x"], "cuda:0"),
        (["host"], "cpu"),
    ]
    assert snapshot.window("view").offset == 12 and snapshot.window("array").kind == "array"
