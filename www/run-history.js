// @ts-check
// A training run's history: the figures of every step, as the trainer panel records them from
// the wasm Trainer, and their CSV export. Which figures a step has, and their order, is the
// registry's (`figures`: loss D, loss G, mean D(x), mean D(G(z)), then the gradient penalty,
// an equilibrium loss's balance k_t and its convergence measure). Pure data (tested without a
// page).

/** The figures every loss measures, first in the registry's list: loss D, loss G, D(x), D(G(z)). */
export const COMMON_FIGURES = 4;

/** The camelCase property a figure's key (`loss_d`) is kept under (`lossD`). */
export const seriesName = (key) => key.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

/** Every step's figures, in step order (NaN where a step does not measure one). */
export class RunHistory {
  /** `figures`: the registry's figures, `{ key, title }` in the Trainer's order. */
  constructor(figures) {
    /** The figures, in order. */
    this.figures = figures;
    /** @type {number[]} */ this.step = [];
    for (const { key } of figures) this[seriesName(key)] = [];
  }

  /** Figures per step in the Trainer's arrays. */
  get stride() {
    return this.figures.length;
  }

  /** Steps recorded. */
  get length() {
    return this.step.length;
  }

  /** Adds `steps` steps ending at step `last`, `values` holding `stride` figures per step. */
  record(values, steps, last) {
    const first = last - steps + 1;
    for (let i = 0; i < steps; i++) {
      this.step.push(first + i);
      this.figures.forEach(({ key }, j) => this[seriesName(key)].push(values[this.stride * i + j]));
    }
  }

  /** The history as plain data, for saving: `{ step, lossD, ... }`. */
  toJSON() {
    const saved = { step: this.step };
    for (const { key } of this.figures) saved[seriesName(key)] = this[seriesName(key)];
    return saved;
  }

  /**
   * Takes a saved history (`toJSON`'s). A figure it lacks (a run saved before the figure
   * existed) reads NaN at every step.
   */
  restore(saved) {
    this.step = [...saved.step];
    for (const { key } of this.figures) {
      const name = seriesName(key);
      this[name] = saved[name] ? [...saved[name]] : this.step.map(() => NaN);
    }
  }

  /** The figures (`{ key, title, values }`) beyond the first four that some step measured. */
  extraSeries() {
    return this.figures.slice(COMMON_FIGURES)
      .map(({ key, title }) => ({ key, title, values: this[seriesName(key)] }))
      .filter(({ values }) => values.some((v) => !Number.isNaN(v)));
  }

  /**
   * A Wasserstein critic's estimate of the distance at each step, E[D(x)] − E[D(G(z))]
   * (NaN where the critic was not measured).
   */
  wassersteinEstimate() {
    const { dReal, dFake } = /** @type {Record<string, number[]>} */ (/** @type {unknown} */ (this));
    return dReal.map((real, i) => real - dFake[i]);
  }

  /** The history as CSV: a header of the figures' keys, then one line per step; blank where a figure was not measured. */
  toCsv() {
    const cell = (v) => (Number.isNaN(v) ? "" : Number.isFinite(v) ? String(v) : v > 0 ? "inf" : "-inf");
    const series = this.figures.map(({ key }) => this[seriesName(key)]);
    const lines = [["step", ...this.figures.map(({ key }) => key)].join(",")];
    for (let i = 0; i < this.length; i++) {
      lines.push([this.step[i], ...series.map((values) => cell(values[i]))].join(","));
    }
    return lines.join("\n") + "\n";
  }
}
