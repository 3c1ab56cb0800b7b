"""The code reads as STYLE.md asks: ruff's lint rules pass and the files are in ruff's format."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _tools import skip_missing_tool

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ["tensorkit", "widgets", "tests", "benchmarks", "scripts"]


def _ruff() -> list[str]:
    try:
        import ruff  # noqa: F401  (installed with the test extra)
    except ImportError:
        if shutil.which("ruff") is None:
            skip_missing_tool(
                "ruff", "the lint check runs ruff (pip install ruff, or the test extra)"
            )
        return ["ruff"]
    return [sys.executable, "-m", "ruff"]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_is_clean(command):
    result = subprocess.run(
        [*_ruff(), *command, *CHECKED], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
