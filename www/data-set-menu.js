// @ts-check
// The top bar's Data set menu and what a change of data set does to the page (issue #27):
// the explorer's model menu lists the presets with shipped weights for the set and loads one
// of them, or, where none has any, says so and draws nothing; the trainer's next run
// (trainer.js) and Find z (find-z.js) take the set too. A model that learned another set (a
// file, the trainer's run) takes the page to that set, saying so in one sentence. The data
// sets themselves, their link key and their words are www/data-sets.js's.

import { noShippedModel, presetFor, shippedPresets, switchSentence } from "./data-sets.js";
import { $ } from "./page.js";

/** The Data set menu of the explorer `explorer` (www/explorer.js). */
export class DataSetMenu {
  /** `explorer`: the page's Explorer (its data sets, models, trainer and Find z). */
  constructor(explorer) {
    this.explorer = explorer;
    this.dataSets = explorer.dataSets;
  }

  /** Fills the menu with the data sets, shows the current one and follows its changes (`fail`: errors). */
  bind(fail) {
    const select = $("data-set");
    this.dataSets.fill(select);
    select.disabled = false;
    select.addEventListener("change", (e) => this.change(e.target.value).catch(fail));
  }

  /** Fills the model menu with the presets that have shipped weights for the data set shown. */
  fillModels() {
    const shipped = shippedPresets(this.explorer.presets, this.dataSets.current);
    $("model").replaceChildren(...shipped.map((p) => new Option(p.title, p.name)));
    if (shipped.length === 0) $("model").add(new Option("no shipped model yet", ""));
  }

  /**
   * Shows data set `name` across the page: the menu and the link, the model menu and the
   * model (with `keepModel` the one shown, a file that learned the set; else the set's
   * weights of the current preset or another, or without any a message instead of the
   * views), the trainer's next run and Find z. `why`: a sentence for the page (empty: none).
   */
  async change(name, { keepModel = false, why = "" } = {}) {
    $("data-set-note").textContent = why;
    $("data-set-note").hidden = !why;
    const set = this.dataSets.named(name);
    if (!set || set === this.dataSets.current) return;
    const explorer = this.explorer;
    this.dataSets.current = set;
    $("data-set").value = set.name;
    this.fillModels();
    explorer.trainer?.dataSetChanged();
    explorer.finder?.dataSetChanged();
    if (keepModel) {
      explorer.syncControls();
      explorer.redrawAll();
      return;
    }
    explorer.customModel = null;
    const preset = presetFor(explorer.presets, set, explorer.state.model);
    if (!preset || !(await explorer.switchModel(preset.name))) explorer.showEmpty(noShippedModel(set));
  }

  /**
   * The model shown learned another data set than the page's (`what` names where it came
   * from: a file's name, "The trainer's run"): the page switches to that set, saying so.
   */
  follow(what) {
    const name = this.explorer.info.dataSet;
    if (name === this.dataSets.current.name) return Promise.resolve();
    return this.change(name, { keepModel: true, why: switchSentence(what, name, this.dataSets.named(name)) });
  }
}
