# Golden cases: type promotion (TORCH_SEMANTICS.md §2).

# %% case: int_tensor_plus_python_float
import torch
r = torch.tensor([1, 2]) + 1.5
print(r)
print(r.dtype)

# %% case: int_tensor_times_python_float
import torch
r = torch.tensor([1, 2]) * 0.5
print(r, r.dtype)

# %% case: int_tensor_plus_python_int
import torch
r = torch.tensor([1, 2]) + 1
print(r)
print(r.dtype)

# %% case: int_true_division
import torch
r = torch.tensor([1, 2, 3]) / torch.tensor([2, 2, 2])
print(r)
print(r.dtype)
s = torch.tensor([3]) / 2
print(s, s.dtype)

# %% case: int_floor_division
import torch
r = torch.tensor([7, 8, 9]) // 2
print(r)
print(r.dtype)

# %% case: int32_plus_python_int_stays_int32
import torch
r = torch.tensor([1, 2], dtype=torch.int32) + 1
print(r)
print(r.dtype)

# %% case: int32_plus_int64_tensor
import torch
r = torch.tensor([1, 2], dtype=torch.int32) + torch.tensor([1, 2])
print(r.dtype)

# %% case: float32_plus_float64_dimensioned
import torch
r = torch.ones(2) + torch.ones(2, dtype=torch.float64)
print(r)
print(r.dtype)

# %% case: float32_plus_float64_0dim
import torch
r = torch.ones(2) + torch.tensor(1., dtype=torch.float64)
print(r)
print(r.dtype)

# %% case: int64_plus_float64_0dim
import torch
r = torch.tensor([1, 2]) + torch.tensor(1., dtype=torch.float64)
print(r)
print(r.dtype)

# %% case: int64_plus_float32_0dim
import torch
r = torch.tensor([1, 2]) + torch.tensor(1.)
print(r.dtype)

# %% case: float64_times_python_float
import torch
r = torch.ones(2, dtype=torch.float64) * 2.5
print(r.dtype)

# %% case: float32_times_numpy_float64
import torch
import numpy as np
r = torch.ones(2) * np.float64(2.)
print(type(r).__name__)
print(r)
print(r.dtype)

# %% case: float32_plus_ndarray_is_float64_tensor
import torch
import numpy as np
r = torch.ones(2) + np.ones(2)
print(type(r).__name__)
print(r)
print(r.dtype)

# %% case: int_add_inplace_float_raises
import torch
t = torch.tensor([1, 2])
try:
    t.add_(1.5)
except RuntimeError as e:
    print(type(e).__name__, e)
print(t, t.dtype, t._version)

# %% case: int_iadd_float_raises
import torch
t = torch.tensor([1, 2])
t += 1.5

# %% case: float32_add_inplace_float64
import torch
t = torch.ones(2)
t.add_(torch.ones(2, dtype=torch.float64))
print(t)
print(t.dtype, t._version)

# %% case: inplace_mul_keeps_float32
import torch
t = torch.ones(2)
t *= torch.tensor([2., 3.], dtype=torch.float64)
print(t, t.dtype)

# %% case: int_inplace_plus_int
import torch
t = torch.tensor([1, 2])
t += 3
print(t, t.dtype)

# %% case: bool_plus_bool_is_or
import torch
r = torch.tensor([True, False]) + torch.tensor([True, True])
print(r)
print(r.dtype)

# %% case: bool_plus_int_is_int64
import torch
r = torch.tensor([True, False]) + 1
print(r)
print(r.dtype)

# %% case: bool_sum_is_int64
import torch
r = torch.tensor([True, False, True]).sum()
print(r)
print(r.dtype)

# %% case: comparisons_give_bool
import torch
a = torch.tensor([1., 2., 3.])
print(a > 1.5)
print((a == 2.).dtype, (a <= 2).dtype, (a != a).dtype)

# %% case: int_sum_is_int64
import torch
r = torch.tensor([1, 2, 3], dtype=torch.int32).sum()
print(r, r.dtype)

# %% case: int_mean_raises
import torch
torch.tensor([1, 2, 3]).mean()

# %% case: float_methods_convert
import torch
t = torch.tensor([1, 2])
print(t.float(), t.float().dtype)
print(t.double())
print(torch.tensor([1.7, -1.7]).long())
print(t.to(torch.float64).dtype)
