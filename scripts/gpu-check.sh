#!/usr/bin/env bash
# GAN Studio's real-GPU check (issue 25): for a machine with an NVIDIA GPU, a Vulkan driver and
# no network. It builds, installs and fetches nothing.
#
#   GAN_BIN=PATH scripts/gpu-check.sh [--presets mlp,dcgan,dcgan-64,cdcgan-half,cdcgan]
#                                     [--steps N] [--tolerance T] [--backend wgpu|vulkan]
#
# The GPU runs `gan --backend wgpu`: burn-wgpu with the page's WGSL kernels, on Vulkan (the
# CLI says which adapter on stderr). `--backend vulkan` takes burn's SPIR-V kernels instead
# (a gan built with --features vulkan; on lavapipe it crashes, docs/BACKENDS.md).
#
# 1. Samples: for each preset with shipped weights (weights/<preset>.bpk),
#    the generator draws the same 8x8 grid (seed 1) on flex (the CPU) and on the GPU
#    (`gan sample --raw`), and the check prints the largest and the mean absolute difference
#    of the values. Where the largest is over the tolerance (default 1e-3: an eighth of one
#    of the PNG's 256 grey levels over [-1, 1]) or not a number, the check fails (exit 1,
#    after the benchmark).
# 2. Speed: scripts/bench.sh --offline --adapter gpu --runners pytorch,native --backend wgpu:
#    the CLI on the GPU and tools/bench/torch_ref.py on CUDA, every preset at batch 64
#    (--steps timed steps, default 10), then bench.sh's markdown table (with node; where node is missing, the runners' JSON
#    lines, for `node tools/bench/report.mjs` elsewhere). PyTorch is the Python of
#    $GAN_BENCH_VENV (default ~/.cache/gan-studio/bench-venv); where that has none, a line
#    says so and its rows are left out.
#
# What it needs there: this repository's tree (weights/, tools/bench/, scripts/bench.sh), a
# `gan` built beforehand with wgpu as GAN_BIN (x86-64, glibc no newer than the GPU machine's;
# about 79 MB stripped, 24 MB gzipped):
#   CARGO_TARGET_DIR=/tmp/gpu-target cargo build --release --locked --features wgpu --bin gan
# the Vulkan loader, libvulkan.so.1 (where `ldconfig -p | grep libvulkan` prints nothing,
# carried as /work/.library/device/README.md says: the .gl folder below), PyTorch with CUDA
# for its rows, and node for the table.
#
# On this workplace's device machine (the device tool's `run`), from the repository root here:
#   once: echo /.gl/ >>.git/info/exclude; mkdir -p .gl /tmp/amd64/partial
#         o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
#         apt-get $o update; (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 \
#           libopengl0 libgl1 libglx0 libgles2)
#         echo /.gpu-check/ >>.git/info/exclude; mkdir -p .gpu-check
#         strip -o .gpu-check/gan /tmp/gpu-target/release/gan && gzip -9 .gpu-check/gan
#   run, with carry [".gl", ".gpu-check"] (the image's python3, /opt/torch/.venv, has PyTorch):
#     set -o pipefail; for f in .gl/*.deb; do dpkg -x $f /; done; ldconfig; gzip -dc .gpu-check/gan.gz >/tmp/gan; chmod +x /tmp/gan; GAN_BIN=/tmp/gan GAN_BENCH_VENV=/opt/torch/.venv scripts/gpu-check.sh 2>&1 | tee $OUT/gpu-check.log
# The tool sends at most 64 MiB and the tracked tree alone is about 62 MB (2026-12): the
# binary does not fit beside it yet (docs/BACKENDS.md, "Real-GPU check").
#
# Where no Vulkan driver is registered but the NVIDIA one is at
# /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json (as there), the check points
# VK_DRIVER_FILES at it. On a CPU, lavapipe (Debian's mesa-vulkan-drivers) stands in for the
# GPU: `--presets mlp,dcgan --steps 2` takes a few minutes (docs/BACKENDS.md has such a run).
set -euo pipefail
cd "$(dirname "$0")/.."

presets="mlp,dcgan,dcgan-64,cdcgan-half,cdcgan"
steps=10
tolerance=1e-3
backend=wgpu
scratch="" # the samples' files, a temporary directory
grid=8x8
seed=1
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
die() { echo "gpu-check.sh: $*" >&2; exit 1; }

parse_args() {
  while (($#)); do
    case "$1" in
      --presets) presets="${2:?--presets needs a list}"; shift 2 ;;
      --steps) steps="${2:?--steps needs a number}"; shift 2 ;;
      --tolerance) tolerance="${2:?--tolerance needs a number}"; shift 2 ;;
      --backend) backend="${2:?--backend needs wgpu or vulkan}"; shift 2 ;;
      -h | --help) usage; exit 0 ;;
      *) echo "gpu-check.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
  done
  [[ "$steps" =~ ^[1-9][0-9]*$ ]] || die "--steps must be a positive whole number, not $steps"
  [[ "$backend" == wgpu || "$backend" == vulkan ]] || die "--backend is wgpu or vulkan, not $backend"
  [[ "$tolerance" =~ ^[0-9.]+([eE]-?[0-9]+)?$ ]] || die "--tolerance must be a number, not $tolerance"
}

# The machine: the GPU, the Vulkan loader and driver, and the CLI.
check_machine() {
  [[ -n "${GAN_BIN:-}" ]] || die "GAN_BIN is not set: point it at a gan built with --features $backend (see --help)"
  [[ -x "$GAN_BIN" ]] || die "GAN_BIN=$GAN_BIN is not an executable file"
  GAN_BIN=$(realpath "$GAN_BIN")
  export GAN_BIN
  "$GAN_BIN" --version >/dev/null || die "$GAN_BIN does not run here (built for another machine?)"
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi -L
  else
    echo "no nvidia-smi: no NVIDIA GPU here; the check runs on whichever Vulkan driver there is"
  fi
  ldconfig -p | grep -q 'libvulkan\.so\.1' ||
    die "no Vulkan loader (libvulkan.so.1): unpack the carried .gl first: for f in .gl/*.deb; do dpkg -x \$f /; done; ldconfig"
  if [[ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]] &&
    ! compgen -G '/usr/share/vulkan/icd.d/*.json' >/dev/null &&
    ! compgen -G '/etc/vulkan/icd.d/*.json' >/dev/null && [[ -f "$nvidia_icd" ]]; then
    export VK_DRIVER_FILES="$nvidia_icd"
  fi
  local drivers="${VK_DRIVER_FILES:-${VK_ICD_FILENAMES:-}}"
  [[ -n "$drivers" ]] || drivers=$({ compgen -G '/usr/share/vulkan/icd.d/*.json'; compgen -G '/etc/vulkan/icd.d/*.json'; } | xargs) || true
  echo "Vulkan drivers: ${drivers:-none found in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d}"
}

# The largest and mean absolute difference of two files of little-endian f32, the count of
# pairs compared, and how many lines are not a pair of numbers (NaN, infinity, or one file
# longer): "MAX MEAN COUNT BAD".
differences() {
  paste <(od -An -v -w4 -tf4 "$1") <(od -An -v -w4 -tf4 "$2") | awk '
    NF != 2 || $1 ~ /nan|inf/ || $2 ~ /nan|inf/ { bad++; next }
    { d = $1 - $2; if (d < 0) d = -d; if (d > max) max = d; sum += d; n++ }
    END { printf "%.3e %.3e %d %d\n", max, n ? sum / n : 0, n, bad }'
}

# Draws each shipped generator on flex and on the GPU's backend and compares the values; 1 if
# any differ by more than the tolerance.
check_samples() {
  local dir="$1" preset failed=0
  printf '\n== samples: flex against %s (%s grid, seed %s, tolerance %s)\n' "$backend" "$grid" "$seed" "$tolerance"
  for preset in ${presets//,/ }; do
    local weights="weights/$preset.bpk" on
    if [[ ! -f "$weights" ]]; then
      echo "$preset: no shipped weights ($weights): not compared"
      continue
    fi
    for on in flex "$backend"; do
      "$GAN_BIN" sample --weights "$weights" --grid "$grid" --seed "$seed" --scale 1 \
        --backend "$on" --out "$dir/$preset-$on.png" --raw "$dir/$preset-$on.f32" \
        >/dev/null || die "gan sample --backend $on failed for $preset"
    done
    local max mean count bad verdict=ok
    read -r max mean count bad < <(differences "$dir/$preset-flex.f32" "$dir/$preset-$backend.f32")
    if ((bad)) || ((count == 0)) || awk -v m="$max" -v t="$tolerance" 'BEGIN { exit !(m > t) }'; then
      verdict="DIFFERENT (tolerance $tolerance)"
      failed=1
    fi
    echo "$preset: $count values, max |flex - $backend| = $max, mean = $mean, non-numbers or unpaired: $bad: $verdict"
  done
  return "$failed"
}

main() {
  parse_args "$@"
  check_machine
  local samples=0
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  check_samples "$scratch" || samples=$?
  scripts/bench.sh --offline --adapter gpu --runners pytorch,native --backend "$backend" \
    --presets "$presets" --steps "$steps"
  if ((samples)); then
    echo "gpu-check.sh: the GPU's samples differ from the CPU's by more than $tolerance (above)" >&2
    exit 1
  fi
  printf '\ngpu-check.sh: the GPU'"'"'s samples equal the CPU'"'"'s within %s\n' "$tolerance"
}

main "$@"
