"""tensorkit's repr text against PyTorch's.

The golden cases were recorded from PyTorch by scripts/record_repr.py, so they run without it;
the live test compares against PyTorch itself on generated arrays where PyTorch is installed.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest
from _tools import skip_missing_tool
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tensorkit._backend import numpy as np
from tensorkit._formatting import PrintOptions, format_tensor

DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]
GOLDEN = json.loads((Path(__file__).parent / "golden" / "data" / "repr.json").read_text())


def in_tensorkit_words(torch_text: str) -> str:
    return torch_text.replace("torch.", "tensorkit.")


@pytest.mark.parametrize(
    "case",
    GOLDEN["cases"],
    ids=[f"{index}-{case['expr'][:60]}" for index, case in enumerate(GOLDEN["cases"])],
)
def test_matches_recorded_torch_repr(case):
    values = eval(case["expr"], {"np": np})
    text = format_tensor(
        values,
        dtype_name=case["dtype"],
        requires_grad=case["requires_grad"],
        grad_fn_name=case["grad_fn"],
        prefix=case["prefix"],
    )
    assert text == in_tensorkit_words(case["repr"])


def test_recording_covers_the_rules():
    """The golden file keeps its breadth: every dtype, dimension and suffix kind is recorded."""
    cases = GOLDEN["cases"]
    assert len(cases) >= 150
    dtypes = {case["dtype"] for case in cases}
    assert set(DTYPES) <= dtypes
    texts = [case["repr"] for case in cases]
    fragments = ["...", "size=(", "grad_fn=<", "requires_grad=True", "\n\n\n", "e+", "e-"]
    fragments += ["nan", "inf", "-0."]
    for fragment in fragments:
        assert any(fragment in text for text in texts), fragment
    assert any(",\n       requires_grad=True)" in text for text in texts)


# The device suffix is checked by construction: PyTorch on the CPU cannot print one.


def test_device_suffix_comes_first():
    text = format_tensor(
        np.array([1.0, 2.0]), dtype_name="float64", device="cuda:0", grad_fn_name="MulBackward0"
    )
    expected = "tensor([1., 2.], device='cuda:0', dtype=tensorkit.float64, grad_fn=<MulBackward0>)"
    assert text == expected


def test_device_suffix_of_empty_tensor_precedes_size():
    text = format_tensor(np.zeros((0, 3), dtype=np.float32), dtype_name="float32", device="cuda:1")
    assert text == "tensor([], device='cuda:1', size=(0, 3))"


def test_device_suffix_wraps_like_any_other():
    text = format_tensor(np.arange(12.0), dtype_name="float64", device="cuda:0", requires_grad=True)
    assert text == (
        "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11.],\n"
        "       device='cuda:0', dtype=tensorkit.float64, requires_grad=True)"
    )


def test_grad_fn_wins_over_requires_grad():
    text = format_tensor(
        np.ones(2, dtype=np.float32),
        dtype_name="float32",
        requires_grad=True,
        grad_fn_name="CloneBackward0",
    )
    assert text == "tensor([1., 1.], grad_fn=<CloneBackward0>)"


def test_options_change_the_layout():
    # What PyTorch prints after this torch.set_printoptions; the live test below tries many more.
    options = PrintOptions(precision=2, threshold=5, edgeitems=2, linewidth=40, sci_mode=True)
    values = np.arange(10.0, dtype=np.float32)
    text = format_tensor(values, dtype_name="float32", options=options)
    assert text == "tensor([0.00e+00, 1.00e+00,  ...,\n        8.00e+00, 9.00e+00])"


def test_refuses_complex_values():
    with pytest.raises(TypeError, match="complex128"):
        format_tensor(np.array([1j]), dtype_name="complex128")


# Live comparison with PyTorch.

# The values at the edges of PyTorch's rules: zeros, non-finite, and the sci-mode thresholds.
SPECIAL_FLOATS = [0.0, -0.0, math.nan, math.inf, -math.inf, 1.0, -1.0, 1e-4, 1e-5, 1e3, 1001.0, 1e8]


@pytest.fixture(scope="module")
def torch():
    """PyTorch, imported once and before hypothesis starts drawing examples."""
    try:
        import torch
    except ImportError as error:
        skip_missing_tool("torch", f"the live comparison with PyTorch needs it ({error})")
    return torch


def float_elements(dtype: str):
    """Floats of every size and sign, nan, inf and ±0, and integers (which print in int mode)."""
    width = {"float16": 16, "float32": 32, "float64": 64}[dtype]
    scale = st.sampled_from([1e-12, 1e-6, 1e-3, 1.0, 1e3, 1e6, 1e12])
    scaled = st.builds(lambda value, factor: value * factor, st.floats(-10, 10), scale)
    return st.one_of(
        st.sampled_from(SPECIAL_FLOATS),
        st.floats(width=width),
        st.integers(-(10**6), 10**6).map(float),
        scaled,
    ).map(lambda value: rounded_to(dtype, value))


def rounded_to(dtype: str, value: float) -> float:
    """``value`` as ``dtype`` stores it (float16 overflows to inf): hypothesis casts it exactly."""
    with np.errstate(over="ignore"):
        return float(np.dtype(dtype).type(value))


@st.composite
def arrays(draw):
    """Arrays up to 4-d (some large enough to be summarised), sometimes as non-contiguous views."""
    dtype = draw(st.sampled_from(DTYPES))
    max_side = draw(st.sampled_from([3, 8, 40]))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=max_side))
    if dtype.startswith("float"):
        elements = float_elements(dtype)
    elif dtype == "bool":
        elements = st.booleans()
    else:
        elements = hnp.from_dtype(np.dtype(dtype))
    # Big arrays are mostly one fill value, with a few drawn elements scattered in.
    values = draw(hnp.arrays(np.dtype(dtype), shape, elements=elements, fill=elements))
    view = draw(st.sampled_from(["as is", "transposed", "every other"]))
    if view == "transposed":
        values = values.T
    elif view == "every other" and values.ndim:
        values = values[::2]
    return values


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    values=arrays(),
    requires_grad=st.booleans(),
    grad_fn=st.booleans(),
    prefix=st.sampled_from(["tensor(", "Box(", "AVeryLongTensorSubclassName("]),
)
def test_matches_live_torch_repr(torch, values, requires_grad, grad_fn, prefix):
    tensor = torch.from_numpy(values.copy())
    floating = values.dtype.kind == "f"
    requires_grad = requires_grad and floating
    if requires_grad:
        tensor.requires_grad_()
        if grad_fn:
            tensor = tensor * 1
    if prefix != "tensor(":
        tensor = tensor.as_subclass(type(prefix.removesuffix("("), (torch.Tensor,), {}))
    expected = in_tensorkit_words(repr(tensor))

    text = format_tensor(
        values,
        dtype_name=str(values.dtype),
        requires_grad=tensor.requires_grad,
        grad_fn_name=None if tensor.grad_fn is None else type(tensor.grad_fn).__name__,
        prefix=prefix,
    )
    assert text == expected


@settings(max_examples=100, deadline=None)
@given(
    values=arrays(),
    precision=st.integers(0, 8),
    threshold=st.sampled_from([0, 5, 50, 1000, math.inf]),
    edgeitems=st.integers(0, 4),
    linewidth=st.integers(20, 120),
    sci_mode=st.sampled_from([None, True, False]),
)
def test_matches_live_torch_repr_with_other_options(
    torch, values, precision, threshold, edgeitems, linewidth, sci_mode
):
    options = PrintOptions(precision, threshold, edgeitems, linewidth, sci_mode)
    with torch._tensor_str.printoptions(**dataclasses.asdict(options)):
        expected = in_tensorkit_words(repr(torch.from_numpy(values.copy())))
    assert format_tensor(values, dtype_name=str(values.dtype), options=options) == expected
