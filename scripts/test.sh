#!/usr/bin/env bash
# Installs everything the tests need (Python packages, npm packages, Chromium), then runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
# Tests start real servers and tools as subprocesses; they must find this environment's.
. .venv/bin/activate
python -m ruff check .
python -m pytest "$@"
