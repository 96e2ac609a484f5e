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
	$(VENV)/bin/pytest -q -n 3 --dist loadfile $(ARGS)

# Every benchmark runs and prints its numbers; the exit status says whether any missed its target.
BENCHES := bench/bench_sandbox.py bench/bench_loop.py bench/bench_export.py bench/bench_run.py bench/bench_seed.py

bench: image
	@status=0; for b in $(BENCHES); do echo "== $$b"; $(PY) $$b || status=1; done; exit $$status

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
