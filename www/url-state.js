// The explorer's view in the URL hash: what a shared link reopens. Pure functions of the
// hash text and the preset registry (www/presets.js), so they are tested without a page.
//
// Keys: model (a preset name; the older `m=` used other names, see Presets.legacy), s (seed),
// n (grid side), l (digit or "mixed"), sg (style grid), c (selected cell), a (α), z1 and z2
// (endpoint seeds), sl (slerp), im (interpolation mode), y1 and y2 (endpoint digits), k1 and
// k2 (InfoGAN's continuous codes). The device setting shares the hash (`device=`, owned by
// devices.js).

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

/** The view in `hash` ("#model=dcgan&s=3…"); anything malformed falls back to its default. */
export function stateFromHash(hash, presets) {
  const s = defaultState(presets);
  const params = new URLSearchParams(String(hash).replace(/^#/, ""));
  const preset = params.has("model") ? presets.named(params.get("model")) : presets.legacy(params.get("m"));
  if (preset) s.model = preset.name;
  s.seed = intIn(params.get("s"), 0, MAX_SEED) ?? s.seed;
  s.grid = intIn(params.get("n"), 1, MAX_GRID) ?? s.grid;
  const label = params.get("l");
  if (label === "mixed" || intIn(label, 0, 9) !== null) s.label = label;
  s.styleGrid = params.get("sg") === "1";
  s.cell = intIn(params.get("c"), 0, MAX_GRID * MAX_GRID - 1) ?? s.cell;
  const alpha = Number(params.get("a"));
  if (params.has("a") && Number.isFinite(alpha) && alpha >= 0 && alpha <= 1) s.alpha = alpha;
  s.z1 = intIn(params.get("z1"), 0, MAX_SEED) ?? s.z1;
  s.z2 = intIn(params.get("z2"), 0, MAX_SEED) ?? s.z2;
  s.slerp = params.get("sl") === "1";
  if (["z", "label"].includes(params.get("im"))) s.interpMode = params.get("im");
  s.y1 = intIn(params.get("y1"), 0, 9) ?? s.y1;
  s.y2 = intIn(params.get("y2"), 0, 9) ?? s.y2;
  for (const key of ["k1", "k2"]) {
    const value = Number(params.get(key));
    if (params.has(key) && params.get(key) !== "" && Number.isFinite(value) && Math.abs(value) <= MAX_CODE) s[key] = value;
  }
  return s;
}

/** The hash (without "#") that reopens view `s`, with the device setting unless "auto". */
export function hashOf(s, device = "auto") {
  const params = new URLSearchParams({
    model: s.model, s: s.seed, n: s.grid, l: s.label, sg: s.styleGrid ? 1 : 0, c: s.cell,
    a: s.alpha, z1: s.z1, z2: s.z2, sl: s.slerp ? 1 : 0, im: s.interpMode, y1: s.y1, y2: s.y2,
    k1: s.k1, k2: s.k2,
  });
  if (device !== "auto") params.set("device", device);
  return params.toString();
}
