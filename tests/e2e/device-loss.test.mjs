// A lost GPU: the explorer's and the trainer's WebGPU devices are destroyed (as a driver
// reset or an unplugged GPU would) while they render and train. The page says so, carries on
// on the CPU, and keeps the view (the explorer), the settings and the run's weights (the
// trainer, from its last save on the device).
//
// WebGPU here is SwiftShader: the trainer's steps are slow (seconds), so the run is tiny.
// The explorer's device is caught as the page creates it (an init script wrapping
// GPUAdapter.prototype.requestDevice); the training worker's, which init scripts do not
// reach, with the worker's own "loseGpuDevices" call.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DIST, TEST_TIMEOUT, WAIT_TIMEOUT, WEBGPU_ARGS, launch, closeAll, watchErrors, assertNoErrors,
  explorerSettled, setValue, trainerIdle,
} from "./harness.mjs";
import { startServer } from "./server.mjs";

let server;
let browser;

before(async () => {
  server = await startServer(DIST);
  browser = await launch(WEBGPU_ARGS);
  await browser.addInitScript(() => {
    if (!globalThis.GPUAdapter) return;
    const request = GPUAdapter.prototype.requestDevice;
    window.testGpuDevices = [];
    GPUAdapter.prototype.requestDevice = async function requestDevice(...args) {
      const device = await request.apply(this, args);
      window.testGpuDevices.push(device);
      return device;
    };
  });
});

after(async () => {
  await closeAll();
  await server?.close();
});

/** Opens the app on WebGPU at `hash`; waits for its first grid. */
async function openOnWebgpu(hash) {
  const page = await browser.newPage();
  page.setDefaultTimeout(WAIT_TIMEOUT);
  const errors = watchErrors(page);
  await page.goto(`${server.url}#device=webgpu&${hash}`, { waitUntil: "domcontentloaded" });
  await page.waitForFunction(() => document.querySelector("#status")?.dataset.state === "ready" &&
    window.ganStudio?.trainer && Number(document.querySelector("#grid-canvas").dataset.renderCount) >= 1,
  null, { polling: 100 });
  await explorerSettled(page);
  return { page, errors };
}

describe("a lost GPU", { timeout: 30 * 60_000 }, () => {
  test("(g1) the explorer's GPU lost mid-render: it moves to the CPU and draws the same view", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openOnWebgpu("model=dcgan&n=2&s=3");
    assert.equal(await page.$eval("#backend", (el) => el.dataset.backend), "webgpu");
    const before = await page.$eval("#grid-canvas", (el) => Number(el.dataset.renderCount));
    const lost = await page.evaluate(() => {
      for (const device of window.testGpuDevices) device.destroy();
      return window.testGpuDevices.length;
    });
    assert.ok(lost >= 1, "the page's GPU device was caught");
    await setValue(page, "#seed", 4); // a redraw on the lost device
    await page.waitForFunction(() => document.querySelector("#backend").dataset.backend === "cpu", null, { polling: 100 });
    await page.waitForFunction((n) => Number(document.querySelector("#grid-canvas").dataset.renderCount) > n, before, { polling: 100 });
    await explorerSettled(page);
    const status = await page.$eval("#status", (el) => `${el.dataset.state}: ${el.textContent}`);
    const sentence = await page.$eval("#backend", (el) => el.textContent);
    t.diagnostic(`${status} | ${sentence}`);
    assert.match(status, /^ready: Ready: dcgan \(the GPU was lost: drawing on the CPU\)$/);
    assert.match(sentence, /GPU was lost/);
    assert.equal(await page.evaluate(() => window.ganStudio.state.seed), 4, "the view is kept");
    // The grid is drawn, on the CPU.
    const ink = await page.$eval("#grid-canvas", (canvas) => {
      const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
      let bright = 0;
      for (let k = 0; k < data.length; k += 4) if (data[k] > 128) bright++;
      return bright;
    });
    assert.ok(ink > 100, `the grid is drawn (${ink} bright pixels)`);
    assertNoErrors(errors, "the explorer's lost GPU");
    await page.close();
  });

  test("(g2) the trainer's GPU lost mid-training: it moves to the CPU and goes on from the last save", { timeout: TEST_TIMEOUT }, async (t) => {
    const { page, errors } = await openOnWebgpu("n=1");
    await page.selectOption("#train-preset", "mlp");
    await setValue(page, "#train-batch", 4);
    await setValue(page, "#train-lr-g", 0.0003);
    await setValue(page, "#train-refresh", 1);
    await page.$eval("#train-quality-on", (el) => { el.checked = false; });
    // Two steps on WebGPU, saved when Play stops at the budget.
    await setValue(page, "#train-budget", 2);
    await page.click("#train-play");
    let state = await trainerIdle(page);
    assert.equal(state.backend, "webgpu", "training on WebGPU, as the setting asks");
    assert.equal(state.step, 2);
    assert.equal(state.savedStep, 2, "saved at the end of Play");
    // On again; the GPU goes during the next steps.
    await setValue(page, "#train-budget", 50);
    await page.click("#train-play");
    await page.waitForFunction(() => window.ganStudio.trainer.state.step >= 3, null, { polling: 100 });
    const lost = await page.evaluate(() => window.ganStudio.trainer.trainer.call("loseGpuDevices"));
    assert.ok(lost >= 1, "the worker's GPU device was caught");
    await page.waitForFunction(() => {
      const s = window.ganStudio.trainer.state;
      return s.backend === "cpu" && !s.busy && !s.playing;
    }, null, { polling: 200 });
    state = await page.evaluate(() => window.ganStudio.trainer.state);
    const said = await page.$eval("#train-message", (el) => el.textContent);
    t.diagnostic(`${said} | ${state.deviceSentence}`);
    assert.equal(state.error, null, `${state.error}`);
    assert.match(said, /^The GPU was lost at step \d+: training moved to the CPU and goes on from the run's last save, at step 2\./);
    assert.equal(state.deviceSentence, "Training: CPU: the GPU was lost.");
    assert.equal(state.step, 2, "the run is back at its last save");
    assert.equal(state.historyLength, 2, "with its curves");
    assert.equal(state.train.batch_size, 4, "and its settings");
    assert.equal(state.train.lr_g, 0.0003);
    await page.click("#train-step");
    state = await trainerIdle(page);
    assert.equal(state.step, 3, "it trains on, on the CPU");
    assert.ok(Number.isFinite(state.last.lossD));
    assertNoErrors(errors, "the trainer's lost GPU");
    await page.close();
  });
});
