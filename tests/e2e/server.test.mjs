// The tests' static server (server.mjs): mounts, MIME types, lengths, 404s. No browser needed.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "node:http";
import { startServer } from "./server.mjs";

let dir;
let server;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "gan-studio-server-"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><p>hi</p>");
  writeFileSync(join(dir, "app.js"), "export {};");
  writeFileSync(join(dir, "init.mjs"), "export {};");
  writeFileSync(join(dir, "x_bg.wasm"), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  writeFileSync(join(dir, "style.css"), "p{}");
  mkdirSync(join(dir, "weights"));
  writeFileSync(join(dir, "weights", "m.bpk"), Buffer.alloc(1000, 7));
  server = await startServer(dir);
});

after(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A raw GET (fetch would normalise `..` away). */
function get(path, method = "GET") {
  return new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port: server.port, path, method }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", fail);
    req.end();
  });
}

test("listens on loopback only, on an ephemeral port", () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.notEqual(server.port, 0);
  assert.equal(server.subPathUrl, `${server.url}gan-studio/`);
});

test("serves files at / and under /gan-studio/ with MIME types and lengths", async () => {
  const cases = [
    ["index.html", "text/html", 24],
    ["app.js", "text/javascript", 10],
    ["init.mjs", "text/javascript", 10],
    ["x_bg.wasm", "application/wasm", 8],
    ["style.css", "text/css", 3],
    ["weights/m.bpk", "application/octet-stream", 1000],
  ];
  for (const prefix of ["/", "/gan-studio/"]) {
    for (const [file, type, length] of cases) {
      const res = await get(prefix + file);
      assert.equal(res.status, 200, prefix + file);
      assert.equal(res.headers["content-type"].split(";")[0], type, prefix + file);
      assert.equal(Number(res.headers["content-length"]), length, prefix + file);
      assert.equal(res.body.length, length, prefix + file);
    }
    const index = await get(prefix);
    assert.equal(index.status, 200);
    assert.equal(index.body.toString(), "<!doctype html><p>hi</p>");
  }
  const head = await get("/x_bg.wasm", "HEAD");
  assert.equal(head.status, 200);
  assert.equal(head.headers["content-length"], "8");
  assert.equal(head.body.length, 0);
});

test("404s, redirects and refusals", async () => {
  for (const path of ["/nope.js", "/gan-studio/nope", "/weights/", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/gan-studio/..%2f..%2fetc%2fpasswd", "/%E0%A4%A"]) {
    assert.equal((await get(path)).status, 404, path);
  }
  const redirect = await get("/gan-studio");
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.location, "/gan-studio/");
  assert.equal((await get("/index.html", "POST")).status, 405);
});
