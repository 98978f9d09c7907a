// The README's layout table names every folder and top-level file of src/, www/ and scripts/,
// so that a newcomer finds each file's job there (a new module or script that is not named
// fails this test).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const layout = readme.split("\n## Layout\n")[1]?.split("\n## ")[0] ?? "";

/** Every entry of `dir` (relative to the root), folders with a trailing slash. */
function entries(dir) {
  return readdirSync(join(root, dir)).map((name) =>
    statSync(join(root, dir, name)).isDirectory() ? `${name}/` : name);
}

test("the README's layout table names every folder and file of src/, www/ and scripts/", () => {
  assert.ok(layout.length > 0, "README.md has a Layout section");
  // src/: by path (`src/model/`, `src/lib.rs`), or within a folder's own row (`src/bin/gan/`).
  const missingSrc = entries("src").filter((entry) => !layout.includes(`src/${entry}`));
  assert.deepEqual(missingSrc, [], "src/ entries the Layout section does not name");
  // www/: by name in backticks (`app.js`), or by path (`www/data/`).
  const missingWww = entries("www").filter((entry) =>
    !layout.includes(`\`${entry}\``) && !layout.includes(`www/${entry}`));
  assert.deepEqual(missingWww, [], "www/ entries the Layout section does not name");
  // scripts/: likewise, by name in backticks or by path.
  const missingScripts = entries("scripts").filter((entry) =>
    !layout.includes(`\`${entry}\``) && !layout.includes(`scripts/${entry}`));
  assert.deepEqual(missingScripts, [], "scripts/ entries the Layout section does not name");
});
