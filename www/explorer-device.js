// @ts-check
// The explorer's device (explorer.js): it starts on the device the setting names (the CPU
// while "auto" measures WebGPU), moves to WebGPU where a timed grid draws faster there, and
// moves again when the setting changes; the benchmark script times its draws here too.
// Functions for the page's start-up (app.js) and methods of Explorer (panel-parts.js).

import { describeChoice, deviceSetting, isDeviceLoss } from "./devices.js";
import { $, fail, fetchWithProgress, setStatus } from "./page.js";
import { GRID_GAP } from "./canvas.js";

/**
 * Median ms of `repeats` `studio.render(...args)` calls, after one untimed call. With
 * `enoughMs`, a call slower than that ends the timing early (the median of the calls so far):
 * a device that slow has lost the comparison, and more draws only keep the machine busy.
 */
async function medianRenderMs(studio, args, repeats, enoughMs = Infinity) {
  const draw = async () => {
    const started = performance.now();
    (await studio.render(...args)).free();
    return performance.now() - started;
  };
  await draw();
  const times = [];
  while (times.length < repeats && !(times.at(-1) > enoughMs)) times.push(await draw());
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

/** Shows which device the explorer draws on, and why. */
export function showExplorerDevice(backend, sentence) {
  $("backend").dataset.backend = backend;
  $("backend").textContent = sentence;
}

/**
 * The explorer's first device: the one the setting names (the CPU when WebGPU cannot start),
 * or with "auto" the CPU, which starts at once; `probeExplorerDevice` may move it later.
 */
export async function startStudio(wasm, setting, adapter) {
  if (setting === "webgpu") {
    setStatus("Starting WebGPU…");
    try {
      const studio = await wasm.Studio.create("webgpu");
      return { studio, sentence: describeChoice({ job: "Explorer", backend: "webgpu", setting, adapter }) };
    } catch (error) {
      console.warn(error);
      const failures = { webgpu: String(error.message ?? error) };
      const studio = await wasm.Studio.create("cpu");
      return { studio, sentence: describeChoice({ job: "Explorer", backend: "cpu", setting, adapter, failures }) };
    }
  }
  setStatus("Starting the CPU backend…");
  const studio = await wasm.Studio.create("cpu");
  const sentence = setting === "auto" && adapter.present
    ? "Explorer: CPU, while WebGPU is measured…"
    : describeChoice({ job: "Explorer", backend: "cpu", setting, adapter });
  return { studio, sentence };
}

/** How many times the CPU's draw WebGPU's may take before its timing stops: it has lost. */
const EXPLORER_PROBE_LOST = 5;

/**
 * With the setting "auto": times the current grid on the CPU and on WebGPU (after a warm-up
 * draw on each) and moves the explorer to WebGPU if it is faster. The page is usable
 * meanwhile; the result is kept in `explorer.deviceChoice`.
 */
export async function probeExplorerDevice(explorer, adapter) {
  const timings = { cpu: await explorer.timeRender(explorer.studio) };
  let gpu = null;
  const failures = {};
  try {
    gpu = await explorer.wasm.Studio.create("webgpu");
    gpu.load(explorer.modelBytes);
    timings.webgpu = await explorer.timeRender(gpu, 3, EXPLORER_PROBE_LOST * timings.cpu);
  } catch (error) {
    console.warn(error);
    failures.webgpu = String(error.message ?? error);
  }
  const backend = gpu && timings.webgpu < timings.cpu ? "webgpu" : "cpu";
  if (backend === "webgpu") await explorer.moveTo(gpu);
  else gpu?.free();
  const sentence = describeChoice({ job: "Explorer", backend, timings, failures, setting: "auto", adapter });
  explorer.deviceChoice = { backend, sentence, timings };
  showExplorerDevice(backend, sentence);
}

/** The explorer's methods for its device. */
export const deviceMethods = {
  /**
   * A draw failed: if the GPU it ran on was lost, the explorer moves to the CPU and draws
   * again (the model and the view stay), saying so; any other error is the page's.
   */
  drawFailed(error) {
    if (!(isDeviceLoss(error) && this.studio.backend === "webgpu")) {
      fail(error);
      return;
    }
    console.warn(error);
    this.recovering ??= (async () => {
      await this.moveTo(await this.wasm.Studio.create("cpu"));
      const sentence = "Explorer: CPU: the GPU was lost, so the explorer moved to the CPU.";
      showExplorerDevice("cpu", sentence);
      this.deviceChoice = { backend: "cpu", sentence, timings: {} };
      setStatus(`Ready: ${this.state.model} (the GPU was lost: drawing on the CPU)`, "ready");
    })().catch(fail).finally(() => {
      this.recovering = null;
    });
  },

  /**
   * Moves the explorer to `studio` (another device): the model loads there and the views
   * redraw; the old studio is freed.
   */
  async moveTo(studio) {
    studio.load(this.modelBytes);
    const old = this.studio;
    this.studio = studio;
    old.free();
    this.redrawAll();
  },

  /**
   * Median ms of `repeats` draws of the current grid on `studio`, after one untimed draw
   * (fewer once a draw takes over `enoughMs`).
   */
  timeRender(studio, repeats = 3, enoughMs = Infinity) {
    const z = this.gridLatents();
    const codes = this.codesFor(this.rows * this.cols);
    return medianRenderMs(studio, [z, codes, this.rows, this.cols, GRID_GAP], repeats, enoughMs);
  },

  /**
   * For `scripts/bench.sh`: median ms to draw `n` samples of `preset`'s shipped generator on
   * the explorer's device. Resolves to { backend, ms }.
   */
  async benchmarkSamples({ preset, n = 100, repeats = 3 }) {
    const bytes = await fetchWithProgress(`weights/${this.presets.named(preset).shipped}.bpk`, () => {});
    // On the explorer's own studio (a browser grants one WebGPU device per page), whose
    // model is put back afterwards.
    const studio = this.studio;
    try {
      const info = JSON.parse(studio.load(bytes));
      const z = this.wasm.sampleZ(0, n, info.nz, info.prior);
      const codes = info.codeSize > 0
        ? this.wasm.codesFor(info.kind, Uint8Array.from({ length: n }, (_, i) => i % 10), new Float32Array(0))
        : undefined;
      return { backend: studio.backend, ms: await medianRenderMs(studio, [z, codes, 1, n, 0], repeats) };
    } finally {
      studio.load(this.modelBytes);
    }
  },

  /** The device setting changed: the explorer starts on the device it names (or measures). */
  async deviceSettingChanged(adapter) {
    const setting = deviceSetting();
    const { studio, sentence } = await startStudio(this.wasm, setting, adapter);
    await this.moveTo(studio);
    showExplorerDevice(studio.backend, sentence);
    setStatus(`Ready: ${this.state.model}`, "ready");
    if (setting === "auto" && adapter.present) await probeExplorerDevice(this, adapter);
    else this.deviceChoice = { backend: studio.backend, sentence, timings: {} };
  },
};
