// @ts-check
// Runs async jobs one at a time, keeping only the newest waiting request: a fast slider drag
// never queues stale frames.

/**
 * A job asked for while one runs waits, replacing any waiting job of the same or smaller
 * `weight` (a full-grid redraw covers a one-cell redraw). Jobs read the current state when
 * they start, so the newest request always wins. A job's error goes to `onError`.
 */
export class Coalescer {
  constructor(onError = (error) => console.error(error)) {
    this.onError = onError;
    this.running = false;
    this.pending = null;
  }

  /** Runs `job` now, or after the running one if it still is the heaviest request then. */
  request(job, weight = 1) {
    if (this.running) {
      if (!this.pending || weight >= this.pending.weight) this.pending = { job, weight };
      return;
    }
    this.run(job);
  }

  /** Runs `job`, then the waiting request, if any. */
  async run(job) {
    this.running = true;
    try {
      await job();
    } catch (error) {
      this.onError(error);
    } finally {
      this.running = false;
      const next = this.pending;
      this.pending = null;
      if (next) this.run(next.job);
    }
  }
}
