// Node tests of a run's lifecycle on the page (www/run-loop.js): the queue runs calls one at
// a time in the order asked, a user action's error goes to the alert box (not the caller),
// and the two chunk sizers keep a call near its time budget. The alert box is a stand-in
// element on a stand-in document.

import { test } from "node:test";
import assert from "node:assert/strict";

import { RunLoop, nextChunk, nextFrameSteps } from "../../www/run-loop.js";
import { messageOf } from "../../www/format.js";

/** A stand-in document with one alert box, `box`. */
function withBox() {
  const box = { textContent: "", hidden: true };
  globalThis.document = { getElementById: (id) => (id === "the-error" ? box : null) };
  return box;
}

test("run loop: calls run one at a time, in the order asked, through a failing one", async () => {
  let changes = 0;
  const loop = new RunLoop({ errorId: "the-error", onChange: () => changes++ });
  const log = [];
  let running = 0;
  const job = (name, ms, fail = false) => () => new Promise((resolve, reject) => {
    running++;
    assert.equal(running, 1, "no two calls overlap");
    log.push(name);
    setTimeout(() => {
      running--;
      if (fail) reject(new Error(name));
      else resolve(name);
    }, ms);
  });
  const a = loop.exclusive(job("a", 20));
  const b = loop.exclusive(job("b", 1, true));
  const c = loop.exclusive(job("c", 1));
  assert.equal(loop.queued, 3);
  assert.ok(loop.busy);
  assert.equal(await a, "a");
  await assert.rejects(b, { message: "b" }, "a call's error reaches its caller");
  assert.equal(await c, "c", "a failed call does not stop the queue");
  await loop.idle();
  assert.equal(loop.queued, 0);
  assert.ok(!loop.busy);
  assert.deepEqual(log, ["a", "b", "c"]);
  assert.equal(changes, 6, "each call queued and each call done");
});

test("run loop: a user action's error shows in the alert box, and clears", async () => {
  const box = withBox();
  const warn = console.warn;
  console.warn = () => {}; // the action's error is logged as a warning; quiet here
  try {
    const loop = new RunLoop({ errorId: "the-error" });
    await loop.task(async () => {
      assert.ok(loop.busy, "busy while the action runs");
      throw new Error("could not download");
    });
    assert.ok(!loop.busy);
    assert.equal(loop.error, "could not download");
    assert.equal(box.textContent, "could not download");
    assert.equal(box.hidden, false);
    loop.clearError();
    assert.equal(loop.error, null);
    assert.equal(box.hidden, true);
    assert.equal(box.textContent, "");

    const handled = [];
    const custom = new RunLoop({ errorId: "the-error", onError: (error) => handled.push(error.message) });
    await custom.task(async () => {
      throw new Error("the GPU was lost");
    });
    assert.deepEqual(handled, ["the GPU was lost"]);
    assert.equal(custom.error, null, "a panel's own handler decides what shows");
  } finally {
    console.warn = warn;
  }
});

test("run loop: the trainer's chunks aim at the target time, growing at most 2x", () => {
  const sizes = { targetMs: 200, max: 200 };
  // 4 ms a step: 50 steps fit 200 ms, but a chunk of 4 grows to 8 at most.
  assert.equal(nextChunk({ steps: 4, ms: 16, current: 4, ...sizes }), 8);
  assert.equal(nextChunk({ steps: 40, ms: 160, current: 40, ...sizes }), 50);
  // Slow steps shrink it at once; never below 1, never above max.
  assert.equal(nextChunk({ steps: 50, ms: 1000, current: 50, ...sizes }), 10);
  assert.equal(nextChunk({ steps: 1, ms: 5000, current: 1, ...sizes }), 1);
  assert.equal(nextChunk({ steps: 150, ms: 0, current: 150, ...sizes }), 200);
});

test("run loop: the lab's frame steps follow its budget and its least rate", () => {
  const sizes = { budgetMs: 25, max: 64, minStepsPerSecond: 30 };
  assert.equal(nextFrameSteps({ steps: 8, ms: 10, ...sizes }), 9, "well under budget: one more");
  assert.equal(nextFrameSteps({ steps: 8, ms: 20, ...sizes }), 8, "near budget: as it is");
  assert.equal(nextFrameSteps({ steps: 8, ms: 30, ...sizes }), 6, "over budget: three quarters");
  assert.equal(nextFrameSteps({ steps: 1, ms: 30, ...sizes }), 1, "never below 1");
  assert.equal(nextFrameSteps({ steps: 4, ms: 500, ...sizes }), 15, "slow frames train at least 30 steps a second");
  assert.equal(nextFrameSteps({ steps: 64, ms: 1, ...sizes }), 64, "never above max");
});

test("messageOf reads any thrown value", () => {
  assert.equal(messageOf(new Error("x")), "x");
  assert.equal(messageOf("y"), "y");
  assert.equal(messageOf(null), "null");
  assert.equal(messageOf(new Error("")), "Error", "an empty message: the error's name");
});
