// @ts-check
// One thread of the CPU's thread pool (cpu-threads.js): instantiates the threaded module on
// the pool's shared memory, says it is ready, then waits for its thread of the pool and runs
// it for good.
self.onmessage = async ({ data: { moduleUrl, module, memory } }) => {
  let wasm;
  try {
    wasm = await import(moduleUrl);
    await wasm.default({ module_or_path: module, memory });
  } catch (error) {
    self.postMessage({ ok: false, error: `a CPU thread did not start: ${error?.message ?? error}` });
    return;
  }
  self.postMessage({ ok: true });
  wasm.runPoolThread();
};
