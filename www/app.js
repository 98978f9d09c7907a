// @ts-check
// GAN Studio's page script: the page's start-up (the explorer on its first device, its first
// weights, the trainer panel beside it) and the switch between the page's two modes (the
// MNIST explorer and trainer, or the 2-D lab). The model work happens in Rust
// (window.wasmBindings, see src/web/mod.rs). The explorer lives in explorer.js, the trainer
// panel in trainer.js (the explorer can draw its generator: `Explorer.adoptModel`), the 2-D
// lab in lab.js; a lab link's hash starts with `lab` (lab-url.js), any other hash is the
// explorer's.

import { TrainerPanel } from "./trainer.js";
import { RunsPanel } from "./runs-panel.js";
import { DataSets, noShippedModel, presetFor } from "./data-sets.js";
import { FindZ } from "./find-z.js";
import { ensureIsolation } from "./isolation.js";
import { Presets } from "./presets.js";
import { LabMode } from "./lab.js";
import { isLabHash } from "./lab-url.js";
import { defaultState } from "./url-state.js";
import {
  cpuThreadCount, describeAdapter, describeThreads, deviceSetting, writeDeviceSetting,
} from "./devices.js";
import { Explorer } from "./explorer.js";
import { writeHash } from "./explorer-link.js";
import { probeExplorerDevice, showExplorerDevice, startStudio } from "./explorer-device.js";
import { $, fail, fetchWithProgress, pageMode, setStatus } from "./page.js";

window.addEventListener("error", (event) => fail(event.error || event.message));
window.addEventListener("unhandledrejection", (event) => fail(event.reason));

/** Shows the page's `mode`: the tabs, the sections (style.css hides the other). */
function showMode(mode) {
  document.body.dataset.mode = mode;
  $("tab-explorer").setAttribute("aria-selected", String(mode === "explorer"));
  $("tab-lab").setAttribute("aria-selected", String(mode === "lab"));
}

/**
 * The mode tabs: the lab opens with its state in the hash; the explorer gets its own hash
 * back (once it has started: before, only the device setting is kept).
 */
function bindModes(lab, explorer) {
  $("tab-lab").addEventListener("click", () => {
    if (pageMode() === "lab") return;
    showMode("lab");
    lab.open();
  });
  $("tab-explorer").addEventListener("click", () => {
    if (pageMode() === "explorer") return;
    lab.close();
    showMode("explorer");
    const app = explorer();
    if (app) writeHash(app.state, app.dataSets);
    else history.replaceState(null, "", deviceSetting() === "auto" ? location.pathname + location.search : `#device=${deviceSetting()}`);
    app?.redrawAll();
  });
}

// ---------------------------------------------------------------- start-up

async function main() {
  const wasm = window.wasmBindings;
  // The lab first: a lab link opens at once, while the explorer starts behind it.
  const lab = new LabMode(wasm, { deviceSetting });
  window.ganLab = lab; // for the console and the browser tests
  let explorerRef = null;
  bindModes(lab, () => explorerRef);
  if (isLabHash(location.hash)) {
    showMode("lab");
    lab.open(location.hash);
  }
  const setting = deviceSetting();
  $("device").value = setting;
  const adapter = await describeAdapter();
  const { studio, sentence } = await startStudio(wasm, setting, adapter);
  showExplorerDevice(studio.backend, sentence);
  $("cpu-threads").textContent = describeThreads({ isolated: crossOriginIsolated, planned: cpuThreadCount() });

  const presets = new Presets(wasm.presets());
  const dataSets = new DataSets(presets.dataSets);
  const explorer = new Explorer(wasm, studio, presets, dataSets);
  explorer.dataSetMenu.fillModels();
  window.ganStudio = explorer; // for the console and the browser tests
  const set = dataSets.current;
  // The link's model if it has weights for the data set, else another that has; without
  // any, the default's MNIST weights start the explorer unseen, and it says so instead.
  const shown = presetFor(presets, set, explorer.state.model);
  let wanted = shown?.name ?? defaultState(presets).model;
  const load = (name) => {
    setStatus(`Loading the ${name} weights…`);
    return explorer.loadShipped(name, (f) => {
      $("progress").value = f;
      setStatus(`Loading the ${name} weights: ${Math.round(f * 100)}%`);
    }, shown ? set : dataSets.default);
  };
  try {
    await load(wanted);
  } catch (error) {
    const fallback = presetFor(presets, shown ? set : dataSets.default, defaultState(presets).model).name;
    if (wanted === fallback) throw error;
    // A shared link may name a model whose weights fail to load: fall back to the default.
    explorer.showLoadError(`Could not load the ${wanted} weights (${error.message ?? error}); showing ${fallback} instead.`);
    wanted = fallback;
    await load(wanted);
  }
  if (!shown) explorer.setEmpty(noShippedModel(set));

  setStatus("Warming up the GPU kernels…");
  for (const select of [$("y1"), $("y2")]) {
    for (let d = 0; d < 10; d++) select.add(new Option(String(d), String(d)));
  }
  explorer.syncControls();
  await explorer.draw($("interp-canvas"), wasm.sampleZ(0, 1, explorer.nz, explorer.info.prior), explorer.codesFor(1), 1, 1);

  explorer.bind();
  explorer.finder = new FindZ(explorer, fetchWithProgress);
  explorer.finder.bind();
  explorer.finder.modelChanged();
  const runs = new RunsPanel({ figures: presets.figures });
  const trainer = new TrainerPanel({
    wasm,
    presets,
    fetchBytes: fetchWithProgress,
    showInExplorer: (bytes, name) => explorer.adoptModel(bytes, name),
    dataSets,
    showDataSet: (name, why) => explorer.dataSetMenu.change(name, { why }),
    devices: { setting: deviceSetting, adapter },
    runs,
  });
  trainer.bind();
  runs.trainer = trainer; // the queue's experiments train there
  runs.bind();
  explorer.trainer = trainer; // window.ganStudio.trainer, for the console and the tests
  explorer.runs = runs; // window.ganStudio.runs, likewise
  explorerRef = explorer;
  // A hash changed by hand (an edited address, Back or Forward) names the mode too.
  addEventListener("hashchange", () => {
    if (isLabHash(location.hash)) {
      showMode("lab");
      lab.open(location.hash);
    } else {
      lab.close();
      showMode("explorer");
      explorer.applyHash(location.hash);
    }
  });
  $("device").addEventListener("change", (e) => {
    writeDeviceSetting(e.target.value);
    explorer.deviceSettingChanged(adapter).catch(fail);
    trainer.deviceSettingChanged();
  });
  $("app").hidden = false;
  $("progress").hidden = true;
  setStatus(`Ready: ${explorer.empty ?? wanted}`, "ready");
  explorer.redrawAll();
  if (setting === "auto" && adapter.present) await probeExplorerDevice(explorer, adapter);
  else explorer.deviceChoice = { backend: studio.backend, sentence, timings: {} };
}

// Started before the wasm module is ready, so that a reload for isolation comes early.
const isolation = ensureIsolation();

function start() {
  isolation.then(async (reloading) => {
    if (!reloading) await main();
  }).catch(fail);
}

if (window.wasmBindings) start();
else addEventListener("TrunkApplicationStarted", start, { once: true });
