// @ts-check
// A run's lifecycle on the page, shared by the trainer panel (trainer.js), the 2-D lab
// (lab.js) and the explorer's Find z panel (find-z.js): one queue of exclusive calls into a wasm model (so calls never overlap and always
// see the run in the order the user asked for), user actions whose errors go to the panel's
// alert box rather than the page's status line, the chunk sizes that keep each call near a
// time budget, and pausing while the tab is hidden.

import { messageOf } from "./format.js";
import { $ } from "./page.js";

/** A panel's run: its queue of exclusive calls, its user actions and its alert box. */
export class RunLoop {
  /**
   * `errorId` is the panel's alert box (an element id); `onChange()` runs whenever a call is
   * queued or done and a user action starts or ends (the panel syncs its buttons);
   * `onError(error)` handles a user action's error (by default: shows its message).
   * @param {{ errorId: string, onChange?: () => void, onError?: (error: any) => any }} options
   */
  constructor({ errorId, onChange = () => {}, onError = null }) {
    this.errorId = errorId;
    this.onChange = onChange;
    this.onError = onError ?? ((error) => this.showError(messageOf(error)));
    this.queue = Promise.resolve(); // every call runs after the previous one
    this.queued = 0; // calls queued or running
    this.tasks = 0; // user actions under way
    this.error = null; // the message shown in the alert box
  }

  /** Whether a call runs or waits, or a user action is under way. */
  get busy() {
    return this.tasks > 0 || this.queued > 0;
  }

  /**
   * Runs `job` after every call queued before it; resolves to its result.
   * @template T
   * @param {() => T | Promise<T>} job
   * @returns {Promise<T>}
   */
  exclusive(job) {
    this.queued++;
    const result = this.queue.then(() => job());
    this.queue = result.then(() => {}, () => {}).then(() => {
      this.queued--;
      this.onChange();
    });
    this.onChange();
    return result;
  }

  /** Resolves once every call asked for so far is done. */
  async idle() {
    while (this.queued > 0) await this.queue;
  }

  /**
   * Runs a user action: its error goes to `onError` (a warning in the console, never a page
   * error), not to the caller.
   * @param {() => Promise<void>} action
   */
  async task(action) {
    this.tasks++;
    this.onChange();
    try {
      await action();
    } catch (error) {
      console.warn(error); // shown in the panel; a warning, not a page error
      await this.onError(error);
    } finally {
      this.tasks--;
      this.onChange();
    }
  }

  /** Shows `message` in the alert box. */
  showError(message) {
    this.error = message;
    const box = $(this.errorId);
    box.textContent = message;
    box.hidden = false;
  }

  /** Clears the alert box. */
  clearError() {
    this.error = null;
    const box = $(this.errorId);
    box.hidden = true;
    box.textContent = "";
  }
}

/**
 * The steps of the next chunk while playing, so that one call takes about `targetMs`: from
 * the last chunk's `steps` and the `ms` it took, growing at most 2x from `current` (the
 * chunk's size now), between 1 and `max`.
 * @param {{ steps: number, ms: number, current: number, targetMs: number, max: number }} measured
 */
export function nextChunk({ steps, ms, current, targetMs, max }) {
  const perStep = Math.max(ms / steps, 0.05);
  const ideal = Math.max(1, Math.floor(targetMs / perStep));
  return Math.min(max, ideal, Math.max(1, current) * 2);
}

/**
 * The steps the next frame trains, from the `ms` the last frame took for `steps` steps:
 * fewer when over `budgetMs`, one more when well under, and never fewer than keep
 * `minStepsPerSecond` at frames that slow; between 1 and `max`.
 * @param {{ steps: number, ms: number, budgetMs: number, max: number, minStepsPerSecond: number }} measured
 */
export function nextFrameSteps({ steps, ms, budgetMs, max, minStepsPerSecond }) {
  let next = steps;
  if (ms > budgetMs && steps > 1) next = Math.floor(steps * 0.75);
  else if (ms < 0.75 * budgetMs) next = steps + 1;
  const least = Math.ceil((minStepsPerSecond * ms) / 1000);
  return Math.max(1, Math.min(max, Math.max(least, next)));
}

/**
 * Pauses `panel` while the tab is hidden (the browser would starve its loop anyway) and
 * resumes it when the tab is back, if it was playing: `panel` has `playing`, `pause()`,
 * `play()` and `say(text)`.
 */
export function pauseWhileHidden(panel) {
  let resume = false;
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      if (panel.playing) {
        resume = true;
        panel.pause();
        panel.say("Paused while the tab was hidden.");
      }
    } else if (resume) {
      resume = false;
      panel.say("");
      panel.play();
    }
  });
}
