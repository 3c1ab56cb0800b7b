# Golden cases: dim arguments and shape errors (dims as PyTorch names them in messages, empty
# dims and empty tensors, 0-d tensors, shapes that do not broadcast). Each fact found by the
# differential test.

# %% case: broadcast_errors_name_the_first_clash
import torch


def show(f):
    try:
        print(f())
    except (RuntimeError, IndexError) as e:
        print(type(e).__name__, e)


z = torch.zeros
show(lambda: z(3) // z(2, 2))
show(lambda: z(3, dtype=torch.int64) % z(2, 2, dtype=torch.int64))
show(lambda: z(3) < z(2, 1, 2))
show(lambda: torch.where(z(3) > 0, z(2, 2), 1.0))
show(lambda: torch.where(z(2, 2) > 0, z(3), z(2, 2)))
show(lambda: torch.where(z(4, 1) > 0, z(2, 1, 3), z(5)))
show(lambda: torch.where(z(4, 1) > 0, z(5), z(2, 1, 3)))

# %% case: copy_and_inplace_check_the_shape_first
import torch


def show(f):
    try:
        print(f())
    except (RuntimeError, IndexError) as e:
        print(type(e).__name__, e)


z = torch.zeros
show(lambda: z(2, 1).copy_(z(2, 2)))
show(lambda: torch.tensor(1.0).copy_(z(2)))
show(lambda: z(3).copy_(z(2)))
show(lambda: z(2, 3).copy_(z(2)))
show(lambda: z(3, dtype=torch.int64).add_(z(3, 1)))
show(lambda: z(3, dtype=torch.int64).mul_(z(2)))
show(lambda: z(3).add_(z(3, 1, dtype=torch.float64)))

# %% case: reductions_over_empty_dims
import torch


def show(f):
    try:
        print(f())
    except (RuntimeError, IndexError) as e:
        print(type(e).__name__, e)


z = torch.zeros
show(lambda: torch.softmax(z(0, 3), 0))
show(lambda: torch.log_softmax(z(3, 0), 1))
show(lambda: z(0).argmax())
show(lambda: z(0, 3).argmax(dim=-2, keepdim=True))
show(lambda: z(0, 3).argmax(dim=1))
show(lambda: z(3, 0).argmin(-1))
show(lambda: z(0).amax(dim=-1))
show(lambda: z(2, 0).amax(dim=(0, -1)))
show(lambda: z(2, 0).amin(dim=(1,)))
show(lambda: z(0).norm(p=float("inf"), dim=0))
show(lambda: z(0, 3).norm(p=float("-inf"), dim=-2, keepdim=True))
show(lambda: z(0, 3).norm(p=float("inf")))
show(lambda: z(3, 0).norm(p=float("inf"), dim=(0, 1)))
show(lambda: z(0, 3).norm(p=float("inf"), dim=1))
show(lambda: z(2, 2).all(dim=-3))
show(lambda: z(2, 2).any(dim=(0, 5)))
show(lambda: z(2, 2).any(dim=(0, 1), keepdim=True))
show(lambda: z(2, 2).any(dim=(), keepdim=True))

# %% case: views_with_dims_and_empty_dims
import torch


def show(f):
    try:
        r = f()
        print([tuple(p.shape) for p in r] if isinstance(r, tuple) else r)
    except (RuntimeError, IndexError) as e:
        print(type(e).__name__, e)


z = torch.zeros
show(lambda: z(2, 3)[-1, 5])
show(lambda: z(2, 3)[0, None, 5])
show(lambda: z(2, 3, 4)[..., 7])
show(lambda: z(2, 3, 4)[None, 1, 1, -5])
show(lambda: z(0)[0])
show(lambda: z(0, 3).view(0, -1))
show(lambda: z(0, 3).reshape(-1, 0))
show(lambda: torch.flatten(torch.tensor(1.0), -2, 0))
show(lambda: torch.flatten(torch.tensor(1.0), 0, -1))
show(lambda: torch.tensor(3.0).squeeze(-2))
show(lambda: torch.tensor(3.0).squeeze(0))
show(lambda: z(0).split(2))
show(lambda: z(0).chunk(3))
show(lambda: z(2, 0).chunk(2, 1))
show(lambda: z(0).select(0, 0))
show(lambda: z(2, 3).select(-1, -5))
show(lambda: z(2).split([1, 2], dim=-1))
a = torch.zeros(0, 2, requires_grad=True)
pieces = torch.chunk(a, 3)
print([p.grad_fn.name() for p in pieces])
(pieces[0].sum() + pieces[2].sum()).backward()
print(a.grad.shape)

# %% case: mT_of_a_0d_tensor_is_the_tensor
import warnings

import torch

x = torch.tensor(3.0, requires_grad=True)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    y = x.mT
print(y is x, [str(w.message).split(" (Triggered")[0] for w in caught])

# %% case: cat_and_stack_messages
import torch


def show(f):
    try:
        r = f()
        print(tuple(r.shape), r.dtype)
    except (RuntimeError, IndexError) as e:
        print(type(e).__name__, e)


z = torch.zeros
show(lambda: torch.cat([z(0), z(0, 1)]))
show(lambda: torch.cat([z(0)], dim=-2))
show(lambda: torch.cat([z(2, 3), z(0)], dim=1))
show(lambda: torch.cat([z(0), z(2, 2)], dim=2))
show(lambda: torch.cat([z(0, dtype=torch.int64), z(2, 2)]))
show(lambda: torch.cat([z(2), torch.tensor(1.0)]))
show(lambda: torch.cat([torch.tensor(1.0), z(2)]))
show(lambda: torch.stack([z(2), z(3)], dim=5))
show(lambda: torch.stack([z(2), z(3)], dim=1))
a = torch.zeros(0, requires_grad=True)
b = torch.ones(2, 1, requires_grad=True)
torch.cat([a, b, a]).sum().backward()
print(a.grad.shape, b.grad.shape)

# %% case: matmul_and_outer_messages
import torch


def show(f):
    try:
        print(tuple(f().shape))
    except (RuntimeError, IndexError) as e:
        print(type(e).__name__, e)


z = torch.zeros
show(lambda: z(3, 3, 0) @ z(3, 0))
show(lambda: z(3, 0, 3) @ z(3, 2))
show(lambda: z(0, 3, 2) @ z(3, 2))
show(lambda: z(2, 3, 3, 2) @ z(3, 3, 2))
show(lambda: z(2, 2, 0) @ z(2, 0, 3))
show(lambda: torch.outer(z(2, 2), z(2)))
show(lambda: torch.outer(z(2), z(2, 2)))
show(lambda: torch.outer(torch.tensor(1.0), z(2)))
show(lambda: torch.outer(z(2), z(3)))

# %% case: dim_arguments_on_a_0d_tensor
import warnings

import torch


def show(f):
    x = torch.tensor(3.0, requires_grad=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = f(x)
        if isinstance(r, tuple):
            r = r[0]
        print(r, r.grad_fn.name() if r.grad_fn else None)
        r.sum().backward()
        print(x.grad)
    except (RuntimeError, IndexError, TypeError) as e:
        print(type(e).__name__, e)


show(lambda x: torch.sum(x, dim=-1))
show(lambda x: torch.sum(x, dim=(0,), keepdim=True))
show(lambda x: torch.sum(x, dim=(0, -1)))
show(lambda x: torch.mean(x, dim=0))
show(lambda x: torch.var(x, dim=0, correction=0))
show(lambda x: torch.std(x, dim=-1, unbiased=False))
show(lambda x: x.amax(dim=0))
show(lambda x: x.norm(p=3, dim=0))
show(lambda x: x.max(dim=0))
show(lambda x: x.min(dim=-1, keepdim=True))
show(lambda x: x.prod(dim=0))
show(lambda x: x.cumsum(dim=-1))
show(lambda x: x.cumsum(dim=1))
show(lambda x: x.flip(0))
show(lambda x: x.flip((0, -1)))
show(lambda x: x.transpose(0, -1))
show(lambda x: x.movedim(0, -1))
show(lambda x: x.squeeze((0, -1)))
show(lambda x: x.narrow(0, 0, 1))
show(lambda x: x.unbind(0))
show(lambda x: x.unbind(1))
show(lambda x: x.split(1))
show(lambda x: x.chunk(2))
show(lambda x: x.permute())
show(lambda x: x.permute(()))
show(lambda x: x.clone().transpose_(0, -1))

# %% case: repeated_and_moved_dims
import torch


def show(f):
    try:
        print(tuple(f().shape))
    except (RuntimeError, IndexError) as e:
        print(type(e).__name__, e)


z = torch.zeros
show(lambda: z(2, 2).sum(dim=(0, -2)))
show(lambda: z(2, 2).flip((1, -1)))
show(lambda: z(2, 2).squeeze((1, -1)))
show(lambda: z(2, 2).amax(dim=(1, -1)))
show(lambda: z(2, 3).movedim((0, -2), (0, 1)))
show(lambda: z(2, 3).movedim((0, 1), (1, -1)))
show(lambda: z(2, 3).movedim((0, 1), (1,)))
show(lambda: z(2, 3).unflatten(1, ()))
