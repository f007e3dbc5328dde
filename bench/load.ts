// Closed-loop load: `concurrency` callers, each starting its next call when the previous one returns,
// for a fixed time. Concurrency 1 gives latency; concurrency 32 gives throughput.
import type { BenchClient } from "./clients/types.js";
import { percentiles, type Percentiles } from "./stats.js";
import type { Workload } from "./workloads.js";

/** What one timed run of one client on one workload measured. */
export interface LoadSample extends Percentiles {
  /** Calls completed per second of wall time. */
  callsPerSec: number;
  /** Calls completed. */
  calls: number;
}

/** The call a workload makes through a client. */
export function callOf(client: BenchClient, workload: Workload): () => Promise<unknown> {
  switch (workload) {
    case "GetTask":
      return () => client.getTask();
    case "PostTasks":
      return () => client.postTasks();
    case "ListTasks":
      return () => client.listTasks();
  }
}

/**
 * Runs `call` with `concurrency` callers for `durationMs` (and at least `minCalls` calls, so a p99 is
 * never computed from a handful). The first failure stops the run and is thrown: a failing client must
 * not report the speed of its errors.
 */
export async function runLoad(
  call: () => Promise<unknown>,
  options: { concurrency: number; durationMs: number; minCalls?: number },
): Promise<LoadSample> {
  const latencies: number[] = [];
  const minCalls = options.minCalls ?? 0;
  const start = performance.now();
  const end = start + options.durationMs;
  let failure: unknown;
  const caller = async () => {
    while (failure === undefined && (performance.now() < end || latencies.length < minCalls)) {
      const t0 = performance.now();
      try {
        await call();
      } catch (error) {
        failure ??= error;
        return;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, caller));
  if (failure !== undefined) throw failure;
  const elapsed = performance.now() - start;
  return { ...percentiles(latencies), calls: latencies.length, callsPerSec: (latencies.length / elapsed) * 1000 };
}

/** Runs a fixed number of calls with `concurrency` callers (the memory run). */
export async function runCalls(call: () => Promise<unknown>, calls: number, concurrency: number): Promise<void> {
  let started = 0;
  const caller = async () => {
    while (started < calls) {
      started++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, calls) }, caller));
}
