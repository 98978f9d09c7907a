// The trainer panel's form: its fields, what they parse to (the wasm Trainer's model and
// train JSON), and filling them from a preset or a run. No training happens here: the panel
// (trainer.js) asks the form for settings and tells it what to show.

const $ = (id) => document.getElementById(id);

/** Steps between view refreshes when the field is empty or invalid. */
export const REFRESH_EVERY = 10;

/** The model fields: they apply on Reset (a run's architecture is fixed). */
export const MODEL_FIELDS = ["train-nz", "train-ngf", "train-ndf", "train-init", "train-seed"];
/** The optimiser fields: a run takes them at once. */
export const TRAIN_FIELDS = ["train-lr-g", "train-lr-d", "train-beta1", "train-batch", "train-loss"];

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
   * `presets`: the registry (its presets and losses); `presetOf(config)`: the name of the
   * preset a model config belongs to (the wasm `presetOf`).
   */
  constructor(presets, presetOf) {
    this.presets = presets;
    this.presetOf = presetOf;
  }

  /** Fills the menus from the registry and shows the default preset's settings. */
  fill() {
    this.presets.fill($("train-preset"));
    $("train-loss").replaceChildren(...this.presets.losses.map((l) => new Option(l.title, l.name)));
    $("train-refresh").value = REFRESH_EVERY;
    $("train-preset").value = this.presets.default.name;
    this.applyPreset(this.presets.default.name, { withTraining: true });
  }

  /** The preset chosen in the form. */
  get preset() {
    return this.presets.named($("train-preset").value);
  }

  /** Where a new run starts: "scratch", "shipped" (fine-tune) or "upload". */
  get start() {
    return $("train-start").value;
  }

  /** The model settings in the form, as the Trainer's model JSON. */
  modelConfig() {
    const config = {
      kind: this.preset.model.kind,
      nz: intFrom("train-nz", "nz"),
      init: $("train-init").value,
    };
    if (config.kind === "mlp") config.hidden = intFrom("train-ngf", "the hidden width");
    else {
      config.ngf = intFrom("train-ngf", "ngf");
      config.ndf = intFrom("train-ndf", "ndf");
    }
    return config;
  }

  /**
   * The optimisation settings in the form, as the Trainer's train JSON; settings the form
   * does not show (β2) come from `runTrain` (the run's settings) or the preset.
   */
  trainConfig(runTrain = null) {
    return {
      lr_g: numberFrom("train-lr-g", "the G learning rate"),
      lr_d: numberFrom("train-lr-d", "the D learning rate"),
      beta1: numberFrom("train-beta1", "beta1"),
      beta2: runTrain?.beta2 ?? this.preset.train.beta2,
      batch_size: intFrom("train-batch", "the batch size"),
      loss: $("train-loss").value,
      seed: intFrom("train-seed", "the seed"),
    };
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

  /** Columns of the progress grid. */
  get gridCols() {
    return Number($("train-grid-size").value) || this.preset.progress_cols;
  }

  /**
   * Fills the model fields with preset `name`'s settings and, `withTraining` (before the
   * first run: a run's training settings are its own and change only when edited), the
   * training fields, the step budget and the progress grid with its defaults.
   */
  applyPreset(name, { withTraining }) {
    const { model, train, steps, shipped, progress_cols: cols } = this.presets.named(name);
    this.showModel(model);
    if (withTraining) {
      this.showTrainSettings(train);
      $("train-budget").value = steps;
      $("train-grid-size").value = cols;
    }
    const start = $("train-start");
    start.querySelector('option[value="shipped"]').disabled = !shipped;
    if (start.value === "shipped" && !shipped) start.value = "scratch";
    if (start.value === "upload") start.value = "scratch";
    this.syncModelFields();
  }

  /** Shows a model config (the Trainer's model JSON) in the model fields. */
  showModel(model) {
    $("train-nz").value = model.nz;
    $("train-ngf").value = model.kind === "mlp" ? model.hidden : model.ngf;
    $("train-ndf").value = model.kind === "mlp" ? "" : model.ndf;
    $("train-init").value = model.init;
  }

  /** Shows training settings (the Trainer's train JSON) in the form. */
  showTrainSettings(train) {
    $("train-lr-g").value = train.lr_g;
    $("train-lr-d").value = train.lr_d;
    $("train-beta1").value = train.beta1;
    $("train-batch").value = train.batch_size;
    $("train-loss").value = train.loss;
    $("train-seed").value = train.seed;
  }

  /** Shows a run's settings (after a reset, a fine-tune or an upload). */
  showRun({ config, train }) {
    $("train-preset").value = this.presetOf(config);
    this.showModel(config);
    this.showTrainSettings(train);
    this.syncModelFields();
  }

  /** Labels and enables the model fields for the preset and start chosen. */
  syncModelFields() {
    const mlp = this.preset.model.kind === "mlp";
    $("train-ngf-label").textContent = mlp ? "hidden width" : "ngf";
    $("train-ndf-row").hidden = mlp;
    // Fine-tuning keeps the checkpoint's architecture: its settings are shown, not chosen.
    const fromFile = this.start !== "scratch";
    for (const id of ["train-nz", "train-ngf", "train-ndf", "train-init"]) $(id).disabled = fromFile;
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
}
