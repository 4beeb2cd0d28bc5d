#!/usr/bin/env bash
# The one test command: installs what the tests need (Debian packages, npm
# dependencies), checks formatting and lint (Biome), builds, and runs every
# unit and integration test — the architecture fence among them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
npm ci --no-audit --no-fund --loglevel=error
npx --no-install biome ci --colors=off .
npm test
