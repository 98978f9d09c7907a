// GAN Studio's 2-D lab: a GAN learns a distribution in the plane while the page draws the
// discriminator's field, the generator's points and manifold and the gradient D gives each
// point. The model work is the wasm `Lab` (src/web/lab.rs) on the CPU, one per pane, each in
// a worker of its own (lab-runner.js; on the page's thread where no worker starts): one
// `frame(steps, mode)` call trains a few steps and returns every view.
// This file owns the lab's controls, its play loop, the drawn data and the files it saves;
// lab-view.js draws, lab-url.js keeps the state in the URL, lab-config.js checks settings.
//
// Every call into a Lab goes through one queue (run-loop.js), so calls never overlap and a
// reset never replaces a Lab a frame is using. While playing, a new frame is asked for only
// when the last one is done (a slow machine gets fewer frames, never a backlog), and the
// page draws the newest one at its next animation frame.

import { saveBlob, saveCanvas } from "./canvas.js";
import { drawChart } from "./chart.js";
import { formatFigure, messageOf } from "./format.js";
import {
  FIELDS, copyConfig, describeDifferences, describeRange, fieldApplies, getField, parseField, rangeOf, withField,
} from "./lab-config.js";
import {
  MAX_DRAWN, PLAY_MODES, SPEEDS, VIEWS, applyPreset, defaultLabState, isLabHash, labHashOf,
  labStateFromHash, presetNamed, roundPoints,
} from "./lab-url.js";
import { HEAT_GRADIENT, drawLabView, toPlane } from "./lab-view.js";
import { exportName, pointsCsv } from "./lab-export.js";
import { startRunner } from "./lab-runner.js";
import { RunLoop, nextFrameSteps } from "./run-loop.js";

const $ = (id) => document.getElementById(id);

/** The panes' element suffixes: the first pane, and the second of a side-by-side preset. */
const PANE_IDS = ["a", "b"];
/** Steps one frame() call trains at most when stepping many at once (stepBy). */
const CHUNK = 100;
/** Steps of history kept per pane before it is thinned to every other step. */
const HISTORY_LIMIT = 20_000;
/** How often the charts redraw while playing (they cost more than the plane). */
const CHART_EVERY_MS = 250;
/** How far one arrow key moves the drawing cursor (Shift: four times that). */
const CURSOR_STEP = 0.05;
/** The least distance between two points a drag adds. */
const DRAG_SPACING = 0.025;
/**
 * How long one frame call (its steps and views) may take at the "auto" speed, in ms: the
 * views cost about the same for 1 step or 4, so a frame trains as many steps as fit, and the
 * planes change about 40 times a second while the page draws at its display rate. On the
 * page's thread (no worker), what leaves a 60 Hz display's frame to the browser.
 */
const AUTO_BUDGET_MS = { worker: 25, page: 12 };
/** The most steps a frame trains at the "auto" speed. */
const AUTO_MAX_STEPS = 64;
/**
 * The fewest steps a second the "auto" speed trains: where frames come slow anyway, each
 * trains more steps.
 */
const AUTO_MIN_STEPS_PER_SECOND = 30;
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

/** A pane's figures over the steps: four per trained step, KL and JS per frame. */
class LabHistory {
  constructor() {
    this.step = [];
    this.lossD = [];
    this.lossG = [];
    this.dReal = [];
    this.dFake = [];
    this.frameStep = [];
    this.kl = [];
    this.js = [];
  }

  /** Records a frame: its `losses` (4 per step, the last step being `frame.step`), KL and JS. */
  record(frame) {
    const trained = Math.floor(frame.losses.length / 4);
    for (let i = 0; i < trained; i++) {
      this.step.push(frame.step - trained + 1 + i);
      this.lossD.push(frame.losses[4 * i]);
      this.lossG.push(frame.losses[4 * i + 1]);
      this.dReal.push(frame.losses[4 * i + 2]);
      this.dFake.push(frame.losses[4 * i + 3]);
    }
    if (trained > 0 || this.frameStep.length === 0) {
      this.frameStep.push(frame.step);
      this.kl.push(frame.kl);
      this.js.push(frame.js);
    }
    for (const [steps, series] of [[this.step, ["step", "lossD", "lossG", "dReal", "dFake"]], [this.frameStep, ["frameStep", "kl", "js"]]]) {
      if (steps.length > HISTORY_LIMIT) for (const name of series) this[name] = this[name].filter((_, i) => i % 2 === 1);
    }
  }

  /** The last finite value of series `name`, else NaN. */
  last(name) {
    const values = this[name];
    for (let i = values.length - 1; i >= 0; i--) if (Number.isFinite(values[i])) return values[i];
    return NaN;
  }
}

/** The 2-D lab: its form, the play loop, the panes' views and files. */
export class LabMode {
  /** `wasm` the page's wasm bindings (labOptions, Lab); `deviceSetting()` the hash's device key. */
  constructor(wasm, { deviceSetting = () => "auto" } = {}) {
    this.wasm = wasm;
    this.deviceSetting = deviceSetting;
    this.options = null; // labOptions(), parsed on the first open
    this.state = null; // the lab's settings (lab-url.js's state)
    this.panes = []; // per pane: { config, run (its runner, once it has a run), real, frame, history }
    this.runners = []; // per pane index: its LabRunner (lab-runner.js), kept between runs
    this.runnerKind = "worker"; // where the runs train: "worker" or "page" (the bench compares)
    this.isOpen = false;
    this.playing = false;
    this.playGeneration = 0; // bumped by every Play, so that a stale play loop stops
    // Every Lab call queued (run-loop.js); user actions whose errors pause the lab and go to
    // #lab-error, never to the page's status line.
    this.loop = new RunLoop({
      errorId: "lab-error",
      onChange: () => this.syncButtons(),
      onError: (error) => {
        this.pause();
        this.loop.showError(messageOf(error));
      },
    });
    this.note = ""; // the status line's text
    this.cursor = [0, 0]; // the keyboard's drawing cursor, in the plane
    this.cursorPane = null; // the pane whose plane has the focus (its cursor shows)
    this.stroke = null; // the pointer drawing a stroke: { id, last: [x, y] }
    this.frameTimes = []; // recent animation frame times while playing (frames/s)
    this.rateSamples = []; // recent [ms, step] while playing (steps/s)
    this.stepsPerSecond = null;
    this.framesPerSecond = null;
    this.autoSteps = 1; // steps a frame at the "auto" speed, adapted to AUTO_BUDGET_MS
    this.viewTimes = []; // when recent frames arrived while playing (views/s)
    this.viewsPerSecond = null;
    this.dirty = false; // a frame arrived that the planes do not show yet
    this.chartsAt = 0; // when the charts last drew
    this.restarts = 0; // runs started (for the tests)
    this.bound = false;
  }

  // ------------------------------------------------------------ state for the tests

  /** The lab's step (the panes step together). */
  get step() {
    return this.panes[0]?.frame?.step ?? 0;
  }

  /** Whether a Lab call runs or waits. */
  get busy() {
    return this.loop.queued > 0;
  }

  /**
   * A summary for the browser tests and the console; with `arrays`, each pane's views as
   * plain arrays too.
   */
  snapshot({ arrays = false } = {}) {
    return {
      open: this.isOpen,
      playing: this.playing,
      busy: this.busy,
      step: this.step,
      error: this.loop.error,
      note: this.note,
      restarts: this.restarts,
      stepsPerSecond: this.stepsPerSecond,
      stepsPerFrame: this.state ? this.stepsPerFrame : null,
      framesPerSecond: this.framesPerSecond,
      viewsPerSecond: this.viewsPerSecond,
      runners: this.runners.map((r) => r?.kind ?? null),
      state: this.state && JSON.parse(JSON.stringify(this.state)),
      panes: this.panes.map((pane) => {
        const f = pane.frame;
        const out = {
          config: pane.config,
          running: pane.run !== null,
          step: f?.step ?? null,
          kl: f?.kl ?? null,
          js: f?.js ?? null,
          modesCovered: f?.modesCovered ?? null,
          modeCount: f?.modeCount ?? null,
          historyLength: pane.history.step.length,
          lastLosses: f ? Array.from(f.losses.slice(-4)) : null,
        };
        if (arrays && f) {
          for (const name of ["fake", "heatmap", "arrows", "manifold"]) out[name] = Array.from(f[name]);
          Object.assign(out, {
            heatmapRes: f.heatmapRes, heatmapLo: f.heatmapLo, heatmapHi: f.heatmapHi,
            manifoldRows: f.manifoldRows, manifoldCols: f.manifoldCols,
          });
        }
        if (arrays && pane.real) out.real = Array.from(pane.real);
        return out;
      }),
    };
  }

  // ------------------------------------------------------------ plumbing

  /** Sets the status line under the controls. */
  say(text) {
    this.note = text;
    $("lab-status").textContent = text;
  }

  // ------------------------------------------------------------ opening and the URL

  /** Reads labOptions() and fills the form's menus, once. Throws where the build has no lab. */
  setUp() {
    if (this.options) return;
    if (typeof this.wasm.labOptions !== "function" || typeof this.wasm.Lab !== "function") {
      throw new Error("this build of GAN Studio has no 2-D lab (its wasm module exports no labOptions or Lab)");
    }
    this.options = JSON.parse(this.wasm.labOptions());
    const o = this.options;
    for (const field of FIELDS) {
      const el = $(`lab-${field.key}`);
      if (field.kind === "choice") {
        el.replaceChildren(...o[field.list].map((entry) => new Option(entry.title, entry.name)));
      } else if (field.key === "nd") {
        el.replaceChildren(new Option("1-D", "1"), new Option("2-D", "2"));
      } else {
        const [lo, hi] = rangeOf(field, o);
        el.min = String(lo);
        el.max = String(hi);
      }
    }
    $("lab-preset").replaceChildren(
      new Option("Your settings", ""),
      ...(o.presets ?? []).map((p) => new Option(p.title, p.name)),
    );
    $("lab-speed").replaceChildren(...SPEEDS.map((s) => new Option(s === "auto" ? "auto (smooth views)" : `${s} step${s > 1 ? "s" : ""} a frame`, String(s))));
    $("lab-legend-bar").style.background = HEAT_GRADIENT;
    this.bind();
  }

  /**
   * Shows the lab. With a lab `hash` (a link, an edited address) its settings apply, a run
   * restarting where they differ from the current one; without, the lab shows as it was left
   * (the defaults the first time).
   */
  open(hash = null) {
    this.isOpen = true;
    try {
      this.setUp();
    } catch (error) {
      this.loop.showError(messageOf(error));
      this.say("");
      this.drawAll();
      return Promise.resolve();
    }
    let next = this.state ?? defaultLabState(this.options);
    if (hash && isLabHash(hash)) {
      const rejected = [];
      next = labStateFromHash(hash, this.options, rejected);
      this.showRejected(rejected);
    }
    const rerun = !this.state || JSON.stringify(this.runPart(next)) !== JSON.stringify(this.runPart(this.state));
    this.state = next;
    this.syncForm();
    this.writeHash();
    if (rerun) return this.restart();
    this.showAll(true); // the window may have changed while the lab was hidden
    return Promise.resolve();
  }

  /** Hides the lab: it pauses (its workers idle while the explorer shows). */
  close() {
    this.isOpen = false;
    this.pause();
  }

  /** The part of a state that makes a run: what differs there restarts it. */
  runPart(state) {
    return { panes: state.panes, drawn: this.usesDrawn(state) ? state.drawn : [] };
  }

  /** Whether any pane of `state` trains on the drawn points. */
  usesDrawn(state = this.state) {
    return state.panes.some((config) => config.data === "drawn");
  }

  /** Says which settings of the link were out of range or unknown (none: no note). */
  showRejected(rejected) {
    const note = $("lab-url-note");
    note.hidden = rejected.length === 0;
    note.textContent = rejected.length === 0 ? ""
      : `This link's ${rejected.join(", ")} ${rejected.length === 1 ? "is" : "are"} out of range or unknown: the lab uses its defaults there.`;
  }

  /** Writes the lab's state into the URL hash (without a history entry). */
  writeHash() {
    if (!this.isOpen || !this.state) return;
    history.replaceState(null, "", `#${labHashOf(this.state, this.deviceSetting())}`);
  }

  // ------------------------------------------------------------ runs

  /**
   * Starts the run again from the state: a new Lab per pane from its settings (and the drawn
   * points), its real sample and a first frame. A pane whose settings the Lab refuses shows
   * the empty plane and the message.
   */
  restart({ note = "Ready: press Play, or step one network at a time." } = {}) {
    const wasPlaying = this.playing;
    this.pause();
    return this.loop.exclusive(async () => {
      this.restarts++;
      this.loop.clearError();
      this.rateSamples = [];
      this.stepsPerSecond = null;
      this.panes = this.state.panes.map((config) => ({
        config: copyConfig(config), run: null, real: null, frame: null, history: new LabHistory(),
      }));
      for (const runner of this.runners.slice(this.panes.length)) runner?.free(); // a pane gone
      const drawn = this.state.drawn;
      if (this.usesDrawn() && drawn.length < 4) {
        for (const runner of this.runners) runner?.free();
        this.say(`Draw at least 2 points on the plane to train on them (${drawn.length / 2} so far).`);
      } else {
        const points = this.usesDrawn() ? drawn : [];
        if (!this.runners[0]) this.say("Starting the lab…");
        const failures = [];
        await Promise.all(this.panes.map(async (pane, i) => {
          try {
            const runner = await this.runnerFor(i);
            pane.real = await runner.make(JSON.stringify(pane.config), points);
            pane.frame = await runner.frame(0, "both");
            pane.history.record(pane.frame);
            pane.run = runner;
          } catch (error) {
            console.warn(error);
            failures.push(`${this.panes.length > 1 ? `pane ${PANE_IDS[i].toUpperCase()}: ` : ""}${messageOf(error)}`);
          }
        }));
        if (failures.length) this.loop.showError(`The lab could not start: ${failures.sort().join("; ")}`);
        this.say(failures.length ? "" : note);
      }
      this.showAll(true);
      if (wasPlaying && this.canTrain) this.play();
    }).catch((error) => {
      this.loop.showError(messageOf(error));
      this.showAll(true);
    });
  }

  /** Pane `i`'s runner, started the first time (of `runnerKind`; a new one when that changed). */
  async runnerFor(i) {
    const runner = this.runners[i];
    if (runner && runner.wanted === this.runnerKind && !runner.dead) return runner;
    runner?.terminate();
    const started = await startRunner(this.wasm, this.runnerKind);
    started.wanted = this.runnerKind;
    this.runners[i] = started;
    return started;
  }

  /** Whether every pane has a running Lab. */
  get canTrain() {
    return this.panes.length > 0 && this.panes.every((pane) => pane.run !== null);
  }

  /**
   * Trains `steps` steps of `mode` on every pane (one frame call each, the panes side by
   * side) and shows them: at once, or while playing at the next animation frame.
   */
  async advance(steps, mode) {
    const frames = await Promise.all(this.panes.map((pane) => pane.run?.frame(steps, mode)));
    this.panes.forEach((pane, i) => {
      if (!frames[i]) return;
      pane.frame = frames[i];
      pane.history.record(pane.frame);
    });
    this.noteRate();
    if (this.playing) this.dirty = true;
    else this.showAll(true);
  }

  /**
   * Trains `steps` steps of `mode` ("both", "d" or "g"), in calls of at most CHUNK steps,
   * showing each; resolves once done. Step, Step D and Step G call it with one step.
   */
  stepBy(steps, mode = "both") {
    if (!PLAY_MODES.includes(mode)) return Promise.reject(new Error(`unknown step mode ${mode}`));
    return this.loop.task(async () => {
      if (!this.canTrain) throw new Error(this.usesDrawn() ? "Draw at least 2 points first." : "The lab has no run to step.");
      for (let done = 0; done < steps;) {
        const n = Math.min(CHUNK, steps - done);
        await this.loop.exclusive(() => this.advance(n, mode));
        done += n;
        if (done < steps) await new Promise((resolve) => requestAnimationFrame(resolve));
      }
    });
  }

  /** Steps the next animation frame trains: the speed setting's, or at "auto" the adapted number. */
  get stepsPerFrame() {
    return this.state.speed === "auto" ? this.autoSteps : this.state.speed;
  }

  /**
   * At the "auto" speed, adapts the steps a frame trains to the `ms` the last frame took for
   * `steps` steps (run-loop.js's nextFrameSteps, within AUTO_BUDGET_MS).
   */
  adaptSteps(ms, steps) {
    if (this.state.speed !== "auto") return;
    const budgetMs = AUTO_BUDGET_MS[this.panes[0]?.run?.kind ?? "worker"];
    this.autoSteps = nextFrameSteps({
      steps, ms, budgetMs, max: AUTO_MAX_STEPS, minStepsPerSecond: AUTO_MIN_STEPS_PER_SECOND,
    });
  }

  play() {
    if (this.playing || !this.canTrain) return;
    this.playing = true;
    this.frameTimes = [];
    this.viewTimes = [];
    this.rateSamples = [];
    const what = this.state.play === "both" ? "both networks train" : `only ${this.state.play.toUpperCase()} trains`;
    const speed = this.state.speed === "auto" ? "as many steps a frame as keep the views smooth"
      : `${this.state.speed} step${this.state.speed > 1 ? "s" : ""} a frame`;
    this.say(`Playing: ${what}, ${speed}.`);
    this.syncButtons();
    const generation = ++this.playGeneration;
    const live = () => this.playing && this.isOpen && this.playGeneration === generation;
    const trainOnce = () => {
      const steps = this.stepsPerFrame;
      return this.loop.exclusive(async () => {
        const started = performance.now();
        await this.advance(steps, this.state.play);
        this.adaptSteps(performance.now() - started, steps);
      });
    };
    const failed = (error) => {
      this.pause();
      this.loop.showError(messageOf(error));
    };
    // In workers the frames come back to back (the page draws the newest at its next
    // animation frame); on the page's thread, one frame per animation frame.
    const inWorkers = this.panes.every((pane) => pane.run?.kind === "worker");
    if (inWorkers) {
      (async () => {
        while (live()) await trainOnce();
      })().catch(failed);
    }
    const tick = (now) => {
      if (!live()) return;
      this.frameTimes.push(now);
      if (this.frameTimes.length > 61) this.frameTimes.shift();
      if (!inWorkers && this.loop.queued === 0) trainOnce().catch(failed);
      if (this.dirty) {
        this.dirty = false;
        this.showAll();
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    this.dirty = false;
    this.say(`Paused at step ${this.step}.`);
    this.syncButtons();
    this.showCharts();
  }

  /** Measures steps/s (over the last second or more) and frames/s while playing. */
  noteRate() {
    const now = performance.now();
    this.rateSamples.push([now, this.step]);
    while (this.rateSamples.length > 2 && now - this.rateSamples[1][0] >= 1000) this.rateSamples.shift();
    const [t0, s0] = this.rateSamples[0];
    if (now - t0 >= 500) this.stepsPerSecond = ((this.step - s0) * 1000) / (now - t0);
    const rate = (times) => ((times.length - 1) * 1000) / (times.at(-1) - times[0]);
    if (this.playing && this.frameTimes.length > 10) this.framesPerSecond = rate(this.frameTimes);
    this.viewTimes.push(now);
    if (this.viewTimes.length > 31) this.viewTimes.shift();
    if (this.playing && this.viewTimes.length > 5) this.viewsPerSecond = rate(this.viewTimes);
  }

  // ------------------------------------------------------------ the views

  /** The points to mark as drawn on the plane (none unless the data is drawn by hand). */
  drawnMarks() {
    return this.state && this.usesDrawn() ? this.state.drawn : [];
  }

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
  }

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
  }

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
  }

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
  }

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
  }

  // ------------------------------------------------------------ the form and buttons

  /** Shows the state in the form, the view toggles and the menus. */
  syncForm() {
    const s = this.state;
    const first = s.panes[0];
    for (const field of FIELDS) {
      const input = $(`lab-${field.key}`);
      input.value = String(getField(first, field));
      // the WGAN critic's constraint and λ: shown, but idle for the losses they do not apply to
      input.disabled = !fieldApplies(field, first, this.options);
    }
    $("lab-preset").value = presetNamed(this.options, s.preset) ? s.preset : "";
    const preset = presetNamed(this.options, s.preset);
    $("lab-question").textContent = preset?.question ?? "";
    $("lab-one-pane").hidden = s.panes.length < 2;
    $("lab-play-mode").value = s.play;
    $("lab-speed").value = String(s.speed);
    for (const view of VIEWS) $(`lab-view-${view.name}`).checked = Boolean(s.views[view.name]);
    const drawing = this.drawing;
    $("lab-draw").hidden = !drawing;
    $("lab-draw-help").hidden = !drawing;
    $("lab").dataset.drawing = drawing ? "1" : "0";
    $("lab-drawn-count").textContent = String(s.drawn.length / 2);
  }

  /** Whether the planes take drawn points (the data is "draw your own"). */
  get drawing() {
    return Boolean(this.state && this.usesDrawn());
  }

  syncButtons() {
    const play = $("lab-play");
    play.textContent = this.playing ? "Pause" : "Play";
    play.setAttribute("aria-pressed", String(this.playing));
    const ready = this.canTrain;
    play.disabled = !ready && !this.playing;
    for (const id of ["lab-step", "lab-step-d", "lab-step-g"]) $(id).disabled = !ready || this.playing;
    const framed = Boolean(this.panes[0]?.frame);
    for (const id of PANE_IDS) {
      $(`lab-csv-${id}`).disabled = !framed;
    }
  }

  /** A settings field changed: every pane takes the value (or it is refused) and the run restarts. */
  fieldChanged(field, input) {
    const value = parseField(field, input.value, this.options);
    if (value === null) {
      const old = getField(this.state.panes[0], field);
      this.loop.showError(`${field.name[0].toUpperCase()}${field.name.slice(1)} must be ${describeRange(field, this.options)}, got "${input.value}": the run keeps ${old}.`);
      input.value = String(old);
      return;
    }
    this.state.panes = this.state.panes.map((config) => withField(config, field, value));
    if (this.state.panes.length === 1) this.state.preset = "";
    this.syncForm();
    this.writeHash();
    this.restart();
  }

  /** A preset from the menu: its panes, settings and play mode; the run restarts. */
  presetChosen(name) {
    const preset = presetNamed(this.options, name);
    if (!preset) {
      this.state.preset = "";
      this.syncForm();
      this.writeHash();
      this.showTitles();
      return;
    }
    this.state = applyPreset(this.state, preset);
    this.syncForm();
    this.writeHash();
    this.restart();
  }

  bind() {
    if (this.bound) return;
    this.bound = true;
    for (const field of FIELDS) {
      const input = $(`lab-${field.key}`);
      input.addEventListener("change", () => this.fieldChanged(field, input));
    }
    $("lab-preset").addEventListener("change", (e) => this.presetChosen(e.target.value));
    $("lab-one-pane").addEventListener("click", () => {
      this.state.panes = this.state.panes.slice(0, 1);
      this.state.preset = "";
      this.syncForm();
      this.writeHash();
      this.restart();
    });
    $("lab-play").addEventListener("click", () => (this.playing ? this.pause() : this.play()));
    $("lab-step").addEventListener("click", () => this.stepBy(1, "both"));
    $("lab-step-d").addEventListener("click", () => this.stepBy(1, "d"));
    $("lab-step-g").addEventListener("click", () => this.stepBy(1, "g"));
    $("lab-reset").addEventListener("click", () => this.restart());
    $("lab-play-mode").addEventListener("change", (e) => {
      this.state.play = PLAY_MODES.includes(e.target.value) ? e.target.value : "both";
      this.writeHash();
      if (this.playing) {
        this.pause();
        this.play();
      }
    });
    $("lab-speed").addEventListener("change", (e) => {
      this.state.speed = SPEEDS.find((speed) => String(speed) === e.target.value) ?? this.state.speed;
      this.writeHash();
    });
    for (const view of VIEWS) {
      $(`lab-view-${view.name}`).addEventListener("change", (e) => {
        this.state.views[view.name] = e.target.checked;
        this.writeHash();
        this.showAll(true);
      });
    }
    $("lab-clear").addEventListener("click", () => this.setDrawn([]));
    $("lab-undo").addEventListener("click", () => this.setDrawn(this.state.drawn.slice(0, -2)));
    PANE_IDS.forEach((id, i) => {
      $(`lab-csv-${id}`).addEventListener("click", () => this.downloadPoints(i));
      $(`lab-png-${id}`).addEventListener("click", () => this.downloadPng(i));
      this.bindPlane($(`lab-canvas-${id}`), i);
    });
    // A new size redraws the planes at their new pixels, at the next animation frame (drawing
    // inside the observer's callback could resize the page again in the same frame).
    let width = 0;
    new ResizeObserver(([entry]) => {
      if (Math.abs(entry.contentRect.width - width) < 0.5) return;
      width = entry.contentRect.width;
      requestAnimationFrame(() => {
        if (this.isOpen) this.showAll(true);
      });
    }).observe($("lab-panes"));
  }

  // ------------------------------------------------------------ drawing your own data

  /** The drawn points become `points` (rounded as a link keeps them); the run restarts. */
  setDrawn(points) {
    this.state.drawn = roundPoints(points.slice(0, 2 * MAX_DRAWN));
    this.syncForm();
    this.writeHash();
    const n = this.state.drawn.length / 2;
    if (this.drawing) this.restart({ note: `${n} point${n === 1 ? "" : "s"} drawn: the run starts again on them.` });
  }

  /** Adds point (x, y) to the drawn ones while a stroke goes on (the run restarts at its end). */
  addDrawn(x, y) {
    if (this.state.drawn.length >= 2 * MAX_DRAWN) {
      this.say(`At most ${MAX_DRAWN} points: remove some to draw more.`);
      return false;
    }
    this.state.drawn = [...this.state.drawn, ...roundPoints([x, y])];
    $("lab-drawn-count").textContent = String(this.state.drawn.length / 2);
    this.drawAll();
    return true;
  }

  /** The point of the plane under a pointer event on `canvas`. */
  planePoint(canvas, event) {
    const rect = canvas.getBoundingClientRect();
    return toPlane(event.clientX - rect.left, event.clientY - rect.top, rect.width);
  }

  /** Pointer and keyboard drawing on a pane's plane. */
  bindPlane(canvas, pane) {
    canvas.addEventListener("pointerdown", (event) => {
      if (!this.drawing || event.button !== 0) return;
      event.preventDefault();
      canvas.focus({ preventScroll: true });
      canvas.setPointerCapture?.(event.pointerId);
      const [x, y] = this.planePoint(canvas, event);
      this.cursor = [x, y];
      this.stroke = { id: event.pointerId, last: [x, y] };
      this.addDrawn(x, y);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!this.stroke || this.stroke.id !== event.pointerId) return;
      const [x, y] = this.planePoint(canvas, event);
      const [lx, ly] = this.stroke.last;
      if (Math.hypot(x - lx, y - ly) < DRAG_SPACING) return;
      this.stroke.last = [x, y];
      this.cursor = [x, y];
      this.addDrawn(x, y);
    });
    const endStroke = (event) => {
      if (!this.stroke || this.stroke.id !== event.pointerId) return;
      this.stroke = null;
      this.setDrawn(this.state.drawn);
    };
    canvas.addEventListener("pointerup", endStroke);
    canvas.addEventListener("pointercancel", endStroke);
    canvas.addEventListener("focus", () => {
      this.cursorPane = pane;
      this.drawAll();
    });
    canvas.addEventListener("blur", () => {
      this.cursorPane = null;
      this.drawAll();
    });
    canvas.addEventListener("keydown", (event) => {
      if (!this.drawing) return;
      const step = event.shiftKey ? 4 * CURSOR_STEP : CURSOR_STEP;
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      const clamp = (v) => Math.max(-1, Math.min(1, v));
      if (moves[event.key]) {
        const [dx, dy] = moves[event.key];
        this.cursor = [clamp(this.cursor[0] + dx), clamp(this.cursor[1] + dy)];
        this.drawAll();
      } else if (event.key === "Enter" || event.key === " ") {
        if (this.addDrawn(...this.cursor)) this.setDrawn(this.state.drawn);
      } else if (event.key === "Backspace" || event.key === "Delete") {
        this.setDrawn(this.state.drawn.slice(0, -2));
      } else {
        return;
      }
      event.preventDefault();
    });
  }

  // ------------------------------------------------------------ files

  /** Saves pane `i`'s generated points, as shown, as CSV. */
  downloadPoints(i) {
    const pane = this.panes[i];
    if (!pane?.frame) return;
    const name = exportName(pane.config, pane.frame.step, "csv", this.panes.length > 1 ? PANE_IDS[i] : "");
    saveBlob(new Blob([pointsCsv(pane.frame.fake)], { type: "text/csv" }), name);
  }

  /** Saves pane `i`'s view as PNG, at the canvas's pixels. */
  downloadPng(i) {
    const pane = this.panes[i];
    const config = pane?.config ?? this.state.panes[i];
    const name = exportName(config, pane?.frame?.step ?? 0, "png", this.panes.length > 1 ? PANE_IDS[i] : "");
    saveCanvas($(`lab-canvas-${PANE_IDS[i]}`), name);
  }
}
