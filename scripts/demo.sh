#!/usr/bin/env bash
# Set-up plus the main job: installs everything, then loads the bundled sample (2018–2020)
# into $MOGNAD_DATA_DIR (default ./data) and prints where the outputs are.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/mognad demo
