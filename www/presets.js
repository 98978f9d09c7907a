// @ts-check
// The preset registry (src/preset.rs) as the page sees it: the wasm module's `presets()`
// list, read once. The explorer's and the trainer's model menus, the trainer form's defaults
// the shipped files' names and the loss menu all come from here; the page holds no preset of its own.

/** Every model the page offers, by name. */
export class Presets {
  /** `registry`: the JSON that the wasm `presets()` returns. */
  constructor(registry) {
    const { default: defaultName, presets, data_sets: dataSets, variants, losses, optimizers, inits, priors, nz, limits, figures } =
      JSON.parse(registry);
    /**
     * The presets, in menu order; each has `shipped_files`, the stem of its shipped weights
     * (`weights/<stem>.bpk`) for each data set that has them.
     */
    this.list = presets;
    /** The data sets as `{ name, title, item, classes, file, classifier }` (www/data-sets.js). */
    this.dataSets = dataSets;
    /**
     * Every architecture as the registry describes it: `name`, `title`, `image_size`,
     * `codes`, `heads`, `output`, `settings` (its widths: `{ key, title, sizes, min, max }`).
     */
    this.variants = variants;
    /** The initialisation schemes as `{ name, title }`. */
    this.inits = inits;
    /** The distributions z may be drawn from as `{ name, title, range }`. */
    this.priors = priors;
    /** nz's setting: `{ key, title, min, max }`. */
    this.nz = nz;
    /** The figures a training step measures, `{ key, title }` in the Trainer's order. */
    this.figures = figures;
    /** The training settings' ranges (`lr`, `beta`, `batch_size`, `d_steps`, `clip`, `seed`: `[low, high]`). */
    this.limits = limits;
    /**
     * Every GAN loss as { name, title, wasserstein, settings }, in menu order (`settings`:
     * the optimiser settings a WGAN loss was published with, else null).
     */
    this.losses = losses;
    /** The optimisers' names. */
    this.optimizers = optimizers;
    /** The preset a page without a saved choice starts with. */
    this.default = this.named(defaultName);
  }

  /** The preset called `name` (or one of its aliases), else null. */
  named(name) {
    return this.list.find((p) => p.name === name || p.aliases.includes(name)) ?? null;
  }

  /** The architecture called `kind`. */
  variant(kind) {
    return this.variants.find((v) => v.name === kind);
  }

  /** The preset the explorer's old URL key `m=` named (`m=cdcgan` was the half width), else null. */
  legacy(name) {
    return this.list.find((p) => p.legacy_explorer_name === name) ?? null;
  }

  /** Fills `select` with one option per preset, showing its title. */
  fill(select) {
    select.replaceChildren(...this.list.map((p) => new Option(p.title, p.name)));
  }
}
