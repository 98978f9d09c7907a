// The page's memory over long runs (a script, not a test: it prints figures and draws a plot).
// It plays two runs in the trainer panel of the built page, as a visitor would: the MLP GAN
// for 5,000 steps at batch 64 and the DCGAN for 500 steps at batch 16 (views refreshed every
// 250 steps), and every 250 steps (every 50 for the DCGAN) samples
//   - the page's JS heap (after a garbage collection, through the DevTools protocol),
//   - the training worker's wasm memory (linear memory only grows: a leak shows as growth),
//   - the bytes of the GPU buffers the worker holds (WebGPU only; 0 on the CPU path).
// It prints a table per run and whether each figure stays within 10% of its value at the end
// of the warm-up (the first tenth of the run, at least 250 steps: the first views, the
// quality meter's classifier and the allocator's first pools), and draws the curves.
//
//   node tests/e2e/long-run.mjs [--device cpu|webgpu] [--out /tmp/long-run.png]
//     GAN_DIST=/path/to/dist (default: dist/ at the repository root)
//
// WebGPU here is SwiftShader (a CPU emulating a GPU): the MLP's 5,000 steps take hours there.

import { writeFileSync } from "node:fs";
import { DIST, NO_WEBGPU_ARGS, WEBGPU_ARGS, launch, closeAll } from "./harness.mjs";
import { startServer } from "./server.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const device = option("device", "cpu");
const out = option("out", "/tmp/long-run.png");
const RUNS = [
  { preset: "mlp", batch: 64, steps: 5000, every: 250 },
  { preset: "dcgan", batch: 16, steps: 500, every: 50 },
];
/** Steps before the figures are expected to be flat. */
const warmUp = (run) => Math.max(250, run.steps / 10);
const MB = 1024 * 1024;

const server = await startServer(DIST);
const context = await launch([...(device === "cpu" ? NO_WEBGPU_ARGS : WEBGPU_ARGS), "--enable-precise-memory-info"]);
const page = await context.newPage();
page.setDefaultTimeout(10 * 60_000);
const cdp = await context.newCDPSession(page);
await cdp.send("Performance.enable");
page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
await page.goto(`${server.url}#device=${device}&n=2`, { waitUntil: "domcontentloaded" });
await page.waitForFunction(() => document.querySelector("#status")?.dataset.state === "ready" && window.ganStudio?.trainer, null, { polling: 200 });

const setValue = (selector, value) => page.$eval(selector, (el, v) => {
  el.value = String(v);
  el.dispatchEvent(new Event("change", { bubbles: true }));
}, value);

/** One sample: the step, the page's JS heap after a collection, the worker's wasm and GPU bytes. */
async function sample() {
  await cdp.send("HeapProfiler.collectGarbage");
  const { metrics } = await cdp.send("Performance.getMetrics");
  const heap = metrics.find((m) => m.name === "JSHeapUsedSize").value;
  const { step, memory } = await page.evaluate(async () => {
    const panel = window.ganStudio.trainer;
    return { step: panel.step, memory: await panel.trainer.memory() };
  });
  return { step, heap, wasm: memory.wasm, gpu: memory.gpu };
}

/** Whether `key`'s values past warm-up stay within 10% of their first value. */
function flat(samples, key, from) {
  const after = samples.filter((s) => s.step >= from).map((s) => s[key]);
  if (after.length < 2 || after[0] === 0) return { flat: true, change: 0 };
  const change = (Math.max(...after) - Math.min(...after)) / after[0];
  return { flat: change <= 0.1, change };
}

const results = [];
for (const run of RUNS) {
  await page.selectOption("#train-preset", run.preset);
  await setValue("#train-batch", run.batch);
  await setValue("#train-refresh", 250);
  await setValue("#train-budget", run.steps);
  await page.click("#train-reset");
  await page.waitForFunction(() => {
    const s = window.ganStudio.trainer.state;
    return s.hasRun && s.step === 0 && !s.busy;
  }, null, { polling: 200 });
  const samples = [await sample()];
  const started = Date.now();
  await page.click("#train-play");
  for (let next = run.every; next <= run.steps; next += run.every) {
    await page.waitForFunction((n) => window.ganStudio.trainer.state.step >= n || window.ganStudio.trainer.state.error, next, { polling: 100 });
    const error = await page.evaluate(() => window.ganStudio.trainer.state.error);
    if (error) throw new Error(`${run.preset}: ${error}`);
    samples.push(await sample());
  }
  await page.waitForFunction(() => !window.ganStudio.trainer.state.playing, null, { polling: 200 });
  const seconds = (Date.now() - started) / 1000;
  console.log(`\n${run.preset}, batch ${run.batch}, ${run.steps} steps on ${device} in ${seconds.toFixed(0)} s`);
  console.log("| step | JS heap (MB) | wasm memory (MB) | GPU buffers (MB) |\n| ---: | ---: | ---: | ---: |");
  for (const s of samples) {
    console.log(`| ${s.step} | ${(s.heap / MB).toFixed(1)} | ${(s.wasm / MB).toFixed(1)} | ${(s.gpu / MB).toFixed(1)} |`);
  }
  const from = warmUp(run);
  for (const key of ["heap", "wasm", "gpu"]) {
    const { flat: ok, change } = flat(samples, key, from);
    console.log(`${key}: ${ok ? "flat" : "NOT flat"} from step ${from} (spread ${(100 * change).toFixed(1)}% of its value there)`);
  }
  results.push({ ...run, samples, seconds });
}

// The plot: one panel per run, the three figures in MB against the step.
const width = 900;
const panelHeight = 260;
const colors = { heap: "#58a6ff", wasm: "#f0883e", gpu: "#7ee787" };
const panels = results.map((run, i) => {
  const top = i * panelHeight + 30;
  const left = 70;
  const plotWidth = width - left - 150;
  const plotHeight = panelHeight - 70;
  const maxY = Math.max(1, ...run.samples.flatMap((s) => [s.heap, s.wasm, s.gpu].map((v) => v / MB))) * 1.1;
  const x = (step) => left + (plotWidth * step) / run.steps;
  const y = (mb) => top + plotHeight - (plotHeight * mb) / maxY;
  const lines = Object.entries(colors).map(([key, color]) => {
    const points = run.samples.map((s) => `${x(s.step).toFixed(1)},${y(s[key] / MB).toFixed(1)}`).join(" ");
    return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>`;
  });
  const ticks = [0, 0.5, 1].map((f) => `<text x="${left - 8}" y="${y(maxY * f) + 4}" text-anchor="end">${(maxY * f).toFixed(0)}</text>`);
  return `<text x="${left}" y="${top - 10}" font-weight="bold">${run.preset}, batch ${run.batch}, ${run.steps} steps (${device}): MB against the step</text>
    <rect x="${left}" y="${top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#30363d"/>
    ${lines.join("\n")} ${ticks.join("\n")}
    <text x="${left}" y="${top + plotHeight + 18}">0</text>
    <text x="${left + plotWidth}" y="${top + plotHeight + 18}" text-anchor="end">${run.steps}</text>
    ${Object.entries(colors).map(([key, color], k) => `<text x="${left + plotWidth + 12}" y="${top + 20 + 20 * k}" fill="${color}">${{ heap: "page JS heap", wasm: "worker wasm memory", gpu: "GPU buffers" }[key]}</text>`).join("\n")}`;
});
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${panelHeight * results.length + 20}" font-family="sans-serif" font-size="13" fill="#e6edf3">${panels.join("\n")}</svg>`;
const plot = await context.newPage();
await plot.setViewportSize({ width, height: panelHeight * results.length + 20 });
await plot.setContent(`<body style="margin:0;background:#101418">${svg}</body>`);
writeFileSync(out, await plot.screenshot());
console.log(`\nplot: ${out}`);
await closeAll();
await server.close();
