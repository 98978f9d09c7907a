// @ts-check
// A small GIF89a encoder for the Runs panel's time-lapse of a run's progress grids
// (runs-panel.js) and the explorer's interpolation loop (interp-loop.js): grey frames of one
// size, a 256-level grey palette, a delay per frame, looping forever (the NETSCAPE2.0
// extension), each frame's pixels LZW-compressed as the GIF specification (89a, appendix F)
// describes: variable-width codes of 9 to 12 bits, packed least significant bit first, in
// sub-blocks of at most 255 bytes. Pure data (tested without a page, and decoded by the
// browser in tests/e2e/runs.test.mjs and explorer.test.mjs).

const MIN_CODE_SIZE = 8; // 256 palette entries: codes 0–255 are the pixels themselves
const CLEAR = 1 << MIN_CODE_SIZE; // 256: starts the code table afresh
const END = CLEAR + 1; // 257: the end of a frame's data
const MAX_CODES = 4096; // 12-bit codes at most

/** A growing array of bytes. */
class Bytes {
  constructor() {
    /** @type {number[]} */ this.out = [];
  }

  /** Appends bytes. */
  push(...bytes) {
    for (const b of bytes) this.out.push(b & 0xff);
  }

  /** Appends a little-endian 16-bit number. */
  u16(v) {
    this.push(v & 0xff, v >> 8);
  }

  /** Appends the characters of an ASCII string. */
  ascii(text) {
    for (const c of text) this.push(c.charCodeAt(0));
  }
}

/**
 * The LZW-compressed codes of `pixels` (each 0–255), packed into bytes least significant bit
 * first: a clear code, the codes, the end code. The table grows by one entry per code
 * emitted; the code width grows when the next entry would not fit (so that a decoder, which
 * adds its entries one code later, widens before reading the first wider code); a full table
 * (4096 entries) is cleared.
 * @param {ArrayLike<number>} pixels
 * @returns {Uint8Array}
 */
export function lzwEncode(pixels) {
  /** @type {number[]} */ const out = [];
  let acc = 0; // bits waiting to be written
  let bits = 0; // how many
  let width = MIN_CODE_SIZE + 1;
  const emit = (code) => {
    acc |= code << bits;
    bits += width;
    while (bits >= 8) {
      out.push(acc & 0xff);
      acc >>>= 8;
      bits -= 8;
    }
  };
  /** @type {Map<number, number>} */ let table = new Map(); // prefix code * 256 + pixel -> code
  let next = END + 1;
  emit(CLEAR);
  if (pixels.length === 0) {
    emit(END);
  } else {
    let prefix = pixels[0];
    for (let i = 1; i < pixels.length; i++) {
      const k = pixels[i];
      const known = table.get(prefix * 256 + k);
      if (known !== undefined) {
        prefix = known;
        continue;
      }
      emit(prefix);
      if (next === MAX_CODES) {
        emit(CLEAR);
        table = new Map();
        next = END + 1;
        width = MIN_CODE_SIZE + 1;
      } else {
        if (next >= 1 << width) width++;
        table.set(prefix * 256 + k, next++);
      }
      prefix = k;
    }
    emit(prefix);
    // The decoder adds an entry after reading that last code too: it reads the end code at
    // the width that entry needs.
    if (next < MAX_CODES && next >= 1 << width) width++;
    emit(END);
  }
  if (bits > 0) out.push(acc & 0xff);
  return Uint8Array.from(out);
}

/**
 * An animated GIF of grey `frames` (each `width` x `height` bytes, 0 black to 255 white, row
 * by row), shown `delays[i]` hundredths of a second each (one number: all alike), looping.
 * @param {ArrayLike<number>[]} frames
 * @param {{ width: number, height: number, delays: number | number[] }} options
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function encodeGif(frames, { width, height, delays }) {
  if (!(width >= 1 && height >= 1 && width < 65536 && height < 65536)) throw new Error(`a GIF cannot be ${width} x ${height}`);
  if (frames.length === 0) throw new Error("a GIF needs at least one frame");
  const b = new Bytes();
  b.ascii("GIF89a");
  // The logical screen: a global colour table of 256 entries (0xf7: table, 8 bits of colour
  // resolution, 2^(7+1) entries), background 0, square pixels.
  b.u16(width);
  b.u16(height);
  b.push(0xf7, 0, 0);
  for (let i = 0; i < 256; i++) b.push(i, i, i);
  // Loop forever.
  b.push(0x21, 0xff, 11);
  b.ascii("NETSCAPE2.0");
  b.push(3, 1, 0, 0, 0);
  frames.forEach((pixels, i) => {
    if (pixels.length !== width * height) throw new Error(`frame ${i} has ${pixels.length} pixels, not ${width} x ${height}`);
    const delay = Math.max(0, Math.min(65535, Math.round(typeof delays === "number" ? delays : delays[i] ?? 10)));
    // Graphic control: each frame replaces the one before (disposal 1, no transparency).
    b.push(0x21, 0xf9, 4, 0x04);
    b.u16(delay);
    b.push(0, 0);
    // The image descriptor: the whole screen, no local colour table, not interlaced.
    b.push(0x2c);
    b.u16(0);
    b.u16(0);
    b.u16(width);
    b.u16(height);
    b.push(0);
    b.push(MIN_CODE_SIZE);
    const data = lzwEncode(pixels);
    for (let at = 0; at < data.length; at += 255) {
      const block = data.subarray(at, at + 255);
      b.push(block.length, ...block);
    }
    b.push(0);
  });
  b.push(0x3b);
  return Uint8Array.from(b.out);
}
