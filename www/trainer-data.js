// @ts-check
// What the training worker's Trainer (trainer.js) holds of each data set: the images of the
// sets its runs learn, given once per worker (the page downloads each set's file once,
// www/data-sets.js), and the quality meter's classifier of each set it scores, or the
// sentence that says a set has none here.

import { classifierBytes } from "./quality.js";

/** The data sets in the training worker of one trainer panel. */
export class WorkerData {
  /**
   * `panel`: the TrainerPanel (its page's data sets, its worker's Trainer, its call queue
   * and its progress bar).
   */
  constructor(panel) {
    this.panel = panel;
    this.sets = new Set(); // the data sets whose images the worker's Trainer has
    this.classifiers = new Set(); // the data sets whose classifier it has
    this.missing = null; // { name, message } of a data set without a classifier here
  }

  /** A new worker started on `set`'s images: it has those, and no classifier. */
  started(set) {
    this.sets = new Set([set.name]);
    this.classifiers = new Set();
  }

  /** The images of data set `set`, downloaded once for the page (with the panel's progress bar). */
  bytes(set) {
    const { panel } = this;
    return panel.download(`data/${set.file}`, `the ${set.title} images`,
      (onProgress) => panel.dataSets.bytes(set, panel.fetchBytes, onProgress));
  }

  /** Gives the worker's Trainer the images of the data set called `name` (once per worker). */
  async ensure(name) {
    const { panel } = this;
    const set = panel.dataSets.named(name);
    if (!set) throw new Error(`this page has no data set called ${name}`);
    await panel.ensureTrainer(set);
    if (this.sets.has(name)) return;
    const bytes = await this.bytes(set);
    await panel.loop.exclusive(() => panel.trainer.addDataSet(name, bytes));
    this.sets.add(name);
  }

  /**
   * Continues from checkpoint `bytes` (with `train`, JSON or null) on the data set it
   * learned; resolves to the run's info (JSON).
   */
  async resume(bytes, train) {
    const { panel } = this;
    const { dataSet } = JSON.parse(panel.wasm.describeCheckpoint(bytes));
    await this.ensure(dataSet);
    return panel.loop.exclusive(() => panel.trainer.resume(bytes, train));
  }

  /**
   * Gives the worker's Trainer the classifier of data set `set` (once per worker); resolves
   * to false where this build has none for it (then `lacksClassifier` says so until `retry`).
   */
  async ensureClassifier(set) {
    const { panel } = this;
    if (this.classifiers.has(set.name)) return true;
    let bytes;
    try {
      bytes = await classifierBytes(panel.fetchBytes, set);
    } catch (error) {
      this.missing = { name: set.name, message: error.message ?? String(error) };
      return false;
    }
    await panel.loop.exclusive(() => panel.trainer.loadClassifier(bytes, set.name));
    this.classifiers.add(set.name);
    return true;
  }

  /** The sentence that says the data set called `name` has no classifier here, else null. */
  lacksClassifier(name) {
    return this.missing?.name === name ? this.missing.message : null;
  }

  /** Asked for by hand: the next score tries a missing classifier again. */
  retry() {
    this.missing = null;
  }
}
