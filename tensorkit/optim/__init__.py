"""Optimizers: ``SGD``, ``Adam`` and ``AdamW``, each PyTorch's for-loop implementation op for op.

>>> import tensorkit as torch
>>> w = torch.nn.Parameter(torch.tensor([3.0]))
>>> opt = torch.optim.SGD([w], lr=0.25)
>>> def closure():
...     opt.zero_grad()
...     loss = (w * w).sum()
...     loss.backward()
...     return loss
>>> opt.step(closure)
tensor(9., grad_fn=<SumBackward0>)
>>> w
Parameter containing:
tensor([1.5000], requires_grad=True)
"""

from .adam import Adam, AdamW
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["SGD", "Adam", "AdamW", "Optimizer"]
