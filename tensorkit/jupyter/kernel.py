"""The "Python 3 (tensorkit)" kernel spec: an IPython kernel that loads the extension at start."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

DISPLAY_NAME = "Python 3 (tensorkit)"


def kernel_json(python: str | None = None) -> dict:
    """The spec: this Python running ipykernel, with ``tensorkit`` among its extensions."""
    return {
        "argv": [
            python or sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            "--ext=tensorkit",
        ],
        "display_name": DISPLAY_NAME,
        "language": "python",
        "metadata": {"debugger": True},
    }


def install(user: bool = False, prefix: str | None = None, name: str = "tensorkit") -> str:
    """Install the spec (with jupyter_client, as ``jupyter kernelspec install`` does); returns
    the directory it went to."""
    from jupyter_client.kernelspec import KernelSpecManager

    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / name
        spec.mkdir()
        (spec / "kernel.json").write_text(json.dumps(kernel_json(), indent=1) + "\n")
        return KernelSpecManager().install_kernel_spec(
            str(spec), kernel_name=name, user=user, prefix=None if user else prefix
        )
