// @ts-check
// The 2-D lab's worker: one wasm `Lab` (src/web/lab.rs) of one pane, off the page's thread,
// on the page's wasm module (Burn's flex on the CPU). It answers lab-runner.js through
// rpc.js. Calls: "start" (load the module), "make" (a new run: its real points), "frame"
// (train, then every view, as plain data whose arrays are transferred), "free".

import { frameBuffers, readFrame } from "./lab-runner.js";
import { serveCalls } from "./rpc.js";

let wasm = null;
let lab = null;

const calls = {
  /** Loads the page's wasm module (`moduleUrl`, `wasmUrl`). */
  async start({ moduleUrl, wasmUrl }) {
    if (!wasm) {
      const module = await import(moduleUrl);
      await module.default({ module_or_path: wasmUrl });
      wasm = module;
    }
    return true;
  },

  /** A new run of `settings` (JSON) on `drawn` (x, y pairs): resolves to its real points. */
  make(settings, drawn) {
    calls.free();
    lab = new wasm.Lab(settings, drawn);
    return lab.realPoints();
  },

  /** Trains `steps` steps of `mode`; resolves to the frame. */
  async frame(steps, mode) {
    if (!lab) throw new Error("the lab has no run");
    return readFrame(await lab.frame(steps, mode));
  },

  free() {
    lab?.free();
    lab = null;
    return true;
  },
};

serveCalls((call, args) => {
  if (!calls[call]) throw new Error(`the lab's worker has no call "${call}"`);
  return calls[call](...args);
}, {
  transfer: (value, call) => (call === "frame" ? frameBuffers(value) : ArrayBuffer.isView(value) ? [value.buffer] : []),
});
