// Where the runtime refuses to generate code from strings (`node --disallow-code-generation-from-strings`,
// an embedder's policy), the package as built still loads and validates with the same answers: the
// shape check's compiled fast path (src/validation/fits.ts) is left out and every value gets the full
// check.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { buildOnce, root } from "../support/build.js";

describe("where code generation from strings is refused", () => {
  beforeAll(buildOnce, 300_000);

  it("a well-formed task has no issue and a malformed one its issues, as where it is allowed", async () => {
    const script = `
      const { validateTask, labelingTask } = await import(${JSON.stringify(pathToFileURL(join(root, "dist/src/index.js")).href)});
      let generated = "allowed";
      try { new Function("return 1"); } catch (e) { generated = e.constructor.name; }
      const good = labelingTask({ name: "n", type: "CONCEPTS_CLASSIFICATION", concepts: ["cat"], workers: { strategy: "DYNAMIC", users: ["worker-1"] }, inputSource: { type: "DATASET", id: "ds-1" } });
      const bad = { ...good, input_source: {}, worker: { ...good.worker, workers: [{ worker: { case: "user", value: { id: 5 } } }] } };
      console.log(JSON.stringify({ generated, good: validateTask(good), bad: validateTask(bad).map((i) => i.path + ": " + i.message) }));
    `;
    // NODE_OPTIONS cleared: a loader or --import hook from the environment would run in the child too.
    const { stdout } = await promisify(execFile)(process.execPath, ["--disallow-code-generation-from-strings", "--input-type=module", "-e", script], {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    const result = JSON.parse(stdout) as { generated: string; good: unknown[]; bad: string[] };
    expect(result.generated).toBe("EvalError");
    expect(result.good).toEqual([]);
    expect(result.bad).toEqual([
      "task.worker.workers[0].user.id: id must be a string; it is the number 5",
      expect.stringMatching(/^task\.input_source: unknown field "input_source" in Task: init objects use camelCase names, so write inputSource/),
    ]);
  });
});
