"""``tensorkit.cuda``: PyTorch's ``torch.cuda`` for tensors held by CuPy on an NVIDIA GPU.

Nothing here imports CuPy until it is needed: ``is_available()`` and ``device_count()`` answer
``False`` and ``0`` on a machine without CuPy or without a GPU (they never raise), and
everything else says what is missing and how to get it.

>>> import tensorkit
>>> isinstance(tensorkit.cuda.is_available(), bool)
True
"""

from __future__ import annotations

from . import _backend, _creation

__all__ = [
    "current_device",
    "device_count",
    "get_device_name",
    "initial_seed",
    "is_available",
    "manual_seed",
    "manual_seed_all",
    "seed",
    "synchronize",
]


def is_available() -> bool:
    """Whether CUDA tensors can be made here: CuPy is installed and sees an NVIDIA GPU."""
    return _backend.cuda_device_count() > 0


def device_count() -> int:
    """How many CUDA devices CuPy sees (0 without CuPy or without a GPU)."""
    return _backend.cuda_device_count()


def _index(device) -> int:
    if device is None:
        return current_device()
    if isinstance(device, int):
        return device
    device = _backend.Device(device)
    if device.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {device}")
    return device.index if device.index is not None else current_device()


def current_device() -> int:
    """The index of the CUDA device tensors go to by default (``device="cuda"``)."""
    _backend.cuda_namespace()
    return 0


def synchronize(device=None) -> None:
    """Wait until every kernel queued on ``device`` has finished (CuPy runs them asynchronously,
    as PyTorch does: time GPU work only after this)."""
    xp = _backend.cuda_namespace()
    xp.cuda.Device(_index(device)).synchronize()


def get_device_name(device=None) -> str:
    xp = _backend.cuda_namespace()
    return _backend.cuda_device_name(xp, _index(device))


def manual_seed(seed: int) -> None:
    """Seed the generator of CUDA tensors' random values (``tensorkit.manual_seed`` seeds it
    too). Like PyTorch's, it needs no GPU: the seed is kept for when one is used."""
    _creation.cuda_generator.manual_seed(seed)


manual_seed_all = manual_seed


def seed() -> int:
    return _creation.cuda_generator.seed()


def initial_seed() -> int:
    return _creation.cuda_generator.initial_seed()
