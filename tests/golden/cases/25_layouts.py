# Golden cases: the memory layout (strides) of results, as PyTorch's TensorIterator and its
# other kernels lay them out. Each fact found by the differential test.

# %% case: elementwise_follows_first_operand
import torch
a = torch.arange(4.).reshape(2, 2)
print((a.t() * a).stride(), (a * a.t()).stride(), (a.t() + 1).stride())
print(torch.where(a.t() > 1, a, a.t()).stride(), (a.t() < a).stride())
b = torch.arange(24.).reshape(2, 3, 4).permute(2, 0, 1)
print(b.exp().stride(), (b + torch.ones(2, 1)).stride(), (-b[::2]).stride())

# %% case: elementwise_of_expanded
import torch
t = torch.tensor([True, False]).expand(2, 2, -1)
print(t.float().exp().stride(), (t // 2).stride(), (t.long() * 2.5).stride())
u = torch.tensor([[1.0], [2.0]]).expand(2, 3)
print(u.sin().stride(), (u + u).stride(), (u.t() + torch.ones(3, 2)).stride())

# %% case: scalar_power_base_is_contiguous
import torch
t = torch.arange(6.).reshape(3, 2).t()
print((2 ** t).stride(), (t ** 2).stride(), (2 - t).stride(), (2 / t).stride())

# %% case: integer_operand_cast_first
import torch
i = torch.arange(12).reshape(3, 4)[:, ::2].t()
print((i + torch.ones(2, 3)).stride(), i.exp().stride(), (i < 1.5).stride())

# %% case: conversion_keeps_layout
import torch
e = torch.tensor([[1], [2]]).expand(2, 2, 3)
print(e.float().stride(), e.to(torch.float64).stride(), e.bool().stride())
p = torch.zeros(2, 3, 4).permute(1, 2, 0)
print(p.long().stride(), p[:, ::2].double().stride(), p.to(torch.float32, copy=True).stride())

# %% case: reductions_and_scans_are_contiguous
import torch
t = torch.arange(12.).reshape(3, 2, 2).permute(1, 2, 0)
print(t.sum(0).stride(), t.mean(2, keepdim=True).stride(), t.std(dim=0).stride())
print(t.amax(1).stride(), t.prod(0).stride(), t.norm(dim=0).stride(), t.bool().any(0).stride())
print(t.cumsum(0).stride(), t.softmax(1).stride(), t.log_softmax(0).stride())

# %% case: flip_keeps_layout
import torch
t = torch.arange(4.).reshape(2, 2).t()
print(t.flip(0).stride(), t.flip(0), t[:, ::1].flip((0, 1)).stride())
p = torch.arange(24.).reshape(2, 3, 4).permute(2, 0, 1)[::2]
print(p.flip(1).stride())
o = torch.tensor([[1.0]])
f = o.flip(0)
print(f.stride(), f.data_ptr() == o.data_ptr())
s = torch.tensor(2.0, requires_grad=True)
r = s.flip(0)
print(r, r.stride())
r.backward()
print(s.grad)
try:
    t.flip((0, 0))
except RuntimeError as e:
    print(type(e).__name__, e)

# %% case: cat_and_stack_layout
import torch
t = torch.arange(6.).reshape(3, 2).t()
print(torch.cat([t, t]).stride(), torch.cat([t, t], 1).stride(), torch.stack([t, t]).stride())
print(torch.stack([t, t], 2).stride())
c = torch.zeros(2, 3, 4, 5).permute(0, 2, 3, 1)
print(torch.cat([c, c]).stride(), torch.cat([c, c.contiguous()]).stride())

# %% case: advanced_index_layout
import torch
t = torch.arange(12.).reshape(3, 2, 2).transpose(-1, -2)
print(t[torch.tensor([0, 2])].stride(), t[:, torch.tensor([1, 0])].stride(), t[t > 3].stride())
x = torch.arange(6.).reshape(3, 2)
print(x[..., torch.tensor([1])].stride(), x[..., torch.tensor([1, 0])].stride())
i = torch.tensor([[0, 1, 0], [1, 0, 1]]).t()
print(x[i].stride(), x[i, None].stride(), x.t()[:, i].stride())

# %% case: reshape_alias_of_non_contiguous
import torch
a = torch.arange(9., requires_grad=True).reshape(3, 3)
for r in (a[:, 2].reshape(1, 3), a.t().reshape(3, 1, 3), a[:, 2].reshape(3), a.reshape(9)):
    print(type(r.grad_fn).__name__, r.stride(), r._base is not None)
print(type(a[:, :2].flatten(1).grad_fn).__name__, type(a.t().reshape(9).grad_fn).__name__)
r = a.t()[:, 1:].reshape(3, 2, 1)
r.sum().backward()
print(a.grad)

# %% case: size_one_dim_strides_of_views_and_conversions
import torch
print(torch.zeros(3)[None, 0:-1:2].reshape(1).stride(), torch.zeros(2, 3, 4)[:, :1].view(2, 4, 1).stride())
print(torch.zeros(2, 3, 4)[:, :, 0].view(1, 6, 1).stride(), torch.zeros(2, 3).view(1, 6, 1, 1).stride())
print(torch.zeros(1, 3)[:, :2].double().stride(), torch.zeros(1, 2, 2).permute(2, 0, 1).float().stride())
t = torch.zeros(3, 2).t()
print(t.sum(0, keepdim=True).stride(), t.mean(1, keepdim=True).stride())
