"""Neural-network building blocks. For now: ``Parameter``; modules, layers and losses follow."""

from .parameter import Parameter

__all__ = ["Parameter"]
