"""``python -m benchmarks --quick`` runs to the end: every benchmark runs and prints its name.

A smoke test only: the figures of a --quick run mean nothing, and no test ever asserts on a time.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

NAMES = [
    "per_op_overhead",
    "large_elementwise",
    "mlp_train_step",
    "o1_ops",
    "backward_scaling",
    "memory_training_loop",
    "gpu",
    "graph_pictures",
]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--no-save", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("args", [(), ("--no-torch",)], ids=["default", "no-torch"])
def test_quick_run_exits_0_and_names_every_benchmark(args):
    result = _run(*args)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    for name in NAMES:
        assert name in result.stdout, f"{name} missing from the output:\n{output}"
    assert "summary" in result.stdout
    assert "FAILED" not in result.stdout, output
    assert "!!" not in result.stdout, output  # a result that disagrees with the NumPy reference


def test_the_list_of_names_is_the_package_s():
    sys.path.insert(0, str(ROOT))
    try:
        import benchmarks
    finally:
        sys.path.remove(str(ROOT))
    assert [b.NAME for b in benchmarks.BENCHMARKS] == NAMES
