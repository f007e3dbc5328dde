// Starts the emulator for the bench in its own process, and seeds the data every client reads.
import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { V2 } from "../gen/clarifai/api/service_pb.js";
import { LIST_PAGE_SIZE, postRequestB64, richTask, type Target } from "./workloads.js";

/** A running emulator. */
export interface BenchServer {
  /** `host:port`. */
  address: string;
  /** The emulator's process id, or this process's when it runs in-process. */
  pid: number;
  /** Stops the emulator. */
  stop(): Promise<void>;
}

/** The emulator's default key and user (src/testing/state.ts). */
export const EMULATOR_PAT = "emulator-pat";
export const EMULATOR_USER = "emulator-user";
/** The app PostTasks writes to (the emulator child empties it as the bench runs). */
export const WRITE_APP = "bench-write";

/**
 * Spawns `node <buildRoot>/bench/emulator-child.js` and resolves once it prints its address.
 * @param buildRoot - the compiled tree (`.build`)
 * @param options.compression - `false`: an emulator that never compresses its answers (default `true`:
 *   the emulator as shipped, which compresses answers over 1 KB when the client advertises gzip)
 */
export async function startServerProcess(buildRoot: string, options: { compression?: boolean } = {}): Promise<BenchServer> {
  const flags = options.compression === false ? ["--no-compression"] : [];
  const child = spawn(process.execPath, [path.join(buildRoot, "bench", "emulator-child.js"), ...flags], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout });
  const ready = await new Promise<{ address: string; pid: number }>((resolve, reject) => {
    lines.once("line", (line) => {
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`emulator printed ${JSON.stringify(line)} instead of its address`));
      }
    });
    void exited.then((code) => reject(new Error(`emulator exited (${code}) before listening`)));
  });
  return {
    address: ready.address,
    pid: ready.pid,
    async stop() {
      // Closing stdin is the child's signal to close its server and exit.
      child.stdin.end();
      await exited;
    },
  };
}

/**
 * Seeds the emulator: one page of rich tasks in the read app (GetTask reads its first task), and returns
 * the {@link Target} every client is given. Uses a plain connect client, outside any measurement.
 */
export async function seed(address: string, pageSize = LIST_PAGE_SIZE): Promise<Target> {
  const baseUrl = `http://${address}`;
  const userId = EMULATOR_USER;
  const appId = "bench-read";
  const postAppId = WRITE_APP;
  const sessionManager = new Http2SessionManager(baseUrl);
  try {
    const client = createClient(V2, createGrpcTransport({ baseUrl, sessionManager }));
    const headers = { authorization: `Key ${EMULATOR_PAT}` };
    const tasks = Array.from({ length: pageSize }, (_, i) => richTask(i));
    const res = await client.postTasks({ userAppId: { userId, appId }, tasks }, { headers });
    if (res.status?.code !== 10000 || res.tasks.length !== pageSize) {
      throw new Error(`seeding failed: ${res.status?.code} ${res.status?.description} ${res.status?.details}`);
    }
    return {
      address,
      baseUrl,
      pat: EMULATOR_PAT,
      userId,
      appId,
      postAppId,
      taskId: res.tasks[0]!.id,
      postRequestB64: postRequestB64(userId, postAppId),
    };
  } finally {
    sessionManager.abort();
  }
}
