# Golden cases: what of devices and zero-copy exchange a machine without a GPU shows: device
# objects (parsing, reprs, equality, every message), a CPU tensor's device attributes, transfers
# that change nothing, DLPack both ways (memory shared, versions), and the refusals of
# __dlpack__ and __cuda_array_interface__. (CUDA itself is tested on the stand-in device and on
# a real GPU: tests/test_devices.py.)

# %% case: device_objects
import torch
for args in (("cpu",), ("cuda",), ("cuda:1",), ("cuda", 2), ("cpu:0",), ("cpu", 1)):
    d = torch.device(*args)
    print(repr(d), str(d), d.type, d.index)
print(torch.device("cuda") == torch.device("cuda:0"), torch.device("cuda:1") == torch.device("cuda", 1))
print(torch.device("cpu") == "cpu", torch.device(torch.device("cuda:3")))
print(len({torch.device("cuda", 0), torch.device("cuda:0"), torch.device("cpu")}))

# %% case: device_bad_strings
import torch
for text in ("gpu", "cuda:x", "cuda:-1", "cuda:0:1", "CUDA"):
    try:
        torch.device(text)
    except RuntimeError as error:
        print(type(error).__name__, error)

# %% case: device_bad_index
import torch
try:
    torch.device("cuda", -1)
except RuntimeError as error:
    print(error)
torch.device("cuda:1", 2)

# %% case: device_bad_type
import torch
torch.device(1.5)

# %% case: cpu_tensor_device_attributes
import torch
x = torch.ones(2)
print(x.device, repr(x.device), x.is_cuda, x.is_cpu, x.get_device(), x.type())
print(x.to("cpu") is x, x.cpu() is x, x.to(torch.device("cpu")) is x, x.to("cpu", copy=True) is x)
y = x.to("cpu:0")
print(y is x, y.device, y.data_ptr() == x.data_ptr(), x.double().type())

# %% case: dlpack_from_numpy_shares_memory
import numpy
import torch
a = numpy.arange(3.0)
t = torch.from_dlpack(a)
a[0] = 9
print(t, t._version, t.is_leaf, t.requires_grad, t.dtype)
t.add_(1)
print(a, t._version)

# %% case: dlpack_to_numpy_shares_memory
import numpy
import torch
t = torch.arange(4.0)
a = numpy.from_dlpack(t)
t[1] = 7
print(a, t._version)
print(t.__dlpack_device__(), type(t.__dlpack_device__()[0]).__name__)

# %% case: dlpack_between_tensors
import torch
t = torch.arange(3.0)
u = torch.from_dlpack(t)
u[0] = 5
print(t, u.data_ptr() == t.data_ptr(), t._version, u._version, u.is_leaf)
v = torch.from_dlpack(t[1:])
print(v, v.data_ptr() - t.data_ptr(), v._base is None)

# %% case: dlpack_of_tensor_requiring_grad
import torch
x = torch.ones(2, requires_grad=True)
print(torch.from_dlpack(x.detach()))
x.__dlpack__()

# %% case: from_dlpack_of_no_array
import torch
torch.from_dlpack([1, 2])

# %% case: cuda_array_interface_of_a_cpu_tensor
import torch
x = torch.ones(2, dtype=torch.float64)
print(hasattr(x, "__cuda_array_interface__"))
x.__cuda_array_interface__

# %% case: cuda_seed_without_a_gpu
import torch
torch.cuda.manual_seed(3)
torch.cuda.manual_seed_all(4)
print("seeded", torch.cuda.device_count() >= 0)
