// Bun and Deno: the packed package, installed as a user installs it, runs the emulator and a write and
// a read over each transport (connect, grpc-js, rest) under each runtime. DESIGN.md promises it as
// "worth keeping true"; the binaries come from the npm registry (scripts/runtime-bin.mjs).
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runtimeBin } from "../../scripts/runtime-bin.mjs";
import { packOnce, type PackedPackage } from "../support/build.js";

const run = promisify(execFile);
let packed: PackedPackage;
let work: string;

const smoke = `
import { ClarifaiClient, statusCodeName } from "clarifai-grpc-es";
import { startEmulator } from "clarifai-grpc-es/testing";
const emulator = await startEmulator({ users: { "rt-pat": "rt-user" } });
const out = {};
try {
  for (const transport of ["connect", "grpc-js", "rest"]) {
    const client = new ClarifaiClient({ pat: "rt-pat", userId: "rt-user", appId: "rt-app", baseUrl: emulator.baseUrl, transport, timeoutMs: 10000 });
    try {
      const created = await client.tasks.create({ type: 1, description: "smoke over " + transport, worker: { strategy: 3, workers: [{ worker: { case: "user", value: { id: "labeler" } } }] } });
      const got = await client.tasks.get(created.id);
      out[transport] = got.description + ": " + statusCodeName(got.status.code);
    } catch (e) {
      out[transport] = "failed: " + e.message;
    }
    await client.close();
  }
  out.stored = emulator.store.countTasks("rt-user", "rt-app");
} finally {
  await emulator.close();
}
console.log(JSON.stringify(out));
`;

beforeAll(async () => {
  packed = await packOnce();
  work = await mkdtemp(join(packed.consumer, "runtimes-"));
  await writeFile(join(work, "smoke.mjs"), smoke);
}, 240_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const commands: Record<string, (bin: string) => string[]> = {
  bun: () => ["smoke.mjs"],
  // -A: the emulator listens and the clients connect; Deno reads the consumer's node_modules.
  deno: () => ["run", "-A", "smoke.mjs"],
};

it.each(Object.keys(commands))("%s runs the emulator and a write and a read on every transport", async (name) => {
  const bin = runtimeBin(name as "bun" | "deno");
  const { stdout } = await run(bin, commands[name]!(bin), { cwd: work, timeout: 90_000, env: { PATH: process.env["PATH"], HOME: process.env["HOME"], NO_COLOR: "1" } });
  const out = JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, unknown>;
  expect(out).toEqual({
    connect: "smoke over connect: TASK_IN_PROGRESS",
    "grpc-js": "smoke over grpc-js: TASK_IN_PROGRESS",
    rest: "smoke over rest: TASK_IN_PROGRESS",
    stored: 3,
  });
}, 120_000);
