#!/usr/bin/env bash
# The main job: check the repository's own stacks (must pass) and the incident demo (must fail).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"

echo "== lockdown check: the reference pipeline, every stack (expected: no blocking finding)"
lockdown check --stack dev --stack staging --stack prod

echo
echo "== lockdown check: examples/leaky-capture, the incident reproduced (expected: exit 1)"
set +e
lockdown check --program examples/leaky-capture --stack demo
status=$?
set -e
if [ "$status" -ne 1 ]; then
  echo "lockdown: expected examples/leaky-capture to fail the check with exit 1, got $status" >&2
  exit 1
fi
echo
echo "OK: the pipeline passes; the leaky example is blocked."
