# Golden cases: the "modified by an inplace operation" error (TORCH_SEMANTICS.md §16).

# %% case: leaf_float_1d_no_clause
import torch
a = torch.ones(5, requires_grad=True)
b = a ** 2
a.detach().zero_()
b.sum().backward()

# %% case: leaf_double_2d
import torch
a = torch.ones(2, 3, dtype=torch.float64, requires_grad=True)
b = a * a
a.detach().add_(1)
b.sum().backward()

# %% case: leaf_version_two
import torch
a = torch.ones(3, requires_grad=True)
b = a ** 2
a.detach().add_(1)
a.detach().add_(1)
b.sum().backward()

# %% case: leaf_saved_at_version_one
import torch
a = torch.ones(3, requires_grad=True)
with torch.no_grad():
    a.add_(1)
b = a ** 2
with torch.no_grad():
    a.mul_(2)
b.sum().backward()

# %% case: parameter_no_clause
import torch
p = torch.nn.Parameter(torch.ones(3))
b = p ** 2
with torch.no_grad():
    p.add_(1)
b.sum().backward()

# %% case: nonleaf_exp_clause
import torch
x = torch.ones(3, requires_grad=True)
y = x.exp()
y.detach().zero_()
y.sum().backward()

# %% case: nonleaf_sigmoid_clause
import torch
x = torch.ones(3, requires_grad=True)
y = x.sigmoid()
y.detach().zero_()
y.sum().backward()

# %% case: nonleaf_tanh_clause
import torch
x = torch.ones(3, requires_grad=True)
y = x.tanh()
y.detach().zero_()
y.sum().backward()

# %% case: nonleaf_sqrt_clause
import torch
x = torch.ones(3, requires_grad=True)
y = x.sqrt()
y.detach().zero_()
y.sum().backward()

# %% case: nonleaf_relu_clause
import torch
x = torch.ones(3, requires_grad=True)
y = x.relu()
y.detach().zero_()
y.sum().backward()

# %% case: nonleaf_mul_clause
import torch
x = torch.ones(3, requires_grad=True)
y = x * 2
z = y * y
y.detach().zero_()
z.sum().backward()

# %% case: clause_uses_current_grad_fn
import torch
x = torch.ones(3, requires_grad=True)
y = x * 2
z = y.sin()
y.add_(1)
z.sum().backward()

# %% case: transposed_view_changed_through_detach
import torch
x = torch.ones(2, 3, requires_grad=True)
y = x * 1
t = y.t()
z = t * t
y.detach().zero_()
z.sum().backward()

# %% case: hint_inside_detect_anomaly
import torch
a = torch.ones(5, requires_grad=True)
b = a ** 2
a.detach().zero_()
with torch.autograd.detect_anomaly():
    b.sum().backward()

# %% case: sub_under_no_grad_between_forward_and_backward
import torch
w = torch.ones(3, requires_grad=True)
loss = (w * w).sum()
with torch.no_grad():
    w.sub_(0.1)
loss.backward()

# %% case: optimizer_step_between_backwards
import torch
w = torch.nn.Parameter(torch.tensor([1., 2.]))
opt = torch.optim.SGD([w], lr=0.1)
loss = (w * w).sum()
loss.backward(retain_graph=True)
opt.step()
loss.backward()

# %% case: error_leaves_grad_unset
import torch
a = torch.ones(3, requires_grad=True)
b = a ** 2
a.detach().zero_()
try:
    b.sum().backward()
except RuntimeError as e:
    print(type(e).__name__, str(e)[:40])
print(a.grad, a._version)

# %% case: version_error_is_runtime_error
import torch
a = torch.ones(2, requires_grad=True)
b = a * a
a.detach().mul_(2)
try:
    b.sum().backward()
except Exception as e:
    print(type(e).__name__, isinstance(e, RuntimeError))

# %% case: unrelated_inplace_is_fine
import torch
a = torch.ones(3, requires_grad=True)
other = torch.ones(3)
b = a ** 2
other.zero_()
b.sum().backward()
print(a.grad)

# %% case: clone_first_avoids_error
import torch
a = torch.ones(5, requires_grad=True)
b = a ** 2
c = a.detach().clone()
c.zero_()
b.sum().backward()
print(a.grad, a._version, c._version)

# %% case: inplace_then_restore_still_fails
import torch
a = torch.ones(3, requires_grad=True)
b = a ** 2
d = a.detach()
d.add_(1)
d.sub_(1)
print(a)
b.sum().backward()

# %% case: float64_nonleaf_2d_clause
import torch
x = torch.ones(2, 2, dtype=torch.float64, requires_grad=True)
y = x.exp()
y.detach().mul_(2)
y.sum().backward()
