#!/usr/bin/env bash
# Runs GAN Studio's browser tests against an existing build:
#   devices.test.mjs     the device sentences (node only)
#   device-loss.test.mjs a lost GPU: the explorer and the trainer carry on on the CPU
#   explorer.test.mjs    the explorer (the interpolation's looping GIF included)
#   layout.test.mjs      the layout at 390, 1280 and 1920 px (the explorer and the lab)
#   family.test.mjs      the course's GAN family: every preset, ACGAN, InfoGAN, the losses
#   data-sets.test.mjs   the Data set menu: Fashion-MNIST trained and named, MNIST again, a
#                        bad link, a checkpoint that takes the page to its data set
#   fuzz.test.mjs        100 malformed checkpoints, through the CLI and the page
#   invert.test.mjs      Find z (the pad, a held-out digit), the nearest training digits,
#                        a dropped PyTorch file
#   lab.test.mjs         the 2-D lab: modes covered, heatmap and arrows, one side at a time,
#                        drawn data, the CSV and PNG, two panes, bad links and errors
#   persist.test.mjs     a run survives a reload
#   privacy.test.mjs     requests stay on the page's origin
#   robustness.test.mjs  bad values: 1,000 URL hashes, out-of-range settings
#   runs.test.mjs        the Runs panel: two runs compared (curves, read-out, one slider for
#                        both grids), CSV, a GIF the browser decodes, a WebM it plays (and a
#                        browser without WebM recording), a reload, a resume, the course's
#                        shipped results, the queue of experiments, no IndexedDB
#   trainer.test.mjs     the trainer panel
#   threads.test.mjs     the CPU's wasm threads
# against an existing build, served by server.mjs (sirv).
#
# It does not build the page: run `trunk build --release` first (dist/ at the repository
# root), or point GAN_DIST at another build. The trainer's tests also run the native CLI
# (GAN_BIN, by default $CARGO_TARGET_DIR/release/gan: `cargo build --release` makes it). Needs node >= 20, npm, and Chromium at
# /usr/bin/chromium (or CHROMIUM=/path); the npm packages (package.json: playwright-core, which
# never downloads a browser, pngjs and sirv) are installed on first use. Exit status: the test run's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export GAN_DIST="${GAN_DIST:-$root/dist}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export GAN_BIN="${GAN_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/gan-studio/target}/release/gan}"
# playwright-core never downloads browsers, but make sure nothing tries.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [[ ! -f "$GAN_DIST/index.html" ]] || ! compgen -G "$GAN_DIST/*_bg.wasm" >/dev/null; then
  echo "run.sh: no built page at $GAN_DIST (index.html and *_bg.wasm)." >&2
  echo "        Build it first: trunk build --release   (or set GAN_DIST)" >&2
  exit 2
fi
if [[ ! -x "$GAN_BIN" ]]; then
  echo "run.sh: no gan CLI at $GAN_BIN (cargo build --release, or set GAN_BIN)" >&2
  exit 2
fi
if [[ ! -x "$CHROMIUM" ]]; then
  echo "run.sh: no Chromium at $CHROMIUM (set CHROMIUM=/path/to/chromium)" >&2
  exit 2
fi

"$here/install.sh"
cd "$here"

exec node --test --test-concurrency=1 --test-reporter=spec "$@" devices.test.mjs device-loss.test.mjs explorer.test.mjs layout.test.mjs family.test.mjs data-sets.test.mjs fuzz.test.mjs invert.test.mjs lab.test.mjs persist.test.mjs privacy.test.mjs robustness.test.mjs runs.test.mjs trainer.test.mjs threads.test.mjs
