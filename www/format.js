// @ts-check
// Values for display in the page: durations, figures, round axis steps and errors' messages.

/** A duration for display: "45 s", "3 min 20 s", "1 h 5 min". */
export function formatDuration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** A figure for display: 3 decimals, or a dash where it was not measured. */
export const formatFigure = (v) => (Number.isNaN(v) ? "–" : Number.isFinite(v) ? v.toFixed(3) : String(v));

/** The smallest 1, 2 or 5 times a power of ten that is >= x (x >= 1). */
export function niceCeil(x) {
  const power = 10 ** Math.floor(Math.log10(Math.max(1, x)));
  return [1, 2, 5, 10].map((m) => m * power).find((v) => v >= x);
}

/** The error's message, for any thrown value (its string where it has no message). */
export const messageOf = (error) => (error && error.message ? error.message : String(error));
