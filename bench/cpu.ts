// The lead section: client CPU per completed call, each client alone in its own process, the emulator in
// another, cells interleaved over rounds. Ratios are taken within each round (so load common to a round
// cancels) and summarised over rounds as a median with its range. The wall clock of the same calls gives
// the secondary table (calls/s and latency).
import { COMPARED_UNDER, isFacade, isOfficial, type ClientName } from "./clients/types.js";
import type { NodeBinary } from "./nodes.js";
import { measure, usPerCall, type ContenderWire, type RoundsOptions, type Samples, type SectionSetup } from "./rounds.js";
import { minPerRound, ratiosPerRound, spread, type Spread } from "./stats.js";
import type { CellSample } from "./worker.js";
import type { Contender, Missing } from "./workers.js";
import { cellName, type Cell, type Target, type Workload } from "./workloads.js";

/** One client on one cell. */
export interface ClientCell {
  /** The client's name, or the name of an official client with " · identity answers" (see {@link identityLabel}). */
  label: string;
  client: ClientName;
  /** Client-process CPU (user + system) per completed call, µs. */
  usPerCall: Spread;
  /** {@link usPerCall} ÷ the best official client's in the same round (`null` without an official client). */
  ratioToBestOfficial: Spread | null;
  /** Wall clock of the same calls (secondary: the server and the scheduler weigh in). */
  callsPerSec: Spread;
  p50Ms: Spread;
  p99Ms: Spread;
}

/** A facade's CPU over a raw client's: facade µs ÷ raw µs − 1 per round, in percent. */
export interface FacadeOverhead {
  facade: ClientName;
  under: ClientName;
  /** `under` is the raw transport the facade runs on, so this is the facade's own cost (the goal's row). */
  own: boolean;
  pct: Spread;
}

/** One cell on one Node. */
export interface CpuCell {
  cell: string;
  workload: Workload;
  concurrency: number;
  /** Measured calls per client and round. */
  calls: number;
  clients: ClientCell[];
  /** Best of our facade transports ÷ best official client, per round (`null` when either side is missing). */
  bestOursOverBestOfficial: Spread | null;
  /** The same against the official clients on uncompressed answers, like our default transport's (`null` when not measured). */
  bestOursOverBestOfficialIdentity: Spread | null;
  facadeOverhead: FacadeOverhead[];
}

/** The section on one Node. */
export interface CpuRun {
  node: NodeBinary;
  rounds: number;
  cells: CpuCell[];
  /** What each client advertised and how its answers came (first call of each RPC), as set up here. */
  wire: ContenderWire[];
  missing: Missing[];
}

const series = (samples: Samples, label: string, c: number, f: (s: CellSample) => number) => samples.get(label)![c]!.map(f);

/**
 * The label of an official client measured against the emulator that never compresses. The emulator
 * as shipped compresses answers for clients that advertise gzip, which the official clients always do
 * (grpc-js) and our default transport does not: these rows put both sides on uncompressed answers.
 */
export function identityLabel(client: ClientName): string {
  return `${client} · identity answers`;
}

/** Summarises the samples of the CPU section (exported for the smoke test's arithmetic check). */
export function summariseCpu(samples: Samples, cells: readonly Cell[], calls: (cell: Cell) => number): CpuCell[] {
  const labels = [...samples.keys()];
  const clientOf = (label: string) => label.split(" · ")[0] as ClientName;
  const clients = labels.filter((l) => clientOf(l) === l) as ClientName[];
  const officials = clients.filter(isOfficial);
  const officialsIdentity = officials.map(identityLabel).filter((l) => samples.has(l));
  const facades = clients.filter(isFacade);
  return cells.map((cell, c) => {
    const us = new Map(labels.map((label) => [label, series(samples, label, c, usPerCall)]));
    const bestOfficial = minPerRound(officials.map((o) => us.get(o)!));
    const bestFacade = minPerRound(facades.map((f) => us.get(f)!));
    const facadeOverhead: FacadeOverhead[] = [];
    for (const facade of facades) {
      for (const [i, under] of (COMPARED_UNDER[facade] ?? []).entries()) {
        if (!us.has(under)) continue;
        facadeOverhead.push({ facade, under, own: i === 0, pct: spread(ratiosPerRound(us.get(facade)!, us.get(under)!).map((r) => (r - 1) * 100)) });
      }
    }
    return {
      cell: cellName(cell),
      workload: cell.workload,
      concurrency: cell.concurrency,
      calls: calls(cell),
      clients: labels.map((label) => ({
        label,
        client: clientOf(label),
        usPerCall: spread(us.get(label)!),
        ratioToBestOfficial: officials.length ? spread(ratiosPerRound(us.get(label)!, bestOfficial)) : null,
        callsPerSec: spread(series(samples, label, c, (s) => (s.calls / s.wallMs) * 1000)),
        p50Ms: spread(series(samples, label, c, (s) => s.p50Ms)),
        p99Ms: spread(series(samples, label, c, (s) => s.p99Ms)),
      })),
      bestOursOverBestOfficial: officials.length && facades.length ? spread(ratiosPerRound(bestFacade, bestOfficial)) : null,
      bestOursOverBestOfficialIdentity:
        officialsIdentity.length && facades.length ? spread(ratiosPerRound(bestFacade, minPerRound(officialsIdentity.map((l) => us.get(l)!)))) : null,
      facadeOverhead,
    };
  });
}

/**
 * Runs the CPU section on one Node: one process per client, every cell, interleaved rounds; with
 * `identity`, the official clients a second time against the emulator that never compresses.
 */
export async function runCpu(setup: SectionSetup, target: Target, clients: readonly ClientName[], options: RoundsOptions, identity?: Target): Promise<CpuRun> {
  const contenders: Contender[] = clients.map((client) => ({ label: client, client, config: {}, target }));
  if (identity) {
    for (const client of clients.filter(isOfficial)) contenders.push({ label: identityLabel(client), client, config: {}, target: identity });
  }
  const { samples, missing, wire } = await measure(setup, contenders, options);
  return { node: setup.node, rounds: options.rounds, cells: summariseCpu(samples, options.cells, options.calls), wire, missing };
}
