"""On a CUDA GPU: tensorkit's CUDA tensors against PyTorch's CUDA eager mode and hand-written CuPy.

Four workloads, each timed with a device synchronisation at its end (GPU work is asynchronous):

* large elementwise work (the ``large_elementwise`` workload, 4M float32, forward + backward):
  within 1.2x of the same computation written by hand in CuPy;
* the MLP training step (the ``mlp_train_step`` workload on the GPU): within 1.2x of CuPy by hand;
* per-op overhead (the ``per_op_overhead`` chain on 1,000 elements): no worse than PyTorch's;
* transfers of 64 MiB host to device and back: at the speed of CuPy's own copies (1.2x).

The hand-written column ("numpy" in the table) is CuPy here. Without CuPy or without a GPU the
benchmark says so and reports nothing.
"""

from __future__ import annotations

from . import bench_elementwise, bench_mlp, bench_per_op
from ._common import Context, Row, check_close, measure, print_rows

NAME = "gpu"
TITLE = "7. on a CUDA GPU: tensorkit against PyTorch CUDA and hand-written CuPy"

TARGET = 1.2


def _available(ctx: Context):
    """The namespace of CUDA arrays (CuPy) when a GPU is there, else None (and why, logged). The
    test suite runs this benchmark on its stand-in device through the same door."""
    if not ctx.tensorkit.cuda.is_available():
        ctx.log(f"  {NAME}: skipped: no NVIDIA GPU with CuPy on this machine")
        return None
    from tensorkit import _backend

    return _backend.cuda_namespace()


def _torch_cuda(ctx: Context):
    torch = ctx.torch
    if torch is None or not torch.cuda.is_available():
        return None
    return torch


def _synced(fn, sync):
    def call():
        result = fn()
        sync()
        return result

    return call


def _host(value):
    """A result of any of the three libraries as a NumPy array."""
    if hasattr(value, "detach"):
        value = value.detach().cpu()
        return value.numpy().copy()
    if hasattr(value, "get"):
        return value.get()
    import numpy

    return numpy.array(value, copy=True)


def _rows_elementwise(ctx, cupy, torch, syncs) -> list[Row]:
    np = ctx.numpy
    n = 40_000 if ctx.quick else 4_000_000
    arrays = bench_elementwise.make_arrays(np, n)
    fns, results = {}, {}
    for name, mod in (("torch", torch), ("tensorkit", ctx.tensorkit)):
        if mod is None:
            continue
        x, w, b = (mod.from_numpy(a.copy()).cuda().requires_grad_() for a in arrays)
        fn = lambda mod=mod, x=x, w=w, b=b: bench_elementwise.step(mod, x, w, b)
        fns[name] = _synced(fn, syncs[name])
        loss, grads = fn()
        results[name] = [_host(g) for g in grads] + [_host(loss).reshape(1)]
    xc, wc, bc = (cupy.asarray(a) for a in arrays)
    fns["numpy"] = _synced(lambda: bench_elementwise.numpy_step(cupy, xc, wc, bc), syncs["numpy"])
    loss, grads = bench_elementwise.numpy_step(cupy, xc, wc, bc)
    results["numpy"] = [g.get() for g in grads] + [_host(loss).reshape(1)]
    check_close(ctx, "elementwise gradients and loss on the GPU", results)
    t = measure(fns, repeat=3 if ctx.quick else 15, min_time=0.005 if ctx.quick else 0.05)
    return [_against_cupy(f"{n:,} elements fwd+bwd", t)]


def _against_cupy(figure: str, timings, note: str = "") -> Row:
    """A row of milliseconds with its target: tensorkit within TARGET of hand-written CuPy."""
    ms = {name: timings[name].min * 1e3 for name in timings}
    return Row(
        NAME,
        f"{figure} (hand: CuPy)",
        "ms",
        ms.get("torch"),
        ms["tensorkit"],
        ms["numpy"],
        target=f"tk/cupy <= {TARGET}",
        met=ms["tensorkit"] / ms["numpy"] <= TARGET,
        note=note,
    )


def _rows_mlp(ctx, cupy, torch, syncs) -> list[Row]:
    np = ctx.numpy
    sizes = (16, 32, 24, 10) if ctx.quick else (256, 784, 512, 10)
    params0, X0, y0 = bench_mlp.make_data(np, *sizes)
    fns, after = {}, {}
    for name, mod in (("torch", torch), ("tensorkit", ctx.tensorkit)):
        if mod is None:
            continue
        model = bench_mlp.make_model(mod, params0).to("cuda")
        optimizer = mod.optim.SGD(model.parameters(), lr=bench_mlp.LR)
        X, y = mod.from_numpy(X0).cuda(), mod.from_numpy(y0).cuda()
        fn = lambda mod=mod, m=model, o=optimizer, X=X, y=y: bench_mlp.train_step(mod, m, o, X, y)
        fns[name] = _synced(fn, syncs[name])
        loss = fn()
        weights = [model[0].weight.T, model[0].bias, model[2].weight.T, model[2].bias]
        after[name] = [_host(p) for p in weights] + [_host(loss).reshape(1)]
    params = [cupy.asarray(p) for p in params0]
    Xc, yc, rows = cupy.asarray(X0), cupy.asarray(y0), cupy.arange(sizes[0])
    fns["numpy"] = _synced(
        lambda: bench_mlp.numpy_train_step(cupy, params, Xc, yc, rows), syncs["numpy"]
    )
    loss = bench_mlp.numpy_train_step(cupy, params, Xc, yc, rows)
    after["numpy"] = [p.get() for p in params] + [_host(loss).reshape(1)]
    check_close(ctx, "MLP parameters and loss after one step on the GPU", after)
    t = measure(fns, repeat=3 if ctx.quick else 25, min_time=0.005 if ctx.quick else 0.05)
    return [_against_cupy("MLP step {}-{}-{}, batch {}".format(*sizes[1:], sizes[0]), t)]


def _rows_per_op(ctx, cupy, torch, syncs) -> list[Row]:
    cycles = 3 if ctx.quick else 25
    ops = cycles * 8
    fns = {}
    for name, mod in (("torch", torch), ("tensorkit", ctx.tensorkit)):
        if mod is None:
            continue
        x, w = bench_per_op.make_inputs(mod, ctx.numpy)
        x = x.detach().cuda().requires_grad_()
        w = w.cuda()
        fn = lambda mod=mod, x=x, w=w: bench_per_op.step(mod, x, w, cycles)
        fns[name] = _synced(fn, syncs[name])
    xh, wh = (
        cupy.asarray(a.detach().numpy()) for a in bench_per_op.make_inputs(ctx.tensorkit, ctx.numpy)
    )
    fns["numpy"] = _synced(lambda: bench_per_op.numpy_step(cupy, xh, wh, cycles), syncs["numpy"])
    t = measure(fns, repeat=3 if ctx.quick else 15, min_time=0.005 if ctx.quick else 0.05)
    us = {name: t[name].min * 1e6 / ops for name in t}
    met = None if "torch" not in us else us["tensorkit"] <= us["torch"]
    return [
        Row(
            NAME,
            f"per op, fwd+bwd, {ops}-op chain (hand: CuPy)",
            "us/op",
            us.get("torch"),
            us["tensorkit"],
            us["numpy"],
            target="tk <= torch",
            met=met,
        )
    ]


def _rows_transfers(ctx, cupy, torch, syncs) -> list[Row]:
    np = ctx.numpy
    count = 1 << (16 if ctx.quick else 24)  # 64 MiB of float32
    host = np.random.default_rng(0).standard_normal(count, dtype=np.float32)
    tk = ctx.tensorkit
    rows = []
    for direction in ("host to device", "device to host"):
        fns = {}
        if direction == "host to device":
            tk_host = tk.from_numpy(host)
            fns["tensorkit"] = _synced(lambda: tk_host.cuda(), syncs["tensorkit"])
            fns["numpy"] = _synced(lambda: cupy.asarray(host), syncs["numpy"])
            if torch is not None:
                torch_host = torch.from_numpy(host)
                fns["torch"] = _synced(lambda: torch_host.cuda(), syncs["torch"])
        else:
            tk_device = tk.from_numpy(host).cuda()
            device = cupy.asarray(host)
            fns["tensorkit"] = _synced(lambda: tk_device.cpu(), syncs["tensorkit"])
            fns["numpy"] = _synced(lambda: device.get(), syncs["numpy"])
            if torch is not None:
                torch_device = torch.from_numpy(host).cuda()
                fns["torch"] = _synced(lambda: torch_device.cpu(), syncs["torch"])
        t = measure(fns, repeat=3 if ctx.quick else 10, min_time=0.005 if ctx.quick else 0.05)
        gbps = host.nbytes / t["tensorkit"].min / 1e9
        rows.append(
            _against_cupy(
                f"{host.nbytes >> 20} MiB {direction}", t, note=f"tensorkit {gbps:.1f} GB/s"
            )
        )
    return rows


def run(ctx: Context) -> list[Row]:
    cupy = _available(ctx)
    if cupy is None:
        return []
    torch = _torch_cuda(ctx)
    if torch is None:
        ctx.log(f"  {NAME}: PyTorch with CUDA is not importable: its column stays empty")
    syncs = {
        "tensorkit": ctx.tensorkit.cuda.synchronize,
        "numpy": cupy.cuda.Device().synchronize,
        "torch": torch.cuda.synchronize if torch is not None else None,
    }
    rows = []
    for part in (_rows_elementwise, _rows_mlp, _rows_per_op, _rows_transfers):
        rows += part(ctx, cupy, torch, syncs)
    print_rows(ctx, rows)
    return rows
