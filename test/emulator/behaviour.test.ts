// Every behaviour point of the emulator (auth, scoping, validation, paging, filters, patches, deletes,
// counts), each driven from both clients over a real socket.
import type { JsonObject } from "@bufbuild/protobuf";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { StatusCode } from "clarifai-grpc-es";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import {
  MultiCollectorResponseSchema,
  MultiTaskResponseSchema,
  SingleCollectorResponseSchema,
  SingleTaskCountResponseSchema,
  SingleTaskResponseSchema,
} from "../../gen/clarifai/api/service_pb.js";
import { BaseResponseSchema } from "../../gen/clarifai/api/status/status_pb.js";
import { SEED_APP_ID, SEED_PAT, SEED_USER_ID, seeds } from "../fixtures/seeds.js";
import { OTHER_PAT, OTHER_USER_ID, SEED_SCOPE, USERS, driverFactories, type Driver } from "./helpers.js";

/** A valid task (the docs' assigned task) with optional changes. */
function task(changes: JsonObject = {}): JsonObject {
  return { ...((seeds.assignedTask.requestJson.tasks as JsonObject[])[0] as JsonObject), ...changes };
}
const collector = (id: string, changes: JsonObject = {}): JsonObject => ({
  ...((seeds.addCollector.requestJson.collectors as JsonObject[])[0] as JsonObject),
  id,
  ...changes,
});

describe.each(driverFactories)("emulator behaviour with the %s client", (_name, makeDriver) => {
  let emulator: Emulator;
  let driver: Driver;
  const post = (tasks: JsonObject[], scope: JsonObject = SEED_SCOPE, pat?: string) =>
    driver.call("PostTasks", { user_app_id: scope, tasks }, MultiTaskResponseSchema, pat);
  const list = (req: JsonObject = {}, pat?: string) => driver.call("ListTasks", { user_app_id: SEED_SCOPE, ...req }, MultiTaskResponseSchema, pat);
  const count = () => emulator.store.countTasks(SEED_USER_ID, SEED_APP_ID);

  beforeAll(async () => {
    emulator = await startEmulator({ users: USERS });
    driver = makeDriver(emulator.baseUrl);
  });
  afterAll(async () => {
    driver.close();
    await emulator.close();
  });
  beforeEach(() => emulator.store.clear());

  describe("auth", () => {
    it("answers a missing key with gRPC OK, CONN_KEY_INVALID and no data", async () => {
      await post([task()]);
      const res = await driver.call("ListTasks", { user_app_id: SEED_SCOPE }, MultiTaskResponseSchema, null);
      expect(res.status?.code).toBe(StatusCode.CONN_KEY_INVALID);
      expect(res.status?.details).toMatch(/authorization/);
      expect(res.tasks).toEqual([]);
    });

    it("answers an unknown key with CONN_KEY_INVALID and stores nothing", async () => {
      const res = await post([task()], SEED_SCOPE, "not-a-key");
      expect(res.status?.code).toBe(StatusCode.CONN_KEY_INVALID);
      expect(res.tasks).toEqual([]);
      expect(count()).toBe(0);
    });

    it("refuses a key acting in another user's app, with no data", async () => {
      await post([task()]);
      const res = await list({}, OTHER_PAT);
      expect(res.status?.code).toBe(StatusCode.CONN_INSUFFICIENT_SCOPES);
      expect(res.status?.details).toContain("userAppId.userId");
      expect(res.tasks).toEqual([]);
      const write = await post([task()], SEED_SCOPE, OTHER_PAT);
      expect(write.status?.code).toBe(StatusCode.CONN_INSUFFICIENT_SCOPES);
      expect(count()).toBe(1);
    });

    it('takes user_id "me" as the key\'s user', async () => {
      const res = await post([task()], { user_id: "me", app_id: SEED_APP_ID });
      expect(res.status?.code).toBe(StatusCode.SUCCESS);
      expect(res.tasks[0]?.userId).toBe(SEED_USER_ID);
      expect((await list()).tasks).toHaveLength(1);
    });

    it("asks a PAT for user_app_id, naming the missing fields", async () => {
      const res = await driver.call("ListTasks", {}, MultiTaskResponseSchema);
      expect(res.status?.code).toBe(StatusCode.CONN_INVALID_REQUEST);
      expect(res.status?.details).toContain("userAppId.userId");
      expect(res.status?.details).toContain("userAppId.appId");
      const noApp = await driver.call("ListCollectors", { user_app_id: { user_id: "me" } }, MultiCollectorResponseSchema);
      expect(noApp.status?.code).toBe(StatusCode.CONN_INVALID_REQUEST);
      expect(noApp.status?.details).toMatch(/^userAppId\.appId/);
    });

    it("keeps users and apps apart; apps appear on first use", async () => {
      await post([task()]);
      await post([task(), task()], { user_id: SEED_USER_ID, app_id: "second-app" });
      await post([task()], { user_id: OTHER_USER_ID, app_id: SEED_APP_ID }, OTHER_PAT);
      expect((await list()).tasks).toHaveLength(1);
      expect((await list({ user_app_id: { user_id: "me", app_id: "second-app" } })).tasks).toHaveLength(2);
      const other = await driver.call("ListTasks", { user_app_id: { user_id: "me", app_id: SEED_APP_ID } }, MultiTaskResponseSchema, OTHER_PAT);
      expect(other.tasks.map((t) => t.userId)).toEqual([OTHER_USER_ID]);
      expect(emulator.store.apps()).toEqual([
        { userId: SEED_USER_ID, appId: SEED_APP_ID },
        { userId: SEED_USER_ID, appId: "second-app" },
        { userId: OTHER_USER_ID, appId: SEED_APP_ID },
      ]);
    });
  });

  describe("tasks", () => {
    it("stores a batch atomically: one invalid task refuses all, naming each offending field", async () => {
      const bad = task({ review: { strategy: "MANUAL", manual_strategy_info: { sample_percentage: 1.5 } } });
      const auto = task({ type: "TYPE_NOT_SET", worker: { strategy: "FULL", workers: [{ model: { id: "m" } }, { user: { id: "u" } }] } });
      const res = await post([task(), bad, auto]);
      expect(res.status?.code).toBe(StatusCode.CONN_INVALID_REQUEST);
      expect(res.status?.details).toContain("tasks[1].review.manualStrategyInfo.samplePercentage");
      expect(res.status?.details).toContain("tasks[2].worker");
      expect(res.tasks).toEqual([]);
      expect(count()).toBe(0);
    });

    // The official stub cannot send an unknown enum number (its protobufjs 6 drops it while building
    // the message), so those refusals are driven from the connect client only.
    const unknownEnums = [
      ["unknown task type", task({ type: 99 }), "tasks[0].type"],
      ["unknown worker strategy", task({ worker: { strategy: 99, workers: [{ user: { id: "u" } }] } }), "tasks[0].worker.strategy"],
    ] as const;
    if (_name !== "official") it.each(unknownEnums)("refuses %s", async (_what, bad, path) => {
      const res = await post([bad]);
      expect(res.status?.code).toBe(StatusCode.CONN_INVALID_REQUEST);
      expect(res.status?.details).toContain(path);
    });

    it.each([
      ["dataset source without an id", task({ input_source: { type: "DATASET" } }), "tasks[0].inputSource.id"],
      ["consensus without a threshold", task({ review: { strategy: "CONSENSUS", consensus_strategy_info: {} } }), "tasks[0].review.consensusStrategyInfo"],
      [
        "weighted partitioning without weights",
        task({ worker: { strategy: "PARTITIONED", workers: [{ user: { id: "a" } }, { user: { id: "b" } }], partitioned_strategy_info: { type: "WEIGHTED", workers_per_input: 1 } } }),
        "tasks[0].worker.partitionedStrategyInfo.weights",
      ],
    ])("refuses %s", async (_what, bad, path) => {
      const res = await post([bad]);
      expect(res.status?.code).toBe(StatusCode.CONN_INVALID_REQUEST);
      expect(res.status?.details).toContain(path);
      expect(count()).toBe(0);
    });

    it("generates unique ids and refuses a caller id the app already holds", async () => {
      const res = await post([task(), task(), task({ id: "mine" })]);
      const ids = res.tasks.map((t) => t.id);
      expect(new Set(ids).size).toBe(3);
      expect(ids[0]).toMatch(/^[0-9a-f]{32}$/);
      expect(ids[2]).toBe("mine");
      const again = await post([task(), task({ id: "mine" })]);
      expect(again.status?.code).toBe(StatusCode.TASK_CONFLICT);
      expect(again.status?.details).toContain("tasks[1].id");
      expect(count()).toBe(3);
    });

    it("echoes every field it was sent", async () => {
      const sent = task({
        description: "d",
        priority: "HIGH",
        metadata: { project: "x", n: 2 },
        delete_previous_annotations: true,
        visibility: { gettable: "PRIVATE" },
        ai_assist_params: { min_threshold: 0.25, max_threshold: 0.75 },
        label_order_id: "",
      });
      const res = await post([sent]);
      expect(res.status?.code).toBe(StatusCode.SUCCESS);
      const got = (await driver.call("GetTask", { user_app_id: SEED_SCOPE, task_id: res.tasks[0]!.id }, SingleTaskResponseSchema)).task!;
      expect(got).toMatchObject({ description: "d", priority: 3, metadata: { project: "x", n: 2 }, deletePreviousAnnotations: true, visibility: { gettable: 10 } });
      expect(got.aiAssistParams).toMatchObject({ minThreshold: 0.25, maxThreshold: 0.75 });
    });

    it("pages from 1 with 128 per page by default, at most 1000", async () => {
      await post(Array.from({ length: 130 }, (_, i) => task({ id: `t${String(i).padStart(3, "0")}` })));
      const first = await list();
      expect(first.tasks).toHaveLength(128);
      expect(first.tasks[0]?.id).toBe("t000");
      const second = await list({ page: 2 });
      expect(second.tasks.map((t) => t.id)).toEqual(["t128", "t129"]);
      expect((await list({ page: 3 })).tasks).toEqual([]);
      expect((await list({ page: 1, per_page: 1000 })).tasks).toHaveLength(130);
      const tooMany = await list({ per_page: 1001 });
      expect(tooMany.status?.code).toBe(StatusCode.CONN_INVALID_REQUEST);
      expect(tooMany.status?.details).toContain("perPage");
    });

    it("filters by ids, workers, reviewers and input source (AND across filters, OR within)", async () => {
      await post([
        task({ id: "a", worker: { strategy: "DYNAMIC", workers: [{ user: { id: "w1" } }] }, input_source: { type: "DATASET", id: "ds1" } }),
        task({ id: "b", worker: { strategy: "DYNAMIC", workers: [{ user: { id: "w2" } }] }, input_source: { type: "ALL_INPUTS" } }),
        task({ id: "c", review: { strategy: "NONE" }, input_source: { type: "DATASET", id: "ds2" } }),
        task({ id: "lo", label_order_id: "order-1" }),
      ]);
      const ids = async (req: JsonObject) => (await list(req)).tasks.map((t) => t.id);
      expect(await ids({})).toEqual(["a", "b", "c"]);
      expect(await ids({ ids: ["c", "a", "zz"] })).toEqual(["a", "c"]);
      expect(await ids({ worker_user_ids: ["w1", "w2"] })).toEqual(["a", "b"]);
      expect(await ids({ review_user_ids: ["reviewer-1"] })).toEqual(["a", "b"]);
      expect(await ids({ input_source_type: "DATASET" })).toEqual(["a", "c"]);
      expect(await ids({ input_source_ids: ["ds2"] })).toEqual(["c"]);
      expect(await ids({ input_source_type: "DATASET", worker_user_ids: ["w1"] })).toEqual(["a"]);
      expect(await ids({ including_label_order_tasks: true })).toEqual(["a", "b", "c", "lo"]);
      expect(await ids({ label_order_ids: ["order-1"] })).toEqual(["lo"]);
    });

    it("finds a task by every worker and reviewer it names, deprecated lists included", async () => {
      // Both deprecated worker lists at once are valid (only mixing them with worker.workers is not), and
      // validation counts the workers of both: so do the list filters and the count rows.
      await post([
        task({ id: "old", worker: { strategy: "DYNAMIC", users: [{ id: "by-users" }], user_ids: ["by-user-ids"] }, review: { strategy: "MANUAL", user_ids: ["reviewer-old"] } }),
      ]);
      const ids = async (req: JsonObject) => (await list(req)).tasks.map((t) => t.id);
      expect(await ids({ worker_user_ids: ["by-users"] })).toEqual(["old"]);
      expect(await ids({ worker_user_ids: ["by-user-ids"] })).toEqual(["old"]);
      expect(await ids({ review_user_ids: ["reviewer-old"] })).toEqual(["old"]);
      const counts = await driver.call("GetTaskInputCount", { user_app_id: SEED_SCOPE, task_id: "old" }, SingleTaskCountResponseSchema);
      expect(counts.counts.map((c) => c.userId)).toEqual(["by-users", "by-user-ids"]);
    });

    it("patches only with action overwrite and only known ids, all or nothing", async () => {
      await post([task({ id: "p1" }), task({ id: "p2" })]);
      const merge = await driver.call("PatchTasks", { user_app_id: SEED_SCOPE, action: "merge", tasks: [task({ id: "p1" })] }, MultiTaskResponseSchema);
      expect(merge.status?.code).toBe(StatusCode.CONN_INVALID_REQUEST);
      expect(merge.status?.details).toMatch(/^action: /);
      const none = await driver.call("PatchTasks", { user_app_id: SEED_SCOPE, tasks: [task({ id: "p1" })] }, MultiTaskResponseSchema);
      expect(none.status?.code).toBe(StatusCode.CONN_INVALID_REQUEST);
      const unknown = await driver.call(
        "PatchTasks",
        { user_app_id: SEED_SCOPE, action: "overwrite", tasks: [task({ id: "p1", name: "changed" }), task({ id: "nope" })] },
        MultiTaskResponseSchema,
      );
      expect(unknown.status?.code).toBe(StatusCode.TASK_MISSING);
      expect(unknown.status?.details).toContain("tasks[1].id");
      expect(emulator.store.tasks(SEED_USER_ID, SEED_APP_ID).map((t) => t.name)).toEqual([`Annotate water`, `Annotate water`]);
    });

    it("overwrites the whole task, keeping id, owner, app and created_at", async () => {
      const created = (await post([task({ id: "o1", description: "old" })])).tasks[0]!;
      const res = await driver.call(
        "PatchTasks",
        { user_app_id: SEED_SCOPE, action: "overwrite", tasks: [{ id: "o1", type: "CONCEPTS_CLASSIFICATION", name: "new", worker: { strategy: "DYNAMIC", workers: [{ user: { id: "w9" } }] }, input_source: { type: "ALL_INPUTS" } }] },
        MultiTaskResponseSchema,
      );
      expect(res.status?.code).toBe(StatusCode.SUCCESS);
      const t = res.tasks[0]!;
      expect([t.id, t.userId, t.appId, t.name, t.description]).toEqual(["o1", SEED_USER_ID, SEED_APP_ID, "new", ""]);
      expect(t.createdAt).toEqual(created.createdAt);
      expect(t.status?.code).toBe(StatusCode.TASK_IN_PROGRESS);
    });

    it("deletes by ids idempotently, naming ids it did not find", async () => {
      await post([task({ id: "d1" }), task({ id: "d2" }), task({ id: "d3" })]);
      const res = await driver.call("DeleteTasks", { user_app_id: SEED_SCOPE, ids: ["d1", "d3", "ghost"] }, BaseResponseSchema);
      expect(res.status?.code).toBe(StatusCode.SUCCESS);
      expect(res.status?.details).toContain("ghost");
      expect((await list()).tasks.map((t) => t.id)).toEqual(["d2"]);
      const empty = await driver.call("DeleteTasks", { user_app_id: SEED_SCOPE }, BaseResponseSchema);
      expect(empty.status?.code).toBe(StatusCode.CONN_INVALID_REQUEST);
      expect(empty.status?.details).toMatch(/^ids: /);
    });

    it("answers a missing task with TASK_MISSING and a clear description", async () => {
      const res = await driver.call("GetTask", { user_app_id: SEED_SCOPE, task_id: "ghost" }, SingleTaskResponseSchema);
      expect(res.status).toMatchObject({ code: StatusCode.TASK_MISSING, description: "Task not found" });
      expect(res.status?.details).toContain('"ghost"');
      expect(res.task).toBeUndefined();
    });

    it.each(["GetTaskAnnotationCount", "GetTaskInputCount"] as const)("%s: a zero row per worker", async (rpc) => {
      await post([
        task({ id: "k", worker: { strategy: "FULL", workers: [{ user: { id: "u1" } }, { user: { id: "u2" } }] } }),
        task({ id: "auto", type: "TYPE_NOT_SET", worker: { strategy: "FULL", workers: [{ model: { id: "m", model_version: { id: "v1" } } }] }, review: { strategy: "NONE" } }),
      ]);
      const res = await driver.call(rpc, { user_app_id: SEED_SCOPE, task_id: "k" }, SingleTaskCountResponseSchema);
      expect(res.status?.code).toBe(StatusCode.SUCCESS);
      expect([res.appId, res.taskId]).toEqual([SEED_APP_ID, "k"]);
      expect(res.counts.map((c) => c.worker?.worker.value?.id)).toEqual(["u1", "u2"]);
      expect(res.counts.every((c) => c.pending + c.awaitingReview + c.success + c.reviewDenied + c.awaitingConsensusReview === 0)).toBe(true);
      const one = await driver.call(rpc, { user_app_id: SEED_SCOPE, task_id: "k", user_ids: ["u2"] }, SingleTaskCountResponseSchema);
      expect(one.counts.map((c) => c.userId)).toEqual(["u2"]);
      const model = await driver.call(rpc, { user_app_id: SEED_SCOPE, task_id: "auto", model_version_ids: ["v1"] }, SingleTaskCountResponseSchema);
      expect(model.counts.map((c) => c.worker?.worker.case)).toEqual(["model"]);
      const missing = await driver.call(rpc, { user_app_id: SEED_SCOPE, task_id: "ghost" }, SingleTaskCountResponseSchema);
      expect(missing.status?.code).toBe(StatusCode.TASK_MISSING);
    });
  });

  describe("collectors", () => {
    const postC = (collectors: JsonObject[]) => driver.call("PostCollectors", { user_app_id: SEED_SCOPE, collectors }, MultiCollectorResponseSchema);
    const countC = () => emulator.store.countCollectors(SEED_USER_ID, SEED_APP_ID);

    it("requires ids unique per app, a workflow, a sample in (0, 1] and a complete source", async () => {
      expect((await postC([collector("c1")])).status?.code).toBe(StatusCode.SUCCESS);
      const dup = await postC([collector("c2"), collector("c1")]);
      expect(dup.status?.code).toBe(StatusCode.DATABASE_DUPLICATE_KEY);
      expect(dup.status?.details).toContain("collectors[1].id");
      const bad = await postC([
        collector("", {}),
        collector("c3", { pre_queue_workflow_id: "", post_queue_workflow_id: "" }),
        collector("c4", { pre_queue_random_sample: 1.5 }),
        collector("c5", { collector_source: { api_post_model_outputs_collector_source: { model_id: "m" } } }),
      ]);
      expect(bad.status?.code).toBe(StatusCode.CONN_INVALID_REQUEST);
      for (const path of ["collectors[0].id", "collectors[1].preQueueWorkflowId", "collectors[2].preQueueRandomSample", "collectors[3].collectorSource"]) {
        expect(bad.status?.details).toContain(path);
      }
      expect(countC()).toBe(1);
    });

    it("patches a partial collector: given fields replace, omitted fields stay; the result must be valid", async () => {
      await postC([collector("m1", { pre_queue_random_sample: 0.5 })]);
      const patch = (c: JsonObject, action = "overwrite") =>
        driver.call("PatchCollectors", { user_app_id: SEED_SCOPE, action, collectors: [c] }, MultiCollectorResponseSchema);
      // A source, when given, must be complete (shared validation rule), so it replaces the stored one.
      const source = { model_user_id: "u", model_app_id: "a", model_id: "m2", post_inputs_key_id: "k2" };
      const res = await patch({ id: "m1", post_queue_workflow_id: "wf-new", collector_source: { api_post_model_outputs_collector_source: source } });
      expect(res.status?.code).toBe(StatusCode.SUCCESS);
      const c = res.collectors[0]!;
      expect(c.postQueueWorkflowId).toBe("wf-new");
      expect(c.preQueueRandomSample).toBe(0.5);
      expect(c.preQueueWorkflowId).toBe("pre-queue-wf");
      expect(c.description).toBe("Collects the general model's predictions");
      expect(c.collectorSource?.apiPostModelOutputsCollectorSource).toMatchObject({ modelId: "m2", postInputsKeyId: "k2", callerUserId: SEED_USER_ID });
      expect((await patch({ id: "m1", description: "x" }, "replace")).status?.code).toBe(StatusCode.CONN_INVALID_REQUEST);
      expect((await patch({ id: "ghost", description: "x" })).status?.code).toBe(StatusCode.COLLECTOR_MISSING);
      const badSample = await patch({ id: "m1", pre_queue_random_sample: 2 });
      expect(badSample.status?.details).toContain("collectors[0].preQueueRandomSample");
      const got = await driver.call("GetCollector", { user_app_id: SEED_SCOPE, collector_id: "m1" }, SingleCollectorResponseSchema);
      expect(got.collector).toEqual(c);
    });

    it("lists in creation order, paged", async () => {
      await postC(["x", "y", "z"].map((id) => collector(id)));
      const page = await driver.call("ListCollectors", { user_app_id: SEED_SCOPE, page: 2, per_page: 2 }, MultiCollectorResponseSchema);
      expect(page.collectors.map((c) => c.id)).toEqual(["z"]);
      const all = await driver.call("ListCollectors", { user_app_id: SEED_SCOPE }, MultiCollectorResponseSchema);
      expect(all.collectors.map((c) => c.id)).toEqual(["x", "y", "z"]);
    });

    it("deletes by ids or all", async () => {
      await postC(["x", "y", "z"].map((id) => collector(id)));
      const del = (req: JsonObject) => driver.call("DeleteCollectors", { user_app_id: SEED_SCOPE, ...req }, BaseResponseSchema);
      expect((await del({ ids: ["y"] })).status?.code).toBe(StatusCode.SUCCESS);
      expect(countC()).toBe(2);
      expect((await del({})).status?.code).toBe(StatusCode.CONN_INVALID_REQUEST);
      expect((await del({ ids: ["x"], delete_all: true })).status?.code).toBe(StatusCode.CONN_INVALID_REQUEST);
      expect((await del({ delete_all: true })).status?.code).toBe(StatusCode.SUCCESS);
      expect(countC()).toBe(0);
    });
  });

  it("runs concurrent writes and reads safely", async () => {
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 4 === 3 ? list() : post([task()]))));
    expect(results.every((r) => r.status?.code === StatusCode.SUCCESS)).toBe(true);
    expect(count()).toBe(30);
    const ids = (await list()).tasks.map((t) => t.id);
    expect(new Set(ids).size).toBe(30);
  });

  if (_name === "official") it("refuses the docs' Node weights: a plain object the official stub sends as an empty Struct", async () => {
    const res = await driver.raw!("PostTasks", seeds.consensusTask.nodeRequest, MultiTaskResponseSchema, SEED_PAT);
    expect(res.status?.code).toBe(StatusCode.CONN_INVALID_REQUEST);
    expect(res.status?.details).toContain("tasks[0].worker.partitionedStrategyInfo.weights");
    expect(count()).toBe(0);
  });
});
