// The vitest configuration of mutation runs (`npm run mutate`, see stryker.config.mjs): the project's
// own, minus what Stryker's runner cannot use or does not need — the type-level tests (tsc on every
// mutant would only be slow, and a mutant changes no type) and the JSON report that `.ci/run` counts
// (every mutant run would overwrite it) — and limited to the test files of one module group.
//
// The group's test files come in MUTATE_TESTS (comma-separated globs), set by scripts/mutate.mjs and
// inherited by Stryker's workers. They are not given to Stryker as `testFiles`: with a test filter,
// Stryker 9.6 activates a static mutant (one in code that runs at import) only after the module has
// loaded, so such mutants would survive whatever the tests assert (stryker-js issue #6144).
import { defineConfig } from "vitest/config";
import { groups } from "./stryker.config.mjs";
import base from "./vitest.config.js";

// Without MUTATE_TESTS (`npx stryker run` alone): the test files of every group.
const include = process.env["MUTATE_TESTS"]?.split(",").filter((glob) => glob !== "") ?? groups.flatMap((g) => g.tests);

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include,
    typecheck: { enabled: false },
    reporters: ["default"],
  },
});
