#!/usr/bin/env bash
# Set-up plus the whole test suite (unit, dbt, asset, browser and end-to-end tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup-browser.sh
exec .venv/bin/python -m pytest "$@"
