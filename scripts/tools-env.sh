#!/usr/bin/env bash
# Installs the project's pinned command-line tools into .tools/bin (gitignored): actionlint, the
# GitHub Actions workflow linter, built with Go from its tagged module. Does nothing when the pinned
# version is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
ACTIONLINT_VERSION=v1.7.12
bin="$PWD/.tools/bin"
if [ -x "$bin/actionlint" ] && [ "$("$bin/actionlint" -version | head -n 1)" = "$ACTIONLINT_VERSION" ]; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "error: Go is needed to install actionlint $ACTIONLINT_VERSION into .tools/bin (install Go 1.25 or newer)" >&2
  exit 2
fi
echo "Installing actionlint $ACTIONLINT_VERSION into .tools/bin..."
mkdir -p "$bin"
GOBIN="$bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
