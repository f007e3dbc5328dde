// The facade section's build (issue 14, done-when 3): the facade and the transport under it, built
// together as the package builds the client, so that the bench compares the facade with the very code
// it runs on. Checks that the build carries every step of the package's build, holds one copy of the
// transport and of protobuf-es for both entries, and makes real calls through the transport alone and
// through the facade on both transports; never speed.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMULATOR_PAT, EMULATOR_USER, seed } from "../../bench/server.js";
import { connectTransportAlone, TRANSPORTS_ALONE } from "../../bench/transport-alone.js";
import { bundleFacadeAndParts, type FacadeBuild } from "../../bench/transport-bundle.js";
import type { Target } from "../../bench/workloads.js";
import { startEmulator, type Emulator } from "../../src/testing/index.js";
import type * as Package from "../../src/index.js";

const projectDir = fileURLToPath(new URL("../..", import.meta.url));
// Inside the project, where the build's one external import (@grpc/grpc-js) resolves.
const outdir = path.join(projectDir, ".build", `facade-build-${process.pid}`);
const PAGE = 3;

let emulator: Emulator;
let target: Target;
let built: FacadeBuild;
/** Each output file's text, by name. */
let files: Map<string, string>;

beforeAll(async () => {
  emulator = await startEmulator({ users: { [EMULATOR_PAT]: EMULATOR_USER } });
  target = await seed(emulator.address, PAGE);
  built = await bundleFacadeAndParts(projectDir, outdir);
  files = new Map(
    readdirSync(outdir)
      .filter((f) => f.endsWith(".js"))
      .map((f) => [f, readFileSync(path.join(outdir, f), "utf8")]),
  );
}, 60_000);

afterAll(async () => {
  await emulator?.close();
  rmSync(outdir, { recursive: true, force: true });
});

/** The output files whose text contains `text`. */
const holding = (text: string) => [...files].filter(([, code]) => code.includes(text)).map(([name]) => name);

describe("the facade section's build: the facade and the transport alone, as the package builds the client", () => {
  it("carries every step of the package's build: decoder edits, compiled empty messages, descriptors and enums from JSON, ASCII only", () => {
    expect(holding("reader.tagBits()")).toHaveLength(1);
    expect(holding("ASCII_CODES[len]")).toHaveLength(1);
    expect(holding("const fieldReader = fieldReaders[fieldNo];")).toHaveLength(1);
    expect(holding("let untilCompiled = ZERO_AFTER;")).toHaveLength(1);
    // No call site of the stock reader's array-returning tag() is left in the message decoder.
    expect(holding("const [fieldNo, wireType] = reader.tag();")).toEqual([]);
    expect(holding("hydrateFile('{")).not.toEqual([]);
    expect(holding('StatusCode = /* @__PURE__ */ JSON.parse(\'{"0":"ZERO","10000":"SUCCESS"')).toHaveLength(1);
    for (const [name, code] of files) expect(/[^\x00-\x7f]/.test(code), name).toBe(false);
  });

  it("holds one copy of protobuf-es and of each transport, which both entries import", () => {
    expect(files.has("facade.js") && files.has("transport-parts.js")).toBe(true);
    // protobuf-es' decoder, the default transport's deadline and the grpc-js transport's own code: once each.
    const decoder = holding("from binary: maximum recursion depth");
    expect(decoder).toHaveLength(1);
    expect(holding("before the answer came")).toHaveLength(1);
    expect(holding("function createGrpcJsTransport(")).toHaveLength(1);
    // In a chunk both entries reach, not in either entry's own file.
    expect(decoder[0]).not.toMatch(/^(facade|transport-parts)\.js$/);
    for (const entry of ["facade.js", "transport-parts.js"]) expect(files.get(entry)).toMatch(/from "\.\/chunk-[A-Z0-9]+\.js"/);
  });

  it("takes node:http2 on first use, as the client's file does", () => {
    expect(holding('process.getBuiltinModule("node:http2")')).not.toEqual([]);
    for (const [name, code] of files) expect(code, name).not.toMatch(/^import\b[^;]*"node:http2";$/m);
  });

  it.each(TRANSPORTS_ALONE)("makes real GetTask, PostTasks and ListTasks calls on the %s alone", async (which) => {
    const client = await connectTransportAlone(which, target, built.transportParts);
    try {
      await client.getTask();
      await client.postTasks();
      expect(await client.listTasks()).toBe(PAGE);
    } finally {
      await client.close();
    }
  });

  it.each(["connect", "grpc-js"] as const)("makes real calls through the facade on transport %s, with grpc-js provided by the parts", async (transport) => {
    // The parts provide @grpc/grpc-js, as the facade section imports them before any facade's call.
    await import(built.transportParts);
    const lib = (await import(built.facade)) as typeof Package;
    const client = new lib.ClarifaiClient({ pat: target.pat, userId: target.userId, appId: target.appId, baseUrl: target.baseUrl, transport });
    try {
      expect((await client.tasks.get(target.taskId)).id).toBe(target.taskId);
      expect(await client.tasks.list({ perPage: 128 })).toHaveLength(PAGE);
    } finally {
      await client.close();
    }
  });
});
