# Two entry points a newcomer needs: `make demo` (install + index the sample corpus + ask it)
# and `make test` (install + run every test, integration included). `.ci/run` calls `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: install demo test lint bench-ingest clean-venv

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# The CPU build of torch comes first: anything else would pull a multi-GB CUDA build.
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[dev]'
	touch $@

demo: install
	$(VENV)/bin/assistant ingest examples/corpus
	$(VENV)/bin/assistant docs list
	$(VENV)/bin/assistant search "江川市住建局在职党员有多少名" -k 3

test: install
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check .

bench-ingest: install
	$(PY) benchmarks/ingest.py

clean-venv:
	rm -rf $(VENV)
