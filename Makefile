# Every target that needs the toolchain runs `setup` first; `setup` is idempotent and quick when nothing changed.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: setup test test-contracts test-python slither coverage lint artifacts demo bench clean clean-all

setup:
	@bash tools/setup.sh

artifacts: setup
	$(PY) -m glocal_chain.toolchain artifacts

# All stages (contract tests with coverage, Python tests, Slither, lint); each target below runs one of them.
test: setup
	@bash tools/run-tests.sh

test-contracts: setup
	@bash tools/run-tests.sh contracts

coverage: setup
	@bash tools/run-tests.sh coverage

test-python: setup
	@bash tools/run-tests.sh python

slither: setup
	@bash tools/run-tests.sh slither

lint: setup
	@bash tools/run-tests.sh lint

demo: setup
	$(VENV)/bin/glocal demo

bench: setup
	$(PY) -m bench.run

# Build output, reports and set-up stamps (the next `make setup` checks every environment again). Keeps .glocal/
# (wallet keystores, the local chain's state) and deployments/local.json (what is deployed on that chain).
clean:
	rm -rf build reports .setup-stamps

# Everything `clean` deletes, and the local data: stops the local chain, then deletes .glocal/ (WALLET KEYSTORES:
# their keys are gone for good; and the local chain's state) and deployments/local.json.
clean-all: clean
	@echo "clean-all: deleting .glocal/ (wallet keystores and the local chain's state) and deployments/local.json"
	-@[ ! -x $(VENV)/bin/glocal ] || GLOCAL_HOME=.glocal $(VENV)/bin/glocal chain down >/dev/null
	rm -rf .glocal deployments/local.json
