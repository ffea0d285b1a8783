#!/usr/bin/env bash
# The whole test suite (npm test): code hygiene, unit and integration tests, synth of the example
# config with cdk-nag and schema validation, template gates, and the Flink jobs' Maven build.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }

step "Python test tools (.venv)"
bash scripts/python-env.sh

step "Type check"
npx tsc --noEmit

step "Lint"
npx eslint --max-warnings 0 .

step "Format check"
npx prettier --check --log-level warn .

step "Unit and integration tests"
npx vitest run

step "Synth of the example config (cdk-nag and CloudFormation schema validation)"
rm -rf cdk.out
npx cdk synth --quiet

step "Template gates (cfn-lint, checkov)"
bash scripts/template-gates.sh cdk.out

if [ -f flink/pom.xml ]; then
  step "Flink jobs (mvn verify)"
  mvn -B -q -f flink/pom.xml verify
fi

printf '\nAll checks passed.\n'
