#!/usr/bin/env bash
# Idempotent set-up of everything the project needs on a fresh machine: the Python virtual
# environment, the pinned npm toolchain (solc-js, anvil, OpenZeppelin), the solc bridge that py-solc-x
# and Brownie see as an installed compiler, Brownie's development network on anvil, and Slither's
# own environment. Each step is skipped when its inputs have not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
STAMPS=.setup-stamps
mkdir -p "$STAMPS"

say() { printf '[setup] %s\n' "$*"; }
stamp_ok() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]; }
digest() { cat "$@" | sha256sum | cut -d' ' -f1; }

# make_venv DIR PROGRAM STAMP INPUT CHECK MESSAGE PIP_INSTALL_ARGS...
# (Re)installs the virtual environment DIR with `pip install PIP_INSTALL_ARGS` when DIR/bin/PROGRAM is missing or
# INPUT, the file its requirements come from, changed since the stamp STAMP was written. CHECK: `check` runs
# `pip check` after installing, `no-check` does not.
make_venv() {
  local dir=$1 program=$2 stamp=$3 input=$4 check=$5 message=$6 key
  shift 6
  key=$(digest "$input")
  if [ ! -x "$dir/bin/$program" ] || ! stamp_ok "$stamp" "$key"; then
    say "$message"
    [ -x "$dir/bin/python" ] || "$PYTHON" -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$@"
    if [ "$check" = check ]; then
      "$dir/bin/pip" check
    fi
    echo "$key" > "$STAMPS/$stamp"
  fi
}

# 1. Python environment for the package, its tests and Brownie.
make_venv .venv python venv pyproject.toml check \
  "Python environment (.venv): installing glocal-chain with eth-brownie, web3, FastAPI ..." -e '.[dev]'

# 2. npm toolchain, exactly as locked.
npm_key=$(digest package.json package-lock.json)
if [ ! -d node_modules ] || ! stamp_ok npm "$npm_key"; then
  say "npm toolchain: solc-js, anvil, OpenZeppelin Contracts (package-lock.json) ..."
  npm ci --no-audit --no-fund --loglevel=error
  echo "$npm_key" > "$STAMPS/npm"
fi

# 3. The compiler: a native solc of the pinned version if one is installed, else the solc-js bridge.
.venv/bin/python -m glocal_chain.toolchain install-compiler

# 4. Brownie's development network runs our anvil (the port is chosen per run by `make test`).
.venv/bin/python -m glocal_chain.toolchain configure-brownie

# 5. Slither in its own environment (its pins do not resolve with eth-brownie's).
make_venv .venv-slither slither slither tools/slither-requirements.txt no-check \
  "Slither environment (.venv-slither) ..." -r tools/slither-requirements.txt
# 6. OctoPrint, the real printer controller the hub agent drives, in its own environment (it pins its own
#    dependencies); its bundled virtual printer stands in for the hardware in tests and the demo.
make_venv .venv-octoprint octoprint octoprint tools/octoprint-requirements.txt no-check \
  "OctoPrint environment (.venv-octoprint) ..." -r tools/octoprint-requirements.txt
# 7. Schemathesis, which fuzzes the API's and the oracle's OpenAPI documents in `make test` (its Hypothesis is
#    far newer than the one eth-brownie pins).
make_venv .venv-schemathesis st schemathesis tools/schemathesis-requirements.txt no-check \
  "Schemathesis environment (.venv-schemathesis) ..." -r tools/schemathesis-requirements.txt
say "ready"
