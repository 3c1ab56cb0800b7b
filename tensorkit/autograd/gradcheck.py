"""Check analytical gradients against central finite differences (use float64 inputs)."""

from __future__ import annotations

__all__ = ["gradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when the analytical and numerical Jacobians disagree."""


def _as_tuple(value):
    from ..tensor import Tensor

    return (value,) if isinstance(value, Tensor) else tuple(value)


def gradcheck(func, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, **_ignored) -> bool:
    """Compare the Jacobian that backward computes with one from finite differences.

    >>> import tensorkit
    >>> x = tensorkit.tensor([0.5, 2.0], dtype=tensorkit.float64, requires_grad=True)
    >>> gradcheck(lambda t: (t * t).sin(), (x,))
    True
    """
    from ..tensor import Tensor
    from . import grad as autograd_grad
    from .grad_mode import no_grad

    inputs = _as_tuple(inputs)
    differentiable = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    with no_grad():
        outputs = _as_tuple(func(*inputs))
    outputs = [o for o in outputs if isinstance(o, Tensor) and o.dtype.is_floating_point]
    for position in differentiable:
        tensor = inputs[position]
        if tensor.dtype.name != "float64":
            import warnings

            warnings.warn(f"Input #{position} requires gradient and is not a double precision floating point. "
                          "gradcheck may fail because of the finite differences.", UserWarning, stacklevel=2)
    for out_index in range(len(outputs)):
        out_size = outputs[out_index].numel()
        for position in differentiable:
            tensor = inputs[position]
            numerical = _numerical_jacobian(func, inputs, tensor, out_index, eps)
            analytical = []
            for row in range(out_size):
                result = _as_tuple(func(*inputs))
                output = [o for o in result if isinstance(o, Tensor) and o.dtype.is_floating_point][out_index]
                selector = output.detach().clone()
                selector.zero_()
                selector.view(-1)[row] = 1
                if not output.requires_grad:
                    analytical.append([0.0] * tensor.numel())
                    continue
                (g,) = autograd_grad(output, tensor, selector, allow_unused=True)
                analytical.append([0.0] * tensor.numel() if g is None else g.detach().reshape(-1).tolist())
            for row in range(out_size):
                for column in range(tensor.numel()):
                    a, n = analytical[row][column], numerical[row][column]
                    if abs(a - n) > atol + rtol * abs(n):
                        if raise_exception:
                            raise GradcheckError(
                                f"Jacobian mismatch for output {out_index} with respect to input {position},\n"
                                f"numerical:{numerical}\nanalytical:{analytical}\n"
                            )
                        return False
    return True


def _numerical_jacobian(func, inputs, tensor, out_index, eps):
    from ..tensor import Tensor
    from .grad_mode import no_grad

    flat = tensor.detach().view(-1) if tensor.is_contiguous() else None
    if flat is None:
        raise ValueError("gradcheck needs contiguous inputs")
    columns = []
    with no_grad():
        for index in range(tensor.numel()):
            original = flat[index].item()
            flat._data[index] = original + eps
            plus = [o for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor)][out_index].detach().reshape(-1).tolist()
            flat._data[index] = original - eps
            minus = [o for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor)][out_index].detach().reshape(-1).tolist()
            flat._data[index] = original
            columns.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
    rows = len(columns[0]) if columns else 0
    return [[columns[c][r] for c in range(len(columns))] for r in range(rows)]
