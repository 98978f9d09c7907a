// @ts-check
// GAN Studio's training worker: the wasm `Trainer`s (src/web/trainer.rs) run here, off the
// page's main thread, so training never stalls the page's drawing and input.
//
// It answers trainer-client.js through rpc.js, each reply's meta being the run's step. The
// first call, "start", loads the wasm module the page loaded (and, for the CPU where the page
// is cross-origin isolated, the threaded CPU module: cpu-threads.js) and starts one Trainer on
// each device named; "choose" keeps one; "probe" times a training step on it. Every other
// call goes to the kept Trainer's method of that name. Pictures come back as plain
// { width, height, rgba } objects and byte arrays are transferred, not copied.

import { loadThreadedCpu } from "./cpu-threads.js";
import { saveRun } from "./run-store.js";
import { messageOf } from "./format.js";
import { serveCalls } from "./rpc.js";

/** The wasm Trainers by device name ("cpu", "webgpu"), until "choose" keeps one. */
const trainers = new Map();
/** The Trainer the calls go to. */
let current = null;
/** The wasm modules the Trainers run on, by device name. */
const modules = new Map();

/**
 * Bytes of the GPU buffers this worker holds: every buffer WebGPU creates here is counted
 * until it is destroyed (what the long-run memory script samples; 0 on the CPU path).
 */
let gpuBufferBytes = 0;
/** This worker's WebGPU devices (for "loseGpuDevices"). */
const gpuDevices = [];
if (globalThis.GPUAdapter) {
  const request = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = async function requestDevice(...args) {
    const device = await request.apply(this, args);
    gpuDevices.push(device);
    return device;
  };
}
if (globalThis.GPUDevice) {
  const create = GPUDevice.prototype.createBuffer;
  const alive = new WeakMap();
  GPUDevice.prototype.createBuffer = function createBuffer(descriptor) {
    const buffer = create.call(this, descriptor);
    alive.set(buffer, descriptor.size);
    gpuBufferBytes += descriptor.size;
    const destroy = buffer.destroy.bind(buffer);
    buffer.destroy = () => {
      if (alive.has(buffer)) gpuBufferBytes -= alive.get(buffer);
      alive.delete(buffer);
      destroy();
    };
    return buffer;
  };
}

/** The Trainer methods the page may call (see src/web/trainer.rs). */
const METHODS = new Set([
  "reset", "resume", "setTrainConfig", "train", "render", "realDigits", "quality",
  "checkpoint", "loadClassifier", "addDataSet",
]);

/** Transferable buffers of a reply's value (byte and float arrays move instead of copying). */
function transfers(value) {
  if (ArrayBuffer.isView(value)) return [value.buffer];
  if (value && ArrayBuffer.isView(value.rgba)) return [value.rgba.buffer];
  return [];
}

/** A wasm `Rendered` as a plain object (anything else as it is). */
function plain(value) {
  if (value && typeof value === "object" && "rgba" in value && typeof value.free === "function") {
    const picture = { width: value.width, height: value.height, rgba: value.rgba };
    value.free();
    return picture;
  }
  return value;
}

/** Milliseconds of one training step on `trainer` after an untimed warm-up step. */
async function timeStep(trainer, model, train) {
  trainer.reset(model, train);
  await trainer.train(1, "both");
  const started = performance.now();
  await trainer.train(1, "both");
  return performance.now() - started;
}

const calls = {
  /**
   * Starts a Trainer on each of `backends`, on `data` (the file of the data set called
   * `dataSet`): on the page's wasm module (`moduleUrl`,
   * `wasmUrl`), except the CPU when `threads` ({ moduleUrl, count }) names the threaded CPU
   * module, which then runs on `count` threads (falling back to the main module's single
   * thread if it cannot start). Resolves to { backends, failures, cpuThreads, threadsError }.
   */
  async start({ moduleUrl, wasmUrl, backends, data, dataSet, threads }) {
    let main = null;
    const mainModule = async () => {
      if (!main) {
        main = await import(moduleUrl);
        await main.default({ module_or_path: wasmUrl });
      }
      return main;
    };
    const failures = {};
    let cpuThreads = 0;
    let threadsError = null;
    for (const backend of backends) {
      try {
        let wasm = null;
        if (backend === "cpu" && threads) {
          try {
            wasm = await loadThreadedCpu(threads.moduleUrl, threads.count);
            cpuThreads = threads.count;
          } catch (error) {
            threadsError = messageOf(error);
          }
        }
        if (!wasm) {
          wasm = await mainModule();
          if (backend === "cpu") cpuThreads = 1;
        }
        trainers.set(backend, await wasm.Trainer.create(backend, data, dataSet));
        modules.set(backend, wasm);
      } catch (error) {
        failures[backend] = messageOf(error);
      }
    }
    if (trainers.size === 0) throw new Error(Object.values(failures).join("; "));
    current = trainers.values().next().value;
    return { backends: [...trainers.keys()], failures, cpuThreads, threadsError };
  },

  /** Milliseconds of one step of `model`/`train` on the current Trainer; its run is discarded. */
  probe({ model, train }) {
    return timeStep(current, model, train);
  },

  /** Keeps the Trainer on `backend` for every later call and frees the others. */
  choose({ backend }) {
    const trainer = trainers.get(backend);
    if (!trainer) throw new Error(`no ${backend} trainer`);
    current = trainer;
    for (const [name, other] of trainers) {
      if (other !== trainer) {
        other.free();
        trainers.delete(name);
        modules.delete(name);
      }
    }
    return backend;
  },

  /**
   * The current Trainer's memory, for the long-run memory script: { wasm, gpu } in bytes
   * (its module's linear memory; the GPU buffers alive in this worker).
   */
  memory() {
    const [backend] = [...trainers].find(([, trainer]) => trainer === current) ?? [];
    return { wasm: backend ? modules.get(backend).memoryBytes() : 0, gpu: gpuBufferBytes };
  },

  /**
   * Saves the current run to this device (run-store.js): its checkpoint, taken here, with
   * `shown` (what the panel shows of it). Here rather than on the page, so that copying the
   * bytes into IndexedDB never holds up the page's drawing. Resolves to the step saved.
   */
  async saveToDevice(shown) {
    const step = current.step;
    const checkpoint = await current.checkpoint();
    await saveRun({ ...shown, step, checkpoint });
    return step;
  },

  /**
   * What a lost GPU does, for the browser tests (tests/e2e/device-loss.test.mjs): destroys
   * this worker's WebGPU devices, as a driver reset or an unplugged GPU would. Resolves to how
   * many there were.
   */
  loseGpuDevices() {
    for (const device of gpuDevices) device.destroy();
    return gpuDevices.length;
  },

  /** The current run's info (JSON), or null without a run. */
  info() {
    return current.info ?? null;
  },
};

serveCalls(async (call, args) => {
  if (calls[call]) return calls[call](...args);
  if (METHODS.has(call) && current) return plain(await current[call](...args));
  throw new Error(current ? `the trainer has no call "${call}"` : "the trainer has not started");
}, { transfer: transfers, meta: () => (current ? current.step : 0) });
