"""The Jupyter layer: IPython magics that picture tensors next to the cell that made them.

``%load_ext tensorkit`` registers them (``load_ipython_extension`` in tensorkit's package calls
``load`` here, so ``import tensorkit`` alone imports no IPython); ``%unload_ext tensorkit``
removes everything that was registered.

* ``%tensor_graph y [--saved] [--depth N] [--fold] [--format svg|text]``: the backward graph;
* ``%tensor_mem [names ...]``: buffers and the window each name sees on them;
* ``%tensor_versions [names ...]``: each tensor's version and who shares its counter;
* ``%tensor_copies y``: y copied six ways, what each shares and what an in-place change through
  each does to y and to a pending backward();
* ``%tensor_watch on|off [names ...]``: after every cell, what the cell changed.

A magic's result is a picture object: its ``text/plain`` is the deterministic text twin, so
nbval compares text and a screen reader reads it. Bad arguments raise real exceptions
(``UsageError``, ``NameError``, ``TypeError``), so a notebook runner cannot pass a broken cell.
"""

from .magics import load, unload

__all__ = ["load", "unload"]
