#!/usr/bin/env bash
# Runs every check of GAN Studio: formatting, clippy (native, wasm and the threaded wasm), the
# native tests (Burn's flex CPU backend), ESLint on the page's scripts and the JS tests, the
# type check of the page's scripts (tsc), node tests of the page's pure logic, the page's wasm
# builds, and the browser tests that drive the built page in headless Chromium on WebGPU
# (SwiftShader). Installs what it needs on first use
# (wasm target, wasm-bindgen-cli, trunk, Debian's chromium; npm packages for the tests).
#
# Builds go to $CARGO_TARGET_DIR, by default a directory outside the clone, so that later
# runs (and CI on the same machine) reuse the compiled dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/gan-studio/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }

step "tools for the page and the browser tests"
scripts/setup-web.sh --browser

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (native, all targets)"
cargo clippy --release --all-targets --locked -- -D warnings

step "clippy (wasm: the page's API)"
cargo clippy --release --lib --target wasm32-unknown-unknown --locked -- -D warnings

step "clippy (wasm with threads: the threaded CPU module)"
scripts/build-threads.sh --clippy

step "native tests (release build, flex backend)"
cargo test --release --locked

step "eslint (the page's scripts and the JS tests and tools)"
tests/e2e/lint.sh

step "tsc --noEmit (the page's scripts: // @ts-check, typed by their JSDoc; tests/e2e/tsconfig.json)"
tests/e2e/install.sh
tests/e2e/node_modules/.bin/tsc --noEmit -p tests/e2e

step "the page's pure logic (node's test runner; the registry from the CLI just built)"
GAN_BIN="$CARGO_TARGET_DIR/release/gan" node --test tests/unit/

step "the page: trunk build --release"
trunk build --release

step "browser tests (headless Chromium, WebGPU on SwiftShader)"
tests/e2e/run.sh
