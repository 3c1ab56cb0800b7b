# Golden cases: torch.optim (SGD, Adam, AdamW) and the in-place ops their steps use (lerp_,
# addcmul_, addcdiv_, maximum(out=)). Parameters start from literal values and every loss is a
# fixed function of them, so each step's numbers are deterministic. Values are printed through
# the tensor repr (4 decimals) or rounded, as float32 results may differ in the last bit between
# CPU kernels.

# %% case: sgd_step_adds_one_to_each_parameter
import torch
w = torch.nn.Parameter(torch.tensor([1., -2., 3.]))
b = torch.nn.Parameter(torch.tensor(0.5))
opt = torch.optim.SGD([w, b], lr=0.1)
print(w._version, b._version)
for _ in range(3):
    opt.zero_grad()
    ((w * b).sum() ** 2).backward()
    opt.step()
    print(w._version, b._version)
print(w)
print(b)
print(opt.state)

# %% case: sgd_momentum_buffer_versions
import torch
w = torch.nn.Parameter(torch.tensor([1., -2.]))
opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
for step in range(3):
    opt.zero_grad()
    (w * w).sum().backward()
    grad = w.grad
    opt.step()
    buf = opt.state[w]['momentum_buffer']
    print(step, w._version, buf._version, buf is grad, buf.data_ptr() == grad.data_ptr())
    print(buf)
print(w)

# %% case: sgd_values_momentum_dampening
import torch
w = torch.nn.Parameter(torch.tensor([[1., -2.], [0.5, 3.]]))
x = torch.tensor([[0.5, -1.], [2., 0.25]])
opt = torch.optim.SGD([w], lr=0.05, momentum=0.8, dampening=0.3)
for _ in range(4):
    opt.zero_grad()
    loss = ((w @ x).tanh() - 0.5).pow(2).sum()
    loss.backward()
    opt.step()
    print(loss)
print(w)
print(opt.state[w]['momentum_buffer'])

# %% case: sgd_values_nesterov_weight_decay
import torch
w = torch.nn.Parameter(torch.tensor([1., -2., 0.25]))
opt = torch.optim.SGD([w], lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.1)
for _ in range(5):
    opt.zero_grad()
    loss = ((w * torch.tensor([1., 2., 3.])).sum() - 1) ** 2
    loss.backward()
    opt.step()
    print(loss, w._version)
print(w)
print(w.grad)
print([round(v, 3) for v in opt.state[w]['momentum_buffer'].tolist()])

# %% case: sgd_values_weight_decay_maximize
import torch
w = torch.nn.Parameter(torch.tensor([1., -2.]))
opt = torch.optim.SGD([w], lr=0.1, weight_decay=0.5, maximize=True)
for _ in range(3):
    opt.zero_grad()
    loss = -(w * w).sum()
    loss.backward()
    opt.step()
    print(loss)
print(w)
print(w.grad)

# %% case: sgd_tensor_lr
import torch
w = torch.nn.Parameter(torch.tensor([1., -2.]))
opt = torch.optim.SGD([w], lr=torch.tensor([0.25]))
(w * w).sum().backward()
opt.step()
print(w, w._version)
print(opt)

# %% case: sgd_two_groups
import torch
a = torch.nn.Parameter(torch.tensor([1., 2.]))
b = torch.nn.Parameter(torch.tensor([3.]))
opt = torch.optim.SGD([{'params': [a]}, {'params': b, 'lr': 0.5, 'momentum': 0.5}], lr=0.1)
for _ in range(2):
    opt.zero_grad()
    ((a * a).sum() + (b * b).sum()).backward()
    opt.step()
print(a, b)
print([sorted(g) for g in opt.param_groups])
print([g['lr'] for g in opt.param_groups], [g['momentum'] for g in opt.param_groups])
print(type(opt.param_groups[1]['params']).__name__, len(opt.param_groups[1]['params']))
print(opt)

# %% case: param_group_dict_becomes_the_group
import torch
a = torch.nn.Parameter(torch.tensor([1.]))
group = {'params': (x for x in [a]), 'lr': 0.3}
opt = torch.optim.SGD([group])
print(opt.param_groups[0] is group)
print(list(group))
print(type(group['params']).__name__, group['params'][0] is a)

# %% case: step_skips_parameters_without_grad
import torch
a = torch.nn.Parameter(torch.tensor([1., 2.]))
b = torch.nn.Parameter(torch.tensor([3., 4.]))
frozen = torch.tensor([5., 6.])
for name, make in [('SGD', lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
                   ('Adam', lambda p: torch.optim.Adam(p, lr=0.1))]:
    opt = make([a, b, frozen])
    (a * a).sum().backward()
    before = (a._version, b._version, frozen._version)
    opt.step()
    print(name, before, (a._version, b._version, frozen._version), len(opt.state), b in opt.state, frozen in opt.state)
    print(b, frozen)
    a.grad = None

# %% case: step_on_parameter_with_zero_grad_still_updates_state
import torch
a = torch.nn.Parameter(torch.tensor([1., 2.]))
opt = torch.optim.Adam([a], lr=0.1)
a.grad = torch.zeros(2)
opt.step()
print(a, a._version)
print(opt.state[a])

# %% case: adam_state_after_steps
import torch
w = torch.nn.Parameter(torch.tensor([1., -2., 0.5]))
opt = torch.optim.Adam([w], lr=0.1)
for _ in range(3):
    opt.zero_grad()
    loss = ((w - torch.tensor([0.5, 0.5, 0.5])) ** 2).sum()
    loss.backward()
    opt.step()
    print(loss)
state = opt.state[w]
print(list(state))
print(state['step'], state['step'].dtype, state['step'].shape, state['step'].requires_grad)
print(state['exp_avg'])
print(state['exp_avg_sq'])
print(w)

# %% case: adam_versions
import torch
w = torch.nn.Parameter(torch.tensor([1., -2.]))
for name, opt in [('Adam', torch.optim.Adam([w], lr=0.1)),
                  ('Adam wd', torch.optim.Adam([w], lr=0.1, weight_decay=0.1)),
                  ('AdamW', torch.optim.AdamW([w], lr=0.1)),
                  ('AdamW wd0', torch.optim.AdamW([w], lr=0.1, weight_decay=0)),
                  ('Adam amsgrad', torch.optim.Adam([w], lr=0.1, amsgrad=True))]:
    start = w._version
    for _ in range(2):
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
    s = opt.state[w]
    print(name, w._version - start, {k: v._version for k, v in s.items()})

# %% case: adam_values_amsgrad_weight_decay
import torch
w = torch.nn.Parameter(torch.tensor([[1., -2.], [0.5, 3.]]))
x = torch.tensor([[0.5, -1.], [2., 0.25]])
opt = torch.optim.Adam([w], lr=0.05, amsgrad=True, weight_decay=0.1)
for step in range(5):
    opt.zero_grad()
    loss = ((w @ x).tanh() - 0.5 * step).pow(2).sum()
    loss.backward()
    opt.step()
    print(loss)
print(w)
print(opt.state[w]['max_exp_avg_sq'])
print(opt.state[w]['exp_avg_sq'])

# %% case: adam_values_maximize_betas_eps
import torch
w = torch.nn.Parameter(torch.tensor([1., -2., 0.25]))
opt = torch.optim.Adam([w], lr=0.05, betas=(0.5, 0.75), eps=0.01, maximize=True)
for _ in range(4):
    opt.zero_grad()
    loss = -((w * torch.tensor([1., 2., 3.])).sum() - 1) ** 2
    loss.backward()
    opt.step()
    print(loss)
print(w)
print(opt.state[w]['exp_avg'], opt.state[w]['exp_avg_sq'])

# %% case: adamw_values
import torch
w = torch.nn.Parameter(torch.tensor([1., -2., 0.25]))
opt = torch.optim.AdamW([w], lr=0.1, weight_decay=0.2)
for _ in range(4):
    opt.zero_grad()
    loss = ((w * torch.tensor([1., 2., 3.])).sum() - 1) ** 2
    loss.backward()
    opt.step()
    print(loss, w._version)
print(w)

# %% case: adamw_amsgrad_matches_adam_decoupled
import torch
results = []
for make in [lambda p: torch.optim.AdamW(p, lr=0.1, weight_decay=0.3, amsgrad=True),
             lambda p: torch.optim.Adam(p, lr=0.1, weight_decay=0.3, amsgrad=True, decoupled_weight_decay=True)]:
    w = torch.nn.Parameter(torch.tensor([1., -2., 0.25]))
    opt = make([w])
    for step in range(3):
        opt.zero_grad()
        ((w - step) ** 2).sum().backward()
        opt.step()
    results.append(w.detach().clone())
    print(w)
print(torch.equal(results[0], results[1]))

# %% case: adam_tensor_lr_and_betas
import torch
w = torch.nn.Parameter(torch.tensor([1., -2.]))
opt = torch.optim.Adam([w], lr=torch.tensor(0.1), betas=(torch.tensor([0.8]), torch.tensor(0.9)))
for _ in range(3):
    opt.zero_grad()
    ((w - 0.5) ** 2).sum().backward()
    opt.step()
print(w, w._version)
print(opt.param_groups[0]['betas'])
print(opt.state[w]['exp_avg'], opt.state[w]['exp_avg_sq'])

# %% case: adam_float64_parameters
import torch
w = torch.nn.Parameter(torch.tensor([1., -2.], dtype=torch.float64))
opt = torch.optim.Adam([w], lr=0.1)
for _ in range(2):
    opt.zero_grad()
    (w ** 3).sum().backward()
    opt.step()
print(w)
print(opt.state[w]['step'].dtype, opt.state[w]['exp_avg'].dtype)

# %% case: adam_step_dtype_under_float64_default [fresh-process]
import torch
torch.set_default_dtype(torch.float64)
w = torch.nn.Parameter(torch.tensor([1., -2.], dtype=torch.float32))
opt = torch.optim.Adam([w], lr=0.1)
(w * w).sum().backward()
opt.step()
print(opt.state[w]['step'], opt.state[w]['step'].dtype, opt.state[w]['exp_avg'].dtype)

# %% case: zero_grad_sets_none_by_default
import torch
a = torch.nn.Parameter(torch.tensor([1., 2.]))
b = torch.nn.Parameter(torch.tensor([3.]))
opt = torch.optim.SGD([a, b], lr=0.1)
(a * 2).sum().backward()
print(a.grad, b.grad)
opt.zero_grad()
print(a.grad, b.grad)

# %% case: zero_grad_set_to_none_false_zeroes_in_place
import torch
a = torch.nn.Parameter(torch.tensor([1., 2.]))
opt = torch.optim.SGD([a], lr=0.1)
(a * 3).sum().backward()
g = a.grad
v = g._version
opt.zero_grad(set_to_none=False)
print(a.grad, a.grad is g, g._version - v, g.requires_grad, g.is_leaf)
(a * 3).sum().backward()
print(a.grad, a.grad is g)

# %% case: zero_grad_detaches_a_grad_with_history
import torch
a = torch.nn.Parameter(torch.tensor([1., 2.]))
opt = torch.optim.SGD([a], lr=0.1)
a.grad = torch.ones(2, requires_grad=True) * 3
g = a.grad
print(g.grad_fn is not None, g.requires_grad, g.is_leaf)
opt.zero_grad(set_to_none=False)
print(a.grad, a.grad is g, g.grad_fn, g.requires_grad, g.is_leaf)

# %% case: zero_grad_on_grad_that_requires_grad
import torch
a = torch.nn.Parameter(torch.tensor([1., 2.]))
opt = torch.optim.SGD([a], lr=0.1)
a.grad = torch.ones(2, requires_grad=True)
opt.zero_grad(set_to_none=False)
print(a.grad, a.grad.requires_grad)

# %% case: closure_is_evaluated_with_grad_and_its_loss_returned
import torch
w = torch.nn.Parameter(torch.tensor([3.]))
for opt in [torch.optim.SGD([w], lr=0.25), torch.optim.Adam([w], lr=0.1)]:
    def closure():
        print('closure, grad enabled:', torch.is_grad_enabled())
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss
    with torch.no_grad():
        loss = opt.step(closure)
    print(loss, w)
    print(opt.step(), torch.is_grad_enabled())

# %% case: step_runs_without_grad
import torch
w = torch.nn.Parameter(torch.tensor([1., 2.]))
opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
(w * w).sum().backward()
opt.step()
print(w.grad_fn, w.requires_grad, w.is_leaf)
print(opt.state[w]['momentum_buffer'].requires_grad, opt.state[w]['momentum_buffer'].grad_fn)

# %% case: requires_grad_false_parameter_in_group
import torch
a = torch.nn.Parameter(torch.tensor([1., 2.]), requires_grad=False)
b = torch.nn.Parameter(torch.tensor([3.]))
opt = torch.optim.Adam([a, b], lr=0.1)
(b * b).sum().backward()
opt.step()
print(a, b, len(opt.state))

# %% case: repr_sgd
import torch
p = torch.nn.Parameter(torch.ones(1))
print(torch.optim.SGD([p]))
print(repr(torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4)))

# %% case: repr_adam_adamw
import torch
p = torch.nn.Parameter(torch.ones(1))
print(torch.optim.Adam([p]))
print(torch.optim.AdamW([p], lr=3e-4, betas=(0.8, 0.99), amsgrad=True))

# %% case: repr_two_groups_and_names
import torch
a = torch.nn.Parameter(torch.ones(1))
b = torch.nn.Parameter(torch.ones(1))
print(torch.optim.SGD([{'params': [a]}, {'params': [b], 'lr': 0.5, 'extra': 'x'}], lr=0.1))
print(torch.optim.SGD([('first', a), ('second', b)], lr=0.1))

# %% case: defaults_of_each_optimizer
import torch
p = torch.nn.Parameter(torch.ones(1))
for cls in (torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW):
    opt = cls([p])
    print(cls.__name__, opt.defaults)
    print(list(opt.param_groups[0]))

# %% case: state_dict_sgd
import torch
a = torch.nn.Parameter(torch.tensor([1., 2.]))
b = torch.nn.Parameter(torch.tensor([3.]))
c = torch.nn.Parameter(torch.tensor([4.]))
opt = torch.optim.SGD([{'params': [a, b]}, {'params': [c], 'lr': 0.5}], lr=0.1, momentum=0.9)
print(opt.state_dict())
(a.sum() + c.sum()).backward()
opt.step()
sd = opt.state_dict()
print(sd)
print(list(sd), list(sd['state']))

# %% case: state_dict_adam
import torch
a = torch.nn.Parameter(torch.tensor([1., 2.]))
b = torch.nn.Parameter(torch.tensor([3.]))
opt = torch.optim.Adam([a, b], lr=0.1, amsgrad=True)
((a * a).sum() + b.sum()).backward()
opt.step()
print(opt.state_dict())

# %% case: state_dict_with_names
import torch
a = torch.nn.Parameter(torch.tensor([1., 2.]))
b = torch.nn.Parameter(torch.tensor([3.]))
opt = torch.optim.SGD([('weight', a), ('bias', b)], lr=0.1)
print(opt.param_groups[0]['param_names'])
print(opt.state_dict())

# %% case: state_dict_shares_the_state
import torch
a = torch.nn.Parameter(torch.tensor([1., 2.]))
opt = torch.optim.Adam([a], lr=0.1)
a.sum().backward()
opt.step()
sd = opt.state_dict()
print(sd['state'][0] is opt.state[a], sd['state'][0]['exp_avg'] is opt.state[a]['exp_avg'])
print(sd['param_groups'][0] is opt.param_groups[0], sd['param_groups'][0]['betas'] is opt.param_groups[0]['betas'])
opt.step()
print(sd['state'][0]['step'], sd['state'][0]['exp_avg'])

# %% case: state_dict_duplicate_parameter_keeps_first_index
import torch
a = torch.nn.Parameter(torch.tensor([1.]))
b = torch.nn.Parameter(torch.tensor([2.]))
opt = torch.optim.SGD([a, b, a], lr=0.1)
print(opt.state_dict()['param_groups'][0]['params'])

# %% case: load_state_dict_round_trip
import copy
import torch
def make():
    a = torch.nn.Parameter(torch.tensor([1., -2.]))
    b = torch.nn.Parameter(torch.tensor([0.5]))
    return a, b
a, b = make()
opt = torch.optim.Adam([{'params': [a]}, {'params': [b], 'lr': 0.01}], lr=0.1)
for _ in range(2):
    opt.zero_grad()
    ((a * a).sum() + (b * b).sum()).backward()
    opt.step()
sd = copy.deepcopy(opt.state_dict())
a2, b2 = make()
with torch.no_grad():
    a2.copy_(a)
    b2.copy_(b)
opt2 = torch.optim.Adam([{'params': [a2]}, {'params': [b2]}], lr=0.5)
v = (a2._version, b2._version)
print(opt2.load_state_dict(sd))
print(v == (a2._version, b2._version))
print(str(opt2.state_dict()) == str(opt.state_dict()))
print(opt2.param_groups[1]['lr'], opt2.param_groups[0]['params'][0] is a2)
print(opt2.state[a2])
for _ in range(2):
    for o, (p, q) in [(opt, (a, b)), (opt2, (a2, b2))]:
        o.zero_grad()
        ((p * p).sum() + (q * q).sum()).backward()
        o.step()
print(a, a2)
print(b, b2)
print(opt.state[a]['step'], opt2.state[a2]['step'])

# %% case: load_state_dict_without_a_copy_shares_the_state_tensors
import torch
a = torch.nn.Parameter(torch.tensor([1., -2.]))
a2 = torch.nn.Parameter(torch.tensor([1., -2.]))
opt = torch.optim.Adam([a], lr=0.1)
(a * a).sum().backward()
opt.step()
opt2 = torch.optim.Adam([a2], lr=0.1)
opt2.load_state_dict(opt.state_dict())
print(opt2.state[a2]['step'] is opt.state[a]['step'])
a.grad = None
(a * a).sum().backward()
opt.step()
print(opt.state[a]['step'], opt2.state[a2]['step'], opt2.state[a2]['exp_avg'])

# %% case: load_state_dict_copies_groups_and_shares_state_tensors
import torch
a = torch.nn.Parameter(torch.tensor([1., 2.]))
opt = torch.optim.SGD([a], lr=0.1, momentum=0.9)
a.sum().backward()
opt.step()
sd = opt.state_dict()
opt2 = torch.optim.SGD([a], lr=0.3)
opt2.load_state_dict(sd)
print(opt2.param_groups[0] is sd['param_groups'][0], opt2.param_groups[0]['params'] == [a])
print(opt2.state[a] is sd['state'][0], opt2.state[a]['momentum_buffer'] is sd['state'][0]['momentum_buffer'])
sd['param_groups'][0]['lr'] = 99.0
print(opt2.param_groups[0]['lr'], sd['param_groups'][0]['params'])
print(list(opt2.state), list(opt2.state)[0] is a)

# %% case: load_state_dict_casts_state_to_parameter_dtype
import torch
a = torch.nn.Parameter(torch.tensor([1., 2.]))
opt = torch.optim.Adam([a], lr=0.1)
state = {0: {'step': torch.tensor(3.), 'exp_avg': torch.tensor([0.1, 0.2], dtype=torch.float64),
             'exp_avg_sq': torch.tensor([1, 2]), 'note': [torch.tensor([5.], dtype=torch.float64), 7]},
         'other': {'kept': torch.tensor([1.], dtype=torch.float64)}}
groups = opt.state_dict()['param_groups']
opt.load_state_dict({'state': state, 'param_groups': groups})
s = opt.state[a]
print(s['step'] is state[0]['step'], s['exp_avg'].dtype, s['exp_avg_sq'].dtype, s['exp_avg_sq'])
print(type(s['note']).__name__, s['note'][0].dtype, s['note'][1])
print(opt.state['other']['kept'].dtype, opt.state['other'] is state['other'])

# %% case: load_state_dict_old_style_step_becomes_tensor
import torch
a = torch.nn.Parameter(torch.tensor([1., 2.]))
opt = torch.optim.Adam([a], lr=0.1)
groups = opt.state_dict()['param_groups']
opt.load_state_dict({'state': {0: {'step': 4, 'exp_avg': torch.zeros(2), 'exp_avg_sq': torch.zeros(2)}},
                     'param_groups': groups})
print(opt.state[a]['step'], opt.state[a]['step'].dtype)
a.sum().backward()
opt.step()
print(opt.state[a]['step'], a)

# %% case: load_state_dict_into_adamw_keeps_decoupled_weight_decay
import torch
a = torch.nn.Parameter(torch.tensor([1., 2.]))
adam = torch.optim.Adam([a], lr=0.1)
adamw = torch.optim.AdamW([a], lr=0.1)
adamw.load_state_dict(adam.state_dict())
print(adamw.param_groups[0]['decoupled_weight_decay'], adamw.param_groups[0]['weight_decay'])
adam.load_state_dict(torch.optim.AdamW([a]).state_dict())
print(adam.param_groups[0]['decoupled_weight_decay'])

# %% case: load_state_dict_fills_missing_options
import torch
a = torch.nn.Parameter(torch.tensor([1., 2.]))
opt = torch.optim.SGD([a], lr=0.1)
opt.load_state_dict({'state': {}, 'param_groups': [{'lr': 0.2, 'momentum': 0, 'dampening': 0, 'weight_decay': 0, 'params': [0]}]})
print(opt.param_groups[0])
print(opt.defaults['differentiable'])

# %% case: load_state_dict_wrong_number_of_groups
import torch
a = torch.nn.Parameter(torch.tensor([1.]))
b = torch.nn.Parameter(torch.tensor([2.]))
opt = torch.optim.SGD([a, b], lr=0.1)
other = torch.optim.SGD([{'params': [a]}, {'params': [b]}], lr=0.1)
opt.load_state_dict(other.state_dict())

# %% case: load_state_dict_wrong_group_size
import torch
a = torch.nn.Parameter(torch.tensor([1.]))
b = torch.nn.Parameter(torch.tensor([2.]))
opt = torch.optim.SGD([a, b], lr=0.1)
opt.load_state_dict(torch.optim.SGD([a], lr=0.1).state_dict())

# %% case: load_state_dict_missing_state
import torch
a = torch.nn.Parameter(torch.tensor([1.]))
opt = torch.optim.SGD([a], lr=0.1)
sd = opt.state_dict()
del sd['state']
opt.load_state_dict(sd)

# %% case: add_param_group
import torch
a = torch.nn.Parameter(torch.tensor([1.]))
b = torch.nn.Parameter(torch.tensor([2.]))
opt = torch.optim.SGD([a], lr=0.1, momentum=0.9)
group = {'params': b, 'lr': 0.01}
print(opt.add_param_group(group))
print(opt.param_groups[1] is group, group)
(a + b).sum().backward()
opt.step()
print(a, b)

# %% case: add_param_group_refuses_a_taken_parameter
import torch
a = torch.nn.Parameter(torch.tensor([1.]))
opt = torch.optim.SGD([a], lr=0.1)
try:
    opt.add_param_group({'params': [a]})
except ValueError as e:
    print(e)
print(len(opt.param_groups))
opt.add_param_group([a])

# %% case: error_empty_parameter_list
import torch
torch.optim.SGD([], lr=0.1)

# %% case: error_empty_generator
import torch
torch.optim.Adam((p for p in []))

# %% case: error_single_tensor
import torch
p = torch.nn.Parameter(torch.ones(2))
torch.optim.SGD(p, lr=0.1)

# %% case: error_single_plain_tensor
import torch
torch.optim.Adam(torch.ones(2, dtype=torch.float64))

# %% case: error_non_tensor_parameter
import torch
p = torch.nn.Parameter(torch.ones(2))
for params in ([p, 1.5], [p, None], [p, 'w']):
    try:
        torch.optim.SGD(params, lr=0.1)
    except TypeError as e:
        print(e)
torch.optim.SGD([p, [p]], lr=0.1)

# %% case: error_non_leaf_parameter
import torch
p = torch.nn.Parameter(torch.ones(2))
torch.optim.SGD([p * 2], lr=0.1)

# %% case: retained_non_leaf_is_accepted
import torch
p = torch.nn.Parameter(torch.ones(2))
q = p * 2
q.retain_grad()
opt = torch.optim.SGD([q], lr=0.1)
print(len(opt.param_groups[0]['params']))

# %% case: error_parameter_in_two_groups
import torch
p = torch.nn.Parameter(torch.ones(2))
q = torch.nn.Parameter(torch.ones(2))
torch.optim.SGD([{'params': [p, q]}, {'params': [q]}], lr=0.1)

# %% case: warning_duplicate_parameters
import torch
p = torch.nn.Parameter(torch.ones(2))
opt = torch.optim.SGD([p, p], lr=0.1)
print(len(opt.param_groups[0]['params']))
(p * p).sum().backward()
opt.step()
print(p, p._version)

# %% case: error_parameter_set
import torch
p = torch.nn.Parameter(torch.ones(2))
torch.optim.SGD([{'params': {p}}], lr=0.1)

# %% case: error_group_not_a_dict
import torch
p = torch.nn.Parameter(torch.ones(2))
q = torch.nn.Parameter(torch.ones(2))
torch.optim.SGD([{'params': [p]}, q], lr=0.1)

# %% case: error_group_without_params
import torch
torch.optim.SGD([{'lr': 0.1}])

# %% case: error_mixed_names
import torch
p = torch.nn.Parameter(torch.ones(2))
q = torch.nn.Parameter(torch.ones(2))
torch.optim.SGD([('p', p), q], lr=0.1)

# %% case: error_groups_with_and_without_names
import torch
p = torch.nn.Parameter(torch.ones(2))
q = torch.nn.Parameter(torch.ones(2))
torch.optim.SGD([{'params': [('p', p)]}, {'params': [q]}], lr=0.1)

# %% case: error_required_option
import torch
p = torch.nn.Parameter(torch.ones(2))
from torch.optim.optimizer import required
print(required)
torch.optim.Optimizer([p], {'lr': required})

# %% case: error_base_step
import torch
p = torch.nn.Parameter(torch.ones(2))
opt = torch.optim.Optimizer([p], {'lr': 0.1})
print(opt.param_groups[0]['lr'])
opt.step()

# %% case: error_sgd_options
import torch
p = torch.nn.Parameter(torch.ones(2))
for kwargs in [dict(lr=-0.1), dict(momentum=-0.5), dict(weight_decay=-1e-4), dict(nesterov=True),
               dict(momentum=0.9, dampening=0.1, nesterov=True), dict(lr=torch.tensor([0.1, 0.2])),
               dict(lr=torch.tensor(-1.)), dict(fused=True, differentiable=True),
               dict(fused=True, foreach=True)]:
    try:
        torch.optim.SGD([p], **kwargs)
    except (ValueError, RuntimeError) as e:
        print(type(e).__name__, e)

# %% case: error_adam_options
import torch
p = torch.nn.Parameter(torch.ones(2))
for kwargs in [dict(lr=-0.1), dict(eps=-1e-8), dict(betas=(1.0, 0.999)), dict(betas=(0.9, -0.1)),
               dict(betas=(0.9, 1)), dict(betas=(0, 0.999)), dict(weight_decay=-0.1),
               dict(betas=(torch.tensor(0.9), 0.999)), dict(betas=(torch.tensor([0.9, 0.8]), torch.tensor(0.9))),
               dict(betas=(torch.tensor([[0.9]]), torch.tensor([0.9, 0.8]))),
               dict(lr=torch.tensor([0.1, 0.2])), dict(lr=torch.tensor(0.1), foreach=True),
               dict(betas=(torch.tensor(0.9), torch.tensor(0.9)), foreach=True),
               dict(fused=True, differentiable=True), dict(fused=True, foreach=True)]:
    try:
        torch.optim.Adam([p], **kwargs)
    except (ValueError, RuntimeError) as e:
        print(type(e).__name__, e)
torch.optim.AdamW([p], weight_decay=-1)

# %% case: error_adamw_has_no_decoupled_option
import torch
p = torch.nn.Parameter(torch.ones(2))
torch.optim.AdamW([p], decoupled_weight_decay=False)

# %% case: error_positional_options_after_nesterov
import torch
p = torch.nn.Parameter(torch.ones(2))
print(torch.optim.SGD([p], 0.1, 0.9, 0, 0, True).param_groups[0]['nesterov'])
torch.optim.SGD([p], 0.1, 0.9, 0, 0, True, False)

# %% case: optimizer_step_breaks_a_retained_graph
import torch
w = torch.nn.Parameter(torch.tensor([1., 2.]))
opt = torch.optim.Adam([w], lr=0.1)
loss = (w * w).sum()
loss.backward(retain_graph=True)
opt.step()
loss.backward()

# %% case: op_lerp_values
import torch
a = torch.tensor([0., 1., -2.])
b = torch.tensor([10., 11., 4.])
print(torch.lerp(a, b, 0.25), torch.lerp(a, b, 0.75), torch.lerp(a, b, 1), a.lerp(b, True))
print(torch.lerp(a, b, torch.tensor([0., 0.5, 1.])), torch.lerp(a, b, torch.tensor(0.5, dtype=torch.float64)))
print(torch.lerp(torch.ones(2, 1), torch.zeros(3), 0.25))
c = a.clone()
print(c.lerp_(b, 0.1), c._version)
print(c.lerp_(b, torch.tensor(0.9)), c._version)
print(torch.lerp(torch.tensor([1., 2.], dtype=torch.float64), torch.tensor([3., 4.], dtype=torch.float64), 0.5))

# %% case: op_lerp_autograd
import torch
x = torch.tensor([1., 2.], requires_grad=True)
e = torch.tensor([3., 5.], requires_grad=True)
w = torch.tensor([0.25, 0.75], requires_grad=True)
y = torch.lerp(x, e, 0.3)
print(type(y.grad_fn).__name__, y.grad_fn._saved_weight)
y.sum().backward()
print(x.grad, e.grad)
x.grad = e.grad = None
z = torch.lerp(x, e, w)
print(type(z.grad_fn).__name__, z)
(z * torch.tensor([1., 2.])).sum().backward()
print(x.grad, e.grad, w.grad)
h = x * 1
h.lerp_(e, 0.5)
print(type(h.grad_fn).__name__, h)

# %% case: op_lerp_errors
import torch
f = torch.tensor([1., 2.])
for args in [(f, f.double(), 0.5), (f.double(), f, 0.5), (f, f, torch.ones(2, dtype=torch.float64)),
             (f, torch.ones(3), 0.5), (torch.tensor([1, 2]), torch.tensor([1, 2]), 0.5),
             (torch.tensor([1, 2]), torch.tensor([1, 2]), torch.tensor(1)),
             (torch.tensor([True]), torch.tensor([True]), 0.5)]:
    try:
        torch.lerp(*args)
    except (RuntimeError, NotImplementedError) as e:
        print(type(e).__name__, e)
for target, args in [(f.clone(), (torch.ones(2, 2), 0.5)), (torch.ones(2, requires_grad=True), (f, 0.5)),
                     (f.clone(), (f.double(), 0.5))]:
    try:
        target.lerp_(*args)
    except RuntimeError as e:
        print(type(e).__name__, e, target._version)
torch.lerp(f, f, 'a')

# %% case: op_addcmul_addcdiv_values
import torch
a = torch.tensor([1., 2., 3.])
t1 = torch.tensor([0.5, -1., 2.])
t2 = torch.tensor([4., 0.25, -2.])
print(torch.addcmul(a, t1, t2), torch.addcmul(a, t1, t2, value=-0.5), a.addcmul(t1, t2, value=2))
print(torch.addcdiv(a, t1, t2), torch.addcdiv(a, t1, t2, value=-0.5), a.addcdiv(t1, t2, value=3))
print(torch.addcmul(torch.tensor([1, 2]), torch.tensor([3, 4]), torch.tensor([5, 6]), value=0.5))
print(torch.addcmul(torch.tensor([1, 2]), torch.tensor([3, 4]), torch.tensor([5, 6]), value=2))
print(torch.addcmul(torch.tensor([1, 2]), t1[:2], torch.tensor([5, 6])))
print(torch.addcdiv(torch.tensor([1, 2]), t1[:2], t2[:2]), torch.addcdiv(a, torch.tensor([1, 2, 3]), t2))
print(torch.addcmul(a, torch.tensor(2., dtype=torch.float64), t1), torch.addcmul(a, t1, t2, value=torch.tensor(2.)))
print(torch.addcdiv(a, t1, torch.zeros(3)))
c = a.clone()
print(c.addcmul_(t1, t2, value=0.5), c._version)
print(c.addcdiv_(t1, t2, value=-1), c._version)
print(c.addcmul_(t1.double(), t2.double()), c.dtype, c._version)
print(torch.addcmul(torch.ones(2, 1), torch.ones(3), torch.ones(1, 3), value=2))

# %% case: op_addcmul_addcdiv_autograd
import torch
x = torch.tensor([1., 2.], requires_grad=True)
p = torch.tensor([3., -1.], requires_grad=True)
q = torch.tensor([0.5, 4.], requires_grad=True)
y = torch.addcmul(x, p, q, value=2)
print(type(y.grad_fn).__name__, y.grad_fn._saved_value, y)
y.sum().backward()
print(x.grad, p.grad, q.grad)
x.grad = p.grad = q.grad = None
z = torch.addcdiv(x, p, q, value=-3)
print(type(z.grad_fn).__name__, z.grad_fn._saved_value, z)
z.sum().backward()
print(x.grad, p.grad, q.grad)
h = x * 1
h.addcdiv_(p, q)
print(type(h.grad_fn).__name__, h)

# %% case: op_addcmul_addcdiv_errors
import torch
f = torch.tensor([1., 2.])
i = torch.tensor([1, 2])
for fn in [lambda: torch.addcdiv(i, i, i), lambda: torch.addcdiv(f, i, i),
           lambda: torch.addcdiv(f, torch.tensor([True, False]), i),
           lambda: torch.addcmul(torch.tensor([True]), torch.tensor([True]), torch.tensor([True])),
           lambda: torch.addcmul(f, torch.ones(3), f), lambda: i.clone().addcmul_(f, i),
           lambda: f.clone().addcmul_(torch.ones(2, 2), f), lambda: i.clone().addcdiv_(f, f),
           lambda: torch.ones(2, requires_grad=True).addcmul_(f, f),
           lambda: torch.addcmul(f, 2.0, f), lambda: torch.addcmul(f, f, f, value='a'),
           lambda: torch.addcmul(f, f, f, value=torch.tensor([2.]))]:
    try:
        fn()
    except (RuntimeError, NotImplementedError, TypeError) as e:
        print(type(e).__name__, e)

# %% case: op_maximum_out
import torch
a = torch.tensor([1., 5., -2.])
b = torch.tensor([3., 2., -1.])
r = torch.maximum(a, b, out=a)
print(r is a, a, a._version)
out = torch.empty(3)
print(torch.minimum(a, b, out=out) is out, out, out._version)
out64 = torch.empty(3, dtype=torch.float64)
print(torch.maximum(a, b, out=out64), out64._version)
print(torch.maximum(torch.tensor([1, 7, 2]), b, out=torch.empty(3)))
for fn in [lambda: torch.maximum(a, b, out=torch.empty(3, dtype=torch.int64)),
           lambda: torch.maximum(torch.ones(3, requires_grad=True), b, out=torch.empty(3))]:
    try:
        fn()
    except RuntimeError as e:
        print(e)

# %% case: linear_model_parameters_generator
import torch
import torch.nn.functional as F
model = torch.nn.Linear(2, 1)
with torch.no_grad():
    model.weight.copy_(torch.tensor([[1., 2.]]))
    model.bias.copy_(torch.tensor([0.5]))
ptr = model.weight.data_ptr()
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
x = torch.tensor([[1., -1.], [2., 0.5]])
y = torch.tensor([[0.], [1.]])
print(model.weight._version, model.bias._version)
for _ in range(3):
    opt.zero_grad()
    loss = F.mse_loss(model(x), y)
    loss.backward()
    opt.step()
    print(loss)
print(model.weight, model.bias)
print(model.weight._version, model.bias._version, model.weight.data_ptr() == ptr)
sd = model.state_dict()
print(sd['weight'].data_ptr() == ptr)
model.zero_grad()
print(model.weight.grad, model.bias.grad)

# %% case: named_parameters_give_param_names
import torch
model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
opt = torch.optim.Adam(model.named_parameters(), lr=0.01)
print(opt.param_groups[0]['param_names'])
print(opt.state_dict()['param_groups'][0]['param_names'], opt.state_dict()['param_groups'][0]['params'])
