// Node tests of how a panel's class takes its other files' methods (www/panel-parts.js): the
// parts' methods and getters are the instance's, with `this` the instance, and the class's
// own methods still call them and override nothing by accident.

import { test } from "node:test";
import assert from "node:assert/strict";

import { withParts } from "../../www/panel-parts.js";

test("panel parts: methods and getters of every part are the panel's, `this` being the panel", () => {
  const counting = {
    increment() {
      this.count++;
      return this.doubled;
    },
    get doubled() {
      return 2 * this.count;
    },
  };
  const naming = {
    describe() {
      return `${this.name}: ${this.count}`;
    },
  };
  class Panel extends withParts(counting, naming) {
    constructor() {
      super();
      this.count = 0;
      this.name = "panel";
    }

    /** A method of the class itself, calling a part's. */
    twice() {
      this.increment();
      return this.increment();
    }
  }
  const panel = new Panel();
  assert.equal(panel.twice(), 4);
  assert.equal(panel.doubled, 4, "a part's getter reads the instance");
  assert.equal(panel.describe(), "panel: 2");
  assert.ok(panel instanceof Panel);
  assert.deepEqual(Object.keys(panel), ["count", "name"], "the parts add nothing to the instance itself");
  // Two panels share the parts' methods, not their state.
  const other = new Panel();
  other.increment();
  assert.equal(other.count, 1);
  assert.equal(panel.count, 2);
});
