// A run survives a reload: the trainer saves its run to the browser's IndexedDB as it trains;
// after a reload mid-run the panel offers to resume it, and the resumed run's next steps are
// the steps the run would have taken had it never stopped (same batches, noise and, on the
// CPU, the optimisers' states), with its curves back.
//
// The CPU path, cross-origin isolated (the threaded CPU module, which reads the optimisers'
// states back).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DIST, TEST_TIMEOUT, WAIT_TIMEOUT, NO_WEBGPU_ARGS, launch, closeAll, watchErrors, assertNoErrors,
  setValue, trainerIdle,
} from "./harness.mjs";
import { startServer } from "./server.mjs";

let server;

before(async () => {
  server = await startServer(DIST);
});

after(async () => {
  await closeAll();
  await server?.close();
});

/** Waits until the app is ready on `page`. */
const ready = (page) => page.waitForFunction(() => document.querySelector("#status")?.dataset.state === "ready" &&
  window.ganStudio?.trainer, null, { polling: 100 });

/** The run's recorded figures, by step: { step: [lossD, lossG, dReal, dFake] }. */
const figures = (page) => page.evaluate(() => {
  const h = window.ganStudio.trainer.history;
  return Object.fromEntries(h.step.map((s, i) => [s, [h.lossD[i], h.lossG[i], h.dReal[i], h.dFake[i]]]));
});

/** A new MLP run at batch 4, seed 1, with views refreshed every step. */
async function newRun(page) {
  await page.selectOption("#train-preset", "mlp");
  await setValue(page, "#train-batch", 4);
  await setValue(page, "#train-refresh", 1);
  await page.click("#train-reset");
  return trainerIdle(page);
}

describe("a run that survives a reload", { timeout: 20 * 60_000 }, () => {
  test("(s1) after a reload mid-run the panel offers the saved run, which continues as if never stopped", { timeout: TEST_TIMEOUT }, async (t) => {
    const context = await launch(NO_WEBGPU_ARGS);
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_TIMEOUT);
    const errors = watchErrors(page);
    await page.goto(`${server.url}#device=cpu&n=2`, { waitUntil: "domcontentloaded" });
    await ready(page);
    assert.equal(await page.isVisible("#train-saved"), false, "nothing saved yet: nothing offered");

    // Train to a budget of 4 (the end of Play saves the run), then on towards 8 and reload
    // while it plays.
    await newRun(page);
    await setValue(page, "#train-budget", 4);
    await page.click("#train-play");
    let state = await trainerIdle(page);
    assert.equal(state.step, 4);
    assert.equal(state.savedStep, 4, "the end of Play saved the run");
    await setValue(page, "#train-budget", 30);
    await page.click("#train-play");
    await page.waitForFunction(() => window.ganStudio.trainer.state.step >= 6, null, { polling: 20 });
    const reloadedAt = await page.evaluate(() => window.ganStudio.trainer.state.step);
    await page.reload({ waitUntil: "domcontentloaded" });
    await ready(page);
    await page.waitForFunction(() => window.ganStudio.trainer.state.offeredStep !== null, null, { polling: 100 });
    state = await page.evaluate(() => window.ganStudio.trainer.state);
    const saved = state.offeredStep;
    t.diagnostic(`reloaded at step ${reloadedAt}; offered the run saved at step ${saved}`);
    assert.ok(saved >= 4 && saved <= reloadedAt, `saved at ${saved}`);
    assert.match(await page.$eval("#train-saved-text", (el) => el.textContent), new RegExp(`^A mlp run was saved on this device at step ${saved} `));

    // Resume it: its step, settings and curves come back, and it trains on.
    await page.click("#train-saved-resume");
    state = await trainerIdle(page);
    assert.equal(state.error, null, `resume: ${state.error}`);
    assert.equal(state.step, saved);
    assert.equal(state.historyLength, saved, "the curves are back");
    assert.equal(state.train.batch_size, 4);
    assert.equal(await page.isVisible("#train-saved"), false, "the offer is gone");
    assert.doesNotMatch(await page.$eval("#train-message", (el) => el.textContent), /afresh/, "the optimisers' state came back");
    for (let step = saved; step < 8; step++) {
      await page.click("#train-step");
      await trainerIdle(page);
    }
    const resumed = await figures(page);

    // The same run without a stop, on another page of this browser.
    const fresh = await context.newPage();
    fresh.setDefaultTimeout(WAIT_TIMEOUT);
    await fresh.goto(`${server.url}#device=cpu&n=2`, { waitUntil: "domcontentloaded" });
    await ready(fresh);
    await newRun(fresh);
    for (let step = 0; step < 8; step++) {
      await fresh.click("#train-step");
      await trainerIdle(fresh);
    }
    const straight = await figures(fresh);
    for (let step = 1; step <= 8; step++) {
      const [a, b] = [resumed[step], straight[step]];
      t.diagnostic(`step ${step}: resumed ${a.map((v) => v.toFixed(5))} straight ${b.map((v) => v.toFixed(5))}`);
      for (let k = 0; k < 4; k++) {
        assert.ok(Math.abs(a[k] - b[k]) <= 1e-4 * Math.max(1, Math.abs(b[k])), `step ${step}, figure ${k}: ${a[k]} vs ${b[k]}`);
      }
    }

    // Discarding forgets it: a reload offers nothing.
    await page.reload({ waitUntil: "domcontentloaded" });
    await ready(page);
    await page.waitForFunction(() => window.ganStudio.trainer.state.offeredStep !== null, null, { polling: 100 });
    await page.click("#train-saved-discard");
    await trainerIdle(page); // the saved run is deleted
    await page.reload({ waitUntil: "domcontentloaded" });
    await ready(page);
    await page.waitForFunction(() => window.ganStudio.trainer.state.savedRunChecked, null, { polling: 100 });
    assert.equal(await page.evaluate(() => window.ganStudio.trainer.state.offeredStep), null);
    assert.equal(await page.isVisible("#train-saved"), false, "a discarded run is not offered");
    assertNoErrors(errors, "a reload mid-run");
  });
});
