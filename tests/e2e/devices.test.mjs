// Unit tests of the page's device sentences (www/devices.js describeChoice, describeThreads):
// pure logic, run
// by node's test runner without a browser (tests/e2e/run.sh runs this file too).

import { test } from "node:test";
import assert from "node:assert/strict";
import { describeChoice, describeThreads, isDeviceLoss } from "../../www/devices.js";

const software = { present: true, software: true, name: "google swiftshader" };
const hardware = { present: true, software: false, name: "nvidia ampere" };

test("measured: the faster device, how many times faster, and what the other is", () => {
  assert.equal(
    describeChoice({ job: "Explorer", backend: "cpu", timings: { cpu: 58, webgpu: 2192.5 }, setting: "auto", adapter: software }),
    "Explorer: CPU: 38x faster here than this browser's software WebGPU.",
  );
  assert.equal(
    describeChoice({ job: "Training", backend: "webgpu", timings: { cpu: 300, webgpu: 120 }, setting: "auto", adapter: hardware }),
    "Training: WebGPU: 2.5x faster here than the CPU.",
  );
  // WebGPU's probe ran past its limit: a lower bound
  assert.equal(
    describeChoice({ job: "Training", backend: "cpu", timings: { cpu: 20, webgpu: null, webgpuLimit: 5000 }, setting: "auto", adapter: software }),
    "Training: CPU: over 250x faster here than this browser's software WebGPU.",
  );
});

test("not measured: no WebGPU, WebGPU failed, or the setting chose", () => {
  const none = { present: false, software: false, name: "" };
  assert.equal(describeChoice({ job: "Explorer", backend: "cpu", setting: "auto", adapter: none }),
    "Explorer: CPU: this browser has no WebGPU.");
  assert.equal(describeChoice({ job: "Explorer", backend: "cpu", setting: "webgpu", adapter: none }),
    "Explorer: CPU: this browser has no WebGPU.");
  assert.equal(describeChoice({ job: "Training", backend: "cpu", setting: "webgpu", adapter: hardware, failures: { webgpu: "lost" } }),
    "Training: CPU: WebGPU could not start in this browser.");
  assert.equal(describeChoice({ job: "Explorer", backend: "webgpu", setting: "webgpu", adapter: hardware }),
    "Explorer: WebGPU, as the device setting asks.");
  assert.equal(describeChoice({ job: "Training", backend: "cpu", setting: "cpu", adapter: software }),
    "Training: CPU, as the device setting asks.");
});

test("the CPU's threads: named in the device sentence when there are several", () => {
  assert.equal(
    describeChoice({ job: "Training", backend: "cpu", timings: { cpu: 40, webgpu: 4000 }, setting: "auto", adapter: software, cpuThreads: 2 }),
    "Training: CPU (2 threads): 100x faster here than this browser's software WebGPU.",
  );
  assert.equal(describeChoice({ job: "Training", backend: "cpu", setting: "cpu", adapter: software, cpuThreads: 1 }),
    "Training: CPU, as the device setting asks.");
  assert.equal(describeChoice({ job: "Training", backend: "webgpu", setting: "webgpu", adapter: hardware, cpuThreads: 8 }),
    "Training: WebGPU, as the device setting asks.");
});

test("the threads sentence: how many, or why only one", () => {
  assert.equal(describeThreads({ isolated: true, cpuThreads: 2 }),
    "The CPU path is WebAssembly with SIMD: training runs on 2 threads (the page is cross-origin isolated); the explorer draws on one.");
  assert.equal(describeThreads({ isolated: true, planned: 4 }),
    "The CPU path is WebAssembly with SIMD: training will run on 4 threads (the page is cross-origin isolated); the explorer draws on one.");
  assert.equal(describeThreads({ isolated: false, planned: 1 }),
    "The CPU path is WebAssembly with SIMD on one thread: wasm threads need a cross-origin isolated page, and this one is not "
      + "(its server sends no COOP/COEP headers and no service worker could add them).");
  assert.equal(describeThreads({ isolated: true, planned: 1 }),
    "The CPU path is WebAssembly with SIMD on one thread: this browser reports one core.");
  assert.equal(describeThreads({ isolated: true, cpuThreads: 1, threadsError: "no such file" }),
    "The CPU path is WebAssembly with SIMD, training on one thread: its threads did not start (no such file).");
});

test("a lost GPU is told from other errors", () => {
  const burn = "reading the images failed: The device is poisoned\nCaused by:\n  Destroyed: Device was destroyed.";
  assert.equal(isDeviceLoss(new Error(burn)), true);
  assert.equal(isDeviceLoss("GPUDevice lost: DeviceLost"), true);
  assert.equal(isDeviceLoss(new Error("reading the losses failed: An error happened during execution\nCaused by:\n  the staging buffer could not be mapped: Error occurred when trying to async map a buffer")), true);
  assert.equal(isDeviceLoss(new Error("the device was lost")), true);
  assert.equal(isDeviceLoss(new Error("lr_g must be in (0, 1], got -1")), false);
  assert.equal(isDeviceLoss(new Error("checkpoint is truncated: 3 bytes, at least 16 needed")), false);
  assert.equal(isDeviceLoss(undefined), false);
});
