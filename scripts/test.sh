#!/usr/bin/env bash
# Every test: lint, the Rego unit tests with coverage, and the Python test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
unset RUST_BACKTRACE
ruff check .
ruff format --check .
lockdown test --coverage --min-coverage 90
pytest -q "$@"
