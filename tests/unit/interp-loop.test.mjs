// Node tests of the interpolation loop's pure logic (www/interp-loop.js): the alphas of the
// loop and their delays, and the cutting of the studio's column of images into scaled frames.

import { test } from "node:test";
import assert from "node:assert/strict";

import { LOOP_STEPS, columnFrames, loopPlan } from "../../www/interp-loop.js";

test("a loop goes from 0 to 1 and back without repeating either end", () => {
  const { alphas, delays } = loopPlan(4);
  assert.deepEqual(alphas, [0, 1 / 3, 2 / 3, 1, 2 / 3, 1 / 3]);
  assert.equal(delays.length, alphas.length);
  assert.ok(delays[0] > delays[1] && delays[3] > delays[2], "the ends are held longer");
  assert.equal(delays[1], delays[4]);
  assert.deepEqual(loopPlan(2).alphas, [0, 1]);
  const full = loopPlan();
  assert.equal(full.alphas.length, 2 * LOOP_STEPS - 2);
  assert.equal(full.alphas[LOOP_STEPS - 1], 1);
  for (const bad of [1, 0, 2.5, NaN]) assert.throws(() => loopPlan(bad), /at least 2 steps/);
});

test("a column of images is cut into frames, each scaled with crisp pixels", () => {
  // Two 2 x 2 images, one under the other: grey levels 1..8 in the red channel.
  const rgba = new Uint8Array(4 * 8);
  for (let i = 0; i < 8; i++) rgba.set([i + 1, i + 1, i + 1, 255], 4 * i);
  const frames = columnFrames(rgba, 2, 2);
  assert.deepEqual(frames.map((f) => Array.from(f)), [[1, 2, 3, 4], [5, 6, 7, 8]]);
  const scaled = columnFrames(rgba, 2, 2, 2);
  assert.deepEqual(Array.from(scaled[1]), [
    5, 5, 6, 6,
    5, 5, 6, 6,
    7, 7, 8, 8,
    7, 7, 8, 8,
  ]);
  assert.throws(() => columnFrames(rgba, 2, 3), /not 3 images of 2 x 2/);
});
