#!/usr/bin/env bash
# `make test`: the whole suite. Every part runs; the exit code is non-zero if any part failed.
#  1. contract tests (Brownie on anvil, a free port picked for this run), with contract coverage
#     (tests/contracts/coverage.py: reports/coverage.json)
#  2. Python package tests (pytest; real anvils on free ports)
#  3. Slither, checked against slither-triage.toml
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PWD/node_modules/.bin:$PATH"
failed=()

port=$(.venv/bin/python -c 'from glocal_chain.chain.anvil import free_port; print(free_port())')
.venv/bin/python -c "
from glocal_chain.toolchain.brownie_network import configure_development_network
from glocal_chain.toolchain.settings import load_settings
configure_development_network(load_settings(), port=$port, steps_tracing=True)" >/dev/null

echo "== contract tests (brownie, anvil on 127.0.0.1:$port), with line and branch coverage"
GLOCAL_COVERAGE=1 brownie test tests/contracts "$@" || failed+=("contract tests")

echo "== Python package tests (pytest)"
python -m pytest -p no:pytest-brownie tests/python "$@" || failed+=("Python tests")

echo "== static analysis (slither)"
python tools/slither_check.py || failed+=("slither")

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all test stages passed"
