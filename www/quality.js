// The quality meter's digit classifier (weights/classifier.bpk, see src/eval/): downloaded
// once, loaded into the Studio, then used by the trainer's meter (Trainer.quality) and the
// explorer's guess for the selected cell (Studio.classify).

const CLASSIFIER_URL = "weights/classifier.bpk";

let loading = null;

/**
 * Downloads the classifier and loads it into `studio`, once; later calls get the same promise
 * (a failed download is retried by the next call). `fetchBytes(url, onProgress)` downloads.
 */
export function ensureClassifier(studio, fetchBytes) {
  if (!loading) {
    loading = (async () => {
      const bytes = await fetchBytes(CLASSIFIER_URL, () => {});
      studio.loadClassifier(bytes);
    })();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** The digit with the highest probability, and that probability. */
export function topDigit(probabilities) {
  let digit = 0;
  for (let d = 1; d < probabilities.length; d++) {
    if (probabilities[d] > probabilities[digit]) digit = d;
  }
  return { digit, confidence: probabilities[digit] };
}
