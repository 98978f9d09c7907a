// tools/bench/report.mjs, scripts/bench.sh's table: the ratios and issue 25's goals it prints
// from the runners' JSON lines.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const REPORT = new URL("../../tools/bench/report.mjs", import.meta.url).pathname;

/** report.mjs's output for `rows` (objects written one a line, as the runners print them). */
function report(rows) {
  const dir = mkdtempSync(join(tmpdir(), "gan-bench-report-"));
  try {
    const file = join(dir, "rows.jsonl");
    writeFileSync(file, rows.map((row) => JSON.stringify(row)).join("\n") + "\nnot a row\n");
    return execFileSync("node", [REPORT, file], { encoding: "utf8" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("each goal is met, missed or not measured, from the figures of one run", () => {
  const out = report([
    { runner: "native", preset: "dcgan-64", backend: "flex", step_ms: 360, sample_ms: 90 },
    { runner: "pytorch", preset: "dcgan", device: "cpu", threads: 2, torch: "2.15", step_ms: 80, sample_ms: 20, flops_per_step: 8e9 },
    { runner: "native", preset: "dcgan", backend: "flex", step_ms: 160, sample_ms: 30 },
    { runner: "pytorch", preset: "dcgan-64", device: "cpu", threads: 2, torch: "2.15", step_ms: 300, sample_ms: 80 },
    { runner: "page-cpu", preset: "dcgan", cpu_threads: 2, step_ms: 200, chunked_ms: 190, sample_ms: 60 },
    { runner: "page-cpu-1thread", preset: "dcgan", step_ms: 370, sample_ms: 61 },
    { runner: "page-webgpu", preset: "dcgan", adapter: "swiftshader", step_ms: 9000, dispatches_per_step: 701 },
  ]);
  const lines = out.split("\n");
  // The table lists dcgan before dcgan-64, PyTorch first; ratios and GFLOP/s from PyTorch's count.
  const table = lines.filter((l) => l.startsWith("| dcgan"));
  assert.deepEqual(table.map((l) => l.split(" | ").slice(0, 2).join(" | ")), [
    "| dcgan | PyTorch 2.15 (cpu, 2 threads)", "| dcgan | native CLI (flex)", "| dcgan | page, CPU (2 threads)",
    "| dcgan | page, CPU (not isolated: 1 thread)", "| dcgan | page, WebGPU (swiftshader)",
    "| dcgan-64 | PyTorch 2.15 (cpu, 2 threads)", "| dcgan-64 | native CLI (flex)",
  ]);
  assert.match(table[1], /\| 160 \| – \| 2\.00x \| 1\.00x \| 30\.0 \| 50\.00 \|/);
  const goals = lines.slice(lines.indexOf("Goals (issue 25):") + 1).filter((l) => l.startsWith("- "));
  assert.deepEqual(goals, [
    "- dcgan: native step ≤ 1.3x PyTorch's: **missed** (2.00x)",
    "- dcgan: the page's CPU step ≤ 1.3x native's: met (1.25x)",
    "- dcgan-64: native step ≤ 1.3x PyTorch's: met (1.20x)",
    "- dcgan-64: the page's CPU step ≤ 1.3x native's: not measured (–)",
    "- dcgan: WebGPU dispatches per step ≤ 350: **missed** (701)",
    "- dcgan: 100 samples on the page's threads no slower than on one thread: met (60.0 vs 61.0 ms)",
  ]);
  // Goals missed point to their profiles.
  assert.equal(lines.filter((l) => l.includes("docs/BACKENDS.md")).length, 1);
});

test("with every goal met, no pointer to the profiles", () => {
  const out = report([
    { runner: "pytorch", preset: "dcgan", device: "cpu", threads: 2, torch: "2.15", step_ms: 100, sample_ms: 20 },
    { runner: "native", preset: "dcgan", backend: "flex", step_ms: 120, sample_ms: 20 },
    { runner: "page-cpu", preset: "dcgan", cpu_threads: 2, step_ms: 150, sample_ms: 40 },
    { runner: "page-cpu-1thread", preset: "dcgan", step_ms: 300, sample_ms: 45 },
    { runner: "page-webgpu", preset: "dcgan", adapter: "gpu", step_ms: 10, dispatches_per_step: 300 },
  ]);
  assert.equal(out.split("\n").filter((l) => l.includes("**missed**")).length, 0);
  assert.ok(!out.includes("docs/BACKENDS.md"), out);
});
