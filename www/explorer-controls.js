// @ts-check
// The explorer's controls (explorer.js): the form kept in step with the view, the latent's
// sliders, every control's events, a found z taken into the view, and the view read back
// from an edited or shared link. Methods of Explorer (panel-parts.js).

import { capitalised, labelPhrase, nameClassOptions, withArticle } from "./data-sets.js";
import { MAX_GRID, MAX_SEED, defaultState, intIn, stateFromHash } from "./url-state.js";
import { $, fail } from "./page.js";
import { GRID_GAP } from "./canvas.js";
import { showRejected } from "./explorer-link.js";

/** The explorer's methods for its controls. */
export const controlMethods = {
  syncControls() {
    const s = this.state;
    const select = $("model");
    if (this.customModel && !this.presets.named(s.model)) {
      let option = select.querySelector('option[data-custom="1"]');
      if (!option) {
        option = new Option("", s.model);
        option.dataset.custom = "1";
        select.add(option);
      }
      option.value = s.model;
      option.textContent = this.customLabel ?? `${s.model} (loaded file)`;
    }
    select.value = this.empty ? "" : s.model; // without a model of the data set: "no shipped model yet"
    $("seed").value = s.seed;
    $("grid-size").value = s.grid;
    $("label").value = s.label;
    $("style-grid").checked = s.styleGrid;
    $("alpha").value = s.alpha;
    $("alpha-value").textContent = Number(s.alpha).toFixed(2);
    $("z1-seed").value = s.z1;
    $("z2-seed").value = s.z2;
    $("slerp").checked = s.slerp;
    $("interp-mode").value = this.coded ? s.interpMode : "z";
    $("y1").value = s.y1;
    $("y2").value = s.y2;
    const show = (selector, on) => {
      for (const el of document.querySelectorAll(selector)) {
        el.hidden = !on;
        if ("disabled" in el) el.disabled = !on;
      }
    };
    show(".conditional-only", this.coded);
    show(".latent-codes-only", this.info.latentCodes);
    const set = this.dataSets.current;
    const unit = this.info.latentCodes ? "code" : set.item;
    $("label-name").textContent = this.info.latentCodes ? "Categorical code" : capitalised(set.item);
    // InfoGAN's categorical codes are numbers; the labels of the other models are classes
    for (const select of [$("label"), $("y1"), $("y2")]) nameClassOptions(select, set, this.info.latentCodes);
    $("label").querySelector('option[value="mixed"]').textContent = `each column ${withArticle(unit)}`;
    const numbered = unit === "code" || /^\d+$/.test(set.classes[0]);
    $("style-grid-name").textContent = numbered ? `Style grid (row r is ${unit} r, each column one z)`
      : `Style grid (a row per class, ${set.classes[0]} to ${set.classes.at(-1)}; each column one z)`;
    $("y1-name").textContent = `${capitalised(unit)} y₁`;
    $("y2-name").textContent = `${capitalised(unit)} y₂`;
    $("interp-label-option").textContent = `two ${unit}s (fixed z)`;
    for (const key of ["k1", "k2"]) {
      const slider = $(`code-${key}`);
      slider.min = String(-this.info.codeRange);
      slider.max = String(this.info.codeRange);
      slider.value = s[key];
      $(`code-${key}-value`).textContent = Number(s[key]).toFixed(2);
    }
    const labelMode = this.coded && s.interpMode === "label";
    /** @type {HTMLElement} */ (document.querySelector(".label-endpoints")).hidden = !labelMode;
    const what = this.info.conditional ? `, conditioned on the ${set.item}`
      : this.info.latentCodes ? ", with a categorical code (0–9) and two continuous codes it learned to use" : "";
    $("model-info").textContent = this.empty ??
      `${this.info.kind}: nz = ${this.info.nz}, ${this.info.imageSize}×${this.info.imageSize} images${what}`;
    this.buildSliders();
    this.finder?.modelChanged();
  },

  /**
   * Puts a z found by "Find z" (www/find-z.js) into the selected cell and draws it. With a
   * model that takes a code the grid then draws the found digit (InfoGAN: its codes) in every
   * cell. Returns a sentence saying what changed.
   */
  useFoundZ(z, label, codes) {
    const s = this.state;
    if (this.coded) {
      const wasStyleGrid = s.styleGrid;
      s.styleGrid = false;
      s.label = String(label);
      if (this.info.latentCodes && codes?.length >= 12) {
        const range = this.info.codeRange;
        [s.k1, s.k2] = [codes[10], codes[11]].map((v) => Math.max(-range, Math.min(range, v)));
      }
      if (wasStyleGrid) this.resetLatents(); // one z per cell again
    }
    this.cellZ(s.cell).set(z);
    this.syncControls();
    if (this.coded) {
      this.requestGrid();
      this.requestInterpolation(true);
      const shown = this.info.latentCodes ? `code ${label}` : labelPhrase(this.dataSets.current, label);
      return `Cell ${s.cell + 1} now draws it; the grid shows ${shown}.`;
    }
    this.requestCell();
    this.requestGuess();
    return `Cell ${s.cell + 1} now draws it.`;
  },

  buildSliders() {
    const box = $("z-sliders");
    box.replaceChildren();
    const z = this.cellZ(this.state.cell);
    $("selected-cell").textContent = String(this.state.cell + 1);
    for (let d = 0; d < this.nz; d++) {
      const wrap = document.createElement("div");
      wrap.className = "slider";
      const label = document.createElement("label");
      label.htmlFor = `z-${d}`;
      label.textContent = `z${d}`;
      const input = document.createElement("input");
      // The prior's reach: ±3 for a Gaussian z, the cube's ±1 for a uniform one.
      const range = this.info.priorRange;
      Object.assign(input, { type: "range", id: `z-${d}`, min: String(-range), max: String(range), step: "0.01" });
      input.value = String(z[d]);
      input.dataset.dim = String(d);
      wrap.append(label, input);
      box.append(wrap);
    }
  },

  bind() {
    const s = this.state;
    // A new panel width refits the grid, in the next frame: resizing the panel from within
    // its own observer's callback would be a resize loop.
    let panelWidth = 0;
    new ResizeObserver(([entry]) => {
      if (entry.contentRect.width === panelWidth) return; // a height change (our own refit)
      panelWidth = entry.contentRect.width;
      requestAnimationFrame(() => this.fitGrid());
    }).observe($("grid-canvas").closest(".panel"));
    $("model").disabled = false;
    $("model").addEventListener("change", async (e) => {
      const name = e.target.value;
      if (!this.presets.named(name)) return; // the loaded file's entry: nothing to fetch
      await this.switchModel(name);
    });
    this.dataSetMenu.bind(fail);
    $("seed").addEventListener("change", (e) => {
      const seed = intIn(e.target.value, 0, MAX_SEED);
      if (seed === null) {
        e.target.value = s.seed;
        return;
      }
      s.seed = seed;
      this.resetLatents();
      this.buildSliders();
      this.requestGrid();
    });
    $("new-noise").addEventListener("click", () => {
      s.seed = Math.floor(Math.random() * (MAX_SEED + 1));
      $("seed").value = s.seed;
      this.resetLatents();
      this.buildSliders();
      this.requestGrid();
    });
    $("grid-size").addEventListener("change", (e) => {
      s.grid = intIn(e.target.value, 1, MAX_GRID) ?? defaultState(this.presets).grid;
      this.resetLatents();
      this.buildSliders();
      this.requestGrid();
    });
    $("label").addEventListener("change", (e) => {
      s.label = e.target.value;
      this.redrawAll();
    });
    $("style-grid").addEventListener("change", (e) => {
      s.styleGrid = e.target.checked;
      this.resetLatents();
      this.buildSliders();
      this.requestGrid();
    });
    $("grid-canvas").addEventListener("click", (e) => {
      const canvas = e.currentTarget;
      const size = this.info.imageSize + GRID_GAP;
      const x = (e.offsetX * canvas.width) / canvas.clientWidth;
      const y = (e.offsetY * canvas.height) / canvas.clientHeight;
      const col = Math.min(this.cols - 1, Math.floor(x / size));
      const row = Math.min(this.rows - 1, Math.floor(y / size));
      this.selectCell(row * this.cols + col);
    });
    $("cell").addEventListener("change", (e) => {
      const cell = intIn(e.target.value, 1, this.rows * this.cols);
      if (cell === null) e.target.value = String(s.cell + 1);
      else this.selectCell(cell - 1);
    });
    $("z-sliders").addEventListener("input", (e) => {
      const dim = Number(e.target.dataset.dim);
      if (!Number.isInteger(dim)) return;
      this.cellZ(s.cell)[dim] = Number(e.target.value);
      this.requestCell();
    });
    // The classifier's guess waits for the drag to end (it reads z, not the pixels).
    $("z-sliders").addEventListener("change", () => this.requestGuess());
    $("z-reset").addEventListener("click", () => {
      const fresh = this.wasm.sampleZ(s.seed, this.z.length / this.nz, this.nz, this.info.prior);
      const i = this.zIndex(s.cell) * this.nz;
      this.z.set(fresh.subarray(i, i + this.nz), i);
      this.buildSliders();
      this.requestCell();
      this.requestGuess();
    });
    $("export-grid").addEventListener("click", () => this.exportCanvas($("grid-canvas"), "grid"));
    $("export-strip").addEventListener("click", () => this.exportCanvas($("strip-canvas"), "strip"));
    $("export-loop").addEventListener("click", () => this.downloadLoop());

    $("alpha").addEventListener("input", (e) => {
      s.alpha = Number(e.target.value);
      $("alpha-value").textContent = s.alpha.toFixed(2);
      this.requestInterpolation(false);
    });
    for (const which of ["z1", "z2"]) {
      $(`${which}-seed`).addEventListener("change", (e) => {
        const seed = intIn(e.target.value, 0, MAX_SEED);
        if (seed === null) {
          e.target.value = s[which];
          return;
        }
        s[which] = seed;
        this.endpoints[which] = null;
        this.requestInterpolation(true);
      });
      $(`${which}-from-cell`).addEventListener("click", () => {
        this.endpoints[which] = Float32Array.from(this.cellZ(s.cell));
        this.requestInterpolation(true);
      });
    }
    for (const key of ["k1", "k2"]) {
      // A continuous code changes every cell: the grid and the interpolation redraw while
      // the slider moves, the classifier's guess once it stops.
      $(`code-${key}`).addEventListener("input", (e) => {
        s[key] = Number(e.target.value);
        $(`code-${key}-value`).textContent = s[key].toFixed(2);
        this.requestGrid({ guess: false });
        this.requestInterpolation(true);
      });
      $(`code-${key}`).addEventListener("change", () => this.requestGuess());
    }
    $("slerp").addEventListener("change", (e) => {
      s.slerp = e.target.checked;
      this.requestInterpolation(true);
    });
    $("interp-mode").addEventListener("change", (e) => {
      s.interpMode = e.target.value;
      this.syncControls();
      this.requestInterpolation(true);
    });
    for (const which of ["y1", "y2"]) {
      $(which).addEventListener("change", (e) => {
        s[which] = Number(e.target.value);
        this.requestInterpolation(true);
      });
    }

    $("checkpoint-file").addEventListener("change", (e) => {
      const file = e.target.files[0];
      if (file) this.loadFile(file);
      e.target.value = "";
    });
    document.addEventListener("dragover", (e) => e.preventDefault());
    document.addEventListener("drop", (e) => {
      e.preventDefault();
      const file = e.dataTransfer?.files?.[0];
      if (file) this.loadFile(file);
    });
  },

  /**
   * The URL's hash changed by hand (an edited address, Back or Forward; the page's own
   * writes change no hash): shows the view it names, loading another model's weights first.
   * Changes apply one after another, each on the view the one before left.
   */
  applyHash(hash) {
    this.hashChanges = this.hashChanges.then(async () => {
      const rejected = [];
      const next = stateFromHash(hash, this.presets, rejected);
      const set = this.dataSets.fromHash(hash, rejected);
      showRejected(rejected);
      const model = next.model;
      this.state = { ...next, model: this.state.model };
      if (set !== this.dataSets.current || this.empty) {
        // another data set, or none of its models to show: its own models, or its message
        this.state.model = model;
        if (set !== this.dataSets.current) await this.dataSetMenu.change(set.name);
        this.resetLatents();
        this.syncControls();
        this.redrawAll();
      } else if (model !== this.state.model) {
        await this.switchModel(model);
      } else {
        this.resetLatents();
        this.syncControls();
        this.redrawAll();
      }
    }).catch(fail);
    return this.hashChanges;
  },
};
