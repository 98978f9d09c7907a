// @ts-check
// Cross-origin isolation on hosts that do not send COOP/COEP headers: registers the page's
// service worker (coi-sw.js, which adds them) and reloads the page once it is in control.
// Wasm threads need isolation; without it the CPU path runs on one thread, and says so.

/** The session's note that the page already reloaded for isolation: never reload twice. */
const RELOADED = "gan-studio-isolation-reload";
/** How long the page waits for its service worker to take over before it starts without. */
const ACTIVATION_TIMEOUT_MS = 4000;

/**
 * Makes the page cross-origin isolated if it can: resolves to true when the page is about
 * to reload for it (the caller then starts nothing), else false (isolated already, or it
 * cannot be: no service workers, not a secure context, or the reload did not isolate it).
 * @returns {Promise<boolean>}
 */
export async function ensureIsolation() {
  if (globalThis.crossOriginIsolated) {
    sessionStorage.removeItem(RELOADED);
    return false;
  }
  if (!window.isSecureContext || !("serviceWorker" in navigator)) return false;
  try {
    await navigator.serviceWorker.register(new URL("coi-sw.js", document.baseURI));
    // A worker that never activates (blocked by the browser's settings, say) must not hold
    // the page back: after a while it starts without isolation.
    const timeout = new Promise((_, reject) => {
      setTimeout(() => reject(new Error(`not active after ${ACTIVATION_TIMEOUT_MS / 1000} s`)), ACTIVATION_TIMEOUT_MS);
    });
    await Promise.race([navigator.serviceWorker.ready, timeout]);
  } catch (error) {
    console.warn("the service worker that isolates the page did not start:", error);
    return false;
  }
  if (sessionStorage.getItem(RELOADED)) return false;
  sessionStorage.setItem(RELOADED, "1");
  location.reload();
  return true;
}
