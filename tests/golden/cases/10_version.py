# Golden cases: version counters (TORCH_SEMANTICS.md §10).

# %% case: new_tensor_version_zero
import torch
print(torch.ones(2)._version, torch.tensor([1, 2])._version, torch.arange(3.)._version)
print(torch.ones(2, requires_grad=True)._version)

# %% case: each_inplace_adds_one
import torch
t = torch.ones(3)
for op in ('add_', 'mul_', 'sub_', 'div_'):
    getattr(t, op)(2)
    print(op, t._version)
t.zero_()
print('zero_', t._version)
t.fill_(1)
print('fill_', t._version)
t.clamp_(0, 1)
print('clamp_', t._version)
t.neg_()
print('neg_', t._version)

# %% case: each_setitem_form_adds_one
import torch
t = torch.zeros(4)
t[0] = 1
print('int', t._version)
t[1:3] = 2
print('slice', t._version)
t[[0, 3]] = 3
print('list', t._version)
t[t > 2] = 4
print('mask', t._version)
t[torch.tensor([1])] = 5
print('tensor', t._version)
t[...] = 6
print('ellipsis', t._version)
print(t)

# %% case: augmented_assignment_adds_one
import torch
t = torch.ones(2)
t += 1
print(t._version)
t *= 2
print(t._version)
t -= 1
t /= 3
print(t._version)

# %% case: copy_and_out_add_one
import torch
t = torch.ones(2)
t.copy_(torch.zeros(2))
print(t._version)
torch.mul(torch.ones(2), 3, out=t)
print(t._version, t)

# %% case: out_of_place_ops_leave_version
import torch
t = torch.ones(3)
u = t + 1
v = t * 2
w = t.sum()
c = t.clone()
t.requires_grad_()
print(t._version, u._version, c._version)

# %% case: requires_grad_leaves_version
import torch
t = torch.ones(3)
t.requires_grad_()
t.requires_grad_(False)
t.requires_grad = True
print(t._version)

# %% case: shared_by_base_and_views
import torch
base = torch.arange(6.)
v1 = base.view(2, 3)
v2 = base[1:]
v3 = base.select(0, 2)
v4 = v1[0]
v2.add_(1)
print(base._version, v1._version, v2._version, v3._version, v4._version)
base.mul_(2)
print(base._version, v1._version, v2._version, v3._version, v4._version)
v4.zero_()
print(base._version, v1._version, v2._version, v3._version, v4._version)
print(base)

# %% case: shared_by_detach
import torch
x = torch.ones(3, requires_grad=True)
d1 = x.detach()
d2 = x.detach()
d1.add_(1)
print(x._version, d1._version, d2._version)

# %% case: not_shared_with_data
import torch
x = torch.ones(3, requires_grad=True)
x.data.add_(1)
print(x._version, x.data._version)
print(x)

# %% case: not_shared_with_clone
import torch
t = torch.ones(3)
c = t.clone()
c.add_(1)
t.add_(1)
t.add_(1)
print(t._version, c._version)

# %% case: not_shared_with_deepcopy
import copy
import torch
t = torch.ones(3)
c = copy.deepcopy(t)
c.add_(1)
print(t._version, c._version)

# %% case: not_shared_among_deepcopied_tensors
import copy
import torch
base = torch.ones(4)
c = copy.deepcopy([base, base[2:]])
c[1].add_(1)
print(c[0]._version, c[1]._version)
print(c[0])

# %% case: not_shared_with_copy_copy
import copy
import torch
t = torch.ones(3)
c = copy.copy(t)
c.add_(1)
print(t._version, c._version)
print(t)

# %% case: numpy_side_writes_do_not_bump
import torch
t = torch.zeros(3)
a = t.numpy()
a[0] = 5
a += 1
print(t, t._version)
t.add_(1)
print(a, t._version)

# %% case: from_numpy_writes_do_not_bump
import torch
import numpy as np
a = np.zeros(3, dtype=np.float32)
t = torch.from_numpy(a)
a[1] = 2
a *= 3
print(t, t._version)

# %% case: grad_accumulates_in_place
import torch
x = torch.ones(2, requires_grad=True)
(x * 3).sum().backward()
g = x.grad
print(g, g._version)
(x * 3).sum().backward()
print(x.grad is g, g, g._version)
(x * 3).sum().backward()
print(x.grad is g, g._version)

# %% case: grad_after_reset_is_new
import torch
x = torch.ones(2, requires_grad=True)
x.sum().backward()
g = x.grad
x.grad = None
x.sum().backward()
print(x.grad is g, x.grad)

# %% case: optimizer_step_adds_one
import torch
p = torch.nn.Parameter(torch.tensor([1., 2.]))
opt = torch.optim.SGD([p], lr=0.1)
print(p._version)
p.sum().backward()
opt.step()
print(p._version)
print(p)
opt.step()
print(p._version)

# %% case: load_state_dict_adds_one
import torch
lin = torch.nn.Linear(2, 1)
before = lin.weight._version
lin.load_state_dict({'weight': torch.tensor([[1., 2.]]), 'bias': torch.tensor([0.5])})
print(before, lin.weight._version, lin.bias._version)
print(lin.weight)

# %% case: new_linear_parameters_at_version_one
import torch
lin = torch.nn.Linear(3, 2)
print(lin.weight._version, lin.bias._version)

# %% case: parameter_of_tensor_shares_memory_and_version
import torch
t = torch.ones(3)
p = torch.nn.Parameter(t)
print(p.data_ptr() == t.data_ptr(), p._version, t._version)
t.add_(1)
print(p._version, t._version)
print(p)

# %% case: inference_tensor_version_raises
import torch
with torch.inference_mode():
    t = torch.ones(2)
t._version

# %% case: version_of_int_and_bool_tensors
import torch
i = torch.tensor([1, 2])
i += 1
b = torch.tensor([True, False])
b[0] = False
print(i._version, b._version)
