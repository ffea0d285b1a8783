#!/usr/bin/env bash
# Creates (or refreshes when requirements-dev.txt changed) the project's Python virtual environment
# in .venv with the pinned test tools: moto, cfn-lint and its serverless rules, checkov, policy-sentry, parliament.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements-dev.txt | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "Setting up .venv from requirements-dev.txt (first run takes a few minutes)..."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
echo "$want" > "$stamp"
