"""Per-op overhead: a chain of elementwise ops on a 16-element float32 tensor that requires grad.

Forward (graph recorded) + ``sum().backward()``, reported as microseconds per op of the chain.
Target (DESIGN.md "Speed"): tensorkit no slower per op than PyTorch's eager CPU mode.
"""

from __future__ import annotations

from ._common import Context, Row, check_close, measure, print_rows, to_numpy

NAME = "per_op_overhead"
TITLE = "1. per-op overhead (small tensor, forward + backward)"

SIZE = 16
OPS_PER_CYCLE = 8  # the ops of one cycle of ``chain`` below


def make_inputs(torch, np):
    x = torch.from_numpy(np.linspace(-1.0, 1.0, SIZE, dtype=np.float32)).requires_grad_()
    w = torch.from_numpy(np.linspace(0.5, 1.5, SIZE, dtype=np.float32))
    return x, w


def chain(torch, x, w, cycles: int):
    """The workload: ``cycles`` x 8 elementwise ops (mul, add, sin, tanh, sigmoid, ...)."""
    y = x
    for _ in range(cycles):
        y = y * w
        y = y + 0.5
        y = y.sin()
        y = y * 1.5
        y = y.tanh()
        y = y + w
        y = torch.sigmoid(y)
        y = y * y
    return y


def step(torch, x, w, cycles: int):
    loss = chain(torch, x, w, cycles).sum()
    loss.backward()
    grad = x.grad
    x.grad = None
    return grad


def numpy_step(np, x, w, cycles: int):
    """The same chain with forward and backward written by hand."""
    saved = []
    y = x
    for _ in range(cycles):
        a = y * w
        b = a + np.float32(0.5)
        c = np.sin(b)
        d = c * np.float32(1.5)
        e = np.tanh(d)
        f = e + w
        g = 1 / (1 + np.exp(-f))
        y = g * g
        saved.append((b, e, g))
    _ = y.sum()
    grad = np.ones_like(y)
    for b, e, g in reversed(saved):
        grad = grad * (2 * g)  # y = g * g
        grad = grad * (g * (1 - g))  # sigmoid
        grad = grad * (1 - e * e)  # tanh
        grad = grad * np.float32(1.5)  # * 1.5
        grad = grad * np.cos(b)  # sin
        grad = grad * w  # * w
    return grad


def run(ctx: Context) -> list[Row]:
    np = ctx.numpy
    n_ops = 40 if ctx.quick else 200
    cycles = n_ops // OPS_PER_CYCLE
    repeat = 3 if ctx.quick else 15
    min_time = 0.005 if ctx.quick else 0.05

    full, forward, grads = {}, {}, {}
    for name, mod in ctx.modules().items():
        x, w = make_inputs(mod, np)
        full[name] = lambda mod=mod, x=x, w=w: step(mod, x, w, cycles)
        forward[name] = lambda mod=mod, x=x, w=w: chain(mod, x, w, cycles)
        grads[name] = to_numpy(step(mod, x, w, cycles), np)
    xn = np.linspace(-1.0, 1.0, SIZE, dtype=np.float32)
    wn = np.linspace(0.5, 1.5, SIZE, dtype=np.float32)
    full["numpy"] = lambda: numpy_step(np, xn, wn, cycles)
    grads["numpy"] = numpy_step(np, xn, wn, cycles)
    check_close(ctx, "x.grad", grads)

    t_full = measure(full, repeat=repeat, min_time=min_time)
    t_fwd = measure(forward, repeat=repeat, min_time=min_time)

    def per_op(timings, name):
        return timings[name].min / n_ops * 1e6 if name in timings else None

    tk, th = per_op(t_full, "tensorkit"), per_op(t_full, "torch")
    rows = [
        Row(
            NAME,
            f"fwd+bwd, {n_ops}-op chain",
            "us/op",
            th,
            tk,
            per_op(t_full, "numpy"),
            target="tk <= torch",
            met=None if th is None else tk <= th,
            note="numpy column: the same chain with forward and backward written by hand",
        ),
        Row(
            NAME,
            "forward only (graph recorded)",
            "us/op",
            per_op(t_fwd, "torch"),
            per_op(t_fwd, "tensorkit"),
        ),
    ]
    bwd = {
        name: (per_op(t_full, name) - per_op(t_fwd, name)) if name in t_fwd else None
        for name in ("torch", "tensorkit")
    }
    rows.append(
        Row(NAME, "backward share (fwd+bwd - fwd)", "us/op", bwd["torch"], bwd["tensorkit"])
    )
    print_rows(ctx, rows)
    if ctx.profile:
        profile(ctx, cycles)
    return rows


def profile(ctx: Context, cycles: int, top: int = 25) -> None:
    """cProfile the tensorkit workload; print the top tensorkit functions by cumulative time."""
    import cProfile
    import pstats

    tk, np = ctx.tensorkit, ctx.numpy
    x, w = make_inputs(tk, np)
    step(tk, x, w, cycles)
    reps = 20 if ctx.quick else 200
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(reps):
        step(tk, x, w, cycles)
    profiler.disable()
    stats = pstats.Stats(profiler)
    n_ops = cycles * OPS_PER_CYCLE
    scale = 1e6 / (
        reps * n_ops
    )  # seconds over the whole profile -> microseconds per op of the chain
    ours, everyone = [], []
    for (filename, line, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():
        path = filename.replace("\\", "/")
        everyone.append((tt, nc, f"{path.rsplit('/', 1)[-1]}:{line}({func})"))
        if "/tensorkit/" in path:
            ours.append((ct, tt, nc, f"{path.split('/tensorkit/', 1)[-1]}:{line}({func})"))
    ours.sort(reverse=True)
    everyone.sort(reverse=True)
    ctx.log(
        f"\n  cProfile of tensorkit, {reps} x ({n_ops}-op chain fwd+bwd), per op of the chain "
        "(profiler overhead inflates absolute times):"
    )
    ctx.log(f"  {'cum us':>8} {'own us':>8} {'calls':>6}  tensorkit function (by cumulative time)")
    for ct, tt, nc, where in ours[:top]:
        ctx.log(f"  {ct * scale:8.2f} {tt * scale:8.2f} {nc / (reps * n_ops):6.2f}  {where}")
    ctx.log(f"\n  {'own us':>8} {'calls':>6}  any function (by own time)")
    for tt, nc, where in everyone[:15]:
        ctx.log(f"  {tt * scale:8.2f} {nc / (reps * n_ops):6.2f}  {where}")
