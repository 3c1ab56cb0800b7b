"""Test-wide rules.

Under ``CI=true``, a test skipped for a missing tool fails instead (see tests/_tools.py). The
helper ``skip_missing_tool`` fails by itself; the hooks below catch every other skip whose reason
starts with ``"missing tool:"`` — a plain ``pytest.skip``, a ``skipif`` mark, or a skip at module
level during collection — and report it as a failure.
"""

from __future__ import annotations

import pytest
from _tools import MISSING_TOOL_PREFIX, running_in_ci, tensor_library

# Golden case files are scripts that the golden runner executes one case at a time, not modules:
# --doctest-modules (pyproject.toml) would otherwise import, and so run, each of them whole.
collect_ignore_glob = ["golden/cases/*.py"]


def _skip_reason(longrepr: object) -> str:
    """The reason of a skip report: its longrepr is (path, line, "Skipped: <reason>")."""
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        reason = str(longrepr[2])
    else:
        reason = str(longrepr)
    return reason.removeprefix("Skipped: ")


def _is_missing_tool_skip(report: pytest.TestReport | pytest.CollectReport) -> bool:
    return (
        report.skipped
        and not hasattr(report, "wasxfail")
        and _skip_reason(report.longrepr).startswith(MISSING_TOOL_PREFIX)
    )


def _fail_instead(report: pytest.TestReport | pytest.CollectReport) -> None:
    reason = _skip_reason(report.longrepr)
    report.outcome = "failed"
    report.longrepr = f"{reason}\n(CI=true: a test skipped for a missing tool fails instead)"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    if running_in_ci() and _is_missing_tool_skip(report):
        _fail_instead(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    report = yield
    if running_in_ci() and _is_missing_tool_skip(report):
        _fail_instead(report)
    return report


@pytest.fixture(params=["tensorkit", "torch"])
def t(request):
    """The tensor library a test runs on: tensorkit, then PyTorch (where it is installed), so
    one program checks that both behave alike."""
    return tensor_library(request.param)


def pytest_terminal_summary(terminalreporter) -> None:
    """What the browser tests measured, and where their screenshots are (tests/_lab.py)."""
    from _lab import REPORT

    if REPORT:
        terminalreporter.section("browser")
        for line in REPORT:
            terminalreporter.write_line(line)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--strict-device",
        action="store_true",
        help="run tensorkit's CPU tensors on the strict stand-in device (tests/strict_device.py): "
        "arrays that refuse to pass for NumPy arrays, as CuPy's do",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--strict-device", default=False):
        import os

        import strict_device

        from tensorkit import _backend

        _backend.use_namespaces(host=strict_device.host_namespace())
        # cases the golden runner starts in a fresh interpreter install it there too
        os.environ["TENSORKIT_STRICT_DEVICE"] = "1"
