// Browser tests of the page's layout (index.html, www/style.css, www/canvas.js's crisp sizing)
// at a phone's, a laptop's and a wide monitor's width: nothing scrolls sideways or overflows a
// panel, the top bar holds the model, the device and the trainer's Play and Step, and the
// sample grid is as large as its panel allows with each of its pixels a whole number of
// screen pixels. The 2-D lab too, with one plane and with two side by side: no overflow,
// square planes inside their panel, sharp (a canvas pixel per screen pixel). Each width's
// full-page screenshots go to $GAN_SCREENSHOTS (default: a temporary folder, named in the
// test's diagnostics) for a person to look at.
//
// The CPU path (--disable-webgpu): the layout does not depend on the device, and SwiftShader's
// device probes would only cost time.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DIST, TEST_TIMEOUT, WAIT_TIMEOUT, NO_WEBGPU_ARGS, launch, closeAll, watchErrors, assertNoErrors,
} from "./harness.mjs";
import { startServer } from "./server.mjs";

const SCREENS = [
  { name: "phone", width: 390, height: 844 },
  { name: "laptop", width: 1280, height: 800 },
  { name: "monitor", width: 1920, height: 1080 },
];

const SHOTS = process.env.GAN_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), "gan-studio-layout-"));

let server;
let browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer(DIST);
  browser = await launch(NO_WEBGPU_ARGS);
});

after(async () => {
  await closeAll();
  await server?.close();
});

/** Opens the app at `screen`'s size with an 8x8 DCGAN grid; waits for the drawn grid. */
async function openAt(screen) {
  const page = await browser.newPage();
  page.setDefaultTimeout(WAIT_TIMEOUT);
  await page.setViewportSize({ width: screen.width, height: screen.height });
  const errors = watchErrors(page);
  await page.goto(`${server.url}#model=dcgan&n=8&s=1&device=cpu`, { waitUntil: "domcontentloaded" });
  await page.waitForFunction(() => {
    const app = window.ganStudio;
    return document.querySelector("#status")?.dataset.state === "ready" && app?.trainer &&
      Number(document.querySelector("#grid-canvas").dataset.renderCount) >= 1 &&
      !app.gridDraws.running && !app.gridDraws.pending;
  }, null, { polling: 100 });
  return { page, errors };
}

/** Where the page or a panel is wider than its box: [] when nothing overflows sideways. */
function overflows(page) {
  return page.evaluate(() => {
    const found = [];
    const root = document.documentElement;
    const visible = root.clientWidth; // the window less its vertical scrollbar
    if (root.scrollWidth > visible) found.push(`the page: ${root.scrollWidth} px wide in ${visible} px`);
    for (const box of document.querySelectorAll(".topbar, .panel, fieldset, .row")) {
      if (box.offsetParent === null) continue; // hidden
      if (box.scrollWidth > box.clientWidth + 1) {
        const name = box.id || box.className || box.tagName;
        found.push(`${name}: content ${box.scrollWidth} px in ${box.clientWidth} px`);
      }
      const rect = box.getBoundingClientRect();
      if (rect.right > visible + 0.5) found.push(`${box.id || box.className}: right edge at ${rect.right} px`);
    }
    for (const control of document.querySelectorAll("select, input, button, canvas")) {
      if (control.offsetParent === null) continue;
      const rect = control.getBoundingClientRect();
      if (rect.right > visible + 0.5) found.push(`#${control.id || control.tagName}: right edge at ${rect.right} of ${visible} px`);
    }
    return found;
  });
}

/** The sample grid's size on screen, in device pixels per canvas pixel, and its room. */
function gridFit(page) {
  return page.evaluate(() => {
    const canvas = document.querySelector("#grid-canvas");
    const panel = canvas.closest(".panel");
    const style = getComputedStyle(panel);
    const room = panel.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const shown = canvas.getBoundingClientRect();
    return {
      pixels: canvas.width,
      shownWidth: shown.width,
      shownHeight: shown.height,
      perPixel: (shown.width * devicePixelRatio) / canvas.width,
      room,
      aspect: canvas.width / canvas.height,
    };
  });
}

/** The 2-D lab's planes on screen: each square, inside its panel, the pixels of its box. */
function labFit(page) {
  return page.$$eval(".lab-canvas", (canvases) => canvases.filter((c) => c.offsetParent !== null).map((canvas) => {
    const shown = canvas.getBoundingClientRect();
    const panel = canvas.closest(".panel").getBoundingClientRect();
    return {
      id: canvas.id, width: shown.width, height: shown.height, pixels: canvas.width,
      inside: shown.left >= panel.left - 0.5 && shown.right <= panel.right + 0.5,
      perPixel: canvas.width / (shown.width * devicePixelRatio),
    };
  }));
}

describe("GAN Studio layout", { timeout: 30 * 60_000 }, () => {
  for (const screen of SCREENS) {
    test(`(l-${screen.name}) ${screen.width} px: no sideways scroll or overflow, a crisp grid that fills its panel`, { timeout: TEST_TIMEOUT }, async (t) => {
      const { page, errors } = await openAt(screen);

      // the top bar: model, device, and the trainer's Play and Step, all on screen
      for (const id of ["model", "device", "bar-play", "bar-step"]) {
        const box = await page.$eval(`#${id}`, (el) => {
          const r = el.getBoundingClientRect();
          const visible = document.documentElement.clientWidth;
          return { top: r.top, bottom: r.bottom, right: r.right, visible, inBar: !!el.closest(".topbar") };
        });
        assert.ok(box.inBar, `#${id} is in the top bar`);
        assert.ok(box.bottom > box.top && box.right <= box.visible, `#${id} is on screen: ${JSON.stringify(box)}`);
      }

      // one step from the top bar: the trainer runs a step and the bar counts it
      await page.click("#bar-step");
      await page.waitForFunction(() => {
        const s = window.ganStudio.trainer.state;
        return s.error || (s.step === 1 && !s.busy);
      }, null, { polling: 100 });
      const state = await page.evaluate(() => window.ganStudio.trainer.state);
      assert.equal(state.error, null, `the trainer: ${state.error}`);
      assert.equal(await page.$eval("#bar-step-count", (el) => el.textContent), "1", "the bar's step counter");
      assert.equal(await page.$eval("#train-step-count", (el) => el.textContent), "1", "the panel's");

      const found = await overflows(page);
      assert.deepEqual(found, [], `overflow at ${screen.width} px`);

      const fit = await gridFit(page);
      t.diagnostic(`grid: ${fit.pixels} px shown at ${fit.shownWidth.toFixed(1)} x ${fit.shownHeight.toFixed(1)} CSS px ` +
        `(${fit.perPixel.toFixed(3)} screen px per pixel) in ${fit.room.toFixed(0)} px of panel`);
      assert.ok(Math.abs(fit.perPixel - Math.round(fit.perPixel)) < 1e-6 && fit.perPixel >= 1,
        `the grid's pixels are not whole screen pixels: ${fit.perPixel}`);
      assert.ok(fit.shownWidth <= fit.room + 0.5, "the grid fits its panel");
      assert.ok(Math.abs(fit.shownWidth / fit.shownHeight - fit.aspect) < 0.01, "the grid keeps its aspect");
      const nextWidth = (fit.pixels * (Math.round(fit.perPixel) + 1)) / (await page.evaluate(() => devicePixelRatio));
      const heightRoom = await page.evaluate(() => innerHeight);
      assert.ok(nextWidth > fit.room || nextWidth / fit.aspect > heightRoom,
        "one more screen pixel per grid pixel would still fit: the grid is not as large as its panel allows");
      if (screen.width >= 1920) assert.ok(fit.perPixel >= 2, "on a wide screen the grid is shown at least 2x");

      const file = join(SHOTS, `layout-${screen.width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      t.diagnostic(`screenshot: ${file}`);
      assertNoErrors(errors, `layout at ${screen.width} px`);
      await page.close();
    });
  }

  for (const screen of SCREENS) {
    test(`(l-lab-${screen.name}) the 2-D lab at ${screen.width} px: no sideways scroll or overflow, square planes, one pane and two`, { timeout: TEST_TIMEOUT }, async (t) => {
      const page = await browser.newPage();
      page.setDefaultTimeout(WAIT_TIMEOUT);
      await page.setViewportSize({ width: screen.width, height: screen.height });
      const errors = watchErrors(page);
      const labIdle = () => page.waitForFunction(() => window.ganLab?.restarts > 0 && !window.ganLab.busy, null, { polling: 100 });
      await page.goto(`${server.url}#lab&device=cpu`, { waitUntil: "domcontentloaded" });
      await labIdle();
      await page.evaluate(() => window.ganLab.stepBy(20));
      await labIdle();
      for (const id of ["tab-explorer", "tab-lab"]) {
        const box = await page.$eval(`#${id}`, (el) => ({ right: el.getBoundingClientRect().right, visible: document.documentElement.clientWidth, inBar: !!el.closest(".topbar") }));
        assert.ok(box.inBar && box.right <= box.visible, `#${id} is in the top bar, on screen`);
      }
      assert.equal(await page.isVisible("#app"), false, "the explorer hides while the lab shows");
      for (const [name, preset] of [["one pane", null], ["two panes", "saturating-vs-non-saturating"]]) {
        if (preset) {
          await page.selectOption("#lab-preset", preset);
          await labIdle();
        }
        assert.deepEqual(await overflows(page), [], `${name}: overflow at ${screen.width} px`);
        const planes = await labFit(page);
        t.diagnostic(`${name}: ${planes.map((p) => `${p.id} ${p.width.toFixed(0)} x ${p.height.toFixed(0)} CSS px, ${p.pixels} px`).join("; ")}`);
        assert.equal(planes.length, preset ? 2 : 1);
        for (const p of planes) {
          assert.ok(Math.abs(p.width - p.height) < 1, `${p.id} is square`);
          assert.ok(p.inside, `${p.id} stays inside its panel`);
          assert.ok(p.width >= Math.min(280, screen.width - 60), `${p.id} is large enough to read: ${p.width} px`);
          assert.ok(Math.abs(p.perPixel - 1) < 0.01, `${p.id} has a canvas pixel per screen pixel (${p.perPixel})`);
        }
        const file = join(SHOTS, `lab-${screen.width}${preset ? "-two" : ""}.png`);
        await page.screenshot({ path: file, fullPage: true });
        t.diagnostic(`screenshot: ${file}`);
      }
      assertNoErrors(errors, `the lab at ${screen.width} px`);
      await page.close();
    });
  }
});
