# Everything builds its own virtual environments from a fresh clone.
PYTHON ?= python3
VENV := .venv
NOX := $(VENV)/bin/nox

.PHONY: test demo bench clean

$(VENV)/.ready: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet "nox>=2024.10" -e ".[test]"
	touch $@

## test: lint, mypy --strict, pytest on Django 5.2/Py3.11 and 6.1/Py3.13, SQLite and PostgreSQL
test: $(VENV)/.ready
	rm -f .coverage .coverage.*
	$(NOX) --download-python never

## demo: what describe() says about example backends, before and after dual_mode()
demo: $(VENV)/.ready
	$(VENV)/bin/python -m examples.demo

## bench: derived-method overhead, concurrent logins and cold permission checks, Django 5.2 and 6.1
bench: $(VENV)/.ready
	$(NOX) --download-python never -s bench

clean:
	rm -rf $(VENV) .nox .coverage .coverage.* .mypy_cache .ruff_cache .pytest_cache
