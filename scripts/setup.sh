#!/usr/bin/env bash
# Installs FairCast into .venv (and its front-end libraries into node_modules).
# Usage: scripts/setup.sh [dev]   — "dev" adds the test tools and Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi

# Contract PDFs need a Chinese font; browser tests also need Debian's Chromium.
PACKAGES="fonts-wqy-zenhei"
if [ "${1:-}" = "dev" ]; then PACKAGES="$PACKAGES chromium"; fi
if command -v dpkg >/dev/null && ! dpkg -s $PACKAGES >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq $PACKAGES >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ "${1:-}" = "dev" ]; then
  .venv/bin/python -m pip install -q -e '.[dev]'
else
  .venv/bin/python -m pip install -q -e .
fi

# Front-end libraries (socket.io-client, hls.js, chart.js, jsQR) come pinned from package-lock.json.
npm ci --no-audit --no-fund --loglevel=error
