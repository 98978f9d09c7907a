// @ts-check
// The page's side of the training worker (trainer-worker.js): a `TrainerClient` has the
// methods of the wasm Trainer (src/web/trainer.rs), each returning a promise, and keeps the
// run's step counter from the worker's last reply. Device choice for training lives here too:
// `startTrainer` probes a training step on each device, in a worker each, and keeps the faster.

import { cpuThreadCount, describeChoice, describeThreads } from "./devices.js";
import { messageOf } from "./format.js";
import { WorkerRpc } from "./rpc.js";

/**
 * The URLs of the wasm module the page loaded (trunk links them in the page's head); the 2-D
 * lab's workers load it too (lab-runner.js).
 */
export function wasmUrls() {
  const moduleLink = /** @type {HTMLLinkElement | null} */ (document.querySelector('link[rel="modulepreload"][href$=".js"]'));
  const wasmLink = /** @type {HTMLLinkElement | null} */ (document.querySelector('link[rel="preload"][href$=".wasm"]'));
  if (!moduleLink || !wasmLink) throw new Error("this build of the page does not link its wasm module");
  return { moduleUrl: moduleLink.href, wasmUrl: wasmLink.href };
}

/**
 * The threaded CPU module to train with ({ moduleUrl, count }: dist/threads/ on
 * cpuThreadCount() threads), or null where the CPU gets one thread here.
 */
function cpuThreadsPlan() {
  const count = cpuThreadCount();
  if (count < 2) return null;
  return { moduleUrl: new URL("threads/gan_studio.js", document.baseURI).href, count };
}

/** A wasm Trainer in a Web Worker, called through promises (rpc.js). */
export class TrainerClient {
  constructor() {
    this.step = 0; // the run's step after the last call
    this.backend = null; // the device the calls go to
    this.rpc = new WorkerRpc(new Worker(new URL("./trainer-worker.js", import.meta.url), { type: "module" }), {
      onMeta: (step) => {
        this.step = step;
      },
      onWorkerError: (event) => new Error(`the training worker failed: ${event.message || "unknown error"}`),
    });
  }

  /** Sends `call(...args)` to the worker; resolves to its value. */
  call(call, ...args) {
    return this.rpc.call(call, ...args);
  }

  reset(model, train, dataSet) { return this.call("reset", model, train, dataSet); }
  addDataSet(name, bytes) { return this.call("addDataSet", name, bytes); }
  resume(bytes, train) { return this.call("resume", bytes, train); }
  setTrainConfig(train) { return this.call("setTrainConfig", train); }
  train(steps, mode) { return this.call("train", steps, mode); }
  render(z, codes, rows, cols, gap) { return this.call("render", z, codes, rows, cols, gap); }
  realDigits(seed, rows, cols, gap) { return this.call("realDigits", seed, rows, cols, gap); }
  quality(n, seed) { return this.call("quality", n, seed); }
  checkpoint() { return this.call("checkpoint"); }
  loadClassifier(bytes, dataSet) { return this.call("loadClassifier", bytes, dataSet); }
  info() { return this.call("info"); }
  memory() { return this.call("memory"); }
  saveToDevice(shown) { return this.call("saveToDevice", shown); }

  /** Stops the worker (its Trainers and their devices go with it). */
  terminate() {
    this.rpc.terminate(new Error("the trainer was stopped"));
  }
}

/**
 * The longest WebGPU may take to start and time its step: `factor` times the CPU's step, and
 * at least `floorMs`. A GPU compiles its kernels in the first, untimed step, and may then
 * win, so it gets long; a software adapter (a CPU emulating a GPU) that is not done in a few
 * CPU steps' time has lost, and waiting for it only delays the run.
 */
const PROBE_LIMIT = {
  gpu: { factor: 10, floorMs: 15_000 },
  software: { factor: 3, floorMs: 3_000 },
};

/** Resolves to `promise`'s value, or to null once `ms` have passed without one. */
function within(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Starts a training worker with a Trainer on each of `backends` (the first that starts gets
 * the calls) on `data`, the file of the data set called `dataSet`; resolves to the worker's
 * { backends, failures, cpuThreads, threadsError }.
 */
async function startWorker(client, backends, data, dataSet) {
  const threads = backends.includes("cpu") ? cpuThreadsPlan() : null;
  const started = await client.call("start", { ...wasmUrls(), backends, data, dataSet, threads });
  client.backend = started.backends[0];
  await client.call("choose", { backend: client.backend });
  return started;
}

/**
 * Starts the training worker on `data`, the file of the data set called `dataSet` (its
 * Trainer gets other sets with addDataSet). `setting` is "cpu", "webgpu" or
 * "auto"; with "auto" and a WebGPU adapter (`adapter`, from describeAdapter) it times one
 * training step of `model`/`train` (JSON) on each device, each in a worker of its own, keeps
 * the faster and stops the other: a WebGPU probe past its limit is stopped then, so that a
 * software adapter's queued work does not slow the CPU's first steps. Resolves to
 * { trainer, choice } where `choice` is { backend, sentence, timings } for the page to show.
 */
export async function startTrainer({ data, dataSet, setting, model, train, adapter }) {
  const probe = setting === "auto" && adapter.present;
  // The CPU always starts too: it is the fallback when WebGPU cannot.
  const backends = setting === "webgpu" ? ["webgpu", "cpu"] : ["cpu"];
  let trainer = new TrainerClient();
  const { failures, cpuThreads, threadsError } = await startWorker(trainer, backends, data, dataSet);
  const timings = {};
  if (probe) {
    timings.cpu = await trainer.call("probe", { model, train });
    const { factor, floorMs } = adapter.software ? PROBE_LIMIT.software : PROBE_LIMIT.gpu;
    const limitMs = Math.max(floorMs, factor * timings.cpu);
    const gpu = new TrainerClient();
    const gpuTiming = (async () => {
      await startWorker(gpu, ["webgpu"], data, dataSet);
      return gpu.call("probe", { model, train });
    })();
    gpuTiming.catch(() => {}); // a failure after the limit (the worker stopped) changes nothing
    try {
      timings.webgpu = await within(gpuTiming, limitMs);
    } catch (error) {
      failures.webgpu = messageOf(error);
    }
    if (timings.webgpu === null) timings.webgpuLimit = limitMs;
    const gpuWins = Number.isFinite(timings.webgpu) && timings.webgpu < timings.cpu;
    (gpuWins ? trainer : gpu).terminate();
    if (gpuWins) trainer = gpu;
  }
  const { backend } = trainer;
  const sentence = describeChoice({ job: "Training", backend, timings, failures, setting, adapter, cpuThreads });
  const threadsNote = describeThreads({ isolated: globalThis.crossOriginIsolated, cpuThreads, threadsError });
  return { trainer, choice: { backend, sentence, timings, cpuThreads, threadsNote } };
}
