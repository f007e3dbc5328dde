// Tracing through @opentelemetry/api with a real SDK registered globally (in-memory span exporter,
// AsyncLocalStorage context, W3C propagator, a collect-on-demand metric reader), on every transport:
// the client span of each call and its attributes, retry events, the trace context the server receives,
// parents taken from the active context or from the call's own `traceparent`, the duration histogram,
// and `tracing: false`.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { metrics, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { Code, ConnectError } from "@connectrpc/connect";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { backoffDelay, ClarifaiClient, labelingTask, NotFoundError, StatusCode, UnavailableError, type ClarifaiClientOptions, type ClarifaiError } from "clarifai-grpc-es";
import { ok, startUpstreamServer, type UpstreamServer } from "../client/upstream-server.js";
import { parseTraceparent, registerTestOtel, type TestOtel } from "../support/otel-sdk.js";
import { startRecordingEmulator, type RecordingEmulator } from "../support/recording-emulator.js";
import { TRANSPORTS } from "./transports.js";

let otel: TestOtel;
let emulator: RecordingEmulator;
let upstream: UpstreamServer;

beforeAll(async () => {
  otel = registerTestOtel();
  [emulator, upstream] = await Promise.all([startRecordingEmulator(), startUpstreamServer()]);
});

afterAll(async () => {
  await Promise.all([emulator?.close(), upstream?.close()]);
  await otel?.disable();
});

const water = labelingTask({
  id: "water",
  name: "Annotate water",
  type: "CONCEPTS_CLASSIFICATION",
  concepts: ["water"],
  workers: { strategy: "DYNAMIC", users: ["worker-1"] },
  inputSource: { type: "DATASET", id: "ds-1" },
});

/** The one span of `name` that ended. */
function onlySpan(name: string): ReadableSpan {
  const spans = otel.spans().filter((s) => s.name === name);
  expect(spans.map((s) => s.name)).toEqual([name]);
  return spans[0]!;
}

describe.each(TRANSPORTS)("tracing on the $name transport", ({ name: transport, rpcSystem }) => {
  const clients: ClarifaiClient[] = [];
  const newClient = (options: ClarifaiClientOptions = {}) => {
    const client = new ClarifaiClient({ pat: "emulator-pat", userId: "emulator-user", appId: `tracing-${transport}`, baseUrl: emulator.baseUrl, transport, ...options });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    await otel.reset();
    emulator.clear();
    emulator.store.clear();
    upstream.reset();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  it("makes one CLIENT span per call, named clarifai.api.V2/<Method>, with the RPC semantic-convention attributes", async () => {
    const client = newClient();
    await client.tasks.create(water);
    await client.tasks.get("water");

    expect(otel.spans().map((s) => s.name)).toEqual(["clarifai.api.V2/PostTasks", "clarifai.api.V2/GetTask"]);
    for (const [i, method] of ["PostTasks", "GetTask"].entries()) {
      const span = onlySpan(`clarifai.api.V2/${method}`);
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.instrumentationScope.name).toBe("clarifai-grpc-es");
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes).toEqual({
        "rpc.system": rpcSystem,
        "rpc.service": "clarifai.api.V2",
        "rpc.method": method,
        "rpc.grpc.status_code": 0,
        "server.address": "127.0.0.1",
        "server.port": emulator.port,
        "clarifai.status_code": StatusCode.SUCCESS,
        "clarifai.status_name": "SUCCESS",
        "clarifai.req_id": emulator.reqIds[i],
      });
    }
  });

  it("ends a failed call's span with ERROR, the mapped gRPC code and the Clarifai status (TASK_MISSING → 5)", async () => {
    const client = newClient();
    const error = (await client.tasks.get("no-such-task").catch((e: unknown) => e)) as ClarifaiError;
    expect(error).toBeInstanceOf(NotFoundError);

    const span = onlySpan("clarifai.api.V2/GetTask");
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: error.message });
    expect(span.attributes).toMatchObject({
      "rpc.grpc.status_code": 5,
      "clarifai.status_code": StatusCode.TASK_MISSING,
      "clarifai.status_name": "TASK_MISSING",
      "clarifai.req_id": error.reqId,
      "clarifai.attempts": 1,
    });
    expect(error.reqId).toBe(emulator.reqIds[0]);
  });

  it("records a transport failure (no Clarifai status) with its gRPC code and no clarifai.status_*", async () => {
    upstream.on("GetTask", () => ({ grpcError: { code: 7, details: "no" } }));
    const client = newClient({ baseUrl: upstream.url, retry: false });
    await expect(client.tasks.get("t")).rejects.toMatchObject({ grpcCode: 7 });

    const span = onlySpan("clarifai.api.V2/GetTask");
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes["rpc.grpc.status_code"]).toBe(7);
    expect(Object.keys(span.attributes).filter((k) => k.startsWith("clarifai.status"))).toEqual([]);
  });

  it("adds one retry event per retry (UNAVAILABLE, then TRY_AGAIN, then success), each attempt carrying the span's context", async () => {
    upstream.on("ListTasks", (_req, _rec, n) =>
      n === 1
        ? { grpcError: { code: 14, details: "down for a moment" } }
        : n === 2
          ? { status: { code: StatusCode.TRY_AGAIN, description: "try again", req_id: "req-try-again" } }
          : ok({ tasks: [] }),
    );
    const slept: number[] = [];
    const client = newClient({ baseUrl: upstream.url, retry: { random: () => 0.5, sleep: async (ms) => void slept.push(ms) } });
    await client.tasks.list();

    const span = onlySpan("clarifai.api.V2/ListTasks");
    const policy = client.retryPolicy!;
    expect(span.events.map((e) => [e.name, e.attributes?.["rpc.retry.attempt"], e.attributes?.["rpc.retry.delay_ms"], e.attributes?.["rpc.grpc.status_code"]])).toEqual([
      ["retry", 1, backoffDelay(policy, 1), 14],
      ["retry", 2, backoffDelay(policy, 2), 14],
    ]);
    expect(span.events[1]!.attributes?.["clarifai.status_code"]).toBe(StatusCode.TRY_AGAIN);
    expect(slept).toEqual([backoffDelay(policy, 1), backoffDelay(policy, 2)]);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({ "rpc.grpc.status_code": 0, "clarifai.status_name": "SUCCESS", "clarifai.req_id": "req-ok" });

    const sent = upstream.received.map((r) => parseTraceparent(r.metadata["traceparent"]));
    expect(sent).toHaveLength(3);
    for (const t of sent) expect(t).toEqual({ traceId: span.spanContext().traceId, parentId: span.spanContext().spanId, flags: "01" });
  });

  it("ends a call that ran out of attempts with ERROR, its attempts, and one event per retry", async () => {
    upstream.on("ListTasks", () => ({ grpcError: { code: 14, details: "down" } }));
    const client = newClient({ baseUrl: upstream.url, retry: { maxAttempts: 3, random: () => 0, sleep: async () => {} } });
    await expect(client.tasks.list()).rejects.toBeInstanceOf(UnavailableError);

    const span = onlySpan("clarifai.api.V2/ListTasks");
    expect(span.events.map((e) => e.attributes?.["rpc.retry.attempt"])).toEqual([1, 2]);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toMatchObject({ "rpc.grpc.status_code": 14, "clarifai.attempts": 3 });
  });

  it("sends the emulator a traceparent with the span's trace id and the client span as parent", async () => {
    const client = newClient();
    await client.collectors.list();

    const span = onlySpan("clarifai.api.V2/ListCollectors");
    const [request] = emulator.received;
    expect(parseTraceparent(request!.headers["traceparent"])).toEqual({ traceId: span.spanContext().traceId, parentId: span.spanContext().spanId, flags: "01" });
  });

  it("makes the span active in the caller's context its parent", async () => {
    const client = newClient();
    const parent = await trace.getTracer("test").startActiveSpan("handle StartReview", async (parent) => {
      await client.tasks.list();
      parent.end();
      return parent.spanContext();
    });

    const span = onlySpan("clarifai.api.V2/ListTasks");
    expect(span.spanContext().traceId).toBe(parent.traceId);
    expect(span.parentSpanContext?.spanId).toBe(parent.spanId);
    expect(parseTraceparent(emulator.received[0]!.headers["traceparent"])?.traceId).toBe(parent.traceId);
  });

  it("continues the trace of a traceparent in the call's headers when no span is active, keeping its tracestate", async () => {
    const client = newClient();
    const incoming = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331" };
    await client.tasks.list({}, { headers: { traceparent: `00-${incoming.traceId}-${incoming.spanId}-01`, tracestate: "vendor=opaque" } });

    const span = onlySpan("clarifai.api.V2/ListTasks");
    expect(span.spanContext().traceId).toBe(incoming.traceId);
    expect(span.parentSpanContext).toMatchObject({ traceId: incoming.traceId, spanId: incoming.spanId, isRemote: true });
    const received = emulator.received[0]!.headers;
    // The emulator's parent is our client span, not the caller's span.
    expect(parseTraceparent(received["traceparent"])).toEqual({ traceId: incoming.traceId, parentId: span.spanContext().spanId, flags: "01" });
    expect(received["tracestate"]).toBe("vendor=opaque");
  });

  it("prefers the active span over a traceparent in the call's headers", async () => {
    const client = newClient();
    const parent = await trace.getTracer("test").startActiveSpan("handler", async (parent) => {
      await client.tasks.list({}, { headers: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" } });
      parent.end();
      return parent.spanContext();
    });

    const span = onlySpan("clarifai.api.V2/ListTasks");
    expect(span.parentSpanContext?.spanId).toBe(parent.spanId);
    expect(parseTraceparent(emulator.received[0]!.headers["traceparent"])).toEqual({ traceId: parent.traceId, parentId: span.spanContext().spanId, flags: "01" });
  });

  it("records one rpc.client.duration point per call, in ms, by method and gRPC status", async () => {
    const client = newClient();
    await client.tasks.create(water);
    await client.tasks.get("water");
    await client.tasks.get("no-such-task").catch(() => {});

    const points = await otel.histogram("rpc.client.duration");
    const byKey = Object.fromEntries(points.map((p) => [`${p.attributes["rpc.method"]}/${p.attributes["rpc.grpc.status_code"]}`, p.count]));
    expect(byKey).toEqual({ "PostTasks/0": 1, "GetTask/0": 1, "GetTask/5": 1 });
    for (const p of points) {
      expect(p.unit).toBe("ms");
      expect(p.sum).toBeGreaterThanOrEqual(0);
      expect(p.attributes).toMatchObject({ "rpc.system": rpcSystem, "rpc.service": "clarifai.api.V2" });
    }
  });

  it("records durations of a client built before the meter provider was registered", async () => {
    metrics.disable();
    const client = newClient();
    otel.registerMeterProvider();
    await client.tasks.list();

    expect((await otel.histogram("rpc.client.duration")).map((p) => p.count)).toEqual([1]);
  });

  it("leaves no span open when a call's time options are not times: the TypeError comes before the span", async () => {
    const client = newClient();
    for (const options of [{ timeoutMs: "soon" }, { timeoutMs: NaN }, { deadline: "tomorrow" }]) {
      await expect(client.tasks.get("water", options as never)).rejects.toThrow(TypeError);
    }
    // connect's call options have no deadline.
    for (const options of [{ timeoutMs: "soon" }, { timeoutMs: NaN }]) {
      await expect(client.v2.getTask({ taskId: "water" }, options as never)).rejects.toThrow(TypeError);
    }
    // Nothing was sent, and no span was started (an open span would never be exported).
    expect(emulator.received).toEqual([]);
    expect(otel.openSpans()).toEqual([]);
    expect(otel.spans()).toEqual([]);
  });

  it("traces the raw v2 client's calls too, ending the span with the response's Clarifai status, unchecked", async () => {
    const client = newClient();
    const res = await client.v2.getTask({ userAppId: { userId: "emulator-user", appId: `tracing-${transport}` }, taskId: "no-such-task" });
    expect(res.status?.code).toBe(StatusCode.TASK_MISSING);

    const span = onlySpan("clarifai.api.V2/GetTask");
    // The raw client does not check the status, so the call did not fail: the span says what came back.
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({
      "rpc.method": "GetTask",
      "rpc.grpc.status_code": 0,
      "clarifai.status_code": StatusCode.TASK_MISSING,
      "clarifai.status_name": "TASK_MISSING",
      "clarifai.req_id": res.status?.reqId,
    });
    expect(parseTraceparent(emulator.received[0]!.headers["traceparent"])).toEqual({ traceId: span.spanContext().traceId, parentId: span.spanContext().spanId, flags: "01" });
    expect((await otel.histogram("rpc.client.duration")).map((p) => [p.attributes["rpc.method"], p.count])).toEqual([["GetTask", 1]]);
  });

  it("ends a failed raw v2 call's span with ERROR, its gRPC code and attempts, while the caller gets the ConnectError", async () => {
    upstream.on("ListTasks", (_req, _rec, n) => (n === 1 ? { grpcError: { code: 14, details: "down for a moment" } } : { grpcError: { code: 7, details: "no" } }));
    const client = newClient({ baseUrl: upstream.url, retry: { random: () => 0.5, sleep: async () => {} } });
    const error = await client.v2.listTasks({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.PermissionDenied);

    const span = onlySpan("clarifai.api.V2/ListTasks");
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.events.map((e) => e.attributes?.["rpc.retry.attempt"])).toEqual([1]);
    expect(span.attributes).toMatchObject({ "rpc.grpc.status_code": 7, "clarifai.attempts": 2 });
    expect(Object.keys(span.attributes).filter((k) => k.startsWith("clarifai.status"))).toEqual([]);
  });

  it("records a raw v2 call on a closed client as the facade records one: ERROR, FAILED_PRECONDITION, nothing sent", async () => {
    const client = newClient();
    await client.close();
    const raw = (await client.v2.listTasks({}).catch((e: unknown) => e)) as ConnectError;
    const facade = (await client.tasks.list().catch((e: unknown) => e)) as ClarifaiError;
    expect(raw).toBeInstanceOf(ConnectError);
    expect(raw.code).toBe(Code.FailedPrecondition);

    const spans = otel.spans().filter((s) => s.name === "clarifai.api.V2/ListTasks");
    expect(spans).toHaveLength(2);
    const [rawSpan, facadeSpan] = spans;
    expect(rawSpan!.status).toEqual({ code: SpanStatusCode.ERROR, message: facade.message });
    expect(rawSpan!.attributes).toEqual(facadeSpan!.attributes);
    expect(rawSpan!.attributes["rpc.grpc.status_code"]).toBe(Code.FailedPrecondition);
    expect(emulator.received).toEqual([]);
  });

  it("records a raw v2 write whose request cannot be built as one attempt that applied nothing, not as an outcome unknown", async () => {
    const client = newClient();
    // A plain-JS caller's request whose field cannot be read: the message is never built, nothing is sent.
    const request = {
      get tasks(): never {
        throw new Error("tasks cannot be read");
      },
    };
    const raw = (await client.v2.postTasks(request).catch((e: unknown) => e)) as ConnectError;
    expect(raw).toBeInstanceOf(ConnectError);
    expect(raw.rawMessage).toBe("tasks cannot be read");

    const span = onlySpan("clarifai.api.V2/PostTasks");
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    // PostTasks is a write and UNKNOWN an ambiguous code: only the record that no attempt was made
    // keeps the span from saying the request may have been applied.
    expect(span.status.message).toContain("tasks cannot be read");
    expect(span.status.message).not.toMatch(/outcome unknown/);
    expect(span.attributes).toMatchObject({ "rpc.grpc.status_code": Code.Unknown, "clarifai.attempts": 1 });
    expect(emulator.received).toEqual([]);
  });

  it("with tracing: false makes no span, records no duration and sends no traceparent", async () => {
    const client = newClient({ tracing: false });
    await client.tasks.list();
    await client.tasks.get("no-such-task").catch(() => {});

    expect(otel.spans()).toEqual([]);
    expect(await otel.histogram("rpc.client.duration")).toEqual([]);
    expect(emulator.received.map((r) => r.headers["traceparent"])).toEqual([undefined, undefined]);
  });
});
