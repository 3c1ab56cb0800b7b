"""O(1) operations: ``detach``, views, ``numpy()``, ``from_numpy`` at 10^3 and 10^7 elements; ``clone``.

Targets (DESIGN.md "Speed"): each O(1) op's time at 10^7 elements within 2x of its time at 10^3
(O(1) in the tensor's size); ``clone`` at 10^7 within 1.3x of ``numpy.copy`` (memory-copy speed).
The NumPy column holds the nearest NumPy operation, for scale.
"""

from __future__ import annotations

from ._common import Context, Row, measure, print_rows

NAME = "o1_ops"
TITLE = "4. O(1) ops (detach, views, numpy bridge) and clone"

SCALING_TARGET = 2.0
CLONE_TARGET = 1.3

# (label, op on a torch-like module and its tensors, NumPy counterpart on the array)
# ``g`` is a 2-d float32 tensor that requires grad, ``p`` the same data without grad, ``a`` the array.
OPS = [
    ("detach()", lambda torch, g, p, a: g.detach(), lambda np, a: a.view()),
    ("x[1:]", lambda torch, g, p, a: g[1:], lambda np, a: a[1:]),
    ("x.view(-1)", lambda torch, g, p, a: g.view(-1), lambda np, a: a.reshape(-1)),
    ("x.t()", lambda torch, g, p, a: g.t(), lambda np, a: a.T),
    ("numpy()", lambda torch, g, p, a: p.numpy(), lambda np, a: np.asarray(a)),
    ("from_numpy()", lambda torch, g, p, a: torch.from_numpy(a), lambda np, a: np.asarray(a)),
]


def shapes(quick: bool):
    # 2-d so that t() applies; 10^3 and 10^7 elements (10^3 and 10^5 with --quick).
    return [(10, 100), (100, 1000)] if quick else [(10, 100), (1000, 10_000)]


def run(ctx: Context) -> list[Row]:
    np = ctx.numpy
    repeat = 3 if ctx.quick else 7
    min_time = 0.002 if ctx.quick else 0.02
    small, large = shapes(ctx.quick)
    per_size = {}
    for shape in (small, large):
        a = np.random.default_rng(0).standard_normal(shape, dtype=np.float32)
        tensors = {
            name: (mod.from_numpy(a.copy()).requires_grad_(), mod.from_numpy(a.copy()))
            for name, mod in ctx.modules().items()
        }
        timings = {}
        for label, op, np_op in OPS:
            fns = {
                name: (lambda mod=mod, g=tensors[name][0], p=tensors[name][1]: op(mod, g, p, a))
                for name, mod in ctx.modules().items()
            }
            fns["numpy"] = lambda: np_op(np, a)
            timings[label] = measure(fns, repeat=repeat, min_time=min_time, collect=False)
        per_size[shape] = timings

    n_small, n_large = small[0] * small[1], large[0] * large[1]
    rows = []
    for label, _op, _np_op in OPS:
        t_small, t_large = per_size[small][label], per_size[large][label]
        us = {name: t_large[name].min * 1e6 for name in t_large}
        scaling = {name: t_large[name].min / t_small[name].min for name in t_large}
        rows.append(
            Row(
                NAME,
                f"{label} at {n_large:.0e}",
                "us",
                us.get("torch"),
                us["tensorkit"],
                us["numpy"],
            )
        )
        rows.append(
            Row(
                NAME,
                f"{label} t({n_large:.0e})/t({n_small:.0e})",
                "ratio",
                scaling.get("torch"),
                scaling["tensorkit"],
                scaling["numpy"],
                target=f"tk <= {SCALING_TARGET}",
                met=scaling["tensorkit"] <= SCALING_TARGET,
                is_time=False,
            )
        )

    # clone at memory-copy speed (the large size)
    a = np.random.default_rng(1).standard_normal(large, dtype=np.float32)
    fns = {
        name: (lambda t=mod.from_numpy(a.copy()): t.clone()) for name, mod in ctx.modules().items()
    }
    fns["numpy"] = lambda: np.copy(a)
    # a fresh 40 MB buffer per call: page faults make single calls noisy, so more samples here
    t = measure(fns, repeat=3 * repeat, min_time=5 * min_time)
    ms = {name: t[name].min * 1e3 for name in t}
    rows.append(
        Row(
            NAME,
            f"clone() vs np.copy at {n_large:.0e}",
            "ms",
            ms.get("torch"),
            ms["tensorkit"],
            ms["numpy"],
            target=f"tk/numpy <= {CLONE_TARGET}",
            met=ms["tensorkit"] / ms["numpy"] <= CLONE_TARGET,
        )
    )
    fns = {
        name: (lambda t=mod.from_numpy(a.copy()).requires_grad_(): t.clone())
        for name, mod in ctx.modules().items()
    }
    fns["numpy"] = lambda: np.copy(a)
    t = measure(fns, repeat=repeat, min_time=min_time)
    ms = {name: t[name].min * 1e3 for name in t}
    rows.append(
        Row(
            NAME,
            f"clone() of a leaf requiring grad at {n_large:.0e}",
            "ms",
            ms.get("torch"),
            ms["tensorkit"],
            ms["numpy"],
        )
    )
    print_rows(ctx, rows)
    return rows
