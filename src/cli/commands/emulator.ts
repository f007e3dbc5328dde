// `clarifai-grpc-es emulator`: runs the local Clarifai emulator until SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import { startEmulator } from "../../testing/index.js";
import { UsageError, type Command } from "../command.js";

const usage = `Usage: clarifai-grpc-es emulator [--port N] [--host H] [--user PAT=USER_ID]... [--api-key KEY=USER_ID/APP_ID]...

Serves an in-memory clarifai.api.V2 (Tasks and Collectors) on one port, until Ctrl-C (SIGINT) or
SIGTERM: gRPC, gRPC-web and Connect clients over HTTP/2 (and HTTP/1.1), and the REST routes of the
API (POST /v2/users/{user}/apps/{app}/tasks, PATCH /v2/collectors, …) for curl and fetch. Started
with npx (npm exec), it also stops when npx does: \`npx clarifai-grpc-es emulator & … kill $!\` stops it.

Options:
  --port N                       TCP port; 0 picks a free one (default 0)
  --host H                       interface to listen on (default 127.0.0.1)
  --user PAT=USER_ID             a key the emulator accepts and the user it acts as; repeat for more
                                 (default: emulator-pat=emulator-user)
  --api-key KEY=USER_ID/APP_ID   an app-scoped API key, bound to one app: calls with it need not name
                                 the app (the docs' /v2/collectors calls); repeat for more
  -h, --help                     show this help`;

/** Parses `--user PAT=USER_ID` values into the emulator's `users` map. */
function parseUsers(values: readonly string[]): Record<string, string> | undefined {
  if (values.length === 0) return undefined;
  const users: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq <= 0 || eq === v.length - 1) throw new UsageError(`--user expects PAT=USER_ID, got "${v}"`);
    users[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return users;
}

/** Parses `--api-key KEY=USER_ID/APP_ID` values into the emulator's `apiKeys` map. */
function parseApiKeys(values: readonly string[]): Record<string, { userId: string; appId: string }> | undefined {
  if (values.length === 0) return undefined;
  const keys: Record<string, { userId: string; appId: string }> = {};
  for (const v of values) {
    const m = /^([^=]+)=([^/]+)\/([^/]+)$/.exec(v);
    if (!m) throw new UsageError(`--api-key expects KEY=USER_ID/APP_ID, got "${v}"`);
    keys[m[1]!] = { userId: m[2]!, appId: m[3]! };
  }
  return keys;
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`--port expects a number from 0 to 65535, got "${value}"`);
  return port;
}

/** How often the emulator looks whether npx, which started it, is still there. */
const PARENT_CHECK_MS = 200;

/**
 * Calls `onGone` once the parent process has exited, when the emulator runs under `npx` / `npm exec`
 * (npm sets `npm_command=exec` for what it runs), and returns a function that stops watching.
 *
 * Why: npm exec runs the bin through `sh -c`, and forwards a SIGTERM or SIGINT sent to npm's PID (the
 * `$!` of `npx clarifai-grpc-es emulator &`) to that shell only. The shell dies and the emulator
 * would keep serving as an orphan. Its parent's exit is the one sign it gets; Node has no event for
 * it, hence the (unref'd) poll of `process.ppid`. Elsewhere the parent is the user's shell or
 * supervisor, whose exit must not stop a server meant to outlive it.
 */
function whenNpxExits(onGone: () => void, env: NodeJS.ProcessEnv = process.env): () => void {
  if (env["npm_command"] !== "exec") return () => {};
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onGone();
    }
  }, PARENT_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** The `emulator` subcommand. */
export const emulatorCommand: Command = {
  name: "emulator",
  summary: "run the local Clarifai emulator (Tasks and Collectors) until Ctrl-C",
  usage,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...args],
        options: {
          port: { type: "string" },
          host: { type: "string" },
          user: { type: "string", multiple: true },
          "api-key": { type: "string", multiple: true },
          help: { type: "boolean", short: "h" },
        },
        strict: true,
        allowPositionals: false,
      });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (parsed.values.help) {
      io.out(usage);
      return 0;
    }
    const users = parseUsers(parsed.values.user ?? []);
    const apiKeys = parseApiKeys(parsed.values["api-key"] ?? []);
    let emulator;
    try {
      emulator = await startEmulator({
        port: parsePort(parsed.values.port),
        host: parsed.values.host ?? "127.0.0.1",
        ...(users ? { users } : {}),
        ...(apiKeys ? { apiKeys } : {}),
      });
    } catch (e) {
      // A key given both as --user and --api-key: the options contradict each other.
      if (e instanceof TypeError) throw new UsageError(e.message);
      throw e;
    }
    // Handlers first: a script may signal as soon as it reads the line below.
    const stopped = new Promise<string>((resolve) => {
      const stop = (why: string) => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        unwatch();
        resolve(why);
      };
      const unwatch = whenNpxExits(() => stop("npx exited"));
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    // One line, stable wording: scripts and tests wait for it to know the port is open.
    io.out(`clarifai-grpc-es emulator listening on ${emulator.baseUrl}`);
    // Under npx, `$!` is npm's PID, not this one: say which process serves.
    io.err(`clarifai-grpc-es emulator: pid ${process.pid}; Ctrl-C or kill ${process.pid} stops it`);
    const why = await stopped;
    io.err(`clarifai-grpc-es emulator: ${why}, closing`);
    await emulator.close();
    return 0;
  },
};
