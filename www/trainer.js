// @ts-check
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

import { messageOf } from "./format.js";
import { RunHistory } from "./run-history.js";
import { shippedFile } from "./data-sets.js";
import { WorkerData } from "./trainer-data.js";
import { MODEL_FIELDS, TRAIN_FIELDS, TrainerForm } from "./trainer-form.js";
import { isDeviceLoss } from "./devices.js";
import { RunLoop, pauseWhileHidden } from "./run-loop.js";
import { withParts } from "./panel-parts.js";
import { deviceMethods } from "./trainer-device.js";
import { playMethods } from "./trainer-play.js";
import { viewMethods } from "./trainer-views.js";
import { emptyQuality, qualityMethods } from "./trainer-quality.js";
import { savedMethods } from "./trainer-saved.js";
import { fileMethods } from "./trainer-files.js";
import { $ } from "./page.js";

// ---------------------------------------------------------------- the panel

// The panel's other jobs, each in a file of its own (panel-parts.js).
const Parts = withParts(deviceMethods, playMethods, viewMethods, qualityMethods, savedMethods, fileMethods);

/** The trainer panel: its form, the play loop, the live views and the run's files. */
export class TrainerPanel extends Parts {
  /**
   * `wasm` the page's wasm bindings (latent helpers), `fetchBytes(url, onProgress)` downloads,
   * `showInExplorer(bytes, name)` loads checkpoint bytes into the explorer, `dataSets` are the
   * page's data sets (a new run learns the one shown), `showDataSet(name, sentence)` switches
   * the page to another, saying why, and `devices` { setting(), adapter } says which device
   * the user asked for and what WebGPU there is, and `runs` is the Runs panel (runs-panel.js),
   * which keeps every run's curves, scores and grids.
   */
  constructor({ wasm, presets, fetchBytes, showInExplorer, dataSets, showDataSet, devices, runs }) {
    super();
    this.wasm = wasm;
    this.presets = presets; // the preset registry (www/presets.js)
    this.form = new TrainerForm(presets, (config, loss) => wasm.presetOf(JSON.stringify(config), loss));
    this.form.dataSet = dataSets.current;
    this.fetchBytes = fetchBytes;
    this.showInExplorer = showInExplorer;
    this.dataSets = dataSets;
    this.showDataSet = showDataSet;
    this.devices = devices;
    this.runs = runs;
    this.runId = null; // the Runs panel's record of the run (made at its first grid)
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
    const h = /** @type {any} */ (this.history); // its series are named by the registry
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

  /**
   * Takes the Trainer's new run (its info JSON): clears the history and redraws every view.
   * `runId` names the Runs panel's record it goes on (a resumed run's); without, it gets a
   * new one.
   */
  async adoptRun(infoJson, runId = null) {
    this.run = JSON.parse(infoJson);
    this.runId = runId;
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
      this.loop.task(async () => {
        await this.measureQuality();
        this.runs.keep(this); // the Runs panel charts the score too
      });
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
