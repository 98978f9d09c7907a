// @ts-check
// The explorer's link (explorer.js): its view written into the URL hash (url-state.js encodes
// it) while the explorer shows, and the settings of a link that were refused, said.

import { deviceSetting } from "./devices.js";
import { $, pageMode } from "./page.js";
import { hashOf } from "./url-state.js";

/** Writes view `s` into the URL hash, with the device setting and the data set of `dataSets`. */
export function writeHash(s, dataSets) {
  if (pageMode() === "lab") return; // the hash is the lab's while it shows
  history.replaceState(null, "", `#${hashOf(s, deviceSetting(), dataSets?.hashValue ?? null)}`);
}

/** Says which settings of the page's link were out of range or unknown (none: no note). */
export function showRejected(rejected) {
  const note = $("url-note");
  note.hidden = rejected.length === 0;
  note.textContent = rejected.length === 0 ? ""
    : `This link's ${rejected.join(", ")} ${rejected.length === 1 ? "is" : "are"} out of range or unknown: the defaults are shown instead.`;
}
