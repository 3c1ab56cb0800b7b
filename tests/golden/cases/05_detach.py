# Golden cases: detach() and detach_() (TORCH_SEMANTICS.md §5).

# %% case: detach_basics
import torch
x = torch.ones(5, requires_grad=True)
d = x.detach()
print(d is x, d.data_ptr() == x.data_ptr())
print(d.requires_grad, d.is_leaf, d.grad_fn)
print(d._is_view(), d._base is None)
print(d)

# %% case: detach_of_nonleaf
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
d = y.detach()
print(d, d.requires_grad, d.is_leaf, d.grad_fn)
print(d.data_ptr() == y.data_ptr())

# %% case: detach_shares_version_detach_to_source
import torch
x = torch.ones(5, requires_grad=True)
d = x.detach()
d.zero_()
print(x._version, d._version)
print(x)

# %% case: detach_shares_version_source_to_detach
import torch
x = torch.ones(3, requires_grad=True)
d = x.detach()
with torch.no_grad():
    x.mul_(2)
print(x._version, d._version)
print(d)

# %% case: detach_of_view
import torch
base = torch.arange(5.)
v = base[2:]
d = v.detach()
print(d.data_ptr() == v.data_ptr(), d.data_ptr() == base.data_ptr())
print(d._is_view(), d._base is None, d.storage_offset())
d.fill_(0)
print(base._version, v._version, d._version)
print(base)

# %% case: detach_detach_shares_memory
import torch
x = torch.ones(3, requires_grad=True)
a = x.detach()
b = a.detach()
c = x.detach()
print(a is b, a is c, b.data_ptr() == x.data_ptr(), c.data_ptr() == x.data_ptr())
b.add_(1)
print(x._version, a._version, b._version, c._version)

# %% case: detach__returns_self
import torch
x = torch.ones(2)
print(x.detach_() is x)

# %% case: detach__on_nonleaf_makes_leaf
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
r = y.detach_()
print(r is y)
print(y.requires_grad, y.is_leaf, y.grad_fn)
print(y)

# %% case: detach__on_view_raises
import torch
x = torch.ones(4, requires_grad=True)
v = x[1:]
v.detach_()

# %% case: detach__on_view_without_grad_raises
import torch
x = torch.ones(4)
v = x.view(2, 2)
v.detach_()

# %% case: detach__on_view_leaves_it_unchanged
import torch
x = torch.ones(4, requires_grad=True)
v = x[1:]
try:
    v.detach_()
except RuntimeError as e:
    print(type(e).__name__)
print(v.requires_grad, type(v.grad_fn).__name__, v._is_view())

# %% case: detach_requires_grad_is_new_leaf
import torch
x = torch.ones(3, requires_grad=True)
d = x.detach().requires_grad_()
print(d.is_leaf, d.requires_grad, d.data_ptr() == x.data_ptr())
(d * 2).sum().backward()
print(d.grad, x.grad)

# %% case: inplace_on_detached_allowed_and_bumps_shared_version
import torch
x = torch.ones(3, requires_grad=True)
d = x.detach()
d.add_(1)
d.mul_(3)
print(x, x._version)

# %% case: detach_inplace_then_backward_add_saves_nothing
import torch
x = torch.ones(3, requires_grad=True)
y = x + 2
x.detach().zero_()
y.sum().backward()
print(x.grad, x._version)

# %% case: detach_inplace_then_backward_mul_self_fails
import torch
x = torch.ones(3, requires_grad=True)
y = x * x
x.detach().zero_()
y.sum().backward()

# %% case: detach_inplace_then_backward_pow_fails
import torch
x = torch.ones(3, requires_grad=True)
y = x ** 2
x.detach().zero_()
y.sum().backward()

# %% case: detach_inplace_then_backward_exp_result_fails
import torch
x = torch.ones(3, requires_grad=True)
y = x.exp()
y.detach().zero_()
y.sum().backward()

# %% case: detach_inplace_exp_input_is_not_saved
import torch
x = torch.ones(3, requires_grad=True)
y = x.exp()
x.detach().zero_()
y.sum().backward()
print(x.grad)

# %% case: detach_inplace_mul_by_constant_input_not_saved
import torch
x = torch.ones(3, requires_grad=True)
y = x * 2
x.detach().fill_(5)
y.sum().backward()
print(x.grad)

# %% case: detach_tensor_function
import torch
x = torch.ones(2, requires_grad=True)
d = torch.detach(x)
print(d, d.data_ptr() == x.data_ptr())
