# Golden cases: the autograd engine (TORCH_SEMANTICS.md §13).

# %% case: backward_returns_none
import torch
x = torch.ones(3, requires_grad=True)
r = (x * 2).sum().backward()
print(r)
print(x.grad)

# %% case: backward_on_one_element_tensors
import torch
x = torch.ones(3, requires_grad=True)
(x.sum() * 1).reshape(1).backward()
print(x.grad)
x.grad = None
x.sum().reshape(1, 1).backward()
print(x.grad)

# %% case: backward_non_scalar_raises
import torch
x = torch.ones(3, requires_grad=True)
(x * 2).backward()

# %% case: backward_non_scalar_error_leaves_grad
import torch
x = torch.ones(3, requires_grad=True)
y = x * 2
try:
    y.backward()
except RuntimeError as e:
    print(type(e).__name__, e)
print(x.grad)
y.sum().backward()
print(x.grad)

# %% case: backward_with_gradient
import torch
x = torch.ones(3, requires_grad=True)
(x * 2).backward(torch.tensor([1., 2., 3.]))
print(x.grad)

# %% case: backward_gradient_shape_mismatch
import torch
x = torch.ones(3, requires_grad=True)
(x * 2).backward(torch.ones(4))

# %% case: backward_without_requires_grad_raises
import torch
x = torch.ones(3)
(x * 2).sum().backward()

# %% case: backward_on_leaf_scalar
import torch
x = torch.tensor(3., requires_grad=True)
x.backward()
print(x.grad)

# %% case: second_backward_raises
import torch
x = torch.ones(3, requires_grad=True)
y = (x * x).sum()
y.backward()
print(x.grad)
y.backward()

# %% case: second_backward_mul_by_python_scalar_raises
import torch
x = torch.ones(3, requires_grad=True)
y = (x * 2).sum()
y.backward()
y.backward()

# %% case: second_backward_add_is_fine
import torch
x = torch.ones(3, requires_grad=True)
y = (x + 1).sum()
y.backward()
y.backward()
print(x.grad)

# %% case: second_backward_error_keeps_first_grad
import torch
x = torch.ones(3, requires_grad=True)
y = (x * x).sum()
y.backward()
try:
    y.backward()
except RuntimeError as e:
    print(type(e).__name__)
print(x.grad)

# %% case: retain_graph_allows_reuse
import torch
x = torch.ones(3, requires_grad=True)
y = (x * x).sum()
y.backward(retain_graph=True)
y.backward()
print(x.grad)

# %% case: grads_accumulate_same_object
import torch
x = torch.ones(2, requires_grad=True)
(x * 3).sum().backward()
g = x.grad
(x * 4).sum().backward()
print(x.grad, x.grad is g)

# %% case: grad_zero_and_none
import torch
x = torch.ones(2, requires_grad=True)
(x * 3).sum().backward()
x.grad.zero_()
print(x.grad)
(x * 3).sum().backward()
print(x.grad)
x.grad = None
print(x.grad)
(x * 5).sum().backward()
print(x.grad)

# %% case: grad_is_plain_leaf
import torch
x = torch.ones(2, requires_grad=True)
(x * 3).sum().backward()
print(x.grad.requires_grad, x.grad.is_leaf, x.grad.grad_fn)

# %% case: backward_inside_no_grad
import torch
x = torch.ones(2, requires_grad=True)
y = (x * 3).sum()
with torch.no_grad():
    y.backward()
print(x.grad)

# %% case: backward_inputs_argument
import torch
x = torch.ones(2, requires_grad=True)
w = torch.ones(2, requires_grad=True)
(x * w * 3).sum().backward(inputs=[w])
print(x.grad, w.grad)

# %% case: autograd_backward_several_roots
import torch
x = torch.ones(2, requires_grad=True)
a = x * 2
b = x * 3
torch.autograd.backward([a, b], [torch.ones(2), torch.tensor([1., 10.])])
print(x.grad)

# %% case: nonleaf_grad_warns
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
y.sum().backward()
print(y.grad)

# %% case: nonleaf_grad_warns_before_backward
import torch
x = torch.ones(2, requires_grad=True)
y = x + 1
print(y.grad)
print(y.grad)

# %% case: leaf_grad_no_warning
import torch
x = torch.ones(2, requires_grad=True)
print(x.grad)

# %% case: no_requires_grad_result_grad_no_warning
import torch
a = torch.ones(2)
b = a * 2
print(b.grad, b.is_leaf)

# %% case: retain_grad_fills_grad
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
y.retain_grad()
print(y.retains_grad)
(y * 3).sum().backward()
print(y.grad)
print(x.grad)

# %% case: retain_grad_on_leaf_is_noop
import torch
x = torch.ones(2, requires_grad=True)
x.retain_grad()
print(x.retains_grad)
x.sum().backward()
print(x.grad)

# %% case: retain_grad_without_requires_grad_raises
import torch
torch.ones(2).retain_grad()

# %% case: retains_grad_default_false
import torch
x = torch.ones(2, requires_grad=True)
print(x.retains_grad, (x * 2).retains_grad)

# %% case: hook_returns_handle
import torch
x = torch.ones(2, requires_grad=True)
h = x.register_hook(lambda g: None)
print(type(h).__name__)

# %% case: hooks_run_in_order_and_see_grad
import torch
x = torch.ones(2, requires_grad=True)
x.register_hook(lambda g: print('first', g))
x.register_hook(lambda g: print('second', g))
(x * 3).sum().backward()
print(x.grad)

# %% case: hook_sees_grad_before_accumulation
import torch
x = torch.ones(2, requires_grad=True)
(x * 2).sum().backward()
x.register_hook(lambda g: print('hook', g, x.grad))
(x * 3).sum().backward()
print(x.grad)

# %% case: hook_replaces_grad
import torch
x = torch.ones(2, requires_grad=True)
x.register_hook(lambda g: g * 10)
(x * 3).sum().backward()
print(x.grad)

# %% case: hook_chain_replacements
import torch
x = torch.ones(2, requires_grad=True)
x.register_hook(lambda g: g + 1)
x.register_hook(lambda g: print('sees', g))
x.register_hook(lambda g: g * 2)
(x * 3).sum().backward()
print(x.grad)

# %% case: hook_on_nonleaf
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
y.register_hook(lambda g: print('y grad', g))
y.register_hook(lambda g: g * 100)
(y * 3).sum().backward()
print(x.grad)

# %% case: hook_handle_remove
import torch
x = torch.ones(2, requires_grad=True)
h = x.register_hook(lambda g: g * 10)
h.remove()
(x * 3).sum().backward()
print(x.grad)

# %% case: hook_without_requires_grad_raises
import torch
torch.ones(2).register_hook(lambda g: g)

# %% case: autograd_grad_returns_tuple
import torch
x = torch.tensor([1., 2.], requires_grad=True)
y = (x * x).sum()
g = torch.autograd.grad(y, x)
print(type(g).__name__, len(g))
print(g[0])
print(x.grad)

# %% case: autograd_grad_several_inputs
import torch
x = torch.tensor(2., requires_grad=True)
w = torch.tensor(3., requires_grad=True)
print(torch.autograd.grad(x * w, [x, w]))

# %% case: autograd_grad_unused_raises
import torch
x = torch.tensor(2., requires_grad=True)
w = torch.tensor(3., requires_grad=True)
torch.autograd.grad(x * 2, [x, w])

# %% case: autograd_grad_allow_unused
import torch
x = torch.tensor(2., requires_grad=True)
w = torch.tensor(3., requires_grad=True)
print(torch.autograd.grad(x * 2, [x, w], allow_unused=True))

# %% case: autograd_grad_materialize_grads
import torch
x = torch.tensor(2., requires_grad=True)
w = torch.tensor(3., requires_grad=True)
print(torch.autograd.grad(x * 2, [x, w], materialize_grads=True))

# %% case: autograd_grad_create_graph
import torch
x = torch.tensor(3., requires_grad=True)
y = x ** 3
(g,) = torch.autograd.grad(y, x, create_graph=True)
print(g)
(g2,) = torch.autograd.grad(g, x)
print(g2)

# %% case: autograd_grad_create_graph_then_backward
import torch
x = torch.tensor(3., requires_grad=True)
(g,) = torch.autograd.grad(x ** 3, x, create_graph=True)
g.backward()
print(x.grad)

# %% case: autograd_grad_non_scalar_needs_grad_outputs
import torch
x = torch.ones(3, requires_grad=True)
torch.autograd.grad(x * 2, x)

# %% case: autograd_grad_with_grad_outputs
import torch
x = torch.ones(3, requires_grad=True)
print(torch.autograd.grad(x * 2, x, grad_outputs=torch.tensor([1., 2., 3.])))

# %% case: autograd_grad_frees_graph
import torch
x = torch.ones(3, requires_grad=True)
y = (x * x).sum()
torch.autograd.grad(y, x)
torch.autograd.grad(y, x)

# %% case: no_grad_context
import torch
x = torch.ones(2, requires_grad=True)
with torch.no_grad():
    print(torch.is_grad_enabled())
    y = x * 2
print(torch.is_grad_enabled())
print(y, y.requires_grad, y.is_leaf, y.grad_fn)

# %% case: no_grad_decorator_with_parens
import torch
@torch.no_grad()
def f(t):
    return t * 2, torch.is_grad_enabled()
x = torch.ones(2, requires_grad=True)
y, enabled = f(x)
print(enabled, y.requires_grad, torch.is_grad_enabled())

# %% case: no_grad_decorator_without_parens
import torch
@torch.no_grad
def f(t):
    return t * 2
x = torch.ones(2, requires_grad=True)
print(f(x).requires_grad)

# %% case: enable_grad_inside_no_grad
import torch
x = torch.ones(2, requires_grad=True)
with torch.no_grad():
    with torch.enable_grad():
        y = x * 2
        print(torch.is_grad_enabled())
    z = x * 2
print(y, z)

# %% case: set_grad_enabled_context
import torch
x = torch.ones(2, requires_grad=True)
with torch.set_grad_enabled(False):
    y = x * 2
    print(torch.is_grad_enabled())
with torch.set_grad_enabled(True):
    z = x * 2
print(y.requires_grad, z.requires_grad, torch.is_grad_enabled())

# %% case: set_grad_enabled_plain_call
import torch
x = torch.ones(2, requires_grad=True)
torch.set_grad_enabled(False)
y = x * 2
print(torch.is_grad_enabled(), y.requires_grad)
torch.set_grad_enabled(True)
z = x * 2
print(torch.is_grad_enabled(), z.requires_grad)

# %% case: factory_requires_grad_under_no_grad
import torch
with torch.no_grad():
    x = torch.ones(2, requires_grad=True)
    y = torch.tensor([1., 2.], requires_grad=True)
print(x, x.is_leaf, y.requires_grad)

# %% case: no_grad_result_of_nonleaf_is_leaf
import torch
x = torch.ones(2, requires_grad=True)
y = x * 3
with torch.no_grad():
    z = y + 1
print(z.is_leaf, z.requires_grad, z.grad_fn)

# %% case: inference_mode_results
import torch
x = torch.ones(2, requires_grad=True)
with torch.inference_mode():
    y = x * 2
    print(torch.is_grad_enabled(), torch.is_inference_mode_enabled())
print(y, y.is_inference(), y.requires_grad, x.is_inference())

# %% case: inference_tensor_in_graph_raises
import torch
with torch.inference_mode():
    t = torch.ones(2)
x = torch.ones(2, requires_grad=True)
x * t

# %% case: inference_mode_decorator
import torch
@torch.inference_mode()
def f(t):
    return t + 1
print(f(torch.ones(2)).is_inference())

# %% case: requires_grad_returns_self
import torch
x = torch.ones(2)
print(x.requires_grad_() is x, x.requires_grad)
print(x.requires_grad_(False) is x, x.requires_grad)

# %% case: requires_grad_true_on_nonleaf_is_noop
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
print(y.requires_grad_(True) is y, y.requires_grad, type(y.grad_fn).__name__)
print(y.requires_grad_() is y, y.is_leaf)

# %% case: requires_grad_attr_true_on_nonleaf_raises
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
y.requires_grad = True

# %% case: requires_grad_false_on_nonleaf_raises
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
y.requires_grad_(False)

# %% case: requires_grad_attr_false_on_nonleaf_raises
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
y.requires_grad = False

# %% case: requires_grad_false_error_changes_nothing
import torch
x = torch.ones(2, requires_grad=True)
y = x * 2
try:
    y.requires_grad_(False)
except RuntimeError as e:
    print(type(e).__name__)
print(y.requires_grad, y)

# %% case: requires_grad_method_on_int_raises
import torch
torch.tensor([1, 2]).requires_grad_()

# %% case: requires_grad_attr_on_int_raises
import torch
t = torch.tensor([1, 2])
t.requires_grad = True

# %% case: requires_grad_factory_on_int_raises
import torch
torch.tensor([1, 2], requires_grad=True)

# %% case: requires_grad_false_on_int_is_fine
import torch
t = torch.tensor([1, 2])
t.requires_grad_(False)
t.requires_grad = False
print(t.requires_grad)

# %% case: requires_grad_attribute_on_leaf
import torch
t = torch.ones(2)
t.requires_grad = True
print(t, t.is_leaf)
t.requires_grad = False
print(t)

# %% case: propagation_requires_grad
import torch
a = torch.ones(2, requires_grad=True)
b = torch.ones(2)
print((a * 0).requires_grad, torch.stack([a, b]).requires_grad, a.sum().requires_grad)
print(type(torch.stack([a, b]).grad_fn).__name__)

# %% case: propagation_does_not_require_grad
import torch
a = torch.ones(2, requires_grad=True)
b = torch.ones(2)
print((a > 0).requires_grad, a.argmax().requires_grad, torch.zeros_like(a).requires_grad, torch.cat([b, b]).requires_grad)
print((a > 0).is_leaf, a.argmax().grad_fn)

# %% case: is_leaf_rules
import torch
a = torch.ones(2)
b = a * 2
x = torch.ones(2, requires_grad=True)
with torch.no_grad():
    c = x * 2
print(a.is_leaf, b.is_leaf, c.is_leaf)
print(x.is_leaf, x[0].is_leaf, (x * 2).is_leaf)
print(torch.nn.Parameter(torch.ones(2)).is_leaf)

# %% case: abs_grad_at_zero
import torch
x = torch.tensor([-2., 0., 3.], requires_grad=True)
x.abs().sum().backward()
print(x.grad)

# %% case: relu_grad_at_zero
import torch
x = torch.tensor([-2., 0., 3.], requires_grad=True)
x.relu().sum().backward()
print(x.grad)

# %% case: max_ties_split_grad
import torch
x = torch.tensor([1., 3., 3.], requires_grad=True)
x.max().backward()
print(x.grad)

# %% case: mean_grad
import torch
x = torch.ones(4, requires_grad=True)
x.mean().backward()
print(x.grad)

# %% case: broadcast_grads_are_summed
import torch
x = torch.ones(2, 3, requires_grad=True)
b = torch.ones(3, requires_grad=True)
((x + b) * 2).mean().backward()
print(b.grad)
print(x.grad)

# %% case: chain_rule_values
import torch
x = torch.tensor([1., 2.], requires_grad=True)
y = (x * 2 + 1) ** 2
y.sum().backward()
print(y)
print(x.grad)

# %% case: shared_input_grads_add
import torch
x = torch.tensor(3., requires_grad=True)
y = x * x + x
y.backward()
print(x.grad)

# %% case: matmul_grads
import torch
a = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
b = torch.tensor([[1.], [1.]], requires_grad=True)
(a @ b).sum().backward()
print(a.grad)
print(b.grad)

# %% case: deep_chain_backward
import torch
x = torch.tensor(1., requires_grad=True)
y = x
for _ in range(100000):
    y = y + 1
y.backward()
print(x.grad, y)

# %% case: custom_function
import torch
class Double(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2
    @staticmethod
    def backward(ctx, g):
        return g * 2
x = torch.ones(3, requires_grad=True)
y = Double.apply(x)
print(y)
print(type(y.grad_fn).__name__)
y.sum().backward()
print(x.grad)

# %% case: custom_function_save_for_backward
import torch
from torch.autograd import Function
class Square(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x
    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = Square.apply(x)
y.sum().backward()
print(x.grad)
print([(type(f).__name__, i) for f, i in y.grad_fn.next_functions])

# %% case: custom_function_saved_version_check
import torch
class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x
    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g
x = torch.ones(3, requires_grad=True)
y = Square.apply(x)
x.detach().add_(1)
y.sum().backward()

# %% case: custom_function_two_inputs
import torch
class Mul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b
    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g * b, g * a
a = torch.tensor([2.], requires_grad=True)
b = torch.tensor([5.], requires_grad=True)
Mul.apply(a, b).sum().backward()
print(a.grad, b.grad)

# %% case: custom_function_without_grad_input
import torch
class Ident(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.clone()
    @staticmethod
    def backward(ctx, g):
        return g
y = Ident.apply(torch.ones(2))
print(y, y.requires_grad, y.grad_fn)

# %% case: grad_with_batched_grad_outputs
import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
w = torch.zeros(3, requires_grad=True)
print(torch.autograd.grad(x**2, x, torch.eye(3), is_grads_batched=True))
print(torch.autograd.grad(x.sum() * 2, x, torch.tensor([1.0, 2.0]), is_grads_batched=True))
print(torch.autograd.grad(x**2, [x, w], torch.eye(3), is_grads_batched=True, allow_unused=True))
print(torch.autograd.grad(x**2, [x, w], torch.eye(3), is_grads_batched=True, materialize_grads=True))
print(torch.autograd.grad([x**2, x * 1], x, [torch.eye(3), torch.ones(3, 3)], is_grads_batched=True))
y = x * 3
torch.autograd.grad(y, x, torch.eye(3), is_grads_batched=True)
try:
    y.sum().backward()
except RuntimeError as e:
    print(type(e).__name__, str(e)[:60])
for g in (torch.ones(3), torch.ones(2, 4)):
    try:
        torch.autograd.grad(x**2, x, g, is_grads_batched=True)
    except RuntimeError as e:
        print(type(e).__name__, e)
try:
    torch.autograd.grad([x**2, x * 2], x, [torch.ones(2, 3), torch.ones(3, 3)], is_grads_batched=True)
except ValueError as e:
    print(type(e).__name__, e)

# %% case: grad_only_inputs_is_deprecated
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
print(torch.autograd.grad(x.sum(), x, only_inputs=False))
