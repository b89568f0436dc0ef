# Every target that needs the toolchain runs `setup` first; `setup` is idempotent and quick when nothing changed.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: setup test test-contracts test-python slither coverage artifacts demo bench clean

setup:
	@bash tools/setup.sh

artifacts: setup
	$(PY) -m glocal_chain.toolchain artifacts

test: setup
	@bash tools/run-tests.sh

demo: setup
	$(VENV)/bin/glocal demo

bench: setup
	$(PY) -m bench.run

clean:
	rm -rf build reports .setup-stamps .glocal deployments/local.json
