# The two commands of the README. Everything else is a detail of these.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

run: $(STAMP)
	JIKIM_DEBUG=1 $(BIN)/jikim migrate --noinput
	JIKIM_DEBUG=1 $(BIN)/jikim migrate --noinput --database keyring
	JIKIM_DEBUG=1 $(BIN)/jikim migrate --noinput --database separated
	JIKIM_DEBUG=1 $(BIN)/jikim seed_demo
	@echo "지킴: http://127.0.0.1:8000  (Ctrl+C to stop web and worker)"
	@trap 'trap - INT TERM EXIT; kill 0' INT TERM EXIT; \
	JIKIM_DEBUG=1 $(BIN)/jikim db_worker & \
	JIKIM_DEBUG=1 $(BIN)/jikim runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r jikim -lll

typecheck: $(STAMP)
	JIKIM_DEBUG=1 $(BIN)/mypy jikim

pytest: $(STAMP)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test: lint typecheck pytest

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
