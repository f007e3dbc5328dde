// An OpenTelemetry SDK registered globally for one test file, as a service would register it: a
// tracer provider exporting to memory, the AsyncLocalStorage context manager, the W3C trace-context
// propagator and a meter provider whose reader a test collects on demand. Global registration
// reaches every module of the worker, so `disable()` (in `afterAll`) must undo all of it. Also: how to
// read the `traceparent` a server received.
import { EventEmitter, once } from "node:events";
import { context, metrics, propagation, trace, type Attributes } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { AggregationTemporality, DataPointType, MeterProvider, MetricReader, type Histogram } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, NoopSpanProcessor, SimpleSpanProcessor, type ReadableSpan, type Span } from "@opentelemetry/sdk-trace-base";

/** A reader that exports nothing by itself: the test asks with `collect()`. Delta: each collection holds only what was recorded since the last. */
class CollectOnDemand extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** One histogram data point: its attributes and how many values it holds. */
export interface HistogramPoint {
  readonly attributes: Attributes;
  readonly count: number;
  readonly sum: number;
  readonly unit: string;
}

/**
 * Tells of every span that ends, by name, so a test can wait for one instead of polling, and keeps the
 * names of those started and not yet ended.
 */
class EndedSpans extends NoopSpanProcessor {
  readonly events = new EventEmitter();
  readonly open = new Set<ReadableSpan>();
  override onStart(span: Span): void {
    this.open.add(span);
  }
  override onEnd(span: ReadableSpan): void {
    this.open.delete(span);
    this.events.emit(span.name, span);
  }
}

export interface TestOtel {
  /** Ended spans, oldest first. */
  spans(): ReadableSpan[];
  /** The names of the spans started and not ended, oldest first. */
  openSpans(): string[];
  /** Resolves when the next span named `name` ends (ask before starting what ends it). */
  nextEnded(name: string): Promise<ReadableSpan>;
  /** Points of the histogram `name` recorded since the last call (or since registration). */
  histogram(name: string): Promise<HistogramPoint[]>;
  /** Forgets the spans, ended and open, and drains the metrics. */
  reset(): Promise<void>;
  /** Registers the meter provider again, with a fresh reader (after `metrics.disable()` in a test). */
  registerMeterProvider(): void;
  /** Unregisters every global this registered. */
  disable(): Promise<void>;
}

export function registerTestOtel(): TestOtel {
  const exporter = new InMemorySpanExporter();
  const ended = new EndedSpans();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter), ended] });
  trace.setGlobalTracerProvider(tracerProvider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  let reader = new CollectOnDemand();
  let meterProvider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);

  const histogram = async (name: string): Promise<HistogramPoint[]> => {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw new AggregateError(errors, "metric collection failed");
    return resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .filter((m) => m.descriptor.name === name && m.dataPointType === DataPointType.HISTOGRAM)
      .flatMap((m) =>
        m.dataPoints.map((p) => {
          const value = p.value as Histogram;
          return { attributes: p.attributes, count: value.count, sum: value.sum ?? 0, unit: m.descriptor.unit };
        }),
      );
  };
  return {
    spans: () => exporter.getFinishedSpans(),
    openSpans: () => [...ended.open].map((s) => s.name),
    nextEnded: async (name) => ((await once(ended.events, name)) as [ReadableSpan])[0],
    histogram,
    reset: async () => {
      exporter.reset();
      ended.open.clear();
      await reader.collect();
    },
    registerMeterProvider: () => {
      reader = new CollectOnDemand();
      meterProvider = new MeterProvider({ readers: [reader] });
      metrics.setGlobalMeterProvider(meterProvider);
    },
    disable: async () => {
      trace.disable();
      context.disable();
      propagation.disable();
      metrics.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** A W3C `traceparent` split into its parts; `undefined` when absent or malformed. */
export function parseTraceparent(value: string | undefined): { traceId: string; parentId: string; flags: string } | undefined {
  const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(value ?? "");
  return m ? { traceId: m[1]!, parentId: m[2]!, flags: m[3]! } : undefined;
}
