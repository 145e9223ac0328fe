# Two commands do everything on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
REGISTRIES_PORT ?= 8100
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: install demo demo-setup serve test cose-interop lint typecheck bench messages lock clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

## make demo: migrate, load the catalogue, make the sandbox population and keys, serve on PORT.
demo-setup: install
	kagazsyz migrate --no-input -v 0
	kagazsyz catalog check
	kagazsyz publish_catalogue
	kagazsyz population generate
	kagazsyz keys init
	kagazsyz oversight history --count 200000
	kagazsyz demo logins

demo: demo-setup
	@echo "Kagazsyz is at http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	kagazsyz demo serve --port $(PORT) --registries-port $(REGISTRIES_PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy kagazsyz tools bench

# The second COSE implementation (cose-js) for the interoperability test, when Node is present.
cose-interop:
	@if command -v npm >/dev/null 2>&1; then \
	  test -d tools/cose-interop/node_modules/cose-js || \
	  npm ci --prefix tools/cose-interop --no-audit --no-fund --loglevel=error >/dev/null; \
	else echo "npm not found: the COSE interoperability test will be skipped"; fi

## make test: lint, types, and the whole suite on SQLite and (when reachable) PostgreSQL.
test: lint typecheck cose-interop
	$(BIN)/python tools/run_tests.py

bench: install
	$(BIN)/python bench/run.py

messages: install
	cd kagazsyz && ../$(BIN)/django-admin makemessages -l ky -l ru --no-obsolete && ../$(BIN)/django-admin compilemessages

lock:
	$(BIN)/pip freeze --exclude-editable | grep -v '^kagazsyz' > requirements.lock

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
