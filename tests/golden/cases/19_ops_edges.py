# Golden cases: ops at their edges (rounding modes, integer wrap-around, empty reductions, out=,
# in-place operators, piecewise-constant ops, hooks, messages). Each fact found by review.

# %% case: div_rounding_modes
import torch
x = torch.tensor([7., -7.], requires_grad=True)
t = torch.div(x, 2, rounding_mode="trunc")
f = torch.div(x, 2, rounding_mode="floor")
print(t, f)
(t + f).sum().backward()
print(x.grad)
print(torch.div(torch.tensor([7, -7]), 2, rounding_mode="trunc"))
print(torch.div(torch.tensor([7, -7]), 2, rounding_mode="floor"))
try:
    torch.div(x, 2, rounding_mode="bogus")
except RuntimeError as e:
    print(type(e).__name__, e)

# %% case: integer_division_by_zero
import torch
for f in (lambda: torch.tensor([1, 2]) // torch.tensor([0, 1]), lambda: torch.tensor([1, 2]) % 0):
    try:
        f()
    except RuntimeError as e:
        print(type(e).__name__, e)

# %% case: remainder_and_its_gradients
import torch
x = torch.tensor([7., -7., 2.5], requires_grad=True)
y = torch.tensor([3., 2., 0.75], requires_grad=True)
r = x.remainder(y)
s = x % 3
print(r, s)
(r + s).sum().backward()
print(x.grad, y.grad)

# %% case: piecewise_constant_ops_record_nodes
import torch
x = torch.tensor([1.25, -0.75, 2.5], requires_grad=True)
for name in ("floor", "ceil", "round", "trunc", "sign"):
    y = getattr(x, name)()
    y.sum().backward()
    print(name, y, x.grad)
    x.grad = None

# %% case: cumsum_and_flip
import torch
x = torch.arange(1., 7.).reshape(2, 3).requires_grad_()
c = x.cumsum(1)
f = torch.flip(x, (0,))
print(c, f)
(c * f).sum().backward()
print(x.grad)
print(torch.tensor([1, 2, 3]).cumsum(0), torch.tensor([True, True]).cumsum(0))

# %% case: python_ints_wrap_into_narrow_integer_dtypes
import torch
print(torch.tensor([1], dtype=torch.uint8) + 300)
print(torch.tensor([1], dtype=torch.int8) * 200)
print(torch.tensor([100], dtype=torch.int16) + 70000)

# %% case: inplace_into_integer_targets_refused
import torch
for f in (lambda t: t.pow_(0.5), lambda t: t.clamp_(0.5)):
    t = torch.tensor([1, 2, 3])
    try:
        f(t)
    except RuntimeError as e:
        print(type(e).__name__, e)
    print(t, t._version)

# %% case: inplace_operators_keep_identity
import torch
t = torch.tensor([4, 6])
view = t[:]
t //= 2
print(view, t._version)
t %= 2
print(view, t._version)
m = torch.tensor([True, False])
m &= torch.tensor([True, True])
m |= torch.tensor([False, True])
m ^= torch.tensor([True, False])
print(m, m._version)
print(7 % torch.tensor([3, 4]), True & torch.tensor([True, False]), 1 | torch.tensor([2]))

# %% case: scalar_base_pow_gradients_at_zero_and_below
import torch
for base in (0., -2., 2.):
    e = torch.tensor([1., 2.], requires_grad=True)
    torch.pow(base, e).sum().backward()
    print(base, e.grad)

# %% case: norm_special_orders
import torch
for p in (0, float("inf"), float("-inf"), 1, 3):
    z = torch.tensor([0., 3., -1.], requires_grad=True)
    n = z.norm(p)
    n.backward()
    print(p, n, z.grad)
print(torch.tensor([3., 4.]).norm(dtype=torch.float64))

# %% case: masked_gradients_are_not_negative_zero
import torch
y = torch.tensor([-1., 2.], requires_grad=True)
y.relu().backward(torch.tensor([-1., -1.]))
print(y.grad)
z = torch.tensor([-1., 0.5, 2.], requires_grad=True)
z.clamp(0., 1.).backward(torch.tensor([-1., -1., -1.]))
print(z.grad)

# %% case: out_argument_resizes_with_a_warning
import torch
o = torch.zeros(3)
r = torch.cat([torch.ones(1), torch.ones(2)], out=o)
print(r is o, o, o._version)
small = torch.zeros(1)
torch.cat([torch.ones(1), torch.ones(2)], out=small)
print(small)
e = torch.empty(2)
torch.ones(2, out=e)
print(e)
x = torch.ones(2, requires_grad=True)
try:
    torch.add(x, 1, out=torch.empty(2))
except RuntimeError as err:
    print(type(err).__name__, err)

# %% case: out_argument_of_lerp_addcmul_addcdiv
import torch
a, b, w = torch.zeros(3), torch.ones(3), torch.full((3,), 0.5)
for o, f in ((torch.empty(3), lambda o: torch.lerp(a, b, 0.25, out=o)),
             (torch.empty(3), lambda o: torch.lerp(a, b, w, out=o)),
             (torch.empty(3, dtype=torch.float64), lambda o: torch.lerp(a, b, 0.25, out=o)),
             (torch.empty(3, dtype=torch.float64), lambda o: torch.lerp(a, b, w, out=o)),
             (torch.empty(3), lambda o: torch.addcmul(a, b, b, value=2, out=o)),
             (torch.empty(3, dtype=torch.float64), lambda o: torch.addcmul(a, b, b, out=o)),
             (torch.empty(3, dtype=torch.int64), lambda o: torch.addcmul(a, b, b, out=o)),
             (torch.empty(0), lambda o: torch.addcdiv(b, b, b * 4, value=-2, out=o)),
             (torch.empty(3, dtype=torch.float64), lambda o: torch.addcdiv(b, b, b, out=o)),
             (torch.empty(3), lambda o: torch.lerp(torch.zeros(3, requires_grad=True), b, 0.5, out=o)),
             (torch.empty(3), lambda o: torch.addcdiv(a, b, torch.ones(3, requires_grad=True), out=o))):
    try:
        print(f(o) is o, o, o._version)
    except RuntimeError as err:
        print(type(err).__name__, err, o._version)

# %% case: empty_reductions
import torch
print(torch.zeros(0, 3).amax(1))
for f in (lambda: torch.zeros(0, 3).max(0), lambda: torch.zeros(0, 3).amax(0), lambda: torch.zeros(0).amax()):
    try:
        f()
    except (RuntimeError, IndexError) as e:
        print(type(e).__name__, e)

# %% case: degenerate_variance_warns_once_and_is_nan
import torch
print(torch.ones(1).std(), torch.ones(1).var(), torch.ones(2, 1).std(1))
print(torch.zeros(0).mean())

# %% case: messages_for_common_mistakes
import torch
for f in (
    lambda: torch.mm(torch.ones(2, 2), torch.ones(2, 2, dtype=torch.float64)),
    lambda: torch.bmm(torch.ones(2, 3), torch.ones(3, 2)),
    lambda: torch.bmm(torch.ones(2, 2, 3), torch.ones(3, 3, 2)),
    lambda: torch.ones(2, 3).copy_(torch.ones(4, 3)),
    lambda: torch.tensor([True]) - 1,
    lambda: torch.tensor([True]) - torch.tensor([1]),
    lambda: torch.tensor([1]) - torch.tensor([True]),
    lambda: torch.ones(2).narrow(0, -5, 1),
    lambda: bool(torch.tensor([])),
    lambda: torch.ones(3, dtype=torch.int64).__setitem__([0], torch.tensor(1.5)),
):
    try:
        f()
    except (RuntimeError, IndexError) as e:
        print(type(e).__name__, e)
try:
    torch.ones(2).bitwise_not()
except NotImplementedError as e:
    print(type(e).__name__, e)

# %% case: tensor_constructor_with_a_size
import torch
print(torch.Tensor(torch.Size([2, 3])).shape, torch.Tensor([2, 3]))

# %% case: random_fills_record_their_nodes_and_refuse_leaves
import torch
x = torch.ones(2, requires_grad=True)
y = x * 1
print(type(y.normal_().grad_fn).__name__, type(y.uniform_().grad_fn).__name__)
try:
    x.normal_()
except RuntimeError as e:
    print(type(e).__name__, e)
print(x)

# %% case: node_hooks_see_tensors
import torch
m = torch.ones(2, requires_grad=True) * 1
m.grad_fn.register_hook(lambda grad_inputs, grad_outputs: print(
    type(grad_inputs[0]).__name__, type(grad_outputs[0]).__name__))
m.sum().backward()

# %% case: a_given_gradient_is_cast_to_the_output_dtype
import torch
leaf = torch.ones(2, requires_grad=True)
(leaf * 1).backward(torch.ones(2, dtype=torch.float64))
print(leaf.grad, leaf.grad.dtype)

# %% case: multi_output_views_of_unrecorded_ops_refuse_recorded_inplace
import torch
w = torch.ones(2, requires_grad=True)
for f in (lambda: torch.ones(4).split(2)[0].mul_(w), lambda: torch.ones(4).unbind(0)[0].mul_(w[0])):
    try:
        f()
    except RuntimeError as e:
        print(type(e).__name__, e)
a = torch.ones(4)
a.split(2)[0].mul_(2)
print(a)

# %% case: default_dtype_in_repr
import torch
torch.set_default_dtype(torch.float64)
print(torch.tensor([1.5]), torch.tensor([1.5], dtype=torch.float32), torch.tensor([], dtype=torch.float32))
torch.set_default_dtype(torch.float32)
print(torch.tensor([1.5]), torch.tensor([1.5], dtype=torch.float64))

# %% case: detect_anomaly_stops_at_the_first_nan
import torch
q = torch.tensor([-1.], requires_grad=True)
loss = q.sqrt().sum()  # made outside anomaly mode: its forward traceback would name files
with torch.autograd.detect_anomaly():
    try:
        loss.backward(retain_graph=True)
    except RuntimeError as e:
        print(type(e).__name__, e)
with torch.autograd.detect_anomaly(check_nan=False):
    loss.backward()
    print(q.grad)

# %% case: subtraction_with_python_bools_refused
import torch
for f in (lambda: torch.tensor([1.0]) - True, lambda: 2 - torch.tensor([True]), lambda: torch.tensor([True]) - True):
    try:
        f()
    except RuntimeError as e:
        print(type(e).__name__, e)

# %% case: integer_tensors_to_negative_tensor_powers
import torch
print(torch.tensor([2]) ** torch.tensor([-1, 0, 2]))
print(torch.tensor([-1, 1, -2]) ** torch.tensor([-1, -1, -1]))
print(2 ** torch.tensor([-1, 2]), 2.0 ** torch.tensor([-1., 2.]))

# %% case: shapes_that_do_not_broadcast_in_division_and_comparison
import torch
for f in (lambda: torch.ones(3) // torch.ones(2, 2), lambda: torch.ones(3) < torch.ones(2, 2),
          lambda: torch.ones(3) % torch.ones(2, 2)):
    try:
        f()
    except RuntimeError as e:
        print(type(e).__name__, e)

# %% case: float_alpha_with_integer_tensors
import torch
try:
    torch.add(torch.tensor([1]), torch.tensor([1]), alpha=0.5)
except RuntimeError as e:
    print(type(e).__name__, e)
print(torch.add(torch.ones(2), torch.ones(2), alpha=0.5))
print(torch.zeros(0, dtype=torch.int64) // 0)

# %% case: index_tensors_are_saved_with_their_versions
import torch
a = torch.tensor([1., 2., 3.], requires_grad=True)
d = torch.tensor([[1]])
t = a[d]
d.add_(1)
try:
    t.sum().backward()
except RuntimeError as e:
    print(type(e).__name__, e)
y = a * 1
i = torch.tensor([0])
y[i] = 5.
i.add_(1)
try:
    y.sum().backward()
except RuntimeError as e:
    print(type(e).__name__, e)

# %% case: max_dim_indices_changed_in_place_before_backward
import torch
a = torch.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
values, indices = a.max(dim=1)
print(values.grad_fn._saved_indices is indices, indices._version)
indices.zero_()
try:
    values.sum().backward()
except RuntimeError as e:
    print(type(e).__name__, str(e).split(" Hint:")[0])
print(a.grad)

# %% case: detach_in_place_of_a_saved_tensor
import torch
a = torch.tensor([1.0, 2.0], requires_grad=True)
t = a.cumsum(0)
n = t.norm()
t.detach_()
print(t.requires_grad, t.is_leaf, t.grad_fn)
try:
    n.backward()
except RuntimeError as e:
    print(type(e).__name__, e)
u = a.cumsum(0)
u.detach_()
m = u.norm()  # detached before it was saved: a leaf that does not require grad
print(m.requires_grad)

# %% case: detach_in_place_of_a_leaf_after_its_graph_was_built
import torch
a = torch.tensor([1.0, 2.0], requires_grad=True)
y = (a * 2).sum()
v = a[:]
a.detach_()
y.backward()
print(a.grad, a.requires_grad, a.is_leaf, v.requires_grad)
try:
    v.add_(1)
except RuntimeError as e:
    print(type(e).__name__, e)
print(a._version)

# %% case: a_view_taken_before_its_base_required_grad
import torch
a = torch.zeros(2, 2)
v = a.t()
a.requires_grad_()
print(v.requires_grad, v.is_leaf, v.grad_fn)
r = v * 2
print(r.requires_grad, type(r.grad_fn).__name__, r.grad_fn.next_functions)
r.sum().backward()
print(a.grad, v.grad)

# %% case: outputs_of_split_after_their_base_changed_in_place
import torch
x = torch.zeros(4, requires_grad=True)
a = x.clone()
p, q = a.split(2)
a.add_(1)
print(p.requires_grad)
print(q)
for use in (lambda: q.grad_fn, lambda: q.is_leaf, lambda: q * 2, lambda: q.sum()):
    try:
        use()
    except RuntimeError as e:
        print(type(e).__name__, e)
b = x.clone()
r, s = b.unbind(0)[:2]
b.mul_(2)
try:
    s + 1
except RuntimeError as e:
    print(type(e).__name__, e)

# %% case: views_made_under_no_grad_after_their_base_changed_in_place
import torch
x = torch.zeros(4, requires_grad=True)
a = x.clone()
with torch.no_grad():
    v = a[:2]
    p, q = a.split(2)
a.add_(1)
for use in (lambda: v.grad_fn, lambda: v * 2, lambda: q.grad_fn):
    try:
        use()
    except RuntimeError as e:
        print(type(e).__name__, e)
c = torch.zeros(4)
m, n = c.split(2)
c.add_(1)
print(n.grad_fn, (n * 2).requires_grad)

# %% case: writing_a_tensor_that_requires_grad_into_an_integer_tensor
import torch
b = torch.tensor([1.5, 2.5], requires_grad=True)
a = torch.tensor([1, 2])
a.copy_(b)
print(a, a.requires_grad, a.grad_fn, a._version)
a[...] = b
print(a, a.requires_grad, a._version)
a[0] = b[1]
print(a, a.requires_grad, a.grad_fn, a._version)

# %% case: gradients_at_nan_inputs
import torch
nan = float("nan")
for name, f in (
    ("maximum(a, a)", lambda a: torch.maximum(a, a)),
    ("maximum(a, 0)", lambda a: torch.maximum(a, torch.zeros(4))),
    ("minimum(a, 0)", lambda a: torch.minimum(a, torch.zeros(4))),
    ("maximum(a, nan)", lambda a: torch.maximum(a, torch.full((4,), nan))),
    ("relu", lambda a: a.relu()),
    ("max", lambda a: a.max()),
    ("min", lambda a: a.min()),
    ("amax", lambda a: a.amax(0)),
    ("max(dim)", lambda a: a.max(0).values),
    ("abs", lambda a: a.abs()),
    ("clamp", lambda a: a.clamp(-1, 0.5)),
):
    a = torch.tensor([nan, 1.0, -2.0, 0.0], requires_grad=True)
    f(a).sum().backward()
    print(name, a.grad)
a = torch.tensor([nan, nan, 1.0], requires_grad=True)
a.max().backward()
print(a.grad)
a = torch.tensor([[nan, 1.0], [2.0, 3.0]], requires_grad=True)
(a.amax(1) * -1).sum().backward()
print(a.grad)

# %% case: pow_by_a_number_at_infinities_and_signed_zeros
import torch
x = torch.tensor([-float("inf"), -4.0, 0.0, -0.0, 4.0, float("inf")], requires_grad=True)
for exponent in (0.5, -0.5, 2, 3, -1, -2, 1.5):
    x.grad = None
    y = x**exponent
    y.sum().backward()
    print(exponent, y, x.grad)

# %% case: prod_gradients_with_nan_zeros_and_no_elements
import torch
nan = float("nan")
for values in ([2.0, nan, 3.0], [2.0, 0.0, 3.0], [0.0, 0.0, nan], [4.0]):
    a = torch.tensor(values, requires_grad=True)
    a.prod().backward()
    print(a.grad)
a = torch.tensor([[1.0, 2.0], [nan, 3.0], [0.0, 5.0]], requires_grad=True)
a.prod(1).sum().backward()
print(a.grad)
for shape, dim in (((0,), None), ((0,), 0), ((0, 3), 0), ((2, 0), 1)):
    a = torch.zeros(shape, requires_grad=True)
    (a.prod() if dim is None else a.prod(dim)).sum().backward()
    print(a.grad.shape)
a = torch.tensor(3.0, requires_grad=True)
a.prod().backward()
print(a.grad)

# %% case: a_zero_dim_value_written_into_an_integer_tensor_fills_and_is_recorded
import torch
a = torch.tensor(0.5, requires_grad=True)
for write in ("d[0, :] = a", "d[0] = a", "d[0, 0] = a", "d[...] = a", "d.fill_(a)", "d[0].fill_(a)",
              "d.copy_(a.expand(2, 1))", "d[0].copy_(a.expand(1))"):
    d = torch.tensor([[0], [0]])
    exec(write)
    print(write, d.requires_grad, type(d.grad_fn).__name__, d._version)

# %% case: tensor_where_method_and_remainder_of_a_number_by_a_tensor
import torch
x = torch.tensor([1.5, 4.0], requires_grad=True)
print(x.where(x > 2, 0.0), x.where(x > 2, torch.tensor(5.0)))
y = 2 % x
print(y, y.grad_fn.name())
try:
    y.sum().backward()
except RuntimeError as e:
    print(type(e).__name__, e)

# %% case: in_place_view_ops_on_a_view_that_requires_grad
import torch
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
a = x.clone()
v = a[0]
v.unsqueeze_(0)
print(v.shape, type(v.grad_fn).__name__, v._base is a, a._version, v._version)
(v * torch.tensor([[2.0, 3.0]])).sum().backward()
print(x.grad)
x.grad = None
b = x.clone()
w = b[:, 0:2]
w.t_()
print(w.stride(), type(w.grad_fn).__name__)
(w * torch.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
print(x.grad)
x.grad = None
c = x.clone()
u = c[0]
u.unsqueeze_(0)
c.mul_(2)
print(type(u.grad_fn).__name__)
u.sum().backward()
print(x.grad)
for f in ("unsqueeze_(5)", "squeeze_(5)", "transpose_(0, 5)", "t_()"):
    try:
        eval("torch.zeros(2, 2, 2, requires_grad=True)." + f)
    except (RuntimeError, IndexError) as e:
        print(f, type(e).__name__, e)

# %% case: split_outputs_made_under_no_grad_or_with_nothing_requiring_grad
import torch
x = torch.zeros(4, requires_grad=True)
def direct_under_no_grad():
    a = x.clone()
    with torch.no_grad():
        p, q = a.split(2)
    q.add_(1)
def indirect_under_no_grad():
    a = x.clone()
    with torch.no_grad():
        p, q = a.split(2)
    a.add_(1)
    q * 2
def direct_when_nothing_required_grad():
    a = torch.zeros(4)
    p, q = a.split(2)
    a.requires_grad_()
    q.add_(a[:2])
def indirect_when_nothing_required_grad():
    a = torch.zeros(4)
    p, q = a.split(2)
    a.requires_grad_()
    a.detach().add_(1)
    q * 2
for f in (direct_under_no_grad, indirect_under_no_grad, direct_when_nothing_required_grad,
          indirect_when_nothing_required_grad):
    try:
        f()
    except RuntimeError as e:
        print(f.__name__, type(e).__name__, e)

# %% case: scalar_conversion_of_requires_grad_warns_once [fresh-process]
import math
import torch
x = torch.ones(1, requires_grad=True)
print(int(x), x.item(), x.sum().item(), f"{x.sum():.1f}")
print(float(x.sum()), complex(x), math.floor(x), float(x.detach()))
try:
    float(torch.ones(2, requires_grad=True))
except ValueError as err:
    print(type(err).__name__, err)

# %% case: contains_compares_elements
import torch
x = torch.tensor([[1., 2.], [3., float("nan")]])
print(2 in x, 5 in x, torch.tensor(3.) in x, torch.tensor([3., 9.]) in x, float("nan") in x)
print(True in torch.tensor([0, 1]), 1.5 in torch.arange(3))
try:
    "a" in x
except RuntimeError as err:
    print(type(err).__name__, err)

# %% case: shifts_and_bitwise_kernels
import torch
a = torch.tensor([-8, 8, 1, 5])
b = torch.tensor([70, -1, 63, 1])
print(a << b, a >> b, a << 2, a >> 1, 1 << torch.tensor([3]), 2 >> torch.tensor([1]))
print(torch.bitwise_left_shift(a, 1), a.bitwise_right_shift(torch.tensor(2)))
u = torch.tensor([200, 3], dtype=torch.uint8)
print(u >> torch.tensor([9, 1], dtype=torch.uint8), u << 7, torch.tensor([3], dtype=torch.int8) << 7)
print((torch.tensor([1], dtype=torch.int32) << torch.tensor([1])).dtype, (torch.tensor([True]) << 1))
m = torch.arange(6).reshape(2, 3).t()
print(m << 1, (m << 1).stride())
y = torch.tensor([1, 2])
y <<= 2
y >>= 1
print(y, y._version)
for f in (lambda: torch.tensor([True]) << torch.tensor([True]),
          lambda: torch.tensor([1.]) >> 1,
          lambda: torch.tensor([1]) >> 1.5,
          lambda: y.__irshift__(1.5),
          lambda: torch.tensor([1.]).__ilshift__(1),
          lambda: torch.ones(2) & torch.ones(2),
          lambda: torch.ones(2).__ior__(1),
          lambda: torch.bitwise_xor(torch.ones(2, dtype=torch.float64), 1)):
    try:
        f()
    except (RuntimeError, NotImplementedError) as err:
        print(type(err).__name__, err)
print(y._version)
