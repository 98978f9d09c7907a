// A seeded fuzz of 100 malformed checkpoints (truncations, flipped bits, random bytes, an
// empty file, 200 MB, another model's weights under a header, another nz or width, a future
// version, section lengths that lie, a broken header, NaN weights with matching checksums)
// through the CLI (`gan inspect` and `gan sample`) and the page (half through the file input,
// half dropped on the page): no panic or hang, a clear message for each, and the model shown
// before keeps drawing.
//
// The files are made here from the shipped checkpoints, rewriting a header (and its
// checksums, src/checkpoint/mod.rs's layout) where a case needs a well-formed file that lies.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { crc32 } from "node:zlib";
import {
  DIST, WAIT_TIMEOUT, NO_WEBGPU_ARGS, launch, closeAll, watchErrors, assertNoErrors,
  explorerSettled, seeded,
} from "./harness.mjs";
import { GAN_BIN } from "./gan-bin.mjs";
import { startServer } from "./server.mjs";

const run = promisify(execFile);

let server;
let browser;
let work;

before(async () => {
  server = await startServer(DIST);
  browser = await launch(NO_WEBGPU_ARGS);
  work = mkdtempSync(join(tmpdir(), "gan-studio-fuzz-"));
});

after(async () => {
  await closeAll();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A version 2 checkpoint's parts: its header (parsed) and its sections' bytes, in order. */
function parse(bytes) {
  const length = bytes.readUInt32LE(12);
  const header = JSON.parse(bytes.subarray(16, 16 + length).toString("utf8"));
  assert.equal(bytes.readUInt32LE(8), 2, "the shipped checkpoints are version 2");
  let at = 20 + length;
  const sections = header.sections.map(([, len]) => {
    const section = bytes.subarray(at, at + len);
    at += len;
    return section;
  });
  return { header, sections };
}

/**
 * A checkpoint of `header` and `sections` with every checksum recomputed (so only what the
 * caller changed is wrong); `lengths` overrides the lengths the header states.
 */
function build(header, sections, lengths = null) {
  const full = {
    ...header,
    sections: sections.map((s, i) => [header.sections[i]?.[0] ?? "generator", lengths?.[i] ?? s.length]),
    checksums: sections.map((s) => crc32(s) >>> 0),
  };
  return Buffer.concat([framed(Buffer.from(JSON.stringify(full), "utf8")), ...sections]);
}

/** The version 2 frame of the header bytes `json`: magic, version, length, header, its CRC32. */
function framed(json) {
  const head = Buffer.alloc(16);
  head.write("GANSTDIO", 0, "latin1");
  head.writeUInt32LE(2, 8);
  head.writeUInt32LE(json.length, 12);
  const frame = Buffer.concat([head, json]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(frame) >>> 0, 0);
  return Buffer.concat([frame, crc]);
}

/** The 100 malformed files: { name, bytes, kind }, drawn with seed `seed`. */
function corpus(seed) {
  const random = seeded(seed);
  const below = (n) => Math.floor(random() * n);
  const dcgan = readFileSync(join(DIST, "weights", "dcgan.bpk"));
  const mlp = readFileSync(join(DIST, "weights", "mlp.bpk"));
  const d = parse(dcgan);
  const m = parse(mlp);
  const makers = {
    truncated: () => dcgan.subarray(0, below(dcgan.length)),
    "flipped bit": () => {
      const copy = Buffer.from(dcgan);
      copy[below(copy.length)] ^= 1 << below(8);
      return copy;
    },
    "random bytes": () => Buffer.from(Array.from({ length: 1 + below(50_000) }, () => below(256))),
    "random after the magic": () => Buffer.concat([Buffer.from("GANSTDIO"), Buffer.from(Array.from({ length: below(5000) }, () => below(256)))]),
    "another model": () => build({ ...m.header }, d.sections),
    "another nz or width": () => {
      const model = { ...d.header.model };
      if (random() < 0.5) model.nz = 1 + below(300);
      else model.ngf = 1 + below(100);
      return build({ ...d.header, model }, d.sections);
    },
    "future version": () => {
      const copy = Buffer.from(dcgan);
      copy.writeUInt32LE(3 + below(1000), 8);
      return copy;
    },
    "lying section length": () => build(d.header, d.sections, d.sections.map((s) => Math.max(0, s.length + below(2001) - 1000))),
    "broken header": () => framed(Buffer.from(`{"format_version":2,"model":{"kind":"dcgan","nz":${below(5)}`, "utf8")),
    "NaN weights": () => {
      const generator = Buffer.from(d.sections[0]);
      generator.writeUInt16LE(0x7e00, generator.length - 2); // an f16 NaN in the last weight
      return build(d.header, [generator, ...d.sections.slice(1)]);
    },
  };
  const kinds = Object.keys(makers);
  const files = [
    { name: "empty.bpk", bytes: Buffer.alloc(0), kind: "empty" },
    // 200 MB: a real checkpoint with 200 MB of zeros after it.
    { name: "huge.bpk", bytes: Buffer.concat([dcgan, Buffer.alloc(200 * 1024 * 1024)]), kind: "200 MB" },
  ];
  for (let i = files.length; i < 100; i++) {
    const kind = kinds[i % kinds.length];
    files.push({ name: `fuzz-${String(i).padStart(3, "0")}.bpk`, bytes: makers[kind](), kind });
  }
  return files;
}

/** Runs the CLI on `args`; resolves to { code, stderr } (never throws on a failing command). */
async function gan(args) {
  try {
    await run(GAN_BIN, args, { timeout: 60_000, maxBuffer: 1 << 20 });
    return { code: 0, stderr: "" };
  } catch (error) {
    return { code: error.code, stderr: String(error.stderr ?? ""), killed: error.killed };
  }
}

describe("malformed checkpoints", { timeout: 30 * 60_000 }, () => {
  const files = corpus(100);

  test("(z1) the CLI refuses each of 100 malformed checkpoints with a clear message", { timeout: 15 * 60_000 }, async (t) => {
    const byKind = {};
    for (const { name, bytes, kind } of files) {
      const path = join(work, name);
      writeFileSync(path, bytes);
      for (const args of [["inspect", path], ["sample", "--weights", path, "--grid", "2x2", "--out", join(work, "out.png")]]) {
        const { code, stderr, killed } = await gan(args);
        assert.ok(!killed, `gan ${args[0]} ${name} (${kind}) hung`);
        assert.equal(code, 1, `gan ${args[0]} ${name} (${kind}) exits 1, not ${code}: ${stderr}`);
        assert.doesNotMatch(stderr, /panicked|RUST_BACKTRACE/, `${name} (${kind}) panicked`);
        assert.match(stderr, new RegExp(`^error: ${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `), `${name} (${kind}): the message names the file: ${stderr}`);
        assert.ok(stderr.trim().split("\n")[0].length > path.length + 20, `${name}: a reason, not just the name`);
      }
      const first = (await gan(["inspect", path])).stderr.split("\n")[0].slice(path.length + 9);
      (byKind[kind] ??= new Set()).add(first.replace(/\d+/g, "N").slice(0, 70));
    }
    for (const [kind, messages] of Object.entries(byKind)) t.diagnostic(`${kind}: ${[...messages].slice(0, 3).join(" | ")}`);
  });

  test("(z2) the page refuses each of them, by file input or drop, and the model shown keeps drawing", { timeout: 15 * 60_000 }, async (t) => {
    const page = await browser.newPage();
    page.setDefaultTimeout(WAIT_TIMEOUT);
    const errors = watchErrors(page);
    await page.goto(`${server.url}#device=cpu&model=dcgan&n=2&s=1`, { waitUntil: "domcontentloaded" });
    await page.waitForFunction(() => document.querySelector("#status")?.dataset.state === "ready" &&
      window.ganStudio?.trainer && Number(document.querySelector("#grid-canvas").dataset.renderCount) >= 1, null, { polling: 100 });
    const settled = () => explorerSettled(page);
    await settled();
    let seed = 1;
    const shown = new Set(); // the kinds whose message the diagnostics show
    for (const [i, { name, bytes, kind }] of files.entries()) {
      await page.$eval("#load-error", (el) => { el.hidden = true; el.textContent = ""; });
      if (bytes.length > 10_000_000) {
        // Playwright passes large files by path.
        const path = join(work, name);
        writeFileSync(path, bytes);
        await page.setInputFiles("#checkpoint-file", path);
      } else if (i % 2 === 0) {
        await page.setInputFiles("#checkpoint-file", { name, mimeType: "application/octet-stream", buffer: bytes });
      } else {
        // A drop on the page, as a dragged file arrives.
        await page.evaluate(([fileName, base64]) => {
          const binary = atob(base64);
          const data = Uint8Array.from(binary, (c) => c.charCodeAt(0));
          const transfer = new DataTransfer();
          transfer.items.add(new File([data], fileName));
          document.body.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
        }, [name, bytes.toString("base64")]);
      }
      await page.waitForFunction(() => !document.querySelector("#load-error").hidden, null, { polling: 50 });
      const message = await page.$eval("#load-error", (el) => el.textContent);
      assert.ok(message.startsWith(`${name}: `) && message.endsWith("The current model is kept."), `${name} (${kind}): ${message}`);
      assert.ok(message.length > name.length + 40, `${name}: a reason, not just the name: ${message}`);
      if (!shown.has(kind)) t.diagnostic(`${kind}: ${message}`);
      shown.add(kind);
      // The model shown before is still the one, and it still draws.
      const before = await page.$eval("#grid-canvas", (el) => Number(el.dataset.renderCount));
      seed++;
      await page.$eval("#seed", (el, s) => {
        el.value = String(s);
        el.dispatchEvent(new Event("change", { bubbles: true }));
      }, seed);
      await page.waitForFunction((n) => Number(document.querySelector("#grid-canvas").dataset.renderCount) > n, before, { polling: 50 });
      await settled();
      assert.equal(await page.evaluate(() => window.ganStudio.state.model), "dcgan", `after ${name}`);
      assert.equal(await page.$eval("#status", (el) => el.dataset.state), "ready");
    }
    assertNoErrors(errors, "100 malformed checkpoints");
    await page.close();
  });
});
