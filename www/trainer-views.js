// @ts-check
// The trainer panel's live views (trainer.js): the counters, the curves, the progress grid,
// its strip of past grids and the real images beside it, refreshed every N steps while
// playing. Methods of TrainerPanel (panel-parts.js).

import { GRID_GAP, contentWidth, paint, showCrisp } from "./canvas.js";
import { drawChart } from "./chart.js";
import { formatDuration, formatFigure, niceCeil } from "./format.js";
import { $ } from "./page.js";

const STRIP_LENGTH = 8; // past grids kept in the strip
const GRID_BOX = 400; // CSS px the progress grid and the real digits may take, each way
const SAVE_EVERY_MS = 10_000; // while playing, the run is saved to this device at most this often
/** The curves' colours. */
export const COLORS = { lossD: "#58a6ff", lossG: "#f0883e", dReal: "#7ee787", dFake: "#d2a8ff" };
const EXTRA_COLORS = ["#ffa657", "#79c0ff", "#f778ba"];

/** The trainer panel's methods for its views. */
export const viewMethods = {
  /** Steps between two grids of the strip: about an eighth of the budget, a multiple of N. */
  get snapshotEvery() {
    const n = this.form.refreshEvery;
    return n * niceCeil(this.form.budget / (STRIP_LENGTH * n));
  },

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
  },

  /**
   * Redraws the curves and the progress grid (and adds the grid to the strip when due), hands
   * the run to the Runs panel; while playing, saves the run to this device when
   * SAVE_EVERY_MS have passed.
   */
  async refreshViews() {
    this.viewsStep = this.step;
    this.drawCharts();
    await this.drawGrid();
    if (this.qualityDue()) await this.measureQuality();
    this.runs.keep(this);
    if (this.playing && performance.now() - this.savedAt >= SAVE_EVERY_MS) await this.saveToDevice();
  },

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
  },

  /** Draws the run's generator on the fixed noise; keeps a copy in the strip when due. */
  async drawGrid() {
    const run = this.run;
    if (!run) return;
    const { z, codes, rows, cols } = this.fixed;
    const { rendered, step } = await this.loop.exclusive(async () => ({
      rendered: await this.trainer.render(z, codes, rows, cols, GRID_GAP),
      step: this.trainer.step,
    }));
    if (this.run !== run) return; // drawn for a run that was replaced meanwhile
    const canvas = $("train-grid");
    this.paintGrid(canvas, rendered);
    canvas.dataset.step = String(step);
    $("train-grid-step").textContent = `step ${step}`;
    this.runs.keepFrame(this, step, canvas);
    this.gridDraws++;
    const due = this.lastSnapshotStep === null || step % this.snapshotEvery === 0 ||
      this.budgetLeft() <= 0;
    if (due && step !== this.lastSnapshotStep) this.snapshot(canvas, step);
  },

  /** Paints a grid of digits as large as GRID_BOX and the panel allow, with crisp pixels. */
  paintGrid(canvas, rendered) {
    paint(canvas, rendered);
    const width = Math.min(GRID_BOX, contentWidth($("train-panel")));
    showCrisp(canvas, { width, height: GRID_BOX });
  },

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
  },

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
  },

  /** Real training digits at the model's size, as many as the progress grid shows. */
  async drawRealDigits() {
    const { rows, cols } = this.fixed;
    const seed = this.run.train.seed >>> 0;
    const rendered = await this.loop.exclusive(() => this.trainer.realDigits(seed, rows, cols, GRID_GAP));
    this.paintGrid($("train-real"), rendered);
  },

  /** A new grid size: new fixed noise (same seed), redrawn with the real digits. */
  gridSizeChanged() {
    if (!this.run) return;
    this.loop.task(async () => {
      this.makeFixedNoise();
      await this.drawRealDigits();
      await this.drawGrid();
    });
  },
};
