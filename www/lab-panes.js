// @ts-check
// The 2-D lab's panes as the page shows them (lab.js): each plane drawn (lab-view.js) with the
// drawn points, each pane's figures and title, and the charts of the losses and divergences.
// Methods of LabMode (panel-parts.js).

import { drawChart } from "./chart.js";
import { formatFigure } from "./format.js";
import { describeDifferences } from "./lab-config.js";
import { presetNamed } from "./lab-url.js";
import { drawLabView } from "./lab-view.js";
import { $ } from "./page.js";

/** The panes' element suffixes: the first pane, and the second of a side-by-side preset. */
export const PANE_IDS = ["a", "b"];
/** How often the charts redraw while playing (they cost more than the plane). */
const CHART_EVERY_MS = 250;
/** Chart colours: each pane's D and G (loss chart), KL and JS (divergence chart). */
const CHART_COLORS = [
  { d: "#58a6ff", g: "#f0883e", kl: "#d2a8ff", js: "#7ee787" },
  { d: "#a5d6ff", g: "#ffc680", kl: "#f0c6ff", js: "#b4f1bc" },
];

/** How many of the points (x, y pairs) lie outside the plane [-1, 1]² (or are not finite). */
function offPlane(points) {
  let n = 0;
  for (let i = 0; i + 1 < points.length; i += 2) {
    if (!(Math.abs(points[i]) <= 1 && Math.abs(points[i + 1]) <= 1)) n++;
  }
  return n;
}

/** The lab's methods for showing its panes. */
export const paneMethods = {
  /** The points to mark as drawn on the plane (none unless the data is drawn by hand). */
  drawnMarks() {
    return this.state && this.usesDrawn() ? this.state.drawn : [];
  },

  /** Redraws every pane's plane (the last frames, no training). */
  drawAll() {
    const views = this.state?.views ?? {};
    PANE_IDS.forEach((id, i) => {
      const pane = this.panes[i];
      const canvas = $(`lab-canvas-${id}`);
      if (i > 0 && !pane) return;
      drawLabView(canvas, {
        frame: pane?.frame ?? null,
        real: pane?.real ?? null,
        drawn: this.drawnMarks(),
        cursor: this.cursorPane === i && this.drawing ? this.cursor : null,
        views,
      });
    });
  },

  /** Shows the panes, their figures and (now, or at most every CHART_EVERY_MS) the charts. */
  showAll(chartsNow = false) {
    const two = this.panes.length === 2;
    $("lab-panes").dataset.panes = String(two ? 2 : 1);
    $("lab-pane-b").hidden = !two;
    this.showTitles();
    this.drawAll();
    this.panes.forEach((pane, i) => this.showFigures(pane, PANE_IDS[i]));
    const f = this.panes[0]?.frame;
    $("lab-step-count").textContent = String(this.step);
    $("lab-rate").textContent = this.playing && this.stepsPerSecond !== null ? this.stepsPerSecond.toFixed(0) : "–";
    $("lab-fps").textContent = this.playing && this.framesPerSecond !== null ? this.framesPerSecond.toFixed(0) : "–";
    $("lab-views-rate").textContent = this.playing && this.viewsPerSecond !== null ? this.viewsPerSecond.toFixed(0) : "–";
    if (f) {
      // three significant digits: a clipped critic's scores are a few thousandths
      const figure = (v) => (Number.isFinite(v) ? String(Number(v.toPrecision(3))) : "–");
      $("lab-legend-lo").textContent = figure(f.heatmapLo);
      $("lab-legend-hi").textContent = figure(f.heatmapHi);
      $("lab-legend-what").textContent = f.heatmapLo >= 0 && f.heatmapHi <= 1 ? "D(x), the probability D gives \"real\"" : "D's score";
    }
    if (chartsNow || performance.now() - this.chartsAt >= CHART_EVERY_MS) this.showCharts();
    this.syncButtons();
  },

  /** A pane's readouts: modes covered, KL, JS and the last losses. */
  showFigures(pane, id) {
    const f = pane.frame;
    const h = pane.history;
    $(`lab-modes-${id}`).textContent = f && f.modeCount > 0 ? `${f.modesCovered} / ${f.modeCount}` : "–";
    $(`lab-kl-${id}`).textContent = f ? formatFigure(f.kl) : "–";
    $(`lab-js-${id}`).textContent = f ? formatFigure(f.js) : "–";
    $(`lab-loss-d-${id}`).textContent = formatFigure(h.last("lossD"));
    $(`lab-loss-g-${id}`).textContent = formatFigure(h.last("lossG"));
    $(`lab-d-real-${id}`).textContent = formatFigure(h.last("dReal"));
    $(`lab-d-fake-${id}`).textContent = formatFigure(h.last("dFake"));
    // generated points outside [-1, 1]² are not drawn: say how many, so an empty plane reads right
    const off = f ? offPlane(f.fake) : 0;
    $(`lab-off-row-${id}`).hidden = off === 0;
    $(`lab-off-${id}`).textContent = `${off} of ${f ? f.fake.length / 2 : 0}`;
  },

  /** The panes' titles: the preset's, or with two panes where the second differs. */
  showTitles() {
    const preset = presetNamed(this.options ?? {}, this.state?.preset);
    const two = this.panes.length === 2;
    let titles = ["", ""];
    if (two && preset?.titles?.length === 2) titles = preset.titles;
    else if (two) {
      const diff = describeDifferences(this.panes[0].config, this.panes[1].config, this.options);
      titles = ["A: the settings on the left", `B: ${diff || "the same settings"}`];
    } else if (preset) titles = [preset.title, ""];
    $("lab-title-a").textContent = titles[0];
    $("lab-title-b").textContent = titles[1];
  },

  /** The loss and divergence charts (both panes' curves with two panes). */
  showCharts() {
    this.chartsAt = performance.now();
    const shown = Boolean(this.state?.views.chart);
    $("lab-charts").hidden = !shown;
    if (!shown || this.panes.length === 0) return;
    const two = this.panes.length === 2;
    const suffix = (i) => (two ? ` ${PANE_IDS[i].toUpperCase()}` : "");
    // two panes: short labels ("D A", "G B"), so four fit beside the title on a phone
    const lossSeries = this.panes.flatMap((pane, i) => [
      { label: `${two ? "" : "loss "}D${suffix(i)}`, color: CHART_COLORS[i].d, values: pane.history.lossD },
      { label: `${two ? "" : "loss "}G${suffix(i)}`, color: CHART_COLORS[i].g, values: pane.history.lossG },
    ]);
    drawChart($("lab-loss-chart"), "Losses", this.panes[0].history.step, lossSeries, [0, 0]);
    const divergenceSeries = this.panes.flatMap((pane, i) => [
      { label: `KL${suffix(i)}`, color: CHART_COLORS[i].kl, values: pane.history.kl },
      { label: `JS${suffix(i)}`, color: CHART_COLORS[i].js, values: pane.history.js },
    ]);
    drawChart($("lab-div-chart"), two ? "Divergences" : "KL and JS divergence", this.panes[0].history.frameStep, divergenceSeries, [0, 0]);
  },
};
