// @ts-check
// The Runs panel's records (runs-panel.js): every trainer run kept with a name, its settings,
// its curves (run-history.js's figures per step), its quality scores and a bounded number of
// its progress grids as small grey frames; the curves of several runs as overlaid series, the
// frames of two runs under one step slider, the runs as JSON and CSV, and the course's shipped
// experiments (scripts/experiments.sh's tables) as read-only runs. Pure data (tested without
// a page).

import { COMMON_FIGURES, seriesName } from "./run-history.js";

/** Frames kept per run at most: beyond, every other one goes and the spacing doubles. */
export const MAX_FRAMES = 24;
/** A frame's longest side at most, in pixels (larger grids are averaged down). */
export const MAX_FRAME_SIDE = 240;

/**
 * The quantities the Runs panel overlays, one chart each: the registry's figures (`figures`,
 * `{ key, title }` in the trainer's order) under their series names, then the quality meter's
 * Fréchet distance. `optional` ones (a loss's own figures: the gradient penalty, k_t,
 * M_global; and the distance) chart only where a shown run measured them; the common
 * figures' charts always show.
 * @param {{ key: string, title: string }[]} figures
 */
export function quantities(figures) {
  return [
    ...figures.map(({ key, title }, i) => ({ key: seriesName(key), title, optional: i >= COMMON_FIGURES })),
    { key: "fd", title: "Fréchet distance (lower is better)", optional: true },
  ];
}

/** The runs' colours, by their place in the list. */
export const RUN_COLORS = ["#58a6ff", "#f0883e", "#7ee787", "#d2a8ff", "#ffa657", "#79c0ff", "#f778ba", "#e3b341"];

/**
 * @typedef {{ step: number, width: number, height: number, grey: Uint8Array }} Frame
 * @typedef {{ step: number[], fd: number[], accuracy: number[] }} Scores
 * @typedef {{
 *   id: string, name: string, createdAt: number, kind: string, preset: string, dataSet: string,
 *   config: object, train: object, step: number, history: Record<string, number[]>,
 *   quality: Scores, frames: Frame[], frameEvery: number, shown?: boolean, readOnly?: boolean,
 *   gridFile?: string, course?: object
 * }} RunRecord
 */

/**
 * A new run's record: `id` unique, `name` shown (and renamed) in the list, what the trainer
 * knows of the run (`kind`, `preset`, `dataSet`, `config`, `train`), no steps yet.
 * @returns {RunRecord}
 */
export function newRunRecord({ id, name, createdAt, kind, preset, dataSet, config, train }) {
  return {
    id, name, createdAt, kind, preset, dataSet, config, train,
    step: 0,
    history: { step: [] },
    quality: { step: [], fd: [], accuracy: [] },
    frames: [],
    frameEvery: 1,
  };
}

/** The name of the `count`-th run of `kind` ("dcgan #3"). */
export const runName = (kind, count) => `${kind} #${count}`;

/**
 * A grey picture of an RGBA one (its red channel: the grids are grey), averaged down by a
 * whole factor until its longest side is at most `maxSide`. Returns `{ width, height, grey }`.
 * @param {ArrayLike<number>} rgba
 */
export function greyFrame(rgba, width, height, maxSide = MAX_FRAME_SIDE) {
  const f = Math.max(1, Math.ceil(Math.max(width, height) / maxSide));
  const w = Math.ceil(width / f);
  const h = Math.ceil(height / f);
  const grey = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      let n = 0;
      for (let dy = 0; dy < f && y * f + dy < height; dy++) {
        for (let dx = 0; dx < f && x * f + dx < width; dx++) {
          sum += rgba[4 * ((y * f + dy) * width + x * f + dx)];
          n++;
        }
      }
      grey[y * w + x] = Math.round(sum / n);
    }
  }
  return { width: w, height: h, grey };
}

/**
 * Adds the grid of `step` to `record`'s frames when `frameEvery` steps have passed since the
 * last one (a step at or before the last, as after a resume from an older save, drops the
 * frames after it). A grid of another size (a new grid size) starts the frames again. Past
 * MAX_FRAMES, every other frame goes (the first and the newest stay) and the spacing doubles.
 * Returns whether the frame was kept.
 * @param {RunRecord} record
 * @param {Frame} frame
 */
export function addFrame(record, frame) {
  const frames = record.frames;
  while (frames.length && frames.at(-1).step >= frame.step) frames.pop();
  const last = frames.at(-1);
  if (last && (last.width !== frame.width || last.height !== frame.height)) {
    frames.length = 0;
    record.frameEvery = 1;
  }
  if (frames.length && frame.step - frames.at(-1).step < record.frameEvery) return false;
  frames.push(frame);
  if (frames.length > MAX_FRAMES) {
    record.frames = frames.filter((_, i) => i % 2 === 0 || i === frames.length - 1);
    record.frameEvery *= 2;
  }
  return true;
}

/**
 * The frame of `record` to show at `step`: the last one at or before it (the first before
 * its first frame), or null when it has none.
 * @param {RunRecord} record
 */
export function frameAt(record, step) {
  let found = record.frames[0] ?? null;
  for (const frame of record.frames) if (frame.step <= step) found = frame;
  return found;
}

/** The steps of the slider under two runs' grids: every step either has a frame at, in order. */
export function sliderSteps(...records) {
  const steps = new Set(records.flatMap((r) => (r ? r.frames.map((f) => f.step) : [])));
  return [...steps].sort((a, b) => a - b);
}

/**
 * The chart series of `quantity` (a `quantities` key) for `records`, one per run that measured
 * it at least once: `{ label, color, steps, values }`, `colorOf(record)` its colour.
 * @param {RunRecord[]} records
 */
export function overlaySeries(records, quantity, colorOf) {
  return records.map((record) => {
    const from = quantity === "fd" ? record.quality : record.history;
    const steps = from.step ?? [];
    const values = from[quantity] ?? steps.map(() => NaN);
    return { label: record.name, color: colorOf(record), steps, values };
  }).filter((s) => s.values.some((v) => Number.isFinite(v)));
}

/**
 * A run as plain data for a JSON download: everything but its frames' pixels (the GIF has
 * those), with each frame's step and size.
 * @param {RunRecord} record
 */
export function runJson(record) {
  const { frames, ...rest } = record;
  return { ...rest, frames: frames.map(({ step, width, height }) => ({ step, width, height })) };
}

/** A CSV cell: a name quoted when it must be, a number as it is, blank where not measured. */
function cell(v) {
  if (typeof v === "string") return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  return Number.isNaN(v) || v === undefined ? "" : Number.isFinite(v) ? String(v) : v > 0 ? "inf" : "-inf";
}

/**
 * The curves of `records` as one CSV: `run,step`, the figures' keys (`figures` the
 * registry's, in order), `frechet_distance`; one line per run and step (a quality score's
 * step without figures gets a line of its own), blank where a step did not measure a figure.
 * @param {RunRecord[]} records
 * @param {{ key: string }[]} figures
 */
export function runsCsv(records, figures) {
  const lines = [["run", "step", ...figures.map((f) => f.key), "frechet_distance"].join(",")];
  for (const record of records) {
    const h = record.history;
    const fd = new Map(record.quality.step.map((s, i) => [s, record.quality.fd[i]]));
    const rows = new Map();
    h.step.forEach((step, i) => rows.set(step, figures.map((f) => h[seriesName(f.key)]?.[i] ?? NaN)));
    for (const step of fd.keys()) if (!rows.has(step)) rows.set(step, figures.map(() => NaN));
    for (const step of [...rows.keys()].sort((a, b) => a - b)) {
      lines.push([cell(record.name), step, ...rows.get(step).map(cell), cell(fd.get(step) ?? NaN)].join(","));
    }
  }
  return lines.join("\n") + "\n";
}

/** A file name stem for `record`'s downloads: its name, with only letters, digits, - and _. */
export const fileStemOf = (record) => `gan-studio-run-${record.name.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-|-$/g, "") || record.id}`;

/** The tables scripts/experiments.sh writes into weights/experiments/, and the names their runs get here. */
export const COURSE_TABLES = [
  { file: "results.tsv", prefix: "course" },
  { file: "losses.tsv", prefix: "course losses" },
];

/**
 * The rows of one of scripts/experiments.sh's tables (`text`, tab-separated, no header: run,
 * flags, steps, seconds, [ms per step: losses.tsv only], digits covered, mean confidence,
 * Fréchet distance, the predicted digits' histogram) as read-only runs: their one score at
 * their last step, no curves, `gridFile` the grid `gan sample` drew of each
 * (`<run>-<steps>.png`). A line that does not read as a row is skipped.
 * @returns {RunRecord[]}
 */
export function courseRuns(text, { file, prefix }) {
  const runs = [];
  for (const line of text.split("\n")) {
    const cols = line.replace(/\r$/, "").split("\t");
    if (cols.length !== 8 && cols.length !== 9) continue;
    const [name, flags, stepsText, seconds] = cols;
    const [covered, confidence, fdText, histogram] = cols.slice(-4);
    const steps = Number(stepsText);
    const fd = Number(fdText);
    if (!/^[\w-]+$/.test(name) || !Number.isInteger(steps) || steps < 1 || !Number.isFinite(fd)) continue;
    const kind = flags.match(/--model (\S+)/)?.[1] ?? "dcgan";
    const record = newRunRecord({
      id: `course-${file}-${name}`, name: `${prefix}: ${name}`, createdAt: 0, kind, preset: kind,
      dataSet: "mnist", config: {}, train: { flags: flags === "-" ? "" : flags },
    });
    record.step = steps;
    record.quality = { step: [steps], fd: [fd], accuracy: [NaN] };
    record.readOnly = true;
    record.shown = false;
    record.gridFile = `${name}-${steps}.png`;
    record.course = {
      file,
      seconds: Number(seconds),
      msPerStep: cols.length === 9 ? Number(cols[4]) : null,
      digitsCovered: Number(covered),
      meanConfidence: Number(confidence),
      histogram: histogram.split(" ").map(Number),
    };
    runs.push(record);
  }
  return runs;
}
