// The page's side of the training worker (trainer-worker.js): a `TrainerClient` has the
// methods of the wasm Trainer (src/web/trainer.rs), each returning a promise, and keeps the
// run's step counter from the worker's last reply. Device choice for training lives here too:
// `startTrainer` probes a training step on each device and keeps the faster.

import { cpuThreadCount, describeChoice, describeThreads } from "./devices.js";

/** The URLs of the wasm module the page loaded (trunk links them in the page's head). */
function wasmUrls() {
  const moduleLink = document.querySelector('link[rel="modulepreload"][href$=".js"]');
  const wasmLink = document.querySelector('link[rel="preload"][href$=".wasm"]');
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

/** A wasm Trainer in a Web Worker, called through promises. */
export class TrainerClient {
  constructor() {
    this.worker = new Worker(new URL("./trainer-worker.js", import.meta.url), { type: "module" });
    this.pending = new Map(); // request id -> { resolve, reject }
    this.nextId = 1;
    this.step = 0; // the run's step after the last call
    this.backend = null; // the device the calls go to
    this.worker.onmessage = ({ data }) => this.settle(data);
    this.worker.onerror = (event) => this.failAll(new Error(`the training worker failed: ${event.message || "unknown error"}`));
  }

  /** Sends `call(...args)` to the worker; resolves to its value. */
  call(call, ...args) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, call, args });
    });
  }

  settle({ id, ok, value, step, error }) {
    const request = this.pending.get(id);
    if (!request) return;
    this.pending.delete(id);
    if (!ok) {
      request.reject(new Error(error));
      return;
    }
    this.step = step;
    request.resolve(value);
  }

  failAll(error) {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  reset(model, train) { return this.call("reset", model, train); }
  resume(bytes, train) { return this.call("resume", bytes, train); }
  setTrainConfig(train) { return this.call("setTrainConfig", train); }
  train(steps, mode) { return this.call("train", steps, mode); }
  render(z, labels, rows, cols, gap) { return this.call("render", z, labels, rows, cols, gap); }
  realDigits(seed, rows, cols, gap) { return this.call("realDigits", seed, rows, cols, gap); }
  quality(n, seed) { return this.call("quality", n, seed); }
  checkpoint() { return this.call("checkpoint"); }
  loadClassifier(bytes) { return this.call("loadClassifier", bytes); }
  info() { return this.call("info"); }

  /** Stops the worker (its Trainers and their devices go with it). */
  terminate() {
    this.worker.terminate();
    this.failAll(new Error("the trainer was stopped"));
  }
}

/** The longest a WebGPU probe may take: `factor` times the CPU's, and at least `floorMs`. */
const PROBE_LIMIT = { factor: 10, floorMs: 5000 };

/**
 * Starts the training worker on the MNIST bytes `mnist`. `setting` is "cpu", "webgpu" or
 * "auto"; with "auto" and a WebGPU adapter (`adapter`, from describeAdapter) it times one
 * training step of `model`/`train` (JSON) on each device and keeps the faster. Resolves to
 * { trainer, choice } where `choice` is { backend, sentence, timings } for the page to show.
 */
export async function startTrainer({ mnist, setting, model, train, adapter }) {
  const client = new TrainerClient();
  // The CPU always starts too: it is the fallback when WebGPU cannot.
  const backends = setting === "cpu" ? ["cpu"]
    : setting === "webgpu" ? ["webgpu", "cpu"]
      : adapter.present ? ["cpu", "webgpu"] : ["cpu"];
  const threads = cpuThreadsPlan();
  const { backends: started, failures, cpuThreads, threadsError } =
    await client.call("start", { ...wasmUrls(), backends, mnist, threads });
  const timings = {};
  let backend = started[0];
  if (setting === "auto" && started.length > 1) {
    timings.cpu = await client.call("probe", { backend: "cpu", model, train, limitMs: 600_000 });
    const limitMs = Math.max(PROBE_LIMIT.floorMs, PROBE_LIMIT.factor * timings.cpu);
    timings.webgpu = await client.call("probe", { backend: "webgpu", model, train, limitMs });
    backend = timings.webgpu !== null && timings.webgpu < timings.cpu ? "webgpu" : "cpu";
    if (timings.webgpu === null) timings.webgpuLimit = limitMs;
  }
  await client.call("choose", { backend });
  client.backend = backend;
  const sentence = describeChoice({ job: "Training", backend, timings, failures, setting, adapter, cpuThreads });
  const threadsNote = describeThreads({ isolated: globalThis.crossOriginIsolated, cpuThreads, threadsError });
  return { trainer: client, choice: { backend, sentence, timings, cpuThreads, threadsNote } };
}
