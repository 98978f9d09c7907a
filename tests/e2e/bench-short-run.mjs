// How short a short run is (not a test: it prints figures and asserts nothing). It opens the
// built page as a visitor would, in headless Chromium with WebGPU (SwiftShader here) served
// cross-origin isolated, presses the trainer panel's Play with the panel's defaults (the
// device the page measures faster, the default preset and settings, the quality meter on)
// and logs every score of the quality meter with the seconds since Play, until --minutes
// have passed. It ends with the first time the meter saw 8 or more digits covered.
//
//   node tests/e2e/bench-short-run.mjs [--minutes 5] [--cpu]   (after trunk build --release)
//
// --cpu runs Chromium without WebGPU. GAN_DIST and CHROMIUM as for the tests (harness.mjs).

import { parseArgs } from "node:util";
import { DIST, NO_WEBGPU_ARGS, WEBGPU_ARGS, launch, closeAll } from "./harness.mjs";
import { startServer } from "./server.mjs";

const { values: options } = parseArgs({
  options: { minutes: { type: "string", default: "5" }, cpu: { type: "boolean", default: false } },
});
const limitMs = Number(options.minutes) * 60_000;
const GOAL = 8; // digits covered

const server = await startServer(DIST);
try {
  const context = await launch(options.cpu ? NO_WEBGPU_ARGS : WEBGPU_ARGS);
  context.setDefaultTimeout(limitMs + 10 * 60_000);
  const page = await context.newPage();
  await page.goto(server.url, { waitUntil: "domcontentloaded" });
  await page.waitForFunction(
    () => document.querySelector("#status")?.dataset.state !== "loading" && window.ganStudio?.trainer,
    null, { polling: 200 });
  const settings = await page.evaluate(() => ({
    preset: document.querySelector("#train-preset").value,
    batch: document.querySelector("#train-batch").value,
    budget: document.querySelector("#train-budget").value,
    every: document.querySelector("#train-quality-every").value,
    samples: document.querySelector("#train-quality-n").value,
  }));
  console.log(`defaults: ${JSON.stringify(settings)}; Play for ${options.minutes} min`);
  const started = Date.now();
  await page.click("#train-play");
  let seen = 0;
  let sentence = null;
  let reached = null;
  while (Date.now() - started < limitMs) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const state = await page.evaluate(() => {
      const t = window.ganStudio.trainer;
      return { ...t.state, reports: t.quality.reports };
    });
    if (state.error) {
      console.log(`the trainer stopped: ${state.error}`);
      break;
    }
    if (state.deviceSentence && state.deviceSentence !== sentence) {
      sentence = state.deviceSentence;
      console.log(`${((Date.now() - started) / 1000).toFixed(0)} s: ${sentence}`);
    }
    for (const report of state.reports.slice(seen)) {
      const seconds = (Date.now() - started) / 1000;
      console.log(`${seconds.toFixed(0)} s: step ${report.step}, ${report.digits_covered} digits covered, ` +
        `Fréchet distance ${report.frechet_distance.toFixed(1)} (${state.stepsPerSecond?.toFixed(2)} steps/s)`);
      if (reached === null && report.digits_covered >= GOAL) reached = { seconds, step: report.step };
    }
    seen = state.reports.length;
  }
  const final = await page.evaluate(() => window.ganStudio.trainer.state);
  console.log(`after ${options.minutes} min: step ${final.step}, ${final.backend}` +
    `${final.cpuThreads ? ` (${final.cpuThreads} threads)` : ""}`);
  console.log(reached
    ? `${GOAL}+ digits covered first at ${reached.seconds.toFixed(0)} s (step ${reached.step})`
    : `${GOAL} digits were not covered within ${options.minutes} min`);
} finally {
  await closeAll();
  await server.close();
}
