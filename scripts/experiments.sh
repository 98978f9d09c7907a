#!/usr/bin/env bash
# The course's experiments with the DCGAN, each a short run from the same seed that changes
# one thing against the defaults: nz 10 / 100 / 1000, ngf/ndf halved and doubled, DCGAN init
# vs Burn's default, and every generator loss (non-saturating is the baseline; saturating,
# least squares, hinge, WGAN with clipping, WGAN with spectral normalisation, each with its
# paper's settings; and the two losses that need a discriminator of their own, each on its
# preset: WGAN-GP's gradient penalty on its critic without BatchNorm, BEGAN's equilibrium on
# its autoencoder, both with the DCGAN's generator). Each run trains for $STEPS steps
# (default 1500; a WGAN step is 5 critic updates and one generator update), then `gan eval`
# scores it and `gan sample` draws an 8x8 grid (seed 7); for the loss runs `gan bench` also
# times 5 of its steps.
#
# Checkpoints go to $EXP_DIR (default /tmp/gan-experiments); grids and the figures go to
# weights/experiments/, one row per run in a tab-separated file: results.tsv (name, flags,
# steps, seconds, digits covered, mean confidence, Fréchet distance, histogram), and for the
# loss runs losses.tsv (the same with ms per step after the seconds). A run whose checkpoint
# exists is not trained again, so the script can be stopped and restarted.
#
# Usage: scripts/experiments.sh [name ... | losses] (default: all; `losses` is every loss);
# GAN=/path/to/gan uses that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/gan-studio/target}"
steps="${STEPS:-1500}"
exp_dir="${EXP_DIR:-/tmp/gan-experiments}"
out_dir=weights/experiments
mkdir -p "$exp_dir" "$out_dir"
if [ -z "${GAN:-}" ]; then
  cargo build --release --locked --bin gan
fi
gan="${GAN:-$CARGO_TARGET_DIR/release/gan}"

declare -A flags=(
  [baseline]=""
  [nz10]="--nz 10"
  [nz1000]="--nz 1000"
  [half-width]="--ngf 16 --ndf 16"
  [double-width]="--ngf 64 --ndf 64"
  [default-init]="--init default"
  [saturating]="--loss saturating"
  [lsgan]="--loss least-squares"
  [hinge]="--loss hinge"
  [wgan-clip]="--loss wgan-clip"
  [wgan-sn]="--loss wgan-sn"
  [wgan-gp]="--loss wgan-gp"
  [began]="--loss began"
)
# The preset each run starts from: the DCGAN's, but where the loss needs its own critic.
declare -A models=([wgan-gp]=wgan-gp [began]=began)
losses=(baseline saturating lsgan hinge wgan-clip wgan-sn wgan-gp began)
order=(baseline nz10 nz1000 default-init half-width double-width "${losses[@]:1}")
[ $# -gt 0 ] && order=("$@")
[ "${order[*]}" = losses ] && order=("${losses[@]}")

for name in "${order[@]}"; do
  ckpt="$exp_dir/$name-$steps.bpk"
  model="${models[$name]:-dcgan}"
  seconds=""
  if [ ! -f "$ckpt" ]; then
    start=$(date +%s)
    # shellcheck disable=SC2086
    "$gan" train --model "$model" ${flags[$name]} --steps "$steps" --seed 1 \
      --out "$ckpt" --save-every 500 --log-every 500
    seconds=$(( $(date +%s) - start ))
  fi
  "$gan" sample --weights "$ckpt" --grid 8x8 --seed 7 --out "$out_dir/$name-$steps.png"
  report=$("$gan" eval --weights "$ckpt" --json)
  row=$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print("\t".join(str(x) for x in [r["digits_covered"], round(r["mean_confidence"],3), round(r["frechet_distance"],2), " ".join(map(str, r["class_histogram"]))]))' "$report")
  case " ${losses[*]} " in
    *" $name "*)
      # shellcheck disable=SC2086
      bench=$("$gan" bench --model "$model" ${flags[$name]} --steps 5 --samples 0)
      ms=$(sed -n 's/.* median_ms=\([0-9.]*\).*/\1/p' <<<"$bench")
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "${flags[$name]:--}" "$steps" "${seconds:-?}" \
        "${ms:-?}" "$row" | tee -a "$out_dir/losses.tsv" ;;
    *)
      printf '%s\t%s\t%s\t%s\t%s\n' "$name" "${flags[$name]:--}" "$steps" "${seconds:-?}" "$row" \
        | tee -a "$out_dir/results.tsv" ;;
  esac
done
