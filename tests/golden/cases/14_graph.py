# Golden cases: grad_fn graph structure (TORCH_SEMANTICS.md §14).

# %% case: next_functions_two_leaves
import torch
x = torch.ones(2, requires_grad=True)
w = torch.ones(2, requires_grad=True)
y = x * w
print([(type(f).__name__ if f is not None else None, i) for f, i in y.grad_fn.next_functions])

# %% case: next_functions_with_python_scalar
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
print([(type(f).__name__ if f is not None else None, i) for f, i in y.grad_fn.next_functions])

# %% case: next_functions_constant_first
import torch
x = torch.ones(2, requires_grad=True)
c = torch.ones(2)
y = c * x
print([(type(f).__name__ if f is not None else None, i) for f, i in y.grad_fn.next_functions])

# %% case: next_functions_is_tuple_of_tuples
import torch
x = torch.ones(2, requires_grad=True)
nf = (x * 2).grad_fn.next_functions
print(type(nf).__name__, len(nf), type(nf[0]).__name__, len(nf[0]))

# %% case: accumulate_grad_variable_and_next_functions
import torch
x = torch.ones(2, requires_grad=True)
acc = (x * 2).grad_fn.next_functions[0][0]
print(acc.variable is x, acc.next_functions)

# %% case: accumulate_grad_is_shared
import torch
x = torch.ones(2, requires_grad=True)
a = (x * 2).grad_fn.next_functions[0][0]
b = (x + 1).grad_fn.next_functions[0][0]
print(a is b)

# %% case: chain_of_names
import torch
x = torch.ones(2, requires_grad=True)
s = ((x * 2 + 1) ** 2).sum()
names = []
fn = s.grad_fn
while fn is not None:
    names.append(type(fn).__name__)
    fn = fn.next_functions[0][0] if fn.next_functions else None
print(' -> '.join(names))

# %% case: same_node_reached_twice
import torch
x = torch.ones(2, requires_grad=True)
y = x * 3
z = y + y
print([(type(f).__name__, i) for f, i in z.grad_fn.next_functions])
print(z.grad_fn.next_functions[0][0] is z.grad_fn.next_functions[1][0] is y.grad_fn)

# %% case: leaf_and_no_grad_have_no_grad_fn
import torch
x = torch.ones(2, requires_grad=True)
print(x.grad_fn, torch.ones(2).grad_fn, (torch.ones(2) * 2).grad_fn)

# %% case: add_grad_fn_names
import torch
x = torch.ones(2, requires_grad=True)
print(type((x + x).grad_fn).__name__, type((x + 1).grad_fn).__name__, type((1 + x).grad_fn).__name__)

# %% case: sub_grad_fn_names
import torch
x = torch.ones(2, requires_grad=True)
print(type((x - 1).grad_fn).__name__, type((1 - x).grad_fn).__name__, type((x - x).grad_fn).__name__)

# %% case: rsub_grads
import torch
x = torch.ones(2, requires_grad=True)
(1 - x).sum().backward()
print(x.grad)

# %% case: mul_div_grad_fn_names
import torch
x = torch.ones(2, requires_grad=True)
print(type((x * x).grad_fn).__name__, type((x * 2).grad_fn).__name__)
print(type((x / 2).grad_fn).__name__, type((x / x).grad_fn).__name__, type((2 / x).grad_fn).__name__)

# %% case: reciprocal_grads
import torch
x = torch.tensor([1., 2.], requires_grad=True)
y = 2 / x
y.sum().backward()
print(y, x.grad)
print([(type(f).__name__ if f is not None else None, i) for f, i in y.grad_fn.next_functions])

# %% case: neg_grad_fn
import torch
x = torch.ones(2, requires_grad=True)
print(type((-x).grad_fn).__name__)

# %% case: pow_grad_fn_names
import torch
x = torch.ones(2, requires_grad=True)
print(type((x ** 2).grad_fn).__name__, type(x.pow(2).grad_fn).__name__, type(x.square().grad_fn).__name__)
print(type((x ** x).grad_fn).__name__, type((2 ** x).grad_fn).__name__)

# %% case: pow_grads
import torch
x = torch.tensor([1., 2.], requires_grad=True)
(x ** x).sum().backward()
print(x.grad)
x.grad = None
(2 ** x).sum().backward()
print(x.grad)

# %% case: unary_grad_fn_names
import torch
x = torch.ones(2, requires_grad=True)
for name in ('sqrt', 'exp', 'log', 'abs', 'sin', 'relu', 'sigmoid', 'tanh'):
    print(name, type(getattr(x, name)().grad_fn).__name__)
print(type(torch.exp(x).grad_fn).__name__, type(torch.relu(x).grad_fn).__name__)

# %% case: softmax_repeat_grad_fn_names
import torch
x = torch.ones(2, 3, requires_grad=True)
print(type(x.softmax(1).grad_fn).__name__, type(torch.softmax(x, dim=0).grad_fn).__name__)
print(type(x.repeat(2, 1).grad_fn).__name__)

# %% case: reduction_grad_fn_names
import torch
x = torch.ones(2, 3, requires_grad=True)
print(type(x.sum().grad_fn).__name__, type(x.sum(0).grad_fn).__name__, type(x.sum(dim=1).grad_fn).__name__)
print(type(x.mean().grad_fn).__name__, type(x.mean(0).grad_fn).__name__)
print(type(x.max().grad_fn).__name__, type(x.max(0).values.grad_fn).__name__)

# %% case: max_dim_returns_values_indices
import torch
x = torch.tensor([[1., 5.], [4., 2.]], requires_grad=True)
r = x.max(0)
print(r.values, r.indices)
print(type(r.indices.grad_fn).__name__ if r.indices.grad_fn else None, r.indices.requires_grad)
r.values.sum().backward()
print(x.grad)

# %% case: matmul_grad_fn_names
import torch
a = torch.ones(2, 3, requires_grad=True)
b = torch.ones(3, 2, requires_grad=True)
v = torch.ones(3, requires_grad=True)
print(type((a @ b).grad_fn).__name__, type(a.mm(b).grad_fn).__name__, type(torch.matmul(a, b).grad_fn).__name__)
print(type((a @ v).grad_fn).__name__, type((v @ v).grad_fn).__name__)

# %% case: cat_stack_grad_fn_names
import torch
x = torch.ones(2, requires_grad=True)
print(type(torch.cat([x, x]).grad_fn).__name__, type(torch.stack([x, x]).grad_fn).__name__)
c = torch.cat([x, torch.zeros(1)])
print([(type(f).__name__ if f is not None else None, i) for f, i in c.grad_fn.next_functions])

# %% case: clamp_where_maximum_grad_fn_names
import torch
x = torch.tensor([-1., 2.], requires_grad=True)
print(type(x.clamp(0, 1).grad_fn).__name__, type(torch.clamp(x, min=0).grad_fn).__name__)
print(type(torch.where(x > 0, x, torch.zeros(2)).grad_fn).__name__)
print(type(torch.maximum(x, torch.zeros(2)).grad_fn).__name__)

# %% case: norm_clone_to_index_grad_fn_names
import torch
x = torch.tensor([3., 4.], requires_grad=True)
n = x.norm()
print(n, type(n.grad_fn).__name__)
print(type(x.clone().grad_fn).__name__, type(x.to(torch.float64).grad_fn).__name__, type(x[[1]].grad_fn).__name__)

# %% case: norm_grad
import torch
x = torch.tensor([3., 4.], requires_grad=True)
x.norm().backward()
print(x.grad)

# %% case: saved_self_is_leaf_for_pow
import torch
x = torch.ones(2, requires_grad=True)
fn = (x ** 2).grad_fn
print(fn._saved_self is x, fn._saved_exponent, type(fn._saved_exponent).__name__)

# %% case: saved_result_of_exp
import torch
x = torch.ones(2, requires_grad=True)
y = x.exp()
r = y.grad_fn._saved_result
print(bool((r == y).all()), r.data_ptr() == y.data_ptr(), r is y)
print(r.requires_grad, type(r.grad_fn).__name__)

# %% case: saved_self_and_other_for_mul
import torch
x = torch.ones(2, requires_grad=True)
w = torch.ones(2, requires_grad=True)
fn = (x * w).grad_fn
print(fn._saved_self is x, fn._saved_other is w)

# %% case: saved_other_for_mul_by_scalar
import torch
x = torch.ones(2, requires_grad=True)
fn = (x * 2).grad_fn
print(fn._saved_other, fn._saved_other.dtype, fn._saved_other.dim())
print(fn._saved_self)

# %% case: saved_other_for_mul_by_constant_tensor
import torch
x = torch.ones(2, requires_grad=True)
c = torch.tensor([2., 3.])
fn = (x * c).grad_fn
print(fn._saved_self, fn._saved_other is c)

# %% case: saved_sizes_for_sum_and_view
import torch
x = torch.ones(2, 3, requires_grad=True)
print(x.sum().grad_fn._saved_self_sym_sizes, x.view(6).grad_fn._saved_self_sym_sizes)

# %% case: saved_slice_attributes
import torch
x = torch.ones(5, requires_grad=True)
fn = x[1:].grad_fn
print(fn._saved_start, fn._saved_dim, fn._saved_step)

# %% case: saved_attribute_after_backward_raises
import torch
x = torch.ones(2, requires_grad=True)
y = x ** 2
y.sum().backward()
y.grad_fn._saved_self

# %% case: saved_attribute_after_retained_backward
import torch
x = torch.ones(2, requires_grad=True)
y = x ** 2
y.sum().backward(retain_graph=True)
print(y.grad_fn._saved_self is x)

# %% case: grad_fn_name_method_matches_type_name
import torch
x = torch.ones(2, 2, requires_grad=True)
for t in (x * 2, x.sum(), x.t(), x[0], x.exp(), x.clone(), x.view(4), x @ x):
    print(type(t.grad_fn).__name__ == t.grad_fn.name(), t.grad_fn.name())

# %% case: grad_fn_is_same_object_each_access
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
print(y.grad_fn is y.grad_fn)

# %% case: slice_saves_its_bounds_as_given
import torch
x = torch.ones(5, requires_grad=True)
for s in (slice(1, None), slice(None, 3), slice(-2, None), slice(1, 100), slice(None, None, 2),
          slice(-100, 2), slice(3, 1), slice(None, -1)):
    y = x[s]
    fn = y.grad_fn
    y.sum().backward()
    print(s, fn._saved_start, fn._saved_end, fn._saved_step, x.grad.tolist())
    x.grad = None
print(x.narrow(0, 1, 2).grad_fn._saved_end)
