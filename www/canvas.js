// GAN Studio's canvas helpers, shared by the explorer (app.js) and the trainer panel
// (trainer.js): painting a wasm `Rendered` picture, crisp scaled copies and PNG downloads.

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
