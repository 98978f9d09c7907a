// @ts-check
// The 2-D lab's files (lab.js): a pane's generated points as CSV (lab-export.js) and its
// plane as PNG. Methods of LabMode (panel-parts.js).

import { saveBlob, saveCanvas } from "./canvas.js";
import { exportName, pointsCsv } from "./lab-export.js";
import { PANE_IDS } from "./lab-panes.js";
import { $ } from "./page.js";

/** The lab's methods for its files. */
export const fileMethods = {
  /** Saves pane `i`'s generated points, as shown, as CSV. */
  downloadPoints(i) {
    const pane = this.panes[i];
    if (!pane?.frame) return;
    const name = exportName(pane.config, pane.frame.step, "csv", this.panes.length > 1 ? PANE_IDS[i] : "");
    saveBlob(new Blob([pointsCsv(pane.frame.fake)], { type: "text/csv" }), name);
  },

  /** Saves pane `i`'s view as PNG, at the canvas's pixels. */
  downloadPng(i) {
    const pane = this.panes[i];
    const config = pane?.config ?? this.state.panes[i];
    const name = exportName(config, pane?.frame?.step ?? 0, "png", this.panes.length > 1 ? PANE_IDS[i] : "");
    saveCanvas($(`lab-canvas-${PANE_IDS[i]}`), name);
  },
};
