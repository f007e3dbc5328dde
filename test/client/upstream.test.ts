// The client against a grpc-js server built from the upstream protos (no project code on the server):
// what the client sends is checked as the official definitions decode it, and the server's answers
// exercise the error mapping, retries, deadlines and aborts, over both transports.
import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AuthenticationError,
  ClarifaiClient,
  ClarifaiError,
  Code,
  InvalidArgumentError,
  NotFoundError,
  RateLimitError,
  StatusCode,
  Task_TaskType,
  TaskInputSource_TaskInputSourceType,
  TaskReview_TaskReviewStrategy,
  TaskWorker_TaskWorkerStrategy,
  TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategy,
  UnavailableError,
  ValidationError,
  type ClarifaiClientOptions,
  type RetryEvent,
  type TaskInput,
} from "clarifai-grpc-es";
import { ok, startUpstreamServer, type UpstreamServer } from "./upstream-server.js";

const PAT = "pat0123456789abcdef";
let server: UpstreamServer;

beforeAll(async () => {
  server = await startUpstreamServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

/** A consensus-review task with partitioned, weighted workers over a dataset, as the docs describe. */
const richTask: TaskInput = {
  type: Task_TaskType.CONCEPTS_CLASSIFICATION,
  name: "rich",
  description: "consensus over a dataset",
  worker: {
    strategy: TaskWorker_TaskWorkerStrategy.PARTITIONED,
    workers: [
      { worker: { case: "user", value: { id: "u1" } } },
      { worker: { case: "user", value: { id: "u2" } } },
      { worker: { case: "user", value: { id: "u3" } } },
    ],
    strategyInfo: {
      case: "partitionedStrategyInfo",
      value: {
        type: TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategy.WEIGHTED,
        workersPerInput: 2,
        weights: { u1: 1, u2: 1, u3: 2 },
      },
    },
  },
  concepts: [{ concept: { id: "dog" } }, { concept: { id: "cat" } }],
  inputSource: { type: TaskInputSource_TaskInputSourceType.DATASET, id: "ds-1" },
  sampleMs: 500,
  review: {
    strategy: TaskReview_TaskReviewStrategy.CONSENSUS,
    users: [{ id: "r1" }],
    strategyInfo: { case: "consensusStrategyInfo", value: { approvalThresholdLabelers: 2, approvalThresholdReviewers: 1 } },
  },
};

/** Upstream's Struct as decoded by the oracle's protobufjs: `{ fields: { k: { numberValue } } }`. */
function structNumbers(struct: any): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries<any>(struct?.fields ?? {})) out[k] = v.numberValue ?? v.number_value;
  return out;
}

const noSleep = async () => {};

describe.each(["connect", "grpc-js"] as const)("over %s", (transport) => {
  const clients: ClarifaiClient[] = [];
  const make = (extra: ClarifaiClientOptions = {}) => {
    const c = new ClarifaiClient({ pat: PAT, userId: "me", appId: "app", baseUrl: server.url, transport, retry: { sleep: noSleep }, ...extra });
    clients.push(c);
    return c;
  };
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });

  it("sends authorization, user_app_id and every field of a rich task as given", async () => {
    server.on("PostTasks", (req) => ok({ tasks: req.tasks.map((t: any) => ({ ...t, id: "t-1" })) }));
    const task = await make().tasks.create(richTask);
    expect(task.id).toBe("t-1");
    expect(server.count("PostTasks")).toBe(1);
    const [got] = server.received;
    expect(got!.metadata["authorization"]).toBe(`Key ${PAT}`);
    expect(got!.request.user_app_id).toMatchObject({ user_id: "me", app_id: "app" });
    const t = got!.request.tasks[0];
    expect(t.type).toBe(1);
    expect(t.name).toBe("rich");
    expect(t.sample_ms).toBe(500);
    expect(t.input_source).toMatchObject({ type: 3, id: "ds-1" });
    expect(t.worker.strategy).toBe(2);
    expect(t.worker.workers.map((w: any) => w.user.id)).toEqual(["u1", "u2", "u3"]);
    expect(t.worker.strategy_info).toBe("partitioned_strategy_info");
    expect(t.worker.partitioned_strategy_info.type).toBe(2);
    expect(t.worker.partitioned_strategy_info.workers_per_input).toBe(2);
    expect(structNumbers(t.worker.partitioned_strategy_info.weights)).toEqual({ u1: 1, u2: 1, u3: 2 });
    expect(t.concepts.map((c: any) => c.concept.id)).toEqual(["dog", "cat"]);
    expect(t.review.strategy).toBe(3);
    expect(t.review.users.map((u: any) => u.id)).toEqual(["r1"]);
    expect(t.review.consensus_strategy_info).toMatchObject({ approval_threshold_labelers: 2, approval_threshold_reviewers: 1 });
    // The answer decodes into a typed Task, Struct as a plain JSON object.
    expect(task.worker?.strategyInfo.case).toBe("partitionedStrategyInfo");
    if (task.worker?.strategyInfo.case === "partitionedStrategyInfo") {
      expect(task.worker.strategyInfo.value.weights).toEqual({ u1: 1, u2: 1, u3: 2 });
    }
  });

  it("per-call userAppId and headers win over the client's", async () => {
    server.on("GetTask", (req) => ok({ task: { id: req.task_id } }));
    await make().tasks.get("t-9", { userAppId: { appId: "other" }, headers: { "x-trace": "abc" }, additionalFields: ["x"] });
    const [got] = server.received;
    expect(got!.request).toMatchObject({ task_id: "t-9", additional_fields: ["x"], user_app_id: { user_id: "me", app_id: "other" } });
    expect(got!.metadata["x-trace"]).toBe("abc");
  });

  it("maps a non-SUCCESS status to a typed error with code, name, description and req_id", async () => {
    server.on("PostTasks", () => ({ status: { code: StatusCode.CONN_KEY_INVALID, description: "Invalid API key", details: "key revoked", req_id: "req-42" } }));
    const error = await make().tasks.create(richTask).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toBeInstanceOf(ClarifaiError);
    const e = error as ClarifaiError;
    expect(e.code).toBe(StatusCode.CONN_KEY_INVALID);
    expect(e.codeName).toBe("CONN_KEY_INVALID");
    expect(e.reqId).toBe("req-42");
    expect(e.method).toBe("PostTasks");
    // gRPC said OK; the Clarifai status means UNAUTHENTICATED (one table, src/grpc-codes.ts).
    expect(e.grpcCode).toBe(Code.Unauthenticated);
    // The message says where the key came from (never the key itself).
    expect(e.hint).toBe("the key came from the `pat` option");
    expect(e.message).toBe("[CONN_KEY_INVALID 11008] PostTasks: Invalid API key: key revoked; the key came from the `pat` option (req_id req-42)");
  });

  it("maps not-found and invalid-argument statuses to their categories", async () => {
    server.on("GetTask", () => ({ status: { code: StatusCode.TASK_MISSING, description: "Task not found", req_id: "r" } }));
    server.on("GetCollector", () => ({ status: { code: StatusCode.CONN_INVALID_REQUEST, description: "bad", req_id: "r" } }));
    const client = make();
    await expect(client.tasks.get("nope")).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.collectors.get("x")).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it("keeps per-item statuses of MIXED_STATUS", async () => {
    server.on("PostCollectors", (req) => ({
      status: { code: StatusCode.MIXED_STATUS, description: "Mixed status", req_id: "rm" },
      collectors: req.collectors.map((c: any, i: number) => ({ ...c, status: { code: i === 0 ? 10000 : StatusCode.CONN_INVALID_REQUEST, description: i ? "bad" : "Ok" } })),
    }));
    const e = (await make()
      .collectors.create([{ id: "a", preQueueWorkflowId: "w" }, { id: "b", preQueueWorkflowId: "w" }], { validate: false })
      .catch((x: unknown) => x)) as ClarifaiError;
    expect(e.codeName).toBe("MIXED_STATUS");
    expect(e.items.map((i) => [i.index, i.id, i.status.code])).toEqual([
      [0, "a", StatusCode.SUCCESS],
      [1, "b", StatusCode.CONN_INVALID_REQUEST],
    ]);
    expect(e.message).toContain("1 of 2 items failed");
  });

  it("maps gRPC errors to categories with grpcCode", async () => {
    server.on("GetTask", () => ({ grpcError: { code: Code.Unauthenticated, details: "no key" } }));
    const e = (await make().tasks.get("t").catch((x: unknown) => x)) as ClarifaiError;
    expect(e).toBeInstanceOf(AuthenticationError);
    expect(e.grpcCode).toBe(Code.Unauthenticated);
    expect(e.codeName).toBe("UNAUTHENTICATED");
    expect(e.message).toBe("[UNAUTHENTICATED] GetTask: no key; the key came from the `pat` option");
  });

  it("retries a read that fails twice with UNAVAILABLE, then succeeds, and reports each retry", async () => {
    server.on("GetTask", (_req, _r, n) => (n <= 2 ? { grpcError: { code: Code.Unavailable, details: "overloaded" } } : ok({ task: { id: "t" } })));
    const events: RetryEvent[] = [];
    const delays: number[] = [];
    const client = make({
      retry: { random: () => 0.5, sleep: async (ms) => void delays.push(ms), onRetry: (e) => events.push(e), initialBackoffMs: 100 },
    });
    const task = await client.tasks.get("t");
    expect(task.id).toBe("t");
    expect(server.count("GetTask")).toBe(3);
    expect(events.map((e) => [e.attempt, e.error.codeName])).toEqual([
      [1, "UNAVAILABLE"],
      [2, "UNAVAILABLE"],
    ]);
    // Full jitter with random() = 0.5: half of 100, then half of 200.
    expect(delays).toEqual([50, 100]);
  });

  it("retries Clarifai TRY_AGAIN on reads and records the attempts on the final error", async () => {
    server.on("ListTasks", () => ({ status: { code: StatusCode.TRY_AGAIN, description: "try again", req_id: "r" } }));
    const e = (await make({ retry: { sleep: noSleep, maxAttempts: 3 } }).tasks.list().catch((x: unknown) => x)) as ClarifaiError;
    expect(server.count("ListTasks")).toBe(3);
    expect(e).toBeInstanceOf(UnavailableError);
    expect(e.attempts).toBe(3);
    expect(e.previousErrors).toHaveLength(2);
    expect(e.message).toContain("after 3 attempts");
  });

  it("does not retry a write on an ambiguous failure, and says its outcome is unknown", async () => {
    server.on("PostTasks", () => ({ grpcError: { code: Code.Unavailable, details: "connection reset" } }));
    const e = (await make().tasks.create(richTask).catch((x: unknown) => x)) as ClarifaiError;
    expect(server.count("PostTasks")).toBe(1);
    expect(e).toBeInstanceOf(UnavailableError);
    expect(e.outcomeUnknown).toBe(true);
    expect(e.attempts).toBe(1);
    expect(e.message).toContain("outcome unknown");
  });

  it("does not retry a write on TRY_AGAIN, but does on CONN_THROTTLED (rejected before processing)", async () => {
    const client = make();
    server.on("PatchTasks", () => ({ status: { code: StatusCode.TRY_AGAIN, description: "x", req_id: "r" } }));
    await expect(client.tasks.update({ ...richTask, id: "t" })).rejects.toBeInstanceOf(UnavailableError);
    expect(server.count("PatchTasks")).toBe(1);
    server.on("PostTasks", (req, _r, n) => (n === 1 ? { status: { code: StatusCode.CONN_THROTTLED, description: "slow down", req_id: "r" } } : ok({ tasks: req.tasks })));
    await client.tasks.create(richTask);
    expect(server.count("PostTasks")).toBe(2);
  });

  it("gives up as a RateLimitError when throttling persists", async () => {
    server.on("DeleteTasks", () => ({ status: { code: StatusCode.CONN_THROTTLED, description: "slow down", req_id: "r" } }));
    const e = await make({ retry: { sleep: noSleep, maxAttempts: 2 } }).tasks.delete(["a", "b"]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RateLimitError);
    expect(server.count("DeleteTasks")).toBe(2);
    expect(server.received[0]!.request.ids).toEqual(["a", "b"]);
  });

  it("ends a call the server never answers at the deadline", async () => {
    server.on("GetTask", () => "hang");
    const started = Date.now();
    const e = (await make({ timeoutMs: 150 }).tasks.get("t").catch((x: unknown) => x)) as ClarifaiError;
    expect(e).toBeInstanceOf(ClarifaiError);
    expect(e.grpcCode).toBe(Code.DeadlineExceeded);
    expect(e.codeName).toBe("DEADLINE_EXCEEDED");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("sends the deadline to the server as grpc-timeout", async () => {
    server.on("GetTask", () => ok({ task: { id: "t" } }));
    await make().tasks.get("t", { timeoutMs: 1234 });
    // grpc-js servers do not expose the header in metadata; the call succeeding within it is the check.
    expect(server.count("GetTask")).toBe(1);
  });

  it("aborts a call in flight: CANCELED with the abort reason as cause", async () => {
    const controller = new AbortController();
    const reason = new Error("user went away");
    server.on("GetTask", () => {
      setImmediate(() => controller.abort(reason));
      return "hang";
    });
    const e = (await make().tasks.get("t", { signal: controller.signal }).catch((x: unknown) => x)) as ClarifaiError;
    expect(e.grpcCode).toBe(Code.Canceled);
    expect(e.cause).toBe(reason);
  });

  it("an already-aborted signal sends nothing, and a write's outcome is then known", async () => {
    server.on("PostTasks", (req) => ok({ tasks: req.tasks }));
    const reason = new Error("not needed");
    const e = (await make().tasks.create(richTask, { signal: AbortSignal.abort(reason) }).catch((x: unknown) => x)) as ClarifaiError;
    expect(e.grpcCode).toBe(Code.Canceled);
    expect(e.cause).toBe(reason);
    expect(e.outcomeUnknown).toBe(false);
    expect(server.received).toHaveLength(0);
  });

  it("aborts during backoff without another attempt", async () => {
    const controller = new AbortController();
    server.on("GetTask", () => ({ grpcError: { code: Code.Unavailable, details: "down" } }));
    let sleeping = 0;
    const client = make({
      retry: {
        sleep: (_ms, signal) =>
          new Promise((_resolve, reject) => {
            sleeping++;
            signal.addEventListener("abort", () => reject(signal.reason), { once: true });
            controller.abort(new Error("stop"));
          }),
      },
    });
    const e = (await client.tasks.get("t", { signal: controller.signal }).catch((x: unknown) => x)) as ClarifaiError;
    expect(sleeping).toBe(1);
    expect(server.count("GetTask")).toBe(1);
    expect(e.grpcCode).toBe(Code.Canceled);
    expect((e.cause as Error).message).toBe("stop");
  });

  it("never lets the PAT out: errors, stacks, JSON and inspect", async () => {
    server.on("GetTask", () => ({ status: { code: StatusCode.CONN_KEY_INVALID, description: `key ${PAT} is invalid`, details: `Key ${PAT}`, req_id: "r" } }));
    const client = make();
    const e = (await client.tasks.get("t").catch((x: unknown) => x)) as ClarifaiError;
    for (const text of [e.message, String(e.stack), JSON.stringify(e), inspect(e, { depth: 10 }), inspect(client, { depth: 10 }), JSON.stringify(client)]) {
      expect(text).not.toContain(PAT);
    }
    expect(e.message).toContain("[REDACTED]");
  });

  it("walks every page with listAll until a short page", async () => {
    const all = Array.from({ length: 7 }, (_, i) => ({ id: `t${i}` }));
    server.on("ListTasks", (req) => ok({ tasks: all.slice((req.page - 1) * req.per_page, req.page * req.per_page) }));
    const ids: string[] = [];
    for await (const t of make().tasks.listAll({ perPage: 3, workerUserIds: ["u1"] })) ids.push(t.id);
    expect(ids).toEqual(all.map((t) => t.id));
    expect(server.received.map((r) => [r.request.page, r.request.per_page])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(server.received[0]!.request.worker_user_ids).toEqual(["u1"]);
  });

  it("stops listAll when the server ignores page instead of looping", async () => {
    server.on("ListCollectors", () => ok({ collectors: [{ id: "a" }, { id: "b" }] }));
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const c of make().collectors.listAll({ perPage: 2 })) seen.push(c.id);
      })(),
    ).rejects.toThrow(/ignore `page`/);
    expect(server.count("ListCollectors")).toBe(2);
  });

  it("validates before sending and lists every issue; validate: false sends anyway", async () => {
    server.on("PostTasks", (req) => ok({ tasks: req.tasks }));
    const client = make();
    const e = (await client.tasks.create({ type: 99 as Task_TaskType }).catch((x: unknown) => x)) as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e.issues.length).toBeGreaterThan(0);
    expect(e.method).toBe("PostTasks");
    expect(server.count("PostTasks")).toBe(0);
    await client.tasks.create({ type: 99 as Task_TaskType }, { validate: false });
    expect(server.count("PostTasks")).toBe(1);
  });

  it("fails before sending when no app is configured, naming what to set", async () => {
    const client = make({ userId: "", appId: "" });
    const e = (await client.tasks.list().catch((x: unknown) => x)) as ClarifaiError;
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e.message).toMatch(/CLARIFAI_USER_ID/);
    expect(e.message).toMatch(/CLARIFAI_APP_ID/);
    expect(server.received).toHaveLength(0);
  });

  it("covers the remaining methods: counts, collectors get/update/delete/deleteAll, v2", async () => {
    server.on("GetTaskAnnotationCount", (req) => ok({ task_id: req.task_id, counts: [{ worker: { user: { id: "u1" } }, success: 3 }] }));
    server.on("GetTaskInputCount", () => ok({ counts: [{ pending: 2 }] }));
    server.on("GetCollector", (req) => ok({ collector: { id: req.collector_id } }));
    server.on("PatchCollectors", (req) => ok({ collectors: req.collectors }));
    server.on("DeleteCollectors", () => ok());
    const client = make();
    expect((await client.tasks.annotationCount("t", { userIds: ["u1"] }))[0]!.success).toBe(3);
    expect((await client.tasks.inputCount("t"))[0]!.pending).toBe(2);
    expect((await client.collectors.get("c")).id).toBe("c");
    expect((await client.collectors.update({ id: "c", description: "d" })).description).toBe("d");
    await client.collectors.delete("c");
    await client.collectors.deleteAll();
    const patch = server.received.find((r) => r.method === "PatchCollectors")!;
    expect(patch.request.action).toBe("overwrite");
    const deletes = server.received.filter((r) => r.method === "DeleteCollectors").map((r) => [r.request.ids, r.request.delete_all]);
    expect(deletes).toEqual([
      [["c"], false],
      [[], true],
    ]);
    expect(server.received.find((r) => r.method === "GetTaskAnnotationCount")!.request.user_ids).toEqual(["u1"]);
    const raw = await client.v2.getTask({ userAppId: { userId: "me", appId: "app" }, taskId: "c" }).catch((x: unknown) => x);
    expect(raw).toBeInstanceOf(Error); // GetTask has no handler here: UNIMPLEMENTED as a plain ConnectError
    expect(server.received.at(-1)!.metadata["authorization"]).toBe(`Key ${PAT}`);
  });

  it("the raw v2 client sees response headers and trailers", async () => {
    server.on("GetTask", () => ({ response: ok({ task: { id: "t" } }), headers: { "x-head": "h1" }, trailers: { "x-trail": "t1" } }));
    let header: Headers | undefined;
    let trailer: Headers | undefined;
    const res = await make().v2.getTask({ taskId: "t" }, { onHeader: (h) => (header = h), onTrailer: (t) => (trailer = t) });
    expect(res.task?.id).toBe("t");
    expect(header?.get("x-head")).toBe("h1");
    expect(trailer?.get("x-trail")).toBe("t1");
  });
});
