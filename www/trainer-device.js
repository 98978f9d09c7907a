// @ts-check
// The trainer panel's device (trainer.js): the training worker started on the data set's
// images, on the device the setting names or the one that trained a probe step faster
// (trainer-client.js), a run moved when the setting changes, and the downloads that show
// their progress in the panel. Methods of TrainerPanel (panel-parts.js).

import { messageOf } from "./format.js";
import { startTrainer } from "./trainer-client.js";
import { $ } from "./page.js";

/** The trainer panel's methods for its device and downloads. */
export const deviceMethods = {
  /**
   * Downloads the images of data set `set` (by default the one shown) once (with progress)
   * and starts the training worker on them, on the device the setting names, or, with
   * "auto", on the one that trains the form's model faster (it times a step on each).
   */
  ensureTrainer(set = this.dataSets.current) {
    if (this.trainer) return Promise.resolve(this.trainer);
    if (!this.trainerReady) {
      this.trainerReady = (async () => {
        const data = await this.data.bytes(set);
        const setting = this.forcedDevice ?? this.devices.setting();
        this.say(setting === "auto" ? "Timing a training step on each device…" : "Starting the trainer…");
        const { trainer, choice } = await startTrainer({
          data,
          dataSet: set.name,
          setting,
          adapter: this.devices.adapter,
          model: JSON.stringify(this.probeModel()),
          train: JSON.stringify(this.form.trainConfig()),
        });
        this.trainer = trainer;
        this.data.started(set);
        this.showDevice(choice);
        this.say("");
        return this.trainer;
      })();
      // A failed download may be retried by the next action.
      this.trainerReady.catch(() => {
        this.trainerReady = null;
      });
    }
    return this.trainerReady;
  },

  /** The model a device probe times: the form's preset with its default settings. */
  probeModel() {
    return this.form.preset.model;
  },

  /** Shows which device trains, and why. */
  showDevice(choice) {
    this.deviceChoice = choice;
    $("train-device").textContent = choice.sentence;
    $("train-device").dataset.backend = choice.backend;
    $("train-device").dataset.cpuThreads = choice.cpuThreads;
    if (choice.cpuThreads) $("cpu-threads").textContent = choice.threadsNote;
  },

  /**
   * The device setting changed: the next run starts on the newly chosen device. A run under
   * way moves there now, through a checkpoint (its weights and step; the optimisers' states
   * where both devices can carry them).
   */
  deviceSettingChanged() {
    this.forcedDevice = null; // the setting decides again, after a lost GPU too
    if (!this.trainer && !this.trainerReady) return; // the first action will choose
    this.pause();
    this.loop.task(async () => {
      const old = await this.ensureTrainer();
      const bytes = this.run ? await this.loop.exclusive(() => old.checkpoint()) : null;
      this.trainer = null;
      this.trainerReady = null;
      await this.loop.exclusive(() => old.terminate());
      await this.ensureTrainer();
      if (bytes) {
        const info = await this.data.resume(bytes, JSON.stringify(this.run.train));
        await this.adoptRun(info);
        const adam = this.run.optimizersRestored ? "" : "; Adam starts afresh";
        this.say(`The run moved to the ${this.deviceChoice.backend === "webgpu" ? "GPU" : "CPU"} at step ${this.step}${adam}.`);
      }
    });
  },

  /**
   * Fetches `url` (relative to the page) with the panel's progress bar; `fetch(onProgress)`
   * downloads it (by default `fetchBytes`).
   */
  async download(url, what, fetch = (onProgress) => this.fetchBytes(url, onProgress)) {
    const bar = $("train-download-progress");
    bar.hidden = false;
    bar.value = 0;
    this.say(`Downloading ${what}…`);
    try {
      return await fetch((f) => {
        bar.value = f;
        this.say(`Downloading ${what}: ${Math.round(f * 100)}%`);
      });
    } catch (error) {
      throw new Error(`Could not download ${what} (${url}): ${messageOf(error)}`);
    } finally {
      bar.hidden = true;
      this.say("");
    }
  },
};
