// Browser tests of GAN Studio's built page (dist/, made by `trunk build --release`), run by
// node's test runner in Debian's Chromium through playwright-core (which never downloads a
// browser). `tests/e2e/run.sh` installs the npm packages and runs this file.
//
//   GAN_DIST=/path/to/dist   the build to serve (default: dist/ at the repository root)
//   CHROMIUM=/path/to/chrome the browser (default: /usr/bin/chromium)
//
// WebGPU without a GPU: Chromium's WebGPU (Dawn) runs on SwiftShader, its CPU Vulkan. With
// Chromium 156 (Debian) on a GPU-less Linux box, `--enable-unsafe-webgpu` under
// `--headless=new` is what makes `navigator.gpu.requestAdapter()` return an adapter (vendor
// "google", architecture "swiftshader"); without it the adapter is null. Also tried, with the
// same result: adding `--enable-features=Vulkan`, `--use-vulkan=swiftshader`,
// `--use-angle=swiftshader`. We add `--use-webgpu-adapter=swiftshader` (and
// `--use-angle=swiftshader` for the 2D canvases) so a machine that has a GPU still runs the
// tests on the same, deterministic software adapter. `navigator.gpu` only exists in a secure
// context: http://127.0.0.1 qualifies, about:blank does not.
//
// `--disable-webgpu` does NOT remove `navigator.gpu` in this Chromium: the object stays, and
// `requestAdapter()` resolves to null. The page then asks Burn for a WebGPU device, that fails,
// and it falls back to the CPU backend: test (f) checks exactly that path (and, separately, the
// `?backend=cpu` switch).
//
// SwiftShader is slow and start-up bound, so the tests use small grids, wait for conditions
// (status, a canvas's data-render-count) and never sleep for a fixed time.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import {
  DIST, TEST_TIMEOUT, WAIT_TIMEOUT, WEBGPU_ARGS, NO_WEBGPU_ARGS,
  launch, closeContext, closeAll, watchErrors, assertNoErrors, decodeGifInPage, decodePng, downloadFile,
  maxAbsDiff, countDiff, setValue,
} from "./harness.mjs";
import { startServer } from "./server.mjs";
import { LOOP_STEPS } from "../../www/interp-loop.js";


const IMAGE = 32; // DCGAN image size
const GAP = 1;
const gridSide = (n) => n * (IMAGE + GAP) + GAP;

// ------------------------------------------------------------------ browser and pages


const statusOf = (page) =>
  page.$eval("#status", (el) => ({ state: el.dataset.state, text: el.textContent }));

/** Waits until #status leaves "loading"; fails with the status text if it is not "ready". */
async function waitReady(page, errors = []) {
  await page.waitForFunction(
    () => document.querySelector("#status")?.dataset.state !== "loading",
    null,
    { timeout: WAIT_TIMEOUT, polling: 100 },
  );
  const status = await statusOf(page);
  assert.equal(status.state, "ready", `status: ${status.text}\n${errors.join("\n")}`);
}

/** True when no draw runs or waits (the page's two Coalescers, see www/app.js). */
async function waitSettled(page) {
  await page.waitForFunction(
    () => {
      const app = window.ganStudio;
      if (!app) return false;
      const idle = (c) => !c || (!c.running && !c.pending);
      return idle(app.gridDraws) && idle(app.interpDraws);
    },
    null,
    { timeout: WAIT_TIMEOUT, polling: 50 },
  );
}

const renderCount = (page, selector) =>
  page.$eval(selector, (el) => Number(el.dataset.renderCount));

/**
 * Runs `action` on a settled page and waits until `selector`'s canvas has been drawn again and
 * every queued draw is done, so the canvas shows the state the action produced.
 */
async function afterRedraw(page, selector, action) {
  await waitSettled(page);
  const before = await renderCount(page, selector);
  await action();
  await page.waitForFunction(
    ([sel, n]) => Number(document.querySelector(sel).dataset.renderCount) > n,
    [selector, before],
    { timeout: WAIT_TIMEOUT, polling: 50 },
  );
  await waitSettled(page);
}

/** Opens the app at `url`, waits for "ready" and the first grid. */
async function openApp(context, url) {
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_TIMEOUT);
  const errors = watchErrors(page);
  const started = Date.now();
  await page.goto(url, { waitUntil: "domcontentloaded" });
  await waitReady(page, errors);
  const readyMs = Date.now() - started;
  await page.waitForFunction(
    () => Number(document.querySelector("#grid-canvas").dataset.renderCount) >= 1,
    null,
    { timeout: WAIT_TIMEOUT, polling: 50 },
  );
  // The device probe (www/app.js) may move the explorer to WebGPU: let it decide first.
  await page.waitForFunction(() => window.ganStudio?.deviceChoice, null, { timeout: WAIT_TIMEOUT, polling: 100 });
  await waitSettled(page);
  return { page, errors, readyMs, firstGridMs: Date.now() - started };
}

/**
 * Picks `name` in #model and waits for its weights and its first grid; fails with the page's
 * load error (e.g. a 404 for weights/<name>.bpk) when the switch did not happen.
 */
async function switchModel(page, name, errors) {
  await waitSettled(page);
  const before = await renderCount(page, "#grid-canvas");
  await page.selectOption("#model", name);
  await waitReady(page, errors);
  const failure = await page.$eval("#load-error", (el) => (el.hidden ? null : el.textContent));
  assert.equal(failure, null, `switching to ${name} failed: ${failure}`);
  assert.equal(await page.evaluate(() => window.ganStudio.state.model), name);
  await page.waitForFunction(
    ([n]) => Number(document.querySelector("#grid-canvas").dataset.renderCount) > n,
    [before],
    { timeout: WAIT_TIMEOUT, polling: 50 },
  );
  await waitSettled(page);
}

/** A canvas's pixels: size and the red channel (the images are gray), checked to be gray. */
async function canvasPixels(page, selector) {
  const { width, height, gray, isGray } = await page.$eval(selector, (canvas) => {
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    const gray = new Array(data.length / 4);
    let isGray = true;
    for (let i = 0; i < gray.length; i++) {
      const [r, g, b, a] = [data[4 * i], data[4 * i + 1], data[4 * i + 2], data[4 * i + 3]];
      if (r !== g || g !== b || a !== 255) isGray = false;
      gray[i] = r;
    }
    return { width: canvas.width, height: canvas.height, gray, isGray };
  });
  assert.ok(isGray, `${selector} is not opaque gray`);
  return { width, height, gray: Uint8Array.from(gray) };
}

/** The pixels of grid cell `index` (row-major) of an image grid. */
function cell(pixels, index, cols, size = IMAGE) {
  const out = new Uint8Array(size * size);
  const top = GAP + Math.floor(index / cols) * (size + GAP);
  const left = GAP + (index % cols) * (size + GAP);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) out[y * size + x] = pixels.gray[(top + y) * pixels.width + left + x];
  }
  return out;
}

function std(values) {
  let sum = 0;
  let sq = 0;
  for (const v of values) {
    sum += v;
    sq += v * v;
  }
  const mean = sum / values.length;
  return Math.sqrt(Math.max(0, sq / values.length - mean * mean));
}

/** Asserts a grid is not blank: every cell has real contrast (a digit, not a flat square). */
function assertNotBlank(pixels, rows, cols, what) {
  assert.equal(pixels.width, gridSide(cols), `${what}: width`);
  assert.equal(pixels.height, gridSide(rows), `${what}: height`);
  const stds = [];
  for (let i = 0; i < rows * cols; i++) stds.push(std(cell(pixels, i, cols)));
  const min = Math.min(...stds);
  assert.ok(min > 10, `${what}: a cell is (nearly) flat; per-cell std ${stds.map((s) => s.toFixed(1))}`);
  return { minCellStd: min, meanCellStd: stds.reduce((a, b) => a + b, 0) / stds.length };
}


// ------------------------------------------------------------------ PNG

/** Downloads the PNG that clicking `button` produces; returns its name and decoded image. */
async function downloadPng(page, button) {
  const { name, bytes } = await downloadFile(page, button);
  return { name, bytes, png: decodePng(bytes) };
}

/** Asserts a PNG is `canvas` scaled by `scale` with nearest-neighbour (crisp) pixels. */
function assertCrispUpscale(png, canvas, scale) {
  assert.equal(png.width, canvas.width * scale, "PNG width");
  assert.equal(png.height, canvas.height * scale, "PNG height");
  let mismatches = 0;
  let first = null;
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const v = png.pixels[(y * png.width + x) * png.channels];
      const want = canvas.gray[Math.floor(y / scale) * canvas.width + Math.floor(x / scale)];
      if (v !== want) {
        mismatches++;
        first ??= { x, y, v, want };
      }
    }
  }
  assert.equal(mismatches, 0, `PNG is not a crisp ${scale}x copy of the canvas: first ${JSON.stringify(first)}`);
}

// ------------------------------------------------------------------ the suite

let server;
let gpu; // the WebGPU browser shared by most tests

before(async () => {
  assert.ok(existsSync(join(DIST, "index.html")), `${DIST}/index.html is missing: build the page first (trunk build --release)`);
  assert.ok(
    readdirSync(DIST).some((f) => f.endsWith("_bg.wasm")),
    `${DIST} holds no *_bg.wasm: build the page first (trunk build --release)`,
  );
  server = await startServer(DIST);
  gpu = await launch(WEBGPU_ARGS);
});

after(async () => {
  await closeAll();
  await server?.close();
});

describe("GAN Studio explorer", { timeout: 60 * 60_000 }, () => {
  test("(a) loads without console errors, measures both devices and draws on the faster", { timeout: TEST_TIMEOUT }, async (t) => {
    const adapter = await (async () => {
      const page = await gpu.newPage();
      await page.goto(server.url + "weights/"); // any same-origin (secure-context) URL; 404 is fine
      const info = await page.evaluate(async () => {
        const a = await navigator.gpu?.requestAdapter();
        return a ? { vendor: a.info?.vendor, architecture: a.info?.architecture } : null;
      });
      await page.close();
      return info;
    })();
    t.diagnostic(`WebGPU adapter: ${JSON.stringify(adapter)}`);
    assert.ok(adapter, "navigator.gpu.requestAdapter() gave no adapter: no WebGPU in this browser");

    const first = server.requests.length;
    const { page, errors, readyMs, firstGridMs } = await openApp(gpu, server.url);
    t.diagnostic(`ready after ${readyMs} ms, first 8x8 grid after ${firstGridMs} ms`);
    // Both devices were timed on the same grid, and the faster one draws.
    const choice = await page.evaluate(() => window.ganStudio.deviceChoice);
    t.diagnostic(`device choice: ${JSON.stringify(choice)}`);
    assert.ok(choice.timings.cpu > 0 && choice.timings.webgpu > 0, "both devices were timed");
    const faster = choice.timings.webgpu < choice.timings.cpu ? "webgpu" : "cpu";
    assert.equal(choice.backend, faster, "the explorer uses the faster device");
    assert.equal(await page.$eval("#backend", (el) => el.dataset.backend), faster);
    const sentence = await page.$eval("#backend", (el) => el.textContent);
    const expected = faster === "cpu"
      ? /^Explorer: CPU: \d+(\.\d)?x faster here than this browser's software WebGPU\.$/
      : /^Explorer: WebGPU: \d+(\.\d)?x faster here than the CPU\.$/;
    assert.match(sentence, expected, "one plain sentence says which device and why");
    assert.doesNotMatch(sentence, /[{}]|Error|\(|::/, "no debug text");
    assert.match(await page.$eval("#status", (el) => el.textContent), /Ready/);
    assert.equal(await page.$eval("#app", (el) => el.hidden), false, "#app is shown");
    assert.equal(await page.evaluate(() => typeof window.ganStudio), "object", "window.ganStudio");
    assert.match(await page.$eval("#render-ms", (el) => el.textContent), /^\d+(\.\d+)?$/);
    const sliders = await page.$$eval("#z-sliders input[type=range][data-dim]", (els) => els.length);
    assert.equal(sliders, await page.evaluate(() => window.ganStudio.info.nz), "one slider per z dimension");
    const failed = server.requests.slice(first).filter((r) => r.status >= 400 && !r.url.endsWith("/favicon.ico"));
    assert.deepEqual(failed, [], "requests that failed");
    assertNoErrors(errors, "page load");
    await page.close();
  });

  test("(b) the default grid is not blank and changes with the seed", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openApp(gpu, server.url);
    const n = await page.$eval("#grid-size", (el) => Number(el.value));
    assert.equal(n, 8, "default grid size");
    const first = await canvasPixels(page, "#grid-canvas");
    const stats = assertNotBlank(first, n, n, "seed 1");
    t.diagnostic(`seed 1: per-cell std min ${stats.minCellStd.toFixed(1)}, mean ${stats.meanCellStd.toFixed(1)}`);

    const started = Date.now();
    await afterRedraw(page, "#grid-canvas", () => setValue(page, "#seed", 2, "change"));
    t.diagnostic(`8x8 redraw after a seed change: ${Date.now() - started} ms`);
    const second = await canvasPixels(page, "#grid-canvas");
    assertNotBlank(second, n, n, "seed 2");
    const changed = countDiff(first.gray, second.gray);
    assert.ok(changed > first.gray.length / 10, `seed 2 changed only ${changed} pixels`);
    assert.match(await page.evaluate(() => location.hash), /(^#|&)s=2(&|$)/, "the hash holds the seed");

    // back to seed 1: the same picture again (the grid is a function of the seed)
    await afterRedraw(page, "#grid-canvas", () => setValue(page, "#seed", 1, "change"));
    const again = await canvasPixels(page, "#grid-canvas");
    assert.ok(maxAbsDiff(first.gray, again.gray) <= 2, "seed 1 drawn twice differs");
    assertNoErrors(errors, "seed changes");
    await page.close();
  });

  test("(c1) a z slider redraws its cell, #z-reset restores it", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openApp(gpu, server.url + "#m=dcgan&s=3&n=2");
    const before = await canvasPixels(page, "#grid-canvas");
    assertNotBlank(before, 2, 2, "2x2 dcgan");

    // one slider of the selected cell (cell 0): the cell changes, the others do not
    const slider = '#z-sliders input[type=range][data-dim="0"]';
    const old = Number(await page.$eval(slider, (el) => el.value));
    const target = old > 0 ? -3 : 3;
    await afterRedraw(page, "#grid-canvas", () => setValue(page, slider, target, "input"));
    const moved = await canvasPixels(page, "#grid-canvas");
    t.diagnostic(`z0 of cell 1: ${old} -> ${target}`);
    assert.ok(countDiff(cell(before, 0, 2), cell(moved, 0, 2)) > 0, "moving z0 did not change cell 1");
    for (const i of [1, 2, 3]) {
      assert.equal(countDiff(cell(before, i, 2), cell(moved, i, 2)), 0, `moving cell 1's z0 changed cell ${i + 1}`);
    }
    assert.equal(await page.evaluate(() => window.ganStudio.z[0]), target, "z0 holds the slider's value");

    // #z-reset puts it back
    await afterRedraw(page, "#grid-canvas", () => page.click("#z-reset"));
    const reset = await canvasPixels(page, "#grid-canvas");
    assert.ok(maxAbsDiff(before.gray, reset.gray) <= 2, "#z-reset did not restore the cell");
    assertNoErrors(errors, "z sliders");
    await page.close();
  });

  test("(c2) the conditional DCGAN: switching to it, and its digit picker", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openApp(gpu, server.url + "#m=dcgan&s=3&n=2");
    assert.equal(await page.isVisible("#label"), false, "#label is hidden for the unconditional model");
    const started = Date.now();
    await switchModel(page, "cdcgan-half", errors);
    t.diagnostic(`switch to cdcgan-half + its first grid: ${Date.now() - started} ms`);
    assert.equal(await page.evaluate(() => window.ganStudio.info.conditional), true);
    assert.equal(await page.isVisible("#label"), true, "#label is shown for the conditional model");
    const mixed = await canvasPixels(page, "#grid-canvas");
    assertNotBlank(mixed, 2, 2, "2x2 cdcgan, mixed digits");

    await afterRedraw(page, "#grid-canvas", () => page.selectOption("#label", "7"));
    const sevens = await canvasPixels(page, "#grid-canvas");
    assertNotBlank(sevens, 2, 2, "2x2 cdcgan, all 7");
    // "mixed" draws digits 0 and 1 in the two columns, so every cell must change
    for (let i = 0; i < 4; i++) {
      assert.ok(countDiff(cell(mixed, i, 2), cell(sevens, i, 2)) > 0, `digit 7 did not change cell ${i + 1}`);
    }
    await afterRedraw(page, "#grid-canvas", () => page.selectOption("#label", "3"));
    const threes = await canvasPixels(page, "#grid-canvas");
    assert.ok(countDiff(sevens.gray, threes.gray) > 0, "digit 3 drew the same as digit 7");

    // style grid: 10 rows (digit r in row r), one z per column
    await afterRedraw(page, "#grid-canvas", () => page.check("#style-grid"));
    const style = await canvasPixels(page, "#grid-canvas");
    assertNotBlank(style, 10, 2, "style grid (10 rows x 2 columns)");

    // and the MLP GAN (28x28 images)
    await switchModel(page, "mlp", errors);
    assert.deepEqual(await page.$eval("#grid-canvas", (c) => [c.width, c.height]), [2 * 29 + 1, 2 * 29 + 1],
      "2x2 grid of 28x28 MLP images");
    assertNoErrors(errors, "model switches");
    await page.close();
  });

  test("(c3) the classifier names the selected cell's digit; on the conditional model, the one asked for", { timeout: TEST_TIMEOUT }, async (t) => {
    // An old link: `m=cdcgan` named the half-width model, which is `cdcgan-half` now.
    const { page, errors } = await openApp(gpu, server.url + "#m=cdcgan&s=3&n=2&l=7");
    assert.equal(await page.$eval("#model", (el) => el.value), "cdcgan-half", "the old name opens the half width");
    assert.match(await page.evaluate(() => location.hash), /(^#|&)model=cdcgan-half(&|$)/, "rewritten with the new name");
    const guess = () => page.$eval("#cell-guess", (el) => ({ ...el.dataset, text: el.textContent }));
    await page.waitForFunction(() => document.querySelector("#cell-guess").dataset.digit !== "");
    let g = await guess();
    t.diagnostic(g.text);
    // The shipped conditional model draws the asked digit 99.8% of the time (weights/README.md).
    assert.equal(g.digit, "7", `asked for a 7: ${g.text}`);
    assert.match(g.text, /^Classifier: asked for a 7; it sees a 7 \(\d+% sure\)\.$/);
    assert.ok(Number(g.confidence) > 0.5 && Number(g.confidence) <= 1, g.confidence);
    // Another digit for every cell, and another cell: the guess follows both.
    const count = await page.evaluate(() => window.ganStudio.guessCount);
    await page.selectOption("#label", "3");
    await page.waitForFunction((n) => window.ganStudio.guessCount > n &&
      !window.ganStudio.guesses.running && !window.ganStudio.guesses.pending, count);
    g = await guess();
    assert.equal(g.digit, "3", g.text);
    await setValue(page, "#cell", 4, "change");
    await page.waitForFunction(() => document.querySelector("#cell-guess").dataset.cell === "3");
    assert.match((await guess()).text, /asked for a 3; it sees a \d/);

    // A slider drag ("input" events) redraws the cell (or, in the style grid, the grid) but
    // asks for no guess; its end ("change") asks for exactly one.
    const settled = (n) => window.ganStudio.guessCount === n &&
      !window.ganStudio.guesses.running && !window.ganStudio.guesses.pending;
    const drag = async (what) => {
      await page.waitForFunction(() => !window.ganStudio.guesses.running && !window.ganStudio.guesses.pending);
      const beforeDrag = await page.evaluate(() => window.ganStudio.guessCount);
      const slider = '#z-sliders input[type=range][data-dim="0"]';
      for (const v of [-2, -1, 1, 2]) {
        await afterRedraw(page, "#grid-canvas", () => setValue(page, slider, v, "input"));
      }
      assert.equal(await page.evaluate(() => window.ganStudio.guessCount), beforeDrag, `guessed during the drag (${what})`);
      await setValue(page, slider, 2, "change");
      await page.waitForFunction(settled, beforeDrag + 1);
    };
    await drag("one cell");
    assert.equal((await guess()).cell, "3");
    await afterRedraw(page, "#grid-canvas", () => page.check("#style-grid"));
    await drag("style grid");
    assertNoErrors(errors, "classifier guess");
    await page.close();
  });

  test("(d) alpha = 0 shows z2's image and alpha = 1 z1's", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openApp(gpu, server.url);
    await afterRedraw(page, "#grid-canvas", () => page.selectOption("#grid-size", "1"));
    assert.deepEqual(await page.$eval("#grid-canvas", (c) => [c.width, c.height]), [34, 34]);

    const compare = async (seed, which, alpha) => {
      await afterRedraw(page, "#grid-canvas", () => setValue(page, "#seed", seed, "change"));
      await afterRedraw(page, "#interp-canvas", () => setValue(page, `#${which}-seed`, seed, "change"));
      await afterRedraw(page, "#interp-canvas", () => setValue(page, "#alpha", alpha, "input"));
      const grid = await canvasPixels(page, "#grid-canvas");
      const interp = await canvasPixels(page, "#interp-canvas");
      assert.deepEqual([interp.width, interp.height], [34, 34], "interp canvas size");
      assertNotBlank(interp, 1, 1, `interp at alpha ${alpha}`);
      const diff = maxAbsDiff(grid.gray, interp.gray);
      t.diagnostic(`alpha = ${alpha} vs grid of seed ${seed} (${which}): max abs diff ${diff}` +
        (diff === 0 ? " (bit-exact)" : " (not bit-exact)"));
      assert.ok(diff <= 2, `alpha = ${alpha} differs from ${which}'s image by up to ${diff}`);
      return interp;
    };
    const atZero = await compare(7, "z2", 0);
    const atOne = await compare(11, "z1", 1);
    assert.ok(countDiff(atZero.gray, atOne.gray) > 0, "z1 and z2 draw the same image");

    // halfway is neither end
    await afterRedraw(page, "#interp-canvas", () => setValue(page, "#alpha", 0.5, "input"));
    const half = await canvasPixels(page, "#interp-canvas");
    assert.ok(countDiff(half.gray, atZero.gray) > 0 && countDiff(half.gray, atOne.gray) > 0, "alpha 0.5 is an endpoint");

    // the strip runs from z2 (left) to z1 (right)
    const strip = await canvasPixels(page, "#strip-canvas");
    const steps = (strip.width - GAP) / (IMAGE + GAP);
    assert.equal(strip.height, 34, "strip height");
    assert.ok(Number.isInteger(steps) && steps >= 2, `strip width ${strip.width}`);
    const left = maxAbsDiff(cell(strip, 0, steps), cell(atZero, 0, 1));
    const right = maxAbsDiff(cell(strip, steps - 1, steps), cell(atOne, 0, 1));
    t.diagnostic(`strip ends vs the alpha images: max abs diff ${left} (left, z2), ${right} (right, z1)`);
    assert.ok(left <= 2 && right <= 2, "the strip's ends are not z2 and z1");
    assertNoErrors(errors, "interpolation");
    await page.close();
  });

  test("(d2) the interpolation as a looping GIF: z2 first, z1 halfway, back again; a failed draw said", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openApp(gpu, server.url + "#m=dcgan&s=4&n=1&z1=3&z2=8");
    await afterRedraw(page, "#interp-canvas", () => setValue(page, "#alpha", 0, "input"));
    const atZero = cell(await canvasPixels(page, "#interp-canvas"), 0, 1);
    await page.selectOption("#export-scale", "1");
    const file = await downloadFile(page, "#export-loop");
    assert.equal(file.name, "gan-studio_dcgan_z3-z8_loop.gif");
    assert.equal(file.bytes.subarray(0, 6).toString("latin1"), "GIF89a");
    const gif = await decodeGifInPage(page, file.bytes);
    t.diagnostic(`loop GIF: ${file.bytes.length} bytes, ${gif.count} frames of ${gif.frames[0].width} x ${gif.frames[0].height}`);
    assert.equal(gif.count, 2 * LOOP_STEPS - 2, "forward and back, each end once");
    assert.deepEqual([gif.frames[0].width, gif.frames[0].height], [IMAGE, IMAGE]);
    // The first frame is the explorer's image at alpha = 0. The GIF's palette holds all 256
    // greys, so nothing is lost to quantisation; the loop is drawn as one batch and the
    // canvas one image at a time, which test (d) allows to differ by 2 levels.
    const first = maxAbsDiff(gif.frames[0].grey, atZero);
    t.diagnostic(`frame 0 vs the image at alpha 0: max abs diff ${first}`);
    assert.ok(first <= 2, `the first frame differs from the image at alpha 0 by up to ${first}`);
    const middle = gif.frames[LOOP_STEPS - 1].grey; // alpha = 1: z1
    assert.ok(countDiff(middle, gif.frames[0].grey) > IMAGE, "the middle frame is (nearly) the first");
    // The way back shows the way out's images again.
    assert.deepEqual(gif.frames.at(-1).grey, gif.frames[1].grey, "the last frame is not the second");
    assert.ok(gif.frames[0].duration > gif.frames[1].duration, "the ends are held longer");
    assert.match(await page.textContent("#loop-message"), /^Saved the interpolation as a looping GIF: 46 images of 32 x 32/);
    // At the PNG scale.
    await page.selectOption("#export-scale", "2");
    const scaled = await decodeGifInPage(page, (await downloadFile(page, "#export-loop")).bytes);
    assert.deepEqual([scaled.count, scaled.frames[0].width], [gif.count, 2 * IMAGE]);
    // A draw that fails is said under the button, not thrown at the page.
    await page.evaluate(() => {
      window.ganStudio.studio.render = () => Promise.reject(new Error("the device was lost"));
    });
    await page.click("#export-loop");
    await page.waitForFunction(() => document.querySelector("#loop-message").textContent.startsWith("Could not"));
    assert.equal(await page.textContent("#loop-message"), "Could not make the GIF: the device was lost");
    assert.equal(await page.isDisabled("#export-loop"), false, "the button is back");
    assertNoErrors(errors, "the interpolation's GIF");
    await page.close();
  });

  test("(e) PNG export: a crisp, scaled copy with the documented name", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openApp(gpu, server.url + "#m=dcgan&s=4&n=2&z1=3&z2=8");
    await page.selectOption("#export-scale", "4");
    const grid = await canvasPixels(page, "#grid-canvas");
    const gridPng = await downloadPng(page, "#export-grid");
    t.diagnostic(`${gridPng.name}: ${gridPng.png.width}x${gridPng.png.height}, ${gridPng.bytes.length} bytes`);
    assert.match(gridPng.name, /^gan-studio_dcgan_seed4_grid\.png$/);
    assert.equal(gridPng.png.width, 268, "(2*33+1)*4");
    assert.equal(gridPng.png.height, 268, "(2*33+1)*4");
    assertCrispUpscale(gridPng.png, grid, 4);

    await page.selectOption("#export-scale", "2");
    const strip = await canvasPixels(page, "#strip-canvas");
    const stripPng = await downloadPng(page, "#export-strip");
    t.diagnostic(`${stripPng.name}: ${stripPng.png.width}x${stripPng.png.height}`);
    assert.match(stripPng.name, /^gan-studio_dcgan_z3-z8_strip\.png$/);
    assertCrispUpscale(stripPng.png, strip, 2);
    assertNoErrors(errors, "export");
    await page.close();
  });

  test("(f) without WebGPU the CPU backend draws the grid", { timeout: TEST_TIMEOUT }, async (t) => {
    const cpu = await launch(NO_WEBGPU_ARGS);
    try {
      const probe = await cpu.newPage();
      await probe.goto(server.url + "weights/");
      const gpuInfo = await probe.evaluate(async () => ({
        navigatorGpu: "gpu" in navigator,
        adapter: navigator.gpu ? (await navigator.gpu.requestAdapter()) !== null : null,
      }));
      await probe.close();
      // Chromium 156 keeps navigator.gpu under --disable-webgpu but grants no adapter, so the
      // page takes its "WebGPU could not start" path (not "this browser offers no WebGPU").
      t.diagnostic(`--disable-webgpu: navigator.gpu ${gpuInfo.navigatorGpu ? "present" : "absent"}, adapter ${gpuInfo.adapter}`);
      assert.notEqual(gpuInfo.adapter, true, "--disable-webgpu still granted a WebGPU adapter");

      const { page, errors, readyMs } = await openApp(cpu, server.url + "#n=2&s=1");
      t.diagnostic(`CPU backend ready after ${readyMs} ms`);
      assert.equal(await page.$eval("#backend", (el) => el.dataset.backend), "cpu");
      assert.equal(await page.$eval("#backend", (el) => el.textContent), "Explorer: CPU: this browser has no WebGPU.");
      t.diagnostic(`#backend: ${await page.$eval("#backend", (el) => el.textContent)}`);
      const pixels = await canvasPixels(page, "#grid-canvas");
      assertNotBlank(pixels, 2, 2, "CPU 2x2 grid");
      await afterRedraw(page, "#grid-canvas", () => setValue(page, "#seed", 2, "change"));
      assert.ok(countDiff(pixels.gray, (await canvasPixels(page, "#grid-canvas")).gray) > 0, "seed 2 = seed 1 on the CPU");
      if (errors.length) t.diagnostic(`console errors on the CPU fallback: ${errors.join(" | ")}`);
      assert.deepEqual(errors.filter((e) => e.startsWith("pageerror")), [], "uncaught exceptions");
      await page.close();
    } finally {
      await closeContext(cpu);
    }

    // ?backend=cpu (the older link) forces the CPU even where WebGPU works
    const { page, errors } = await openApp(gpu, server.url + "?backend=cpu#n=2&s=1");
    assert.equal(await page.$eval("#backend", (el) => el.dataset.backend), "cpu");
    assertNotBlank(await canvasPixels(page, "#grid-canvas"), 2, 2, "?backend=cpu 2x2 grid");
    assertNoErrors(errors, "?backend=cpu");
    await page.close();
  });

  test("(f2) the device setting: #device=webgpu draws on WebGPU, the control switches and stays in the URL", { timeout: TEST_TIMEOUT }, async () => {
    const { page, errors } = await openApp(gpu, server.url + "#n=2&s=1&device=webgpu");
    assert.equal(await page.$eval("#device", (el) => el.value), "webgpu");
    assert.equal(await page.$eval("#backend", (el) => el.dataset.backend), "webgpu");
    assert.equal(await page.$eval("#backend", (el) => el.textContent), "Explorer: WebGPU, as the device setting asks.");
    const onGpu = await canvasPixels(page, "#grid-canvas");
    assertNotBlank(onGpu, 2, 2, "WebGPU 2x2 grid");
    // Redrawing keeps the setting in the hash.
    await afterRedraw(page, "#grid-canvas", () => setValue(page, "#seed", 2, "change"));
    assert.match(await page.evaluate(() => location.hash), /(^#|&)device=webgpu(&|$)/);

    // The control moves the explorer to the CPU: the same picture, within rounding.
    await afterRedraw(page, "#grid-canvas", () => page.selectOption("#device", "cpu"));
    await page.waitForFunction(() => document.querySelector("#backend").dataset.backend === "cpu");
    assert.match(await page.evaluate(() => location.hash), /(^#|&)device=cpu(&|$)/);
    await afterRedraw(page, "#grid-canvas", () => setValue(page, "#seed", 1, "change"));
    const onCpu = await canvasPixels(page, "#grid-canvas");
    assert.ok(maxAbsDiff(onGpu.gray, onCpu.gray) <= 3, "WebGPU and the CPU draw the same digits");
    assertNoErrors(errors, "device switch");
    await page.close();
  });

  test("(g) a corrupt checkpoint shows an error and the current model keeps working", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openApp(gpu, server.url + "#m=dcgan&s=1&n=2");
    assert.equal(await page.isVisible("#load-error"), false, "#load-error starts hidden");
    const shipped = readFileSync(join(DIST, "weights", "dcgan.bpk"));
    const random = randomBytes(4096);
    random.write("JUNK", 0, "latin1"); // never the magic bytes by chance
    const cases = [
      { name: "random.bpk", buffer: random, message: /not a GAN Studio checkpoint/i },
      { name: "cut.bpk", buffer: shipped.subarray(0, Math.floor(shipped.length / 2)), message: /truncated/i },
    ];
    for (const { name, buffer, message } of cases) {
      const before = await canvasPixels(page, "#grid-canvas");
      await page.setInputFiles("#checkpoint-file", { name, mimeType: "application/octet-stream", buffer });
      await page.waitForSelector("#load-error", { state: "visible" });
      const text = await page.$eval("#load-error", (el) => el.textContent);
      t.diagnostic(`${name}: "${text}"`);
      assert.match(text, message);
      assert.ok(text.includes(name), "the error names the file");
      const status = await statusOf(page);
      assert.notEqual(status.state, "error", `status after ${name}: ${status.text}`);
      assert.equal(await page.evaluate(() => window.ganStudio.state.model), "dcgan", "the model is kept");
      // still works: a new seed draws a new grid
      await afterRedraw(page, "#grid-canvas", () => setValue(page, "#seed", 9, "change"));
      const after = await canvasPixels(page, "#grid-canvas");
      assertNotBlank(after, 2, 2, `after ${name}`);
      assert.ok(countDiff(before.gray, after.gray) > 0, `seed 9 after ${name} drew the old grid`);
      assert.equal((await statusOf(page)).state, "ready");
      await afterRedraw(page, "#grid-canvas", () => setValue(page, "#seed", 1, "change"));
    }

    // a good file loads and clears the error (the control for the cases above)
    await afterRedraw(page, "#grid-canvas", () =>
      page.setInputFiles("#checkpoint-file", { name: "mine.bpk", mimeType: "application/octet-stream", buffer: shipped }),
    );
    assert.equal(await page.isVisible("#load-error"), false, "a good checkpoint clears #load-error");
    assert.equal((await statusOf(page)).state, "ready");
    assertNotBlank(await canvasPixels(page, "#grid-canvas"), 2, 2, "the uploaded dcgan");
    assertNoErrors(errors, "checkpoint upload");
    await page.close();
  });

  test("(h) the build works under a sub-path (/gan-studio/)", { timeout: TEST_TIMEOUT }, async (t) => {
    const first = server.requests.length;
    const { page, errors, readyMs } = await openApp(gpu, server.subPathUrl + "#n=2");
    t.diagnostic(`ready under ${server.subPathUrl} after ${readyMs} ms`);
    assertNotBlank(await canvasPixels(page, "#grid-canvas"), 2, 2, "sub-path 2x2 grid");
    const requests = server.requests.slice(first).filter((r) => !r.url.endsWith("/favicon.ico"));
    const outside = requests.filter((r) => !r.url.startsWith("/gan-studio/"));
    assert.deepEqual(outside, [], "requests that left the sub-path (absolute asset URLs)");
    assert.deepEqual(requests.filter((r) => r.status >= 400), [], "failed requests");
    assert.ok(requests.some((r) => r.url.endsWith("_bg.wasm")), "the wasm came from the sub-path");
    assert.ok(requests.some((r) => r.url.includes("/weights/")), "the weights came from the sub-path");
    assertNoErrors(errors, "sub-path");
    await page.close();
  });

  test("(i) the URL hash: malformed falls back to defaults, valid is applied", { timeout: TEST_TIMEOUT }, async (t) => {
    {
      const { page, errors } = await openApp(gpu, server.url + "#m=nope&n=99&s=-4");
      const view = await page.evaluate(() => ({
        model: document.querySelector("#model").value,
        seed: document.querySelector("#seed").value,
        grid: document.querySelector("#grid-size").value,
        canvas: [document.querySelector("#grid-canvas").width, document.querySelector("#grid-canvas").height],
        hash: location.hash,
      }));
      t.diagnostic(`malformed hash -> ${view.hash}`);
      assert.deepEqual(
        { model: view.model, seed: view.seed, grid: view.grid, canvas: view.canvas },
        { model: "dcgan", seed: "1", grid: "8", canvas: [gridSide(8), gridSide(8)] },
      );
      assert.match(view.hash, /(^#|&)model=dcgan(&|$)/, "the hash is rewritten with the defaults");
      assertNoErrors(errors, "malformed hash");
      await page.close();
    }
    {
      const { page, errors } = await openApp(gpu, server.url + "#m=dcgan&s=5&n=2");
      assert.equal(await page.$eval("#seed", (el) => el.value), "5");
      assert.equal(await page.$eval("#grid-size", (el) => el.value), "2");
      assert.deepEqual(await page.$eval("#grid-canvas", (c) => [c.width, c.height]), [67, 67]);
      const fromHash = await canvasPixels(page, "#grid-canvas");
      assertNotBlank(fromHash, 2, 2, "hash grid");
      assertNoErrors(errors, "valid hash");
      await page.close();

      // the same state through the controls draws the same picture
      const again = await openApp(gpu, server.url + "#n=2");
      await afterRedraw(again.page, "#grid-canvas", () => setValue(again.page, "#seed", 5, "change"));
      assert.ok(maxAbsDiff(fromHash.gray, (await canvasPixels(again.page, "#grid-canvas")).gray) <= 2,
        "#s=5 draws another grid than seed 5 set by hand");
      assertNoErrors(again.errors, "hash vs controls");
      await again.page.close();
    }
  });
});
