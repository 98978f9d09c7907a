// @ts-check
// The page's one worker RPC: requests and replies over postMessage, matched by id, with a
// worker's errors coming back as rejected promises. The page side is `WorkerRpc` (the
// trainer's client, trainer-client.js; the lab's runner, lab-runner.js); the worker side is
// `serveCalls` (trainer-worker.js, lab-worker.js).
//
// The protocol: a request { id, call, args } gets one reply { id, ok: true, value, meta } or
// { id, ok: false, error }, where `meta` is what the worker says beside every value (the
// trainer's step counter) and `error` an error's message.

import { messageOf } from "./format.js";

/** A Web Worker's calls, each a promise of the worker's reply. */
export class WorkerRpc {
  /**
   * Talks to `worker`. `onMeta(meta)` sees the meta of every successful reply. When the worker
   * reports an error event, `onWorkerError(event)` returns the Error every pending call rejects
   * with. With a `deadMessage`, a worker that failed or was stopped counts as dead: later
   * calls reject at once with that message (without, they are still sent).
   * @param {Worker} worker
   * @param {{ onMeta?: (meta: any) => void, onWorkerError: (event: ErrorEvent) => Error, deadMessage?: string | null }} options
   */
  constructor(worker, { onMeta = () => {}, onWorkerError, deadMessage = null }) {
    this.worker = worker;
    this.pending = new Map(); // request id -> { resolve, reject }
    this.nextId = 1;
    this.deadMessage = deadMessage;
    this.dead = false; // whether the worker failed or was stopped (with a deadMessage only)
    this.onMeta = onMeta;
    worker.onmessage = ({ data }) => this.settle(data);
    worker.onerror = (event) => {
      const error = onWorkerError(event);
      this.dead = deadMessage !== null;
      this.failAll(error);
    };
  }

  /** Sends `call(...args)` to the worker; resolves to its value, rejects with its error. */
  call(call, ...args) {
    if (this.dead) return Promise.reject(new Error(this.deadMessage));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, call, args });
    });
  }

  /** Settles the request that a reply answers. */
  settle({ id, ok, value, meta, error }) {
    const request = this.pending.get(id);
    if (!request) return;
    this.pending.delete(id);
    if (!ok) {
      request.reject(new Error(error));
      return;
    }
    this.onMeta(meta);
    request.resolve(value);
  }

  /** Rejects every pending call with `error`. */
  failAll(error) {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  /** Stops the worker; every pending call rejects with `error`. */
  terminate(error) {
    this.worker.terminate();
    this.dead = this.deadMessage !== null;
    this.failAll(error);
  }
}

/**
 * The worker's side: answers each request with `dispatch(call, args)`'s value (awaited), or
 * its error's message. `transfer(value, call)` names the buffers to move rather than copy;
 * `meta()` is sent beside every value. `port` is where requests come from: the worker's
 * global scope (a MessagePort in the unit tests).
 * @param {(call: string, args: any[]) => any} dispatch
 * @param {{ transfer?: (value: any, call: string) => Transferable[], meta?: () => any, port?: any }} [options]
 */
export function serveCalls(dispatch, { transfer = () => [], meta = () => undefined, port = self } = {}) {
  port.onmessage = async ({ data: { id, call, args } }) => {
    try {
      const value = await dispatch(call, args);
      port.postMessage({ id, ok: true, value, meta: meta() }, transfer(value, call));
    } catch (error) {
      port.postMessage({ id, ok: false, error: messageOf(error) });
    }
  };
}
