#!/usr/bin/env bash
# Creates .venv with Python 3.11 and installs mognad with every pinned dependency.
# Re-running is cheap: nothing is reinstalled while pyproject.toml and constraints.txt are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && \
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
      PYTHON="$candidate"; break
    fi
  done
fi
if [ -z "$PYTHON" ]; then
  echo "mognad needs Python 3.11 (python3.11 or python3 on PATH, or set PYTHON=...)." >&2
  exit 2
fi

stamp=".venv/.mognad-install-stamp"
want="$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)"
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "setup: .venv is up to date"
  exit 0
fi
echo "setup: installing into .venv (a few minutes on a fresh machine)"
"$PYTHON" -m venv .venv
log=.venv/install.log
if ! .venv/bin/python -m pip install --disable-pip-version-check -c constraints.txt -e ".[dev]" \
     > "$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "setup: pip install failed; the whole log is in $log" >&2
  exit 1
fi
echo "$want" > "$stamp"
echo "setup: done"
