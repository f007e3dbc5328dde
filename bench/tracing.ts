// Tracing on against off (issue 12): each facade transport measured as it is (no OpenTelemetry SDK
// registered; `@opentelemetry/api` is resolvable, as a devDependency here) and with an SDK registered
// before the client loads (bench/otel-sdk.ts), interleaved over rounds, the ratio taken per round.
// A build that does not trace is reported as such: its "on" process proves that no span was recorded.
import type { ClientName } from "./clients/types.js";
import { measure, usPerCall, type RoundsOptions, type SectionSetup } from "./rounds.js";
import { ratiosPerRound, spread, type Spread } from "./stats.js";
import type { Contender, Missing } from "./workers.js";
import { cellName, type Target } from "./workloads.js";

/** One facade transport on one cell. */
export interface TracingRow {
  client: ClientName;
  offUs: Spread;
  onUs: Spread;
  /** Per round: on ÷ off − 1, in percent. */
  costPct: Spread;
}

/** The section's results. */
export interface TracingRun {
  node: string;
  rounds: number;
  cells: { cell: string; calls: number; rows: TracingRow[] }[];
  /** Contenders that did not run; a build without tracing shows here with why. */
  missing: Missing[];
}

/** Runs the section for the given facade clients. */
export async function runTracing(setup: SectionSetup, target: Target, facades: readonly ClientName[], options: RoundsOptions): Promise<TracingRun> {
  const on = (client: ClientName) => `${client} · tracing on`;
  const contenders: Contender[] = facades.flatMap((client) => [
    { label: client, client, config: {}, target },
    { label: on(client), client, config: { tracing: true }, target },
  ]);
  const { samples, missing } = await measure(setup, contenders, options);
  const cells = options.cells.map((cell, c) => {
    const rows: TracingRow[] = [];
    for (const client of facades) {
      const off = samples.get(client)?.[c]?.map(usPerCall);
      const traced = samples.get(on(client))?.[c]?.map(usPerCall);
      if (!off || !traced) continue;
      rows.push({ client, offUs: spread(off), onUs: spread(traced), costPct: spread(ratiosPerRound(traced, off).map((r) => (r - 1) * 100)) });
    }
    return { cell: cellName(cell), calls: options.calls(cell), rows };
  });
  return { node: setup.node.version, rounds: options.rounds, cells, missing };
}
