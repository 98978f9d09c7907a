// @ts-check
// The 2-D lab's settings (a LabConfig, src/web/lab.rs) as the page edits them: one table of
// fields, each with its short URL key, its place in the config and the values it may take
// (the wasm `labOptions()`'s lists and limits), and the pure functions that read, check and
// write them. The settings form (lab.js) and the lab's URL state (lab-url.js) both go
// through this table; nothing here touches the DOM, so it is tested without a page.

/** The largest seed a setting may carry. */
export const MAX_SEED = 4294967295;
/** The noise sizes the lab offers (z is 1-D or 2-D). */
export const NOISE_DIMS = [1, 2];

/** Whether `config`'s loss is a Wasserstein one (labOptions()'s losses say which are). */
export const isWasserstein = (config, options) =>
  (options.losses ?? []).some((loss) => loss.name === config.loss && loss.wasserstein === true);

/**
 * Every setting of a LabConfig: `key` its URL key (the form's field is `lab-<key>`), `path`
 * where it sits in the config, `kind` "choice" (one of `list`, a labOptions() list), "int" or
 * "float" (within the labOptions() limit `limit`, or the fixed `range`), `name` how a
 * message calls it and, for a setting that only some configs use, `applies(config, options)`.
 */
export const FIELDS = [
  { key: "data", path: ["data"], kind: "choice", list: "datasets", name: "the data" },
  { key: "noise", path: ["noise"], kind: "choice", list: "noises", name: "the noise" },
  { key: "nd", path: ["noise_dim"], kind: "int", range: [1, 2], name: "the noise dimension" },
  { key: "gl", path: ["generator", "layers"], kind: "int", limit: "layers", name: "G's layers" },
  { key: "gu", path: ["generator", "units"], kind: "int", limit: "units", name: "G's units" },
  { key: "ga", path: ["generator", "activation"], kind: "choice", list: "activations", name: "G's activation" },
  { key: "dl", path: ["discriminator", "layers"], kind: "int", limit: "layers", name: "D's layers" },
  { key: "du", path: ["discriminator", "units"], kind: "int", limit: "units", name: "D's units" },
  { key: "da", path: ["discriminator", "activation"], kind: "choice", list: "activations", name: "D's activation" },
  { key: "loss", path: ["loss"], kind: "choice", list: "losses", name: "the loss" },
  { key: "lip", path: ["lipschitz"], kind: "choice", list: "lipschitz", name: "the WGAN critic's constraint", applies: isWasserstein },
  {
    key: "gp", path: ["penalty_weight"], kind: "float", limit: "penalty_weight", name: "the gradient penalty's λ",
    applies: (config, options) => isWasserstein(config, options) && config.lipschitz === "gradient-penalty",
  },
  { key: "go", path: ["optimizer_g", "kind"], kind: "choice", list: "optimizers", name: "G's optimiser" },
  { key: "glr", path: ["optimizer_g", "lr"], kind: "float", limit: "lr", name: "G's learning rate" },
  { key: "do", path: ["optimizer_d", "kind"], kind: "choice", list: "optimizers", name: "D's optimiser" },
  { key: "dlr", path: ["optimizer_d", "lr"], kind: "float", limit: "lr", name: "D's learning rate" },
  { key: "k", path: ["d_steps"], kind: "int", limit: "d_steps", name: "D steps per G step" },
  { key: "batch", path: ["batch_size"], kind: "int", limit: "batch_size", name: "the batch size" },
  { key: "seed", path: ["seed"], kind: "int", range: [0, MAX_SEED], name: "the seed" },
];

/** The field with URL key `key`, else undefined. */
export const fieldOf = (key) => FIELDS.find((f) => f.key === key);

/** Whether `field` matters to `config`: the form disables the ones that do not. */
export function fieldApplies(field, config, options) {
  return !field.applies || field.applies(config, options);
}

/** A deep copy of a config (plain JSON data). */
export const copyConfig = (config) => JSON.parse(JSON.stringify(config));

/** The value of `field` in `config` (undefined where the config lacks it). */
export function getField(config, field) {
  return field.path.reduce((node, part) => (node == null ? undefined : node[part]), config);
}

/** A copy of `config` with `field` set to `value`. */
export function withField(config, field, value) {
  const out = copyConfig(config);
  let node = out;
  for (const part of field.path.slice(0, -1)) {
    if (typeof node[part] !== "object" || node[part] === null) node[part] = {};
    node = node[part];
  }
  node[field.path.at(-1)] = value;
  return out;
}

/** The [lo, hi] a numeric field may take under `options` (labOptions()). */
export function rangeOf(field, options) {
  return field.range ?? options.limits?.[field.limit] ?? [-Infinity, Infinity];
}

/** The names a choice field may take under `options`. */
export function choicesOf(field, options) {
  return (options[field.list] ?? []).map((entry) => entry.name);
}

/**
 * `text` (a URL value or a form field's text) as a value of `field`, or null where it is not
 * one: a choice must be in its list, an "int" a whole number in range (digits only: no signs,
 * exponents or blanks), a "float" a finite number in range.
 */
export function parseField(field, text, options) {
  const raw = String(text ?? "").trim();
  if (field.kind === "choice") return choicesOf(field, options).includes(raw) ? raw : null;
  const [lo, hi] = rangeOf(field, options);
  if (field.kind === "int") {
    if (!/^\d+$/.test(raw)) return null;
    const v = Number(raw);
    return v >= lo && v <= hi ? v : null;
  }
  if (raw === "" || !/^[0-9.eE+-]+$/.test(raw)) return null;
  const v = Number(raw);
  return Number.isFinite(v) && v >= lo && v <= hi ? v : null;
}

/** What `field` may be, for a message: "one of a, b", "a whole number from 1 to 4". */
export function describeRange(field, options) {
  if (field.kind === "choice") return `one of ${choicesOf(field, options).join(", ")}`;
  const [lo, hi] = rangeOf(field, options);
  return field.kind === "int" ? `a whole number from ${lo} to ${hi}` : `a number from ${lo} to ${hi}`;
}

/**
 * Whether `config` is one the lab accepts under `options`: the list of fields it gets wrong
 * as "name must be …" messages ([] when every field is in range).
 */
export function configProblems(config, options) {
  const problems = [];
  for (const field of FIELDS) {
    const value = getField(config, field);
    if (parseField(field, String(value), options) === null) {
      problems.push(`${field.name} must be ${describeRange(field, options)}, got ${JSON.stringify(value)}`);
    }
  }
  return problems;
}

/** The URL keys of the fields where configs `a` and `b` differ. */
export function differingKeys(a, b) {
  return FIELDS.filter((f) => getField(a, f) !== getField(b, f)).map((f) => f.key);
}

/** `config` with the fields where `from` and `to` differ set as in `to`. */
export function withDifferences(config, from, to) {
  return differingKeys(from, to).reduce((out, key) => withField(out, fieldOf(key), getField(to, fieldOf(key))), config);
}

/** The title of choice `name` in labOptions() list `list` (the name itself when unknown). */
export function titleOf(options, list, name) {
  return (options[list] ?? []).find((entry) => entry.name === name)?.title ?? String(name);
}

/** A short description of where config `b` differs from `a`: "loss: saturating, seed: 2". */
export function describeDifferences(a, b, options) {
  return differingKeys(a, b).map((key) => {
    const field = fieldOf(key);
    const value = getField(b, field);
    return `${field.name}: ${field.kind === "choice" ? titleOf(options, field.list, value) : value}`;
  }).join(", ");
}
