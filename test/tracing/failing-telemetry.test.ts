// A service's OpenTelemetry setup that throws inside our calls — a span processor failing in onStart or
// onEnd (the SDK runs them inside startSpan() and span.end() and passes their errors on), a propagator
// failing to inject, a context that refuses the span — must not change what a call returns or throws,
// nor end a span twice, nor leave one unended; the failure is reported on OpenTelemetry's diagnostic
// logger, with the PAT scrubbed from it, and a logger that throws as well changes nothing.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { context, diag, DiagLogLevel, propagation, SpanStatusCode, trace, type Context, type ContextManager, type DiagLogger, type TextMapPropagator } from "@opentelemetry/api";
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

/**
 * The W3C propagator, but its inject can be made to throw an error that quotes the headers it was given,
 * or to throw `throws` as it is.
 */
class ThrowingPropagator implements TextMapPropagator {
  readonly #w3c = new W3CTraceContextPropagator();
  fails = false;
  throws: { value: unknown } | undefined;
  inject(...args: Parameters<TextMapPropagator["inject"]>): void {
    if (this.throws) throw this.throws.value;
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

/**
 * A context manager whose context refuses to hold a span: `setValue` throws for a span (naming the PAT),
 * and keeps nothing else (the SDK's exporter sets a value of its own as it exports).
 */
class RefusingContextManager implements ContextManager {
  readonly #context: Context = {
    getValue: () => undefined,
    setValue: (_key, value) => {
      if (typeof (value as { spanContext?: unknown } | null)?.spanContext === "function") throw new Error(`context is read-only (Key ${PAT})`);
      return this.#context;
    },
    deleteValue: () => this.#context,
  };
  active(): Context {
    return this.#context;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(_context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return fn.call(thisArg, ...args);
  }
  bind<T>(_context: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    return this;
  }
}

const exporter = new InMemorySpanExporter();
const throwing = new ThrowingProcessor();
const propagator = new ThrowingPropagator();
// The exporter first: the SDK stops at the processor that throws, so this one still sees every span.
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter), throwing] });
const reported: string[] = [];
const log = (message: string, ...args: unknown[]) => reported.push([message, ...args.map(String)].join(" "));
const reporting: DiagLogger = { error: log, warn: log, info: () => {}, debug: () => {}, verbose: () => {} };
let emulator: Emulator;

/** Registers `logger` as OpenTelemetry's diagnostic logger in place of the one before. */
function useDiagLogger(logger: DiagLogger): void {
  diag.disable();
  diag.setLogger(logger, DiagLogLevel.WARN);
}

/** Registers `manager` as the global context manager in place of the one before. */
function useContextManager(manager: ContextManager): void {
  context.disable();
  context.setGlobalContextManager(manager);
}

beforeAll(async () => {
  trace.setGlobalTracerProvider(provider);
  useContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(propagator);
  useDiagLogger(reporting);
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
    propagator.throws = undefined;
    reported.length = 0;
    client = new ClarifaiClient({ pat: PAT, userId: "telemetry-user", appId: `telemetry-${transport}`, baseUrl: emulator.baseUrl, transport });
  });

  afterEach(async () => {
    await client.close();
    useDiagLogger(reporting);
    useContextManager(new AsyncLocalStorageContextManager().enable());
  });

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

  it("a propagator throwing in inject: a key given as a call's or the client's authorization header is hidden from the report too", async () => {
    propagator.fails = true;
    const callKey = "call-own-key-0123456789";
    const clientKey = "client-header-key-0123456789";
    await client.tasks.get("t", { headers: { authorization: `Key ${callKey}` } }).catch(() => {});
    await client.v2.getTask({ taskId: "t" }, { headers: { authorization: `Bearer ${callKey}` } }).catch(() => {});
    const keyed = new ClarifaiClient({ pat: "", headers: { authorization: `Key ${clientKey}` }, userId: "u", appId: "a", baseUrl: emulator.baseUrl, transport });
    await keyed.tasks.get("t").catch(() => {});
    await keyed.close();
    expect(reported).toHaveLength(3);
    for (const line of reported) {
      expect(line).toContain("authorization");
      expect(line).not.toContain(callKey);
      expect(line).not.toContain(clientKey);
    }
  });

  it("a diagnostic logger that throws as well: answered calls still succeed and each span ends once", async () => {
    let refused = 0;
    const refuse = () => {
      refused++;
      throw new Error(`log sink down (Key ${PAT})`);
    };
    useDiagLogger({ error: refuse, warn: refuse, info: refuse, debug: refuse, verbose: refuse });
    throwing.fails.onEnd = true;
    const task = newTask();
    await client.tasks.create(task);

    expect((await client.tasks.get(task.id)).id).toBe(task.id);
    expect(throwing.ended).toEqual(["clarifai.api.V2/PostTasks", "clarifai.api.V2/GetTask"]);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(["clarifai.api.V2/PostTasks", "clarifai.api.V2/GetTask"]);
    // One report a call, each refused by the logger: the reports were made, and their failure contained.
    expect(refused).toBe(2);
  });

  it("a thrown value that cannot be turned into text: the call succeeds and the report says so", async () => {
    propagator.throws = {
      value: {
        toString() {
          throw new Error("no text");
        },
      },
    };
    const task = newTask();
    await client.tasks.create(task);

    expect((await client.tasks.get(task.id)).id).toBe(task.id);
    expect(reported.length).toBeGreaterThanOrEqual(2);
    for (const line of reported) {
      expect(line).toBe("clarifai-grpc-es: tracing failed to inject the trace context, the call goes on: a thrown value that could not be turned into text");
    }
  });

  it("a context that refuses the span: the span still records the call and ends once; no trace context is sent", async () => {
    const traceparents: (string | null)[] = [];
    const watched = new ClarifaiClient({
      pat: PAT,
      userId: "telemetry-user",
      appId: `telemetry-${transport}`,
      baseUrl: emulator.baseUrl,
      transport,
      interceptors: [
        (next) => (req) => {
          traceparents.push(req.header.get("traceparent"));
          return next(req);
        },
      ],
    });
    try {
      // As it should be first, so that the header's absence below is the refusal's doing.
      await watched.tasks.get("no-such-task").catch(() => undefined);
      expect(traceparents[0]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      exporter.reset();
      throwing.ended = [];

      useContextManager(new RefusingContextManager());
      const error = await watched.tasks.get("no-such-task").catch((e: unknown) => e);

      expect(error).toBeInstanceOf(NotFoundError);
      expect(traceparents[1]).toBeNull();
      expect(exporter.getFinishedSpans().map((s) => [s.name, s.status.code, s.attributes["clarifai.status_name"]])).toEqual([
        ["clarifai.api.V2/GetTask", SpanStatusCode.ERROR, "TASK_MISSING"],
      ]);
      expect(throwing.ended).toEqual(["clarifai.api.V2/GetTask"]);
      expect(reported).toHaveLength(1);
      expect(reported[0]).toContain("tracing failed to put the span in the call's context, the call goes on: Error: context is read-only");
      expect(reported[0]).not.toContain(PAT);
    } finally {
      await watched.close();
    }
  });
});
