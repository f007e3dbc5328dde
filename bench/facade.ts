// The facade section (issue 14, done-when 3): what the facade costs on top of the raw transport under it.
//
// Two measurements, because the direct one cannot resolve 5% on a shared machine:
//   - across processes, as the CPU section measures: each facade and the raw transport under it in
//     their own processes, interleaved rounds, the per-round ratio's median; beside them raw-http2
//     against a second process of itself (its "twin"), whose ratio should be 1 and whose spread is the
//     noise floor of this measurement on this machine;
//   - inside one process (bench/facade-own.ts): the call path's CPU over a transport that answers at
//     once, and the default transport's per-attempt deadline and close() bookkeeping. Their sum over
//     the raw transport's CPU per call (from the cross-process rounds, same Node) is the goal's number.
import type { ChildTask } from "./child.js";
import type { ClientName } from "./clients/types.js";
import type { FacadeOwnResult } from "./facade-own.js";
import type { NodeBinary } from "./nodes.js";
import { runChild } from "./processes.js";
import { measure, usPerCall, type RoundsOptions, type SectionSetup } from "./rounds.js";
import { ratiosPerRound, spread, type Spread } from "./stats.js";
import type { Contender, Missing } from "./workers.js";
import { cellName, type Cell, type Target } from "./workloads.js";

/** The label of the raw HTTP/2 client's second process. */
export const TWIN = "raw-http2 · twin";

/** Facade and the raw transport under it, as measured across processes. */
const PAIRS: readonly (readonly [ClientName, ClientName])[] = [
  ["facade-connect", "raw-http2"],
  ["facade-grpc-js", "raw-grpc-js"],
];

/** One cell of the facade section on one Node. */
export interface FacadeCell {
  cell: string;
  /** Raw HTTP/2 client's CPU per call in these rounds, µs. */
  rawUs: Spread;
  /** Facade µs ÷ raw µs − 1 per round, in percent, for each pair that ran. */
  acrossProcesses: { facade: ClientName; under: ClientName; pct: Spread }[];
  /** Twin µs ÷ raw µs − 1 per round, in percent: the noise floor (`null` when the twin did not run). */
  twinPct: Spread | null;
  /** The call path's own CPU per call, µs (in-process). */
  callPathUs: Spread;
  /** The default transport's per-attempt deadline and close() bookkeeping, µs (in-process). */
  bookkeepingUs: Spread;
  /** (call path + bookkeeping) ÷ raw-http2's median µs per call, in percent: the goal's number. */
  ownPct: number;
}

/** The section on one Node. */
export interface FacadeRun {
  node: NodeBinary;
  rounds: number;
  /** In-process rounds and calls per round. */
  inProcess: { rounds: number; calls: number };
  cells: FacadeCell[];
  missing: Missing[];
}

/** Runs the section on one Node with the clients asked for (pairs whose two sides are not both asked for are left out). */
export async function runFacade(
  setup: SectionSetup,
  target: Target,
  clients: readonly ClientName[],
  options: RoundsOptions,
  inProcess: { rounds: number; calls: number; entry: string },
): Promise<FacadeRun> {
  const pairs = PAIRS.filter(([f, u]) => clients.includes(f) && clients.includes(u));
  const contenders: Contender[] = [...new Set(pairs.flat())].map((client) => ({ label: client, client, config: {}, target }));
  if (clients.includes("raw-http2")) contenders.push({ label: TWIN, client: "raw-http2", config: {}, target });
  const { samples, missing } = await measure(setup, contenders, options);
  setup.log(`  facade: in-process call path and bookkeeping on Node ${setup.node.version}`);
  const task: ChildTask = { mode: "facade-own", target, entry: inProcess.entry, buildRoot: setup.buildRoot, cells: [...options.cells], rounds: inProcess.rounds, calls: inProcess.calls };
  const { result: own } = await runChild<FacadeOwnResult>(setup.buildRoot, task, ["--expose-gc"], setup.node.path);
  const us = (label: string, c: number) => samples.get(label)?.[c]?.map(usPerCall);
  const cells = options.cells.map((cell: Cell, c): FacadeCell => {
    const raw = us("raw-http2", c) ?? [];
    const twin = us(TWIN, c);
    const callPathUs = spread(own.callPathUs[c]!);
    const bookkeepingUs = spread(own.bookkeepingUs[c]!);
    const rawUs = spread(raw);
    return {
      cell: cellName(cell),
      rawUs,
      acrossProcesses: pairs.flatMap(([facade, under]) => {
        const f = us(facade, c);
        const u = us(under, c);
        return f && u ? [{ facade, under, pct: spread(ratiosPerRound(f, u).map((r) => (r - 1) * 100)) }] : [];
      }),
      twinPct: twin && raw.length ? spread(ratiosPerRound(twin, raw).map((r) => (r - 1) * 100)) : null,
      callPathUs,
      bookkeepingUs,
      ownPct: ((callPathUs.median + bookkeepingUs.median) / rawUs.median) * 100,
    };
  });
  return { node: setup.node, rounds: options.rounds, inProcess: { rounds: inProcess.rounds, calls: inProcess.calls }, cells, missing };
}
