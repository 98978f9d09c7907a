// The Runs panel (www/runs-panel.js, runs-views.js): every trainer run kept on this device and
// compared as TensorBoard does. Two short seeded MLP runs: both curves drawn on every chart
// (the charts' data attributes and their pixels in each run's colour), a read-out of both
// under the pointer, the slider moving both grids, the curves as CSV, a run's grids as an
// animated GIF that the browser's own decoder (WebCodecs' ImageDecoder) reads back frame by
// frame, and as a WebM video (MediaRecorder's: the EBML magic, a <video> element's duration,
// a video frame per frame asked for), a rename, a hidden run, a delete; and all of it back
// after a reload. A run resumed after a reload goes on in its kept run. The course's shipped
// experiments join as read-only runs (their scores, their grids as the PNGs hold them). The
// queue trains two of the course's experiments one after another from one seed. Where
// MediaRecorder cannot write WebM, the WebM button says so and the GIF stays. A last test
// breaks IndexedDB: the panel says so and training goes on. A BEGAN run's own figures (k_t,
// M_global) get charts of their own, which an MLP run beside it leaves alone.
//
// The CPU path (--disable-webgpu, #device=cpu): cheap, and the panel does not depend on the
// device. With GAN_SCREENSHOTS=/folder, (r1) saves a picture of the two runs compared there.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DIST, TEST_TIMEOUT, WAIT_TIMEOUT, NO_WEBGPU_ARGS, launch, closeAll, watchErrors, assertNoErrors,
  decodeGifInPage, decodePng, downloadFile, setValue, trainerIdle,
} from "./harness.mjs";
import { greyFrame } from "../../www/run-records.js";
import { startServer } from "./server.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const STEPS = 4; // per run
const QUANTITIES = ["lossD", "lossG", "dReal", "dFake"];
const COLORS = ["#58a6ff", "#f0883e"]; // the first two runs' colours (run-records.js)

let server;

before(async () => {
  server = await startServer(DIST);
});

after(async () => {
  await closeAll();
  await server?.close();
});

/** A page in a fresh browser without WebGPU, its errors watched; not yet opened. */
async function newCpuPage() {
  const context = await launch(NO_WEBGPU_ARGS);
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_TIMEOUT);
  return { page, errors: watchErrors(page) };
}

/** Opens the page on the CPU and waits until the app and the Runs panel are ready. */
async function open(page) {
  await page.goto(`${server.url}#device=cpu&n=2`, { waitUntil: "domcontentloaded" });
  await page.waitForFunction(() => document.querySelector("#status")?.dataset.state === "ready" &&
    window.ganStudio?.runs?.state.loaded, null, { polling: 100 });
}

/** Waits until the Runs panel has written everything to this device; returns its state. */
async function runsSettled(page) {
  await page.waitForFunction(() => !window.ganStudio.runs.state.writing, null, { polling: 50 });
  return page.evaluate(() => window.ganStudio.runs.state);
}

/** A new run of `preset` (batch 4, seed `seed`, a grid every step) trained for STEPS steps with Play. */
async function trainRun(page, seed, preset = "mlp") {
  await page.selectOption("#train-preset", preset);
  await setValue(page, "#train-batch", 4);
  await setValue(page, "#train-seed", seed);
  await setValue(page, "#train-refresh", 1);
  await setValue(page, "#train-budget", STEPS);
  await page.click("#train-reset");
  await trainerIdle(page);
  await page.click("#train-play");
  const state = await trainerIdle(page);
  assert.equal(state.error, null, `run of seed ${seed}: ${state.error}`);
  assert.equal(state.step, STEPS);
  return runsSettled(page);
}

/** What each overlaid chart says it drew: { key: { series, seriesPoints, hidden } }. */
const chartsDrawn = (page, keys = [...QUANTITIES, "fd"]) => page.evaluate((keys) => Object.fromEntries(keys.map((key) => {
  const canvas = document.getElementById(`runs-chart-${key}`);
  return [key, { series: canvas.dataset.series, seriesPoints: canvas.dataset.seriesPoints, hidden: canvas.parentElement.hidden }];
})), keys);

/**
 * How many pixels of chart `key`'s plot (below its title and legend) are close to each of
 * `colors` (#rrggbb).
 */
const pixelsOf = (page, key, colors) => page.evaluate(([id, wanted]) => {
  const canvas = document.getElementById(id);
  const top = Math.ceil(26 * (window.devicePixelRatio || 1)); // below the title and the legend
  const { data } = canvas.getContext("2d").getImageData(0, top, canvas.width, canvas.height - top);
  return wanted.map((hex) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 60) n++;
    }
    return n;
  });
}, [`runs-chart-${key}`, colors]);

/** A digest of a canvas's pixels (to see that it changed) and its size. */
const canvasPixels = (page, id) => page.evaluate((canvasId) => {
  const canvas = document.getElementById(canvasId);
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let hash = 0;
  for (let i = 0; i < data.length; i += 4) hash = (Math.imul(hash, 31) + data[i]) | 0;
  return { width: canvas.width, height: canvas.height, hash, step: canvas.dataset.step };
}, id);

/**
 * The video frames (SimpleBlocks and Blocks) of a WebM file: a small walk of its EBML
 * elements (an ID, then a size, both variable-length; Segment, Cluster and BlockGroup hold
 * others; a size of all ones is unknown: the element runs to the end of its parent).
 */
function webmFrameCount(bytes) {
  const PARENTS = new Set([0x18538067, 0x1f43b675, 0xa0]); // Segment, Cluster, BlockGroup
  const lengthOf = (first) => Math.clz32(first) - 23; // 1 for 1xxxxxxx, 2 for 01xxxxxx, ...
  let frames = 0;
  const walk = (start, end) => {
    let at = start;
    while (at < end) {
      const idLength = lengthOf(bytes[at]);
      let id = 0;
      for (let i = 0; i < idLength; i++) id = id * 256 + bytes[at + i];
      at += idLength;
      const sizeLength = lengthOf(bytes[at]);
      let size = bytes[at] & (0xff >> sizeLength);
      let unknown = size === 0xff >> sizeLength;
      for (let i = 1; i < sizeLength; i++) {
        size = size * 256 + bytes[at + i];
        unknown &&= bytes[at + i] === 0xff;
      }
      at += sizeLength;
      const stop = unknown ? end : Math.min(end, at + size);
      if (id === 0xa3 || id === 0xa1) frames++;
      if (PARENTS.has(id)) walk(at, stop);
      at = stop;
    }
  };
  walk(0, bytes.length);
  return frames;
}

/**
 * Loads a video into a <video> element of a blank page (the app's CSP allows no blob: media):
 * its duration in seconds (a recorder's WebM may not say it until the element has looked at
 * its end: a seek there makes it) and its size.
 */
const videoInBlankPage = (blank, bytes) => blank.evaluate(async (b64) => {
  const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const video = document.createElement("video");
  video.muted = true;
  const event = (name) => new Promise((resolve, reject) => {
    video.addEventListener(name, resolve, { once: true });
    video.addEventListener("error", () => reject(new Error(`the video did not load: ${video.error?.message}`)), { once: true });
  });
  const loaded = event("loadedmetadata");
  video.src = URL.createObjectURL(new Blob([data], { type: "video/webm" }));
  await loaded;
  if (!Number.isFinite(video.duration)) {
    const known = event("durationchange");
    video.currentTime = 1e6;
    await known;
  }
  return { duration: video.duration, width: video.videoWidth, height: video.videoHeight };
}, bytes.toString("base64"));

/** Moves the two grids' slider to index `i`, as a user's drag does. */
const slideTo = (page, i) => setValue(page, "#runs-slider", i, "input");

describe("the Runs panel", { timeout: 20 * 60_000 }, () => {
  test("(r1) two runs compared: overlaid curves, a read-out, both grids on one slider, CSV, GIF and WebM, and a reload", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await newCpuPage();
    await open(page);
    assert.deepEqual((await page.evaluate(() => window.ganStudio.runs.state)).runs, [], "a fresh profile keeps no runs");
    assert.equal(await page.isVisible("#runs-empty"), true);

    await trainRun(page, 1);
    await trainRun(page, 2);
    // The second run scored by the quality meter once (at its last step).
    await page.selectOption("#train-quality-n", "100");
    await page.click("#train-quality-now");
    await page.waitForFunction(() => window.ganStudio.trainer.state.qualityScores === 1, null, { polling: 100 });
    await trainerIdle(page);
    let runs = await runsSettled(page);
    assert.equal(runs.error, null);
    assert.equal(runs.storageOk, true);
    assert.deepEqual(runs.runs.map((r) => [r.name, r.kind, r.step, r.steps, r.scores, r.shown]), [
      ["mlp #1", "mlp", STEPS, STEPS, 0, true],
      ["mlp #2", "mlp", STEPS, STEPS, 1, true],
    ]);
    // A grid every step, the first drawn when the run starts.
    for (const r of runs.runs) assert.deepEqual(r.frames, [0, 1, 2, 3, 4]);
    const [first, second] = runs.runs;

    // Both curves on each chart: two series of STEPS points, drawn in each run's colour (the
    // charts fit the values, so that runs close together still show apart).
    let drawn = await chartsDrawn(page);
    t.diagnostic(`charts: ${JSON.stringify(drawn)}`);
    for (const key of QUANTITIES) {
      assert.deepEqual(drawn[key], { series: "2", seriesPoints: `${STEPS},${STEPS}`, hidden: false }, key);
      const [a, b] = await pixelsOf(page, key, COLORS);
      assert.ok(a > 20 && b > 20, `${key}: ${a} and ${b} pixels of the two runs' colours`);
    }
    // The Fréchet distance: the one run scored, its one point, also in its row.
    assert.deepEqual(drawn.fd, { series: "1", seriesPoints: "1", hidden: false });
    const fd = await page.evaluate(() => window.ganStudio.trainer.state.quality.frechet_distance);
    assert.equal(await page.textContent(`#runs-list li[data-id="${second.id}"] .runs-fd`), `FD ${fd.toFixed(1)}`);
    // The two runs learned from different seeds: their curves differ.
    const curves = await page.evaluate(() => window.ganStudio.runs.records.map((r) => r.history.lossD));
    assert.notDeepEqual(curves[0], curves[1]);

    // The read-out under the pointer names both runs and their values there.
    const chart = page.locator("#runs-chart-lossD");
    const box = await chart.boundingBox();
    await chart.hover({ position: { x: box.width - 12, y: box.height / 2 } });
    const readout = await page.textContent("#runs-readout-lossD");
    t.diagnostic(`read-out: ${readout}`);
    const values = await page.evaluate(() => window.ganStudio.runs.records.map((r) => r.history.lossD.at(-1).toFixed(3)));
    assert.equal(readout, `mlp #1: ${values[0]} at step ${STEPS} · mlp #2: ${values[1]} at step ${STEPS}`);

    // A picture of the comparison for a person to look at, where $GAN_SCREENSHOTS names a folder.
    if (process.env.GAN_SCREENSHOTS) {
      const path = join(process.env.GAN_SCREENSHOTS, "runs-panel.png");
      await page.locator("#runs-panel").screenshot({ path });
      t.diagnostic(`screenshot: ${path}`);
    }

    // The two grids side by side: the older run left, the newer right, the slider at the end.
    let pair = runs.pair;
    assert.deepEqual([pair.left, pair.right, pair.steps, pair.step], [first.id, second.id, [0, 1, 2, 3, 4], 4]);
    const lastLeft = await canvasPixels(page, "runs-grid-left");
    const lastRight = await canvasPixels(page, "runs-grid-right");
    assert.equal(lastLeft.step, "4");
    assert.equal(lastRight.step, "4");
    assert.notEqual(lastLeft.hash, lastRight.hash, "two seeds: two different grids");
    // The grid the trainer shows now is the right one's last frame (the same pixels).
    const shownNow = await page.evaluate(() => {
      const canvas = document.getElementById("train-grid");
      const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
      return { width: canvas.width, height: canvas.height, grey: Array.from(data.filter((_, i) => i % 4 === 0)) };
    });
    const rightGrey = await page.evaluate(() => Array.from(window.ganStudio.runs.records[1].frames.at(-1).grey));
    assert.equal(lastRight.width, shownNow.width);
    assert.deepEqual(rightGrey, shownNow.grey);
    // Sliding to the first step moves both grids.
    await slideTo(page, 0);
    const startLeft = await canvasPixels(page, "runs-grid-left");
    const startRight = await canvasPixels(page, "runs-grid-right");
    assert.deepEqual([startLeft.step, startRight.step], ["0", "0"]);
    assert.notEqual(startLeft.hash, lastLeft.hash, "the left grid changed with the slider");
    assert.notEqual(startRight.hash, lastRight.hash, "the right grid changed with the slider");
    assert.equal(await page.textContent("#runs-slider-step"), "step 0");
    await slideTo(page, 2);
    assert.deepEqual([(await canvasPixels(page, "runs-grid-left")).step, (await canvasPixels(page, "runs-grid-right")).step], ["2", "2"]);

    // The curves as CSV: a line per run and step, the run's figures as recorded.
    const csv = await downloadFile(page, "#runs-csv");
    assert.equal(csv.name, "gan-studio-runs.csv");
    const lines = csv.bytes.toString("utf8").trim().split("\n");
    assert.match(lines[0], /^run,step,loss_d,loss_g,d_real,d_fake,.*frechet_distance$/);
    assert.equal(lines.length, 1 + 2 * STEPS);
    assert.equal(Number(lines.at(-1).split(",").at(-1)), fd, "the score at its step");
    assert.equal(lines[STEPS].split(",").at(-1), "", "the first run was not scored");
    assert.deepEqual(lines.slice(1).map((l) => l.split(",").slice(0, 2).join(",")),
      ["mlp #1,1", "mlp #1,2", "mlp #1,3", "mlp #1,4", "mlp #2,1", "mlp #2,2", "mlp #2,3", "mlp #2,4"]);
    const lossD = await page.evaluate(() => window.ganStudio.runs.records.map((r) => r.history.lossD));
    assert.equal(Number(lines[1].split(",")[2]), lossD[0][0]);
    assert.equal(Number(lines[8].split(",")[2]), lossD[1][3]);

    // The second run's grids as a GIF: the browser decodes STEPS + 1 frames, the last shown
    // longest, each the grid kept at its step.
    const gifFile = await downloadFile(page, `#runs-list li[data-id="${second.id}"] button[data-action="gif"]`);
    assert.equal(gifFile.name, "gan-studio-run-mlp-2.gif");
    assert.equal(gifFile.bytes.subarray(0, 6).toString("latin1"), "GIF89a");
    const gif = await decodeGifInPage(page, gifFile.bytes);
    t.diagnostic(`GIF: ${gifFile.bytes.length} bytes, ${gif.count} frames of ${gif.frames[0].width} x ${gif.frames[0].height}`);
    assert.equal(gif.count, STEPS + 1);
    const kept = await page.evaluate(() => window.ganStudio.runs.records[1].frames.map((f) => ({ width: f.width, height: f.height, grey: Array.from(f.grey) })));
    gif.frames.forEach((frame, i) => {
      assert.deepEqual([frame.width, frame.height], [kept[i].width, kept[i].height], `frame ${i}'s size`);
      assert.deepEqual(frame.grey, kept[i].grey, `frame ${i}'s pixels`);
    });
    assert.ok(gif.frames.at(-1).duration > gif.frames[0].duration, "the last frame is shown longest");
    assert.match(await page.textContent("#runs-message"), /^Saved mlp #2's 5 grids \(steps 0 to 4\) as a GIF\.$/);

    // The same grids as a WebM (this Chromium's MediaRecorder records one): an EBML file that
    // a <video> element plays, enlarged to at least 256 px, a video frame per frame asked for.
    assert.equal(await page.evaluate(() => MediaRecorder.isTypeSupported("video/webm")), true, "this Chromium records WebM");
    const webm = await downloadFile(page, `#runs-list li[data-id="${second.id}"] button[data-action="webm"]`);
    assert.equal(webm.name, "gan-studio-run-mlp-2.webm");
    assert.deepEqual([...webm.bytes.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3], "the EBML magic");
    const blank = await page.context().newPage();
    const video = await videoInBlankPage(blank, webm.bytes);
    await blank.close();
    const frameCount = webmFrameCount(webm.bytes);
    t.diagnostic(`WebM: ${webm.bytes.length} bytes, ${frameCount} frames, ${video.duration.toFixed(2)} s of ${video.width} x ${video.height}`);
    assert.ok(video.duration > 0, `the video lasts ${video.duration} s`);
    const scale = Math.ceil(256 / Math.min(kept[0].width, kept[0].height));
    assert.deepEqual([video.width, video.height], [kept[0].width * scale, kept[0].height * scale]);
    // 24 video frames are asked for a grid, 120 for the last; an encoder that falls behind
    // may drop some (that depends on the machine's load), so the count is bounded, not exact.
    assert.ok(frameCount >= 5 && frameCount <= 4 * 24 + 120, `${frameCount} video frames: at least one a grid, at most the 216 asked for`);
    assert.match(await page.textContent("#runs-message"), /^Saved mlp #2's 5 grids \(steps 0 to 4\) as a WebM\.$/);

    // Rename the first run and hide the second: the charts follow.
    await page.fill(`#runs-list li[data-id="${first.id}"] .runs-name`, "baseline");
    await page.press(`#runs-list li[data-id="${first.id}"] .runs-name`, "Enter");
    await page.uncheck(`#runs-list li[data-id="${second.id}"] .runs-show`);
    runs = await runsSettled(page);
    assert.deepEqual(runs.runs.map((r) => [r.name, r.shown]), [["baseline", true], ["mlp #2", false]]);
    drawn = await chartsDrawn(page);
    assert.deepEqual(drawn.lossD, { series: "1", seriesPoints: `${STEPS}`, hidden: false });
    assert.equal((await pixelsOf(page, "lossD", COLORS))[1], 0, "the hidden run is not drawn");

    // A reload: the list, the names, what is shown and the curves come back.
    await page.reload({ waitUntil: "domcontentloaded" });
    await open(page);
    runs = await page.evaluate(() => window.ganStudio.runs.state);
    assert.deepEqual(runs.runs.map((r) => [r.id, r.name, r.step, r.steps, r.frames.length, r.shown]), [
      [first.id, "baseline", STEPS, STEPS, STEPS + 1, true],
      [second.id, "mlp #2", STEPS, STEPS, STEPS + 1, false],
    ]);
    const back = await page.evaluate(() => window.ganStudio.runs.records.map((r) => r.history.lossD));
    assert.deepEqual(back, lossD, "the curves came back as recorded");
    assert.deepEqual(await page.$$eval("#runs-list .runs-name", (inputs) => inputs.map((i) => i.value)), ["baseline", "mlp #2"]);
    await page.check(`#runs-list li[data-id="${second.id}"] .runs-show`);
    drawn = await chartsDrawn(page);
    for (const key of QUANTITIES) assert.deepEqual(drawn[key], { series: "2", seriesPoints: `${STEPS},${STEPS}`, hidden: false }, `${key} after the reload`);
    const reloaded = await canvasPixels(page, "runs-grid-right");
    assert.deepEqual([reloaded.step, reloaded.hash], ["4", lastRight.hash], "the grids came back too");

    // Delete the second run: gone from the list, and after another reload.
    await page.click(`#runs-list li[data-id="${second.id}"] button[data-action="delete"]`);
    runs = await runsSettled(page);
    assert.deepEqual(runs.runs.map((r) => r.name), ["baseline"]);
    await page.reload({ waitUntil: "domcontentloaded" });
    await open(page);
    runs = await page.evaluate(() => window.ganStudio.runs.state);
    assert.deepEqual(runs.runs.map((r) => r.name), ["baseline"]);
    assert.deepEqual((await chartsDrawn(page)).lossD, { series: "1", seriesPoints: `${STEPS}`, hidden: false });
    assertNoErrors(errors, "the Runs panel");
  });

  test("(r7) a loss's own figures get charts: BEGAN's k_t and M_global, beside an MLP run", { timeout: TEST_TIMEOUT }, async () => {
    const { page, errors } = await newCpuPage();
    await open(page);
    await trainRun(page, 1, "began");
    const runs = await trainRun(page, 2);
    assert.deepEqual(runs.runs.map((r) => [r.name, r.kind, r.steps]), [["began #1", "began", STEPS], ["mlp #1", "mlp", STEPS]]);
    const own = ["balance", "convergence", "penalty"];
    let drawn = await chartsDrawn(page, [...QUANTITIES, ...own]);
    for (const key of QUANTITIES) assert.deepEqual(drawn[key], { series: "2", seriesPoints: `${STEPS},${STEPS}`, hidden: false }, key);
    for (const key of ["balance", "convergence"]) {
      assert.deepEqual(drawn[key], { series: "1", seriesPoints: `${STEPS}`, hidden: false }, `${key}: BEGAN's alone`);
    }
    assert.equal(drawn.penalty.hidden, true, "no run measured a gradient penalty");
    // The run's own figures: k_t in [0, 1], M_global = L(x) + |γ·L(x) − L(G(z))| with the
    // run's γ, drawn in BEGAN's colour only.
    const { history, train } = await page.evaluate(() => window.ganStudio.runs.records[0]);
    const { balance, convergence, dReal, dFake } = history;
    assert.ok(balance.every((k) => k >= 0 && k <= 1), `k_t ${balance}`);
    assert.equal(train.gamma, 1, "the BEGAN preset's γ");
    convergence.forEach((m, i) => {
      const gap = Math.abs(train.gamma * dReal[i] - dFake[i]);
      assert.ok(Math.abs(m - (dReal[i] + gap)) < 1e-4, `M_global ${m} at step ${i + 1}, from L(x) ${dReal[i]} and L(G(z)) ${dFake[i]}`);
    });
    const [began, mlp] = await pixelsOf(page, "convergence", COLORS);
    assert.ok(began > 20 && mlp === 0, `M_global: ${began} pixels of BEGAN's colour, ${mlp} of the MLP run's`);
    // With BEGAN's run hidden, its charts go.
    await page.uncheck(`#runs-list li[data-id="${runs.runs[0].id}"] .runs-show`);
    drawn = await chartsDrawn(page, own);
    for (const key of own) assert.equal(drawn[key].hidden, true, `${key} with only the MLP run shown`);
    assertNoErrors(errors, "BEGAN's charts");
  });

  test("(r2) a resumed run goes on in the same kept run", { timeout: TEST_TIMEOUT }, async () => {
    const { page, errors } = await newCpuPage();
    await open(page);
    const [run] = (await trainRun(page, 1)).runs; // the end of Play saved the run at its step
    await page.reload({ waitUntil: "domcontentloaded" });
    await open(page);
    await page.waitForFunction(() => window.ganStudio.trainer.state.offeredStep !== null, null, { polling: 100 });
    await page.click("#train-saved-resume");
    await trainerIdle(page);
    await page.click("#train-step");
    assert.equal((await trainerIdle(page)).step, STEPS + 1);
    const runs = await runsSettled(page);
    assert.deepEqual(runs.runs.map((r) => [r.id, r.name, r.step, r.steps, r.frames]),
      [[run.id, "mlp #1", STEPS + 1, STEPS + 1, [0, 1, 2, 3, 4, 5]]], "one run, one step longer");
    assertNoErrors(errors, "a resumed run");
  });

  test("(r3) the course's shipped experiments join as read-only runs, never stored", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await newCpuPage();
    await open(page);
    const rows = (file) => readFileSync(join(ROOT, "weights", "experiments", file), "utf8").trim().split("\n").map((l) => l.split("\t"));
    const results = rows("results.tsv");
    const losses = rows("losses.tsv");
    await page.click("#runs-course");
    await page.waitForFunction(() => {
      const state = window.ganStudio.runs.state;
      return !state.busy && (state.runs.length > 0 || state.error !== null);
    }, null, { polling: 100 });
    let runs = await page.evaluate(() => window.ganStudio.runs.state);
    assert.equal(runs.error, null);
    t.diagnostic(`${runs.runs.length} read-only runs: ${runs.runs.map((r) => r.name).join(", ")}`);
    assert.deepEqual(runs.runs.map((r) => [r.name, r.readOnly, r.shown, r.step, r.frames]), [
      ...results.map(([name, , steps]) => [`course: ${name}`, true, false, Number(steps), [Number(steps)]]),
      ...losses.map(([name, , steps]) => [`course losses: ${name}`, true, false, Number(steps), [Number(steps)]]),
    ]);
    assert.equal(await page.isDisabled("#runs-course"), true, "added once");
    assert.equal(await page.locator('#runs-list button[data-action="delete"]').count(), 0, "read-only: no delete");
    assert.equal(await page.locator("#runs-list input.runs-name").count(), 0, "read-only: no rename");

    // Tick two: their Fréchet distances, one point each, as the tables say.
    const nz10 = results.find(([name]) => name === "nz10");
    const lsgan = losses.find(([name]) => name === "lsgan");
    await page.check('#runs-list li[data-id="course-results.tsv-nz10"] .runs-show');
    await page.check('#runs-list li[data-id="course-losses.tsv-lsgan"] .runs-show');
    assert.deepEqual((await chartsDrawn(page)).fd, { series: "2", seriesPoints: "1,1", hidden: false });
    const fds = await page.evaluate(() => window.ganStudio.runs.records.filter((r) => r.shown).map((r) => r.quality.fd[0]));
    assert.deepEqual(fds, [Number(nz10.at(-2)), Number(lsgan.at(-2))]);

    // Their grids side by side: the shipped PNGs, averaged down as the page keeps grids.
    await page.selectOption("#runs-left", "course-results.tsv-nz10");
    await page.selectOption("#runs-right", "course-losses.tsv-lsgan");
    const pair = (await page.evaluate(() => window.ganStudio.runs.state)).pair;
    assert.deepEqual([pair.steps, pair.leftStep, pair.rightStep], [[1500], "1500", "1500"]);
    for (const [side, name] of [["left", "nz10"], ["right", "lsgan"]]) {
      const png = decodePng(readFileSync(join(ROOT, "weights", "experiments", `${name}-1500.png`)));
      const want = greyFrame(png.pixels, png.width, png.height);
      const shown = await page.evaluate((id) => {
        const canvas = document.getElementById(id);
        const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
        return { width: canvas.width, height: canvas.height, grey: Array.from(data.filter((_, i) => i % 4 === 0)) };
      }, `runs-grid-${side}`);
      assert.deepEqual([shown.width, shown.height], [want.width, want.height], `${name}'s grid size`);
      assert.deepEqual(shown.grey, Array.from(want.grey), `${name}'s grid`);
    }

    // Never stored: a reload lists none.
    await runsSettled(page);
    await page.reload({ waitUntil: "domcontentloaded" });
    await open(page);
    runs = await page.evaluate(() => window.ganStudio.runs.state);
    assert.deepEqual(runs.runs, []);
    assertNoErrors(errors, "the course's experiments");
  });

  test("(r4) the queue runs two experiments one after another, from one seed, and compares them", { timeout: TEST_TIMEOUT }, async () => {
    const { page, errors } = await newCpuPage();
    await open(page);
    // The baseline: the trainer's settings (an MLP at batch 4, seed 5, a grid every step).
    await page.selectOption("#train-preset", "mlp");
    await setValue(page, "#train-batch", 4);
    await setValue(page, "#train-seed", 5);
    await setValue(page, "#train-refresh", 1);
    await page.check('#runs-queue-list input[value="nz10"]'); // with the baseline, ticked already
    await setValue(page, "#runs-queue-steps", 3);
    await page.click("#runs-queue-start");
    await page.waitForFunction(() => {
      const { queue, busy } = window.ganStudio.runs.state;
      return queue && !queue.running && !busy;
    }, null, { polling: 100 });
    const runs = await runsSettled(page);
    assert.equal(runs.error, null);
    assert.deepEqual(runs.queue, { running: false, names: ["baseline", "nz10"], done: 2 });
    assert.equal(await page.textContent("#runs-queue-status"), "Done: 2 experiments of 3 steps each, from seed 5.");
    assert.deepEqual(runs.runs.map((r) => [r.name, r.kind, r.step, r.steps]), [["baseline", "mlp", 3, 3], ["nz10", "mlp", 3, 3]]);
    const configs = await page.evaluate(() => window.ganStudio.runs.records.map((r) => ({ nz: r.config.nz, seed: r.train.seed, batch: r.train.batch_size })));
    assert.deepEqual(configs, [{ nz: 100, seed: 5, batch: 4 }, { nz: 10, seed: 5, batch: 4 }]);
    // Compared: both curves on every chart, both grids under the slider.
    const drawn = await chartsDrawn(page);
    for (const key of QUANTITIES) assert.deepEqual(drawn[key], { series: "2", seriesPoints: "3,3", hidden: false }, key);
    const { pair } = runs;
    assert.deepEqual([pair.left, pair.right, pair.leftStep, pair.rightStep], [runs.runs[0].id, runs.runs[1].id, "3", "3"]);
    const trainer = await page.evaluate(() => window.ganStudio.trainer.state);
    assert.deepEqual([trainer.step, trainer.config.nz, trainer.error], [3, 10, null], "the trainer shows the last experiment");
    assertNoErrors(errors, "the queue");
  });

  test("(r5) where MediaRecorder cannot write WebM, its button says so and the GIF stays", { timeout: TEST_TIMEOUT }, async () => {
    const { page, errors } = await newCpuPage();
    await page.addInitScript(() => {
      const supported = MediaRecorder.isTypeSupported.bind(MediaRecorder);
      MediaRecorder.isTypeSupported = (type) => !type.startsWith("video/webm") && supported(type);
    });
    await open(page);
    await page.click("#runs-course"); // read-only runs with a grid each: no training needed
    await page.waitForFunction(() => window.ganStudio.runs.state.runs.length > 0, null, { polling: 100 });
    const row = '#runs-list li[data-id="course-results.tsv-nz10"]';
    assert.equal(await page.isDisabled(`${row} button[data-action="webm"]`), true);
    assert.match(await page.getAttribute(`${row} button[data-action="webm"]`, "title"), /cannot record video\/webm: download the GIF instead/);
    assert.equal(await page.isDisabled(`${row} button[data-action="gif"]`), false);
    const gif = await downloadFile(page, `${row} button[data-action="gif"]`);
    assert.equal((await decodeGifInPage(page, gif.bytes)).count, 1);
    assertNoErrors(errors, "no WebM");
  });

  test("(r6) without IndexedDB the panel says runs are not kept, and training goes on", { timeout: TEST_TIMEOUT }, async () => {
    const { page, errors } = await newCpuPage();
    // As in a browser whose storage refuses (private browsing, a full disk).
    await page.addInitScript(() => {
      IDBFactory.prototype.open = () => {
        throw new DOMException("storage is switched off here", "InvalidStateError");
      };
    });
    await open(page);
    assert.match(await page.textContent("#runs-error"), /^The runs kept on this device cannot be read \(storage is switched off here\)/);
    const runs = await trainRun(page, 1);
    assert.equal(runs.storageOk, false);
    assert.deepEqual(runs.runs.map((r) => [r.name, r.steps]), [["mlp #1", STEPS]], "the run is shown all the same");
    assert.match(await page.textContent("#runs-error"), /^Runs cannot be kept on this device \(storage is switched off here\): .*training goes on\.$/);
    assert.equal((await chartsDrawn(page)).lossD.series, "1");
    const trainer = await page.evaluate(() => window.ganStudio.trainer.state);
    assert.equal(trainer.error, null, "the trainer's own alert box stays clear");
    assert.equal(trainer.step, STEPS);
    assertNoErrors(errors, "no IndexedDB");
  });
});
