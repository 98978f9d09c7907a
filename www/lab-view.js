// @ts-check
// The 2-D lab's view: the plane [-1, 1]² drawn on a canvas, x to the right and y up, with the
// discriminator's output as a heatmap, the generator's manifold as a mesh, the real and the
// generated points, the gradient arrows on the generated points, and the points drawn by
// hand with the keyboard's cursor. The mapping between the plane and the canvas, the colour
// scale and the arrows' scale are pure and exported for the tests.

/** Colours of the view (the legend in index.html uses the same). */
export const COLORS = {
  background: "#0d1117",
  axes: "#30363d",
  real: "rgba(121, 192, 255, 0.75)",
  fake: "rgba(255, 166, 87, 0.85)",
  manifold: "rgba(230, 237, 243, 0.35)",
  arrows: "rgba(242, 204, 96, 0.9)",
  drawn: "#7ee787",
  cursor: "#e6edf3",
};

/**
 * The heatmap's colour scale: low D (fake, dim orange) through dark to high D (real, dim blue).
 * @type {[number, number[]][]}
 */
const SCALE = [
  [0, [128, 64, 24]],
  [0.5, [22, 27, 34]],
  [1, [24, 84, 150]],
];

/** The colour of a heatmap value `t` in [0, 1] (clamped) as [r, g, b]. */
export function heatColor(t) {
  const x = Number.isFinite(t) ? Math.max(0, Math.min(1, t)) : 0.5;
  for (let i = 1; i < SCALE.length; i++) {
    const [hi, c1] = SCALE[i];
    const [lo, c0] = SCALE[i - 1];
    if (x <= hi) {
      const f = (x - lo) / (hi - lo);
      return c0.map((c, k) => Math.round(c + f * (c1[k] - c)));
    }
  }
  return SCALE.at(-1)[1];
}

/** The CSS gradient of the heatmap's scale (for its legend). */
export const HEAT_GRADIENT = `linear-gradient(to right, ${SCALE.map(([at, c]) => `rgb(${c.join(",")}) ${at * 100}%`).join(", ")})`;

/** Where point (x, y) of the plane lands on a `size` x `size` canvas: [px, py]. */
export function toPixel(x, y, size) {
  return [((x + 1) / 2) * size, ((1 - y) / 2) * size];
}

/** The point of the plane under canvas pixel (px, py) of a `size` x `size` canvas, clamped to it. */
export function toPlane(px, py, size) {
  const clamp = (v) => Math.max(-1, Math.min(1, v));
  return [clamp((px / size) * 2 - 1), clamp(1 - (py / size) * 2)];
}

/**
 * The factor that draws gradient arrows (x, y pairs, the first `count`) on a `size` px plane:
 * the longest becomes `share` of the plane's side (0 when every arrow is zero or not finite).
 */
export function arrowScale(arrows, count, size, share = 0.08) {
  let longest = 0;
  for (let i = 0; i < count; i++) {
    const length = Math.hypot(arrows[2 * i], arrows[2 * i + 1]);
    if (Number.isFinite(length)) longest = Math.max(longest, length);
  }
  return longest > 0 ? (share * size) / longest : 0;
}

/** The heatmap's pixels: `values` res x res (row 0 the top) coloured over [lo, hi]. */
export function heatmapPixels(values, res, lo, hi) {
  const pixels = new Uint8ClampedArray(res * res * 4);
  const span = hi - lo;
  for (let i = 0; i < res * res; i++) {
    const t = span > 0 ? (values[i] - lo) / span : 0.5;
    const [r, g, b] = heatColor(t);
    pixels.set([r, g, b, 255], 4 * i);
  }
  return pixels;
}

/**
 * Sizes `canvas`'s pixels to its box on screen (square, device pixels), so lines and points
 * stay sharp; returns the side in pixels.
 */
export function fitCanvas(canvas) {
  const scale = window.devicePixelRatio || 1;
  const side = Math.max(64, Math.round((canvas.clientWidth || canvas.width) * scale));
  if (canvas.width !== side || canvas.height !== side) {
    canvas.width = side;
    canvas.height = side;
  }
  return side;
}

/** Paints the empty plane: background, the axes and a light grid at 0.5 steps. */
function drawPlane(ctx, size) {
  ctx.fillStyle = COLORS.background;
  ctx.fillRect(0, 0, size, size);
  ctx.strokeStyle = COLORS.axes;
  ctx.lineWidth = Math.max(1, size / 600);
  ctx.beginPath();
  for (const v of [-0.5, 0, 0.5]) {
    const [x] = toPixel(v, 0, size);
    const [, y] = toPixel(0, v, size);
    ctx.moveTo(x, 0);
    ctx.lineTo(x, size);
    ctx.moveTo(0, y);
    ctx.lineTo(size, y);
  }
  ctx.stroke();
}

/** A res x res canvas for the heatmap's cells, kept between frames. */
let cellCanvas = null;

/** The heatmap, smoothly scaled over the whole plane (each cell's centre at its value). */
function drawHeatmap(ctx, size, frame) {
  const res = frame.heatmapRes;
  if (!(res > 0) || frame.heatmap.length < res * res) return;
  if (cellCanvas?.width !== res) cellCanvas = new OffscreenCanvas(res, res);
  const cells = cellCanvas;
  cells.getContext("2d").putImageData(new ImageData(heatmapPixels(frame.heatmap, res, frame.heatmapLo, frame.heatmapHi), res, res), 0, 0);
  ctx.save();
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(cells, 0, 0, size, size);
  ctx.restore();
}

/** The generator's image of a grid of z: lines along its rows and its columns. */
function drawManifold(ctx, size, frame) {
  const { manifold, manifoldRows: rows, manifoldCols: cols } = frame;
  if (!(rows > 0 && cols > 0) || manifold.length < 2 * rows * cols) return;
  const at = (r, c) => toPixel(manifold[2 * (r * cols + c)], manifold[2 * (r * cols + c) + 1], size);
  ctx.strokeStyle = COLORS.manifold;
  ctx.lineWidth = Math.max(1, size / 500);
  ctx.beginPath();
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) (c ? ctx.lineTo : ctx.moveTo).call(ctx, ...at(r, c));
  }
  if (rows > 1) {
    for (let c = 0; c < cols; c++) {
      for (let r = 0; r < rows; r++) (r ? ctx.lineTo : ctx.moveTo).call(ctx, ...at(r, c));
    }
  }
  ctx.stroke();
}

/** Points (x, y pairs) as small discs of `color`. */
function drawPoints(ctx, size, points, color, radius) {
  ctx.fillStyle = color;
  ctx.beginPath();
  for (let i = 0; i + 1 < points.length; i += 2) {
    const [x, y] = toPixel(points[i], points[i + 1], size);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    ctx.moveTo(x + radius, y);
    ctx.arc(x, y, radius, 0, 2 * Math.PI);
  }
  ctx.fill();
}

/**
 * Generated points beyond the plane, each marked where it leaves: a small hollow square of
 * `color` on the border, at the point clamped into [-1, 1]² (so a run whose points all fled
 * still shows where they went).
 */
function drawOffPlane(ctx, size, points, color, half) {
  ctx.strokeStyle = color;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let i = 0; i + 1 < points.length; i += 2) {
    const [px, py] = [points[i], points[i + 1]];
    if (!Number.isFinite(px) || !Number.isFinite(py) || (Math.abs(px) <= 1 && Math.abs(py) <= 1)) continue;
    const [x, y] = toPixel(Math.max(-1, Math.min(1, px)), Math.max(-1, Math.min(1, py)), size);
    const cx = Math.max(half, Math.min(size - half, x));
    const cy = Math.max(half, Math.min(size - half, y));
    ctx.rect(cx - half + 0.5, cy - half + 0.5, 2 * half - 1, 2 * half - 1);
  }
  ctx.stroke();
}

/** The gradient arrow on each of the first generated points (−∇ of G's loss, scaled). */
function drawArrows(ctx, size, frame) {
  const { arrows, fake } = frame;
  const count = Math.min(arrows.length, fake.length) / 2;
  const scale = arrowScale(arrows, count, size);
  if (scale === 0) return;
  const head = Math.max(2, size / 160);
  ctx.strokeStyle = COLORS.arrows;
  ctx.lineWidth = Math.max(1, size / 450);
  ctx.beginPath();
  for (let i = 0; i < count; i++) {
    const [x, y] = toPixel(fake[2 * i], fake[2 * i + 1], size);
    // the plane's y is up, the canvas's down
    const dx = arrows[2 * i] * scale;
    const dy = -arrows[2 * i + 1] * scale;
    const length = Math.hypot(dx, dy);
    if (!(length > 0.5) || !Number.isFinite(x + y)) continue;
    const [tx, ty] = [x + dx, y + dy];
    ctx.moveTo(x, y);
    ctx.lineTo(tx, ty);
    const [ux, uy] = [dx / length, dy / length];
    const h = Math.min(head, length / 2);
    ctx.moveTo(tx - h * (ux + 0.6 * uy), ty - h * (uy - 0.6 * ux));
    ctx.lineTo(tx, ty);
    ctx.lineTo(tx - h * (ux - 0.6 * uy), ty - h * (uy + 0.6 * ux));
  }
  ctx.stroke();
}

/** The points drawn by hand: small crosses, so they read apart from the real sample. */
function drawDrawn(ctx, size, points) {
  const arm = Math.max(2.5, size / 140);
  ctx.strokeStyle = COLORS.drawn;
  ctx.lineWidth = Math.max(1, size / 400);
  ctx.beginPath();
  for (let i = 0; i + 1 < points.length; i += 2) {
    const [x, y] = toPixel(points[i], points[i + 1], size);
    ctx.moveTo(x - arm, y - arm);
    ctx.lineTo(x + arm, y + arm);
    ctx.moveTo(x - arm, y + arm);
    ctx.lineTo(x + arm, y - arm);
  }
  ctx.stroke();
}

/** The keyboard's cursor: a ring with a cross hair. */
function drawCursor(ctx, size, [cx, cy]) {
  const [x, y] = toPixel(cx, cy, size);
  const r = Math.max(6, size / 50);
  ctx.strokeStyle = COLORS.cursor;
  ctx.lineWidth = Math.max(1.5, size / 300);
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.moveTo(x - 2 * r, y);
  ctx.lineTo(x - r / 2, y);
  ctx.moveTo(x + r / 2, y);
  ctx.lineTo(x + 2 * r, y);
  ctx.moveTo(x, y - 2 * r);
  ctx.lineTo(x, y - r / 2);
  ctx.moveTo(x, y + r / 2);
  ctx.lineTo(x, y + 2 * r);
  ctx.stroke();
}

/**
 * Draws the lab's view on `canvas`: `frame` the pane's last LabFrame (as plain data; null
 * before the first), `real` its real points, `drawn` the hand-drawn points to mark (empty
 * when not drawing), `cursor` the keyboard cursor's [x, y] (null: none), `views` which
 * layers show. Without a frame the empty plane and the drawn points still show.
 */
export function drawLabView(canvas, { frame, real, drawn = [], cursor = null, views }) {
  const size = fitCanvas(canvas);
  const ctx = canvas.getContext("2d");
  drawPlane(ctx, size);
  const dot = Math.max(1.2, size / 380);
  if (frame && views.heatmap) drawHeatmap(ctx, size, frame);
  if (frame && views.manifold) drawManifold(ctx, size, frame);
  if (real && views.real) drawPoints(ctx, size, real, COLORS.real, dot);
  if (frame && views.fake) {
    drawPoints(ctx, size, frame.fake, COLORS.fake, dot);
    drawOffPlane(ctx, size, frame.fake, COLORS.fake, 3);
  }
  if (frame && views.arrows) drawArrows(ctx, size, frame);
  if (drawn.length) drawDrawn(ctx, size, drawn);
  if (cursor) drawCursor(ctx, size, cursor);
  canvas.dataset.drawCount = String(Number(canvas.dataset.drawCount ?? 0) + 1);
}
