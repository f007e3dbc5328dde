// The examples run as examples/README.md says: the package built (dist/, transpiled with its
// declarations), the examples compiled and type-checked with examples/tsconfig.json (which imports the
// package by its name, as a user's service would: this is the only check of the two main.ts files), and
// `node …/main.js --demo` against the embedded emulator.
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOnce, root, runScript, type Run } from "../support/build.js";

// Inside the repository (so that `clarifai-grpc-es` resolves to it), apart from a reader's own
// .build/examples and from parallel runs.
const outDir = join(root, ".build", `examples-test-${process.pid}`);

beforeAll(async () => {
  await buildOnce();
  await promisify(execFile)(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "examples/tsconfig.json", "--outDir", outDir], { cwd: root }).catch((e: { stdout?: string }) => {
    // tsc reports to stdout.
    throw new Error(`tsc -p examples/tsconfig.json failed:\n${e.stdout ?? e}`);
  });
}, 120_000);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

/** Runs a compiled example's main.js with `args` until it exits; without CLARIFAI_* it embeds the emulator. */
function runExample(example: string, args: string[]): Promise<Run> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("CLARIFAI_") && k !== "PORT" && k !== "LABELING_TASK_ID"));
  return runScript(join(outDir, example, "main.js"), args, { env });
}

describe.each([
  { example: "grpc-js", server: "grpc-js" },
  { example: "connect", server: "connect-node" },
])("node .build/examples/$example/main.js --demo", ({ example, server }) => {
  it("serves StartReview against the embedded emulator: a review task, then NOT_FOUND for a missing labeling task", async () => {
    const run = await runExample(example, ["--demo"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^${server} labeling orchestrator listening on 127\\.0\\.0\\.1:\\d+, calling Clarifai at http://127\\.0\\.0\\.1:\\d+ \\(embedded emulator\\)$`));
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^StartReview\(labeling-1\) → review task [0-9a-f]{32}$/), "StartReview(no-such-task) → NOT_FOUND, clarifai-status-name TASK_MISSING"]);
  }, 30_000);
});
