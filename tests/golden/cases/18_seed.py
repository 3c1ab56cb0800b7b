# Golden cases: the seed tutorial's snippets, as it writes them (TORCH_SEMANTICS.md §18),
# plus cases that check its claims.

# %% case: snippet1_clone
import torch
x=torch.ones(5,requires_grad=True)
y=x.clone()
print(x,'x')
print(y,'clone of x')

# %% case: snippet2_clone_gradients
import torch
x=torch.ones(5,requires_grad=True)
y=x.clone()*2
z=x.clone()*3
sum=(y+z).sum()
sum.backward()
print(x.grad) # tensor([5., 5., 5., 5., 5.])
print(y.grad)

# %% case: snippet3_detach
import torch
x=torch.ones(5,requires_grad=True)
y=x*2
z=x.detach()*3
sum=(y+z).sum()
sum.backward()
print(x.grad) #tensor([2., 2., 2., 2., 2.])

# %% case: snippet4_inplace_through_detach
import torch
a = torch.ones(5, requires_grad=True)
b = a**2
c = a.detach()
c.zero_()
b.sum().backward()
print(a.grad)

# %% case: snippet5_deepcopy
import copy
import torch
x=torch.ones(5,requires_grad=True)
x_deepcopy = copy.deepcopy(x)
print(x,'x')
print(x_deepcopy,'x deepcopy')
#tensor([1., 1., 1., 1., 1.], requires_grad=True) x
#tensor([1., 1., 1., 1., 1.], requires_grad=True) x deepcopy

# %% case: claim_clone_grad_fn_is_CloneBackward0
import torch
x=torch.ones(5,requires_grad=True)
y=x.clone()
print(type(y.grad_fn).__name__, y.grad_fn.name())

# %% case: claim_clone_imitates_requires_grad
import torch
print(torch.ones(2, requires_grad=True).clone().requires_grad, torch.ones(2).clone().requires_grad)

# %% case: claim_inplace_on_leaf_is_an_error
import torch
x=torch.ones(5,requires_grad=True)
x.zero_()

# %% case: claim_clone_avoids_leaf_inplace_error
import torch
x=torch.ones(5,requires_grad=True)
y=x.clone()
y.zero_()
print(y)
y.sum().backward()
print(x.grad)

# %% case: claim_clone_grad_warning_then_none
import torch
x=torch.ones(5,requires_grad=True)
y=x.clone()*2
y.sum().backward()
print(y.grad)
print(x.grad)

# %% case: claim_detach_shares_storage
import torch
x=torch.ones(5,requires_grad=True)
d=x.detach()
print(d.data_ptr() == x.data_ptr(), d.requires_grad)

# %% case: claim_cloning_first_avoids_error
import torch
a = torch.ones(5, requires_grad=True)
b = a**2
c = a.detach().clone()
c.zero_()
b.sum().backward()
print(a.grad)

# %% case: claim_clone_detach_equivalent
import torch
x=torch.ones(5,requires_grad=True)
a=x.clone().detach()
b=x.detach().clone()
print(a, b)
print(a.requires_grad, b.requires_grad, a.grad_fn, b.grad_fn, a.is_leaf, b.is_leaf)
print(a.data_ptr() == x.data_ptr(), b.data_ptr() == x.data_ptr())

# %% case: claim_deepcopy_has_no_history
import copy
import torch
x=torch.ones(5,requires_grad=True)
x_deepcopy = copy.deepcopy(x)
print(x_deepcopy.grad_fn, x_deepcopy.is_leaf, x_deepcopy.data_ptr() == x.data_ptr())
x_deepcopy.sum().backward()
print(x.grad, x_deepcopy.grad)

# %% case: claim_deepcopy_refuses_history
import copy
import torch
x=torch.ones(5,requires_grad=True)
y=x*2
copy.deepcopy(y)
