#!/usr/bin/env bash
# Create .venv (once) and install the pinned dependencies and the lockdown package into it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
# The Node.js programs the tests and examples plan bring their own dependencies (their lockfiles):
# installed once, again only when a lockfile changes. No install scripts: nothing here needs them.
for lock in examples/*/package-lock.json tests/programs-node/package-lock.json; do
  dir="$(dirname "$lock")"
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$lock" -nt "$dir/node_modules/.package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  fi
done
