# Golden cases: the values backward nodes show as _saved_* attributes (what a picture of the graph
# shows for each node), for nodes whose saved values are easy to get wrong: a rounded division
# keeps both operands though its gradient is zero, a number operand reads back as a tensor, a
# reduction over dims keeps the element count, split keeps the size it was given, and a whole
# prod() keeps no dim.

# %% case: rounded_division_saves_both_operands
import torch
x = torch.tensor([3.0, -3.0], requires_grad=True)
y = torch.tensor([2.0, 2.0], requires_grad=True)
q = x.div(y, rounding_mode="floor")
fn = q.grad_fn
print(type(fn).__name__, sorted(a for a in dir(fn) if a.startswith("_saved_")))
print(fn._saved_self, fn._saved_other, fn._saved_rounding_mode)
s = x.div(2, rounding_mode="trunc")
print(s.grad_fn._saved_other, s.grad_fn._saved_rounding_mode)
with torch.no_grad():
    y.add_(1)
q.sum().backward()

# %% case: rounded_division_after_backward
import torch
x = torch.tensor([3.0, -3.0], requires_grad=True)
q = x.div(2, rounding_mode="floor")
q.sum().backward()
print(x.grad)
q.grad_fn._saved_other

# %% case: reductions_splits_and_products
import torch
x = torch.ones(2, 3, requires_grad=True)
m = x.mean(1)
print(m.grad_fn._saved_self_sym_numel, m.grad_fn._saved_self_sym_sizes, m.grad_fn._saved_dim)
for piece in (x.split(2, dim=1)[0], x.chunk(2, dim=1)[0], x.split([1, 2], dim=1)[0]):
    fn = piece.grad_fn
    print(type(fn).__name__, sorted(a for a in dir(fn) if a.startswith("_saved_")))
print(x.split(2, dim=1)[0].grad_fn._saved_split_size, x.chunk(2, dim=1)[0].grad_fn._saved_split_size)
p = x.prod()
print(sorted(a for a in dir(p.grad_fn) if a.startswith("_saved_")), p.grad_fn._saved_result)
p1 = x.prod(1)
print(sorted(a for a in dir(p1.grad_fn) if a.startswith("_saved_")), p1.grad_fn._saved_dim)
c = torch.cat([x, x], dim=1)
print(sorted(a for a in dir(c.grad_fn) if a.startswith("_saved_")), c.grad_fn._saved_dim)
u = x.unbind(0)[0]
print(sorted(a for a in dir(u.grad_fn) if a.startswith("_saved_")), u.grad_fn._saved_dim)
r = torch.remainder(x, 2)
print(sorted(a for a in dir(r.grad_fn) if a.startswith("_saved_")))
