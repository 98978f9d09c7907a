// @ts-check
// GAN Studio's service worker: makes the page cross-origin isolated on static hosts that send
// no COOP/COEP headers (GitHub Pages, say), so that the CPU path can train on wasm threads,
// whose shared memory needs isolation. It adds the headers to the site's own responses and
// changes nothing else: it caches nothing and leaves other origins' requests alone (the page
// makes none). www/isolation.js registers it and reloads the page once it is in control.

const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
};

/** This service worker's global scope (TypeScript's DOM library types `self` as a window). */
const worker = /** @type {any} */ (self);

worker.addEventListener("install", () => worker.skipWaiting());
worker.addEventListener("activate", (/** @type {any} */ event) => event.waitUntil(worker.clients.claim()));

worker.addEventListener("fetch", (/** @type {any} */ event) => {
  const { request } = event;
  if (new URL(request.url).origin !== worker.location.origin) return;
  if (request.cache === "only-if-cached" && request.mode !== "same-origin") return;
  event.respondWith(
    fetch(request).then((response) => {
      if (response.status === 0) return response; // opaque: nothing to add to
      const headers = new Headers(response.headers);
      for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }),
  );
});
