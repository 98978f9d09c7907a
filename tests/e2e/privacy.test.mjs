// Privacy: the page talks to no one but its own origin. A full visit (load, explore, switch
// models, train, score, export, download a checkpoint and upload it again) is recorded
// request by request, service and web workers included, and every request must be for the
// page's origin (or a data:/blob: URL the page made itself). The page's
// Content-Security-Policy (index.html, hashes filled in by scripts/csp-hashes.mjs) must be in
// force: a request to another origin is refused by the browser before it leaves.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DIST, TEST_TIMEOUT, NO_WEBGPU_ARGS, WAIT_TIMEOUT, launch, closeAll, watchErrors, assertNoErrors,
  downloadFile, explorerSettled, setValue, trainerIdle,
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

describe("privacy", { timeout: 20 * 60_000 }, () => {
  test("(p-1) a whole visit requests nothing off the page's origin, and the policy refuses other origins", { timeout: TEST_TIMEOUT }, async (t) => {
    const context = await launch(NO_WEBGPU_ARGS);
    const requests = [];
    // The context sees the page's, its workers' and its service worker's requests.
    context.on("request", (request) => requests.push(request.url()));
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_TIMEOUT);
    const errors = watchErrors(page);
    await page.goto(`${server.url}#device=cpu&model=dcgan&n=3&s=2`, { waitUntil: "domcontentloaded" });
    await page.waitForFunction(() => document.querySelector("#status")?.dataset.state === "ready" &&
      window.ganStudio?.trainer, null, { polling: 100 });
    await explorerSettled(page, { guesses: true });

    // Explore: a new seed, a slider, another model, the classifier's guess.
    await setValue(page, "#seed", 9);
    await page.$eval("#z-0", (el) => {
      el.value = "1.5";
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await explorerSettled(page, { guesses: true });
    await page.selectOption("#model", "cdcgan-half");
    await page.waitForFunction(() => window.ganStudio.state.model === "cdcgan-half" &&
      document.querySelector("#status").dataset.state === "ready", null, { polling: 100 });
    await explorerSettled(page, { guesses: true });
    const grid = await downloadFile(page, "#export-grid");
    assert.ok(grid.bytes.length > 0, "the grid PNG");

    // Train a few steps, score them, export and download, upload the checkpoint back.
    await page.selectOption("#train-preset", "mlp");
    await setValue(page, "#train-batch", 4);
    await page.selectOption("#train-quality-n", "100");
    await page.click("#train-step");
    await trainerIdle(page);
    await page.click("#train-step");
    await trainerIdle(page);
    await page.click("#train-quality-now");
    await page.waitForFunction(() => window.ganStudio.trainer.state.qualityScores > 0, null, { polling: 100 });
    await trainerIdle(page);
    const checkpoint = await downloadFile(page, "#train-download");
    await downloadFile(page, "#train-export-curves");
    await downloadFile(page, "#train-export-csv");
    await page.setInputFiles("#train-upload", { name: checkpoint.name, mimeType: "application/octet-stream", buffer: checkpoint.bytes });
    const state = await trainerIdle(page);
    assert.equal(state.error, null, `upload: ${state.error}`);
    assert.equal(state.step, 2, "the uploaded checkpoint continues at its step");

    // Every request went to the page's origin (or was a data: or blob: URL the page made).
    const origin = new URL(server.url).origin;
    const elsewhere = requests.filter((url) => !url.startsWith("data:") && !url.startsWith("blob:") &&
      new URL(url).origin !== origin);
    t.diagnostic(`${requests.length} requests, ${new Set(requests).size} distinct; off the origin: ${elsewhere.length}`);
    assert.ok(requests.some((url) => url.endsWith("/data/mnist.bin")), "the visit did load the digits");
    assert.ok(requests.some((url) => url.endsWith("/weights/classifier.bpk")), "and the classifier");
    assert.deepEqual(elsewhere, [], "requests off the page's origin");

    // The policy is in force: another origin is refused before any request is made.
    const policy = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (el) => el.content);
    t.diagnostic(`policy: ${policy}`);
    assert.match(policy, /default-src 'self'/);
    assert.match(policy, /connect-src 'self'/);
    assert.doesNotMatch(policy, /INLINE_SCRIPT_HASHES/, "the build filled in the loader's hash");
    const before = requests.length;
    const refused = await page.evaluate(async () => {
      const violation = new Promise((resolve) => {
        document.addEventListener("securitypolicyviolation", (e) => resolve(e.violatedDirective), { once: true });
      });
      const fetched = await fetch("https://gan-studio.invalid/beacon").then(() => "sent", (e) => `refused: ${e.message}`);
      return { fetched, directive: await violation };
    });
    t.diagnostic(`a fetch to another origin: ${refused.fetched} (${refused.directive})`);
    assert.match(refused.fetched, /^refused/);
    assert.equal(refused.directive, "connect-src");
    assert.equal(requests.slice(before).filter((url) => url.includes("gan-studio.invalid")).length, 0,
      "the refused request never left the page");
    // The policy's own refusal is the only error of the visit.
    assertNoErrors(errors.filter((e) => !/gan-studio\.invalid/.test(e)), "a whole visit");
  });
});
