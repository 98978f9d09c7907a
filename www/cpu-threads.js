// @ts-check
// The CPU's threads: loads the threaded CPU module (dist/threads/, built by
// scripts/build-threads.sh) in the calling worker and starts its thread pool, whose other
// threads are Web Workers (pool-worker.js) on the same shared memory (src/web/threads.rs).
// Only where the page is cross-origin isolated: shared memory needs it.

/** The pool's workers, kept referenced so that no browser collects them while they run. */
const poolWorkers = [];

/** Starts one pool worker on the threaded module; resolves once it waits for its thread. */
function startPoolWorker(moduleUrl, shared) {
  const worker = new Worker(new URL("./pool-worker.js", import.meta.url), { type: "module" });
  poolWorkers.push(worker);
  return new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => (data.ok ? resolve() : reject(new Error(data.error)));
    worker.onerror = (event) => reject(new Error(`a CPU thread did not start: ${event.message || "unknown error"}`));
    worker.postMessage({ moduleUrl, ...shared });
  });
}

/**
 * Loads the threaded module at `moduleUrl` and starts a pool of `threads` threads (this
 * worker and `threads - 1` pool workers). Resolves to the module, whose `Trainer` then runs
 * flex on every thread. Call it from a worker, never the page's main thread: the calling
 * thread blocks while the others finish their share.
 */
export async function loadThreadedCpu(moduleUrl, threads) {
  if (!globalThis.crossOriginIsolated) throw new Error("the page is not cross-origin isolated");
  const wasm = await import(moduleUrl);
  await wasm.default();
  const shared = wasm.sharedModule();
  // Each pool worker waits for its thread of the pool, which exists once the pool is built.
  await Promise.all(Array.from({ length: threads - 1 }, () => startPoolWorker(moduleUrl, shared)));
  wasm.startThreadPool(threads);
  return wasm;
}
