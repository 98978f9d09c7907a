// Browser tests of the trainer panel (www/trainer.js, on the wasm Trainer of
// src/web/trainer.rs), in the same headless Chromium on WebGPU (SwiftShader) as
// explorer.test.mjs. `tests/e2e/run.sh` runs this file too.
//
//   GAN_DIST=/path/to/dist  the build to serve (default: dist/ at the repository root)
//   GAN_BIN=/path/to/gan    the native CLI (default: $CARGO_TARGET_DIR/release/gan, with
//                           CARGO_TARGET_DIR defaulting to ~/.cache/gan-studio/target as in
//                           scripts/test.sh); the checkpoint tests run it.
//
// SwiftShader runs WebGPU on the CPU, where a DCGAN step at batch 8 takes ~18 s; so these tests
// train the MLP GAN at batch 4 for a handful of steps. Every test stands alone: it opens a page
// of its own in the one shared browser (openTrainer: the form set as below), makes its own run
// (newRun) and its own files (the CLI, into a directory of its own), so any one of them runs
// by itself (`node --test --test-name-pattern t8 trainer.test.mjs`). The tests that do not
// test the device choice open the page with `#device=cpu`, which skips the device probes.
// Waits are on conditions (the panel's state at window.ganStudio.trainer.state); the only
// fixed sleep is the one that checks that a paused counter stays still.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import {
  DIST, TEST_TIMEOUT, WAIT_TIMEOUT, WEBGPU_ARGS, NO_WEBGPU_ARGS,
  launch, closeContext, closeAll, watchErrors, assertNoErrors, decodePng, downloadFile,
  maxAbsDiff, countDiff, setValue, trainerIdle,
} from "./harness.mjs";
import { GAN_BIN } from "./gan-bin.mjs";
import { startServer } from "./server.mjs";


const MLP_IMAGE = 28;
const GAP = 1;
const GRID = 4; // the progress grid: 4x4
const gridSide = (n, size = MLP_IMAGE) => n * (size + GAP) + GAP;

let server;
let browser; // the WebGPU browser every test but (t14) opens its page in
let work; // a temporary directory; each test makes its files in a directory of its own under it

// ------------------------------------------------------------------ helpers

/** Runs the native CLI; returns its stdout (throws with its stderr if it fails). */
function gan(...args) {
  try {
    return execFileSync(GAN_BIN, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    throw new Error(`gan ${args.join(" ")} failed: ${error.stderr || error.message}`);
  }
}

/** A new, empty directory for the files of one test. */
const scratch = (name) => mkdtempSync(join(work, `${name}-`));

/** Trains a 2-step MLP checkpoint with the CLI (batch 4, seed 3) into `dir`; returns its path. */
function cliCheckpoint(dir, name = "cli-run.bpk") {
  const file = join(dir, name);
  gan("train", "--model", "mlp", "--steps", "2", "--batch", "4", "--seed", "3", "--save-every", "0", "--out", file);
  return file;
}

/** The trainer panel's summary (see TrainerPanel.state in www/trainer.js). */
const trainerState = (page) => page.evaluate(() => window.ganStudio.trainer.state);

/** Waits until the run's step counter reaches `step`. */
async function waitStep(page, step) {
  await page.waitForFunction(
    (n) => window.ganStudio.trainer.state.step >= n || window.ganStudio.trainer.state.error,
    step,
    { timeout: WAIT_TIMEOUT, polling: 100 },
  );
  const state = await trainerState(page);
  assert.equal(state.error, null, `the trainer reported an error: ${state.error}`);
  return state;
}

/** A canvas's size and red channel (its images are gray). */
function canvasGray(page, selector) {
  return page.$eval(selector, (canvas) => {
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    return { width: canvas.width, height: canvas.height, gray: Array.from({ length: data.length / 4 }, (_, i) => data[4 * i]) };
  });
}

/** The training step stored in a checkpoint's JSON header (src/checkpoint.rs's layout). */
function checkpointStep(path) {
  const bytes = readFileSync(path);
  const headerLength = bytes.readUInt32LE(12);
  return JSON.parse(bytes.subarray(16, 16 + headerLength).toString("utf8")).training.step;
}

/** The text of #train-error, or null while it is hidden. */
const alertText = (page) => page.$eval("#train-error", (el) => (el.hidden ? null : el.textContent));

/** Uploads `buffer` as a checkpoint named `name` and waits for the panel to settle. */
async function upload(page, name, buffer) {
  await page.setInputFiles("#train-upload", { name, mimeType: "application/octet-stream", buffer });
  // the change handler starts the task synchronously, so "idle" now means "done"
  return trainerIdle(page);
}

/**
 * Opens the app in a new page of `context` at `hash` and waits until it is ready and the
 * trainer panel exists. Returns { page, errors, responses }: `responses` lists every response
 * this page received ({ url, status }, oldest first), its workers' included.
 */
async function openApp(context, hash) {
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_TIMEOUT);
  const errors = watchErrors(page);
  const responses = [];
  page.on("response", (response) => responses.push({ url: response.url(), status: response.status() }));
  await page.goto(server.url + hash, { waitUntil: "domcontentloaded" });
  await page.waitForFunction(
    () => document.querySelector("#status")?.dataset.state !== "loading" && window.ganStudio?.trainer,
    null,
    { timeout: WAIT_TIMEOUT, polling: 100 },
  );
  const status = await page.$eval("#status", (el) => `${el.dataset.state}: ${el.textContent}`);
  assert.match(status, /^ready/, `the page did not start: ${status}\n${errors.join("\n")}`);
  return { page, errors, responses };
}

/**
 * A fresh page for test `t` (closed when the test ends) in the shared WebGPU browser: the
 * explorer on the DCGAN with a 2x2 grid at `seed`, the trainer's form on the MLP GAN at batch
 * 4, a refresh every 2 steps, a budget of 200 steps and a 4x4 progress grid. `device` is the
 * page's device setting: "cpu" (no device probes) unless the test is about the choice ("auto").
 */
async function openTrainer(t, { device = "cpu", seed = 1 } = {}) {
  const opened = await openApp(browser, `#m=dcgan&n=2&s=${seed}${device === "auto" ? "" : `&device=${device}`}`);
  const { page } = opened;
  t.after(() => page.close());
  await page.selectOption("#train-preset", "mlp");
  await setValue(page, "#train-batch", 4);
  await setValue(page, "#train-refresh", 2);
  await setValue(page, "#train-budget", 200);
  await page.selectOption("#train-grid-size", String(GRID));
  return opened;
}

/** Starts a new run from the form (Reset) and takes `steps` steps with the Step button. */
async function newRun(page, { steps = 0 } = {}) {
  await page.click("#train-reset");
  let state = await trainerIdle(page);
  assert.equal(state.error, null, `reset: ${state.error}`);
  for (let i = 0; i < steps; i++) {
    await page.click("#train-step");
    state = await trainerIdle(page);
  }
  assert.equal(state.error, null, `the run's first steps: ${state.error}`);
  assert.equal(state.step, steps);
  return state;
}

/**
 * Waits (up to WAIT_TIMEOUT) until `page` runs at most `count` workers whose script ends with
 * `suffix`: a worker the page terminated reports its end (Playwright's "close") a moment after
 * its `terminate()`. Returns their URLs; the caller asserts on them.
 */
async function settledWorkers(page, suffix, count) {
  const running = () => page.workers().filter((w) => w.url().endsWith(suffix));
  let timer;
  const deadline = new Promise((done) => {
    timer = setTimeout(done, WAIT_TIMEOUT);
  });
  let waiting = true;
  deadline.then(() => {
    waiting = false;
  });
  while (waiting && running().length > count) {
    await Promise.race([deadline, ...running().map((w) => new Promise((done) => w.once("close", done)))]);
  }
  clearTimeout(timer);
  return page.workers().map((w) => w.url());
}

// ------------------------------------------------------------------ the suite

before(async () => {
  assert.ok(existsSync(join(DIST, "index.html")), `${DIST}/index.html is missing: build the page first (trunk build --release)`);
  assert.ok(existsSync(join(DIST, "data", "mnist.bin")), `${DIST}/data/mnist.bin is missing: rebuild the page`);
  assert.ok(readdirSync(DIST).includes("trainer.js"), `${DIST}/trainer.js is missing: rebuild the page`);
  assert.ok(existsSync(GAN_BIN), `no CLI at ${GAN_BIN}: build it (cargo build --release) or set GAN_BIN`);
  work = mkdtempSync(join(tmpdir(), "gan-studio-trainer-"));
  server = await startServer(DIST);
  browser = await launch(WEBGPU_ARGS);
});

after(async () => {
  await closeAll();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("GAN Studio trainer", { timeout: 60 * 60_000 }, () => {
  test("(t1) a short run advances the counter, shows finite losses, grows the curve and changes the grid", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openTrainer(t);
    const started = Date.now();
    await page.click("#train-reset"); // downloads the digits, makes the run, draws step 0
    let state = await trainerIdle(page);
    t.diagnostic(`digits + new run + first grid: ${Date.now() - started} ms`);
    assert.equal(state.error, null, `reset: ${state.error}`);
    assert.equal(state.kind, "mlp");
    assert.equal(state.step, 0);
    assert.equal(state.train.batch_size, 4, "the batch size of the form");
    assert.ok(state.gridDraws >= 1, "the progress grid was drawn at step 0");
    assert.deepEqual(state.snapshots, [0], "the strip starts with step 0");
    const before = await canvasGray(page, "#train-grid");
    assert.deepEqual([before.width, before.height], [gridSide(GRID), gridSide(GRID)], "4x4 grid of 28x28 images");
    const real = await canvasGray(page, "#train-real");
    assert.deepEqual([real.width, real.height], [gridSide(GRID), gridSide(GRID)], "real digits beside the fakes");
    assert.ok(real.gray.some((v) => v > 200), "the real digits have bright strokes");

    const playStarted = Date.now();
    await page.click("#train-play");
    await waitStep(page, 6);
    await page.click("#train-play"); // Pause
    state = await trainerIdle(page);
    t.diagnostic(`${state.step} steps in ${Date.now() - playStarted} ms; ` +
      `${state.stepsPerSecond?.toFixed(2)} steps/s; chunk ${state.chunk}`);
    assert.ok(state.step >= 6, `step ${state.step}`);
    assert.equal(await page.$eval("#train-step-count", (el) => Number(el.textContent)), state.step, "the counter shows the step");
    assert.equal(state.historyLength, state.step, "one history entry per step");
    for (const [name, v] of Object.entries(state.last)) assert.ok(Number.isFinite(v), `${name} = ${v}`);
    const shown = await page.$$eval("#train-loss-d, #train-loss-g, #train-d-real, #train-d-fake", (els) => els.map((el) => el.textContent));
    t.diagnostic(`figures shown: ${shown.join(", ")}`);
    for (const text of shown) assert.ok(Number.isFinite(Number(text)), `a shown figure is ${text}`);
    assert.match(await page.$eval("#train-speed", (el) => el.textContent), /^\d+(\.\d+)?$/, "steps/s");
    assert.equal(await page.$eval("#train-progress", (el) => el.value), state.step, "progress bar");

    // the curve grows with every step
    const points = await page.$eval("#train-loss-chart", (el) => Number(el.dataset.points));
    assert.equal(points, state.step, "the loss chart plots every step");
    await page.click("#train-step");
    state = await trainerIdle(page);
    assert.equal(await page.$eval("#train-loss-chart", (el) => Number(el.dataset.points)), points + 1, "the curve grew");
    assert.equal(await page.$eval("#train-d-chart", (el) => Number(el.dataset.points)), points + 1);

    // the progress grid (fixed noise) changed as the generator learned
    const after = await canvasGray(page, "#train-grid");
    const changed = countDiff(before.gray, after.gray);
    t.diagnostic(`the grid at step ${state.step} differs from step 0 in ${changed} of ${after.gray.length} pixels`);
    assert.ok(changed > after.gray.length / 20, `only ${changed} pixels changed`);
    assert.equal(await page.$eval("#train-grid", (el) => Number(el.dataset.step)), state.step);
    const captions = await page.$$eval("#train-strip figcaption", (els) => els.map((el) => el.textContent));
    assert.equal(captions[0], "step 0", "the strip's first grid");
    assertNoErrors(errors, "a short run");
  });

  test("(t2) Pause stops the counter; the explorer redraws while training plays", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openTrainer(t);
    const start = (await newRun(page)).step;
    await page.click("#train-play");
    await waitStep(page, start + 1);
    // While the trainer plays, the explorer still answers (its grid redraws on a new seed).
    const renders = await page.$eval("#grid-canvas", (el) => Number(el.dataset.renderCount));
    const asked = Date.now();
    await setValue(page, "#seed", 5);
    await page.waitForFunction((n) => Number(document.querySelector("#grid-canvas").dataset.renderCount) > n, renders);
    const playingMeanwhile = (await trainerState(page)).playing;
    t.diagnostic(`explorer redraw while training: ${Date.now() - asked} ms (trainer still playing: ${playingMeanwhile})`);
    await waitStep(page, start + 3);
    assert.equal((await trainerState(page)).playing, true, "training went on after the explorer's redraw");

    await page.click("#train-play");
    const paused = await trainerIdle(page);
    assert.equal(paused.playing, false);
    assert.equal(await page.$eval("#train-play", (el) => el.textContent), "Play", "the button offers Play again");
    await new Promise((r) => setTimeout(r, 2000));
    const later = await trainerState(page);
    t.diagnostic(`paused at step ${paused.step}; 2 s later: ${later.step}`);
    assert.equal(later.step, paused.step, "the counter moved while paused");
    assert.equal(await page.$eval("#train-step-count", (el) => Number(el.textContent)), paused.step);
    assertNoErrors(errors, "pause");
  });

  test("(t3) D-only and G-only steps advance the counter", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openTrainer(t);
    const start = (await newRun(page, { steps: 2 })).step;
    await page.click("#train-step-d");
    let state = await trainerIdle(page);
    assert.equal(state.step, start + 1, "a D step");
    assert.ok(Number.isFinite(state.last.lossD) && Number.isFinite(state.last.dReal), "D's figures");
    assert.ok(Number.isNaN(state.last.lossG), "no G loss on a D-only step");
    assert.equal(await page.$eval("#train-loss-g", (el) => el.textContent), "–");
    await page.click("#train-step-g");
    state = await trainerIdle(page);
    assert.equal(state.step, start + 2, "a G step");
    assert.ok(Number.isFinite(state.last.lossG) && Number.isFinite(state.last.dFake), "G's figures");
    assert.ok(Number.isNaN(state.last.lossD), "no D loss on a G-only step");
    assert.equal(state.error, null);
    assertNoErrors(errors, "D and G steps");
  });

  test("(t4) optimiser settings apply at once; model settings wait for Reset", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openTrainer(t);
    const before = await newRun(page, { steps: 2 });
    await setValue(page, "#train-lr-g", 0.0001);
    await setValue(page, "#train-loss", "least-squares");
    const state = await trainerIdle(page);
    const wasm = await page.evaluate(async () => JSON.parse(await window.ganStudio.trainer.trainer.info()).train);
    assert.equal(wasm.lr_g, 0.0001, "the run's G learning rate");
    assert.equal(wasm.loss, "least-squares", "the run's loss");
    assert.equal(state.step, before.step, "no reset");
    assert.equal(state.historyLength, before.historyLength, "the history is kept");
    assert.equal(await page.isVisible("#train-pending"), false);

    // an out-of-range value is refused with a message naming it; the run keeps its setting
    await setValue(page, "#train-beta1", 1.5);
    const refused = await trainerIdle(page);
    assert.match(refused.error ?? "", /beta1/, `message: ${refused.error}`);
    assert.equal(await page.$eval("#train-beta1", (el) => el.value), "0.5", "the field shows the run's value again");
    await setValue(page, "#train-lr-g", 0.0002);
    await setValue(page, "#train-loss", "non-saturating");
    assert.equal((await trainerIdle(page)).error, null, "a good change clears the message");

    await setValue(page, "#train-nz", 64);
    assert.equal(await page.isVisible("#train-pending"), true, "nz says it applies on Reset");
    assert.equal((await trainerState(page)).config.nz, 100, "the run keeps nz");
    await setValue(page, "#train-nz", 100);
    assertNoErrors(errors, "settings");
  });

  test("(t5) the downloaded checkpoint loads in the CLI and samples what the page draws", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openTrainer(t);
    const { step } = await newRun(page, { steps: 2 });
    const dir = scratch("t5");
    const { name, bytes } = await downloadFile(page, "#train-download");
    t.diagnostic(`${name}: ${bytes.length} bytes`);
    assert.equal(name, `gan-studio-mlp-step${step}.bpk`);
    const file = join(dir, name);
    writeFileSync(file, bytes);

    const inspect = gan("inspect", file);
    t.diagnostic(inspect.trim().split("\n").join(" | "));
    assert.match(inspect, /model:\s+mlp/);
    assert.match(inspect, new RegExp(`training:\\s+step ${step},`));
    assert.match(inspect, /discriminator: \d+ parameters/);

    const seed = 7;
    const png = join(dir, "cli-sample.png");
    gan("sample", "--weights", file, "--grid", `${GRID}x${GRID}`, "--seed", String(seed), "--scale", "1", "--out", png);
    const cli = decodePng(readFileSync(png));
    const web = await page.evaluate(([s, n]) => window.ganStudio.trainer.renderSample(s, n, n), [seed, GRID]);
    assert.deepEqual([cli.width, cli.height], [web.width, web.height], "the CLI's grid and the page's have one size");
    const cliGray = Array.from({ length: cli.width * cli.height }, (_, i) => cli.pixels[i * cli.channels]);
    const diff = maxAbsDiff(cliGray, web.gray);
    t.diagnostic(`gan sample --seed ${seed} vs the page's render: max abs diff ${diff} grey levels over ${cliGray.length} pixels`);
    assert.ok(diff <= 2, `the CLI's samples differ from the page's by up to ${diff} grey levels`);
    assert.ok(countDiff(cliGray, new Array(cliGray.length).fill(cliGray[0])) > 0, "the sample is not flat");
    assertNoErrors(errors, "checkpoint download");
  });

  test("(t6) use this generator: the explorer draws the trainer's model", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openTrainer(t, { seed: 5 });
    await newRun(page, { steps: 2 });
    const info = () => page.$eval("#model-info", (el) => el.textContent);
    assert.match(await info(), /^dcgan/, "the explorer starts on the DCGAN");
    const renders = await page.$eval("#grid-canvas", (el) => Number(el.dataset.renderCount));
    await page.click("#train-use");
    await trainerIdle(page);
    await page.waitForFunction((n) => Number(document.querySelector("#grid-canvas").dataset.renderCount) > n, renders);
    await page.waitForFunction(() => {
      const app = window.ganStudio;
      return !app.gridDraws.running && !app.gridDraws.pending;
    });
    assert.match(await info(), /^mlp: nz = 100, 28×28 images/);
    assert.match(await page.$eval("#model option:checked", (el) => el.textContent), /^trained mlp, step \d+ \(from the trainer\)$/);
    // the explorer's 2x2 grid (seed 5, from the hash) is the trainer's generator on sampleZ(5)
    const grid = await canvasGray(page, "#grid-canvas");
    assert.deepEqual([grid.width, grid.height], [gridSide(2), gridSide(2)]);
    const web = await page.evaluate(() => window.ganStudio.trainer.renderSample(5, 2, 2));
    assert.ok(maxAbsDiff(grid.gray, web.gray) <= 2, "the explorer draws another generator");
    assertNoErrors(errors, "use this generator");
  });

  test("(t6b) the quality meter scores the run's generator with the classifier", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openTrainer(t);
    await newRun(page, { steps: 2 });
    await page.selectOption("#train-quality-n", "100");
    const before = (await trainerState(page)).qualityScores;
    await page.click("#train-quality-now");
    await page.waitForFunction((n) => window.ganStudio.trainer.state.qualityScores > n, before);
    const { quality, step } = await trainerIdle(page);
    t.diagnostic(JSON.stringify(quality));
    assert.equal(quality.samples, 100);
    assert.equal(quality.step, step, "scored the generator as it is now");
    assert.equal(quality.label_accuracy, null, "the MLP GAN is unconditional");
    assert.equal(quality.class_histogram.reduce((a, b) => a + b, 0), 100);
    assert.ok(Number.isInteger(quality.digits_covered) && quality.digits_covered >= 1 && quality.digits_covered <= 10);
    assert.ok(Number.isFinite(quality.frechet_distance) && quality.frechet_distance > 0, `${quality.frechet_distance}`);
    assert.ok(quality.mean_confidence > 0.1 && quality.mean_confidence <= 1);
    assert.equal(await page.$eval("#train-q-fd", (el) => el.textContent), quality.frechet_distance.toFixed(1));
    assert.equal(await page.$eval("#train-q-covered", (el) => el.textContent), `${quality.digits_covered} of 10`);
    assert.equal(await page.$eval("#train-quality-chart", (el) => el.dataset.points), "1");
    assertNoErrors(errors, "quality meter");
  });

  test("(t7) curves and grid export as PNG, the curve data as CSV", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openTrainer(t);
    await newRun(page, { steps: 2 });
    await page.click("#train-step-d"); // a D-only step: its CSV row has no G loss
    const state = await trainerIdle(page);
    assert.equal(state.step, 3, "two steps and a D-only step");
    const curves = await downloadFile(page, "#train-export-curves");
    assert.equal(curves.name, `gan-studio-mlp-step${state.step}-curves.png`);
    const curvesPng = decodePng(curves.bytes);
    const charts = await page.$$eval(".train-charts canvas", (els) => els.map((c) => [c.width, c.height]));
    assert.deepEqual([curvesPng.width, curvesPng.height], [charts[0][0], charts[0][1] + charts[1][1]], "both charts, stacked");

    const csv = await downloadFile(page, "#train-export-csv");
    assert.equal(csv.name, `gan-studio-mlp-step${state.step}-curves.csv`);
    const lines = csv.bytes.toString("utf8").trim().split("\n");
    t.diagnostic(`CSV: ${lines.length - 1} rows; last ${lines.at(-1)}`);
    // The registry's figures: the four every loss has, then a penalty's and a balance's
    // (blank for this MLP GAN's run).
    assert.equal(lines[0], "step,loss_d,loss_g,d_real,d_fake,penalty,balance,convergence");
    assert.equal(lines.length - 1, state.historyLength, "one row per step");
    const steps = lines.slice(1).map((l) => Number(l.split(",")[0]));
    assert.deepEqual(steps, Array.from({ length: state.historyLength }, (_, i) => i + 1), "steps 1, 2, ...");
    const dOnly = lines.find((l) => /^\d+,[^,]+,,[^,]+,[^,]+,,,$/.test(l));
    assert.ok(dOnly, "the D-only step's row has a blank G loss");

    const grid = await downloadFile(page, "#train-export-grid");
    assert.equal(grid.name, `gan-studio-mlp-step${state.step}-grid.png`);
    const gridPng = decodePng(grid.bytes);
    assert.deepEqual([gridPng.width, gridPng.height], [gridSide(GRID) * 4, gridSide(GRID) * 4]);
    assertNoErrors(errors, "exports");
  });

  test("(t8) a corrupt upload shows an error and the run goes on", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openTrainer(t);
    const before = await newRun(page, { steps: 2 });
    const dir = scratch("t8");
    const junk = randomBytes(4096);
    junk.write("JUNK", 0, "latin1");
    // a generator-only copy of a real checkpoint: loads in the explorer, but cannot train
    const full = cliCheckpoint(dir);
    const small = join(dir, "generator-only.bpk");
    gan("export", "--weights", full, "--out", small, "--generator-only");
    const cases = [
      { name: "junk.bpk", buffer: junk, message: /not a GAN Studio checkpoint/i },
      { name: "generator-only.bpk", buffer: readFileSync(small), message: /only a generator/i },
    ];
    for (const { name, buffer, message } of cases) {
      const state = await upload(page, name, buffer);
      const text = await alertText(page);
      t.diagnostic(`${name}: "${text}"`);
      assert.match(text ?? "", message);
      assert.ok(text.includes(name) && /current run is kept/.test(text), "the message names the file and says the run stays");
      assert.equal(state.step, before.step, "the run's step");
      assert.equal(state.historyLength, before.historyLength, "the run's history");
      assert.equal(await page.$eval("#status", (el) => el.dataset.state), "ready", "the page's status is untouched");
    }
    await page.click("#train-step");
    const state = await trainerIdle(page);
    assert.equal(state.step, before.step + 1, "the run still trains");
    assert.equal(await alertText(page), null, "the next action clears the message");
    assertNoErrors(errors, "corrupt upload");
  });

  test("(t9) an uploaded CLI checkpoint continues training from its step", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openTrainer(t);
    await newRun(page, { steps: 3 }); // the run the upload replaces
    const file = cliCheckpoint(scratch("t9"));
    let state = await upload(page, "cli-run.bpk", readFileSync(file));
    assert.equal(state.error, null, `upload: ${state.error}`);
    assert.equal(state.step, 2, "the counter starts at the checkpoint's step");
    assert.equal(state.startStep, 2);
    assert.equal(state.historyLength, 0, "a new history");
    assert.equal(state.train.seed, 3, "the checkpoint's own settings");
    assert.equal(await page.$eval("#train-batch", (el) => el.value), "4");
    assert.equal(await page.$eval("#train-start", (el) => el.value), "upload");
    assert.equal(await page.$eval("#train-step-count", (el) => el.textContent), "2");
    // The file holds Adam's state; the page uses it on WebGPU and on the threaded CPU module,
    // and says when it cannot (the single-threaded CPU module, whose default device is WebGPU).
    const said = await page.$eval("#train-message", (el) => el.textContent);
    if (state.backend === "cpu" && state.cpuThreads <= 1) assert.match(said, /Adam's state in the file is not used on the CPU: it starts afresh\./);
    else assert.doesNotMatch(said, /Adam/);
    await page.click("#train-step");
    await page.click("#train-step");
    state = await trainerIdle(page);
    t.diagnostic(`after two steps: step ${state.step}, loss D ${state.last.lossD}, loss G ${state.last.lossG}`);
    assert.equal(state.step, 4, "the counter advances from the checkpoint's step");
    assert.equal(state.historyLength, 2);
    assertNoErrors(errors, "CLI checkpoint upload");
  });

  test("(t10) a NaN figure pauses with a message naming it; Reset recovers", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openTrainer(t);
    const uploaded = await upload(page, "cli-run.bpk", readFileSync(cliCheckpoint(scratch("t10"))));
    assert.equal(uploaded.error, null, `upload: ${uploaded.error}`);
    assert.equal(uploaded.step, 2, "the CLI's checkpoint is at step 2");
    // Few MLP steps cannot be made to diverge on purpose, so the figures of one step are fed
    // to the panel's own record path with a NaN D loss, as a diverged step would return them.
    const before = await trainerIdle(page);
    const ok = await page.evaluate(() => {
      const t = window.ganStudio.trainer;
      return t.record(Float32Array.of(NaN, 0.7, 0.5, 0.4), 1, "both", t.step);
    });
    assert.equal(ok, false);
    const state = await trainerState(page);
    assert.equal(
      await alertText(page),
      `Training diverged at step ${before.step}: loss D is NaN. Lower the learning rate and press Reset.`,
    );
    assert.equal(state.playing, false);
    await page.click("#train-play");
    assert.equal((await trainerIdle(page)).playing, false, "Play refuses a diverged run");
    assert.match(await alertText(page), /diverged/);

    await page.click("#train-reset");
    const reset = await trainerIdle(page);
    assert.equal(reset.diverged, null);
    assert.equal(await alertText(page), null, "Reset clears the message");
    assert.equal(reset.step, 2, "Reset restarts the uploaded checkpoint (the start chosen)");
    await page.click("#train-step");
    assert.equal((await trainerIdle(page)).step, 3, "training works again");
    assertNoErrors(errors, "divergence");
  });

  test("(t11) fine-tuning the shipped weights continues from their step", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors, responses } = await openTrainer(t);
    await newRun(page); // a run under way, so that the new start waits for Reset
    await page.selectOption("#train-preset", "cdcgan");
    assert.equal(await page.$eval('#train-start option[value="shipped"]', (el) => el.disabled), false,
      "weights/cdcgan.bpk is the course-width cDCGAN");
    await page.selectOption("#train-preset", "cdcgan-half");
    assert.equal(await page.$eval('#train-start option[value="shipped"]', (el) => el.disabled), false,
      "weights/cdcgan-half.bpk is the half-width cDCGAN");
    await page.selectOption("#train-preset", "mlp");
    await page.selectOption("#train-start", "shipped");
    assert.equal(await page.$eval("#train-nz", (el) => el.disabled), true, "the checkpoint decides nz");
    assert.equal(await page.isVisible("#train-pending"), true, "the new start waits for Reset");
    await setValue(page, "#train-batch", 4);
    await setValue(page, "#train-lr-g", 0.0003);
    const first = responses.length;
    await page.click("#train-reset");
    let state = await trainerIdle(page);
    assert.equal(state.error, null, `fine-tune: ${state.error}`);
    assert.ok(responses.slice(first).some((r) => r.url === new URL("weights/mlp.bpk", server.url).href && r.status === 200),
      "the shipped weights came from the page's origin");
    assert.equal(state.kind, "mlp");
    const shippedStep = checkpointStep(join(DIST, "weights", "mlp.bpk"));
    assert.ok(shippedStep > 0);
    assert.equal(state.step, shippedStep, "the run continues at the step weights/mlp.bpk was trained to");
    assert.equal(state.startStep, shippedStep);
    assert.equal(state.train.lr_g, 0.0003, "the form's settings, not the checkpoint's 1e-4");
    assert.equal(state.train.batch_size, 4);
    assert.equal(await page.isVisible("#train-pending"), false);
    await page.click("#train-step");
    state = await trainerIdle(page);
    assert.equal(state.step, shippedStep + 1);
    assert.equal(await page.$eval("#train-progress-text", (el) => el.textContent), "1 / 200", "the budget counts from the start");
    assertNoErrors(errors, "fine-tuning");
  });

  test("(t12) hiding the tab pauses; showing it again resumes", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors, responses } = await openTrainer(t);
    await newRun(page, { steps: 1 });
    await newRun(page); // a second run on this page: the digits stay downloaded
    const setVisibility = (state) => page.evaluate((s) => {
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => s });
      Object.defineProperty(document, "hidden", { configurable: true, get: () => s === "hidden" });
      document.dispatchEvent(new Event("visibilitychange"));
    }, state);
    const start = (await trainerIdle(page)).step;
    await page.click("#train-play");
    await waitStep(page, start + 1);
    await setVisibility("hidden");
    const hidden = await trainerIdle(page);
    assert.equal(hidden.playing, false, "hidden: paused");
    assert.equal(hidden.hasRun, true, "the run is kept");
    await setVisibility("visible");
    assert.equal((await trainerState(page)).playing, true, "visible again: playing");
    const resumed = await waitStep(page, hidden.step + 1);
    t.diagnostic(`paused at ${hidden.step} while hidden, went on to ${resumed.step}`);
    await page.click("#train-play");
    await trainerIdle(page);

    // the digits were downloaded once in this whole visit
    const fetched = responses.filter((r) => new URL(r.url).pathname.endsWith("/data/mnist.bin"));
    assert.equal(fetched.length, 1, "data/mnist.bin downloads");
    assertNoErrors(errors, "visibility");
  });

  test("(t13) training runs in a Web Worker on the device that measured faster; the Device menu moves the run", { timeout: TEST_TIMEOUT }, async (t) => {
    // The automatic device choice (no device in the hash): the first run times each device.
    const { page, errors } = await openTrainer(t, { device: "auto" });
    await newRun(page, { steps: 1 });
    const workers = await settledWorkers(page, "/trainer-worker.js", 1);
    t.diagnostic(`workers: ${workers.join(", ")}`);
    // Each device was probed in a worker of its own; the slower one's was stopped.
    assert.equal(workers.filter((url) => url.endsWith("/trainer-worker.js")).length, 1, "one trainer's worker runs");

    // The first run timed one step on each device and kept the faster (WebGPU's probe may
    // have run past its limit: null, slower by definition).
    const state = await trainerState(page);
    t.diagnostic(`training device: ${state.deviceSentence} ${JSON.stringify(state.deviceTimings)}`);
    const { cpu, webgpu } = state.deviceTimings;
    assert.ok(cpu > 0, "the CPU was timed");
    assert.ok(webgpu === null || webgpu > 0, "WebGPU was timed (or ran past its limit)");
    const faster = webgpu !== null && webgpu < cpu ? "webgpu" : "cpu";
    assert.equal(state.backend, faster, "the trainer uses the faster device");
    assert.match(state.deviceSentence, faster === "cpu"
      ? /^Training: CPU( \(\d+ threads\))?: (over )?\d+(\.\d)?x faster here than this browser's software WebGPU\.$/
      : /^Training: WebGPU: \d+(\.\d)?x faster here than the CPU\.$/);
    assert.equal(await page.$eval("#train-device", (el) => el.textContent), state.deviceSentence);

    // The Device menu moves the run under way to WebGPU (its weights and step) and back.
    for (const device of ["webgpu", "cpu"]) {
      const before = await trainerIdle(page);
      await page.selectOption("#device", device);
      let moved = await trainerIdle(page);
      assert.equal(moved.error, null, `moving to ${device}: ${moved.error}`);
      assert.equal(moved.backend, device);
      const named = device === "webgpu" ? "WebGPU" : moved.cpuThreads > 1 ? `CPU (${moved.cpuThreads} threads)` : "CPU";
      assert.equal(moved.deviceSentence, `Training: ${named}, as the device setting asks.`);
      assert.equal(moved.step, before.step, "the run keeps its step");
      await page.click("#train-step");
      moved = await trainerIdle(page);
      assert.equal(moved.step, before.step + 1, `a step on ${device}`);
      assert.ok(Number.isFinite(moved.last.lossD), `finite figures on ${device}`);
      assert.match(await page.evaluate(() => location.hash), new RegExp(`(^#|&)device=${device}(&|$)`));
    }
    assertNoErrors(errors, "the trainer's device");
  });

  test("(t14) on the CPU path the page keeps drawing frames while it trains, and shows the time to the budget", { timeout: TEST_TIMEOUT }, async (t) => {
    // Its own browser without WebGPU, the panel's default preset (DCGAN) at batch 16.
    const cpu = await launch(NO_WEBGPU_ARGS);
    t.after(() => closeContext(cpu));
    const p = await cpu.newPage();
    p.setDefaultTimeout(WAIT_TIMEOUT);
    const cpuErrors = watchErrors(p);
    await p.goto(server.url + "#n=2&s=1", { waitUntil: "domcontentloaded" });
    await p.waitForFunction(() => window.ganStudio?.trainer && window.ganStudio.deviceChoice, null, { polling: 100 });
    await p.$eval("#train-batch", (el) => {
      el.value = "16";
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await p.click("#train-step"); // downloads the digits, starts the worker, one step
    await trainerIdle(p);
    const state = await trainerState(p);
    assert.equal(state.kind, "dcgan");
    assert.equal(state.backend, "cpu");
    assert.match(state.deviceSentence, /^Training: CPU( \(\d+ threads\))?: this browser has no WebGPU\.$/);

    // While it plays, a requestAnimationFrame probe records when each frame was drawn, and the
    // worker's client records when each chunk of steps was asked for and answered. Training on
    // the page's thread would draw no frame while a chunk runs; in the worker, frames go on.
    // (How long the gaps are depends on the machine's load: a figure, not an assertion.)
    await p.evaluate(() => {
      const probe = { frames: [], chunks: [], on: true };
      const tick = (now) => {
        probe.frames.push(now);
        if (probe.on) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      const client = window.ganStudio.trainer.trainer;
      const train = client.train.bind(client);
      client.train = async (...args) => {
        const start = performance.now();
        try {
          return await train(...args);
        } finally {
          probe.chunks.push([start, performance.now()]);
        }
      };
      window.frameProbe = probe;
    });
    await p.click("#train-play");
    await waitStep(p, state.step + 10);
    await p.waitForFunction(() => window.frameProbe.frames.length > 120, null, { polling: 100 });
    const eta = await p.$eval("#train-eta", (el) => el.textContent);
    const etaSeconds = (await trainerState(p)).etaSeconds;
    await p.click("#train-play");
    const played = await trainerIdle(p);
    const { frames, chunks } = await p.evaluate(() => {
      window.frameProbe.on = false;
      return window.frameProbe;
    });
    const framesIn = ([start, end]) => frames.filter((f) => f > start && f < end).length;
    const perChunk = chunks.map(framesIn);
    const gaps = frames.slice(1).map((f, i) => f - frames[i]);
    t.diagnostic(`${played.step - state.step} DCGAN steps at ${played.stepsPerSecond?.toFixed(2)} steps/s in ${chunks.length} chunks; ` +
      `frames drawn during each chunk: ${perChunk.join(", ")}; ` +
      `${frames.length} frames, longest gap ${Math.max(...gaps).toFixed(0)} ms, ${gaps.filter((g) => g > 50).length} over 50 ms; ETA shown: ${eta}`);
    assert.ok(chunks.length >= 2, `${chunks.length} chunks were trained while the probe ran`);
    const drawnDuring = perChunk.filter((n) => n > 0).length;
    assert.ok(drawnDuring * 2 >= chunks.length && perChunk.reduce((a, b) => a + b, 0) >= chunks.length,
      `frames were drawn during ${drawnDuring} of ${chunks.length} chunks of training (${perChunk.join(", ")})`);
    assert.match(eta, /^\d+ s$|^\d+ min \d+ s$|^\d+ h \d+ min$/, "the time to the step budget");
    assert.ok(etaSeconds > 0, "the estimate is a time");
    assertNoErrors(cpuErrors, "training on the CPU path");
  });

});
