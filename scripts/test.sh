#!/usr/bin/env bash
# Set-up plus the whole test suite (unit, dbt, asset and end-to-end tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
