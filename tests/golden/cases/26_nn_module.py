# Golden cases: nn.Module, Linear, containers, state_dict, copying models (TORCH_SEMANTICS.md §17).
# Weights are set by copy_ under no_grad wherever values are printed.

# %% case: linear_repr_and_parameters
import torch
lin = torch.nn.Linear(3, 2)
print(lin)
print(type(lin.parameters()).__name__)
print([name for name, _ in lin.named_parameters()])
for p in lin.parameters():
    print(type(p).__name__, isinstance(p, torch.Tensor), p.shape, p.requires_grad, p.is_leaf, p.grad, p._version, p.dtype)
print(torch.nn.Linear(3, 2, bias=False), torch.nn.Linear(3, 2, bias=False).bias)

# %% case: linear_values_and_grads
import torch
lin = torch.nn.Linear(3, 2)
with torch.no_grad():
    lin.weight.copy_(torch.tensor([[1., 2., 3.], [-1., 0., 1.]]))
    lin.bias.copy_(torch.tensor([0.5, -0.5]))
print(lin.weight)
x = torch.tensor([[1., 1., 1.], [0., 1., 2.]])
y = lin(x)
print(y)
y.sum().backward()
print(lin.weight.grad, lin.bias.grad, x.grad)
print(lin.weight._version, lin.bias._version)

# %% case: linear_grad_fn_by_input_rank
import torch
lin = torch.nn.Linear(3, 2)
def show(t):
    fn = t.grad_fn
    print(t.shape, type(fn).__name__, [(type(f).__name__ if f is not None else None, i) for f, i in fn.next_functions])
show(lin(torch.ones(3)))
show(lin(torch.ones(4, 3)))
show(lin(torch.ones(5, 4, 3)))
show(lin(torch.ones(4, 5, 3).transpose(0, 1)))
show(lin(torch.ones(2, 5, 4, 3)))
show(torch.nn.Linear(3, 2, bias=False)(torch.ones(4, 3)))
show(lin(torch.ones(4, 3, requires_grad=True)))

# %% case: addmm_saved_values
import torch
lin = torch.nn.Linear(3, 2)
y = lin(torch.ones(4, 3))
fn = y.grad_fn
print(fn._saved_alpha, fn._saved_beta, fn._saved_mat1_sym_sizes, fn._saved_mat2_sym_sizes, fn._saved_mat2_sym_strides, fn._saved_mat1_sym_strides)
print(fn._saved_mat1.shape, fn._saved_mat2)

# %% case: linear_shape_mismatch
import torch
lin = torch.nn.Linear(2, 5)
lin(torch.ones(4, 3))

# %% case: linear_dtype_mismatch
import torch
lin = torch.nn.Linear(3, 2)
lin(torch.ones(4, 3, dtype=torch.float64))

# %% case: linear_dtype_mismatch_no_bias
import torch
lin = torch.nn.Linear(3, 2, bias=False)
lin(torch.ones(4, 3, dtype=torch.float64))

# %% case: linear_zero_dim_input
import torch
torch.nn.functional.linear(torch.tensor(1.), torch.ones(2, 3))

# %% case: addmm_values_and_messages
import torch
print(torch.addmm(torch.tensor([1., 2.]), torch.tensor([[1., 2.], [3., 4.]]), torch.eye(2)))
print(torch.addmm(torch.ones(2, 2), torch.ones(2, 3), torch.ones(3, 2), beta=0.5, alpha=2))
print(torch.addmm(torch.tensor([float('nan')]), torch.ones(1, 1), torch.ones(1, 1), beta=0))
for args in [(torch.ones(5), torch.ones(4, 3), torch.ones(2, 5)),
             (torch.ones(5), torch.ones(4, 3, dtype=torch.float64), torch.ones(3, 5)),
             (torch.ones(5, dtype=torch.float64), torch.ones(4, 3), torch.ones(3, 5)),
             (torch.ones(3), torch.ones(4, 3), torch.ones(3, 5)),
             (torch.ones(5), torch.ones(3), torch.ones(3, 5)),
             (torch.ones(5), torch.ones(4, 3), torch.ones(3))]:
    try:
        torch.addmm(*args)
    except RuntimeError as e:
        print(e)

# %% case: sequential_repr_and_names
import torch
nn = torch.nn
model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
print(model)
print([name for name, _ in model.named_parameters()])
print(list(model.state_dict().keys()))
print([name for name, _ in model.named_modules()])
print([type(m).__name__ for m in model.children()])
print(len(model), type(model[0]).__name__, type(model[-1]).__name__)
print(model[1:])
nested = nn.Sequential(nn.Sequential(nn.Linear(1, 1), nn.Tanh()), nn.Sigmoid())
print(nested)
print([name for name, _ in nested.named_parameters()])

# %% case: state_dict_shares_memory_and_version
import torch
lin = torch.nn.Linear(2, 1)
sd = lin.state_dict()
print(type(sd).__name__, list(sd))
w = sd['weight']
print(type(w).__name__, w.requires_grad, w.is_leaf, w.grad_fn, w is lin.weight)
print(w.data_ptr() == lin.weight.data_ptr(), w._version, lin.weight._version)
w.add_(1)
print(w._version, lin.weight._version)
kept = lin.state_dict(keep_vars=True)
print(kept['weight'] is lin.weight, type(kept['bias']).__name__)
print(sd._metadata)

# %% case: state_dict_is_live
import copy
import torch
lin = torch.nn.Linear(2, 1)
with torch.no_grad():
    lin.weight.copy_(torch.tensor([[1., 2.]]))
live = lin.state_dict()
snap_deep = copy.deepcopy(lin.state_dict())
snap_clone = {k: v.clone() for k, v in lin.state_dict().items()}
with torch.no_grad():
    lin.weight.sub_(torch.tensor([[0.1, 0.1]]))
print(live['weight'])
print(snap_deep['weight'])
print(snap_clone['weight'])

# %% case: load_state_dict_copies_in_place
import torch
lin = torch.nn.Linear(2, 1)
w = lin.weight
ptr = w.data_ptr()
source = {'weight': torch.tensor([[1., 2.]]), 'bias': torch.tensor([0.5])}
before = w._version
result = lin.load_state_dict(source)
print(result)
print(type(result).__name__, result.missing_keys, result.unexpected_keys)
print(lin.weight is w, lin.weight.data_ptr() == ptr, w._version - before)
print(lin.weight.data_ptr() == source['weight'].data_ptr())
print(lin.weight, lin.bias)
source['weight'].add_(1)
print(lin.weight)

# %% case: load_state_dict_strict_false
import torch
lin = torch.nn.Linear(2, 1)
print(lin.load_state_dict({'weight': torch.tensor([[1., 2.]]), 'extra': torch.ones(1)}, strict=False))
print(lin.weight)

# %% case: load_state_dict_missing
import torch
lin = torch.nn.Linear(2, 1)
lin.load_state_dict({'weight': torch.tensor([[1., 2.]])})

# %% case: load_state_dict_unexpected
import torch
lin = torch.nn.Linear(2, 1)
lin.load_state_dict({'weight': torch.tensor([[1., 2.]]), 'bias': torch.ones(1), 'extra': torch.ones(1)})

# %% case: load_state_dict_size_mismatch
import torch
lin = torch.nn.Linear(2, 1)
lin.load_state_dict({'weight': torch.ones(1, 3), 'bias': torch.ones(1)})

# %% case: load_state_dict_size_mismatch_not_strict
import torch
lin = torch.nn.Linear(2, 1)
lin.load_state_dict({'weight': torch.ones(1, 3)}, strict=False)

# %% case: load_state_dict_sequential_mismatch
import torch
nn = torch.nn
model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
model.load_state_dict(nn.Linear(2, 1).state_dict())

# %% case: load_state_dict_not_a_mapping
import torch
torch.nn.Linear(2, 1).load_state_dict([('weight', torch.ones(1, 2))])

# %% case: load_state_dict_non_tensor_value
import torch
torch.nn.Linear(2, 1).load_state_dict({'weight': [[1., 2.]], 'bias': torch.ones(1)})

# %% case: load_state_dict_converts_dtype
import torch
lin = torch.nn.Linear(2, 1)
lin.load_state_dict({'weight': torch.tensor([[1, 2]]), 'bias': torch.tensor([0.5], dtype=torch.float64)})
print(lin.weight, lin.bias, lin.weight.dtype, lin.bias.dtype)

# %% case: load_state_dict_assign
import torch
lin = torch.nn.Linear(2, 1, bias=False)
old = lin.weight
t = torch.tensor([[1., 2.]])
lin.load_state_dict({'weight': t}, assign=True)
print(lin.weight is old, type(lin.weight).__name__, lin.weight.requires_grad)
print(lin.weight.data_ptr() == t.data_ptr())
print(lin.weight)

# %% case: deepcopy_model
import copy
import torch
lin = torch.nn.Linear(2, 1)
lin(torch.ones(3, 2)).sum().backward()
print(lin.weight.grad is not None)
c = copy.deepcopy(lin)
print(type(c.weight).__name__, c.weight.requires_grad, c.weight._version, c.weight.grad)
print(c.weight.data_ptr() == lin.weight.data_ptr(), torch.equal(c.weight, lin.weight))
with torch.no_grad():
    lin.weight.add_(1)
print(torch.equal(c.weight, lin.weight))
print(c)

# %% case: deepcopy_keeps_tied_weights_tied
import copy
import torch
nn = torch.nn
a, b = nn.Linear(2, 2), nn.Linear(2, 2)
b.weight = a.weight
model = nn.Sequential(a, b)
print(len(list(model.parameters())), list(model.state_dict().keys()))
c = copy.deepcopy(model)
print(len(list(c.parameters())), c[0].weight is c[1].weight, c[0].weight is a.weight)

# %% case: shallow_copy_model
import copy
import torch
lin = torch.nn.Linear(2, 1)
s = copy.copy(lin)
print(s is lin, s.weight is lin.weight, s._parameters is lin._parameters)

# %% case: new_instance_and_load_is_independent
import torch
lin = torch.nn.Linear(2, 1)
with torch.no_grad():
    lin.weight.copy_(torch.tensor([[1., 2.]]))
other = torch.nn.Linear(2, 1)
other.load_state_dict(lin.state_dict())
with torch.no_grad():
    lin.weight.sub_(0.1)
print(other.weight, lin.weight)
print(other.weight.data_ptr() == lin.weight.data_ptr(), other.weight._version)

# %% case: zero_grad_both_ways
import torch
lin = torch.nn.Linear(2, 1)
lin(torch.ones(1, 2)).sum().backward()
g = lin.weight.grad
lin.zero_grad(set_to_none=False)
print(lin.weight.grad is g, lin.weight.grad, g._version)
lin(torch.ones(1, 2)).sum().backward()
lin.zero_grad()
print(lin.weight.grad, lin.bias.grad)

# %% case: inplace_on_parameter_outside_no_grad
import torch
lin = torch.nn.Linear(2, 1)
lin.weight.add_(1)

# %% case: assign_tensor_to_parameter_slot
import torch
lin = torch.nn.Linear(2, 1)
lin.weight = torch.ones(1, 2)

# %% case: assign_int_to_parameter_slot
import torch
lin = torch.nn.Linear(2, 1)
lin.bias = 3

# %% case: assign_none_and_plain_tensor
import torch
lin = torch.nn.Linear(2, 1)
lin.bias = None
print([name for name, _ in lin.named_parameters()], lin.bias, list(lin.state_dict()))
lin.scale = torch.ones(1)
print([name for name, _ in lin.named_parameters()], list(lin.state_dict()), 'scale' in lin.__dict__)
lin.extra = torch.nn.Parameter(torch.ones(1))
print([name for name, _ in lin.named_parameters()])
del lin.extra
print([name for name, _ in lin.named_parameters()])
print(lin)

# %% case: register_parameter_errors
import torch
m = torch.nn.Module()
for name, value in [('a.b', None), ('', None), ('training', None), ('p', torch.ones(1)), (3, None)]:
    try:
        m.register_parameter(name, value)
    except (KeyError, TypeError) as e:
        print(type(e).__name__, e)

# %% case: register_buffer_and_state_dict
import torch
m = torch.nn.Module()
m.register_buffer('running', torch.zeros(2))
m.register_buffer('scratch', torch.ones(1), persistent=False)
print(list(m.state_dict()), [n for n, _ in m.named_buffers()], [n for n, _ in m.named_parameters()])
m.running = torch.ones(2)
print(m.running, list(m.state_dict()))
try:
    m.running = 5
except TypeError as e:
    print(e)
try:
    m.register_buffer('bad', [1])
except TypeError as e:
    print(e)

# %% case: add_module_errors
import torch
m = torch.nn.Module()
for name, value in [('a.b', torch.nn.ReLU()), ('', torch.nn.ReLU()), ('x', 3), ('training', torch.nn.ReLU())]:
    try:
        m.add_module(name, value)
    except (KeyError, TypeError) as e:
        print(type(e).__name__, e)
m.child = torch.nn.ReLU()
try:
    m.child = 3
except TypeError as e:
    print(e)

# %% case: missing_forward
import torch
class Net(torch.nn.Module):
    pass
Net()(torch.ones(1))

# %% case: forgot_super_init
import torch
class Net(torch.nn.Module):
    def __init__(self):
        self.lin = torch.nn.Linear(1, 1)
Net()

# %% case: forgot_super_init_parameter
import torch
class Net(torch.nn.Module):
    def __init__(self):
        self.w = torch.nn.Parameter(torch.ones(1))
Net()

# %% case: unknown_attribute
import torch
torch.nn.Linear(1, 1).wieght

# %% case: module_init_arguments
import torch
try:
    torch.nn.Module(3)
except TypeError as e:
    print(e)
torch.nn.Module(foo=1)

# %% case: custom_module
import torch
class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(2, 3)
        self.out = torch.nn.Linear(3, 1)
        self.scale = torch.nn.Parameter(torch.tensor(2.))
    def forward(self, x):
        return self.out(torch.relu(self.hidden(x))) * self.scale
net = Net()
print(net)
print([name for name, _ in net.named_parameters()])
print(type(net(torch.ones(4, 2)).grad_fn).__name__)

# %% case: train_eval_propagate
import torch
nn = torch.nn
model = nn.Sequential(nn.Linear(1, 1), nn.Dropout(), nn.Sequential(nn.ReLU()))
print([m.training for m in model.modules()])
print(model.eval() is model, [m.training for m in model.modules()])
model.train()
print([m.training for m in model.modules()])
model.train('no')

# %% case: requires_grad_and_apply
import torch
nn = torch.nn
model = nn.Sequential(nn.Linear(1, 1), nn.Linear(1, 1))
print(model.requires_grad_(False) is model, [p.requires_grad for p in model.parameters()])
seen = []
model.apply(lambda m: seen.append(type(m).__name__))
print(seen)

# %% case: forward_hooks
import torch
lin = torch.nn.Linear(1, 1)
with torch.no_grad():
    lin.weight.fill_(2.)
    lin.bias.fill_(0.)
calls = []
h1 = lin.register_forward_pre_hook(lambda m, args: (args[0] + 1,))
h2 = lin.register_forward_hook(lambda m, args, out: out * 10)
h3 = lin.register_forward_hook(lambda m, args, out: calls.append((type(m).__name__, len(args), out.shape)))
print(lin(torch.ones(1, 1)))
print(calls)
h1.remove(); h2.remove()
print(lin(torch.ones(1, 1)))
h3.remove()
print(lin(torch.ones(1, 1)), len(calls))

# %% case: to_dtype_keeps_parameter_objects
import torch
lin = torch.nn.Linear(2, 1)
w = lin.weight
print(lin.double() is lin, lin.weight is w, lin.weight.dtype, type(lin.weight).__name__, lin.weight.requires_grad)
print(lin.to(torch.float32).weight.dtype, lin.float().bias.dtype)
print(lin(torch.ones(1, 2)).dtype)
lin.to(torch.int64)

# %% case: parameter_repr
import torch
lin = torch.nn.Linear(2, 1)
with torch.no_grad():
    lin.weight.copy_(torch.tensor([[1., 2.]]))
print(lin.weight)
print(torch.nn.Parameter(torch.tensor([1, 2]), requires_grad=False))

# %% case: module_list
import torch
nn = torch.nn
layers = nn.ModuleList([nn.Linear(1, 1), nn.Linear(1, 1), nn.ReLU()])
print(layers)
print(len(layers), type(layers[-1]).__name__, [n for n, _ in layers.named_parameters()])
layers.append(nn.Tanh())
del layers[0]
print(layers)
print(layers[1:])
print(nn.ModuleList())
layers.extend(3)

# %% case: module_list_has_no_forward
import torch
torch.nn.ModuleList([torch.nn.ReLU()])(torch.ones(1))

# %% case: module_list_index_error
import torch
torch.nn.ModuleList([torch.nn.ReLU()])[3]

# %% case: plain_list_hides_parameters
import torch
class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [torch.nn.Linear(1, 1)]
print(len(list(Net().parameters())), list(Net().state_dict()))

# %% case: module_dict
import torch
nn = torch.nn
heads = nn.ModuleDict({'cls': nn.Linear(2, 3), 'act': nn.ReLU()})
print(heads)
print(list(heads.keys()), 'cls' in heads, len(heads), [n for n, _ in heads.named_parameters()])
heads['reg'] = nn.Linear(2, 1)
print(list(heads), list(heads.state_dict()))
heads.update([('x', nn.Tanh())])
print(list(heads))
heads.update([('bad',)])

# %% case: sequential_editing
import torch
nn = torch.nn
model = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 1))
del model[1]
print(model)
model.append(nn.Sigmoid())
model.insert(1, nn.Tanh())
print(model)
print(model.pop(0))
print(model)
model[5]

# %% case: sequential_from_ordered_dict
from collections import OrderedDict
import torch
nn = torch.nn
model = nn.Sequential(OrderedDict([('fc', nn.Linear(1, 1)), ('act', nn.ReLU())]))
print(model)
print(list(model.state_dict()), type(model.fc).__name__)

# %% case: activation_layers
import torch
nn = torch.nn
x = torch.tensor([[-1., 0., 2.]], requires_grad=True)
for layer in [nn.ReLU(), nn.ReLU(inplace=True), nn.Tanh(), nn.Sigmoid(), nn.Softmax(dim=1), nn.LogSoftmax(dim=1), nn.Identity(), nn.Flatten(0)]:
    y = layer(x * 1)
    print(layer, y, type(y.grad_fn).__name__)

# %% case: softmax_without_dim
import torch
print(torch.nn.Softmax()(torch.tensor([[1., 2.], [3., 5.]])))
print(torch.nn.functional.softmax(torch.tensor([1., 2.])))

# %% case: flatten_and_identity
import torch
nn = torch.nn
x = torch.ones(2, 3, 4, requires_grad=True)
print(nn.Flatten()(x).shape, type(nn.Flatten()(x).grad_fn).__name__, nn.Flatten(0, 1)(x).shape)
print(nn.Flatten(), nn.Identity(3, a=1))
print(nn.Identity()(x) is x)

# %% case: dropout_layer
import torch
nn = torch.nn
drop = nn.Dropout(0.5)
print(drop, nn.Dropout(0.2, inplace=True))
x = torch.ones(1000, requires_grad=True)
y = drop(x)
print(type(y.grad_fn).__name__, y.shape, sorted(set(y.tolist())))
drop.eval()
print(drop(x) is x)
print(nn.functional.dropout(x, 0.0) is x, nn.functional.dropout(x, 0.5, training=False) is x)
print(nn.functional.dropout(torch.ones(3), 1.0))
nn.Dropout(1.5)

# %% case: dropout_functional_bad_p
import torch
torch.nn.functional.dropout(torch.ones(2), -0.1)

# %% case: to_device_and_grad_dtype
import torch
lin = torch.nn.Linear(3, 2, dtype=torch.float64)
print(lin.weight.dtype, lin.to('cpu') is lin, lin.to(device='cpu', dtype=torch.float32).weight.dtype, lin.cpu() is lin)
print(lin.to(torch.ones(1, dtype=torch.float64)).weight.dtype, lin.half().weight.dtype)
m = torch.nn.Sequential(torch.nn.Linear(2, 2))
m(torch.ones(1, 2)).sum().backward()
g = m[0].weight.grad
m.double()
print(m[0].weight.grad.dtype, m[0].weight.grad is g, m[0].weight.grad.shape)
m.register_buffer('steps', torch.tensor([1, 2]))
print(m.float().steps.dtype, m[0].weight.dtype)

# %% case: mm_saved_layouts_and_grad_layout
import torch
a = torch.ones(2, 3, requires_grad=True)
b = torch.ones(4, 3, requires_grad=True)
y = a @ b.t()
fn = y.grad_fn
print(type(fn).__name__, fn._saved_self_sym_sizes, fn._saved_self_sym_strides, fn._saved_mat2_sym_sizes, fn._saved_mat2_sym_strides)
y2 = torch.ones(2, 3) @ b.t()
print(y2.grad_fn._saved_self_sym_strides, y2.grad_fn._saved_mat2_sym_strides)
lin = torch.nn.Linear(3, 2, bias=False)
lin(torch.ones(4, 3)).sum().backward()
print(lin.weight.grad.stride(), lin.weight.grad.is_contiguous(), lin.weight.grad)
y.sum().backward()
print(b.grad.stride(), a.grad.stride())
