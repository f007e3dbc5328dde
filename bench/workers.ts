// The parent's handle on a client process (bench/worker.ts): start it on a given Node, send it cells,
// read its samples. One process per client and setup, kept for the whole section, so every client is
// measured warm and alone: only one process runs calls at any time.
import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import type { ClientConfig, ClientName, LoadOptions } from "./clients/types.js";
import type { NodeBinary } from "./nodes.js";
import type { WireRecord } from "./wire-watch.js";
import type { CellCommand, CellSample, WorkerInit, WorkerReply } from "./worker.js";
import type { Target } from "./workloads.js";

/** One thing measured: a client, set up one way, against one emulator. */
export interface Contender {
  /** Unique within a section, e.g. "raw-connect" or "raw-connect · identity (client option)". */
  label: string;
  client: ClientName;
  config: ClientConfig;
  target: Target;
}

/** A running client process. */
export interface Worker {
  contender: Contender;
  /** What the client put on the wire while it proved itself (first request of each path). */
  wire: WireRecord[];
  /** Runs one cell and resolves to its sample. */
  run(command: CellCommand): Promise<CellSample>;
  /** Ends the process (closing its stdin lets the client close its connections first). */
  close(): Promise<void>;
}

/** Why a contender could not run. `unsupported`: it has no way to be set up as asked (a gap, not a failure). */
export interface Missing {
  label: string;
  client: ClientName;
  reason: string;
  unsupported: boolean;
}

/** Thrown by {@link startWorker} when the client could not be set up. */
export class WorkerStartError extends Error {
  override name = "WorkerStartError";
  constructor(
    message: string,
    readonly unsupported: boolean,
  ) {
    super(message);
  }
}

/** Starts `node <buildRoot>/bench/worker.js` for one contender and waits until its client is connected and proven. */
export async function startWorker(buildRoot: string, node: NodeBinary, contender: Contender, load: LoadOptions): Promise<Worker> {
  const init: WorkerInit = { client: contender.client, config: contender.config, target: contender.target, load };
  const child = spawn(node.path, [path.join(buildRoot, "bench", "worker.js"), JSON.stringify(init)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const replies = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<WorkerReply> => {
    const line = await replies.next();
    if (line.done) {
      const code = await exited;
      throw new Error(`${contender.label} on Node ${node.version} exited (${code}) without answering: ${stderr.trim()}`);
    }
    return JSON.parse(line.value) as WorkerReply;
  };
  const ready = await next().catch((error: Error) => ({ ok: false as const, error: { name: "Error", message: error.message } }));
  if (!ready.ok) {
    child.kill();
    throw new WorkerStartError(`${ready.error.name}: ${ready.error.message}`, ready.error.name === "BenchUnsupported");
  }
  return {
    contender,
    wire: ready.wire ?? [],
    async run(command) {
      child.stdin.write(`${JSON.stringify(command)}\n`);
      const answer = await next();
      if (!answer.ok) throw new Error(`${contender.label}: ${answer.error.name}: ${answer.error.message}`);
      return answer.sample!;
    },
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}

/**
 * Starts one worker per contender, a few at a time (starting is not measured: import, connection and
 * the first calls only need to be over before the rounds begin). A contender that cannot run is
 * returned in `missing` with the reason (the facade's REST transport before it exists, an option a
 * client does not have); the others run without it. Workers come back in the order of `contenders`.
 */
export async function startWorkers(
  buildRoot: string,
  node: NodeBinary,
  contenders: readonly Contender[],
  load: LoadOptions,
  log: (line: string) => void,
): Promise<{ workers: Worker[]; missing: Missing[] }> {
  const started: (Worker | Missing)[] = [];
  let next = 0;
  const starter = async () => {
    while (next < contenders.length) {
      const i = next++;
      const contender = contenders[i]!;
      try {
        started[i] = await startWorker(buildRoot, node, contender, load);
      } catch (error) {
        const unsupported = error instanceof WorkerStartError && error.unsupported;
        const reason = error instanceof Error ? error.message : String(error);
        log(`  ${contender.label} on Node ${node.version} ${unsupported ? "not applicable" : "cannot run"}: ${reason}`);
        started[i] = { label: contender.label, client: contender.client, reason, unsupported };
      }
    }
  };
  await Promise.all(Array.from({ length: 3 }, starter));
  return {
    workers: started.filter((s): s is Worker => "run" in s),
    missing: started.filter((s): s is Missing => !("run" in s)),
  };
}
