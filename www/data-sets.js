// @ts-check
// The data sets the page offers (the registry's `data_sets`, src/data/sets.rs): the one it
// shows, kept in the URL hash as `data=` (absent: the first, MNIST), each set's file
// (`data/<file>`) downloaded once for the whole page, the presets with shipped weights for a
// set, and the words the page names classes with ("a 7", "a Trouser", "an Ankle boot").
// Pure logic but for `fill` and the downloads' `fetchBytes`, so it is tested without a page.

import { hashReader } from "./url-state.js";

/** The data sets, the one the page shows, and their files. */
export class DataSets {
  /**
   * `list`: the registry's `data_sets` ({ name, title, item, classes, file, classifier }),
   * in menu order; the first is the default.
   */
  constructor(list) {
    this.list = list;
    /** The set a link without `data=` shows. */
    this.default = list[0];
    /** The set the page shows now. */
    this.current = this.default;
    this.downloads = new Map(); // name -> promise of its file's bytes
  }

  /** The set called `name`, else null. */
  named(name) {
    return this.list.find((set) => set.name === name) ?? null;
  }

  /**
   * The set a hash names (`#…&data=fashion`): the default without the key; an unknown name
   * is pushed to `rejected` as "data=…" and gives the default too.
   */
  fromHash(hash, rejected = []) {
    const { take } = hashReader(hash, rejected);
    return take("data", (name) => this.named(name)) ?? this.default;
  }

  /** The hash's value for the current set: null for the default (a link leaves it out). */
  get hashValue() {
    return this.current === this.default ? null : this.current.name;
  }

  /** Fills `select` with one option per set, showing its title. */
  fill(select) {
    select.replaceChildren(...this.list.map((set) => new Option(set.title, set.name)));
    select.value = this.current.name;
  }

  /**
   * The bytes of `set`'s file (`data/<file>`), downloaded once for the page: the trainer and
   * Find z share it. `fetchBytes(url, onProgress)` downloads; a failed download is tried
   * again by the next call.
   */
  bytes(set, fetchBytes, onProgress = () => {}) {
    if (!this.downloads.has(set.name)) {
      const download = fetchBytes(`data/${set.file}`, onProgress);
      this.downloads.set(set.name, download);
      download.catch(() => this.downloads.delete(set.name));
    }
    return this.downloads.get(set.name);
  }
}

/** The presets (of `presets.list`) that have shipped weights for `set`, in menu order. */
export function shippedPresets(presets, set) {
  return presets.list.filter((p) => p.shipped_files?.[set.name]);
}

/** The stem of preset `preset`'s shipped weights for `set` (`weights/<stem>.bpk`), else null. */
export function shippedFile(preset, set) {
  return preset.shipped_files?.[set.name] ?? null;
}

/**
 * The preset the explorer shows for `set`: `wanted` (a preset name) when it has weights for
 * the set, else the registry's default, else the first that has; null when none has.
 */
export function presetFor(presets, set, wanted) {
  const shipped = shippedPresets(presets, set);
  return shipped.find((p) => p.name === wanted) ?? shipped.find((p) => p === presets.default) ?? shipped[0] ?? null;
}

/** What the explorer says when no preset has weights for `set`. */
export const noShippedModel = (set) =>
  `No shipped ${set.title} model yet: train one below, or load a checkpoint that learned it.`;

// ------------------------------------------------------------------ words

/** Class `label`'s name in `set` ("7", "Trouser"). */
export const className = (set, label) => set.classes[label] ?? String(label);

/** `word` after its indefinite article: "a 7", "a Trouser", "an Ankle boot". */
export const withArticle = (word) => `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;

/** `word` with a capital first letter ("digit": "Digit"). */
export const capitalised = (word) => word.charAt(0).toUpperCase() + word.slice(1);

/** What a sentence calls class `label` of `set`: "digit 7" (a digit's name is a number), "Trouser". */
export function labelPhrase(set, label) {
  const name = className(set, label);
  return /^\d+$/.test(name) ? `${set.item} ${name}` : name;
}

/**
 * Names the options of `select` whose values are class labels (0-9) after `set`'s classes,
 * or with `numbers` (InfoGAN's categorical codes, which are no classes) after their values.
 */
export function nameClassOptions(select, set, numbers = false) {
  for (const option of select.options) {
    if (/^\d$/.test(option.value)) option.textContent = numbers ? option.value : className(set, Number(option.value));
  }
}

/**
 * The sentence the page says when a file (`what`: "mine.bpk", "The trainer's run") learned
 * data set `name`, not the one shown: it switches to `set` (the registry's set of that name),
 * or, for a name this page does not know, stays.
 */
export function switchSentence(what, name, set) {
  return set
    ? `${what} learned ${set.title}, so the page now shows ${set.title}.`
    : `${what} learned a data set this page does not have (${name}); the page stays on the one it shows.`;
}
