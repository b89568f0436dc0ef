#!/usr/bin/env bash
# Idempotent set-up of everything the project needs on a fresh machine: the Python virtual
# environment, the pinned npm toolchain (solc-js, anvil, OpenZeppelin, axe-core), the browser the web app's tests
# drive (Debian's chromium), the solc bridge that py-solc-x and Brownie see as an installed compiler, Brownie's
# development network on anvil, and the environments of Slither, OctoPrint and Schemathesis. Each step is skipped
# when its inputs have not changed.
#
# It survives an interruption (^C) at any point: a step's stamp is written only once the step is complete, and an
# environment being built carries a marker file until it is complete, so the next run removes a half-made one and
# builds it again. Each step prints one line, with its time; what pip and npm print goes to
# .setup-stamps/logs/<step>.log, shown only when the step fails.
#
# `source tools/setup.sh` defines the functions without running anything (tests call make_venv on a tiny
# requirements file this way; STAMPS and PYTHON may be set beforehand).
set -euo pipefail

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
STAMPS=${STAMPS:-.setup-stamps}
#: Present in a virtual environment from the moment set-up starts changing it until it is complete.
INCOMPLETE=.setup-incomplete
STEPS=8
STEP=0
TICKER=

say() { printf '[setup] %s\n' "$*"; }
stamp_ok() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]; }
digest() { cat "$@" | sha256sum | cut -d' ' -f1; }

# step DESCRIPTION: starts the next numbered step; step_done RESULT ends it with its time.
step() { STEP=$((STEP + 1)); STEP_NAME=$1; STEP_START=$SECONDS; }
step_done() { say "$STEP/$STEPS $STEP_NAME: $1 ($((SECONDS - STEP_START)) s)"; }

stop_ticker() {
  if [ -n "$TICKER" ]; then
    kill "$TICKER" 2>/dev/null || true
    wait "$TICKER" 2>/dev/null || true
    TICKER=
  fi
}
trap stop_ticker EXIT

# ticker: prints the step's elapsed time every 15 s until killed (its sleep goes with it) or set-up is gone.
ticker() {
  local sleeper=
  trap 'kill $sleeper 2>/dev/null; exit 0' TERM
  while kill -0 $$ 2>/dev/null; do
    sleep 15 >/dev/null 2>&1 &
    sleeper=$!
    wait "$sleeper"
    say "    ... $((SECONDS - STEP_START)) s"
  done
}

# quietly LOG COMMAND...: runs COMMAND with its output appended to LOG, printing the step's elapsed time every
# 15 s meanwhile; on failure prints LOG's last lines and fails.
quietly() {
  local log=$1 status=0
  shift
  mkdir -p "$(dirname "$log")"
  ticker &
  TICKER=$!
  "$@" >>"$log" 2>&1 || status=$?
  stop_ticker
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$log" >&2
    say "$STEP/$STEPS $STEP_NAME failed (exit $status): \`$*\`; the whole output is in $log" >&2
    return "$status"
  fi
}

# make_venv DIR PROGRAM STAMP INPUT CHECK MESSAGE PIP_INSTALL_ARGS...
# (Re)installs the virtual environment DIR with `pip install PIP_INSTALL_ARGS` when DIR/bin/PROGRAM is missing or
# INPUT, the file its requirements come from, changed since the stamp STAMP was written. CHECK: `check` runs
# `pip check` after installing, `no-check` does not. A DIR that an interrupted run left half-made (it still holds
# the marker, or has no working pip) is removed and built from scratch.
make_venv() {
  local dir=$1 program=$2 stamp=$3 input=$4 check=$5 message=$6 key log
  shift 6
  key=$(digest "$input")
  log="$STAMPS/logs/$stamp.log"
  step "$message"
  if [ -x "$dir/bin/$program" ] && [ ! -e "$dir/$INCOMPLETE" ] && stamp_ok "$stamp" "$key"; then
    step_done "up to date"
    return 0
  fi
  rm -f "$STAMPS/$stamp" "$log"
  if [ -e "$dir/$INCOMPLETE" ] || [ ! -x "$dir/bin/python" ] || [ ! -x "$dir/bin/pip" ]; then
    if [ -e "$dir" ]; then
      say "$dir is incomplete (an interrupted set-up?): building it again"
    fi
    rm -rf "$dir"
    mkdir -p "$dir" "$STAMPS"
    : > "$dir/$INCOMPLETE"
    say "$STEP/$STEPS $STEP_NAME: creating $dir ..."
    quietly "$log" "$PYTHON" -m venv "$dir"
  else
    : > "$dir/$INCOMPLETE"
    say "$STEP/$STEPS $STEP_NAME: updating $dir ($input changed) ..."
  fi
  quietly "$log" "$dir/bin/python" -m pip install --disable-pip-version-check --upgrade pip
  quietly "$log" "$dir/bin/python" -m pip install --disable-pip-version-check "$@"
  if [ "$check" = check ]; then
    quietly "$log" "$dir/bin/python" -m pip check
  fi
  echo "$key" > "$STAMPS/$stamp"
  rm -f "$dir/$INCOMPLETE"
  step_done "installed"
}

# The npm toolchain, exactly as locked. `npm ci` starts by removing node_modules, so the stamp goes first: an
# interrupted install is redone next time.
npm_toolchain() {
  local key log="$STAMPS/logs/npm.log"
  key=$(digest package.json package-lock.json)
  step "npm toolchain (node_modules: solc-js, anvil, OpenZeppelin Contracts, axe-core)"
  if [ -d node_modules ] && stamp_ok npm "$key"; then
    step_done "up to date"
    return 0
  fi
  rm -f "$STAMPS/npm" "$log"
  say "$STEP/$STEPS $STEP_NAME: npm ci ..."
  quietly "$log" npm ci --no-audit --no-fund --loglevel=error
  echo "$key" > "$STAMPS/npm"
  step_done "installed"
}

#: The browser the web app's tests drive through Playwright (never `playwright install`: Debian's build is used).
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

# browser: Debian's chromium for the web app's browser tests, installed with apt-get when missing and running as
# root (CI included); as another user, a clear failure saying what to run. An apt-get that a ^C interrupted leaves
# dpkg half-configured: the next run finishes it (`dpkg --configure -a`) before installing again. Also checks that
# the npm step installed axe-core, which the tests run inside each page.
browser() {
  local log="$STAMPS/logs/browser.log"
  step "browser for the web app's tests (chromium, axe-core)"
  if [ ! -f node_modules/axe-core/axe.min.js ]; then
    say "$STEP/$STEPS $STEP_NAME failed: node_modules/axe-core/axe.min.js is missing (is axe-core in package.json?)" >&2
    return 1
  fi
  if [ -x "$CHROMIUM" ] && "$CHROMIUM" --version >/dev/null 2>&1; then
    step_done "up to date"
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    say "$STEP/$STEPS $STEP_NAME failed: $CHROMIUM is missing; install it with \`sudo apt-get install -y chromium\`, then run \`make setup\` again" >&2
    return 1
  fi
  rm -f "$log"
  say "$STEP/$STEPS $STEP_NAME: apt-get install chromium ..."
  export DEBIAN_FRONTEND=noninteractive
  quietly "$log" dpkg --configure -a
  quietly "$log" apt-get update -q
  quietly "$log" apt-get install -y -q --no-install-recommends chromium
  if ! "$CHROMIUM" --version >>"$log" 2>&1; then
    tail -n 40 "$log" >&2
    say "$STEP/$STEPS $STEP_NAME failed: $CHROMIUM does not run after installing chromium; see $log" >&2
    return 1
  fi
  step_done "installed"
}

# toolchain_task DESCRIPTION TASK: one `python -m glocal_chain.toolchain TASK` (it prints a line when it changes
# something).
toolchain_task() {
  step "$1"
  .venv/bin/python -m glocal_chain.toolchain "$2"
  step_done "ready"
}

main() {
  local start=$SECONDS
  cd "$(dirname "${BASH_SOURCE[0]}")/.."
  mkdir -p "$STAMPS"
  # 1. Python environment for the package, its tests and Brownie.
  make_venv .venv python venv pyproject.toml check \
    "Python environment (.venv: glocal-chain with eth-brownie, web3, FastAPI)" -e '.[dev]'
  # 2. npm toolchain, exactly as locked.
  npm_toolchain
  # 3. The browser the web app's tests drive (Debian's chromium), and axe-core from step 2.
  browser
  # 4. The compiler: a native solc of the pinned version if one is installed, else the solc-js bridge.
  toolchain_task "compiler (the pinned solc, or the solc-js bridge)" install-compiler
  # 5. Brownie's development network runs our anvil (`make test` picks the port per run).
  toolchain_task "Brownie development network (anvil)" configure-brownie
  # 6. Slither in its own environment (its pins do not resolve with eth-brownie's).
  make_venv .venv-slither slither slither tools/slither-requirements.txt no-check \
    "Slither environment (.venv-slither)" -r tools/slither-requirements.txt
  # 7. OctoPrint, the real printer controller the hub agent drives, in its own environment (it pins its own
  #    dependencies); its bundled virtual printer stands in for the hardware in tests and the demo.
  make_venv .venv-octoprint octoprint octoprint tools/octoprint-requirements.txt no-check \
    "OctoPrint environment (.venv-octoprint)" -r tools/octoprint-requirements.txt
  # 8. Schemathesis, which fuzzes the API's and the oracle's OpenAPI documents in `make test` (its Hypothesis is
  #    far newer than the one eth-brownie pins).
  make_venv .venv-schemathesis st schemathesis tools/schemathesis-requirements.txt no-check \
    "Schemathesis environment (.venv-schemathesis)" -r tools/schemathesis-requirements.txt
  say "ready ($((SECONDS - start)) s)"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
