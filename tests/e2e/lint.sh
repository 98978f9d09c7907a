#!/usr/bin/env bash
# Lints GAN Studio's JavaScript with ESLint (@eslint/js's recommended rules): the page's
# scripts (www/) and the node scripts of the tests and tools (tests/, tools/). The rules are
# in tests/e2e/eslint.config.mjs, beside the npm packages it imports; ESLint runs from the
# repository root, where the config's patterns start. Installs the packages on first use
# (install.sh). Extra arguments go to eslint (e.g. --fix). Exit status: eslint's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/install.sh"
cd "$here/../.."
exec "$here/node_modules/.bin/eslint" --config tests/e2e/eslint.config.mjs --max-warnings 0 "$@" www tests tools
