// Benchmark of the built page (not a test: it prints figures and asserts nothing).
//
//   node tests/e2e/bench.mjs            (after `trunk build --release`; GAN_DIST overrides dist/)
//
// Prints, from headless Chromium (WebGPU on SwiftShader here, so absolute times are those of a
// CPU emulating a GPU; a real GPU is far faster):
// - time from navigation to the first grid (default view, 8x8 DCGAN);
// - ms to redraw after a z-slider change on a 10x10 grid (median of 20): the edited cell;
// - ms to redraw the whole 10x10 grid after a seed change (median of 20);
// - the size of each wasm module (the main one, the threaded CPU one), raw and gzipped.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";

const DIST = resolve(process.env.GAN_DIST ?? fileURLToPath(new URL("../../dist", import.meta.url)));
const RUNS = Number(process.env.GAN_BENCH_RUNS ?? 20);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The page's wasm modules: the main one and the threaded CPU one (dist/threads/). */
const wasmFiles = [
  readdirSync(DIST).find((f) => f.endsWith("_bg.wasm")),
  ...readdirSync(join(DIST, "threads")).filter((f) => f.endsWith("_bg.wasm")).map((f) => `threads/${f}`),
];
const wasmSizes = wasmFiles.map((file) => {
  const bytes = readFileSync(join(DIST, file));
  return { file, raw: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
});

const server = await startServer(DIST);
const profile = mkdtempSync(join(tmpdir(), "gan-studio-bench-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: false,
  ignoreDefaultArgs: ["--headless"],
  args: [
    "--headless=new", "--no-sandbox", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader", "--use-angle=swiftshader",
  ],
  viewport: { width: 1280, height: 1600 },
});

try {
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(server.url);
  await page.waitForFunction(
    () => Number(document.getElementById("grid-canvas").dataset.renderCount) > 0 ||
      document.getElementById("status").dataset.state === "error",
    null, { timeout: 600_000 });
  const firstGrid = Date.now() - started;
  const backend = await page.getAttribute("#backend", "data-backend");

  // A 10x10 grid, then time redraws inside the page (performance.now around the draw).
  await page.selectOption("#grid-size", "10");
  const timeRedraw = (trigger) => page.evaluate(async (trigger) => {
    const canvas = document.getElementById("grid-canvas");
    const before = Number(canvas.dataset.renderCount);
    const t0 = performance.now();
    if (trigger === "slider") {
      const slider = document.querySelector("#z-sliders input[data-dim='0']");
      slider.value = String((Number(slider.value) + 0.37) % 3);
      slider.dispatchEvent(new Event("input", { bubbles: true }));
    } else {
      const seed = document.getElementById("seed");
      seed.value = String(Number(seed.value) + 1);
      seed.dispatchEvent(new Event("change", { bubbles: true }));
    }
    while (Number(canvas.dataset.renderCount) === before) {
      await new Promise((r) => requestAnimationFrame(r));
    }
    return performance.now() - t0;
  }, trigger);
  await timeRedraw("seed"); // the 10x10 shape's kernels compile on first use
  await timeRedraw("slider");
  const slider = [];
  const grid = [];
  for (let i = 0; i < RUNS; i++) slider.push(await timeRedraw("slider"));
  for (let i = 0; i < RUNS; i++) grid.push(await timeRedraw("seed"));

  console.log(`backend                      ${backend}`);
  console.log(`navigation to first grid     ${firstGrid} ms`);
  console.log(`slider change, 10x10 grid    median ${median(slider).toFixed(1)} ms over ${RUNS} (redraws the edited cell)`);
  console.log(`seed change, full 10x10 grid median ${median(grid).toFixed(1)} ms over ${RUNS}`);
  for (const { file, raw, gzipped } of wasmSizes) {
    console.log(`wasm ${file}: ${raw.toLocaleString("en")} bytes raw, ${gzipped.toLocaleString("en")} gzip -9`);
  }
} finally {
  await context.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
