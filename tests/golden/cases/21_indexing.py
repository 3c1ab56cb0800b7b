# Golden cases: indexing and x[index] = value as PyTorch's applySlicing, index and index_put_
# do them (which views are made, the messages, when x itself is written), and the memory
# overlap checks of in-place writes.

# %% case: slices_over_a_whole_dim_in_a_tuple_index_make_no_view
import torch
x = torch.zeros(3, 2, requires_grad=True)
for t in (x[:, 0:2], x[0:5, 0], x[0:3], x[0:3,], x[-3:, 0], x[0:2, 0:2], x[0:3, None]):
    print(t.shape, t.grad_fn.name(), t.grad_fn.next_functions[0][0].name())
try:
    x[0:1:0, 0]
except ValueError as e:
    print(type(e).__name__, e)

# %% case: indexing_a_0d_tensor
import torch
x = torch.tensor(3.0)
print(x[True], x[False], x[None, True], x[torch.tensor(True)].shape)
for f in (lambda: x[torch.tensor([0])], lambda: x[[0]], lambda: x[0], lambda: x[1], lambda: x[0:1]):
    try:
        f()
    except IndexError as e:
        print(type(e).__name__, e)

# %% case: a_0d_integer_tensor_index_is_an_int
import torch
b = torch.tensor([[1.0, 0.0], [2.0, 3.0]], requires_grad=True)
r = b[torch.tensor(1)]
print(r, r._base is b)
r = b[torch.tensor(1), [0]]
print(r, r.grad_fn.next_functions[0][0].name())
print(b[torch.tensor(True)].shape, b[1, :, None].shape)

# %% case: ints_select_before_tensors_index
import torch
a = torch.arange(24.0).reshape(2, 3, 4)
print(a[1, :, [0, 2]].shape, a[[0], :, 1].shape, a[:, [0, 1], [1]].shape, a[[1], :, [0, 2]].shape)
m = torch.ones(2, 3, dtype=torch.bool)
print(a[m, 0].shape, a[m, [1]].shape, a[[[0, 1]]].shape, a[[0.9]].shape, a[[]].shape)

# %% case: index_messages
import torch
a = torch.zeros(2, 3)
tests = (
    lambda: a[torch.tensor([True])],
    lambda: a[:, torch.tensor([True, False])],
    lambda: a[torch.ones(2, 2, dtype=torch.bool)],
    lambda: a[torch.tensor([0]), torch.tensor([5])],
    lambda: a[:, torch.tensor([5])],
    lambda: a[torch.tensor([0, 1]), torch.tensor([0, 1, 2])],
    lambda: a[-1, 5],
    lambda: a[None, 1, 5],
    lambda: a[torch.tensor([0.0])],
    lambda: torch.zeros(0, 2)[[5, -7]],
)
for f in tests:
    try:
        f()
    except IndexError as e:
        print(type(e).__name__, e)
print(torch.zeros(2, 0)[torch.tensor([5])].shape, torch.zeros(0, 2)[:, [5]].shape)

# %% case: setitem_writes_the_tensor_itself_for_an_index_that_keeps_every_element
import torch
x = torch.zeros(3, 2, requires_grad=True)
for index in ("[:, ...]", "[0:3]", "[0:5]", "[:, 0:2]", "[-3:]", "[None]"):
    try:
        exec(f"x{index} = 1.0")
    except RuntimeError as e:
        print(index, type(e).__name__, e)
y = torch.zeros(3, 2, requires_grad=True) * 1
y[0:3] = 2.0
print(y.grad_fn.name())
y[:, 0:2] = torch.ones(2)
print(y.grad_fn.name())
z = torch.zeros((), requires_grad=True) * 1
z[...] = torch.ones(1, 1)
print(z.grad_fn.name(), z)
try:
    z[:] = 1.0
except IndexError as e:
    print(type(e).__name__, e)

# %% case: setitem_value_shapes
import torch
x = torch.zeros(3, 2)
for index, value in (("[0:3, None]", torch.ones(3, 2)), ("[:, 0]", torch.ones(2)), ("[:, 0]", torch.ones(3, 2))):
    try:
        exec(f"x{index} = value")
    except RuntimeError as e:
        print(index, type(e).__name__, e)
v = torch.ones(1, 2, requires_grad=True)
y = torch.zeros(3) * 1
y[1:] = v
print(y.grad_fn.next_functions[1][0].name())

# %% case: index_put_checks
import torch
a = torch.zeros(3, requires_grad=True)
try:
    a[torch.tensor([])] = 2
except RuntimeError as e:
    print(type(e).__name__, e)
x = torch.zeros(3)
x[x > -1] = torch.tensor([7])
print(x)
for f in (
    lambda: x.__setitem__(torch.tensor([0, 1]), torch.tensor([5, 6])),
    lambda: torch.zeros(2, 3).__setitem__(([0, 1], [5, 0]), torch.tensor([1.0, 2, 3])),
):
    try:
        f()
    except RuntimeError as e:
        print(type(e).__name__, e)
e = torch.zeros(2, 0)
e[torch.tensor([5])] = 1.0
print(e)
v = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
w = torch.zeros(3) * 1
w[w == 0] = v
w.sum().backward()
print(v.grad)

# %% case: index_put_on_an_expanded_tensor
import torch
import warnings
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    t = torch.zeros(3).expand(2, 3)
    t[[0]] = -1
    print(t)
    t = torch.zeros(3).expand(2, 3)
    t[[0, 1], [1, 1]] = torch.tensor([5.0, 6.0])
    print(t)

# %% case: index_put_overlap_checks
import torch
c = torch.tensor([1, 0, 2])
try:
    c[c] = 0
except RuntimeError as e:
    print(type(e).__name__, e)
x = torch.arange(4.0)
try:
    x[[0, 1]] = x[1:3]
except RuntimeError as e:
    print(type(e).__name__, e)
x[x > 1] = x[3]
print(x)
a = torch.arange(3.0)
a[None, :] = a
print(a, a._version)
s = torch.tensor(2.0)
s[None] = s
a.fill_(a[1])
print(s, s._version, a)

# %% case: writes_that_an_expanded_tensor_takes
import torch
t = torch.zeros(3).expand(2, 3)
t.zero_()
t.fill_(2)
t.copy_(t)
print(t, t._version)
t.unsqueeze_(0)
print(t.shape, t.stride(), t._version)
for f in (lambda: t.fill_(torch.tensor(3.0)), lambda: t.copy_(t.clone()), lambda: t.add_(1)):
    try:
        f()
    except RuntimeError as e:
        print(type(e).__name__, e)

# %% case: a_full_overlap_is_no_partial_one
import torch
a = torch.ones(3, 1)
try:
    a.t().sub_(a)
except RuntimeError as e:
    print(type(e).__name__, e)
b = torch.arange(4.0)
try:
    b.add_(b[None])
except RuntimeError as e:
    print(type(e).__name__, e)

# %% case: expand_names_the_last_mismatching_dim
import torch
try:
    torch.zeros(3, 2).expand(3, 2, 1)
except RuntimeError as e:
    print(type(e).__name__, e)
