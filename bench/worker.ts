// A client process of the CPU bench: it loads one client (and no other library), connects it, proves it
// works, then runs the cells it is sent, one at a time, and reports the CPU this process spent on each.
// `process.cpuUsage()` counts every thread of this process (zlib and other libuv work included) and
// nothing of the emulator's or another client's, so it is the client's own cost per call, and it is
// much less sensitive to what else the machine does than the wall clock.
//
// Usage: node worker.js '<WorkerInit as JSON>'. It prints one JSON line when ready (or
// failed), then reads one JSON command per line on stdin and answers each with one JSON line. It exits
// when stdin closes. It imports only Node built-ins statically: the client is loaded on request.
import { createInterface } from "node:readline";
import type { BenchClient, ClientConfig, ClientName, LoadOptions } from "./clients/types.js";
import type { WireRecord } from "./wire-watch.js";
import type { Target, Workload } from "./workloads.js";

/** What a worker is started with. */
export interface WorkerInit {
  client: ClientName;
  config: ClientConfig;
  target: Target;
  load: LoadOptions;
}

/** Run `warmupCalls` unmeasured calls, then measure `calls` calls at `concurrency`. */
export interface CellCommand {
  workload: Workload;
  concurrency: number;
  warmupCalls: number;
  calls: number;
  /** Profile the measured calls with V8's CPU profiler and write the `.cpuprofile` here. */
  profileFile?: string;
}

/** One measured cell, as seen from inside the client's process. */
export interface CellSample {
  calls: number;
  /** User + system CPU of the whole process over the measured calls, in microseconds. */
  cpuUs: number;
  userUs: number;
  systemUs: number;
  wallMs: number;
  /** Latency percentiles of the measured calls, in milliseconds. */
  p50Ms: number;
  p99Ms: number;
}

/** A worker's answer: the ready line (with what the client put on the wire), or a cell's sample; `error` when it could not. */
export type WorkerReply = { ok: true; sample?: CellSample; wire?: WireRecord[] } | { ok: false; error: { name: string; message: string } };

function reply(message: WorkerReply) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function failure(error: unknown): WorkerReply {
  const e = error instanceof Error ? error : new Error(String(error));
  return { ok: false, error: { name: e.name, message: e.message } };
}

async function start(init: WorkerInit) {
  const { BenchUnsupported, isFacade, loadClient } = await import("./clients/index.js");
  const tracing = init.config.tracing;
  if (tracing && !isFacade(init.client)) throw new BenchUnsupported(`${init.client} does not trace`);
  // Both set up before the client loads, as an application sets them up at start-up.
  const blocked = tracing === "no-api" ? (await import("./otel-block.js")).blockOtelApi() : undefined;
  const probe = tracing === "sdk" ? (await import("./otel-sdk.js")).registerTracing() : undefined;
  const watch = (await import("./wire-watch.js")).watchWire();
  let wire: WireRecord[];
  let client: BenchClient;
  try {
    client = await (await loadClient(init.client, init.load)).connect(init.target, init.config);
    // One of each call proves the client works before anything is measured.
    await client.getTask();
    await client.postTasks();
    const n = await client.listTasks();
    if (n !== 128) throw new Error(`ListTasks returned ${n} tasks, not a full page of 128`);
  } finally {
    wire = watch.stop();
  }
  if (probe && (await probe.spans()) === 0) {
    throw new BenchUnsupported("a registered OpenTelemetry SDK received no span from three calls: this build does not trace");
  }
  if (blocked?.loaded()) throw new Error("@opentelemetry/api was loaded although it could not be resolved");
  // A client asked for an encoding is held to what it advertised.
  const accept = init.config.accept ?? "default";
  for (const record of accept === "default" ? [] : wire) {
    const gzip = /\bgzip\b/.test(record.advertised);
    if (gzip !== (accept === "gzip")) {
      throw new BenchUnsupported(`asked for ${accept} answers, it advertised ${JSON.stringify(record.advertised)} on ${record.path}`);
    }
  }
  return { client, wire };
}

async function runCell(client: BenchClient, command: CellCommand): Promise<CellSample> {
  const { callOf, runFixed } = await import("./load.js");
  const call = callOf(client, command.workload);
  // No forced collection before the measured calls: the calls after a `gc()` ran extra full collections
  // (V8 sizes its next limit after each full collection, and after a forced one its trace reported a
  // mutator utilisation of 0.008; raw-http2, GetTask at c=32, blocks of 1,200 calls: 1 to 3
  // mark-compacts in a block after `gc()` against 0 to 1 without, and 249-328 µs a call against
  // 142-238), a state a service's calls are never in. The warm-up, the same cell's own calls, takes the
  // garbage of the cell before.
  if (command.warmupCalls > 0) await runFixed(call, { calls: command.warmupCalls, concurrency: command.concurrency });
  let session: import("node:inspector/promises").Session | undefined;
  if (command.profileFile) {
    const { Session } = await import("node:inspector/promises");
    session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
  }
  const before = process.cpuUsage();
  const run = await runFixed(call, { calls: command.calls, concurrency: command.concurrency });
  const cpu = process.cpuUsage(before);
  if (session) {
    const { profile } = await session.post("Profiler.stop");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(command.profileFile!, JSON.stringify(profile));
    session.disconnect();
  }
  return {
    calls: run.calls,
    cpuUs: cpu.user + cpu.system,
    userUs: cpu.user,
    systemUs: cpu.system,
    wallMs: run.wallMs,
    p50Ms: run.p50,
    p99Ms: run.p99,
  };
}

const init = JSON.parse(process.argv[2] ?? "{}") as WorkerInit;
try {
  const { client, wire } = await start(init);
  reply({ ok: true, wire });
  // Commands run one at a time, in order: the parent waits for each answer before sending the next.
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    try {
      reply({ ok: true, sample: await runCell(client, JSON.parse(line) as CellCommand) });
    } catch (error) {
      reply(failure(error));
    }
  }
  await client.close();
} catch (error) {
  reply(failure(error));
}
// grpc-js and HTTP/2 sessions may keep the loop alive for a moment after close; nothing is left to say.
process.exit(0);
