// The documentation's scenarios, one by one, against the emulator on a real HTTP/2 socket, from both
// clients: a connect client on our generated types and the official dynamic stub.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StatusCode } from "clarifai-grpc-es";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import {
  TaskReview_TaskReviewStrategy,
  TaskWorker_TaskWorkerStrategy,
} from "../../gen/clarifai/api/resources_pb.js";
import {
  MultiCollectorResponseSchema,
  MultiTaskResponseSchema,
  SingleCollectorResponseSchema,
  SingleTaskResponseSchema,
} from "../../gen/clarifai/api/service_pb.js";
import { BaseResponseSchema } from "../../gen/clarifai/api/status/status_pb.js";
import {
  COLLECTOR_ID,
  CONSENSUS_WORKER_IDS,
  DELETE_TASK_IDS,
  MODEL_ID,
  NEW_COLLECTOR_DESCRIPTION,
  NEW_PRE_QUEUE_WORKFLOW_ID,
  POST_QUEUE_WORKFLOW_ID,
  REVIEWER_USER_ID,
  SEED_APP_ID,
  SEED_USER_ID,
  TASK_ID,
  WORKER_USER_ID,
  seeds,
} from "../fixtures/seeds.js";
import { USERS, driverFactories, withScope, type Driver } from "./helpers.js";

describe.each(driverFactories)("docs scenarios with the %s client", (_name, makeDriver) => {
  let emulator: Emulator;
  let driver: Driver;
  // An injected clock and id generator make every server-set field predictable.
  let clock = new Date("2024-05-01T10:00:00Z");
  let nextId = 0;

  beforeAll(async () => {
    emulator = await startEmulator({ users: USERS, now: () => clock, newId: () => `gen-${++nextId}` });
    driver = makeDriver(emulator.baseUrl);
  });
  afterAll(async () => {
    driver.close();
    await emulator.close();
  });

  const count = () => emulator.store.countTasks(SEED_USER_ID, SEED_APP_ID);

  it("creates an assigned task with manual review", async () => {
    const res = await driver.seed("assignedTask", MultiTaskResponseSchema);
    expect(res.status?.code).toBe(StatusCode.SUCCESS);
    expect(res.tasks).toHaveLength(1);
    const task = res.tasks[0]!;
    expect(task.id).toBe("gen-1");
    expect([task.userId, task.appId]).toEqual([SEED_USER_ID, SEED_APP_ID]);
    expect(timestampDate(task.createdAt!)).toEqual(clock);
    expect(task.modifiedAt).toEqual(task.createdAt);
    expect(task.status?.code).toBe(StatusCode.TASK_IN_PROGRESS);
    expect(task.worker?.strategy).toBe(TaskWorker_TaskWorkerStrategy.DYNAMIC);
    expect(task.worker?.workers[0]?.worker).toMatchObject({ case: "user", value: { id: WORKER_USER_ID } });
    expect(task.review?.strategy).toBe(TaskReview_TaskReviewStrategy.MANUAL);
    expect(task.review?.strategyInfo).toMatchObject({ case: "manualStrategyInfo", value: { samplePercentage: 0.5 } });
    expect(task.sampleMs).toBe(1000);
    expect(count()).toBe(1);
  });

  it("creates a consensus task with weighted partitioning over three workers", async () => {
    const res = await driver.seed("consensusTask", MultiTaskResponseSchema);
    expect(res.status?.code).toBe(StatusCode.SUCCESS);
    const task = res.tasks[0]!;
    expect(task.worker?.workers.map((w) => w.worker.value?.id)).toEqual([...CONSENSUS_WORKER_IDS]);
    expect(task.worker?.strategyInfo.value?.weights).toEqual({ "worker-1": 1, "worker-2": 1, "worker-3": 1 });
    expect(task.review?.strategyInfo).toMatchObject({ case: "consensusStrategyInfo", value: { approvalThreshold: 2 } });
  });

  it("creates an auto-annotation task run by a model", async () => {
    const res = await driver.seed("autoAnnotationTask", MultiTaskResponseSchema);
    expect(res.status?.code).toBe(StatusCode.SUCCESS);
    const task = res.tasks[0]!;
    expect(task.worker?.workers[0]?.worker).toMatchObject({ case: "model", value: { id: MODEL_ID } });
    expect(task.concepts[0]?.autoAnnotationConfig?.statusCode).toBe(StatusCode.ANNOTATION_SUCCESS);
    expect(task.concepts[0]?.autoAnnotationConfig?.thresholdRange).toMatchObject({ lower: expect.closeTo(0.7, 6), upper: expect.closeTo(0.999, 6) });
    expect(count()).toBe(3);
  });

  it("creates the tasks the get / update / delete examples name (caller-chosen ids)", async () => {
    clock = new Date("2024-05-01T10:01:00Z");
    const [first, second] = DELETE_TASK_IDS;
    const consensus = withScope(seeds.consensusTask.requestJson) as { tasks: { id?: string }[] };
    consensus.tasks[0]!.id = first;
    const assigned = withScope(seeds.assignedTask.requestJson) as { tasks: { id?: string }[] };
    const res = await driver.call("PostTasks", { ...consensus, tasks: [consensus.tasks[0]!, { ...assigned.tasks[0]!, id: second }] }, MultiTaskResponseSchema);
    expect(res.status).toMatchObject({ code: StatusCode.SUCCESS, details: "" });
    expect(res.tasks.map((t) => t.id)).toEqual([TASK_ID, second]);
    expect(count()).toBe(5);
  });

  it("gets a task by id", async () => {
    const res = await driver.seed("getTask", SingleTaskResponseSchema);
    expect(res.status?.code).toBe(StatusCode.SUCCESS);
    expect(res.task?.id).toBe(TASK_ID);
    expect(res.task?.worker?.workers).toHaveLength(3);
  });

  it("lists all tasks in creation order, and a page of them", async () => {
    const all = await driver.seed("listTasks", MultiTaskResponseSchema);
    expect(all.status?.code).toBe(StatusCode.SUCCESS);
    expect(all.tasks.map((t) => t.id)).toEqual(["gen-1", "gen-2", "gen-3", "task-1", "task-2"]);
    const paged = await driver.seed("listTasksPaged", MultiTaskResponseSchema);
    expect(paged.tasks.map((t) => t.id)).toEqual(["gen-3", "task-1"]);
  });

  it("lists tasks by worker and by reviewer", async () => {
    const byWorker = await driver.seed("listTasksByWorker", MultiTaskResponseSchema);
    // worker-1 labels the assigned and the consensus tasks, not the model's auto-annotation task.
    expect(byWorker.tasks.map((t) => t.id)).toEqual(["gen-1", "gen-2", "task-1", "task-2"]);
    const byReviewer = await driver.seed("listTasksByReviewer", MultiTaskResponseSchema);
    expect(byReviewer.tasks.map((t) => t.id)).toEqual(["gen-1", "gen-2", "task-1", "task-2"]);
    expect(byReviewer.tasks.every((t) => t.review?.users.some((u) => u.id === REVIEWER_USER_ID))).toBe(true);
  });

  it("updates a task with overwrite and status TASK_DONE", async () => {
    const created = (await driver.seed("getTask", SingleTaskResponseSchema)).task!;
    clock = new Date("2024-05-01T11:00:00Z");
    const res = await driver.seed("updateTask", MultiTaskResponseSchema);
    expect(res.status?.code).toBe(StatusCode.SUCCESS);
    const task = res.tasks[0]!;
    expect(task.id).toBe(TASK_ID);
    expect(task.status?.code).toBe(StatusCode.TASK_DONE);
    expect(task.createdAt).toEqual(created.createdAt);
    expect(timestampDate(task.modifiedAt!)).toEqual(clock);
    // The docs' update names the workers with the deprecated `worker.users`: echoed as sent.
    expect(task.worker?.users.map((u) => u.id)).toEqual([...CONSENSUS_WORKER_IDS]);
    const again = await driver.seed("getTask", SingleTaskResponseSchema);
    expect(again.task?.status?.code).toBe(StatusCode.TASK_DONE);
    // Still found by worker through the deprecated field.
    const byWorker = await driver.seed("listTasksByWorker", MultiTaskResponseSchema);
    expect(byWorker.tasks.map((t) => t.id)).toContain(TASK_ID);
  });

  it("deletes two tasks by id", async () => {
    expect(count()).toBe(5);
    const res = await driver.seed("deleteTasks", BaseResponseSchema);
    expect(res.status?.code).toBe(StatusCode.SUCCESS);
    expect(count()).toBe(3);
    const gone = await driver.seed("getTask", SingleTaskResponseSchema);
    expect(gone.status?.code).toBe(StatusCode.TASK_MISSING);
    expect(gone.task).toBeUndefined();
  });

  it("adds, updates, lists, gets and deletes a collector", async () => {
    const added = await driver.seed("addCollector", MultiCollectorResponseSchema);
    expect(added.status?.code).toBe(StatusCode.SUCCESS);
    expect(added.collectors[0]?.id).toBe(COLLECTOR_ID);
    expect(added.collectors[0]?.collectorSource?.apiPostModelOutputsCollectorSource?.callerUserId).toBe(SEED_USER_ID);

    const updated = await driver.seed("updateCollector", MultiCollectorResponseSchema);
    expect(updated.status?.code).toBe(StatusCode.SUCCESS);
    const c = updated.collectors[0]!;
    expect(c.description).toBe(NEW_COLLECTOR_DESCRIPTION);
    expect(c.preQueueWorkflowId).toBe(NEW_PRE_QUEUE_WORKFLOW_ID);
    // A partial patch keeps what it omits.
    expect(c.postQueueWorkflowId).toBe(POST_QUEUE_WORKFLOW_ID);
    expect(c.collectorSource).toEqual(added.collectors[0]!.collectorSource);
    expect(c.createdAt).toEqual(added.collectors[0]!.createdAt);

    const listed = await driver.seed("listCollectors", MultiCollectorResponseSchema);
    expect(listed.collectors.map((x) => x.id)).toEqual([COLLECTOR_ID]);
    const paged = await driver.seed("listCollectorsPaged", MultiCollectorResponseSchema);
    expect(paged.status?.code).toBe(StatusCode.SUCCESS);
    const got = await driver.seed("getCollector", SingleCollectorResponseSchema);
    expect(got.collector).toEqual(c);

    const deleted = await driver.seed("deleteCollector", BaseResponseSchema);
    expect(deleted.status?.code).toBe(StatusCode.SUCCESS);
    expect(emulator.store.countCollectors(SEED_USER_ID, SEED_APP_ID)).toBe(0);
    const missing = await driver.seed("getCollector", SingleCollectorResponseSchema);
    expect(missing.status?.code).toBe(StatusCode.COLLECTOR_MISSING);
  });
});
