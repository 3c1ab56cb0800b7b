"""MLP training step: batch 256, 784 -> 512 -> 10, relu, softmax cross-entropy, SGD.

The model is ``nn.Sequential(nn.Linear, nn.ReLU, nn.Linear)``, the loss ``F.cross_entropy`` and
the update ``optim.SGD`` (``zero_grad``, ``backward``, ``step``), as a learner writes it; the
NumPy column is the same step with forward, backward and update written by hand. Target
(DESIGN.md "Speed"): within 1.2x of the NumPy step.
"""

from __future__ import annotations

from ._common import Context, Row, check_close, measure, print_rows, to_numpy

NAME = "mlp_train_step"
TITLE = "3. MLP training step (784-512-10, batch 256, SGD)"

TARGET = 1.2
LR = 0.01


def make_model(torch, params):
    """The MLP as ``nn`` modules, its weights copied from ``params`` (NumPy, (in, out) layout)."""
    W1, b1, W2, b2 = params
    model = torch.nn.Sequential(
        torch.nn.Linear(W1.shape[0], W1.shape[1]),
        torch.nn.ReLU(),
        torch.nn.Linear(W2.shape[0], W2.shape[1]),
    )
    with torch.no_grad():
        for layer, W, b in ((model[0], W1, b1), (model[2], W2, b2)):
            layer.weight.copy_(torch.from_numpy(W.T.copy()))
            layer.bias.copy_(torch.from_numpy(b.copy()))
    return model


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


def train_step(torch, model, optimizer, X, y):
    """One step of the workload; returns the loss (a 0-d tensor)."""
    optimizer.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(X), y)
    loss.backward()
    optimizer.step()
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
        model = make_model(mod, params0)
        optimizer = mod.optim.SGD(model.parameters(), lr=LR)
        X, y = mod.from_numpy(X0), mod.from_numpy(y0)
        loss = train_step(mod, model, optimizer, X, y)
        weights = [model[0].weight.T, model[0].bias, model[2].weight.T, model[2].bias]
        after[name] = [to_numpy(p, np) for p in weights] + [to_numpy(loss, np).reshape(1)]
        fns[name] = lambda mod=mod, model=model, optimizer=optimizer, X=X, y=y: train_step(
            mod, model, optimizer, X, y
        )
    params_np = [p.copy() for p in params0]
    rows_np = np.arange(batch)
    loss = numpy_train_step(np, params_np, X0, y0, rows_np)
    after["numpy"] = [p.copy() for p in params_np] + [np.asarray(loss).reshape(1)]
    fns["numpy"] = lambda: numpy_train_step(np, params_np, X0, y0, rows_np)
    check_close(ctx, "parameters and loss after one step", after)

    # settle: the matmuls run on OpenBLAS's and PyTorch's thread pools, whose idle threads spin
    # for about 0.1 s after each call (see measure)
    t = measure(
        fns,
        repeat=repeat,
        min_time=0.005 if ctx.quick else 0.05,
        warmup=3,
        settle=0 if ctx.quick else 0.15,
    )
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
