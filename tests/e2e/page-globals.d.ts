// What the page's scripts (www/) use that TypeScript's DOM library does not declare, for the
// type check (tsconfig.json): trunk's wasm bindings and the handles the browser tests read
// on window, and WebGPU's classes, which the training worker counts its buffers through.

interface Window {
  /** The wasm module's exports (trunk's loader, www/initializer.mjs, sets them). */
  wasmBindings: any;
  /** The 2-D lab (www/lab.js), for the console and the browser tests. */
  ganLab: any;
  /** The explorer (www/explorer.js), for the console and the browser tests. */
  ganStudio: any;
}

interface Navigator {
  /** WebGPU's entry point, where the browser has it. */
  readonly gpu: any;
}

declare var GPUAdapter: any;
declare var GPUDevice: any;
