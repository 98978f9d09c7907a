// @ts-check
// The explorer's "Find z" and "nearest real digits" panel (issue #15): a 28x28 drawing pad
// (pointer events for mouse, pen and touch; the keyboard when it has focus: arrows move a
// cursor, Space or Enter paints, Delete or Backspace clears), or a held-out MNIST digit picked
// by number, as the target; "Find z" runs the wasm `Inversion` (Adam on z through the frozen
// generator, src/web/invert.rs) a few steps per await, drawing the reconstruction and its
// error, then puts the z it found into the explorer's selected cell. Beside it, the training
// digits nearest to the selected cell (the wasm `DigitSearch`: by the classifier's features
// and by pixels), built on first use and updated as the cell changes. Both use the items and
// the classifier of the data set the page shows (www/data-sets.js), and name its classes.
// Their wasm calls take turns in the panel's RunLoop (www/run-loop.js), whose alert box
// shows what failed; Find z sizes its calls to a time budget as the trainer does.

import { paint } from "./canvas.js";
import { Coalescer } from "./coalescer.js";
import { ensureClassifier } from "./quality.js";
import { capitalised, className, nameClassOptions, withArticle } from "./data-sets.js";
import { messageOf } from "./format.js";
import { $ } from "./page.js";
import { RunLoop, nextChunk } from "./run-loop.js";

const SIDE = 28; // the pad: MNIST's size
const STEPS_TOTAL = 300; // Adam steps of one "Find z"
const FIRST_CHUNK = 10; // steps of the first call; later calls aim at CALL_MS
const CALL_MS = 50; // one call's time budget: the page redraws between calls
const MAX_CHUNK = 50;
const NEIGHBOURS = 5;
const REFERENCE_DIGITS = 25; // held-out digits whose nearest training digit says what "near" is

/** The PyTorch-file message (the page cannot read them: `gan import` converts them). */
export const PYTORCH_MESSAGE =
  "PyTorch files are converted on the command line: `gan import --pytorch FILE.pt --model PRESET --out FILE.bpk` (`gan presets` lists the presets), then drop FILE.bpk here.";

/** Whether a dropped file is a PyTorch one: a `.pt`/`.pth` name, or ZIP bytes (`PK\x03\x04`). */
export function isPyTorchFile(name, bytes) {
  if (/\.(pt|pth)$/i.test(name ?? "")) return true;
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

export class FindZ {
  /**
   * `explorer`: the page's Explorer (its studio, model, selected cell; `useFoundZ` takes the
   * result). `fetchBytes(url, onProgress)` downloads a file.
   */
  constructor(explorer, fetchBytes) {
    this.explorer = explorer;
    this.wasm = explorer.wasm;
    this.fetchBytes = fetchBytes;
    this.grey = new Uint8Array(SIDE * SIDE); // the pad's grey levels, white ink on black
    this.cursor = { x: 14, y: 14 };
    this.drawing = null; // the pointer that paints, and where it was
    this.run = null; // the "Find z" under way: { cancelled }
    this.result = null; // the last finished run: { startError, error, steps, label, z, applied }
    this.target = null; // the last run's target at the model's resolution: { side, values }
    this.search = null; // { studio, set, promise of a DigitSearch }
    this.searchSize = null; // its training items, as the page writes the number
    this.heldout = null; // the held-out indices
    this.nearestOn = false; // the neighbours follow the selected cell once asked for
    this.nearestDraws = new Coalescer((error) => this.nearestFailed(error));
    this.nearestCount = 0; // neighbour searches shown (for the tests)
    this.reference = null; // { search, promise of the held-out digits' median distances }
    // Find z, the held-out picks and the neighbour searches: one call at a time, errors in
    // the panel's alert box
    this.loop = new RunLoop({ errorId: "find-error" });
  }

  /** Runs `action` as a user action of the panel: a new one clears the last one's error. */
  act(action) {
    this.loop.clearError();
    return this.loop.task(action);
  }

  bind() {
    const pad = $("pad-canvas");
    pad.addEventListener("pointerdown", (e) => {
      e.preventDefault();
      pad.focus();
      pad.setPointerCapture?.(e.pointerId);
      const at = this.padPoint(e);
      this.drawing = { id: e.pointerId, at };
      this.brush(at.x, at.y);
      this.drawPad();
    });
    pad.addEventListener("pointermove", (e) => {
      if (!this.drawing || this.drawing.id !== e.pointerId) return;
      const at = this.padPoint(e);
      this.stroke(this.drawing.at, at);
      this.drawing.at = at;
      this.drawPad();
    });
    const stop = (e) => {
      if (this.drawing?.id === e.pointerId) this.drawing = null;
    };
    pad.addEventListener("pointerup", stop);
    pad.addEventListener("pointercancel", stop);
    pad.addEventListener("keydown", (e) => this.padKey(e));
    // The cursor shows for the keyboard (a pointer paints where it is).
    pad.addEventListener("focus", () => this.showCursor(pad.matches(":focus-visible")));
    pad.addEventListener("blur", () => this.showCursor(false));
    $("pad-clear").addEventListener("click", () => this.clearPad());
    $("heldout-pick").addEventListener("click", () => this.act(() => this.pickHeldout()));
    $("find-z").addEventListener("click", () => this.act(() => this.findZ()));
    $("find-stop").addEventListener("click", () => {
      if (this.run) this.run.cancelled = true;
    });
    $("nearest-show").addEventListener("click", () => {
      this.nearestOn = true;
      $("nearest-show").hidden = true;
      this.cellChanged();
    });
    this.drawPad();
  }

  /** The data set the explorer shows. */
  get set() {
    return this.explorer.dataSets.current;
  }

  /** The explorer's model changed: the digit menu follows its labels (a data set's classes, InfoGAN's codes). */
  modelChanged() {
    const coded = this.explorer.coded;
    const codes = this.explorer.info.latentCodes;
    $("find-label-row").hidden = !coded;
    $("find-label-name").textContent = codes ? "Categorical code" : capitalised(this.set.item);
    nameClassOptions($("find-label"), this.set, codes);
    this.cellChanged();
  }

  /** The page's data set changed: held-out items and searches are that set's from now on. */
  dataSetChanged() {
    this.heldout = null;
    for (const word of document.querySelectorAll(".item-word")) word.textContent = this.set.item;
    $("find-item").textContent = withArticle(this.set.item);
    $("nearest-results").hidden = true;
    $("nearest-status").textContent = "";
  }

  // ------------------------------------------------------------ the pad

  /** Pad coordinates (0..28, fractional) of a pointer event. */
  padPoint(e) {
    const rect = $("pad-canvas").getBoundingClientRect();
    return {
      x: ((e.clientX - rect.left) * SIDE) / rect.width,
      y: ((e.clientY - rect.top) * SIDE) / rect.height,
    };
  }

  /** Paints a soft round dab centred at (x, y) (pad pixels), about 2.5 pixels wide. */
  brush(x, y) {
    for (let py = Math.floor(y - 2); py <= Math.ceil(y + 2); py++) {
      for (let px = Math.floor(x - 2); px <= Math.ceil(x + 2); px++) {
        if (px < 0 || py < 0 || px >= SIDE || py >= SIDE) continue;
        const d = Math.hypot(px + 0.5 - x, py + 0.5 - y);
        const v = Math.round(255 * Math.min(1, Math.max(0, 1.9 - d)));
        const i = py * SIDE + px;
        if (v > this.grey[i]) this.grey[i] = v;
      }
    }
  }

  /** Paints the segment from `a` to `b` (a pointer's move). */
  stroke(a, b) {
    const n = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) * 2));
    for (let i = 1; i <= n; i++) this.brush(a.x + ((b.x - a.x) * i) / n, a.y + ((b.y - a.y) * i) / n);
  }

  padKey(e) {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (moves[e.key]) {
      const [dx, dy] = moves[e.key];
      this.cursor.x = Math.max(0, Math.min(SIDE - 1, this.cursor.x + dx));
      this.cursor.y = Math.max(0, Math.min(SIDE - 1, this.cursor.y + dy));
      // Shift paints as the cursor moves: a stroke from the keyboard.
      if (e.shiftKey) this.brush(this.cursor.x + 0.5, this.cursor.y + 0.5);
    } else if (e.key === " " || e.key === "Enter") {
      this.brush(this.cursor.x + 0.5, this.cursor.y + 0.5);
    } else if (e.key === "Delete" || e.key === "Backspace") {
      this.grey.fill(0);
    } else {
      return;
    }
    e.preventDefault();
    this.drawPad();
    this.showCursor(true);
  }

  showCursor(on) {
    const marker = $("pad-cursor");
    marker.hidden = !on;
    const pct = (v) => `${(100 * v) / SIDE}%`;
    Object.assign(marker.style, {
      left: pct(this.cursor.x), top: pct(this.cursor.y), width: pct(1), height: pct(1),
    });
    $("pad-canvas").setAttribute("aria-label",
      `Drawing pad, 28 by 28: cursor at column ${this.cursor.x + 1}, row ${this.cursor.y + 1}. `
      + "Arrow keys move it, Space or Enter paints, Shift with an arrow paints a line, Delete clears.");
  }

  clearPad() {
    this.grey.fill(0);
    this.drawPad();
  }

  drawPad() {
    const canvas = $("pad-canvas");
    const rgba = new Uint8ClampedArray(SIDE * SIDE * 4);
    for (let i = 0; i < SIDE * SIDE; i++) {
      rgba.fill(this.grey[i], 4 * i, 4 * i + 3);
      rgba[4 * i + 3] = 255;
    }
    canvas.getContext("2d").putImageData(new ImageData(rgba, SIDE, SIDE), 0, 0);
    canvas.dataset.ink = String(this.grey.reduce((n, v) => n + (v > 0 ? 1 : 0), 0));
  }

  // ------------------------------------------------------------ the digit search

  /**
   * The DigitSearch of the explorer's current studio and data set: the set's file downloaded
   * once and its training items classified once per studio and set (a device move or another
   * set builds it again). The studio gets the set's classifier first.
   */
  async digitSearch() {
    const studio = this.explorer.studio;
    const set = this.set;
    await ensureClassifier(studio, this.fetchBytes, set);
    if (this.search?.studio !== studio || this.search.set !== set) {
      const note = $("nearest-status");
      const items = `${set.title} ${set.item}s`;
      const promise = (async () => {
        note.textContent = `Finding… downloading the ${items} (once).`;
        const bytes = await this.explorer.dataSets.bytes(set, this.fetchBytes);
        note.textContent = `Finding… the classifier reads the training ${items} (once; seconds on the CPU).`;
        return this.loop.exclusive(() => this.wasm.DigitSearch.create(studio, bytes, set.name));
      })();
      this.search = { studio, set, promise };
      promise.then((search) => {
        this.searchSize = search.size.toLocaleString("en-US");
        if (!this.nearestOn) note.textContent = `The training ${set.item}s are indexed: show the nearest ones to the selected cell.`;
      }, () => {});
      promise.catch(() => {
        if (this.search?.promise === promise) this.search = null;
      });
    }
    return this.search.promise;
  }

  /** Fills the pad with held-out item `#heldout-index` of the data set shown (never trained on). */
  async pickHeldout() {
    const input = $("heldout-index");
    $("find-status").textContent = `Fetching the held-out ${this.set.item}s…`;
    const search = await this.digitSearch();
    if (this.heldout?.search !== search) this.heldout = { search, indices: search.heldoutIndices() };
    const heldout = this.heldout.indices;
    const i = Math.max(0, Math.min(heldout.length - 1, Math.floor(Number(input.value) || 0)));
    input.value = String(i);
    input.max = String(heldout.length - 1);
    const index = heldout[i];
    this.grey.set(search.digit(index));
    this.drawPad();
    const digit = search.digitLabel(index);
    if (this.explorer.coded) $("find-label").value = String(digit);
    const { item } = this.set;
    $("find-status").textContent = `Held-out ${item} ${i} (dataset #${index}): ${withArticle(className(this.set, digit))}. Press Find z.`;
    this.updateNearestNote();
  }

  // ------------------------------------------------------------ Find z

  async findZ() {
    if (this.run) return;
    const explorer = this.explorer;
    const status = $("find-status");
    if (!this.grey.some((v) => v > 0)) {
      status.textContent = "The pad is empty: draw a digit or pick a held-out one first.";
      return;
    }
    for (const key of ["state", "steps", "error", "startError"]) delete status.dataset[key];
    const run = { cancelled: false, model: explorer.state.model, info: explorer.info };
    this.run = run;
    this.result = null;
    $("find-z").disabled = true;
    $("find-stop").disabled = false;
    const progress = $("find-progress");
    progress.value = 0;
    let inversion = null;
    try {
      const chosen = $("find-label").value;
      const label = explorer.coded && chosen !== "auto" ? Number(chosen) : undefined;
      status.textContent = "Trying 64 random starts…";
      inversion = await this.loop.exclusive(
        () => this.wasm.Inversion.start(explorer.studio, this.grey, SIDE, SIDE, label, null));
      const startError = inversion.startError;
      // the target as the model sees it, [-1, 1] (for the console and the tests)
      this.target = { side: explorer.info.imageSize, values: inversion.targetValues };
      status.dataset.startError = String(startError);
      let last = null;
      let chunk = FIRST_CHUNK;
      while (inversion.steps < STEPS_TOTAL && !run.cancelled) {
        const steps = Math.min(chunk, STEPS_TOTAL - inversion.steps);
        const t0 = performance.now();
        const step = await this.loop.exclusive(() => inversion.step(steps));
        chunk = nextChunk({ steps, ms: performance.now() - t0, current: chunk, targetMs: CALL_MS, max: MAX_CHUNK });
        last?.free();
        last = step;
        paint($("recon-canvas"), step.image);
        progress.value = step.steps;
        status.dataset.error = String(step.error);
        status.dataset.steps = String(step.steps);
        status.textContent = `Step ${step.steps} of ${STEPS_TOTAL}: pixel error ${step.error.toFixed(4)} (from ${startError.toFixed(4)} at the best random start).`;
      }
      if (!last) {
        status.textContent = "Stopped before the first step: the explorer is unchanged.";
        return;
      }
      const changed = explorer.state.model !== run.model || explorer.info !== run.info;
      const { z, codes, error, steps } = { z: last.z, codes: last.codes, error: last.error, steps: last.steps };
      last.free();
      this.result = { startError, error, steps, label: inversion.label, z, applied: !changed };
      const stopped = run.cancelled ? `Stopped at step ${steps}` : `Done, ${steps} steps`;
      if (changed) {
        status.textContent = `${stopped}: pixel error ${error.toFixed(4)}; the model changed meanwhile, so the z is not shown.`;
        return;
      }
      const where = explorer.useFoundZ(z, inversion.label, codes);
      status.textContent = `${stopped}: pixel error ${error.toFixed(4)} (from ${startError.toFixed(4)}). ${where}`;
    } finally {
      inversion?.free();
      this.run = null;
      $("find-z").disabled = false;
      $("find-stop").disabled = true;
      status.dataset.state = this.result ? "done" : run.cancelled ? "stopped" : "failed";
    }
  }

  // ------------------------------------------------------------ nearest digits

  /** The selected cell (or its z, or the model) changed: the neighbours follow, once shown. */
  cellChanged() {
    if (!this.nearestOn || this.explorer.empty) return;
    this.nearestDraws.request(async () => {
      const search = await this.digitSearch();
      const explorer = this.explorer;
      const cell = explorer.state.cell;
      $("nearest-status").textContent = `Finding the nearest training ${this.set.item}s…`;
      const z = Float32Array.from(explorer.cellZ(cell));
      const codes = explorer.codesFor(1, cell);
      const found = await this.loop.exclusive(() => search.nearest(explorer.studio, z, codes, NEIGHBOURS));
      try {
        this.showList("features", found.featureStrip, found.featureDistances, found.featureLabels);
        this.showList("pixels", found.pixelStrip, found.pixelDistances, found.pixelLabels);
      } finally {
        found.free();
      }
      const results = $("nearest-results");
      results.hidden = false;
      results.dataset.cell = String(cell);
      this.updateNearestNote(cell);
      this.nearestCount++;
      const reference = await this.referenceDistances(search);
      results.dataset.referenceFeatures = String(reference.features);
      results.dataset.referencePixels = String(reference.pixels);
      const { item } = this.set;
      $("nearest-reference").textContent = `For scale: a real ${item} the models never trained on is at a median `
        + `${reference.features.toFixed(2)} (features) and ${reference.pixels.toFixed(2)} (pixels) from its nearest `
        + `training ${item} (${REFERENCE_DIGITS} held-out ${item}s). Much nearer than that looks like a copy; `
        + `about as near, a new ${item} in the training set's style.`;
    });
  }

  /**
   * The median distance from a held-out real digit to its nearest training digit, by features
   * and by pixels, over `REFERENCE_DIGITS` of them spread over the held-out set: what "near"
   * means for a generated digit. Found once per search.
   */
  referenceDistances(search) {
    if (this.reference?.search !== search) {
      const promise = (async () => {
        const heldout = search.heldoutIndices();
        const features = [];
        const pixels = [];
        for (let j = 0; j < REFERENCE_DIGITS; j++) {
          const index = heldout[Math.floor((j * heldout.length) / REFERENCE_DIGITS)];
          const values = Float32Array.from(search.digit(index), (v) => v / 127.5 - 1);
          const found = await this.loop.exclusive(
            () => search.nearestToImage(this.explorer.studio, values, SIDE, 1));
          features.push(found.featureDistances[0]);
          pixels.push(found.pixelDistances[0]);
          found.free();
        }
        const median = (list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
        return { features: median(features), pixels: median(pixels) };
      })();
      this.reference = { search, promise };
      promise.catch(() => {
        if (this.reference?.promise === promise) this.reference = null;
      });
    }
    return this.reference.promise;
  }

  showList(which, strip, distances, labels) {
    paint($(`nearest-${which}-canvas`), strip);
    const list = $(`nearest-${which}-list`);
    list.replaceChildren(...Array.from(distances, (d, i) => {
      const item = document.createElement("li");
      const name = className(this.set, labels[i]);
      item.textContent = which === "pixels"
        ? `${name}: ${d.toFixed(2)} (rms ${(d / 32).toFixed(3)})`
        : `${name}: ${d.toFixed(2)}`;
      return item;
    }));
    list.dataset.distances = JSON.stringify(Array.from(distances));
    list.dataset.labels = JSON.stringify(Array.from(labels));
  }

  updateNearestNote(cell = this.explorer.state.cell) {
    if (!this.nearestOn || $("nearest-results").hidden) return;
    const { item } = this.set;
    const size = this.searchSize ?? "the";
    $("nearest-status").textContent = `Cell ${cell + 1}: its image first, then the ${NEIGHBOURS} nearest of the ${size} training ${item}s, nearest first, with their ${item === "digit" ? "digits" : "classes"} and distances.`;
  }

  nearestFailed(error) {
    console.warn(error);
    $("nearest-status").textContent = "";
    this.loop.showError(`The nearest ${this.set.item}s could not be found: ${messageOf(error)}`);
  }
}
