# Everything builds its own virtual environments from a fresh clone.
PYTHON ?= python3
VENV := .venv
NOX := $(VENV)/bin/nox

.PHONY: test demo docs bench clean

$(VENV)/.ready: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet "nox>=2024.10" -e ".[test]"
	touch $@

## test: lint, mypy --strict, pytest on Django 5.2/Py3.11 and 6.1/Py3.13, SQLite and PostgreSQL,
## with a throwaway PostgreSQL cluster and Redis server (Debian's redis-server package)
test: $(VENV)/.ready
	@command -v redis-server >/dev/null || [ -x "$$REDIS_SERVER" ] || { echo "make test needs redis-server: install Debian's redis-server package (apt-get install redis-server)" >&2; exit 1; }
	rm -f .coverage .coverage.*
	$(NOX) --download-python never

## demo: what describe() says about example backends, before and after dual_mode()
demo: $(VENV)/.ready
	$(VENV)/bin/python -m examples.demo

## docs: the documentation site, warnings as errors, and its doctests -> docs/_build/html/index.html
docs: $(VENV)/.ready
	$(NOX) --download-python never -s docs

## bench: hops, call times, concurrent logins, HTTP load, several workers on Redis, the permission
##        cache on Django 5.2 and 6.1
##        -> bench/results/, docs/performance.md
bench: $(VENV)/.ready
	@command -v redis-server >/dev/null || [ -x "$$REDIS_SERVER" ] || { echo "make bench needs redis-server: install Debian's redis-server package (apt-get install redis-server)" >&2; exit 1; }
	$(NOX) --download-python never -s bench
	$(NOX) --download-python never -s bench_report

clean:
	rm -rf $(VENV) .nox .coverage .coverage.* .mypy_cache .ruff_cache .pytest_cache
