# Two entry points a newcomer needs: `make demo` (install + index the sample corpus + ask it)
# and `make test` (install + run every test, integration included). `.ci/run` calls `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: install system-deps demo test lint bench-ingest clean-venv

install: $(VENV)/.installed

# Debian's Chromium and a CJK font for the browser tests (never `playwright install`, which
# downloads a browser). Needs root or sudo; skipped when Chromium is already there.
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-wqy-zenhei; \
	fi

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
	$(VENV)/bin/assistant ask "老旧小区改造中党员发挥了哪些作用？"
	@echo "Web app: $(VENV)/bin/assistant serve   (http://127.0.0.1:7860)"

test: install system-deps
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check .

bench-ingest: install
	$(PY) benchmarks/ingest.py

clean-venv:
	rm -rf $(VENV)
