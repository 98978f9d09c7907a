// Browser tests of the explorer's "Find z" panel and its nearest training digits (www/find-z.js,
// the wasm Inversion and DigitSearch of src/web/invert.rs), and of a dropped PyTorch file's
// message, on the CPU path (WebGPU off: SwiftShader would only be slower). One page serves
// the tests in order: the pad, the PyTorch file, Find z on a held-out digit, the neighbours.
//
//   GAN_DIST=/path/to/dist   the build to serve (default: dist/ at the repository root)
//   CHROMIUM=/path/to/chrome the browser (default: /usr/bin/chromium)

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import {
  DIST, WAIT_TIMEOUT, NO_WEBGPU_ARGS, launch, closeAll, watchErrors, assertNoErrors,
  explorerSettled, setValue,
} from "./harness.mjs";
import { startServer } from "./server.mjs";

const TIMEOUT = 3 * 60_000;
const IMAGE = 32; // DCGAN's image size
const GAP = 1;
const SIDE = 28; // the pad

let server;
let browser;
let page;
let errors;

/** A canvas's grey levels (the red channel) and size. */
function canvasGrey(selector) {
  return page.$eval(selector, (canvas) => {
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    const grey = [];
    for (let i = 0; i < data.length; i += 4) grey.push(data[i]);
    return { width: canvas.width, height: canvas.height, grey };
  });
}

/** Grid cell `index` (row-major, `cols` columns) of a grid canvas's grey levels. */
function cellOf(pixels, index, cols) {
  const out = [];
  const top = GAP + Math.floor(index / cols) * (IMAGE + GAP);
  const left = GAP + (index % cols) * (IMAGE + GAP);
  for (let y = 0; y < IMAGE; y++) {
    for (let x = 0; x < IMAGE; x++) out.push(pixels.grey[(top + y) * pixels.width + left + x]);
  }
  return out;
}

const meanAbsDiff = (a, b) => {
  assert.equal(a.length, b.length, "compared images differ in size");
  return a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;
};

const renderCount = (selector) => page.$eval(selector, (el) => Number(el.dataset.renderCount));

/** Runs `action` and waits until the grid has been drawn again and every draw is done. */
async function afterGridDraw(action) {
  await explorerSettled(page, { guesses: true });
  const before = await renderCount("#grid-canvas");
  await action();
  await page.waitForFunction((n) => Number(document.querySelector("#grid-canvas").dataset.renderCount) > n,
    before, { polling: 50 });
  await explorerSettled(page, { guesses: true });
}

const padInk = () => page.$eval("#pad-canvas", (el) => Number(el.dataset.ink));

before(async () => {
  assert.ok(existsSync(join(DIST, "index.html")), `${DIST}/index.html is missing: build the page first (trunk build --release)`);
  assert.ok(readdirSync(DIST).some((f) => f.endsWith("_bg.wasm")), `${DIST} holds no *_bg.wasm`);
  server = await startServer(DIST);
  browser = await launch(NO_WEBGPU_ARGS);
  page = await browser.newPage();
  page.setDefaultTimeout(WAIT_TIMEOUT);
  errors = watchErrors(page);
  await page.goto(`${server.url}#device=cpu&model=dcgan&n=2&s=1`, { waitUntil: "domcontentloaded" });
  await page.waitForFunction(() => document.querySelector("#status")?.dataset.state === "ready"
    && window.ganStudio?.finder && window.ganStudio.deviceChoice
    && Number(document.querySelector("#grid-canvas").dataset.renderCount) >= 1, null, { polling: 100 });
  await explorerSettled(page, { guesses: true });
});

after(async () => {
  await closeAll();
  await server?.close();
});

describe("Find z and the nearest training digits", { timeout: 15 * 60_000 }, () => {
  test("(a) the pad paints with the mouse and with the keyboard", { timeout: TIMEOUT }, async () => {
    await page.click("#pad-clear");
    assert.equal(await padInk(), 0, "a cleared pad has no ink");
    // A mouse stroke across the pad's middle, left to right.
    const box = await page.locator("#pad-canvas").boundingBox();
    const at = (px, py) => [box.x + (px * box.width) / SIDE, box.y + (py * box.height) / SIDE];
    await page.mouse.move(...at(6, 14));
    await page.mouse.down();
    for (let x = 7; x <= 22; x++) await page.mouse.move(...at(x, 14));
    await page.mouse.up();
    const stroke = await canvasGrey("#pad-canvas");
    assert.equal(stroke.width, SIDE);
    for (const x of [6, 10, 14, 18, 22]) assert.ok(stroke.grey[14 * SIDE + x] >= 200, `the stroke inked (${x}, 14)`);
    assert.equal(stroke.grey[2 * SIDE + 2], 0, "a corner far from the stroke stays black");
    assert.equal(await page.$eval("#find-status", (el) => el.dataset.state ?? ""), "", "no run started");

    // The keyboard: Delete clears, arrows move the cursor (from the centre, 14, 14), Space paints.
    await page.focus("#pad-canvas");
    await page.keyboard.press("Delete");
    assert.equal(await padInk(), 0, "Delete clears the pad");
    assert.equal(await page.isVisible("#pad-cursor"), true, "the focused pad shows its cursor");
    for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowLeft");
    for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowUp");
    await page.keyboard.press("Space");
    let keyed = await canvasGrey("#pad-canvas");
    assert.equal(keyed.grey[10 * SIDE + 9], 255, "Space painted the cursor's pixel (9, 10)");
    assert.equal(keyed.grey[14 * SIDE + 14], 0, "and nothing at the start");
    // Shift with an arrow paints as the cursor moves; Enter paints too.
    for (let i = 0; i < 6; i++) await page.keyboard.press("Shift+ArrowDown");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Enter");
    keyed = await canvasGrey("#pad-canvas");
    for (let y = 10; y <= 16; y++) assert.equal(keyed.grey[y * SIDE + 9], 255, `Shift+ArrowDown painted (9, ${y})`);
    assert.equal(keyed.grey[16 * SIDE + 11], 255, "Enter painted (11, 16)");
    // An empty pad: Find z says so and starts nothing.
    await page.keyboard.press("Backspace");
    assert.equal(await padInk(), 0, "Backspace clears the pad too");
    await page.click("#find-z");
    assert.match(await page.$eval("#find-status", (el) => el.textContent), /^The pad is empty/);
    assert.equal(await page.$eval("#find-status", (el) => el.dataset.state ?? ""), "", "no run started");
    assertNoErrors(errors, "the pad");
  });

  test("(b) a PyTorch file, chosen or dropped, shows the gan import message; the grid still draws", { timeout: TIMEOUT }, async () => {
    // A .pt is a ZIP archive: the local-file signature, then anything.
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]);
    const cases = [["generator.pt", "input"], ["weights.bin", "drop"], ["mine.pth", "drop"]];
    for (const [name, how] of cases) {
      await page.$eval("#load-error", (el) => { el.hidden = true; el.textContent = ""; });
      const buffer = name === "mine.pth" ? Buffer.from("not even a zip") : zip;
      if (how === "input") {
        await page.setInputFiles("#checkpoint-file", { name, mimeType: "application/octet-stream", buffer });
      } else {
        await page.evaluate(([fileName, base64]) => {
          const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
          const transfer = new DataTransfer();
          transfer.items.add(new File([data], fileName));
          document.body.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
        }, [name, buffer.toString("base64")]);
      }
      await page.waitForSelector("#load-error", { state: "visible" });
      const text = await page.$eval("#load-error", (el) => el.textContent);
      assert.ok(text.startsWith(`${name}: PyTorch files are converted on the command line`), `${name}: ${text}`);
      assert.ok(text.includes("gan import --pytorch FILE.pt --model PRESET --out FILE.bpk"), text);
      assert.ok(text.includes("then drop FILE.bpk here"), text);
      assert.equal(await page.evaluate(() => window.ganStudio.state.model), "dcgan", "the model is kept");
    }
    const before = await canvasGrey("#grid-canvas");
    await afterGridDraw(() => setValue(page, "#seed", 5));
    const drawn = await canvasGrey("#grid-canvas");
    assert.ok(meanAbsDiff(before.grey, drawn.grey) > 1, "a new seed still draws a new grid");
    await afterGridDraw(() => setValue(page, "#seed", 1));
    assert.equal(await page.$eval("#status", (el) => el.dataset.state), "ready");
    assertNoErrors(errors, "PyTorch files");
  });

  test("(c) Find z on a held-out digit lowers the error and puts the z found in the selected cell", { timeout: TIMEOUT }, async (t) => {
    await setValue(page, "#heldout-index", 3);
    await page.click("#heldout-pick");
    await page.waitForFunction(() => /^Held-out digit 3 /.test(document.querySelector("#find-status").textContent),
      null, { polling: 100 });
    t.diagnostic(await page.$eval("#find-status", (el) => el.textContent));
    assert.ok(await padInk() > 50, "the held-out digit fills the pad");
    const cellBefore = cellOf(await canvasGrey("#grid-canvas"), 0, 2);
    const zBefore = await page.evaluate(() => Array.from(window.ganStudio.cellZ(0)));

    const started = Date.now();
    await page.click("#find-z");
    await page.waitForFunction(() => document.querySelector("#find-status").dataset.state, null, { polling: 100 });
    t.diagnostic(`Find z: ${Date.now() - started} ms`);
    const status = await page.$eval("#find-status", (el) => ({ ...el.dataset, text: el.textContent }));
    t.diagnostic(status.text);
    assert.equal(status.state, "done", status.text);
    const startError = Number(status.startError);
    const error = Number(status.error);
    assert.ok(Number.isFinite(startError) && Number.isFinite(error), status.text);
    assert.equal(Number(status.steps), 300, "300 steps");
    assert.ok(error < startError / 2, `the error fell from ${startError} to ${error}: less than half`);
    assert.match(status.text, /Cell 1 now draws it/);

    await explorerSettled(page, { guesses: true });
    const found = await page.evaluate(() => Array.from(window.ganStudio.finder.result.z));
    const zAfter = await page.evaluate(() => Array.from(window.ganStudio.cellZ(0)));
    assert.deepEqual(zAfter, found, "the selected cell's z is the z found");
    assert.notDeepEqual(zAfter, zBefore, "and not the one before");
    const slider = await page.$eval("#z-0", (el) => Number(el.value));
    assert.ok(Math.abs(slider - Math.max(-3, Math.min(3, found[0]))) <= 0.006, `the sliders show it: ${slider} for ${found[0]}`);

    const recon = await canvasGrey("#recon-canvas");
    assert.equal(recon.width, IMAGE);
    const cellAfter = cellOf(await canvasGrey("#grid-canvas"), 0, 2);
    const target = await page.evaluate(() => Array.from(window.ganStudio.finder.target.values, (v) => Math.round((v + 1) * 127.5)));
    assert.equal(target.length, IMAGE * IMAGE);
    const toCell = meanAbsDiff(recon.grey, cellAfter);
    assert.ok(toCell <= 2, `the cell draws the reconstruction (mean |diff| ${toCell.toFixed(2)})`);
    const dBefore = meanAbsDiff(target, cellBefore);
    const dAfter = meanAbsDiff(target, cellAfter);
    t.diagnostic(`mean |target - cell|: before ${dBefore.toFixed(1)}, after ${dAfter.toFixed(1)}`);
    assert.ok(dAfter < dBefore * 0.7, `the cell now resembles the target: ${dAfter.toFixed(1)} vs ${dBefore.toFixed(1)} before`);
    assertNoErrors(errors, "Find z");
  });

  test("(d) the nearest training digits: k of them, finite increasing distances, following the cell", { timeout: TIMEOUT }, async (t) => {
    const count = () => page.evaluate(() => window.ganStudio.finder.nearestCount);
    const shown = await count();
    await page.click("#nearest-show");
    await page.waitForFunction((n) => window.ganStudio.finder.nearestCount > n, shown, { polling: 100 });
    const read = () => page.evaluate(() => ["features", "pixels"].map((which) => {
      const list = document.querySelector(`#nearest-${which}-list`);
      const canvas = document.querySelector(`#nearest-${which}-canvas`);
      return {
        items: list.children.length,
        distances: JSON.parse(list.dataset.distances),
        labels: JSON.parse(list.dataset.labels),
        width: canvas.width,
        height: canvas.height,
      };
    }));
    const check = (lists, what) => {
      for (const [i, list] of lists.entries()) {
        const name = `${what}, by ${i === 0 ? "features" : "pixels"}`;
        assert.equal(list.items, 5, `${name}: 5 neighbours listed`);
        assert.equal(list.distances.length, 5, name);
        assert.ok(list.distances.every((d) => Number.isFinite(d) && d > 0), `${name}: finite distances ${list.distances}`);
        for (let k = 1; k < 5; k++) assert.ok(list.distances[k] >= list.distances[k - 1], `${name}: nearest first ${list.distances}`);
        assert.ok(list.labels.every((d) => Number.isInteger(d) && d >= 0 && d <= 9), name);
        assert.deepEqual([list.width, list.height], [6 * (IMAGE + 1) + 1, IMAGE + 2], `${name}: the strip holds the cell and 5 digits`);
      }
    };
    const first = await read();
    check(first, "cell 1");
    // The line that says what "near" means: held-out real digits' median distance.
    await page.waitForFunction(() => document.querySelector("#nearest-results").dataset.referencePixels, null, { polling: 100 });
    const reference = await page.$eval("#nearest-results", (el) => [Number(el.dataset.referenceFeatures), Number(el.dataset.referencePixels)]);
    t.diagnostic(await page.$eval("#nearest-reference", (el) => el.textContent));
    assert.ok(reference.every((d) => Number.isFinite(d) && d > 0), `reference distances ${reference}`);
    assert.match(await page.$eval("#nearest-reference", (el) => el.textContent), /median .* held-out digits/);
    assert.equal(await page.$eval("#nearest-results", (el) => el.dataset.cell), "0");
    assert.equal(await page.isVisible("#nearest-results"), true);
    // Another cell: the neighbours follow.
    const now = await count();
    await setValue(page, "#cell", 4);
    await page.waitForFunction((n) => window.ganStudio.finder.nearestCount > n
      && document.querySelector("#nearest-results").dataset.cell === "3", now, { polling: 100 });
    const second = await read();
    check(second, "cell 4");
    assert.notDeepEqual(second[1].distances, first[1].distances, "another cell, other neighbours");
    assertNoErrors(errors, "the nearest digits");
  });

  test("(e) Stop ends a run early; a conditional model takes the held-out digit's label", { timeout: TIMEOUT }, async (t) => {
    // Stop: the run ends before its 300 steps and says so.
    // (A run takes about a second here: Stop is pressed as the first steps are shown.)
    await page.evaluate(() => new Promise((resolve) => {
      const status = document.querySelector("#find-status");
      new MutationObserver((_, observer) => {
        if (!status.dataset.steps) return;
        observer.disconnect();
        document.querySelector("#find-stop").click();
        resolve();
      }).observe(status, { attributes: true });
      document.querySelector("#find-z").click();
    }));
    await page.waitForFunction(() => document.querySelector("#find-status").dataset.state, null, { polling: 50 });
    const stopped = await page.$eval("#find-status", (el) => ({ ...el.dataset, text: el.textContent }));
    t.diagnostic(stopped.text);
    assert.equal(stopped.state, "done");
    assert.ok(Number(stopped.steps) < 300, `stopped at step ${stopped.steps}`);
    assert.match(stopped.text, /^Stopped at step \d+/);
    await explorerSettled(page, { guesses: true });

    // The half-size conditional DCGAN: the held-out digit's label is the code it searches with.
    await page.selectOption("#model", "cdcgan-half");
    await page.waitForFunction(() => window.ganStudio.state.model === "cdcgan-half"
      && document.querySelector("#status").dataset.state === "ready", null, { polling: 100 });
    await explorerSettled(page, { guesses: true });
    assert.equal(await page.isVisible("#find-label"), true, "a conditional model shows the digit menu");
    await setValue(page, "#heldout-index", 550);
    await page.click("#heldout-pick");
    await page.waitForFunction(() => /^Held-out digit 550 /.test(document.querySelector("#find-status").textContent),
      null, { polling: 100 });
    const digit = (await page.$eval("#find-status", (el) => el.textContent)).match(/: an? (\d)\./)[1];
    assert.equal(await page.$eval("#find-label", (el) => el.value), digit, "the menu takes the held-out digit's label");
    await page.click("#find-z");
    await page.waitForFunction(() => !document.querySelector("#find-z").disabled
      && document.querySelector("#find-status").dataset.state, null, { polling: 100 });
    const status = await page.$eval("#find-status", (el) => ({ ...el.dataset, text: el.textContent }));
    t.diagnostic(status.text);
    assert.equal(status.state, "done", status.text);
    assert.ok(Number(status.error) < Number(status.startError) / 2, status.text);
    assert.match(status.text, new RegExp(`the grid shows digit ${digit}\\.`));
    await explorerSettled(page, { guesses: true });
    const state = await page.evaluate(() => ({ label: window.ganStudio.state.label, result: window.ganStudio.finder.result }));
    assert.equal(state.label, digit, "the grid draws the found digit");
    assert.equal(String(state.result.label), digit, "the inversion kept the label it was given");
    assert.deepEqual(await page.evaluate(() => Array.from(window.ganStudio.cellZ(window.ganStudio.state.cell))),
      Array.from(state.result.z), "the selected cell (4, since (d)) holds the z found");

    // A digit drawn with the mouse (a 1), the label left to the search: Find z takes it too.
    await page.click("#pad-clear");
    await page.selectOption("#find-label", "auto");
    const box = await page.locator("#pad-canvas").boundingBox();
    const at = (px, py) => [box.x + (px * box.width) / SIDE, box.y + (py * box.height) / SIDE];
    await page.mouse.move(...at(15, 5));
    await page.mouse.down();
    for (let y = 6; y <= 23; y++) await page.mouse.move(...at(15 - (y - 5) / 6, y));
    await page.mouse.up();
    await page.click("#find-z");
    await page.waitForFunction(() => !document.querySelector("#find-z").disabled
      && document.querySelector("#find-status").dataset.state, null, { polling: 100 });
    const drawn = await page.$eval("#find-status", (el) => ({ ...el.dataset, text: el.textContent }));
    t.diagnostic(`drawn 1: ${drawn.text}`);
    assert.equal(drawn.state, "done", drawn.text);
    assert.ok(Number(drawn.error) < Number(drawn.startError) / 2, drawn.text);
    assert.match(drawn.text, /the grid shows digit 1\./, "the random starts chose a 1 for a drawn 1");
    await explorerSettled(page, { guesses: true });
    assertNoErrors(errors, "the conditional model");
  });

  test("(e2) a Find z that fails says why in the panel's alert box, and the next one runs", { timeout: TIMEOUT }, async (t) => {
    // The panel's wasm calls go through its run loop: a failing one ends the run, shows its
    // message in #find-error (not a page error) and leaves the buttons usable.
    await page.evaluate(() => {
      const finder = window.ganStudio.finder;
      finder.realWasm = finder.wasm;
      finder.wasm = { ...finder.wasm, Inversion: { start: () => Promise.reject(new Error("the inversion could not start (test)")) } };
    });
    await page.click("#find-z");
    await page.waitForSelector("#find-error", { state: "visible" });
    const failed = await page.evaluate(() => ({
      error: document.querySelector("#find-error").textContent,
      state: document.querySelector("#find-status").dataset.state,
      findEnabled: !document.querySelector("#find-z").disabled,
      stopEnabled: !document.querySelector("#find-stop").disabled,
    }));
    t.diagnostic(failed.error);
    assert.deepEqual(failed, {
      error: "the inversion could not start (test)", state: "failed", findEnabled: true, stopEnabled: false,
    });
    await page.evaluate(() => {
      const finder = window.ganStudio.finder;
      finder.wasm = finder.realWasm;
    });
    await page.click("#find-z");
    await page.waitForFunction(() => document.querySelector("#find-status").dataset.state === "done", null, { polling: 100 });
    assert.equal(await page.isVisible("#find-error"), false, "the next run clears the alert box");
    await explorerSettled(page, { guesses: true });
    assertNoErrors(errors, "a failed Find z");
  });

  test("(f) the filled panel fits a phone's width", { timeout: TIMEOUT }, async (t) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => window.ganStudio.finder.nearestCount > 0
      && !document.querySelector("#nearest-results").hidden, null, { polling: 100 });
    await explorerSettled(page, { guesses: true });
    const overflow = await page.evaluate(() => {
      const panel = document.querySelector(".panel.find").getBoundingClientRect();
      const out = [];
      if (document.documentElement.scrollWidth > innerWidth) out.push(`page ${document.documentElement.scrollWidth} > ${innerWidth}`);
      for (const el of document.querySelectorAll(".panel.find *")) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && (r.right > panel.right + 0.5 || r.left < panel.left - 0.5)) out.push(`${el.tagName}#${el.id}.${el.className} ${r.left}..${r.right}`);
      }
      return out;
    });
    assert.deepEqual(overflow, [], "nothing overflows the Find z panel at 390 px");
    const shot = async (name) => {
      if (!process.env.GAN_SCREENSHOTS) return;
      const path = join(process.env.GAN_SCREENSHOTS, name);
      await page.screenshot({ path, fullPage: true });
      t.diagnostic(`screenshot: ${path}`);
    };
    await shot("find-z-390.png");
    await page.setViewportSize({ width: 1280, height: 1600 });
    await explorerSettled(page, { guesses: true });
    await shot("find-z-1280.png");
  });
});
