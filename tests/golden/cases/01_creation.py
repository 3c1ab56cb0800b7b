# Golden cases: creation and default dtypes (TORCH_SEMANTICS.md §1).
# Each case runs on its own; see tests/golden/runner.py for the format.

# %% case: int_list_is_int64
import torch
t = torch.tensor([1, 2, 3])
print(t)
print(t.dtype)

# %% case: float_list_is_float32
import torch
t = torch.tensor([1, 2.5])
print(t)
print(t.dtype)

# %% case: bool_list_is_bool
import torch
t = torch.tensor([True, False])
print(t)
print(t.dtype)

# %% case: float_scalar_is_0dim
import torch
t = torch.tensor(3.)
print(t)
print(t.shape)
print(t.dim(), t.numel())
v = t.item()
print(type(v).__name__, v)

# %% case: int_scalar_is_0dim
import torch
t = torch.tensor(3)
print(t)
print(t.shape, t.dtype)
v = t.item()
print(type(v).__name__, v)

# %% case: bool_scalar_is_0dim
import torch
t = torch.tensor(True)
print(t)
print(t.dtype)
v = t.item()
print(type(v).__name__, v)

# %% case: int64_dtype_truncates_toward_zero
import torch
t = torch.tensor([1.7, -1.7], dtype=torch.int64)
print(t)
print(t.dtype)

# %% case: empty_list_is_float32
import torch
t = torch.tensor([])
print(t)
print(t.dtype, t.shape)

# %% case: nested_list_2d
import torch
t = torch.tensor([[1, 2], [3, 4]])
print(t)
print(t.shape, t.dtype)

# %% case: ragged_list_raises
import torch
torch.tensor([[1, 2], [3]])

# %% case: list_of_0dim_tensors
import torch
t = torch.tensor([torch.tensor(1.), torch.tensor(2.)])
print(t)
print(t.dtype)

# %% case: tensor_of_tensor_warns_and_copies
import torch
src = torch.ones(3, requires_grad=True)
t = torch.tensor(src)
print(t)
print(t.data_ptr() == src.data_ptr())
print(t.requires_grad, t.is_leaf, t.grad_fn)

# %% case: tensor_of_tensor_warns_every_time
import torch
src = torch.arange(3)
a = torch.tensor(src)
b = torch.tensor(src)
print(a, b)

# %% case: ones_varargs_tuple_list
import torch
a = torch.ones(2, 3)
b = torch.ones((2, 3))
c = torch.ones([2, 3])
print(a.shape, b.shape, c.shape)
print(a.dtype, b.dtype, c.dtype)
print(a)

# %% case: zeros_varargs_tuple_list
import torch
a = torch.zeros(2, 3)
b = torch.zeros((2, 3))
c = torch.zeros([2, 3])
print(a.shape, b.shape, c.shape)
print(a.dtype)
print(c)

# %% case: ones_with_dtype
import torch
print(torch.ones(3, dtype=torch.int64))
print(torch.ones(3, dtype=torch.float64))
print(torch.zeros(2, dtype=torch.int32))
print(torch.zeros(2, dtype=torch.bool))

# %% case: ones_requires_grad
import torch
x = torch.ones(5, requires_grad=True)
print(x)
print(x.requires_grad, x.is_leaf, x.grad, x.grad_fn)

# %% case: ones_like_copies_dtype_not_requires_grad
import torch
x = torch.ones(2, dtype=torch.float64, requires_grad=True)
o = torch.ones_like(x)
print(o)
print(o.dtype, o.requires_grad, o.is_leaf)

# %% case: zeros_like_copies_dtype_not_requires_grad
import torch
x = torch.ones(2, 2, dtype=torch.float64, requires_grad=True)
z = torch.zeros_like(x)
print(z)
print(z.dtype, z.shape, z.requires_grad)

# %% case: full_like_copies_dtype_not_requires_grad
import torch
x = torch.ones(3, requires_grad=True)
f = torch.full_like(x, 7)
print(f)
print(f.dtype, f.requires_grad)
i = torch.full_like(torch.arange(3), 2)
print(i, i.dtype)

# %% case: full_infers_int64
import torch
t = torch.full((2,), 7)
print(t)
print(t.dtype)

# %% case: full_infers_float32
import torch
t = torch.full((2,), 7.)
print(t)
print(t.dtype)

# %% case: full_infers_bool
import torch
t = torch.full((2,), True)
print(t)
print(t.dtype)

# %% case: full_with_dtype
import torch
t = torch.full((2, 2), 3, dtype=torch.float64)
print(t)

# %% case: arange_int
import torch
t = torch.arange(5)
print(t)
print(t.dtype)

# %% case: arange_start_end
import torch
t = torch.arange(1, 4)
print(t, t.dtype)

# %% case: arange_float_step
import torch
t = torch.arange(0, 1, 0.25)
print(t)
print(t.dtype)

# %% case: arange_float_end
import torch
t = torch.arange(5.)
print(t)
print(t.dtype)

# %% case: arange_dtype
import torch
t = torch.arange(4, dtype=torch.float64)
print(t)

# %% case: numpy_float64_scalar_keeps_dtype
import torch
import numpy as np
t = torch.tensor(np.float64(1.5))
print(t)
print(t.dtype, t.shape)

# %% case: numpy_float32_scalar_keeps_dtype
import torch
import numpy as np
t = torch.tensor(np.float32(1.5))
print(t)
print(t.dtype)

# %% case: numpy_int32_scalar_keeps_dtype
import torch
import numpy as np
t = torch.tensor(np.int32(7))
print(t)
print(t.dtype)

# %% case: list_of_numpy_float64
import torch
import numpy as np
t = torch.tensor([np.float64(1.5)])
print(t)
print(t.dtype)

# %% case: python_scalars_follow_defaults
import torch
print(torch.tensor(1.5).dtype)
print(torch.tensor(2).dtype)
print(torch.tensor(False).dtype)

# %% case: dtype_aliases_print_canonically
import torch
print(torch.float)
print(torch.double)
print(torch.long)
print(torch.float is torch.float32, torch.double is torch.float64, torch.long is torch.int64)
print(torch.int, torch.half, torch.bool)

# %% case: dtype_repr_and_str
import torch
print(repr(torch.float32), str(torch.int64))
print([torch.float64, torch.bool])

# %% case: Tensor_constructor_is_float32
import torch
t = torch.Tensor([1, 2])
print(t)
print(t.dtype)

# %% case: FloatTensor_constructor
import torch
t = torch.FloatTensor([1, 2])
print(t)
print(t.dtype)

# %% case: LongTensor_constructor
import torch
t = torch.LongTensor([1, 2])
print(t)
print(t.dtype)

# %% case: factory_requires_grad_on_int_raises
import torch
torch.tensor([1, 2], requires_grad=True)

# %% case: factory_requires_grad_on_int_dtype_raises
import torch
torch.ones(2, dtype=torch.int64, requires_grad=True)

# %% case: from_numpy_keeps_dtype
import torch
import numpy as np
for dt in (np.float64, np.float32, np.int64, np.int32, np.bool_):
    a = np.zeros(2, dtype=dt)
    print(torch.from_numpy(a).dtype)

# %% case: from_numpy_shares_memory
import torch
import numpy as np
a = np.array([1., 2., 3.])
t = torch.from_numpy(a)
print(t)
a[0] = 10.
print(t)
t[1] = 20.
print(a)

# %% case: tensor_of_ndarray_copies_keeps_float64
import torch
import numpy as np
a = np.array([1., 2., 3.])
t = torch.tensor(a)
print(t)
a[0] = 10.
print(t)

# %% case: as_tensor_shares_without_conversion
import torch
import numpy as np
a = np.array([1., 2., 3.])
t = torch.as_tensor(a)
a[0] = 10.
print(t)

# %% case: as_tensor_with_dtype_copies
import torch
import numpy as np
a = np.array([1., 2., 3.])
t = torch.as_tensor(a, dtype=torch.float32)
a[0] = 10.
print(t)

# %% case: as_tensor_of_tensor_same_object
import torch
t = torch.ones(3)
print(torch.as_tensor(t) is t)
print(torch.as_tensor(t, dtype=torch.float32) is t)

# %% case: as_tensor_of_tensor_new_dtype
import torch
t = torch.ones(3)
u = torch.as_tensor(t, dtype=torch.float64)
print(u is t)
print(u)

# %% case: as_tensor_of_list
import torch
t = torch.as_tensor([1, 2, 3])
print(t, t.dtype)

# %% case: rand_randn_randint_shapes_and_dtypes
import torch
torch.manual_seed(0)
a = torch.randn(3)
b = torch.rand(2, 3)
c = torch.randint(0, 10, (5,))
print(a.shape, a.dtype)
print(b.shape, b.dtype)
print(c.shape, c.dtype)
print(bool(((b >= 0) & (b < 1)).all()), bool(((c >= 0) & (c < 10)).all()))

# %% case: manual_seed_reproduces
import torch
torch.manual_seed(0)
a = torch.randn(4)
torch.manual_seed(0)
b = torch.randn(4)
print(bool((a == b).all()))

# %% case: randn_requires_grad
import torch
x = torch.randn(2, 2, requires_grad=True)
print(x.requires_grad, x.is_leaf, x.shape)

# %% case: size_and_dim
import torch
t = torch.zeros(2, 3, 4)
print(t.size(), t.size(1), t.dim(), t.ndim, t.numel())
print(t.shape[0], t.size(-1))

# %% case: device_is_cpu
import torch
t = torch.ones(2)
print(t.device, repr(t.device), t.device.type)
print(t.is_cuda, t.to('cpu') is t, t.cpu() is t)
print(torch.device('cpu'), torch.device('cpu') == t.device)

# %% case: factory_with_device_cpu
import torch
t = torch.zeros(2, device='cpu')
u = torch.tensor([1., 2.], device=torch.device('cpu'))
print(t, u, t.device, u.device)
