// Tracing of every call through `@opentelemetry/api`, when that optional peer is installed: a client
// span named `clarifai.api.V2/<Method>` with the OpenTelemetry RPC semantic-convention attributes, one
// event per retry, the W3C trace context injected into the request metadata through the global
// propagator, and an `rpc.client.duration` histogram. Until a service registers something with the API
// (a tracer or meter provider, a propagator, a context manager) every one of those would be a no-op, so
// until then nothing is loaded and a call takes no tracing step at all. Looking the API up, and loading
// it where it is installed, was part of every first call, and its no-op spans cost each call about 15%
// more CPU (see the README's Benchmarks).
import type { DescMethodUnary } from "@bufbuild/protobuf";
import type { Status } from "../gen/clarifai/api/status/status_pb.js";
import type * as Otel from "@opentelemetry/api";
import type { ClarifaiError } from "./errors.js";
import { statusCodeName } from "./grpc-codes.js";
import { loadOptional } from "./optional.js";
import type { Redactor } from "./redact.js";
import type { RetryEvent } from "./retry.js";
import { VERSION } from "./version.js";

/** The trace of one call. None of its steps throws, whatever the service registered (see `contained`). @internal */
export interface CallSpan {
  /** Adds the trace context (`traceparent`, `tracestate`) of this call's span to its request metadata. */
  inject(headers: Record<string, string>): void;
  /** Records a retry as a span event. */
  retry(event: RetryEvent): void;
  /** Ends the span: with the call's error, or with the status of its successful response. */
  end(error: ClarifaiError | undefined, status?: Pick<Status, "code" | "reqId">): void;
}

/** Starts the trace of calls. @internal */
export interface Tracing {
  /**
   * Starts the span of one call; `undefined` when nothing is registered with the OpenTelemetry API (or
   * it is not installed), so that there is nothing to record or propagate. `callHeaders` are the call's
   * own metadata: when no span is active in the current context, a `traceparent` there (propagated from
   * an incoming request, see `fromGrpcJsCall`) becomes the span's parent, so the trace goes on.
   * `redact` scrubs this call's reports instead of the client's redactor: a call that sends its own
   * key gives one that knows it. Default: the client's.
   */
  start(method: DescMethodUnary, callHeaders: Readonly<Record<string, string>>, redact?: Redactor): CallSpan | undefined;
}

/** What the span records of the server (OpenTelemetry `server.address` / `server.port`). @internal */
export interface TracedServer {
  readonly host: string;
  readonly port: number;
}

// Where @opentelemetry/api 1.x keeps what is registered with it (its `registerGlobal`): absent until a
// provider, propagator, context manager or diag logger is registered through any copy of the API 1.x.
const OTEL_GLOBAL = Symbol.for("opentelemetry.js.api.1");

/**
 * The tracing of one client. The API is looked for at the first call made once something is
 * registered with it, so a client built before the service sets up OpenTelemetry traces its later calls.
 * `redact` scrubs what it reports of a failure of the service's OpenTelemetry setup (see `contained`).
 * @internal
 */
export function createTracing(server: TracedServer, transport: string, redact: Redactor): Tracing {
  // `undefined`: not looked for yet; `null`: not installed.
  let traced: Tracing | null | undefined;
  return {
    start(method, callHeaders, callRedact) {
      if ((globalThis as Record<symbol, unknown>)[OTEL_GLOBAL] === undefined) return undefined;
      if (traced === undefined) {
        const api = loadOptional<typeof Otel>("@opentelemetry/api");
        traced = api ? tracingWith(api, server, transport, redact) : null;
      }
      return traced?.start(method, callHeaders, callRedact);
    },
  };
}

/**
 * Runs `step` of a call's tracing; if it throws, reports that on OpenTelemetry's diagnostic logger and
 * goes on. What a service registers (a sampler, a span processor, an exporter, a propagator) may throw
 * from inside our calls, and the SDK passes that on (its span processors' `onEnd` runs inside
 * `span.end()`): telemetry must not turn an answered call into a failure, nor, by failing as the span
 * ends, end it a second time. The report names the step and the error, scrubbed (a propagator gets the
 * call's metadata, the PAT's header among them).
 */
function contained<T>(api: typeof Otel, redact: Redactor, step: string, run: () => T): T | undefined {
  try {
    return run();
  } catch (error) {
    report(api, redact, step, error);
    return undefined;
  }
}

/**
 * Reports a failed tracing step on `diag.error`, and never throws: the diagnostic logger is the
 * service's too, and so is what was thrown (a value whose `message` getter or `toString` throws, say),
 * and neither may fail the call that the report was meant to spare.
 */
function report(api: typeof Otel, redact: Redactor, step: string, error: unknown): void {
  let what: string;
  try {
    what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    what = "a thrown value that could not be turned into text";
  }
  try {
    api.diag.error(redact(`clarifai-grpc-es: tracing failed to ${step}, the call goes on: ${what}`));
  } catch {
    // The logger itself failed: there is nowhere left to report to.
  }
}

function tracingWith(api: typeof Otel, server: TracedServer, transport: string, clientRedact: Redactor): Tracing {
  const tracer = api.trace.getTracer("clarifai-grpc-es", VERSION);
  // The metrics API has no proxy provider (traces have one): a histogram taken from a client built
  // before the service registers its MeterProvider would stay a no-op for good. So the provider is
  // looked up at each record, and the histogram made again only when the provider changed.
  let meterProvider: Otel.MeterProvider | undefined;
  let histogram: Otel.Histogram | undefined;
  const duration = (): Otel.Histogram => {
    const provider = api.metrics.getMeterProvider();
    if (provider !== meterProvider || !histogram) {
      meterProvider = provider;
      histogram = provider.getMeter("clarifai-grpc-es", VERSION).createHistogram("rpc.client.duration", {
        description: "Duration of Clarifai API calls made by clarifai-grpc-es, retries included",
        unit: "ms",
      });
    }
    return histogram;
  };
  const rpcSystem = transport === "rest" ? "http" : "grpc";

  function startSpan(method: DescMethodUnary, callHeaders: Readonly<Record<string, string>>, redact: Redactor): CallSpan {
    const active = api.context.active();
    // A service without OpenTelemetry instrumentation of its own still forwards the caller's trace
    // context as metadata: continue that trace rather than start a new one.
    const parent = api.trace.getSpan(active) || !callHeaders["traceparent"] ? active : api.propagation.extract(active, callHeaders);
    const common: Otel.Attributes = {
      "rpc.system": rpcSystem,
      "rpc.service": method.parent.typeName,
      "rpc.method": method.name,
    };
    const span = tracer.startSpan(
      `${method.parent.typeName}/${method.name}`,
      { kind: api.SpanKind.CLIENT, attributes: { ...common, "server.address": server.host, "server.port": server.port } },
      parent,
    );
    // Apart from starting the span: if the context refuses it, the span still records the call (it is
    // started, and must end) and only the trace context is not sent.
    const context = contained(api, redact, "put the span in the call's context", () => api.trace.setSpan(parent, span));
    const started = performance.now();
    const annotate = (error: ClarifaiError | undefined, status: Pick<Status, "code" | "reqId"> | undefined, grpcCode: number) => {
      span.setAttribute("rpc.grpc.status_code", grpcCode);
      const code = error ? error.code : status?.code;
      if (code !== undefined) {
        span.setAttribute("clarifai.status_code", code);
        span.setAttribute("clarifai.status_name", statusCodeName(code));
      }
      const reqId = error ? error.reqId : status?.reqId;
      if (reqId) span.setAttribute("clarifai.req_id", reqId);
      if (error) {
        span.setAttribute("clarifai.attempts", error.attempts);
        span.setStatus({ code: api.SpanStatusCode.ERROR, message: error.message });
      }
    };
    return {
      inject(headers) {
        if (context) contained(api, redact, "inject the trace context", () => api.propagation.inject(context, headers));
      },
      retry(event) {
        contained(api, redact, "record a retry", () =>
          span.addEvent("retry", {
            "rpc.retry.attempt": event.attempt,
            "rpc.retry.delay_ms": event.delayMs,
            "rpc.grpc.status_code": event.error.grpcCode,
            ...(event.error.code !== undefined ? { "clarifai.status_code": event.error.code } : {}),
          }),
        );
      },
      end(error, status) {
        const grpcCode = error ? error.grpcCode : 0;
        // Three steps apart, so that one failing (a span processor's onEnd, say) leaves the others done.
        contained(api, redact, "annotate the span", () => annotate(error, status, grpcCode));
        contained(api, redact, "end the span", () => span.end());
        contained(api, redact, "record the duration", () => duration().record(performance.now() - started, { ...common, "rpc.grpc.status_code": grpcCode }));
      },
    };
  }

  return {
    start: (method, callHeaders, redact = clientRedact) => contained(api, redact, "start the span", () => startSpan(method, callHeaders, redact)),
  };
}
