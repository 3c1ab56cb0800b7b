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
