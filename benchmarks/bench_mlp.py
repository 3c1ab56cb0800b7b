"""MLP training step: batch 256, 784 -> 512 -> 10, relu, softmax cross-entropy, SGD by hand.

The layers are written with basic ops (matmul, +, relu, log_softmax, indexing, mean) since
``tensorkit.nn`` may not exist; the update runs under ``no_grad`` as ``p -= lr * p.grad`` then
``p.grad = None``. Target (DESIGN.md "Speed"): within 1.2x of the same step written by hand in NumPy.
"""

from __future__ import annotations

from ._common import Context, Row, check_close, measure, print_rows, to_numpy

NAME = "mlp_train_step"
TITLE = "3. MLP training step (784-512-10, batch 256, SGD)"

TARGET = 1.2
LR = 0.01


def make_data(np, batch, n_in, n_hidden, n_out):
    rng = np.random.default_rng(0)
    f32 = np.float32
    params = [
        (rng.standard_normal((n_in, n_hidden), dtype=f32) * f32(n_in**-0.5)),
        np.zeros(n_hidden, dtype=f32),
        (rng.standard_normal((n_hidden, n_out), dtype=f32) * f32(n_hidden**-0.5)),
        np.zeros(n_out, dtype=f32),
    ]
    X = rng.standard_normal((batch, n_in), dtype=f32)
    y = rng.integers(0, n_out, size=batch, dtype=np.int64)
    return params, X, y


def train_step(torch, params, X, y, rows, lr=LR):
    """One step of the workload; returns the loss (a 0-d tensor)."""
    W1, b1, W2, b2 = params
    h = (X @ W1 + b1).relu()
    logits = h @ W2 + b2
    logp = torch.log_softmax(logits, dim=1)
    loss = -logp[rows, y].mean()
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad = None
    return loss


def numpy_train_step(np, params, X, y, rows, lr=LR):
    """The same step with forward and backward written by hand."""
    W1, b1, W2, b2 = params
    batch = X.shape[0]
    z1 = X @ W1 + b1
    h = np.maximum(z1, 0)
    logits = h @ W2 + b2
    shifted = logits - logits.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -logp[rows, y].mean()
    g_logits = np.exp(logp)
    g_logits[rows, y] -= 1
    g_logits /= batch
    gW2 = h.T @ g_logits
    gb2 = g_logits.sum(axis=0)
    g_z1 = (g_logits @ W2.T) * (z1 > 0)
    gW1 = X.T @ g_z1
    gb1 = g_z1.sum(axis=0)
    for p, g in zip(params, (gW1, gb1, gW2, gb2)):
        p -= lr * g
    return loss


def run(ctx: Context) -> list[Row]:
    np = ctx.numpy
    if ctx.quick:
        batch, n_in, n_hidden, n_out = 16, 32, 24, 10
    else:
        batch, n_in, n_hidden, n_out = 256, 784, 512, 10
    repeat = 3 if ctx.quick else 25
    params0, X0, y0 = make_data(np, batch, n_in, n_hidden, n_out)

    fns, after = {}, {}
    for name, mod in ctx.modules().items():
        params = [mod.from_numpy(p.copy()).requires_grad_() for p in params0]
        X, y, rows = mod.from_numpy(X0), mod.from_numpy(y0), mod.arange(batch)
        loss = train_step(mod, params, X, y, rows)
        after[name] = [to_numpy(p, np) for p in params] + [to_numpy(loss, np).reshape(1)]
        fns[name] = lambda mod=mod, params=params, X=X, y=y, rows=rows: train_step(
            mod, params, X, y, rows
        )
    params_np = [p.copy() for p in params0]
    rows_np = np.arange(batch)
    loss = numpy_train_step(np, params_np, X0, y0, rows_np)
    after["numpy"] = [p.copy() for p in params_np] + [np.asarray(loss).reshape(1)]
    fns["numpy"] = lambda: numpy_train_step(np, params_np, X0, y0, rows_np)
    check_close(ctx, "parameters and loss after one step", after)

    t = measure(fns, repeat=repeat, min_time=0.005 if ctx.quick else 0.05, warmup=3)
    ms = {name: t[name].min * 1e3 for name in t}
    rows = [
        Row(
            NAME,
            f"step, batch {batch}, {n_in}-{n_hidden}-{n_out}",
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
