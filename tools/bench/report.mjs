// The markdown table of scripts/bench.sh: every runner's figures for every preset, side by side.
//
//   node tools/bench/report.mjs RESULTS.jsonl...
//
// Reads JSON objects, one a line (other lines are ignored), as tools/bench/torch_ref.py
// (runner "pytorch"), scripts/bench.sh's native runner ("native") and
// tests/e2e/bench-train.mjs ("page-cpu", "page-cpu-1thread", "page-webgpu") print them, and prints on stdout a
// line of FLOPs per training step (PyTorch's count) and the table: ms per step, the ratios
// against PyTorch and against the native CLI, ms per 100 samples, GFLOP/s (PyTorch's FLOPs per
// step / seconds per step: the same model math on every runner), GPU dispatches per step and
// the longest frame gap on the page's main thread, then the notes of rows that have one, then
// issue 25's goals, each met or missed by the figures above (or not measured in this run).

import { readFileSync } from "node:fs";

const PRESET_ORDER = ["mlp", "dcgan", "dcgan-64", "cdcgan-half", "cdcgan"];
/** Issue 25's goals: a runner's step at most 1.3x its reference's, half of 701 dispatches. */
const MAX_RATIO = 1.3;
const MAX_DCGAN_DISPATCHES = 350;
const RUNNER_ORDER = ["pytorch", "native", "page-cpu", "page-cpu-1thread", "page-webgpu"];

const rows = process.argv.slice(2)
  .flatMap((file) => readFileSync(file, "utf8").split("\n"))
  .filter((line) => line.startsWith("{"))
  .map((line) => JSON.parse(line));

const rank = (order, key) => (order.includes(key) ? order.indexOf(key) : order.length);
rows.sort((a, b) => rank(PRESET_ORDER, a.preset) - rank(PRESET_ORDER, b.preset)
  || rank(RUNNER_ORDER, a.runner) - rank(RUNNER_ORDER, b.runner));

const known = (v) => typeof v === "number" && Number.isFinite(v);
const dash = "–";
const ms = (v) => (!known(v) ? dash : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const ratio = (v, base) => (known(v) && known(base) && base > 0 ? `${(v / base).toFixed(2)}x` : dash);
const gflops = (flops) => (known(flops) ? (flops / 1e9).toFixed(2) : dash);

/** How a runner's row is named in the table. */
function label(row) {
  switch (row.runner) {
    case "pytorch": return `PyTorch ${row.torch ?? ""} (${row.device}, ${row.threads} threads)`;
    case "native": return `native CLI (${row.backend})`;
    case "page-cpu": return `page, CPU (${row.cpu_threads ?? "?"} thread${row.cpu_threads === 1 ? "" : "s"})`;
    case "page-cpu-1thread": return "page, CPU (not isolated: 1 thread)";
    case "page-webgpu": return `page, WebGPU (${row.adapter ?? "?"})`;
    default: return row.runner;
  }
}

const find = (preset, runner) => rows.find((r) => r.preset === preset && r.runner === runner);
const flopsOf = (preset) => find(preset, "pytorch")?.flops_per_step;

const presets = [...new Set(rows.map((r) => r.preset))];
const counted = presets.filter((p) => known(flopsOf(p)));
if (counted.length > 0) {
  console.log(`FLOPs per training step (PyTorch's FlopCounterMode: matmuls and convolutions of both ` +
    `networks, forward and backward): ${counted.map((p) => `${p} ${gflops(flopsOf(p))} GFLOP`).join(", ")}`);
  console.log("");
}

console.log("| preset | runner | ms/step | chunked ms/step | vs PyTorch | vs native | ms/100 samples | GFLOP/s | dispatches/step | longest frame gap (ms) |");
console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
const notes = [];
for (const row of rows) {
  const mark = row.note ? ` [${notes.push(`${row.preset}, ${label(row)}: ${row.note}`)}]` : "";
  if (row.skipped) {
    console.log(`| ${row.preset} | ${label(row)} | ${row.skipped} | ${Array(8).fill(dash).join(" | ")} |`);
    continue;
  }
  const torch = find(row.preset, "pytorch")?.step_ms;
  const native = find(row.preset, "native")?.step_ms;
  const flops = flopsOf(row.preset);
  const rate = known(flops) && known(row.step_ms) ? gflops(flops / (row.step_ms / 1000)) : dash;
  const dispatches = known(row.dispatches_per_step) ? row.dispatches_per_step.toFixed(0) : dash;
  console.log(`| ${row.preset} | ${label(row)}${mark} | ${ms(row.step_ms)} | ${ms(row.chunked_ms)} | ` +
    `${ratio(row.step_ms, torch)} | ${ratio(row.step_ms, native)} | ${ms(row.sample_ms)} | ${rate} | ` +
    `${dispatches} | ${ms(row.frame_gap_ms)} |`);
}
if (notes.length > 0) {
  console.log("");
  notes.forEach((note, i) => console.log(`[${i + 1}] ${note}`));
}

let missed = 0;
/** "met" or "missed" for a figure against its bound (at most), or "not measured". */
function verdict(value, bound, what) {
  if (!known(value)) return `not measured (${what})`;
  const met = value <= bound;
  if (!met) missed += 1;
  return `${met ? "met" : "**missed**"} (${what})`;
}

console.log("");
console.log("Goals (issue 25):");
for (const preset of presets.filter((p) => p !== "mlp")) {
  const torch = find(preset, "pytorch")?.step_ms;
  const native = find(preset, "native")?.step_ms;
  const page = find(preset, "page-cpu")?.step_ms;
  const nativeRatio = known(native) && known(torch) ? native / torch : NaN;
  const pageRatio = known(page) && known(native) ? page / native : NaN;
  console.log(`- ${preset}: native step ≤ ${MAX_RATIO}x PyTorch's: ` +
    verdict(nativeRatio, MAX_RATIO, `${ratio(native, torch)}`));
  console.log(`- ${preset}: the page's CPU step ≤ ${MAX_RATIO}x native's: ` +
    verdict(pageRatio, MAX_RATIO, `${ratio(page, native)}`));
}
const dispatches = find("dcgan", "page-webgpu")?.dispatches_per_step;
console.log(`- dcgan: WebGPU dispatches per step ≤ ${MAX_DCGAN_DISPATCHES}: ` +
  verdict(dispatches, MAX_DCGAN_DISPATCHES, known(dispatches) ? dispatches.toFixed(0) : "no WebGPU row"));
const threaded = find("dcgan", "page-cpu")?.sample_ms;
const single = find("dcgan", "page-cpu-1thread")?.sample_ms;
console.log("- dcgan: 100 samples on the page's threads no slower than on one thread: " +
  verdict(known(threaded) && known(single) ? threaded / single : NaN, 1, `${ms(threaded)} vs ${ms(single)} ms`));
if (missed > 0) {
  console.log("For each goal missed, docs/BACKENDS.md (\"Issue 25's goals\") has the profile that " +
    "explains it and what was tried.");
}
