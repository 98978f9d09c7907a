// @ts-check
// The trainer panel's play loop (trainer.js): Play, Pause and single steps, training in chunks
// sized to about CHUNK_TARGET_MS each (run-loop.js's nextChunk), the step budget, the figures
// each chunk records, divergence, the measured speed, and an experiment of the Runs panel's
// queue trained to its steps. Methods of TrainerPanel
// (panel-parts.js).

import { nextChunk } from "./run-loop.js";
import { COMMON_FIGURES } from "./run-history.js";
import { $ } from "./page.js";

const CHUNK_TARGET_MS = 200; // wall time one train() call should take while playing
const MAX_CHUNK = 200; // steps per call at most (the wasm allows 1000)
// Which of the first four figures (loss D, loss G, D(x), D(G(z))) each step mode measures (the
// others are NaN by design); the penalty and balance figures are checked wherever measured.
const MEASURED = { both: [0, 1, 2, 3], d: [0, 2, 3], g: [1, 3] };

/** Resolves on the next turn of the event loop (input events and paints run before it). */
const yieldToPage = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The trainer panel's methods for training. */
export const playMethods = {
  /**
   * Play: trains in chunks until Pause, the budget, a divergence or an error. Resolves once
   * it stops.
   */
  async play() {
    if (this.playing) return;
    if (this.diverged) {
      this.loop.showError(this.diverged);
      return;
    }
    this.clearError();
    this.playing = true;
    const generation = ++this.playGeneration;
    this.syncButtons();
    await this.loop.task(async () => {
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
  },

  /**
   * For the Runs panel's queue (runs-queue.js): a new run of `model` and `train` (the
   * Trainer's configs) on the page's data set, kept as `name`, trained with Play for `steps`
   * steps. Resolves once it stops (the budget, a Pause, a divergence, an error) to whether it
   * trained all its steps.
   */
  async trainExperiment(model, train, steps, name) {
    this.pause();
    let started = false;
    await this.loop.task(async () => {
      const set = this.dataSets.current;
      await this.ensureTrainer();
      await this.data.ensure(set.name);
      const info = await this.loop.exclusive(() => this.trainer.reset(JSON.stringify(model), JSON.stringify(train), set.name));
      await this.adoptRun(info);
      this.runs.nameRun(this, name);
      $("train-budget").value = String(steps);
      this.showCounters();
      this.say(`Queued experiment ${name}: ${this.describeRun()}.`);
      started = true;
    });
    if (!started) return false;
    await this.play();
    return this.step - this.startStep >= steps;
  },

  /** Pause: the loop stops after the chunk under way (the run stays as it is). */
  pause() {
    if (!this.playing) return;
    this.playing = false;
    this.playGeneration++;
    this.syncButtons();
  },

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
  },

  /** Seconds to the step budget at the measured speed (null before a speed is measured). */
  etaSeconds() {
    if (!this.stepsPerSecond) return null;
    return Math.max(0, this.budgetLeft()) / this.stepsPerSecond;
  },

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
  },

  /** Steps still allowed by the budget. */
  budgetLeft() {
    return this.form.budget - (this.step - this.startStep);
  },

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
  },

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
  },

  /** The message for the first NaN or infinite figure that `mode` measures, or null. */
  findDivergence(figures, steps, mode, first) {
    const stride = this.history.stride;
    const extra = this.presets.figures.map((_, j) => j).slice(COMMON_FIGURES);
    const checked = [...MEASURED[mode], ...extra];
    for (let i = 0; i < steps; i++) {
      for (const j of checked) {
        const v = figures[stride * i + j];
        if (!Number.isFinite(v) && !(j >= COMMON_FIGURES && Number.isNaN(v))) {
          return `Training diverged at step ${first + i}: ${this.presets.figures[j].title} is ${v}. ` +
            "Lower the learning rate and press Reset.";
        }
      }
    }
    return null;
  },

  /** Updates steps/s from the steps done over the last few seconds of playing. */
  measureRate() {
    if (!this.playing) return;
    const now = performance.now();
    this.rate.push([now, this.step]);
    while (this.rate.length > 2 && now - this.rate[1][0] > 3000) this.rate.shift();
    const [t0, s0] = this.rate[0];
    if (now > t0 && this.step > s0) this.stepsPerSecond = ((this.step - s0) * 1000) / (now - t0);
  },
};
