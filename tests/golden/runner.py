"""Run golden cases against PyTorch or tensorkit and compare what they print.

A *case file* is ``tests/golden/cases/NN_topic.py``. It holds many cases, each starting with a line

    # %% case: short_name
    # %% case: short_name [fresh-process]

and running up to the next such line. Text before the first marker is a comment about the file and
is not run. Every case is a small self-contained program: it does its own imports (``import
torch``, ``import copy``, ...) and prints the facts it checks. It may end by raising an error.

``run_case(source, module)`` runs one case and returns what it did::

    {"stdout": "...", "warnings": ["UserWarning: ...", ...], "error": "RuntimeError: ..." or None}

With ``module="tensorkit"`` the import statements are rewritten first (``import torch`` becomes
``import tensorkit as torch``, ``from torch.autograd import Function`` becomes ``from
tensorkit.autograd import Function``, and so on); nothing else in the source changes. Cases flagged
``[fresh-process]`` run in a new interpreter, for warnings that PyTorch gives once per process.

**Storage.** ``tests/golden/expected/NN_topic.json`` stores PyTorch's **raw** output, exactly as
``scripts/record_golden.py`` saw it. ``normalize`` is applied to *both* sides at comparison time
(``normalize_result``), so a change to the normalisation never requires re-recording:

* the word ``torch`` becomes ``tensorkit`` (so ``torch.float64`` and ``tensorkit.float64`` compare
  equal) and ``PyTorch`` becomes ``tensorkit``;
* torch's `` (Triggered internally at /__w/pytorch/...:LINE.)`` suffix on warnings from C++ is
  removed (it names torch's build tree);
* hex addresses ``0x7f3a...`` become ``0x…``.

Warnings that depend on the NumPy version, not on the tensor library (NumPy 2.x's
``DeprecationWarning`` about ``__array__``'s ``copy`` keyword and ``__array_wrap__``), are dropped
from the warning list when it is recorded and when it is compared (``ENVIRONMENT_WARNINGS``).
The warning list and stdout are kept apart, so the order of a print relative to a warning is not
compared.

**Writing a case.** Print facts, never anything that changes from run to run or machine to
machine: no random values (shapes and dtypes of ``rand``/``randn`` are fine), no raw addresses
(print ``a.data_ptr() == b.data_ptr()``), no class reprs that name modules (print
``type(t).__name__``). Name grad_fns with ``type(fn).__name__`` and render ``next_functions`` as
``[(type(f).__name__ if f is not None else None, i) for f, i in fn.next_functions]``. A case that
changes process-wide state that it cannot undo, or that checks a once-per-process warning, is
flagged ``[fresh-process]``. After adding or editing a case, run ``python
scripts/record_golden.py --only NN_topic`` (needs torch==2.13.0) and read the new recording.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import io
import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

GOLDEN_DIR = Path(__file__).resolve().parent
CASES_DIR = GOLDEN_DIR / "cases"
EXPECTED_DIR = GOLDEN_DIR / "expected"
REPO_ROOT = GOLDEN_DIR.parent.parent

CASE_MARKER = re.compile(r"^# %% case: (?P<name>[A-Za-z0-9_]+)\s*(?:\[(?P<flags>[^\]]*)\])?\s*$")
KNOWN_FLAGS = frozenset({"fresh-process"})

# (category, regex on the message) of warnings that come from NumPy's version, not from the library.
ENVIRONMENT_WARNINGS = (("DeprecationWarning", re.compile(r"__array__|__array_wrap__")),)


@dataclasses.dataclass(frozen=True)
class Case:
    file: str  # the case file's stem, e.g. "09_inplace"
    name: str  # e.g. "leaf_add_"
    source: str
    flags: frozenset[str] = frozenset()

    @property
    def id(self) -> str:
        return f"{self.file}::{self.name}"

    @property
    def fresh_process(self) -> bool:
        return "fresh-process" in self.flags


# --------------------------------------------------------------------------------------------
# Reading case files


def case_files() -> list[Path]:
    """Every case file, in name order."""
    return sorted(p for p in CASES_DIR.glob("*.py") if not p.name.startswith("_"))


def expected_path(case_file: Path) -> Path:
    return EXPECTED_DIR / f"{case_file.stem}.json"


def parse_cases(path: Path) -> list[Case]:
    """Split a case file at its ``# %% case:`` markers. Raises ValueError on a malformed file."""
    cases: list[Case] = []
    name: str | None = None
    flags: frozenset[str] = frozenset()
    body: list[str] = []

    def finish() -> None:
        if name is None:
            return
        source = "\n".join(body).strip("\n") + "\n"
        if not source.strip():
            raise ValueError(f"{path.name}: case {name!r} is empty")
        cases.append(Case(path.stem, name, source, flags))

    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("# %%"):
            match = CASE_MARKER.match(line)
            if match is None:
                raise ValueError(f"{path.name}:{lineno}: malformed case marker {line!r}")
            finish()
            name = match["name"]
            flags = frozenset(f.strip() for f in (match["flags"] or "").split(",") if f.strip())
            unknown = flags - KNOWN_FLAGS
            if unknown:
                raise ValueError(f"{path.name}:{lineno}: unknown flag(s) {sorted(unknown)}")
            if any(c.name == name for c in cases):
                raise ValueError(f"{path.name}:{lineno}: duplicate case name {name!r}")
            body = []
        elif name is not None:
            body.append(line)
    finish()
    return cases


def all_cases() -> list[Case]:
    return [case for path in case_files() for case in parse_cases(path)]


def load_expected(case_file: Path) -> dict[str, dict]:
    with open(expected_path(case_file), encoding="utf-8") as f:
        return json.load(f)


# --------------------------------------------------------------------------------------------
# Rewriting imports for tensorkit


def _retarget(name: str) -> str:
    """'torch' -> 'tensorkit', 'torch.nn.functional' -> 'tensorkit.nn.functional'."""
    return "tensorkit" + name[len("torch") :]


def _is_torch(name: str | None) -> bool:
    return name is not None and (name == "torch" or name.startswith("torch."))


def rewrite_imports(source: str) -> str:
    """Point every ``import`` of torch (or a torch submodule) at tensorkit; change nothing else.

    >>> rewrite_imports("import torch, copy\\nfrom torch.autograd import Function as F\\n")
    'import tensorkit as torch; import copy\\nfrom tensorkit.autograd import Function as F\\n'
    """
    tree = ast.parse(source)
    edits: list[tuple[int, int, int, int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(_is_torch(a.name) for a in node.names):
            statements = []
            for alias in node.names:
                if not _is_torch(alias.name):
                    statements.append(ast.unparse(ast.Import(names=[alias])))
                elif alias.asname:
                    statements.append(f"import {_retarget(alias.name)} as {alias.asname}")
                elif alias.name == "torch":
                    statements.append("import tensorkit as torch")
                else:  # `import torch.nn` binds `torch` and loads the submodule
                    statements.append(f"import {_retarget(alias.name)}")
                    statements.append("import tensorkit as torch")
            edits.append(_span(node) + ("; ".join(statements),))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _is_torch(node.module):
            new = ast.ImportFrom(module=_retarget(node.module), names=node.names, level=0)
            edits.append(_span(node) + (ast.unparse(new),))
    lines = source.splitlines(keepends=True)
    # Apply from the end so earlier positions stay valid.
    for start_line, start_col, end_line, end_col, text in sorted(edits, reverse=True):
        first, last = lines[start_line - 1], lines[end_line - 1]
        merged = _byte_prefix(first, start_col) + text + _byte_suffix(last, end_col)
        lines[start_line - 1 : end_line] = [merged]
    return "".join(lines)


def _span(node: ast.stmt) -> tuple[int, int, int, int]:
    return (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)


def _byte_prefix(line: str, col: int) -> str:
    # ast columns count UTF-8 bytes.
    return line.encode("utf-8")[:col].decode("utf-8")


def _byte_suffix(line: str, col: int) -> str:
    return line.encode("utf-8")[col:].decode("utf-8")


# --------------------------------------------------------------------------------------------
# Running


def _format_error(exc: BaseException) -> str:
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _format_warning(w: warnings.WarningMessage) -> str:
    return f"{w.category.__name__}: {w.message}"


def _is_environment_warning(text: str) -> bool:
    category, _, message = text.partition(": ")
    return any(category == c and pattern.search(message) for c, pattern in ENVIRONMENT_WARNINGS)


def _reset_grad_mode(module: str) -> None:
    """A case that fails half-way may leave grad mode off; don't let that leak into the next one."""
    library = sys.modules.get(module)
    set_grad_enabled = getattr(library, "set_grad_enabled", None)
    if callable(set_grad_enabled):
        try:
            set_grad_enabled(True)
        except Exception:  # a half-written library must not break the harness
            pass


def run_case(source: str, module: str, *, fresh_process: bool = False) -> dict:
    """Run one case's source against ``module`` ("torch" or "tensorkit") and report what it did."""
    if module not in ("torch", "tensorkit"):
        raise ValueError(f"module must be 'torch' or 'tensorkit', not {module!r}")
    if fresh_process:
        return _run_in_subprocess(source, module)
    code_text = rewrite_imports(source) if module == "tensorkit" else source
    code = compile(code_text, "<golden case>", "exec")
    stdout = io.StringIO()
    error = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with contextlib.redirect_stdout(stdout):
            try:
                exec(code, {"__name__": "__main__"})
            except Exception as exc:  # the error is part of the recorded behaviour
                error = _format_error(exc)
            finally:
                _reset_grad_mode(module)
    texts = [_format_warning(w) for w in caught]
    return {
        "stdout": stdout.getvalue(),
        "warnings": [t for t in texts if not _is_environment_warning(t)],
        "error": error,
    }


def _run_in_subprocess(source: str, module: str) -> dict:
    env = dict(os.environ)
    # The child imports exactly what this process can import (an uninstalled tensorkit included).
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), *[p for p in sys.path if p]])
    env["PYTHONIOENCODING"] = "utf-8"
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", module],
        input=source,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=str(REPO_ROOT),
        timeout=600,
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        raise RuntimeError(
            f"golden runner child process failed (exit {proc.returncode}):\n{proc.stderr}"
        )
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------
# Normalising for comparison

_TRIGGERED = re.compile(r" \(Triggered internally at [^\n]*?\.\)(?=\n|$)")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_TORCH_WORD = re.compile(r"\btorch\b")


def normalize(text: str | None) -> str | None:
    """Make torch's text and tensorkit's text comparable (see the module docstring)."""
    if text is None:
        return None
    text = _TRIGGERED.sub("", text)
    text = _HEX.sub("0x…", text)
    text = text.replace("PyTorch", "tensorkit")
    return _TORCH_WORD.sub("tensorkit", text)


def normalize_result(result: dict) -> dict:
    """The part of a recorded or fresh result that is compared, normalised."""
    return {
        "stdout": normalize(result["stdout"]),
        "warnings": [normalize(w) for w in result["warnings"] if not _is_environment_warning(w)],
        "error": normalize(result["error"]),
    }


def _child_main(module: str) -> None:
    source = sys.stdin.read()
    result = run_case(source, module)
    sys.stdout.write("\n" + json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        # The runner's own directory must not shadow anything the case imports.
        sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != GOLDEN_DIR]
        if sys.argv[2] == "tensorkit" and os.environ.get("TENSORKIT_STRICT_DEVICE") == "1":
            # pytest --strict-device: the child runs on the strict stand-in device too
            sys.path.insert(0, str(GOLDEN_DIR.parent))
            import strict_device

            from tensorkit import _backend

            _backend.use_namespaces(host=strict_device.host_namespace())
        _child_main(sys.argv[2])
    else:
        sys.exit("usage: runner.py --child {torch,tensorkit}  (case source on stdin)")
