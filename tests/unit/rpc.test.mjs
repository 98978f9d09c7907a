// Node tests of the page's worker RPC (www/rpc.js): both ends over a MessageChannel, the
// page's `WorkerRpc` on one port and the worker's `serveCalls` on the other, so that replies
// are matched to their requests, errors come back as rejections, meta reaches the page, buffers
// move, and a failed or stopped worker rejects what is pending.

import { test } from "node:test";
import assert from "node:assert/strict";

import { WorkerRpc, serveCalls } from "../../www/rpc.js";

/** A stand-in for a Worker: the page's end of a channel, with terminate() closing it. */
function fakeWorker(port) {
  return {
    set onmessage(handler) {
      port.onmessage = handler;
    },
    onerror: null,
    postMessage: (message, transfer) => port.postMessage(message, transfer),
    terminate: () => port.close(),
  };
}

/** A client and a served worker, the worker's calls being `calls`. */
function connect(calls, { meta, deadMessage = null } = {}) {
  const { port1, port2 } = new MessageChannel();
  serveCalls((call, args) => {
    if (!calls[call]) throw new Error(`no call "${call}"`);
    return calls[call](...args);
  }, { port: port2, meta, transfer: (value) => (ArrayBuffer.isView(value) ? [value.buffer] : []) });
  const metas = [];
  const worker = fakeWorker(port1);
  const rpc = new WorkerRpc(worker, {
    onMeta: (m) => metas.push(m),
    onWorkerError: (event) => new Error(`failed: ${event.message}`),
    deadMessage,
  });
  const close = () => {
    port1.close();
    port2.close();
  };
  return { rpc, worker, metas, close };
}

test("rpc: each reply settles its own request, with the worker's meta", async () => {
  let step = 0;
  const { rpc, metas, close } = connect({
    // The slow call answers after the fast one: the ids keep them apart.
    slow: (x) => new Promise((resolve) => setTimeout(() => resolve(x * 2), 20)),
    fast: (x) => {
      step = x;
      return x + 1;
    },
  }, { meta: () => step });
  const [slow, fast] = await Promise.all([rpc.call("slow", 5), rpc.call("fast", 7)]);
  assert.equal(slow, 10);
  assert.equal(fast, 8);
  assert.deepEqual(metas, [7, 7], "each successful reply brings the meta of its moment");
  assert.equal(rpc.pending.size, 0);
  close();
});

test("rpc: a worker's error rejects its call with the error's message; later calls still work", async () => {
  const { rpc, metas, close } = connect({
    bad: () => {
      throw new Error("the trainer has not started");
    },
    later: async () => {
      throw "a plain string";
    },
    good: () => "fine",
  });
  await assert.rejects(rpc.call("bad"), { message: "the trainer has not started" });
  await assert.rejects(rpc.call("later"), { message: "a plain string" });
  await assert.rejects(rpc.call("missing"), { message: 'no call "missing"' });
  assert.equal(await rpc.call("good"), "fine");
  assert.equal(metas.length, 1, "a failed reply brings no meta");
  close();
});

test("rpc: byte arrays come back whole", async () => {
  const { rpc, close } = connect({ bytes: (n) => Uint8Array.from({ length: n }, (_, i) => i) });
  assert.deepEqual(Array.from(await rpc.call("bytes", 4)), [0, 1, 2, 3]);
  close();
});

test("rpc: a worker error rejects every pending call; with a deadMessage, later ones too", async () => {
  for (const deadMessage of [null, "the worker failed"]) {
    const { rpc, worker, close } = connect({ never: () => new Promise(() => {}), echo: (x) => x }, { deadMessage });
    const pending = [rpc.call("never"), rpc.call("never")];
    worker.onerror({ message: "boom" });
    for (const call of pending) await assert.rejects(call, { message: "failed: boom" });
    assert.equal(rpc.dead, deadMessage !== null);
    if (deadMessage) await assert.rejects(rpc.call("echo", 1), { message: deadMessage });
    else assert.equal(await rpc.call("echo", 1), 1, "without a deadMessage, calls are still sent");
    close();
  }
});

test("rpc: terminate rejects what is pending with its error", async () => {
  const { rpc, close } = connect({ never: () => new Promise(() => {}) }, { deadMessage: "stopped" });
  const pending = rpc.call("never");
  rpc.terminate(new Error("the trainer was stopped"));
  await assert.rejects(pending, { message: "the trainer was stopped" });
  await assert.rejects(rpc.call("never"), { message: "stopped" });
  close();
});
