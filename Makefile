# newsfacts — the two commands a new user needs:  `make run`  and  `make test`.
PY ?= python3
UV_VERSION := 0.13.9
VENV := .venv
UV := $(PY) -m uv

.PHONY: setup run test lint suites clean

$(VENV)/bin/newsfacts: pyproject.toml uv.lock
	@$(PY) -m uv --version >/dev/null 2>&1 || $(PY) -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen
	@touch $@

setup: $(VENV)/bin/newsfacts  ## install everything from uv.lock into .venv/

run: setup  ## run the pipeline over seeds/ into warehouse/
	$(VENV)/bin/newsfacts run seeds --warehouse warehouse

test: setup  ## the test suite (reads ../shared when present)
	$(VENV)/bin/pytest -q

lint: setup
	$(VENV)/bin/ruff check newsfacts flows tests bench
	$(VENV)/bin/mypy newsfacts flows

suites: setup  ## regenerate expectations/ from newsfacts/tables.py
	$(VENV)/bin/newsfacts suites --out expectations

clean:
	rm -rf warehouse .prefect-test
