// Browser tests of the 2-D lab (www/lab.js and its helpers, the wasm Lab of src/web/lab.rs)
// in the built page, on the CPU path (--disable-webgpu; the lab always trains on the CPU):
// a seeded ring run covers the modes, the heatmap and the arrows draw what the frames say
// and change as D and G learn, Step D and Step G move only their side, drawn data trains
// (by pointer and by keyboard), the CSV holds the points shown and the PNG the view, two
// panes step together from one seed, and bad links and Rust errors show as messages.
//
// The lab's Step buttons train one step; longer runs call the page's own `stepBy` (what the
// Step buttons call), so a run's step count is exact whatever the machine's speed. Runs train
// in a worker per pane (lab-runner.js); (lab1) also runs one on the page's thread, the
// fallback, and finds the same numbers.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DIST, TEST_TIMEOUT, WAIT_TIMEOUT, NO_WEBGPU_ARGS, launch, closeAll, watchErrors, assertNoErrors,
  decodePng, downloadFile, seeded, setValue,
} from "./harness.mjs";
import { startServer } from "./server.mjs";

/** Steps after which the default ring run must cover at least RING_MODES of its 8 modes. */
const RING_STEPS = 1000;
const RING_MODES = 6;

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

/** Waits until the lab neither plays nor has a Lab call queued; returns its snapshot. */
async function labIdle(page, { arrays = false } = {}) {
  await page.waitForFunction(() => {
    const lab = window.ganLab;
    return lab && lab.restarts > 0 && !lab.busy && !lab.playing;
  }, null, { timeout: WAIT_TIMEOUT, polling: 50 });
  return page.evaluate((withArrays) => window.ganLab.snapshot({ arrays: withArrays }), arrays);
}

/** Opens the page at lab link `hash` (after "#lab") on the CPU path; waits for its first frame. */
async function openLab(t, hash = "", { width = 1280, height = 900 } = {}) {
  const page = await browser.newPage();
  page.setDefaultTimeout(WAIT_TIMEOUT);
  await page.setViewportSize({ width, height });
  const errors = watchErrors(page);
  t.after(() => page.close());
  await page.goto(`${server.url}#lab${hash}&device=cpu`, { waitUntil: "domcontentloaded" });
  const state = await labIdle(page);
  return { page, errors, state };
}

/** Trains `steps` steps of `mode` through the lab's own stepping (the Step buttons' call). */
async function stepBy(page, steps, mode = "both") {
  await page.evaluate(([n, m]) => window.ganLab.stepBy(n, m), [steps, mode]);
  return labIdle(page, { arrays: true });
}

/** Sets the view toggles: `on` the views to show (the rest are hidden). */
async function showOnly(page, on) {
  for (const view of ["real", "fake", "heatmap", "manifold", "arrows", "chart"]) {
    const box = `#lab-view-${view}`;
    if ((await page.isChecked(box)) !== on.includes(view)) await page.click(box);
  }
}

/** Keeps a copy of canvas `selector`'s pixels in the page under `name`, for `pixelDiff`. */
const keepPixels = (page, selector, name) => page.$eval(selector, (canvas, key) => {
  window.labShots ??= {};
  window.labShots[key] = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  return [canvas.width, canvas.height];
}, name);

/** How many pixels of canvas `selector` differ (any channel by more than 8) from those kept as `name`. */
const pixelDiff = (page, selector, name) => page.$eval(selector, (canvas, key) => {
  const now = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  const old = window.labShots[key];
  if (old.length !== now.length) return Infinity;
  let n = 0;
  for (let i = 0; i < now.length; i += 4) {
    if (Math.abs(now[i] - old[i]) > 8 || Math.abs(now[i + 1] - old[i + 1]) > 8 || Math.abs(now[i + 2] - old[i + 2]) > 8) n++;
  }
  return n;
}, name);

/** Pixels of canvas `selector` within 40 (each channel) of colour `rgb`. */
const countColor = (page, selector, rgb) => page.$eval(selector, (canvas, [r, g, b]) => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - r) < 40 && Math.abs(data[i + 1] - g) < 40 && Math.abs(data[i + 2] - b) < 40) n++;
  }
  return n;
}, rgb);

const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** The mean distance from each point of `points` (x, y pairs) to the nearest of `targets`. */
function meanNearest(points, targets) {
  let sum = 0;
  for (let i = 0; i < points.length; i += 2) {
    let best = Infinity;
    for (let j = 0; j < targets.length; j += 2) best = Math.min(best, Math.hypot(points[i] - targets[j], points[i + 1] - targets[j + 1]));
    sum += best;
  }
  return sum / (points.length / 2);
}

describe("GAN Studio 2-D lab", { timeout: 20 * 60_000 }, () => {
  test(`(lab1) a seeded ring run covers at least ${RING_MODES} of 8 modes after ${RING_STEPS} steps`, { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors, state } = await openLab(t);
    assert.equal(state.error, null);
    assert.equal(state.state.panes[0].data, "ring", "the default data");
    assert.equal(state.state.panes[0].batch_size, 256, "the default batch");
    assert.equal(state.panes[0].modeCount, 8);
    const start = state.panes[0];
    t.diagnostic(`step 0: ${start.modesCovered} / 8 modes, KL ${start.kl.toFixed(3)}, JS ${start.js.toFixed(3)}`);
    assert.ok(start.modesCovered < RING_MODES, "the untrained generator does not cover the ring already");
    assert.equal(await page.$eval("#lab-modes-a", (el) => el.textContent), `${start.modesCovered} / 8`);

    const started = Date.now();
    const end = await stepBy(page, RING_STEPS);
    const seconds = (Date.now() - started) / 1000;
    const pane = end.panes[0];
    t.diagnostic(`step ${end.step}: ${pane.modesCovered} / 8 modes, KL ${pane.kl.toFixed(3)}, JS ${pane.js.toFixed(3)} ` +
      `(${seconds.toFixed(1)} s, ${(RING_STEPS / seconds).toFixed(0)} steps/s with the views every 100 steps)`);
    assert.equal(end.error, null);
    assert.equal(end.step, RING_STEPS);
    assert.ok(pane.modesCovered >= RING_MODES, `${pane.modesCovered} / 8 modes covered`);
    assert.equal(await page.$eval("#lab-modes-a", (el) => el.textContent), `${pane.modesCovered} / 8`, "the readout");
    assert.equal(await page.$eval("#lab-step-count", (el) => el.textContent), String(RING_STEPS));
    assert.ok(pane.js < start.js && pane.kl < start.kl, "KL and JS fell");
    assert.ok(pane.js >= 0 && pane.js <= Math.log(2) + 1e-6, `JS ${pane.js} is within [0, ln 2]`);
    assert.equal(pane.historyLength, RING_STEPS, "four figures per step recorded");
    assert.equal(await page.$eval("#lab-loss-chart", (el) => Number(el.dataset.points)), RING_STEPS, "the loss chart plots every step");
    assert.ok(await page.$eval("#lab-div-chart", (el) => Number(el.dataset.points)) >= 2, "the divergence chart has points");
    for (const id of ["loss-d", "loss-g", "d-real", "d-fake", "kl", "js"]) {
      const text = await page.$eval(`#lab-${id}-a`, (el) => el.textContent);
      assert.ok(Number.isFinite(Number(text)), `#lab-${id}-a shows ${text}`);
    }
    // the run trained in a worker; on the page's thread (where no worker starts) the same
    // seed gives the same run, to the last bit
    assert.deepEqual(end.runners, ["worker"]);
    await page.evaluate(() => {
      window.ganLab.runnerKind = "page";
      return window.ganLab.restart();
    });
    const again = await stepBy(page, RING_STEPS);
    assert.deepEqual(again.runners, ["page"]);
    assert.deepEqual(again.panes[0].fake, pane.fake, "the same seed gives the same generated points");
    assert.deepEqual(again.panes[0].heatmap, pane.heatmap, "and the same field");
    assertNoErrors(errors, "the ring");
  });

  test("(lab2) the heatmap and the arrows draw what the frame says, and change as D learns", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openLab(t, "&preset=train-only-d");
    await stepBy(page, 60, "d"); // a D that tells the ring from G's points: a structured field
    await showOnly(page, ["heatmap"]);
    const shot = await page.evaluate(async () => {
      const { heatColor, toPixel } = await import(new URL("lab-view.js", document.baseURI));
      const lab = window.ganLab;
      const f = lab.panes[0].frame;
      const canvas = document.querySelector("#lab-canvas-a");
      const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      const res = f.heatmapRes;
      const colour = (i, j) => heatColor((f.heatmap[i * res + j] - f.heatmapLo) / (f.heatmapHi - f.heatmapLo));
      let checked = 0;
      const misses = [];
      for (let i = 1; i < res - 1; i += 3) {
        for (let j = 1; j < res - 1; j += 3) {
          // the cell's centre in the plane, and where it lands on the canvas
          const x = -1 + ((j + 0.5) * 2) / res;
          const y = 1 - ((i + 0.5) * 2) / res;
          const [px, py] = toPixel(x, y, canvas.width).map(Math.floor);
          const got = Array.from(data.slice(4 * (py * canvas.width + px), 4 * (py * canvas.width + px) + 3));
          const want = colour(i, j);
          // smoothing blends in the neighbours a little: allow half of the largest step to one
          let spread = 0;
          for (const [di, dj] of [[-1, 0], [1, 0], [0, -1], [0, 1]]) {
            const other = colour(i + di, j + dj);
            spread = Math.max(spread, ...other.map((c, k) => Math.abs(c - want[k])));
          }
          const off = Math.max(...got.map((c, k) => Math.abs(c - want[k])));
          checked++;
          if (off > spread / 2 + 6) misses.push({ i, j, got, want, spread });
        }
      }
      return { checked, misses, res, lo: f.heatmapLo, hi: f.heatmapHi, side: canvas.width };
    });
    t.diagnostic(`heatmap ${shot.res}x${shot.res} over [${shot.lo}, ${shot.hi}] on ${shot.side} px: ${shot.misses.length} of ${shot.checked} cells off`);
    assert.ok(shot.checked > 100);
    assert.deepEqual(shot.misses, [], "each cell's centre shows its value's colour (row 0 at the top)");

    // the heatmap changes as D learns (the canvas and the values)
    const before = await labIdle(page, { arrays: true });
    await keepPixels(page, "#lab-canvas-a", "heat");
    const later = await stepBy(page, 20, "d");
    const changedValues = maxDiff(before.panes[0].heatmap, later.panes[0].heatmap);
    const changedPixels = await pixelDiff(page, "#lab-canvas-a", "heat");
    t.diagnostic(`20 more D steps: heatmap values move up to ${changedValues.toFixed(3)}, ${changedPixels} pixels change`);
    assert.ok(changedValues > 0.01, "D's output moved");
    assert.ok(changedPixels > 1000, "the heatmap on the canvas changed");

    // the arrows: drawn in their colour where the frame puts them, gone when hidden
    await showOnly(page, ["arrows"]);
    const arrowColor = [242, 204, 96];
    const arrowPixels = await countColor(page, "#lab-canvas-a", arrowColor);
    await showOnly(page, ["fake"]);
    const noArrows = await countColor(page, "#lab-canvas-a", arrowColor);
    t.diagnostic(`arrow-coloured pixels: ${arrowPixels} with the arrows, ${noArrows} without`);
    assert.ok(arrowPixels > 500 && noArrows < arrowPixels / 10, "the arrows draw");
    const arrows = later.panes[0].arrows;
    assert.equal(arrows.length, 2 * 256, "an arrow for each of the first 256 points");
    assert.ok(arrows.every(Number.isFinite) && arrows.some((v) => v !== 0), "finite arrows, not all zero");
    // the arrows point where D's output rises: for the non-saturating loss, -∇ of -log D(x)
    const uphill = await page.evaluate(() => {
      const f = window.ganLab.panes[0].frame;
      const res = f.heatmapRes;
      const at = (x, y) => {
        const j = Math.min(res - 1, Math.max(0, Math.floor(((x + 1) / 2) * res)));
        const i = Math.min(res - 1, Math.max(0, Math.floor(((1 - y) / 2) * res)));
        return f.heatmap[i * res + j];
      };
      let up = 0;
      let counted = 0;
      for (let k = 0; k < 256; k++) {
        const [x, y, ax, ay] = [f.fake[2 * k], f.fake[2 * k + 1], f.arrows[2 * k], f.arrows[2 * k + 1]];
        const length = Math.hypot(ax, ay);
        if (!(length > 0)) continue;
        const h = 0.1 / length; // a tenth of the plane's half-width along the arrow
        counted++;
        if (at(x + ax * h, y + ay * h) >= at(x, y)) up++;
      }
      return { up, counted };
    });
    t.diagnostic(`${uphill.up} of ${uphill.counted} arrows point where D's output is higher`);
    assert.ok(uphill.up > 0.8 * uphill.counted, "the arrows climb D's field");

    // training G moves the arrows (and they follow the points)
    await keepPixels(page, "#lab-canvas-a", "fake");
    await showOnly(page, ["arrows"]);
    await keepPixels(page, "#lab-canvas-a", "arrows");
    const moved = await stepBy(page, 20, "g");
    assert.ok(maxDiff(arrows, moved.panes[0].arrows) > 1e-4, "the arrows changed");
    assert.ok(await pixelDiff(page, "#lab-canvas-a", "arrows") > 200, "the drawn arrows changed");
    assertNoErrors(errors, "heatmap and arrows");
  });

  test("(lab3) Step D moves only D, Step G only G; a preset's Play trains only its side", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openLab(t);
    let before = await stepBy(page, 5);
    await page.click("#lab-step-d");
    let after = await labIdle(page, { arrays: true });
    assert.equal(after.step, before.step + 1);
    assert.deepEqual(after.panes[0].fake, before.panes[0].fake, "Step D: the generated points stay");
    assert.deepEqual(after.panes[0].manifold, before.panes[0].manifold, "Step D: G's manifold stays");
    assert.ok(maxDiff(after.panes[0].heatmap, before.panes[0].heatmap) > 1e-5, "Step D: D's output moved");
    let [lossD, lossG] = after.panes[0].lastLosses;
    assert.ok(Number.isFinite(lossD) && Number.isNaN(lossG), `Step D's figures: loss D ${lossD}, loss G ${lossG}`);
    assert.equal(await page.$eval("#lab-loss-d-a", (el) => Number(el.textContent).toFixed(3)), lossD.toFixed(3));

    before = after;
    await page.click("#lab-step-g");
    after = await labIdle(page, { arrays: true });
    assert.equal(after.step, before.step + 1);
    assert.deepEqual(after.panes[0].heatmap, before.panes[0].heatmap, "Step G: D's output stays");
    assert.ok(maxDiff(after.panes[0].fake, before.panes[0].fake) > 1e-5, "Step G: the generated points moved");
    [lossD, lossG] = after.panes[0].lastLosses;
    assert.ok(Number.isNaN(lossD) && Number.isFinite(lossG), `Step G's figures: loss D ${lossD}, loss G ${lossG}`);

    before = after;
    await page.click("#lab-step");
    after = await labIdle(page, { arrays: true });
    assert.equal(after.step, before.step + 1);
    assert.ok(maxDiff(after.panes[0].heatmap, before.panes[0].heatmap) > 1e-5 && maxDiff(after.panes[0].fake, before.panes[0].fake) > 1e-5,
      "Step: both moved");
    assert.ok(after.panes[0].lastLosses.every(Number.isFinite), "Step: all four figures");

    // "Train only G": the preset's Play trains G, D's field never moves
    await page.selectOption("#lab-preset", "train-only-g");
    before = await labIdle(page, { arrays: true });
    assert.equal(before.step, 0, "a preset starts a new run");
    assert.equal(await page.$eval("#lab-play-mode", (el) => el.value), "g");
    await page.click("#lab-play");
    await page.waitForFunction(() => window.ganLab.step >= 10, null, { polling: 50 });
    await page.click("#lab-play");
    after = await labIdle(page, { arrays: true });
    t.diagnostic(`train-only-g played ${after.step} steps`);
    assert.deepEqual(after.panes[0].heatmap, before.panes[0].heatmap, "only G trained");
    assert.ok(maxDiff(after.panes[0].fake, before.panes[0].fake) > 1e-3);
    assert.match(await page.$eval("#lab-question", (el) => el.textContent), /\?/, "the preset's question shows");
    assert.match(await page.evaluate(() => location.hash), /(^#lab&|&)preset=train-only-g&.*play=g/);
    assertNoErrors(errors, "one side at a time");
  });

  test("(lab4) drawn data trains: points by pointer and by keyboard, kept in the link", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openLab(t);
    await page.selectOption("#lab-data", "drawn");
    let state = await labIdle(page);
    assert.equal(state.state.panes[0].data, "drawn");
    assert.equal(state.panes[0].running, false, "no run without points");
    assert.match(state.note, /Draw at least 2 points/);
    assert.equal(await page.isVisible("#lab-draw-help"), true, "the drawing help shows");
    assert.ok(await page.$eval("#lab-canvas-a", (el) => Number(el.dataset.drawCount)) > 0, "the empty plane is drawn");

    // a stroke around (0.5, 0.5) and a click at (0.5, -0.5), with the mouse
    const box = await page.$eval("#lab-canvas-a", (el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, side: r.width };
    });
    const at = (x, y) => [box.left + ((x + 1) / 2) * box.side, box.top + ((1 - y) / 2) * box.side];
    await page.mouse.move(...at(0.4, 0.5));
    await page.mouse.down();
    for (let k = 1; k <= 8; k++) await page.mouse.move(...at(0.4 + 0.025 * k, 0.5 + 0.01 * k));
    await page.mouse.up();
    await page.mouse.click(...at(0.5, -0.5));
    state = await labIdle(page, { arrays: true });
    const drawn = state.state.drawn;
    t.diagnostic(`${drawn.length / 2} points drawn by mouse`);
    assert.ok(drawn.length / 2 >= 5, "the stroke added points");
    for (let i = 0; i < drawn.length; i += 2) {
      const nearStroke = Math.abs(drawn[i + 1] - 0.5) < 0.1 && drawn[i] > 0.35 && drawn[i] < 0.65;
      const nearClick = Math.hypot(drawn[i] - 0.5, drawn[i + 1] + 0.5) < 0.01;
      assert.ok(nearStroke || nearClick, `a drawn point at (${drawn[i]}, ${drawn[i + 1]})`);
    }
    assert.equal(await page.$eval("#lab-drawn-count", (el) => el.textContent), String(drawn.length / 2));

    // the keyboard: focus the plane, move the cursor to (-0.5, 0) and add a point there
    await page.focus("#lab-canvas-a");
    const cursor0 = await page.evaluate(() => window.ganLab.cursor);
    const press = async (key, count) => {
      for (let k = 0; k < count; k++) await page.keyboard.press(key);
    };
    await press(cursor0[0] > -0.5 ? "ArrowLeft" : "ArrowRight", Math.round(Math.abs(cursor0[0] + 0.5) / 0.05));
    await press(cursor0[1] > 0 ? "ArrowDown" : "ArrowUp", Math.round(Math.abs(cursor0[1]) / 0.05));
    await page.keyboard.press("Enter");
    state = await labIdle(page, { arrays: true });
    const [kx, ky] = state.state.drawn.slice(-2);
    t.diagnostic(`the keyboard's point: (${kx.toFixed(3)}, ${ky.toFixed(3)})`);
    assert.equal(state.state.drawn.length, drawn.length + 2);
    assert.ok(Math.hypot(kx + 0.5, ky) < 0.01, "the keyboard added a point at its cursor");
    await page.keyboard.press("Backspace");
    state = await labIdle(page, { arrays: true });
    assert.equal(state.state.drawn.length, drawn.length, "Backspace removed it");
    await page.keyboard.press("Enter");
    state = await labIdle(page, { arrays: true });
    const points = state.state.drawn;

    // the run trains on them: the real sample sits on the drawn points, G's points move there
    assert.equal(state.error, null);
    assert.equal(state.panes[0].running, true);
    assert.ok(meanNearest(state.panes[0].real, points) < 0.1, "the real points are the drawn ones");
    const startDistance = meanNearest(state.panes[0].fake, points);
    const trained = await stepBy(page, 600);
    const endDistance = meanNearest(trained.panes[0].fake, points);
    t.diagnostic(`mean distance of G's points to the nearest drawn point: ${startDistance.toFixed(3)} at step 0, ${endDistance.toFixed(3)} at step ${trained.step}`);
    assert.ok(endDistance < startDistance / 2 && endDistance < 0.15, "G learned the drawn data");

    // the link keeps the drawn points: a new page from it trains on the same data
    const hash = await page.evaluate(() => location.hash);
    assert.match(hash, /&pts=[A-Za-z0-9_-]+/);
    const other = await browser.newPage();
    t.after(() => other.close());
    await other.goto(`${server.url}${hash}`, { waitUntil: "domcontentloaded" });
    const reopened = await labIdle(other, { arrays: true });
    assert.deepEqual(reopened.state.drawn, points, "the link's drawn points");
    assert.equal(reopened.panes[0].running, true);
    assert.deepEqual(reopened.panes[0].real, state.panes[0].real, "the same real sample");

    await page.click("#lab-clear");
    state = await labIdle(page);
    assert.deepEqual(state.state.drawn, []);
    assert.equal(state.panes[0].running, false);
    assertNoErrors(errors, "drawn data");
  });

  test("(lab5) Download points: the CSV holds the points shown; Download PNG: the view", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openLab(t, "&data=moons&seed=3");
    const state = await stepBy(page, 50);
    const { name, bytes } = await downloadFile(page, "#lab-csv-a");
    t.diagnostic(`${name}: ${bytes.length} bytes`);
    assert.equal(name, "gan-studio-lab_moons_non-saturating_seed3_step50.csv");
    const lines = bytes.toString("utf8").trim().split("\n");
    assert.equal(lines[0], "x,y");
    const shown = state.panes[0].fake;
    assert.equal(lines.length - 1, shown.length / 2, "one line per generated point");
    const read = lines.slice(1).flatMap((line) => {
      const cells = line.split(",");
      assert.equal(cells.length, 2, line);
      return cells.map(Number);
    });
    read.forEach((v, i) => assert.equal(Math.fround(v), shown[i], `value ${i}`));

    const png = await downloadFile(page, "#lab-png-a");
    assert.match(png.name, /^gan-studio-lab_moons_non-saturating_seed3_step50\.png$/);
    const image = decodePng(png.bytes);
    const canvas = await page.$eval("#lab-canvas-a", (el) => {
      const data = el.getContext("2d").getImageData(0, 0, el.width, el.height).data;
      let sum = 0;
      for (let i = 0; i < data.length; i++) sum += data[i];
      return { width: el.width, height: el.height, sum };
    });
    assert.deepEqual([image.width, image.height], [canvas.width, canvas.height], "the PNG is the canvas");
    let sum = 0;
    for (const v of image.pixels) sum += v;
    assert.equal(sum, canvas.sum, "the PNG's pixels are the canvas's");
    assertNoErrors(errors, "downloads");
  });

  test("(lab6) saturating vs non-saturating: two panes side by side from one seed, driven together", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openLab(t);
    await page.selectOption("#lab-preset", "saturating-vs-non-saturating");
    let state = await labIdle(page, { arrays: true });
    assert.equal(state.panes.length, 2);
    assert.deepEqual(state.panes.map((p) => p.config.loss), ["saturating", "non-saturating"]);
    assert.equal(state.panes[0].config.seed, state.panes[1].config.seed);
    assert.deepEqual(state.panes[0].fake, state.panes[1].fake, "one seed: the same generator at step 0");
    const boxes = await page.$$eval("#lab-canvas-a, #lab-canvas-b", (els) => els.map((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, width: r.width, height: r.height };
    }));
    assert.ok(Math.abs(boxes[0].top - boxes[1].top) < 1 && boxes[1].left > boxes[0].left + boxes[0].width - 1, "side by side");
    assert.ok(boxes.every((b) => b.width > 250 && Math.abs(b.width - b.height) < 1), "square planes");
    const titles = await page.$$eval(".lab-title", (els) => els.map((el) => el.textContent));
    assert.match(titles[0], /saturating/);
    assert.match(titles[1], /non-saturating/);

    await page.click("#lab-step");
    state = await labIdle(page, { arrays: true });
    assert.deepEqual(state.panes.map((p) => p.step), [1, 1], "Step steps both");
    await page.click("#lab-play");
    await page.waitForFunction(() => window.ganLab.step >= 20, null, { polling: 50 });
    await page.click("#lab-play");
    state = await labIdle(page, { arrays: true });
    assert.equal(state.panes[0].step, state.panes[1].step, "Play steps both");
    assert.ok(maxDiff(state.panes[0].fake, state.panes[1].fake) > 1e-4, "the losses train them apart");
    const hash = await page.evaluate(() => location.hash);
    assert.match(hash, /&loss=saturating&.*&panes=2&b\.loss=non-saturating/);
    await page.click("#lab-one-pane");
    state = await labIdle(page);
    assert.equal(state.panes.length, 1);
    assert.equal(await page.isVisible("#lab-canvas-b"), false);
    assertNoErrors(errors, "two panes");
  });

  test("(lab7) links, tabs and errors: bad values are refused with a note, a Rust error shows in the lab", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors, state } = await openLab(t, "&data=circle&gu=999&glr=5&loss=hinge&speed=7");
    assert.match(await page.$eval("#lab-url-note", (el) => el.textContent), /data=circle, gu=999, glr=5, speed=7 are out of range or unknown/);
    assert.equal(state.state.panes[0].loss, "hinge", "the good values stay");
    assert.equal(state.state.panes[0].data, "ring");
    assert.equal(await page.$eval("#lab-gu", (el) => el.value), String(state.state.panes[0].generator.units));
    assert.equal(state.error, null);

    // a bad value typed in the form is refused, and the run keeps its own
    await setValue(page, "#lab-du", 500);
    let now = await labIdle(page);
    assert.match(now.error ?? "", /D's units must be a whole number from 1 to 128, got "500"/);
    assert.equal(await page.$eval("#lab-du", (el) => el.value), String(state.state.panes[0].discriminator.units));
    assert.equal(now.restarts, state.restarts, "no restart");

    // settings the page lets through but the Rust refuses: the message, and still a plane
    await page.evaluate(() => {
      const lab = window.ganLab;
      lab.state.panes[0].loss = "wgan-sn";
      return lab.restart();
    });
    now = await labIdle(page);
    t.diagnostic(`the Rust's message: ${now.error}`);
    assert.match(now.error ?? "", /The lab could not start: .*spectral/);
    assert.equal(await page.isVisible("#lab-error"), true);
    assert.equal(await page.isDisabled("#lab-play"), true, "nothing to play");
    const ink = await countColor(page, "#lab-canvas-a", [13, 17, 23]);
    assert.ok(ink > 1000, "the empty plane still shows");

    // tabs: the MNIST explorer takes its own hash back; the lab's tab reopens the lab as it was
    await page.selectOption("#lab-loss", "least-squares");
    now = await labIdle(page);
    assert.equal(now.error, null, "a good setting starts again");
    await page.waitForFunction(() => window.ganStudio?.trainer, null, { polling: 100 }); // the explorer started behind
    await page.click("#tab-explorer");
    await page.waitForFunction(() => window.ganStudio && !location.hash.startsWith("#lab"), null, { polling: 100 });
    assert.equal(await page.isVisible("#lab"), false);
    assert.equal(await page.isVisible("#app"), true);
    assert.match(await page.evaluate(() => location.hash), /model=/);
    await page.click("#tab-lab");
    now = await labIdle(page);
    assert.equal(now.state.panes[0].loss, "least-squares", "the lab as it was left");
    assert.match(await page.evaluate(() => location.hash), /^#lab&.*loss=least-squares/);

    // 30 random lab hashes typed in the address bar: each leaves a lab with a drawn plane
    const random = seeded(7);
    const keys = ["data", "nd", "gl", "gu", "ga", "loss", "go", "glr", "k", "batch", "seed", "preset", "panes", "play", "speed", "v", "pts", "b.loss"];
    const junk = ["", "-1", "0", "1", "2", "3.5", "NaN", "1e-3", "moons", "spiral", "hinge", "sgd", "tanh", "AAAA", "zzzz",
      "saturating-vs-non-saturating", "rf", "4", "999999"];
    for (let i = 0; i < 30; i++) {
      const parts = ["lab"];
      for (const key of keys) if (random() < 0.3) parts.push(`${key}=${encodeURIComponent(junk[Math.floor(random() * junk.length)])}`);
      await page.evaluate((h) => { location.hash = h; }, parts.join("&"));
      now = await labIdle(page);
      const hash = parts.join("&");
      assert.equal(now.open, true, hash);
      assert.ok(now.error === null || /Draw at least/.test(now.note), `${hash}: ${now.error}`);
      assert.equal(await page.isVisible("#lab-canvas-a"), true, hash);
    }
    // and an explorer hash closes the lab
    await page.evaluate(() => { location.hash = "model=dcgan&n=2"; });
    await page.waitForFunction(() => document.body.dataset.mode === "explorer", null, { polling: 50 });
    assert.equal(await page.evaluate(() => window.ganLab.isOpen), false);
    assertNoErrors(errors, "links and errors");
  });
});
