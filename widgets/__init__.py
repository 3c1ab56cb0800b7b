"""The interactive Jupyter views of tensorkit, importable as ``tensorkit.widgets``.

Each view is a small widget class over the plain-data snapshots of ``tensorkit.inspect``, with its
front-end ``.js``/``.css`` beside it. This package is filled by a later issue.
"""
