// `npm run soak`: 20,000 unary calls at concurrency 256 over each transport against the emulator running
// in its own process, so the memory measured is the client's alone. Passes when there were zero errors
// and the client's RSS after 20,000 calls is within 10% of its RSS after 10,000 (no per-call leak).
// A script, not a test: it prints a table and sets the exit code.
import os from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ClarifaiClient } from "../src/index.js";
import { spawnEmulator } from "../test/support/hostile/child-emulator.js";

const TOTAL = Number(process.env["SOAK_CALLS"] ?? 20_000);
const CONCURRENCY = Number(process.env["SOAK_CONCURRENCY"] ?? 256);
const WARMUP = 2_000;
const MAX_RSS_GROWTH = 0.1;
const TRANSPORTS = ["connect", "grpc-js"] as const;

// RSS is only comparable between two points after a full collection; `npm run soak` runs plain `node`,
// so the flag is turned on from inside.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** One transport's figures. */
interface SoakResult {
  transport: string;
  calls: number;
  errors: number;
  firstErrors: string[];
  seconds: number;
  callsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  rss10k: number;
  rss20k: number;
  heap10k: number;
  heap20k: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function settleMemory(): { rss: number; heap: number } {
  // Several passes: the first frees objects whose finalizers release more.
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

/**
 * Runs `count` calls with `concurrency` workers; the mix is 90% GetTask, 7% ListTasks, 3% PostTasks —
 * mostly reads, as a labeling dashboard would do, with some writes so both paths are exercised.
 */
async function phase(
  client: ClarifaiClient,
  ids: readonly string[],
  count: number,
  concurrency: number,
  latencies: Float64Array | undefined,
  offset: number,
  errors: string[],
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const start = performance.now();
      try {
        const r = i % 100;
        if (r < 90) await client.tasks.get(ids[i % ids.length]!);
        else if (r < 97) await client.tasks.list({ perPage: 10 });
        else await client.tasks.create(task(`soak ${i}`));
      } catch (error) {
        errors.push(String(error));
      }
      if (latencies) latencies[offset + i] = performance.now() - start;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function task(description: string) {
  return { type: 1, description, worker: { strategy: 3, workers: [{ worker: { case: "user" as const, value: { id: "labeler" } } }] } };
}

async function soak(transport: (typeof TRANSPORTS)[number], baseUrl: string): Promise<SoakResult> {
  const client = new ClarifaiClient({
    pat: "emulator-pat",
    userId: "emulator-user",
    appId: `soak-${transport}`,
    baseUrl,
    transport,
    timeoutMs: 30_000,
  });
  const seeded = await client.tasks.create(Array.from({ length: 16 }, (_, i) => task(`seed ${i}`)));
  const ids = seeded.map((t) => t.id);
  const errors: string[] = [];
  await phase(client, ids, WARMUP, CONCURRENCY, undefined, 0, errors);
  errors.length = 0; // warm-up failures would show in the run too; only the measured calls count
  settleMemory();

  const half = Math.floor(TOTAL / 2);
  const latencies = new Float64Array(TOTAL);
  const start = performance.now();
  await phase(client, ids, half, CONCURRENCY, latencies, 0, errors);
  const elapsedFirst = performance.now() - start;
  const at10k = settleMemory();
  const resume = performance.now();
  await phase(client, ids, TOTAL - half, CONCURRENCY, latencies, half, errors);
  const seconds = (elapsedFirst + (performance.now() - resume)) / 1000;
  const at20k = settleMemory();
  await client.close();

  const sorted = latencies.slice().sort();
  return {
    transport,
    calls: TOTAL,
    errors: errors.length,
    firstErrors: errors.slice(0, 3),
    seconds,
    callsPerSecond: TOTAL / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    rss10k: at10k.rss,
    rss20k: at20k.rss,
    heap10k: at10k.heap,
    heap20k: at20k.heap,
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const pct = (a: number, b: number) => `${(((b - a) / a) * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const load = os.loadavg()[0]!;
  const cpus = os.cpus().length;
  const emulator = await spawnEmulator();
  const results: SoakResult[] = [];
  try {
    for (const transport of TRANSPORTS) results.push(await soak(transport, emulator.baseUrl));
  } finally {
    await emulator.kill("SIGTERM");
  }
  const loadAfter = os.loadavg()[0]!;

  console.log(`soak: ${TOTAL} calls per transport at concurrency ${CONCURRENCY} (after ${WARMUP} warm-up calls), emulator in pid ${emulator.pid}`);
  console.log(`machine: ${cpus} CPUs, load average ${load.toFixed(2)} before, ${loadAfter.toFixed(2)} after (${load > cpus * 0.5 ? "busy" : "quiet"}), node ${process.version}`);
  console.log("");
  console.log("| transport | calls | errors | calls/s | p50 ms | p99 ms | max ms | RSS @10k | RSS @20k | RSS Δ | heap @10k | heap @20k |");
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of results) {
    console.log(
      `| ${r.transport} | ${r.calls} | ${r.errors} | ${r.callsPerSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${mb(r.rss10k)} | ${mb(r.rss20k)} | ${pct(r.rss10k, r.rss20k)} | ${mb(r.heap10k)} | ${mb(r.heap20k)} |`,
    );
  }
  let ok = true;
  for (const r of results) {
    if (r.errors > 0) {
      ok = false;
      console.log(`\nFAIL ${r.transport}: ${r.errors} errors, first: ${r.firstErrors.join(" / ")}`);
    }
    if (r.rss20k > r.rss10k * (1 + MAX_RSS_GROWTH)) {
      ok = false;
      console.log(`\nFAIL ${r.transport}: RSS grew ${pct(r.rss10k, r.rss20k)} between 10k and 20k calls (limit ${MAX_RSS_GROWTH * 100}%)`);
    }
  }
  console.log(ok ? "\nPASS: zero errors, RSS within 10% between 10k and 20k calls on both transports" : "");
  process.exitCode = ok ? 0 : 1;
}

await main();
