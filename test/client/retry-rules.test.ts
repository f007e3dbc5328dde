// What is retried, counted on the server: every in-scope RPC by its kind, every retryable gRPC code and
// Clarifai status, the caller's overrides of the rules and kinds, the backoff each wait draws, the
// deadline each attempt is sent with, and the bounds on all of it. Clock, sleep and randomness are
// injected, so nothing here waits for real time.
import { getEventListeners } from "node:events";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ClarifaiClient,
  ClarifaiError,
  Code,
  MultiCollectorResponseSchema,
  StatusCode,
  defaultRetryPolicy,
  defaultRetryRules,
  abortableSleep,
  type ClarifaiClientOptions,
  type RetryEvent,
  type RetryOptions,
} from "clarifai-grpc-es";
import { encodeGrpcTimeout, parseGrpcTimeout } from "../../src/deadline.js";
import { methodKind } from "../../src/retry.js";
import { closedPort, messageOf, startScriptedServer, statusMessage, type Reply, type ScriptedServer } from "../support/scripted-grpc.js";

const PAT = "retry-rules-pat-0123456789";
const noSleep = async () => {};
const UNAVAILABLE: Reply = { grpcStatus: Code.Unavailable, grpcMessage: "try later" };
const status = (code: StatusCode): Reply => ({ message: statusMessage(code, { description: StatusCode[code] }) });
const OK: Reply = status(StatusCode.SUCCESS);

let server: ScriptedServer;
let script: (method: string, n: number) => Reply = () => UNAVAILABLE;
let counter = 0;
const clients: ClarifaiClient[] = [];

beforeAll(async () => {
  server = await startScriptedServer((r) => script(r.method, ++counter));
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});

function client(retry: RetryOptions = {}, options: ClarifaiClientOptions = {}): ClarifaiClient {
  const c = new ClarifaiClient({ pat: PAT, userId: "u", appId: "a", baseUrl: server.baseUrl, timeoutMs: 3000, retry: { sleep: noSleep, maxAttempts: 3, ...retry }, ...options });
  clients.push(c);
  return c;
}

/** Runs `call` with `reply(method, n)` answering its n-th request; returns the outcome and the requests sent. */
async function attempt(reply: (method: string, n: number) => Reply, call: () => Promise<unknown>) {
  counter = 0;
  script = reply;
  const before = server.seen.length;
  const outcome = await call().then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error: error as ClarifaiError }),
  );
  return { ...outcome, sent: server.seen.length - before, seen: server.seen.slice(before) };
}

/** Every in-scope RPC through the facade, by kind. */
const calls: [string, "read" | "delete" | "write", (c: ClarifaiClient) => Promise<unknown>][] = [
  ["GetTask", "read", (c) => c.tasks.get("t")],
  ["ListTasks", "read", (c) => c.tasks.list()],
  ["GetTaskAnnotationCount", "read", (c) => c.tasks.annotationCount("t")],
  ["GetTaskInputCount", "read", (c) => c.tasks.inputCount("t")],
  ["GetCollector", "read", (c) => c.collectors.get("c")],
  ["ListCollectors", "read", (c) => c.collectors.list()],
  ["DeleteTasks", "delete", (c) => c.tasks.delete("t")],
  ["DeleteCollectors", "delete", (c) => c.collectors.delete("c")],
  ["PostTasks", "write", (c) => c.tasks.create({ type: 1 }, { validate: false })],
  ["PatchTasks", "write", (c) => c.tasks.update({ id: "t", type: 1 }, { validate: false })],
  ["PostCollectors", "write", (c) => c.collectors.create({ id: "c" }, { validate: false })],
  ["PatchCollectors", "write", (c) => c.collectors.update({ id: "c" }, { validate: false })],
];

describe("which RPCs are repeated on UNAVAILABLE", () => {
  it.each(calls)("%s (a %s) is sent %#", async (method, kind, call) => {
    const r = await attempt(() => UNAVAILABLE, () => call(client()));
    expect(r.seen.every((s) => s.method === method)).toBe(true);
    // Reads and deletes: all 3 attempts; writes: once, as the server may have acted on it.
    expect(r.sent).toBe(kind === "write" ? 1 : 3);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.attempts).toBe(r.sent);
  });

  it("the raw v2 client is retried by the same rules", async () => {
    const r = await attempt(() => UNAVAILABLE, () => client().v2.getTask({ taskId: "t" }));
    expect(r.sent).toBe(3);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).not.toBeInstanceOf(ClarifaiError);
    expect((await attempt(() => UNAVAILABLE, () => client().v2.postTasks({}))).sent).toBe(1);
  });

  it("an RPC in no table counts as a write", () => {
    expect(methodKind(undefined, "PostInputs")).toBe("write");
    expect(methodKind({ methods: {} }, "PostInputs")).toBe("write");
    expect(methodKind({ methods: {} }, "GetTask")).toBe("read");
  });

  it("the default policy says the same: 4 attempts, kinds and rules as documented", () => {
    expect(defaultRetryPolicy.maxAttempts).toBe(4);
    expect([defaultRetryPolicy.initialBackoffMs, defaultRetryPolicy.maxBackoffMs, defaultRetryPolicy.multiplier]).toEqual([200, 5000, 2]);
    expect(Object.fromEntries(calls.map(([method, kind]) => [method, kind]))).toEqual({ ...defaultRetryPolicy.methods });
    expect(defaultRetryRules.write.grpcCodes).toEqual([]);
    expect(defaultRetryRules.write.notSent).toBe(true);
    expect(defaultRetryRules.read.notSent).toBe(true);
    expect(defaultRetryRules.delete).toBe(defaultRetryRules.read);
  });

  it("with the default policy a read is sent 4 times, drawing its waits from the documented bounds", async () => {
    const delays: number[] = [];
    const c = client({ maxAttempts: undefined, random: () => 0.999999, sleep: async (ms) => void delays.push(ms) });
    const r = await attempt(() => UNAVAILABLE, () => c.tasks.get("t"));
    expect(r.sent).toBe(4);
    expect(delays).toEqual([199, 399, 799]);
  });
});

describe("which failures are repeated", () => {
  const readRetried: [string, Code][] = [
    ["UNAVAILABLE", Code.Unavailable],
    ["RESOURCE_EXHAUSTED", Code.ResourceExhausted],
    ["ABORTED", Code.Aborted],
  ];
  const neverRetried: [string, Code][] = [
    ["INTERNAL", Code.Internal],
    ["UNKNOWN", Code.Unknown],
    ["INVALID_ARGUMENT", Code.InvalidArgument],
    ["NOT_FOUND", Code.NotFound],
    ["PERMISSION_DENIED", Code.PermissionDenied],
    ["UNAUTHENTICATED", Code.Unauthenticated],
  ];

  it.each(readRetried)("gRPC %s: a read is repeated, a write is not", async (_, code) => {
    const c = client();
    expect((await attempt(() => ({ grpcStatus: code }), () => c.tasks.get("t"))).sent).toBe(3);
    expect((await attempt(() => ({ grpcStatus: code }), () => c.collectors.create({ id: "c" }, { validate: false }))).sent).toBe(1);
  });

  it.each(neverRetried)("gRPC %s: nothing is repeated", async (_, code) => {
    const c = client();
    expect((await attempt(() => ({ grpcStatus: code }), () => c.tasks.get("t"))).sent).toBe(1);
    expect((await attempt(() => ({ grpcStatus: code }), () => c.tasks.delete("t"))).sent).toBe(1);
  });

  const tryAgain = [
    StatusCode.TRY_AGAIN,
    StatusCode.RPC_SERVER_UNAVAILABLE,
    StatusCode.RPC_REQUEST_TIMEOUT,
    StatusCode.DATABASE_STATEMENT_TIMEOUT,
    StatusCode.DATABASE_DEADLOCK_DETECTED,
    StatusCode.DATABASE_FAIL_TO_GET_CONNECTIONS,
    StatusCode.DATABASE_TOO_MANY_CLIENTS,
    StatusCode.INTERNAL_FETCHING_ISSUE,
    StatusCode.INTERNAL_DATABASE_ISSUE,
    StatusCode.INTERNAL_UNEXPECTED_TIMEOUT,
    StatusCode.INTERNAL_REDIS_UNAVAILABLE,
    StatusCode.INTERNAL_RESOURCE_EXHAUSTED,
  ];
  const rejectedBeforeProcessing = [StatusCode.CONN_THROTTLED, StatusCode.CONN_EXCEED_HOURLY_LIMIT, StatusCode.RPC_REQUEST_QUEUE_FULL];

  it.each(tryAgain.map((code) => [StatusCode[code], code] as const))("Clarifai %s: a read or delete is repeated, a write is not", async (_, code) => {
    const c = client();
    expect((await attempt(() => status(code), () => c.tasks.list())).sent).toBe(3);
    expect((await attempt(() => status(code), () => c.collectors.delete("c"))).sent).toBe(3);
    expect((await attempt(() => status(code), () => c.tasks.create({ type: 1 }, { validate: false }))).sent).toBe(1);
  });

  it.each(rejectedBeforeProcessing.map((code) => [StatusCode[code], code] as const))("Clarifai %s (rejected before processing): even a write is repeated", async (_, code) => {
    const c = client();
    const created: Reply = { message: messageOf(MultiCollectorResponseSchema, { status: { code: StatusCode.SUCCESS }, collectors: [{ id: "c" }] }) };
    const w = await attempt((_m, n) => (n < 3 ? status(code) : created), () => c.collectors.create({ id: "c" }, { validate: false }));
    expect(w.ok && (w.value as { id: string }).id).toBe("c");
    expect(w.sent).toBe(3);
    expect((await attempt(() => status(code), () => c.tasks.get("t"))).sent).toBe(3);
  });

  it("other Clarifai failures, and SUCCESS whatever the rules list, are answered at once", async () => {
    const c = client();
    for (const code of [StatusCode.FAILURE, StatusCode.CONN_KEY_INVALID, StatusCode.TASK_MISSING, StatusCode.MIXED_STATUS]) {
      expect((await attempt(() => status(code), () => c.tasks.list())).sent, StatusCode[code]).toBe(1);
    }
    const odd = client({ rules: { ...defaultRetryRules, read: { grpcCodes: [], statusCodes: [StatusCode.SUCCESS], notSent: false } } });
    const r = await attempt(() => OK, () => odd.tasks.list());
    expect(r.ok).toBe(true);
    expect(r.sent).toBe(1);
  });

  it("a read aborted in flight is not repeated, and no retry is announced", async () => {
    const controller = new AbortController();
    const events: RetryEvent[] = [];
    const c = client({ onRetry: (e) => events.push(e) });
    const r = await attempt(
      () => {
        setImmediate(() => controller.abort(new Error("enough")));
        return "hang";
      },
      () => c.tasks.get("t", { signal: controller.signal }),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.grpcCode).toBe(Code.Canceled);
    expect(r.sent).toBe(1);
    expect(events).toEqual([]);
  });
});

describe("the caller's policy", () => {
  it("maxAttempts bounds every retry: 1 sends once, 2 twice", async () => {
    expect((await attempt(() => UNAVAILABLE, () => client({ maxAttempts: 1 }).tasks.get("t"))).sent).toBe(1);
    expect((await attempt(() => UNAVAILABLE, () => client({ maxAttempts: 2 }).tasks.get("t"))).sent).toBe(2);
    expect((await attempt(() => UNAVAILABLE, () => client({}, { retry: false }).tasks.get("t"))).sent).toBe(1);
  });

  it("a rule given for one kind replaces that kind's rule whole and keeps the others", async () => {
    const c = client({ rules: { ...defaultRetryRules, read: { grpcCodes: [Code.Internal], statusCodes: [], notSent: false } } });
    expect((await attempt(() => ({ grpcStatus: Code.Internal }), () => c.tasks.get("t"))).sent).toBe(3);
    expect((await attempt(() => UNAVAILABLE, () => c.tasks.get("t"))).sent).toBe(1);
    expect((await attempt(() => status(StatusCode.TRY_AGAIN), () => c.tasks.get("t"))).sent).toBe(1);
    // Deletes keep the default rule.
    expect((await attempt(() => UNAVAILABLE, () => c.tasks.delete("t"))).sent).toBe(3);
    // Only some kinds given: the rest stay the defaults.
    const partial = client({ rules: { write: { grpcCodes: [Code.Unavailable], statusCodes: [], notSent: true } } as never });
    expect((await attempt(() => UNAVAILABLE, () => partial.tasks.get("t"))).sent).toBe(3);
  });

  it("a write the caller chose to repeat on UNAVAILABLE still says each attempt's outcome was unknown", async () => {
    const c = client({ rules: { ...defaultRetryRules, write: { grpcCodes: [Code.Unavailable], statusCodes: [], notSent: true } } });
    const w = await attempt(() => UNAVAILABLE, () => c.collectors.create({ id: "c" }, { validate: false }));
    expect(w.sent).toBe(3);
    expect(w.ok).toBe(false);
    if (w.ok) return;
    expect(w.error.outcomeUnknown).toBe(true);
    expect(w.error.previousErrors.map((e) => e.outcomeUnknown)).toEqual([true, true]);
  });

  it("a write rule without notSent does not repeat even a write that was never sent", async () => {
    const port = await closedPort();
    const events: RetryEvent[] = [];
    const rules = { ...defaultRetryRules, write: { grpcCodes: [], statusCodes: [], notSent: false } };
    const c = client({ rules, onRetry: (e) => events.push(e) }, { baseUrl: `http://127.0.0.1:${port}` });
    const e = (await c.collectors.create({ id: "c" }, { validate: false }).catch((x: unknown) => x)) as ClarifaiError;
    expect(e.grpcCode).toBe(Code.Unavailable);
    expect(e.attempts).toBe(1);
    expect(events).toEqual([]);
    // Reads keep their own rule, which repeats it.
    const read = (await c.tasks.get("t").catch((x: unknown) => x)) as ClarifaiError;
    expect(read.attempts).toBe(3);
  });

  it("methods given are merged over the default kinds", async () => {
    const c = client({ methods: { PostCollectors: "read", GetTask: "write" } });
    expect((await attempt(() => UNAVAILABLE, () => c.collectors.create({ id: "c" }, { validate: false }))).sent).toBe(3);
    expect((await attempt(() => UNAVAILABLE, () => c.tasks.get("t"))).sent).toBe(1);
    expect((await attempt(() => UNAVAILABLE, () => c.tasks.list())).sent).toBe(3);
  });

  it("refuses nonsense at construction, naming the option; accepts the edges", () => {
    const make = (retry: RetryOptions) => new ClarifaiClient({ pat: PAT, userId: "u", appId: "a", baseUrl: server.baseUrl, retry });
    expect(() => make({ maxAttempts: 0 })).toThrow("retry.maxAttempts must be an integer ≥ 1, got 0");
    expect(() => make({ maxAttempts: 1.5 })).toThrow(/retry\.maxAttempts/);
    for (const key of ["initialBackoffMs", "maxBackoffMs", "multiplier"] as const) {
      expect(() => make({ [key]: -1 })).toThrow(`retry.${key} must be a non-negative number, got -1`);
      expect(() => make({ [key]: Number.NaN })).toThrow(`retry.${key}`);
      expect(() => make({ [key]: Number.POSITIVE_INFINITY })).toThrow(`retry.${key}`);
    }
    expect(() => make({ maxAttempt: 3 } as RetryOptions)).toThrow(/^retry options: unknown option "maxAttempt"/);
    const edges = make({ maxAttempts: 1, initialBackoffMs: 0, maxBackoffMs: 0, multiplier: 0 });
    expect(edges.retryPolicy?.maxAttempts).toBe(1);
    // An option given as undefined keeps its default.
    const defaults = make({ maxAttempts: undefined, random: undefined });
    expect(defaults.retryPolicy?.maxAttempts).toBe(4);
    expect(defaults.retryPolicy?.random).toBe(Math.random);
    void edges.close();
    void defaults.close();
  });
});

describe("the waits and the deadline", () => {
  it("each wait is drawn with full jitter under a capped exponential bound, and announced before it starts", async () => {
    const delays: number[] = [];
    const events: RetryEvent[] = [];
    const c = client({
      maxAttempts: 5,
      random: () => 0.5,
      initialBackoffMs: 100,
      multiplier: 3,
      maxBackoffMs: 500,
      sleep: async (ms) => void delays.push(ms),
      onRetry: (e) => events.push(e),
    });
    const r = await attempt(() => UNAVAILABLE, () => c.tasks.get("t"));
    expect(r.sent).toBe(5);
    expect(delays).toEqual([50, 150, 250, 250]);
    expect(events.map((e) => [e.method, e.attempt, e.delayMs, e.error.codeName])).toEqual([
      ["GetTask", 1, 50, "UNAVAILABLE"],
      ["GetTask", 2, 150, "UNAVAILABLE"],
      ["GetTask", 3, 250, "UNAVAILABLE"],
      ["GetTask", 4, 250, "UNAVAILABLE"],
    ]);
  });

  it("a throwing onRetry changes nothing", async () => {
    const c = client({
      onRetry: () => {
        throw new Error("logger down");
      },
    });
    const r = await attempt((_m, n) => (n < 3 ? UNAVAILABLE : OK), () => c.tasks.list());
    expect(r.ok).toBe(true);
    expect(r.sent).toBe(3);
  });

  it("the final error lists every earlier attempt's failure, each with its own number, scrubbed of the PAT", async () => {
    const c = client();
    const r = await attempt((_m, n) => (n === 1 ? { grpcStatus: Code.Unavailable, grpcMessage: `bad key ${PAT}` } : status(StatusCode.TRY_AGAIN)), () => c.tasks.get("t"));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.attempts).toBe(3);
    expect(r.error.message).toMatch(/after 3 attempts/);
    expect(r.error.previousErrors.map((e) => [e.method, e.attempts, e.codeName, e.outcomeUnknown])).toEqual([
      ["GetTask", 1, "UNAVAILABLE", false],
      ["GetTask", 2, "TRY_AGAIN", false],
    ]);
    expect(r.error.previousErrors[0]!.description).toBe("bad key [REDACTED]");
  });

  it("over connect the first attempt carries the caller's deadline exactly, however the clock moved", async () => {
    let clock = 0;
    const c = client({ maxAttempts: 2, random: () => 0, now: () => (clock += 7) }, { timeoutMs: 5000 });
    const r = await attempt(() => UNAVAILABLE, () => c.tasks.get("t"));
    expect(r.seen.map((s) => s.headers["grpc-timeout"])[0]).toBe("5000m");
    expect(parseGrpcTimeout(String(r.seen[1]!.headers["grpc-timeout"]))).toBeLessThan(5000);
  });

  describe.each(["connect", "grpc-js"] as const)("over %s", (transport) => {
    it("each attempt is sent with the time left of one deadline over all attempts", async () => {
      let clock = 0;
      const c = client({ random: () => 0, now: () => clock, sleep: async () => void (clock += 1000) }, { transport, timeoutMs: 5000 });
      const r = await attempt(() => UNAVAILABLE, () => c.tasks.get("t"));
      expect(r.sent).toBe(3);
      const left = r.seen.map((s) => parseGrpcTimeout(String(s.headers["grpc-timeout"])));
      // grpc-js turns the time left into its own deadline and back, so the wall time a busy machine
      // takes between the two is lost too; the injected clock's steps are 1000 ms.
      [5000, 4000, 3000].forEach((expected, i) => {
        expect(left[i]).toBeLessThanOrEqual(expected);
        expect(left[i]).toBeGreaterThan(expected - 900);
      });
    });
  });

  it("a wait that would reach the deadline is not started: the failure comes back at once", async () => {
    const sleeps: number[] = [];
    const options = { now: () => 0, initialBackoffMs: 2000, sleep: async (ms: number) => void sleeps.push(ms) };
    // 0.5 of 2000 ms is exactly the 1000 ms left.
    const atDeadline = await attempt(() => UNAVAILABLE, () => client({ ...options, random: () => 0.5 }, { timeoutMs: 1000 }).tasks.get("t"));
    expect(atDeadline.sent).toBe(1);
    expect(sleeps).toEqual([]);
    if (!atDeadline.ok) expect(atDeadline.error.grpcCode).toBe(Code.Unavailable);
    // A millisecond less fits.
    const justBefore = await attempt((_m, n) => (n === 1 ? UNAVAILABLE : OK), () => client({ ...options, random: () => 0.4995 }, { timeoutMs: 1000 }).tasks.get("t"));
    expect(justBefore.sent).toBe(2);
    expect(sleeps).toEqual([999]);
  });
});

describe("grpc-timeout values", () => {
  it("encodes milliseconds in at most 8 digits, switching to seconds, then minutes", () => {
    expect(encodeGrpcTimeout(1500)).toBe("1500m");
    expect(encodeGrpcTimeout(0.2)).toBe("1m");
    expect(encodeGrpcTimeout(-5)).toBe("0m");
    expect(encodeGrpcTimeout(99_999_999)).toBe("99999999m");
    expect(encodeGrpcTimeout(100_000_000)).toBe("100000S");
    expect(encodeGrpcTimeout(100_000_001)).toBe("100001S");
    expect(encodeGrpcTimeout(99_999_999_000)).toBe("99999999S");
    expect(encodeGrpcTimeout(99_999_999_001)).toBe("1666667M");
    expect(encodeGrpcTimeout(1e20)).toBe("99999999M");
  });

  it("parses every unit, and nothing that is not exactly digits and one unit", () => {
    expect([parseGrpcTimeout("2H"), parseGrpcTimeout("3M"), parseGrpcTimeout("4S"), parseGrpcTimeout("5m"), parseGrpcTimeout("6000u"), parseGrpcTimeout("7000000n")]).toEqual([
      7_200_000, 180_000, 4000, 5, 6, 7,
    ]);
    expect(parseGrpcTimeout("99999999m")).toBe(99_999_999);
    for (const bad of ["", null, undefined, "100000000m", "5", "m", "x5m", "5mx", "5 m", "-5m", "5.5m", "5k"]) {
      expect(parseGrpcTimeout(bad), String(bad)).toBeUndefined();
    }
  });

  it("the default clock is monotonic milliseconds", () => {
    const a = defaultRetryPolicy.now();
    const b = defaultRetryPolicy.now();
    expect(typeof a).toBe("number");
    expect(b).toBeGreaterThanOrEqual(a);
    // Milliseconds: it moves as performance.now() does, over 20 ms timed by the latter.
    // (Read in this order, a pause between the two reads can only lengthen what the clock measures.)
    const c = defaultRetryPolicy.now();
    const p0 = performance.now();
    while (performance.now() - p0 < 20);
    const elapsed = defaultRetryPolicy.now() - c;
    expect(elapsed).toBeGreaterThanOrEqual(19);
    expect(elapsed).toBeLessThan(200);
  });
});

describe("abortableSleep, the default wait", () => {
  it("resolves after the time given, and leaves no listener behind", async () => {
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      let done = false;
      const waiting = abortableSleep(100, controller.signal).then(() => (done = true));
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(99);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await waiting;
      expect(done).toBe(true);
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
      // Without a signal, and with a negative time (as 0).
      const bare = abortableSleep(-5);
      await vi.advanceTimersByTimeAsync(0);
      await expect(bare).resolves.toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it("rejects with the signal's reason as soon as it aborts, or at once when it already has; no timer is left", async () => {
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      const waiting = abortableSleep(60_000, controller.signal);
      controller.abort(new Error("stop"));
      await expect(waiting).rejects.toThrow("stop");
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
      expect(vi.getTimerCount()).toBe(0);
      await expect(abortableSleep(10, AbortSignal.abort("already"))).rejects.toBe("already");
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
