// The one-shot side of the bench's child processes: cold start and memory each need a fresh Node
// process that loads one client and nothing else, and the facade's own CPU (facade-own.ts) a process
// where nothing but the facade runs. This file therefore imports only Node built-ins
// statically; the client (and with it its libraries) is imported at the moment measured.
// Usage: node [--expose-gc] child.js '<ChildTask as JSON>'; prints one JSON line (the result).
import { performance } from "node:perf_hooks";
import type { ClientName, LoadOptions } from "./clients/types.js";
import type { CodecName, ProtobufCodec } from "./codec.js";
import type { FacadeOwnTask } from "./facade-own.js";
import type { Target } from "./workloads.js";

/** What a child is asked to do. */
export type ChildTask =
  | { mode: "coldstart"; client: ClientName; firstCall: boolean; target: Target; load: LoadOptions }
  | { mode: "memory"; client: ClientName; calls: number; concurrency: number; target: Target; load: LoadOptions }
  | ({ mode: "facade-own" } & FacadeOwnTask)
  | { mode: "codec"; codec: CodecName; durationMs: number; warmupMs: number; pageSize?: number; shippedParts: string };

/** Cold start, in milliseconds since the process started (`performance.timeOrigin`). */
export interface ColdStartResult {
  /** When this script began: Node's own start-up, the same for every client. */
  bootMs: number;
  /** Importing the client's module. */
  importMs: number;
  /** Creating the client and completing the first GetTask (0 when not asked). */
  firstCallMs: number;
}

/** Memory, in bytes. */
export interface MemoryResult {
  baseline: { rss: number; heapUsed: number };
  afterImport: { rss: number; heapUsed: number };
  /** After the calls, before a collection: what the process holds while working. */
  afterCalls: { rss: number; heapUsed: number };
  /** After the calls and a full collection: what the client retains. */
  afterCallsGc: { rss: number; heapUsed: number };
}

function snapshot() {
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

function collect() {
  // Two passes: the first can leave weakly held objects for the second.
  globalThis.gc?.();
  globalThis.gc?.();
}

async function main(task: ChildTask): Promise<unknown> {
  const t0 = performance.now();
  if (task.mode === "coldstart") {
    const { loadClient } = await import("./clients/index.js");
    const client = await loadClient(task.client, task.load);
    const t1 = performance.now();
    let t2 = t1;
    if (task.firstCall) {
      const connected = await client.connect(task.target);
      await connected.getTask();
      t2 = performance.now();
      await connected.close();
    }
    return { bootMs: t0, importMs: t1 - t0, firstCallMs: t2 - t1 } satisfies ColdStartResult;
  }
  if (task.mode === "facade-own") return (await import("./facade-own.js")).measureFacadeOwn(task);
  if (task.mode === "codec") {
    // The package's copy of protobuf-es only for the codec that is that copy: no other codec runs here.
    const shipped = task.codec === "protobuf-es (as shipped)" ? ((await import(task.shippedParts)) as ProtobufCodec) : undefined;
    return (await import("./codec.js")).timeCodec(task.codec, { ...task, shipped });
  }
  if (!globalThis.gc) throw new Error(`the ${task.mode} child needs --expose-gc`);
  const { callOf, runFixed } = await import("./load.js");
  collect();
  const baseline = snapshot();
  const { loadClient } = await import("./clients/index.js");
  const module = await loadClient(task.client, task.load);
  collect();
  const afterImport = snapshot();
  const client = await module.connect(task.target);
  await runFixed(callOf(client, "GetTask"), { calls: task.calls, concurrency: task.concurrency });
  const afterCalls = snapshot();
  collect();
  const afterCallsGc = snapshot();
  await client.close();
  return { baseline, afterImport, afterCalls, afterCallsGc } satisfies MemoryResult;
}

const task = JSON.parse(process.argv[2] ?? "{}") as ChildTask;
main(task).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    // grpc-js and http2 sessions may keep the loop alive for a moment after close; the result is out.
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
