// @ts-check
// The explorer's view in the URL hash: what a shared link reopens. Pure functions of the
// hash text and the preset registry (www/presets.js), so they are tested without a page.
//
// Keys: model (a preset name; the older `m=` used other names, see Presets.legacy), s (seed),
// n (grid side), l (digit or "mixed"), sg (style grid), c (selected cell), a (α), z1 and z2
// (endpoint seeds), sl (slerp), im (interpolation mode), y1 and y2 (endpoint digits), k1 and
// k2 (InfoGAN's continuous codes). The device setting shares the hash (`device=`, owned by
// devices.js), and so does the data set (`data=`, read by data-sets.js).

/** The largest seed a URL may carry. */
export const MAX_SEED = 4294967295;
/** The largest grid side. */
export const MAX_GRID = 10;
/** The largest magnitude a continuous code may have in a URL (the sliders show their model's range). */
export const MAX_CODE = 10;

/** The view a page without a hash shows. */
export const defaultState = (presets) => ({
  model: presets.default.name,
  seed: 1,
  grid: 8,
  label: "mixed",
  styleGrid: false,
  cell: 0,
  alpha: 0.5,
  z1: 1,
  z2: 2,
  slerp: false,
  interpMode: "z",
  y1: 1,
  y2: 7,
  k1: 0,
  k2: 0,
});

/** `text` as an integer in [lo, hi], else null (digits only: no signs, exponents or blanks). */
export function intIn(text, lo, hi) {
  if (!/^\d+$/.test(text ?? "")) return null;
  const v = Number(text);
  return v >= lo && v <= hi ? v : null;
}

/**
 * Reads the keys of `hash` ("#a=1&b=2"): `params` (its URLSearchParams) and `take(key,
 * parse)`, which returns `parse`'s value of the key (null when absent or refused) and pushes
 * each refused one to `rejected` as "key=value". The explorer's and the lab's links use it.
 */
export function hashReader(hash, rejected) {
  const params = new URLSearchParams(String(hash).replace(/^#/, ""));
  const take = (key, parse) => {
    if (!params.has(key)) return null;
    const value = parse(params.get(key));
    if (value === null) rejected.push(`${key}=${params.get(key)}`);
    return value;
  };
  return { params, take };
}

/**
 * The view in `hash` ("#model=dcgan&s=3…"); anything malformed falls back to its default.
 * Each key given a value it could not use is pushed to `rejected` as "key=value" (the page
 * says which settings of a link it replaced).
 */
export function stateFromHash(hash, presets, rejected = []) {
  const s = defaultState(presets);
  const { params, take } = hashReader(hash, rejected);
  const preset = params.has("model")
    ? take("model", (name) => presets.named(name))
    : take("m", (name) => presets.legacy(name));
  if (preset) s.model = preset.name;
  s.seed = take("s", (v) => intIn(v, 0, MAX_SEED)) ?? s.seed;
  s.grid = take("n", (v) => intIn(v, 1, MAX_GRID)) ?? s.grid;
  s.label = take("l", (v) => (v === "mixed" || intIn(v, 0, 9) !== null ? v : null)) ?? s.label;
  s.styleGrid = take("sg", (v) => (["0", "1"].includes(v) ? v === "1" : null)) ?? s.styleGrid;
  s.cell = take("c", (v) => intIn(v, 0, MAX_GRID * MAX_GRID - 1)) ?? s.cell;
  const fraction = (v) => {
    const x = Number(v);
    return v !== "" && Number.isFinite(x) && x >= 0 && x <= 1 ? x : null;
  };
  s.alpha = take("a", fraction) ?? s.alpha;
  s.z1 = take("z1", (v) => intIn(v, 0, MAX_SEED)) ?? s.z1;
  s.z2 = take("z2", (v) => intIn(v, 0, MAX_SEED)) ?? s.z2;
  s.slerp = take("sl", (v) => (["0", "1"].includes(v) ? v === "1" : null)) ?? s.slerp;
  s.interpMode = take("im", (v) => (["z", "label"].includes(v) ? v : null)) ?? s.interpMode;
  s.y1 = take("y1", (v) => intIn(v, 0, 9)) ?? s.y1;
  s.y2 = take("y2", (v) => intIn(v, 0, 9)) ?? s.y2;
  const code = (v) => {
    const x = Number(v);
    return v !== "" && Number.isFinite(x) && Math.abs(x) <= MAX_CODE ? x : null;
  };
  s.k1 = take("k1", code) ?? s.k1;
  s.k2 = take("k2", code) ?? s.k2;
  return s;
}

/**
 * The hash (without "#") that reopens view `s`, with the device setting unless "auto" and
 * the data set's name unless null (the default, MNIST).
 */
export function hashOf(s, device = "auto", dataSet = null) {
  // URLSearchParams writes each value as a string (numbers as String(n) would).
  const params = new URLSearchParams(/** @type {any} */ ({
    model: s.model, s: s.seed, n: s.grid, l: s.label, sg: s.styleGrid ? 1 : 0, c: s.cell,
    a: s.alpha, z1: s.z1, z2: s.z2, sl: s.slerp ? 1 : 0, im: s.interpMode, y1: s.y1, y2: s.y2,
    k1: s.k1, k2: s.k2,
  }));
  if (device !== "auto") params.set("device", device);
  if (dataSet) params.set("data", dataSet);
  return params.toString();
}
