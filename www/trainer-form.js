// @ts-check
// The trainer panel's form: its fields, what they parse to (the wasm Trainer's model and
// train JSON), and filling them from a preset or a run. No training happens here: the panel
// (trainer.js) asks the form for settings and tells it what to show.

import { $ } from "./page.js";

/** Steps between view refreshes when the field is empty or invalid. */
export const REFRESH_EVERY = 10;

/**
 * The model fields that are always there (the sizes of the preset's architecture are built
 * into #train-model-sizes): they apply on Reset (a run's architecture is fixed).
 */
export const MODEL_FIELDS = ["train-model-sizes", "train-init", "train-prior", "train-seed"];
/** The optimiser fields: a run takes them at once. */
export const TRAIN_FIELDS = [
  "train-lr-g", "train-lr-d", "train-optimizer", "train-beta1", "train-beta2", "train-batch",
  "train-loss", "train-d-steps", "train-clip", "train-gp", "train-gamma",
];

/** Reads a whole number from an input; throws a message naming the setting otherwise. */
function intFrom(id, name) {
  const text = $(id).value.trim();
  if (!/^\d+$/.test(text)) throw new Error(`${name} must be a whole number, got "${text}"`);
  return Number(text);
}

/** Reads a number from an input; throws a message naming the setting otherwise. */
function numberFrom(id, name) {
  const text = $(id).value.trim();
  const value = Number(text);
  if (text === "" || !Number.isFinite(value)) throw new Error(`${name} must be a number, got "${text}"`);
  return value;
}

/** The trainer's settings form, filled from the preset registry (www/presets.js). */
export class TrainerForm {
  /**
   * `presets`: the registry (its presets and losses); `presetOf(config, loss)`: the name of
   * the preset a run of a model config with a loss belongs to (the wasm `presetOf`).
   */
  constructor(presets, presetOf) {
    this.presets = presets;
    this.presetOf = presetOf;
    /** The data set a new run learns (the page's; www/data-sets.js): which shipped weights there are. */
    this.dataSet = presets.dataSets[0];
  }

  /** Fills the menus and the fields' ranges from the registry and shows the default preset's settings. */
  fill() {
    const registry = this.presets;
    registry.fill($("train-preset"));
    $("train-loss").replaceChildren(...registry.losses.map((l) => new Option(l.title, l.name)));
    $("train-optimizer").replaceChildren(...registry.optimizers.map((name) => new Option(name, name)));
    $("train-init").replaceChildren(...registry.inits.map((i) => new Option(i.title, i.name)));
    $("train-prior").replaceChildren(...registry.priors.map((p) => new Option(p.title, p.name)));
    const { lr, beta, batch_size: batch, d_steps: dSteps, clip, seed, gradient_penalty: gp, gamma } = registry.limits;
    const range = (ids, [min, max]) => {
      for (const id of ids) Object.assign($(id), { min, max });
    };
    range(["train-lr-g", "train-lr-d"], lr);
    range(["train-beta1", "train-beta2"], beta);
    range(["train-batch"], batch);
    range(["train-d-steps"], dSteps);
    range(["train-clip"], clip);
    range(["train-gp"], gp);
    range(["train-gamma"], gamma);
    range(["train-seed"], seed);
    $("train-refresh").value = REFRESH_EVERY;
    $("train-preset").value = this.presets.default.name;
    this.applyPreset(this.presets.default.name);
  }

  /** The preset chosen in the form. */
  get preset() {
    return this.presets.named($("train-preset").value);
  }

  /** Where a new run starts: "scratch", "shipped" (fine-tune) or "upload". */
  get start() {
    return $("train-start").value;
  }

  /** The registry's description of the chosen preset's architecture. */
  get variant() {
    return this.presets.variant(this.preset.model.kind);
  }

  /** nz and the architecture's widths, as the registry lists them: `{ key, title, min, max }`. */
  get sizes() {
    return [this.presets.nz, ...this.variant.settings];
  }

  /**
   * Builds the size fields of the chosen preset's architecture (nz, then its widths, each
   * with the registry's range), unless they are already there.
   */
  buildSizeFields() {
    const box = $("train-model-sizes");
    const imageSizes = this.variant.image_sizes;
    const keys = [...this.sizes.map((s) => s.key), ...imageSizes].join(",");
    if (box.dataset.keys === keys) return;
    box.dataset.keys = keys;
    const field = (key, title, control) => {
      const row = document.createElement("div");
      row.className = "field";
      const label = document.createElement("label");
      label.htmlFor = `train-${key}`;
      label.textContent = title;
      control.id = `train-${key}`;
      control.dataset.setting = key;
      row.append(label, control);
      return row;
    };
    const rows = this.sizes.map(({ key, title, min, max }) =>
      field(key, title, Object.assign(document.createElement("input"), { type: "number", min, max, step: 1 })));
    // An architecture that offers several image sizes (the DCGAN: 32 or 64) gets a menu.
    if (imageSizes.length > 1) {
      const menu = document.createElement("select");
      menu.append(...imageSizes.map((s) => new Option(`${s}×${s}`, String(s))));
      rows.push(field("image_size", "Image size", menu));
    }
    box.replaceChildren(...rows);
  }

  /** The model fields of the chosen architecture: its sizes, and its image size where it offers several. */
  get modelFieldIds() {
    const ids = this.sizes.map(({ key }) => `train-${key}`);
    if (this.variant.image_sizes.length > 1) ids.push("train-image_size");
    return ids;
  }

  /**
   * The model settings in the form, as the Trainer's model JSON: the preset's model (its
   * discriminator's normalisation and other fixed choices too) with the form's sizes,
   * initialisation and prior.
   */
  modelConfig() {
    const config = { ...this.preset.model, init: $("train-init").value, prior: $("train-prior").value };
    for (const { key, title } of this.sizes) config[key] = intFrom(`train-${key}`, title);
    if (this.variant.image_sizes.length > 1) config.image_size = Number($("train-image_size").value);
    return config;
  }

  /** The optimisation settings in the form, as the Trainer's train JSON. */
  trainConfig() {
    // blank (or 0 for clipping): none
    const optional = (id, name, zeroIsNone = false) => {
      const text = $(id).value.trim();
      return text === "" || (zeroIsNone && Number(text) === 0) ? null : numberFrom(id, name);
    };
    return {
      lr_g: numberFrom("train-lr-g", "the G learning rate"),
      lr_d: numberFrom("train-lr-d", "the D learning rate"),
      optimizer: $("train-optimizer").value,
      beta1: numberFrom("train-beta1", "beta1"),
      beta2: numberFrom("train-beta2", "beta2"),
      batch_size: intFrom("train-batch", "the batch size"),
      loss: $("train-loss").value,
      d_steps: intFrom("train-d-steps", "D steps"),
      clip: optional("train-clip", "clip", true),
      gradient_penalty: optional("train-gp", "the gradient penalty's λ"),
      gamma: optional("train-gamma", "γ"),
      seed: intFrom("train-seed", "the seed"),
    };
  }

  /**
   * The loss changed: a loss published with its own optimiser settings (the WGANs) brings
   * them; leaving one for a loss without returns to the preset's. Between two losses without
   * settings of their own, the other fields stay as they are.
   */
  lossChanged() {
    const registry = (name) => this.presets.losses.find((l) => l.name === name);
    const loss = registry($("train-loss").value);
    const left = registry(this.shownLoss);
    this.shownLoss = loss.name;
    const settings = loss.settings ?? (left?.settings ? this.preset.train : null);
    if (!settings) return;
    this.showTrainSettings({ ...settings, loss: loss.name, batch_size: $("train-batch").value, seed: $("train-seed").value });
  }

  /** Steps of the budget (counted from the step the run started at). */
  get budget() {
    const value = Number($("train-budget").value);
    return Number.isInteger(value) && value > 0 ? value : 1;
  }

  /** Refresh the views every this many steps. */
  get refreshEvery() {
    const value = Number($("train-refresh").value);
    return Number.isInteger(value) && value > 0 ? value : REFRESH_EVERY;
  }

  /**
   * Puts a step budget or refresh interval that is not a whole number of at least 1 back in
   * range (`id` names the field); returns a sentence saying what it did, or null.
   */
  clampRunField(id) {
    const input = $(id);
    const value = Number(input.value);
    if (Number.isInteger(value) && value >= 1) return null;
    const fixed = Number.isFinite(value) && value > 1 ? Math.floor(value) : id === "train-refresh" ? REFRESH_EVERY : 1;
    const name = id === "train-refresh" ? "Refresh every" : "Step budget";
    const said = `${name} must be a whole number of steps, at least 1: "${input.value}" became ${fixed}.`;
    input.value = fixed;
    return said;
  }

  /** Columns of the progress grid. */
  get gridCols() {
    return Number($("train-grid-size").value) || this.preset.progress_cols;
  }

  /**
   * Fills the form with preset `name`: its model and its training settings (a preset is a
   * whole recipe: the WGANs' optimiser and critic steps come with them), which with a run
   * under way wait for Reset (the panel says so); before the first run also its step budget
   * and progress grid (a run keeps the ones it shows).
   */
  applyPreset(name, { runUnderWay = false } = {}) {
    const { model, train, steps, progress_cols: cols } = this.presets.named(name);
    this.showModel(model);
    this.showTrainSettings(train);
    if (!runUnderWay) {
      $("train-budget").value = steps;
      $("train-grid-size").value = cols;
    }
    if ($("train-start").value === "upload") $("train-start").value = "scratch";
    this.offerShipped();
  }

  /**
   * Offers "the shipped weights" as a start where the chosen preset has them for the data set
   * (`dataSet`), and enables the model fields for the start chosen.
   */
  offerShipped() {
    const shipped = Boolean(this.preset.shipped_files?.[this.dataSet.name]);
    const start = $("train-start");
    start.querySelector('option[value="shipped"]').disabled = !shipped;
    if (start.value === "shipped" && !shipped) start.value = "scratch";
    this.syncModelFields();
  }

  /** Shows a model config (the Trainer's model JSON) in the model fields. */
  showModel(model) {
    this.buildSizeFields();
    for (const { key } of this.sizes) $(`train-${key}`).value = model[key];
    if (this.variant.image_sizes.length > 1) $("train-image_size").value = String(model.image_size);
    $("train-init").value = model.init;
    $("train-prior").value = model.prior;
  }

  /** Shows training settings (the Trainer's train JSON) in the form. */
  showTrainSettings(train) {
    $("train-lr-g").value = train.lr_g;
    $("train-lr-d").value = train.lr_d;
    $("train-optimizer").value = train.optimizer;
    $("train-beta1").value = train.beta1;
    $("train-beta2").value = train.beta2;
    $("train-batch").value = train.batch_size;
    $("train-loss").value = train.loss;
    this.shownLoss = train.loss; // the loss the other fields were filled for (lossChanged)
    $("train-d-steps").value = train.d_steps;
    $("train-clip").value = train.clip ?? "";
    $("train-gp").value = train.gradient_penalty ?? "";
    $("train-gamma").value = train.gamma ?? "";
    $("train-seed").value = train.seed;
  }

  /** The loss chosen in the form, as the registry describes it. */
  get loss() {
    return this.presets.losses.find((l) => l.name === $("train-loss").value) ?? null;
  }

  /** Shows a run's settings (after a reset, a fine-tune or an upload). */
  showRun({ config, train }) {
    $("train-preset").value = this.presetOf(config, train.loss);
    this.showModel(config);
    this.showTrainSettings(train);
    this.syncModelFields();
  }

  /** Enables the model fields for the start chosen. */
  syncModelFields() {
    // Fine-tuning keeps the checkpoint's architecture: its settings are shown, not chosen.
    const fromFile = this.start !== "scratch";
    for (const id of [...this.modelFieldIds, "train-init", "train-prior"]) $(id).disabled = fromFile;
    $("train-from-file-hint").hidden = !fromFile;
  }

  /** Offers the uploaded file `name` as the start of new runs, and chooses it. */
  offerUpload(name) {
    const option = $("train-start").querySelector('option[value="upload"]');
    option.textContent = `the uploaded ${name}`;
    option.hidden = false;
    option.disabled = false;
    $("train-start").value = "upload";
  }

  /** Says next to the model fields whether an edit waits for Reset. */
  showPending(pending) {
    $("train-pending").hidden = !pending;
  }

  /** Whether the form describes the next run (a model or preset change waits for Reset). */
  get pending() {
    return !$("train-pending").hidden;
  }
}
