# The two commands a newcomer types are `make demo` and `make test` (see README.md).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

# Every package is installed at the version pinned in constraints.txt (CI installs the same);
# `make lock` pins again after pyproject.toml changes. The demo needs only what moqi runs on;
# tests, lint and benchmarks add the dev, bench and asr extras (browsers, peers, Whisper base:
# several hundred MB).
$(BIN)/moqi: pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e .
	touch $@

$(VENV)/.dev: $(BIN)/moqi
	$(BIN)/pip install -q -c constraints.txt -e '.[dev,bench,asr]'
	touch $@

.PHONY: install install-dev demo test lint hooks bench lock audit
install: $(BIN)/moqi
install-dev: $(VENV)/.dev

## Set up moqi on SQLite with the demo content and serve it on http://127.0.0.1:$(PORT)/ (make demo PORT=8080)
demo: install
	$(BIN)/moqi init --demo-history
	@echo "Try: $(BIN)/moqi assist examples/bill_overage.jsonl"
	$(BIN)/moqi serve --port $(PORT)

## Install and run lint and every test (PostgreSQL too when MOQI_TEST_POSTGRES_URL is set)
test: lint
	$(BIN)/pytest -q

## ruff's rules and format, and mypy on moqi/ (what CI holds every change to)
lint: install-dev
	$(BIN)/ruff check moqi tests bench
	$(BIN)/ruff format --check moqi tests bench
	$(BIN)/mypy

## Check every commit with ruff and mypy before it is made (git's pre-commit hook, .githooks/)
hooks: install-dev
	git config core.hooksPath .githooks

bench: install-dev
	$(BIN)/python bench/assist.py
	$(BIN)/python bench/peers.py --train
	$(BIN)/python bench/ws_load.py
	$(BIN)/python bench/workforce.py

## Pin every installed package (run after changing the dependencies in pyproject.toml)
lock:
	$(PY) -m venv /tmp/moqi-lock-venv
	/tmp/moqi-lock-venv/bin/pip install -q --upgrade pip
	/tmp/moqi-lock-venv/bin/pip install -q -e '.[dev,bench,asr]'
	( echo "# Pinned by \`make lock\` from pyproject.toml; \`make install\` and CI install these versions."; \
	  /tmp/moqi-lock-venv/bin/pip freeze --exclude-editable | grep -v '^moqi' ) > constraints.txt
	rm -rf /tmp/moqi-lock-venv

## Known vulnerabilities in the pinned packages (skipped, with a note, where no advisory data is reachable)
audit: install-dev
	$(BIN)/python .ci/audit.py constraints.txt
