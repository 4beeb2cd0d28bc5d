#!/usr/bin/env bash
# The one test command: installs what the tests need (Debian packages, npm
# dependencies), builds, and runs every unit and integration test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
npm ci --no-audit --no-fund --loglevel=error
npm test
