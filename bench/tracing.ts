// Tracing (issue 12): each facade transport in three setups, interleaved over rounds, the cost taken
// per round against the first: `@opentelemetry/api` not installed (nothing may be loaded), the API
// installed with no SDK registered (spans are no-ops), and an SDK registered before the client loads
// (bench/otel-sdk.ts: spans recorded and exported). A build that records no span with an SDK
// registered is reported as not tracing.
import type { ClientName } from "./clients/types.js";
import { measure, usPerCall, type RoundsOptions, type SectionSetup } from "./rounds.js";
import { ratiosPerRound, spread, type Spread } from "./stats.js";
import type { Contender, Missing } from "./workers.js";
import { cellName, type Target } from "./workloads.js";

/** The setups compared, the first being the baseline. */
export const TRACING_SETUPS = ["no API", "API, no SDK", "SDK registered"] as const;
/** One of {@link TRACING_SETUPS}. */
export type TracingSetup = (typeof TRACING_SETUPS)[number];

const CONFIG = { "no API": "no-api", "API, no SDK": undefined, "SDK registered": "sdk" } as const;

/** One facade transport on one cell. */
export interface TracingRow {
  client: ClientName;
  /** CPU per call (µs) in each setup that ran. */
  us: Partial<Record<TracingSetup, Spread>>;
  /** Per round: setup ÷ "no API" − 1, in percent. */
  overNoApi: Partial<Record<TracingSetup, Spread>>;
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
  const label = (client: ClientName, s: TracingSetup) => `${client} · ${s}`;
  const contenders: Contender[] = facades.flatMap((client) =>
    TRACING_SETUPS.map((s) => ({ label: label(client, s), client, config: CONFIG[s] ? { tracing: CONFIG[s] } : {}, target })),
  );
  const { samples, missing } = await measure(setup, contenders, options);
  const cells = options.cells.map((cell, c) => {
    const rows: TracingRow[] = [];
    for (const client of facades) {
      const us = (s: TracingSetup) => samples.get(label(client, s))?.[c]?.map(usPerCall);
      const base = us("no API");
      if (!base) continue;
      const row: TracingRow = { client, us: {}, overNoApi: {} };
      for (const s of TRACING_SETUPS) {
        const values = us(s);
        if (!values) continue;
        row.us[s] = spread(values);
        if (s !== "no API") row.overNoApi[s] = spread(ratiosPerRound(values, base).map((r) => (r - 1) * 100));
      }
      rows.push(row);
    }
    return { cell: cellName(cell), calls: options.calls(cell), rows };
  });
  return { node: setup.node.version, rounds: options.rounds, cells, missing };
}
