"""Memory over a training loop: a small MLP (20 -> 64 -> 1, MSE, SGD by hand) for 1000 steps.

After step 10 and after the last step: ``gc.collect()``, then the memory traced by
``tracemalloc`` (which sees Python objects and NumPy's buffers, but not PyTorch's C++ allocations)
and the number of live Tensor objects that ``gc`` knows of. Target (DESIGN.md "Speed"): no growth
(tracemalloc growth under 64 KiB, the slack of Python's own caches; no more live tensors).

A second, informational figure: the objects that only the cyclic garbage collector frees, per step
(reference cycles made by a step keep its arrays alive until a collection runs).
"""

from __future__ import annotations

import gc
import tracemalloc

from ._common import Context, Row, print_rows

NAME = "memory_training_loop"
TITLE = "6. memory over a training loop (MLP 20-64-1)"

SLACK_KIB = 64
LR = 0.01


def make_data(np, batch=32, n_in=20, n_hidden=64):
    rng = np.random.default_rng(0)
    f32 = np.float32
    params = [
        rng.standard_normal((n_in, n_hidden), dtype=f32) * f32(n_in**-0.5),
        np.zeros(n_hidden, dtype=f32),
        rng.standard_normal((n_hidden, 1), dtype=f32) * f32(n_hidden**-0.5),
        np.zeros(1, dtype=f32),
    ]
    X = rng.standard_normal((batch, n_in), dtype=f32)
    Y = rng.standard_normal((batch, 1), dtype=f32)
    return params, X, Y


def train_step(torch, params, X, Y, lr=LR):
    W1, b1, W2, b2 = params
    pred = (X @ W1 + b1).relu() @ W2 + b2
    loss = ((pred - Y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad = None
    return loss.item()


def numpy_train_step(np, params, X, Y, lr=LR):
    W1, b1, W2, b2 = params
    z1 = X @ W1 + b1
    h = np.maximum(z1, 0)
    pred = h @ W2 + b2
    diff = pred - Y
    loss = (diff**2).mean()
    g_pred = (2 / diff.size) * diff
    g_z1 = (g_pred @ W2.T) * (z1 > 0)
    grads = (X.T @ g_z1, g_z1.sum(axis=0), h.T @ g_pred, g_pred.sum(axis=0))
    for p, g in zip(params, grads):
        p -= lr * g
    return float(loss)


def _live(cls) -> int | None:
    if cls is None:
        return None
    # issubclass(type(o)) rather than isinstance: isinstance reads o.__class__, which some of torch's
    # lazy module objects answer with a deprecation warning.
    return sum(1 for o in gc.get_objects() if issubclass(type(o), cls))


def _loop(step, steps: int, tensor_cls):
    """Run ``steps`` steps under tracemalloc; return (bytes, tensors) after step 10 and at the end."""
    marks = {}
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        for i in range(1, steps + 1):
            step()
            if i in (10, steps):
                gc.collect()
                marks[i] = (tracemalloc.get_traced_memory()[0], _live(tensor_cls))
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return marks[10], marks[steps]


def _cyclic_garbage_per_step(step, steps: int = 50) -> float:
    gc.collect()
    gc.disable()
    try:
        for _ in range(steps):
            step()
        found = gc.collect()
    finally:
        gc.enable()
    return found / steps


def run(ctx: Context) -> list[Row]:
    np = ctx.numpy
    steps = 60 if ctx.quick else 1000
    params0, X0, Y0 = make_data(np)

    steppers, tensor_classes = {}, {}
    for name, mod in ctx.modules().items():
        params = [mod.from_numpy(p.copy()).requires_grad_() for p in params0]
        X, Y = mod.from_numpy(X0), mod.from_numpy(Y0)
        steppers[name] = lambda mod=mod, params=params, X=X, Y=Y: train_step(mod, params, X, Y)
        tensor_classes[name] = mod.Tensor
    params_np = [p.copy() for p in params0]
    steppers["numpy"] = lambda: numpy_train_step(np, params_np, X0, Y0)
    tensor_classes["numpy"] = None  # ndarrays are not tracked by gc

    growth_kib, tensor_growth, cyclic = {}, {}, {}
    for name, step in steppers.items():
        gc.collect()
        (mem10, n10), (mem_end, n_end) = _loop(step, steps, tensor_classes[name])
        growth_kib[name] = (mem_end - mem10) / 1024
        tensor_growth[name] = None if n10 is None else n_end - n10
        cyclic[name] = _cyclic_garbage_per_step(step, 10 if ctx.quick else 50)
        ctx.log(
            f"  {name:9s}: traced {mem10 / 1024:8.1f} KiB after step 10, {mem_end / 1024:8.1f} KiB after "
            f"step {steps}; live tensors {n10} -> {n_end}"
        )

    rows = [
        Row(
            NAME,
            f"tracemalloc growth, step 10 -> {steps}",
            "KiB",
            growth_kib.get("torch"),
            growth_kib["tensorkit"],
            growth_kib["numpy"],
            target=f"tk <= {SLACK_KIB} KiB",
            met=growth_kib["tensorkit"] <= SLACK_KIB,
            is_time=False,
            note="torch's tensor memory is C++-allocated and invisible to tracemalloc",
        ),
        Row(
            NAME,
            f"live Tensor objects growth, step 10 -> {steps}",
            "objects",
            tensor_growth.get("torch"),
            tensor_growth["tensorkit"],
            None,
            target="tk <= 0",
            met=tensor_growth["tensorkit"] <= 0,
            is_time=False,
        ),
        Row(
            NAME,
            "objects freed only by cyclic gc, per step",
            "objects",
            cyclic.get("torch"),
            cyclic["tensorkit"],
            cyclic["numpy"],
            is_time=False,
        ),
    ]
    print_rows(ctx, rows)
    return rows
