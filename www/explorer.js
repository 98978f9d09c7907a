// @ts-check
// GAN Studio's explorer (app.js starts it): a generator's grid of samples, one cell's latent
// and codes, and the interpolation between two endpoints, on the device that draws faster.
// This file holds its model, latents and draws; explorer-controls.js its controls,
// explorer-device.js its device, explorer-link.js its link. Every redraw goes through
// `Coalescer`, so a fast slider drag never queues stale frames: while a draw is running only
// the newest request is kept.

import { GRID_GAP, contentWidth, paint, saveCanvas, scaledCopy, showCrisp } from "./canvas.js";
import { ensureClassifier, topDigit } from "./quality.js";
import { className, shippedFile, withArticle } from "./data-sets.js";
import { DataSetMenu } from "./data-set-menu.js";
import { PYTORCH_MESSAGE, isPyTorchFile } from "./find-z.js";
import { Coalescer } from "./coalescer.js";
import { stateFromHash } from "./url-state.js";
import { showRejected, writeHash } from "./explorer-link.js";
import { isLabHash } from "./lab-url.js";
import { withParts } from "./panel-parts.js";
import { controlMethods } from "./explorer-controls.js";
import { deviceMethods } from "./explorer-device.js";
import { loopMethods } from "./interp-loop.js";
import { $, fetchWithProgress, setStatus } from "./page.js";

const STRIP_STEPS = 8;
const GRID_MIN_HEIGHT = 240; // CSS px the grid may always take, however short the window
const GRID_HEIGHT_MARGIN = 140; // CSS px of the window's height left to the top bar and the grid's controls

// The explorer's other jobs, each in a file of its own (panel-parts.js).
const Parts = withParts(controlMethods, deviceMethods, loopMethods);

export class Explorer extends Parts {
  /** `dataSets`: the page's data sets (www/data-sets.js); the link's `data=` chooses the one shown. */
  constructor(wasm, studio, presets, dataSets) {
    super();
    this.wasm = wasm;
    this.studio = studio;
    /** @type {any} Find z and the nearest images (find-z.js), once app.js makes it */
    this.finder = null;
    /** @type {any} the trainer panel (trainer.js), once app.js makes it */
    this.trainer = null;
    /** @type {any} the Runs panel (runs-panel.js), once app.js makes it */
    this.runs = null;
    /** @type {any} { backend, sentence, timings } of the explorer's device, once chosen */
    this.deviceChoice = null;
    this.presets = presets;
    this.dataSets = dataSets;
    const rejected = [];
    // a lab link leaves the explorer at its defaults
    const hash = isLabHash(location.hash) ? "" : location.hash;
    this.state = stateFromHash(hash, presets, rejected);
    dataSets.current = dataSets.fromHash(hash, rejected);
    showRejected(rejected);
    this.empty = null; // the message shown instead of the views when no model of the data set is shown
    this.dataSetMenu = new DataSetMenu(this); // www/data-set-menu.js
    this.info = null; // the loaded model's description
    this.modelBytes = null; // the loaded checkpoint's bytes (to load it on another device)
    this.customModel = null; // name of a checkpoint loaded from disk (or of a trainer snapshot)
    this.customLabel = null; // how the model menu shows it
    this.z = new Float32Array(0); // the grid's latent vectors [cells, nz]
    this.endpoints = { z1: null, z2: null }; // explicit endpoint vectors (from cells)
    const drawFailed = (error) => this.drawFailed(error);
    this.gridDraws = new Coalescer(drawFailed);
    this.guesses = new Coalescer(drawFailed); // the classifier's guess for the selected cell
    this.guessCount = 0; // guesses shown (for the tests)
    this.interpDraws = new Coalescer(drawFailed);
    this.recovering = null; // the move to the CPU after a lost GPU, while it runs
    this.hashChanges = Promise.resolve(); // hash changes, applied in order (applyHash)
  }

  get nz() {
    return this.info.nz;
  }

  /** Whether the model takes a code beside z: a digit (conditional DCGAN, ACGAN) or InfoGAN's codes. */
  get coded() {
    return this.info.codeSize > 0;
  }

  get rows() {
    return this.coded && this.state.styleGrid ? 10 : this.state.grid;
  }

  get cols() {
    return this.state.grid;
  }

  /** Loads preset `name`'s shipped weights for data set `set` (by default the one shown). */
  async loadShipped(name, onProgress = () => {}, set = this.dataSets.current) {
    const file = shippedFile(this.presets.named(name), set);
    if (!file) throw new Error(`${name} has no shipped ${set.title} weights`);
    const bytes = await fetchWithProgress(`weights/${file}.bpk`, onProgress);
    this.applyCheckpoint(bytes, name);
  }

  /** Loads checkpoint bytes; throws (with the model unchanged) if they are not usable. */
  applyCheckpoint(bytes, name) {
    const info = JSON.parse(this.studio.load(bytes));
    this.setEmpty(null);
    this.info = info;
    this.modelBytes = bytes;
    this.state.model = name;
    this.resetLatents();
    this.syncControls();
  }

  /**
   * Shows the trainer's generator: `bytes` a checkpoint of its run, `name` the model menu's
   * entry.
   */
  adoptModel(bytes, name) {
    this.info = JSON.parse(this.studio.load(bytes));
    this.setEmpty(null);
    this.modelBytes = bytes;
    this.state.model = name;
    this.customModel = name;
    this.customLabel = `${name} (from the trainer)`;
    this.resetLatents();
    this.syncControls();
    $("load-error").hidden = true;
    setStatus(`Ready: ${name}`, "ready");
    this.redrawAll();
    this.dataSetMenu.follow("The trainer's run");
  }

  /** Shows `message` instead of the explorer's views, which draw nothing meanwhile (null: the views again). */
  setEmpty(message) {
    this.empty = message;
    $("app").dataset.empty = String(Boolean(message));
    if (message) $("model-info").textContent = message;
  }

  /** Shows `message` instead of the views (no model of the data set to show), in the link and the status too. */
  showEmpty(message) {
    this.setEmpty(message);
    this.syncControls();
    writeHash(this.state, this.dataSets);
    setStatus(`Ready: ${message}`, "ready");
  }

  resetLatents() {
    const cells = this.coded && this.state.styleGrid ? this.cols : this.rows * this.cols;
    this.z = this.wasm.sampleZ(this.state.seed, cells, this.nz, this.info.prior);
    this.state.cell = Math.min(this.state.cell, this.rows * this.cols - 1);
    this.endpoints = { z1: null, z2: null };
  }

  /** Latent vector index behind a grid cell (style grids share z down each column). */
  zIndex(cell) {
    return this.coded && this.state.styleGrid ? cell % this.cols : cell;
  }

  /** The digit (InfoGAN: categorical code) drawn in grid cell `cell`. */
  digitOf(cell) {
    if (this.state.styleGrid) return Math.floor(cell / this.cols);
    if (this.state.label === "mixed") return (cell % this.cols) % 10;
    return Number(this.state.label);
  }

  /** Codes of `digits` with the continuous codes of the sliders (undefined for models without codes). */
  codesOf(digits) {
    if (!this.coded) return undefined;
    const continuous = this.info.latentCodes ? Float32Array.of(this.state.k1, this.state.k2) : new Float32Array(0);
    return this.wasm.codesFor(this.info.kind, Uint8Array.from(digits), continuous);
  }

  /** Codes for cells `first .. first + count` (undefined for models without codes). */
  codesFor(count, first = 0) {
    return this.codesOf(Array.from({ length: count }, (_, i) => this.digitOf(first + i)));
  }

  gridLatents() {
    if (!(this.coded && this.state.styleGrid)) return this.z;
    const out = new Float32Array(this.rows * this.cols * this.nz);
    for (let cell = 0; cell < this.rows * this.cols; cell++) {
      const src = this.zIndex(cell) * this.nz;
      out.set(this.z.subarray(src, src + this.nz), cell * this.nz);
    }
    return out;
  }

  cellZ(cell) {
    const i = this.zIndex(cell) * this.nz;
    return this.z.subarray(i, i + this.nz);
  }

  endpoint(which) {
    return this.endpoints[which] ?? this.wasm.sampleZ(this.state[which], 1, this.nz, this.info.prior);
  }

  async draw(canvas, z, codes, rows, cols) {
    const started = performance.now();
    paint(canvas, await this.studio.render(z, codes, rows, cols, GRID_GAP));
    if (canvas === $("grid-canvas")) this.fitGrid();
    this.highlight(canvas);
    const ms = performance.now() - started;
    $("render-ms").textContent = ms.toFixed(1);
    return ms;
  }

  /**
   * Shows the grid as large as the Samples panel and the window's height allow, each of its
   * pixels a whole number of screen pixels (crisp).
   */
  fitGrid() {
    const canvas = $("grid-canvas");
    const height = Math.max(GRID_MIN_HEIGHT, innerHeight - GRID_HEIGHT_MARGIN);
    showCrisp(canvas, { width: contentWidth(canvas.closest(".panel")), height });
  }

  /** Marks the selected cell with an outline over the grid (the pixels stay untouched). */
  highlight(canvas) {
    if (canvas !== $("grid-canvas")) return;
    const size = this.info.imageSize;
    const cell = this.state.cell;
    const x = GRID_GAP + (cell % this.cols) * (size + GRID_GAP);
    const y = GRID_GAP + Math.floor(cell / this.cols) * (size + GRID_GAP);
    // Percentages of the wrapper, which is exactly the canvas's box: no resize handling needed.
    const pct = (v, total) => `${(100 * v) / total}%`;
    Object.assign($("cell-marker").style, {
      left: pct(x - GRID_GAP, canvas.width),
      top: pct(y - GRID_GAP, canvas.height),
      width: pct(size + 2 * GRID_GAP, canvas.width),
      height: pct(size + 2 * GRID_GAP, canvas.height),
    });
    const input = $("cell");
    input.max = String(this.rows * this.cols);
    input.value = String(cell + 1);
  }

  selectCell(cell) {
    this.state.cell = Math.max(0, Math.min(this.rows * this.cols - 1, cell));
    this.buildSliders();
    this.highlight($("grid-canvas"));
    writeHash(this.state, this.dataSets);
    this.requestGuess();
  }

  /**
   * Asks the quality meter's classifier what digit the selected cell shows (after the
   * classifier's one-time download) and writes its guess and confidence under the heading.
   */
  requestGuess() {
    if (this.empty) return;
    this.finder?.cellChanged(); // the nearest training digits, once shown
    this.guesses.request(async () => {
      const out = $("cell-guess");
      const set = this.dataSets.current;
      try {
        await ensureClassifier(this.studio, fetchWithProgress, set);
      } catch (error) {
        out.textContent = error.message ?? String(error);
        return;
      }
      const cell = this.state.cell;
      const probabilities = await this.studio.classify(
        Float32Array.from(this.cellZ(cell)), this.codesFor(1, cell));
      const { digit, confidence } = topDigit(probabilities);
      const asked = this.info.conditional ? `asked for ${withArticle(className(set, this.digitOf(cell)))}; `
        : this.info.latentCodes ? `code ${this.digitOf(cell)}; ` : "";
      out.textContent = `Classifier: ${asked}it sees ${withArticle(className(set, digit))} (${(100 * confidence).toFixed(0)}% sure).`;
      out.dataset.digit = String(digit);
      out.dataset.confidence = confidence.toFixed(4);
      out.dataset.cell = String(cell);
      this.guessCount++;
    });
  }

  /** Redraws the whole grid; then, unless `guess` is false (a slider drag), the guess. */
  requestGrid({ guess = true } = {}) {
    writeHash(this.state, this.dataSets);
    if (this.empty) return;
    this.gridDraws.request(async () => {
      const z = this.gridLatents();
      const count = z.length / this.nz;
      await this.draw($("grid-canvas"), z, this.codesFor(count), this.rows, this.cols);
      if (guess) this.requestGuess();
    }, 2);
  }

  /** Redraws only the selected cell (what a z slider changes), pasted into the grid. */
  requestCell() {
    if (this.empty) return;
    if (this.coded && this.state.styleGrid) {
      this.requestGrid({ guess: false }); // one z is shared by a whole column
      return;
    }
    this.gridDraws.request(async () => {
      const cell = this.state.cell;
      const started = performance.now();
      const rendered = await this.studio.render(
        Float32Array.from(this.cellZ(cell)), this.codesFor(1, cell), 1, 1, 0);
      const size = this.info.imageSize;
      const pixels = new Uint8ClampedArray(rendered.rgba);
      rendered.free();
      const canvas = $("grid-canvas");
      const x = GRID_GAP + (cell % this.cols) * (size + GRID_GAP);
      const y = GRID_GAP + Math.floor(cell / this.cols) * (size + GRID_GAP);
      canvas.getContext("2d").putImageData(new ImageData(pixels, size, size), x, y);
      canvas.dataset.renderCount = Number(canvas.dataset.renderCount) + 1;
      $("render-ms").textContent = (performance.now() - started).toFixed(1);
      // No guess here: during a drag it would compete with the redraws. The slider's
      // "change" (the drag's end) asks for it.
    }, 1);
  }

  /** The latent vectors and codes of the interpolation at the given alphas. */
  interpolation(alphas) {
    const nz = this.nz;
    const width = this.info.codeSize;
    const z = new Float32Array(alphas.length * nz);
    const codes = this.coded ? new Float32Array(alphas.length * width) : undefined;
    const z1 = this.endpoint("z1");
    const z2 = this.endpoint("z2");
    const digit = this.state.label === "mixed" ? 0 : Number(this.state.label);
    const fixed = this.codesOf([digit]); // the digit (code) drawn along a path between two z
    alphas.forEach((alpha, i) => {
      if (this.state.interpMode === "label" && this.coded) {
        z.set(z1, i * nz);
        // the mix of two digits (InfoGAN: categorical codes), the continuous codes as set
        codes.set(fixed, i * width);
        codes.set(this.wasm.mixedLabel(this.state.y2, this.state.y1, alpha), i * width);
      } else {
        // α·z1 + (1−α)·z2: from z2 at α = 0 to z1 at α = 1
        const path = this.state.slerp ? this.wasm.slerp(z2, z1, alpha) : this.wasm.lerp(z2, z1, alpha);
        z.set(path, i * nz);
        if (codes) codes.set(fixed, i * width);
      }
    });
    return { z, codes };
  }

  requestInterpolation(withStrip) {
    writeHash(this.state, this.dataSets);
    if (this.empty) return;
    this.interpDraws.request(async () => {
      const one = this.interpolation([this.state.alpha]);
      await this.draw($("interp-canvas"), one.z, one.codes, 1, 1);
      if (withStrip) {
        const alphas = Array.from({ length: STRIP_STEPS }, (_, i) => i / (STRIP_STEPS - 1));
        const strip = this.interpolation(alphas);
        await this.draw($("strip-canvas"), strip.z, strip.codes, 1, STRIP_STEPS);
      }
    });
  }

  redrawAll() {
    this.requestGrid();
    this.requestInterpolation(true);
  }

  /** Loads preset `name`'s shipped weights for the data set shown; resolves to whether it did. */
  async switchModel(name) {
    const previous = this.state.model;
    try {
      setStatus(`Loading the ${name} weights…`);
      await this.loadShipped(name, (f) => ($("progress").value = f));
      $("load-error").hidden = true;
      setStatus(`Ready: ${name}`, "ready");
      this.redrawAll();
      return true;
    } catch (error) {
      this.state.model = previous;
      $("model").value = previous;
      this.showLoadError(`Could not load the ${name} weights: ${error.message ?? error}`);
      setStatus(`Ready: ${previous}`, "ready");
      return false;
    }
  }

  async loadFile(file) {
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (isPyTorchFile(file.name, bytes)) {
        // Burn's PyTorch reader cannot read a dropped file here: the CLI converts it.
        this.showLoadError(`${file.name}: ${PYTORCH_MESSAGE} The current model is kept.`);
        return;
      }
      this.applyCheckpoint(bytes, file.name);
      this.customModel = file.name;
      this.customLabel = null;
      this.syncControls();
      $("load-error").hidden = true;
      setStatus(`Ready: ${file.name}`, "ready");
      this.redrawAll();
      await this.dataSetMenu.follow(file.name);
    } catch (error) {
      this.showLoadError(`${file.name}: ${error.message ?? error}. The current model is kept.`);
    }
  }

  showLoadError(message) {
    const box = $("load-error");
    box.textContent = message;
    box.hidden = false;
  }

  exportCanvas(source, mode) {
    const canvas = scaledCopy(source, Number($("export-scale").value) || 1);
    saveCanvas(canvas, this.exportName(mode, "png"));
  }

  /** A download's name: the model, the grid's seed or the interpolation's ends, `mode`. */
  exportName(mode, extension) {
    const name = String(this.state.model).replace(/[^a-zA-Z0-9_-]+/g, "-").replace(/-bpk$/, "");
    const seed = mode === "grid" ? `seed${this.state.seed}` : `z${this.state.z1}-z${this.state.z2}`;
    return `gan-studio_${name}_${seed}_${mode}.${extension}`;
  }
}
