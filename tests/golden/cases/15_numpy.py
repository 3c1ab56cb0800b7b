# Golden cases: NumPy interop (TORCH_SEMANTICS.md §15).

# %% case: numpy_returns_sharing_ndarray
import torch
import numpy as np
t = torch.ones(3)
a = t.numpy()
print(type(a).__name__, a.dtype, a.shape)
print(a)
a[0] = 5
print(t, t._version)

# %% case: numpy_sees_tensor_inplace
import torch
t = torch.ones(3)
a = t.numpy()
t.add_(1)
t[2] = 7
print(a, t._version)

# %% case: numpy_dtypes
import torch
print(torch.ones(1, dtype=torch.float64).numpy().dtype, torch.tensor([1]).numpy().dtype)
print(torch.tensor([True]).numpy().dtype, torch.tensor([1], dtype=torch.int32).numpy().dtype)

# %% case: numpy_of_view_shares_with_byte_strides
import torch
x = torch.arange(12.).reshape(4, 3)
v = x[1:]
a = v.numpy()
print(a.strides, a.shape)
print(x.t().numpy().strides)
a[0, 0] = 100
print(x[1])

# %% case: numpy_requires_grad_raises
import torch
torch.ones(2, requires_grad=True).numpy()

# %% case: numpy_of_nonleaf_raises
import torch
x = torch.ones(2, requires_grad=True)
(x * 2).numpy()

# %% case: numpy_force_shares
import torch
x = torch.ones(2, requires_grad=True)
a = x.numpy(force=True)
print(a)
a[0] = 3
print(x, x._version)

# %% case: numpy_of_detach_changes_source_silently
import torch
x = torch.ones(3, requires_grad=True)
y = x ** 2
x.detach().numpy()[0] = 10
print(x, x._version)
y.sum().backward()
print(x.grad)

# %% case: numpy_of_0dim
import torch
a = torch.tensor(2.5).numpy()
print(type(a).__name__, a.shape, a)

# %% case: np_asarray_shares
import torch
import numpy as np
t = torch.zeros(3)
a = np.asarray(t)
a[1] = 4
print(type(a).__name__, t)

# %% case: np_array_copies
import torch
import numpy as np
t = torch.zeros(3)
a = np.array(t)
a[1] = 4
print(type(a).__name__, a.dtype, t)

# %% case: np_asarray_requires_grad_raises
import torch
import numpy as np
np.asarray(torch.ones(2, requires_grad=True))

# %% case: np_array_requires_grad_raises
import torch
import numpy as np
np.array(torch.ones(2, requires_grad=True))

# %% case: from_numpy_shares_both_ways
import torch
import numpy as np
a = np.zeros(3, dtype=np.float32)
t = torch.from_numpy(a)
a[0] = 1
a += 1
print(t, t._version)
t.mul_(3)
t[2] = -1
print(a, t._version)

# %% case: from_numpy_noncontiguous_strides
import torch
import numpy as np
a = np.arange(12.).reshape(4, 3)
s = torch.from_numpy(a[:, ::2])
print(s.stride(), s.shape, s.is_contiguous())
tt = torch.from_numpy(a.T)
print(tt.stride(), tt.shape)
print(s)

# %% case: from_numpy_offset_view
import torch
import numpy as np
base = np.arange(6.)
t = torch.from_numpy(base[2:])
print(t, t.storage_offset())
base[2] = -1
print(t)

# %% case: from_numpy_requires_grad_aliases
import torch
import numpy as np
a = np.ones(2, dtype=np.float32)
t = torch.from_numpy(a).requires_grad_()
a[0] = 9
print(t)
print(t.is_leaf)

# %% case: from_numpy_negative_strides_raises
import torch
import numpy as np
torch.from_numpy(np.arange(4.)[::-1])

# %% case: from_numpy_list_raises
import torch
torch.from_numpy([1, 2])

# %% case: from_numpy_numpy_scalar_raises
import torch
import numpy as np
torch.from_numpy(np.float64(1.5))

# %% case: from_numpy_0d_array
import torch
import numpy as np
t = torch.from_numpy(np.array(2.5))
print(t, t.shape, t.dtype)

# %% case: from_numpy_readonly_warns [fresh-process]
import torch
import numpy as np
a = np.ones(2)
a.flags.writeable = False
t = torch.from_numpy(a)
print(t)

# %% case: from_numpy_readonly_warns_once [fresh-process]
import torch
import numpy as np
a = np.ones(2)
a.flags.writeable = False
torch.from_numpy(a)
b = np.zeros(2)
b.flags.writeable = False
t = torch.from_numpy(b)
print(t)

# %% case: as_tensor_shares_with_ndarray
import torch
import numpy as np
a = np.arange(3.)
t = torch.as_tensor(a)
a[0] = 5
print(t)
t.add_(1)
print(a, t._version)

# %% case: tensor_of_ndarray_copies
import torch
import numpy as np
a = np.arange(3, dtype=np.int32)
t = torch.tensor(a)
a[0] = 5
print(t)

# %% case: float64_array_into_float32_linear_raises
import torch
import numpy as np
lin = torch.nn.Linear(3, 2)
x = torch.from_numpy(np.ones((1, 3)))
lin(x)

# %% case: roundtrip_keeps_values
import torch
import numpy as np
a = np.array([[1.5, -2.], [0., 3.25]], dtype=np.float32)
print(torch.from_numpy(a).numpy().tolist())
print(torch.tensor(a).tolist())
