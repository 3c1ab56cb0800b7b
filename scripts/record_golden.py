#!/usr/bin/env python
"""Record PyTorch's behaviour for every golden case into tests/golden/expected/.

    python scripts/record_golden.py                       # every case file
    python scripts/record_golden.py --only 09_inplace     # one file (name, stem or path)

Each case in tests/golden/cases/NN_topic.py is run against real PyTorch (torch 2.13) and
tests/golden/expected/NN_topic.json is rewritten: a JSON object mapping each case name, in file
order, to {"source", "stdout", "warnings", "error"}. The output is stored raw; the tests normalise
both sides when they compare (see tests/golden/runner.py).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RUNNER_PATH = REPO_ROOT / "tests" / "golden" / "runner.py"
REQUIRED_TORCH = "2.13"


def load_runner():
    spec = importlib.util.spec_from_file_location("golden_runner", RUNNER_PATH)
    runner = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = runner  # dataclasses look their module up by name
    spec.loader.exec_module(runner)
    return runner


def check_torch() -> None:
    try:
        import torch
    except ImportError:
        sys.exit(
            "record_golden.py needs PyTorch to record its behaviour: pip install torch==2.13.0"
        )
    if not torch.__version__.startswith(REQUIRED_TORCH):
        sys.exit(
            f"record_golden.py records torch {REQUIRED_TORCH}, but torch {torch.__version__} is "
            "installed: pip install torch==2.13.0"
        )


def select_files(runner, only: str | None) -> list[Path]:
    files = runner.case_files()
    if only is None:
        return files
    wanted = Path(only).stem
    chosen = [p for p in files if p.stem == wanted]
    if not chosen:
        sys.exit(f"no case file named {only!r} in {runner.CASES_DIR}")
    return chosen


def record_file(runner, path: Path) -> tuple[int, int]:
    recorded: dict[str, dict] = {}
    errors = 0
    for case in runner.parse_cases(path):
        result = runner.run_case(case.source, "torch", fresh_process=case.fresh_process)
        recorded[case.name] = {
            "source": case.source,
            "stdout": result["stdout"],
            "warnings": result["warnings"],
            "error": result["error"],
        }
        errors += result["error"] is not None
    out = runner.expected_path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(recorded, indent=1, ensure_ascii=False) + "\n"
    out.write_text(text, encoding="utf-8")
    return len(recorded), errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", metavar="FILE", help="re-record one case file (e.g. 09_inplace)")
    args = parser.parse_args(argv)
    check_torch()
    runner = load_runner()
    total = 0
    for path in select_files(runner, args.only):
        count, errors = record_file(runner, path)
        total += count
        print(f"{path.stem}: {count} cases ({errors} end in an error)")
    print(f"recorded {total} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
