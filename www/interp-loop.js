// @ts-check
// The explorer's interpolation as an animated loop (explorer.js): the images along the path
// from α = 0 (z₂) to α = 1 (z₁) and back, drawn by the explorer's own wasm studio in one
// batch and saved as a looping GIF (gif.js). The frame plan and the cutting of the batch into
// frames are pure (tests/unit/interp-loop.test.mjs); the download is a method of Explorer
// (panel-parts.js).

import { encodeGif } from "./gif.js";
import { saveBlob } from "./canvas.js";
import { greyFrame } from "./run-records.js";
import { $ } from "./page.js";

/** Images from α = 0 to α = 1 (the way back shows the same ones, less the two ends). */
export const LOOP_STEPS = 24;
/** Hundredths of a second each image of the loop is shown ... */
const LOOP_DELAY = 8;
/** ... and each end (z₂ and z₁), held so that the eye finds them. */
const LOOP_END_DELAY = 60;

/**
 * The alphas of a loop of `steps` images from 0 to 1 and back (forward, then backward
 * without repeating either end, so that it loops without a stutter), with each one's delay in
 * hundredths of a second: the ends longer.
 * @param {number} steps at least 2
 * @returns {{ alphas: number[], delays: number[] }}
 */
export function loopPlan(steps = LOOP_STEPS) {
  if (!(Number.isInteger(steps) && steps >= 2)) throw new Error(`a loop needs at least 2 steps, not ${steps}`);
  const forward = Array.from({ length: steps }, (_, i) => i / (steps - 1));
  const alphas = [...forward, ...forward.slice(1, -1).reverse()];
  const delays = alphas.map((a) => (a === 0 || a === 1 ? LOOP_END_DELAY : LOOP_DELAY));
  return { alphas, delays };
}

/**
 * The `count` grey frames of a column of `count` square images of side `size` (RGBA, one
 * under the other, no gap: what the studio renders for rows = count, cols = 1, gap 0), each
 * `scale` times larger with crisp pixels.
 * @param {ArrayLike<number>} rgba
 * @returns {Uint8Array[]}
 */
export function columnFrames(rgba, size, count, scale = 1) {
  if (rgba.length !== 4 * size * size * count) throw new Error(`${rgba.length / 4} pixels are not ${count} images of ${size} x ${size}`);
  const { grey } = greyFrame(rgba, size, size * count, Infinity);
  const side = size * scale;
  return Array.from({ length: count }, (_, i) => {
    const image = grey.subarray(i * size * size, (i + 1) * size * size);
    const out = new Uint8Array(side * side);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) out[y * side + x] = image[Math.floor(y / scale) * size + Math.floor(x / scale)];
    }
    return out;
  });
}

/** The explorer's methods for its interpolation loop. */
export const loopMethods = {
  /**
   * Draws the interpolation's loop (loopPlan) with the explorer's studio and saves it as a
   * looping GIF at the PNG scale; says what it saved, or why not, under the button.
   */
  async downloadLoop() {
    const button = /** @type {HTMLButtonElement} */ ($("export-loop"));
    const message = $("loop-message");
    button.disabled = true;
    try {
      if (this.empty || !this.info) throw new Error("there is no model to draw");
      const { alphas, delays } = loopPlan();
      const { z, codes } = this.interpolation(alphas);
      const rendered = await this.studio.render(z, codes, alphas.length, 1, 0);
      const size = this.info.imageSize;
      const rgba = new Uint8Array(rendered.rgba);
      rendered.free();
      const scale = Number($("export-scale").value) || 1;
      const frames = columnFrames(rgba, size, alphas.length, scale);
      const gif = encodeGif(frames, { width: size * scale, height: size * scale, delays });
      saveBlob(new Blob([gif], { type: "image/gif" }), this.exportName("loop", "gif"));
      message.textContent = `Saved the interpolation as a looping GIF: ${frames.length} images of ${size * scale} x ${size * scale}, α from 0 to 1 and back.`;
    } catch (error) {
      message.textContent = `Could not make the GIF: ${error?.message ?? error}`;
    } finally {
      button.disabled = false;
    }
  },
};
