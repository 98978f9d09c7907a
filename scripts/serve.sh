#!/usr/bin/env bash
# Serves GAN Studio at http://127.0.0.1:8080/ (installing the wasm tools on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-web.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/gan-studio/target}"
exec trunk serve --release "$@"
