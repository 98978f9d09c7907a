// Benchmark of the 2-D lab in the built page (not a test: it prints figures and asserts
// nothing), on the CPU path (WebGPU off; the lab always trains on the CPU).
//
//   node tests/e2e/bench-lab.mjs [--seconds 10] [--speed auto|N] [--batch 256] [--runner worker|page]
//        (after `trunk build --release`; GAN_DIST overrides dist/)
//
// Prints, for the lab's default settings (the ring, batch 256 unless --batch), its run in a
// worker (the page's way) or with `--runner page` on the page's thread:
// - training alone: steps per second of frame(200) calls (each trains 200 steps and computes
//   the views once), the median of 5 after a warm-up;
// - one frame's cost: ms of a frame(0) call (the views only) and of the page's redraw;
// - side by side, the same minute: the native CLI on the same settings (`gan lab --batch B`,
//   GAN_BIN), its steps per second and ms per view, and the page's as ratios to them;
// - playing for --seconds at --speed (default: the lab's own, auto): the steps per second it
//   trains, how often the planes got a new frame, and the page's frame rate from
//   requestAnimationFrame intervals (median, 95th percentile and worst, and frames per second).

import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { DIST, NO_WEBGPU_ARGS, launch, closeAll, watchErrors } from "./harness.mjs";
import { GAN_BIN } from "./gan-bin.mjs";
import { startServer } from "./server.mjs";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    speed: { type: "string" },
    batch: { type: "string", default: "256" },
    runner: { type: "string", default: "worker" },
  },
});
const SECONDS = Number(args.seconds);

/** The native CLI's speed on the lab's default run at `batch`: steps per second and ms per view. */
function nativeSpeed(batch) {
  const out = execFileSync(GAN_BIN, ["lab", "--batch", String(batch), "--steps", "1000", "--every", "200"], { encoding: "utf8" });
  const match = out.match(/speed: ([\d.]+) steps\/s .*, ([\d.]+) ms per view/);
  if (!match) throw new Error(`no speed line in gan lab's output:\n${out}`);
  return { stepsPerSecond: Number(match[1]), viewMs: Number(match[2]) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

const server = await startServer(DIST);
const browser = await launch(NO_WEBGPU_ARGS);
try {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  const speed = args.speed ? `&speed=${args.speed}` : "";
  await page.goto(`${server.url}#lab&batch=${args.batch}${speed}&device=cpu`);
  await page.waitForFunction(() => window.ganLab?.canTrain && !window.ganLab.busy, null, { timeout: 300_000 });
  // The explorer starts behind the lab: let it finish, so it does not share the timings.
  await page.waitForFunction(() => window.ganStudio?.trainer && document.querySelector("#status").dataset.state !== "loading",
    null, { timeout: 300_000 });
  await page.evaluate((kind) => {
    window.ganLab.runnerKind = kind;
    return window.ganLab.restart();
  }, args.runner);
  await page.waitForFunction(() => window.ganLab.canTrain && !window.ganLab.busy);

  const raw = await page.evaluate(async () => {
    const lab = window.ganLab;
    return lab.loop.exclusive(async () => {
      const run = lab.panes[0].run;
      const time = async (steps) => {
        const t0 = performance.now();
        await run.frame(steps, "both");
        return performance.now() - t0;
      };
      await time(200); // warm-up
      const train = [];
      for (let i = 0; i < 5; i++) train.push(200_000 / (await time(200)));
      const views = [];
      for (let i = 0; i < 10; i++) views.push(await time(0));
      const draws = [];
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        lab.drawAll();
        draws.push(performance.now() - t0);
      }
      return { train, views, draws, batch: lab.panes[0].config.batch_size, runner: run.kind };
    });
  });
  const native = nativeSpeed(raw.batch);
  await page.evaluate(() => window.ganLab.restart());
  await page.waitForFunction(() => window.ganLab.canTrain && !window.ganLab.busy);

  const played = await page.evaluate(async (seconds) => {
    const lab = window.ganLab;
    const times = [];
    let recording = true;
    const record = (t) => {
      times.push(t);
      if (recording) requestAnimationFrame(record);
    };
    requestAnimationFrame(record);
    await new Promise((r) => setTimeout(r, 500)); // the frame rate before Play, for reference
    const idleIntervals = times.slice(1).map((t, i) => t - times[i]);
    times.length = 0;
    const step0 = lab.step;
    const t0 = performance.now();
    document.querySelector("#lab-play").click();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    document.querySelector("#lab-play").click();
    const elapsed = performance.now() - t0;
    recording = false;
    await lab.loop.idle();
    const steps = lab.step - step0;
    return {
      steps, elapsed, speed: lab.state.speed, idleIntervals, frames: lab.panes[0].history.frameStep.length,
      stepsPerFrame: lab.stepsPerFrame,
      intervals: times.slice(1).map((t, i) => t - times[i]),
    };
  }, SECONDS);

  const ms = (v) => `${v.toFixed(1)} ms`;
  const iv = played.intervals;
  const where = raw.runner === "worker" ? "in a worker" : "on the page's thread";
  console.log(`2-D lab, CPU path (Burn's flex in WebAssembly with SIMD, one thread, ${where}), the ring`);
  console.log(`training alone        ${median(raw.train).toFixed(0)} steps/s at batch ${raw.batch} (median of 5 frame(200) calls; ${raw.train.map((v) => v.toFixed(0)).join(", ")})`);
  console.log(`a frame's views       ${ms(median(raw.views))} (frame(0), median of 10); the page's redraw ${ms(median(raw.draws))}`);
  console.log(`native, same minute   gan lab --batch ${raw.batch}: ${native.stepsPerSecond.toFixed(0)} steps/s, ${ms(native.viewMs)} per view; `
    + `the page's step takes ${(native.stepsPerSecond / median(raw.train)).toFixed(1)}x native's, its views ${(median(raw.views) / native.viewMs).toFixed(1)}x`);
  const pace = played.speed === "auto" ? `auto speed (${played.stepsPerFrame} step${played.stepsPerFrame > 1 ? "s" : ""} a frame at the end)` : `${played.speed} steps a frame`;
  console.log(`playing ${SECONDS} s at ${pace}: ${((played.steps * 1000) / played.elapsed).toFixed(0)} steps/s (${played.steps} steps), `
    + `${((played.frames * 1000) / played.elapsed).toFixed(0)} new views a second`);
  console.log(`animation frames      ${iv.length} in ${(played.elapsed / 1000).toFixed(1)} s: ${(1000 / median(iv)).toFixed(0)} frames/s; intervals median ${ms(median(iv))}, 95th percentile ${ms(quantile(iv, 0.95))}, worst ${ms(Math.max(...iv))}`);
  console.log(`before Play (idle)    intervals median ${ms(median(played.idleIntervals))}`);
  if (errors.length) console.log(`page errors: ${errors.join("\n")}`);
} finally {
  await closeAll();
  await server.close();
}
