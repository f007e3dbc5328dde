// The facade section's transport alone, bundled as the package bundles the client (issue 14, done-when
// 3): the bench compares the package's facades with it, so it must carry the package's decoder edits
// and still make real calls on both transports. Checks what the bundle contains and that it works,
// never speed.
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMULATOR_PAT, EMULATOR_USER, seed } from "../../bench/server.js";
import { connectTransportAlone, TRANSPORTS_ALONE } from "../../bench/transport-alone.js";
import { bundleTransportParts } from "../../bench/transport-bundle.js";
import type { Target } from "../../bench/workloads.js";
import { startEmulator, type Emulator } from "../../src/testing/index.js";

const projectDir = fileURLToPath(new URL("../..", import.meta.url));
// Inside the project, where the bundle's one external import (@grpc/grpc-js) resolves.
const outdir = path.join(projectDir, ".build", `transport-bundle-${process.pid}`);
const PAGE = 3;

let emulator: Emulator;
let target: Target;
let parts: string;

beforeAll(async () => {
  emulator = await startEmulator({ users: { [EMULATOR_PAT]: EMULATOR_USER } });
  target = await seed(emulator.address, PAGE);
  mkdirSync(outdir, { recursive: true });
  parts = await bundleTransportParts(projectDir, outdir);
}, 60_000);

afterAll(async () => {
  await emulator?.close();
  rmSync(outdir, { recursive: true, force: true });
});

describe("the facade section's transport alone, bundled as the package is", () => {
  it("carries protobuf-es with the package's decoder edits (tags as numbers, short strings through reused arrays)", () => {
    const code = readdirSync(outdir)
      .filter((f) => f.endsWith(".js"))
      .map((f) => readFileSync(path.join(outdir, f), "utf8"))
      .join("\n");
    expect(code).toContain("reader.tagBits()");
    expect(code).toContain("ASCII_CODES[len]");
    // No call site of the stock reader's array-returning tag() is left in the message decoder.
    expect(code).not.toContain("const [fieldNo, wireType] = reader.tag();");
  });

  it("is one file, which takes node:http2 on first use, as the client's is", () => {
    expect(readdirSync(outdir).filter((f) => f.endsWith(".js"))).toEqual(["transport-parts.js"]);
    const code = readFileSync(path.join(outdir, "transport-parts.js"), "utf8");
    expect(code).toContain('process.getBuiltinModule("node:http2")');
    expect(code).not.toMatch(/^import\b[^;]*"node:http2";$/m);
  });

  it.each(TRANSPORTS_ALONE)("makes real GetTask, PostTasks and ListTasks calls on the %s", async (which) => {
    const client = await connectTransportAlone(which, target, parts);
    try {
      await client.getTask();
      await client.postTasks();
      expect(await client.listTasks()).toBe(PAGE);
    } finally {
      await client.close();
    }
  });
});
