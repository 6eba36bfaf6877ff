# Ship a Flask service with Docker: the entry points. Every target first runs `setup`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export PYTHONPATH := $(CURDIR)

NOTEBOOKS ?= notebooks/
# NBVAL_MODE=lax runs every cell (assertions included) but compares only cells marked
# NBVAL_CHECK_OUTPUT: for engines whose outputs legitimately differ from the stored ones.
NBVAL_MODE ?= strict
NBVAL := $(if $(filter lax,$(NBVAL_MODE)),--nbval-lax,--nbval) --nbval-current-env --nbval-sanitize-with tests/nbval-sanitize.cfg --nbval-cell-timeout=900
# JupyterLab refuses root unless told; CI and these machines run as root, a learner usually does not.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: setup venv lab test test-notebooks test-unit lint refresh stop-engine help

help:
	@echo "make lab    set up, then open the workbook in JupyterLab (http://127.0.0.1:8888)"
	@echo "make test   set up, then run the unit tests and every notebook under nbval"
	@echo "make lint   ruff over workbook/, tests/ and app/"
	@echo "make refresh NB=notebooks/01-flask-app.ipynb   re-execute one notebook and store its outputs"

# The virtualenv is rebuilt only when requirements.txt changes.
$(VENV)/.installed: requirements.txt app/requirements.txt
	@python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "The workbook needs Python 3.10 or later; python3 is " + sys.version.split()[0] + ". Install a newer Python (python.org, Homebrew, or your distribution) and run make again.")'
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

venv: $(VENV)/.installed

setup: venv
	@$(PY) -m workbook.setup

lab: setup
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --no-browser $(ROOT_FLAG) --notebook-dir=. notebooks/00-setup.ipynb

test: setup
	@$(PY) -m workbook.leftovers snapshot
	$(VENV)/bin/pytest -p no:cacheprovider tests app $(NBVAL) $(NOTEBOOKS)
	@$(PY) -m workbook.tree_check
	@$(PY) -m workbook.leftovers check

test-unit: venv
	$(VENV)/bin/pytest -p no:cacheprovider tests app

test-notebooks: setup
	$(VENV)/bin/pytest -p no:cacheprovider $(NBVAL) $(NOTEBOOKS)

lint: venv
	$(VENV)/bin/ruff check workbook tests app
	$(VENV)/bin/ruff format --check workbook tests app

refresh: setup
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=900 --ExecutePreprocessor.record_timing=False $(NB)

stop-engine: venv
	@$(PY) -m workbook.setup --stop-engine
