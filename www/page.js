// @ts-check
// The page's own plumbing, shared by its scripts: an element by id, the status line, failures
// said there, downloads with progress and which mode the page shows.

/**
 * The page's element with id `id` (typed loosely: each caller knows which kind it is).
 * @param {string} id
 * @returns {any}
 */
export const $ = (id) => document.getElementById(id);

/** Sets the page's status line: `text`, in `state` ("loading", "ready" or "error"). */
export function setStatus(text, state = "loading") {
  const status = $("status");
  status.textContent = text;
  status.dataset.state = state;
}

/** Says a failure in the page's status line (and the console). */
export function fail(error) {
  const message = error && error.message ? error.message : String(error);
  console.error(error);
  setStatus(`Error: ${message}`, "error");
}

/** Fetches a file with progress reported as a fraction (when the size is known). */
export async function fetchWithProgress(url, onProgress) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const total = Number(response.headers.get("content-length")) || 0;
  if (!response.body || !total) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const bytes = new Uint8Array(total);
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes.set(value, received);
    received += value.length;
    onProgress(received / total);
  }
  return bytes.subarray(0, received);
}

/** Which mode the page shows: "explorer" (MNIST) or "lab" (the 2-D lab). */
export const pageMode = () => (document.body.dataset.mode === "lab" ? "lab" : "explorer");
