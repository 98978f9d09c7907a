// @ts-check
// The Runs panel's comparison views (runs-panel.js), as TensorBoard shows runs: the curves of
// the shown runs overlaid, one chart per quantity (chart.js), with a read-out of every run's
// value under the pointer; and the progress grids of two runs side by side under one step
// slider. Methods of RunsPanel (panel-parts.js).

import { showCrisp } from "./canvas.js";
import { drawChart, readOut } from "./chart.js";
import { formatFigure } from "./format.js";
import { frameAt, overlaySeries, quantities, sliderSteps } from "./run-records.js";
import { $ } from "./page.js";

const PAIR_BOX = 300; // CSS px each of the two grids may take, each way

/** The Runs panel's methods for its comparison views. */
export const compareMethods = {
  /** The shown runs, oldest first. */
  shownRuns() {
    return this.records.filter((r) => r.shown !== false);
  },

  /**
   * Draws one chart per quantity with a series per shown run that measured it, fitted to
   * their values (runs that differ little still show apart); an optional quantity's chart
   * (the Fréchet distance, a loss's own figures) hides while no shown run measured it, and
   * the CSV of the shown runs waits for one.
   */
  drawCurves() {
    const shown = this.shownRuns();
    this.charts = {};
    for (const { key, title, optional } of quantities(this.figures)) {
      const series = overlaySeries(shown, key, (r) => this.colorOf(r));
      const canvas = $(`runs-chart-${key}`);
      const box = canvas.parentElement;
      box.hidden = optional && series.length === 0;
      if (box.hidden) continue;
      const { stepAt } = drawChart(canvas, title, [], series, null);
      this.charts[key] = { series, stepAt };
    }
    $("runs-charts-hint").textContent = shown.length ? "" : "Tick runs in the list to overlay their curves here.";
    $("runs-csv").disabled = shown.length === 0;
  },

  /** The read-out under chart `key`'s pointer, at CSS x `x` (null: none). */
  showReadOut(key, x) {
    const chart = this.charts?.[key];
    const out = $(`runs-readout-${key}`);
    const step = x === null || !chart ? null : chart.stepAt(x);
    if (step === null) {
      out.textContent = "";
      return;
    }
    const read = readOut([], chart.series, step).filter((r) => r !== null);
    out.textContent = read.map((r) => `${r.label}: ${formatFigure(r.value)} at step ${r.step}`).join(" · ");
  },

  // ------------------------------------------------------------ two grids, one slider

  /**
   * Fills the two runs' menus: the two newest runs (the older left), or the run the user
   * chose on that side while it is kept.
   */
  fillPair() {
    const runs = this.records;
    for (const [side, newest] of [["left", runs.at(-2) ?? runs.at(-1)], ["right", runs.at(-1)]]) {
      const select = /** @type {HTMLSelectElement} */ ($(`runs-${side}`));
      const before = select.value;
      select.replaceChildren(...runs.map((r) => new Option(r.name, r.id)));
      select.value = select.dataset.chosen && this.byId(before) ? before : newest?.id ?? "";
    }
    this.pairChanged();
  },

  /** The two chosen runs: [left, right] (undefined where none). */
  pair() {
    return [this.byId($("runs-left").value), this.byId($("runs-right").value)];
  },

  /**
   * The runs or their frames changed: the slider covers every step either run has a grid
   * of (staying at the newest when it was there), and both grids are redrawn.
   */
  pairChanged() {
    const slider = /** @type {HTMLInputElement} */ ($("runs-slider"));
    const atEnd = Number(slider.value) >= Number(slider.max);
    this.sliderSteps = sliderSteps(...this.pair());
    slider.max = String(Math.max(0, this.sliderSteps.length - 1));
    slider.disabled = this.sliderSteps.length < 2;
    if (atEnd) slider.value = slider.max;
    this.drawPair();
  },

  /** Draws each chosen run's grid at the slider's step (its last grid at or before it). */
  drawPair() {
    const steps = this.sliderSteps ?? [];
    const step = steps[Number($("runs-slider").value)] ?? null;
    $("runs-slider-step").textContent = step === null ? "no grids yet" : `step ${step}`;
    const [left, right] = this.pair();
    for (const [side, record] of [["left", left], ["right", right]]) {
      const canvas = /** @type {HTMLCanvasElement} */ ($(`runs-grid-${side}`));
      const frame = record && step !== null ? frameAt(record, step) : null;
      $(`runs-caption-${side}`).textContent = !record ? "no run"
        : frame ? `${record.name}, step ${frame.step}` : `${record.name}: no grids yet`;
      canvas.dataset.step = frame ? String(frame.step) : "";
      if (!frame) {
        canvas.width = 1;
        canvas.height = 1;
        continue;
      }
      canvas.width = frame.width;
      canvas.height = frame.height;
      const rgba = new Uint8ClampedArray(4 * frame.grey.length);
      frame.grey.forEach((v, i) => rgba.set([v, v, v, 255], 4 * i));
      canvas.getContext("2d").putImageData(new ImageData(rgba, frame.width, frame.height), 0, 0);
      showCrisp(canvas, { width: PAIR_BOX, height: PAIR_BOX });
    }
  },

  /** What the two grids show, for the tests: the runs' ids, the slider's step and each grid's. */
  pairState() {
    const [left, right] = this.pair();
    return {
      left: left?.id ?? null,
      right: right?.id ?? null,
      steps: this.sliderSteps ?? [],
      step: (this.sliderSteps ?? [])[Number($("runs-slider").value)] ?? null,
      leftStep: $("runs-grid-left").dataset.step || null,
      rightStep: $("runs-grid-right").dataset.step || null,
    };
  },

  /** Makes a chart and its read-out per quantity, and wires them, the two menus and the slider. */
  bindCompare() {
    $("runs-charts").replaceChildren(...quantities(this.figures).map(({ key, title }) => {
      const canvas = Object.assign(document.createElement("canvas"), { id: `runs-chart-${key}`, width: 400, height: 170 });
      canvas.dataset.points = "0";
      canvas.setAttribute("aria-label", `${title} of the shown runs over the steps`);
      canvas.addEventListener("pointermove", (e) => this.showReadOut(key, e.offsetX));
      canvas.addEventListener("pointerleave", () => this.showReadOut(key, null));
      const readout = Object.assign(document.createElement("p"), { id: `runs-readout-${key}`, className: "runs-readout" });
      readout.setAttribute("aria-live", "off");
      const box = Object.assign(document.createElement("div"), { className: "runs-chart" });
      box.append(canvas, readout);
      return box;
    }));
    for (const side of ["left", "right"]) {
      $(`runs-${side}`).addEventListener("change", (e) => {
        e.target.dataset.chosen = "true";
        this.pairChanged();
      });
    }
    $("runs-slider").addEventListener("input", () => this.drawPair());
    addEventListener("resize", () => this.drawCurves());
  },
};
