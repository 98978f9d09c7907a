// Shared pieces of GAN Studio's browser tests and benchmarks: where the build and Chromium
// are, the browser's flags (explorer.test.mjs's header says why these), launching and closing
// browsers with throw-away profiles, error watching, PNG decoding (pngjs), pixel comparisons,
// the page helpers every suite uses (form edits, waiting for the trainer or the explorer) and
// a seeded random generator.
//
//   GAN_DIST=/path/to/dist   the build to serve (default: dist/ at the repository root)
//   CHROMIUM=/path/to/chrome the browser (default: /usr/bin/chromium)

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { PNG } from "pngjs";

export const DIST = resolve(process.env.GAN_DIST ?? fileURLToPath(new URL("../../dist", import.meta.url)));
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

export const TEST_TIMEOUT = 5 * 60_000; // per test: SwiftShader compiles every kernel on first use
export const WAIT_TIMEOUT = 4 * 60_000; // per wait inside a test

export const BASE_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];
export const WEBGPU_ARGS = [
  "--enable-unsafe-webgpu",
  "--use-webgpu-adapter=swiftshader",
  "--use-angle=swiftshader",
];
export const NO_WEBGPU_ARGS = ["--disable-webgpu"];

// ------------------------------------------------------------------ browsers

const profiles = [];
const contexts = [];

/**
 * Launches Chromium with a fresh profile; `extraArgs` picks WebGPU on or off, and
 * `serviceWorkers: "block"` keeps the page from isolating itself (www/isolation.js).
 */
export async function launch(extraArgs, { serviceWorkers = "allow" } = {}) {
  const profile = mkdtempSync(join(tmpdir(), "gan-studio-e2e-"));
  profiles.push(profile);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    // We pass --headless=new ourselves; Playwright's own headless switch is left off.
    headless: false,
    ignoreDefaultArgs: ["--headless"],
    args: [...BASE_ARGS, ...extraArgs],
    acceptDownloads: true,
    serviceWorkers,
    viewport: { width: 1280, height: 1600 },
  });
  context.setDefaultTimeout(WAIT_TIMEOUT);
  contexts.push(context);
  return context;
}

export async function closeContext(context) {
  const i = contexts.indexOf(context);
  if (i >= 0) contexts.splice(i, 1);
  await context.close().catch(() => {});
}

/** Closes every browser `launch` opened and deletes their profiles. */
export async function closeAll() {
  for (const context of [...contexts]) await closeContext(context);
  for (const profile of profiles.splice(0)) rmSync(profile, { recursive: true, force: true });
}

/** Collects console errors and uncaught exceptions of a page. */
export function watchErrors(page) {
  const errors = [];
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const where = msg.location()?.url ?? "";
    // The page declares no icon, so Chromium asks for /favicon.ico on its own and logs the
    // 404 as a console error. That is the browser's request, not the app's: ignored.
    if (/\/favicon\.ico$/.test(where)) return;
    errors.push(`console.error: ${msg.text()}${where ? ` (${where})` : ""}`);
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.stack ?? error.message}`));
  page.on("crash", () => errors.push("the page crashed"));
  return errors;
}

export function assertNoErrors(errors, what) {
  assert.deepEqual(errors, [], `${what}: console errors or uncaught exceptions`);
}

// ------------------------------------------------------------------ PNG

/**
 * Decodes a PNG (pngjs) into { width, height, channels, pixels }: `pixels` is RGBA, 8 bits a
 * channel, row-major (`channels` is 4 whatever the file's colour type; grey is R = G = B).
 */
export function decodePng(bytes) {
  const { width, height, data } = PNG.sync.read(bytes);
  return { width, height, channels: 4, pixels: data };
}

/** Clicks `selector` and returns the download it starts: { name, bytes }. */
export async function downloadFile(page, selector) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  const failure = await download.failure();
  assert.equal(failure, null, `download failed: ${failure}`);
  const stream = await download.createReadStream();
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return { name: download.suggestedFilename(), bytes: Buffer.concat(chunks) };
}

/**
 * Decodes a GIF in the page with the browser's own decoder (ImageDecoder): its frame count
 * and each frame's grey levels (the red channel of the decoded RGBA) and size.
 */
export const decodeGifInPage = (page, bytes) => page.evaluate(async (b64) => {
  const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const decoder = new ImageDecoder({ data, type: "image/gif" });
  await decoder.tracks.ready;
  await decoder.completed;
  const count = decoder.tracks.selectedTrack.frameCount;
  const frames = [];
  for (let i = 0; i < count; i++) {
    const { image } = await decoder.decode({ frameIndex: i });
    const canvas = new OffscreenCanvas(image.displayWidth, image.displayHeight);
    canvas.getContext("2d").drawImage(image, 0, 0);
    const { data: rgba } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    frames.push({ width: canvas.width, height: canvas.height, grey: Array.from(rgba.filter((_, j) => j % 4 === 0)), duration: image.duration });
    image.close();
  }
  return { count, frames };
}, bytes.toString("base64"));

/** The largest difference between two equally long arrays of grey levels. */
export function maxAbsDiff(a, b) {
  assert.equal(a.length, b.length, "compared images differ in size");
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** How many positions of two equally long arrays differ. */
export const countDiff = (a, b) => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);

// ------------------------------------------------------------------ the page

/** Sets a control's value and fires `event` (default "change"), as a user's edit does. */
export async function setValue(page, selector, value, event = "change") {
  await page.$eval(selector, (el, [v, type]) => {
    el.value = String(v);
    el.dispatchEvent(new Event(type, { bubbles: true }));
  }, [value, event]);
}

/** Waits until the trainer panel neither plays nor has work queued; returns its state. */
export async function trainerIdle(page) {
  await page.waitForFunction(() => {
    const t = window.ganStudio?.trainer;
    return t && !t.state.busy && !t.state.playing;
  }, null, { timeout: WAIT_TIMEOUT, polling: 100 });
  return page.evaluate(() => window.ganStudio.trainer.state);
}

/**
 * Waits until the explorer has applied every hash change so far and no draw runs or waits
 * (with `guesses`, no classifier guess either).
 */
export function explorerSettled(page, { guesses = false } = {}) {
  return page.waitForFunction(async (withGuesses) => {
    const app = window.ganStudio;
    if (!app) return false;
    await app.hashChanges;
    const coalescers = [app.gridDraws, app.interpDraws, ...(withGuesses ? [app.guesses] : [])];
    return coalescers.every((c) => !c.running && !c.pending);
  }, guesses, { timeout: WAIT_TIMEOUT, polling: 50 });
}

// ------------------------------------------------------------------ numbers

/** A seeded generator of numbers in [0, 1) (mulberry32), from seeded.mjs. */
export { seeded } from "./seeded.mjs";
