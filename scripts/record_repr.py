"""Record PyTorch's repr of many tensors into tests/golden/data/repr.json.

Each case is a NumPy expression (evaluated with only ``np`` in scope), what to do with the tensor
before printing it (make it require grad, pass it through an op for a grad_fn, view it as a tensor
subclass for another prefix), and the text ``repr`` gives. tests/test_formatting.py replays the
cases through tensorkit's formatter without PyTorch.

Run from the repository root with PyTorch installed:

    python scripts/record_repr.py
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tensorkit._backend import numpy as np

OUTPUT = REPO / "tests" / "golden" / "data" / "repr.json"


@dataclass
class Case:
    expr: str
    requires_grad: bool = False  # call requires_grad_() (float tensors only)
    op: str | None = None  # "mul", "clone" or "custom": gives the tensor a grad_fn
    prefix: str = "tensor("  # another prefix views the tensor as a subclass of that name


class AVeryLongCustomAutogradFunctionName(torch.autograd.Function):
    """An op whose grad_fn name is long enough to wrap on its own line."""

    @staticmethod
    def forward(ctx, tensor):
        return tensor.clone()

    @staticmethod
    def backward(ctx, grad):
        return grad


OPS = {
    "mul": lambda tensor: tensor * 1,
    "clone": lambda tensor: tensor.clone(),
    "custom": AVeryLongCustomAutogradFunctionName.apply,
}


def cases() -> list[Case]:
    """The recorded cases, grouped by the rule of TORCH_SEMANTICS.md §3 they exercise."""
    out: list[Case] = []

    def add(*exprs: str, **flags) -> None:
        out.extend(Case(expr, **flags) for expr in exprs)

    # Dtype suffix: hidden for float32, int64 and bool, shown for the others.
    add(
        "np.array([1., 2.], dtype=np.float32)",
        "np.array([1., 2.], dtype=np.float64)",
        "np.array([1., 2.], dtype=np.float16)",
        "np.array([1, 2], dtype=np.int64)",
        "np.array([1, 2], dtype=np.int32)",
        "np.array([1, 2], dtype=np.int16)",
        "np.array([1, 2], dtype=np.int8)",
        "np.array([1, 2], dtype=np.uint8)",
        "np.array([True, False])",
    )

    # Empty tensors: dtype shown for all but float32; size shown unless 1-d.
    every_dtype = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8"]
    for dtype in [*every_dtype, "bool_"]:
        add(f"np.zeros((0,), dtype=np.{dtype})")
    for shape in ("(0, 3)", "(3, 0)", "(2, 0, 3)", "(0, 0)", "(1, 0, 1, 2)"):
        add(f"np.zeros({shape}, dtype=np.float32)", f"np.zeros({shape}, dtype=np.int64)")
    add("np.zeros((0, 3), dtype=np.bool_)", "np.zeros((2, 0), dtype=np.float64)")
    add("np.zeros((0,), dtype=np.float32)", requires_grad=True)
    add("np.zeros((0, 3), dtype=np.float64)", requires_grad=True)
    add("np.zeros((0, 3), dtype=np.float32)", requires_grad=True, op="mul")

    # Autograd suffixes: requires_grad=True on leaves, grad_fn=<...> (never both) on results.
    add("np.ones(5, dtype=np.float32)", requires_grad=True)
    add("np.ones(5, dtype=np.float32)", requires_grad=True, op="clone")
    add("np.ones(5, dtype=np.float32)", requires_grad=True, op="mul")
    add("np.array(2.5, dtype=np.float64)", requires_grad=True, op="mul")
    add("np.arange(4., dtype=np.float16)", requires_grad=True, op="mul")
    add("np.ones(3, dtype=np.float32)", requires_grad=True, op="custom")
    add("np.ones(3, dtype=np.float64)", requires_grad=True, op="custom")

    # Suffix wrapping: one line fills up towards 80 columns, then each suffix wraps on its own.
    for length in range(6, 15):
        add(f"np.arange({length}., dtype=np.float64)", requires_grad=True)
    for length in (8, 9, 12, 13):
        add(f"np.arange({length}., dtype=np.float64)", requires_grad=True, op="mul")
        add(f"np.arange({length}., dtype=np.float32)", requires_grad=True, op="custom")
    for columns in (3, 4, 5, 6, 7):
        add(
            f"np.arange({2 * columns}., dtype=np.float64).reshape(2, {columns}) / 3",
            requires_grad=True,
        )
    add("np.arange(30., dtype=np.float64)", requires_grad=True, op="mul")
    add("np.arange(30., dtype=np.float64).reshape(3, 10) * 1.5", requires_grad=True)
    add("np.arange(15, dtype=np.int32)", "np.arange(17, dtype=np.int16)")
    add("np.arange(20, dtype=np.int8)")
    add("np.zeros((0, 3), dtype=np.float64)", requires_grad=True, op="custom")

    # Int mode, and sci mode chosen by the ratio and the extremes of nonzero finite magnitudes.
    add(
        "np.array([1000., 1.], dtype=np.float32)",
        "np.array([1001., 1.], dtype=np.float32)",
        "np.array([1e8], dtype=np.float32)",
        "np.array([1.5e8], dtype=np.float32)",
        "np.array([99999999.], dtype=np.float64)",
        "np.array([100000001.], dtype=np.float64)",
        "np.array([1e-4], dtype=np.float32)",
        "np.array([1e-4], dtype=np.float64)",
        "np.array([1e-5, 1.0], dtype=np.float32)",
        "np.array([0.1, 0.25, 1.5], dtype=np.float32)",
        "np.array([1.23456], dtype=np.float32)",
        "np.array([100., 0.5], dtype=np.float32)",
        "np.array([999.5, 1.], dtype=np.float32)",
        "np.array([1000.5, 1.], dtype=np.float32)",
        "np.array([0.99995, 0.5], dtype=np.float64)",
        "np.array([0.00015, 0.1], dtype=np.float64)",
        "np.array([1e-10, -1e10], dtype=np.float64)",
        "np.array([1e300, 1e-300], dtype=np.float64)",
        "np.array([1e-310, 1.], dtype=np.float64)",
        "np.array([-1e-5, 2e-5, -3e-5], dtype=np.float32)",
        "np.array([1e10, 2e10], dtype=np.float32)",
        "np.array([123456789., 1.], dtype=np.float64)",
        "np.array([3e38, -3e38], dtype=np.float32)",
        "np.array([np.finfo(np.float32).tiny, np.finfo(np.float32).eps], dtype=np.float32)",
        "np.array([12345.678, 0.5], dtype=np.float32)",
        "np.array([12345.678], dtype=np.float32)",
    )

    # nan and inf: printed bare, never counted in the width.
    add(
        "np.array([np.nan, 1.5], dtype=np.float32)",
        "np.array([np.nan, np.inf, -np.inf, 1.], dtype=np.float32)",
        "np.array([np.nan, np.inf, -np.inf], dtype=np.float32)",
        "np.array([np.nan], dtype=np.float64)",
        "np.array([np.inf, 1e-5], dtype=np.float32)",
        "np.array([-np.inf, 12345.5, np.nan], dtype=np.float64)",
        "np.array([np.nan, -0., 0.], dtype=np.float32)",
        "np.array([[np.nan, 1.], [np.inf, -100.]], dtype=np.float32)",
        "np.array([np.inf, -np.inf, 0.1], dtype=np.float16)",
    )

    # Zeros: width 1 when all are zero; -0. keeps its sign.
    add(
        "np.zeros(5, dtype=np.float32)",
        "np.zeros((2, 3), dtype=np.float64)",
        "np.array([-0.], dtype=np.float32)",
        "np.array([0., -0.], dtype=np.float32)",
        "np.array([-0., 1.], dtype=np.float32)",
        "np.array([-0., 1.5], dtype=np.float32)",
        "np.array([-0., 1e-5], dtype=np.float32)",
        "np.array([-0., -1.], dtype=np.float32)",
        "np.zeros(4, dtype=np.int32)",
        "np.zeros(4, dtype=np.bool_)",
    )

    # Negative numbers widen the column; integers and bools are right-aligned.
    add(
        "np.array([-1., 2., 10.], dtype=np.float32)",
        "np.array([-1.5, 2.25], dtype=np.float32)",
        "np.array([-1, 2, 300])",
        "np.array([True, False])",
        "np.array([[True, False], [False, True]])",
        "np.array([-128, 127], dtype=np.int8)",
        "np.array([0, 255], dtype=np.uint8)",
        "np.array([-32768, 32767], dtype=np.int16)",
        "np.array([2**31 - 1, -2**31, 0], dtype=np.int32)",
        "np.array([2**63 - 1, -2**63], dtype=np.int64)",
        "np.array([[1, -1000000], [3, 4]], dtype=np.int32)",
    )

    # 0-dim tensors.
    add(
        "np.array(3., dtype=np.float32)",
        "np.array(0.1, dtype=np.float32)",
        "np.array(3)",
        "np.array(True)",
        "np.array(False)",
        "np.array(np.nan, dtype=np.float32)",
        "np.array(np.inf, dtype=np.float32)",
        "np.array(-np.inf, dtype=np.float16)",
        "np.array(1.23456e8, dtype=np.float32)",
        "np.array(2., dtype=np.float64)",
        "np.array(-0., dtype=np.float32)",
        "np.array(0., dtype=np.float16)",
        "np.array(1e-5, dtype=np.float64)",
        "np.array(-7, dtype=np.int32)",
        "np.array(200, dtype=np.uint8)",
    )
    add("np.array(3., dtype=np.float32)", requires_grad=True)
    add("np.array(3., dtype=np.float16)", requires_grad=True, op="mul")

    # Layout: elements per line, continuation indent, nested brackets, blank lines between blocks.
    add(
        "np.arange(30.)",
        "np.arange(30)",
        "np.arange(30., dtype=np.float32)",
        "np.arange(100., dtype=np.float32) / 7",
        "np.arange(200, dtype=np.int32) * 1000",
        "np.arange(6.).reshape(2, 3)",
        "np.arange(12, dtype=np.float32).reshape(3, 4) / 4",
        "np.arange(24, dtype=np.float32).reshape(2, 3, 4)",
        "np.arange(24).reshape(2, 3, 4)",
        "np.arange(48, dtype=np.float32).reshape(2, 2, 3, 4)",
        "np.arange(64, dtype=np.float32).reshape(2, 2, 2, 2, 4) - 32",
        "np.arange(90., dtype=np.float32).reshape(3, 30)",
        "np.arange(90, dtype=np.int32).reshape(3, 30) - 45",
        "np.arange(120., dtype=np.float32).reshape(2, 2, 30) / 9",
        "np.arange(60., dtype=np.float32).reshape(2, 30) * 1e5",
        "np.ones((1, 1), dtype=np.float32)",
        "np.ones((1, 1, 1, 1), dtype=np.int64)",
        "np.ones((3, 1, 2), dtype=np.bool_)",
        "np.eye(4, dtype=np.float32)",
    )

    # Summarisation above 1000 elements: only printed values choose the format.
    add(
        "np.arange(1000)",
        "np.arange(1001)",
        "np.arange(1001.)",
        "np.ones(2000, dtype=np.float32)",
        "np.arange(40 * 40, dtype=np.float32).reshape(40, 40)",
        "np.arange(11 ** 3, dtype=np.float32).reshape(11, 11, 11)",
        "np.arange(2000, dtype=np.int32).reshape(2, 1000)",
        "np.arange(1001, dtype=np.float32).reshape(1001, 1)",
        "np.arange(7 ** 4, dtype=np.float32).reshape(7, 7, 7, 7) / 3",
        "np.arange(6 ** 4, dtype=np.float32).reshape(6, 6, 6, 6)",
        "np.arange(3 * 4 * 10 * 10).reshape(3, 4, 10, 10)",
        "np.ones((40, 40), dtype=np.bool_)",
        "np.concatenate([np.arange(3.), np.full(1000, 0.5), np.arange(3.)])",
        "np.concatenate([np.ones(3), np.full(1000, np.nan), np.ones(3)])",
        "np.concatenate([np.ones(3), np.full(1000, 1e-9), np.ones(3) * 2])",
        "np.concatenate([[1], np.full(1000, -10**9), [2]]).astype(np.int64)",
        "np.linspace(-1e6, 1e6, 1500, dtype=np.float32)",
        "np.zeros(5000, dtype=np.float16)",
        "np.random.default_rng(1).standard_normal((50, 50)).astype(np.float32)",
        "np.random.default_rng(2).standard_normal((20, 30, 40))",
    )
    add("np.ones(2000, dtype=np.float32)", requires_grad=True)
    add("np.arange(1001.)", requires_grad=True, op="mul")
    add("np.arange(40 * 40, dtype=np.float32).reshape(40, 40)", requires_grad=True, op="custom")

    # Non-contiguous arrays: transposes, step slices, reversed and broadcast views.
    add(
        "np.arange(12.).reshape(3, 4).T",
        "np.arange(24, dtype=np.float32).reshape(2, 3, 4).transpose(2, 0, 1)",
        "np.arange(20, dtype=np.float32)[::3]",
        "np.arange(30, dtype=np.int32).reshape(5, 6)[:, ::2]",
        "np.arange(10.)[::-1]",
        "np.arange(12, dtype=np.float32).reshape(3, 4)[::-1, 1:]",
        "np.broadcast_to(np.arange(3, dtype=np.float32), (4, 3))",
        "np.arange(3000, dtype=np.float32).reshape(30, 100).T[::2]",
        "np.asfortranarray(np.arange(12, dtype=np.float64).reshape(3, 4) / 8)",
    )

    # float16: its own rounding, range and subnormals.
    add(
        "np.array([0.1, 1 / 3, 65504.], dtype=np.float16)",
        "np.array([0.1, 1 / 3, 2.], dtype=np.float16)",
        "np.array([6e-8, 1.], dtype=np.float16)",
        "np.array([1e-4, 1e-3], dtype=np.float16)",
        "np.array([65504., -65504.], dtype=np.float16)",
        "np.array([2049., 1.], dtype=np.float16)",
        "np.arange(-8, 8, dtype=np.float16) / 3",
        "np.random.default_rng(3).standard_normal((4, 5)).astype(np.float16)",
    )

    # Random values at every magnitude, each dtype.
    for exponent in range(-8, 13, 2):
        normal = f"np.random.default_rng({exponent + 100}).standard_normal(7)"
        add(f"{normal}.astype(np.float32) * 1e{exponent}")
    for seed in range(4):
        add(
            f"np.random.default_rng({seed}).standard_normal((3, 5))",
            f"np.random.default_rng({seed}).uniform(-1e4, 1e4, (2, 3, 4)).astype(np.float32)",
            f"np.random.default_rng({seed}).integers(-10**6, 10**6, (4, 6), dtype=np.int32)",
            f"np.random.default_rng({seed}).integers(0, 2, 12).astype(np.bool_)",
            f"np.random.default_rng({seed}).lognormal(0, 6, 10).astype(np.float32)",
        )
    add(
        "np.where(np.random.default_rng(9).random((5, 6)) < 0.2, np.nan,"
        " np.random.default_rng(10).standard_normal((5, 6)))",
        "np.random.default_rng(11).integers(-50, 50, (3, 4, 5)).astype(np.float32)",
        "np.random.default_rng(12).integers(-50, 50, (2, 3, 2, 5)).astype(np.float16)",
        "np.random.default_rng(13).standard_normal((2, 2, 2, 2)).astype(np.float32) * 1e-6",
    )

    # Other prefixes (a tensor subclass prints its class name): indents follow the prefix length.
    for prefix in ("Box(", "AVeryLongTensorSubclassName("):
        add(
            "np.arange(30.)",
            "np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 5",
            "np.arange(1001)",
            "np.zeros((0, 3), dtype=np.int32)",
            prefix=prefix,
        )
        add("np.arange(12., dtype=np.float64)", requires_grad=True, prefix=prefix)

    return out


def record(case: Case) -> dict:
    """What PyTorch prints for ``case``, with the facts the formatter needs to print it."""
    array = np.asarray(eval(case.expr, {"np": np}))
    if not array.flags.writeable or any(stride < 0 for stride in array.strides):
        # from_numpy refuses negative strides and warns on read-only arrays; the repr depends
        # only on the values, so a copy prints the same.
        array = array.copy()
    tensor = torch.from_numpy(array)
    if case.requires_grad:
        tensor.requires_grad_()
    if case.op is not None:
        tensor = OPS[case.op](tensor)
    if case.prefix != "tensor(":
        tensor = tensor.as_subclass(type(case.prefix.removesuffix("("), (torch.Tensor,), {}))
    return {
        **asdict(case),
        "requires_grad": tensor.requires_grad,
        "dtype": str(tensor.dtype).removeprefix("torch."),
        "grad_fn": None if tensor.grad_fn is None else type(tensor.grad_fn).__name__,
        "repr": repr(tensor),
    }


def main() -> None:
    records = [record(case) for case in cases()]
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps({"torch": torch.__version__, "cases": records}, indent=1) + "\n")
    where = OUTPUT.relative_to(REPO)
    print(f"recorded {len(records)} cases from torch {torch.__version__} into {where}")


if __name__ == "__main__":
    main()
