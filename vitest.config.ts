import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tests import the package by its public names, resolved to the sources so no build is needed.
const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^clarifai-grpc-es\/testing$/, replacement: src("testing/index.ts") },
      { find: /^clarifai-grpc-es\/grpc-js$/, replacement: src("grpc-js.ts") },
      { find: /^clarifai-grpc-es$/, replacement: src("index.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Fails a test (or file) during which Node printed a warning nobody expected.
    setupFiles: ["test/setup/warnings.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // After-hooks run in the reverse order of their registration (vitest 4's default, stated here): the
    // fault files' guardSuite() check then comes after the file's own teardown (process-guard.ts).
    sequence: { hooks: "stack" },
    // The JSON report is what .ci/run counts; the default reporter is for people.
    reporters: ["default", ["json", { outputFile: process.env["VITEST_JSON_REPORT"] ?? "reports/vitest.json" }]],
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
});
