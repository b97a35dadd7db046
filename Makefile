# SafeSlot developer commands. Each target sets up .venv from the lock files on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEPS_STAMP := $(VENV)/.deps-installed
STAMP := $(VENV)/.project-installed
# The editable install maps the top-level packages present when it ran: redo it when one appears.
PACKAGE_MARKERS := $(wildcard app/__init__.py auth/__init__.py scheduling/__init__.py workers/__init__.py)
PIP_COMPILE_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links

.PHONY: run test lint bench lock venv

venv: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Dependencies are re-installed only when the lock changes.
$(DEPS_STAMP): requirements/dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	touch $@

$(STAMP): $(DEPS_STAMP) pyproject.toml $(PACKAGE_MARKERS)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

run: $(STAMP)
	$(BIN)/safeslot serve

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/bandit -q -r app auth scheduling workers -lll

# bench/http.py drives the server with wrk: install it from Debian when missing.
bench: $(STAMP)
	@command -v wrk >/dev/null || { \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk; }
	@set -e; found=0; for script in bench/*.py; do \
		[ -f "$$script" ] || continue; \
		case "$$script" in bench/_*) continue;; esac; found=1; \
		echo "== $$script"; $(BIN)/python "$$script"; \
	done; [ "$$found" = 1 ] || echo "no bench scripts in bench/"

# Refresh both locks from pyproject.toml (newest versions allowed by its constraints).
lock: | $(BIN)/python
	[ -x $(BIN)/pip-compile ] || $(MAKE) $(DEPS_STAMP)
	$(BIN)/pip-compile $(PIP_COMPILE_FLAGS) --upgrade -o requirements/main.lock pyproject.toml
	$(BIN)/pip-compile $(PIP_COMPILE_FLAGS) --upgrade --extra dev -o requirements/dev.lock pyproject.toml
