// A training run's history: the four figures of every step, as the trainer panel records
// them from the wasm Trainer, and their CSV export. Pure data (tested without a page).

/** Figures per step in the Trainer's arrays: loss D, loss G, mean D(x), mean D(G(z)). */
export const FIGURES = 4;
/** The CSV's header, one column per figure after the step. */
export const CSV_HEADER = "step,loss_d,loss_g,d_real,d_fake";

/** Every step's figures, in step order (NaN where a step mode does not measure one). */
export class RunHistory {
  constructor() {
    /** @type {number[]} */ this.step = [];
    /** @type {number[]} */ this.lossD = [];
    /** @type {number[]} */ this.lossG = [];
    /** @type {number[]} */ this.dReal = [];
    /** @type {number[]} */ this.dFake = [];
  }

  /** Steps recorded. */
  get length() {
    return this.step.length;
  }

  /** Adds `steps` steps ending at step `last`, `figures` holding FIGURES per step. */
  record(figures, steps, last) {
    const first = last - steps + 1;
    for (let i = 0; i < steps; i++) {
      this.step.push(first + i);
      this.lossD.push(figures[FIGURES * i]);
      this.lossG.push(figures[FIGURES * i + 1]);
      this.dReal.push(figures[FIGURES * i + 2]);
      this.dFake.push(figures[FIGURES * i + 3]);
    }
  }

  /**
   * A Wasserstein critic's estimate of the distance at each step, E[D(x)] − E[D(G(z))]
   * (NaN where the critic was not measured).
   */
  wassersteinEstimate() {
    return this.dReal.map((real, i) => real - this.dFake[i]);
  }

  /** The history as CSV: one line per step; blank where a figure was not measured. */
  toCsv() {
    const cell = (v) => (Number.isNaN(v) ? "" : Number.isFinite(v) ? String(v) : v > 0 ? "inf" : "-inf");
    const lines = [CSV_HEADER];
    for (let i = 0; i < this.length; i++) {
      lines.push([this.step[i], cell(this.lossD[i]), cell(this.lossG[i]), cell(this.dReal[i]), cell(this.dFake[i])].join(","));
    }
    return lines.join("\n") + "\n";
  }
}
