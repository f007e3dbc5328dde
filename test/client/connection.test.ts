// Connection-level faults, over both transports, with a raw HTTP/2 server: a connection that dies
// after the request arrived (a write's outcome is unknown and it is not repeated; a read is retried),
// and a peer that answers with an HTTP/2 protocol error (a typed error, no uncaught exception).
import http2 from "node:http2";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClarifaiClient, ClarifaiError, UnavailableError } from "clarifai-grpc-es";
import { flushRejections } from "../support/hostile/process-guard.js";

interface DyingServer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** Reads each request to its end, then destroys every socket: the request arrived, no answer left. */
async function startDyingServer(): Promise<DyingServer> {
  const sockets = new Set<net.Socket>();
  const requests: string[] = [];
  const server = http2.createServer();
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => {});
  });
  server.on("session", (session) => session.on("error", () => {}));
  server.on("stream", (stream, headers) => {
    stream.on("error", () => {});
    requests.push(String(headers[":path"]).split("/").pop()!);
    stream.resume();
    stream.on("end", () => {
      for (const s of sockets) s.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Answers the HTTP/2 preface with garbage frames. `idle()` resolves once every connection it accepted
 * has closed: then the client is done with it, and any late error it could raise has been raised.
 */
async function startGarbageServer(): Promise<{ url: string; accepted: () => number; idle(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const waiters: (() => void)[] = [];
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      if (sockets.size === 0) for (const w of waiters.splice(0)) w();
    });
    socket.on("error", () => {});
    socket.resume();
    // An empty SETTINGS frame, then a HEADERS frame on stream 0 (a connection-level PROTOCOL_ERROR).
    socket.write(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 4, 1, 4, 0, 0, 0, 0, 1, 2, 3, 4]));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted: () => accepted,
    idle: () => (sockets.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

let dying: DyingServer;
beforeAll(async () => {
  dying = await startDyingServer();
});
afterAll(async () => {
  await dying.close();
});

describe.each(["connect", "grpc-js"] as const)("over %s", (transport) => {
  const make = (baseUrl: string) =>
    new ClarifaiClient({ pat: "pat-123456", userId: "u", appId: "a", baseUrl, transport, timeoutMs: 3000, retry: { sleep: async () => {}, maxAttempts: 3 } });

  it("a write whose connection died after sending is not repeated and says its outcome is unknown", async () => {
    dying.requests.length = 0;
    const client = make(dying.url);
    const e = (await client.collectors.create({ id: "c" }, { validate: false }).catch((x: unknown) => x)) as ClarifaiError;
    await client.close();
    expect(e).toBeInstanceOf(UnavailableError);
    expect(e.outcomeUnknown).toBe(true);
    expect(e.message).toMatch(/outcome unknown/);
    expect(dying.requests).toEqual(["PostCollectors"]);
  });

  it("a read through the same fault is retried up to maxAttempts", async () => {
    dying.requests.length = 0;
    const client = make(dying.url);
    const e = (await client.collectors.get("c").catch((x: unknown) => x)) as ClarifaiError;
    await client.close();
    expect(e).toBeInstanceOf(UnavailableError);
    expect(e.outcomeUnknown).toBe(false);
    expect(e.attempts).toBe(3);
    expect(dying.requests).toEqual(["GetCollector", "GetCollector", "GetCollector"]);
  });

  it("a peer speaking broken HTTP/2 gives a typed error and no uncaught exception", async () => {
    const garbage = await startGarbageServer();
    const uncaught: unknown[] = [];
    const record = (e: unknown) => uncaught.push(e);
    process.on("uncaughtException", record);
    process.on("unhandledRejection", record);
    try {
      for (let i = 0; i < 5; i++) {
        const client = make(garbage.url);
        const e = await client.tasks.list().catch((x: unknown) => x);
        await client.close();
        // The connection is unusable, not the request invalid: a transport failure code, and the
        // client does not loop (at most maxAttempts connections per call).
        expect(e).toBeInstanceOf(ClarifaiError);
        expect(["UNAVAILABLE", "INTERNAL", "UNKNOWN"], String((e as ClarifaiError).message)).toContain((e as ClarifaiError).codeName);
        expect((e as ClarifaiError).code).toBeUndefined();
        // Every connection to the peer has ended (the server saw each socket close): whatever
        // late error Node could emit on those sessions has been emitted by now.
        await garbage.idle();
      }
      // Node reports unhandled rejections after the microtask queue drains: let it.
      await flushRejections();
      expect(uncaught).toEqual([]);
      expect(garbage.accepted()).toBeGreaterThanOrEqual(5);
    } finally {
      process.off("uncaughtException", record);
      process.off("unhandledRejection", record);
      await garbage.close();
    }
  });
});
