// `clarifai-grpc-es tasks|collectors …` as a user runs them: the built bin in a child process, talking
// to a real emulator over HTTP/2, fed the documentation's REST bodies from a file or stdin.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import {
  COLLECTOR_ID,
  NEW_COLLECTOR_DESCRIPTION,
  REVIEWER_USER_ID,
  SEED_APP_ID,
  SEED_PAT,
  SEED_USER_ID,
  WORKER_USER_ID,
  seeds,
} from "../fixtures/seeds.js";
import { readInput } from "../../src/cli/input.js";
import { main } from "../../src/cli/main.js";
import { bin, buildOnce, runScript, type Run } from "../support/build.js";

let emulator: Emulator;
let dir: string;
let env: NodeJS.ProcessEnv;

/** Runs the bin to completion with `args`, optional stdin text and extra env; never rejects. */
function cli(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return runScript(bin, args, { env: { ...env, ...options.env }, input: options.input });
}

/** Runs and parses `--json` output, failing with the child's stderr when it did not exit 0. */
async function json<T>(args: string[], input?: string): Promise<T> {
  const r = await cli([...args, "--json"], { input });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

async function file(name: string, body: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(body));
  return path;
}

const body = (key: keyof typeof seeds) => JSON.stringify(seeds[key].requestJson);

beforeAll(async () => {
  [emulator, dir] = await Promise.all([startEmulator({ users: { [SEED_PAT]: SEED_USER_ID } }), mkdtemp(join(tmpdir(), "cli-test-")), buildOnce()]);
  env = {
    PATH: process.env["PATH"],
    CLARIFAI_PAT: SEED_PAT,
    CLARIFAI_USER_ID: SEED_USER_ID,
    CLARIFAI_APP_ID: SEED_APP_ID,
    CLARIFAI_GRPC_BASE: emulator.baseUrl,
  };
}, 60_000);

afterAll(async () => {
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

// Concurrent: the tests touch different resources or none, and each spends most of its time waiting
// for child processes. A scenario spawns a dozen of them one after another, which on a busy machine
// takes longer than the suite's default 20 s: a generous bound, never a measure.
const SCENARIO_TIMEOUT_MS = 90_000;

describe.concurrent("clarifai-grpc-es tasks", { timeout: SCENARIO_TIMEOUT_MS }, () => {
  it("runs every documented task scenario from the docs' REST bodies", async () => {
    // Create: one from a file (-f), one from stdin, one with the PHP example's numeric enums.
    const [assigned, [consensus], [auto]] = await Promise.all([
      cli(["tasks", "create", "-f", await file("assigned.json", seeds.assignedTask.requestJson)]),
      json<{ id: string; worker: { partitioned_strategy_info: unknown } }[]>(["tasks", "create"], body("consensusTask")),
      json<{ id: string }[]>(["tasks", "create"], JSON.stringify(seeds.autoAnnotationTask.jsonVariants[0]!.json)),
    ]);
    expect(assigned.code, assigned.stderr).toBe(0);
    expect(assigned.stdout).toMatch(/^ID\s+NAME\s+TYPE\s+WORKERS\s+REVIEW\s+STATUS\s+CREATED$/m);
    expect(assigned.stdout).toMatch(/Annotate water\s+CONCEPTS_CLASSIFICATION\s+DYNAMIC worker-1\s+MANUAL reviewer-1\s+TASK_IN_PROGRESS/);
    // --json prints what toJson writes: the REST docs' names, so the output reads back as a body.
    expect(consensus!.worker.partitioned_strategy_info).toEqual({ type: "WEIGHTED", workers_per_input: 3, weights: { "worker-1": 1, "worker-2": 1, "worker-3": 1 } });
    expect(emulator.store.countTasks(SEED_USER_ID, SEED_APP_ID)).toBe(3);

    const ids = (list: { id: string }[]) => list.map((t) => t.id).sort();
    const [all, byWorker, byReviewer] = await Promise.all([
      json<{ id: string }[]>(["tasks", "list", "--all", "--per-page", "2"]),
      json<{ id: string }[]>(["tasks", "list", "--worker", WORKER_USER_ID]),
      json<{ id: string }[]>(["tasks", "list", "--reviewer", REVIEWER_USER_ID]),
    ]);
    expect(all).toHaveLength(3);
    const assignedId = all.find((t) => t.id !== consensus!.id && t.id !== auto!.id)!.id;
    expect(ids(byWorker)).toEqual([assignedId, consensus!.id].sort());
    expect(ids(byReviewer)).toEqual([assignedId, consensus!.id].sort());

    // Update: the docs' body (deprecated worker.users / concept_ids / approval_threshold) overwrites
    // the consensus task; the CLI sends current fields and says so on stderr.
    const update = structuredClone(seeds.updateTask.requestJson) as { tasks: { id: string }[] };
    update.tasks[0]!.id = consensus!.id;
    const updated = await cli(["tasks", "update"], { input: JSON.stringify(update) });
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stderr).toContain("note: tasks[0].worker.users: worker.users is deprecated");
    expect(updated.stdout).toMatch(new RegExp(`^${consensus!.id}\\s.*PARTITIONED worker-1,worker-2,worker-3.*TASK_DONE`, "m"));
    const stored = emulator.store.tasks(SEED_USER_ID, SEED_APP_ID).find((t) => t.id === consensus!.id)!;
    expect({ users: stored.worker?.users.length, workers: stored.worker?.workers.length, conceptIds: stored.conceptIds }).toEqual({ users: 0, workers: 3, conceptIds: [] });

    const got = await cli(["tasks", "get", consensus!.id]);
    expect(got.stdout).toMatch(/TASK_DONE/);

    const deleted = await cli(["tasks", "delete", assignedId, auto!.id]);
    expect(deleted).toMatchObject({ code: 0, stdout: `deleted ${assignedId}, ${auto!.id}\n` });
    expect(ids(await json(["tasks", "list"]))).toEqual([consensus!.id]);
  });

  it("reports API errors with the status code name and exit code 1", async () => {
    const missing = await cli(["tasks", "get", "no-such-task"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^clarifai-grpc-es tasks get: \[TASK_MISSING 54102\] GetTask: /);
    // The client's own validation is an API-layer error too, and nothing reaches the server.
    const [invalid, badKey] = await Promise.all([
      cli(["tasks", "create"], { input: JSON.stringify({ name: "no workers", type: "CONCEPTS_CLASSIFICATION" }) }),
      cli(["collectors", "list"], { env: { CLARIFAI_PAT: "wrong-key" } }),
    ]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain("[INVALID_ARGUMENT] PostTasks:");
    expect(emulator.store.tasks(SEED_USER_ID, SEED_APP_ID).map((t) => t.name)).not.toContain("no workers");
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toContain("[CONN_KEY_INVALID 11008] ListCollectors:");
  });
});

describe.concurrent("deleting what does not exist", { timeout: SCENARIO_TIMEOUT_MS }, () => {
  // Their own app, so the other scenarios' counts stay as they are.
  const inApp = { CLARIFAI_APP_ID: "delete-app" };

  it("names the ids that were not there, deletes the rest, and exits 0 as the API answers SUCCESS", async () => {
    const request = structuredClone(seeds.assignedTask.requestJson) as { user_app_id: { app_id: string } };
    request.user_app_id.app_id = "delete-app";
    const created = await json<{ id: string }[]>(["tasks", "create"], JSON.stringify(request));
    const id = created[0]!.id;
    expect(emulator.store.countTasks(SEED_USER_ID, "delete-app")).toBe(1);
    const r = await cli(["tasks", "delete", "no-such-task", id, "no-such-task"], { env: inApp });
    expect(r).toMatchObject({ code: 0, stderr: "", stdout: `deleted ${id}\nnot found, nothing to delete: no-such-task\n` });
    expect(emulator.store.countTasks(SEED_USER_ID, "delete-app")).toBe(0);
  });

  it("says so when nothing was there, in text and in --json", async () => {
    const [text, asJson] = await Promise.all([
      cli(["collectors", "delete", "ghost-1", "ghost-2"], { env: inApp }),
      cli(["collectors", "delete", "ghost-3", "--json"], { env: inApp }),
    ]);
    expect(text).toMatchObject({ code: 0, stdout: "not found, nothing to delete: ghost-1, ghost-2\n" });
    expect(asJson.code, asJson.stderr).toBe(0);
    expect(JSON.parse(asJson.stdout)).toEqual({ deleted: [], not_found: ["ghost-3"] });
  });

  it("an API error is still exit code 1 (a wrong key), with nothing called missing", async () => {
    const r = await cli(["tasks", "delete", "t1"], { env: { ...inApp, CLARIFAI_PAT: "wrong-key" } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("[CONN_KEY_INVALID 11008] DeleteTasks:");
  });
});

describe.concurrent("stdin", { timeout: SCENARIO_TIMEOUT_MS }, () => {
  it("keeps non-ASCII names whole, even with a character split across chunks", async () => {
    const name = "Étiqueter l’eau — 水の注釈 🌊";
    const bytes = Buffer.from(JSON.stringify({ name }));
    // Split inside the three-byte "水" (and everywhere else), as a pipe may deliver it.
    const split = [...bytes].map((b) => Buffer.from([b]));
    const { text } = await readInput(undefined, Readable.from(split));
    expect(JSON.parse(text)).toEqual({ name });
  });

  it("creates tasks with non-ASCII names piped in, as they were written", async () => {
    // Their own app, so the task scenario's counts in the seed app stay as they are.
    const names = ["Étiqueter l’eau", "水の注釈", "Wasser 🌊 annotieren"];
    const request = structuredClone(seeds.assignedTask.requestJson) as { user_app_id: { app_id: string }; tasks: { name: string }[] };
    request.user_app_id.app_id = "utf8-app";
    request.tasks = names.map((n) => ({ ...request.tasks[0]!, name: n }));
    const created = await json<{ name: string }[]>(["tasks", "create"], JSON.stringify(request));
    expect(created.map((t) => t.name)).toEqual(names);
    expect(emulator.store.tasks(SEED_USER_ID, "utf8-app").map((t) => t.name).sort()).toEqual([...names].sort());
  });
});

describe.concurrent("clarifai-grpc-es collectors", { timeout: SCENARIO_TIMEOUT_MS }, () => {
  it("adds, patches, lists, gets and deletes the documented collector", async () => {
    const added = await cli(["collectors", "create", "-f", await file("collector.json", seeds.addCollector.requestJson)]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^collector-1\s+Collects the general model's predictions\s+pre-queue-wf\s+post-queue-wf\s+clarifai\/main\/general-image-recognition/m);
    const patched = await cli(["collectors", "update"], { input: body("updateCollector") });
    expect(patched.code, patched.stderr).toBe(0);
    const list = await json<{ id: string }[]>(["collectors", "list"]);
    expect(list.map((c) => c.id)).toEqual([COLLECTOR_ID]);
    // The partial patch kept what it left out (post-queue workflow, source).
    expect(await json(["collectors", "get", COLLECTOR_ID])).toMatchObject({
      description: NEW_COLLECTOR_DESCRIPTION,
      pre_queue_workflow_id: "pre-queue-wf-2",
      post_queue_workflow_id: "post-queue-wf",
      collector_source: { api_post_model_outputs_collector_source: { model_id: "general-image-recognition" } },
    });
    expect(await json(["collectors", "delete", COLLECTOR_ID])).toEqual({ deleted: [COLLECTOR_ID], not_found: [] });
    expect((await cli(["collectors", "list"])).stdout).toBe("no collectors\n");
  });
});

describe.concurrent("usage", { timeout: SCENARIO_TIMEOUT_MS }, () => {
  // In process (the same dispatcher the bin runs) where no stdin or environment is involved: a spawn
  // per --help would only test Node's startup again.
  const inProcess = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  };

  it("has --help on every command and action", async () => {
    const spawned = await Promise.all([cli(["--help"]), cli(["tasks", "list", "--help"])]);
    const runs = [
      ...spawned,
      ...(await Promise.all([
        ...["tasks", "collectors", "emulator"].map((c) => inProcess([c, "--help"])),
        ...["tasks", "collectors"].flatMap((c) => ["list", "get", "create", "update", "delete"].map((a) => inProcess([c, a, "-h"]))),
      ])),
    ];
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^Usage: clarifai-grpc-es/);
    }
    expect(runs[0]!.stdout).toMatch(/tasks\s+list, get, create, update and delete labeling tasks/);
    expect(runs[1]!.stdout).toMatch(/--worker ID\s+only tasks this user labels/);
    // The documented defaults come from api-constants.ts, like the client's and the emulator's.
    expect(runs[1]!.stdout).toMatch(/--per-page N\s+page size \(default 128\)/);
    expect(runs.find((r) => r.stdout.startsWith("Usage: clarifai-grpc-es tasks update"))?.stdout).toContain('PATCH action "overwrite"');
    expect(runs.at(-1)!.stdout).toContain("Exit codes: 0 ok, 1 API error, 2 usage error");
  });

  it("exits 2 on usage errors, with the action's usage", async () => {
    const [notJson, noEnv] = await Promise.all([
      cli(["tasks", "create"], { input: "{not json" }),
      cli(["tasks", "list"], { env: { CLARIFAI_PAT: "", CLARIFAI_APP_ID: "" } }),
    ]);
    const typoFile = await file("typo.json", { nmae: "typo" });
    const [noAction, unknownAction, inherited, badFlag, badPage, noId, typo, missingFile, bigPage] = await Promise.all([
      inProcess(["tasks"]),
      inProcess(["tasks", "frob"]),
      // Names every object inherits are not actions either.
      inProcess(["tasks", "toString"]),
      inProcess(["tasks", "list", "--nope"]),
      inProcess(["tasks", "list", "--page", "0"]),
      inProcess(["collectors", "get"]),
      inProcess(["tasks", "create", "-f", typoFile]),
      inProcess(["collectors", "create", "-f", join(dir, "missing.json")]),
      // The API's maximum page size: a larger one is refused here, not sent (the API would clamp it).
      inProcess(["tasks", "list", "--all", "--per-page", "5000"]),
    ]);
    for (const r of [notJson, noEnv, noAction, unknownAction, inherited, badFlag, badPage, noId, typo, missingFile, bigPage]) expect(r.code, r.stderr).toBe(2);
    expect(bigPage.stderr).toContain("--per-page is at most 1000");
    expect(notJson.stderr).toMatch(/^clarifai-grpc-es tasks create: stdin is not JSON/);
    expect(noEnv.stderr).toContain("missing CLARIFAI_PAT, CLARIFAI_APP_ID");
    expect(unknownAction.stderr).toContain('unknown action "frob"');
    expect(inherited.stderr).toContain('unknown action "toString"');
    expect(badFlag.stderr).toMatch(/--nope[\s\S]*Usage: clarifai-grpc-es tasks list/);
    expect(badPage.stderr).toContain('--page expects a positive integer, got "0"');
    expect(noId.stderr).toContain("give the collector's ID");
    expect(typo.stderr).toContain('key "nmae" is unknown; did you mean "name"?');
    expect(missingFile.stderr).toContain("cannot read");
  });

  it("takes --base-url over CLARIFAI_GRPC_BASE", async () => {
    const r = await cli(["collectors", "list", "--base-url", emulator.baseUrl], { env: { CLARIFAI_GRPC_BASE: "http://127.0.0.1:1" } });
    expect(r).toMatchObject({ code: 0 });
  });
});
