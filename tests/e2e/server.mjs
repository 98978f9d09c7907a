// A tiny static file server for the browser tests (node:http only, no dependencies).
//
// It serves one directory (the trunk build, dist/) on 127.0.0.1 at an ephemeral port, both at
// `/` and under `/gan-studio/`, so the tests can check that the build's relative asset URLs
// also work when the site is deployed under a sub-path. Loopback only; GET and HEAD only.
//
//   import { startServer } from "./server.mjs";
//   const server = await startServer("/work/main/dist");
//   server.url            // "http://127.0.0.1:PORT/"
//   server.subPathUrl     // "http://127.0.0.1:PORT/gan-studio/"
//   await server.close();
//
// Run directly (`node server.mjs [dir]`) it serves until interrupted, printing its URLs.

import { createServer } from "node:http";
import { open, stat } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";

export const SUB_PATH = "/gan-studio/";

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".bpk": "application/octet-stream",
  ".bin": "application/octet-stream",
};

export function mimeType(path) {
  return MIME[extname(path).toLowerCase()] ?? "application/octet-stream";
}

/**
 * Maps a request path to a file under `root`, or null when it is outside every mount or tries
 * to leave the directory. `/` and `/gan-studio/` both serve `root`; a path ending in `/` means
 * its index.html; `/gan-studio` (no slash) is answered with a redirect by the caller.
 */
function resolvePath(root, urlPath) {
  let rel;
  if (urlPath.startsWith(SUB_PATH)) rel = urlPath.slice(SUB_PATH.length);
  else if (urlPath.startsWith("/")) rel = urlPath.slice(1);
  else return null;
  let decoded;
  try {
    decoded = decodeURIComponent(rel);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  if (decoded === "" || decoded.endsWith("/")) decoded += "index.html";
  const file = resolve(root, decoded);
  if (file !== root && !file.startsWith(root + sep)) return null;
  return file;
}

function sendText(res, status, text, extraHeaders = {}) {
  const body = Buffer.from(text + "\n");
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": body.length,
    ...extraHeaders,
  });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

async function handle(root, req, res, { log, headers }) {
  let urlPath;
  try {
    urlPath = new URL(req.url, "http://127.0.0.1").pathname;
  } catch {
    return sendText(res, 400, "bad request");
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    return sendText(res, 405, "method not allowed", { allow: "GET, HEAD" });
  }
  if (urlPath === SUB_PATH.slice(0, -1)) {
    return sendText(res, 301, "moved", { location: SUB_PATH });
  }
  const file = resolvePath(root, urlPath);
  if (!file) return sendText(res, 404, "not found");
  let fh;
  try {
    const info = await stat(file);
    if (!info.isFile()) return sendText(res, 404, "not found");
    fh = await open(file, "r");
    res.writeHead(200, {
      "content-type": mimeType(file),
      "content-length": info.size,
      "cache-control": "no-store",
      ...headers,
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    const stream = fh.createReadStream();
    fh = null; // the stream owns (and closes) it now
    stream.on("error", () => res.destroy());
    stream.pipe(res);
  } catch (error) {
    if (error.code === "ENOENT" || error.code === "ENOTDIR" || error.code === "EISDIR") {
      return sendText(res, 404, "not found");
    }
    log?.(`server: ${req.url}: ${error.message}`);
    if (!res.headersSent) sendText(res, 500, "internal error");
    else res.destroy();
  } finally {
    await fh?.close();
  }
}

/** The headers that make the page cross-origin isolated (what `trunk serve` sends, Trunk.toml). */
export const ISOLATION_HEADERS = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
};

/**
 * Starts serving `dir`; resolves once listening. Rejects if `dir` is not a directory. Files
 * go out with ISOLATION_HEADERS unless `isolate` is false (a static host without them).
 */
export async function startServer(dir, { log, isolate = true } = {}) {
  const root = resolve(dir);
  const info = await stat(root).catch(() => null);
  if (!info?.isDirectory()) throw new Error(`${root} is not a directory`);
  const requests = [];
  const sockets = new Set();
  const server = createServer((req, res) => {
    res.on("finish", () => requests.push({ method: req.method, url: req.url, status: res.statusCode }));
    handle(root, req, res, { log, headers: isolate ? ISOLATION_HEADERS : {} }).catch((error) => {
      log?.(`server: ${req.url}: ${error.message}`);
      res.destroy();
    });
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
  const url = `http://127.0.0.1:${port}/`;
  return {
    root,
    port,
    url,
    subPathUrl: `http://127.0.0.1:${port}${SUB_PATH}`,
    /** Every answered request, oldest first: { method, url, status }. */
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
