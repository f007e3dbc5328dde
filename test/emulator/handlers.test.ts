// The emulator's answers, exactly: for every RPC, the status code, description and details a caller
// gets, what is stored, and what is left alone — in memory through connect's router transport (the
// fast tier: the same routes as the socket), with an injected clock and id generator. Then the
// malformed-bytes screen in front of the routes, on a real socket.
import { once } from "node:events";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { createClient, createRouterTransport, type Client } from "@connectrpc/connect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CollectorSchema, ListTasksRequestSchema, MultiTaskResponseSchema, StatusCode, V2 } from "clarifai-grpc-es";
import { emulatorNodeHandler } from "../../src/testing/malformed.js";
import { Refusal, statusOf } from "../../src/testing/status.js";
import { createEmulatorState, EmulatorCodes, emulatorRoutes, startEmulator, type Emulator, type EmulatorState } from "clarifai-grpc-es/testing";

const KEY = "handlers-key";
const USER = "handlers-user";
const headers = { authorization: `Key ${KEY}` };
const scope = { userId: USER, appId: "app" };
const T0 = new Date("2031-05-06T07:08:09.000Z");

let state: EmulatorState;
let client: Client<typeof V2>;
let clock: Date;
let ids: number;

beforeEach(() => {
  clock = T0;
  ids = 0;
  state = createEmulatorState({ users: { [KEY]: USER, "other-key": "other-user" }, now: () => clock, newId: () => `gen-${++ids}` });
  client = createClient(V2, createRouterTransport(emulatorRoutes(state)));
});

const user = (id: string) => ({ worker: { case: "user" as const, value: { id } } });
/** A task the rules accept: human labeling by `workers`, FULL strategy, all inputs. */
const task = (id = "", workers = ["w1"], extra: object = {}) => ({
  id,
  type: 1,
  worker: { strategy: 3, workers: workers.map(user) },
  inputSource: { type: 1 },
  ...extra,
});
/** The source every collector needs: a model whose inputs are collected, and a key to post them with. */
const source = { apiPostModelOutputsCollectorSource: { modelUserId: "x", modelAppId: "y", modelId: "m", postInputsKeyId: "k", callerUserId: "spoofed" } };
/** A collector the rules accept. */
const collector = (id: string, extra: object = {}) => ({ id, preQueueWorkflowId: "wf", collectorSource: source, ...extra });

describe("keys and apps", () => {
  it("refuses a missing header and an unknown key with CONN_KEY_INVALID, saying which", async () => {
    const none = await client.listTasks({ userAppId: scope });
    expect([none.status?.code, none.status?.description, none.status?.details]).toEqual([
      StatusCode.CONN_KEY_INVALID,
      "API key not found",
      "missing header authorization: Key <PAT>",
    ]);
    const unknown = await client.listTasks({ userAppId: scope }, { headers: { authorization: "Key nobody" } });
    expect(unknown.status?.details).toBe("the key in the authorization header is not known");
    expect(unknown.status?.code).toBe(EmulatorCodes.keyInvalid);
  });

  it("reads the key from `Key <pat>` in any case and spacing, and from nothing else", async () => {
    for (const authorization of [`Key ${KEY}`, `key ${KEY}`, `KEY   ${KEY}  `, `  Key ${KEY}`]) {
      expect((await client.listTasks({ userAppId: scope }, { headers: { authorization } })).status?.code, authorization).toBe(StatusCode.SUCCESS);
    }
    for (const authorization of [`Bearer ${KEY}`, KEY, `Key ${KEY} extra`, `Key${KEY}`, `xKey ${KEY}`, `Key ${KEY}x`]) {
      expect((await client.listTasks({ userAppId: scope }, { headers: { authorization } })).status?.code, authorization).toBe(StatusCode.CONN_KEY_INVALID);
    }
  });

  it("needs user_app_id with a PAT, naming each missing field", async () => {
    const none = await client.listTasks({}, { headers });
    expect(none.status?.code).toBe(StatusCode.CONN_INVALID_REQUEST);
    expect(none.status?.description).toBe("Invalid request");
    expect(none.status?.details).toBe(
      'userAppId.userId: required with a PAT (use "me" for the key\'s own user); userAppId.appId: required with a PAT: name the app to act in',
    );
    expect((await client.listTasks({ userAppId: { userId: "me" } }, { headers })).status?.details).toBe("userAppId.appId: required with a PAT: name the app to act in");
    expect((await client.listTasks({ userAppId: { appId: "a" } }, { headers })).status?.details).toMatch(/^userAppId\.userId: required/);
  });

  it('acts as the key\'s own user for "me" or its id, and nowhere else', async () => {
    await client.postTasks({ userAppId: { userId: "me", appId: "app" }, tasks: [task("a")] }, { headers });
    expect((await client.listTasks({ userAppId: scope }, { headers })).tasks.map((t) => [t.id, t.userId])).toEqual([["a", USER]]);
    const foreign = await client.listTasks({ userAppId: { userId: "other-user", appId: "app" } }, { headers });
    expect([foreign.status?.code, foreign.status?.description, foreign.status?.details]).toEqual([
      StatusCode.CONN_INSUFFICIENT_SCOPES,
      "Insufficient scopes",
      'userAppId.userId: the key may only act in apps of its own user, not "other-user"',
    ]);
    expect(foreign.tasks).toEqual([]);
  });

  it("numbers every answer's req_id, refusals included", async () => {
    const a = await client.listTasks({ userAppId: scope }, { headers });
    const b = await client.listTasks({ userAppId: scope });
    const c = await client.getTask({ userAppId: scope, taskId: "x" }, { headers });
    expect([a.status?.reqId, b.status?.reqId, c.status?.reqId]).toEqual(["emulator-req-1", "emulator-req-2", "emulator-req-3"]);
    expect(a.status?.description).toBe("Ok");
    expect(a.status?.details).toBe("");
  });
});

describe("PostTasks", () => {
  it("stores the batch with generated ids, owner, app, both timestamps and an in-progress status", async () => {
    const res = await client.postTasks(
      { userAppId: scope, tasks: [task(), task("mine", ["w1"], { status: { code: StatusCode.ZERO, description: "none" } }), task("", ["w2"], { status: { code: StatusCode.TASK_DONE } })] },
      { headers },
    );
    expect(res.status?.code).toBe(StatusCode.SUCCESS);
    expect(res.tasks.map((t) => [t.id, t.userId, t.appId, t.status?.code, t.status?.description])).toEqual([
      ["gen-1", USER, "app", StatusCode.TASK_IN_PROGRESS, "Task in progress"],
      ["mine", USER, "app", StatusCode.TASK_IN_PROGRESS, "Task in progress"],
      ["gen-2", USER, "app", StatusCode.TASK_DONE, ""],
    ]);
    for (const t of res.tasks) {
      expect(timestampDate(t.createdAt!)).toEqual(T0);
      expect(timestampDate(t.modifiedAt!)).toEqual(T0);
    }
    expect(state.store.tasks(USER, "app").map((t) => t.id)).toEqual(["gen-1", "mine", "gen-2"]);
    expect(state.store.countTasks(USER, "app")).toBe(3);
  });

  it("refuses an empty batch, an invalid task, an id the app holds and an id twice — storing nothing", async () => {
    await client.postTasks({ userAppId: scope, tasks: [task("held")] }, { headers });
    const empty = await client.postTasks({ userAppId: scope, tasks: [] }, { headers });
    expect([empty.status?.code, empty.status?.details]).toEqual([StatusCode.CONN_INVALID_REQUEST, "tasks: at least one task is required"]);
    const invalid = await client.postTasks({ userAppId: scope, tasks: [task("ok"), { ...task("bad"), type: 99 }] }, { headers });
    expect(invalid.status?.code).toBe(StatusCode.CONN_INVALID_REQUEST);
    expect(invalid.status?.details).toMatch(/^tasks\[1\]\.type: /);
    const held = await client.postTasks({ userAppId: scope, tasks: [task("new"), task("held")] }, { headers });
    expect([held.status?.code, held.status?.description, held.status?.details]).toEqual([
      StatusCode.TASK_CONFLICT,
      "Task conflicts with an existing task",
      'tasks[1].id: a task with id "held" already exists in the app',
    ]);
    const twice = await client.postTasks({ userAppId: scope, tasks: [task("dup"), task("dup")] }, { headers });
    expect([twice.status?.code, twice.status?.details]).toEqual([StatusCode.CONN_INVALID_REQUEST, 'tasks[1].id: duplicate task id "dup": already used by tasks[0]']);
    expect(twice.tasks).toEqual([]);
    expect(state.store.tasks(USER, "app").map((t) => t.id)).toEqual(["held"]);
  });

  it("accepts the deprecated fields the docs still send", async () => {
    const deprecated = { id: "old", type: 1, worker: { strategy: 3, users: [{ id: "legacy" }] }, inputSource: { type: 1 } };
    const res = await client.postTasks({ userAppId: scope, tasks: [deprecated] }, { headers });
    expect(res.status?.code).toBe(StatusCode.SUCCESS);
  });
});

describe("GetTask, ListTasks and the counts", () => {
  beforeEach(async () => {
    await client.postTasks({ userAppId: scope, tasks: [task("a", ["w1"]), task("b", ["w2", "w3"])] }, { headers });
  });

  it("gets a task by id; a missing or unknown id is refused, naming it", async () => {
    expect((await client.getTask({ userAppId: scope, taskId: "b" }, { headers })).task?.id).toBe("b");
    const missing = await client.getTask({ userAppId: scope }, { headers });
    expect([missing.status?.code, missing.status?.details]).toEqual([StatusCode.CONN_INVALID_REQUEST, "taskId: required"]);
    const unknown = await client.getTask({ userAppId: scope, taskId: "zz" }, { headers });
    expect([unknown.status?.code, unknown.status?.description, unknown.status?.details]).toEqual([
      StatusCode.TASK_MISSING,
      "Task not found",
      'taskId: no task "zz" in app "app"',
    ]);
    expect(unknown.task).toBeUndefined();
  });

  it("pages from 1, 128 per page by default, at most 1000, a page past the end empty", async () => {
    await client.postTasks({ userAppId: scope, tasks: Array.from({ length: 200 }, () => task()) }, { headers });
    const list = (page: number, perPage: number) => client.listTasks({ userAppId: scope, page, perPage }, { headers });
    expect((await list(0, 0)).tasks).toHaveLength(128);
    expect((await list(1, 0)).tasks[0]!.id).toBe("a");
    expect((await list(2, 0)).tasks).toHaveLength(202 - 128);
    expect((await list(2, 3)).tasks.map((t) => t.id)).toEqual(["gen-2", "gen-3", "gen-4"]);
    expect((await list(0, 2)).tasks.map((t) => t.id)).toEqual(["a", "b"]);
    expect((await list(99, 10)).tasks).toEqual([]);
    expect((await list(1, 1000)).tasks).toHaveLength(202);
    const tooMany = await list(1, 1001);
    expect([tooMany.status?.code, tooMany.status?.details]).toEqual([StatusCode.CONN_INVALID_REQUEST, "perPage: at most 1000 per page (got 1001)"]);
  });

  it("filters by ids, workers, reviewers and input source: AND across filters, OR within one", async () => {
    await client.postTasks(
      {
        userAppId: scope,
        tasks: [
          task("c", ["w3"], { inputSource: { type: 3, id: "ds" }, review: { strategy: 2, users: [{ id: "r1" }] } }),
          task("d", ["w4"], { inputSource: { type: 3, id: "other-ds" }, review: { strategy: 2, users: [{ id: "r2" }] } }),
        ],
      },
      { headers },
    );
    const ids = async (filters: object) => (await client.listTasks({ userAppId: scope, ...filters }, { headers })).tasks.map((t) => t.id);
    expect(await ids({})).toEqual(["a", "b", "c", "d"]);
    expect(await ids({ ids: ["d", "a"] })).toEqual(["a", "d"]);
    expect(await ids({ workerUserIds: ["w3"] })).toEqual(["b", "c"]);
    expect(await ids({ workerUserIds: ["w1", "w4"] })).toEqual(["a", "d"]);
    expect(await ids({ workerUserIds: ["w3"], ids: ["c"] })).toEqual(["c"]);
    expect(await ids({ reviewUserIds: ["r1"] })).toEqual(["c"]);
    expect(await ids({ reviewUserIds: ["r2", "r1"], workerUserIds: ["w4"] })).toEqual(["d"]);
    expect(await ids({ inputSourceType: 3 })).toEqual(["c", "d"]);
    expect(await ids({ inputSourceType: 1 })).toEqual(["a", "b"]);
    expect(await ids({ inputSourceIds: ["ds"] })).toEqual(["c"]);
    expect(await ids({ inputSourceType: 3, inputSourceIds: ["other-ds"] })).toEqual(["d"]);
    expect(await ids({ workerUserIds: ["nobody"] })).toEqual([]);
    // A task with no input source has none of the filtered types or ids.
    await client.postTasks({ userAppId: scope, tasks: [{ id: "e", type: 1, worker: { strategy: 3, workers: [user("w5")] } }] }, { headers });
    expect(await ids({ inputSourceType: 1 })).toEqual(["a", "b"]);
    expect(await ids({ inputSourceIds: ["ds", ""] })).toEqual(["a", "b", "c", "e"]);
  });

  it("finds workers by user id only, not a model or workflow with that id", async () => {
    await client.postTasks({ userAppId: scope, tasks: [{ id: "auto", type: 0, worker: { strategy: 3, workers: [{ worker: { case: "model", value: { id: "w1" } } }] }, inputSource: { type: 1 } }] }, { headers });
    expect((await client.listTasks({ userAppId: scope, workerUserIds: ["w1"] }, { headers })).tasks.map((t) => t.id)).toEqual(["a"]);
  });

  it("leaves out label-order tasks unless asked for them, by flag or by id", async () => {
    await client.postTasks({ userAppId: scope, tasks: [task("lo1", ["w1"], { labelOrderId: "order-1" }), task("lo2", ["w1"], { labelOrderId: "order-2" })] }, { headers });
    const ids = async (filters: object) => (await client.listTasks({ userAppId: scope, ...filters }, { headers })).tasks.map((t) => t.id);
    expect(await ids({})).toEqual(["a", "b"]);
    expect(await ids({ includingLabelOrderTasks: true })).toEqual(["a", "b", "lo1", "lo2"]);
    expect(await ids({ labelOrderIds: ["order-2"] })).toEqual(["lo2"]);
    expect(await ids({ labelOrderIds: ["order-2"], workerUserIds: ["w2"] })).toEqual([]);
  });

  it("counts one zero row per worker, filtered by user, model version or workflow (OR within the filters)", async () => {
    const auto = (id: string, worker: { case: "model"; value: { id: string; modelVersion: { id: string } } } | { case: "workflow"; value: { id: string } }) => ({ id, type: 0, worker: { strategy: 3, workers: [{ worker }] }, inputSource: { type: 1 } });
    await client.postTasks(
      {
        userAppId: scope,
        tasks: [auto("auto-m", { case: "model", value: { id: "m", modelVersion: { id: "mv1" } } }), auto("auto-w", { case: "workflow", value: { id: "wf1" } })],
      },
      { headers },
    );
    const rows = async (taskId: string, filters: object = {}, rpc: "getTaskAnnotationCount" | "getTaskInputCount" = "getTaskAnnotationCount") => {
      const res = await client[rpc]({ userAppId: scope, taskId, ...filters }, { headers });
      expect(res.status?.code).toBe(StatusCode.SUCCESS);
      expect([res.appId, res.taskId]).toEqual(["app", taskId]);
      return res.counts.map((c) => [c.userId, c.worker?.worker.case, c.success, c.pending]);
    };
    expect(await rows("b")).toEqual([
      ["w2", "user", 0, 0],
      ["w3", "user", 0, 0],
    ]);
    expect(await rows("b", { userIds: ["w3"] }, "getTaskInputCount")).toEqual([["w3", "user", 0, 0]]);
    // Each filter looks at its own kind of worker only: a user whose id equals a workflow's, a
    // model whose id equals a user's, a workflow with no model version.
    expect(await rows("b", { workflowVersionIds: ["w2"] })).toEqual([]);
    expect(await rows("auto-m", { userIds: ["m"] })).toEqual([]);
    expect(await rows("auto-w", { modelVersionIds: [""] })).toEqual([]);
    expect(await rows("auto-m")).toEqual([["", "model", 0, 0]]);
    expect(await rows("auto-m", { modelVersionIds: ["mv1"] })).toEqual([["", "model", 0, 0]]);
    expect(await rows("auto-m", { modelVersionIds: ["m"] })).toEqual([]);
    expect(await rows("auto-m", { userIds: ["w2"] })).toEqual([]);
    expect(await rows("auto-w", { workflowVersionIds: ["wf1"], userIds: ["w2"] })).toEqual([["", "workflow", 0, 0]]);
    expect(await rows("auto-w", { modelVersionIds: ["mv1"] })).toEqual([]);
    // A model without a version is counted under the empty version id.
    await client.postTasks({ userAppId: scope, tasks: [auto("auto-nv", { case: "model", value: { id: "m" } } as never)] }, { headers });
    expect(await rows("auto-nv", { modelVersionIds: [""] })).toEqual([["", "model", 0, 0]]);
    const unknown = await client.getTaskInputCount({ userAppId: scope, taskId: "zz" }, { headers });
    expect([unknown.status?.code, unknown.status?.details]).toEqual([StatusCode.TASK_MISSING, 'taskId: no task "zz" in app "app"']);
  });
});

describe("PatchTasks", () => {
  beforeEach(async () => {
    await client.postTasks({ userAppId: scope, tasks: [task("a", ["w1"], { status: { code: StatusCode.TASK_DONE, description: "done" } }), task("b")] }, { headers });
    clock = new Date("2032-01-01T00:00:00Z");
  });

  it("overwrites whole tasks, keeping owner, app, created_at and — when the patch has none — the status", async () => {
    const res = await client.patchTasks(
      { userAppId: scope, action: "overwrite", tasks: [task("a", ["w9"], { name: "renamed", status: { code: StatusCode.ZERO } }), task("b", ["w1"], { status: { code: StatusCode.TASK_FAILED } })] },
      { headers },
    );
    expect(res.status?.code).toBe(StatusCode.SUCCESS);
    const [a, b] = res.tasks;
    expect([a!.name, a!.userId, a!.appId, a!.status?.code, a!.status?.description]).toEqual(["renamed", USER, "app", StatusCode.TASK_DONE, "done"]);
    expect(timestampDate(a!.createdAt!)).toEqual(T0);
    expect(timestampDate(a!.modifiedAt!)).toEqual(clock);
    expect(b!.status?.code).toBe(StatusCode.TASK_FAILED);
    const stored = state.store.tasks(USER, "app");
    expect(stored.map((t) => [t.id, t.name, t.worker?.workers.length])).toEqual([
      ["a", "renamed", 1],
      ["b", "", 1],
    ]);
    expect(stored[0]!.worker?.workers[0]?.worker.value?.id).toBe("w9");
  });

  it("refuses another action, an empty batch, a task without id or unknown, an id twice — changing nothing", async () => {
    const refuse = async (req: object) => (await client.patchTasks({ userAppId: scope, ...req }, { headers })).status;
    const merge = await refuse({ action: "merge", tasks: [task("a")] });
    expect([merge?.code, merge?.details]).toEqual([StatusCode.CONN_INVALID_REQUEST, 'action: must be "overwrite" (got "merge")']);
    expect((await refuse({ action: "overwrite", tasks: [] }))?.details).toBe("tasks: at least one task is required");
    expect((await refuse({ action: "overwrite", tasks: [task("a"), task("")] }))?.details).toBe("tasks[1].id: required: the id of the task to overwrite");
    const unknown = await refuse({ action: "overwrite", tasks: [task("a", ["changed"]), task("zz")] });
    expect([unknown?.code, unknown?.details]).toEqual([StatusCode.TASK_MISSING, 'tasks[1].id: no task "zz" in app "app"']);
    const invalid = await refuse({ action: "overwrite", tasks: [{ ...task("a"), type: 99 }] });
    expect(invalid?.details).toMatch(/^tasks\[0\]\.type: /);
    // One id twice in a batch: refused (as Post/PatchCollectors do), not "the last one wins".
    const twice = await refuse({ action: "overwrite", tasks: [task("a", ["first"]), task("b", ["w2"]), task("a", ["second"])] });
    expect([twice?.code, twice?.details]).toEqual([StatusCode.CONN_INVALID_REQUEST, 'tasks[2].id: duplicate task id "a": already used by tasks[0]']);
    expect(state.store.tasks(USER, "app").map((t) => t.worker?.workers[0]?.worker.value?.id)).toEqual(["w1", "w1"]);
  });

  it("accepts a task as GetTask with worker.users answers it, sent back as it is; refuses a deprecated list that contradicts", async () => {
    const read = (await client.getTask({ userAppId: scope, taskId: "a", additionalFields: ["worker.users"] }, { headers })).task!;
    expect(read.worker?.users.map((u) => u.id)).toEqual(["w1"]);
    read.name = "read and sent back";
    const ok = await client.patchTasks({ userAppId: scope, action: "overwrite", tasks: [read] }, { headers });
    expect([ok.status?.code, ok.tasks[0]?.name]).toEqual([StatusCode.SUCCESS, "read and sent back"]);
    read.worker!.userIds = ["w1", "w2"];
    const contradicting = await client.patchTasks({ userAppId: scope, action: "overwrite", tasks: [{ ...read, name: "not stored" }] }, { headers });
    expect([contradicting.status?.code, contradicting.status?.details]).toEqual([
      StatusCode.CONN_INVALID_REQUEST,
      'tasks[0].worker.userIds: worker.userIds names a user that worker.workers does not list ("w2"); set them in worker.workers only: next to it, the deprecated worker.userIds may only repeat its users, as the API\'s answers do',
    ]);
    expect(state.store.tasks(USER, "app")[0]!.name).toBe("read and sent back");
  });
});

describe("DeleteTasks", () => {
  it("deletes by ids, idempotently, naming each id it did not find once", async () => {
    await client.postTasks({ userAppId: scope, tasks: [task("a"), task("b"), task("c")] }, { headers });
    const res = await client.deleteTasks({ userAppId: scope, ids: ["a", "x", "c", "x", "y"] }, { headers });
    expect([res.status?.code, res.status?.details]).toEqual([StatusCode.SUCCESS, "not found, nothing to delete: x, y"]);
    expect(state.store.tasks(USER, "app").map((t) => t.id)).toEqual(["b"]);
    expect((await client.deleteTasks({ userAppId: scope, ids: ["b"] }, { headers })).status?.details).toBe("");
    const none = await client.deleteTasks({ userAppId: scope, ids: [] }, { headers });
    expect([none.status?.code, none.status?.details]).toEqual([StatusCode.CONN_INVALID_REQUEST, "ids: at least one id is required"]);
  });
});

describe("collectors", () => {
  it("PostCollectors stores the batch with created_at, an active status and the caller as the source's caller", async () => {
    const res = await client.postCollectors(
      { userAppId: scope, collectors: [collector("c1", { status: { code: StatusCode.ZERO } }), collector("c2", { status: { code: StatusCode.COLLECTOR_INACTIVE } })] },
      { headers },
    );
    expect(res.status?.code).toBe(StatusCode.SUCCESS);
    expect(res.collectors.map((c) => [c.id, c.status?.code, c.status?.description])).toEqual([
      ["c1", StatusCode.COLLECTOR_ACTIVE, "Collector is active"],
      ["c2", StatusCode.COLLECTOR_INACTIVE, ""],
    ]);
    expect(res.collectors[0]!.collectorSource?.apiPostModelOutputsCollectorSource?.callerUserId).toBe(USER);
    expect(timestampDate(res.collectors[1]!.createdAt!)).toEqual(T0);
    expect(state.store.collectors(USER, "app").map((c) => c.id)).toEqual(["c1", "c2"]);
    expect(state.store.countCollectors(USER, "app")).toBe(2);
  });

  it("PostCollectors refuses an empty batch, an invalid one and an id taken or repeated — storing nothing", async () => {
    await client.postCollectors({ userAppId: scope, collectors: [collector("held")] }, { headers });
    const post = async (collectors: object[]) => (await client.postCollectors({ userAppId: scope, collectors }, { headers })).status;
    expect((await post([]))?.details).toBe("collectors: at least one collector is required");
    expect((await post([collector("n1"), collector("n2", { preQueueWorkflowId: "" })]))?.details).toMatch(/^collectors\[1\]\.preQueueWorkflowId: /);
    expect((await post([collector("n1", { status: { code: StatusCode.TASK_DONE } })]))?.details).toMatch(/^collectors\[0\]\.status\.code: a collector's status is one of /);
    const held = await post([collector("n3"), collector("held")]);
    expect([held?.code, held?.description, held?.details]).toEqual([
      StatusCode.DATABASE_DUPLICATE_KEY,
      "Resource already exists",
      'collectors[1].id: a collector with id "held" already exists in the app',
    ]);
    expect(state.store.collectors(USER, "app").map((c) => c.id)).toEqual(["held"]);
  });

  it("GetCollector and ListCollectors: by id, in creation order, paged", async () => {
    await client.postCollectors({ userAppId: scope, collectors: ["a", "b", "c"].map((id) => collector(id)) }, { headers });
    expect((await client.getCollector({ userAppId: scope, collectorId: "b" }, { headers })).collector?.id).toBe("b");
    const missing = await client.getCollector({ userAppId: scope }, { headers });
    expect(missing.status?.details).toBe("collectorId: required");
    const unknown = await client.getCollector({ userAppId: scope, collectorId: "z" }, { headers });
    expect([unknown.status?.code, unknown.status?.description, unknown.status?.details]).toEqual([
      StatusCode.COLLECTOR_MISSING,
      "Collector not found",
      'collectorId: no collector "z" in app "app"',
    ]);
    const page = async (p: number, perPage: number) => (await client.listCollectors({ userAppId: scope, page: p, perPage }, { headers })).collectors.map((c) => c.id);
    expect(await page(0, 0)).toEqual(["a", "b", "c"]);
    expect(await page(2, 2)).toEqual(["c"]);
    expect((await client.listCollectors({ userAppId: scope, perPage: 5000 }, { headers })).status?.details).toBe("perPage: at most 1000 per page (got 5000)");
  });

  it("PatchCollectors overwrites the fields a partial collector sets, the source whole; server fields stay the server's", async () => {
    await client.postCollectors({ userAppId: scope, collectors: [collector("c1", { description: "first", preQueueRandomSample: 0.5 })] }, { headers });
    clock = new Date("2033-01-01T00:00:00Z");
    const res = await client.patchCollectors(
      {
        userAppId: scope,
        action: "overwrite",
        collectors: [{ id: "c1", description: "second", createdAt: { seconds: 1n }, status: { code: StatusCode.COLLECTOR_INACTIVE }, collectorSource: { apiPostModelOutputsCollectorSource: { modelId: "m2", postInputsKeyId: "k2", callerUserId: "spoofed" } } }],
      },
      { headers },
    );
    expect(res.status?.code).toBe(StatusCode.SUCCESS);
    const [c] = res.collectors;
    // The patched status is applied: upstream's status "allows you to pause a collector".
    expect([c!.description, c!.preQueueWorkflowId, c!.preQueueRandomSample, c!.status?.code]).toEqual(["second", "wf", 0.5, StatusCode.COLLECTOR_INACTIVE]);
    expect(timestampDate(c!.createdAt!)).toEqual(T0);
    // A new source replaces the old one whole: the old model's owner and app are not kept.
    const src = c!.collectorSource?.apiPostModelOutputsCollectorSource;
    expect([src?.modelUserId, src?.modelAppId, src?.modelId, src?.postInputsKeyId, src?.callerUserId]).toEqual(["", "", "m2", "k2", USER]);
    expect(state.store.collectors(USER, "app")[0]).toMatchObject({ description: "second", status: { code: StatusCode.COLLECTOR_INACTIVE } });
  });

  it("PatchCollectors: a source without model id is refused (a new source is whole), a patch without status keeps it, a status can resume", async () => {
    await client.postCollectors({ userAppId: scope, collectors: [collector("c1")] }, { headers });
    const patch = async (c: object) => (await client.patchCollectors({ userAppId: scope, action: "overwrite", collectors: [{ id: "c1", ...c }] }, { headers }));
    const partialSource = await patch({ collectorSource: { apiPostModelOutputsCollectorSource: { postInputsKeyId: "k2" } } });
    expect([partialSource.status?.code, partialSource.status?.details]).toEqual([
      StatusCode.CONN_INVALID_REQUEST,
      "collectors[0].collectorSource.apiPostModelOutputsCollectorSource.modelId: the collector source needs the id of the model whose inputs are collected",
    ]);
    expect((await patch({ status: { code: StatusCode.COLLECTOR_INACTIVE } })).collectors[0]?.status?.code).toBe(StatusCode.COLLECTOR_INACTIVE);
    expect((await patch({ description: "paused" })).collectors[0]?.status?.code).toBe(StatusCode.COLLECTOR_INACTIVE);
    // A status without a code (ZERO, as protobuf JSON writes `status: {}`) says nothing: the stored one stays.
    expect((await patch({ status: { code: StatusCode.ZERO, description: "no code" } })).collectors[0]?.status?.code).toBe(StatusCode.COLLECTOR_INACTIVE);
    expect((await patch({ status: { code: StatusCode.COLLECTOR_ACTIVE } })).collectors[0]?.status?.code).toBe(StatusCode.COLLECTOR_ACTIVE);
    const notACollectorCode = await patch({ description: "x", status: { code: StatusCode.TASK_DONE } });
    expect([notACollectorCode.status?.code, notACollectorCode.status?.details]).toEqual([
      StatusCode.CONN_INVALID_REQUEST,
      "collectors[0].status.code: a collector's status is one of COLLECTOR_ACTIVE (52001), COLLECTOR_INACTIVE (52002), COLLECTOR_POST_INPUT_FAILED (52003); TASK_DONE (54002) is not",
    ]);
    const notACode = await patch({ status: { code: 99_999_999 } });
    expect(notACode.status?.details).toBe(
      "collectors[0].status.code: a collector's status is one of COLLECTOR_ACTIVE (52001), COLLECTOR_INACTIVE (52002), COLLECTOR_POST_INPUT_FAILED (52003); it (99999999) is not",
    );
    // COLLECTOR_MISSING is the API's answer for a collector that does not exist, not a state of one.
    const missingAsState = await patch({ status: { code: StatusCode.COLLECTOR_MISSING } });
    expect([missingAsState.status?.code, missingAsState.status?.details]).toEqual([
      StatusCode.CONN_INVALID_REQUEST,
      "collectors[0].status.code: a collector's status is one of COLLECTOR_ACTIVE (52001), COLLECTOR_INACTIVE (52002), COLLECTOR_POST_INPUT_FAILED (52003); COLLECTOR_MISSING (52000) is not",
    ]);
    expect(state.store.collectors(USER, "app")[0]).toMatchObject({ description: "paused", status: { code: StatusCode.COLLECTOR_ACTIVE } });
  });

  it("PatchCollectors keeps unknown fields as fields: the patch's replace the stored ones of the same number, others are kept, none doubles", async () => {
    // Fields a newer upstream might add to Collector (numbers this package's proto does not declare).
    const unknown = (no: number, text: string) => ({ no, wireType: WireType.LengthDelimited, data: new BinaryWriter().string(text).finish() });
    const texts = (c: { $unknown?: { no: number; data: Uint8Array }[] } | undefined) =>
      (c?.$unknown ?? []).map((u) => `${u.no}:${new BinaryReader(u.data).string()}`);
    const posted = create(CollectorSchema, collector("c1"));
    posted.$unknown = [unknown(10, "tag-a"), unknown(11, "kept")];
    await client.postCollectors({ userAppId: scope, collectors: [posted] }, { headers });
    // Read, modify, write back, three times: what was read comes back once, not twice, four, eight times.
    for (const round of [1, 2, 3]) {
      const got = (await client.getCollector({ userAppId: scope, collectorId: "c1" }, { headers })).collector!;
      got.description = `round ${round}`;
      await client.patchCollectors({ userAppId: scope, action: "overwrite", collectors: [got] }, { headers });
    }
    expect(texts(state.store.collectors(USER, "app")[0])).toEqual(["10:tag-a", "11:kept"]);
    // A partial patch carrying field 10 anew replaces it and keeps 11.
    const patch = create(CollectorSchema, { id: "c1" });
    patch.$unknown = [unknown(10, "tag-b")];
    const res = await client.patchCollectors({ userAppId: scope, action: "overwrite", collectors: [patch] }, { headers });
    expect(texts(res.collectors[0])).toEqual(["11:kept", "10:tag-b"]);
    expect(texts(state.store.collectors(USER, "app")[0])).toEqual(["11:kept", "10:tag-b"]);
    expect(state.store.collectors(USER, "app")[0]!.description).toBe("round 3");
    // A collector stored without any takes the patch's as they came.
    await client.postCollectors({ userAppId: scope, collectors: [create(CollectorSchema, collector("c2"))] }, { headers });
    const first = create(CollectorSchema, { id: "c2", description: "first" });
    first.$unknown = [unknown(12, "new")];
    const patched = await client.patchCollectors({ userAppId: scope, action: "overwrite", collectors: [first] }, { headers });
    expect(texts(patched.collectors[0])).toEqual(["12:new"]);
    expect(texts(state.store.collectors(USER, "app")[1])).toEqual(["12:new"]);
  });

  it("PatchCollectors refuses another action, an empty batch, an unknown id and a result that breaks the rules — changing nothing", async () => {
    await client.postCollectors({ userAppId: scope, collectors: [collector("c1", { description: "kept" })] }, { headers });
    const patch = async (action: string, collectors: object[]) => (await client.patchCollectors({ userAppId: scope, action, collectors }, { headers })).status;
    expect((await patch("merge", [{ id: "c1" }]))?.details).toBe('action: must be "overwrite" (got "merge")');
    expect((await patch("overwrite", []))?.details).toBe("collectors: at least one collector is required");
    const unknown = await patch("overwrite", [{ id: "c1", description: "x" }, { id: "zz" }]);
    expect([unknown?.code, unknown?.details]).toEqual([StatusCode.COLLECTOR_MISSING, 'collectors[1].id: no collector "zz" in app "app"']);
    const broken = await patch("overwrite", [{ id: "c1", preQueueRandomSample: 2 }]);
    expect(broken?.code).toBe(StatusCode.CONN_INVALID_REQUEST);
    expect(broken?.details).toMatch(/^collectors\[0\]\.preQueueRandomSample: /);
    expect(state.store.collectors(USER, "app")[0]!.description).toBe("kept");
  });

  it("DeleteCollectors by ids (naming those not found) or all, never both", async () => {
    await client.postCollectors({ userAppId: scope, collectors: ["a", "b", "c"].map((id) => collector(id)) }, { headers });
    const del = async (req: object) => (await client.deleteCollectors({ userAppId: scope, ...req }, { headers })).status;
    expect((await del({ ids: ["a", "q", "r", "q"] }))?.details).toBe("not found, nothing to delete: q, r");
    expect((await del({ ids: ["b"] }))?.details).toBe("");
    expect((await del({}))?.details).toBe("ids: at least one id is required (or set deleteAll)");
    expect((await del({ ids: ["c"], deleteAll: true }))?.details).toBe("ids: give either ids or deleteAll, not both");
    expect(state.store.collectors(USER, "app").map((c) => c.id)).toEqual(["c"]);
    const all = await del({ deleteAll: true });
    expect([all?.code, all?.details]).toEqual([StatusCode.SUCCESS, ""]);
    expect(state.store.countCollectors(USER, "app")).toBe(0);
  });
});

describe("statuses and refusals", () => {
  it("statusOf gives the code's usual description, its name for others, and empty details and req_id by default", () => {
    expect([statusOf(StatusCode.TASK_MISSING).description, statusOf(StatusCode.TASK_MISSING).details, statusOf(StatusCode.TASK_MISSING).reqId]).toEqual(["Task not found", "", ""]);
    expect(statusOf(StatusCode.TRY_AGAIN, "d", "r").description).toBe("TRY_AGAIN");
    expect(statusOf(123456 as StatusCode).description).toBe("123456");
  });

  it("a Refusal says its code's name (or number) and details, should it ever be shown", () => {
    const refusal = new Refusal(StatusCode.TASK_MISSING, "taskId: no task");
    expect([refusal.name, refusal.message, refusal.code, refusal.details]).toEqual(["Refusal", "TASK_MISSING: taskId: no task", StatusCode.TASK_MISSING, "taskId: no task"]);
    expect(new Refusal(123456 as StatusCode, "x").message).toBe("123456: x");
  });
});

describe("the store behind the API", () => {
  it("looks without creating apps, lists apps in order of first use, and clears", async () => {
    expect([state.store.countTasks(USER, "never"), state.store.countCollectors(USER, "never"), state.store.tasks(USER, "never"), state.store.collectors(USER, "never")]).toEqual([0, 0, [], []]);
    expect(state.store.apps()).toEqual([]);
    await client.postTasks({ userAppId: scope, tasks: [task("a")] }, { headers });
    await client.postCollectors({ userAppId: { userId: "me", appId: "second" }, collectors: [collector("c")] }, { headers });
    await client.listTasks({ userAppId: { userId: "other-user", appId: "theirs" } }, { headers: { authorization: "Key other-key" } });
    expect(state.store.apps()).toEqual([
      { userId: USER, appId: "app" },
      { userId: USER, appId: "second" },
      { userId: "other-user", appId: "theirs" },
    ]);
    expect(state.store.countTasks(USER, "second")).toBe(0);
    state.store.clear();
    expect(state.store.apps()).toEqual([]);
    expect(state.store.countTasks(USER, "app")).toBe(0);
  });

  it("by default: the emulator's own key, ids of 32 hex characters, the wall clock", async () => {
    const defaults = createClient(V2, createRouterTransport(emulatorRoutes()));
    const before = Date.now();
    const res = await defaults.postTasks({ userAppId: { userId: "me", appId: "a" }, tasks: [task(), task()] }, { headers: { authorization: "Key emulator-pat" } });
    expect(res.tasks.map((t) => t.userId)).toEqual(["emulator-user", "emulator-user"]);
    for (const t of res.tasks) expect(t.id).toMatch(/^[0-9a-f]{32}$/);
    expect(res.tasks[0]!.id).not.toBe(res.tasks[1]!.id);
    const created = timestampDate(res.tasks[0]!.createdAt!).getTime();
    expect(created).toBeGreaterThanOrEqual(before - 1000);
    expect(created).toBeLessThanOrEqual(Date.now() + 1000);
  });
});

describe("the malformed-bytes screen, on a socket", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ users: { [KEY]: USER } });
  });
  afterAll(() => emulator.close());

  /** Sends one raw HTTP/2 request; resolves with the response's status, grpc-status, grpc-message and body. */
  async function send(path: string, contentType: string, body: Uint8Array, extra: http2.OutgoingHttpHeaders = {}, baseUrl = emulator.baseUrl) {
    const session = http2.connect(baseUrl);
    try {
      const stream = session.request({ ":method": "POST", ":path": path, "content-type": contentType, te: "trailers", ...headers, ...extra });
      stream.end(body);
      const [response] = (await once(stream, "response")) as [http2.IncomingHttpHeaders];
      let trailers: http2.IncomingHttpHeaders = {};
      stream.on("trailers", (t) => (trailers = t));
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      const grpcStatus = trailers["grpc-status"] ?? response["grpc-status"];
      const grpcMessage = decodeURIComponent(String(trailers["grpc-message"] ?? response["grpc-message"] ?? ""));
      return { status: response[":status"], grpcStatus, grpcMessage, body: Buffer.concat(chunks) };
    } finally {
      session.close();
    }
  }
  const frame = (payload: Uint8Array, flag = 0, declared = payload.length) => {
    const out = Buffer.alloc(5 + payload.length);
    out[0] = flag;
    out.writeUInt32BE(declared, 1);
    out.set(payload, 5);
    return out;
  };
  const listRequest = toBinary(ListTasksRequestSchema, create(ListTasksRequestSchema, { userAppId: scope }));
  const garbage = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 0x0a]);

  it("answers undecodable gRPC messages with INVALID_ARGUMENT naming the type, and stores nothing", async () => {
    for (const contentType of ["application/grpc", "application/grpc+proto"]) {
      const res = await send("/clarifai.api.V2/PostTasks", contentType, frame(garbage));
      expect(res.grpcStatus, contentType).toBe("3");
      expect(res.grpcMessage, contentType).toMatch(/^malformed clarifai\.api\.PostTasksRequest: /);
    }
    // The bad message may come after a good one in the same body.
    const second = await send("/clarifai.api.V2/ListTasks", "application/grpc", Buffer.concat([frame(listRequest), frame(garbage)]));
    expect(second.grpcMessage).toMatch(/^malformed clarifai\.api\.ListTasksRequest: /);
    expect(emulator.store.apps()).toEqual([]);
  });

  it("answers undecodable Connect binary with invalid_argument", async () => {
    const res = await send("/clarifai.api.V2/ListTasks", "application/proto", garbage);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body.toString())).toMatchObject({ code: "invalid_argument", message: expect.stringMatching(/^malformed clarifai\.api\.ListTasksRequest/) });
  });

  /** The Clarifai status code of a gRPC answer's one message. */
  const answerCode = (body: Buffer) => fromBinary(MultiTaskResponseSchema, body.subarray(5)).status?.code;

  it("passes well-formed messages through unchanged, compressed ones included, and leaves what it cannot judge to connect", async () => {
    const ok = await send("/clarifai.api.V2/ListTasks", "application/grpc", frame(listRequest));
    expect(ok.grpcStatus).toBe("0");
    expect(answerCode(ok.body)).toBe(StatusCode.SUCCESS);
    // A gzip-compressed message (flag 1) is connect's to decompress: it is not screened as protobuf.
    const gzipped = await send("/clarifai.api.V2/ListTasks", "application/grpc", frame(gzipSync(listRequest), 1), { "grpc-encoding": "gzip" });
    expect(gzipped.grpcStatus).toBe("0");
    expect(answerCode(gzipped.body)).toBe(StatusCode.SUCCESS);
    // A frame declaring more bytes than arrived is truncated, not malformed: connect answers it.
    const truncated = await send("/clarifai.api.V2/ListTasks", "application/grpc", frame(garbage, 0, garbage.length + 10));
    expect(truncated.grpcStatus).not.toBe("0");
    expect(truncated.grpcMessage).not.toMatch(/^malformed/);
  });

  it("does not screen Connect JSON", async () => {
    const res = await send("/clarifai.api.V2/ListTasks", "application/json", Buffer.from(JSON.stringify({ userAppId: scope })));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toMatchObject({ status: { code: "SUCCESS" } });
  });

  it("answers an unknown path with 404", async () => {
    expect((await send("/clarifai.api.V2/NoSuchMethod", "application/grpc", frame(listRequest))).status).toBe(404);
    expect((await send("/clarifai.api.V2/ListTasks?x=1", "application/grpc", frame(listRequest))).grpcStatus).toBe("0");
  });

  it("a handler that fails before answering gets a 500; one that fails mid-answer gets its stream reset", async () => {
    // Routes with two staged failures, in front of which the screen runs as it does for the emulator.
    const staged = (router: Parameters<Parameters<typeof emulatorNodeHandler>[0]>[0]) => {
      const handler = (path: string, run: () => Promise<unknown>) => Object.assign(run, { requestPath: path, method: V2.method.listTasks });
      (router.handlers as unknown[]).push(
        handler("/staged/Before", async () => {
          throw new Error("staged failure before the headers");
        }),
        handler("/staged/After", async () => ({
          status: 200,
          header: new Headers({ "content-type": "application/json" }),
          body: (async function* () {
            yield new TextEncoder().encode("{");
            throw new Error("staged failure after the headers");
          })(),
        })),
      );
    };
    const server = http2.createServer(emulatorNodeHandler(staged));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await send("/staged/Before", "application/json", Buffer.from("{}"), {}, baseUrl)).status).toBe(500);
      const session = http2.connect(baseUrl);
      const stream = session.request({ ":method": "POST", ":path": "/staged/After", "content-type": "application/json" });
      stream.on("error", () => {});
      const closed = new Promise((resolve) => stream.on("close", resolve));
      stream.end("{}");
      await closed;
      expect(stream.rstCode).toBe(http2.constants.NGHTTP2_INTERNAL_ERROR);
      session.close();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
