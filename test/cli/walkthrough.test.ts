// `npm start` as a newcomer runs it (the built walkthrough, `node dist/src/walkthrough/main.js`): every
// step passes and the run exits 0; `--live` without credentials says what to set and exits non-zero.
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ClarifaiClient, collector } from "clarifai-grpc-es";
import { startEmulator } from "clarifai-grpc-es/testing";
import { runSteps } from "../../src/walkthrough/runner.js";
import { emulatorSteps } from "../../src/walkthrough/scenarios.js";
import { SEED_APP_ID, SEED_PAT, SEED_USER_ID } from "../../src/walkthrough/seed-ids.js";
import { buildOnce, root, runScript, type Run } from "../support/build.js";

const walkthrough = "dist/src/walkthrough/main.js";

function run(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return runScript(walkthrough, args, { env });
}

beforeAll(buildOnce, 60_000);

describe.concurrent("npm start (the walkthrough)", () => {
  it("walks through every documented scenario on the embedded emulator and exits 0", async () => {
    const { code, stdout, stderr } = await run([], { PATH: process.env["PATH"] });
    expect(code, stderr).toBe(0);
    const steps = stdout.split("\n").filter((l) => /^\s*\d+ [✓✗]/.test(l));
    expect(steps.map((l) => l.replace(/^\s*\d+ ✓\s+\d+ ms {2}/, "").replace(/\s{2,}.*$/, ""))).toEqual([
      "create assigned task (manual review)",
      "create consensus task (weighted partitioning)",
      "create auto-annotation task (model worker)",
      "get task by id",
      "list all tasks (every page)",
      "list tasks by worker worker-1",
      "list tasks by reviewer reviewer-1",
      "update consensus task: status TASK_DONE",
      "delete two tasks",
      "add collector",
      "update collector (partial overwrite)",
      "list collectors",
      "get collector",
      "delete collector",
      "invalid task is refused before sending",
    ]);
    expect(stdout).toMatch(/update consensus task: status TASK_DONE\s+id=task-2 status=TASK_DONE/);
    expect(stdout).toMatch(/invalid task is refused before sending\s+ValidationError, nothing sent: .*approvalThresholdLabelers/);
    expect(stdout).toMatch(/\n15 steps passed in \d+ ms\./);
  });

  it("--live only reads, from whatever CLARIFAI_GRPC_BASE points at", async () => {
    const emulator = await startEmulator();
    try {
      const client = new ClarifaiClient({ pat: "emulator-pat", userId: "emulator-user", appId: "live-app", baseUrl: emulator.baseUrl });
      await client.collectors.create(collector({ id: "c1", postQueueWorkflowId: "wf", source: { modelId: "m", postInputsKeyId: "k" } }));
      await client.close();
      const env = { PATH: process.env["PATH"], CLARIFAI_PAT: "emulator-pat", CLARIFAI_USER_ID: "emulator-user", CLARIFAI_APP_ID: "live-app", CLARIFAI_GRPC_BASE: emulator.baseUrl };
      const { code, stdout, stderr } = await run(["--live"], env);
      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(/list tasks \(first page\)\s+0 tasks\n/);
      expect(stdout).toMatch(/list collectors \(first page\)\s+1 collector: c1\n/);
      expect(stdout).toMatch(/\n2 steps passed/);
    } finally {
      await emulator.close();
    }
  });

  it("--live without credentials names the variables to set and exits 2", async () => {
    const { code, stdout, stderr } = await run(["--live"], { PATH: process.env["PATH"], CLARIFAI_USER_ID: "me" });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("missing CLARIFAI_PAT, CLARIFAI_APP_ID");
  });
});

describe("the walkthrough's steps over the rest transport", () => {
  // The bin builds its own connect client; the same steps, against the same kind of emulator, run here
  // through a `transport: "rest"` client, so every documented scenario is also checked over REST.
  it("passes every step, as `npm start` does over gRPC", async () => {
    let n = 0;
    const emu = await startEmulator({ users: { [SEED_PAT]: SEED_USER_ID }, newId: () => `task-${++n}` });
    const client = new ClarifaiClient({ pat: SEED_PAT, userId: SEED_USER_ID, appId: SEED_APP_ID, baseUrl: emu.baseUrl, transport: "rest" });
    try {
      const lines: string[] = [];
      const steps = emulatorSteps(client, () => emu.store.countTasks(SEED_USER_ID, SEED_APP_ID));
      const result = await runSteps(steps, (line) => lines.push(line));
      expect(result.passed, lines.join("\n")).toBe(steps.length);
      expect(steps).toHaveLength(15);
      expect(lines.join("\n")).toMatch(/update consensus task: status TASK_DONE\s+id=task-2 status=TASK_DONE/);
    } finally {
      await client.close();
      await emu.close();
    }
  });
});

describe("the walkthrough in the package", () => {
  it("imports nothing from test/, so the build emits no dist/test and the package can ship it", async () => {
    const files = (await readdir(join(root, "src"), { recursive: true })).filter((f) => f.endsWith(".ts"));
    const reachingIntoTest: string[] = [];
    for (const f of files) {
      const text = await readFile(join(root, "src", f), "utf8");
      if (/from\s+["'](\.\.\/)+test\//.test(text)) reachingIntoTest.push(f);
    }
    expect(reachingIntoTest).toEqual([]);
    const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { files: string[] };
    expect(pkg.files).toEqual(["dist/src", "dist/gen", "proto", "README.md"]);
  });
});
