#!/usr/bin/env bash
# Installs Debian's headless Chromium and its WebDriver, used by the tests that open the
# HTML reports with the network disabled. Nothing is downloaded outside Debian's packages.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-browser: chromium and chromedriver are missing; install Debian's packages" \
       "'chromium chromium-driver fonts-dejavu-core' (the browser tests are skipped without them)." >&2
  exit 0
fi
echo "setup-browser: installing chromium, chromium-driver (Debian)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
