#!/usr/bin/env bash
# Runs every check of GAN Studio: formatting, clippy, and the native tests (Burn's flex CPU
# backend). Works on a fresh machine: it needs only the Rust toolchain.
#
# Builds go to $CARGO_TARGET_DIR, by default a directory outside the clone, so that later
# runs (and CI on the same machine) reuse the compiled dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/gan-studio/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (native, all targets)"
cargo clippy --release --all-targets --locked -- -D warnings

step "native tests (release build, flex backend)"
cargo test --release --locked
