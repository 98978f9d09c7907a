// Node tests of the page's data sets (www/data-sets.js) and the quality meter's words for
// them (www/quality.js), on the real registry printed by the CLI (`gan presets --json`,
// GAN_BIN): the `data=` key of a link, the presets with shipped weights for a set, the names
// of classes in sentences.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";

import { Presets } from "../../www/presets.js";
import {
  DataSets, className, labelPhrase, presetFor, shippedFile, shippedPresets, switchSentence, withArticle,
} from "../../www/data-sets.js";
import { classifierBytes, classifierUrl, describeClasses } from "../../www/quality.js";
import { hashOf, stateFromHash } from "../../www/url-state.js";
import { GAN_BIN } from "../e2e/gan-bin.mjs";

const presets = new Presets(execFileSync(GAN_BIN, ["presets", "--json"], { encoding: "utf8" }));

test("the data sets: MNIST first and the default, Fashion-MNIST with its classes", () => {
  const sets = new DataSets(presets.dataSets);
  assert.deepEqual(sets.list.map((s) => s.name), ["mnist", "fashion"]);
  assert.equal(sets.default.name, "mnist");
  assert.equal(sets.current, sets.default);
  const fashion = sets.named("fashion");
  assert.equal(fashion.title, "Fashion-MNIST");
  assert.equal(fashion.file, "fashion.bin");
  assert.equal(className(fashion, 1), "Trouser");
  assert.equal(className(sets.default, 7), "7");
  assert.equal(sets.named("nope"), null);
});

test("the link's data=: absent is MNIST, an unknown name is refused and gives MNIST", () => {
  const sets = new DataSets(presets.dataSets);
  assert.equal(sets.fromHash("").name, "mnist");
  assert.equal(sets.fromHash("#model=dcgan&data=fashion").name, "fashion");
  const rejected = [];
  assert.equal(sets.fromHash("#data=nope&s=2", rejected).name, "mnist");
  assert.deepEqual(rejected, ["data=nope"]);
  assert.equal(sets.hashValue, null, "the default is left out of links");
  sets.current = sets.named("fashion");
  assert.equal(sets.hashValue, "fashion");
  const view = stateFromHash("#model=mlp&s=4", presets);
  const hash = hashOf(view, "cpu", sets.hashValue);
  assert.match(hash, /(^|&)data=fashion(&|$)/);
  assert.equal(sets.fromHash(`#${hash}`).name, "fashion");
  assert.deepEqual(stateFromHash(`#${hash}`, presets), view, "the view reads back beside data=");
  assert.doesNotMatch(hashOf(view), /data=/);
});

test("the presets with shipped weights for a set, and the one the explorer shows", () => {
  const sets = new DataSets(presets.dataSets);
  const mnist = sets.default;
  const fashion = sets.named("fashion");
  assert.equal(shippedPresets(presets, mnist).length, presets.list.filter((p) => p.shipped_files.mnist).length);
  assert.equal(shippedFile(presets.named("dcgan"), mnist), "dcgan");
  assert.equal(presetFor(presets, mnist, "mlp").name, "mlp");
  assert.equal(presetFor(presets, mnist, "nope").name, presets.default.name);
  const forFashion = shippedPresets(presets, fashion);
  for (const p of forFashion) assert.equal(shippedFile(p, fashion), p.shipped_files.fashion);
  // none today: the explorer says so; once some ship, it shows one of them
  assert.equal(presetFor(presets, fashion, "dcgan"), forFashion.find((p) => p.name === "dcgan") ?? forFashion[0] ?? null);
});

test("class names in sentences", () => {
  const sets = new DataSets(presets.dataSets);
  const fashion = sets.named("fashion");
  assert.equal(withArticle("7"), "a 7");
  assert.equal(withArticle("8"), "a 8", "digits keep the page's old wording");
  assert.equal(withArticle("Trouser"), "a Trouser");
  assert.equal(withArticle("Ankle boot"), "an Ankle boot");
  assert.equal(labelPhrase(sets.default, 7), "digit 7");
  assert.equal(labelPhrase(fashion, 9), "Ankle boot");
  assert.equal(switchSentence("run.bpk", "fashion", fashion), "run.bpk learned Fashion-MNIST, so the page now shows Fashion-MNIST.");
  assert.match(switchSentence("run.bpk", "kmnist", null), /does not have \(kmnist\)/);
  const histogram = [50, 0, 10, 10, 10, 10, 5, 5, 0, 0];
  assert.equal(describeClasses(histogram, fashion),
    "By class: T-shirt/top 50%, Pullover 10%, Dress 10%, Coat 10%, Sandal 10%, Shirt 5%, Sneaker 5%. Not drawn: Trouser, Bag, Ankle boot.");
  assert.equal(describeClasses([10, 10, 10, 10, 10, 10, 10, 10, 10, 10], sets.default),
    "By class: 0 10%, 1 10%, 2 10%, 3 10%, 4 10%, 5 10%, 6 10%, 7 10%, 8 10%, 9 10%.");
});

test("a data set without a classifier here gets a sentence; a failed download is tried again, a missing file not", async () => {
  const [mnist, fashion] = new DataSets(presets.dataSets).list;
  assert.equal(classifierUrl(fashion), "weights/classifier-fashion.bpk");
  assert.equal(classifierUrl(mnist), "weights/classifier.bpk");
  let calls = 0;
  const missing = async (url) => {
    calls++;
    throw new Error(`${url}: HTTP 404`);
  };
  const found = async () => Uint8Array.of(1, 2, 3);
  await assert.rejects(classifierBytes(missing, fashion), /^Error: There is no classifier for Fashion-MNIST here \(weights\/classifier-fashion\.bpk: .*HTTP 404\)/);
  await assert.rejects(classifierBytes(found, fashion), /no classifier for Fashion-MNIST/, "a missing file is not asked for again");
  assert.equal(calls, 1);
  await assert.rejects(classifierBytes(async () => {
    throw new Error("the network is down");
  }, mnist), /no classifier for MNIST digits here \(weights\/classifier\.bpk: the network is down\)/);
  assert.deepEqual(Array.from(await classifierBytes(found, mnist)), [1, 2, 3], "a failed download is tried again");
});
