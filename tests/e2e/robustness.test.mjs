// Bad values never break the page: 1,000 seeded random URL hashes (the page applies a hash
// changed by hand, as Back and Forward do) each leave a drawn grid and no console error, and
// out-of-range settings in the trainer are refused or put back in range with a message while
// the run and the page go on.
//
// The CPU path (#device=cpu), which this machine's "auto" picks too.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DIST, TEST_TIMEOUT, WAIT_TIMEOUT, NO_WEBGPU_ARGS, launch, closeAll, watchErrors, assertNoErrors,
  explorerSettled, seeded, setValue, trainerIdle,
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

/** Opens the app at `hash` on the CPU path; waits for the first grid. */
async function openApp(hash) {
  const page = await browser.newPage();
  page.setDefaultTimeout(WAIT_TIMEOUT);
  const errors = watchErrors(page);
  await page.goto(`${server.url}#device=cpu&${hash}`, { waitUntil: "domcontentloaded" });
  await page.waitForFunction(() => document.querySelector("#status")?.dataset.state === "ready" &&
    window.ganStudio?.trainer && Number(document.querySelector("#grid-canvas").dataset.renderCount) >= 1,
  null, { polling: 100 });
  return { page, errors };
}

describe("bad values", { timeout: 30 * 60_000 }, () => {
  test("(r1) 1,000 seeded random hashes each leave a drawn grid and no console error", { timeout: 20 * 60_000 }, async (t) => {
    const { page, errors } = await openApp("n=2");
    const random = seeded(1000);
    const keys = ["model", "m", "s", "n", "l", "sg", "c", "a", "z1", "z2", "sl", "im", "y1", "y2", "k1", "k2"];
    const junk = ["", "-1", "1e3", "0x10", "NaN", "Infinity", " 3", "3.5", "99999999999", "%00", "label",
      "1", "0.5", "2", "9", "mixed", "<script>", "dcgan", "mlp", "infogan", "acgan", "cdcgan-half", "wgan"];
    const started = Date.now();
    let notes = 0;
    for (let i = 0; i < 1000; i++) {
      const parts = [];
      for (const key of keys) if (random() < 0.4) parts.push(`${key}=${encodeURIComponent(junk[Math.floor(random() * junk.length)])}`);
      const hash = parts.join("&");
      await page.evaluate((h) => { location.hash = h; }, hash);
      await explorerSettled(page);
      const view = await page.evaluate(() => {
        const app = window.ganStudio;
        const canvas = document.querySelector("#grid-canvas");
        const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
        let ink = 0;
        for (let k = 0; k < data.length; k += 4) if (data[k] > 128) ink++;
        return {
          status: document.querySelector("#status").dataset.state,
          width: canvas.width, height: canvas.height, ink,
          rows: app.rows, cols: app.cols, size: app.info.imageSize,
          note: !document.querySelector("#url-note").hidden,
        };
      });
      if (view.note) notes++;
      assert.equal(view.status, "ready", `#${hash}`);
      assert.deepEqual([view.width, view.height],
        [view.cols * (view.size + 1) + 1, view.rows * (view.size + 1) + 1], `#${hash}: the grid's size`);
      assert.ok(view.ink > view.rows * view.cols * 5, `#${hash}: the grid is drawn (${view.ink} bright pixels)`);
      assert.deepEqual(errors, [], `#${hash}`);
    }
    t.diagnostic(`1,000 hashes in ${((Date.now() - started) / 1000).toFixed(0)} s; ${notes} said which settings they replaced`);
    assert.ok(notes > 100, "the page says when a link's settings are out of range");
    assertNoErrors(errors, "1,000 hashes");
    await page.close();
  });

  test("(r2) out-of-range trainer settings are refused or put back in range, with a message; the run goes on", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openApp("n=2");
    await page.selectOption("#train-preset", "mlp");
    await setValue(page, "#train-batch", 4);
    await page.click("#train-reset");
    await page.click("#train-step");
    const good = await trainerIdle(page);
    assert.equal(good.step, 1);

    // Optimiser settings apply at once: a bad one is refused, the run keeps its own.
    for (const [selector, value, says] of [
      ["#train-lr-g", -1, /lr_g must be in \(0, 1\]/],
      ["#train-lr-d", 1e9, /lr_d must be in \(0, 1\]/],
      ["#train-batch", 0, /batch size must be 1 to 1024/],
      ["#train-batch", 100000, /batch size must be 1 to 1024/],
      ["#train-d-steps", 0, /D steps per step must be 1 to 10/],
      ["#train-clip", -2, /clip must be in \(0, 1\]/],
      ["#train-beta1", 1.5, /beta1 must be in \[0, 1\)/],
    ]) {
      await setValue(page, selector, value);
      const state = await trainerIdle(page);
      t.diagnostic(`${selector} = ${value}: ${state.error}`);
      assert.match(state.error ?? "", says, `${selector} = ${value}`);
      assert.deepEqual(state.train, good.train, "the run keeps its settings");
      assert.notEqual(await page.$eval(selector, (el) => el.value), String(value), "the field shows the run's value again");
    }
    // Model settings wait for Reset, which refuses them and keeps the run.
    await setValue(page, "#train-nz", 0);
    await page.click("#train-reset");
    let state = await trainerIdle(page);
    assert.match(state.error ?? "", /nz must be between 1 and 4096, got 0/);
    assert.equal(state.step, 1, "the run is kept");
    await setValue(page, "#train-nz", 100);

    // The budget and the refresh interval are put back in range, saying so.
    for (const [selector, value, becomes] of [["#train-budget", 0, "1"], ["#train-budget", -5, "1"], ["#train-refresh", "abc", "10"], ["#train-budget", 12.7, "12"]]) {
      await setValue(page, selector, value);
      assert.equal(await page.$eval(selector, (el) => el.value), becomes, `${selector} = ${value}`);
      assert.match(await page.$eval("#train-message", (el) => el.textContent), /must be a whole number of steps, at least 1/);
    }

    // The run trains on.
    await page.click("#train-step");
    state = await trainerIdle(page);
    assert.equal(state.step, 2, "a step after all that");
    assert.ok(Number.isFinite(state.last.lossD), "finite figures");
    assertNoErrors(errors, "bad trainer settings");
    await page.close();
  });
});
