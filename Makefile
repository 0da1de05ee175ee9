# Two commands do everything on a fresh clone with python3 and make:
#   make reports   set up .venv, then regenerate every report in reports/
#   make test      set up .venv, then run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup reports test lab lock check clean-venv

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

setup: $(STAMP)

reports: setup
	$(BIN)/corpus-tools report

test: setup
	$(BIN)/python -m pytest

check: setup
	$(BIN)/corpus-tools check

lab: setup
	$(BIN)/jupyter lab notebooks/

# Refresh the pinned versions from pyproject.toml (needs the package index). setuptools and
# wheel are pinned too: the editable install builds without isolation, from the lock alone.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade setuptools wheel
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check ".[dev]"
	.lock-venv/bin/python -m pip freeze --all --exclude-editable | grep -viE '^(corpus[-_]tools|pip)[ =@]' | sort -f > requirements.lock
	rm -rf .lock-venv

clean-venv:
	rm -rf $(VENV)
