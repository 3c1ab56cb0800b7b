#!/usr/bin/env python
"""Record PyTorch's per-step losses for the training runs of tests/_training.py.

    python scripts/record_training.py

Runs every configuration in tests/_training.py (a small MLP trained 100 steps with SGD, Adam
and AdamW variants) on real PyTorch (torch 2.13, CPU) and writes
tests/golden/training_losses.json: for each configuration, what it was made from, the
loss of every step and the final parameters. tests/test_optim.py trains the same runs with
tensorkit and compares against this file, so the suite needs no PyTorch.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TRAINING_PATH = REPO_ROOT / "tests" / "_training.py"
REQUIRED_TORCH = "2.13"


def load_training():
    spec = importlib.util.spec_from_file_location("optim_training", TRAINING_PATH)
    training = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = training
    spec.loader.exec_module(training)
    return training


def main() -> None:
    try:
        import torch
    except ImportError:
        sys.exit("record_training.py needs PyTorch: pip install torch==2.13.0")
    if not torch.__version__.startswith(REQUIRED_TORCH):
        sys.exit(
            f"record_training.py records torch {REQUIRED_TORCH}, but torch {torch.__version__} "
            "is installed: pip install torch==2.13.0"
        )
    training = load_training()
    recorded = {"torch_version": torch.__version__, "configs": {}}
    for name in training.CONFIGS:
        run = training.train(torch, name)
        recorded["configs"][name] = {**training.describe(name), **run}
        print(f"{name}: loss {run['losses'][0]:.6f} -> {run['losses'][-1]:.6f}")
    training.EXPECTED_PATH.write_text(json.dumps(recorded, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {training.EXPECTED_PATH.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
