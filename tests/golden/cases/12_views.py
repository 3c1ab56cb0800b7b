# Golden cases: views (TORCH_SEMANTICS.md §12).

# %% case: int_index_is_view
import torch
x = torch.tensor([[0., 1., 2.], [3., 4., 5.]])
v = x[1]
print(v._is_view(), v._base is x, v.storage_offset(), v.stride())
print(v.untyped_storage().data_ptr() == x.untyped_storage().data_ptr())

# %% case: slice_is_view
import torch
x = torch.arange(6.)
v = x[1:4]
print(v._is_view(), v._base is x, v.storage_offset(), v.stride())
v[0] = 100.
print(x)

# %% case: step_slice_is_view
import torch
x = torch.arange(6.)
v = x[::2]
print(v._is_view(), v.stride(), v.is_contiguous())
print(v)

# %% case: none_and_ellipsis_index_are_views
import torch
x = torch.tensor([[0., 1., 2.], [3., 4., 5.]])
a = x[None]
b = x[..., 1]
c = x[:, None]
print(a._is_view(), a.shape, a._base is x)
print(b._is_view(), b.shape, b.stride(), b.storage_offset())
print(c._is_view(), c.shape)

# %% case: view_and_view_as
import torch
x = torch.arange(6.)
v = x.view(2, 3)
w = x.view_as(torch.zeros(3, 2))
print(v._is_view(), v._base is x, v.data_ptr() == x.data_ptr(), v.shape)
print(w._is_view(), w._base is x, w.shape)
print(x.view(-1, 2).shape)

# %% case: reshape_flatten_unflatten_of_contiguous
import torch
x = torch.arange(6.).reshape(2, 3)
r = x.reshape(3, 2)
f = x.flatten()
u = f.unflatten(0, (3, 2))
print(r._is_view(), f._is_view(), u._is_view())
print(r._base is x, f._base is x, u._base is x)
print(x._is_view(), x._base is not None)

# %% case: transpose_family_are_views
import torch
x = torch.tensor([[0., 1., 2.], [3., 4., 5.]])
for name, v in [('transpose', x.transpose(0, 1)), ('t', x.t()), ('T', x.T), ('mT', x.mT),
                ('permute', x.permute(1, 0)), ('movedim', x.movedim(0, 1)), ('swapaxes', x.swapaxes(0, 1))]:
    print(name, v._is_view(), v._base is x, v.shape, v.stride(), v.is_contiguous())

# %% case: expand_is_view_with_zero_stride
import torch
x = torch.tensor([[1.], [2.], [3.]])
e = x.expand(3, 4)
f = x.expand_as(torch.zeros(3, 2))
print(e._is_view(), e._base is x, e.stride(), e.shape)
print(f.stride(), f._is_view())
print(x.expand(-1, 2).shape)
print(e)

# %% case: unsqueeze_squeeze_narrow_diagonal_unfold_are_views
import torch
x = torch.arange(9.).reshape(3, 3)
u = x.unsqueeze(0)
s = u.squeeze()
n = x.narrow(1, 1, 2)
d = x.diagonal()
f = torch.arange(6.).unfold(0, 2, 1)
for name, v in [('unsqueeze', u), ('squeeze', s), ('narrow', n), ('diagonal', d), ('unfold', f)]:
    print(name, v._is_view(), v.shape, v.stride(), v.storage_offset())
print(d)
print(f)

# %% case: split_chunk_unbind_are_views
import torch
x = torch.arange(6.)
for name, parts in [('split', x.split(2)), ('chunk', x.chunk(3)), ('unbind', x.view(2, 3).unbind(1))]:
    print(name, [p._is_view() for p in parts], [p.storage_offset() for p in parts], all(p._base is x for p in parts))

# %% case: base_is_root
import torch
x = torch.arange(12.)
v = x.view(3, 4)
w = v[1:]
z = w.t()[0]
print(v._base is x, w._base is x, z._base is x)
print(x._base)

# %% case: advanced_index_list_copies
import torch
x = torch.arange(5.)
c = x[[0, 2]]
print(c._is_view(), c._base, c.storage_offset())
c[0] = 100.
print(x, c)

# %% case: advanced_index_tensor_and_mask_copy
import torch
x = torch.arange(5.)
a = x[torch.tensor([1, 3])]
b = x[x > 2]
print(a, a._is_view(), b, b._is_view())
print(a.untyped_storage().data_ptr() == x.untyped_storage().data_ptr())

# %% case: advanced_index_grad_fn
import torch
x = torch.arange(5., requires_grad=True)
print(type(x[[0, 1]].grad_fn).__name__, type(x[x > 2].grad_fn).__name__, type(x[torch.tensor([4])].grad_fn).__name__)
x[[0, 0, 2]].sum().backward()
print(x.grad)

# %% case: view_data_ptr_offset
import torch
x = torch.arange(5.)
v = x[1:]
print(v.data_ptr() - x.data_ptr(), v.element_size())
print(v.untyped_storage().data_ptr() == x.untyped_storage().data_ptr())
d = torch.arange(5, dtype=torch.float64)
print(d[2:].data_ptr() - d.data_ptr())

# %% case: strided_view_offset
import torch
x = torch.arange(12.).reshape(3, 4)
v = x[1:, ::2]
print(v.stride(), v.storage_offset(), v.shape, v.is_contiguous())
print(v)

# %% case: contiguity_flags
import torch
x = torch.arange(6.).reshape(2, 3)
print(x.is_contiguous(), x.t().is_contiguous(), x[:, 1:].is_contiguous(), x[1:].is_contiguous())
print(torch.ones(1, 3).expand(2, 3).is_contiguous())

# %% case: reshape_of_contiguous_is_view
import torch
x = torch.arange(6., requires_grad=True)
r = x.reshape(2, 3)
s = x.reshape(6)
print(r._is_view(), type(r.grad_fn).__name__, r._base is x)
print(s is x, s._is_view(), type(s.grad_fn).__name__)

# %% case: reshape_of_noncontiguous_copies
import torch
x = torch.arange(6.).reshape(2, 3)
t = x.t()
r = t.reshape(6)
print(r._is_view(), r.data_ptr() == x.data_ptr())
print(r)

# %% case: reshape_of_noncontiguous_chain
import torch
x = torch.ones(2, 3, requires_grad=True)
r = x.t().reshape(6)
n1 = r.grad_fn
n2 = n1.next_functions[0][0]
n3 = n2.next_functions[0][0]
print(type(n1).__name__, type(n2).__name__, type(n3).__name__)

# %% case: view_of_noncontiguous_raises
import torch
x = torch.arange(6.).reshape(2, 3)
x.t().view(6)

# %% case: view_bad_size_raises
import torch
torch.arange(6.).view(4)

# %% case: reshape_bad_size_raises
import torch
torch.arange(6.).reshape(4, 2)

# %% case: methods_returning_self
import torch
x = torch.ones(3)
print(x.contiguous() is x, x.to(torch.float32) is x, x.float() is x)
print(x.type(torch.float32) is x, x.cpu() is x, x.to('cpu') is x)

# %% case: methods_returning_new_tensor
import torch
x = torch.ones(3, requires_grad=True)
a = x.to(torch.float32, copy=True)
b = x.double()
c = torch.ones(2, 3, requires_grad=True).t().contiguous()
print(a is x, type(a.grad_fn).__name__, a.data_ptr() == x.data_ptr())
print(b.dtype, type(b.grad_fn).__name__)
print(c.is_contiguous(), type(c.grad_fn).__name__, c._is_view())

# %% case: to_dtype_grad_fn
import torch
x = torch.ones(2, requires_grad=True)
y = x.to(torch.float64)
print(y, type(y.grad_fn).__name__)
y.sum().backward()
print(x.grad, x.grad.dtype)

# %% case: slice_and_narrow_grad_fn
import torch
x = torch.ones(4, requires_grad=True)
print(type(x[1:].grad_fn).__name__, type(x.narrow(0, 1, 2).grad_fn).__name__)

# %% case: select_grad_fn
import torch
x = torch.ones(2, 3, requires_grad=True)
print(type(x[0].grad_fn).__name__, type(x[..., 0].grad_fn).__name__, type(x.select(1, 2).grad_fn).__name__)

# %% case: view_family_grad_fn
import torch
x = torch.ones(2, 3, requires_grad=True)
f = x.flatten()
print(type(x.view(6).grad_fn).__name__, type(x.view_as(torch.zeros(3, 2)).grad_fn).__name__)
print(type(f.grad_fn).__name__, type(f.unflatten(0, (2, 3)).grad_fn).__name__, type(x.reshape(3, 2).grad_fn).__name__)

# %% case: transpose_family_grad_fn
import torch
x = torch.ones(2, 3, requires_grad=True)
print(type(x.transpose(0, 1).grad_fn).__name__, type(x.mT.grad_fn).__name__, type(x.swapaxes(0, 1).grad_fn).__name__)
print(type(x.t().grad_fn).__name__)
print(type(x.T.grad_fn).__name__, type(x.permute(1, 0).grad_fn).__name__, type(x.movedim(0, 1).grad_fn).__name__)

# %% case: expand_grad_fn
import torch
x = torch.ones(3, 1, requires_grad=True)
print(type(x.expand(3, 4).grad_fn).__name__, type(x.expand_as(torch.zeros(3, 2)).grad_fn).__name__)

# %% case: unsqueeze_grad_fn
import torch
x = torch.ones(2, 3, requires_grad=True)
print(type(x.unsqueeze(0).grad_fn).__name__, type(x[None].grad_fn).__name__, type(x[:, None].grad_fn).__name__)

# %% case: squeeze_grad_fn
import torch
x = torch.ones(1, 3, requires_grad=True)
print(type(x.squeeze().grad_fn).__name__, type(x.squeeze(0).grad_fn).__name__)

# %% case: diagonal_unfold_grad_fn
import torch
x = torch.ones(3, 3, requires_grad=True)
y = torch.ones(6, requires_grad=True)
print(type(x.diagonal().grad_fn).__name__, type(y.unfold(0, 2, 1).grad_fn).__name__)

# %% case: split_chunk_unbind_grad_fn
import torch
x = torch.ones(4, requires_grad=True)
print([type(p.grad_fn).__name__ for p in x.split(2)])
print([type(p.grad_fn).__name__ for p in x.chunk(2)])
print([type(p.grad_fn).__name__ for p in x.view(2, 2).unbind(0)])

# %% case: expand_grad_is_summed
import torch
x = torch.ones(3, 1, requires_grad=True)
x.expand(3, 4).sum().backward()
print(x.grad)

# %% case: view_grads_flow_to_base
import torch
x = torch.ones(2, 3, requires_grad=True)
(x.t()[0] * torch.tensor([2., 3.])).sum().backward()
print(x.grad)

# %% case: inplace_on_view_of_nonleaf
import torch
x = torch.ones(5, requires_grad=True)
y = x * 1
v = y[1:]
v.mul_(2)
print(type(y.grad_fn).__name__, type(y.grad_fn.next_functions[0][0]).__name__)
print(type(v.grad_fn).__name__, type(v.grad_fn.next_functions[0][0]).__name__)
print(y._version, v._version)
print(y)
y.sum().backward()
print(x.grad)

# %% case: inplace_on_view_of_nonleaf_grad_through_view
import torch
x = torch.ones(5, requires_grad=True)
y = x * 1
v = y[1:]
v.mul_(2)
v.sum().backward()
print(x.grad)

# %% case: inplace_on_base_regenerates_view_grad_fn
import torch
x = torch.ones(4, requires_grad=True)
y = x * 1
v = y[:2]
print(type(v.grad_fn).__name__)
y.mul_(3)
print(type(y.grad_fn).__name__)
print(type(v.grad_fn).__name__, type(v.grad_fn.next_functions[0][0]).__name__)
print(v)
v.sum().backward()
print(x.grad)

# %% case: requires_grad_on_view_of_plain_tensor
import torch
x = torch.ones(4)
v = x[1:]
v.requires_grad_()
print(v.is_leaf, v.requires_grad, v._is_view(), v._base is x, v.grad_fn)
(v * 2).sum().backward()
print(v.grad, x.grad)

# %% case: storage_shared_between_views
import torch
x = torch.arange(4.)
v = x.view(2, 2)
print(x.untyped_storage().nbytes(), v.untyped_storage().nbytes())
print(x[2:].untyped_storage().data_ptr() == x.untyped_storage().data_ptr())

# %% case: view_dtype_size_and_stride
import torch
x = torch.zeros(2, 3, 4)
print(x.stride(), x.stride(0), x.permute(2, 0, 1).stride())
print(x[:, 1].stride(), x[:, 1].storage_offset())

# %% case: transpose_property_of_other_than_2d_warns_once [fresh-process]
import torch
print(torch.ones(3).T.shape, torch.ones(2, 3, 4).T.shape, torch.tensor(1.).T.shape)
print(torch.ones(2, 3).T.shape)
