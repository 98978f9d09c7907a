// @ts-check
// GAN Studio's canvas helpers, shared by the explorer (explorer.js) and the trainer panel
// (trainer.js): painting a wasm `Rendered` picture, showing it large with crisp pixels,
// crisp scaled copies and PNG downloads.

/** Black pixels between the cells of a grid of samples, as in `gan sample`. */
export const GRID_GAP = 1;

/** Puts a wasm `Rendered` picture on `canvas` (resizing it) and frees the wasm object. */
export function paint(canvas, rendered) {
  const { width, height } = rendered;
  const pixels = new Uint8ClampedArray(rendered.rgba);
  rendered.free?.(); // a wasm object; pictures from the training worker are plain
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d").putImageData(new ImageData(pixels, width, height), 0, 0);
  canvas.dataset.renderCount = Number(canvas.dataset.renderCount ?? 0) + 1;
}

/**
 * The CSS size that shows a `width` x `height` pixel picture as large as fits in `box`
 * ({ width, height } in CSS px) with crisp pixels on a screen of `dpr` device pixels per CSS
 * px: a whole number of device pixels per picture pixel, the largest that fits. Only when not
 * even one fits is the picture scaled down to the box (keeping its aspect).
 */
export function crispSize(width, height, box, dpr = 1) {
  const perPixel = Math.floor(Math.min((box.width * dpr) / width, (box.height * dpr) / height));
  if (perPixel >= 1) return { width: (width * perPixel) / dpr, height: (height * perPixel) / dpr };
  const scale = Math.min(box.width / width, box.height / height);
  return { width: width * scale, height: height * scale };
}

/**
 * Sizes `canvas` on the page with `crispSize` for `box` ({ width, height } in CSS px). Only
 * its width is set: its height follows from its aspect.
 */
export function showCrisp(canvas, box) {
  const { width } = crispSize(canvas.width, canvas.height, box, window.devicePixelRatio || 1);
  canvas.style.width = `${width}px`;
}

/** The width inside `element`'s padding, in CSS px. */
export function contentWidth(element) {
  const style = getComputedStyle(element);
  return element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
}

/** A copy of `source` `scale` times larger, with crisp (unsmoothed) pixels. */
export function scaledCopy(source, scale) {
  const canvas = document.createElement("canvas");
  canvas.width = source.width * scale;
  canvas.height = source.height * scale;
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  return canvas;
}

/** Saves `blob` as a download named `name`. */
export function saveBlob(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

/** Saves a canvas as a PNG download. */
export function saveCanvas(canvas, name) {
  canvas.toBlob((blob) => saveBlob(blob, name), "image/png");
}
