# Golden cases: clone() (TORCH_SEMANTICS.md §4).

# %% case: clone_of_leaf_requires_grad
import torch
x = torch.ones(5, requires_grad=True)
y = x.clone()
print(y.data_ptr() == x.data_ptr())
print(bool((y == x).all()))
print(y.requires_grad, y.is_leaf, type(y.grad_fn).__name__)
print([(type(f).__name__, i) for f, i in y.grad_fn.next_functions])
print(y._version)

# %% case: clone_repr
import torch
x = torch.ones(5, requires_grad=True)
print(x.clone())

# %% case: clone_next_function_is_x_accumulator
import torch
x = torch.ones(5, requires_grad=True)
y = x.clone()
print(y.grad_fn.next_functions[0][0].variable is x)

# %% case: clone_gradient_passes_through
import torch
x = torch.ones(3, requires_grad=True)
y = x.clone()
(y * torch.tensor([1., 2., 3.])).sum().backward()
print(x.grad)

# %% case: clone_without_grad_is_plain_leaf
import torch
x = torch.ones(3)
y = x.clone()
print(y.grad_fn, y.requires_grad, y.is_leaf)
print(y.data_ptr() == x.data_ptr())
print(y)

# %% case: clone_version_is_independent
import torch
x = torch.ones(3)
x.add_(1)
print(x._version)
y = x.clone()
print(y._version)
y.add_(1)
print(x._version, y._version)
print(x, y)

# %% case: clone_writes_do_not_propagate
import torch
x = torch.arange(4.)
y = x.clone()
y[0] = 100.
x[1] = -1.
print(x)
print(y)

# %% case: clone_does_not_copy_grad
import torch
x = torch.ones(2, requires_grad=True)
x.sum().backward()
print(x.grad)
with torch.no_grad():
    y = x.clone()
print(y.grad, y.requires_grad, y.is_leaf)

# %% case: clone_of_leaf_with_grad_grad_is_none_and_warns
import torch
x = torch.ones(2, requires_grad=True)
x.sum().backward()
y = x.clone()
print(y.grad)

# %% case: parameter_clone_is_plain_tensor
import torch
p = torch.nn.Parameter(torch.ones(2))
c = p.clone()
print(type(c).__name__, type(c.grad_fn).__name__)
print(c)

# %% case: clone_of_view_is_not_view
import torch
base = torch.arange(5.)
v = base[1:]
c = v.clone()
print(v._is_view(), c._is_view(), c._base is None)
print(v.storage_offset(), c.storage_offset())
print(c.untyped_storage().data_ptr() == base.untyped_storage().data_ptr())
print(c.untyped_storage().nbytes())
c[0] = 100.
print(base)
print(c)

# %% case: clone_of_view_chain
import torch
x = torch.ones(5, requires_grad=True)
c = x[1:].clone()
print(type(c.grad_fn).__name__)
n = c.grad_fn.next_functions[0][0]
print(type(n).__name__, type(n.next_functions[0][0]).__name__)

# %% case: clone_preserves_strides
import torch
t = torch.arange(6.).reshape(2, 3).t()
c = t.clone()
print(t.stride(), c.stride(), c.is_contiguous())
print(c)

# %% case: clone_contiguous_format
import torch
t = torch.arange(6.).reshape(2, 3).t()
c = t.clone(memory_format=torch.contiguous_format)
print(c.stride(), c.is_contiguous())
print(c)

# %% case: clone_preserve_format_explicit
import torch
t = torch.arange(6.).reshape(2, 3).t()
c = t.clone(memory_format=torch.preserve_format)
print(c.stride())

# %% case: clone_of_expanded_is_dense
import torch
t = torch.ones(4, 1).expand(4, 3)
print(t.stride())
c = t.clone()
print(c.stride(), c.is_contiguous())
print(torch.ones(3, 1).expand(3, 4).clone().stride())

# %% case: clone_of_sliced_strided
import torch
t = torch.arange(10.)[::2]
c = t.clone()
print(t.stride(), c.stride(), c.storage_offset())
print(c)

# %% case: inplace_on_clone_allowed
import torch
x = torch.ones(3, requires_grad=True)
y = x.clone()
y.add_(1)
print(y)
print(type(y.grad_fn).__name__, type(y.grad_fn.next_functions[0][0]).__name__)
print(y._version, x._version)
y.sum().backward()
print(x.grad)

# %% case: clone_int_and_bool_keep_dtype
import torch
print(torch.tensor([1, 2]).clone().dtype, torch.tensor([True]).clone().dtype)
print(torch.tensor(5).clone())

# %% case: clone_of_nonleaf
import torch
x = torch.ones(2, requires_grad=True)
y = (x * 3).clone()
print(y)
print([type(f).__name__ for f, _ in y.grad_fn.next_functions])
y.sum().backward()
print(x.grad)

# %% case: torch_clone_function
import torch
x = torch.ones(2, requires_grad=True)
y = torch.clone(x)
print(y)
