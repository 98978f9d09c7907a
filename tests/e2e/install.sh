#!/usr/bin/env bash
# Installs tests/e2e's npm packages (package-lock.json) when node_modules is missing or older
# than the lock file. run.sh (the browser tests) and lint.sh (ESLint) both start with it.
# None of the packages downloads a browser; PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD makes sure.
set -euo pipefail
cd "$(dirname "$0")"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
stamp=node_modules/.package-lock.json
if [[ ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
  npm ci --no-audit --no-fund
fi
