// @ts-check
// The 2-D lab's files: the generated points as CSV and the names of its downloads. Pure, so
// the tests read the same text the page saves.

/** The CSV's header line. */
export const POINTS_HEADER = "x,y";

/**
 * Points (x, y pairs, a Float32Array or an array) as CSV: the header, then one "x,y" line a
 * point. Nine significant digits give back the same 32-bit floats when read.
 */
export function pointsCsv(points) {
  const lines = [POINTS_HEADER];
  const figure = (v) => String(Number(v.toPrecision(9)));
  for (let i = 0; i + 1 < points.length; i += 2) lines.push(`${figure(points[i])},${figure(points[i + 1])}`);
  return `${lines.join("\n")}\n`;
}

/** A download's name: "gan-studio-lab_ring_non-saturating_seed1_step500.csv". */
export function exportName(config, step, extension, pane = "") {
  const clean = (s) => String(s).replace(/[^a-zA-Z0-9_-]+/g, "-");
  const which = pane ? `_${clean(pane)}` : "";
  return `gan-studio-lab_${clean(config.data)}_${clean(config.loss)}_seed${config.seed}_step${step}${which}.${extension}`;
}
