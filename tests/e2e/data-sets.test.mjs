// Browser tests of the page's data sets (www/data-sets.js, the Data set menu): Fashion-MNIST
// chosen in the top bar is kept in the link, trains in the trainer (its clothes beside the
// fakes), names its classes in the pickers and the quality meter; MNIST comes back mid-session
// and trains again; a link's unknown data set is replaced, saying so; and a checkpoint that
// learned Fashion-MNIST, uploaded while MNIST shows, takes the page to Fashion-MNIST, saying so.
//
// The CPU path (#device=cpu, no WebGPU), as family.test.mjs: the page picks it on this
// machine anyway. The MLP GAN (and one step of the half-width conditional DCGAN) at batch 4,
// a few steps. Fashion-MNIST may have no shipped generator or classifier yet (they are trained
// apart): where the build has none, the tests check that the page says so; where it has
// them, that they show. Waits are on the page's state objects, never on time.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DIST, TEST_TIMEOUT, WAIT_TIMEOUT, NO_WEBGPU_ARGS, launch, closeAll, watchErrors, assertNoErrors,
  explorerSettled, setValue, trainerIdle,
} from "./harness.mjs";
import { GAN_BIN } from "./gan-bin.mjs";
import { startServer } from "./server.mjs";

const FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
/** Whether this build ships Fashion-MNIST's classifier (it is trained apart from the page). */
const FASHION_CLASSIFIER = existsSync(join(DIST, "weights", "classifier-fashion.bpk"));

let server;
let browser;
let work; // the CLI's checkpoints

before(async () => {
  assert.ok(existsSync(join(DIST, "data", "fashion.bin")), `${DIST}/data/fashion.bin is missing: rebuild the page`);
  assert.ok(existsSync(GAN_BIN), `no CLI at ${GAN_BIN}: build it (cargo build --release) or set GAN_BIN`);
  work = mkdtempSync(join(tmpdir(), "gan-studio-data-sets-"));
  server = await startServer(DIST);
  browser = await launch(NO_WEBGPU_ARGS);
});

after(async () => {
  await closeAll();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/**
 * Opens the app at `hash` on the CPU path and waits until it is ready (with a data set
 * whose generators are not shipped there may be no grid to wait for). Returns { page, errors,
 * responses }: `responses` lists the paths this page downloaded, its workers' included.
 */
async function openApp(hash) {
  const page = await browser.newPage();
  page.setDefaultTimeout(WAIT_TIMEOUT);
  const errors = watchErrors(page);
  const responses = [];
  page.on("response", (response) => responses.push(new URL(response.url()).pathname));
  await page.goto(`${server.url}#device=cpu&${hash}`, { waitUntil: "domcontentloaded" });
  await page.waitForFunction(() => {
    const status = document.querySelector("#status")?.dataset.state;
    return status === "error" || (status === "ready" && window.ganStudio?.trainer);
  }, null, { polling: 100 });
  const status = await page.$eval("#status", (el) => `${el.dataset.state}: ${el.textContent}`);
  assert.match(status, /^ready/, `${status}\n${errors.join("\n")}`);
  await explorerSettled(page, { guesses: true });
  return { page, errors, responses };
}

/** Chooses data set `name` in the top bar and waits until the explorer shows it. */
async function chooseDataSet(page, name) {
  await page.selectOption("#data-set", name);
  await page.waitForFunction((n) => window.ganStudio.dataSets.current.name === n &&
    document.querySelector("#status").dataset.state === "ready", name, { polling: 100 });
  await explorerSettled(page, { guesses: true });
}

/** Whether the registry ships a generator for the data set called `name`. */
const shipsModels = (page, name) =>
  page.evaluate((n) => window.ganStudio.presets.list.some((p) => p.shipped_files[n]), name);

/** Sets the trainer's form to `preset` at batch 4 with a 4x4 progress grid. */
async function trainerForm(page, preset) {
  await page.selectOption("#train-preset", preset);
  await setValue(page, "#train-batch", 4);
  await page.selectOption("#train-grid-size", "4");
}

/** Reset, then `steps` clicks on Step; returns the panel's state. */
async function newRun(page, steps) {
  await page.click("#train-reset");
  let state = await trainerIdle(page);
  assert.equal(state.error, null, `reset: ${state.error}`);
  for (let i = 0; i < steps; i++) {
    await page.click("#train-step");
    state = await trainerIdle(page);
  }
  assert.equal(state.error, null, `the run's steps: ${state.error}`);
  return state;
}

/** The mean grey level (0-255) of the trainer's real images, gaps included. */
const realMean = (page) => page.$eval("#train-real", (canvas) => {
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum += data[i];
  return sum / (data.length / 4);
});

/** Scores the run now and waits for the meter: its per-class line. */
async function scoreNow(page) {
  await page.click("#train-quality-now");
  const state = await trainerIdle(page);
  assert.equal(state.error, null, `the quality meter: ${state.error}`);
  return page.$eval("#train-q-classes", (el) => el.textContent);
}

/**
 * The console errors but the browser's own line for the 404 of Fashion-MNIST's classifier,
 * where this build has none (the page asks for it once, and says so in its own words).
 */
const withoutMissingClassifier = (errors) =>
  FASHION_CLASSIFIER ? errors : errors.filter((e) => !/404.*classifier-fashion\.bpk/s.test(e));

/** Trains a 2-step MLP checkpoint on Fashion-MNIST with the CLI; returns its bytes. */
function fashionCheckpoint() {
  const file = join(work, "fashion-run.bpk");
  if (!existsSync(file)) {
    execFileSync(GAN_BIN, ["train", "--model", "mlp", "--dataset", "fashion", "--steps", "2", "--batch", "4",
      "--seed", "3", "--save-every", "0", "--out", file], { stdio: ["ignore", "pipe", "pipe"] });
  }
  return readFileSync(file);
}

describe("data sets", { timeout: 40 * 60_000 }, () => {
  let fashionMean = null; // the real grid's mean grey level on Fashion-MNIST, for (b)

  test("(a, b) Fashion-MNIST: in the link, trained on, its clothes beside the fakes, its classes named; then MNIST again", { timeout: 2 * TEST_TIMEOUT }, async (t) => {
    const { page, errors, responses } = await openApp("model=dcgan&n=2&s=1");
    assert.deepEqual(await page.$$eval("#data-set option", (options) => options.map((o) => [o.value, o.textContent])),
      [["mnist", "MNIST digits"], ["fashion", "Fashion-MNIST"]]);
    await chooseDataSet(page, "fashion");
    assert.match(await page.evaluate(() => location.hash), /(^#|&)data=fashion(&|$)/);
    if (await shipsModels(page, "fashion")) {
      const info = await page.evaluate(() => window.ganStudio.info);
      assert.equal(info.dataSet, "fashion", "the explorer shows a Fashion-MNIST model");
    } else {
      const said = await page.$eval("#model-info", (el) => el.textContent);
      t.diagnostic(`explorer: ${said}`);
      assert.match(said, /^No shipped Fashion-MNIST model yet: train one below/);
      assert.equal(await page.isVisible("#grid-canvas"), false, "no grid is drawn");
    }

    // The trainer learns Fashion-MNIST: its real images are clothes (much more ink than digits).
    await trainerForm(page, "mlp");
    let state = await newRun(page, 2);
    assert.equal(state.dataSet, "fashion");
    assert.equal(state.step, 2);
    assert.ok(Number.isFinite(state.last.lossD) && Number.isFinite(state.last.lossG), "finite losses");
    fashionMean = await realMean(page);
    t.diagnostic(`real Fashion-MNIST images: mean grey ${fashionMean.toFixed(1)}`);
    assert.ok(fashionMean > 50, `clothes fill the real grid (mean grey ${fashionMean.toFixed(1)}; MNIST's digits are near 30)`);
    assert.equal(await page.$eval("#train-real + figcaption", (el) => el.textContent), "Real training items");

    // The quality meter: Fashion-MNIST's classes, or a sentence saying it has no classifier.
    const classes = await scoreNow(page); // with no classifier for the set, a sentence
    t.diagnostic(`quality meter: ${classes}`);
    if (FASHION_CLASSIFIER) {
      assert.match(classes, new RegExp(`^By class: .*(${FASHION_CLASSES.map((c) => c.replace("/", "\\/")).join("|")}) \\d+%`));
      assert.match(await page.$eval("#train-q-covered", (el) => el.textContent), /^\d+ of 10$/);
    } else {
      assert.match(classes, /^There is no classifier for Fashion-MNIST here \(weights\/classifier-fashion\.bpk: .*\)/);
    }
    assert.equal(await page.$eval("dt:has(+ #train-q-covered)", (el) => el.textContent), "items covered");

    // A conditional preset: one step, shown in the explorer, whose picker names the classes.
    await trainerForm(page, "cdcgan-half");
    state = await newRun(page, 1);
    assert.equal(state.dataSet, "fashion");
    const draws = await page.$eval("#grid-canvas", (el) => Number(el.dataset.renderCount));
    await page.click("#train-use");
    await trainerIdle(page);
    await page.waitForFunction((n) => Number(document.querySelector("#grid-canvas").dataset.renderCount) > n, draws, { polling: 100 });
    await explorerSettled(page, { guesses: true });
    assert.equal(await page.isVisible("#label"), true, "the explorer shows the conditional model's picker");
    assert.equal(await page.$eval("#label-name", (el) => el.textContent), "Item");
    const options = await page.$$eval("#label option", (list) => list.map((o) => o.textContent));
    assert.deepEqual(options.slice(1), FASHION_CLASSES, "the picker names Fashion-MNIST's classes");
    assert.equal(options[0], "each column an item");
    await page.selectOption("#label", "1");
    await page.waitForFunction(() => /asked for a Trouser|There is no classifier/.test(document.querySelector("#cell-guess").textContent), null, { polling: 100 });
    await explorerSettled(page, { guesses: true });
    const guess = await page.$eval("#cell-guess", (el) => el.textContent);
    t.diagnostic(`guess: ${guess}`);
    if (FASHION_CLASSIFIER) assert.match(guess, /^Classifier: asked for a Trouser; it sees an? .+ \(\d+% sure\)\.$/);
    else assert.match(guess, /^There is no classifier for Fashion-MNIST here/);

    // Fashion-MNIST's file came once, and MNIST's never: nothing here needed digits.
    assert.equal(responses.filter((p) => p.endsWith("/data/fashion.bin")).length, 1, "fashion.bin downloads");
    assert.equal(responses.filter((p) => p.endsWith("/data/mnist.bin")).length, 0, "mnist.bin downloads");
    assertNoErrors(withoutMissingClassifier(errors), "Fashion-MNIST");

    // (b) Back to MNIST mid-session: the run of Fashion-MNIST waits for Reset, then MNIST trains.
    await chooseDataSet(page, "mnist");
    assert.doesNotMatch(await page.evaluate(() => location.hash), /data=/, "MNIST is the link's default");
    assert.equal(await page.isVisible("#grid-canvas"), true, "the explorer draws MNIST's model again");
    assert.equal((await page.evaluate(() => window.ganStudio.info)).dataSet, "mnist");
    state = await trainerIdle(page);
    assert.equal(state.dataSet, "fashion", "the run under way keeps its data set");
    assert.equal(state.pending, true, "the data set waits for Reset");
    assert.match(await page.$eval("#train-message", (el) => el.textContent),
      /^MNIST digits applies on Reset: this run goes on learning Fashion-MNIST\.$/);
    await trainerForm(page, "mlp");
    state = await newRun(page, 2);
    assert.equal(state.dataSet, "mnist");
    assert.equal(state.pending, false);
    const mnistMean = await realMean(page);
    t.diagnostic(`real MNIST digits: mean grey ${mnistMean.toFixed(1)}; Fashion-MNIST's ${fashionMean.toFixed(1)}`);
    assert.ok(fashionMean > 1.5 * mnistMean, "clothes carry far more ink than digits");
    assert.equal(await page.$eval("#train-real + figcaption", (el) => el.textContent), "Real training digits");
    assert.match(await scoreNow(page), /^By class: \d \d+%/, "MNIST's meter names digits");
    assert.match(await page.$eval("#train-q-covered", (el) => el.textContent), /^\d+ of 10$/);
    assert.equal(await page.$eval("dt:has(+ #train-q-covered)", (el) => el.textContent), "digits covered");
    assert.equal(responses.filter((p) => p.endsWith("/data/mnist.bin")).length, 1, "mnist.bin downloads once");
    assertNoErrors(withoutMissingClassifier(errors), "back to MNIST");
    await page.close();
  });

  test("(c) a link's unknown data set is replaced by MNIST, and the page says so", { timeout: TEST_TIMEOUT }, async () => {
    const { page, errors } = await openApp("data=nope&model=dcgan&n=2&s=1");
    await page.waitForFunction(() => Number(document.querySelector("#grid-canvas").dataset.renderCount) >= 1, null, { polling: 100 });
    assert.match(await page.$eval("#url-note", (el) => (el.hidden ? "" : el.textContent)),
      /data=nope is out of range or unknown: the defaults are shown instead\./);
    assert.equal(await page.$eval("#data-set", (el) => el.value), "mnist");
    assert.equal((await page.evaluate(() => window.ganStudio.info)).dataSet, "mnist");
    await setValue(page, "#seed", 2);
    await explorerSettled(page);
    assert.doesNotMatch(await page.evaluate(() => location.hash), /data=/, "the link no longer names it");
    assertNoErrors(errors, "data=nope");
    await page.close();
  });

  test("(c2) a link with data=fashion opens on Fashion-MNIST: the menus, the explorer and the trainer's words", { timeout: TEST_TIMEOUT }, async () => {
    const { page, errors } = await openApp("data=fashion&model=dcgan&n=2&s=1");
    assert.equal(await page.$eval("#data-set", (el) => el.value), "fashion");
    assert.equal(await page.$eval("#url-note", (el) => el.hidden), true, "nothing in the link was replaced");
    if (!(await shipsModels(page, "fashion"))) {
      assert.match(await page.$eval("#status", (el) => el.textContent), /^Ready: No shipped Fashion-MNIST model yet/);
      assert.equal(await page.$eval("#model", (el) => el.selectedOptions[0]?.textContent), "no shipped model yet");
      assert.equal(await page.isVisible("#grid-canvas"), false, "no grid is drawn");
    }
    assert.match(await page.$eval("#train-data", (el) => el.textContent), /^Trains on the training items of Fashion-MNIST/);
    assert.equal(await page.$eval("#train-real + figcaption", (el) => el.textContent), "Real training items");
    assert.equal(await page.$eval("#train-start option[value=shipped]", (el) => el.disabled),
      !(await page.evaluate(() => Boolean(window.ganStudio.presets.named("dcgan").shipped_files.fashion))),
      "the shipped weights are offered only where the preset has them for the set");
    assertNoErrors(errors, "data=fashion");
    await page.close();
  });

  test("(d) a checkpoint that learned Fashion-MNIST, uploaded while MNIST shows, takes the page there", { timeout: TEST_TIMEOUT }, async (t) => {
    const buffer = fashionCheckpoint();
    const file = { name: "fashion-run.bpk", mimeType: "application/octet-stream", buffer };

    // The trainer's upload: the run continues on Fashion-MNIST, and the page follows.
    let { page, errors } = await openApp("model=dcgan&n=2&s=1");
    await page.setInputFiles("#train-upload", file);
    let state = await trainerIdle(page);
    assert.equal(state.error, null, `upload: ${state.error}`);
    assert.equal(state.dataSet, "fashion");
    assert.equal(state.step, 2);
    assert.equal(state.pending, false);
    await page.waitForFunction(() => document.querySelector("#status").dataset.state === "ready", null, { polling: 100 });
    await explorerSettled(page, { guesses: true });
    const note = await page.$eval("#data-set-note", (el) => (el.hidden ? "" : el.textContent));
    t.diagnostic(`trainer upload: ${note}`);
    assert.equal(note, "fashion-run.bpk learned Fashion-MNIST, so the page now shows Fashion-MNIST.");
    assert.equal(await page.$eval("#data-set", (el) => el.value), "fashion");
    assert.match(await page.evaluate(() => location.hash), /(^#|&)data=fashion(&|$)/);
    await page.click("#train-step");
    state = await trainerIdle(page);
    assert.equal(state.step, 3, "the run trains on");
    assert.ok(await realMean(page) > 50, "beside Fashion-MNIST's real images");
    assertNoErrors(withoutMissingClassifier(errors), "the trainer's upload");
    await page.close();

    // The explorer's file chooser: it draws the file's generator, and the page follows.
    ({ page, errors } = await openApp("model=dcgan&n=2&s=1"));
    const draws = await page.$eval("#grid-canvas", (el) => Number(el.dataset.renderCount));
    await page.setInputFiles("#checkpoint-file", file);
    await page.waitForFunction(() => window.ganStudio.dataSets.current.name === "fashion", null, { polling: 100 });
    await page.waitForFunction((n) => Number(document.querySelector("#grid-canvas").dataset.renderCount) > n, draws, { polling: 100 });
    await explorerSettled(page, { guesses: true });
    assert.equal(await page.$eval("#data-set-note", (el) => el.textContent),
      "fashion-run.bpk learned Fashion-MNIST, so the page now shows Fashion-MNIST.");
    assert.equal(await page.isVisible("#load-error"), false);
    assert.equal(await page.isVisible("#grid-canvas"), true, "the file's generator is drawn");
    assert.equal(await page.$eval("#model", (el) => el.selectedOptions[0]?.textContent), "fashion-run.bpk (loaded file)");
    assert.equal((await page.evaluate(() => window.ganStudio.info)).dataSet, "fashion");
    assertNoErrors(withoutMissingClassifier(errors), "the explorer's file");
    await page.close();
  });
});
