// Closed-loop load: `concurrency` callers, each starting its next call when the previous one returns,
// until a fixed number of calls has completed. A fixed count (not a fixed time) makes the CPU per call
// of two clients comparable: each did the same work, whatever the machine's load did to the clock.
import type { BenchClient } from "./clients/types.js";
import { percentiles, type Percentiles } from "./stats.js";
import type { Workload } from "./workloads.js";

/** What one run of a fixed number of calls measured on the wall clock. */
export interface FixedRun extends Percentiles {
  /** Calls completed. */
  calls: number;
  /** Wall time of the whole run. */
  wallMs: number;
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
 * Runs `calls` calls with `concurrency` callers and times each. The first failure stops the run and is
 * thrown: a failing client must not report the speed of its errors.
 */
export async function runFixed(call: () => Promise<unknown>, options: { calls: number; concurrency: number }): Promise<FixedRun> {
  const latencies = new Float64Array(options.calls);
  let started = 0;
  let done = 0;
  let failure: unknown;
  const caller = async () => {
    while (failure === undefined && started < options.calls) {
      started++;
      const t0 = performance.now();
      try {
        await call();
      } catch (error) {
        failure ??= error;
        return;
      }
      latencies[done++] = performance.now() - t0;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.calls) }, caller));
  const wallMs = performance.now() - start;
  if (failure !== undefined) throw failure;
  return { ...percentiles(latencies.subarray(0, done)), calls: done, wallMs };
}
