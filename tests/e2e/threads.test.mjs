// Browser tests of the CPU path's wasm threads (www/cpu-threads.js, src/web/threads.rs) and
// of the cross-origin isolation they need: the COOP/COEP headers that `trunk serve` and the
// test server send, or, on a static host without them, the page's service worker
// (www/coi-sw.js, registered by www/isolation.js). Chromium without WebGPU, so the trainer
// runs on the CPU. `tests/e2e/run.sh` runs this file too.
//
// The threads split the same arithmetic, so a run on them must draw what a run on one thread
// draws: (p1) trains the same DCGAN steps both ways and compares the figures.

import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DIST, TEST_TIMEOUT, WAIT_TIMEOUT, NO_WEBGPU_ARGS, launch, closeContext, closeAll, watchErrors, assertNoErrors,
} from "./harness.mjs";
import { startServer } from "./server.mjs";

const servers = [];
after(async () => {
  await closeAll();
  await Promise.all(servers.map((s) => s.close()));
});

/** A server of the build: with the isolation headers, or like a static host without them. */
async function serve(isolate) {
  const server = await startServer(DIST, { isolate });
  servers.push(server);
  return server;
}

/** Opens the page without WebGPU on `server`; resolves once the app is ready. */
async function openPage(server, { serviceWorkers }) {
  const context = await launch(NO_WEBGPU_ARGS, { serviceWorkers });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_TIMEOUT);
  const errors = watchErrors(page);
  await page.goto(server.url + "#n=2&s=1", { waitUntil: "domcontentloaded" });
  await page.waitForFunction(
    () => document.querySelector("#status")?.dataset.state !== "loading" && window.ganStudio?.trainer,
    null, { polling: 100 });
  const status = await page.$eval("#status", (el) => `${el.dataset.state}: ${el.textContent}`);
  assert.match(status, /^ready/, `the page did not start: ${status}\n${errors.join("\n")}`);
  return { context, page, errors };
}

/** Sets the trainer form's preset and batch, then takes `steps` steps with the Step button. */
async function trainSteps(page, { preset, batch, steps }) {
  await page.selectOption("#train-preset", preset);
  await page.$eval("#train-batch", (el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }, batch);
  for (let i = 1; i <= steps; i++) {
    await page.click("#train-step");
    await page.waitForFunction((n) => {
      const t = window.ganStudio.trainer;
      return (t.state.step >= n && !t.state.busy) || t.state.error;
    }, i, { polling: 50 });
  }
  const state = await page.evaluate(() => window.ganStudio.trainer.state);
  assert.equal(state.error, null, `the trainer reported an error: ${state.error}`);
  assert.equal(state.step, steps);
  assert.equal(state.backend, "cpu");
  return state;
}

/** The threads the page should start: one per core the browser reports, at most 16. */
const expectedThreads = (page) => page.evaluate(() => Math.min(navigator.hardwareConcurrency, 16));

/** The requests of `server` whose path ends with `suffix`. */
const requested = (server, suffix) => server.requests.filter((r) => new URL(r.url, server.url).pathname.endsWith(suffix));

describe("the CPU's threads", { timeout: 30 * 60_000 }, () => {
  test("(p1) cross-origin isolated, the CPU trains on one thread per core, and its steps match one thread's", { timeout: TEST_TIMEOUT }, async (t) => {
    const isolatedServer = await serve(true);
    const threaded = await openPage(isolatedServer, { serviceWorkers: "allow" });
    const threads = await expectedThreads(threaded.page);
    if (threads < 2) {
      t.skip(`the browser reports ${threads} core: nothing to thread`);
      return;
    }
    assert.equal(await threaded.page.evaluate(() => crossOriginIsolated), true, "the headers isolate the page");
    assert.match(await threaded.page.$eval("#cpu-threads", (el) => el.textContent),
      new RegExp(`training will run on ${threads} threads \\(the page is cross-origin isolated\\)`));

    const settings = { preset: "dcgan", batch: 16, steps: 3 };
    const onThreads = await trainSteps(threaded.page, settings);
    t.diagnostic(`${threads} threads: ${onThreads.deviceSentence} ${JSON.stringify(onThreads.last)}`);
    assert.equal(onThreads.cpuThreads, threads);
    assert.equal(onThreads.deviceSentence, `Training: CPU (${threads} threads): this browser has no WebGPU.`);
    assert.match(await threaded.page.$eval("#cpu-threads", (el) => el.textContent),
      new RegExp(`training runs on ${threads} threads`));
    assert.equal(requested(isolatedServer, "/threads/gan_studio_bg.wasm").length, 1, "the threaded module loads once");
    assert.equal(requested(isolatedServer, "/pool-worker.js").length, threads - 1, "a pool worker per further thread");
    assertNoErrors(threaded.errors, "training on threads");
    await closeContext(threaded.context);

    // The same run on a host without the headers, its service worker blocked: one thread.
    const plainServer = await serve(false);
    const single = await openPage(plainServer, { serviceWorkers: "block" });
    assert.equal(await single.page.evaluate(() => crossOriginIsolated), false);
    assert.match(await single.page.$eval("#cpu-threads", (el) => el.textContent),
      /on one thread: wasm threads need a cross-origin isolated page, and this one is not/);
    const onOne = await trainSteps(single.page, settings);
    t.diagnostic(`1 thread: ${onOne.deviceSentence} ${JSON.stringify(onOne.last)}`);
    assert.equal(onOne.cpuThreads, 1);
    assert.equal(onOne.deviceSentence, "Training: CPU: this browser has no WebGPU.");
    assert.equal(requested(plainServer, "/threads/gan_studio_bg.wasm").length, 0, "no threaded module");
    for (const figure of ["lossD", "lossG", "dReal", "dFake"]) {
      const [a, b] = [onThreads.last[figure], onOne.last[figure]];
      assert.ok(Number.isFinite(a) && Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b)),
        `${figure} after ${settings.steps} steps: ${a} on ${threads} threads, ${b} on one`);
    }
    assertNoErrors(single.errors, "training on one thread");
    await closeContext(single.context);
  });

  test("(p2) on a host without the headers, the service worker isolates the page and the CPU gets its threads", { timeout: TEST_TIMEOUT }, async (t) => {
    const server = await serve(false);
    const { context, page, errors } = await openPage(server, { serviceWorkers: "allow" });
    const isolation = await page.evaluate(() => ({
      isolated: crossOriginIsolated,
      controlled: navigator.serviceWorker.controller !== null,
      pages: performance.getEntriesByType("navigation").map((e) => e.type),
    }));
    t.diagnostic(JSON.stringify(isolation));
    assert.deepEqual(isolation, { isolated: true, controlled: true, pages: ["reload"] },
      "the page reloads once, under its service worker, cross-origin isolated");
    assert.equal(requested(server, "/coi-sw.js").length >= 1, true, "the service worker's script is fetched");

    const threads = await expectedThreads(page);
    const state = await trainSteps(page, { preset: "mlp", batch: 8, steps: 1 });
    assert.equal(state.cpuThreads, threads >= 2 ? threads : 1);
    assertNoErrors(errors, "the service worker");
    await closeContext(context);
  });
});
