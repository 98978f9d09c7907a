// Benchmark of training in the page (not a test: it prints figures and asserts nothing).
//
//   node tests/e2e/bench-train.mjs     (after `trunk build --release` and `cargo build --release`)
//
// For each preset, at batch 64 and seed 1 (`gan bench`'s settings): the page's wasm Trainer
// starts a fresh run, takes one untimed warm-up step (it compiles the kernels), then
//   - per step: `train(1)` GAN_BENCH_STEPS times, each awaited (one read per step, as the
//     CLI's bench reads each step's losses): the median ms;
//   - chunked: one `train(GAN_BENCH_STEPS)` call (one read for all, as the panel's play loop
//     does): its ms divided by the steps;
// and beside them the native CLI's `gan bench --model P --batch 64 --steps N --warmup 1`
// median (flex backend, this machine's CPU).
//
// Settings (environment):
//   GAN_BENCH_PRESETS  comma-separated presets (default mlp,dcgan,cdcgan-half,cdcgan)
//   GAN_BENCH_STEPS    timed steps per preset (default 3)
//   GAN_BENCH_BATCH    batch size (default 64)
//   GAN_BENCH_ADAPTER  "swiftshader" (default: Chromium's CPU WebGPU, as in the tests) or
//                      "gpu" (let Chromium pick the machine's GPU)
//   GAN_DIST, CHROMIUM, GAN_BIN  as for the tests (see harness.mjs and run.sh)
//
// On SwiftShader a DCGAN step at batch 64 takes minutes and the course-width conditional
// DCGAN far longer; pick presets and steps to suit the time you have.

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { DIST, WEBGPU_ARGS, launch, closeAll } from "./harness.mjs";
import { startServer } from "./server.mjs";

const PRESETS = (process.env.GAN_BENCH_PRESETS ?? "mlp,dcgan,cdcgan-half,cdcgan").split(",").map((s) => s.trim());
const STEPS = Number(process.env.GAN_BENCH_STEPS ?? 3);
const BATCH = Number(process.env.GAN_BENCH_BATCH ?? 64);
const ADAPTER = process.env.GAN_BENCH_ADAPTER ?? "swiftshader";
const TARGET = process.env.CARGO_TARGET_DIR ?? join(homedir(), ".cache", "gan-studio", "target");
const GAN_BIN = process.env.GAN_BIN ?? join(TARGET, "release", "gan");
const HOUR = 60 * 60_000;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (v) => (v === null || v === undefined ? "–" : v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** The CLI's median ms per step for `preset` (null when the CLI is missing or fails). */
function nativeBench(preset) {
  if (!existsSync(GAN_BIN)) return { median: null, note: `no CLI at ${GAN_BIN}` };
  try {
    const out = execFileSync(GAN_BIN, [
      "bench", "--model", preset, "--batch", String(BATCH), "--steps", String(STEPS), "--warmup", "1",
    ], { encoding: "utf8" });
    const found = /median_ms=([\d.]+)/.exec(out);
    return { median: found ? Number(found[1]) : null, note: out.trim() };
  } catch (error) {
    return { median: null, note: `gan bench failed: ${error.stderr || error.message}` };
  }
}

const args = ADAPTER === "swiftshader" ? WEBGPU_ARGS : ["--enable-unsafe-webgpu"];
const server = await startServer(DIST);
const rows = [];
try {
  const browser = await launch(args);
  browser.setDefaultTimeout(HOUR);
  const page = await browser.newPage();
  await page.goto(server.url + "#n=1", { waitUntil: "domcontentloaded" });
  await page.waitForFunction(
    () => document.querySelector("#status")?.dataset.state !== "loading" && window.ganStudio?.trainer,
    null, { timeout: HOUR, polling: 200 });
  const adapter = await page.evaluate(async () => {
    const a = await navigator.gpu?.requestAdapter();
    return a ? `${a.info?.vendor} ${a.info?.architecture}`.trim() : "none";
  });
  const backend = await page.$eval("#backend", (el) => el.dataset.backend);
  console.log(`page backend ${backend}, WebGPU adapter: ${adapter}; batch ${BATCH}, seed 1, ${STEPS} timed steps`);

  for (const preset of PRESETS) {
    const started = Date.now();
    const web = await page.evaluate(async ({ preset, batch, steps }) => {
      const { PRESETS: presets } = await import("./trainer.js");
      const panel = window.ganStudio.trainer;
      const trainer = await panel.ensureTrainer();
      const train = {
        lr_g: 2e-4, lr_d: 2e-4, beta1: 0.5, beta2: 0.999, batch_size: batch, loss: "non-saturating", seed: 1,
      };
      // Through the panel's queue, so nothing else uses the Trainer meanwhile.
      return panel.exclusive(async () => {
        trainer.reset(JSON.stringify(presets[preset].model), JSON.stringify(train));
        let t0 = performance.now();
        await trainer.train(1, "both");
        const warmup = performance.now() - t0;
        const perStep = [];
        for (let i = 0; i < steps; i++) {
          t0 = performance.now();
          await trainer.train(1, "both");
          perStep.push(performance.now() - t0);
        }
        t0 = performance.now();
        await trainer.train(steps, "both");
        const chunked = (performance.now() - t0) / steps;
        return { warmup, perStep, chunked };
      });
    }, { preset, batch: BATCH, steps: STEPS });
    const native = nativeBench(preset);
    const row = {
      preset,
      warmup: web.warmup,
      perStep: median(web.perStep),
      chunked: web.chunked,
      native: native.median,
      wall: (Date.now() - started) / 1000,
    };
    rows.push(row);
    console.log(`${preset}: browser warm-up ${ms(row.warmup)} ms, per step ${web.perStep.map(ms).join(" / ")} ms, ` +
      `chunked ${ms(row.chunked)} ms/step; native: ${native.note.split("\n").at(-1)} (${row.wall.toFixed(0)} s)`);
  }
} finally {
  await closeAll();
  await server.close();
}

console.log("");
console.log("preset        browser ms/step (1 per call)  browser ms/step (chunked)  native CLI ms/step (flex)");
for (const r of rows) {
  console.log(`${r.preset.padEnd(13)} ${ms(r.perStep).padStart(28)}  ${ms(r.chunked).padStart(25)}  ${ms(r.native).padStart(25)}`);
}
