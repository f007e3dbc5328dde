// The two example services (examples/grpc-js, examples/connect), each called by its own stack's client
// and calling a recording emulator through ClarifaiClient: the outgoing deadline never exceeds the
// incoming one (as the emulator receives it), cancelling the incoming call resets the outgoing stream,
// TASK_MISSING reaches the caller as NOT_FOUND with the Clarifai status in the trailers, and one trace
// id runs from the caller through the service (which has no OpenTelemetry of its own and only spreads
// the helper's options) to the emulator.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ClarifaiClient, StatusCode, TaskReview_TaskReviewStrategy, type ClarifaiClientOptions } from "clarifai-grpc-es";
import { startConnectOrchestrator } from "../../examples/connect/orchestrator.js";
import { startGrpcJsOrchestrator } from "../../examples/grpc-js/orchestrator.js";
import { demoLabelingTask, type RunningOrchestrator } from "../../examples/run.js";
import { parseTraceparent, registerTestOtel, type TestOtel } from "../support/otel-sdk.js";
import { startRecordingEmulator, type RecordingEmulator } from "../support/recording-emulator.js";
import { CallFailed, connectCaller, grpcJsCaller, type OrchestratorCaller } from "./callers.js";

/** Each example: how to start it around a client, the client transport it uses, and its callers' client. */
const SERVICES: readonly {
  readonly name: string;
  readonly start: (options: { client: ClarifaiClient }) => Promise<RunningOrchestrator>;
  readonly transport: Extract<ClarifaiClientOptions["transport"], string>;
  readonly caller: (address: string) => OrchestratorCaller;
}[] = [
  { name: "grpc-js", start: startGrpcJsOrchestrator, transport: "grpc-js", caller: grpcJsCaller },
  { name: "connect-node", start: startConnectOrchestrator, transport: "connect", caller: connectCaller },
];

const GRPC = { CANCELLED: 1, NOT_FOUND: 5 } as const;
// HTTP/2 RST_STREAM error code CANCEL: what a client sends when it gives up on a stream.
const NGHTTP2_CANCEL = 8;
/** The services' ClarifaiClient deadline when the incoming call gives none (the package default). */
const CLIENT_TIMEOUT_MS = 30_000;

let emulator: RecordingEmulator;
let otel: TestOtel;

beforeAll(async () => {
  otel = registerTestOtel();
  emulator = await startRecordingEmulator();
});

afterAll(async () => {
  await emulator?.close();
  await otel?.disable();
});

describe.each(SERVICES)("the $name labeling orchestrator", (service) => {
  const appId = `orchestrator-${service.name}`;
  let client: ClarifaiClient;
  let running: RunningOrchestrator;
  let caller: OrchestratorCaller;
  const request = { labelingTaskId: demoLabelingTask.id, reviewerUserIds: ["reviewer-1"] };

  beforeAll(async () => {
    client = new ClarifaiClient({ pat: "emulator-pat", userId: "emulator-user", appId, baseUrl: emulator.baseUrl, transport: service.transport, timeoutMs: CLIENT_TIMEOUT_MS });
    running = await service.start({ client });
    caller = service.caller(running.address);
  });

  afterAll(async () => {
    caller?.close();
    await running?.close();
    await client?.close();
  });

  beforeEach(async () => {
    emulator.store.clear();
    const seeding = new ClarifaiClient({ pat: "emulator-pat", userId: "emulator-user", appId, baseUrl: emulator.baseUrl, tracing: false });
    await seeding.tasks.create(demoLabelingTask);
    await seeding.close();
    emulator.clear();
    await otel.reset();
  });

  // A test that holds an RPC lets it go here too, so that its failure cannot stall the next test.
  let release: (() => void) | undefined;
  afterEach(() => {
    release?.();
    release = undefined;
  });

  it("creates the review task of a labeling task", async () => {
    const { reviewTaskId } = await caller.startReview(request);

    const review = emulator.store.tasks("emulator-user", appId).find((t) => t.id === reviewTaskId);
    expect(review).toMatchObject({ name: "Review of Annotate water", concepts: [{ concept: { id: "water" } }] });
    expect(review?.review).toMatchObject({ strategy: TaskReview_TaskReviewStrategy.MANUAL, users: [{ id: "reviewer-1" }] });
    expect(emulator.received.map((r) => r.method)).toEqual(["GetTask", "PostTasks"]);
  });

  it("never gives its Clarifai calls more time than its own caller left it", async () => {
    const sentAt = Date.now();
    const deadline = sentAt + 4_000;
    await caller.startReview(request, { deadline });

    expect(emulator.received.map((r) => r.method)).toEqual(["GetTask", "PostTasks"]);
    for (const received of emulator.received) {
      // Not the client's own 30 s: what is left of the caller's 4 s, measured from the moment the caller
      // sent (every hop only subtracts the time it took; rounding is to whole milliseconds, upwards).
      expect(received.timeoutMs, received.method).toBeGreaterThan(0);
      expect(received.timeoutMs, received.method).toBeLessThanOrEqual(deadline - sentAt);
    }
  });

  it("cancels its Clarifai call when its own caller cancels: the emulator sees the stream reset", async () => {
    release = emulator.hold("PostTasks");
    const arrived = emulator.nextRequest("PostTasks");
    const abandoned = emulator.nextAbandoned("PostTasks");
    const outgoingEnded = otel.nextEnded("clarifai.api.V2/PostTasks");
    const cancel = new AbortController();
    const failed = caller.startReview(request, { signal: cancel.signal, deadline: Date.now() + 60_000 }).catch((e: unknown) => e);
    await arrived;
    cancel.abort();

    expect(await abandoned).toEqual({ method: "PostTasks", rstCode: NGHTTP2_CANCEL });
    expect(await failed).toMatchObject({ code: GRPC.CANCELLED });
    // The service's own Clarifai call ended as cancelled, not at a deadline.
    expect((await outgoingEnded).attributes["rpc.grpc.status_code"]).toBe(GRPC.CANCELLED);
    expect(emulator.store.countTasks("emulator-user", appId)).toBe(1);
  });

  it("answers a labeling task that does not exist with NOT_FOUND and the Clarifai status in the trailers", async () => {
    const error = await caller.startReview({ ...request, labelingTaskId: "no-such-task" }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CallFailed);
    const failed = error as CallFailed;
    expect(failed.code).toBe(GRPC.NOT_FOUND);
    expect(failed.details).toMatch(/^\[TASK_MISSING 54102\] GetTask: /);
    expect(failed.metadata).toMatchObject({
      "clarifai-status-name": "TASK_MISSING",
      "clarifai-status-code": String(StatusCode.TASK_MISSING),
      "clarifai-req-id": emulator.reqIds[0],
    });
    expect(JSON.stringify(failed.metadata) + failed.details).not.toContain("emulator-pat");
    expect(emulator.received.map((r) => r.method)).toEqual(["GetTask"]);
  });

  it("carries its caller's trace id to the emulator, with its own client spans in between", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const callerSpanId = "00f067aa0ba902b7";
    await caller.startReview(request, { headers: { traceparent: `00-${traceId}-${callerSpanId}-01` } });

    const spans = otel.spans();
    expect(spans.map((s) => s.name)).toEqual(["clarifai.api.V2/GetTask", "clarifai.api.V2/PostTasks"]);
    for (const [i, span] of spans.entries()) {
      expect(span.spanContext().traceId).toBe(traceId);
      expect(span.parentSpanContext?.spanId).toBe(callerSpanId);
      expect(parseTraceparent(emulator.received[i]!.headers["traceparent"])).toEqual({ traceId, parentId: span.spanContext().spanId, flags: "01" });
    }
  });
});
