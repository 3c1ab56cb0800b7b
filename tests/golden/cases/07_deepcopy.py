# Golden cases: copy.deepcopy (TORCH_SEMANTICS.md §7).

# %% case: deepcopy_leaf_requires_grad
import copy
import torch
x = torch.ones(5, requires_grad=True)
c = copy.deepcopy(x)
print(c is x, c.data_ptr() == x.data_ptr())
print(c.is_leaf, c.requires_grad, c.grad, c.grad_fn)
print(repr(c) == repr(x))
print(c)

# %% case: deepcopy_version_is_one
import copy
import torch
x = torch.ones(3, requires_grad=True)
print(x._version, copy.deepcopy(x)._version)

# %% case: deepcopy_version_from_two_is_one
import copy
import torch
x = torch.ones(3)
x.add_(1)
x.add_(1)
c = copy.deepcopy(x)
print(x._version, c._version)

# %% case: deepcopy_plain_tensor_version_one
import copy
import torch
t = torch.arange(3)
print(copy.deepcopy(t)._version)

# %% case: deepcopy_independent_memory_and_version
import copy
import torch
x = torch.ones(3)
c = copy.deepcopy(x)
c.add_(1)
print(x, x._version)
print(c, c._version)

# %% case: deepcopy_parameter
import copy
import torch
p = torch.nn.Parameter(torch.ones(2))
p.sum().backward()
print(p.grad, p._version)
c = copy.deepcopy(p)
print(type(c).__name__, c._version, c.requires_grad, c.grad)
print(c)
print(c.data_ptr() == p.data_ptr())

# %% case: deepcopy_parameter_no_grad
import copy
import torch
p = torch.nn.Parameter(torch.ones(2), requires_grad=False)
c = copy.deepcopy(p)
print(type(c).__name__, c.requires_grad, c._version)

# %% case: deepcopy_copies_grad_of_plain_tensor
import copy
import torch
x = torch.ones(3, requires_grad=True)
(x * 2).sum().backward()
c = copy.deepcopy(x)
print(c.grad)
print(c.grad.data_ptr() == x.grad.data_ptr())
c.grad.add_(1)
print(x.grad, c.grad)

# %% case: deepcopy_nonleaf_raises
import copy
import torch
x = torch.ones(3, requires_grad=True)
y = x * 2
copy.deepcopy(y)

# %% case: deepcopy_nonleaf_in_dict_raises
import copy
import torch
x = torch.ones(3, requires_grad=True)
copy.deepcopy({'x': x, 'y': x + 1})

# %% case: deepcopy_nonleaf_in_list_raises
import copy
import torch
x = torch.ones(3, requires_grad=True)
copy.deepcopy([x.clone()])

# %% case: deepcopy_nonleaf_error_changes_nothing
import copy
import torch
x = torch.ones(3, requires_grad=True)
y = x * 2
try:
    copy.deepcopy(y)
except RuntimeError as e:
    print(type(e).__name__, str(e)[:48])
print(y, y._version, x._version)
y.sum().backward()
print(x.grad)

# %% case: deepcopy_view_of_requires_grad_leaf_raises
import copy
import torch
x = torch.ones(3, requires_grad=True)
copy.deepcopy(x[1:])

# %% case: deepcopy_detached_nonleaf
import copy
import torch
x = torch.ones(3, requires_grad=True)
d = (x * 2).detach()
c = copy.deepcopy(d)
print(c, c.requires_grad, c.is_leaf, c._version)

# %% case: deepcopy_nonleaf_under_no_grad_is_leaf
import copy
import torch
x = torch.ones(3, requires_grad=True)
with torch.no_grad():
    y = x * 2
print(copy.deepcopy(y))

# %% case: deepcopy_keeps_storage_sharing_in_dict
import copy
import torch
base = torch.arange(4.)
c = copy.deepcopy({'a': base, 'b': base[1:]})
a, b = c['a'], c['b']
print(a.data_ptr() == base.data_ptr())
print(b.data_ptr() == a.data_ptr() + 4, b.storage_offset())
print(a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr())
print(b._is_view(), b._base is None)
print(a._version, b._version)
b[0] = 100.
print(a)
print(a._version, b._version)
print(base)

# %% case: deepcopy_keeps_storage_sharing_view_first
import copy
import torch
base = torch.arange(4.)
c = copy.deepcopy({'b': base[1:], 'a': base})
a, b = c['a'], c['b']
print(b.data_ptr() == a.data_ptr() + 4, b.storage_offset())
b.fill_(-1)
print(a)
print(a._version, b._version)

# %% case: deepcopy_keeps_storage_sharing_in_list
import copy
import torch
base = torch.arange(6.).reshape(2, 3)
c = copy.deepcopy([base.t(), base])
print(c[0].stride(), c[0].data_ptr() == c[1].data_ptr())
c[1][0, 1] = 50.
print(c[0])

# %% case: deepcopy_tensor_and_its_detach
import copy
import torch
x = torch.ones(3, requires_grad=True)
c = copy.deepcopy([x, x.detach()])
print(c[0].data_ptr() == c[1].data_ptr(), c[0].data_ptr() == x.data_ptr())
print(c[0].requires_grad, c[1].requires_grad)
c[1].add_(1)
print(c[0], c[0]._version, c[1]._version)

# %% case: deepcopy_lone_view_copies_whole_storage
import copy
import torch
v = torch.arange(10.)[2:4]
c = copy.deepcopy(v)
print(c)
print(c.storage_offset(), c.untyped_storage().nbytes())
print(c._is_view(), c._base is None, c.stride())

# %% case: deepcopy_same_object_twice
import copy
import torch
t = torch.ones(2)
c = copy.deepcopy([t, t])
print(c[0] is c[1], c[0] is t)

# %% case: deepcopy_honours_memo
import copy
import torch
t = torch.ones(2)
memo = {}
a = copy.deepcopy(t, memo)
b = copy.deepcopy(t, memo)
print(a is b)

# %% case: deepcopy_copies_python_attributes
import copy
import torch
t = torch.ones(2)
t.tag = ['hello']
c = copy.deepcopy(t)
print(c.tag, c.tag is t.tag)

# %% case: deepcopy_int_and_bool
import copy
import torch
i = copy.deepcopy(torch.tensor([1, 2]))
b = copy.deepcopy(torch.tensor([True, False]))
print(i, i.dtype, b, b.dtype)

# %% case: deepcopy_0dim_and_float64
import copy
import torch
print(copy.deepcopy(torch.tensor(3.)), copy.deepcopy(torch.tensor([1.5], dtype=torch.float64)))

# %% case: deepcopy_preserves_strides
import copy
import torch
t = torch.arange(6.).reshape(2, 3).t()
c = copy.deepcopy(t)
print(c.stride(), c.is_contiguous())
print(c)

# %% case: deepcopy_does_not_share_version_with_source
import copy
import torch
x = torch.ones(2, requires_grad=True)
c = copy.deepcopy(x)
with torch.no_grad():
    c.add_(1)
print(x._version, c._version, x)

# %% case: pickle_keeps_the_window_and_starts_a_new_version
import pickle
import torch
x = torch.arange(6.0).reshape(2, 3)
x.note = "kept"
t = x.t()
s = x[1:, 1:]
a, b, c = pickle.loads(pickle.dumps((x, t, s)))
print(b.stride(), b.is_contiguous(), c.stride(), c.storage_offset(), c.untyped_storage().nbytes())
print(a.note, a._version, b._version, b._base is None)
a.add_(1)
print(a, b, c, a._version, b._version)
e = pickle.loads(pickle.dumps(torch.zeros(3).expand(2, 3)))
print(e.stride(), e.shape)
p = pickle.loads(pickle.dumps(torch.ones(2, requires_grad=True) * 2))
print(p.requires_grad, p.is_leaf, p.grad_fn, p._version)
