// Every facade method over both transports against the emulator on a real socket, plus TLS (a
// self-signed server is refused unless its CA is given) and a caller-supplied in-memory transport.
import { getEventListeners } from "node:events";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fromJson } from "@bufbuild/protobuf";
import { createRouterTransport } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuthenticationError,
  ClarifaiClient,
  ClarifaiError,
  Code,
  NotFoundError,
  PatchTasksRequestSchema,
  PostTasksRequestSchema,
  StatusCode,
  Task_TaskType,
  TaskInputSource_TaskInputSourceType,
  TaskReview_TaskReviewStrategy,
  TaskWorker_TaskWorkerStrategy,
  TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategy,
  ValidationError,
  type CollectorInput,
  type TaskInput,
} from "clarifai-grpc-es";
import { CONCEPT_ID, CONSENSUS_WORKER_IDS, TASK_ID, seeds } from "../fixtures/seeds.js";
import { createEmulatorState, emulatorRoutes, startEmulator, type Emulator } from "clarifai-grpc-es/testing";

const PAT = "emulator-pat";
const USER = "emulator-user";

const task = (name: string): TaskInput => ({
  type: Task_TaskType.CONCEPTS_CLASSIFICATION,
  name,
  description: `task ${name}`,
  worker: {
    strategy: TaskWorker_TaskWorkerStrategy.PARTITIONED,
    workers: [{ worker: { case: "user", value: { id: "w1" } } }, { worker: { case: "user", value: { id: "w2" } } }],
    strategyInfo: {
      case: "partitionedStrategyInfo",
      value: { type: TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategy.WEIGHTED, workersPerInput: 1, weights: { w1: 1, w2: 3 } },
    },
  },
  concepts: [{ concept: { id: "dog" } }],
  inputSource: { type: TaskInputSource_TaskInputSourceType.DATASET, id: "ds" },
  sampleMs: 1000,
  review: {
    strategy: TaskReview_TaskReviewStrategy.CONSENSUS,
    users: [{ id: "r1" }],
    strategyInfo: { case: "consensusStrategyInfo", value: { approvalThresholdLabelers: 1, approvalThresholdReviewers: 1 } },
  },
});

const collector = (id: string): CollectorInput => ({
  id,
  description: `collector ${id}`,
  preQueueWorkflowId: "wf-pre",
  collectorSource: { apiPostModelOutputsCollectorSource: { modelUserId: USER, modelAppId: "src", modelId: "m1", postInputsKeyId: "k1" } },
});

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});

describe.each(["connect", "grpc-js", "rest"] as const)("every method over %s against the emulator", (transport) => {
  const appId = `app-${transport}`;
  let client: ClarifaiClient;
  beforeAll(() => {
    client = new ClarifaiClient({ pat: PAT, userId: USER, appId, baseUrl: emulator.baseUrl, transport });
  });
  afterAll(async () => {
    await client.close();
  });

  it("tasks: create, get, list, listAll, update, counts, delete", async () => {
    const one = await client.tasks.create(task("a"));
    expect(one.id).not.toBe("");
    expect(one.name).toBe("a");
    const many = await client.tasks.create([task("b"), task("c")]);
    expect(many.map((t) => t.name)).toEqual(["b", "c"]);

    const got = await client.tasks.get(one.id);
    expect(got.sampleMs).toBe(1000);
    expect(got.worker?.strategyInfo.case === "partitionedStrategyInfo" && got.worker.strategyInfo.value.weights).toEqual({ w1: 1, w2: 3 });

    expect((await client.tasks.list({ perPage: 2, page: 1 })).length).toBe(2);
    const all: string[] = [];
    for await (const t of client.tasks.listAll({ perPage: 2 })) all.push(t.id);
    expect(all.sort()).toEqual([one.id, ...many.map((t) => t.id)].sort());
    expect((await client.tasks.list({ ids: [one.id] })).map((t) => t.id)).toEqual([one.id]);

    const updated = await client.tasks.update({ ...got, description: "changed" });
    expect(updated.description).toBe("changed");
    expect((await client.tasks.get(one.id)).description).toBe("changed");

    expect(Array.isArray(await client.tasks.annotationCount(one.id))).toBe(true);
    expect(Array.isArray(await client.tasks.inputCount(one.id, { userIds: ["w1"] }))).toBe(true);

    await client.tasks.delete(one.id);
    await client.tasks.delete(many.map((t) => t.id));
    await expect(client.tasks.get(one.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(emulator.store.countTasks(USER, appId)).toBe(0);
  });

  it("collectors: create, get, list, listAll, update (partial), delete, deleteAll", async () => {
    const c = await client.collectors.create(collector("c1"));
    expect(c.id).toBe("c1");
    await client.collectors.create([collector("c2"), collector("c3")]);
    expect((await client.collectors.get("c1")).preQueueWorkflowId).toBe("wf-pre");
    expect((await client.collectors.list({ perPage: 2 })).length).toBe(2);
    const ids: string[] = [];
    for await (const x of client.collectors.listAll({ perPage: 2 })) ids.push(x.id);
    expect(ids.sort()).toEqual(["c1", "c2", "c3"]);

    // The documented partial patch: id, description, pre_queue_workflow_id; the source is kept.
    await client.collectors.update({ id: "c1", description: "new", preQueueWorkflowId: "wf-2" });
    const patched = await client.collectors.get("c1");
    expect(patched.description).toBe("new");
    expect(patched.preQueueWorkflowId).toBe("wf-2");
    expect(patched.collectorSource?.apiPostModelOutputsCollectorSource?.modelId).toBe("m1");

    await client.collectors.delete("c1");
    await expect(client.collectors.get("c1")).rejects.toBeInstanceOf(NotFoundError);
    await client.collectors.deleteAll();
    expect(emulator.store.countCollectors(USER, appId)).toBe(0);
  });

  it("the docs' update example (deprecated worker.users, concept_ids, approval_threshold) is sent with current fields only", async () => {
    const created = fromJson(PostTasksRequestSchema, seeds.consensusTask.requestJson).tasks[0]!;
    await client.tasks.create({ ...created, id: TASK_ID });
    const [patch] = fromJson(PatchTasksRequestSchema, seeds.updateTask.requestJson).tasks;
    expect(patch!.worker?.users.length).toBeGreaterThan(0);

    const updated = await client.tasks.update(patch!);

    const stored = emulator.store.tasks(USER, appId).find((t) => t.id === TASK_ID)!;
    for (const t of [updated, stored]) {
      expect(t.worker?.users).toEqual([]);
      expect(t.worker?.workers.map((w) => (w.worker.case === "user" ? w.worker.value.id : ""))).toEqual([...CONSENSUS_WORKER_IDS]);
      expect(t.conceptIds).toEqual([]);
      expect(t.concepts.map((c) => c.concept?.id)).toEqual([CONCEPT_ID]);
      const consensus = t.review?.strategyInfo.case === "consensusStrategyInfo" ? t.review.strategyInfo.value : undefined;
      expect(consensus).toMatchObject({ approvalThreshold: 0, approvalThresholdLabelers: 2 });
      expect(t.status?.code).toBe(StatusCode.TASK_DONE);
    }
  });

  it("a task mixing a deprecated field with its replacement is refused as written, not merged, and nothing is sent", async () => {
    const mixed = task("mixed");
    const worker = mixed.worker as { users?: { id: string }[] };
    worker.users = [{ id: "w3" }];
    const contradicting = task("contradicting");
    const review = contradicting.review as { strategyInfo: { value: { approvalThreshold?: number } } };
    review.strategyInfo.value.approvalThreshold = 5;
    const before = emulator.store.countTasks(USER, appId);
    const e = (await client.tasks.create([mixed, contradicting]).catch((x: unknown) => x)) as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    // The paths name the fields the caller wrote.
    expect(e.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(["tasks[0].worker.users", "tasks[1].review.consensusStrategyInfo.approvalThreshold"]),
    );
    expect(emulator.store.countTasks(USER, appId)).toBe(before);
  });

  it("many concurrent calls print no MaxListenersExceededWarning (each links to the client's close signal)", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const created = await client.tasks.create(task("concurrent"));
      await Promise.all(Array.from({ length: 50 }, () => client.tasks.get(created.id)));
      // process.emitWarning delivers on the next tick; one turn of the event loop lets it arrive.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
  });

  it("a caller's long-lived signal keeps no listener after its calls end (nothing accumulates per call)", async () => {
    const shutdown = new AbortController();
    const created = await client.tasks.create(task("long-lived"), { signal: shutdown.signal });
    await Promise.all(Array.from({ length: 20 }, () => client.tasks.get(created.id, { signal: shutdown.signal })));
    await client.tasks.list({}, { signal: shutdown.signal });
    expect(getEventListeners(shutdown.signal, "abort")).toHaveLength(0);
  });

  it("a wrong key is an AuthenticationError with the emulator's status", async () => {
    const bad = new ClarifaiClient({ pat: "wrong-key", userId: USER, appId, baseUrl: emulator.baseUrl, transport });
    try {
      const e = (await bad.tasks.list().catch((x: unknown) => x)) as ClarifaiError;
      expect(e).toBeInstanceOf(AuthenticationError);
      expect(e.code).toBeDefined();
      expect(e.message).toMatch(/^\[CONN_[A-Z_]+ \d+\] ListTasks: /);
      expect(e.message).not.toContain("wrong-key");
    } finally {
      await bad.close();
    }
  });

  it("the raw v2 client carries auth and returns raw responses", async () => {
    const res = await client.v2.listTasks({ userAppId: { userId: USER, appId } });
    expect(res.status?.code).toBe(10000);
  });

  it("a closed client refuses further calls", async () => {
    const c = new ClarifaiClient({ pat: PAT, userId: USER, appId, baseUrl: emulator.baseUrl, transport });
    await c.tasks.list();
    await c.close();
    await c.close();
    const e = (await c.tasks.list().catch((x: unknown) => x)) as ClarifaiError;
    expect(e).toBeInstanceOf(ClarifaiError);
    expect(e.codeName).toBe("FAILED_PRECONDITION");
  });
});

describe("TLS", () => {
  const certs = (f: string) => readFileSync(fileURLToPath(new URL(`../support/certs/${f}`, import.meta.url)));
  let secure: Emulator;
  beforeAll(async () => {
    secure = await startEmulator({ tls: { key: certs("server.key"), cert: certs("server.crt") } });
  });
  afterAll(async () => {
    await secure.close();
  });

  describe.each(["connect", "grpc-js"] as const)("over %s", (transport) => {
    it("refuses a self-signed server, without retrying a write, and says how to trust it", async () => {
      const client = new ClarifaiClient({ pat: PAT, userId: USER, appId: "tls", baseUrl: secure.baseUrl, transport, retry: { sleep: async () => {} } });
      try {
        const e = (await client.collectors.create(collector("x")).catch((x: unknown) => x)) as ClarifaiError;
        expect(e).toBeInstanceOf(ClarifaiError);
        expect(e.outcomeUnknown).toBe(false);
        expect(e.message).toMatch(/tls: \{ ca \}/);
        expect(e.grpcCode).toBe(Code.Unavailable);
        expect(e.attempts).toBe(1);
        expect(secure.store.countCollectors(USER, "tls")).toBe(0);
      } finally {
        await client.close();
      }
    });

    it("accepts it when its CA is given", async () => {
      const client = new ClarifaiClient({ pat: PAT, userId: USER, appId: "tls", baseUrl: secure.baseUrl, transport, tls: { ca: certs("ca.crt") } });
      try {
        expect(await client.tasks.list()).toEqual([]);
      } finally {
        await client.close();
      }
    });
  });
});

describe("a caller-supplied connect transport", () => {
  it("runs the facade over an in-memory router transport of the emulator", async () => {
    const state = createEmulatorState();
    const client = new ClarifaiClient({ pat: PAT, userId: USER, appId: "mem", transport: createRouterTransport(emulatorRoutes(state)) });
    const t = await client.tasks.create(task("mem"));
    expect((await client.tasks.get(t.id)).name).toBe("mem");
    expect(state.store.countTasks(USER, "mem")).toBe(1);
  });
});

describe("grpc-js options", () => {
  it("uses the caller's own grpc-js client (its interceptors run) and leaves it open on close()", async () => {
    let intercepted = 0;
    const interceptor: grpc.Interceptor = (options, nextCall) => {
      intercepted++;
      return new grpc.InterceptingCall(nextCall(options));
    };
    const own = new grpc.Client(emulator.address, grpc.credentials.createInsecure(), { interceptors: [interceptor] });
    const client = new ClarifaiClient({ pat: PAT, userId: USER, appId: "own", transport: "grpc-js", grpcJs: { client: own } });
    expect(await client.tasks.list()).toEqual([]);
    await client.close();
    expect(intercepted).toBe(1);
    expect(own.getChannel().getConnectivityState(false)).not.toBe(grpc.connectivityState.SHUTDOWN);
    own.close();
  });

  it("passes channel options (and their interceptors) to the client it creates", async () => {
    let intercepted = 0;
    const interceptor: grpc.Interceptor = (options, nextCall) => {
      intercepted++;
      return new grpc.InterceptingCall(nextCall(options));
    };
    const client = new ClarifaiClient({
      pat: PAT,
      userId: USER,
      appId: "opts",
      baseUrl: emulator.baseUrl,
      transport: "grpc-js",
      grpcJs: { channelOptions: { interceptors: [interceptor], "grpc.keepalive_time_ms": 60_000 } },
    });
    await client.tasks.list();
    await client.collectors.list();
    await client.close();
    expect(intercepted).toBe(2);
  });
});
