// Runs the walkthrough's steps one after the other and prints one line per step: number, outcome,
// time, what was done and what came back (ids, status). A failed step stops the run.
import { performance } from "node:perf_hooks";

/** One step: what it does, and a function that does it and describes the result in a few words. */
export interface Step {
  readonly what: string;
  run(): Promise<string>;
}

/** How a run went. */
export interface RunResult {
  readonly passed: number;
  readonly total: number;
  readonly ms: number;
}

/**
 * Runs `steps` in order, printing each as it finishes through `out`. Stops at the first failure
 * (later steps depend on earlier ones) and prints the failure's message on that step's line.
 */
export async function runSteps(steps: readonly Step[], out: (line: string) => void): Promise<RunResult> {
  const width = Math.max(...steps.map((s) => s.what.length));
  const start = performance.now();
  let passed = 0;
  for (const [i, step] of steps.entries()) {
    const t0 = performance.now();
    let ok = true;
    let detail: string;
    try {
      detail = await step.run();
    } catch (e) {
      ok = false;
      detail = e instanceof Error ? e.message : String(e);
    }
    const ms = `${Math.round(performance.now() - t0)} ms`.padStart(6);
    out(`${String(i + 1).padStart(2)} ${ok ? "✓" : "✗"} ${ms}  ${step.what.padEnd(width)}  ${detail}`);
    if (!ok) break;
    passed++;
  }
  return { passed, total: steps.length, ms: Math.round(performance.now() - start) };
}

/** Throws unless `actual` holds exactly the ids in `expected` (any order): a step checks what it shows. */
export function expectIds(actual: readonly { id: string }[], expected: readonly string[], what: string): string {
  const got = actual.map((x) => x.id).sort();
  const want = [...expected].sort();
  if (got.join() !== want.join()) throw new Error(`${what}: expected [${want.join(", ")}], got [${got.join(", ")}]`);
  return got.length === 0 ? "none" : got.join(", ");
}
