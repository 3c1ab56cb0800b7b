# Golden cases: detach().clone() against clone().detach() (TORCH_SEMANTICS.md §6).

# %% case: both_orders_equal_values_new_memory
import torch
x = torch.arange(4., requires_grad=True)
a = x.detach().clone()
b = x.clone().detach()
print(a, b)
print(bool((a == b).all()))
print(a.data_ptr() == x.data_ptr(), b.data_ptr() == x.data_ptr(), a.data_ptr() == b.data_ptr())

# %% case: both_orders_are_plain_leaves
import torch
x = torch.arange(4., requires_grad=True)
for t in (x.detach().clone(), x.clone().detach()):
    print(t.requires_grad, t.is_leaf, t.grad_fn, t._version)

# %% case: both_orders_own_version_counter
import torch
x = torch.arange(4., requires_grad=True)
a = x.detach().clone()
b = x.clone().detach()
a.add_(1)
b.mul_(2)
b.mul_(2)
print(x._version, a._version, b._version)
print(x)

# %% case: source_version_not_inherited
import torch
x = torch.ones(3)
x.add_(1)
x.add_(1)
print(x._version, x.detach().clone()._version, x.clone().detach()._version)

# %% case: nonleaf_source
import torch
x = torch.ones(3, requires_grad=True)
y = x * 2
a = y.detach().clone()
b = y.clone().detach()
print(a, b)
print(a.requires_grad, a.is_leaf, b.requires_grad, b.is_leaf)
print(a.data_ptr() == y.data_ptr(), b.data_ptr() == y.data_ptr())
a.zero_()
y.sum().backward()
print(x.grad)

# %% case: requires_grad_true_makes_independent_leaf
import torch
x = torch.ones(3, requires_grad=True)
a = x.detach().clone().requires_grad_(True)
b = x.clone().detach().requires_grad_(True)
print(a, b)
print(a.is_leaf, b.is_leaf)
(a * 2 + b * 3).sum().backward()
print(a.grad, b.grad, x.grad)

# %% case: detach_clone_records_nothing
import torch
x = torch.ones(3, requires_grad=True)
c = x.clone()
print(type(c.grad_fn).__name__)
print(c.detach().grad_fn, x.detach().clone().grad_fn)

# %% case: clone_detach_does_not_affect_source_graph
import torch
x = torch.ones(3, requires_grad=True)
y = x ** 2
snap = y.clone().detach()
snap.fill_(7)
y.sum().backward()
print(x.grad, y)
