# Golden cases: the losses of nn.functional and their modules (mse_loss, l1_loss, nll_loss,
# cross_entropy, binary_cross_entropy_with_logits): values per reduction, grad_fns and their
# next_functions, what the nodes save, gradients after backward, warnings and every error.

# %% case: mse_loss_reductions
import torch
import torch.nn.functional as F
x = torch.tensor([[0.5, -1.0, 2.0], [3.0, 0.0, -0.25]], requires_grad=True)
y = torch.tensor([[1.0, 1.0, 1.0], [2.0, -2.0, 0.0]])
for reduction in ("mean", "sum", "none"):
    loss = F.mse_loss(x, y, reduction=reduction)
    fn = loss.grad_fn
    print(reduction, loss, loss.dtype)
    print(type(fn).__name__, [(type(f).__name__ if f is not None else None, i) for f, i in fn.next_functions])
    print(fn._saved_reduction, fn._saved_self is x, fn._saved_target is y)
    loss.sum().backward()
    print(x.grad)
    x.grad = None

# %% case: mse_loss_gradient_reaches_the_target
import torch
import torch.nn.functional as F
x = torch.tensor([1.0, 2.0, 4.0], requires_grad=True)
y = torch.tensor([0.0, 3.0, 4.0], requires_grad=True)
loss = F.mse_loss(x, y)
print(loss, [(type(f).__name__ if f is not None else None, i) for f, i in loss.grad_fn.next_functions])
loss.backward()
print(x.grad, y.grad)
s = F.mse_loss(torch.tensor(3.0, requires_grad=True), torch.tensor(1.0))
print(s, s.shape)

# %% case: mse_loss_broadcast_warns
import torch
import torch.nn.functional as F
x = torch.tensor([[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]], requires_grad=True)
y = torch.tensor([0.0, 0.5, 1.0, 1.5], requires_grad=True)
loss = F.mse_loss(x, y)
print(loss, [(type(f).__name__ if f is not None else None, i) for f, i in loss.grad_fn.next_functions])
loss.backward()
print(x.grad)
print(y.grad)
other = F.mse_loss(y, x, reduction="sum")
print(other, [(type(f).__name__ if f is not None else None, i) for f, i in other.grad_fn.next_functions])
print(F.l1_loss(x, y, reduction="none").shape)

# %% case: mse_loss_dtypes_and_empty_inputs
import torch
import torch.nn.functional as F
x = torch.tensor([1.0, 2.0], requires_grad=True)
r = F.mse_loss(x, torch.tensor([0.0, 0.0], dtype=torch.float64))
print(r, r.dtype, [(type(f).__name__ if f is not None else None, i) for f, i in r.grad_fn.next_functions])
r.backward()
print(x.grad, x.grad.dtype)
print(F.mse_loss(x, torch.tensor([0, 1])))
print(F.mse_loss(torch.tensor([1, 2]), torch.tensor([0.5, 0.5])))
print(F.mse_loss(torch.zeros(0), torch.zeros(0)), F.mse_loss(torch.zeros(0), torch.zeros(0), reduction="sum"))
print(F.mse_loss(torch.zeros(2, 0), torch.zeros(2, 0), reduction="none"))

# %% case: mse_and_l1_loss_with_weight
import torch
import torch.nn.functional as F
x = torch.tensor([1.0, 2.0, 4.0], requires_grad=True)
y = torch.tensor([0.0, 3.0, 2.0])
w = torch.tensor([1.0, 0.5, 2.0])
for f in (F.mse_loss, F.l1_loss):
    for reduction in ("mean", "sum", "none"):
        loss = f(x, y, reduction=reduction, weight=w)
        fn = loss.grad_fn
        print(f.__name__, reduction, loss, type(fn).__name__, [(type(g).__name__ if g is not None else None, i) for g, i in fn.next_functions])
        loss.sum().backward()
        print(x.grad)
        x.grad = None

# %% case: mse_loss_errors
import torch
import torch.nn.functional as F
x = torch.ones(3, 4, requires_grad=True)
def attempt(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
attempt(lambda: F.mse_loss(x, torch.zeros(3)))
attempt(lambda: F.mse_loss(x, torch.zeros(3, 4), reduction="avg"))
attempt(lambda: F.mse_loss(x, torch.zeros(3, 4), reduction=None))
attempt(lambda: F.mse_loss(x, torch.zeros(3, 4), reduction="avg", weight=torch.ones(3, 4)))
attempt(lambda: F.mse_loss(x, torch.zeros(3, 4), weight=torch.ones(4)))
attempt(lambda: F.mse_loss(torch.zeros(2, dtype=torch.long), torch.ones(2, dtype=torch.long)))
attempt(lambda: F.mse_loss(torch.zeros(2, dtype=torch.bool), torch.zeros(2, dtype=torch.bool)))
attempt(lambda: F.mse_loss(x, 3))
attempt(lambda: F.mse_loss(x, [1.0, 2.0]))
attempt(lambda: F.mse_loss(x, torch.zeros(2, 4), reduction="avg"))
print(x.grad, x._version)

# %% case: deprecated_reduction_arguments
import torch
import torch.nn.functional as F
x = torch.tensor([1.0, -2.0], requires_grad=True)
y = torch.tensor([0.0, 0.0])
print(F.mse_loss(x, y, size_average=False))
print(F.mse_loss(x, y, reduce=False))
print(F.l1_loss(x, y, size_average=True, reduce=True))
print(F.mse_loss(x, y, reduction="elementwise_mean"))
print(F.nll_loss(torch.tensor([[-1.0, -2.0]]), torch.tensor([1]), size_average=False, reduction="none"))
print(F.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 1]), reduce=False))
print(F.binary_cross_entropy_with_logits(x, y, reduce=False))

# %% case: l1_loss_reductions_and_graph
import torch
import torch.nn.functional as F
x = torch.tensor([[0.5, -1.0, 2.0], [3.0, 0.0, -0.25]], requires_grad=True)
y = torch.tensor([[1.0, 1.0, 2.0], [2.0, -2.0, 0.0]])
for reduction in ("mean", "sum", "none"):
    loss = F.l1_loss(x, y, reduction=reduction)
    chain, fn = [], loss.grad_fn
    while fn is not None:
        chain.append(type(fn).__name__)
        fn = fn.next_functions[0][0] if fn.next_functions else None
    print(reduction, loss, chain)
    loss.sum().backward()
    print(x.grad)
    x.grad = None
print(F.l1_loss(torch.tensor([1, 5]), torch.tensor([4, 4]), reduction="sum"))
try:
    F.l1_loss(torch.tensor([1, 5]), torch.tensor([4, 4]))
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    F.l1_loss(x, y, reduction="avg")
except ValueError as e:
    print(type(e).__name__, e)

# %% case: nll_loss_reductions_and_saved_values
import torch
import torch.nn.functional as F
x = torch.tensor([[0.1, 0.2, 0.3, 0.4], [1.0, -1.0, 0.5, 0.0], [2.0, 0.0, -2.0, 1.0]], requires_grad=True)
logp = F.log_softmax(x, dim=1)
target = torch.tensor([0, 3, 1])
for reduction in ("mean", "sum", "none"):
    loss = F.nll_loss(logp, target, reduction=reduction)
    fn = loss.grad_fn
    print(reduction, loss)
    print(type(fn).__name__, [(type(f).__name__ if f is not None else None, i) for f, i in fn.next_functions])
    print(fn._saved_reduction, fn._saved_target, fn._saved_weight, fn._saved_total_weight, fn._saved_self is logp)
    loss.sum().backward(retain_graph=True)
    print(x.grad)
    x.grad = None
direct = torch.tensor([[-1.0, -2.0, -3.0], [-0.5, -0.25, -4.0]], requires_grad=True)
loss = F.nll_loss(direct, torch.tensor([2, 1]))
loss.backward()
print(loss, direct.grad)
try:
    loss.grad_fn._saved_target
except RuntimeError as e:
    print(type(e).__name__, e)

# %% case: nll_loss_weight_and_ignore_index
import torch
import torch.nn.functional as F
logp = torch.tensor([[-1.0, -2.0, -3.0], [-0.5, -0.25, -4.0], [-3.0, -1.5, -0.75], [-2.0, -2.0, -0.5]], requires_grad=True)
target = torch.tensor([2, 1, 0, 1])
w = torch.tensor([0.5, 2.0, 1.0])
for kwargs in ({"weight": w}, {"ignore_index": 1}, {"weight": w, "ignore_index": 1}, {"weight": w, "ignore_index": 1, "reduction": "none"}, {"weight": w, "ignore_index": 1, "reduction": "sum"}):
    loss = F.nll_loss(logp, target, **kwargs)
    print(sorted(kwargs), loss, loss.grad_fn._saved_total_weight)
    loss.sum().backward()
    print(logp.grad)
    logp.grad = None
print(F.nll_loss(logp, torch.tensor([2, -1, 0, -1]), ignore_index=-1))
print(F.nll_loss(logp, torch.tensor([2, 1, 0, 1], dtype=torch.uint8)))

# %% case: nll_loss_every_target_ignored
import torch
import torch.nn.functional as F
logp = torch.tensor([[-1.0, -2.0], [-0.5, -0.25]], requires_grad=True)
target = torch.tensor([-100, -100])
for reduction in ("mean", "sum", "none"):
    loss = F.nll_loss(logp, target, reduction=reduction)
    print(reduction, loss, loss.grad_fn._saved_total_weight)
    loss.sum().backward()
    print(logp.grad)
    logp.grad = None
empty = torch.zeros(0, 3, requires_grad=True)
for reduction in ("mean", "sum", "none"):
    loss = F.nll_loss(empty, torch.zeros(0, dtype=torch.long), reduction=reduction)
    print(reduction, loss)
    loss.sum().backward()
    print(empty.grad.shape)

# %% case: nll_loss_one_dimensional_input
import torch
import torch.nn.functional as F
logp = torch.tensor([-1.0, -2.0, -0.5, -3.0], requires_grad=True)
for target in (torch.tensor(2), torch.tensor([1]), torch.tensor(-100)):
    for reduction in ("mean", "none"):
        loss = F.nll_loss(logp, target, reduction=reduction)
        print(target.shape, reduction, loss, loss.shape, loss.grad_fn._saved_total_weight)
        try:
            loss.backward()
        except RuntimeError as e:  # PyTorch's backward refuses the (1,) target its forward took
            print(type(e).__name__, e)
        print(logp.grad)
        logp.grad = None
w = torch.tensor([1.0, 2.0, 3.0, 4.0])
loss = F.nll_loss(logp, torch.tensor(3), weight=w)
loss.backward()
print(loss, logp.grad)

# %% case: nll_loss_k_dimensional_inputs
import torch
import torch.nn.functional as F
x = torch.arange(24.0).reshape(2, 4, 3).div(10).requires_grad_()
target = torch.tensor([[0, 3, 1], [2, 2, -100]])
for reduction in ("mean", "none"):
    loss = F.nll_loss(x, target, reduction=reduction)
    fn = loss.grad_fn
    print(reduction, loss)
    print(type(fn).__name__, [(type(f).__name__ if f is not None else None, i) for f, i in fn.next_functions])
    loss.sum().backward()
    print(x.grad)
    x.grad = None
x4 = torch.arange(16.0).reshape(2, 2, 2, 2).requires_grad_()
t4 = torch.tensor([[[0, 1], [1, 1]], [[0, 0], [1, 0]]])
for reduction in ("mean", "sum", "none"):
    loss = F.nll_loss(x4, t4, reduction=reduction, weight=torch.tensor([1.0, 3.0]))
    fn = loss.grad_fn
    print(reduction, loss, type(fn).__name__, [(type(f).__name__ if f is not None else None, i) for f, i in fn.next_functions])
    loss.sum().backward()
    print(x4.grad)
    x4.grad = None
x5 = torch.zeros(2, 3, 2, 1, 2, requires_grad=True)
loss = F.nll_loss(x5, torch.ones(2, 2, 1, 2, dtype=torch.long), reduction="none")
print(loss.shape, type(loss.grad_fn).__name__)
xt = torch.arange(12.0).reshape(2, 3, 2).requires_grad_()
loss = F.nll_loss(xt.transpose(1, 2), torch.tensor([[0, 1, 1], [1, 0, 0]]))
print(loss, [(type(f).__name__ if f is not None else None, i) for f, i in loss.grad_fn.next_functions])
loss.backward()
print(xt.grad)

# %% case: nll_loss_errors
import torch
import torch.nn.functional as F
x = torch.zeros(3, 4, requires_grad=True)
t = torch.tensor([0, 3, 1])
def attempt(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
attempt(lambda: F.nll_loss(x, t.float()))
attempt(lambda: F.nll_loss(x, t.int()))
attempt(lambda: F.nll_loss(x, t.bool()))
attempt(lambda: F.nll_loss(x, torch.tensor([0, 5, 1])))
attempt(lambda: F.nll_loss(x, torch.tensor([0, 7, 1]), reduction="none"))
attempt(lambda: F.nll_loss(x, torch.tensor([0, -1, 1])))
attempt(lambda: F.nll_loss(x, torch.tensor([0, 1])))
attempt(lambda: F.nll_loss(x, torch.tensor([[0], [1], [2]])))
attempt(lambda: F.nll_loss(x, torch.tensor(1)))
attempt(lambda: F.nll_loss(x[0], torch.tensor([1, 2])))
attempt(lambda: F.nll_loss(torch.tensor(1.0), torch.tensor(0)))
attempt(lambda: F.nll_loss(x, t, weight=torch.ones(3)))
attempt(lambda: F.nll_loss(x, t, weight=torch.ones(1, 4)))
attempt(lambda: F.nll_loss(x, t, weight=torch.ones(4, dtype=torch.float64)))
attempt(lambda: F.nll_loss(x, t, weight=torch.ones(4, requires_grad=True)))
attempt(lambda: F.nll_loss(x, t.float(), weight=torch.ones(4, requires_grad=True)))
attempt(lambda: F.nll_loss(x, t.float(), weight=torch.ones(3)))
attempt(lambda: F.nll_loss(x, t, reduction="Mean"))
attempt(lambda: F.nll_loss(torch.zeros(3, 4, dtype=torch.long), t))
attempt(lambda: F.nll_loss(torch.zeros(3, 4, dtype=torch.long), t, weight=torch.ones(3)))
attempt(lambda: F.nll_loss(x, t, ignore_index=1.5))
attempt(lambda: F.nll_loss(x, t, ignore_index=None))
attempt(lambda: F.nll_loss(x, [0, 3, 1]))
attempt(lambda: F.nll_loss(x, t, weight=[1.0, 1.0, 1.0, 1.0]))
attempt(lambda: F.nll_loss(torch.zeros(2, 4, 3), torch.zeros(2, 2, dtype=torch.long)))
attempt(lambda: F.nll_loss(torch.zeros(2, 4, 3), torch.tensor([1, 1])))
attempt(lambda: F.nll_loss(torch.zeros(2, 4, 3), torch.full((2, 3), 4)))
attempt(lambda: F.nll_loss(torch.zeros(2, 4, 3), torch.zeros(2, 3)))
x4 = torch.zeros(2, 4, 3, 2)
attempt(lambda: F.nll_loss(x4, torch.zeros(2, 3, dtype=torch.long)))
attempt(lambda: F.nll_loss(x4, torch.zeros(2, 3, 3, dtype=torch.long)))
attempt(lambda: F.nll_loss(x4, torch.zeros(2, 3, 3)))
attempt(lambda: F.nll_loss(x4, torch.zeros(2, 3, 3, dtype=torch.long), weight=torch.ones(3)))
attempt(lambda: F.nll_loss(x4, torch.zeros(2, 3, 2, dtype=torch.long), weight=torch.ones(2, 2)))
attempt(lambda: F.nll_loss(x4, torch.zeros(2, 3, 2, dtype=torch.long), weight=torch.ones(4, dtype=torch.float64)))
attempt(lambda: F.nll_loss(x4, torch.zeros(2, 3, 2, dtype=torch.uint8)))
attempt(lambda: F.nll_loss(x4.long(), torch.zeros(2, 3, 2, dtype=torch.long)))
attempt(lambda: F.nll_loss(x4, torch.zeros(2, 3, 2, dtype=torch.long), weight=torch.ones(4, requires_grad=True)))
print(x.grad, x._version, t._version)

# %% case: cross_entropy_reductions_and_graph
import torch
import torch.nn.functional as F
x = torch.tensor([[0.1, 0.2, 0.3, 0.4], [1.0, -1.0, 0.5, 0.0], [2.0, 0.0, -2.0, 1.0]], requires_grad=True)
target = torch.tensor([0, 3, 1])
for reduction in ("mean", "sum", "none"):
    loss = F.cross_entropy(x, target, reduction=reduction)
    fn = loss.grad_fn
    inner = fn.next_functions[0][0]
    print(reduction, loss)
    print(type(fn).__name__, [(type(f).__name__ if f is not None else None, i) for f, i in fn.next_functions])
    print(type(inner).__name__, [(type(f).__name__ if f is not None else None, i) for f, i in inner.next_functions])
    loss.sum().backward()
    print(x.grad)
    x.grad = None
w = torch.tensor([1.0, 2.0, 3.0, 4.0])
loss = F.cross_entropy(x, torch.tensor([0, 3, 3]), weight=w, ignore_index=0)
loss.backward()
print(loss, x.grad)
print(F.cross_entropy(x.double(), target), F.cross_entropy(x[1], torch.tensor(3)))

# %% case: cross_entropy_k_dimensional
import torch
import torch.nn.functional as F
x = torch.tensor([[[1.0, 2.0], [0.5, -1.0], [0.0, 0.0]], [[-1.0, 3.0], [2.0, 2.0], [1.0, -2.0]]], requires_grad=True)
target = torch.tensor([[0, 2], [1, 1]])
for reduction in ("mean", "none"):
    loss = F.cross_entropy(x, target, reduction=reduction)
    print(reduction, loss, type(loss.grad_fn).__name__)
    loss.sum().backward()
    print(x.grad)
    x.grad = None

# %% case: cross_entropy_label_smoothing
import torch
import torch.nn.functional as F
x = torch.tensor([[0.1, 0.2, 0.3, 0.4], [1.0, -1.0, 0.5, 0.0], [2.0, 0.0, -2.0, 1.0]], requires_grad=True)
target = torch.tensor([0, 3, -100])
def walk(fn, depth=0):
    if fn is None:
        print("  " * depth + "None")
        return
    print("  " * depth + type(fn).__name__)
    for f, _ in fn.next_functions:
        if type(f).__name__ != "LogSoftmaxBackward0":
            walk(f, depth + 1)
        else:
            print("  " * (depth + 1) + "LogSoftmaxBackward0")
loss = F.cross_entropy(x, target, label_smoothing=0.1)
walk(loss.grad_fn)
print(loss, loss.grad_fn.next_functions[0][0]._saved_other, loss.grad_fn.next_functions[1][0]._saved_other)
loss.backward()
print(x.grad)
x.grad = None
w = torch.tensor([1.0, 2.0, 0.5, 1.5])
for reduction in ("mean", "sum", "none"):
    loss = F.cross_entropy(x, target, weight=w, label_smoothing=0.25, reduction=reduction)
    print(reduction, loss)
    loss.sum().backward()
    print(x.grad)
    x.grad = None
walk(F.cross_entropy(x, target, weight=w, label_smoothing=0.25).grad_fn)
print(F.cross_entropy(x, torch.tensor([-100, -100, -100]), label_smoothing=0.1))
print(F.cross_entropy(x[0], torch.tensor(2), label_smoothing=0.5))
print(F.cross_entropy(x, target, label_smoothing=-0.5))
print(F.cross_entropy(x, target, label_smoothing=1.0))

# %% case: cross_entropy_class_probabilities
import torch
import torch.nn.functional as F
x = torch.tensor([[0.1, 0.2, 0.3, 0.4], [1.0, -1.0, 0.5, 0.0], [2.0, 0.0, -2.0, 1.0]], requires_grad=True)
p = torch.tensor([[0.25, 0.25, 0.5, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 0.1, 0.2, 0.7]], requires_grad=True)
def walk(fn, depth=0):
    if fn is None:
        print("  " * depth + "None")
        return
    print("  " * depth + type(fn).__name__)
    for f, _ in fn.next_functions:
        walk(f, depth + 1)
for kwargs in ({}, {"reduction": "sum"}, {"reduction": "none"}, {"weight": torch.tensor([1.0, 2.0, 3.0, 4.0])}, {"label_smoothing": 0.2}):
    loss = F.cross_entropy(x, p, **kwargs)
    print(sorted(kwargs), loss)
    walk(loss.grad_fn)
    loss.sum().backward()
    print(x.grad)
    print(p.grad)
    x.grad = p.grad = None
print(F.cross_entropy(x[0], p[0].detach()), F.cross_entropy(x, p.detach().double()).dtype)
empty = F.cross_entropy(torch.zeros(0, 3, requires_grad=True), torch.zeros(0, 3))
print(empty, type(empty.grad_fn).__name__, [(type(f).__name__ if f is not None else None, i) for f, i in empty.grad_fn.next_functions])
print(F.cross_entropy(x, p, reduction="mean").grad_fn._saved_other)

# %% case: cross_entropy_errors
import torch
import torch.nn.functional as F
x = torch.zeros(2, 4, requires_grad=True)
t = torch.tensor([1, 0])
def attempt(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
attempt(lambda: F.cross_entropy(x, t.float()))
attempt(lambda: F.cross_entropy(x, torch.tensor([4, 0])))
attempt(lambda: F.cross_entropy(x, torch.tensor([1, 0, 1])))
attempt(lambda: F.cross_entropy(x, t, weight=torch.ones(3)))
attempt(lambda: F.cross_entropy(x, t, weight=torch.ones(4, requires_grad=True)))
attempt(lambda: F.cross_entropy(x, t, label_smoothing=1.5))
attempt(lambda: F.cross_entropy(x, t, label_smoothing=2.0))
attempt(lambda: F.cross_entropy(x, t, label_smoothing=1e20))
attempt(lambda: F.cross_entropy(x, t, label_smoothing="a"))
attempt(lambda: F.cross_entropy(x, t, weight=torch.ones(4, requires_grad=True), label_smoothing=0.1))
attempt(lambda: F.cross_entropy(x, torch.tensor([7, 0]), label_smoothing=0.1))
attempt(lambda: F.cross_entropy(x, torch.tensor([1, 0], dtype=torch.uint8), weight=torch.ones(4), label_smoothing=0.1))
attempt(lambda: F.cross_entropy(x[0], torch.tensor([1]), label_smoothing=0.1))
attempt(lambda: F.cross_entropy(x, torch.zeros(2, 4), label_smoothing=1.5))
attempt(lambda: F.cross_entropy(x, torch.zeros(2, 4), ignore_index=1))
attempt(lambda: F.cross_entropy(x, torch.zeros(2, 4, dtype=torch.long)))
attempt(lambda: F.cross_entropy(x, torch.zeros(2, 4), weight=torch.ones(3)))
attempt(lambda: F.cross_entropy(x, torch.zeros(2, 4), weight=torch.ones(2, 2)))
attempt(lambda: F.cross_entropy(torch.tensor(1.0), torch.tensor(0)))
attempt(lambda: F.cross_entropy(torch.tensor(1.0), torch.tensor(0.0)))
attempt(lambda: F.cross_entropy(torch.zeros(2, 4, dtype=torch.long), t))
attempt(lambda: F.cross_entropy(x, t, reduction="average"))
attempt(lambda: F.cross_entropy(x, [1, 0]))
attempt(lambda: F.cross_entropy([[0.0]], t))
attempt(lambda: F.cross_entropy(x, t, weight=[1.0]))
attempt(lambda: F.cross_entropy(x, t, ignore_index=True))
attempt(lambda: F.cross_entropy(x, t, ignore_index=1.0))
print(F.cross_entropy(x, t, label_smoothing=0), F.cross_entropy(x, t, ignore_index=torch.tensor(1)))
print(x.grad, x._version)

# %% case: cross_entropy_large_logits_stay_finite
import torch
import torch.nn.functional as F
x = torch.tensor([[1000.0, 0.0, -1000.0], [-500.0, 500.0, 0.0], [88.0, 89.0, 90.0]], requires_grad=True)
target = torch.tensor([0, 2, 1])
loss = F.cross_entropy(x, target, reduction="none")
print(loss)
loss.sum().backward()
print(x.grad)
print(F.cross_entropy(x.detach(), target, label_smoothing=0.1))
print(F.cross_entropy(x.detach(), torch.tensor([[0.5, 0.5, 0.0], [0.0, 0.0, 1.0], [0.2, 0.3, 0.5]])))

# %% case: binary_cross_entropy_with_logits_reductions
import torch
import torch.nn.functional as F
x = torch.tensor([[0.5, -1.0, 2.0], [0.0, 3.0, -4.0]], requires_grad=True)
y = torch.tensor([[1.0, 0.0, 1.0], [0.5, 0.0, 1.0]], requires_grad=True)
for reduction in ("mean", "sum", "none"):
    loss = F.binary_cross_entropy_with_logits(x, y, reduction=reduction)
    fn = loss.grad_fn
    print(reduction, loss)
    print(type(fn).__name__, [(type(f).__name__ if f is not None else None, i) for f, i in fn.next_functions])
    print(fn._saved_reduction, fn._saved_weight, fn._saved_pos_weight, fn._saved_self is x, fn._saved_target is y)
    loss.sum().backward()
    print(x.grad)
    print(y.grad)
    x.grad = y.grad = None
plain = F.binary_cross_entropy_with_logits(x, y.detach())
print([(type(f).__name__ if f is not None else None, i) for f, i in plain.grad_fn.next_functions])

# %% case: binary_cross_entropy_with_logits_weights
import torch
import torch.nn.functional as F
x = torch.tensor([[0.5, -1.0, 2.0], [0.0, 3.0, -4.0]], requires_grad=True)
y = torch.tensor([[1.0, 0.0, 1.0], [0.5, 0.0, 1.0]], requires_grad=True)
pw = torch.tensor([1.0, 2.0, 3.0])
w = torch.tensor([[2.0], [3.0]])
for kwargs in ({"weight": pw}, {"pos_weight": pw}, {"pos_weight": pw, "weight": w, "reduction": "sum"}, {"pos_weight": torch.tensor(4.0), "reduction": "none"}):
    loss = F.binary_cross_entropy_with_logits(x, y, **kwargs)
    print(sorted(kwargs), loss)
    print(loss.grad_fn._saved_weight, loss.grad_fn._saved_pos_weight)
    loss.sum().backward()
    print(x.grad)
    print(y.grad)
    x.grad = y.grad = None
print(F.binary_cross_entropy_with_logits(x, y, weight=torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)).dtype)
print(F.binary_cross_entropy_with_logits(x, y, pos_weight=torch.tensor([1, 2, 3])))
print(F.binary_cross_entropy_with_logits(x, y.detach().double()).dtype)

# %% case: binary_cross_entropy_with_logits_large_logits
import torch
import torch.nn.functional as F
x = torch.tensor([100.0, -100.0, 1e4, -1e4, 30.0, -30.0], requires_grad=True)
y = torch.tensor([0.0, 1.0, 0.3, 0.7, 1.0, 0.0])
loss = F.binary_cross_entropy_with_logits(x, y, reduction="none")
print(loss)
loss.sum().backward()
print(x.grad)
x.grad = None
loss = F.binary_cross_entropy_with_logits(x, y, pos_weight=torch.tensor(3.0), reduction="none")
print(loss)
loss.sum().backward()
print(x.grad)
print(F.binary_cross_entropy_with_logits(torch.tensor(0.0), torch.tensor(1.0)))
print(F.binary_cross_entropy_with_logits(torch.zeros(0), torch.zeros(0)))

# %% case: binary_cross_entropy_with_logits_errors
import torch
import torch.nn.functional as F
x = torch.zeros(2, 3, requires_grad=True)
y = torch.ones(2, 3)
def attempt(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
B = F.binary_cross_entropy_with_logits
attempt(lambda: B(x, y[0]))
attempt(lambda: B(x, y[0], reduction="x"))
attempt(lambda: B(x, y, reduction="x"))
attempt(lambda: B(x, y.long()))
attempt(lambda: B(x, y.bool()))
attempt(lambda: B(x.long(), y))
attempt(lambda: B(x, y, weight=torch.ones(2, 2, 3)))
attempt(lambda: B(x, y, weight=torch.ones(5)))
attempt(lambda: B(x, y, pos_weight=torch.ones(2, 2, 3)))
attempt(lambda: B(x, y, pos_weight=torch.ones(5)))
attempt(lambda: B(x, y, weight=torch.ones(3, requires_grad=True)))
attempt(lambda: B(x, y, pos_weight=torch.ones(3, requires_grad=True)))
attempt(lambda: B(x, y, pos_weight=torch.ones(5, requires_grad=True), weight=torch.ones(5)))
attempt(lambda: B(x, y.long(), pos_weight=torch.ones(5)))
attempt(lambda: B(x, [1.0]))
attempt(lambda: B(x, y, weight=[1.0]))
print(x.grad, x._version, y._version)

# %% case: loss_modules_reprs_attributes_and_buffers
import torch
import torch.nn as nn
modules = [
    nn.MSELoss(),
    nn.L1Loss(reduction="sum"),
    nn.NLLLoss(ignore_index=3),
    nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0]), label_smoothing=0.1),
    nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0])),
    nn.BCEWithLogitsLoss(weight=torch.tensor([1.0, 3.0]), reduction="none"),
]
for m in modules:
    print(m, repr(m), m.reduction, m.training, list(m.parameters()))
    print([(name, b) for name, b in m.named_buffers()], list(m.state_dict().items()))
    print(sorted(k for k in vars(m) if not k.startswith("_")), getattr(m, "weight", "-"), getattr(m, "pos_weight", "-"), getattr(m, "ignore_index", "-"), getattr(m, "label_smoothing", "-"))
print(nn.MSELoss(size_average=False).reduction, nn.NLLLoss(reduce=False).reduction)
print(nn.CrossEntropyLoss(size_average=True, reduce=True, reduction="none").reduction)
print(nn.Sequential(nn.Linear(2, 2), nn.MSELoss()))
c = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0])).double()
print(c.weight.dtype, c.state_dict()["weight"].dtype)

# %% case: loss_modules_forward_and_backward
import torch
import torch.nn as nn
x = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]], requires_grad=True)
y = torch.tensor([[0.0, 1.0, 1.0], [1.0, 0.0, 0.5]])
cases = [
    (nn.MSELoss(), y),
    (nn.L1Loss(reduction="none"), y),
    (nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1.0, 2.0, 0.5])), y),
    (nn.NLLLoss(weight=torch.tensor([1.0, 2.0, 3.0])), torch.tensor([2, 0])),
    (nn.CrossEntropyLoss(ignore_index=0), torch.tensor([2, 0])),
    (nn.CrossEntropyLoss(label_smoothing=0.2, reduction="sum"), torch.tensor([2, 1])),
]
for module, target in cases:
    loss = module(x, target)
    print(module, loss, type(loss.grad_fn).__name__)
    loss.sum().backward()
    print(x.grad)
    x.grad = None
try:
    nn.MSELoss(reduction="avg")(x, y)
except ValueError as e:
    print(type(e).__name__, e)

# %% case: a_classifier_training_step
import torch
import torch.nn as nn
model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 3))
with torch.no_grad():
    model[0].weight.copy_(torch.tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [-0.7, 0.8, 0.9], [0.2, 0.2, 0.2]]))
    model[0].bias.copy_(torch.tensor([0.0, 0.1, -0.1, 0.2]))
    model[2].weight.copy_(torch.tensor([[0.5, -0.5, 0.25, 0.0], [0.1, 0.2, 0.3, 0.4], [-0.3, 0.0, 0.6, -0.2]]))
    model[2].bias.copy_(torch.tensor([0.05, -0.05, 0.0]))
inputs = torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0], [0.0, 0.0, 1.0], [2.0, -1.0, 1.0]])
labels = torch.tensor([2, 0, 1, 2])
criterion = nn.CrossEntropyLoss()
loss = criterion(model(inputs), labels)
print(loss, type(loss.grad_fn).__name__)
loss.backward()
print(model[0].weight.grad)
print(model[2].bias.grad)
with torch.no_grad():
    for p in model.parameters():
        p -= 0.5 * p.grad
print(criterion(model(inputs), labels))

# %% case: saved_targets_and_weights_are_version_checked
import torch
import torch.nn.functional as F
x = torch.tensor([[0.5, -1.0, 2.0], [0.0, 3.0, -4.0]], requires_grad=True)
target = torch.tensor([2, 0])
loss = F.cross_entropy(x, target)
target[0] = 1
try:
    loss.backward()
except RuntimeError as e:
    print(type(e).__name__, e)
w = torch.tensor([1.0, 2.0, 3.0])
loss = F.binary_cross_entropy_with_logits(x, torch.ones(2, 3), weight=w)
w.mul_(2)
try:
    loss.backward()
except RuntimeError as e:
    print(type(e).__name__, e)
y = torch.ones(2, 3)
loss = F.mse_loss(x, y)
y.add_(1)
try:
    loss.backward()
except RuntimeError as e:
    print(type(e).__name__, e)
print(x.grad)
