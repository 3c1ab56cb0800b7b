"""Large elementwise work: ``((x * w + b).tanh() * 2).sum()`` forward + backward on 4M float32.

x, w and b all require grad. Target (DESIGN.md "Speed"): within 1.2x of the same computation
written by hand in NumPy (forward and backward by hand, float32 throughout, no ``out=`` tricks).
"""

from __future__ import annotations

from ._common import Context, Row, check_close, measure, print_rows, to_numpy

NAME = "large_elementwise"
TITLE = "2. large elementwise work (float32, forward + backward)"

TARGET = 1.2


def make_arrays(np, n):
    rng = np.random.default_rng(0)
    return tuple(rng.standard_normal(n, dtype=np.float32) for _ in range(3))


def step(torch, x, w, b):
    """The workload; returns the loss and the three gradients, and clears them for the next step."""
    loss = ((x * w + b).tanh() * 2).sum()
    loss.backward()
    grads = (x.grad, w.grad, b.grad)
    x.grad = None
    w.grad = None
    b.grad = None
    return loss, grads


def numpy_step(np, x, w, b):
    t = np.tanh(x * w + b)
    loss = (t * 2).sum()
    gv = 2 * (1 - t * t)  # d loss / d(x*w + b)
    return loss, (gv * w, gv * x, gv)


def run(ctx: Context) -> list[Row]:
    np = ctx.numpy
    n = 40_000 if ctx.quick else 4_000_000
    repeat = 3 if ctx.quick else 15
    arrays = make_arrays(np, n)

    fns, results = {}, {}
    for name, mod in ctx.modules().items():
        x, w, b = (mod.from_numpy(a.copy()).requires_grad_() for a in arrays)
        fns[name] = lambda mod=mod, x=x, w=w, b=b: step(mod, x, w, b)
        loss, grads = step(mod, x, w, b)
        results[name] = [to_numpy(g, np) for g in grads] + [to_numpy(loss, np).reshape(1)]
    xn, wn, bn = arrays
    fns["numpy"] = lambda: numpy_step(np, xn, wn, bn)
    loss, grads = numpy_step(np, xn, wn, bn)
    results["numpy"] = [*grads, np.asarray(loss).reshape(1)]
    check_close(ctx, "gradients and loss", results)

    t = measure(fns, repeat=repeat, min_time=0.0 if not ctx.quick else 0.005, warmup=2)
    ms = {name: t[name].min * 1e3 for name in t}
    rows = [
        Row(
            NAME,
            f"{n:,} elements fwd+bwd",
            "ms",
            ms.get("torch"),
            ms["tensorkit"],
            ms["numpy"],
            target=f"tk/numpy <= {TARGET}",
            met=ms["tensorkit"] / ms["numpy"] <= TARGET,
        )
    ]
    print_rows(ctx, rows)
    return rows
