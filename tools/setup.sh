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

# 1. Python environment for the package, its tests and Brownie.
py_key=$(digest pyproject.toml)
if [ ! -x .venv/bin/python ] || ! stamp_ok venv "$py_key"; then
  say "Python environment (.venv): installing glocal-chain with eth-brownie, web3, FastAPI ..."
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
  .venv/bin/pip check
  echo "$py_key" > "$STAMPS/venv"
fi

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
slither_key=$(digest tools/slither-requirements.txt)
if [ ! -x .venv-slither/bin/slither ] || ! stamp_ok slither "$slither_key"; then
  say "Slither environment (.venv-slither) ..."
  [ -x .venv-slither/bin/python ] || "$PYTHON" -m venv .venv-slither
  .venv-slither/bin/pip install --quiet --disable-pip-version-check --upgrade pip
  .venv-slither/bin/pip install --quiet --disable-pip-version-check -r tools/slither-requirements.txt
  echo "$slither_key" > "$STAMPS/slither"
fi
# 6. OctoPrint, the real printer controller the hub agent drives, in its own environment (it pins its own
#    dependencies); its bundled virtual printer stands in for the hardware in tests and the demo.
octo_key=$(digest tools/octoprint-requirements.txt)
if [ ! -x .venv-octoprint/bin/octoprint ] || ! stamp_ok octoprint "$octo_key"; then
  say "OctoPrint environment (.venv-octoprint) ..."
  [ -x .venv-octoprint/bin/python ] || "$PYTHON" -m venv .venv-octoprint
  .venv-octoprint/bin/pip install --quiet --disable-pip-version-check --upgrade pip
  .venv-octoprint/bin/pip install --quiet --disable-pip-version-check -r tools/octoprint-requirements.txt
  echo "$octo_key" > "$STAMPS/octoprint"
fi
say "ready"
