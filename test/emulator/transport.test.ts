// The emulator as a network peer: every protocol connect serves (gRPC, gRPC-web, Connect binary and
// JSON, over HTTP/2 and HTTP/1.1, cleartext and TLS), malformed bytes, and a close() that ends open
// connections and frees the port.
import { execFile } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import http2 from "node:http2";
import net from "node:net";
import { promisify } from "node:util";
import { createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StatusCode, V2 } from "clarifai-grpc-es";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import { emulatorNodeHandler } from "../../src/testing/malformed.js";

const headers = { authorization: "Key emulator-pat" };
const scope = { userId: "me", appId: "wire-app" };
const cert = (name: string) => readFileSync(new URL(`../support/certs/${name}`, import.meta.url));

/** Sends one raw HTTP/2 request and collects status, headers, body and trailers. */
async function rawH2(baseUrl: string, path: string, reqHeaders: http2.OutgoingHttpHeaders, body: Uint8Array | string) {
  const session = http2.connect(baseUrl);
  try {
    const stream = session.request({ ":method": "POST", ":path": path, ...reqHeaders });
    stream.end(body);
    const [response] = (await once(stream, "response")) as [http2.IncomingHttpHeaders];
    let trailers: http2.IncomingHttpHeaders = {};
    stream.on("trailers", (t) => (trailers = t));
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { status: response[":status"], headers: response, body: Buffer.concat(chunks), trailers };
  } finally {
    session.close();
  }
}

/** A gRPC length-prefixed frame around `payload`. */
function grpcFrame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + payload.length);
  new DataView(out.buffer).setUint32(1, payload.length);
  out.set(payload, 5);
  return out;
}

describe("emulator on the wire", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());

  const transports: [string, (baseUrl: string) => Transport][] = [
    ["gRPC over HTTP/2", (baseUrl) => createGrpcTransport({ baseUrl })],
    ["gRPC-web over HTTP/1.1", (baseUrl) => createGrpcWebTransport({ baseUrl, httpVersion: "1.1" })],
    ["gRPC-web over HTTP/2", (baseUrl) => createGrpcWebTransport({ baseUrl, httpVersion: "2" })],
    ["Connect binary over HTTP/2", (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "2" })],
    ["Connect JSON over HTTP/1.1", (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: false })],
  ];
  it.each(transports)("serves %s", async (_name, make) => {
    const client = createClient(V2, make(emulator.baseUrl));
    const res = await client.listTasks({ userAppId: scope }, { headers });
    expect(res.status?.code).toBe(StatusCode.SUCCESS);
  });

  it("answers malformed request bytes with gRPC INVALID_ARGUMENT, and keeps serving", async () => {
    const garbage = grpcFrame(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 0x0a]));
    const res = await rawH2(emulator.baseUrl, "/clarifai.api.V2/PostTasks", { "content-type": "application/grpc", te: "trailers", ...headers }, garbage);
    expect(res.status).toBe(200);
    // grpc-status may come as a trailer or, with no body, in the headers ("trailers-only").
    expect(res.trailers["grpc-status"] ?? res.headers["grpc-status"]).toBe("3");
    const json = await rawH2(emulator.baseUrl, "/clarifai.api.V2/ListTasks", { "content-type": "application/json", ...headers }, "{not json");
    expect(json.status).toBe(400);
    expect(JSON.parse(json.body.toString())).toMatchObject({ code: "invalid_argument" });
    const client = createClient(V2, createGrpcTransport({ baseUrl: emulator.baseUrl }));
    expect((await client.listTasks({ userAppId: scope }, { headers })).status?.code).toBe(StatusCode.SUCCESS);
  });

  it("speaks Connect JSON over h2c, as the README's curl line does", async () => {
    const body = JSON.stringify({ userAppId: { userId: "me", appId: "my-app" }, perPage: 10 });
    const res = await rawH2(emulator.baseUrl, "/clarifai.api.V2/ListTasks", { "content-type": "application/json", ...headers }, body);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(res.body.toString())).toMatchObject({ status: { code: "SUCCESS", description: "Ok" } });
  });

  // The README prints this curl line; curl with HTTP/2 is on every machine this project runs on.
  it("works with real curl --http2-prior-knowledge", async () => {
    const { stdout } = await promisify(execFile)("curl", [
      "-sS", "--http2-prior-knowledge",
      "-H", "content-type: application/json",
      "-H", "authorization: Key emulator-pat",
      "-d", '{"userAppId":{"userId":"me","appId":"my-app"},"perPage":10}',
      `${emulator.baseUrl}/clarifai.api.V2/ListTasks`,
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ status: { code: "SUCCESS" } });
  });

  it("accepts enum names and numbers and snake_case in Connect JSON", async () => {
    const body = JSON.stringify({
      user_app_id: { user_id: "me", app_id: "json-app" },
      tasks: [{ type: 1, worker: { strategy: "DYNAMIC", workers: [{ user: { id: "w" } }] }, input_source: { type: "ALL_INPUTS" } }],
    });
    const res = await rawH2(emulator.baseUrl, "/clarifai.api.V2/PostTasks", { "content-type": "application/json", ...headers }, body);
    expect(JSON.parse(res.body.toString())).toMatchObject({ status: { code: "SUCCESS" }, tasks: [{ type: "CONCEPTS_CLASSIFICATION", appId: "json-app" }] });
  });
});

describe("a response that fails after its headers", () => {
  // connect's own handlers turn errors into trailers, so this failure is staged: a handler whose body
  // yields one chunk (headers go out) and then throws.
  const failingRoutes = (router: Parameters<Parameters<typeof emulatorNodeHandler>[0]>[0]) => {
    const failing = Object.assign(
      async () => ({
        status: 200,
        header: new Headers({ "content-type": "application/json" }),
        body: (async function* () {
          yield new TextEncoder().encode("{");
          throw new Error("staged failure");
        })(),
      }),
      { requestPath: "/test.Failing/Fail", method: V2.method.listTasks },
    );
    (router.handlers as unknown[]).push(failing);
  };

  it("resets the HTTP/2 stream at once instead of leaving the client to its deadline", async () => {
    const server = http2.createServer(emulatorNodeHandler(failingRoutes));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const session = http2.connect(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
    try {
      const stream = session.request({ ":method": "POST", ":path": "/test.Failing/Fail", "content-type": "application/json" });
      // events.once would reject on the reset's "error"; the close after it is what is awaited.
      stream.on("error", () => {});
      const closed = new Promise((resolve) => stream.on("close", resolve));
      stream.end("{}");
      const [response] = (await once(stream, "response")) as [http2.IncomingHttpHeaders];
      expect(response[":status"]).toBe(200);
      // Without the reset this waits forever (the test's timeout fails it).
      await closed;
      expect(stream.rstCode).toBe(http2.constants.NGHTTP2_INTERNAL_ERROR);
    } finally {
      session.close();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 5_000);
});

describe("emulator over TLS", () => {
  it("serves HTTP/2 over TLS at an https:// baseUrl", async () => {
    const emulator = await startEmulator({ tls: { key: cert("server.key"), cert: cert("server.crt") } });
    try {
      expect(emulator.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const client = createClient(V2, createGrpcTransport({ baseUrl: emulator.baseUrl, nodeOptions: { ca: cert("ca.crt") } }));
      expect((await client.listTasks({ userAppId: scope }, { headers })).status?.code).toBe(StatusCode.SUCCESS);
      const h1 = createClient(V2, createConnectTransport({ baseUrl: emulator.baseUrl, httpVersion: "1.1", nodeOptions: { ca: cert("ca.crt") } }));
      expect((await h1.listTasks({ userAppId: scope }, { headers })).status?.code).toBe(StatusCode.SUCCESS);
    } finally {
      await emulator.close();
    }
  });
});

describe("close()", () => {
  const portIsFree = async (port: number) => {
    const probe = net.createServer();
    await new Promise<void>((resolve, reject) => probe.once("error", reject).listen(port, "127.0.0.1", resolve));
    await new Promise((resolve) => probe.close(resolve));
  };

  it("ends idle HTTP/2 sessions (GOAWAY) and frees the port", async () => {
    const emulator = await startEmulator();
    const session = http2.connect(emulator.baseUrl);
    await once(session, "connect");
    const closed = once(session, "close");
    await emulator.close();
    await closed;
    await portIsFree(emulator.port);
    // Calling close again is harmless.
    await emulator.close();
  });

  it("lets a call in flight finish before the session closes", async () => {
    const emulator = await startEmulator();
    const session = http2.connect(emulator.baseUrl);
    const stream = session.request({ ":method": "POST", ":path": "/clarifai.api.V2/ListTasks", "content-type": "application/json", ...headers });
    // Read the answer as it arrives, as any client does. (Reading it only after the session has closed
    // fails on Node >= 24, which destroys a client stream with its session even when its data is
    // still buffered; Node 20 let it be read. The server has sent everything by then either way.)
    const body = (async () => {
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString();
    })();
    stream.write("{");
    const [response] = await Promise.all([once(stream, "response"), (async () => {
      // The server has the stream once the session exists; close while the body is still open.
      await once(session, "remoteSettings");
      const closing = emulator.close();
      stream.end('"userAppId":{"userId":"me","appId":"a"}}');
      await closing;
    })()]);
    expect((response as [http2.IncomingHttpHeaders])[0][":status"]).toBe(200);
    expect(JSON.parse(await body)).toMatchObject({ status: { code: "SUCCESS" } });
    // The stream ended cleanly (END_STREAM, no reset): the call finished before the session went.
    expect(stream.rstCode).toBe(http2.constants.NGHTTP2_NO_ERROR);
    session.close();
  });

  it("destroys a connection that never finishes its request after the grace period", async () => {
    const emulator = await startEmulator({ closeGraceMs: 50 });
    const session = http2.connect(emulator.baseUrl);
    session.on("error", () => {});
    // A request whose body never ends keeps its stream (and so the session) open.
    const stream = session.request({ ":method": "POST", ":path": "/clarifai.api.V2/ListTasks", "content-type": "application/grpc" });
    stream.on("error", () => {});
    stream.write(new Uint8Array([0]));
    await once(session, "connect");
    const closed = once(session, "close");
    await emulator.close();
    await closed;
    await portIsFree(emulator.port);
  });

  it("lets a keep-alive HTTP/1.1 client go too", async () => {
    const emulator = await startEmulator();
    const client = createClient(V2, createConnectTransport({ baseUrl: emulator.baseUrl, httpVersion: "1.1" }));
    expect((await client.listTasks({ userAppId: scope }, { headers })).status?.code).toBe(StatusCode.SUCCESS);
    await emulator.close();
    await portIsFree(emulator.port);
  });
});
