// The `compression` option of the "connect" transport, on real sockets: what the client advertises and
// sends by default (nothing) and when asked (gzip), that gzipped requests reach the emulator intact,
// that gzipped answers are inflated, that a compressed answer the client cannot read (or did not ask
// for) fails the call with INTERNAL instead of returning a wrong message, and that an answer larger
// than 4 MiB, as sent or once inflated, fails with RESOURCE_EXHAUSTED as on grpc-js.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ClarifaiClient, Code, GetTaskRequestSchema, labelingTask, type ClarifaiClientOptions } from "clarifai-grpc-es";
import { create, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import type { ConnectError } from "@connectrpc/connect";
import { okGetTaskPayload, okMultiTaskPayload } from "../support/hostile/grpc-wire.js";
import { startRecordingEmulator, type RecordingEmulator } from "../support/recording-emulator.js";
import { startScriptedServer, type Reply, type ScriptedServer } from "../support/scripted-grpc.js";

// Each request's compression is held until the test lets it go (`holdCompression`): a test can then act
// while a request is certainly being compressed. Unheld, compression runs as it does in the client.
const compressing = vi.hoisted(() => ({ held: undefined as Promise<void> | undefined, started: [] as (() => void)[] }));
vi.mock("../../src/transports/gzip.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/transports/gzip.js")>();
  return {
    ...real,
    gzipBytes: async (bytes: Uint8Array) => {
      for (const started of compressing.started.splice(0)) started();
      await compressing.held;
      return real.gzipBytes(bytes);
    },
  };
});

/** Holds compression from now on; `started` resolves when a request's compression begins. */
function holdCompression() {
  let release!: () => void;
  compressing.held = new Promise<void>((resolve) => (release = resolve));
  const started = new Promise<void>((resolve) => compressing.started.push(resolve));
  return {
    started,
    release: () => {
      compressing.held = undefined;
      release();
    },
  };
}

let emulator: RecordingEmulator;
/** Answers every call with `reply`, which each test of the scripted describe blocks sets first. */
let server: ScriptedServer;
let reply: Reply;

beforeAll(async () => {
  emulator = await startRecordingEmulator();
  server = await startScriptedServer(() => reply);
});

afterAll(async () => {
  await emulator?.close();
  await server?.close();
});

async function withClient<T>(baseUrl: string, options: Partial<ClarifaiClientOptions>, use: (client: ClarifaiClient) => Promise<T>): Promise<T> {
  const client = new ClarifaiClient({ pat: "emulator-pat", userId: "emulator-user", appId: "compression", baseUrl, transport: "connect", retry: { maxAttempts: 1 }, ...options });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

// A task whose request encodes to well over 1 KB, so the default `minBytes` does not keep it plain.
const longTask = (id: string) =>
  labelingTask({
    id,
    name: "Annotate water",
    description: "w".repeat(2000),
    type: "CONCEPTS_CLASSIFICATION",
    concepts: ["water"],
    workers: { strategy: "DYNAMIC", users: ["worker-1"] },
    inputSource: { type: "ALL_INPUTS" },
  });

describe("compression on the connect transport, against the emulator", () => {
  it("by default advertises no encoding and sends requests uncompressed, however long", async () => {
    emulator.clear();
    await withClient(emulator.baseUrl, {}, async (client) => {
      await client.tasks.create(longTask("plain"));
      expect((await client.tasks.get("plain")).description).toHaveLength(2000);
    });
    for (const { headers } of emulator.received) {
      expect(headers["grpc-encoding"]).toBeUndefined();
      expect(headers["grpc-accept-encoding"]).toBeUndefined();
    }
  });

  it("with send: gzip, gzips requests of minBytes or more, and the emulator stores what was sent", async () => {
    emulator.clear();
    await withClient(emulator.baseUrl, { compression: { send: "gzip", minBytes: 1024 } }, async (client) => {
      await client.tasks.create(longTask("zipped"));
      const stored = await client.tasks.get("zipped");
      expect(stored.description).toBe("w".repeat(2000));
    });
    // The create request is long; the GetTask request is a few bytes, under minBytes.
    expect(emulator.received.map((r) => [r.method, r.headers["grpc-encoding"]])).toEqual([
      ["PostTasks", "gzip"],
      ["GetTask", undefined],
    ]);
  });

  it("with accept: gzip, advertises gzip and reads the emulator's gzipped answers", async () => {
    emulator.clear();
    await withClient(emulator.baseUrl, { compression: { accept: ["gzip"] } }, async (client) => {
      await client.tasks.create(longTask("big-answer"));
      // The answer carries the 2 KB description: the emulator compresses it for a client that accepts gzip.
      expect((await client.tasks.get("big-answer")).description).toBe("w".repeat(2000));
    });
    expect(emulator.received.map((r) => r.headers["grpc-accept-encoding"])).toEqual(["gzip", "gzip"]);
  });
});

describe("what the connect transport advertises and compresses, seen by a scripted server", () => {
  beforeAll(() => {
    reply = { message: okGetTaskPayload("t-1") };
  });
  const headersOf = async (options: Partial<ClarifaiClientOptions>) => {
    const before = server.seen.length;
    await withClient(server.baseUrl, options, (client) => client.v2.getTask({ taskId: "t-1" }));
    expect(server.seen).toHaveLength(before + 1);
    return server.seen[before]!.headers;
  };

  it("advertises gzip, once, when it accepts gzip", async () => {
    expect((await headersOf({ compression: { accept: ["gzip"] } }))["grpc-accept-encoding"]).toBe("gzip");
  });

  it("gzips a request of exactly minBytes bytes, and not when minBytes is one byte more", async () => {
    const size = toBinary(GetTaskRequestSchema, create(GetTaskRequestSchema, { taskId: "t-1" })).length;
    expect((await headersOf({ compression: { send: "gzip", minBytes: size } }))["grpc-encoding"]).toBe("gzip");
    expect((await headersOf({ compression: { send: "gzip", minBytes: size + 1 } }))["grpc-encoding"]).toBeUndefined();
  });

  it("a call aborted while its request is being compressed sends nothing, not even an empty stream", async () => {
    await withClient(server.baseUrl, { compression: { send: "gzip", minBytes: 0 } }, async (client) => {
      const before = server.seen.length;
      const hold = holdCompression();
      const controller = new AbortController();
      const call = client.v2.getTask({ taskId: "aborted" }, { signal: controller.signal }).catch((e: unknown) => e);
      await hold.started;
      controller.abort(new Error("not needed any more"));
      expect(((await call) as ConnectError).code).toBe(Code.Canceled);
      hold.release();
      // A call after it, compressed as well, goes out on the same connection; it is the only one to arrive.
      expect((await client.v2.getTask({ taskId: "after" })).task?.id).toBe("t-1");
      expect(server.seen.slice(before).map((r) => r.method)).toEqual(["GetTask"]);
    });
  });
});

describe("compressed answers on the connect transport, from a scripted server", () => {
  it("inflates a gzipped answer", async () => {
    reply = { message: okMultiTaskPayload(["t-1", "t-2", "t-3"]), compressed: { encoding: "gzip" } };
    const tasks = await withClient(server.baseUrl, { compression: { accept: ["gzip"] } }, (client) => client.tasks.list());
    expect(tasks.map((t) => t.id)).toEqual(["t-1", "t-2", "t-3"]);
  });

  it.each([
    { what: "corrupt gzip data", compressed: { encoding: "gzip", corrupt: true }, message: /gzip data is corrupt/ },
    { what: "a compressed message without grpc-encoding", compressed: { encoding: undefined }, message: /compressed message with encoding "identity"/ },
    { what: "an encoding the client does not know", compressed: { encoding: "br" }, message: /compressed message with encoding "br"/ },
  ])("fails the call with INTERNAL on $what, naming the problem", async ({ compressed, message }) => {
    reply = { message: okGetTaskPayload("t-1"), compressed };
    const error = await withClient(server.baseUrl, { compression: { accept: ["gzip"] } }, (client) => client.tasks.get("t-1")).then(
      () => undefined,
      (e: unknown) => e as { grpcCode: number; codeName?: string; message: string },
    );
    expect(error).toBeDefined();
    expect(error!.grpcCode).toBe(13);
    expect(error!.message).toMatch(message);
  });
});

/** A GetTask answer of about `bytes` bytes: an unknown field (99) of zeros, which any answer may carry. */
function answerOf(bytes: number): Uint8Array {
  return new BinaryWriter().tag(99, WireType.LengthDelimited).bytes(new Uint8Array(bytes)).finish();
}

describe("answers the connect transport refuses to hold", () => {
  const failure = (options: Partial<ClarifaiClientOptions>) =>
    withClient(server.baseUrl, options, (client) => client.tasks.get("t-1")).then(
      () => undefined,
      (e: unknown) => e as { grpcCode: number; message: string },
    );

  it("a gzipped answer to a client that did not advertise gzip (the default): INTERNAL, nothing inflated", async () => {
    reply = { message: okGetTaskPayload("t-1"), compressed: { encoding: "gzip" } };
    const error = await failure({});
    expect(error?.grpcCode).toBe(Code.Internal);
    expect(error?.message).toMatch(/compressed with gzip, which the client did not advertise/);
  });

  it("a gzipped answer that inflates past 4 MiB (a few KiB on the wire): RESOURCE_EXHAUSTED", async () => {
    reply = { message: answerOf(64 * 1024 * 1024), compressed: { encoding: "gzip" } };
    const error = await failure({ compression: { accept: ["gzip"] } });
    expect(error?.grpcCode).toBe(Code.ResourceExhausted);
    expect(error?.message).toMatch(/inflates to more than 4194304 bytes/);
  });

  it.each(["connect", "grpc-js"] as const)("an answer of more than 4 MiB on the wire over %s: RESOURCE_EXHAUSTED", async (transport) => {
    reply = { message: answerOf(5 * 1024 * 1024) };
    const error = await failure({ transport });
    expect(error?.grpcCode).toBe(Code.ResourceExhausted);
  });

  it("a too-large answer is not retried (the server would send it again), and a write's outcome is unknown (it was processed)", async () => {
    reply = { message: answerOf(5 * 1024 * 1024) };
    const retrying: Partial<ClarifaiClientOptions> = { retry: { maxAttempts: 3, sleep: async () => {}, random: () => 0 } };
    type Failure = { grpcCode: number; attempts: number; outcomeUnknown: boolean };
    const read = (await withClient(server.baseUrl, retrying, (client) => client.tasks.get("t-1")).catch((e: unknown) => e)) as Failure;
    expect([read.grpcCode, read.attempts, read.outcomeUnknown]).toEqual([Code.ResourceExhausted, 1, false]);
    const write = (await withClient(server.baseUrl, retrying, (client) => client.tasks.create(longTask("big"))).catch((e: unknown) => e)) as Failure;
    expect([write.grpcCode, write.attempts, write.outcomeUnknown]).toEqual([Code.ResourceExhausted, 1, true]);
  });

  it("answers under 4 MiB, plain or inflated, are read", async () => {
    for (const compressed of [undefined, { encoding: "gzip" }] as const) {
      reply = { message: new Uint8Array([...okGetTaskPayload("t-1"), ...answerOf(3 * 1024 * 1024)]), ...(compressed ? { compressed } : {}) };
      const task = await withClient(server.baseUrl, { compression: { accept: ["gzip"] } }, (client) => client.tasks.get("t-1"));
      expect(task.id).toBe("t-1");
    }
  });
});
