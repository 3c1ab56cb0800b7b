# tensorkit's everyday commands. On a fresh machine with Python 3.10+ and make:
#   make lab    set up .venv and open JupyterLab on notebooks/
#   make test   set up .venv and run the test suite (PYTEST_ARGS="..." passes arguments to pytest)

PYTHON ?= python3
VENV = .venv
VENV_PYTHON = $(VENV)/bin/python
# Written after a successful install; older than pyproject.toml means the install must run again.
INSTALL_STAMP = $(VENV)/.tensorkit-install-stamp
# The editable install records which top-level packages exist when it runs, so it must run again
# when tensorkit/__init__.py or widgets/__init__.py appears (not when one is edited). This file
# lists those present, and is rewritten only when that list changes.
PACKAGE_INITS = $(wildcard tensorkit/__init__.py widgets/__init__.py)
PACKAGES_SEEN = $(VENV)/.tensorkit-packages-seen
PYTEST_ARGS ?=

.PHONY: venv test lab bench clean FORCE

venv: $(INSTALL_STAMP)

$(VENV_PYTHON):
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
	  echo "error: '$(PYTHON)' not found. tensorkit needs Python 3.10 or newer:" \
	       "install it, or run make PYTHON=/path/to/python3.X ..." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else \
	  "error: tensorkit needs Python 3.10 or newer, but $(PYTHON) is Python %s." \
	  " Run make PYTHON=/path/to/python3.10-or-newer ..." % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

$(PACKAGES_SEEN): FORCE | $(VENV_PYTHON)
	@echo "$(PACKAGE_INITS)" | cmp -s - $@ || echo "$(PACKAGE_INITS)" > $@

$(INSTALL_STAMP): pyproject.toml setup.py $(PACKAGES_SEEN) | $(VENV_PYTHON)
	$(VENV_PYTHON) -m pip install -e ".[jupyter,lab,test]"
	@touch $@

# The second run puts every CPU tensor on the strict stand-in device (tests/strict_device.py):
# code that reaches past a tensor's array namespace, as would break on a GPU, fails there.
# The third runs the curriculum's notebooks in the "Python 3 (tensorkit)" kernel (installed
# into the venv) and compares every output with the one stored (nbval, strict: not --nbval-lax).
test: venv
	$(VENV_PYTHON) -m pytest $(PYTEST_ARGS)
	$(VENV_PYTHON) -m pytest tests --strict-device $(PYTEST_ARGS)
	$(VENV_PYTHON) -m tensorkit.jupyter install --sys-prefix
	$(VENV_PYTHON) -m pytest --nbval notebooks/ --nbval-sanitize-with notebooks/nbval_sanitize.cfg

# The "Python 3 (tensorkit)" kernel loads %load_ext tensorkit at start; it is installed into the
# venv (--sys-prefix), so JupyterLab started from the venv offers it.
# The curriculum's stored outputs include SVG pictures, which JupyterLab shows only in notebooks
# it trusts (else their text): `jupyter trust` signs these, the project's own, for this user.
lab: venv
	mkdir -p notebooks
	$(VENV_PYTHON) -m tensorkit.jupyter install --sys-prefix
	$(VENV)/bin/jupyter trust notebooks/*.ipynb
	$(VENV)/bin/jupyter lab notebooks/

# The benchmarks package (benchmarks/) is written by a later issue.
bench: venv
	$(VENV_PYTHON) -m benchmarks

FORCE:

# Removes the virtual environment too: the next make target builds it afresh.
clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis benchmarks/results
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -name .ipynb_checkpoints -type d -prune -exec rm -rf {} +
