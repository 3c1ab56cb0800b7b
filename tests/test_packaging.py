"""The project's packaging keeps its promises: one list of packages in pyproject.toml and
environment.yml, a core that imports no Jupyter or GPU package, NumPy/CuPy named in one module only,
a README that opens with the two commands, and CI's rule that a missing tool fails a test.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from xml.etree import ElementTree

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # the test extra installs tomli on Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"

# Where conda-forge and PyPI name one package differently: PyPI name -> conda-forge name.
PYPI_TO_CONDA = {
    "cupy-cuda13x": "cupy",  # PyPI ships one CuPy wheel per CUDA major; conda-forge one package
    "cupy-cuda12x": "cupy",
    "torch": "pytorch",
}
# Entries of environment.yml that are the environment itself, not tensorkit's dependencies.
CONDA_ONLY = {"python", "pip"}


def normalise(requirement: str) -> str:
    """A package's name from a PyPI or conda requirement.

    'PyYAML>=6; python_version<"3.11"' -> 'pyyaml', 'typing_extensions' -> 'typing-extensions'.
    """
    name = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert name, f"no package name in {requirement!r}"
    return re.sub(r"[-_.]+", "-", name.group(1)).lower()


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def pyproject_packages() -> set[str]:
    """Every package pyproject.toml names, runtime and all extras, in conda-forge's names."""
    project = pyproject()["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    names = {normalise(r) for r in requirements}
    return {PYPI_TO_CONDA.get(name, name) for name in names if name != "tensorkit"}


def environment_text() -> str:
    return (ROOT / "environment.yml").read_text()


def environment_active_packages() -> set[str]:
    """The conda and pip packages environment.yml installs."""
    environment = yaml.safe_load(environment_text())
    names: set[str] = set()
    for entry in environment["dependencies"]:
        if isinstance(entry, dict):  # the pip: section
            names |= {normalise(r) for r in entry["pip"] if not r.startswith("-")}
        else:
            names.add(normalise(entry))
    return names - CONDA_ONLY


def environment_optional_packages() -> set[str]:
    """The commented-out entries ('  # - cupy') that stand for pyproject's opt-in extras."""
    return {normalise(m) for m in re.findall(r"(?m)^\s*#\s*-\s+(\S+)\s*$", environment_text())}


# (a) ---------------------------------------------------------------------------------------------


def test_environment_yml_names_the_same_packages_as_pyproject():
    active = environment_active_packages()
    optional = environment_optional_packages()
    assert active | optional == pyproject_packages()
    assert not active & optional, "a package is both installed and commented out"


def test_environment_yml_installs_what_make_venv_installs():
    # make venv installs .[jupyter,lab,test]; conda users get the same, the rest commented out.
    project = pyproject()["project"]
    extras = project["optional-dependencies"]
    requirements = project["dependencies"] + extras["jupyter"] + extras["lab"] + extras["test"]
    assert environment_active_packages() == {normalise(r) for r in requirements}
    assert 'install -e ".[jupyter,lab,test]"' in (ROOT / "Makefile").read_text()


def test_environment_yml_installs_the_project_itself():
    pip_sections = [
        e["pip"] for e in yaml.safe_load(environment_text())["dependencies"] if isinstance(e, dict)
    ]
    assert ["-e ."] in [
        [r.strip() for r in section if r.startswith("-")] for section in pip_sections
    ]


def test_torch_is_pinned_wherever_it_is_named():
    # An unpinned torch pulls a CUDA build of several GB.
    for extra in pyproject()["project"]["optional-dependencies"].values():
        for requirement in extra:
            if normalise(requirement) == "torch":
                assert requirement.replace(" ", "") == "torch==2.13.0"
    assert "pip install torch==2.13.0" in (ROOT / ".ci" / "run").read_text()


# (b) ---------------------------------------------------------------------------------------------

HEAVY_MODULES = ["IPython", "ipywidgets", "matplotlib", "ipykernel", "cupy", "torch"]


def test_import_tensorkit_imports_no_jupyter_gpu_or_torch_module():
    code = textwrap.dedent(
        f"""
        import sys
        import tensorkit
        heavy = {HEAVY_MODULES!r}
        print(tensorkit.__file__)
        print(sorted({{name for name in sys.modules if name.split(".")[0] in heavy}}))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"import tensorkit failed:\n{result.stderr}"
    module_file, imported = result.stdout.strip().splitlines()
    # A folder without __init__.py would import as an empty namespace package and prove nothing.
    assert Path(module_file) == ROOT / "tensorkit" / "__init__.py", module_file
    assert imported == "[]", f"import tensorkit imported {imported}"


def test_tensorkit_widgets_is_importable():
    result = subprocess.run(
        [sys.executable, "-c", "import tensorkit.widgets as w; print(w.__file__)"],
        cwd=TESTS,  # not the repository root, so the import goes through the installed package
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == ROOT / "widgets" / "__init__.py"


# (c) ---------------------------------------------------------------------------------------------

ARRAY_LIBRARIES = ("numpy", "cupy")


def array_library_imports(path: Path) -> list[str]:
    """'line N: import numpy' for each import of numpy or cupy (or their submodules) in a file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if name.split(".")[0] in ARRAY_LIBRARIES:
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_array_library_import_finder_sees_every_form(tmp_path):
    source = textwrap.dedent(
        """
        import numpy
        import numpy.linalg as la
        from numpy import ndarray
        from cupy.cuda import x
        def f():
            import cupy
        import numpyish
        from . import numpy
        """
    ).lstrip()
    path = tmp_path / "sample.py"
    path.write_text(source)
    assert [line.split(":")[0] for line in array_library_imports(path)] == [
        "line 1",
        "line 2",
        "line 3",
        "line 4",
        "line 6",
    ]


def test_only_the_backend_imports_numpy_or_cupy():
    backend = ROOT / "tensorkit" / "_backend.py"
    offenders = {
        str(path.relative_to(ROOT)): imports
        for path in sorted((ROOT / "tensorkit").rglob("*.py"))
        if path != backend and (imports := array_library_imports(path))
    }
    assert offenders == {}, "only tensorkit/_backend.py may import numpy or cupy"


# (d) ---------------------------------------------------------------------------------------------


def readme_commands() -> tuple[list[str], str]:
    """The commands in the README's first fenced code block, and the text before that block."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"(?ms)^```[^\n]*\n(.*?)^```", readme)
    assert block, "README.md has no fenced code block"
    commands = []
    for line in block.group(1).splitlines():
        command = line.split("#", 1)[0].strip().removeprefix("$ ").strip()
        if command:
            commands.append(command)
    return commands, readme[: block.start()]


def test_readme_opens_with_exactly_make_lab_and_make_test():
    commands, before = readme_commands()
    assert commands == ["make lab", "make test"]
    # Right after the title and a one-line description: no other section comes first.
    headings = [line for line in before.splitlines() if line.startswith("#")]
    assert len(headings) == 1 and headings[0].startswith("# "), headings


def test_the_makefile_has_the_targets_the_readme_names():
    makefile = (ROOT / "Makefile").read_text()
    for target in ["venv", "test", "lab", "bench", "clean"]:
        assert re.search(rf"(?m)^{target}:", makefile), f"Makefile has no {target} target"


# (e) ---------------------------------------------------------------------------------------------


def test_ci_run_runs_make_test_with_ci_true():
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK), ".ci/run is not executable"
    lines = [line.strip() for line in script.read_text().splitlines()]
    commands = [line for line in lines if line and not line.startswith("#")]
    assert "set -euo pipefail" in commands
    assert "make venv" in commands
    assert "CI=true make test" in commands
    syntax = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr


# (f) ---------------------------------------------------------------------------------------------

SAMPLE_TESTS = """
import pytest
from _tools import skip_missing_tool


def test_passes():
    pass


def test_helper_skips_for_a_missing_tool():
    skip_missing_tool("chromium", "the browser tests need it")


def test_plain_skip_for_a_missing_tool():
    pytest.skip("missing tool: node: the front-end tests need it")


@pytest.mark.skipif(True, reason="missing tool: jupyterlab: the kernel tests need it")
def test_mark_skip_for_a_missing_tool():
    pass


def test_skip_for_another_reason():
    pytest.skip("no CUDA GPU on this machine")


@pytest.mark.xfail(reason="missing tool: but an expected failure, not a skip")
def test_xfail_stays_xfail():
    assert False
"""

SAMPLE_MODULE_SKIP = """
import pytest

pytest.skip("missing tool: cupy: the GPU tests need it", allow_module_level=True)


def test_never_runs():
    pass
"""


def run_sample_suite(tmp_path: Path, ci: str | None) -> tuple[int, dict[str, str]]:
    """Run the sample tests with the repo's tests/conftest.py as a plugin; outcome of each test."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # keep the repo's pyproject config out
    (tmp_path / "test_sample.py").write_text(SAMPLE_TESTS)
    (tmp_path / "test_module_skip.py").write_text(SAMPLE_MODULE_SKIP)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    report = tmp_path / f"report-{ci}.xml"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "conftest",
            "--rootdir",
            str(tmp_path),
            "--continue-on-collection-errors",
            f"--junitxml={report}",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert report.exists(), result.stdout + result.stderr
    outcomes = {}
    for case in ElementTree.parse(report).iter("testcase"):
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        name = case.get("name") or ""
        if not name or case.get("classname", "").endswith("test_module_skip"):
            name = "test_module_skip"
        outcomes[name] = kinds[0] if kinds else "passed"
    return result.returncode, outcomes


def test_missing_tool_skips_stay_skips_outside_ci(tmp_path):
    returncode, outcomes = run_sample_suite(tmp_path, ci=None)
    assert outcomes == {
        "test_passes": "passed",
        "test_helper_skips_for_a_missing_tool": "skipped",
        "test_plain_skip_for_a_missing_tool": "skipped",
        "test_mark_skip_for_a_missing_tool": "skipped",
        "test_skip_for_another_reason": "skipped",
        "test_xfail_stays_xfail": "skipped",  # junit writes an xfail as <skipped>
        "test_module_skip": "skipped",
    }
    assert returncode == 0


def test_missing_tool_skips_fail_under_ci_true(tmp_path):
    returncode, outcomes = run_sample_suite(tmp_path, ci="true")
    assert outcomes == {
        "test_passes": "passed",
        "test_helper_skips_for_a_missing_tool": "failure",
        "test_plain_skip_for_a_missing_tool": "failure",
        "test_mark_skip_for_a_missing_tool": "error",  # a skipif mark skips in setup
        "test_skip_for_another_reason": "skipped",
        "test_xfail_stays_xfail": "skipped",
        "test_module_skip": "error",  # a module that cannot be collected
    }
    assert returncode == 1


def test_tensorkit_ships_py_typed():
    assert (ROOT / "tensorkit" / "py.typed").is_file()
    assert "py.typed" in pyproject()["tool"]["setuptools"]["package-data"]["tensorkit"]
