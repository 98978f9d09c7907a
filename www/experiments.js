// @ts-check
// The course's experiments as the Runs panel queues them (runs-queue.js): each changes one
// thing against a baseline (the trainer form's settings when the queue starts: its preset,
// seed and batch), as scripts/experiments.sh does for the CLI with the DCGAN; and one a
// student writes as `key=value` changes. Only the registry's names are used (the widths are
// the architecture's settings, whatever it calls them). Pure data (tested without a page).

/**
 * @typedef {{ name: string, title: string, model?: object, train?: object, widths?: number, lr?: number }} Experiment
 */

/** The course's experiments, in the course's order. @type {Experiment[]} */
export const COURSE_EXPERIMENTS = [
  { name: "baseline", title: "baseline (the trainer's settings)" },
  { name: "nz10", title: "nz 10", model: { nz: 10 } },
  { name: "nz1000", title: "nz 1000", model: { nz: 1000 } },
  { name: "half-width", title: "half width", widths: 0.5 },
  { name: "double-width", title: "double width", widths: 2 },
  { name: "default-init", title: "framework default init", model: { init: "default" } },
  { name: "saturating", title: "saturating G loss", train: { loss: "saturating" } },
  { name: "lsgan", title: "least-squares loss (LSGAN)", train: { loss: "least-squares" } },
  { name: "lr-x2", title: "learning rates doubled", lr: 2 },
];

const clamp = (v, [lo, hi]) => Math.min(hi, Math.max(lo, v));

/**
 * The model and train configs (the Trainer's JSON) of `experiment` against `base` ({ model,
 * train }): its changes applied; `widths` scales every width setting of the architecture
 * (`variant.settings`, each kept in its range), `lr` both learning rates (in `limits.lr`).
 * @param {{ model: any, train: any }} base
 * @param {Experiment} experiment
 * @param {{ settings: { key: string, min: number, max: number }[] }} variant
 * @param {{ lr: [number, number] }} limits
 */
export function experimentConfig(base, experiment, variant, limits) {
  const model = { ...base.model, ...experiment.model };
  const train = { ...base.train, ...experiment.train };
  if (experiment.widths) {
    for (const { key, min, max } of variant.settings) model[key] = clamp(Math.round(base.model[key] * experiment.widths), [min, max]);
  }
  if (experiment.lr) {
    train.lr_g = clamp(base.train.lr_g * experiment.lr, limits.lr);
    train.lr_d = clamp(base.train.lr_d * experiment.lr, limits.lr);
  }
  return { model, train };
}

/**
 * A student's own experiment, written as changes (`nz=20 lr_g=0.0005 loss=hinge`): each key
 * one of `base`'s model or train settings (not the architecture's kind), each value a number
 * or a name. Null for blank text; an unknown key or a malformed change throws, naming it.
 * @param {string} text
 * @param {{ model: object, train: object }} base
 * @returns {Experiment | null}
 */
export function ownExperiment(text, base) {
  const changes = text.trim().split(/[\s,]+/).filter(Boolean);
  if (changes.length === 0) return null;
  const model = {};
  const train = {};
  for (const change of changes) {
    const match = change.match(/^([a-z_0-9]+)=([^=]+)$/);
    if (!match) throw new Error(`"${change}" is not a change: write key=value, e.g. nz=20`);
    const [, key, raw] = match;
    const value = /^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(raw) ? Number(raw) : raw;
    if (key !== "kind" && key in base.model) model[key] = value;
    else if (key in base.train) train[key] = value;
    else throw new Error(`"${key}" is not a setting of this run: ${[...Object.keys(base.model).filter((k) => k !== "kind"), ...Object.keys(base.train)].join(", ")}`);
  }
  return { name: changes.join(" "), title: changes.join(" "), model, train };
}
