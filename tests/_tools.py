"""Helpers shared by the tests.

The rule for missing tools: a test that cannot run because a tool is missing (a browser, a Jupyter
package, PyTorch, ...) skips on a developer's machine, but fails under ``CI=true``, where every tool
is meant to be installed by ``.ci/run`` — so a broken install step cannot hide behind green skips.
Call :func:`skip_missing_tool`, or skip with a reason that starts with ``"missing tool:"``
(tests/conftest.py turns such skips into failures under CI). Skips for other reasons, such as
"no CUDA GPU on this machine", stay skips.

The tests import this module as ``from _tools import skip_missing_tool`` (``tests/`` is on
``sys.path`` because it holds the conftest.py and is not a package).
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

MISSING_TOOL_PREFIX = "missing tool:"


def running_in_ci() -> bool:
    """True when the environment variable ``CI`` is ``true``, as .ci/run and CI services set it."""
    return os.environ.get("CI", "").strip().lower() == "true"


def tensor_library(name: str):
    """``tensorkit``, or for ``"torch"`` PyTorch itself (a missing-tool skip where it is not
    installed): the ``t`` fixture of tests/conftest.py runs a test on both."""
    if name == "torch":
        try:
            import torch
        except ImportError:
            skip_missing_tool("torch", "the same program is checked against PyTorch itself")
        return torch
    import tensorkit

    return tensorkit


def skip_missing_tool(tool: str, why: str) -> NoReturn:
    """Skip the current test because ``tool`` is missing; under ``CI=true``, fail it instead.

    ``why`` says what the tool is needed for, e.g.
    ``skip_missing_tool("chromium", "the widget tests drive JupyterLab in a browser")``.
    """
    message = f"{MISSING_TOOL_PREFIX} {tool}: {why}"
    if running_in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
