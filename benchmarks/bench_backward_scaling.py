"""Backward time against graph size: a chain of n cheap ops on a small tensor, n = 10^2 .. 10^5.

Only ``backward()`` is timed: the chains are built, untimed, before each sample, and graphs under
10,000 nodes are timed several to a sample. Target (DESIGN.md
"Speed"): backward linear in graph size, i.e. the time per node roughly flat; the figure is the
max/min ratio of the per-node times over all n, and "roughly flat" is taken as <= 2x.
"""

from __future__ import annotations

import gc
import statistics
import time

from ._common import Context, Row, print_rows

NAME = "backward_scaling"
TITLE = "5. backward time vs graph size (chain of n cheap ops)"

TARGET = 2.0
SIZE = 16


def build_chain(torch, x, n: int):
    """The workload's forward: n ops alternating ``* 1.0001`` and ``+ 0.001``; returns the scalar."""
    y = x
    for _ in range(n // 2):
        y = y * 1.0001
        y = y + 0.001
    return y.sum()


def numpy_chain(np, x, n: int):
    consts = []
    y = x
    for _ in range(n // 2):
        y = y * np.float32(1.0001)
        consts.append(np.float32(1.0001))
        y = y + np.float32(0.001)
        consts.append(None)
    return y.sum(), consts


def numpy_backward(np, x, consts):
    grad = np.ones_like(x)
    for c in reversed(consts):
        if c is not None:
            grad = grad * c
    return grad


NODES_PER_SAMPLE = 10_000  # small graphs are timed several to a sample


def _time_backward(make, backward, repeat: int, n: int) -> float:
    """Seconds per backward of one graph of n nodes: the best of ``repeat`` samples, each the
    backward of enough graphs (built beforehand, untimed) to cover NODES_PER_SAMPLE nodes. One
    backward of 100 nodes takes about 0.1 ms: alone, just after a collection, it would time the
    caches refilling rather than the engine."""
    count = max(1, NODES_PER_SAMPLE // n)
    samples = []
    for _ in range(repeat):
        graphs = [make() for _ in range(count)]
        gc.collect()
        t0 = time.perf_counter()
        for graph in graphs:
            backward(graph)
        samples.append((time.perf_counter() - t0) / count)
        del graphs
    return min(samples)


def run(ctx: Context) -> list[Row]:
    np = ctx.numpy
    sizes = [100, 1000, 10_000] if ctx.quick else [100, 1000, 10_000, 100_000]
    per_node: dict[str, list[float]] = {}
    rows = []
    x0 = np.linspace(-1.0, 1.0, SIZE, dtype=np.float32)
    for n in sizes:
        repeat = (3 if n <= 1000 else 2) if ctx.quick else (7 if n <= 10_000 else 3)
        times = {}
        for name, mod in ctx.modules().items():
            x = mod.from_numpy(x0.copy()).requires_grad_()

            def backward(loss, x=x):
                loss.backward()
                x.grad = None

            times[name] = _time_backward(
                lambda mod=mod, x=x: build_chain(mod, x, n), backward, repeat, n
            )
        times["numpy"] = _time_backward(
            lambda: numpy_chain(np, x0, n)[1],
            lambda consts: numpy_backward(np, x0, consts),
            repeat,
            n,
        )
        us = {name: t / n * 1e6 for name, t in times.items()}
        for name, value in us.items():
            per_node.setdefault(name, []).append(value)
        rows.append(
            Row(
                NAME,
                f"backward per node, n={n:,}",
                "us/node",
                us.get("torch"),
                us["tensorkit"],
                us["numpy"],
            )
        )

    spread = {name: max(v) / min(v) for name, v in per_node.items()}
    rows.append(
        Row(
            NAME,
            "per-node max/min over n",
            "ratio",
            spread.get("torch"),
            spread["tensorkit"],
            spread["numpy"],
            target=f"tk <= {TARGET}",
            met=spread["tensorkit"] <= TARGET,
            is_time=False,
        )
    )
    med = statistics.median(per_node["tensorkit"])
    rows[-1].note = (
        "tensorkit per-node us: "
        + ", ".join(f"{v:.2f}" for v in per_node["tensorkit"])
        + f" (median {med:.2f})"
    )
    print_rows(ctx, rows)
    return rows
