#!/usr/bin/env bash
# Runs the native test suite NATIVE times and the browser suites BROWSER times against one
# build, and counts every test that failed, to find tests that fail only sometimes. Run it
# on a clean clone (as CI does) while the machine is loaded, for example by a parallel
# build or a training run: flakes from thread timing or from the order in which threads draw
# random numbers show up under load.
#
#   scripts/flake-hunt.sh [NATIVE [BROWSER]]      (defaults: 20 and 3)
#
# Logs go to $HUNT_DIR (default /tmp/gan-flake-hunt): one file per run, and counts.txt with
# each failed test and how many runs it failed in. Exit status: 0 when no test failed.
set -euo pipefail
cd "$(dirname "$0")/.."
native="${1:-20}"
browser="${2:-3}"
hunt_dir="${HUNT_DIR:-/tmp/gan-flake-hunt}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/gan-studio/target}"
export CARGO_TERM_COLOR=never
mkdir -p "$hunt_dir"
rm -f "$hunt_dir"/*.log "$hunt_dir/counts.txt"

echo "building the tests and the page once"
cargo test --release --locked --no-run
if [ "$browser" -gt 0 ]; then
  scripts/setup-web.sh --browser
  trunk build --release
fi

for i in $(seq 1 "$native"); do
  log="$hunt_dir/native-$i.log"
  if cargo test --release --locked --no-fail-fast >"$log" 2>&1; then
    echo "native run $i: ok"
  else
    echo "native run $i: FAILED (see $log)"
  fi
done
for i in $(seq 1 "$browser"); do
  log="$hunt_dir/browser-$i.log"
  if tests/e2e/run.sh >"$log" 2>&1; then
    echo "browser run $i: ok"
  else
    echo "browser run $i: FAILED (see $log)"
  fi
done

# A native failure is a line `test NAME ... FAILED`; a browser one, node's `✖ NAME`.
cat "$hunt_dir"/*.log \
  | sed -n -e 's/^test \(.*\) \.\.\. FAILED$/native: \1/p' -e 's/^ *✖ \(.*\) ([0-9.]*ms)$/browser: \1/p' \
  | sort | uniq -c | sort -rn >"$hunt_dir/counts.txt" || true
echo "runs: $native native, $browser browser; failed tests (runs failed in, test):"
if [ -s "$hunt_dir/counts.txt" ]; then
  cat "$hunt_dir/counts.txt"
  exit 1
fi
echo "none"
