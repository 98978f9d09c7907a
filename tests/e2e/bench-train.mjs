// Benchmark of training and sampling in the page (not a test: it prints figures and asserts
// nothing). scripts/bench.sh runs it beside PyTorch and the native CLI and prints the table.
//
//   node tests/e2e/bench-train.mjs [--adapter swiftshader|gpu] [--paths cpu,cpu1,webgpu]
//       [--presets mlp,dcgan,cdcgan-half,cdcgan] [--steps N] [--sample-repeats N]
//   (after `trunk build --release`; GAN_DIST and CHROMIUM as for the tests, see harness.mjs;
//   GAN_BENCH_BROWSER_ARGS adds Chromium flags, e.g. for a real GPU's Vulkan)
//
// For each path (the page's CPU path: Chromium with --disable-webgpu and #device=cpu, served
// cross-origin isolated so that it trains on wasm threads; "cpu1", the same served without
// the isolation headers and with service workers blocked, on one thread; its WebGPU path:
// #device=webgpu on SwiftShader, or with --adapter gpu on the machine's GPU) and
// each preset, at batch 64, through the page's own hooks:
//   - window.ganStudio.trainer.benchmark({preset, batch, steps}): a fresh run, one warm-up
//     step, `steps` steps each awaited (median ms), then one chunked call of `steps` steps;
//   - window.ganStudio.benchmarkSamples({preset, n: 100, repeats}): median ms for 100 samples;
// and two probes of its own:
//   - dispatches per step: every context (the page and its workers) counts the GPU dispatches
//     it encodes (GPUComputePassEncoder.dispatchWorkgroups and ...Indirect) and the buffer
//     reads it starts (GPUBuffer.mapAsync), with times; the chunked call is the last
//     steps x chunkedMs before the hook returned, and its dispatches are those after the last
//     read before that window (the previous phase's) up to the end, divided by `steps`;
//   - the longest gap between requestAnimationFrame callbacks on the main thread during that
//     chunked call (and, in the log, during the whole call, warm-up included).
// Workers get the probe from Playwright's worker.evaluate as soon as they appear; that is
// seconds before the measured chunked call. (Wrapping the Worker constructor to load the
// script from a blob: URL would change the worker's base URL and break its relative fetches.)
//
// Defaults: on SwiftShader (a CPU emulating a GPU: a DCGAN step takes ~20 s, a course-width
// cDCGAN step ~200 s) the WebGPU path runs mlp,dcgan with 1 step unless --presets/--steps say
// otherwise; the CPU path and a real GPU run every preset, 3 steps (10 on a real GPU).
//
// Prints a human log on stderr and one JSON object per preset and path on stdout:
//   {runner: "page-cpu"|"page-cpu-1thread"|"page-webgpu", preset, adapter, backend, cpu_threads,
//    steps, warmup_ms, step_ms,
//    chunked_ms, sample_ms, dispatches_per_step, dispatches_by_kernel ({kernel: per step}),
//    frame_gap_ms, frame_gap_all_ms, note?, skipped?}

import { parseArgs } from "node:util";
import { DIST, NO_WEBGPU_ARGS, WEBGPU_ARGS, launch, closeAll } from "./harness.mjs";
import { startServer } from "./server.mjs";

const ALL_PRESETS = ["mlp", "dcgan", "cdcgan-half", "cdcgan"];
const SWIFTSHADER_PRESETS = ["mlp", "dcgan"];
const BATCH = 64;
const SAMPLES = 100;
const HOUR = 60 * 60_000;

const { values: options } = parseArgs({
  options: {
    adapter: { type: "string", default: "swiftshader" },
    paths: { type: "string", default: "cpu,cpu1,webgpu" },
    presets: { type: "string" },
    steps: { type: "string" },
    "sample-repeats": { type: "string" },
  },
});
const list = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);
const log = (...parts) => console.error(...parts);
const emit = (row) => console.log(JSON.stringify(row));
const firstLine = (error) => String(error.message ?? error).split("\n")[0];
const ms = (v) => (v === null || v === undefined ? "–" : v >= 100 ? v.toFixed(0) : v.toFixed(1));

/**
 * Chromium's flags, the URL hash and the server of each path: "cpu" is the page's CPU path
 * as served cross-origin isolated (on wasm threads), "cpu1" the same on a host without the
 * isolation headers and with service workers blocked (one thread), "webgpu" its WebGPU path.
 */
function pathSetup(path) {
  const extra = list(process.env.GAN_BENCH_BROWSER_ARGS ?? "");
  if (path === "cpu") return { args: [...NO_WEBGPU_ARGS, ...extra], hash: "#device=cpu", runner: "page-cpu" };
  if (path === "cpu1") {
    return { args: [...NO_WEBGPU_ARGS, ...extra], hash: "#device=cpu", runner: "page-cpu-1thread", isolate: false };
  }
  const gpu = options.adapter === "gpu" ? ["--enable-unsafe-webgpu"] : WEBGPU_ARGS;
  return { args: [...gpu, ...extra], hash: "#device=webgpu", runner: "page-webgpu" };
}

/** Which presets to run and how many steps, given the adapter the path got. */
function plan(path, adapter) {
  const swiftshader = path === "webgpu" && /swiftshader/i.test(adapter);
  const presets = options.presets ? list(options.presets) : swiftshader ? SWIFTSHADER_PRESETS : ALL_PRESETS;
  const fallbackSteps = swiftshader ? 1 : path === "webgpu" ? 10 : 3;
  const steps = Number(options.steps ?? fallbackSteps);
  const repeats = Number(options["sample-repeats"] ?? (swiftshader ? 2 : 5));
  const skipped = swiftshader && !options.presets ? ALL_PRESETS.filter((p) => !presets.includes(p)) : [];
  return { presets, steps, repeats, skipped };
}

// ------------------------------------------------------------------ the probes

/**
 * Installed in the page and in every worker: logs the times of GPU dispatches and reads, and
 * the kernel of each dispatch (its pipeline's label, the kernel's entry point in CubeCL).
 */
function installProbe() {
  if (globalThis.__ganBenchProbe) return;
  const probe = { dispatches: [], kernels: [], reads: [] };
  globalThis.__ganBenchProbe = probe;
  const now = () => performance.timeOrigin + performance.now();
  // Replaces proto[name] with a call to the original followed by `after(args, result)`.
  const wrap = (proto, name, after) => {
    const original = proto?.[name];
    if (typeof original !== "function") return;
    proto[name] = function (...args) {
      const result = original.apply(this, args);
      after.call(this, args, result);
      return result;
    };
  };
  const labels = new WeakMap();
  const bound = new WeakMap();
  wrap(globalThis.GPUDevice?.prototype, "createComputePipeline", function ([descriptor], pipeline) {
    labels.set(pipeline, descriptor?.label || "unlabelled");
  });
  const pass = globalThis.GPUComputePassEncoder?.prototype;
  wrap(pass, "setPipeline", function ([pipeline]) {
    bound.set(this, labels.get(pipeline) ?? "made before the probe");
  });
  const dispatched = function () {
    probe.dispatches.push(now());
    probe.kernels.push(bound.get(this) ?? "no pipeline");
  };
  wrap(pass, "dispatchWorkgroups", dispatched);
  wrap(pass, "dispatchWorkgroupsIndirect", dispatched);
  wrap(globalThis.GPUBuffer?.prototype, "mapAsync", () => probe.reads.push(now()));
}

/** Every context's probe log (the page first, then its workers); `clear` empties them. */
async function probeLogs(page, clear) {
  const read = (clearLogs) => {
    const probe = globalThis.__ganBenchProbe;
    if (!probe) return null;
    const copy = { dispatches: [...probe.dispatches], kernels: [...probe.kernels], reads: [...probe.reads] };
    if (clearLogs) probe.dispatches.length = probe.kernels.length = probe.reads.length = 0;
    return copy;
  };
  // The CPU's pool workers (pool-worker.js) block inside wasm for good: they would never
  // answer, and they encode no GPU work.
  const contexts = [page, ...page.workers().filter((w) => !w.url().endsWith("/pool-worker.js"))];
  const logs = await Promise.all(contexts.map((c) => c.evaluate(read, clear).catch(() => null)));
  return logs.filter(Boolean);
}

/**
 * Dispatches per step of the chunked call (`chunk`: {start, end}), summed over contexts:
 * { perStep, byKernel } where byKernel counts them per kernel name (per step, most first).
 */
function dispatchesPerStep(logs, chunk, steps) {
  let total = 0;
  let sawGpu = false;
  const byKernel = new Map();
  for (const { dispatches, kernels, reads } of logs) {
    if (dispatches.length === 0) continue;
    sawGpu = true;
    const before = reads.filter((t) => t <= chunk.start);
    const from = before.length > 0 ? before.at(-1) : chunk.start;
    dispatches.forEach((t, i) => {
      if (t <= from || t > chunk.end) return;
      total += 1;
      byKernel.set(kernels[i], (byKernel.get(kernels[i]) ?? 0) + 1);
    });
  }
  const perKernel = [...byKernel].sort((a, b) => b[1] - a[1]).map(([name, n]) => [name, n / steps]);
  return sawGpu ? { perStep: total / steps, byKernel: Object.fromEntries(perKernel) } : null;
}

/**
 * Dispatches per step by kind of kernel, most first: each kernel's name without the hash
 * that tells its compiled variants apart (`elemwise_fuse_dce2dae8` is one fused element-wise
 * kernel of many). The JSON row keeps every variant.
 */
function kernelFamilies(byKernel) {
  const families = new Map();
  for (const [name, n] of Object.entries(byKernel)) {
    const family = name.replace(/_[0-9a-f]{8}$/, "");
    families.set(family, (families.get(family) ?? 0) + n);
  }
  return [...families].sort((a, b) => b[1] - a[1]).map(([family, n]) => `${n} ${family}`).join(", ");
}

/** The longest gap between consecutive frames that overlaps [start, end]. */
function longestGap(frames, start = -Infinity, end = Infinity) {
  let longest = null;
  for (let i = 1; i < frames.length; i++) {
    if (frames[i] < start || frames[i - 1] > end) continue;
    longest = Math.max(longest ?? 0, frames[i] - frames[i - 1]);
  }
  return longest;
}

// ------------------------------------------------------------------ one page

/** Opens the page on `path`; resolves to {page, adapter, hooks} once the app is ready. */
async function openPage(server, path) {
  const { args, hash } = pathSetup(path);
  const context = await launch(args, { serviceWorkers: server.isolated ? "allow" : "block" });
  context.setDefaultTimeout(HOUR);
  const page = await context.newPage();
  await page.addInitScript(installProbe);
  page.on("worker", (worker) => {
    if (!worker.url().endsWith("/pool-worker.js")) worker.evaluate(installProbe).catch(() => {});
  });
  await page.goto(server.url + hash, { waitUntil: "domcontentloaded" });
  await page.waitForFunction(
    () => document.querySelector("#status")?.dataset.state !== "loading" && window.ganStudio?.trainer,
    null, { timeout: HOUR, polling: 200 });
  const adapter = await page.evaluate(async () => {
    const a = await navigator.gpu?.requestAdapter();
    return a ? `${a.info?.vendor ?? ""} ${a.info?.architecture ?? ""} ${a.info?.description ?? ""}`.trim() : "none";
  });
  const hooks = await page.evaluate(() => ({
    benchmark: typeof window.ganStudio?.trainer?.benchmark === "function",
    benchmarkSamples: typeof window.ganStudio?.benchmarkSamples === "function",
  }));
  return { page, adapter, hooks };
}

/** Runs the training hook with a frame probe; returns its result, the frames and its end time. */
function timedTraining(page, preset, steps) {
  return page.evaluate(async ({ preset, batch, steps }) => {
    const frames = [];
    let running = true;
    const tick = (t) => {
      frames.push(performance.timeOrigin + t);
      if (running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    try {
      const result = await window.ganStudio.trainer.benchmark({ preset, batch, steps });
      return { result, frames, end: performance.timeOrigin + performance.now() };
    } finally {
      running = false;
    }
  }, { preset, batch: BATCH, steps });
}

/** One preset on an open page: the JSON row. */
async function benchPreset(page, runner, adapter, hooks, preset, steps, repeats) {
  const row = { runner, preset, adapter, steps };
  if (!hooks.benchmark) return { ...row, note: "hook missing: window.ganStudio.trainer.benchmark" };
  await probeLogs(page, true);
  const { result, frames, end } = await timedTraining(page, preset, steps);
  const chunk = { start: end - steps * result.chunkedMs, end };
  const logs = await probeLogs(page, false);
  const dispatches = dispatchesPerStep(logs, chunk, steps);
  Object.assign(row, {
    backend: result.backend,
    cpu_threads: result.cpuThreads ?? null,
    warmup_ms: result.warmupMs,
    step_ms: result.stepMs,
    chunked_ms: result.chunkedMs,
    dispatches_per_step: dispatches?.perStep ?? null,
    dispatches_by_kernel: dispatches?.byKernel ?? null,
    frame_gap_ms: longestGap(frames, chunk.start, chunk.end),
    frame_gap_all_ms: longestGap(frames),
  });
  if (!hooks.benchmarkSamples) return { ...row, note: "hook missing: window.ganStudio.benchmarkSamples" };
  try {
    const samples = await page.evaluate(
      (args) => window.ganStudio.benchmarkSamples(args), { preset, n: SAMPLES, repeats });
    row.sample_ms = samples.ms;
  } catch (error) {
    row.note = `sampling failed: ${firstLine(error)}`;
  }
  return row;
}

/** Every planned preset on one path, each row logged and emitted. */
async function benchPath(server, path) {
  const { runner } = pathSetup(path);
  const { page, adapter, hooks } = await openPage(server, path);
  const { presets, steps, repeats, skipped } = plan(path, adapter);
  log(`${runner}: WebGPU adapter ${adapter}; batch ${BATCH}, ${steps} timed step(s), ` +
    `${repeats} sample call(s); presets ${presets.join(",")}`);
  for (const name of Object.keys(hooks).filter((h) => !hooks[h])) log(`${runner}: hook missing: ${name}`);
  for (const preset of skipped) {
    const why = "skipped on SwiftShader (minutes per step); pass --presets to run it";
    log(`${runner} ${preset}: ${why}`);
    emit({ runner, preset, adapter, skipped: why });
  }
  for (const preset of presets) {
    const started = Date.now();
    let row;
    try {
      row = await benchPreset(page, runner, adapter, hooks, preset, steps, repeats);
    } catch (error) {
      row = { runner, preset, adapter, steps, note: `training failed: ${firstLine(error)}` };
    }
    if (row.backend && row.backend !== path.replace(/1$/, "")) {
      row.note = [row.note, `asked for ${path}, the page trained on ${row.backend}`].filter(Boolean).join("; ");
    }
    log(`${runner} ${preset}: backend ${row.backend ?? "?"}, warm-up ${ms(row.warmup_ms)} ms, ` +
      `${ms(row.step_ms)} ms/step (each awaited), ${ms(row.chunked_ms)} ms/step (chunked), ` +
      `${ms(row.sample_ms)} ms/${SAMPLES} samples, ${row.dispatches_per_step ?? "–"} dispatches/step, ` +
      `longest frame gap ${ms(row.frame_gap_ms)} ms (whole call ${ms(row.frame_gap_all_ms)} ms)` +
      `${row.note ? `; ${row.note}` : ""} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    if (row.dispatches_by_kernel) log(`  dispatches per step by kernel: ${kernelFamilies(row.dispatches_by_kernel)}`);
    emit(row);
  }
}

const servers = {};
/** The server of `path`: cross-origin isolated unless the path says otherwise. */
async function serverFor(path) {
  const isolate = pathSetup(path).isolate ?? true;
  servers[isolate] ??= { ...(await startServer(DIST, { isolate })), isolated: isolate };
  return servers[isolate];
}

try {
  for (const path of list(options.paths)) {
    await benchPath(await serverFor(path), path).catch((error) => {
      const note = `the page failed: ${firstLine(error)}`;
      log(`${pathSetup(path).runner}: ${note}`);
      const presets = options.presets ? list(options.presets) : ALL_PRESETS;
      for (const preset of presets) emit({ runner: pathSetup(path).runner, preset, note });
    });
    await closeAll();
  }
} finally {
  await closeAll();
  await Promise.all(Object.values(servers).map((server) => server.close()));
}
