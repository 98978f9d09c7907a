#!/usr/bin/env bash
# Builds the page's threaded CPU module: the same library as the page's main module, compiled
# with wasm atomics and shared memory so that flex and gemm run on a rayon pool of Web Workers
# (src/web/threads.rs), without WebGPU (the main module has it). The page loads it where it
# is cross-origin isolated (www/cpu-threads.js).
#
#   scripts/build-threads.sh [OUT_DIR]
#   scripts/build-threads.sh --clippy     (clippy on this build's code, for scripts/test.sh)
#
# Trunk runs it after each build (the post_build hook in Trunk.toml), writing to
# $TRUNK_STAGING_DIR/threads, which becomes dist/threads/. Without trunk, pass OUT_DIR.
#
# Wasm threads need a standard library built with atomics, which rustup ships for no stable
# wasm target: cargo's -Z build-std rebuilds it from source (rustup's rust-src component,
# which scripts/setup-web.sh installs) on the pinned stable toolchain (RUSTC_BOOTSTRAP=1 lets
# that toolchain take the -Z flag).
set -euo pipefail
cd "$(dirname "$0")/.."
clippy=false
if [[ "${1:-}" == --clippy ]]; then clippy=true; shift; fi
profile=web-threads # Cargo.toml: the main module's, with the arithmetic optimised for speed
target_dir="${CARGO_TARGET_DIR:-$PWD/target}/threads"

# RUSTFLAGS replaces .cargo/config.toml's flags for the target, so they are named again.
# The linker makes the memory shared and imported (each thread instantiates the module on
# it), with a maximum, which shared memory needs: 2 GiB (4 GiB can fail on 32-bit devices),
# and exports the thread-local storage symbols that wasm-bindgen's thread start-up uses.
link_args=(--shared-memory --import-memory --max-memory=2147483648
  --export=__wasm_init_tls --export=__tls_size --export=__tls_align --export=__tls_base)
export RUSTC_BOOTSTRAP=1
export RUSTFLAGS="-Z location-detail=none -C target-feature=+atomics,+bulk-memory,+mutable-globals,+simd128${link_args[*]/#/ -C link-arg=}"
build=(--locked --lib --target wasm32-unknown-unknown -Z build-std=panic_abort,std --target-dir "$target_dir")
if $clippy; then
  exec cargo clippy "${build[@]}" --release -- -D warnings
fi
out="${1:-${TRUNK_STAGING_DIR:?run by trunk, or give the output directory}/threads}"
cargo build "${build[@]}" --profile "$profile"

mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" \
  "$target_dir/wasm32-unknown-unknown/$profile/gan_studio.wasm"
