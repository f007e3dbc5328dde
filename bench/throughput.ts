// The latency/throughput suite: every client, every workload, at concurrency 1 and 32, in rounds.
// Within a round the clients take turns per workload, in an order rotated each round, so whatever
// else the machine does drifts over all clients alike; each number reported is the median over rounds.
import type { BenchClient, ClientName } from "./clients/types.js";
import { callOf, runLoad } from "./load.js";
import { spread, type Spread } from "./stats.js";
import { WORKLOADS, type Workload } from "./workloads.js";

/** Timings of the suite. */
export interface ThroughputOptions {
  rounds: number;
  /** Time per client, workload and concurrency in each round. */
  cellMs: number;
  /** Warm-up per client and workload before the first round. */
  warmupMs: number;
  /** The high concurrency (32). */
  concurrency: number;
  /** Minimum calls per latency cell, so that a p99 has samples behind it. */
  minLatencyCalls: number;
  /** Called after each cell (progress). */
  onCell?: (client: ClientName, workload: Workload, round: number) => void;
}

/** One client on one workload: medians over rounds, with spread. */
export interface ThroughputResult {
  client: ClientName;
  workload: Workload;
  /** Concurrency 1. */
  c1: { p50Ms: Spread; p99Ms: Spread; callsPerSec: Spread };
  /** Concurrency `concurrency`. */
  cN: { callsPerSec: Spread; p50Ms: Spread; p99Ms: Spread };
  /** Calls made in the measured rounds. */
  calls: number;
}

function collectGarbage() {
  // With --expose-gc, every cell starts from a collected heap, so no client pays for the previous one's garbage.
  (globalThis as { gc?: () => void }).gc?.();
}

/** Runs the suite over connected clients. */
export async function runThroughput(clients: ReadonlyMap<ClientName, BenchClient>, options: ThroughputOptions): Promise<ThroughputResult[]> {
  const names = [...clients.keys()];
  for (const workload of WORKLOADS) {
    for (const name of names) {
      const call = callOf(clients.get(name)!, workload);
      await runLoad(call, { concurrency: options.concurrency, durationMs: options.warmupMs });
      await runLoad(call, { concurrency: 1, durationMs: options.warmupMs / 2 });
    }
  }
  type Acc = { c1p50: number[]; c1p99: number[]; c1rate: number[]; nRate: number[]; np50: number[]; np99: number[]; calls: number };
  const acc = new Map<string, Acc>();
  const key = (c: ClientName, w: Workload) => `${c}\u0000${w}`;
  for (const c of names) for (const w of WORKLOADS) acc.set(key(c, w), { c1p50: [], c1p99: [], c1rate: [], nRate: [], np50: [], np99: [], calls: 0 });

  for (let round = 0; round < options.rounds; round++) {
    for (const workload of WORKLOADS) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + round) % names.length]!;
        const call = callOf(clients.get(name)!, workload);
        const a = acc.get(key(name, workload))!;
        collectGarbage();
        const one = await runLoad(call, { concurrency: 1, durationMs: options.cellMs, minCalls: options.minLatencyCalls });
        collectGarbage();
        const many = await runLoad(call, { concurrency: options.concurrency, durationMs: options.cellMs });
        a.c1p50.push(one.p50);
        a.c1p99.push(one.p99);
        a.c1rate.push(one.callsPerSec);
        a.nRate.push(many.callsPerSec);
        a.np50.push(many.p50);
        a.np99.push(many.p99);
        a.calls += one.calls + many.calls;
        options.onCell?.(name, workload, round);
      }
    }
  }
  return names.flatMap((client) =>
    WORKLOADS.map((workload) => {
      const a = acc.get(key(client, workload))!;
      return {
        client,
        workload,
        c1: { p50Ms: spread(a.c1p50), p99Ms: spread(a.c1p99), callsPerSec: spread(a.c1rate) },
        cN: { callsPerSec: spread(a.nRate), p50Ms: spread(a.np50), p99Ms: spread(a.np99) },
        calls: a.calls,
      };
    }),
  );
}
