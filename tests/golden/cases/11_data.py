# Golden cases: .data (TORCH_SEMANTICS.md §11).

# %% case: data_shares_memory
import torch
x = torch.ones(3, requires_grad=True)
d = x.data
print(d.data_ptr() == x.data_ptr())
print(d)

# %% case: data_is_new_object_each_access
import torch
x = torch.ones(3, requires_grad=True)
print(x.data is x.data, x.data is x)

# %% case: data_is_plain_leaf
import torch
x = torch.ones(3, requires_grad=True)
d = x.data
print(d.requires_grad, d.is_leaf, d.grad_fn, d._version)

# %% case: data_own_version_counter
import torch
x = torch.ones(3, requires_grad=True)
d = x.data
d.add_(1)
print(x._version, d._version)
print(x)

# %% case: data_vs_detach_version
import torch
x = torch.ones(3, requires_grad=True)
x.data.add_(1)
print(x._version)
x.detach().add_(1)
print(x._version)
print(x)

# %% case: data_change_gives_silently_wrong_grad
import torch
x = torch.ones(3, requires_grad=True)
y = x ** 2
x.data.mul_(3)
y.sum().backward()
print(x.grad)
print(x)

# %% case: detach_change_is_caught
import torch
x = torch.ones(3, requires_grad=True)
y = x ** 2
x.detach().mul_(3)
y.sum().backward()

# %% case: data_assignment_replaces_storage_and_shape
import torch
x = torch.ones(5, requires_grad=True)
old_ptr = x.data_ptr()
x.data = torch.tensor([7., 8.])
print(x, x.shape)
print(x.requires_grad, x.is_leaf, x._version)
print(x.data_ptr() == old_ptr)

# %% case: data_assignment_shares_with_new_tensor
import torch
x = torch.ones(2, requires_grad=True)
t = torch.tensor([3., 4.])
x.data = t
print(x.data_ptr() == t.data_ptr())
t.add_(1)
print(x)

# %% case: data_assignment_then_backward
import torch
x = torch.ones(3, requires_grad=True)
x.data = torch.tensor([1., 2.])
(x * x).sum().backward()
print(x.grad)

# %% case: data_of_nonleaf
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
d = y.data
print(d, d.requires_grad, d.is_leaf)
print(d.data_ptr() == y.data_ptr())

# %% case: data_of_view
import torch
base = torch.arange(5.)
v = base[2:]
d = v.data
print(d.data_ptr() == v.data_ptr(), d.storage_offset(), d._is_view())

# %% case: parameter_data_and_detach_are_tensors
import torch
p = torch.nn.Parameter(torch.ones(2))
print(type(p.data).__name__, type(p.detach()).__name__)
print(p.data)
print(p.detach())

# %% case: data_inplace_on_leaf_allowed_in_grad_mode
import torch
x = torch.ones(3, requires_grad=True)
x.data.zero_()
x.data[0] = 4.
print(x, x._version, x.is_leaf, x.grad_fn)
