"""The strict stand-in device itself (tests/strict_device.py), and tensorkit on it.

``make test`` runs the whole suite a second time with ``pytest --strict-device``: every CPU
tensor then holds a stand-in array, which refuses to pass for a NumPy array as CuPy's arrays do.
These tests check that the stand-in is strict where it must be (so that run proves something),
and that tensorkit's bridges to NumPy still share memory on it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import strict_device

import tensorkit
from tensorkit import _backend


@pytest.fixture
def strict_host():
    namespace = strict_device.host_namespace()
    previous = _backend.use_namespaces(host=namespace)
    try:
        yield namespace
    finally:
        _backend.restore_namespaces(previous)


def test_stand_in_arrays_refuse_implicit_conversion_and_host_arrays():
    xp = strict_device.cuda_namespace()
    a = xp.asarray(np.arange(3.0))  # the explicit transfer is welcome
    with pytest.raises(TypeError, match="Implicit conversion to a NumPy array is not allowed"):
        np.asarray(a)
    with pytest.raises(TypeError, match="a NumPy array given to strict_cuda"):
        xp.add(a, np.ones(3))
    with pytest.raises(TypeError, match="a NumPy array given to strict_cuda"):
        a + np.ones(3)
    host = strict_device.host_namespace()
    with pytest.raises(TypeError, match="an array of strict_host given to strict_cuda"):
        xp.add(a, host.asarray(np.ones(3)))
    np.testing.assert_array_equal(a.get(), [0.0, 1.0, 2.0])
    total = a.sum()
    assert isinstance(total, xp.ndarray) and total.ndim == 0  # no NumPy scalar, as in CuPy
    view = a[1:]
    assert view.base is a and a.base is None
    assert view.data.ptr == a.data.ptr + a.itemsize
    assert a.device.id == 0 and a.__cuda_array_interface__["shape"] == (3,)


def test_tensors_on_the_strict_host_share_memory_with_numpy(strict_host):
    array = np.zeros(3, dtype=np.float32)
    t = tensorkit.from_numpy(array)
    assert isinstance(t._data, strict_host.ndarray)
    array[0] = 5
    shown = t.numpy()
    assert type(shown) is np.ndarray and np.shares_memory(shown, array)
    assert t.tolist() == [5.0, 0.0, 0.0]
    y = (t * 2).exp()
    assert isinstance(y._data, strict_host.ndarray)
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.asarray(y._data)  # tensorkit's own code may never do this: the run catches it


def test_golden_cases_in_a_fresh_process_run_on_the_stand_in_too():
    env = dict(os.environ, TENSORKIT_STRICT_DEVICE="1")
    runner = Path(__file__).resolve().parent / "golden" / "runner.py"
    source = "import torch\nprint(type(torch.ones(2)._data).__name__)\n"
    proc = subprocess.run(
        [sys.executable, str(runner), "--child", "tensorkit"],
        input=source,
        capture_output=True,
        text=True,
        env=env,
        cwd=str(runner.parents[2]),
        timeout=120,
        check=True,
    )
    assert '"stdout": "strict_host.ndarray\\n"' in proc.stdout
