#!/bin/sh
# Every check that needs an NVIDIA GPU, in one run: the GPU-marked tests (tests/test_devices.py on
# CuPy: the same tests the strict stand-in passes on every machine) and the GPU benchmarks. For a
# machine with a GPU, CuPy and PyTorch, from the repository root:
#
#     sh scripts/gpu_check.sh [python]
#
# It prints the versions it ran with, then the test results, then the benchmark table.
set -u
PYTHON=${1:-python3}
export PYTHONPATH="$(pwd)${PYTHONPATH:+:$PYTHONPATH}"
"$PYTHON" - <<'PY'
import platform
import cupy
import numpy
import tensorkit
print("python", platform.python_version(), "numpy", numpy.__version__, "cupy", cupy.__version__)
print("GPU:", tensorkit.cuda.get_device_name(), "| devices:", tensorkit.cuda.device_count())
try:
    import torch
    print("torch", torch.__version__, "cuda", torch.cuda.is_available())
except ImportError:
    print("torch: not installed")
PY
status=0
if "$PYTHON" -c "import pytest, hypothesis" 2>/dev/null; then
    "$PYTHON" -m pytest -q -p no:cacheprovider -m gpu tests/test_devices.py || status=1
else
    echo "pytest or hypothesis is missing here: the GPU tests did not run" >&2
    status=1
fi
"$PYTHON" -m benchmarks --only gpu --no-save || status=1
exit $status
