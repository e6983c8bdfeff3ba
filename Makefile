# One command each: `make run` installs into .venv and serves the web app on the bundled graph;
# `make test` installs everything the tests need (Python packages, the Oxigraph server, Java for the
# ontology reasoner, Chromium for the browser tests) and runs them. .ci/run calls `make test`.

VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: run test install install-test system-deps benchmarks

run: install
	$(BIN)/ascn serve

test: install-test system-deps
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# Debian packages the tests drive: a JRE for owlready2's HermiT reasoner, Chromium for the browser tests.
system-deps:
	@missing=""; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

benchmarks: install-test
	$(BIN)/python -m benchmarks
