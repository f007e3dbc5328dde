// The facade section (issue 14, done-when 3): what the facade costs on top of the raw transport under it.
//
// Each pair inside one child process (bench/facade-own.ts), because two processes taking turns on a
// shared machine cannot resolve 5%: in the CPU section a raw client against a second process of itself
// moved −9% to +15% on its medians. The paired rounds run in several such children one after another
// and are pooled: one process's own luck (code placement, what V8 inlined) leans all its rounds one way.
//   - paired real calls: each facade and the transport under it called alone as the facade calls it
//     (the goal's measure; both from one build of the package's code, the transport's copy shared:
//     bench/transport-bundle.ts), and each facade and the hand-written raw client of the same libraries,
//     calling the emulator in blocks, ABBA or BAAB within a round, the per-round ratio's median and a
//     95% bootstrap interval of it; beside them raw-http2 against a second raw-http2 client, whose
//     ratio would be 1 without noise;
//   - where the facade's part goes: the call path's CPU over a transport that answers at once, and the
//     default transport's per-attempt deadline and close() bookkeeping, over raw-http2's CPU per call.
import path from "node:path";
import type { ChildTask } from "./child.js";
import { PACKAGE_ENTRY } from "./clients/index.js";
import type { ClientName } from "./clients/types.js";
import { PAIRED_TWIN, type FacadeOwnResult, type Pair } from "./facade-own.js";
import { isTransportAlone, type TransportAlone } from "./transport-alone.js";
import { bundleFacadeAndParts, compiledTransportParts } from "./transport-bundle.js";
import type { NodeBinary } from "./nodes.js";
import { runChild } from "./processes.js";
import type { SectionSetup } from "./rounds.js";
import { medianInterval, spread, type Spread } from "./stats.js";
import { cellName, type Cell, type Target } from "./workloads.js";

/** Each facade and the transport under it alone (the goal's pair), then the hand-written raw client of its libraries. */
const PAIRS: readonly Pair[] = [
  ["facade-connect", "connect transport"],
  ["facade-connect", "raw-http2"],
  ["facade-grpc-js", "grpc-js transport"],
  ["facade-grpc-js", "raw-grpc-js"],
];

/** One cell of the facade section on one Node. */
export interface FacadeCell {
  cell: string;
  /**
   * Facade µs ÷ the other side's µs − 1 per round of paired blocks, in percent, with a 95% bootstrap
   * interval of the median (`null` for a single round), for each pair that ran (over the transport alone: the goal's number).
   */
  paired: { facade: ClientName; under: ClientName | TransportAlone; pct: Spread; interval: [number, number] | null }[];
  /** raw-http2's second client ÷ raw-http2 − 1 per round, in percent: the noise floor (`null` when raw-http2 did not run). */
  twinPct: Spread | null;
  /** The 95% bootstrap interval of the twin's median (`null` for a single round, or without raw-http2; absent in runs before it). */
  twinInterval?: [number, number] | null;
  /** raw-http2's CPU per call in the paired rounds, µs. */
  rawUs: Spread;
  /** The call path's own CPU per call, µs (over a transport that answers at once). */
  callPathUs: Spread;
  /** The default transport's per-attempt deadline and close() bookkeeping, µs. */
  bookkeepingUs: Spread;
  /** (call path + bookkeeping) ÷ raw-http2's median µs per call, in percent: where part of the facade's cost goes. */
  ownPct: number;
}

/** The section on one Node. */
export interface FacadeRun {
  node: NodeBinary;
  /**
   * Paired rounds per process (each: facade, raw, raw, facade) and the processes they ran in (absent in
   * runs before it: one), the calls of each block, and each client's warm-up calls before its first
   * block (absent in runs before it: a block and a quarter), by cell.
   */
  paired: { rounds: number; processes?: number; calls: number[]; warmup?: number[] };
  /** Rounds and calls per round of the call path and bookkeeping loops (in the first process). */
  inProcess: { rounds: number; calls: number };
  /**
   * Where the facades and the transport alone came from: `"one build"`, the bench's build of the facade
   * and the transport alone together, as the package is built, sharing one copy of the transport's code
   * (bench/transport-bundle.ts; when the package is under test); `"bundled"` (runs before it), the
   * package's facades and a bundle of the transport alone of its own, without the package's descriptor,
   * enum and string steps; `"compiled"`, both from the compiled sources, which decode with the stock
   * protobuf-es (absent in runs before it: compiled).
   */
  transportAlone?: "one build" | "bundled" | "compiled";
  cells: FacadeCell[];
}

/** Runs the section on one Node with the pairs whose two sides are both among `clients`. */
export async function runFacade(
  setup: SectionSetup,
  target: Target,
  clients: readonly ClientName[],
  cells: readonly Cell[],
  paired: { rounds: number; processes: number; calls: (cell: Cell) => number; warmup: (cell: Cell) => number },
  inProcess: { rounds: number; calls: number; entry: string },
): Promise<FacadeRun> {
  const pairs = PAIRS.filter(([f, u]) => clients.includes(f) && (isTransportAlone(u) || clients.includes(u)));
  const calls = cells.map(paired.calls);
  setup.log(`  facade on Node ${setup.node.version}: ${pairs.map((p) => p.join(" ÷ ")).join(", ") || "no pair"}, paired in ${paired.processes} process(es); call path and bookkeeping in the first`);
  // The facades and the transport alone from one build of the package's code, sharing the transport's
  // copy (bench/transport-bundle.ts), when the package is under test; else both compiled from the sources.
  const bundled = inProcess.entry === PACKAGE_ENTRY;
  const { facade: entry, transportParts } = bundled
    ? await bundleFacadeAndParts(path.resolve(setup.buildRoot, ".."), path.join(setup.buildRoot, "bench-bundle"))
    : { facade: inProcess.entry, transportParts: compiledTransportParts(setup.buildRoot) };
  const task: ChildTask & { mode: "facade-own" } = {
    mode: "facade-own",
    target,
    entry,
    buildRoot: setup.buildRoot,
    transportParts,
    cells: [...cells],
    rounds: inProcess.rounds,
    calls: inProcess.calls,
    paired: { pairs: [...pairs], rounds: paired.rounds, calls, warmup: cells.map(paired.warmup) },
  };
  // The loops run in the first process only: they time the facade's steps against themselves, with no
  // second client to lean against, and running them again would only lengthen the section.
  const { result: own } = await runChild<FacadeOwnResult>(setup.buildRoot, task, [], setup.node.path);
  for (let p = 1; p < paired.processes; p++) {
    const { result: more } = await runChild<FacadeOwnResult>(setup.buildRoot, { ...task, rounds: 0 }, [], setup.node.path);
    pool(own.paired, more.paired);
  }
  return {
    node: setup.node,
    paired: { rounds: paired.rounds, processes: paired.processes, calls, warmup: task.paired.warmup },
    inProcess: { rounds: inProcess.rounds, calls: inProcess.calls },
    transportAlone: bundled ? "one build" : "compiled",
    cells: cells.map((cell, c): FacadeCell => {
      const measured = own.paired[c] ?? [];
      const twin = measured.find((p) => p.facade === PAIRED_TWIN);
      const raw = measured.find((p) => p.under === "raw-http2");
      const callPathUs = spread(own.callPathUs[c]!);
      const bookkeepingUs = spread(own.bookkeepingUs[c]!);
      const rawUs = spread(raw?.underUs ?? []);
      return {
        cell: cellName(cell),
        paired: measured.filter((p) => p !== twin).map((p) => ({ facade: p.facade as ClientName, under: p.under, pct: spread(p.pct), interval: medianInterval(p.pct) })),
        twinPct: twin ? spread(twin.pct) : null,
        twinInterval: twin ? medianInterval(twin.pct) : null,
        rawUs,
        callPathUs,
        bookkeepingUs,
        ownPct: ((callPathUs.median + bookkeepingUs.median) / rawUs.median) * 100,
      };
    }),
  };
}

/** Appends `more`'s rounds to `into`'s, cell by cell and pair by pair (both list the same pairs in the same order). */
function pool(into: FacadeOwnResult["paired"], more: FacadeOwnResult["paired"]): void {
  into.forEach((perCell, c) =>
    perCell.forEach((rounds, i) => {
      const extra = more[c]?.[i];
      if (extra?.facade !== rounds.facade || extra.under !== rounds.under) throw new Error(`facade section: a later process measured another pair on cell ${c}`);
      rounds.pct.push(...extra.pct);
      rounds.underUs.push(...extra.underUs);
    }),
  );
}
