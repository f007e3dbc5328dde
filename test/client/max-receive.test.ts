// The `maxReceiveBytes` option, on real sockets against a scripted HTTP/2 server: an answer of exactly
// the limit is read and one byte more fails with RESOURCE_EXHAUSTED, not retried (a write's outcome
// unknown), on the connect and grpc-js transports; raising the limit lets through an answer the default
// refuses; grpc-js channel options and a grpc-js client of the caller's govern their own channel; the REST
// transport, against an HTTP/1.1 server, holds the body fetch hands over (inflated) to the limit and
// stops reading one that never ends; values that are not a positive safe integer are TypeErrors naming
// the option.
import { once } from "node:events";
import type http from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as grpc from "@grpc/grpc-js";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { ClarifaiClient, Code, DEFAULT_MAX_RECEIVE_BYTES, labelingTask, type ClarifaiClientOptions } from "clarifai-grpc-es";
import { okGetTaskPayload } from "../support/hostile/grpc-wire.js";
import { startScriptedServer, type Reply, type ScriptedServer } from "../support/scripted-grpc.js";
import { startHttp1Server, type Http1Server } from "../support/http1.js";
import { validTask } from "../fault/harness.js";

/** A GetTask answer of task `t-1` padded with an unknown field (99) of zeros: about `pad` bytes more. */
function answerWith(pad: number): Uint8Array {
  const padding = new BinaryWriter().tag(99, WireType.LengthDelimited).bytes(new Uint8Array(pad)).finish();
  return new Uint8Array([...okGetTaskPayload("t-1"), ...padding]);
}

// Between the default limit and the raised one.
const answer = answerWith(5 * 1024 * 1024);
const transports = ["connect", "grpc-js"] as const;
/** A valid task to write, whose answer the tests make too large. */
const bigTask = labelingTask({ id: "big", name: "n", type: "CONCEPTS_CLASSIFICATION", concepts: ["water"], workers: { strategy: "DYNAMIC", users: ["w"] }, inputSource: { type: "ALL_INPUTS" } });

type Failure = { name: string; grpcCode: number; attempts: number; outcomeUnknown: boolean; message: string };

let server: ScriptedServer;
let reply: Reply;

beforeAll(async () => {
  server = await startScriptedServer(() => reply);
});

afterAll(async () => {
  await server?.close();
});

async function withClient<T>(options: Partial<ClarifaiClientOptions>, use: (client: ClarifaiClient) => Promise<T>): Promise<T> {
  const client = new ClarifaiClient({
    pat: "emulator-pat",
    userId: "u",
    appId: "a",
    baseUrl: server.baseUrl,
    retry: { maxAttempts: 3, sleep: async () => {}, random: () => 0 },
    ...options,
  });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

const getTask = (options: Partial<ClarifaiClientOptions>) => withClient(options, (client) => client.tasks.get("t-1"));
const failureOf = (run: Promise<unknown>) =>
  run.then(
    () => {
      throw new Error("the call succeeded");
    },
    (e: unknown) => e as Failure,
  );

describe.each(transports)("maxReceiveBytes on the %s transport", (transport) => {
  it("reads an answer of exactly the limit, and one byte over it fails with RESOURCE_EXHAUSTED, not retried", async () => {
    reply = { message: answer };
    expect((await getTask({ transport, maxReceiveBytes: answer.length })).id).toBe("t-1");

    const before = server.count("GetTask");
    const read = await failureOf(getTask({ transport, maxReceiveBytes: answer.length - 1 }));
    expect([read.grpcCode, read.attempts, read.outcomeUnknown]).toEqual([Code.ResourceExhausted, 1, false]);
    // The raised limit refused it, not the default one.
    expect(read.message).toContain(String(answer.length - 1));
    expect(server.count("GetTask") - before).toBe(1);
  });

  it("one byte over the limit fails a write once, its outcome unknown (the server processed it)", async () => {
    reply = { message: answer };
    const before = server.count("PostTasks");
    const write = await failureOf(withClient({ transport, maxReceiveBytes: answer.length - 1 }, (client) => client.tasks.create(bigTask)));
    expect([write.grpcCode, write.attempts, write.outcomeUnknown]).toEqual([Code.ResourceExhausted, 1, true]);
    expect(write.message).toContain(String(answer.length - 1));
    expect(server.count("PostTasks") - before).toBe(1);
  });

  it("an answer past the default 4 MiB fails by default and is read with a raised limit", async () => {
    reply = { message: answer };
    expect(answer.length).toBeGreaterThan(DEFAULT_MAX_RECEIVE_BYTES);
    expect((await failureOf(getTask({ transport }))).grpcCode).toBe(Code.ResourceExhausted);
    expect((await getTask({ transport, maxReceiveBytes: 8 * 1024 * 1024 })).id).toBe("t-1");
  });
});

it("on the connect transport, the failure says the answer's message is more than the limit, and which option set it", async () => {
  reply = { message: answer };
  const read = await failureOf(getTask({ transport: "connect", maxReceiveBytes: answer.length - 1 }));
  expect(read.message).toContain(`the answer's message is more than ${answer.length - 1} bytes, the most the client accepts (maxReceiveBytes)`);
});

describe("maxReceiveBytes, what else limits", () => {
  it("connect: a gzipped answer is held to the limit once inflated, whatever its size on the wire", async () => {
    reply = { message: answer, compressed: { encoding: "gzip" } };
    const options = { transport: "connect", compression: { accept: ["gzip"] } } as const;
    expect((await getTask({ ...options, maxReceiveBytes: answer.length })).id).toBe("t-1");
    const error = await failureOf(getTask({ ...options, maxReceiveBytes: answer.length - 1 }));
    expect([error.grpcCode, error.attempts]).toEqual([Code.ResourceExhausted, 1]);
    expect(error.message).toMatch(new RegExp(`inflates to more than ${answer.length - 1} bytes.*maxReceiveBytes`));
    // The largest value allowed, past the largest Buffer on Node 20 (2^32 bytes), more than zlib takes as a limit.
    expect((await getTask({ ...options, maxReceiveBytes: Number.MAX_SAFE_INTEGER })).id).toBe("t-1");
  });

  it("grpc-js: a grpc.max_receive_message_length in channelOptions is used instead", async () => {
    reply = { message: answer };
    expect((await getTask({ transport: "grpc-js", grpcJs: { channelOptions: { "grpc.max_receive_message_length": answer.length } } })).id).toBe("t-1");
    const error = await failureOf(getTask({ transport: "grpc-js", maxReceiveBytes: 8 * 1024 * 1024, grpcJs: { channelOptions: { "grpc.max_receive_message_length": answer.length - 1 } } }));
    expect([error.grpcCode, error.attempts]).toEqual([Code.ResourceExhausted, 1]);
  });

  it("grpc-js: with a client of the caller's, its channel's limit governs, not maxReceiveBytes", async () => {
    reply = { message: answer };
    const own = new grpc.Client(new URL(server.baseUrl).host, grpc.credentials.createInsecure());
    try {
      const error = await failureOf(getTask({ transport: "grpc-js", maxReceiveBytes: 8 * 1024 * 1024, grpcJs: { client: own } }));
      // grpc-js' default limit (4 MiB) refused it, and as the client's own limit it is not retried either.
      expect([error.grpcCode, error.attempts]).toEqual([Code.ResourceExhausted, 1]);
    } finally {
      own.close();
    }
  });

  it("grpc-js: a gzipped answer past the limit once inflated is refused once, a write's outcome unknown", async () => {
    reply = { message: answer, compressed: { encoding: "gzip" } };
    const before = server.count("GetTask");
    const read = await failureOf(getTask({ transport: "grpc-js" }));
    expect([read.grpcCode, read.attempts]).toEqual([Code.ResourceExhausted, 1]);
    expect(read.message).toContain(`decompresses to a size larger than ${DEFAULT_MAX_RECEIVE_BYTES}`);
    expect(server.count("GetTask") - before).toBe(1);
    const write = await failureOf(withClient({ transport: "grpc-js" }, (client) => client.tasks.create(bigTask)));
    expect([write.grpcCode, write.attempts, write.outcomeUnknown]).toEqual([Code.ResourceExhausted, 1, true]);
  });

  it("grpc-js: a server's status in the limit's words after its headers is the server's (retried) unless it names the channel's limit", async () => {
    // gRPC C-core's wording ("vs."), and grpc-js' naming a limit that is not the channel's: the server's word.
    for (const grpcMessage of [`Received message larger than max (5000000 vs. ${DEFAULT_MAX_RECEIVE_BYTES})`, "Received message larger than max (5000000 vs 1000)"]) {
      reply = { grpcStatus: Code.ResourceExhausted, grpcMessage, afterHeaders: true };
      const error = await failureOf(getTask({ transport: "grpc-js" }));
      expect([error.grpcCode, error.attempts, error.message]).toEqual([Code.ResourceExhausted, 3, expect.stringContaining(grpcMessage)]);
    }
  });

  it("grpc-js: a channel option set to undefined leaves maxReceiveBytes in force", async () => {
    reply = { message: answer };
    const channelOptions = { "grpc.max_receive_message_length": undefined } as unknown as grpc.ClientOptions;
    expect((await getTask({ transport: "grpc-js", maxReceiveBytes: 8 * 1024 * 1024, grpcJs: { channelOptions } })).id).toBe("t-1");
  });

  it("grpc-js: a server refusing a request in grpc-js' own words is still the server's RESOURCE_EXHAUSTED (retried)", async () => {
    reply = { grpcStatus: Code.ResourceExhausted, grpcMessage: `Received message larger than max (5000000 vs ${DEFAULT_MAX_RECEIVE_BYTES})` };
    const before = server.count("GetTask");
    const error = await failureOf(getTask({ transport: "grpc-js" }));
    expect([error.grpcCode, error.attempts]).toEqual([Code.ResourceExhausted, 3]);
    expect(server.count("GetTask") - before).toBe(3);
  });
});

describe("maxReceiveBytes on the rest transport", () => {
  let rest: Http1Server;
  let requests = 0;
  let respond: (res: http.ServerResponse) => void;
  beforeAll(async () => {
    rest = await startHttp1Server((_req, res) => {
      requests++;
      respond(res);
    });
  });
  afterAll(async () => {
    await rest?.close();
  });

  /** A GetTask (or PostTasks) JSON answer padded with trailing spaces to exactly `size` bytes. */
  const body = (size: number, json = '{"status":{"code":10000},"task":{"id":"t-1"}}') => Buffer.from(json.padEnd(size, " "));
  const json = (bytes: Buffer, headers: http.OutgoingHttpHeaders = {}) => (res: http.ServerResponse) => {
    res.writeHead(200, { "content-type": "application/json", ...headers });
    res.end(bytes);
  };
  const viaRest = (options: Partial<ClarifaiClientOptions>) => ({ transport: "rest", baseUrl: rest.baseUrl, ...options }) as const;

  it("reads a body of exactly the limit; one byte over fails with RESOURCE_EXHAUSTED, sent once", async () => {
    const size = 300_000;
    respond = json(body(size));
    expect((await getTask(viaRest({ maxReceiveBytes: size }))).id).toBe("t-1");

    const before = requests;
    const read = await failureOf(getTask(viaRest({ maxReceiveBytes: size - 1 })));
    expect([read.grpcCode, read.attempts, read.outcomeUnknown]).toEqual([Code.ResourceExhausted, 1, false]);
    expect(read.message).toMatch(new RegExp(`more than ${size - 1} bytes.*maxReceiveBytes`));
    expect(requests - before).toBe(1);
  });

  it("a write whose answer is one byte over fails once, its outcome unknown (the server processed it)", async () => {
    const size = 200_000;
    respond = json(body(size, '{"status":{"code":10000},"tasks":[{"id":"big"}]}'));
    const before = requests;
    const write = await failureOf(withClient(viaRest({ maxReceiveBytes: size - 1 }), (client) => client.tasks.create(validTask("big"))));
    expect([write.grpcCode, write.attempts, write.outcomeUnknown]).toEqual([Code.ResourceExhausted, 1, true]);
    expect(requests - before).toBe(1);
  });

  it("counts a gzip body inflated, as fetch hands it over: 1 MB of spaces sent as about 1 KB", async () => {
    const inflated = body(1_000_000);
    const compressed = gzipSync(inflated);
    expect(compressed.length).toBeLessThan(64 * 1024);
    respond = json(compressed, { "content-encoding": "gzip" });
    expect((await getTask(viaRest({ maxReceiveBytes: inflated.length }))).id).toBe("t-1");
    const read = await failureOf(getTask(viaRest({ maxReceiveBytes: 64 * 1024 })));
    expect([read.grpcCode, read.attempts]).toEqual([Code.ResourceExhausted, 1]);
  });

  it("stops reading a body that never ends once it is past the limit", async () => {
    let closed!: Promise<unknown>;
    let written = 0;
    respond = (res) => {
      closed = once(res, "close");
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
      };
      res.on("drain", pump);
      res.write('{"status":{"code":10000},"task":{"id":"t-1"}}');
      pump();
    };
    const read = await failureOf(getTask(viaRest({ maxReceiveBytes: 1024 * 1024 })));
    expect([read.grpcCode, read.attempts]).toEqual([Code.ResourceExhausted, 1]);
    // The client went away: the server's answer ended there instead of being read forever.
    await closed;
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it("an HTTP error's body past the limit is cut, and the status decides (a 503 is retried)", async () => {
    respond = (res) => {
      res.writeHead(503, { "content-type": "text/html" });
      res.end(`<html>overloaded${" ".repeat(5000)}</html>`);
    };
    const before = requests;
    const error = await failureOf(getTask(viaRest({ maxReceiveBytes: 4096 })));
    expect([error.grpcCode, error.attempts]).toEqual([Code.Unavailable, 3]);
    expect(error.message).toMatch(/HTTP 503.*<html>overloaded/);
    expect(requests - before).toBe(3);
  });

  it("the default limit (4 MiB) refuses a 5 MiB body, which an 8 MiB limit reads", async () => {
    respond = json(body(5 * 1024 * 1024));
    const read = await failureOf(getTask(viaRest({})));
    expect(read.grpcCode).toBe(Code.ResourceExhausted);
    expect(read.message).toContain(`more than ${DEFAULT_MAX_RECEIVE_BYTES} bytes`);
    expect((await getTask(viaRest({ maxReceiveBytes: 8 * 1024 * 1024 }))).id).toBe("t-1");
  });
});

describe("maxReceiveBytes values", () => {
  it("defaults to 4 MiB, as grpc-js", () => {
    expect(DEFAULT_MAX_RECEIVE_BYTES).toBe(4_194_304);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, "4194304", null, 4n, {}])("refuses %s with a TypeError naming maxReceiveBytes", (value) => {
    expect(() => new ClarifaiClient({ pat: "p", maxReceiveBytes: value as number })).toThrow(TypeError);
    expect(() => new ClarifaiClient({ pat: "p", maxReceiveBytes: value as number })).toThrow(/^maxReceiveBytes must be a positive whole number of bytes/);
  });

  it("takes any positive safe integer", async () => {
    for (const value of [1, DEFAULT_MAX_RECEIVE_BYTES, Number.MAX_SAFE_INTEGER]) {
      const client = new ClarifaiClient({ pat: "p", maxReceiveBytes: value });
      await client.close();
    }
  });
});
