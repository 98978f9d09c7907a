// @ts-check
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

import { messageOf } from "./format.js";
import { FIELDS, describeRange, fieldApplies, getField, parseField, rangeOf, withField } from "./lab-config.js";
import {
  PLAY_MODES, SPEEDS, VIEWS, applyPreset, defaultLabState, isLabHash, labHashOf, labStateFromHash, presetNamed,
} from "./lab-url.js";
import { HEAT_GRADIENT } from "./lab-view.js";
import { RunLoop } from "./run-loop.js";
import { withParts } from "./panel-parts.js";
import { PANE_IDS, paneMethods } from "./lab-panes.js";
import { playMethods } from "./lab-play.js";
import { drawMethods } from "./lab-draw.js";
import { fileMethods } from "./lab-files.js";
import { $ } from "./page.js";

// The panel's other jobs, each in a file of its own (panel-parts.js).
const Parts = withParts(playMethods, paneMethods, drawMethods, fileMethods);

/** The 2-D lab: its form, the play loop, the panes' views and files. */
export class LabMode extends Parts {
  /**
   * `wasm` the page's wasm bindings (labOptions, Lab); `deviceSetting()` the hash's device key.
   * @param {any} wasm
   * @param {{ deviceSetting?: () => string }} [options]
   */
  constructor(wasm, { deviceSetting = () => "auto" } = {}) {
    super();
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
    $("lab-speed").replaceChildren(...SPEEDS.map((s) => new Option(s === "auto" ? "auto (smooth views)" : `${s} step${Number(s) > 1 ? "s" : ""} a frame`, String(s))));
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
}
