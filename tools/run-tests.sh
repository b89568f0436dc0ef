#!/usr/bin/env bash
# The test stages. `bash tools/run-tests.sh` (`make test`) runs all of them: every stage runs, and the exit code is
# non-zero if any failed. `bash tools/run-tests.sh STAGE [ARGS...]` runs one (the Makefile's per-stage targets):
#   coverage   contract tests (Brownie on anvil, a free port picked for this run) with line and branch coverage
#              (tests/contracts/coverage.py: reports/coverage.json); `make coverage`, and what `make test` runs
#   contracts  the same contract tests without coverage (faster); `make test-contracts`
#   python     Python package tests (pytest; real anvils on free ports); `make test-python`
#   slither    Slither, checked against slither-triage.toml; `make slither`
#   lint       ruff, mypy and the import-linter layers contract (pyproject.toml); `make lint`
# ARGS go to brownie or pytest; given without a stage, to both (e.g. `bash tools/run-tests.sh -x`).
# At the end it lists any block states an anvil spilled to ~/.foundry/anvil/tmp during the run, and fails if there
# are some: every anvil the project starts keeps its history in memory (glocal_chain/toolchain/anvil_history.py).
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PWD/node_modules/.bin:$PATH"
failed=()
ANVIL_STATE_CACHE="$HOME/.foundry/anvil/tmp"
RUN_STARTED=$(mktemp)
trap 'rm -f "$RUN_STARTED"' EXIT

# anvil_state_left: names the anvil-state-* folders written to since the run started, with their size; fails if any.
anvil_state_left() {
  local left
  mapfile -t left < <(find "$ANVIL_STATE_CACHE" -maxdepth 1 -name 'anvil-state-*' -newer "$RUN_STARTED" 2>/dev/null)
  [ ${#left[@]} -eq 0 ] && return 0
  echo "== anvil left block states on disk during this run ($(du -sch "${left[@]}" | tail -n 1 | cut -f1)):"
  printf '   %s\n' "${left[@]}"
  echo "   (an anvil started without --prune-history: see glocal_chain/toolchain/anvil_history.py)"
  return 1
}

# contract tests; $1: 1 for coverage (anvil records execution steps, the tests trace them), 0 without
contract_tests() {
  local coverage=$1 tracing=False port
  shift
  [ "$coverage" = 1 ] && tracing=True
  port=$(.venv/bin/python -c 'from glocal_chain.chain.anvil import free_port; print(free_port())') || return 1
  .venv/bin/python -c "
from glocal_chain.toolchain.brownie_network import configure_development_network
from glocal_chain.toolchain.settings import load_settings
configure_development_network(load_settings(), port=$port, steps_tracing=$tracing)" >/dev/null || return 1
  if [ "$coverage" = 1 ]; then
    echo "== contract tests (brownie, anvil on 127.0.0.1:$port), with line and branch coverage"
  else
    echo "== contract tests (brownie, anvil on 127.0.0.1:$port)"
  fi
  GLOCAL_COVERAGE=$coverage brownie test tests/contracts "$@"
}

stage_coverage() { contract_tests 1 "$@"; }

stage_contracts() { contract_tests 0 "$@"; }

stage_python() {
  echo "== Python package tests (pytest)"
  python -m pytest -p no:pytest-brownie tests/python "$@"
}

stage_slither() {
  echo "== static analysis (slither)"
  python tools/slither_check.py
}

stage_lint() {
  local status=0
  echo "== lint (ruff, mypy, import-linter)"
  ruff check glocal_chain bench scripts tools/slither_check.py brownie_hooks.py || status=1
  mypy || status=1
  lint-imports --no-cache || status=1
  return $status
}

# run STAGE DESCRIPTION [ARGS...]: a failed stage is noted and the next one still runs
run() {
  local stage=$1 description=$2
  shift 2
  "stage_$stage" "$@" || failed+=("$description")
}

stage=${1:-}
case "$stage" in
  coverage)  shift; run coverage "contract tests" "$@" ;;
  contracts) shift; run contracts "contract tests" "$@" ;;
  python)    shift; run python "Python tests" "$@" ;;
  slither)   shift; run slither "slither" "$@" ;;
  lint)      shift; run lint "lint" "$@" ;;
  *)
    run coverage "contract tests" "$@"
    run python "Python tests" "$@"
    run slither "slither"
    run lint "lint"
    stage=all
    ;;
esac

anvil_state_left || failed+=("anvil block states left in $ANVIL_STATE_CACHE")

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
if [ "$stage" = all ]; then
  echo "all test stages passed"
else
  echo "stage $stage passed"
fi
