// @ts-check
// The trainer panel's models in and out (trainer.js): the run's model in the explorer, its
// checkpoint downloaded or uploaded, its curves, figures and grid exported, and samples
// rendered for the tests. Methods of TrainerPanel (panel-parts.js).

import { GRID_GAP, saveBlob, saveCanvas, scaledCopy } from "./canvas.js";
import { switchSentence } from "./data-sets.js";
import { messageOf } from "./format.js";
import { $ } from "./page.js";

const EXPORT_SCALE = 4; // pixel scale of the grid PNG

/** The trainer panel's methods for its files. */
export const fileMethods = {
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
  },

  /** The file name stem of the run's downloads, e.g. gan-studio-dcgan-step120. */
  fileStem(step = this.step) {
    return `gan-studio-${this.run?.kind ?? "gan"}-step${step}`;
  },

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
  },

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
  },

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
  },

  /** The curves' data as CSV: one line per step; a blank where a figure was not measured. */
  exportCsv() {
    saveBlob(new Blob([this.history.toCsv()], { type: "text/csv" }), `${this.fileStem()}-curves.csv`);
  },

  /** The progress grid as a crisp PNG, EXPORT_SCALE times its size. */
  exportGrid() {
    const source = $("train-grid");
    const canvas = scaledCopy(source, EXPORT_SCALE);
    saveCanvas(canvas, `${this.fileStem(Number(source.dataset.step ?? this.step))}-grid.png`);
  },

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
    const rendered = await this.loop.exclusive(() => this.trainer.render(z, codes, rows, cols, GRID_GAP));
    const { width, height, rgba } = rendered;
    return { width, height, gray: Array.from({ length: width * height }, (_, i) => rgba[4 * i]) };
  },
};
