// @ts-check
// The Runs panel's queue (runs-panel.js): the course's experiments (experiments.js), picked
// from a list, with one of the student's own, trained one after another by the trainer panel
// for the same steps from the same seed (the trainer's settings when the queue starts are the
// baseline), each kept as a run named after its change, to compare them as they come. Stop
// (or the trainer's Pause) ends the queue after the run under way. Methods of RunsPanel
// (panel-parts.js).

import { COURSE_EXPERIMENTS, experimentConfig, ownExperiment } from "./experiments.js";
import { $ } from "./page.js";

const MAX_QUEUE_STEPS = 100_000; // steps per experiment at most

/** The Runs panel's methods for the queue of experiments. */
export const queueMethods = {
  /** The queue's state, for the tests: whether it runs, its experiments' names and how many are done. */
  queueState() {
    return this.queue ? { running: this.queue.running, names: this.queue.names, done: this.queue.done } : null;
  },

  /** Fills the list of the course's experiments (the baseline ticked). */
  fillQueue() {
    $("runs-queue-list").replaceChildren(...COURSE_EXPERIMENTS.map(({ name, title }) => {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = name;
      box.checked = name === "baseline";
      label.append(box, ` ${title}`);
      return label;
    }));
  },

  /** Shows where the queue is, and enables its buttons. */
  showQueue(text) {
    $("runs-queue-status").textContent = text;
    const running = this.queue?.running ?? false;
    $("runs-queue-start").disabled = running;
    $("runs-queue-stop").disabled = !running;
  },

  /**
   * Runs the ticked experiments and the student's own one after another, each a new run of
   * the trainer for the queue's steps; a run that stops short (a Pause, Stop, a divergence,
   * an error) ends the queue.
   */
  runQueue() {
    if (this.queue?.running) return;
    const trainer = this.trainer;
    this.loop.task(async () => {
      const base = { model: trainer.form.modelConfig(), train: trainer.form.trainConfig() };
      const ticked = new Set([...document.querySelectorAll("#runs-queue-list input:checked")].map((box) => /** @type {HTMLInputElement} */ (box).value));
      const own = ownExperiment($("runs-queue-own").value, base);
      const experiments = [...COURSE_EXPERIMENTS.filter((e) => ticked.has(e.name)), ...(own ? [own] : [])];
      if (experiments.length === 0) throw new Error("Tick an experiment (or write your own) to queue");
      const steps = Number($("runs-queue-steps").value);
      if (!Number.isInteger(steps) || steps < 1 || steps > MAX_QUEUE_STEPS) throw new Error(`Steps each: a whole number from 1 to ${MAX_QUEUE_STEPS}`);
      const variant = trainer.presets.variant(base.model.kind);
      const queue = { running: true, stopped: false, names: experiments.map((e) => e.name), done: 0 };
      this.queue = queue;
      try {
        for (const experiment of experiments) {
          if (queue.stopped) break;
          this.showQueue(`Experiment ${queue.done + 1} of ${experiments.length}: ${experiment.title}, ${steps} steps from seed ${base.train.seed}…`);
          const { model, train } = experimentConfig(base, experiment, variant, trainer.presets.limits);
          if (!(await trainer.trainExperiment(model, train, steps, experiment.name))) {
            queue.stopped = true;
            break;
          }
          queue.done++;
        }
      } finally {
        queue.running = false;
        this.showQueue(queue.done === experiments.length
          ? `Done: ${experiments.length} experiments of ${steps} steps each, from seed ${base.train.seed}.`
          : `Stopped after ${queue.done} of ${experiments.length} experiments.`);
      }
    });
  },

  /** Stop: the queue ends, and the run under way pauses. */
  stopQueue() {
    if (!this.queue?.running) return;
    this.queue.stopped = true;
    this.trainer.pause();
  },

  /** Wires the queue's controls. */
  bindQueue() {
    this.fillQueue();
    $("runs-queue-start").addEventListener("click", () => this.runQueue());
    $("runs-queue-stop").addEventListener("click", () => this.stopQueue());
    this.showQueue("");
  },
};
