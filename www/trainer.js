// GAN Studio's trainer panel: trains a GAN in the page on the data set the page shows
// (www/data-sets.js; a run keeps the set it learns, and another applies on Reset).
//
// The model work is the wasm `Trainer` (src/web/trainer.rs), which runs in a Web Worker
// (trainer-worker.js, reached through trainer-client.js) on the device that measured faster
// for training; this file owns the panel's controls, the play loop and the live views.
// Three rules keep the page responsive:
// - every call into the Trainer goes through one queue (run-loop.js's `exclusive`), so calls
//   never overlap and always see the run in the order the user asked for;
// - training runs in the worker, in chunks of steps sized to about CHUNK_TARGET_MS each, so
//   the page's thread only records figures and draws between chunks;
// - each chunk costs one asynchronous read (its losses), and a view refresh (every N steps)
//   one more (the progress grid). Nothing here blocks on the device.

import { contentWidth, paint, saveBlob, saveCanvas, scaledCopy, showCrisp } from "./canvas.js";
import { drawChart } from "./chart.js";
import { formatDuration, formatFigure, messageOf, niceCeil } from "./format.js";
import { RunHistory } from "./run-history.js";
import { describeClasses } from "./quality.js";
import { shippedFile, switchSentence } from "./data-sets.js";
import { WorkerData } from "./trainer-data.js";
import { startTrainer } from "./trainer-client.js";
import { MODEL_FIELDS, TRAIN_FIELDS, TrainerForm } from "./trainer-form.js";
import { clearRun, loadRun } from "./run-store.js";
import { isDeviceLoss } from "./devices.js";
import { RunLoop, nextChunk, pauseWhileHidden } from "./run-loop.js";

const $ = (id) => document.getElementById(id);

const GAP = 1; // black pixels between grid cells, as in the explorer and `gan sample`
const CHUNK_TARGET_MS = 200; // wall time one train() call should take while playing
const MAX_CHUNK = 200; // steps per call at most (the wasm allows 1000)
const STRIP_LENGTH = 8; // past grids kept in the strip
const EXPORT_SCALE = 4; // pixel scale of the grid PNG
const GRID_BOX = 400; // CSS px the progress grid and the real digits may take, each way
const SAVE_EVERY_MS = 10_000; // while playing, the run is saved to this device at most this often
// Which of the first four figures (loss D, loss G, D(x), D(G(z))) each step mode measures (the
// others are NaN by design); the penalty and balance figures are checked wherever measured.
const MEASURED = { both: [0, 1, 2, 3], d: [0, 2, 3], g: [1, 3] };
const COLORS = { lossD: "#58a6ff", lossG: "#f0883e", dReal: "#7ee787", dFake: "#d2a8ff" };
const EXTRA_COLORS = ["#ffa657", "#79c0ff", "#f778ba"];

/** Resolves on the next turn of the event loop (input events and paints run before it). */
const yieldToPage = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The quality meter's record of a run: the step, Fréchet distance and accuracy of each score. */
function emptyQuality() {
  return { step: [], fd: [], accuracy: [], reports: [] };
}

// ---------------------------------------------------------------- the panel

/** The trainer panel: its form, the play loop, the live views and the run's files. */
export class TrainerPanel {
  /**
   * `wasm` the page's wasm bindings (latent helpers), `fetchBytes(url, onProgress)` downloads,
   * `showInExplorer(bytes, name)` loads checkpoint bytes into the explorer, `dataSets` are the
   * page's data sets (a new run learns the one shown), `showDataSet(name, sentence)` switches
   * the page to another, saying why, and `devices` { setting(), adapter } says which device
   * the user asked for and what WebGPU there is.
   */
  constructor({ wasm, presets, fetchBytes, showInExplorer, dataSets, showDataSet, devices }) {
    this.wasm = wasm;
    this.presets = presets; // the preset registry (www/presets.js)
    this.form = new TrainerForm(presets, (config, loss) => wasm.presetOf(JSON.stringify(config), loss));
    this.form.dataSet = dataSets.current;
    this.fetchBytes = fetchBytes;
    this.showInExplorer = showInExplorer;
    this.dataSets = dataSets;
    this.showDataSet = showDataSet;
    this.devices = devices;
    this.trainer = null; // the worker's Trainer (a TrainerClient), made once the images are downloaded
    this.trainerReady = null; // promise of it (the download and the device probe happen once)
    this.data = new WorkerData(this); // the data sets' images and classifiers the worker has
    this.deviceChoice = null; // { backend, sentence, timings } of the training device
    // Every Trainer call queued (run-loop.js); user actions (downloads included) whose errors
    // go to #train-error, never to the page's status line; a lost GPU moves the run to the CPU.
    this.loop = new RunLoop({
      errorId: "train-error",
      onChange: () => this.syncButtons(),
      onError: async (error) => {
        if (isDeviceLoss(error) && this.deviceChoice?.backend === "webgpu") await this.recoverFromDeviceLoss();
        else this.loop.showError(messageOf(error));
      },
    });
    this.run = null; // the current run's info (JSON from the Trainer, parsed)
    this.startStep = 0; // the step the current run started (or resumed) at
    this.playing = false;
    this.playGeneration = 0; // bumped by every Play, so a stale loop stops
    this.chunk = 1; // steps per train() call while playing, adapted to CHUNK_TARGET_MS
    this.rate = []; // recent [time ms, step] samples while playing, for steps/s
    this.stepsPerSecond = null;
    this.history = new RunHistory(this.presets.figures);
    this.fixed = null; // the progress grid's fixed noise { z, codes, rows, cols }
    this.gridDraws = 0;
    this.snapshots = []; // the strip: { step, canvas }, oldest first
    this.lastSnapshotStep = null;
    this.viewsStep = null; // the step the charts and the grid last showed
    this.diverged = null; // the divergence message, until Reset
    this.upload = null; // { name, bytes } of the last uploaded checkpoint (Reset reloads it)
    this.shipped = new Map(); // name -> bytes of the shipped checkpoints fetched so far
    this.quality = emptyQuality(); // the quality meter's scores of this run
    this.savedStep = null; // the step of the run last saved to this device (run-store.js)
    this.savedAt = 0; // when (performance.now()) it was saved
    this.savedRun = null; // a run saved before this visit, offered until resumed or discarded
    this.savedRunChecked = false; // whether this visit has looked for one
    this.forcedDevice = null; // "cpu" once the GPU was lost: the device setting no longer decides
  }

  // ------------------------------------------------------------ state for the tests

  /** A summary of the panel for the browser tests and the console. */
  get state() {
    const h = this.history;
    const last = h.step.length - 1;
    return {
      ready: this.trainer !== null,
      backend: this.deviceChoice?.backend ?? null,
      deviceSentence: this.deviceChoice?.sentence ?? null,
      deviceTimings: this.deviceChoice?.timings ?? null,
      cpuThreads: this.deviceChoice?.cpuThreads ?? null,
      etaSeconds: this.etaSeconds(),
      hasRun: this.run !== null,
      step: this.step,
      startStep: this.startStep,
      playing: this.playing,
      busy: this.loop.busy,
      historyLength: h.step.length,
      last: last < 0 ? null : {
        step: h.step[last], lossD: h.lossD[last], lossG: h.lossG[last],
        dReal: h.dReal[last], dFake: h.dFake[last],
      },
      // the loss's own figures at the last step (a penalty, a balance), where it has them
      extra: last < 0 ? null : Object.fromEntries(h.extraSeries().map((s) => [s.key, s.values[last]])),
      gridDraws: this.gridDraws,
      snapshots: this.snapshots.map((s) => s.step),
      chunk: this.chunk,
      stepsPerSecond: this.stepsPerSecond,
      diverged: this.diverged,
      error: this.loop.error,
      quality: this.quality.reports.at(-1) ?? null,
      qualityScores: this.quality.step.length,
      kind: this.run?.kind ?? null,
      dataSet: this.run?.dataSet ?? null, // the data set the run learns
      pending: this.form.pending, // whether the form describes the next run (Reset applies it)
      train: this.run?.train ?? null,
      config: this.run?.config ?? null,
      savedStep: this.savedStep,
      savedRunChecked: this.savedRunChecked,
      offeredStep: this.savedRun?.step ?? null,
    };
  }

  /** The run's step counter (0 without a run). */
  get step() {
    return this.run ? this.run.step : 0;
  }

  // ------------------------------------------------------------ plumbing

  /** Clears the alert box (a divergence message stays until Reset). */
  clearError() {
    if (!this.diverged) this.loop.clearError();
  }

  /** Shows a passing note (not an error) under the controls. */
  say(text) {
    $("train-message").textContent = text;
  }

  /**
   * Downloads the images of data set `set` (by default the one shown) once (with progress)
   * and starts the training worker on them, on the device the setting names, or, with
   * "auto", on the one that trains the form's model faster (it times a step on each).
   */
  ensureTrainer(set = this.dataSets.current) {
    if (this.trainer) return Promise.resolve(this.trainer);
    if (!this.trainerReady) {
      this.trainerReady = (async () => {
        const data = await this.data.bytes(set);
        const setting = this.forcedDevice ?? this.devices.setting();
        this.say(setting === "auto" ? "Timing a training step on each device…" : "Starting the trainer…");
        const { trainer, choice } = await startTrainer({
          data,
          dataSet: set.name,
          setting,
          adapter: this.devices.adapter,
          model: JSON.stringify(this.probeModel()),
          train: JSON.stringify(this.form.trainConfig()),
        });
        this.trainer = trainer;
        this.data.started(set);
        this.showDevice(choice);
        this.say("");
        return this.trainer;
      })();
      // A failed download may be retried by the next action.
      this.trainerReady.catch(() => {
        this.trainerReady = null;
      });
    }
    return this.trainerReady;
  }

  /** The model a device probe times: the form's preset with its default settings. */
  probeModel() {
    return this.form.preset.model;
  }

  /** Shows which device trains, and why. */
  showDevice(choice) {
    this.deviceChoice = choice;
    $("train-device").textContent = choice.sentence;
    $("train-device").dataset.backend = choice.backend;
    $("train-device").dataset.cpuThreads = choice.cpuThreads;
    if (choice.cpuThreads) $("cpu-threads").textContent = choice.threadsNote;
  }

  /**
   * The device setting changed: the next run starts on the newly chosen device. A run under
   * way moves there now, through a checkpoint (its weights and step; the optimisers' states
   * where both devices can carry them).
   */
  deviceSettingChanged() {
    this.forcedDevice = null; // the setting decides again, after a lost GPU too
    if (!this.trainer && !this.trainerReady) return; // the first action will choose
    this.pause();
    this.loop.task(async () => {
      const old = await this.ensureTrainer();
      const bytes = this.run ? await this.loop.exclusive(() => old.checkpoint()) : null;
      this.trainer = null;
      this.trainerReady = null;
      await this.loop.exclusive(() => old.terminate());
      await this.ensureTrainer();
      if (bytes) {
        const info = await this.data.resume(bytes, JSON.stringify(this.run.train));
        await this.adoptRun(info);
        const adam = this.run.optimizersRestored ? "" : "; Adam starts afresh";
        this.say(`The run moved to the ${this.deviceChoice.backend === "webgpu" ? "GPU" : "CPU"} at step ${this.step}${adam}.`);
      }
    });
  }

  /**
   * Fetches `url` (relative to the page) with the panel's progress bar; `fetch(onProgress)`
   * downloads it (by default `fetchBytes`).
   */
  async download(url, what, fetch = (onProgress) => this.fetchBytes(url, onProgress)) {
    const bar = $("train-download-progress");
    bar.hidden = false;
    bar.value = 0;
    this.say(`Downloading ${what}…`);
    try {
      return await fetch((f) => {
        bar.value = f;
        this.say(`Downloading ${what}: ${Math.round(f * 100)}%`);
      });
    } catch (error) {
      throw new Error(`Could not download ${what} (${url}): ${messageOf(error)}`);
    } finally {
      bar.hidden = true;
      this.say("");
    }
  }

  // ------------------------------------------------------------ data sets

  /**
   * The page's data set changed: the next run learns it (the form offers its shipped
   * weights). A run of another set trains on until Reset, as after a model change, saying so.
   */
  dataSetChanged() {
    const set = this.dataSets.current;
    this.form.dataSet = set;
    this.form.offerShipped();
    $("train-data").textContent = `Trains on the training ${set.item}s of ${set.title} (downloaded once, when a run first needs them)`;
    if (!this.run) {
      for (const word of document.querySelectorAll(".run-item-word")) word.textContent = set.item;
    } else if (this.run.dataSet !== set.name) {
      this.form.showPending(true);
      const learns = this.dataSets.named(this.run.dataSet)?.title ?? this.run.dataSet;
      this.say(`${set.title} applies on Reset: this run goes on learning ${learns}.`);
    }
  }

  // ------------------------------------------------------------ settings

  /** Steps between two grids of the strip: about an eighth of the budget, a multiple of N. */
  get snapshotEvery() {
    const n = this.form.refreshEvery;
    return n * niceCeil(this.form.budget / (STRIP_LENGTH * n));
  }

  /** A model setting changed: it waits for Reset (said next to the fields). */
  modelSettingChanged() {
    this.form.showPending(this.run !== null);
  }

  /**
   * An optimiser setting changed: the run takes it at once, without a reset, unless the form
   * already describes the next run (a model or preset change waits for Reset).
   */
  trainSettingChanged(input) {
    if (!this.run || this.form.pending) return;
    this.loop.task(async () => {
      let config;
      try {
        config = this.form.trainConfig();
        config.seed = this.run.train.seed; // the run keeps its seed; a new one waits for Reset
        await this.loop.exclusive(() => this.trainer.setTrainConfig(JSON.stringify(config)));
      } catch (error) {
        this.form.showRun(this.run); // back to the values the run uses
        throw new Error(`${messageOf(error)}. The run keeps its settings.`);
      }
      this.run.train = { ...this.run.train, ...config };
      this.clearError();
      this.say(`${input.labels?.[0]?.textContent ?? "Setting"} changed; the run goes on from step ${this.step}.`);
    });
  }

  // ------------------------------------------------------------ runs

  /** Makes sure a run exists (the first action of a visit starts one from the form). */
  async ensureRun() {
    await this.ensureTrainer();
    if (!this.run) await this.startRun();
  }

  /**
   * Starts a run from the form: from scratch, from the preset's shipped weights (fine-tuning)
   * or from the uploaded checkpoint again. The old run stays if this fails.
   */
  async startRun() {
    await this.ensureTrainer();
    const start = this.form.start;
    const train = JSON.stringify(this.form.trainConfig());
    const set = this.dataSets.current;
    let info;
    if (start === "scratch") {
      const model = JSON.stringify(this.form.modelConfig());
      await this.data.ensure(set.name);
      info = await this.loop.exclusive(() => this.trainer.reset(model, train, set.name));
    } else {
      let bytes;
      if (start === "upload" && this.upload) bytes = this.upload.bytes;
      else {
        const name = shippedFile(this.form.preset, set);
        if (!name) throw new Error(`No shipped ${set.title} weights for this preset: choose "from scratch"`);
        bytes = this.shipped.get(name) ?? (await this.download(`weights/${name}.bpk`, `the ${name} weights`));
        this.shipped.set(name, bytes);
      }
      info = await this.data.resume(bytes, train);
    }
    await this.adoptRun(info);
  }

  /** Takes the Trainer's new run (its info JSON): clears the history and redraws every view. */
  async adoptRun(infoJson) {
    this.run = JSON.parse(infoJson);
    this.savedStep = null; // the new run is not saved yet
    this.withdrawSavedRun(); // its first save replaces the saved run
    this.startStep = this.run.step;
    this.history = new RunHistory(this.presets.figures);
    this.quality = emptyQuality();
    this.showQuality();
    this.snapshots = [];
    this.lastSnapshotStep = null;
    this.diverged = null;
    this.chunk = 1;
    this.rate = [];
    this.stepsPerSecond = null;
    this.clearError();
    this.form.showPending(false);
    this.form.showRun(this.run);
    const learns = this.dataSets.named(this.run.dataSet) ?? this.dataSets.current;
    for (const word of document.querySelectorAll(".run-item-word")) word.textContent = learns.item;
    $("train-real").setAttribute("aria-label", `Real training ${learns.item}s of ${learns.title}`);
    this.makeFixedNoise();
    this.showCounters();
    this.viewsStep = this.run.step;
    this.drawCharts();
    this.drawStrip();
    await this.drawRealDigits();
    await this.drawGrid();
  }

  /**
   * The progress grid's noise: fixed for the run, from its seed (`gan train --samples` draws
   * the same grid): cols x cols samples, or for the models with codes one row per digit
   * (InfoGAN: per categorical code).
   */
  makeFixedNoise() {
    const grid = JSON.parse(this.wasm.progressGrid(JSON.stringify(this.run.config), this.run.train.seed >>> 0, this.form.gridCols));
    this.fixed = {
      z: Float32Array.from(grid.z),
      codes: grid.codes ? Float32Array.from(grid.codes) : undefined,
      rows: grid.rows,
      cols: grid.cols,
    };
  }

  /** Reset: a new run from the form's settings (the way out of a diverged run). */
  reset() {
    this.pause();
    this.loop.task(async () => {
      this.diverged = null;
      this.clearError();
      await this.startRun();
      this.say(`New run: ${this.describeRun()}.`);
    });
  }

  /** One line about the run: model, where it started and its key settings. */
  describeRun() {
    const { config, train } = this.run;
    const sizes = this.form.presets.variant(config.kind).settings.map(({ key }) => `${key} ${config[key]}`);
    return `${config.kind} (${[`nz ${config.nz}`, ...sizes].join(", ")}) at step ${this.run.step}, batch ${train.batch_size}, ` +
      `lr ${train.lr_g}/${train.lr_d}, ${train.loss} loss`;
  }

  // ------------------------------------------------------------ training

  /** Play: trains in chunks until Pause, the budget, a divergence or an error. */
  play() {
    if (this.playing) return;
    if (this.diverged) {
      this.loop.showError(this.diverged);
      return;
    }
    this.clearError();
    this.playing = true;
    const generation = ++this.playGeneration;
    this.syncButtons();
    this.loop.task(async () => {
      try {
        await this.ensureRun();
        if (this.budgetLeft() <= 0) {
          this.say(`This run has used its budget of ${this.form.budget} steps: raise the budget to train on.`);
          return;
        }
        this.rate = [[performance.now(), this.step]];
        while (this.playing && generation === this.playGeneration) {
          const nextRefresh = (Math.floor(this.step / this.form.refreshEvery) + 1) * this.form.refreshEvery;
          const steps = Math.max(1, Math.min(this.chunk, this.budgetLeft(), nextRefresh - this.step));
          const started = performance.now();
          const ok = await this.trainSteps(steps, "both");
          const ms = performance.now() - started;
          this.chunk = nextChunk({ steps, ms, current: this.chunk, targetMs: CHUNK_TARGET_MS, max: MAX_CHUNK });
          if (!ok) break;
          if (this.budgetLeft() <= 0) {
            this.say(`Reached the step budget (${this.form.budget} steps from step ${this.startStep}): paused.`);
            break;
          }
          await yieldToPage();
        }
        // Stopped between two refreshes: show where the run is (unless a newer Play took over).
        const newerPlay = this.playGeneration > generation + 1;
        if (!newerPlay && this.viewsStep !== this.step) await this.refreshViews();
        if (!newerPlay) await this.saveToDevice();
      } finally {
        if (generation === this.playGeneration) {
          this.playing = false;
          this.syncButtons();
        }
      }
    });
  }

  /** Pause: the loop stops after the chunk under way (the run stays as it is). */
  pause() {
    if (!this.playing) return;
    this.playing = false;
    this.playGeneration++;
    this.syncButtons();
  }

  /** One step by hand: `mode` "both", "d" (D only) or "g" (G only). */
  stepOnce(mode) {
    if (this.playing) return;
    if (this.diverged) {
      this.loop.showError(this.diverged);
      return;
    }
    this.clearError();
    this.loop.task(async () => {
      await this.ensureRun();
      await this.trainSteps(1, mode);
    });
  }

  /** Seconds to the step budget at the measured speed (null before a speed is measured). */
  etaSeconds() {
    if (!this.stepsPerSecond) return null;
    return Math.max(0, this.budgetLeft()) / this.stepsPerSecond;
  }

  /**
   * For `scripts/bench.sh`: times training steps of `preset` at `batch` on the trainer's device
   * (a fresh run, one untimed warm-up step): the median of `steps` single awaited steps, and
   * one chunked call of `steps` steps. Resolves to { backend, warmupMs, stepMs, chunkedMs }.
   */
  async benchmark({ preset, batch, steps }) {
    const trainer = await this.ensureTrainer();
    const train = { ...this.form.trainConfig(), batch_size: batch, seed: 1 };
    return this.loop.exclusive(async () => {
      await trainer.reset(JSON.stringify(this.presets.named(preset).model), JSON.stringify(train));
      let t0 = performance.now();
      await trainer.train(1, "both");
      const warmupMs = performance.now() - t0;
      const single = [];
      for (let i = 0; i < steps; i++) {
        t0 = performance.now();
        await trainer.train(1, "both");
        single.push(performance.now() - t0);
      }
      t0 = performance.now();
      await trainer.train(steps, "both");
      const chunkedMs = (performance.now() - t0) / steps;
      single.sort((a, b) => a - b);
      const cpuThreads = trainer.backend === "cpu" ? this.deviceChoice.cpuThreads : null;
      return { backend: trainer.backend, cpuThreads, warmupMs, stepMs: single[Math.floor(steps / 2)], chunkedMs };
    });
  }

  /** Steps still allowed by the budget. */
  budgetLeft() {
    return this.form.budget - (this.step - this.startStep);
  }

  /**
   * Trains `steps` steps, records their figures and refreshes the views when a refresh is
   * due. Returns false (and pauses) when a figure is NaN or infinite.
   */
  async trainSteps(steps, mode) {
    const run = this.run;
    const { figures, step } = await this.loop.exclusive(async () => {
      const figures = await this.trainer.train(steps, mode);
      return { figures, step: this.trainer.step };
    });
    if (this.run !== run) return false; // a Reset or an upload replaced the run meanwhile
    const ok = this.record(figures, steps, mode, step);
    const refreshDue = !this.playing || step % this.form.refreshEvery === 0 || this.budgetLeft() <= 0;
    if (refreshDue) await this.refreshViews();
    return ok;
  }

  /**
   * Adds the figures of the `steps` steps (taken in `mode`) that ended at step `step` to the
   * history and the counters. A NaN or infinite figure among those `mode` measures pauses the
   * run with a message naming it; then it returns false.
   */
  record(figures, steps, mode, step) {
    const first = step - steps + 1;
    this.history.record(figures, steps, step);
    this.run.step = step;
    this.measureRate();
    this.showCounters();
    const divergence = this.findDivergence(figures, steps, mode, first);
    if (!divergence) return true;
    this.diverged = divergence;
    this.pause();
    this.loop.showError(divergence);
    return false;
  }

  /** The message for the first NaN or infinite figure that `mode` measures, or null. */
  findDivergence(figures, steps, mode, first) {
    for (let i = 0; i < steps; i++) {
      const stride = this.history.stride;
      const extra = this.presets.figures.map((_, j) => j).slice(4);
      for (const j of [...MEASURED[mode], ...extra]) {
        const v = figures[stride * i + j];
        if (!Number.isFinite(v) && !(j >= 4 && Number.isNaN(v))) {
          return `Training diverged at step ${first + i}: ${this.presets.figures[j].title} is ${v}. ` +
            "Lower the learning rate and press Reset.";
        }
      }
    }
    return null;
  }

  /** Updates steps/s from the steps done over the last few seconds of playing. */
  measureRate() {
    if (!this.playing) return;
    const now = performance.now();
    this.rate.push([now, this.step]);
    while (this.rate.length > 2 && now - this.rate[1][0] > 3000) this.rate.shift();
    const [t0, s0] = this.rate[0];
    if (now > t0 && this.step > s0) this.stepsPerSecond = ((this.step - s0) * 1000) / (now - t0);
  }

  // ------------------------------------------------------------ views

  /** The step counter, the budget's progress bar, steps/s and the latest figures. */
  showCounters() {
    const done = this.step - this.startStep;
    $("train-step-count").textContent = String(this.step);
    $("bar-step-count").textContent = String(this.step);
    $("train-step-count").dataset.step = String(this.step);
    const bar = $("train-progress");
    bar.max = this.form.budget;
    bar.value = Math.min(done, this.form.budget);
    $("train-progress-text").textContent = `${done} / ${this.form.budget}`;
    $("train-speed").textContent = this.stepsPerSecond === null ? "–" : this.stepsPerSecond.toFixed(1);
    const eta = this.etaSeconds();
    $("train-eta").textContent = eta === null ? "–" : formatDuration(eta);
    const h = this.history;
    const last = h.step.length - 1;
    const show = (id, values) => {
      $(id).textContent = last < 0 ? "–" : formatFigure(values[last]);
    };
    show("train-loss-d", h.lossD);
    show("train-loss-g", h.lossG);
    show("train-d-real", h.dReal);
    show("train-d-fake", h.dFake);
  }

  /**
   * Redraws the curves and the progress grid (and adds the grid to the strip when due);
   * while playing, saves the run to this device when SAVE_EVERY_MS have passed.
   */
  async refreshViews() {
    this.viewsStep = this.step;
    this.drawCharts();
    await this.drawGrid();
    if (this.qualityDue()) await this.measureQuality();
    if (this.playing && performance.now() - this.savedAt >= SAVE_EVERY_MS) await this.saveToDevice();
  }

  // ------------------------------------------------------------ a run that survives a reload

  /**
   * Saves the run to this device's IndexedDB (run-store.js): its checkpoint (with the
   * optimisers' states on the CPU) and what the panel shows of it. A failed save (a full
   * disk, private browsing) is said, and training goes on.
   */
  async saveToDevice() {
    const run = this.run;
    if (!run || this.savedStep === this.step) return;
    const h = this.history;
    const shown = {
      startStep: this.startStep,
      savedAt: Date.now(),
      preset: this.form.preset.name,
      kind: run.kind,
      dataSet: run.dataSet,
      history: h.toJSON(),
      quality: this.quality,
      budget: this.form.budget,
    };
    try {
      const step = await this.loop.exclusive(() => this.trainer.saveToDevice(shown));
      if (this.run !== run) return;
      this.savedStep = step;
      this.savedAt = performance.now();
    } catch (error) {
      this.say(`The run could not be saved on this device (${messageOf(error)}); it trains on.`);
    }
  }

  /** Offers a run saved on this device before this visit (if there is one). */
  async offerSavedRun() {
    let record;
    try {
      record = await loadRun();
    } catch (error) {
      console.warn(error); // no IndexedDB here (private browsing): nothing to offer
    } finally {
      this.savedRunChecked = true;
    }
    if (!record) return;
    this.savedRun = record;
    const when = new Date(record.savedAt).toLocaleString();
    const learns = this.dataSets.named(record.dataSet);
    $("train-saved-text").textContent =
      `A ${record.kind} run was saved on this device at step ${record.step} (${when})${learns ? `, learning ${learns.title}` : ""}.`;
    $("train-saved").hidden = false;
  }

  /** Hides the offer of a saved run (a new run replaces it at its first save). */
  withdrawSavedRun() {
    this.savedRun = null;
    $("train-saved").hidden = true;
  }

  /** Continues the saved run where it was saved: its networks, settings, curves and scores. */
  resumeSavedRun() {
    const record = this.savedRun;
    if (!record) return;
    this.pause();
    this.loop.task(async () => {
      await this.restoreRun(record);
      if (this.run.dataSet !== this.dataSets.current.name) {
        await this.showDataSet(this.run.dataSet, switchSentence("The saved run", this.run.dataSet, this.dataSets.named(this.run.dataSet)));
      }
      const adam = this.run.optimizersRestored ? "" : " The optimisers' state is not used here: it starts afresh.";
      this.say(`Resumed the saved ${record.kind} run at step ${record.step}.${adam}`);
    });
  }

  /** Makes the saved run `record` the panel's run (on the trainer's device). */
  async restoreRun(record) {
    await this.ensureTrainer();
    const info = await this.data.resume(record.checkpoint, null);
    this.withdrawSavedRun();
    await this.adoptRun(info);
    // What the panel showed of the run when it was saved.
    this.startStep = record.startStep;
    this.history.restore(record.history);
    this.quality = record.quality;
    $("train-budget").value = record.budget;
    this.savedStep = record.step;
    this.savedAt = performance.now();
    this.showCounters();
    this.drawCharts();
    this.showQuality();
  }

  /**
   * The trainer's GPU was lost (the device was destroyed, reset or taken away): training
   * starts again on the CPU, and the run goes on from its last save on this device (its
   * settings and weights; the steps after that save are lost), saying so.
   */
  async recoverFromDeviceLoss() {
    const lostAt = this.step;
    this.pause();
    const lost = this.trainer;
    this.trainer = null;
    this.trainerReady = null;
    lost?.terminate();
    this.forcedDevice = "cpu";
    await this.ensureTrainer();
    this.showDevice({ ...this.deviceChoice, sentence: "Training: CPU: the GPU was lost." });
    const record = await loadRun().catch(() => null);
    if (!record) {
      this.run = null;
      this.showCounters();
      this.loop.showError(`The GPU was lost at step ${lostAt}, before the run was first saved: press Reset to start again on the CPU.`);
      return;
    }
    await this.restoreRun(record);
    this.say(`The GPU was lost at step ${lostAt}: training moved to the CPU and goes on from the run's last save, at step ${record.step}.`);
  }

  /** Forgets the saved run. */
  discardSavedRun() {
    this.withdrawSavedRun();
    this.loop.task(() => clearRun());
  }

  // ------------------------------------------------------------ quality meter

  /**
   * Whether the meter is on, the run's data set has a classifier here and `every` steps have
   * passed since its last score (or the start).
   */
  qualityDue() {
    if (!$("train-quality-on").checked || !this.run || this.data.lacksClassifier(this.run.dataSet)) return false;
    const every = Math.max(10, Number($("train-quality-every").value) || 100);
    const last = this.quality.step.at(-1) ?? this.startStep;
    return this.step - last >= every;
  }

  /**
   * Scores the run's generator now with the classifier (on the trainer's device): label accuracy,
   * Fréchet distance, classes covered, confidence. The first score of a data set also
   * downloads its classifier (1 MB) and reads its held-out items once; a set without a
   * classifier here is not scored, and the meter says so.
   */
  async measureQuality() {
    const run = this.run;
    if (!run) return;
    if (!(await this.data.ensureClassifier(this.dataSets.named(run.dataSet)))) {
      this.showQuality(); // which says there is no classifier for the set
      return;
    }
    const n = Number($("train-quality-n").value) || 250;
    const { json, step } = await this.loop.exclusive(async () => ({
      json: await this.trainer.quality(n, 0),
      step: this.trainer.step,
    }));
    if (this.run !== run) return; // scored a run that was replaced meanwhile
    const report = JSON.parse(json);
    report.step = step;
    const q = this.quality;
    q.step.push(step);
    q.fd.push(report.frechet_distance);
    q.accuracy.push(report.label_accuracy ?? NaN);
    q.reports.push(report);
    this.showQuality();
  }

  /** The meter's latest figures and its chart of the Fréchet distance over the steps. */
  showQuality() {
    const last = this.quality.reports.at(-1);
    const percent = (v) => `${(100 * v).toFixed(1)}%`;
    // InfoGAN's codes were never told which digit to draw: their purity says how much each
    // one draws a single digit anyway.
    $("train-q-accuracy").textContent = !last ? "–"
      : last.label_accuracy != null ? percent(last.label_accuracy)
        : last.code_purity != null ? `– (codes: ${percent(last.code_purity)} pure)` : "– (unconditional)";
    $("train-q-fd").textContent = last ? last.frechet_distance.toFixed(1) : "–";
    $("train-q-covered").textContent = last ? `${last.digits_covered} of 10` : "–";
    $("train-q-confidence").textContent = last ? percent(last.mean_confidence) : "–";
    $("train-q-fd").dataset.step = last ? String(last.step) : "";
    const set = this.dataSets.named(this.run?.dataSet) ?? this.dataSets.current;
    $("train-q-classes").textContent = this.data.lacksClassifier(set.name)
      ?? (last ? describeClasses(last.class_histogram, set) : "");
    drawChart($("train-quality-chart"), "Fréchet distance (lower is better)", this.quality.step, [
      { label: "FD", color: COLORS.lossG, values: this.quality.fd },
    ], [0, 100]);
  }

  /**
   * The charts: the losses, the mean D outputs on real and fake images (for a Wasserstein
   * critic, its distance estimate) and, where the run measures them, its loss's own figures
   * (a gradient penalty; an equilibrium loss's balance k_t and convergence measure M_global).
   */
  drawCharts() {
    const h = this.history;
    const extra = h.extraSeries();
    const extraCanvas = $("train-extra-chart");
    extraCanvas.hidden = extra.length === 0;
    if (extra.length > 0) {
      drawChart(extraCanvas, extra.map((s) => s.title).join(", "), h.step,
        extra.map((s, i) => ({ label: s.title, color: EXTRA_COLORS[i % EXTRA_COLORS.length], values: s.values })),
        [0, 0.01]);
    }
    const loss = this.presets.losses.find((l) => l.name === this.run?.train?.loss);
    const critic = loss?.wasserstein;
    drawChart($("train-loss-chart"), "Loss", h.step, [
      { label: critic ? "critic" : "D", color: COLORS.lossD, values: h.lossD },
      { label: "G", color: COLORS.lossG, values: h.lossG },
    ], [0, 1]);
    if (critic) {
      // The critic's estimate of the distance between real and generated digits: the curve
      // that tracks quality in a WGAN (it falls as G improves).
      drawChart($("train-d-chart"), "Critic: Wasserstein estimate E[D(x)] − E[D(G(z))]", h.step, [
        { label: "estimate", color: COLORS.dReal, values: h.wassersteinEstimate() },
      ], [0, 0.01]);
      return;
    }
    const raw = this.run?.train?.loss !== "non-saturating" && this.run?.train?.loss !== "saturating";
    const title = loss?.reads === "energy" ? "Mean energy L(v) = |v − D(v)| (lower: more real)"
      : raw ? "Mean D score (raw)" : "Mean D output";
    drawChart($("train-d-chart"), title, h.step, [
      { label: "D(x)", color: COLORS.dReal, values: h.dReal },
      { label: "D(G(z))", color: COLORS.dFake, values: h.dFake },
    ], [0, 1]);
  }

  /** Draws the run's generator on the fixed noise; keeps a copy in the strip when due. */
  async drawGrid() {
    const run = this.run;
    if (!run) return;
    const { z, codes, rows, cols } = this.fixed;
    const { rendered, step } = await this.loop.exclusive(async () => ({
      rendered: await this.trainer.render(z, codes, rows, cols, GAP),
      step: this.trainer.step,
    }));
    if (this.run !== run) return; // drawn for a run that was replaced meanwhile
    const canvas = $("train-grid");
    this.paintGrid(canvas, rendered);
    canvas.dataset.step = String(step);
    $("train-grid-step").textContent = `step ${step}`;
    this.gridDraws++;
    const due = this.lastSnapshotStep === null || step % this.snapshotEvery === 0 ||
      this.budgetLeft() <= 0;
    if (due && step !== this.lastSnapshotStep) this.snapshot(canvas, step);
  }

  /** Paints a grid of digits as large as GRID_BOX and the panel allow, with crisp pixels. */
  paintGrid(canvas, rendered) {
    paint(canvas, rendered);
    const width = Math.min(GRID_BOX, contentWidth($("train-panel")));
    showCrisp(canvas, { width, height: GRID_BOX });
  }

  /** Adds a copy of the grid canvas to the strip of past grids (the last STRIP_LENGTH). */
  snapshot(source, step) {
    const copy = document.createElement("canvas");
    copy.width = source.width;
    copy.height = source.height;
    copy.getContext("2d").drawImage(source, 0, 0);
    this.snapshots.push({ step, canvas: copy });
    while (this.snapshots.length > STRIP_LENGTH) this.snapshots.shift();
    this.lastSnapshotStep = step;
    this.drawStrip();
  }

  /** Shows the strip of past grids, each labelled with its step. */
  drawStrip() {
    const strip = $("train-strip");
    strip.replaceChildren(...this.snapshots.map(({ step, canvas }) => {
      const figure = document.createElement("figure");
      canvas.setAttribute("aria-label", `Samples at step ${step}`);
      const caption = document.createElement("figcaption");
      caption.textContent = `step ${step}`;
      figure.append(canvas, caption);
      return figure;
    }));
    $("train-strip-hint").textContent = this.snapshots.length
      ? `One grid every ${this.snapshotEvery} steps (an eighth of the budget), the last ${STRIP_LENGTH}.`
      : "";
  }

  /** Real training digits at the model's size, as many as the progress grid shows. */
  async drawRealDigits() {
    const { rows, cols } = this.fixed;
    const seed = this.run.train.seed >>> 0;
    const rendered = await this.loop.exclusive(() => this.trainer.realDigits(seed, rows, cols, GAP));
    this.paintGrid($("train-real"), rendered);
  }

  /** A new grid size: new fixed noise (same seed), redrawn with the real digits. */
  gridSizeChanged() {
    if (!this.run) return;
    this.loop.task(async () => {
      this.makeFixedNoise();
      await this.drawRealDigits();
      await this.drawGrid();
    });
  }

  // ------------------------------------------------------------ models in and out

  /** Makes the explorer draw (a snapshot of) the run's generator. */
  useInExplorer() {
    this.loop.task(async () => {
      if (!this.run) throw new Error("No run yet: press Play or Step first");
      const { bytes, step } = await this.loop.exclusive(async () => ({
        bytes: await this.trainer.checkpoint(),
        step: this.trainer.step,
      }));
      this.showInExplorer(bytes, `trained ${this.run.kind}, step ${step}`);
      this.say(`The explorer now shows this generator as it was at step ${step}.`);
    });
  }

  /** The file name stem of the run's downloads, e.g. gan-studio-dcgan-step120. */
  fileStem(step = this.step) {
    return `gan-studio-${this.run?.kind ?? "gan"}-step${step}`;
  }

  /** Saves the run as a checkpoint (.bpk) that the CLI and this page load. */
  downloadCheckpoint() {
    this.loop.task(async () => {
      if (!this.run) throw new Error("No run yet: press Play or Step first");
      const { bytes, step } = await this.loop.exclusive(async () => ({
        bytes: await this.trainer.checkpoint(),
        step: this.trainer.step,
      }));
      saveBlob(new Blob([bytes], { type: "application/octet-stream" }), `${this.fileStem(step)}.bpk`);
      this.say(`Saved ${this.fileStem(step)}.bpk (${bytes.length} bytes).`);
    });
  }

  /** Continues training from an uploaded checkpoint; a bad file leaves the run as it is. */
  uploadCheckpoint(file) {
    this.pause();
    this.loop.task(async () => {
      const bytes = new Uint8Array(await file.arrayBuffer());
      let info;
      try {
        info = await this.data.resume(bytes, null);
      } catch (error) {
        const kept = this.run ? "The current run is kept." : "No run was started.";
        throw new Error(`${file.name}: ${messageOf(error)}. ${kept}`);
      }
      this.upload = { name: file.name, bytes };
      this.form.offerUpload(file.name);
      this.diverged = null;
      await this.adoptRun(info);
      const learned = this.run.dataSet;
      if (learned !== this.dataSets.current.name) {
        // A file of another data set takes the page there: its models, its classes, its items.
        await this.showDataSet(learned, switchSentence(file.name, learned, this.dataSets.named(learned)));
      }
      const adam = this.run.adamSkipped ? " Adam's state in the file is not used on the CPU: it starts afresh." : "";
      this.say(`Continuing ${file.name}: ${this.describeRun()}.${adam}`);
    });
  }

  /** The curves as one PNG (losses above, D outputs below). */
  exportCurves() {
    const charts = [$("train-loss-chart"), $("train-d-chart")];
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(...charts.map((c) => c.width));
    canvas.height = charts.reduce((sum, c) => sum + c.height, 0);
    const ctx = canvas.getContext("2d");
    let y = 0;
    for (const chart of charts) {
      ctx.drawImage(chart, 0, y);
      y += chart.height;
    }
    saveCanvas(canvas, `${this.fileStem()}-curves.png`);
  }

  /** The curves' data as CSV: one line per step; a blank where a figure was not measured. */
  exportCsv() {
    saveBlob(new Blob([this.history.toCsv()], { type: "text/csv" }), `${this.fileStem()}-curves.csv`);
  }

  /** The progress grid as a crisp PNG, EXPORT_SCALE times its size. */
  exportGrid() {
    const source = $("train-grid");
    const canvas = scaledCopy(source, EXPORT_SCALE);
    saveCanvas(canvas, `${this.fileStem(Number(source.dataset.step ?? this.step))}-grid.png`);
  }

  /**
   * The run's generator drawn on `sampleZ(seed, rows * cols, nz, prior)` (digit or code = column %
   * 10 for the models with codes), exactly the grid `gan sample --seed` draws: for the
   * browser tests.
   * Resolves to { width, height, gray } (the red channel of the RGBA pixels).
   */
  async renderSample(seed, rows, cols) {
    const count = rows * cols;
    const z = this.wasm.sampleZ(seed, count, this.run.nz, this.run.prior);
    const codes = this.run.codeSize > 0
      ? this.wasm.codesFor(this.run.kind, Uint8Array.from({ length: count }, (_, i) => (i % cols) % 10), new Float32Array(0))
      : undefined;
    const rendered = await this.loop.exclusive(() => this.trainer.render(z, codes, rows, cols, GAP));
    const { width, height, rgba } = rendered;
    return { width, height, gray: Array.from({ length: width * height }, (_, i) => rgba[4 * i]) };
  }

  // ------------------------------------------------------------ controls

  /** Enables the buttons that make sense now and labels Play/Pause. */
  syncButtons() {
    const play = $("train-play");
    play.textContent = this.playing ? "Pause" : "Play";
    play.setAttribute("aria-pressed", String(this.playing));
    // The top bar's copy of Play and Step (index.html's header).
    $("bar-play").textContent = this.playing ? "Pause" : "Train";
    $("bar-play").setAttribute("aria-pressed", String(this.playing));
    for (const id of ["train-step", "train-step-d", "train-step-g", "bar-step"]) $(id).disabled = this.playing;
    for (const id of ["train-use", "train-download", "train-export-curves", "train-export-csv", "train-export-grid"]) {
      $(id).disabled = this.run === null;
    }
    $("train-panel").dataset.playing = String(this.playing);
    $("train-panel").dataset.busy = String(this.loop.busy);
  }

  /** Wires the panel's controls. */
  bind() {
    $("train-preset").addEventListener("change", (e) => {
      this.form.applyPreset(e.target.value, { runUnderWay: this.run !== null });
      this.modelSettingChanged();
    });
    $("train-start").addEventListener("change", () => {
      this.form.syncModelFields();
      this.modelSettingChanged();
    });
    // The size fields are rebuilt per architecture: their changes bubble to their box.
    for (const id of MODEL_FIELDS) {
      $(id).addEventListener("change", () => this.modelSettingChanged());
    }
    // A new loss first brings its own optimiser settings (the WGANs'), then applies.
    $("train-loss").addEventListener("change", () => this.form.lossChanged(), { capture: true });
    for (const id of TRAIN_FIELDS) {
      $(id).addEventListener("change", (e) => this.trainSettingChanged(e.target));
    }
    for (const id of ["train-budget", "train-refresh"]) {
      $(id).addEventListener("change", () => {
        const clamped = this.form.clampRunField(id);
        if (clamped) this.say(clamped);
        this.showCounters();
        if (this.run) this.drawStrip();
      });
    }
    $("train-grid-size").addEventListener("change", () => this.gridSizeChanged());

    for (const id of ["train-play", "bar-play"]) {
      $(id).addEventListener("click", () => (this.playing ? this.pause() : this.play()));
    }
    for (const id of ["train-step", "bar-step"]) $(id).addEventListener("click", () => this.stepOnce("both"));
    $("train-step-d").addEventListener("click", () => this.stepOnce("d"));
    $("train-step-g").addEventListener("click", () => this.stepOnce("g"));
    $("train-reset").addEventListener("click", () => this.reset());

    $("train-use").addEventListener("click", () => this.useInExplorer());
    $("train-download").addEventListener("click", () => this.downloadCheckpoint());
    $("train-upload").addEventListener("change", (e) => {
      const file = e.target.files[0];
      if (file) this.uploadCheckpoint(file);
      e.target.value = "";
    });
    $("train-export-curves").addEventListener("click", () => this.exportCurves());
    $("train-export-csv").addEventListener("click", () => this.exportCsv());
    $("train-export-grid").addEventListener("click", () => this.exportGrid());
    $("train-saved-resume").addEventListener("click", () => this.resumeSavedRun());
    $("train-saved-discard").addEventListener("click", () => this.discardSavedRun());
    $("train-quality-now").addEventListener("click", () => {
      if (!this.run) return;
      this.data.retry(); // asked for: a missing classifier is looked for again
      this.loop.task(() => this.measureQuality());
    });

    // Leaving the tab pauses (the browser would starve the loop anyway); coming back resumes.
    pauseWhileHidden(this);

    // The charts take their box's size: redraw them when it changes (and once it is shown).
    addEventListener("resize", () => this.drawCharts());
    requestAnimationFrame(() => this.drawCharts());

    this.form.fill();
    if (this.dataSets.current !== this.dataSets.default) this.dataSetChanged(); // a link's data set: its words
    this.showCounters();
    $("bar-play").disabled = false;
    this.syncButtons();
    this.offerSavedRun();
  }
}
