// @ts-check
// Trunk initializer: shows the wasm download's progress and any start-up failure on the page.
export default function initializer() {
  const status = () => document.getElementById("status");
  const bar = () => document.getElementById("progress");
  return {
    onStart: () => {
      status().textContent = "Loading the app (wasm)…";
    },
    onProgress: ({ current, total }) => {
      if (total > 0) {
        /** @type {HTMLProgressElement} */ (bar()).value = current / total;
        status().textContent = `Loading the app (wasm): ${Math.round((100 * current) / total)}%`;
      }
    },
    onFailure: (error) => {
      status().textContent = `The app could not start: ${error}`;
      status().dataset.state = "error";
    },
  };
}
