// @ts-check
// The quality meter's classifier of each data set (weights/<classifier>.bpk, the registry's
// `classifier` of the set; see src/eval/): downloaded once per set, then loaded into each device
// that uses it: the explorer's Studio (its guess for the selected cell, Studio.classify; one
// set at a time) and the training worker's Trainer (Trainer.quality, one per set). A set whose
// classifier is not in this build gets a sentence that says so, not a broken page. Also the
// words of the meter's per-class figures.

import { className } from "./data-sets.js";

const downloads = new Map(); // data set name -> promise of its classifier's bytes
const loadedInto = new WeakMap(); // studio -> { name, promise of its load }

/** Where data set `set`'s classifier is. */
export const classifierUrl = (set) => `weights/${set.classifier}.bpk`;

/**
 * Data set `set`'s classifier file, downloaded once; later calls get the same promise. A
 * failed download rejects with a sentence that says the set has no classifier here, and is
 * tried again by the next call, unless the file is not there (HTTP 404): this build has none.
 * `fetchBytes(url, onProgress)` downloads.
 */
export function classifierBytes(fetchBytes, set) {
  if (!downloads.has(set.name)) {
    const download = fetchBytes(classifierUrl(set), () => {}).catch((error) => {
      if (!/HTTP 404/.test(error?.message ?? error)) downloads.delete(set.name);
      throw new Error(noClassifier(set, error));
    });
    downloads.set(set.name, download);
  }
  return downloads.get(set.name);
}

/** The sentence for a data set whose classifier could not be had (`error`: why). */
export function noClassifier(set, error) {
  const url = classifierUrl(set);
  const why = String(error?.message ?? error).replace(`${url}: `, ""); // a download's error names the file
  return `There is no classifier for ${set.title} here (${url}: ${why}), so nothing is scored or named for it.`;
}

/** Loads data set `set`'s classifier into `studio` (once per studio and set; a studio holds one). */
export function ensureClassifier(studio, fetchBytes, set) {
  const held = loadedInto.get(studio);
  if (held?.name !== set.name) {
    const promise = classifierBytes(fetchBytes, set).then((bytes) => studio.loadClassifier(bytes));
    loadedInto.set(studio, { name: set.name, promise });
    promise.catch(() => {
      if (loadedInto.get(studio)?.promise === promise) loadedInto.delete(studio);
    });
  }
  return loadedInto.get(studio).promise;
}

/** The class with the highest probability (`digit`, its label), and that probability. */
export function topDigit(probabilities) {
  let digit = 0;
  for (let d = 1; d < probabilities.length; d++) {
    if (probabilities[d] > probabilities[digit]) digit = d;
  }
  return { digit, confidence: probabilities[digit] };
}

/**
 * The meter's per-class words for a report's `class_histogram` (counts per class label):
 * "By class: T-shirt/top 12%, Trouser 9%, … Not drawn: Bag." (a class under 1% is not drawn).
 */
export function describeClasses(histogram, set) {
  const total = histogram.reduce((a, b) => a + b, 0) || 1;
  const shares = histogram.map((count, label) => ({ name: className(set, label), share: count / total }));
  const drawn = shares.filter((s) => s.share >= 0.01).map((s) => `${s.name} ${Math.round(100 * s.share)}%`);
  const missing = shares.filter((s) => s.share < 0.01).map((s) => s.name);
  return `By class: ${drawn.join(", ") || "none"}.${missing.length ? ` Not drawn: ${missing.join(", ")}.` : ""}`;
}
