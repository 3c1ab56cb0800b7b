# Golden cases: in-place operations (TORCH_SEMANTICS.md §9).

# %% case: leaf_add_
import torch
x = torch.ones(3, requires_grad=True)
try:
    x.add_(1)
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: leaf_mul_
import torch
x = torch.ones(3, requires_grad=True)
try:
    x.mul_(2)
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: leaf_zero_
import torch
x = torch.ones(3, requires_grad=True)
try:
    x.zero_()
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: leaf_fill_
import torch
x = torch.ones(3, requires_grad=True)
try:
    x.fill_(5)
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: leaf_copy_
import torch
x = torch.ones(3, requires_grad=True)
try:
    x.copy_(torch.zeros(3))
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: leaf_sub_
import torch
x = torch.ones(3, requires_grad=True)
try:
    x.sub_(1)
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: leaf_clamp_
import torch
x = torch.ones(3, requires_grad=True)
try:
    x.clamp_(0, 0.5)
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: leaf_normal_
import torch
x = torch.ones(3, requires_grad=True)
try:
    x.normal_()
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: leaf_uniform_
import torch
x = torch.ones(3, requires_grad=True)
try:
    x.uniform_()
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: leaf_div_
import torch
x = torch.ones(3, requires_grad=True)
try:
    x.div_(2)
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: leaf_iadd_keeps_name
import torch
x = torch.ones(3, requires_grad=True)
orig = x
try:
    x += 1
except RuntimeError as e:
    print(type(e).__name__, e)
print(x is orig, x, x._version)

# %% case: leaf_imul_raises
import torch
x = torch.ones(3, requires_grad=True)
x *= 2

# %% case: leaf_add_raises_uncaught
import torch
x = torch.ones(5, requires_grad=True)
x.add_(1)

# %% case: view_of_leaf_slice
import torch
x = torch.ones(5, requires_grad=True)
try:
    x[1:].add_(1)
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: view_of_leaf_view
import torch
x = torch.ones(5, requires_grad=True)
try:
    x.view(5).mul_(2)
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: view_of_leaf_select
import torch
x = torch.ones(5, requires_grad=True)
try:
    x[0].zero_()
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: view_of_leaf_t
import torch
x = torch.ones(2, 3, requires_grad=True)
try:
    x.t().fill_(0)
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: view_of_leaf_unsqueeze
import torch
x = torch.ones(3, requires_grad=True)
try:
    x.unsqueeze(0).add_(1)
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: setitem_int_on_leaf_gives_view_message
import torch
x = torch.ones(3, requires_grad=True)
try:
    x[0] = 5
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: setitem_slice_on_leaf_gives_view_message
import torch
x = torch.ones(4, requires_grad=True)
try:
    x[1:3] = 0
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: setitem_list_on_leaf_gives_leaf_message
import torch
x = torch.ones(3, requires_grad=True)
try:
    x[[0, 1]] = 0
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: setitem_mask_on_leaf_gives_leaf_message
import torch
x = torch.ones(3, requires_grad=True)
try:
    x[x > 0] = 0
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: setitem_full_slice_on_leaf_gives_leaf_message
import torch
x = torch.ones(3, requires_grad=True)
try:
    x[:] = torch.zeros(3)
except RuntimeError as e:
    print(type(e).__name__, e)
print(x, x._version)

# %% case: no_grad_allows_inplace_on_leaf
import torch
x = torch.ones(3, requires_grad=True)
with torch.no_grad():
    x.add_(1)
    x.mul_(2)
    x[0] = 0.
    x += 1
print(x)
print(x.is_leaf, x.requires_grad, x.grad_fn, x._version)

# %% case: no_grad_allows_all_forms
import torch
x = torch.ones(4, requires_grad=True)
with torch.no_grad():
    x.zero_()
    x.fill_(2)
    x.copy_(torch.arange(4.))
    x.sub_(1)
    x.clamp_(0, 1)
    x[1:3] = 5
    x[[0]] = 7
    x[x > 6] = 8
print(x, x._version)

# %% case: plain_leaf_never_restricted
import torch
x = torch.ones(3)
x.add_(1)
x[0] = 0
x[1:].mul_(3)
x.view(3).sub_(1)
print(x, x._version, x.is_leaf, x.requires_grad)

# %% case: nonleaf_add_
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
y.add_(1)
print(y)
print(type(y.grad_fn).__name__)
print([(type(f).__name__ if f is not None else None, i) for f, i in y.grad_fn.next_functions])

# %% case: nonleaf_iadd
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
orig = y
y += 1
print(y is orig, type(y.grad_fn).__name__, type(y.grad_fn.next_functions[0][0]).__name__)

# %% case: nonleaf_sub_
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
y.sub_(1)
print(type(y.grad_fn).__name__, type(y.grad_fn.next_functions[0][0]).__name__)

# %% case: nonleaf_mul_
import torch
x = torch.ones(2, requires_grad=True)
y = x + 0
y.mul_(3)
print(type(y.grad_fn).__name__, type(y.grad_fn.next_functions[0][0]).__name__)
y.sum().backward()
print(x.grad)

# %% case: nonleaf_div_
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
y.div_(4)
print(y, type(y.grad_fn).__name__, type(y.grad_fn.next_functions[0][0]).__name__)

# %% case: nonleaf_zero_
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
y.zero_()
print(y, type(y.grad_fn).__name__, type(y.grad_fn.next_functions[0][0]).__name__)
y.sum().backward()
print(x.grad)

# %% case: nonleaf_fill_
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
y.fill_(7)
print(y, type(y.grad_fn).__name__, type(y.grad_fn.next_functions[0][0]).__name__)

# %% case: nonleaf_copy_
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
y.copy_(torch.tensor([5., 6.]))
print(y, type(y.grad_fn).__name__, type(y.grad_fn.next_functions[0][0]).__name__)
y.sum().backward()
print(x.grad)

# %% case: nonleaf_clamp_
import torch
x = torch.tensor([-1., 0.5, 2.], requires_grad=True)
y = x * 1
y.clamp_(0, 1)
print(y, type(y.grad_fn).__name__, type(y.grad_fn.next_functions[0][0]).__name__)
y.sum().backward()
print(x.grad)

# %% case: nonleaf_pow_
import torch
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 1
y.pow_(2)
print(y, type(y.grad_fn).__name__, type(y.grad_fn.next_functions[0][0]).__name__)

# %% case: nonleaf_exp_
import torch
x = torch.zeros(2, requires_grad=True)
y = x * 1
y.exp_()
print(y, type(y.grad_fn).__name__, type(y.grad_fn.next_functions[0][0]).__name__)

# %% case: nonleaf_neg_
import torch
x = torch.ones(2, requires_grad=True)
y = x * 1
y.neg_()
print(y, type(y.grad_fn).__name__, type(y.grad_fn.next_functions[0][0]).__name__)

# %% case: nonleaf_relu_
import torch
x = torch.tensor([-1., 1.], requires_grad=True)
y = x * 1
y.relu_()
print(y, type(y.grad_fn).__name__, type(y.grad_fn.next_functions[0][0]).__name__)

# %% case: nonleaf_sigmoid_
import torch
x = torch.zeros(2, requires_grad=True)
y = x * 1
y.sigmoid_()
print(y, type(y.grad_fn).__name__, type(y.grad_fn.next_functions[0][0]).__name__)

# %% case: nonleaf_unsqueeze_
import torch
x = torch.ones(2, requires_grad=True)
y = x * 1
y.unsqueeze_(0)
print(y, y.shape, type(y.grad_fn).__name__, type(y.grad_fn.next_functions[0][0]).__name__)

# %% case: nonleaf_setitem_is_copyslices
import torch
x = torch.ones(3, requires_grad=True)
y = x * 2
y[0] = 5
print(y)
print(type(y.grad_fn).__name__, type(y.grad_fn.next_functions[0][0]).__name__)
y.sum().backward()
print(x.grad)

# %% case: nonleaf_setitem_forms
import torch
x = torch.ones(4, requires_grad=True)
y = x * 2
y[1:3] = 0
print(type(y.grad_fn).__name__)
y[[0]] = 1
print(type(y.grad_fn).__name__)
y[y > 1] = -1
print(type(y.grad_fn).__name__)
print(y, y._version)
y.sum().backward()
print(x.grad)

# %% case: nonleaf_inplace_chain_grads
import torch
x = torch.ones(3, requires_grad=True)
y = x * 2
y.mul_(3)
y.add_(1)
print(y)
y.sum().backward()
print(x.grad)

# %% case: nonleaf_inplace_under_no_grad_keeps_grad_fn
import torch
x = torch.ones(3, requires_grad=True)
y = x * 2
with torch.no_grad():
    y.add_(1)
print(y, y._version, type(y.grad_fn).__name__)
y.sum().backward()
print(x.grad)

# %% case: nonleaf_inplace_under_no_grad_saved_fails
import torch
x = torch.ones(3, requires_grad=True)
y = x * 2
z = y * y
with torch.no_grad():
    y.add_(1)
z.sum().backward()

# %% case: requires_grad_spreads_with_add_
import torch
a = torch.zeros(2)
x = torch.ones(2, requires_grad=True)
a.add_(x)
print(a)
print(a.requires_grad, a.is_leaf, type(a.grad_fn).__name__)
print([(type(f).__name__ if f is not None else None, i) for f, i in a.grad_fn.next_functions])

# %% case: requires_grad_spreads_with_setitem
import torch
a = torch.zeros(3)
x = torch.tensor(2., requires_grad=True)
a[1] = x
print(a)
print(a.requires_grad, a.is_leaf, type(a.grad_fn).__name__)
(a * 3).sum().backward()
print(x.grad)

# %% case: requires_grad_spreads_with_copy_
import torch
a = torch.zeros(2)
x = torch.ones(2, requires_grad=True)
a.copy_(x)
print(a, type(a.grad_fn).__name__)

# %% case: inplace_methods_return_self
import torch
t = torch.ones(2)
print(t.add_(1) is t, t.mul_(2) is t, t.zero_() is t, t.fill_(3) is t, t.copy_(torch.zeros(2)) is t)
print(t.sub_(1) is t, t.div_(2) is t, t.clamp_(0, 1) is t, t.neg_() is t)

# %% case: augmented_assignment_keeps_identity
import torch
t = torch.ones(2)
orig = t
t += 1
t *= 3
t -= 1
t /= 2
print(t is orig, t, t._version)

# %% case: out_argument
import torch
a = torch.ones(2)
b = torch.ones(2)
c = torch.zeros(2)
r = torch.add(a, b, out=c)
print(r is c, c, c._version)

# %% case: no_grad_view_modified_in_grad_mode
import torch
x = torch.ones(3, requires_grad=True)
y = x * 1
with torch.no_grad():
    v = y[1:]
v.add_(1)

# %% case: no_grad_view_of_leaf_modified_in_grad_mode
import torch
x = torch.ones(3, requires_grad=True)
with torch.no_grad():
    v = x[1:]
v.add_(1)

# %% case: no_grad_view_error_changes_nothing
import torch
x = torch.ones(3, requires_grad=True)
y = x * 1
with torch.no_grad():
    v = y[1:]
try:
    v.mul_(5)
except RuntimeError as e:
    print(type(e).__name__)
print(y, y._version)

# %% case: no_grad_view_modified_in_no_grad_is_fine
import torch
x = torch.ones(3, requires_grad=True)
y = x * 1
with torch.no_grad():
    v = y[1:]
    v.add_(1)
print(y, y._version)

# %% case: unbind_output_inplace_raises
import torch
x = torch.ones(2, 3, requires_grad=True)
y = x * 1
a, b = y.unbind(0)
a.add_(1)

# %% case: split_output_inplace_raises
import torch
x = torch.ones(4, requires_grad=True)
y = x * 1
a, b = y.split(2)
a.mul_(2)

# %% case: chunk_output_inplace_raises
import torch
x = torch.ones(4, requires_grad=True)
y = x * 1
a, b = y.chunk(2)
b.zero_()

# %% case: unbind_output_inplace_without_grad_is_fine
import torch
y = torch.ones(2, 3)
a, b = y.unbind(0)
a.add_(1)
print(y)

# %% case: expanded_target_raises
import torch
t = torch.ones(3, 1).expand(3, 4)
t.add_(1)

# %% case: expanded_target_error_changes_nothing
import torch
base = torch.ones(3, 1)
t = base.expand(3, 4)
try:
    t.mul_(2)
except RuntimeError as e:
    print(type(e).__name__, e)
print(base, base._version)

# %% case: inplace_shape_mismatch_raises
import torch
t = torch.ones(3)
try:
    t.add_(torch.ones(2))
except RuntimeError as e:
    print(type(e).__name__, e)
print(t, t._version)

# %% case: inplace_broadcast_output_raises
import torch
t = torch.ones(3)
try:
    t.add_(torch.ones(2, 3))
except RuntimeError as e:
    print(type(e).__name__, e)
print(t, t._version)

# %% case: copy_broadcasts_source
import torch
t = torch.zeros(2, 3)
t.copy_(torch.tensor([1., 2., 3.]))
print(t, t._version)

# %% case: nonleaf_setitem_grad_fn_by_index_kind
import torch
x = torch.ones(3, requires_grad=True)
for index in (0, slice(1, None), [0], torch.tensor([1]), torch.tensor([True, False, True]), Ellipsis):
    y = x * 1
    y[index] = 0
    print(type(y.grad_fn).__name__, [type(f).__name__ for f, _ in y.grad_fn.next_functions if f is not None])

# %% case: requires_grad_spreads_with_list_setitem
import torch
a = torch.zeros(3)
x = torch.tensor(2., requires_grad=True)
a[[1]] = x
print(a, a.is_leaf)
