# The two commands a newcomer types are `make demo` and `make test` (see README.md).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

$(BIN)/moqi: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,bench]'
	touch $@

.PHONY: install demo test lint bench
install: $(BIN)/moqi

## Set up moqi on SQLite with the demo content and serve it on http://127.0.0.1:8000/
demo: install
	$(BIN)/moqi init --demo
	@echo "Try: $(BIN)/moqi assist examples/bill_overage.jsonl"
	$(BIN)/moqi serve

## Install and run lint and every test (PostgreSQL too when MOQI_TEST_POSTGRES_URL is set)
test: install
	$(BIN)/ruff check moqi tests bench
	$(BIN)/pytest -q

bench: install
	$(BIN)/python bench/assist.py
	$(BIN)/python bench/peers.py --train
	$(BIN)/python bench/ws_load.py
	$(BIN)/python bench/workforce.py
