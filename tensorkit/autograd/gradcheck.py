"""Check analytical gradients against central finite differences (use float64 inputs).

The steps are PyTorch's slow-mode ``gradcheck``: the numerical Jacobian of every floating-point
output with respect to every input that requires grad, one column per perturbed input element;
the analytical Jacobian, one row per one-hot ``grad_output``, computed twice to catch a
nondeterministic backward; then a zero ``grad_output`` must give zero gradients.
"""

from __future__ import annotations

import itertools
import warnings

__all__ = ["GradcheckError", "gradcheck"]


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when a check fails."""


def gradcheck(
    func,
    inputs,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_batched_forward_grad: bool = False,
    check_forward_ad: bool = False,
    check_backward_ad: bool = True,
    fast_mode: bool = False,
    masked: bool | None = None,
) -> bool:
    """Compare the Jacobian that backward computes with one from central finite differences.

    ``func`` takes ``inputs`` (a tensor or a tuple, non-tensors passed through) and returns a
    tensor or a tuple of them. Every input that requires grad is checked against every output
    that requires grad; entries agree when
    ``|analytical - numerical| <= atol + rtol * |numerical|``.
    A failure raises ``GradcheckError`` ("Jacobian mismatch for output i with respect to input j",
    counting only the differentiable ones, as PyTorch does), or returns ``False`` when
    ``raise_exception`` is false. Errors raised by ``func`` or by backward itself propagate.
    ``func`` runs in the caller's grad mode, as in PyTorch: not under ``no_grad``.

    The signature is PyTorch's. Not implemented, and accepted so that calls written for PyTorch
    run: ``check_undefined_grad`` (the engine has no undefined gradients), ``check_batched_grad``
    and ``check_batched_forward_grad`` (no vmap), ``check_forward_ad`` (no forward mode; the
    check is skipped), ``masked`` (no sparse tensors). ``fast_mode`` runs the full slow check,
    which is always correct, only slower.

    >>> import tensorkit
    >>> x = tensorkit.tensor([0.5, 2.0], dtype=tensorkit.float64, requires_grad=True)
    >>> gradcheck(lambda t: (t * t).sin(), (x,))
    True
    """
    if not (check_forward_ad or check_backward_ad):
        raise AssertionError(
            "Expected at least one of check_forward_ad or check_backward_ad to be True"
        )
    if check_batched_grad and not check_backward_ad:
        raise AssertionError(
            "Setting check_batched_grad=True requires check_backward_ad to be True"
        )
    if check_batched_forward_grad and not check_forward_ad:
        raise AssertionError(
            "Setting check_batched_forward_grad=True requires check_forward_ad to be True"
        )
    try:
        return _gradcheck(
            func,
            _as_tuple(inputs),
            eps,
            atol,
            rtol,
            nondet_tol,
            check_grad_dtypes,
            check_backward_ad,
        )
    except GradcheckError:
        if raise_exception:
            raise
        return False


def _gradcheck(
    func, inputs, eps, atol, rtol, nondet_tol, check_grad_dtypes, check_backward_ad
) -> bool:
    _check_inputs(inputs)
    func_out = _as_tuple(func(*inputs))
    diff_inputs = [tensor for tensor in inputs if _is_tensor(tensor) and tensor.requires_grad]
    float_positions = [
        k for k, o in enumerate(func_out) if _is_tensor(o) and o.dtype.is_floating_point
    ]
    numerical = _numerical_jacobians(func, inputs, func_out, float_positions, eps)
    outputs = [func_out[k] for k in float_positions if func_out[k].requires_grad]
    if not outputs:
        # Nothing to differentiate: the function must then not depend on its inputs at all.
        if any(bool(jacobian.ne(0).any()) for per_input in numerical for jacobian in per_input):
            raise GradcheckError("Numerical gradient for function expected to be zero")
        return True
    if not check_backward_ad:  # the rest checks backward; forward mode is not implemented
        return True
    # numerical[input][output] covers every float output; keep those that require grad.
    numerical = [
        [per_input[number] for number, k in enumerate(float_positions) if func_out[k].requires_grad]
        for per_input in numerical
    ]
    for out_index, output in enumerate(outputs):
        analytical = _analytical_jacobians(diff_inputs, output, nondet_tol, check_grad_dtypes)
        for in_index, a in enumerate(analytical):
            n = numerical[in_index][out_index]
            if not _allclose(a, n, rtol, atol):
                raise GradcheckError(
                    f"Jacobian mismatch for output {out_index:d} with respect to input "
                    f"{in_index:d},\nnumerical:{n}\nanalytical:{a}\n"
                )
    _check_backward_multiplies_by_grad_output(outputs, diff_inputs)
    return True


def _check_inputs(inputs) -> None:
    any_requires_grad = False
    for position, tensor in enumerate(inputs):
        if not (_is_tensor(tensor) and tensor.requires_grad):
            continue
        if tensor.dtype.name not in ("float64", "complex128"):
            warnings.warn(
                f"Input #{position} requires gradient and is not a double precision floating point "
                "or complex. This check will likely fail if all the inputs are not of double "
                "precision floating point or complex. ",
                UserWarning,
                stacklevel=4,
            )
        # Perturbing one element of an input with stride 0 (expand) would move several at once.
        if not all(stride > 0 or size <= 1 for stride, size in zip(tensor.stride(), tensor.shape)):
            raise RuntimeError(
                f"The {position}th input has a dimension with stride 0. gradcheck only supports "
                "inputs that are non-overlapping to be able to compute the numerical gradients "
                "correctly. You should call .contiguous on the input before passing it to "
                "gradcheck."
            )
        any_requires_grad = True
    if not any_requires_grad:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of them "
            "have requires_grad=True."
        )


def _numerical_jacobians(func, inputs, func_out, float_positions, eps):
    """``[input][output]`` Jacobians, ``(input.numel(), output.numel())``, by central differences.

    Each element is perturbed in place through ``.data``, which shares the input's memory (strided
    or not) but not its version counter, so autograd's checks never see the perturbation.
    """
    jacobians = []
    for tensor in inputs:
        if not (_is_tensor(tensor) and tensor.requires_grad):
            continue
        data = tensor.data
        per_output = [
            func_out[k].new_zeros((tensor.numel(), func_out[k].numel())) for k in float_positions
        ]
        # Row-major over the logical index, whatever the strides: column c is flat element c.
        for column, index in enumerate(itertools.product(*(range(size) for size in tensor.shape))):
            entry = data[index]
            original = entry.clone()
            entry.copy_(original - eps)
            before = _evaluate(func, inputs, float_positions)
            entry.copy_(original + eps)
            after = _evaluate(func, inputs, float_positions)
            entry.copy_(original)
            for jacobian, low, high in zip(per_output, before, after):
                _check_same_dtype_and_shape(low, high, eps, index)
                jacobian[column] = ((high - low) / (2 * eps)).reshape(-1)
        jacobians.append(per_output)
    return jacobians


def _evaluate(func, inputs, float_positions):
    outputs = _as_tuple(func(*inputs))
    return [outputs[k].detach().clone() for k in float_positions]


def _check_same_dtype_and_shape(low, high, eps, index) -> None:
    if low.shape != high.shape:
        raise AssertionError(
            f"Expected `func` to return outputs with the same shape when inputs are perturbed "
            f"on index {index} by {eps}, but got: shapes {low.shape} and {high.shape}."
        )
    if low.dtype != high.dtype:
        raise AssertionError(
            f"Expected `func` to return outputs with the same dtype when inputs are perturbed "
            f"on index {index} by {eps}, but got: dtypes {low.dtype} and {high.dtype}."
        )


def _analytical_jacobians(diff_inputs, output, nondet_tol, check_grad_dtypes):
    """One Jacobian of shape ``(input.numel(), output.numel())`` per input, from backward."""
    first = _analytical_jacobian_rows(diff_inputs, output)
    second = _analytical_jacobian_rows(diff_inputs, output)
    jacobians, sizes_ok, dtypes_ok = _stack_columns(first, diff_inputs, output.numel())
    repeated, _, _ = _stack_columns(second, diff_inputs, output.numel())
    reentrant = all(
        j.numel() == 0 or (j - r).abs().max().item() <= nondet_tol
        for j, r in zip(jacobians, repeated)
    )
    if not dtypes_ok and check_grad_dtypes:
        raise GradcheckError("Gradient has dtype mismatch")
    if not sizes_ok:
        raise GradcheckError("Analytical gradient has incorrect size")
    if not reentrant:
        raise GradcheckError(
            "Backward is not reentrant, i.e., running backward with same input and grad_output "
            "multiple times gives different values, although analytical gradient matches "
            f"numerical gradient.The tolerance for nondeterminism was {nondet_tol}."
        )
    return jacobians


def _analytical_jacobian_rows(diff_inputs, output):
    """``rows[input][j]``: the gradient for the one-hot ``grad_output`` picking output element j."""
    from . import grad

    # A fresh contiguous buffer, not one shaped like output's strides: .view(-1) always works on it.
    grad_output = output.new_zeros(output.shape)
    flat = grad_output.view(-1)
    rows = [[] for _ in diff_inputs]
    for j in range(flat.numel()):
        flat.zero_()
        flat[j] = 1.0
        grads = grad(output, diff_inputs, grad_output, retain_graph=True, allow_unused=True)
        for per_input, g in zip(rows, grads):
            per_input.append(None if g is None else g.detach().clone())
    return rows


def _stack_columns(rows, diff_inputs, output_numel):
    sizes_ok = dtypes_ok = True
    jacobians = []
    for tensor, per_input in zip(diff_inputs, rows):
        jacobian = tensor.new_zeros((tensor.numel(), output_numel))
        for j, g in enumerate(per_input):
            if g is None:
                continue  # an unused input: its column stays zero
            if g.shape != tensor.shape:
                sizes_ok = False
            elif g.dtype != tensor.dtype:
                dtypes_ok = False
            if g.numel() != tensor.numel():
                raise AssertionError(
                    f"Expected out_jacobian column to have {g.numel()} elements, "
                    f"but got {tensor.numel()}"
                )
            jacobian[:, j] = g.reshape(-1)
        jacobians.append(jacobian)
    return jacobians, sizes_ok, dtypes_ok


def _check_backward_multiplies_by_grad_output(outputs, diff_inputs) -> None:
    from . import grad

    zeros = [output.new_zeros(output.shape) for output in outputs]
    grads = grad(outputs, diff_inputs, zeros, allow_unused=True)
    for g, tensor in zip(grads, diff_inputs):
        if g is None:
            continue
        if not bool(g.eq(0).all()):
            raise GradcheckError("backward not multiplied by grad_output")
        if g.dtype != tensor.dtype:
            raise GradcheckError("grad is incorrect type")
        if g.shape != tensor.shape:
            raise GradcheckError("grad is incorrect size")


def _allclose(analytical, numerical, rtol, atol) -> bool:
    from .. import allclose, promote_types

    common = promote_types(analytical.dtype, numerical.dtype)
    return allclose(analytical.to(common), numerical.to(common), rtol, atol)


def _is_tensor(value) -> bool:
    from ..tensor import Tensor

    return isinstance(value, Tensor)


def _as_tuple(value) -> tuple:
    if isinstance(value, tuple):
        return value
    if isinstance(value, list):
        return tuple(value)
    return (value,)
