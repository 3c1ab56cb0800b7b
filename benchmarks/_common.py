"""Shared machinery of the benchmarks: the run context, interleaved timing, result rows, tables.

Every benchmark module exposes ``NAME`` (printed, and looked for by the smoke test), ``TITLE``
and ``run(ctx) -> list[Row]``. A workload is written once as a function of the module ``torch``
and run with real PyTorch (when importable) and with ``tensorkit``; the hand-written NumPy
version of the same computation (forward and backward by hand) sits beside it.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Context:
    quick: bool
    torch: Any  # the real torch module, or None when it is not importable (or --no-torch)
    tensorkit: Any
    numpy: Any
    profile: bool = False
    log: Callable[[str], None] = print

    def modules(self) -> dict[str, Any]:
        """The torch-like modules to run a workload with: tensorkit, and torch when present."""
        mods = {}
        if self.torch is not None:
            mods["torch"] = self.torch
        mods["tensorkit"] = self.tensorkit
        return mods


@dataclass
class Timing:
    min: float  # seconds per call
    median: float
    repeat: int
    number: int
    samples: list[float] = field(default_factory=list)


@dataclass
class Row:
    """One figure of one benchmark, for the three implementations side by side.

    ``unit`` says what the values are. For times (``is_time``) the table adds the ratios
    tensorkit/torch and tensorkit/numpy. ``met`` is True/False for a figure with a target, None
    for an informational one or where the target cannot be judged (e.g. torch missing).
    """

    bench: str
    figure: str
    unit: str
    torch: float | None = None
    tensorkit: float | None = None
    numpy: float | None = None
    target: str = ""
    met: bool | None = None
    is_time: bool = True
    note: str = ""

    @property
    def tk_over_torch(self) -> float | None:
        return _ratio(self.tensorkit, self.torch) if self.is_time else None

    @property
    def tk_over_numpy(self) -> float | None:
        return _ratio(self.tensorkit, self.numpy) if self.is_time else None

    def as_dict(self) -> dict:
        d = asdict(self)
        d["tk_over_torch"] = self.tk_over_torch
        d["tk_over_numpy"] = self.tk_over_numpy
        return d


def _ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


# ---------------------------------------------------------------------------------------- timing


def _time_calls(fn: Callable[[], Any], number: int) -> float:
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - t0) / number


def measure(
    fns: dict[str, Callable[[], Any]],
    *,
    repeat: int = 7,
    min_time: float = 0.02,
    warmup: int = 2,
    max_number: int = 100_000,
    collect: bool = True,
    settle: float = 0.0,
) -> dict[str, Timing]:
    """Time each callable, timeit-style, and return min and median seconds per call.

    Each callable is warmed up ``warmup`` times, then the number of calls per sample is chosen so
    that one sample lasts about ``min_time``. The samples are interleaved (round r times every
    callable once, in a rotating order) so that a slow patch of a shared machine, or another
    library's threads still spinning after its turn, hits all implementations alike. The
    garbage collector stays enabled (a cost users pay); with ``collect`` it also runs before each
    round, so that one implementation's garbage is not collected on another's time.

    With ``settle`` the machine idles that many seconds before each sample, for workloads with
    threaded BLAS calls: OpenBLAS's idle threads (NumPy's, and so tensorkit's) busy-wait 2**28
    cycles, about 0.1 s, after every threaded call, and PyTorch's OpenMP threads spin too. On a
    machine with few cores the spinning threads of the implementation that ran last slow down
    the next one, and in a rotation of three, each does not follow each other one equally often.
    (Workloads of small ops are better without: an idle pause leaves their first calls cold.)
    """
    numbers = {}
    for name, fn in fns.items():
        t_one = 0.0
        for _ in range(max(1, warmup)):
            t_one = _time_calls(fn, 1)
        numbers[name] = max(1, min(max_number, int(min_time / max(t_one, 1e-9))))
    samples: dict[str, list[float]] = {name: [] for name in fns}
    names = list(fns)
    gc.collect()
    for round_number in range(repeat):
        if collect:
            gc.collect()
        # Rotate who goes first: PyTorch's BLAS threads keep spinning for a while after its
        # work, and whoever always ran right after it would pay for that on every sample.
        start = round_number % len(names)
        for name in names[start:] + names[:start]:
            time.sleep(settle)
            samples[name].append(_time_calls(fns[name], numbers[name]))
    return {
        name: Timing(min(s), statistics.median(s), repeat, numbers[name], s)
        for name, s in samples.items()
    }


# ---------------------------------------------------------------------------------------- checks


def max_rel_err(a, b, np) -> float:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    scale = max(float(np.max(np.abs(b))) if b.size else 0.0, 1e-12)
    return float(np.max(np.abs(a - b))) / scale if a.size else 0.0


def check_close(
    ctx: Context, what: str, values: dict[str, Any], reference: str = "numpy", tol: float = 1e-3
) -> bool:
    """Print a warning line when an implementation's result disagrees with the reference's."""
    np = ctx.numpy
    ref = values[reference]
    ok = True
    for name, value in values.items():
        if name == reference:
            continue
        if isinstance(value, (list, tuple)):
            errs = [max_rel_err(v, r, np) for v, r in zip(value, ref)]
            err = max(errs) if errs else 0.0
        else:
            err = max_rel_err(value, ref, np)
        if not err <= tol:
            ctx.log(f"  !! {what}: {name} differs from {reference} (max rel. error {err:.2e})")
            ok = False
    return ok


def to_numpy(value, np):
    """A result (tensor of either library, array, number) as a NumPy array."""
    if hasattr(value, "detach"):
        value = value.detach()
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        return np.array(value.numpy(), copy=True)
    return np.array(value, copy=True)


# ---------------------------------------------------------------------------------------- tables


def fmt(value, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - magnitude)
    if abs(value) >= 1e6:
        return f"{value:.{digits - 1}e}"
    return f"{value:.{decimals}f}"


def fmt_ratio(value) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def met_text(met: bool | None) -> str:
    return {True: "yes", False: "NO", None: "-"}[met]


def render_table(headers: list[str], rows: list[list[str]], align: str | None = None) -> str:
    """A plain-text table; ``align`` has one of 'l'/'r' per column (default: first left, rest right)."""
    align = align or ("l" + "r" * (len(headers) - 1))
    widths = [
        max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
        for i, h in enumerate(headers)
    ]

    def line(cells):
        out = []
        for cell, width, a in zip(cells, widths, align):
            out.append(str(cell).ljust(width) if a == "l" else str(cell).rjust(width))
        return "  ".join(out).rstrip()

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])


ROW_HEADERS = [
    "figure",
    "unit",
    "torch",
    "tensorkit",
    "numpy",
    "tk/torch",
    "tk/numpy",
    "target",
    "met",
]


def row_cells(row: Row, with_bench: bool = False) -> list[str]:
    cells = [
        row.figure,
        row.unit,
        fmt(row.torch),
        fmt(row.tensorkit),
        fmt(row.numpy),
        fmt_ratio(row.tk_over_torch),
        fmt_ratio(row.tk_over_numpy),
        row.target or "-",
        met_text(row.met),
    ]
    return ([row.bench] if with_bench else []) + cells


def print_rows(ctx: Context, rows: list[Row]) -> None:
    ctx.log(render_table(ROW_HEADERS, [row_cells(r) for r in rows], "ll" + "r" * 6 + "lr"))
    for r in rows:
        if r.note:
            ctx.log(f"  note ({r.figure}): {r.note}")
