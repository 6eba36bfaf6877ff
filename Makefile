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
# Two pytest-xdist workers share the engine (most of a notebook's time is spent waiting on it);
# `--dist loadfile` keeps each notebook's cells, and each test file, in order on one worker.
# JOBS=1 runs everything in one process.
JOBS ?= 2
XDIST := $(if $(filter-out 0 1,$(JOBS)),-n $(JOBS) --dist loadfile,-p no:xdist)
# JupyterLab refuses root unless told; CI and these machines run as root, a learner usually does not.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# Offline mode (written by `make offline-load`): pip is served by the kit's wheels only.
-include .workbook/offline.mk

.PHONY: lock setup venv lab lab-settings drills test test-notebooks test-unit lint refresh bench stop-engine html student hide-solutions offline-kit offline-load offline-leave help

help:
	@echo "make lab    set up, then open the workbook in JupyterLab (http://127.0.0.1:8888)"
	@echo "make test   set up, then run the unit tests and every notebook under nbval"
	@echo "make lint   ruff over workbook/, tests/ and app/"
	@echo "make lock   re-pin requirements.lock (every dependency, with hashes) from requirements.txt"
	@echo "make drills reliability drills (broken environments, load, faults, reruns, leftovers); table in .workbook/drills.json"
	@echo "make refresh NB=notebooks/01-flask-app.ipynb   re-execute one notebook and store its outputs"
	@echo "make lab-settings   turn JupyterLab's news and update checks off (make lab and make test do it)"
	@echo "make bench  notebook 10's measurements at full length: bench/results.json, bench/results.png, README table"
	@echo "make html   build the static book (stored outputs, no Docker) into book/_build/html"
	@echo "make student   write the student edition (solutions removed) into student/"
	@echo "make hide-solutions   collapse the solution cells of notebooks/ in JupyterLab (edits them)"
	@echo "make offline-kit   (connected machine) write every image and wheel the workbook needs into $(KIT)"
	@echo "make offline-load KIT=…   (machine without network) set the workbook up from that archive alone"
	@echo "make offline-leave   back to online mode (pip and setup use the network again)"

# The virtualenv is rebuilt only when the lock changes. requirements.txt names what the workbook uses
# (pinned); requirements.lock (`make lock`) pins the whole closure with the hashes of PyPI's files, and
# pip installs only files with those hashes. The pinned tools (ipykernel 7.4, …) need Python 3.11.
$(VENV)/.installed: requirements.lock
	@python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The workbook needs Python 3.11 or later (its pinned tools do; the helper code runs on 3.10); python3 is " + sys.version.split()[0] + ". Install a newer Python (python.org, Homebrew, or your distribution) and run make again.")'
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

# Re-lock after editing requirements.txt or app/requirements.txt: uv, in a private virtualenv, asks
# PyPI itself (no local pip configuration), for every platform and Python 3.11+.
LOCK_VENV := .venv-lock
lock:
	@test -x $(LOCK_VENV)/bin/uv || (python3 -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install --quiet uv)
	env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null UV_NO_CONFIG=1 $(LOCK_VENV)/bin/uv pip compile requirements.txt \
		--universal --python-version 3.11 --generate-hashes --index-url https://pypi.org/simple -o requirements.lock

venv: $(VENV)/.installed

setup: venv
	@$(PY) -m workbook.setup

# JupyterLab's news and update checks off (a pop-up for a learner, a request to the internet):
# a settings override in the virtualenv, the place JupyterLab documents for it.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
$(LAB_OVERRIDES): workbook/lab-overrides.json $(VENV)/.installed
	@mkdir -p $(dir $@) && cp $< $@

lab-settings: $(LAB_OVERRIDES)

# JupyterLab would move to another port when 8888 is taken and say so among its log lines:
# workbook.labport picks the port first and prints the URL to open in one line.
lab: setup lab-settings
	@port=$$($(PY) -m workbook.labport) && \
	 exec $(VENV)/bin/jupyter lab --ip=127.0.0.1 --port=$$port --ServerApp.port_retries=0 --no-browser $(ROOT_FLAG) --notebook-dir=. notebooks/00-setup.ipynb

test: setup lab-settings html
	@$(PY) -m workbook.leftovers snapshot
	$(VENV)/bin/pytest -p no:cacheprovider $(XDIST) $(NBVAL) $(NOTEBOOKS) tests app
	@$(PY) -m workbook.tree_check
	@$(PY) -m workbook.leftovers check

# Reliability drills against the real engine (about 4 minutes); see workbook/drills/.
drills: setup
	$(PY) -m workbook.drills

test-unit: venv lab-settings
	$(VENV)/bin/pytest -p no:cacheprovider tests app

test-notebooks: setup
	$(VENV)/bin/pytest -p no:cacheprovider $(XDIST) $(NBVAL) $(NOTEBOOKS)

lint: venv
	$(VENV)/bin/ruff check conftest.py workbook tests app
	$(VENV)/bin/ruff format --check conftest.py workbook tests app

refresh: setup
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=900 --ExecutePreprocessor.record_timing=False $(NB)

# Notebook 10 at full length (several minutes): wrk per configuration, medians; writes
# bench/results.json and bench/results.png and regenerates the README's Benchmarks table.
bench: setup
	WORKBOOK_BENCH=full $(PY) -m workbook.bench_run

stop-engine: venv
	@$(PY) -m workbook.setup --stop-engine

# The static book: Jupyter Book 1.x in its own virtualenv (.venv-book, rebuilt from scratch
# when requirements-book.txt changes), notebooks not executed, nothing downloaded at build time.
BOOK_VENV := .venv-book
$(BOOK_VENV)/.installed: requirements-book.txt
	@rm -rf $(BOOK_VENV) && python3 -m venv $(BOOK_VENV)
	@echo "installing Jupyter Book into $(BOOK_VENV) (once)"
	@$(BOOK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-book.txt
	@touch $@

# Incremental (a few seconds) unless the list of notebooks changed: then every page is
# rewritten, so each page's navigation lists the new notebook too. The log: book/_build/build.log.
BOOK_NOTEBOOKS = $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))
html: $(BOOK_VENV)/.installed
	@mkdir -p book/_build
	@all=; [ "$$(cat book/_build/notebooks.txt 2>/dev/null)" = "$(BOOK_NOTEBOOKS)" ] || all=--all; \
	 $(BOOK_VENV)/bin/jupyter-book build $$all book/ >book/_build/build.log 2>&1 || { cat book/_build/build.log; exit 1; }
	@echo "$(BOOK_NOTEBOOKS)" >book/_build/notebooks.txt
	@grep -a -E "WARNING|ERROR" book/_build/build.log || true
	@echo "book: file://$(CURDIR)/book/_build/html/index.html"

student: venv
	@$(PY) -m workbook.editions student --out student

hide-solutions: venv
	@$(PY) -m workbook.editions hide-solutions

# The offline kit (workbook/kit.py, workbook/kit_load.py; README, "Instructor's guide").
# KIT_PYTHONS=3.11,3.12 adds wheels for the room's Python versions when they differ from this one.
KIT ?= offline-kit/workbook-offline-kit.tar
KIT_PYTHONS ?=
offline-kit: setup
	@$(PY) -m workbook.kit --out $(KIT) $(if $(KIT_PYTHONS),--pythons $(KIT_PYTHONS),)

# Unpack, point pip at the kit (offline.mk, read by every later make), then the venv, the images,
# the offline Python image and setup: nothing is downloaded.
offline-load:
	@test -f $(KIT) || { echo "offline-load: no kit at $(KIT); copy it here or pass KIT=path/to/workbook-offline-kit.tar"; exit 2; }
	@rm -rf .workbook/kit && mkdir -p .workbook/kit && tar -xf $(KIT) -C .workbook/kit
	@printf '%s\n' '# Written by make offline-load: pip uses the offline kit only (make offline-leave removes it).' \
	  'export PIP_NO_INDEX := 1' 'export PIP_FIND_LINKS := $(CURDIR)/.workbook/kit/workbook-offline-kit/wheels/host' \
	  >.workbook/offline.mk
	@$(MAKE) --no-print-directory venv
	@$(PY) -m workbook.kit_load .workbook/kit/workbook-offline-kit
	@$(MAKE) --no-print-directory setup

offline-leave:
	@rm -f .workbook/offline.mk .workbook/offline-kit.json
	@echo "online mode: make setup resolves the base images again (pull or substitute)"
