#!/usr/bin/env bash
# Dependency audit: fails on a known-vulnerable Python or npm package. When the vulnerability
# database cannot be reached from this network, it says so plainly instead of passing quietly.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0

python_report=$(.venv/bin/python -m pip_audit --progress-spinner off --skip-editable 2>&1)
python_status=$?
echo "$python_report" | grep -v "could not be audited"
unaudited=$(echo "$python_report" | grep -c "could not be audited" || true)
if [ "$python_status" -ne 0 ]; then
  echo "audit: known-vulnerable Python packages (above)"
  status=1
elif [ "$unaudited" -gt 0 ]; then
  echo "audit: WARNING: $unaudited Python packages could not be audited: the vulnerability database is not reachable from here"
fi

npm_report=$(npm audit --audit-level=moderate 2>&1)
npm_status=$?
echo "$npm_report"
if [ "$npm_status" -ne 0 ]; then
  if echo "$npm_report" | grep -q "audit endpoint returned an error"; then
    echo "audit: WARNING: npm packages could not be audited: the registry's advisory service is not reachable from here"
  else
    echo "audit: known-vulnerable npm packages (above)"
    status=1
  fi
fi
exit $status
