// GAN Studio's page script: the explorer's controls, drawing and URL state, and the switch
// between the page's two modes (the MNIST explorer and trainer, or the 2-D lab).
// The model work happens in Rust (window.wasmBindings, see src/web/mod.rs); this file only
// wires the DOM to it. Every redraw goes through `Coalescer`, so a fast slider drag never
// queues stale frames: while a draw is running only the newest request is kept. The trainer
// panel lives in trainer.js; the explorer can draw its generator (`Explorer.adoptModel`).
// The 2-D lab lives in lab.js; a lab link's hash starts with `lab` (lab-url.js), any other
// hash is the explorer's.

import { contentWidth, paint, saveCanvas, scaledCopy, showCrisp } from "./canvas.js";
import { TrainerPanel } from "./trainer.js";
import { ensureClassifier, topDigit } from "./quality.js";
import {
  DataSets, capitalised, className, labelPhrase, nameClassOptions, noShippedModel, presetFor, shippedFile, withArticle,
} from "./data-sets.js";
import { DataSetMenu } from "./data-set-menu.js";
import { FindZ, PYTORCH_MESSAGE, isPyTorchFile } from "./find-z.js";
import { Coalescer } from "./coalescer.js";
import { ensureIsolation } from "./isolation.js";
import { Presets } from "./presets.js";
import { LabMode } from "./lab.js";
import { isLabHash } from "./lab-url.js";
import { MAX_GRID, MAX_SEED, defaultState, hashOf, intIn, stateFromHash } from "./url-state.js";
import {
  cpuThreadCount, describeAdapter, describeChoice, describeThreads, deviceSetting, isDeviceLoss,
  writeDeviceSetting,
} from "./devices.js";

const GRID_GAP = 1; // black pixels between cells
const STRIP_STEPS = 8;
const GRID_MIN_HEIGHT = 240; // CSS px the grid may always take, however short the window
const GRID_HEIGHT_MARGIN = 140; // CSS px of the window's height left to the top bar and the grid's controls

const $ = (id) => document.getElementById(id);

function setStatus(text, state = "loading") {
  const status = $("status");
  status.textContent = text;
  status.dataset.state = state;
}

function fail(error) {
  const message = error && error.message ? error.message : String(error);
  console.error(error);
  setStatus(`Error: ${message}`, "error");
}

window.addEventListener("error", (event) => fail(event.error || event.message));
window.addEventListener("unhandledrejection", (event) => fail(event.reason));

/** Fetches a file with progress reported as a fraction (when the size is known). */
async function fetchWithProgress(url, onProgress) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const total = Number(response.headers.get("content-length")) || 0;
  if (!response.body || !total) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const bytes = new Uint8Array(total);
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes.set(value, received);
    received += value.length;
    onProgress(received / total);
  }
  return bytes.subarray(0, received);
}

/** Which mode the page shows: "explorer" (MNIST) or "lab" (the 2-D lab). */
const pageMode = () => (document.body.dataset.mode === "lab" ? "lab" : "explorer");

/** Writes view `s` into the URL hash, with the device setting and the data set of `dataSets`. */
function writeHash(s, dataSets) {
  if (pageMode() === "lab") return; // the hash is the lab's while it shows
  history.replaceState(null, "", `#${hashOf(s, deviceSetting(), dataSets?.hashValue ?? null)}`);
}

/** Shows the page's `mode`: the tabs, the sections (style.css hides the other). */
function showMode(mode) {
  document.body.dataset.mode = mode;
  $("tab-explorer").setAttribute("aria-selected", String(mode === "explorer"));
  $("tab-lab").setAttribute("aria-selected", String(mode === "lab"));
}

/**
 * The mode tabs: the lab opens with its state in the hash; the explorer gets its own hash
 * back (once it has started: before, only the device setting is kept).
 */
function bindModes(lab, explorer) {
  $("tab-lab").addEventListener("click", () => {
    if (pageMode() === "lab") return;
    showMode("lab");
    lab.open();
  });
  $("tab-explorer").addEventListener("click", () => {
    if (pageMode() === "explorer") return;
    lab.close();
    showMode("explorer");
    const app = explorer();
    if (app) writeHash(app.state, app.dataSets);
    else history.replaceState(null, "", deviceSetting() === "auto" ? location.pathname + location.search : `#device=${deviceSetting()}`);
    app?.redrawAll();
  });
}

/** Says which settings of the page's link were out of range or unknown (none: no note). */
function showRejected(rejected) {
  const note = $("url-note");
  note.hidden = rejected.length === 0;
  note.textContent = rejected.length === 0 ? ""
    : `This link's ${rejected.join(", ")} ${rejected.length === 1 ? "is" : "are"} out of range or unknown: the defaults are shown instead.`;
}

// ---------------------------------------------------------------- the explorer

/**
 * Median ms of `repeats` `studio.render(...args)` calls, after one untimed call. With
 * `enoughMs`, a call slower than that ends the timing early (the median of the calls so far):
 * a device that slow has lost the comparison, and more draws only keep the machine busy.
 */
async function medianRenderMs(studio, args, repeats, enoughMs = Infinity) {
  const draw = async () => {
    const started = performance.now();
    (await studio.render(...args)).free();
    return performance.now() - started;
  };
  await draw();
  const times = [];
  while (times.length < repeats && !(times.at(-1) > enoughMs)) times.push(await draw());
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

class Explorer {
  /** `dataSets`: the page's data sets (www/data-sets.js); the link's `data=` chooses the one shown. */
  constructor(wasm, studio, presets, dataSets) {
    this.wasm = wasm;
    this.studio = studio;
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

  // ------------------------------------------------------------ controls

  syncControls() {
    const s = this.state;
    const select = $("model");
    if (this.customModel && !this.presets.named(s.model)) {
      let option = select.querySelector('option[data-custom="1"]');
      if (!option) {
        option = new Option("", s.model);
        option.dataset.custom = "1";
        select.add(option);
      }
      option.value = s.model;
      option.textContent = this.customLabel ?? `${s.model} (loaded file)`;
    }
    select.value = this.empty ? "" : s.model; // without a model of the data set: "no shipped model yet"
    $("seed").value = s.seed;
    $("grid-size").value = s.grid;
    $("label").value = s.label;
    $("style-grid").checked = s.styleGrid;
    $("alpha").value = s.alpha;
    $("alpha-value").textContent = Number(s.alpha).toFixed(2);
    $("z1-seed").value = s.z1;
    $("z2-seed").value = s.z2;
    $("slerp").checked = s.slerp;
    $("interp-mode").value = this.coded ? s.interpMode : "z";
    $("y1").value = s.y1;
    $("y2").value = s.y2;
    const show = (selector, on) => {
      for (const el of document.querySelectorAll(selector)) {
        el.hidden = !on;
        if ("disabled" in el) el.disabled = !on;
      }
    };
    show(".conditional-only", this.coded);
    show(".latent-codes-only", this.info.latentCodes);
    const set = this.dataSets.current;
    const unit = this.info.latentCodes ? "code" : set.item;
    $("label-name").textContent = this.info.latentCodes ? "Categorical code" : capitalised(set.item);
    // InfoGAN's categorical codes are numbers; the labels of the other models are classes
    for (const select of [$("label"), $("y1"), $("y2")]) nameClassOptions(select, set, this.info.latentCodes);
    $("label").querySelector('option[value="mixed"]').textContent = `each column ${withArticle(unit)}`;
    const numbered = unit === "code" || /^\d+$/.test(set.classes[0]);
    $("style-grid-name").textContent = numbered ? `Style grid (row r is ${unit} r, each column one z)`
      : `Style grid (a row per class, ${set.classes[0]} to ${set.classes.at(-1)}; each column one z)`;
    $("y1-name").textContent = `${capitalised(unit)} y₁`;
    $("y2-name").textContent = `${capitalised(unit)} y₂`;
    $("interp-label-option").textContent = `two ${unit}s (fixed z)`;
    for (const key of ["k1", "k2"]) {
      const slider = $(`code-${key}`);
      slider.min = String(-this.info.codeRange);
      slider.max = String(this.info.codeRange);
      slider.value = s[key];
      $(`code-${key}-value`).textContent = Number(s[key]).toFixed(2);
    }
    const labelMode = this.coded && s.interpMode === "label";
    document.querySelector(".label-endpoints").hidden = !labelMode;
    const what = this.info.conditional ? `, conditioned on the ${set.item}`
      : this.info.latentCodes ? ", with a categorical code (0–9) and two continuous codes it learned to use" : "";
    $("model-info").textContent = this.empty ??
      `${this.info.kind}: nz = ${this.info.nz}, ${this.info.imageSize}×${this.info.imageSize} images${what}`;
    this.buildSliders();
    this.finder?.modelChanged();
  }

  /**
   * Puts a z found by "Find z" (www/find-z.js) into the selected cell and draws it. With a
   * model that takes a code the grid then draws the found digit (InfoGAN: its codes) in every
   * cell. Returns a sentence saying what changed.
   */
  useFoundZ(z, label, codes) {
    const s = this.state;
    if (this.coded) {
      const wasStyleGrid = s.styleGrid;
      s.styleGrid = false;
      s.label = String(label);
      if (this.info.latentCodes && codes?.length >= 12) {
        const range = this.info.codeRange;
        [s.k1, s.k2] = [codes[10], codes[11]].map((v) => Math.max(-range, Math.min(range, v)));
      }
      if (wasStyleGrid) this.resetLatents(); // one z per cell again
    }
    this.cellZ(s.cell).set(z);
    this.syncControls();
    if (this.coded) {
      this.requestGrid();
      this.requestInterpolation(true);
      const shown = this.info.latentCodes ? `code ${label}` : labelPhrase(this.dataSets.current, label);
      return `Cell ${s.cell + 1} now draws it; the grid shows ${shown}.`;
    }
    this.requestCell();
    this.requestGuess();
    return `Cell ${s.cell + 1} now draws it.`;
  }

  buildSliders() {
    const box = $("z-sliders");
    box.replaceChildren();
    const z = this.cellZ(this.state.cell);
    $("selected-cell").textContent = String(this.state.cell + 1);
    for (let d = 0; d < this.nz; d++) {
      const wrap = document.createElement("div");
      wrap.className = "slider";
      const label = document.createElement("label");
      label.htmlFor = `z-${d}`;
      label.textContent = `z${d}`;
      const input = document.createElement("input");
      // The prior's reach: ±3 for a Gaussian z, the cube's ±1 for a uniform one.
      const range = this.info.priorRange;
      Object.assign(input, { type: "range", id: `z-${d}`, min: -range, max: range, step: 0.01 });
      input.value = z[d];
      input.dataset.dim = d;
      wrap.append(label, input);
      box.append(wrap);
    }
  }

  bind() {
    const s = this.state;
    // A new panel width refits the grid, in the next frame: resizing the panel from within
    // its own observer's callback would be a resize loop.
    let panelWidth = 0;
    new ResizeObserver(([entry]) => {
      if (entry.contentRect.width === panelWidth) return; // a height change (our own refit)
      panelWidth = entry.contentRect.width;
      requestAnimationFrame(() => this.fitGrid());
    }).observe($("grid-canvas").closest(".panel"));
    $("model").disabled = false;
    $("model").addEventListener("change", async (e) => {
      const name = e.target.value;
      if (!this.presets.named(name)) return; // the loaded file's entry: nothing to fetch
      await this.switchModel(name);
    });
    this.dataSetMenu.bind(fail);
    $("seed").addEventListener("change", (e) => {
      const seed = intIn(e.target.value, 0, MAX_SEED);
      if (seed === null) {
        e.target.value = s.seed;
        return;
      }
      s.seed = seed;
      this.resetLatents();
      this.buildSliders();
      this.requestGrid();
    });
    $("new-noise").addEventListener("click", () => {
      s.seed = Math.floor(Math.random() * (MAX_SEED + 1));
      $("seed").value = s.seed;
      this.resetLatents();
      this.buildSliders();
      this.requestGrid();
    });
    $("grid-size").addEventListener("change", (e) => {
      s.grid = intIn(e.target.value, 1, MAX_GRID) ?? defaultState(this.presets).grid;
      this.resetLatents();
      this.buildSliders();
      this.requestGrid();
    });
    $("label").addEventListener("change", (e) => {
      s.label = e.target.value;
      this.redrawAll();
    });
    $("style-grid").addEventListener("change", (e) => {
      s.styleGrid = e.target.checked;
      this.resetLatents();
      this.buildSliders();
      this.requestGrid();
    });
    $("grid-canvas").addEventListener("click", (e) => {
      const canvas = e.currentTarget;
      const size = this.info.imageSize + GRID_GAP;
      const x = (e.offsetX * canvas.width) / canvas.clientWidth;
      const y = (e.offsetY * canvas.height) / canvas.clientHeight;
      const col = Math.min(this.cols - 1, Math.floor(x / size));
      const row = Math.min(this.rows - 1, Math.floor(y / size));
      this.selectCell(row * this.cols + col);
    });
    $("cell").addEventListener("change", (e) => {
      const cell = intIn(e.target.value, 1, this.rows * this.cols);
      if (cell === null) e.target.value = String(s.cell + 1);
      else this.selectCell(cell - 1);
    });
    $("z-sliders").addEventListener("input", (e) => {
      const dim = Number(e.target.dataset.dim);
      if (!Number.isInteger(dim)) return;
      this.cellZ(s.cell)[dim] = Number(e.target.value);
      this.requestCell();
    });
    // The classifier's guess waits for the drag to end (it reads z, not the pixels).
    $("z-sliders").addEventListener("change", () => this.requestGuess());
    $("z-reset").addEventListener("click", () => {
      const fresh = this.wasm.sampleZ(s.seed, this.z.length / this.nz, this.nz, this.info.prior);
      const i = this.zIndex(s.cell) * this.nz;
      this.z.set(fresh.subarray(i, i + this.nz), i);
      this.buildSliders();
      this.requestCell();
      this.requestGuess();
    });
    $("export-grid").addEventListener("click", () => this.exportCanvas($("grid-canvas"), "grid"));
    $("export-strip").addEventListener("click", () => this.exportCanvas($("strip-canvas"), "strip"));

    $("alpha").addEventListener("input", (e) => {
      s.alpha = Number(e.target.value);
      $("alpha-value").textContent = s.alpha.toFixed(2);
      this.requestInterpolation(false);
    });
    for (const which of ["z1", "z2"]) {
      $(`${which}-seed`).addEventListener("change", (e) => {
        const seed = intIn(e.target.value, 0, MAX_SEED);
        if (seed === null) {
          e.target.value = s[which];
          return;
        }
        s[which] = seed;
        this.endpoints[which] = null;
        this.requestInterpolation(true);
      });
      $(`${which}-from-cell`).addEventListener("click", () => {
        this.endpoints[which] = Float32Array.from(this.cellZ(s.cell));
        this.requestInterpolation(true);
      });
    }
    for (const key of ["k1", "k2"]) {
      // A continuous code changes every cell: the grid and the interpolation redraw while
      // the slider moves, the classifier's guess once it stops.
      $(`code-${key}`).addEventListener("input", (e) => {
        s[key] = Number(e.target.value);
        $(`code-${key}-value`).textContent = s[key].toFixed(2);
        this.requestGrid({ guess: false });
        this.requestInterpolation(true);
      });
      $(`code-${key}`).addEventListener("change", () => this.requestGuess());
    }
    $("slerp").addEventListener("change", (e) => {
      s.slerp = e.target.checked;
      this.requestInterpolation(true);
    });
    $("interp-mode").addEventListener("change", (e) => {
      s.interpMode = e.target.value;
      this.syncControls();
      this.requestInterpolation(true);
    });
    for (const which of ["y1", "y2"]) {
      $(which).addEventListener("change", (e) => {
        s[which] = Number(e.target.value);
        this.requestInterpolation(true);
      });
    }

    $("checkpoint-file").addEventListener("change", (e) => {
      const file = e.target.files[0];
      if (file) this.loadFile(file);
      e.target.value = "";
    });
    document.addEventListener("dragover", (e) => e.preventDefault());
    document.addEventListener("drop", (e) => {
      e.preventDefault();
      const file = e.dataTransfer?.files?.[0];
      if (file) this.loadFile(file);
    });
  }

  /**
   * The URL's hash changed by hand (an edited address, Back or Forward; the page's own
   * writes change no hash): shows the view it names, loading another model's weights first.
   * Changes apply one after another, each on the view the one before left.
   */
  applyHash(hash) {
    this.hashChanges = this.hashChanges.then(async () => {
      const rejected = [];
      const next = stateFromHash(hash, this.presets, rejected);
      const set = this.dataSets.fromHash(hash, rejected);
      showRejected(rejected);
      const model = next.model;
      this.state = { ...next, model: this.state.model };
      if (set !== this.dataSets.current || this.empty) {
        // another data set, or none of its models to show: its own models, or its message
        this.state.model = model;
        if (set !== this.dataSets.current) await this.dataSetMenu.change(set.name);
        this.resetLatents();
        this.syncControls();
        this.redrawAll();
      } else if (model !== this.state.model) {
        await this.switchModel(model);
      } else {
        this.resetLatents();
        this.syncControls();
        this.redrawAll();
      }
    }).catch(fail);
    return this.hashChanges;
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

  /**
   * A draw failed: if the GPU it ran on was lost, the explorer moves to the CPU and draws
   * again (the model and the view stay), saying so; any other error is the page's.
   */
  drawFailed(error) {
    if (!(isDeviceLoss(error) && this.studio.backend === "webgpu")) {
      fail(error);
      return;
    }
    console.warn(error);
    this.recovering ??= (async () => {
      await this.moveTo(await this.wasm.Studio.create("cpu"));
      const sentence = "Explorer: CPU: the GPU was lost, so the explorer moved to the CPU.";
      showExplorerDevice("cpu", sentence);
      this.deviceChoice = { backend: "cpu", sentence, timings: {} };
      setStatus(`Ready: ${this.state.model} (the GPU was lost: drawing on the CPU)`, "ready");
    })().catch(fail).finally(() => {
      this.recovering = null;
    });
  }

  /**
   * Moves the explorer to `studio` (another device): the model loads there and the views
   * redraw; the old studio is freed.
   */
  async moveTo(studio) {
    studio.load(this.modelBytes);
    const old = this.studio;
    this.studio = studio;
    old.free();
    this.redrawAll();
  }

  /**
   * Median ms of `repeats` draws of the current grid on `studio`, after one untimed draw
   * (fewer once a draw takes over `enoughMs`).
   */
  timeRender(studio, repeats = 3, enoughMs = Infinity) {
    const z = this.gridLatents();
    const codes = this.codesFor(this.rows * this.cols);
    return medianRenderMs(studio, [z, codes, this.rows, this.cols, GRID_GAP], repeats, enoughMs);
  }

  /**
   * For `scripts/bench.sh`: median ms to draw `n` samples of `preset`'s shipped generator on
   * the explorer's device. Resolves to { backend, ms }.
   */
  async benchmarkSamples({ preset, n = 100, repeats = 3 }) {
    const bytes = await fetchWithProgress(`weights/${this.presets.named(preset).shipped}.bpk`, () => {});
    // On the explorer's own studio (a browser grants one WebGPU device per page), whose
    // model is put back afterwards.
    const studio = this.studio;
    try {
      const info = JSON.parse(studio.load(bytes));
      const z = this.wasm.sampleZ(0, n, info.nz, info.prior);
      const codes = info.codeSize > 0
        ? this.wasm.codesFor(info.kind, Uint8Array.from({ length: n }, (_, i) => i % 10), new Float32Array(0))
        : undefined;
      return { backend: studio.backend, ms: await medianRenderMs(studio, [z, codes, 1, n, 0], repeats) };
    } finally {
      studio.load(this.modelBytes);
    }
  }

  /** The device setting changed: the explorer starts on the device it names (or measures). */
  async deviceSettingChanged(adapter) {
    const setting = deviceSetting();
    const { studio, sentence } = await startStudio(this.wasm, setting, adapter);
    await this.moveTo(studio);
    showExplorerDevice(studio.backend, sentence);
    setStatus(`Ready: ${this.state.model}`, "ready");
    if (setting === "auto" && adapter.present) await probeExplorerDevice(this, adapter);
    else this.deviceChoice = { backend: studio.backend, sentence, timings: {} };
  }

  exportCanvas(source, mode) {
    const canvas = scaledCopy(source, Number($("export-scale").value) || 1);
    const name = String(this.state.model).replace(/[^a-zA-Z0-9_-]+/g, "-").replace(/-bpk$/, "");
    const seed = mode === "grid" ? `seed${this.state.seed}` : `z${this.state.z1}-z${this.state.z2}`;
    saveCanvas(canvas, `gan-studio_${name}_${seed}_${mode}.png`);
  }
}

// ---------------------------------------------------------------- start-up

/** Shows which device the explorer draws on, and why. */
function showExplorerDevice(backend, sentence) {
  $("backend").dataset.backend = backend;
  $("backend").textContent = sentence;
}

/**
 * The explorer's first device: the one the setting names (the CPU when WebGPU cannot start),
 * or with "auto" the CPU, which starts at once; `probeExplorerDevice` may move it later.
 */
async function startStudio(wasm, setting, adapter) {
  if (setting === "webgpu") {
    setStatus("Starting WebGPU…");
    try {
      const studio = await wasm.Studio.create("webgpu");
      return { studio, sentence: describeChoice({ job: "Explorer", backend: "webgpu", setting, adapter }) };
    } catch (error) {
      console.warn(error);
      const failures = { webgpu: String(error.message ?? error) };
      const studio = await wasm.Studio.create("cpu");
      return { studio, sentence: describeChoice({ job: "Explorer", backend: "cpu", setting, adapter, failures }) };
    }
  }
  setStatus("Starting the CPU backend…");
  const studio = await wasm.Studio.create("cpu");
  const sentence = setting === "auto" && adapter.present
    ? "Explorer: CPU, while WebGPU is measured…"
    : describeChoice({ job: "Explorer", backend: "cpu", setting, adapter });
  return { studio, sentence };
}

/** How many times the CPU's draw WebGPU's may take before its timing stops: it has lost. */
const EXPLORER_PROBE_LOST = 5;

/**
 * With the setting "auto": times the current grid on the CPU and on WebGPU (after a warm-up
 * draw on each) and moves the explorer to WebGPU if it is faster. The page is usable
 * meanwhile; the result is kept in `explorer.deviceChoice`.
 */
async function probeExplorerDevice(explorer, adapter) {
  const timings = { cpu: await explorer.timeRender(explorer.studio) };
  let gpu = null;
  const failures = {};
  try {
    gpu = await explorer.wasm.Studio.create("webgpu");
    gpu.load(explorer.modelBytes);
    timings.webgpu = await explorer.timeRender(gpu, 3, EXPLORER_PROBE_LOST * timings.cpu);
  } catch (error) {
    console.warn(error);
    failures.webgpu = String(error.message ?? error);
  }
  const backend = gpu && timings.webgpu < timings.cpu ? "webgpu" : "cpu";
  if (backend === "webgpu") await explorer.moveTo(gpu);
  else gpu?.free();
  const sentence = describeChoice({ job: "Explorer", backend, timings, failures, setting: "auto", adapter });
  explorer.deviceChoice = { backend, sentence, timings };
  showExplorerDevice(backend, sentence);
}

async function main() {
  const wasm = window.wasmBindings;
  // The lab first: a lab link opens at once, while the explorer starts behind it.
  const lab = new LabMode(wasm, { deviceSetting });
  window.ganLab = lab; // for the console and the browser tests
  let explorerRef = null;
  bindModes(lab, () => explorerRef);
  if (isLabHash(location.hash)) {
    showMode("lab");
    lab.open(location.hash);
  }
  const setting = deviceSetting();
  $("device").value = setting;
  const adapter = await describeAdapter();
  const { studio, sentence } = await startStudio(wasm, setting, adapter);
  showExplorerDevice(studio.backend, sentence);
  $("cpu-threads").textContent = describeThreads({ isolated: crossOriginIsolated, planned: cpuThreadCount() });

  const presets = new Presets(wasm.presets());
  const dataSets = new DataSets(presets.dataSets);
  const explorer = new Explorer(wasm, studio, presets, dataSets);
  explorer.dataSetMenu.fillModels();
  window.ganStudio = explorer; // for the console and the browser tests
  const set = dataSets.current;
  // The link's model if it has weights for the data set, else another that has; without
  // any, the default's MNIST weights start the explorer unseen, and it says so instead.
  const shown = presetFor(presets, set, explorer.state.model);
  let wanted = shown?.name ?? defaultState(presets).model;
  const load = (name) => {
    setStatus(`Loading the ${name} weights…`);
    return explorer.loadShipped(name, (f) => {
      $("progress").value = f;
      setStatus(`Loading the ${name} weights: ${Math.round(f * 100)}%`);
    }, shown ? set : dataSets.default);
  };
  try {
    await load(wanted);
  } catch (error) {
    const fallback = presetFor(presets, shown ? set : dataSets.default, defaultState(presets).model).name;
    if (wanted === fallback) throw error;
    // A shared link may name a model whose weights fail to load: fall back to the default.
    explorer.showLoadError(`Could not load the ${wanted} weights (${error.message ?? error}); showing ${fallback} instead.`);
    wanted = fallback;
    await load(wanted);
  }
  if (!shown) explorer.setEmpty(noShippedModel(set));

  setStatus("Warming up the GPU kernels…");
  for (const select of [$("y1"), $("y2")]) {
    for (let d = 0; d < 10; d++) select.add(new Option(String(d), String(d)));
  }
  explorer.syncControls();
  await explorer.draw($("interp-canvas"), wasm.sampleZ(0, 1, explorer.nz, explorer.info.prior), explorer.codesFor(1), 1, 1);

  explorer.bind();
  explorer.finder = new FindZ(explorer, fetchWithProgress);
  explorer.finder.bind();
  explorer.finder.modelChanged();
  const trainer = new TrainerPanel({
    wasm,
    presets,
    fetchBytes: fetchWithProgress,
    showInExplorer: (bytes, name) => explorer.adoptModel(bytes, name),
    dataSets,
    showDataSet: (name, why) => explorer.dataSetMenu.change(name, { why }),
    devices: { setting: deviceSetting, adapter },
  });
  trainer.bind();
  explorer.trainer = trainer; // window.ganStudio.trainer, for the console and the tests
  explorerRef = explorer;
  // A hash changed by hand (an edited address, Back or Forward) names the mode too.
  addEventListener("hashchange", () => {
    if (isLabHash(location.hash)) {
      showMode("lab");
      lab.open(location.hash);
    } else {
      lab.close();
      showMode("explorer");
      explorer.applyHash(location.hash);
    }
  });
  $("device").addEventListener("change", (e) => {
    writeDeviceSetting(e.target.value);
    explorer.deviceSettingChanged(adapter).catch(fail);
    trainer.deviceSettingChanged();
  });
  $("app").hidden = false;
  $("progress").hidden = true;
  setStatus(`Ready: ${explorer.empty ?? wanted}`, "ready");
  explorer.redrawAll();
  if (setting === "auto" && adapter.present) await probeExplorerDevice(explorer, adapter);
  else explorer.deviceChoice = { backend: studio.backend, sentence, timings: {} };
}

// Started before the wasm module is ready, so that a reload for isolation comes early.
const isolation = ensureIsolation();

function start() {
  isolation.then((reloading) => reloading || main()).catch(fail);
}

if (window.wasmBindings) start();
else addEventListener("TrunkApplicationStarted", start, { once: true });
