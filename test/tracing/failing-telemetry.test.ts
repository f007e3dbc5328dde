// A service's OpenTelemetry setup that throws inside our calls — a span processor failing in onStart or
// onEnd (the SDK runs them inside startSpan() and span.end() and passes their errors on), a propagator
// failing to inject — must not change what a call returns or throws, nor end a span twice; the failure
// is reported on OpenTelemetry's diagnostic logger, with the PAT scrubbed from it.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { context, diag, DiagLogLevel, propagation, SpanStatusCode, trace, type TextMapPropagator } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { ClarifaiClient, labelingTask, NotFoundError } from "clarifai-grpc-es";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import { TRANSPORTS } from "./transports.js";

const PAT = "failing-telemetry-pat-0123456789";

/** A span processor that throws where `fails` says, after counting the call; the message holds the PAT. */
class ThrowingProcessor implements SpanProcessor {
  fails: { onStart: boolean; onEnd: boolean } = { onStart: false, onEnd: false };
  ended: string[] = [];
  onStart(): void {
    if (this.fails.onStart) throw new Error(`onStart refused (Key ${PAT})`);
  }
  onEnd(span: ReadableSpan): void {
    this.ended.push(span.name);
    if (this.fails.onEnd) throw new Error(`exporter down (Key ${PAT})`);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

/** The W3C propagator, but its inject can be made to throw an error that quotes the headers it was given. */
class ThrowingPropagator implements TextMapPropagator {
  readonly #w3c = new W3CTraceContextPropagator();
  fails = false;
  inject(...args: Parameters<TextMapPropagator["inject"]>): void {
    if (this.fails) throw new Error(`cannot inject into ${JSON.stringify(args[1])}`);
    this.#w3c.inject(...args);
  }
  extract(...args: Parameters<TextMapPropagator["extract"]>) {
    return this.#w3c.extract(...args);
  }
  fields(): string[] {
    return this.#w3c.fields();
  }
}

const exporter = new InMemorySpanExporter();
const throwing = new ThrowingProcessor();
const propagator = new ThrowingPropagator();
// The exporter first: the SDK stops at the processor that throws, so this one still sees every span.
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter), throwing] });
const reported: string[] = [];
let emulator: Emulator;

beforeAll(async () => {
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(propagator);
  const log = (message: string, ...args: unknown[]) => reported.push([message, ...args.map(String)].join(" "));
  diag.setLogger({ error: log, warn: log, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
  emulator = await startEmulator({ users: { [PAT]: "telemetry-user" } });
});

afterAll(async () => {
  await emulator?.close();
  trace.disable();
  context.disable();
  propagation.disable();
  diag.disable();
  await provider.shutdown();
});

let made = 0;
/** A new task each time: the emulator keeps what the tests before wrote. */
const newTask = () => labelingTask({
  id: `water-${++made}`,
  name: "Annotate water",
  type: "CONCEPTS_CLASSIFICATION",
  concepts: ["water"],
  workers: { strategy: "DYNAMIC", users: ["worker-1"] },
  inputSource: { type: "DATASET", id: "ds-1" },
});

describe.each(TRANSPORTS)("a throwing OpenTelemetry setup on the $name transport", ({ name: transport }) => {
  let client: ClarifaiClient;

  beforeEach(() => {
    exporter.reset();
    throwing.ended = [];
    throwing.fails = { onStart: false, onEnd: false };
    propagator.fails = false;
    reported.length = 0;
    client = new ClarifaiClient({ pat: PAT, userId: "telemetry-user", appId: `telemetry-${transport}`, baseUrl: emulator.baseUrl, transport });
  });

  afterEach(() => client.close());

  it("a span processor throwing in onEnd: answered calls still succeed, each span ends once, the failure is reported scrubbed", async () => {
    throwing.fails.onEnd = true;
    const task = newTask();
    const created = await client.tasks.create(task);
    const got = await client.tasks.get(task.id);

    expect(created.id).toBe(task.id);
    expect(got.id).toBe(task.id);
    expect(throwing.ended).toEqual(["clarifai.api.V2/PostTasks", "clarifai.api.V2/GetTask"]);
    expect(exporter.getFinishedSpans().map((s) => [s.name, s.status.code, s.attributes["rpc.grpc.status_code"]])).toEqual([
      ["clarifai.api.V2/PostTasks", SpanStatusCode.UNSET, 0],
      ["clarifai.api.V2/GetTask", SpanStatusCode.UNSET, 0],
    ]);
    expect(reported).toHaveLength(2);
    for (const line of reported) {
      expect(line).toContain("clarifai-grpc-es: tracing failed to end the span, the call goes on: Error: exporter down");
      expect(line).not.toContain(PAT);
    }
  });

  it("a span processor throwing in onEnd: a failed call still fails with its own error, and its span ends once with it", async () => {
    throwing.fails.onEnd = true;
    const error = await client.tasks.get("no-such-task").catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NotFoundError);
    expect(throwing.ended).toEqual(["clarifai.api.V2/GetTask"]);
    const [span] = exporter.getFinishedSpans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: (error as NotFoundError).message });
    expect(reported.map((l) => l.includes("failed to end the span"))).toEqual([true]);
  });

  it("a span processor throwing in onStart: the call goes on untraced and succeeds", async () => {
    throwing.fails.onStart = true;
    const task = newTask();
    await client.tasks.create(task);

    expect((await client.tasks.get(task.id)).id).toBe(task.id);
    expect(reported).toHaveLength(2);
    for (const line of reported) {
      expect(line).toContain("tracing failed to start the span, the call goes on: Error: onStart refused");
      expect(line).not.toContain(PAT);
    }
  });

  it("a propagator throwing in inject: the call is sent without trace context and succeeds; the report hides the PAT the headers held", async () => {
    propagator.fails = true;
    const task = newTask();
    await client.tasks.create(task);

    expect((await client.tasks.get(task.id)).id).toBe(task.id);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(["clarifai.api.V2/PostTasks", "clarifai.api.V2/GetTask"]);
    expect(reported.length).toBeGreaterThanOrEqual(2);
    for (const line of reported) {
      expect(line).toContain("tracing failed to inject the trace context, the call goes on: Error: cannot inject into");
      expect(line).toContain("authorization");
      expect(line).not.toContain(PAT);
    }
  });
});
