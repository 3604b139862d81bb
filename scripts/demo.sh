#!/usr/bin/env bash
# Installs FairCast, creates the demo fair on the embedded defaults (SQLite under instance/),
# prints the URLs and logins, and serves on http://127.0.0.1:5000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/faircast demo --host 127.0.0.1 --port "${PORT:-5000}"
