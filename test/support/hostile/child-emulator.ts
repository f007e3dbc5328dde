// Runs the emulator in a child process (see emulator-child.ts). From vitest the child runs the
// TypeScript sources through ts-register.mjs; from the compiled soak (.build/) it runs the emitted JS.
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

/** Options passed to the child. */
export interface ChildStartOptions {
  /** Port to listen on; 0 (default) picks one. Give the old port to restart "the same server". */
  port?: number;
  /** PAT → user id (the emulator's `users`). */
  users?: Record<string, string>;
  /** PEM key and cert to serve TLS. */
  tls?: { key: string; cert: string };
}

/** Parent → child messages. @internal */
export type ChildRequest = { type: "countTasks"; id: number; userId: string; appId: string };
/** Child → parent messages. @internal */
export type ChildReply = { type: "ready"; port: number; baseUrl: string } | { type: "count"; id: number; count: number };

/** A running emulator process. */
export interface ChildEmulator {
  readonly pid: number;
  readonly port: number;
  readonly baseUrl: string;
  /** Resolves when the process has exited, with its signal (e.g. `"SIGKILL"`). */
  readonly exited: Promise<NodeJS.Signals | null>;
  /** Sends `signal` (default SIGKILL: the process dies mid-call, sockets are reset by the kernel). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open, nothing is answered. */
  freeze(): void;
  /** The emulator's stored task count for one app. */
  countTasks(userId: string, appId: string): Promise<number>;
}

const here = import.meta.url;
const fromSources = here.endsWith(".ts");

/** Starts the emulator in a child process and resolves once it listens. */
export async function spawnEmulator(options: ChildStartOptions = {}): Promise<ChildEmulator> {
  const script = fileURLToPath(new URL(fromSources ? "./emulator-child.ts" : "./emulator-child.js", here));
  const child: ChildProcess = fork(script, [JSON.stringify(options)], {
    execArgv: fromSources ? ["--import", fileURLToPath(new URL("./ts-register.mjs", here))] : [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = once(child, "exit").then(([, signal]) => signal as NodeJS.Signals | null);
  const ready = await Promise.race([
    new Promise<Extract<ChildReply, { type: "ready" }>>((resolve) =>
      child.on("message", (m: ChildReply) => {
        if (m.type === "ready") resolve(m);
      }),
    ),
    exited.then((signal) => {
      throw new Error(`emulator child exited before listening (signal ${signal})`);
    }),
  ]);
  let nextId = 0;
  return {
    pid: child.pid!,
    port: ready.port,
    baseUrl: ready.baseUrl,
    exited,
    async kill(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    freeze() {
      child.kill("SIGSTOP");
    },
    countTasks(userId, appId) {
      const id = ++nextId;
      return new Promise((resolve) => {
        const onMessage = (m: ChildReply) => {
          if (m.type === "count" && m.id === id) {
            child.off("message", onMessage);
            resolve(m.count);
          }
        };
        child.on("message", onMessage);
        child.send({ type: "countTasks", id, userId, appId } satisfies ChildRequest);
      });
    },
  };
}
