#!/usr/bin/env bash
# Installs everything the tests need (Python packages, npm packages, Chromium), then runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
.venv/bin/python -m ruff check .
.venv/bin/python -m pytest "$@"
