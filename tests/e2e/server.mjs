// The browser tests' static file server: sirv (a maintained npm static server) under
// node:http, on 127.0.0.1 at an ephemeral port.
//
// It serves one directory (the trunk build, dist/) both at `/` and under `/gan-studio/`, so the
// tests can check that the build's relative asset URLs also work when the site is deployed
// under a sub-path. Files go out with `cache-control: no-store` (so every page load asks
// again, and a test can count what a page downloads) and, unless `isolate` is false, with the
// COOP/COEP headers that make the page cross-origin isolated (as `trunk serve` does).
//
//   import { startServer } from "./server.mjs";
//   const server = await startServer("/work/main/dist");
//   server.url            // "http://127.0.0.1:PORT/"
//   server.subPathUrl     // "http://127.0.0.1:PORT/gan-studio/"
//   server.requests       // every answered request: { method, url, status }
//   await server.close();
//
// Run directly (`node server.mjs [dir]`) it serves until interrupted, printing its URLs.

import { createServer } from "node:http";
import { stat } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import sirv from "sirv";

export const SUB_PATH = "/gan-studio/";

/** The headers that make the page cross-origin isolated (what `trunk serve` sends, Trunk.toml). */
export const ISOLATION_HEADERS = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
};

// The types sirv's table (mrmime) has no entry for: the checkpoints and the digits' file.
const BINARY = new Set([".bpk", ".bin"]);

/**
 * Starts serving `dir`; resolves once listening. Rejects if `dir` is not a directory. Files
 * go out with ISOLATION_HEADERS unless `isolate` is false (a static host without them).
 * `log` receives a line for every request that failed on the server's side.
 */
export async function startServer(dir, { log, isolate = true } = {}) {
  const root = resolve(dir);
  const info = await stat(root).catch(() => null);
  if (!info?.isDirectory()) throw new Error(`${root} is not a directory`);

  const files = sirv(root, {
    dev: true, // reads the directory on every request: a rebuild needs no restart
    setHeaders(res, pathname) {
      res.setHeader("cache-control", "no-store");
      if (BINARY.has(extname(pathname).toLowerCase())) res.setHeader("content-type", "application/octet-stream");
      if (isolate) for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
    },
  });
  const notFound = (res) => {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    res.end("not found\n");
  };

  const requests = [];
  const sockets = new Set();
  const server = createServer((req, res) => {
    const url = req.url; // as asked: the mount is taken off below
    res.on("finish", () => requests.push({ method: req.method, url, status: res.statusCode }));
    res.on("error", (error) => log?.(`server: ${url}: ${error.message}`));
    const path = url.split("?")[0];
    if (path === SUB_PATH.slice(0, -1)) {
      res.writeHead(301, { location: SUB_PATH });
      res.end();
      return;
    }
    if (path.startsWith(SUB_PATH)) req.url = url.slice(SUB_PATH.length - 1);
    files(req, res, () => notFound(res));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", fail);
      ok();
    });
  });
  const { port } = server.address();
  const base = `http://127.0.0.1:${port}`;
  return {
    root,
    port,
    url: `${base}/`,
    subPathUrl: `${base}${SUB_PATH}`,
    /** Every answered request, oldest first: { method, url (as asked), status }. */
    requests,
    close() {
      return new Promise((ok) => {
        server.close(() => ok());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const server = await startServer(process.argv[2] ?? ".", { log: console.error });
  console.log(`serving ${server.root} at ${server.url} and ${server.subPathUrl}`);
  const stop = () => server.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
