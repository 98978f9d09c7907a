// @ts-check
// The trainer panel's run that survives a reload (trainer.js): saved to this device while
// playing (run-store.js), offered on the next visit, resumed or discarded, and the way a run
// goes on on the CPU from its last save when the GPU is lost. Methods of TrainerPanel
// (panel-parts.js).

import { switchSentence } from "./data-sets.js";
import { messageOf } from "./format.js";
import { clearRun, loadRun } from "./run-store.js";
import { $ } from "./page.js";

/** The trainer panel's methods for the saved run. */
export const savedMethods = {
  /**
   * Saves the run to this device's IndexedDB (run-store.js): its checkpoint (with the
   * optimisers' states on the CPU) and what the panel shows of it. A failed save (a full
   * disk, private browsing) is said, and training goes on.
   */
  async saveToDevice() {
    const run = this.run;
    if (!run || this.savedStep === this.step) return;
    const h = this.history;
    const shown = {
      startStep: this.startStep,
      savedAt: Date.now(),
      preset: this.form.preset.name,
      kind: run.kind,
      dataSet: run.dataSet,
      history: h.toJSON(),
      quality: this.quality,
      budget: this.form.budget,
      runId: this.runId, // the Runs panel's record of it
    };
    try {
      const step = await this.loop.exclusive(() => this.trainer.saveToDevice(shown));
      if (this.run !== run) return;
      this.savedStep = step;
      this.savedAt = performance.now();
    } catch (error) {
      this.say(`The run could not be saved on this device (${messageOf(error)}); it trains on.`);
    }
  },

  /** Offers a run saved on this device before this visit (if there is one). */
  async offerSavedRun() {
    let record;
    try {
      record = await loadRun();
    } catch (error) {
      console.warn(error); // no IndexedDB here (private browsing): nothing to offer
    } finally {
      this.savedRunChecked = true;
    }
    if (!record) return;
    this.savedRun = record;
    const when = new Date(record.savedAt).toLocaleString();
    const learns = this.dataSets.named(record.dataSet);
    $("train-saved-text").textContent =
      `A ${record.kind} run was saved on this device at step ${record.step} (${when})${learns ? `, learning ${learns.title}` : ""}.`;
    $("train-saved").hidden = false;
  },

  /** Hides the offer of a saved run (a new run replaces it at its first save). */
  withdrawSavedRun() {
    this.savedRun = null;
    $("train-saved").hidden = true;
  },

  /** Continues the saved run where it was saved: its networks, settings, curves and scores. */
  resumeSavedRun() {
    const record = this.savedRun;
    if (!record) return;
    this.pause();
    this.loop.task(async () => {
      await this.restoreRun(record);
      if (this.run.dataSet !== this.dataSets.current.name) {
        await this.showDataSet(this.run.dataSet, switchSentence("The saved run", this.run.dataSet, this.dataSets.named(this.run.dataSet)));
      }
      const adam = this.run.optimizersRestored ? "" : " The optimisers' state is not used here: it starts afresh.";
      this.say(`Resumed the saved ${record.kind} run at step ${record.step}.${adam}`);
    });
  },

  /** Makes the saved run `record` the panel's run (on the trainer's device). */
  async restoreRun(record) {
    await this.ensureTrainer();
    const info = await this.data.resume(record.checkpoint, null);
    this.withdrawSavedRun();
    await this.adoptRun(info, record.runId ?? null);
    // What the panel showed of the run when it was saved.
    this.startStep = record.startStep;
    this.history.restore(record.history);
    this.quality = record.quality;
    $("train-budget").value = record.budget;
    this.savedStep = record.step;
    this.savedAt = performance.now();
    this.showCounters();
    this.drawCharts();
    this.showQuality();
    this.runs.keep(this); // its record goes back to the saved step too
  },

  /**
   * The trainer's GPU was lost (the device was destroyed, reset or taken away): training
   * starts again on the CPU, and the run goes on from its last save on this device (its
   * settings and weights; the steps after that save are lost), saying so.
   */
  async recoverFromDeviceLoss() {
    const lostAt = this.step;
    this.pause();
    const lost = this.trainer;
    this.trainer = null;
    this.trainerReady = null;
    lost?.terminate();
    this.forcedDevice = "cpu";
    await this.ensureTrainer();
    this.showDevice({ ...this.deviceChoice, sentence: "Training: CPU: the GPU was lost." });
    const record = await loadRun().catch(() => null);
    if (!record) {
      this.run = null;
      this.showCounters();
      this.loop.showError(`The GPU was lost at step ${lostAt}, before the run was first saved: press Reset to start again on the CPU.`);
      return;
    }
    await this.restoreRun(record);
    this.say(`The GPU was lost at step ${lostAt}: training moved to the CPU and goes on from the run's last save, at step ${record.step}.`);
  },

  /** Forgets the saved run. */
  discardSavedRun() {
    this.withdrawSavedRun();
    this.loop.task(() => clearRun());
  },
};
