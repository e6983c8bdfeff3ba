# One command each: `make run` installs into .venv and serves the web app on the bundled graph;
# `make test` installs everything the tests need (Python packages, the Oxigraph server, Java for the
# ontology reasoner, Chromium for the browser tests) and runs them. .ci/run calls `make test`.
# pytest runs one worker per core (pytest-xdist), each test file on one worker, so a file's own servers
# (module fixtures) start once; every server a test starts takes a free port and its own directory.

VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: run test install install-test system-deps benchmarks vendor

HOST ?= 127.0.0.1
PORT ?= 5000

run: install
	$(BIN)/ascn serve --host $(HOST) --port $(PORT)

test: install-test system-deps
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n auto --dist loadfile

install: $(VENV)/.installed vendor
install-test: $(VENV)/.installed-test vendor

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

# The web app's JavaScript and CSS, from the npm registry (versions pinned in webapp/assets/package-lock.json;
# what is copied where is the "vendor" member of webapp/assets/package.json) into webapp/static/vendor: the
# pages load nothing from a CDN. The maps' country outlines are Natural Earth's public-domain 1:50m boundaries
# as TopoJSON (world-atlas), read with topojson-client. axe-core stays in node_modules: only the browser tests
# inject it.
VENDOR := webapp/static/vendor

vendor: $(VENDOR)/.installed

$(VENDOR)/.installed: webapp/assets/package.json webapp/assets/package-lock.json webapp/vendor.py | $(VENV)/.installed
	$(BIN)/python -m webapp.vendor
	touch $@

# Debian packages the tests drive: a JRE for owlready2's HermiT reasoner, Chromium for the browser tests
# (Playwright drives Debian's chromium; its own browser download is not used), and Virtuoso 7, the remote
# backend's second test server. The tests start their own Virtuoso on free loopback ports; the package's
# system service (ports 8890 and 1111, default passwords) is stopped and kept from starting at boot. Without
# a terminal, debconf leaves its dba password unset, so the package asks nothing.
system-deps:
	@missing=""; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v virtuoso-t >/dev/null || missing="$$missing virtuoso-opensource"; \
	ldconfig -p | grep -q libseccomp.so.2 || missing="$$missing libseccomp2"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  case "$$missing" in *virtuoso-opensource*) \
	    /etc/init.d/virtuoso-opensource-7 stop >/dev/null 2>&1 || true; \
	    update-rc.d virtuoso-opensource-7 disable >/dev/null 2>&1 || true;; \
	  esac; \
	fi

benchmarks: install-test
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m benchmarks
