// @ts-check
// GAN Studio's Runs panel, as TensorBoard shows runs: every trainer run kept on this device
// (run-store.js's archive; run-records.js's records) with a name, listed to show or hide,
// rename, delete and download (JSON, CSV, its progress grids as an animated GIF: gif.js, or
// as a WebM video where the browser records one: webm.js).
// The trainer (trainer-views.js) hands it each run's figures, scores and grids as it trains;
// the course's shipped experiments (weights/experiments/: scripts/experiments.sh's tables and
// grids) join them on request as read-only runs, never stored. The comparison views (the
// overlaid curves, the two grids under one slider) are runs-views.js's, the queue of the
// course's experiments runs-queue.js's. Storage that fails (private browsing, a full disk) is
// said in the panel's alert box, and the runs stay in the page while it is open; training
// goes on.

import { Coalescer } from "./coalescer.js";
import { saveBlob } from "./canvas.js";
import { encodeGif } from "./gif.js";
import { recordWebm, webmSupported } from "./webm.js";
import { messageOf } from "./format.js";
import { withParts } from "./panel-parts.js";
import { RunLoop } from "./run-loop.js";
import {
  COURSE_TABLES, RUN_COLORS, addFrame, courseRuns, fileStemOf, greyFrame, newRunRecord, runJson, runName, runsCsv,
} from "./run-records.js";
import { forgetRun, keepRun, keptRuns } from "./run-store.js";
import { compareMethods } from "./runs-views.js";
import { queueMethods } from "./runs-queue.js";
import { $ } from "./page.js";

/** While a run plays, its record is written at most this often (it holds up to a megabyte of grids). */
const WRITE_EVERY_MS = 2000;
/** Hundredths of a second each grid of a time-lapse shows (the last one longer). */
const GIF_DELAY = 40;
const GIF_LAST_DELAY = 200;
/** Video frames a second (a WebM's frame lasts one of the display's frames: webm.js). */
const WEBM_FPS = 60;
/** Why a browser without WebM recording offers the GIF alone. */
const NO_WEBM = "This browser's MediaRecorder cannot record video/webm: download the GIF instead";

/** How long each of `count` grids of a time-lapse shows, in hundredths of a second. */
const timeLapseDelays = (count) => Array.from({ length: count }, (_, i) => (i === count - 1 ? GIF_LAST_DELAY : GIF_DELAY));

/** @typedef {import("./run-records.js").RunRecord} RunRecord */

/** The Runs panel: the kept runs, their list and downloads, and the comparison views. */
export class RunsPanel extends withParts(compareMethods, queueMethods) {
  /** `figures`: the registry's figures (`{ key, title }`, in the trainer's order). */
  constructor({ figures }) {
    super();
    this.figures = figures;
    /** @type {RunRecord[]} */ this.records = []; // oldest first
    /** @type {Set<string>} */ this.dirty = new Set(); // ids of runs to write
    /** @type {Set<string>} */ this.deleted = new Set(); // ids deleted (a run may still train)
    /** @type {Set<string>} */ this.forget = new Set(); // ids of runs to delete on this device
    this.writes = new Coalescer((error) => this.storageFailed(error));
    this.flushTimer = null; // the write waiting for WRITE_EVERY_MS to pass
    this.writtenAt = -Infinity; // when (performance.now()) the last write started
    this.storageOk = true; // whether the last write went through
    this.loaded = false; // whether the kept runs were read (or failed to be)
    this.loop = new RunLoop({ errorId: "runs-error" });
    this.made = 0; // runs made by this page (for unique ids)
    /** @type {Set<string>} the runs whose WebM is being recorded */
    this.recording = new Set();
    /** @type {any} the trainer panel (trainer.js), which trains the queue's experiments; app.js sets it */
    this.trainer = null;
    /** @type {{ running: boolean, stopped: boolean, names: string[], done: number } | null} the queue of experiments (runs-queue.js) */
    this.queue = null;
  }

  /** A summary for the browser tests and the console. */
  get state() {
    return {
      loaded: this.loaded,
      writing: this.flushTimer !== null || this.writes.running || this.writes.pending !== null ||
        this.dirty.size + this.forget.size > 0,
      storageOk: this.storageOk,
      busy: this.loop.busy,
      error: this.loop.error,
      runs: this.records.map((r) => ({
        id: r.id, name: r.name, kind: r.kind, step: r.step, steps: r.history.step.length,
        scores: r.quality.step.length, frames: r.frames.map((f) => f.step), shown: r.shown !== false,
        readOnly: r.readOnly === true,
      })),
      pair: this.pairState(),
      queue: this.queueState(),
    };
  }

  /** The record with id `id`, or undefined. */
  byId(id) {
    return this.records.find((r) => r.id === id);
  }

  /** A run's colour: by its place in the list. */
  colorOf(record) {
    return RUN_COLORS[Math.max(0, this.records.indexOf(record)) % RUN_COLORS.length];
  }

  // ------------------------------------------------------------ the trainer's runs

  /**
   * The record of the trainer panel `panel`'s run: the one its `runId` names, or a new one
   * (named after its kind) the first time; null when the user deleted it while it trains.
   * @returns {RunRecord | null}
   */
  recordOf(panel) {
    if (!panel.run || this.deleted.has(panel.runId)) return null;
    const known = this.byId(panel.runId);
    if (known) return known;
    const { kind, config, train, dataSet } = panel.run;
    const count = 1 + Math.max(0, ...this.records.map((r) => {
      const m = r.name.match(/ #(\d+)$/);
      return r.kind === kind && m ? Number(m[1]) : 0;
    }));
    const record = newRunRecord({
      id: `run-${Date.now().toString(36)}-${(this.made++).toString(36)}`,
      name: runName(kind, count),
      createdAt: Date.now(),
      kind, config, train, dataSet,
      preset: panel.form.preset.name,
    });
    panel.runId = record.id;
    const firstCourse = this.records.findIndex((r) => r.readOnly);
    this.records.splice(firstCourse < 0 ? this.records.length : firstCourse, 0, record); // before the course's
    this.listChanged();
    return record;
  }

  /**
   * Runs `work` for the trainer: a failure is said in this panel's alert box and never
   * stops training.
   */
  guard(work) {
    try {
      work();
    } catch (error) {
      this.loop.showError(`This run could not be kept (${messageOf(error)}); training goes on.`);
    }
  }

  /** Names the trainer panel `panel`'s run (a queued experiment's) `name`. */
  nameRun(panel, name) {
    const record = this.recordOf(panel);
    if (record) this.rename(record, name);
  }

  /** Keeps the progress grid on `canvas` (of step `step`) among the run's frames (when due). */
  keepFrame(panel, step, canvas) {
    this.guard(() => this.addGrid(panel, step, canvas));
  }

  /** Adds the grid on `canvas` to the run's frames (when due) and has it written. */
  addGrid(panel, step, canvas) {
    const record = this.recordOf(panel);
    if (!record) return;
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    if (!addFrame(record, { step, ...greyFrame(data, canvas.width, canvas.height) })) return;
    this.dirty.add(record.id);
    this.flush({ now: !panel.playing });
    this.showRow(record);
    this.pairChanged();
  }

  /** Keeps what the trainer panel `panel` shows of its run now: its settings, curves and scores. */
  keep(panel) {
    this.guard(() => this.update(panel));
  }

  /** Updates the run's record from the trainer panel and has it written. */
  update(panel) {
    const record = this.recordOf(panel);
    if (!record) return;
    record.step = panel.step;
    record.train = panel.run.train; // an optimiser setting may change during a run
    record.history = panel.history.toJSON();
    const { step, fd, accuracy } = panel.quality;
    record.quality = { step, fd, accuracy };
    this.dirty.add(record.id);
    this.flush({ now: !panel.playing });
    this.showRow(record);
    if (record.shown !== false) this.drawCurves();
  }

  // ------------------------------------------------------------ storage

  /** Reads the runs kept on this device (once, at the start); a failure is said. */
  async load() {
    try {
      const kept = await keptRuns();
      const known = new Set(this.records.map((r) => r.id));
      const runs = [...kept.filter((r) => !known.has(r.id)), ...this.records.filter((r) => !r.readOnly)];
      this.records = [...runs.sort((a, b) => a.createdAt - b.createdAt), ...this.records.filter((r) => r.readOnly)];
    } catch (error) {
      this.loop.showError(`The runs kept on this device cannot be read (${messageOf(error)}): new runs are shown until the page closes.`);
    } finally {
      this.loaded = true;
    }
    this.listChanged();
  }

  /**
   * Writes the changed runs to this device and forgets the deleted ones: `now`, or (while a
   * run plays) once WRITE_EVERY_MS have passed since the last write. One write at a time,
   * each taking the newest state.
   */
  flush({ now = true } = {}) {
    if (this.flushTimer !== null) {
      if (!now) return; // the waiting write will take this change too
      clearTimeout(this.flushTimer);
    }
    const wait = now ? 0 : Math.max(0, this.writtenAt + WRITE_EVERY_MS - performance.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.writtenAt = performance.now();
      this.writes.request(() => this.write());
    }, wait);
  }

  /** Writes the changed runs and forgets the deleted ones (flush's job). */
  async write() {
    const ids = [...this.dirty];
    const gone = [...this.forget];
    this.dirty.clear();
    this.forget.clear();
    for (const id of ids) {
      const record = this.byId(id);
      if (record && !record.readOnly) await keepRun(record);
    }
    for (const id of gone) await forgetRun(id);
    if (!this.storageOk) this.loop.clearError();
    this.storageOk = true;
  }

  /** A write failed: said once (until one succeeds again); the runs stay in the page. */
  storageFailed(error) {
    if (this.storageOk) {
      this.loop.showError(`Runs cannot be kept on this device (${messageOf(error)}): they are shown until the page closes, and training goes on.`);
    }
    this.storageOk = false;
  }

  // ------------------------------------------------------------ the list

  /** The list changed (a run added, renamed or deleted): rebuilds it and the views. */
  listChanged() {
    const body = $("runs-list");
    body.replaceChildren(...this.records.map((record) => this.row(record)));
    $("runs-empty").hidden = this.records.length > 0;
    this.fillPair();
    this.drawCurves();
  }

  /** A run's row: show, name, steps, last Fréchet distance, downloads, delete. */
  row(record) {
    const li = document.createElement("li");
    li.dataset.id = record.id;
    const cell = (...children) => {
      const span = document.createElement("span");
      span.append(...children);
      li.append(span);
      return span;
    };
    const show = document.createElement("input");
    show.type = "checkbox";
    show.checked = record.shown !== false;
    show.className = "runs-show";
    show.setAttribute("aria-label", `Show ${record.name} in the charts`);
    show.addEventListener("change", () => this.setShown(record, show.checked));
    const swatch = document.createElement("span");
    swatch.className = "runs-swatch";
    swatch.style.background = this.colorOf(record);
    cell(show, swatch);
    if (record.readOnly) {
      // A shipped result: its name and what the table says of it, not editable.
      const { course } = record;
      const name = cell(record.name);
      name.className = "runs-name runs-read-only";
      const flags = record.train.flags || "the defaults";
      cell(`${flags}; ${course.digitsCovered} digits, confidence ${course.meanConfidence} (${course.file}, read-only)`).className = "runs-course";
    } else {
      const name = document.createElement("input");
      name.type = "text";
      name.value = record.name;
      name.className = "runs-name";
      name.setAttribute("aria-label", "Run name");
      name.addEventListener("change", () => this.rename(record, name.value));
      cell(name);
    }
    cell().className = "runs-steps";
    cell().className = "runs-fd";
    const buttons = cell();
    buttons.className = "runs-actions";
    for (const { label, action, what } of [
      { label: "JSON", action: () => this.downloadJson(record), what: "The run's settings, curves and scores as JSON" },
      { label: "CSV", action: () => this.downloadCsv([record]), what: "The run's curves as CSV" },
      { label: "GIF", action: () => this.downloadGif(record), what: "The run's progress grids as an animated GIF" },
      { label: "WebM", action: () => this.downloadWebm(record), what: webmSupported() ? "The run's progress grids as a WebM video" : NO_WEBM },
      ...record.readOnly ? [] : [{ label: "Delete", action: () => this.remove(record), what: "Forget this run" }],
    ]) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.title = what;
      button.dataset.action = label.toLowerCase();
      button.addEventListener("click", action);
      buttons.append(button);
    }
    this.showRow(record, li);
    return li;
  }

  /** Updates a run's row's figures (its steps and latest Fréchet distance). */
  showRow(record, li = document.querySelector(`#runs-list li[data-id="${record.id}"]`)) {
    if (!li) return;
    const fd = record.quality.fd.at(-1);
    li.querySelector(".runs-steps").textContent = record.readOnly ? `step ${record.step}`
      : `${record.history.step.length} steps, to step ${record.step}`;
    li.querySelector(".runs-fd").textContent = fd === undefined ? "" : `FD ${fd.toFixed(1)}`;
    /** @type {HTMLButtonElement} */ (li.querySelector('button[data-action="gif"]')).disabled = record.frames.length === 0;
    /** @type {HTMLButtonElement} */ (li.querySelector('button[data-action="webm"]')).disabled =
      record.frames.length === 0 || !webmSupported() || this.recording.has(record.id);
  }

  /** Shows or hides a run in the charts (a read-only run's choice lasts until the page closes). */
  setShown(record, shown) {
    record.shown = shown;
    if (!record.readOnly) {
      this.dirty.add(record.id);
      this.flush();
    }
    this.drawCurves();
  }

  /** Renames a run (an empty name keeps the old one). */
  rename(record, name) {
    const clean = name.trim().slice(0, 80);
    if (clean) record.name = clean;
    this.dirty.add(record.id);
    this.flush();
    this.listChanged();
  }

  /** Forgets a run, here and on this device (a run still training is no longer kept). */
  remove(record) {
    this.records = this.records.filter((r) => r !== record);
    this.deleted.add(record.id);
    this.dirty.delete(record.id);
    this.forget.add(record.id);
    this.flush();
    this.listChanged();
    $("runs-message").textContent = `Deleted ${record.name}.`;
  }

  // ------------------------------------------------------------ downloads

  /** Saves a run's settings, curves and scores as JSON. */
  downloadJson(record) {
    const json = JSON.stringify(runJson(record), null, 1);
    saveBlob(new Blob([json], { type: "application/json" }), `${fileStemOf(record)}.json`);
  }

  /** Saves the curves of `records` (default: the shown ones) as one CSV. */
  downloadCsv(records = this.records.filter((r) => r.shown !== false)) {
    const csv = runsCsv(records, this.figures);
    const name = records.length === 1 ? fileStemOf(records[0]) : "gan-studio-runs";
    saveBlob(new Blob([csv], { type: "text/csv" }), `${name}.csv`);
  }

  /** Saves a run's progress grids as an animated GIF: a time-lapse of its learning. */
  downloadGif(record) {
    this.loop.task(async () => {
      const frames = record.frames;
      if (!frames.length) throw new Error(`${record.name} has no progress grids yet`);
      const { width, height } = frames[0];
      const gif = encodeGif(frames.map((f) => f.grey), { width, height, delays: timeLapseDelays(frames.length) });
      saveBlob(new Blob([gif], { type: "image/gif" }), `${fileStemOf(record)}.gif`);
      $("runs-message").textContent = `Saved ${record.name}'s ${frames.length} grids (steps ${frames[0].step} to ${frames.at(-1).step}) as a GIF.`;
    });
  }

  /**
   * Saves a run's progress grids as a WebM video (the GIF's time-lapse, at the GIF's pace),
   * recorded in real time: its button waits meanwhile.
   */
  downloadWebm(record) {
    this.loop.task(async () => {
      const frames = record.frames;
      if (!frames.length) throw new Error(`${record.name} has no progress grids yet`);
      this.recording.add(record.id);
      this.showRow(record);
      try {
        const repeats = timeLapseDelays(frames.length).map((d) => Math.round((d * WEBM_FPS) / 100));
        const onProgress = (done, total) => ($("runs-message").textContent = `Recording ${record.name}'s grids as a WebM: ${done} of ${total}…`);
        const video = await recordWebm(frames, { repeats, onProgress });
        saveBlob(video, `${fileStemOf(record)}.webm`);
        $("runs-message").textContent = `Saved ${record.name}'s ${frames.length} grids (steps ${frames[0].step} to ${frames.at(-1).step}) as a WebM.`;
      } finally {
        this.recording.delete(record.id);
        this.showRow(record);
      }
    });
  }

  // ------------------------------------------------------------ the course's results

  /**
   * Adds the course's experiments as scripts/experiments.sh shipped them (its tables and
   * grids in weights/experiments/) as read-only runs: a student sees the answers without
   * training. They are read from the page's own files each time, never stored.
   */
  showCourse() {
    this.loop.task(async () => {
      const runs = [];
      for (const table of COURSE_TABLES) {
        const response = await fetch(`weights/experiments/${table.file}`);
        if (!response.ok) throw new Error(`weights/experiments/${table.file}: HTTP ${response.status}`);
        runs.push(...courseRuns(await response.text(), table));
      }
      for (const record of runs) {
        const response = await fetch(`weights/experiments/${record.gridFile}`);
        if (!response.ok) continue; // a row without its grid: its score alone
        const image = await createImageBitmap(await response.blob());
        const { width, height } = image;
        const ctx = new OffscreenCanvas(width, height).getContext("2d");
        ctx.drawImage(image, 0, 0);
        image.close();
        const { data } = ctx.getImageData(0, 0, width, height);
        addFrame(record, { step: record.step, ...greyFrame(data, width, height) });
      }
      this.records = [...this.records.filter((r) => !r.readOnly), ...runs];
      $("runs-course").disabled = true;
      this.listChanged();
      $("runs-message").textContent = `Added the course's ${runs.length} experiments (${COURSE_TABLES.map((t) => t.file).join(", ")}): tick them to compare their Fréchet distance; their grids are the files each run of that name last drew.`;
    });
  }

  /** Wires the panel's controls and reads the kept runs. */
  bind() {
    $("runs-csv").addEventListener("click", () => this.downloadCsv());
    $("runs-course").addEventListener("click", () => this.showCourse());
    this.bindQueue();
    // Leaving the page (or its tab): what waits is written now.
    document.addEventListener("visibilitychange", () => {
      if (document.hidden && this.flushTimer !== null) this.flush();
    });
    this.bindCompare();
    return this.load();
  }
}
