// Browser tests of the course's GAN family in the page: every preset's shipped generator
// draws in the explorer, the ACGAN's digit picker and the InfoGAN's code controls work, and
// every loss (hinge, WGAN with clipping, with spectral normalisation and with a gradient
// penalty, BEGAN's) and every architecture (ACGAN, InfoGAN, WGAN-GP's critic, BEGAN's
// autoencoder, CS231N's two) train in the trainer panel, with their own figures charted.
//
// The CPU path (#device=cpu): the explorer and the trainer pick it on this machine anyway,
// and SwiftShader's probes would only cost time. Small grids, batch 4, a few steps.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DIST, TEST_TIMEOUT, WAIT_TIMEOUT, NO_WEBGPU_ARGS, launch, closeAll, watchErrors, assertNoErrors,
  countDiff, explorerSettled, setValue, trainerIdle,
} from "./harness.mjs";
import { startServer } from "./server.mjs";

let server;
let browser;

before(async () => {
  server = await startServer(DIST);
  browser = await launch(NO_WEBGPU_ARGS);
});

after(async () => {
  await closeAll();
  await server?.close();
});

/** Opens the app at `hash` (the CPU path) and waits for its first grid and the trainer. */
async function openApp(hash) {
  const page = await browser.newPage();
  page.setDefaultTimeout(WAIT_TIMEOUT);
  const errors = watchErrors(page);
  await page.goto(`${server.url}#device=cpu&${hash}`, { waitUntil: "domcontentloaded" });
  await page.waitForFunction(() => {
    const status = document.querySelector("#status")?.dataset.state;
    return status === "error" || (status === "ready" && window.ganStudio?.trainer &&
      Number(document.querySelector("#grid-canvas").dataset.renderCount) >= 1);
  }, null, { polling: 100 });
  const status = await page.$eval("#status", (el) => `${el.dataset.state}: ${el.textContent}`);
  assert.match(status, /^ready/, `${status}\n${errors.join("\n")}`);
  await explorerSettled(page, { guesses: true });
  return { page, errors };
}

/** Runs `action` and waits for the grid to be drawn again and the page to settle. */
async function afterRedraw(page, action) {
  await explorerSettled(page, { guesses: true });
  const before = await page.$eval("#grid-canvas", (el) => Number(el.dataset.renderCount));
  await action();
  await page.waitForFunction((n) => Number(document.querySelector("#grid-canvas").dataset.renderCount) > n, before, { polling: 50 });
  await explorerSettled(page, { guesses: true });
}

/** The grid canvas's size and red channel. */
const gridPixels = (page) => page.$eval("#grid-canvas", (canvas) => {
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  return { width: canvas.width, height: canvas.height, gray: Array.from({ length: data.length / 4 }, (_, i) => data[4 * i]) };
});

/** The standard deviation of each cell of a grid of `size`-pixel images with 1-pixel gaps. */
function cellSpreads({ width, gray }, rows, cols, size) {
  const spreads = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const values = [];
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) values.push(gray[(1 + r * (size + 1) + y) * width + 1 + c * (size + 1) + x]);
      }
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      spreads.push(Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length));
    }
  }
  return spreads;
}

/** Waits for the classifier's guess of the selected cell after `count` guesses; returns it. */
async function guessAfter(page, count) {
  await page.waitForFunction((n) => window.ganStudio.guessCount > n, count, { polling: 50 });
  await explorerSettled(page, { guesses: true });
  return page.$eval("#cell-guess", (el) => ({ digit: Number(el.dataset.digit), text: el.textContent }));
}

describe("the course's GAN family", { timeout: 30 * 60_000 }, () => {
  test("(k1) every preset's shipped generator draws a grid of digits in the explorer", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openApp("model=dcgan&n=3&s=2");
    const names = await page.$$eval("#model option", (options) => options.map((o) => o.value));
    for (const name of ["wgan", "wgan-sn", "acgan", "infogan"]) assert.ok(names.includes(name), `${name} in the model menu`);
    for (const name of names) {
      await afterRedraw(page, () => page.selectOption("#model", name));
      assert.equal(await page.$eval("#load-error", (el) => el.hidden), true, `${name} loaded`);
      const info = await page.evaluate(() => window.ganStudio.info);
      const pixels = await gridPixels(page);
      const spreads = cellSpreads(pixels, 3, 3, info.imageSize);
      t.diagnostic(`${name}: ${info.kind}, cell spreads ${spreads.map((s) => s.toFixed(0)).join(" ")}`);
      assert.ok(Math.min(...spreads) > 10, `${name}: a cell is flat`);
    }
    assertNoErrors(errors, "every preset");
    await page.close();
  });

  test("(k2) the ACGAN draws the digit asked for, as the classifier reads it", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openApp("model=acgan&n=2&s=4&l=mixed");
    assert.equal(await page.isVisible("#label"), true, "the digit picker is shown");
    assert.equal(await page.$eval("#label-name", (el) => el.textContent), "Digit");
    for (const digit of [3, 8]) {
      const count = await page.evaluate(() => window.ganStudio.guessCount);
      await afterRedraw(page, () => page.selectOption("#label", String(digit)));
      const guess = await guessAfter(page, count);
      t.diagnostic(`asked for ${digit}: ${guess.text}`);
      assert.match(guess.text, new RegExp(`asked for a ${digit}`));
      assert.equal(guess.digit, digit, `the classifier reads the ACGAN's ${digit} as a ${guess.digit}`);
    }
    assertNoErrors(errors, "ACGAN");
    await page.close();
  });

  test("(k3) the InfoGAN's codes: a code picker, two continuous sliders, a row per code, kept in the URL", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openApp("model=infogan&n=4&s=3&sg=1");
    assert.equal(await page.$eval("#label-name", (el) => el.textContent), "Categorical code");
    assert.equal(await page.isVisible("#code-k1"), true, "continuous code sliders are shown");
    const info = await page.evaluate(() => window.ganStudio.info);
    assert.deepEqual([info.codeSize, info.latentCodes], [12, true]);
    // the style grid: one row per categorical code
    let pixels = await gridPixels(page);
    assert.deepEqual([pixels.width, pixels.height], [4 * 29 + 1, 10 * 29 + 1], "10 rows of 4 at 28x28");

    // a continuous code changes every cell, and the hash keeps it
    const before = pixels.gray;
    await afterRedraw(page, () => setValue(page, "#code-k1", 1.5, "input"));
    pixels = await gridPixels(page);
    const changed = countDiff(before, pixels.gray);
    t.diagnostic(`c1 = 1.5 changed ${changed} of ${before.length} pixels`);
    assert.ok(changed > before.length / 20, "moving c1 redraws the grid");
    assert.match(await page.evaluate(() => location.hash), /(^#|&)k1=1\.5(&|$)/);
    assert.equal(await page.$eval("#code-k1-value", (el) => el.textContent), "1.50");

    // a reload reopens the same view
    const { page: again, errors: againErrors } = await openApp((await page.evaluate(() => location.hash)).slice(1));
    assert.equal(await again.$eval("#code-k1", (el) => el.value), "1.5");
    assert.deepEqual((await gridPixels(again)).gray, pixels.gray, "the reloaded view draws the same grid");
    assertNoErrors(againErrors, "InfoGAN reload");
    await again.close();

    // one categorical code for the whole grid
    await afterRedraw(page, async () => {
      await page.uncheck("#style-grid");
      await page.selectOption("#label", "5");
    });
    const guess = await page.$eval("#cell-guess", (el) => el.textContent);
    assert.match(guess, /^Classifier: code 5; it sees a \d/, guess);
    assertNoErrors(errors, "InfoGAN");
    await page.close();
  });

  test("(k4) the new losses and models train in the page, with their papers' settings", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openApp("model=dcgan&n=2&s=1");
    await setValue(page, "#train-refresh", 1);
    // Choosing a WGAN loss brings its paper's settings into the form.
    await page.selectOption("#train-loss", "wgan-clip");
    assert.deepEqual(await page.evaluate(() => ["train-optimizer", "train-lr-g", "train-lr-d", "train-d-steps", "train-clip"]
      .map((id) => document.getElementById(id).value)), ["rmsprop", "0.00005", "0.00005", "5", "0.01"]);
    await page.selectOption("#train-loss", "non-saturating");
    assert.equal(await page.$eval("#train-d-steps", (el) => el.value), "1", "another loss returns to the preset's settings");
    assert.equal(await page.$eval("#train-clip", (el) => el.value), "", "no clipping");

    const cases = [
      { preset: "dcgan", loss: "hinge" },
      { preset: "wgan" },
      { preset: "wgan-sn" },
      { preset: "acgan" },
      { preset: "infogan" },
      { preset: "wgan-gp" },
      { preset: "began" },
      { preset: "cs231n" },
      { preset: "cs231n-mlp" },
    ];
    for (const { preset, loss } of cases) {
      await page.selectOption("#train-preset", preset);
      if (loss) await page.selectOption("#train-loss", loss);
      await setValue(page, "#train-batch", 4);
      await page.selectOption("#train-grid-size", "4");
      await page.click("#train-reset");
      let state = await trainerIdle(page);
      assert.equal(state.error, null, `${preset}: ${state.error}`);
      await page.click("#train-step");
      await page.click("#train-step");
      state = await trainerIdle(page);
      const { train, config, kind } = state;
      t.diagnostic(`${preset}${loss ? ` + ${loss}` : ""}: ${kind}, ${JSON.stringify(train)}, last ${JSON.stringify(state.last)}`);
      assert.equal(state.error, null, `${preset}: ${state.error}`);
      assert.equal(state.step, 2, `${preset}: two steps`);
      for (const [name, v] of Object.entries(state.last)) assert.ok(Number.isFinite(v), `${preset}: ${name} = ${v}`);
      assert.equal(await page.$eval("#train-preset", (el) => el.value), preset, "the run shows under its preset");
      if (preset === "wgan") {
        assert.deepEqual([train.loss, train.optimizer, train.d_steps, train.clip], ["wgan-clip", "rmsprop", 5, 0.01]);
        const title = await page.$eval("#train-d-chart", (el) => el.getAttribute("aria-label"));
        assert.ok(title.length > 0);
        // the critic's chart plots its distance estimate, one point per step
        assert.equal(await page.$eval("#train-d-chart", (el) => el.dataset.points), "2");
        assert.ok(Math.abs(state.last.lossD - (state.last.dFake - state.last.dReal)) < 1e-4, "critic loss = E[D(G(z))] − E[D(x)]");
      }
      if (preset === "wgan-sn") assert.deepEqual([train.loss, config.norm, train.beta1, train.beta2], ["wgan-sn", "spectral", 0, 0.9]);
      // The loss's own figures get a chart of their own, one point per step: WGAN-GP's
      // penalty (beside its Wasserstein estimate), BEGAN's balance k_t and M_global.
      const extra = await page.$eval("#train-extra-chart", (el) => ({ hidden: el.hidden, points: el.dataset.points }));
      if (preset === "wgan-gp") {
        assert.deepEqual([train.loss, train.gradient_penalty, train.beta1, train.beta2, train.d_steps], ["wgan-gp", 10, 0.5, 0.9, 5]);
        assert.deepEqual(Object.keys(state.extra), ["penalty"]);
        assert.ok(state.extra.penalty >= 0, `penalty ${state.extra.penalty}`);
        assert.deepEqual(extra, { hidden: false, points: "2" });
        assert.equal(await page.$eval("#train-d-chart", (el) => el.dataset.points), "2", "the Wasserstein estimate");
      } else if (preset === "began") {
        // The preset's γ 1 and 2e-4, where the paper has 0.5 and 1e-4 (src/preset.rs says why).
        assert.deepEqual([train.loss, train.gamma, train.lr_g, train.lr_d, kind], ["began", 1, 2e-4, 2e-4, "began"]);
        assert.deepEqual(Object.keys(state.extra), ["balance", "convergence"]);
        assert.ok(state.extra.balance >= 0 && state.extra.balance <= 1, `k_t ${state.extra.balance}`);
        assert.ok(state.extra.convergence > 0, `M_global ${state.extra.convergence}`);
        assert.deepEqual(extra, { hidden: false, points: "2" });
      } else {
        assert.deepEqual(Object.keys(state.extra), [], `${preset}: no figures of its own`);
        assert.equal(extra.hidden, true, `${preset}: no third chart`);
      }
      if (preset === "dcgan") assert.equal(train.loss, "hinge");
      // the progress grid: a row per digit (code) for the ACGAN and the InfoGAN
      const grid = await page.$eval("#train-grid", (el) => [el.width, el.height]);
      const rows = ["acgan", "infogan"].includes(preset) ? 10 : 4;
      // CS231N's models and the InfoGAN (the paper's networks) draw MNIST's 28x28
      const cell = (preset.startsWith("cs231n") || preset === "infogan" ? 28 : 32) + 1;
      assert.deepEqual(grid, [4 * cell + 1, rows * cell + 1], `${preset}: progress grid`);
    }

    // wgan-sn needs the spectral critic: a BatchNorm run refuses it and keeps its loss
    await page.selectOption("#train-preset", "dcgan");
    await page.selectOption("#train-loss", "non-saturating");
    await page.click("#train-reset");
    await trainerIdle(page);
    await page.selectOption("#train-loss", "wgan-sn");
    const refused = await trainerIdle(page);
    t.diagnostic(`refused: ${refused.error}`);
    assert.match(refused.error ?? "", /spectral normalisation/);
    assert.equal(refused.train.loss, "non-saturating", "the run keeps its loss");
    assertNoErrors(errors, "training the family");
    await page.close();
  });
});
