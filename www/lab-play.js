// @ts-check
// The 2-D lab's runs (lab.js): a restart makes a Lab per pane on its runner (lab-runner.js),
// steps and Play train every pane side by side through the lab's run loop (run-loop.js), the
// "auto" speed sizing each frame, and the measured rate. Methods of LabMode (panel-parts.js).

import { messageOf } from "./format.js";
import { copyConfig } from "./lab-config.js";
import { LabHistory } from "./lab-history.js";
import { PANE_IDS } from "./lab-panes.js";
import { startRunner } from "./lab-runner.js";
import { PLAY_MODES } from "./lab-url.js";
import { nextFrameSteps } from "./run-loop.js";

/** Steps one frame() call trains at most when stepping many at once (stepBy). */
const CHUNK = 100;
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

/** The lab's methods for its runs. */
export const playMethods = {
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
  },

  /** Pane `i`'s runner, started the first time (of `runnerKind`; a new one when that changed). */
  async runnerFor(i) {
    const runner = this.runners[i];
    if (runner && runner.wanted === this.runnerKind && !runner.dead) return runner;
    runner?.terminate();
    const started = /** @type {any} */ (await startRunner(this.wasm, this.runnerKind));
    started.wanted = this.runnerKind;
    this.runners[i] = started;
    return started;
  },

  /** Whether every pane has a running Lab. */
  get canTrain() {
    return this.panes.length > 0 && this.panes.every((pane) => pane.run !== null);
  },

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
  },

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
  },

  /** Steps the next animation frame trains: the speed setting's, or at "auto" the adapted number. */
  get stepsPerFrame() {
    return this.state.speed === "auto" ? this.autoSteps : this.state.speed;
  },

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
  },

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
  },

  pause() {
    if (!this.playing) return;
    this.playing = false;
    this.dirty = false;
    this.say(`Paused at step ${this.step}.`);
    this.syncButtons();
    this.showCharts();
  },

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
  },
};
