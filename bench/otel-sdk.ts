// "Tracing on" for the bench: an OpenTelemetry SDK registered globally the way an application registers
// one (tracer provider with a batch processor, W3C trace-context propagation, async-hooks context, a
// meter provider), exporting to counters instead of a collector so that only the client's own tracing
// work is measured. Loaded only by a client process that measures tracing, before the client itself.
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { ExportResultCode, W3CTraceContextPropagator, type ExportResult } from "@opentelemetry/core";
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";

/** What the registered SDK has received so far. */
export interface TracingProbe {
  /** Flushes the span processor and returns the number of spans exported since registration. */
  spans(): Promise<number>;
}

/** Registers the SDK globally and returns a probe that counts what the client produced. */
export function registerTracing(): TracingProbe {
  let spans = 0;
  const spanExporter: SpanExporter = {
    export(batch: ReadableSpan[], done: (result: ExportResult) => void) {
      spans += batch.length;
      done({ code: ExportResultCode.SUCCESS });
    },
    async shutdown() {},
  };
  const metricExporter: PushMetricExporter = {
    export: (_metrics, done) => done({ code: ExportResultCode.SUCCESS }),
    forceFlush: async () => {},
    shutdown: async () => {},
    selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
  };
  const processor = new BatchSpanProcessor(spanExporter);
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [processor] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 })] }));
  return {
    async spans() {
      await processor.forceFlush();
      return spans;
    },
  };
}
