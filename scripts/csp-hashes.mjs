// Trunk post_build hook: fills the Content-Security-Policy of the built index.html with the
// SHA-256 of each inline <script> trunk wrote into it (its wasm loader), so the policy can
// allow exactly those scripts and no other inline code. index.html holds the policy with the
// placeholder INLINE_SCRIPT_HASHES; this replaces it. Without the hook the placeholder stays,
// the browser drops it, and the loader is refused: the page says it did not start.
//
//   node scripts/csp-hashes.mjs [dir]   (default: $TRUNK_STAGING_DIR)

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const PLACEHOLDER = "INLINE_SCRIPT_HASHES";
const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error("csp-hashes: no directory (pass one, or run as a trunk hook)");
const file = join(dir, "index.html");
const html = readFileSync(file, "utf8");
if (!html.includes(PLACEHOLDER)) throw new Error(`csp-hashes: ${file} has no ${PLACEHOLDER} to fill`);

// Every <script> without a src: its text exactly as the browser hashes it.
const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)]
  .map(([, body]) => `'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`);
writeFileSync(file, html.replace(PLACEHOLDER, hashes.join(" ")));
console.log(`csp-hashes: ${hashes.length} inline script(s) allowed in ${file}`);
