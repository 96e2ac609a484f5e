# harvester: every target installs what it needs by itself.
VENV   ?= .venv
PY     := $(VENV)/bin/python
HARV   := $(VENV)/bin/harvester
STAMP  := $(VENV)/.installed
ARGS   ?=

.PHONY: harvest test bench image gc install host-deps clean

harvest: image
	$(HARV) run $(ARGS)

test: image
	$(VENV)/bin/pytest -q $(ARGS)

bench: image
	$(PY) bench/bench_sandbox.py
	$(PY) bench/bench_loop.py
	$(PY) bench/bench_export.py
	$(PY) bench/bench_run.py

image: install host-deps
	$(HARV) image

gc: install
	$(HARV) gc

install: $(STAMP)

$(STAMP): pyproject.toml
	python3 -m venv $(VENV) || { apt-get update -qq && apt-get install -y -qq python3-venv && python3 -m venv $(VENV); }
	$(VENV)/bin/pip install -q --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# debootstrap builds the base image when no registry is reachable; git applies task patches.
host-deps:
	@command -v debootstrap >/dev/null && command -v git >/dev/null || \
		{ apt-get update -qq && apt-get install -y -qq debootstrap git; }

clean:
	rm -rf $(VENV) build *.egg-info
