#!/usr/bin/env bash
# GAN Studio's benchmark (not a test: it prints figures and asserts nothing).
#
#   scripts/bench.sh [--adapter swiftshader|gpu] [--presets mlp,dcgan,dcgan-64,cdcgan-half,cdcgan]
#                    [--steps N] [--runners pytorch,native,page] [--paths cpu,cpu1,webgpu]
#                    [--backend flex|wgpu|vulkan] [--offline]
#
# For every preset at batch 64 it times a training step (D then G) and generating 100 samples
# (the generator in inference mode) on four runners ("dcgan-64", the DCGAN at --image-size 64,
# on PyTorch and the CLI only):
#   PyTorch      tools/bench/torch_ref.py, the same networks and step (CPU; CUDA with --adapter
#                gpu where PyTorch sees a GPU); it also counts the FLOPs of a step
#   native       `gan bench` (the CLI, flex backend; --backend picks another the CLI was built
#                with, e.g. wgpu: burn-wgpu with the page's WGSL kernels, on Vulkan)
#   page, CPU    the built page in headless Chromium without WebGPU, served cross-origin
#                isolated (wasm threads, one per core) and, as path "cpu1", served without
#                isolation (one thread)
#   page, WebGPU the same page on WebGPU: SwiftShader (Chromium's CPU emulation of a GPU) by
#                default, the machine's GPU with --adapter gpu
# and prints each runner's log, then a markdown table: ms/step, the ratios against PyTorch and
# the native CLI, ms/100 samples, GFLOP/s (PyTorch's FLOPs per step / time per step), GPU
# dispatches per step and the longest requestAnimationFrame gap while the page trains; and
# issue 25's goals beside them, each met, missed or not measured in this run.
#
# --runners picks the runners (default all; "page" is the page's paths, all three unless
# --paths names some). --steps N sets the timed steps of every runner; by default PyTorch and the CLI take 10, the
# page 3 on the CPU, 1 on SwiftShader (and only mlp,dcgan there unless --presets says so: a
# course-width cDCGAN step takes minutes) and 10 on a real GPU. The default run took about
# 3 minutes on this project's 2-core machine (with PyTorch installed). Without node the
# table is left to `node tools/bench/report.mjs`, and the runners' JSON lines are printed for it.
#
# First use installs what is missing: PyTorch from PyPI into a virtual environment at
# $GAN_BENCH_VENV (default ~/.cache/gan-studio/bench-venv; about 5 GB with its CUDA wheels),
# the CLI (cargo build --release --locked), the page (trunk build --release, if dist/ is
# missing), Chromium and the browser tests' npm packages. GAN_BIN, GAN_DIST and CHROMIUM
# point at other builds, as for the tests; GAN_BENCH_BROWSER_ARGS adds Chromium flags.
# --offline installs and builds nothing (scripts/gpu-check.sh, on a machine without network):
# a runner whose pieces are missing is left out, with a line saying what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/gan-studio/target}"
export GAN_DIST="${GAN_DIST:-$PWD/dist}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
venv="${GAN_BENCH_VENV:-$HOME/.cache/gan-studio/bench-venv}"
gan_bin="${GAN_BIN:-$CARGO_TARGET_DIR/release/gan}"
all_presets="mlp,dcgan,dcgan-64,cdcgan-half,cdcgan"
page_skips="dcgan-64" # the page's benchmark hook trains presets at their own image size
batch=64
torch_min_free_gb=8

adapter=swiftshader
presets=""
steps=""
runners="pytorch,native,page"
paths=""
backend=flex
offline=0
results="" # the runners' JSON lines, a temporary directory

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

parse_args() {
  while (($#)); do
    case "$1" in
      --adapter) adapter="${2:?--adapter needs swiftshader or gpu}"; shift 2 ;;
      --presets) presets="${2:?--presets needs a list}"; shift 2 ;;
      --steps) steps="${2:?--steps needs a number}"; shift 2 ;;
      --runners) runners="${2:?--runners needs a list}"; shift 2 ;;
      --paths) paths="${2:?--paths needs a list}"; shift 2 ;;
      --backend) backend="${2:?--backend needs a backend of gan bench}"; shift 2 ;;
      --offline) offline=1; shift ;;
      -h | --help) usage; exit 0 ;;
      *) echo "bench.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
  done
  if [[ "$adapter" != swiftshader && "$adapter" != gpu ]]; then
    echo "bench.sh: --adapter is swiftshader or gpu, not $adapter" >&2
    exit 2
  fi
  if [[ -n "$steps" && ! "$steps" =~ ^[1-9][0-9]*$ ]]; then
    echo "bench.sh: --steps must be a positive whole number, not $steps" >&2
    exit 2
  fi
}

wants() { [[ ",$runners," == *",$1,"* ]]; }

section() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }

# With --offline: says that `what` ($1) is not installed or built, and succeeds, so that the
# caller gives up on it; else fails.
offline_refuses() { ((offline)) && echo "--offline: no $1" >&2; }

# ------------------------------------------------------------------ PyTorch

ensure_torch() {
  if "$venv/bin/python" -c 'import torch' 2>/dev/null; then return 0; fi
  offline_refuses "PyTorch install into $venv" && return 1
  mkdir -p "$(dirname "$venv")"
  local free_gb
  free_gb=$(($(df -Pk "$(dirname "$venv")" | awk 'NR == 2 { print $4 }') / 1024 / 1024))
  if ((free_gb < torch_min_free_gb)); then
    echo "PyTorch needs about ${torch_min_free_gb} GB free beside $venv; there are ${free_gb} GB" >&2
    return 1
  fi
  echo "installing PyTorch into $venv (first use; large CUDA wheels)"
  python3 -m venv "$venv" && "$venv/bin/pip" install --progress-bar off torch numpy
}

torch_device() {
  if [[ "$adapter" != gpu ]]; then
    echo cpu
  elif "$venv/bin/python" -c 'import sys, torch; sys.exit(not torch.cuda.is_available())'; then
    echo cuda
  else
    echo "PyTorch sees no CUDA device: it runs on the CPU" >&2
    echo cpu
  fi
}

run_torch() {
  local out="$1"
  if ! ensure_torch; then
    echo "no PyTorch: its rows and the ratios against it are left out"
    return 0
  fi
  # PyTorch's own OpenMP settings: the runners take turns, so nothing else wants the cores.
  # (On a busy machine OpenMP's spinning threads made PyTorch 50-100x slower here; there,
  # OMP_WAIT_POLICY=PASSIVE scripts/bench.sh helps, at 5-25% of a quiet DCGAN step.)
  echo "OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-unset}"
  "$venv/bin/python" tools/bench/torch_ref.py \
    --presets "${presets:-$all_presets}" --steps "${steps:-10}" --batch "$batch" \
    --device "$(torch_device)" | tee "$out" || echo "tools/bench/torch_ref.py failed"
}

# ------------------------------------------------------------------ the native CLI

ensure_cli() {
  [[ -x "$gan_bin" ]] && return 0
  offline_refuses "build of the CLI" && return 1
  local features=()
  [[ "$backend" == flex ]] || features=(--features "$backend") # each other backend is a feature
  cargo build --release --locked --bin gan "${features[@]}"
}

# The value of `name=` in a `gan bench` line, or null.
field() {
  local value
  value=$(grep -o "$1=[0-9.]*" <<<"$2" | head -n 1 | cut -d= -f2)
  echo "${value:-null}"
}

run_native() {
  local out="$1" preset line
  if ! ensure_cli; then
    echo "no CLI at $gan_bin: its rows are left out"
    return 0
  fi
  local extra=()
  if "$gan_bin" bench --help | grep -q -- '--samples'; then
    extra=(--samples 100)
  else
    echo "(this gan bench has no --samples: no ms/100 samples for it)"
  fi
  local list="${presets:-$all_presets}"
  for preset in ${list//,/ }; do
    local model=(--model "$preset")
    [[ "$preset" != dcgan-64 ]] || model=(--model dcgan --image-size 64)
    if line=$("$gan_bin" bench "${model[@]}" --batch "$batch" --steps "${steps:-10}" \
      --warmup 1 --backend "$backend" "${extra[@]}" 2>&1); then
      echo "$preset: $line"
      printf '{"runner": "native", "preset": "%s", "backend": "%s", "step_ms": %s, "sample_ms": %s, "flops_per_step": %s}\n' \
        "$preset" "$backend" "$(field median_ms "$line")" "$(field sample_ms "$line")" \
        "$(field flops_per_step "$line")" >>"$out"
    else
      echo "$preset: gan bench failed: $line"
      printf '{"runner": "native", "preset": "%s", "note": "gan bench failed (see the log)"}\n' \
        "$preset" >>"$out"
    fi
  done
}

# ------------------------------------------------------------------ the page

ensure_page() {
  # Called as a condition, so `set -e` is off in here: each step chains on the last.
  if [[ ! -f "$GAN_DIST/index.html" ]] || ! compgen -G "$GAN_DIST/*_bg.wasm" >/dev/null; then
    offline_refuses "build of the page" && return 1
    scripts/setup-web.sh && trunk build --release || return 1
  fi
  if [[ ! -x "$CHROMIUM" ]]; then
    offline_refuses "Chromium install" && return 1
    scripts/setup-web.sh --browser || return 1
  fi
  local stamp=tests/e2e/node_modules/.package-lock.json
  if [[ ! -f "$stamp" || tests/e2e/package-lock.json -nt "$stamp" ]]; then
    offline_refuses "npm install of the browser tests' packages" && return 1
    (cd tests/e2e && npm ci --no-audit --no-fund) || return 1
  fi
}

run_page() {
  local out="$1"
  if ! ensure_page; then
    echo "the page or Chromium could not be set up: its rows are left out"
    return 0
  fi
  local args=(--adapter "$adapter") page_presets="" preset
  if [[ -n "$presets" ]]; then
    for preset in ${presets//,/ }; do
      [[ ",$page_skips," == *",$preset,"* ]] || page_presets+="${page_presets:+,}$preset"
    done
    [[ -n "$page_presets" ]] || { echo "no preset here runs in the page"; return 0; }
    args+=(--presets "$page_presets")
  fi
  [[ -z "$steps" ]] || args+=(--steps "$steps")
  [[ -z "$paths" ]] || args+=(--paths "$paths")
  node tests/e2e/bench-train.mjs "${args[@]}" 2>&1 >"$out" || echo "tests/e2e/bench-train.mjs failed"
}

# ------------------------------------------------------------------ main

main() {
  parse_args "$@"
  results=$(mktemp -d)
  trap 'rm -rf "$results"' EXIT
  if wants pytorch; then
    section "PyTorch reference (tools/bench/torch_ref.py)"
    run_torch "$results/torch.jsonl"
  fi
  if wants native; then
    section "native CLI ($gan_bin bench --backend $backend)"
    run_native "$results/native.jsonl"
  fi
  if wants page; then
    section "the page in headless Chromium (tests/e2e/bench-train.mjs, adapter $adapter)"
    run_page "$results/page.jsonl"
  fi
  section "results (batch $batch)"
  touch "$results"/{torch,native,page}.jsonl
  if command -v node >/dev/null; then
    node tools/bench/report.mjs "$results"/{torch,native,page}.jsonl
  else
    echo "no node here for the table: the runners' JSON lines follow (node tools/bench/report.mjs FILE makes it)"
    cat "$results"/{torch,native,page}.jsonl
  fi
}

main "$@"
