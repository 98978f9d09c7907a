// Node tests of the Runs panel's pure logic: the GIF encoder (www/gif.js; decoded here by a
// small GIF decoder written for this test from the specification: its LZW codes, its blocks),
// the run records (www/run-records.js: frames kept and thinned, the slider's steps, the
// overlaid series, the CSV and JSON, the course's shipped tables as read-only runs), the
// queue's experiments (www/experiments.js), the charts' overlay and read-out (www/chart.js) and
// the WebM's enlargement (www/webm.js).

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";

import { encodeGif, lzwEncode } from "../../www/gif.js";
import {
  COURSE_TABLES, MAX_FRAMES, addFrame, courseRuns, fileStemOf, frameAt, greyFrame, newRunRecord, overlaySeries, quantities, runJson, runName,
  runsCsv, sliderSteps,
} from "../../www/run-records.js";
import { execFileSync } from "node:child_process";
import { Presets } from "../../www/presets.js";
import { GAN_BIN } from "../e2e/gan-bin.mjs";
import { chartScale, readOut } from "../../www/chart.js";
import { COURSE_EXPERIMENTS, experimentConfig, ownExperiment } from "../../www/experiments.js";
import { videoScale } from "../../www/webm.js";
import { seeded } from "../e2e/seeded.mjs";

// ------------------------------------------------------------------ a GIF decoder

/** Decodes GIF LZW data (min code size `minSize`) into pixel indices, as a GIF decoder reads it. */
function lzwDecode(data, minSize) {
  const clear = 1 << minSize;
  const end = clear + 1;
  let width = minSize + 1;
  let table = [];
  const reset = () => {
    table = Array.from({ length: clear + 2 }, (_, i) => (i < clear ? [i] : null));
    width = minSize + 1;
  };
  reset();
  const out = [];
  let bitPos = 0;
  let prev = null;
  const read = () => {
    let code = 0;
    for (let i = 0; i < width; i++, bitPos++) {
      if (bitPos >> 3 >= data.length) throw new Error("the data ends before the end code");
      code |= ((data[bitPos >> 3] >> (bitPos & 7)) & 1) << i;
    }
    return code;
  };
  for (;;) {
    const code = read();
    if (code === clear) {
      reset();
      prev = null;
      continue;
    }
    if (code === end) return { pixels: out, bitsLeft: data.length * 8 - bitPos };
    let entry;
    if (prev === null) {
      entry = table[code];
      if (!entry) throw new Error(`code ${code} right after a clear`);
    } else {
      if (code < table.length) entry = table[code];
      else if (code === table.length) entry = [...table[prev], table[prev][0]];
      else throw new Error(`code ${code} beyond the table (${table.length})`);
      if (table.length < 4096) table.push([...table[prev], entry[0]]);
    }
    out.push(...entry);
    prev = code;
    if (table.length === 1 << width && width < 12) width++;
  }
}

/** Reads a GIF's screen and frames: { width, height, palette, loops, frames: [{ delay, pixels }] }. */
function decodeGif(bytes) {
  let at = 0;
  const u8 = () => bytes[at++];
  const u16 = () => bytes[at++] | (bytes[at++] << 8);
  const text = (n) => String.fromCharCode(...bytes.subarray(at, (at += n)));
  const blocks = () => {
    const parts = [];
    for (let n = u8(); n > 0; n = u8()) parts.push(...bytes.subarray(at, (at += n)));
    return Uint8Array.from(parts);
  };
  assert.equal(text(6), "GIF89a");
  const width = u16();
  const height = u16();
  const packed = u8();
  at += 2;
  assert.ok(packed & 0x80, "a global colour table");
  const size = 2 << (packed & 7);
  const palette = bytes.subarray(at, (at += 3 * size));
  const frames = [];
  let delay = null;
  let loops = false;
  for (;;) {
    const kind = u8();
    if (kind === 0x3b) break;
    if (kind === 0x21) {
      const label = u8();
      if (label === 0xf9) {
        const data = blocks();
        delay = data[1] | (data[2] << 8);
      } else if (label === 0xff) {
        const n = u8();
        const name = text(n);
        const data = blocks();
        loops ||= name === "NETSCAPE2.0" && data[0] === 1;
      } else blocks();
    } else if (kind === 0x2c) {
      const [left, top, w, h] = [u16(), u16(), u16(), u16()];
      assert.deepEqual([left, top, w, h], [0, 0, width, height], "a frame covers the screen");
      assert.equal(u8() & 0x80, 0, "no local colour table");
      const minSize = u8();
      const { pixels, bitsLeft } = lzwDecode(blocks(), minSize);
      assert.ok(bitsLeft < 8, "no data after the end code");
      frames.push({ delay, pixels });
    } else {
      throw new Error(`unknown block 0x${kind.toString(16)} at byte ${at - 1}`);
    }
  }
  assert.equal(at, bytes.length, "nothing after the trailer");
  return { width, height, palette, loops, frames };
}

// ------------------------------------------------------------------ GIF

test("LZW codes decode to the pixels, across code widths, a full table and its clear", () => {
  const random = seeded(7);
  const cases = [
    [],
    [0],
    [255, 255],
    Array.from({ length: 1000 }, () => 17), // long runs: few, long codes
    Array.from({ length: 300 }, (_, i) => i % 256), // 9 to 10 bits
    Array.from({ length: 20_000 }, () => Math.floor(random() * 256)), // noise: the table fills and clears
    Array.from({ length: 20_000 }, () => Math.floor(random() * 4)), // four levels: long codes, widths up to 12
  ];
  // Every length around the first widening (the table reaching 512 entries), where an encoder
  // and a decoder must agree on when the codes get wider, the end code included.
  const ramp = Array.from({ length: 600 }, (_, i) => (i * 7) % 256);
  for (let n = 240; n <= 600; n++) cases.push(ramp.slice(0, n));
  for (const pixels of cases) {
    const { pixels: back, bitsLeft } = lzwDecode(lzwEncode(pixels), 8);
    assert.deepEqual(back, pixels, `${pixels.length} pixels`);
    assert.ok(bitsLeft < 8);
  }
});

test("a GIF89a holds every frame with its delay, a grey palette, and loops", () => {
  const [w, h] = [37, 21];
  const random = seeded(3);
  const frames = Array.from({ length: 5 }, (_, f) => Uint8Array.from({ length: w * h }, (_, i) => (f === 4 ? Math.floor(random() * 256) : (i * (f + 1)) % 256)));
  const gif = encodeGif(frames, { width: w, height: h, delays: [10, 20, 30, 40, 250] });
  const read = decodeGif(gif);
  assert.equal(read.width, w);
  assert.equal(read.height, h);
  assert.ok(read.loops);
  assert.equal(read.palette.length, 768);
  for (let i = 0; i < 256; i++) assert.deepEqual([...read.palette.subarray(3 * i, 3 * i + 3)], [i, i, i]);
  assert.equal(read.frames.length, 5);
  assert.deepEqual(read.frames.map((f) => f.delay), [10, 20, 30, 40, 250]);
  read.frames.forEach((f, i) => assert.deepEqual(f.pixels, [...frames[i]], `frame ${i}`));
  // one delay for every frame
  assert.deepEqual(decodeGif(encodeGif(frames, { width: w, height: h, delays: 7 })).frames.map((f) => f.delay), [7, 7, 7, 7, 7]);
  assert.throws(() => encodeGif([], { width: w, height: h, delays: 1 }), /at least one frame/);
  assert.throws(() => encodeGif([new Uint8Array(3)], { width: w, height: h, delays: 1 }), /frame 0 has 3 pixels/);
  assert.throws(() => encodeGif(frames, { width: 0, height: h, delays: 1 }), /cannot be 0 x 21/);
});

// ------------------------------------------------------------------ run records

const record = (name, over = {}) => ({
  ...newRunRecord({ id: name, name, createdAt: 1, kind: "mlp", preset: "mlp", dataSet: "mnist", config: {}, train: {} }),
  ...over,
});
const frame = (step, width = 2, height = 1, v = step) => ({ step, width, height, grey: new Uint8Array(width * height).fill(v) });

test("a run keeps a bounded number of frames, evenly spaced, and shows the last at or before a step", () => {
  const r = record("a");
  for (let step = 0; step <= 200; step++) addFrame(r, frame(step));
  assert.ok(r.frames.length <= MAX_FRAMES, `${r.frames.length} frames`);
  assert.ok(r.frames.length > MAX_FRAMES / 2);
  assert.equal(r.frames[0].step, 0, "the first frame stays");
  const gaps = r.frames.slice(1).map((f, i) => f.step - r.frames[i].step);
  assert.ok(gaps.every((g) => g >= 1 && g <= r.frameEvery), `gaps ${gaps}`);
  assert.ok(Math.max(...gaps) === r.frameEvery, "spacing doubled as frames were thinned");
  // the frame at a step: the last at or before it, the first before any
  const s = r.frames[3].step;
  assert.equal(frameAt(r, s).step, s);
  assert.equal(frameAt(r, s + 1).step, s + 1 < r.frames[4].step ? s : r.frames[4].step);
  assert.equal(frameAt(r, -5).step, 0);
  assert.equal(frameAt(record("none"), 3), null);

  // A resume from an older save drops the frames after it; a new grid size starts again.
  const b = record("b");
  for (const step of [0, 10, 20, 30]) addFrame(b, frame(step));
  addFrame(b, frame(15));
  assert.deepEqual(b.frames.map((f) => f.step), [0, 10, 15]);
  addFrame(b, frame(40, 3, 3));
  assert.deepEqual(b.frames.map((f) => [f.step, f.width]), [[40, 3]]);
});

test("a grid becomes a small grey frame (its red channel, averaged down past the size limit)", () => {
  const rgba = Uint8Array.from({ length: 4 * 4 * 2 }, (_, i) => (i % 4 === 0 ? (i / 4) * 10 : 99));
  assert.deepEqual(greyFrame(rgba, 4, 2), { width: 4, height: 2, grey: Uint8Array.from([0, 10, 20, 30, 40, 50, 60, 70]) });
  // a factor of 2: each pixel the mean of a 2x2 block; the odd edge of what is left
  assert.deepEqual(greyFrame(rgba, 4, 2, 2), { width: 2, height: 1, grey: Uint8Array.from([25, 45]) });
  const odd = greyFrame(Uint8Array.from({ length: 4 * 3 }, (_, i) => (i % 4 === 0 ? 30 * (i / 4) : 0)), 3, 1, 2);
  assert.deepEqual(odd, { width: 2, height: 1, grey: Uint8Array.from([15, 60]) });
});

test("a chart per figure of the registry, a loss's own ones and the Fréchet distance only where measured", () => {
  const { figures } = new Presets(execFileSync(GAN_BIN, ["presets", "--json"], { encoding: "utf8" }));
  assert.deepEqual(quantities(figures).map(({ key, title, optional }) => [key, title, optional]), [
    ["lossD", "loss D", false], ["lossG", "loss G", false], ["dReal", "D(x)", false], ["dFake", "D(G(z))", false],
    ["penalty", "gradient penalty", true], ["balance", "k_t", true], ["convergence", "M_global", true],
    ["fd", "Fréchet distance (lower is better)", true],
  ]);
  // A BEGAN run's k_t is a series; an MLP run beside it has none.
  const began = record("began", { history: { step: [1, 2], lossD: [0.2, 0.3], balance: [0.001, 0.002] } });
  const mlp = record("mlp", { history: { step: [1, 2], lossD: [1.3, 1.2], balance: [NaN, NaN] } });
  assert.deepEqual(overlaySeries([began, mlp], "balance", () => "x").map((s) => [s.label, s.values]), [["began", [0.001, 0.002]]]);
  assert.deepEqual(overlaySeries([mlp], "balance", () => "x"), [], "no chart of k_t for the MLP run alone");
});

test("two runs' slider steps, overlaid series and read-out", () => {
  const a = record("a", { history: { step: [1, 2, 3], lossD: [0.5, 0.6, 0.7], lossG: [1, 2, 3] }, quality: { step: [3], fd: [40], accuracy: [0.5] } });
  const b = record("b", { history: { step: [1, 2, 3, 4, 5], lossD: [NaN, 0.1, 0.2, 0.3, 0.4], lossG: [NaN, NaN, NaN, NaN, NaN] } });
  for (const step of [0, 2, 4]) addFrame(a, frame(step));
  for (const step of [0, 3]) addFrame(b, frame(step));
  assert.deepEqual(sliderSteps(a, b), [0, 2, 3, 4]);
  assert.deepEqual(sliderSteps(a, undefined), [0, 2, 4]);

  const colors = { a: "red", b: "blue" };
  const lossD = overlaySeries([a, b], "lossD", (r) => colors[r.id]);
  assert.deepEqual(lossD.map((s) => [s.label, s.color, s.steps.length]), [["a", "red", 3], ["b", "blue", 5]]);
  assert.deepEqual(overlaySeries([a, b], "lossG", () => "x").map((s) => s.label), ["a"], "b never measured loss G");
  assert.deepEqual(overlaySeries([a, b], "fd", () => "x").map((s) => [s.label, s.steps, s.values]), [["a", [3], [40]]]);
  assert.deepEqual(overlaySeries([a, b], "dReal", () => "x"), [], "a figure no run has");

  // Each series on its own steps: the x range covers both, and every point lands.
  const scale = chartScale([], lossD, [0, 1], 300);
  assert.deepEqual([scale.xMin, scale.xMax], [1, 5]);
  assert.deepEqual(scale.points.map((p) => p.length), [3, 4]);
  assert.deepEqual(scale.points[1][0], [2, 0.1]);
  // The read-out: each run's measured point nearest the pointer's step.
  assert.deepEqual(readOut([], lossD, 4.2), [{ label: "a", step: 3, value: 0.7 }, { label: "b", step: 4, value: 0.3 }]);
  assert.deepEqual(readOut([], lossD, 1), [{ label: "a", step: 1, value: 0.5 }, { label: "b", step: 2, value: 0.1 }], "b's NaN at step 1 is skipped");
  assert.deepEqual(readOut([7], [{ label: "c", values: [NaN] }], 7), [null]);
});

test("runs as CSV (one line per run and step, the scores' steps merged) and JSON (no pixels)", () => {
  const figures = [{ key: "loss_d" }, { key: "loss_g" }];
  const a = record("a, the first", {
    history: { step: [1, 2], lossD: [0.5, Infinity], lossG: [NaN, 2] },
    quality: { step: [2, 5], fd: [40.5, 30], accuracy: [NaN, NaN] },
  });
  const b = record("b", { history: { step: [1], lossD: [0.25] } });
  assert.equal(runsCsv([a, b], figures), [
    "run,step,loss_d,loss_g,frechet_distance",
    '"a, the first",1,0.5,,',
    '"a, the first",2,inf,2,40.5',
    '"a, the first",5,,,30',
    "b,1,0.25,,",
    "",
  ].join("\n"));
  addFrame(a, frame(3));
  const json = runJson(a);
  assert.deepEqual(json.frames, [{ step: 3, width: 2, height: 1 }]);
  assert.equal(json.name, "a, the first");
  assert.equal(a.frames[0].grey.length, 2, "the record keeps its pixels");
  assert.equal(fileStemOf(a), "gan-studio-run-a-the-first");
  assert.equal(fileStemOf({ ...record("x"), id: "run-1", name: "!!" }), "gan-studio-run-run-1", "a name without letters: the id");
  assert.equal(runName("dcgan", 3), "dcgan #3");
});

test("an overlay chart fits its values (with a margin), or 0 to 1 when it has none", () => {
  const close = (a, b) => Math.abs(a - b) < 1e-9;
  const { yMin, yMax } = chartScale([], [{ steps: [1, 2], values: [0.2, 0.6] }], null, 100);
  assert.ok(close(yMin, 0.18) && close(yMax, 0.62), `${yMin} to ${yMax}`);
  // values close together: at least a thousandth of their size each side
  const near = chartScale([], [{ steps: [1, 2], values: [0.502, 0.51] }], null, 100);
  assert.ok(close(near.yMin, 0.501) && close(near.yMax, 0.511), `${near.yMin} to ${near.yMax}`);
  const empty = chartScale([], [], null, 100);
  assert.ok(close(empty.yMin, -0.05) && close(empty.yMax, 1.05) && empty.xMin === 0 && empty.xMax === 1);
  const flat = chartScale([], [{ steps: [3], values: [2] }], null, 100);
  assert.deepEqual([flat.yMin, flat.yMax], [1.998, 2.002]);
});

test("the course's shipped experiments read as read-only runs: their score at their last step", () => {
  const root = new URL("../../weights/experiments/", import.meta.url);
  const results = courseRuns(readFileSync(new URL("results.tsv", root), "utf8"), COURSE_TABLES[0]);
  const losses = courseRuns(readFileSync(new URL("losses.tsv", root), "utf8"), COURSE_TABLES[1]);
  assert.ok(results.length >= 5 && losses.length >= 5, `${results.length} and ${losses.length} rows`);
  for (const run of [...results, ...losses]) {
    assert.equal(run.readOnly, true);
    assert.equal(run.shown, false);
    assert.deepEqual(run.history.step, [], "no curves");
    assert.equal(run.quality.step[0], run.step);
    assert.ok(run.quality.fd[0] > 0);
    assert.ok(existsSync(new URL(run.gridFile, root)), `${run.gridFile} is shipped`);
    assert.equal(run.course.histogram.length, 10);
  }
  // Against the tables' own lines (EXPERIMENTS.md's figures).
  const nz10 = results.find((r) => r.name === "course: nz10");
  assert.deepEqual([nz10.kind, nz10.train.flags, nz10.step, nz10.quality.fd[0], nz10.course.digitsCovered, nz10.course.msPerStep],
    ["dcgan", "--nz 10", 1500, 169.11, 9, null]);
  const lsgan = losses.find((r) => r.name === "course losses: lsgan");
  assert.deepEqual([lsgan.quality.fd[0], lsgan.course.msPerStep, lsgan.course.meanConfidence], [868.21, 160.2, 0.694]);
  assert.equal(results.find((r) => r.name === "course: baseline").train.flags, "");
  // A model of its own: its kind; lines that are not rows: skipped.
  const odd = courseRuns("x\ny\tz\nwgan-gp\t--model wgan-gp\t1500\t9\t2344\t10\t0.815\t190.3\t1 2 3 4 5 6 7 8 9 10\nbad name\t-\t1\t1\t1\t1\t1\t1 1\n", COURSE_TABLES[1]);
  assert.deepEqual(odd.map((r) => [r.id, r.kind]), [["course-losses.tsv-wgan-gp", "wgan-gp"]]);
});

test("the course's experiments change one thing against the baseline, in the registry's ranges", () => {
  const base = {
    model: { kind: "dcgan", nz: 100, ngf: 32, ndf: 3, init: "dcgan", prior: "gaussian", image_size: 32 },
    train: { lr_g: 0.0002, lr_d: 0.6, loss: "non-saturating", seed: 1, batch_size: 64 },
  };
  const variant = { settings: [{ key: "ngf", min: 1, max: 40 }, { key: "ndf", min: 2, max: 4096 }] };
  const limits = { lr: [0, 1] };
  const named = (name) => COURSE_EXPERIMENTS.find((e) => e.name === name);
  const run = (name) => experimentConfig(base, named(name), variant, limits);
  assert.deepEqual(COURSE_EXPERIMENTS.map((e) => e.name),
    ["baseline", "nz10", "nz1000", "half-width", "double-width", "default-init", "saturating", "lsgan", "lr-x2"]);
  assert.deepEqual(run("baseline"), base);
  assert.notEqual(run("baseline").model, base.model, "a copy: the baseline stays as it was");
  assert.deepEqual(run("nz10").model, { ...base.model, nz: 10 });
  assert.deepEqual(run("nz1000").model.nz, 1000);
  assert.deepEqual([run("half-width").model.ngf, run("half-width").model.ndf], [16, 2], "halved, within the minimum");
  assert.deepEqual([run("double-width").model.ngf, run("double-width").model.ndf], [40, 6], "doubled, within the maximum");
  assert.equal(run("default-init").model.init, "default");
  assert.equal(run("saturating").train.loss, "saturating");
  assert.equal(run("lsgan").train.loss, "least-squares");
  assert.deepEqual([run("lr-x2").train.lr_g, run("lr-x2").train.lr_d], [0.0004, 1], "doubled, within the limit");
  for (const e of COURSE_EXPERIMENTS) {
    const { model, train } = run(e.name);
    assert.equal(train.seed, 1, `${e.name}: the same seed`);
    assert.equal(model.kind, "dcgan");
  }

  // A student's own: key=value changes to the model's or the training's settings.
  const own = ownExperiment(" nz=20,  lr_g=5e-4 loss=hinge ", base);
  assert.deepEqual(own, { name: "nz=20 lr_g=5e-4 loss=hinge", title: "nz=20 lr_g=5e-4 loss=hinge", model: { nz: 20 }, train: { lr_g: 0.0005, loss: "hinge" } });
  assert.deepEqual(experimentConfig(base, own, variant, limits).model.nz, 20);
  assert.equal(ownExperiment("   ", base), null);
  assert.throws(() => ownExperiment("nz 20", base), /"nz" is not a change: write key=value/);
  assert.throws(() => ownExperiment("depth=3", base), /"depth" is not a setting of this run: nz, ngf, ndf, init, prior, image_size, lr_g/);
  assert.throws(() => ownExperiment("kind=mlp", base), /"kind" is not a setting/);
});

test("a WebM's grids are enlarged by a whole factor until their shorter side is 256 px", () => {
  assert.equal(videoScale(233, 233), 2);
  assert.equal(videoScale(34, 67), 8);
  assert.equal(videoScale(256, 300), 1);
  assert.equal(videoScale(1000, 900), 1);
  assert.equal(videoScale(10, 10, 25), 3);
  assert.equal(videoScale(0, 0), 256, "a degenerate size is not a division by zero");
});
