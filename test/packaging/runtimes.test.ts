// Bun and Deno, on the packed package installed as a user installs it: the client on each transport
// (connect, grpc-js, rest) against an emulator in this process, and the emulator under each runtime
// answering this process's clients on every transport. DESIGN.md says both ran in a quick try and are
// worth keeping true; the binaries come from the npm registry (scripts/runtime-bin.mjs). Each side
// runs in its own process so that one runtime's HTTP/2 never plays both roles at once.
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { ClarifaiClient, statusCodeName } from "clarifai-grpc-es";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runtimeBin } from "../../scripts/runtime-bin.mjs";
import { packOnce, type PackedPackage } from "../support/build.js";

const run = promisify(execFile);
const TRANSPORTS = ["connect", "grpc-js", "rest"] as const;
let packed: PackedPackage;
let work: string;
let emulator: Emulator;

const task = (description: string) => ({ type: 1, description, worker: { strategy: 3, workers: [{ worker: { case: "user" as const, value: { id: "labeler" } } }] } });

// The client side, run by the runtime: a write and a read per transport against BASE_URL.
const clientScript = `
import { ClarifaiClient, statusCodeName } from "clarifai-grpc-es";
const out = {};
for (const transport of ${JSON.stringify(TRANSPORTS)}) {
  const client = new ClarifaiClient({ pat: "rt-pat", userId: "rt-user", appId: process.env.APP_ID, baseUrl: process.env.BASE_URL, transport, timeoutMs: 10000 });
  try {
    const created = await client.tasks.create(${JSON.stringify(task("DESCRIPTION")).replace('"DESCRIPTION"', '"smoke over " + transport')});
    const got = await client.tasks.get(created.id);
    out[transport] = got.description + ": " + statusCodeName(got.status.code);
  } catch (e) {
    out[transport] = "failed: " + e.message;
  }
  await client.close();
}
console.log(JSON.stringify(out));
`;

// The server side, run by the runtime: the emulator, its address on the first line, until stdin ends.
const emulatorScript = `
import { startEmulator } from "clarifai-grpc-es/testing";
const emulator = await startEmulator({ users: { "rt-pat": "rt-user" } });
console.log(JSON.stringify({ baseUrl: emulator.baseUrl }));
for await (const _ of process.stdin) {}
await emulator.close();
process.exit(0);
`;

beforeAll(async () => {
  packed = await packOnce();
  work = await mkdtemp(join(packed.consumer, "runtimes-"));
  await writeFile(join(work, "client.mjs"), clientScript);
  await writeFile(join(work, "emulator.mjs"), emulatorScript);
  emulator = await startEmulator({ users: { "rt-pat": "rt-user" } });
}, 240_000);

afterAll(async () => {
  await emulator?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

// -A for Deno: the scripts listen, connect and read the environment; it reads the consumer's node_modules.
const args: Record<"bun" | "deno", (script: string) => string[]> = {
  bun: (script) => [script],
  deno: (script) => ["run", "-A", script],
};
const env = (extra: Record<string, string> = {}) => ({ PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", NO_COLOR: "1", ...extra });

it.each(["bun", "deno"] as const)("%s: the client writes and reads on every transport against the emulator", async (name) => {
  const app = `client-on-${name}`;
  const { stdout } = await run(runtimeBin(name), args[name]("client.mjs"), { cwd: work, timeout: 90_000, env: env({ BASE_URL: emulator.baseUrl, APP_ID: app }) });
  expect(JSON.parse(stdout.trim().split("\n").pop()!)).toEqual(Object.fromEntries(TRANSPORTS.map((t) => [t, `smoke over ${t}: TASK_IN_PROGRESS`])));
  expect(emulator.store.countTasks("rt-user", app)).toBe(3);
}, 120_000);

it.each(["bun", "deno"] as const)("%s: the emulator answers Node clients on every transport", async (name) => {
  const child = spawn(runtimeBin(name), args[name]("emulator.mjs"), { cwd: work, env: env(), stdio: ["pipe", "pipe", "inherit"] });
  try {
    const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
    const { baseUrl } = JSON.parse(line) as { baseUrl: string };
    for (const transport of TRANSPORTS) {
      const client = new ClarifaiClient({ pat: "rt-pat", userId: "rt-user", appId: `emulator-on-${name}`, baseUrl, transport, timeoutMs: 10_000 });
      const created = await client.tasks.create(task(`served by ${name} over ${transport}`));
      const got = await client.tasks.get(created.id);
      expect([got.description, statusCodeName(got.status!.code)]).toEqual([`served by ${name} over ${transport}`, "TASK_IN_PROGRESS"]);
      expect(await client.tasks.list()).toHaveLength(TRANSPORTS.indexOf(transport) + 1);
      await client.close();
    }
  } finally {
    const exited = once(child, "exit");
    child.stdin!.end();
    await exited;
  }
}, 120_000);
