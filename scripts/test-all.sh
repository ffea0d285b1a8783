#!/usr/bin/env bash
# The whole test suite (npm test): code hygiene, unit and integration tests, synth of the example
# config with cdk-nag and schema validation, template gates, and the Flink jobs' Maven build.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }

step "Python test tools (.venv)"
bash scripts/python-env.sh

step "Command-line tools (.tools/bin: actionlint)"
bash scripts/tools-env.sh

step "Chromium (the SMS report's browser rendering test)"
# Debian's chromium, driven by playwright-core at /usr/bin/chromium; installed when missing.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update && apt-get install -y chromium
  else
    sudo apt-get update && sudo apt-get install -y chromium
  fi
fi
echo "$(/usr/bin/chromium --version 2>/dev/null)"

step "Type check"
npx tsc --noEmit

step "Lint"
npx eslint --max-warnings 0 .

step "Format check"
npx prettier --check --log-level warn .

step "Unit and integration tests"
npx vitest run

step "Synth of the example config (cdk-nag, CloudFormation schema validation, Control Tower proactive controls)"
rm -rf cdk.out
npx cdk synth --quiet

step "Template gates (cfn-lint with serverless rules, checkov, IAM gate with parliament)"
bash scripts/template-gates.sh cdk.out

if [ -f flink/pom.xml ]; then
  step "Flink jobs (mvn verify)"
  mvn -B -q -f flink/pom.xml verify
fi

printf '\nAll checks passed.\n'
