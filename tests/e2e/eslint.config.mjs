// ESLint (flat config) for GAN Studio's JavaScript: the page's scripts (www/) and the node
// scripts of the tests and tools, with @eslint/js's recommended rules. It lives here, beside
// the npm packages it imports; tests/e2e/lint.sh runs it from the repository root with
// `--config tests/e2e/eslint.config.mjs`, so the patterns below are paths from the root.

import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["dist/", "target/", "**/node_modules/"] },
  js.configs.recommended,
  // The page: ES modules in the browser ...
  {
    files: ["www/**/*.js", "www/**/*.mjs"],
    languageOptions: { sourceType: "module", globals: globals.browser },
  },
  // ... its module workers (new Worker(..., { type: "module" }))
  {
    files: ["www/trainer-worker.js", "www/pool-worker.js", "www/lab-worker.js"],
    languageOptions: { globals: globals.worker },
  },
  // ... and its service worker, a classic script (isolation.js registers it without a type).
  {
    files: ["www/coi-sw.js"],
    languageOptions: { sourceType: "script", globals: globals.serviceworker },
  },
  // Node: the tests and the tools.
  {
    files: ["tests/**/*.mjs", "tools/**/*.mjs"],
    languageOptions: { sourceType: "module", globals: globals.node },
  },
  // The browser tests also hand functions to the page (page.evaluate, waitForFunction, $eval),
  // which run there: window, document and the rest are defined where they run.
  {
    files: ["tests/e2e/**/*.mjs"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
];
