# Golden cases: copy.copy (TORCH_SEMANTICS.md §8).

# %% case: copy_is_new_object_sharing_memory
import copy
import torch
t = torch.arange(3.)
c = copy.copy(t)
print(c is t, c.data_ptr() == t.data_ptr())
print(c)

# %% case: copy_own_version_starting_at_one
import copy
import torch
t = torch.arange(3.)
t.add_(1)
t.add_(1)
c = copy.copy(t)
print(t._version, c._version)
c.add_(1)
print(t._version, c._version)
print(t)

# %% case: copy_keeps_requires_grad_not_grad
import copy
import torch
x = torch.ones(2, requires_grad=True)
x.sum().backward()
c = copy.copy(x)
print(c.requires_grad, c.is_leaf, c.grad, c.grad_fn)
print(c)

# %% case: copy_of_nonleaf_is_leaf
import copy
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
c = copy.copy(y)
print(c.requires_grad, c.is_leaf, c.grad_fn)
print(c.data_ptr() == y.data_ptr())
print(c)

# %% case: copy_of_plain_tensor
import copy
import torch
t = torch.tensor([1, 2])
c = copy.copy(t)
print(c.requires_grad, c.dtype, c._version)
c[0] = 9
print(t)

# %% case: copy_of_view
import copy
import torch
base = torch.arange(4.)
v = base[1:]
c = copy.copy(v)
print(c.data_ptr() == v.data_ptr(), c.storage_offset())
c[0] = 100.
print(base, base._version, c._version)
