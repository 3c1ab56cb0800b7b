"""Golden tests: tensorkit against PyTorch's recorded behaviour.

The cases live in tests/golden/cases/NN_topic.py and PyTorch's output for them in
tests/golden/expected/NN_topic.json (re-record with ``python scripts/record_golden.py``). See
tests/golden/runner.py for the format and for what ``normalize`` makes comparable.

* ``test_case``: each case run against tensorkit prints, warns and raises what PyTorch did.
* ``test_recording_is_current``: the same case run against real PyTorch, where it is installed,
  still gives the recording (the live comparison).
* ``test_expected_files_match_cases``: every case has a recording made from its current source,
  and no recording is left over from a case that is gone.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
RECORDED_TORCH = "2.13"


def _load_runner():
    name = "tensorkit_golden_runner"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, GOLDEN_DIR / "runner.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


runner = _load_runner()
CASES = runner.all_cases()

# Cases that need parts of tensorkit another issue builds. They are strict expected failures:
# the day that part lands, the case passes and strict=True makes the suite say so.
NEEDS_LATER_ISSUE: dict[str, str] = {}


def _case_param(case):
    reason = NEEDS_LATER_ISSUE.get(case.id)
    marks = [pytest.mark.xfail(reason=f"needs {reason}", strict=True)] if reason else []
    return pytest.param(case, id=case.id, marks=marks)


CASE_PARAMS = [pytest.param(case, id=case.id) for case in CASES]
TENSORKIT_CASE_PARAMS = [_case_param(case) for case in CASES]
_expected_cache: dict[str, dict] = {}


def expected_for(case) -> dict:
    if case.file not in _expected_cache:
        case_file = runner.CASES_DIR / f"{case.file}.py"
        if not runner.expected_path(case_file).exists():
            pytest.fail(
                f"{case.file} has no recording: run "
                f"`python scripts/record_golden.py --only {case.file}` where torch is installed"
            )
        _expected_cache[case.file] = runner.load_expected(case_file)
    recorded = _expected_cache[case.file].get(case.name)
    if recorded is None:
        pytest.fail(
            f"{case.id} has not been recorded: run scripts/record_golden.py --only {case.file}"
        )
    if recorded["source"] != case.source:
        pytest.fail(
            f"{case.id} changed since it was recorded: run scripts/record_golden.py --only {case.file}"
        )
    return recorded


def _skip_missing_tool(tool: str, why: str) -> None:
    try:
        from _tools import skip_missing_tool  # tests/ on sys.path (rootdir-relative imports)
    except ImportError:
        try:
            from tests._tools import skip_missing_tool  # tests/ as a package
        except ImportError:
            skip_missing_tool = None
    if skip_missing_tool is not None:
        skip_missing_tool(tool, why)
    pytest.skip(f"missing tool: {tool}: {why}")


def assert_same(actual: dict, recorded: dict) -> None:
    got = runner.normalize_result(actual)
    want = runner.normalize_result(recorded)
    # Compare field by field so pytest shows a readable diff of the one that differs.
    assert got["error"] == want["error"], "error differs"
    assert got["stdout"] == want["stdout"], "stdout differs"
    assert got["warnings"] == want["warnings"], "warnings differ"


@pytest.mark.parametrize("case", TENSORKIT_CASE_PARAMS)
def test_case(case):
    """tensorkit prints, warns and raises what PyTorch 2.13 did for this case."""
    recorded = expected_for(case)
    actual = runner.run_case(case.source, "tensorkit", fresh_process=case.fresh_process)
    assert_same(actual, recorded)


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_recording_is_current(case):
    """Live comparison: real PyTorch still does what the recording says."""
    if importlib.util.find_spec("torch") is None:
        _skip_missing_tool("torch", "the live comparison needs PyTorch (pip install torch==2.13.0)")
    import torch

    if not torch.__version__.startswith(RECORDED_TORCH):
        _skip_missing_tool(
            "torch",
            f"torch {torch.__version__} is installed; the recordings are from torch "
            f"{RECORDED_TORCH} (pip install torch==2.13.0)",
        )
    recorded = expected_for(case)
    actual = runner.run_case(case.source, "torch", fresh_process=case.fresh_process)
    assert_same(actual, recorded)


def test_expected_files_match_cases():
    """Every case file has a recording with the same cases, in order, from the same source."""
    problems = []
    case_files = runner.case_files()
    assert case_files, f"no case files in {runner.CASES_DIR}"
    for path in case_files:
        expected_file = runner.expected_path(path)
        if not expected_file.exists():
            problems.append(f"{path.name}: no recording {expected_file.name}")
            continue
        recorded = runner.load_expected(path)
        cases = runner.parse_cases(path)
        names = [c.name for c in cases]
        missing = [n for n in names if n not in recorded]
        stale = [n for n in recorded if n not in names]
        if missing:
            problems.append(f"{path.stem}: unrecorded cases {missing}")
        if stale:
            problems.append(f"{path.stem}: recordings of cases that no longer exist {stale}")
        if not missing and not stale and list(recorded) != names:
            problems.append(f"{path.stem}: recording lists the cases in another order")
        for case in cases:
            entry = recorded.get(case.name)
            if entry is None:
                continue
            if set(entry) != {"source", "stdout", "warnings", "error"}:
                problems.append(f"{case.id}: recording has keys {sorted(entry)}")
            elif entry["source"] != case.source:
                problems.append(f"{case.id}: source changed since it was recorded")
    case_stems = {p.stem for p in case_files}
    for orphan in sorted(runner.EXPECTED_DIR.glob("*.json")):
        if orphan.stem not in case_stems:
            problems.append(f"{orphan.name}: recording without a case file")
    assert not problems, "re-run scripts/record_golden.py:\n" + "\n".join(problems)


def test_case_names_are_unique_across_ids():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 250


def test_rewrite_imports_points_torch_at_tensorkit():
    source = (
        "import torch\n"
        "import torch.nn as nn\n"
        "import torch.nn.functional as F\n"
        "import torch, copy\n"
        "import torch.nn\n"
        "from torch import nn\n"
        "from torch.autograd import Function, grad as g\n"
        "import torchvision_like_name\n"
        "def f():\n"
        "    import torch\n"
        "    return 'import torch'\n"
    )
    assert runner.rewrite_imports(source) == (
        "import tensorkit as torch\n"
        "import tensorkit.nn as nn\n"
        "import tensorkit.nn.functional as F\n"
        "import tensorkit as torch; import copy\n"
        "import tensorkit.nn; import tensorkit as torch\n"
        "from tensorkit import nn\n"
        "from tensorkit.autograd import Function, grad as g\n"
        "import torchvision_like_name\n"
        "def f():\n"
        "    import tensorkit as torch\n"
        "    return 'import torch'\n"
    )


def test_normalize():
    text = (
        "x is torch.float64, <MulBackward0 object at 0x7f3A9c>, PyTorch does not; "
        "pytorch/pytorch/pull/1 stays; Warn (Triggered internally at /__w/pytorch/a.cpp:1.)"
    )
    assert runner.normalize(text) == (
        "x is tensorkit.float64, <MulBackward0 object at 0x…>, tensorkit does not; "
        "pytorch/pytorch/pull/1 stays; Warn"
    )
    assert runner.normalize(None) is None


def test_runner_reports_stdout_warnings_and_error():
    source = (
        "import warnings\n"
        "print('a')\n"
        "warnings.warn('careful')\n"
        "warnings.warn('careful')\n"
        "raise ValueError('bad value')\n"
    )
    for fresh in (False, True):
        result = runner.run_case(source, "torch", fresh_process=fresh)
        assert result == {
            "stdout": "a\n",
            "warnings": ["UserWarning: careful", "UserWarning: careful"],
            "error": "ValueError: bad value",
        }


def test_runner_drops_numpy_version_warnings():
    source = (
        "import warnings\n"
        "warnings.warn('__array__ implementation doesn\\'t accept a copy keyword', DeprecationWarning)\n"
        "warnings.warn('kept', DeprecationWarning)\n"
    )
    result = runner.run_case(source, "torch")
    assert result["warnings"] == ["DeprecationWarning: kept"]
