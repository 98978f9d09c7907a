#!/usr/bin/env bash
# Installs what building and testing the page needs, skipping what is already there:
# the wasm32 Rust target and the standard library's source, wasm-bindgen-cli at the version
# in Cargo.lock, trunk 0.21,
# and (for the browser tests, with --browser) Debian's chromium. Nothing is downloaded
# from outside crates.io, npm and apt.
set -euo pipefail
cd "$(dirname "$0")/.."

bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
# The standard library's source: scripts/build-threads.sh rebuilds it with wasm atomics.
if ! rustup component list --installed | grep -q '^rust-src'; then
  rustup component add rust-src
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  # Not --locked: the CLI's own lockfile pins a yanked webpki-roots.
  cargo install wasm-bindgen-cli --version "$bindgen_version" --force
fi

if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
  # trunk 0.22 needs a newer rustc than this machine's.
  cargo install --locked trunk --version '^0.21' --force
fi

if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq
  DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq chromium
fi
