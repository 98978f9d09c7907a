// @ts-check
// The 2-D lab's state in the URL hash: what a shared lab link reopens. Pure functions of the
// hash text and the wasm `labOptions()` (its defaults, lists, limits and presets), so they are
// tested without a page.
//
// A lab hash starts with the key `lab` ("#lab&data=ring&loss=hinge…"); any other hash is the
// explorer's (www/url-state.js), and the two never mix. Keys: the settings of the first pane
// (lab-config.js's FIELDS: data, noise, nd, gl, gu, ga, dl, du, da, loss, lip, gp, go, glr, do,
// dlr, k, batch, seed; a link without lip or gp, as links from before they were settings,
// keeps their defaults: weight clipping, λ = 10), `panes` (1 or 2) and, for the second pane, `b.<key>` for each setting where
// it differs from the first; `preset` (the preset the panes came from, for their titles and
// question), `play` (what Play trains: both, d or g), `speed` (steps per frame, or auto), `v` (the
// views shown, one letter each) and `pts` (the drawn points, 4 characters each). The device
// setting (`device=`, devices.js) may share the hash.

import {
  FIELDS, copyConfig, fieldOf, getField, parseField, withDifferences, withField, differingKeys,
} from "./lab-config.js";
import { hashReader } from "./url-state.js";

/**
 * Steps trained per animation frame while the lab plays: "auto" (as many as keep the page at
 * its display rate, lab.js), or a fixed number, slowest first.
 */
export const SPEEDS = ["auto", 1, 2, 4, 8, 16, 32];
/** The speed a lab without a setting plays at. */
export const DEFAULT_SPEED = "auto";
/** What Play (and Step) may train: both networks, D only or G only. */
export const PLAY_MODES = ["both", "d", "g"];
/** The views, each toggled, with the letter the URL's `v` gives it. */
export const VIEWS = [
  { name: "real", letter: "r" },
  { name: "fake", letter: "f" },
  { name: "heatmap", letter: "h" },
  { name: "manifold", letter: "m" },
  { name: "arrows", letter: "a" },
  { name: "chart", letter: "c" },
];
/** The views a lab without a setting shows. */
export const DEFAULT_VIEWS = { real: true, fake: true, heatmap: true, manifold: false, arrows: true, chart: true };
/** The most drawn points a link carries (each takes 4 characters). */
export const MAX_DRAWN = 1000;

/** Whether `hash` is a lab link (its first key is `lab`). */
export function isLabHash(hash) {
  return /^#?lab(&|=|$)/.test(String(hash));
}

/** The lab's state without a link: the defaults, one pane, nothing drawn. */
export function defaultLabState(options) {
  return {
    panes: [copyConfig(options.defaults)],
    preset: "",
    play: "both",
    speed: DEFAULT_SPEED,
    views: { ...DEFAULT_VIEWS },
    drawn: [],
  };
}

/** The preset called `name` in `options`, else null. */
export function presetNamed(options, name) {
  return (options.presets ?? []).find((p) => p.name === name) ?? null;
}

/**
 * The state a preset brings: its panes (one or two full configs), the mode Play trains in;
 * the views, speed and drawn points stay those of `state`.
 */
export function applyPreset(state, preset) {
  return {
    ...state,
    panes: preset.panes.slice(0, 2).map(copyConfig),
    preset: preset.name,
    play: PLAY_MODES.includes(preset.mode) ? preset.mode : "both",
  };
}

// ------------------------------------------------------------------ drawn points

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const LEVELS = 4095; // 12 bits a coordinate: steps of 2/4095 across the plane

/** A coordinate of the plane [-1, 1] as 12 bits (clamped). */
const quantise = (v) => Math.round(((Math.max(-1, Math.min(1, v)) + 1) / 2) * LEVELS);
/** 12 bits back to a coordinate of the plane. */
const dequantise = (q) => (q / LEVELS) * 2 - 1;

/** Drawn points (x, y pairs in [-1, 1]) as URL text: 4 base64url characters a point. */
export function encodePoints(points) {
  let out = "";
  for (let i = 0; i + 1 < points.length; i += 2) {
    const bits = (quantise(points[i]) << 12) | quantise(points[i + 1]);
    for (let shift = 18; shift >= 0; shift -= 6) out += BASE64URL[(bits >> shift) & 63];
  }
  return out;
}

/** URL text back to points (x, y pairs), or null when it is not encodePoints' output. */
export function decodePoints(text) {
  const s = String(text ?? "");
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9_-]*$/.test(s)) return null;
  const out = [];
  for (let i = 0; i < s.length; i += 4) {
    let bits = 0;
    for (let j = 0; j < 4; j++) bits = (bits << 6) | BASE64URL.indexOf(s[i + j]);
    out.push(dequantise(bits >> 12), dequantise(bits & 4095));
  }
  return out;
}

/** `points` as the URL keeps them (on the 12-bit grid): what a link's reader gets back. */
export const roundPoints = (points) => decodePoints(encodePoints(points));

// ------------------------------------------------------------------ the hash

/**
 * The lab's state in `hash` ("#lab&data=ring…"); anything malformed falls back to its
 * default. Each key given a value it could not use is pushed to `rejected` as "key=value".
 * The first pane starts from the preset's first pane (or the defaults), the second from the
 * first (with the preset's differences between its panes where the link does not say
 * `panes`); the link's keys then set each.
 */
export function labStateFromHash(hash, options, rejected = []) {
  const state = defaultLabState(options);
  const { take } = hashReader(hash, rejected);
  const preset = take("preset", (name) => presetNamed(options, name));
  let panes = preset ? preset.panes.slice(0, 2).map(copyConfig) : [copyConfig(options.defaults)];
  if (preset) {
    state.preset = preset.name;
    state.play = PLAY_MODES.includes(preset.mode) ? preset.mode : "both";
  }
  const paneCount = take("panes", (v) => (v === "1" || v === "2" ? Number(v) : null));
  const count = paneCount ?? panes.length;

  let first = panes[0];
  for (const field of FIELDS) {
    const value = take(field.key, (v) => parseField(field, v, options));
    if (value !== null) first = withField(first, field, value);
  }
  let second = null;
  if (count === 2) {
    // A link the page wrote says `panes` and each difference (b.<key>); a shorter one
    // ("#lab&preset=…") gets the preset's second pane.
    second = paneCount === null && panes.length === 2 ? withDifferences(first, panes[0], panes[1]) : copyConfig(first);
    for (const field of FIELDS) {
      const value = take(`b.${field.key}`, (v) => parseField(field, v, options));
      if (value !== null) second = withField(second, field, value);
    }
  }
  panes = second ? [first, second] : [first];
  state.panes = panes;

  state.play = take("play", (v) => (PLAY_MODES.includes(v) ? v : null)) ?? state.play;
  state.speed = take("speed", (v) => SPEEDS.find((speed) => String(speed) === v) ?? null) ?? state.speed;
  const views = take("v", (v) => {
    const letters = VIEWS.map((view) => view.letter).join("");
    return new RegExp(`^[${letters}]*$`).test(v) ? v : null;
  });
  if (views !== null) {
    for (const view of VIEWS) state.views[view.name] = views.includes(view.letter);
  }
  const drawn = take("pts", (v) => {
    const points = decodePoints(v);
    return points && points.length / 2 <= MAX_DRAWN ? points : null;
  });
  if (drawn) state.drawn = drawn;
  return state;
}

/** The hash (without "#") that reopens the lab's `state`, with the device setting unless "auto". */
export function labHashOf(state, device = "auto") {
  const [first, second] = state.panes;
  const parts = [["lab", ""]];
  if (state.preset) parts.push(["preset", state.preset]);
  for (const field of FIELDS) parts.push([field.key, String(getField(first, field))]);
  parts.push(["panes", String(state.panes.length)]);
  if (second) {
    for (const key of differingKeys(first, second)) parts.push([`b.${key}`, String(getField(second, fieldOf(key)))]);
  }
  parts.push(["play", state.play], ["speed", String(state.speed)]);
  parts.push(["v", VIEWS.filter((view) => state.views[view.name]).map((view) => view.letter).join("")]);
  if (state.drawn.length >= 2) parts.push(["pts", encodePoints(state.drawn.slice(0, 2 * MAX_DRAWN))]);
  if (device !== "auto") parts.push(["device", device]);
  // "lab" alone, not "lab=": URLSearchParams would write the empty value's "=".
  return parts.map(([key, value], i) => (i === 0 ? key : `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)).join("&");
}
