// @ts-check
// Line charts over training steps on a canvas (the trainer's loss, D-output and quality
// curves). The scaling (`chartScale`) is pure and tested without a page; `drawChart` paints.

/**
 * Where series land on a plot `plotWidth` pixels wide: `steps` is the x of every point, each
 * series `{ values }` its y (non-finite points are skipped); a series with `steps` of its own
 * (an overlaid run's) uses those. With more points than pixels, each pixel column gets the
 * mean of its points. Returns `{ points, yMin, yMax, xMin, xMax }`, `points[s]` the
 * [step, value] pairs of series s; the y range covers `range` and the data (a null `range`:
 * the data alone, with a margin of a twentieth each side, as TensorBoard fits its charts),
 * the x range every series' steps.
 */
export function chartScale(steps, series, range, plotWidth) {
  const points = series.map((s) => {
    const xs = s.steps ?? steps;
    const n = xs.length;
    const buckets = Math.max(1, Math.min(n, Math.floor(plotWidth)));
    const out = [];
    for (let b = 0; b < buckets; b++) {
      const lo = Math.floor((b * n) / buckets);
      const hi = Math.max(lo + 1, Math.floor(((b + 1) * n) / buckets));
      let sum = 0;
      let count = 0;
      let stepSum = 0;
      for (let i = lo; i < hi && i < n; i++) {
        if (Number.isFinite(s.values[i])) {
          sum += s.values[i];
          stepSum += xs[i];
          count++;
        }
      }
      if (count) out.push([stepSum / count, sum / count]);
    }
    return out;
  });
  let [yMin, yMax] = range ?? [Infinity, -Infinity];
  for (const [, y] of points.flat()) {
    yMin = Math.min(yMin, y);
    yMax = Math.max(yMax, y);
  }
  if (yMin > yMax) [yMin, yMax] = [0, 1]; // nothing to fit
  if (!range) {
    const margin = Math.max((yMax - yMin) / 20, 1e-3 * Math.max(1, Math.abs(yMax)));
    [yMin, yMax] = [yMin - margin, yMax + margin];
  }
  if (yMax - yMin < 1e-6) yMax = yMin + 1;
  const all = [steps, ...series.map((s) => s.steps ?? [])].filter((xs) => xs.length);
  const xMin = all.length ? Math.min(...all.map((xs) => xs[0])) : 0;
  const last = all.length ? Math.max(...all.map((xs) => xs[xs.length - 1])) : xMin;
  const xMax = last > xMin ? last : xMin + 1;
  return { points, yMin, yMax, xMin, xMax };
}

/**
 * What each series reads at `step` (the read-out under the pointer): for every series
 * (`{ label, steps?, values }`, `steps` the chart's where it has none of its own) the
 * measured point nearest that step, `{ label, step, value }`, or null where it has none.
 */
export function readOut(steps, series, step) {
  return series.map((s) => {
    const xs = s.steps ?? steps;
    let best = -1;
    for (let i = 0; i < xs.length; i++) {
      if (!Number.isFinite(s.values[i])) continue;
      if (best < 0 || Math.abs(xs[i] - step) < Math.abs(xs[best] - step)) best = i;
    }
    return best < 0 ? null : { label: s.label, step: xs[best], value: s.values[best] };
  });
}

/**
 * Draws line series over training steps on `canvas`: each series `{ label, color, values }`
 * (see `chartScale`), under `title` with a legend; `range` is the y range to include (null:
 * fit the data). The canvas's data attributes say what was drawn (`points`: the steps; `series`: how many
 * series; `seriesPoints`: each one's points, comma-separated). Returns the step at a CSS x
 * inside the canvas (`stepAt(x)`, null outside the plot), for a read-out under the pointer.
 */
export function drawChart(canvas, title, steps, series, range) {
  // Sharp at any size: the canvas gets the pixels of its box (attribute size while hidden).
  const scale = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width;
  const height = canvas.clientHeight || canvas.height;
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  const pad = { left: 44, right: 8, top: 22, bottom: 20 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  ctx.fillStyle = "#0d1117";
  ctx.fillRect(0, 0, width, height);
  ctx.font = "11px system-ui, sans-serif";
  ctx.textBaseline = "middle";

  const { points, yMin, yMax, xMin, xMax } = chartScale(steps, series, range, plotW);
  const x = (step) => pad.left + ((step - xMin) / Math.max(1e-9, xMax - xMin)) * plotW;
  const y = (v) => pad.top + (1 - (v - yMin) / (yMax - yMin)) * plotH;

  // grid lines and y labels at the bottom, middle and top
  ctx.strokeStyle = "#30363d";
  ctx.fillStyle = "#9aa7b4";
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  // enough decimals that the three labels differ on a narrow range (a fitted chart's), and
  // no more than fit beside the plot on a large value (a Fréchet distance in the thousands)
  const needed = Math.min(6, Math.max(0, 1 - Math.floor(Math.log10(yMax - yMin))));
  const digits = Math.max(yMin, yMax) >= 100 || Math.min(yMin, yMax) <= -100 ? needed : Math.max(2, needed);
  for (const v of [yMin, (yMin + yMax) / 2, yMax]) {
    ctx.beginPath();
    ctx.moveTo(pad.left, Math.round(y(v)) + 0.5);
    ctx.lineTo(width - pad.right, Math.round(y(v)) + 0.5);
    ctx.stroke();
    ctx.fillText(v.toFixed(digits), pad.left - 4, y(v));
  }
  ctx.textAlign = "left";
  const drawn = points.some((p) => p.length);
  ctx.fillText(steps.length || drawn ? `step ${xMin}` : "no steps yet", pad.left, height - pad.bottom / 2);
  if (steps.length > 1 || series.some((line) => (line.steps?.length ?? 0) > 1)) {
    ctx.textAlign = "right";
    ctx.fillText(`step ${xMax}`, width - pad.right, height - pad.bottom / 2);
  }

  // title and legend
  ctx.textAlign = "left";
  ctx.fillStyle = "#e6edf3";
  ctx.fillText(title, pad.left, pad.top / 2);
  let legendX = width - pad.right;
  ctx.textAlign = "right";
  for (const line of [...series].reverse()) {
    ctx.fillStyle = line.color;
    ctx.fillText(`— ${line.label}`, legendX, pad.top / 2);
    legendX -= ctx.measureText(`— ${line.label}`).width + 12;
  }

  series.forEach((line, s) => {
    ctx.strokeStyle = line.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    points[s].forEach(([px, py], i) => (i ? ctx.lineTo(x(px), y(py)) : ctx.moveTo(x(px), y(py))));
    if (points[s].length === 1) {
      const [px, py] = points[s][0];
      ctx.arc(x(px), y(py), 2, 0, 2 * Math.PI);
    }
    ctx.stroke();
  });
  canvas.dataset.points = String(steps.length);
  canvas.dataset.series = String(series.length);
  canvas.dataset.seriesPoints = points.map((p) => p.length).join(",");
  return {
    stepAt: (cssX) => (cssX < pad.left || cssX > width - pad.right ? null
      : xMin + ((cssX - pad.left) / Math.max(1e-9, plotW)) * (xMax - xMin)),
  };
}
