// @ts-check
// Where the 2-D lab's runs train: a `LabRunner` holds one wasm `Lab` (src/web/lab.rs) and
// answers `make(settings, drawn)` (a new run; its real points) and `frame(steps, mode)` (the
// steps trained and every view, as plain data) with promises. Two kinds, one interface:
// - WorkerRunner: the Lab in a Web Worker of its own (lab-worker.js), so that the page's
//   thread only draws: a frame's views cost the CPU path about as much as an animation frame
//   lasts, and the page keeps its display rate while the worker computes. Each pane of the lab
//   gets one, so two panes train side by side on two cores.
// - PageRunner: the Lab on the page's thread, where no worker starts.

import { WorkerRpc } from "./rpc.js";
import { wasmUrls } from "./trainer-client.js";

/** A LabFrame's views as plain data (typed arrays and numbers); frees the wasm object. */
export function readFrame(frame) {
  const out = {
    step: frame.step,
    losses: frame.losses,
    fake: frame.fake,
    heatmap: frame.heatmap,
    heatmapRes: frame.heatmapRes,
    heatmapLo: frame.heatmapLo,
    heatmapHi: frame.heatmapHi,
    manifold: frame.manifold,
    manifoldRows: frame.manifoldRows,
    manifoldCols: frame.manifoldCols,
    arrows: frame.arrows,
    kl: frame.kl,
    js: frame.js,
    modesCovered: frame.modesCovered,
    modeCount: frame.modeCount,
  };
  frame.free?.();
  return out;
}

/** The typed arrays of a plain frame, to transfer rather than copy. */
export const frameBuffers = (frame) =>
  ["losses", "fake", "heatmap", "manifold", "arrows"].map((name) => frame[name].buffer);

/** A Lab on the page's thread (the wasm bindings `wasm`). */
export class PageRunner {
  constructor(wasm) {
    this.wasm = wasm;
    this.kind = "page";
    this.lab = null;
  }

  /** A new run of `settings` (JSON) on `drawn` (x, y pairs); resolves to its real points. */
  async make(settings, drawn) {
    this.free();
    this.lab = new this.wasm.Lab(settings, Float32Array.from(drawn));
    return this.lab.realPoints();
  }

  /** Trains `steps` steps of `mode`, then resolves to the frame (plain data). */
  async frame(steps, mode) {
    if (!this.lab) throw new Error("the lab has no run");
    return readFrame(await this.lab.frame(steps, mode));
  }

  free() {
    this.lab?.free();
    this.lab = null;
  }

  terminate() {
    this.free();
  }
}

/** A Lab in a Web Worker (lab-worker.js) on the page's wasm module, called through rpc.js. */
export class WorkerRunner {
  constructor() {
    this.kind = "worker";
    this.rpc = new WorkerRpc(new Worker(new URL("./lab-worker.js", import.meta.url), { type: "module" }), {
      onWorkerError: (event) => {
        event.preventDefault(); // said in the lab, not the page's status
        return new Error(`the lab's worker failed: ${event.message || "it did not start"}`);
      },
      deadMessage: "the lab's worker failed",
    });
    this.ready = this.call("start", wasmUrls());
  }

  /** Whether the worker failed or was stopped (the lab then starts another). */
  get dead() {
    return this.rpc.dead;
  }

  /** Sends `call(...args)` to the worker; resolves to its value. */
  call(call, ...args) {
    return this.rpc.call(call, ...args);
  }

  async make(settings, drawn) {
    await this.ready;
    return this.call("make", settings, Float32Array.from(drawn));
  }

  async frame(steps, mode) {
    return this.call("frame", steps, mode);
  }

  free() {
    this.call("free").catch(() => {});
  }

  terminate() {
    this.rpc.terminate(new Error("the lab's worker was stopped"));
  }
}

/**
 * A runner of `kind` ("worker" or "page"); a worker that cannot start gives way to the page's
 * thread. Resolves once it can take a run.
 */
export async function startRunner(wasm, kind = "worker") {
  if (kind === "worker" && typeof Worker === "function") {
    const runner = new WorkerRunner();
    try {
      await runner.ready;
      return runner;
    } catch (error) {
      console.warn("the lab's worker did not start; the lab runs on the page's thread:", error);
      runner.terminate();
    }
  }
  return new PageRunner(wasm);
}
