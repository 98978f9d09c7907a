// The quality meter's digit classifier (weights/classifier.bpk, see src/eval/): downloaded
// once, then loaded into each device that uses it: the explorer's Studio (its guess for the
// selected cell, Studio.classify) and the training worker's Trainer (Trainer.quality).

const CLASSIFIER_URL = "weights/classifier.bpk";

let download = null;
const loadedInto = new WeakMap(); // studio -> promise of its load

/**
 * The classifier file's bytes, downloaded once; later calls get the same promise (a failed
 * download is retried by the next call). `fetchBytes(url, onProgress)` downloads.
 */
export function classifierBytes(fetchBytes) {
  if (!download) {
    download = fetchBytes(CLASSIFIER_URL, () => {});
    download.catch(() => {
      download = null;
    });
  }
  return download;
}

/** Loads the classifier into `studio`, once per studio. */
export function ensureClassifier(studio, fetchBytes) {
  if (!loadedInto.has(studio)) {
    const loading = classifierBytes(fetchBytes).then((bytes) => studio.loadClassifier(bytes));
    loadedInto.set(studio, loading);
    loading.catch(() => loadedInto.delete(studio));
  }
  return loadedInto.get(studio);
}

/** The digit with the highest probability, and that probability. */
export function topDigit(probabilities) {
  let digit = 0;
  for (let d = 1; d < probabilities.length; d++) {
    if (probabilities[d] > probabilities[digit]) digit = d;
  }
  return { digit, confidence: probabilities[digit] };
}
