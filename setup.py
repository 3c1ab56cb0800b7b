"""The package list, which pyproject.toml's ``packages.find`` cannot express on its own.

Every package under ``tensorkit/`` is found as ``include = ["tensorkit*"]`` would find it, and the
top-level folder ``widgets/`` (with any subpackages) is added as ``tensorkit.widgets``; the
``package-dir`` mapping that points ``tensorkit.widgets`` at ``widgets/`` is in pyproject.toml.
Everything else about the project is in pyproject.toml too.
"""

from setuptools import find_packages, setup

packages = find_packages(include=["tensorkit", "tensorkit.*"])
packages += ["tensorkit.widgets"]
packages += [f"tensorkit.widgets.{name}" for name in find_packages("widgets")]

setup(packages=packages)
