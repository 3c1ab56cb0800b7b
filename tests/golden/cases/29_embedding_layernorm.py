# Golden cases: nn.Embedding and nn.LayerNorm with F.embedding and F.layer_norm: their reprs and
# initial parameters (shapes, versions, the zeroed padding row), the values they compute on
# weights set with copy_, their backward nodes (EmbeddingBackward0, NativeLayerNormBackward0:
# next_functions and saved values), the gradients, max_norm's in-place rescaling (values and
# versions), from_pretrained, and every message.

# %% case: embedding_reprs_and_initial_weight
import torch
for e in (
    torch.nn.Embedding(3, 4),
    torch.nn.Embedding(10, 3, padding_idx=0),
    torch.nn.Embedding(10, 3, padding_idx=-1),
    torch.nn.Embedding(5, 2, max_norm=1.0),
    torch.nn.Embedding(5, 2, max_norm=2, norm_type=1.0),
    torch.nn.Embedding(5, 2, scale_grad_by_freq=True, sparse=True),
):
    w = e.weight
    print(e, e.padding_idx, tuple(w.shape), w.dtype, w.requires_grad, w.is_leaf, w._version)
e = torch.nn.Embedding(10, 3, padding_idx=2)
print(e.weight[2], type(e.weight).__name__, type(e).__module__)
print([name for name, _ in e.named_parameters()], list(e.state_dict()))
print(torch.nn.Embedding(4, 2, dtype=torch.float64).weight.dtype)
print(e.num_embeddings, e.embedding_dim, e.max_norm, e.norm_type, e.scale_grad_by_freq, e.sparse)

# %% case: embedding_lookup_values_and_graph
import torch
e = torch.nn.Embedding(4, 3)
with torch.no_grad():
    e.weight.copy_(torch.arange(12.0).reshape(4, 3))
print(e.weight._version)
idx = torch.tensor([[0, 2], [3, 0]])
y = e(idx)
print(y)
fn = y.grad_fn
print(type(fn).__name__, [(type(f).__name__ if f is not None else None, i) for f, i in fn.next_functions])
print(fn._saved_padding_idx, fn._saved_weight_sym_argsize_0, fn._saved_sparse, fn._saved_scale_grad_by_freq)
print(fn._saved_indices, fn._saved_indices is idx)
print(y.requires_grad, y.is_leaf, y.dtype, y.shape, y.is_contiguous())
y.backward(torch.arange(12.0).reshape(2, 2, 3))
print(e.weight.grad)
print(e.weight._version, idx._version)

# %% case: embedding_functional_forms_and_index_shapes
import torch
import torch.nn.functional as F
w = torch.arange(8.0).reshape(4, 2).requires_grad_()
print(F.embedding(torch.tensor(3), w))
print(F.embedding(torch.tensor([], dtype=torch.long), w))
print(F.embedding(torch.tensor([[[1]], [[2]]], dtype=torch.int32), w).shape)
print(F.embedding(torch.tensor([1, 0]), w.t().contiguous().t()))
print(F.embedding(torch.tensor([0, 1]), torch.arange(6).reshape(3, 2)))
with torch.no_grad():
    print(F.embedding(torch.tensor([1]), w))
print(F.embedding(torch.tensor([1]), w.detach()).grad_fn)
y = F.embedding(torch.tensor([1, 1]), w, padding_idx=-1)
print(y.grad_fn._saved_padding_idx)

# %% case: embedding_padding_row_gets_no_gradient
import torch
e = torch.nn.Embedding(4, 2, padding_idx=1)
print(e.weight[1], e.weight._version)
with torch.no_grad():
    e.weight.copy_(torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]))
print(e.weight._version)
y = e(torch.tensor([1, 2, 1, 0, 2]))
print(y)
y.sum().backward()
print(e.weight.grad)
(y * y).sum().backward()
print(e.weight.grad)

# %% case: embedding_scale_grad_by_freq
import torch
import torch.nn.functional as F
w = torch.ones(4, 2, requires_grad=True)
y = F.embedding(torch.tensor([[0, 2, 2], [2, 3, 0]]), w, scale_grad_by_freq=True)
y.backward(torch.arange(12.0).reshape(2, 3, 2))
print(w.grad)
w.grad = None
y = F.embedding(torch.tensor([[0, 2, 2], [2, 3, 0]]), w, padding_idx=0, scale_grad_by_freq=True)
y.backward(torch.arange(12.0).reshape(2, 3, 2))
print(w.grad)
print(torch.nn.Embedding(4, 2, scale_grad_by_freq=True))

# %% case: embedding_max_norm_rescales_looked_up_rows_in_place
import torch
e = torch.nn.Embedding(4, 3, max_norm=5.0)
with torch.no_grad():
    e.weight.copy_(torch.arange(12.0).reshape(4, 3))
ptr = e.weight.data_ptr()
print(e.weight._version)
y = e(torch.tensor([1, 1, 2]))
print(y)
print(e.weight, e.weight._version, e.weight.data_ptr() == ptr)
print(type(y.grad_fn).__name__, e.weight.is_leaf, e.weight.grad_fn)
y = e(torch.tensor([0]))
print(y, e.weight._version)
y.sum().backward()
print(e.weight.grad)
e2 = torch.nn.Embedding(4, 3, max_norm=2.0, norm_type=1)
with torch.no_grad():
    e2.weight.copy_(torch.arange(12.0).reshape(4, 3))
print(e2(torch.tensor([3, 0])), e2.weight, e2.weight._version)
e3 = torch.nn.Embedding(4, 3, max_norm=1.0, norm_type=float("inf"))
with torch.no_grad():
    e3.weight.copy_(torch.arange(12.0).reshape(4, 3))
e3(torch.tensor([], dtype=torch.long))
print(e3.weight._version)
e3(torch.tensor([[2]]))
print(e3.weight[2], e3.weight._version)

# %% case: embedding_max_norm_functional_on_a_plain_tensor
import torch
import torch.nn.functional as F
w = torch.arange(12.0).reshape(4, 3)
view = w[1:]
y = F.embedding(torch.tensor([0, 2]), view, max_norm=3.0)
print(y, w, w._version, view._version)
w = torch.tensor([[3.0, 4.0], [0.6, 0.8]], requires_grad=True)
y = F.embedding(torch.tensor([0, 1]), w, max_norm=1.0)
print(y, w._version, w.is_leaf, w.grad_fn)

# %% case: embedding_from_pretrained
import torch
pre = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
e = torch.nn.Embedding.from_pretrained(pre)
print(e, e.weight.requires_grad, e.weight.data_ptr() == pre.data_ptr(), e.weight._version)
print(type(e.weight).__name__, e(torch.tensor([2, 0])))
print(e(torch.tensor([1])).grad_fn)
e = torch.nn.Embedding.from_pretrained(pre, freeze=False, padding_idx=1)
print(e, e.weight.requires_grad, e.weight[1], pre._version)
y = e(torch.tensor([1, 2]))
y.sum().backward()
print(e.weight.grad)
e = torch.nn.Embedding(3, 2, _weight=pre, _freeze=True)
print(e.weight.requires_grad, e.weight.data_ptr() == pre.data_ptr())

# %% case: embedding_saved_indices_are_checked
import torch
w = torch.ones(3, 2, requires_grad=True)
idx = torch.tensor([0, 1])
y = torch.nn.functional.embedding(idx, w)
idx.add_(1)
try:
    y.sum().backward()
except RuntimeError as e:
    print(type(e).__name__, e)
y = torch.nn.functional.embedding(torch.tensor([0, 2]), w)
y.sum().backward(retain_graph=True)
y.sum().backward()
print(w.grad)
y.sum().backward()

# %% case: embedding_errors
import torch
import torch.nn.functional as F
w = torch.arange(12.0).reshape(4, 3).requires_grad_()
tests = (
    lambda: F.embedding(torch.tensor([0.0, 1.0]), w),
    lambda: F.embedding(torch.tensor([0, 4]), w),
    lambda: F.embedding(torch.tensor([0, -1]), w),
    lambda: F.embedding(torch.tensor([0], dtype=torch.int16), w),
    lambda: F.embedding(torch.tensor([0], dtype=torch.uint8), w),
    lambda: F.embedding(torch.tensor([True]), w),
    lambda: F.embedding(torch.tensor([0], dtype=torch.float64), w),
    lambda: F.embedding(torch.tensor([0]), torch.ones(3)),
    lambda: F.embedding(torch.tensor([0.0]), torch.ones(3, 2, 2)),
    lambda: F.embedding([0, 1], w),
    lambda: F.embedding(torch.tensor([0]), [[1.0]]),
    lambda: F.embedding(torch.tensor([0]), w, padding_idx=4),
    lambda: F.embedding(torch.tensor([0]), w, padding_idx=-5),
    lambda: F.embedding(torch.tensor([0.0]), w, max_norm=1.0),
    lambda: F.embedding(torch.tensor([0, 1, 9]), w.detach().clone(), max_norm=1.0),
    lambda: F.embedding(torch.tensor([-7, 0]), w.detach().clone(), max_norm=1.0),
    lambda: F.embedding(torch.tensor([0, -1]), w.detach().clone(), max_norm=1.0),
    lambda: F.embedding(torch.tensor([0]), torch.ones(3), max_norm=1.0),
    lambda: torch.nn.Embedding(3, 2, padding_idx=3),
    lambda: torch.nn.Embedding(3, 2, padding_idx=-4),
    lambda: torch.nn.Embedding(3, 2, _weight=torch.ones(2, 3)),
    lambda: torch.nn.Embedding.from_pretrained(torch.ones(3)),
    lambda: torch.nn.Embedding(3, 2)(torch.tensor([3])),
    lambda: torch.nn.Embedding(3, 2)(torch.tensor([1.0])),
)
for f in tests:
    try:
        f()
        print("no error")
    except (RuntimeError, IndexError, TypeError, AssertionError) as e:
        print(type(e).__name__, e)
print(w._version, w.grad)

# %% case: layernorm_reprs_and_initial_parameters
import torch
for m in (
    torch.nn.LayerNorm(4),
    torch.nn.LayerNorm([2, 3], eps=1e-3, elementwise_affine=False),
    torch.nn.LayerNorm(4, bias=False),
    torch.nn.LayerNorm(torch.Size([4])),
    torch.nn.LayerNorm((2, 2), eps=0.1),
):
    print(m, m.normalized_shape, [(n, tuple(p.shape), p._version) for n, p in m.named_parameters()])
m = torch.nn.LayerNorm(3)
print(m.weight, m.bias)
print(type(m).__module__, m.eps, m.elementwise_affine, list(m.state_dict()))
print(torch.nn.LayerNorm(2, dtype=torch.float64).weight.dtype)

# %% case: layernorm_values_graph_and_saved_tensors
import torch
x = torch.tensor([[1.0, 2.0, 4.0, 5.0], [0.0, 3.0, -1.0, 2.0]], requires_grad=True)
m = torch.nn.LayerNorm(4)
with torch.no_grad():
    m.weight.copy_(torch.tensor([1.0, 2.0, 3.0, 0.5]))
    m.bias.copy_(torch.tensor([0.5, 0.0, -0.5, 1.0]))
y = m(x)
print(y)
fn = y.grad_fn
print(type(fn).__name__, [(type(f).__name__ if f is not None else None, i) for f, i in fn.next_functions])
print(fn._saved_normalized_shape, fn._saved_input is x, fn._saved_weight is m.weight, fn._saved_bias is m.bias)
print(fn._saved_result1, fn._saved_result2)
print(fn._saved_result1.requires_grad, fn._saved_result1.grad_fn, fn._saved_result2.dtype)
print(y.is_contiguous(), y.dtype, m.weight._version)

# %% case: layernorm_gradients
import torch
x = torch.tensor([[1.0, 2.0, 4.0, 5.0], [0.0, 3.0, -1.0, 2.0]], requires_grad=True)
m = torch.nn.LayerNorm(4)
with torch.no_grad():
    m.weight.copy_(torch.tensor([1.0, 2.0, 3.0, 0.5]))
    m.bias.copy_(torch.tensor([0.5, 0.0, -0.5, 1.0]))
y = m(x)
y.backward(torch.tensor([[1.0, -1.0, 2.0, 0.0], [0.5, 0.5, 3.0, -2.0]]))
print(x.grad)
print(m.weight.grad)
print(m.bias.grad)

# %% case: layernorm_functional_without_affine_and_over_two_dims
import torch
import torch.nn.functional as F
x = torch.arange(12.0).reshape(2, 2, 3).requires_grad_()
y = F.layer_norm(x, (2, 3))
print(y)
fn = y.grad_fn
print([(type(f).__name__ if f is not None else None, i) for f, i in fn.next_functions])
print(fn._saved_weight, fn._saved_bias, fn._saved_result1.shape, fn._saved_result2.shape)
y.backward(torch.arange(12.0).reshape(2, 2, 3))
print(x.grad.abs().max() < 1e-5)
print(F.layer_norm(torch.tensor([[2.0, 2.0, 2.0]]), [3]))
print(F.layer_norm(torch.tensor([[1.0, 3.0]]), (2,), eps=1.0))
b = torch.tensor([1.0, -1.0], requires_grad=True)
y = F.layer_norm(torch.tensor([[1.0, 3.0], [5.0, 4.0]]), (2,), None, b)
print(y, [(type(f).__name__ if f is not None else None, i) for f, i in y.grad_fn.next_functions])
y.sum().backward()
print(b.grad)
print(F.layer_norm(torch.ones(0, 3), (3,)).shape, F.layer_norm(torch.tensor([1.0, 2.0]), [2]))
with torch.no_grad():
    print(F.layer_norm(x, (3,)).grad_fn)
print(F.layer_norm(torch.ones(2, 3, dtype=torch.float64), (3,)).dtype)

# %% case: layernorm_saved_input_is_checked
import torch
x = torch.tensor([[1.0, 2.0, 4.0], [0.0, 3.0, -1.0]], requires_grad=True)
h = x * 1
y = torch.nn.functional.layer_norm(h, (3,))
h.mul_(2)
try:
    y.sum().backward()
except RuntimeError as e:
    print(type(e).__name__, e)
m = torch.nn.LayerNorm(3)
y = m(x)
with torch.no_grad():
    m.weight.add_(1)
try:
    y.sum().backward()
except RuntimeError as e:
    print(type(e).__name__, e)

# %% case: layernorm_errors
import torch
import torch.nn.functional as F
x = torch.ones(2, 3)
tests = (
    lambda: F.layer_norm(x, (4,)),
    lambda: F.layer_norm(x, [2, 4]),
    lambda: F.layer_norm(torch.ones(3), [2, 3]),
    lambda: F.layer_norm(x, (-3,)),
    lambda: F.layer_norm(x, ()),
    lambda: F.layer_norm(x, 3),
    lambda: F.layer_norm(x, (3.0,)),
    lambda: F.layer_norm(x, torch.tensor([3])),
    lambda: F.layer_norm([[1.0, 2.0]], (2,)),
    lambda: F.layer_norm(x, (3,), [1.0, 1.0, 1.0]),
    lambda: F.layer_norm(x, (3,), None, [1.0, 1.0, 1.0]),
    lambda: F.layer_norm(x, (3,), eps="a"),
    lambda: F.layer_norm(x, (3,), torch.ones(4)),
    lambda: F.layer_norm(x, (3,), torch.ones(3), torch.ones(2, 2)),
    lambda: F.layer_norm(torch.ones(2, 3, dtype=torch.long), (3,)),
    lambda: F.layer_norm(torch.ones(2, 3, dtype=torch.bool), (3,)),
    lambda: F.layer_norm(torch.ones(2, 3, dtype=torch.long), (4,)),
    lambda: F.layer_norm(torch.ones(2, 3, dtype=torch.long), (3,), torch.ones(3)),
    lambda: F.layer_norm(x, (3,), torch.ones(3, dtype=torch.float64)),
    lambda: F.layer_norm(torch.ones(2, 3, dtype=torch.float64), (3,), torch.ones(3)),
    lambda: F.layer_norm(x, (3,), torch.ones(3), torch.ones(3, dtype=torch.float64)),
    lambda: F.layer_norm(x, (3,), None, torch.ones(3, dtype=torch.float64)),
    lambda: torch.nn.LayerNorm(4)(x),
    lambda: torch.nn.LayerNorm(4.0),
)
for f in tests:
    try:
        f()
        print("no error")
    except (RuntimeError, TypeError, NotImplementedError) as e:
        print(type(e).__name__, e)

# %% case: embedding_indices_made_in_inference_mode
import torch
with torch.inference_mode():
    idx = torch.tensor([0, 1])
w = torch.ones(3, 2, requires_grad=True)
print(torch.nn.functional.embedding(idx, w.detach()))
with torch.no_grad():
    print(torch.nn.functional.embedding(idx, w).grad_fn)
try:
    torch.nn.functional.embedding(idx, w)
except RuntimeError as e:
    print(type(e).__name__, e)
