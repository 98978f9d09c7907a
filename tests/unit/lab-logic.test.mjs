// Node tests of the 2-D lab's pure page logic: its settings table and checks
// (www/lab-config.js), its URL state with the drawn points' encoding (www/lab-url.js), the
// CSV of generated points (www/lab-export.js) and the view's plane mapping, colour scale and
// arrow scale (www/lab-view.js). The options are the ones the wasm `labOptions()` returns,
// printed by the CLI (`gan lab --options-json`, GAN_BIN; scripts/test.sh builds it first).

import { execFileSync } from "node:child_process";
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  FIELDS, configProblems, describeDifferences, differingKeys, fieldApplies, fieldOf, getField, parseField, withField,
} from "../../www/lab-config.js";
import {
  DEFAULT_SPEED, DEFAULT_VIEWS, MAX_DRAWN, SPEEDS, applyPreset, decodePoints, defaultLabState, encodePoints,
  isLabHash, labHashOf, labStateFromHash, roundPoints,
} from "../../www/lab-url.js";
import { POINTS_HEADER, exportName, pointsCsv } from "../../www/lab-export.js";
import { arrowScale, heatColor, heatmapPixels, toPixel, toPlane } from "../../www/lab-view.js";
import { GAN_BIN } from "../e2e/gan-bin.mjs";
import { seeded } from "../e2e/seeded.mjs";

/** What the wasm `labOptions()` gives the page, from the same Rust (`gan lab --options-json`). */
const OPTIONS = JSON.parse(execFileSync(GAN_BIN, ["lab", "--options-json"], { encoding: "utf8" }));
const ring = OPTIONS.defaults;
const presetNamed = (name) => OPTIONS.presets.find((p) => p.name === name);

test("lab settings: parsing each kind of field, and the problems of a config", () => {
  assert.equal(parseField(fieldOf("data"), "moons", OPTIONS), "moons");
  assert.equal(parseField(fieldOf("data"), "circle", OPTIONS), null);
  assert.equal(parseField(fieldOf("gu"), "128", OPTIONS), 128);
  for (const bad of ["129", "0", "-3", "1.5", "1e2", "", "abc", " "]) assert.equal(parseField(fieldOf("gu"), bad, OPTIONS), null, bad);
  assert.equal(parseField(fieldOf("glr"), "0.0002", OPTIONS), 0.0002);
  assert.equal(parseField(fieldOf("glr"), "1e-5", OPTIONS), 1e-5);
  for (const bad of ["0", "2", "1e-6", "NaN", "Infinity", "", "0x1", "-0.1"]) assert.equal(parseField(fieldOf("dlr"), bad, OPTIONS), null, bad);
  assert.equal(parseField(fieldOf("nd"), "1", OPTIONS), 1);
  assert.equal(parseField(fieldOf("nd"), "3", OPTIONS), null);
  assert.equal(parseField(fieldOf("seed"), "4294967295", OPTIONS), 4294967295);
  assert.equal(parseField(fieldOf("seed"), "4294967296", OPTIONS), null);

  assert.deepEqual(configProblems(ring, OPTIONS), []);
  const bad = withField(withField(ring, fieldOf("du"), 0), fieldOf("loss"), "wgan-sn");
  assert.deepEqual(configProblems(bad, OPTIONS).map((p) => p.split(" must")[0]), ["D's units", "the loss"]);
  assert.equal(getField(bad, fieldOf("du")), 0);
  assert.equal(getField(ring, fieldOf("du")), ring.discriminator.units, "withField copies: the original is unchanged");
  assert.deepEqual(differingKeys(ring, bad), ["du", "loss"]);
  assert.equal(describeDifferences(ring, withField(ring, fieldOf("loss"), "hinge"), OPTIONS), "the loss: hinge");
  assert.equal(new Set(FIELDS.map((f) => f.key)).size, FIELDS.length, "one URL key per field");
});

test("lab settings: the WGAN critic's constraint and λ apply only where they are used", () => {
  assert.equal(ring.lipschitz, "clip");
  assert.equal(ring.penalty_weight, 10, "the WGAN-GP paper's λ");
  const [lip, gp] = [fieldOf("lip"), fieldOf("gp")];
  assert.ok(!fieldApplies(lip, ring, OPTIONS) && !fieldApplies(gp, ring, OPTIONS), "not for the non-saturating loss");
  const wgan = withField(ring, fieldOf("loss"), "wgan-clip");
  assert.ok(fieldApplies(lip, wgan, OPTIONS) && !fieldApplies(gp, wgan, OPTIONS), "clipping has no λ");
  const penalised = withField(wgan, lip, "gradient-penalty");
  assert.ok(fieldApplies(gp, penalised, OPTIONS));
  assert.ok(fieldApplies(fieldOf("seed"), ring, OPTIONS), "the other settings always apply");
  assert.equal(parseField(gp, "0.1", OPTIONS), 0.1);
  assert.equal(parseField(gp, "0", OPTIONS), 0);
  for (const bad of ["-1", "101", "NaN", ""]) assert.equal(parseField(gp, bad, OPTIONS), null, bad);
  assert.equal(parseField(lip, "spectral", OPTIONS), null);

  const compare = presetNamed("wgan-clip-vs-gp");
  assert.deepEqual(differingKeys(compare.panes[0], compare.panes[1]), ["lip"]);
  const state = labStateFromHash(`#${labHashOf(applyPreset(defaultLabState(OPTIONS), compare))}`, OPTIONS);
  assert.deepEqual(state.panes, compare.panes, "both panes read back from a link");
  const old = labStateFromHash("#lab&loss=wgan-clip", OPTIONS);
  assert.equal(old.panes[0].lipschitz, "clip", "a link from before the setting still clips");
});

test("lab URL: defaults, round trips, presets and two panes", () => {
  assert.ok(isLabHash("#lab") && isLabHash("#lab&data=moons") && isLabHash("lab=&x=1"));
  for (const not of ["", "#", "#model=dcgan", "#labs", "#s=1&lab", "#device=cpu"]) assert.ok(!isLabHash(not), not);

  const plain = labStateFromHash("#lab", OPTIONS);
  assert.deepEqual(plain, defaultLabState(OPTIONS));
  assert.deepEqual(plain.views, DEFAULT_VIEWS);
  assert.equal(plain.speed, DEFAULT_SPEED);
  assert.match(labHashOf(plain), /^lab&data=ring&noise=uniform&nd=2&gl=2&gu=64&ga=leaky-relu&/);
  assert.deepEqual(labStateFromHash(`#${labHashOf(plain)}`, OPTIONS), plain, "the defaults read back");

  const rejected = [];
  const s = labStateFromHash("#lab&data=spiral&noise=gaussian&nd=1&gl=3&gu=64&ga=tanh&du=16&da=leaky-relu&loss=hinge&go=sgd&glr=0.01"
    + "&dlr=0.0001&k=5&batch=128&seed=7&play=g&speed=16&v=hm", OPTIONS, rejected);
  assert.deepEqual(rejected, []);
  assert.deepEqual(s.panes[0], {
    ...ring, data: "spiral", noise: "gaussian", noise_dim: 1, generator: { layers: 3, units: 64, activation: "tanh" },
    discriminator: { layers: 2, units: 16, activation: "leaky-relu" }, loss: "hinge",
    optimizer_g: { kind: "sgd", lr: 0.01 }, optimizer_d: { kind: "adam", lr: 0.0001 }, d_steps: 5, batch_size: 128, seed: 7,
  });
  assert.equal(s.play, "g");
  assert.equal(s.speed, 16);
  assert.equal(labStateFromHash("#lab&speed=auto", OPTIONS).speed, "auto");
  assert.equal(DEFAULT_SPEED, "auto");
  assert.deepEqual(s.views, { real: false, fake: false, heatmap: true, manifold: true, arrows: false, chart: false });
  assert.deepEqual(labStateFromHash(`#${labHashOf(s)}`, OPTIONS), s, "a written hash reads back");
  assert.match(labHashOf(s, "cpu"), /&device=cpu$/);

  const bad = [];
  labStateFromHash("#lab&data=circle&nd=3&glr=5&k=0&batch=2000&speed=3&v=xyz&play=both&preset=nope&panes=3&pts=abc", OPTIONS, bad);
  assert.deepEqual(bad, ["preset=nope", "panes=3", "data=circle", "nd=3", "glr=5", "k=0", "batch=2000", "speed=3", "v=xyz", "pts=abc"]);

  // a two-pane preset: its panes, its mode; the second pane's differences written as b.<key>
  const compare = labStateFromHash("#lab&preset=saturating-vs-non-saturating", OPTIONS);
  assert.deepEqual(compare.panes.map((c) => c.loss), ["saturating", "non-saturating"]);
  const hash = labHashOf(compare);
  assert.match(hash, /&panes=2&b\.loss=non-saturating&/);
  assert.deepEqual(labStateFromHash(`#${hash}`, OPTIONS), compare);
  // a shared edit (both panes take data=moons) reads back on both panes
  const edited = { ...compare, panes: compare.panes.map((c) => withField(c, fieldOf("data"), "moons")) };
  assert.deepEqual(labStateFromHash(`#${labHashOf(edited)}`, OPTIONS).panes.map((c) => [c.data, c.loss]),
    [["moons", "saturating"], ["moons", "non-saturating"]]);
  assert.equal(labStateFromHash("#lab&preset=saturating-vs-non-saturating&panes=1", OPTIONS).panes.length, 1);
  assert.equal(labStateFromHash("#lab&panes=2&b.seed=9", OPTIONS).panes[1].seed, 9);
  const same = { ...compare, panes: [compare.panes[0], compare.panes[0]] };
  assert.deepEqual(labStateFromHash(`#${labHashOf(same)}`, OPTIONS), same, "two equal panes of a preset read back equal");
  assert.equal(labStateFromHash("#lab&preset=train-only-d", OPTIONS).play, "d", "a preset brings its play mode");
  assert.equal(labStateFromHash("#lab&preset=train-only-d&play=g", OPTIONS).play, "g", "the link's own play mode wins");

  const chosen = applyPreset(plain, presetNamed("saturating-vs-non-saturating"));
  assert.equal(chosen.panes.length, 2);
  assert.equal(chosen.preset, "saturating-vs-non-saturating");
  assert.notEqual(chosen.panes[0], presetNamed("saturating-vs-non-saturating").panes[0], "the preset's configs are copied");
});

test("lab URL: drawn points, 4 characters each, on a 12-bit grid", () => {
  const points = [-1, 1, 0, 0, 0.5, -0.25, 1, -1, 0.123456, -0.987654];
  const text = encodePoints(points);
  assert.equal(text.length, 4 * 5);
  assert.match(text, /^[A-Za-z0-9_-]+$/);
  const back = decodePoints(text);
  assert.equal(back.length, points.length);
  back.forEach((v, i) => assert.ok(Math.abs(v - points[i]) <= 1 / 4095 + 1e-12, `${v} vs ${points[i]}`));
  assert.deepEqual(back.slice(0, 2), [-1, 1], "the corners are exact");
  assert.deepEqual(roundPoints(back), back, "rounding is idempotent");
  assert.deepEqual(decodePoints(encodePoints([5, -5])), [1, -1], "clamped to the plane");
  for (const bad of ["abc", "ab=c", "a b ", "!!!!"]) assert.equal(decodePoints(bad), null, bad);
  assert.deepEqual(decodePoints(""), []);

  const state = { ...defaultLabState(OPTIONS), drawn: back };
  state.panes[0] = withField(state.panes[0], fieldOf("data"), "drawn");
  const read = labStateFromHash(`#${labHashOf(state)}`, OPTIONS);
  assert.deepEqual(read.drawn, back);
  assert.equal(read.panes[0].data, "drawn");
  const many = encodePoints(new Array(2 * (MAX_DRAWN + 1)).fill(0));
  const rejected = [];
  assert.deepEqual(labStateFromHash(`#lab&pts=${many}`, OPTIONS, rejected).drawn, []);
  assert.equal(rejected.length, 1, "too many points for a link are refused");
});

test("lab URL: 1,000 seeded random hashes all give a valid state", () => {
  const random = seeded(14);
  const keys = [...FIELDS.map((f) => f.key), "preset", "panes", "play", "speed", "v", "pts", "b.loss", "b.seed", "b.data"];
  const junk = ["", "-1", "0", "1", "2", "3", "1e3", "NaN", "0.5", "1e-5", "99999999999", "%00", "ring", "drawn",
    "hinge", "wgan-clip", "sgd", "tanh", "gaussian", "rfhmac", "d", "g", "both", "saturating-vs-non-saturating",
    "train-only-d", "AAAA", "____-", "<script>", "16"];
  for (let i = 0; i < 1000; i++) {
    const parts = ["lab"];
    for (const key of keys) if (random() < 0.4) parts.push(`${key}=${encodeURIComponent(junk[Math.floor(random() * junk.length)])}`);
    const s = labStateFromHash(`#${parts.join("&")}`, OPTIONS);
    assert.ok(s.panes.length === 1 || s.panes.length === 2);
    for (const config of s.panes) assert.deepEqual(configProblems(config, OPTIONS), [], parts.join("&"));
    assert.ok(SPEEDS.includes(s.speed));
    assert.ok(["both", "d", "g"].includes(s.play));
    assert.ok(s.drawn.length % 2 === 0 && s.drawn.every((v) => v >= -1 && v <= 1));
    assert.deepEqual(labStateFromHash(`#${labHashOf(s)}`, OPTIONS), s, parts.join("&"));
  }
});

test("lab export: the CSV of points gives back the same 32-bit floats", () => {
  const points = Float32Array.from([0.1, -0.2, 1 / 3, -1, 0.5, 1e-7, -0.987654321, 0]);
  const csv = pointsCsv(points);
  const lines = csv.trim().split("\n");
  assert.equal(lines[0], POINTS_HEADER);
  assert.equal(lines.length, 1 + points.length / 2);
  const read = lines.slice(1).flatMap((line) => line.split(",").map(Number));
  read.forEach((v, i) => assert.equal(Math.fround(v), points[i], `value ${i}: ${v}`));
  assert.equal(pointsCsv([]), `${POINTS_HEADER}\n`);
  assert.equal(exportName(ring, 500, "csv"), "gan-studio-lab_ring_non-saturating_seed1_step500.csv");
  assert.equal(exportName({ ...ring, loss: "wgan clip" }, 0, "png", "b"), "gan-studio-lab_ring_wgan-clip_seed1_step0_b.png");
});

test("lab view: the plane on the canvas, the colour scale, the arrows' scale", () => {
  assert.deepEqual(toPixel(-1, 1, 200), [0, 0], "the top left corner");
  assert.deepEqual(toPixel(1, -1, 200), [200, 200]);
  assert.deepEqual(toPixel(0, 0.5, 200), [100, 50], "y is up");
  assert.deepEqual(toPlane(50, 150, 200), [-0.5, -0.5]);
  assert.deepEqual(toPlane(-10, 500, 200), [-1, -1], "clamped to the plane");
  for (const [x, y] of [[0.3, -0.7], [-0.9, 0.1]]) {
    const [px, py] = toPixel(x, y, 512);
    const [bx, by] = toPlane(px, py, 512);
    assert.ok(Math.abs(bx - x) < 1e-12 && Math.abs(by - y) < 1e-12);
  }
  const [lo, mid, hi] = [heatColor(0), heatColor(0.5), heatColor(1)];
  assert.ok(lo[0] > lo[2] && hi[2] > hi[0], "low D is orange, high D blue");
  assert.ok(mid.every((c) => c < 40), "D = 0.5 is dark");
  assert.deepEqual(heatColor(-3), lo, "clamped");
  assert.deepEqual(heatColor(NaN), mid);
  const pixels = heatmapPixels(Float32Array.from([0, 1, 0.5, 0.25]), 2, 0, 1);
  assert.deepEqual(Array.from(pixels.slice(0, 4)), [...lo, 255]);
  assert.deepEqual(Array.from(pixels.slice(4, 8)), [...hi, 255]);
  assert.deepEqual(Array.from(heatmapPixels([7, 7, 7, 7], 2, 7, 7).slice(0, 3)), mid, "a flat field is neutral");
  assert.equal(arrowScale(Float32Array.from([3, 4, 0, 1]), 2, 100, 0.1), 2, "the longest arrow (5) becomes 10 px");
  assert.equal(arrowScale(Float32Array.from([0, 0, NaN, 1]), 2, 100), 0, "no finite arrow: nothing to scale");
});
