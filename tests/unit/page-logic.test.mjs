// Node tests of the page's pure logic (www/*.js modules that need no DOM): the URL state, the
// preset registry as the page reads it, redraw coalescing, the run history and its CSV, the
// charts' scaling and the display formats. The registry is the real one, printed by the CLI
// (`gan presets --json`, GAN_BIN; scripts/test.sh builds it before these run).

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";

import { Presets } from "../../www/presets.js";
import { MAX_GRID, MAX_SEED, defaultState, hashOf, intIn, stateFromHash } from "../../www/url-state.js";
import { Coalescer } from "../../www/coalescer.js";
import { RunHistory } from "../../www/run-history.js";
import { chartScale } from "../../www/chart.js";
import { formatDuration, formatFigure, niceCeil } from "../../www/format.js";
import { GAN_BIN } from "../e2e/gan-bin.mjs";
import { seeded } from "../e2e/seeded.mjs";

const presets = new Presets(execFileSync(GAN_BIN, ["presets", "--json"], { encoding: "utf8" }));

test("the registry: names, aliases and the old explorer names", () => {
  assert.equal(presets.default.name, "dcgan");
  assert.deepEqual(presets.list.map((p) => p.name).sort(),
    ["acgan", "began", "cdcgan", "cdcgan-half", "cs231n", "cs231n-mlp", "dcgan", "dcgan-64", "infogan", "infogan-dcgan", "mlp", "wgan", "wgan-gp", "wgan-sn"]);
  assert.equal(presets.named("dcgan-64").model.image_size, 64, "the 64x64 DCGAN");
  assert.equal(presets.named("cdcgan").model.ngf, 128, "cdcgan is the course's width");
  assert.equal(presets.named("cdcgan-half").model.ngf, 64);
  assert.equal(presets.named("cdcgan-course").name, "cdcgan", "the old trainer name is an alias");
  assert.equal(presets.legacy("cdcgan").name, "cdcgan-half", "#m=cdcgan was the half width");
  assert.equal(presets.legacy("cdcgan-course").name, "cdcgan");
  assert.equal(presets.named("nope"), null);
  assert.equal(presets.legacy("nope"), null);
  for (const p of presets.list) {
    assert.ok(p.train.batch_size > 0 && p.train.lr_g > 0 && p.steps > 0 && p.progress_cols > 0, p.name);
    assert.ok(presets.losses.some((l) => l.name === p.train.loss), `${p.name}'s loss is in the loss menu`);
  }
  assert.deepEqual(presets.losses.map((l) => l.name),
    ["non-saturating", "saturating", "least-squares", "hinge", "wgan-clip", "wgan-sn", "wgan-gp", "began"]);
  assert.ok(presets.losses.every((l) => l.title.length > 0), "every loss has a menu title");
});

test("URL state: defaults, the new key, the old key and round trips", () => {
  assert.deepEqual(stateFromHash("", presets), defaultState(presets));
  assert.equal(stateFromHash("#model=cdcgan", presets).model, "cdcgan");
  assert.equal(stateFromHash("#m=cdcgan", presets).model, "cdcgan-half");
  assert.equal(stateFromHash("#model=cdcgan&m=mlp", presets).model, "cdcgan", "the new key wins");
  const s = stateFromHash("#m=mlp&s=42&n=3&l=7&sg=1&c=4&a=0.25&z1=5&z2=6&sl=1&im=label&y1=2&y2=9&k1=-1.5&k2=0.25", presets);
  assert.deepEqual(s, {
    model: "mlp", seed: 42, grid: 3, label: "7", styleGrid: true, cell: 4, alpha: 0.25,
    z1: 5, z2: 6, slerp: true, interpMode: "label", y1: 2, y2: 9, k1: -1.5, k2: 0.25,
  });
  const rejected = [];
  stateFromHash("#model=nope&s=-4&n=33&a=0.5&sg=1&k2=99", presets, rejected);
  assert.deepEqual(rejected, ["model=nope", "s=-4", "n=33", "k2=99"], "the link's settings that were replaced");
  for (const bad of ["k1=", "k1=abc", "k1=11", "k1=-1e9", "k1=NaN"]) {
    assert.equal(stateFromHash(`#${bad}`, presets).k1, 0, bad);
  }
  assert.deepEqual(stateFromHash(`#${hashOf(s)}`, presets), s, "a written hash reads back");
  assert.match(hashOf(s, "cpu"), /(^|&)device=cpu(&|$)/);
  assert.doesNotMatch(hashOf(s), /device=/);
});

test("URL state: 1,000 seeded random hashes all give a valid view", () => {
  const random = seeded(11);
  const keys = ["model", "m", "s", "n", "l", "sg", "c", "a", "z1", "z2", "sl", "im", "y1", "y2", "device"];
  const junk = ["", "-1", "1e3", "0x10", "NaN", "Infinity", " 3", "3.5", "99999999999", "%00", "cdcgan", "label", "1", "0.5"];
  const names = presets.list.map((p) => p.name);
  for (let i = 0; i < 1000; i++) {
    const parts = [];
    for (const key of keys) if (random() < 0.5) parts.push(`${key}=${encodeURIComponent(junk[Math.floor(random() * junk.length)])}`);
    const s = stateFromHash(`#${parts.join("&")}`, presets);
    assert.ok(names.includes(s.model), s.model);
    assert.ok(Number.isInteger(s.seed) && s.seed >= 0 && s.seed <= MAX_SEED, `seed ${s.seed}`);
    assert.ok(Number.isInteger(s.grid) && s.grid >= 1 && s.grid <= MAX_GRID, `grid ${s.grid}`);
    assert.ok(s.label === "mixed" || /^[0-9]$/.test(s.label), `label ${s.label}`);
    assert.ok(s.alpha >= 0 && s.alpha <= 1);
    assert.ok(["z", "label"].includes(s.interpMode));
    assert.ok(s.y1 >= 0 && s.y1 <= 9 && s.y2 >= 0 && s.y2 <= 9);
  }
  assert.equal(intIn("12", 0, 20), 12);
  for (const bad of ["-1", "21", "1.5", "", null, "1e1", " 1"]) assert.equal(intIn(bad, 0, 20), null, String(bad));
});

test("coalescing: while a job runs only the newest, heaviest request waits", async () => {
  const ran = [];
  let release;
  const coalescer = new Coalescer((error) => ran.push(`error ${error.message}`));
  coalescer.request(() => new Promise((resolve) => { ran.push("first"); release = resolve; }));
  coalescer.request(() => ran.push("cell a"), 1);
  coalescer.request(() => ran.push("grid"), 2);
  coalescer.request(() => ran.push("cell b"), 1); // lighter than the waiting grid: dropped
  release();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(ran, ["first", "grid"]);
  coalescer.request(() => { throw new Error("boom"); });
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(ran.at(-1), "error boom");
  coalescer.request(() => ran.push("after"));
  assert.equal(ran.at(-1), "after", "an error does not jam the queue");
});

test("run history: records the registry's figures in order and exports them as CSV", () => {
  assert.deepEqual(presets.figures.map((f) => f.key),
    ["loss_d", "loss_g", "d_real", "d_fake", "penalty", "balance", "convergence"]);
  const header = "step,loss_d,loss_g,d_real,d_fake,penalty,balance,convergence";
  const h = new RunHistory(presets.figures);
  const none = [NaN, NaN, NaN];
  h.record(Float32Array.from([0.5, 1.5, 0.9, 0.1, ...none, 0.25, NaN, 0.8, 0.2, ...none]), 2, 11);
  h.record([Infinity, -Infinity, 0, 0, 0.5, 0.01, 0.3], 1, 12);
  assert.equal(h.stride, 7);
  assert.deepEqual(h.step, [10, 11, 12]);
  assert.equal(h.length, 3);
  assert.equal(h.toCsv(), `${header}\n10,0.5,1.5,0.8999999761581421,0.10000000149011612,,,\n` +
    "11,0.25,,0.800000011920929,0.20000000298023224,,,\n12,inf,-inf,0,0,0.5,0.01,0.3\n");
  assert.deepEqual(h.extraSeries().map((s) => s.key), ["penalty", "balance", "convergence"]);
  assert.equal(new RunHistory(presets.figures).toCsv(), `${header}\n`);
  // A run saved before the extra figures existed reads NaN for them.
  const old = new RunHistory(presets.figures);
  old.restore({ step: [1, 2], lossD: [1, 2], lossG: [3, 4], dReal: [5, 6], dFake: [7, 8] });
  assert.deepEqual(old.penalty.map(Number.isNaN), [true, true]);
  assert.deepEqual(old.extraSeries(), []);
  assert.deepEqual(JSON.parse(JSON.stringify(h)).lossD, [0.5, 0.25, null]);
});

test("chart scaling: one point per pixel column at most, the y range covers the data", () => {
  const steps = Array.from({ length: 1000 }, (_, i) => i + 1);
  const values = steps.map((s) => (s % 2 ? 1 : 3));
  const { points, yMin, yMax, xMin, xMax } = chartScale(steps, [{ values }], [0, 1], 100);
  assert.equal(points[0].length, 100, "1,000 steps on 100 pixels");
  for (const [, v] of points[0]) assert.equal(v, 2, "each column the mean of its points");
  assert.deepEqual([yMin, yMax, xMin, xMax], [0, 2, 1, 1000], "the range covers the means drawn");
  const gaps = chartScale([1, 2, 3], [{ values: [NaN, -2, Infinity] }], [0, 1], 300);
  assert.deepEqual(gaps.points[0], [[2, -2]], "non-finite points are skipped");
  assert.deepEqual([gaps.yMin, gaps.yMax], [-2, 1]);
  const empty = chartScale([], [{ values: [] }], [0.5, 0.5], 300);
  assert.deepEqual([empty.points[0], empty.yMin, empty.yMax, empty.xMin, empty.xMax], [[], 0.5, 1.5, 0, 1]);
});

test("display formats", () => {
  assert.equal(formatDuration(44.6), "45 s");
  assert.equal(formatDuration(200), "3 min 20 s");
  assert.equal(formatDuration(3900), "1 h 5 min");
  assert.equal(formatDuration(-5), "0 s");
  assert.equal(formatFigure(NaN), "–");
  assert.equal(formatFigure(0.12345), "0.123");
  assert.equal(formatFigure(Infinity), "Infinity");
  assert.deepEqual([1, 3, 10, 11, 49, 101].map(niceCeil), [1, 5, 10, 20, 50, 200]);
});
