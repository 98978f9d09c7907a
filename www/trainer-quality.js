// @ts-check
// The trainer panel's quality meter (trainer.js): every so many steps, the run's samples scored
// by the data set's classifier (Fréchet distance and accuracy), charted and described.
// Methods of TrainerPanel (panel-parts.js).

import { drawChart } from "./chart.js";
import { describeClasses } from "./quality.js";
import { COLORS } from "./trainer-views.js";
import { $ } from "./page.js";

/** The quality meter's record of a run: the step, Fréchet distance and accuracy of each score. */
export function emptyQuality() {
  return { step: [], fd: [], accuracy: [], reports: [] };
}

/** The trainer panel's methods for the quality meter. */
export const qualityMethods = {
  /**
   * Whether the meter is on, the run's data set has a classifier here and `every` steps have
   * passed since its last score (or the start).
   */
  qualityDue() {
    if (!$("train-quality-on").checked || !this.run || this.data.lacksClassifier(this.run.dataSet)) return false;
    const every = Math.max(10, Number($("train-quality-every").value) || 100);
    const last = this.quality.step.at(-1) ?? this.startStep;
    return this.step - last >= every;
  },

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
  },

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
  },
};
