# Two entry points for a fresh machine: `make demo` and `make test`.
# Both create the local virtual environment on first use.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint bench

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/gremienbot demo

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Four workers on two cores: most of an end-to-end test's time is waiting for the bot's answer.
test: lint
	$(VENV)/bin/pytest -n 4 --dist worksteal
