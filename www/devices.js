// @ts-check
// Which compute device each job uses (the explorer's renders, the trainer's steps), the
// setting that overrides the measurement (kept in the URL hash as `device=`), and the one
// plain sentence that says which device runs a job and why.

/** The device setting's values: measure and use the faster, or always the one named. */
export const DEVICE_SETTINGS = ["auto", "cpu", "webgpu"];

/** The device setting in the URL: `#...&device=cpu` (or the older `?backend=cpu`); "auto" without. */
export function deviceSetting() {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, "")).get("device");
  if (DEVICE_SETTINGS.includes(fromHash)) return fromHash;
  return new URLSearchParams(location.search).get("backend") === "cpu" ? "cpu" : "auto";
}

/** Writes the device setting into the URL hash, keeping the rest of it. */
export function writeDeviceSetting(setting) {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  if (setting === "auto") params.delete("device");
  else params.set("device", setting);
  history.replaceState(null, "", `#${params}`);
}

/**
 * Whether `error` says the GPU device is gone (lost, destroyed, or poisoned by its loss, as
 * Burn's WebGPU backend reports it; the first read after a loss fails to map its staging
 * buffer): the job must move to another device.
 */
export function isDeviceLoss(error) {
  const message = String(error?.message ?? error);
  return /device (is |was )?(poisoned|lost|destroyed)|DeviceLost|staging buffer could not be mapped/i.test(message);
}

/**
 * What the browser's WebGPU adapter is: { present, software, name }. A software adapter
 * (SwiftShader, llvmpipe, a fallback adapter) runs the GPU's work on the CPU.
 */
export async function describeAdapter() {
  if (!("gpu" in navigator)) return { present: false, software: false, name: "" };
  let adapter = null;
  try {
    adapter = await navigator.gpu.requestAdapter();
  } catch {
    adapter = null;
  }
  if (!adapter) return { present: false, software: false, name: "" };
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" ");
  const software = Boolean(info.isFallbackAdapter) || /swiftshader|llvmpipe|lavapipe|software/i.test(name);
  return { present: true, software, name };
}

/** The most threads the CPU path trains on, however many cores the browser reports. */
const MAX_CPU_THREADS = 16;

/**
 * The threads the CPU path can train on here: one per core the browser reports where the
 * page is cross-origin isolated (wasm threads share memory, which needs that), else one.
 */
export function cpuThreadCount() {
  if (!globalThis.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(navigator.hardwareConcurrency || 1, MAX_CPU_THREADS));
}

/** "9x", "2.5x": how many times faster `fast` ms is than `slow` ms. */
function times(slow, fast) {
  const ratio = slow / Math.max(fast, 1e-3);
  return ratio >= 10 ? `${Math.round(ratio)}x` : `${ratio.toFixed(1)}x`;
}

/**
 * The sentence for a job's device: `backend` the device used, `timings` { cpu, webgpu } ms
 * when both were measured (webgpu null when it ran past `webgpuLimit`), `failures` the
 * devices that did not start, `setting` the device setting, `adapter` describeAdapter()'s,
 * `cpuThreads` the threads the CPU runs on.
 * @param {{ job: string, backend: string, timings?: { cpu?: number, webgpu?: number | null, webgpuLimit?: number },
 *   failures?: { webgpu?: string }, setting: string, adapter: any, cpuThreads?: number }} choice
 */
export function describeChoice({ job, backend, timings = {}, failures = {}, setting, adapter, cpuThreads = 1 }) {
  const device = backend === "webgpu" ? "WebGPU" : cpuThreads > 1 ? `CPU (${cpuThreads} threads)` : "CPU";
  const gpu = adapter?.software ? "this browser's software WebGPU" : "WebGPU";
  const head = `${job}: ${device}`;
  if (failures.webgpu) return `${head}: WebGPU could not start in this browser.`;
  if (setting === "webgpu" && !adapter?.present) return `${head}: this browser has no WebGPU.`;
  if (setting !== "auto") return `${head}, as the device setting asks.`;
  if (!adapter?.present) return `${head}: this browser has no WebGPU.`;
  const { cpu, webgpu, webgpuLimit } = timings;
  if (cpu == null) return `${head}.`;
  if (webgpu === null) return `${head}: over ${times(webgpuLimit, cpu)} faster here than ${gpu}.`;
  if (backend === "cpu") return `${head}: ${times(webgpu, cpu)} faster here than ${gpu}.`;
  return `${head}: ${times(cpu, webgpu)} faster here than the CPU.`;
}

/**
 * The sentence on the CPU's threads: `isolated` whether the page is cross-origin isolated
 * (wasm threads need shared memory, which needs that), `cpuThreads` the threads the CPU
 * trains on (0 before the trainer starts: then `planned`, the threads it would start, is
 * said), `threadsError` why the threaded module did not start.
 */
export function describeThreads({ isolated, cpuThreads = 0, planned = 0, threadsError = null }) {
  const head = "The CPU path is WebAssembly with SIMD";
  if (threadsError) return `${head}, training on one thread: its threads did not start (${threadsError}).`;
  if (!isolated) {
    return `${head} on one thread: wasm threads need a cross-origin isolated page, and this one is not `
      + "(its server sends no COOP/COEP headers and no service worker could add them).";
  }
  const threads = cpuThreads || planned;
  if (threads < 2) return `${head} on one thread: this browser reports one core.`;
  const verb = cpuThreads ? "runs" : "will run";
  return `${head}: training ${verb} on ${threads} threads (the page is cross-origin isolated); the explorer draws on one.`;
}
