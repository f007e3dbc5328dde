// Interleaved rounds over client processes: round r runs every cell once on every contender, taking the
// contenders in an order rotated by r, so whatever else the machine does drifts over all of them alike
// and a comparison can be made within one round (the ratios), then summarised over rounds (medians).
import type { LoadOptions } from "./clients/types.js";
import type { NodeBinary } from "./nodes.js";
import type { WireRecord } from "./wire-watch.js";
import type { CellSample } from "./worker.js";
import { startWorkers, type Contender, type Missing, type Worker } from "./workers.js";
import type { Cell } from "./workloads.js";

/** How much each cell measures. */
export interface RoundsOptions {
  rounds: number;
  cells: readonly Cell[];
  /** Measured calls per cell and round. */
  calls(cell: Cell): number;
  /** Unmeasured calls before each measured cell, as a fraction of `calls` (before the first round, every process also runs every cell once, unmeasured). */
  warmupFraction: number;
  /** Progress, after each round. */
  onRound?: (round: number) => void;
}

/** Samples by contender label, then by cell index, then by round. */
export type Samples = Map<string, CellSample[][]>;

/**
 * Runs the rounds. A contender whose process fails mid-run is dropped from every cell (a partial row
 * would compare unlike rounds) and returned in `missing`.
 */
export async function runRounds(workers: readonly Worker[], options: RoundsOptions): Promise<{ samples: Samples; missing: Missing[] }> {
  const samples: Samples = new Map(workers.map((w) => [w.contender.label, options.cells.map(() => [])]));
  const failed = new Map<string, Missing>();
  const live = () => workers.filter((w) => !failed.has(w.contender.label));
  const attempt = async (worker: Worker, f: () => Promise<void>) => {
    try {
      await f();
    } catch (error) {
      const c = worker.contender;
      failed.set(c.label, { label: c.label, client: c.client, reason: error instanceof Error ? error.message : String(error), unsupported: false });
    }
  };
  // Warm-up: every process runs every cell once, unmeasured, so JIT and connections are settled before round 0.
  for (const worker of workers) {
    for (const cell of options.cells) {
      await attempt(worker, async () => void (await worker.run({ ...cell, warmupCalls: 0, calls: options.calls(cell) })));
    }
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const [c, cell] of options.cells.entries()) {
      const order = live();
      for (let k = 0; k < order.length; k++) {
        const worker = order[(k + round) % order.length]!;
        const calls = options.calls(cell);
        await attempt(worker, async () => {
          const sample = await worker.run({ ...cell, calls, warmupCalls: Math.ceil(calls * options.warmupFraction) });
          samples.get(worker.contender.label)![c]!.push(sample);
        });
      }
    }
    options.onRound?.(round);
  }
  for (const label of failed.keys()) samples.delete(label);
  return { samples, missing: [...failed.values()] };
}

/** Where and how a section runs its client processes. */
export interface SectionSetup {
  /** The compiled tree holding bench/worker.js. */
  buildRoot: string;
  node: NodeBinary;
  load: LoadOptions;
  log: (line: string) => void;
}

/** What a contender put on the wire while it proved itself. */
export interface ContenderWire {
  label: string;
  records: WireRecord[];
}

/** Starts a process per contender, runs the rounds, closes the processes. */
export async function measure(
  setup: SectionSetup,
  contenders: readonly Contender[],
  options: RoundsOptions,
): Promise<{ samples: Samples; missing: Missing[]; wire: ContenderWire[] }> {
  const started = await startWorkers(setup.buildRoot, setup.node, contenders, setup.load, setup.log);
  try {
    const run = await runRounds(started.workers, options);
    const wire = started.workers.map((w) => ({ label: w.contender.label, records: w.wire }));
    return { samples: run.samples, missing: [...started.missing, ...run.missing], wire };
  } finally {
    await Promise.all(started.workers.map((w) => w.close()));
  }
}

/** CPU per completed call of a sample, in microseconds. */
export function usPerCall(sample: CellSample): number {
  return sample.cpuUs / sample.calls;
}
