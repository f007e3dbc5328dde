// close(): calls in flight end at once with an error that says the client was closed, are not retried,
// and no connection is opened after close — over both transports, against a server that holds every
// call. Also the lazy loader behind the grpc-js transport: nothing is loaded after close.
import type { ServerHttp2Session } from "node:http2";
import { describe, expect, it } from "vitest";
import { ClarifaiClient, ClarifaiError, Code } from "clarifai-grpc-es";
import { createLazyTransport } from "../../src/transports/lazy.js";
import { startH2Server, streamsReceived } from "../support/hostile/servers.js";

describe.each(["connect", "grpc-js"] as const)("close() over %s", (transport) => {
  const make = (baseUrl: string) =>
    // A long deadline and instant retries: only close() can end the call quickly, and a retry would
    // show up at once as a second stream (and, on connect, a second connection).
    new ClarifaiClient({ pat: "pat-123456", userId: "u", appId: "a", baseUrl, transport, timeoutMs: 15_000, retry: { sleep: async () => {}, maxAttempts: 4 } });

  it("ends a read in flight at once with a CANCELED error that says so; no retry, no new connection", async () => {
    const server = await startH2Server(() => {}); // accepts every call and never answers
    try {
      const client = make(server.baseUrl);
      const pending = client.tasks.list().catch((e: unknown) => e);
      await streamsReceived(server, 1);
      const [session] = [...server.sessions] as [ServerHttp2Session];
      // "close", not once(): the session also emits "error" when the client cancels it.
      const sessionClosed = new Promise((resolve) => session.once("close", resolve));
      const start = performance.now();
      await client.close();
      const e = (await pending) as ClarifaiError;
      const ms = performance.now() - start;
      expect(e).toBeInstanceOf(ClarifaiError);
      expect(e.grpcCode).toBe(Code.Canceled);
      expect(e.message).toMatch(/ClarifaiClient was closed/);
      expect(e.attempts).toBe(1);
      // Promptly: nowhere near the 15 s deadline.
      expect(ms).toBeLessThan(3000);
      // The client's connection ends, and no other one was opened or used.
      await sessionClosed;
      expect(server.connections).toBe(1);
      expect(server.streams).toBe(1);
      // A call after close is refused before it reaches the network.
      const later = (await client.tasks.get("t").catch((x: unknown) => x)) as ClarifaiError;
      expect(later.grpcCode).toBe(Code.FailedPrecondition);
      expect(server.connections).toBe(1);
      expect(server.streams).toBe(1);
    } finally {
      await server.close();
    }
  });

  it("a write in flight when close() is called fails as closed and says its outcome is unknown", async () => {
    const server = await startH2Server((stream) => stream.resume());
    try {
      const client = make(server.baseUrl);
      const pending = client.collectors.create({ id: "c" }, { validate: false }).catch((e: unknown) => e);
      await streamsReceived(server, 1);
      await client.close();
      const e = (await pending) as ClarifaiError;
      expect(e.grpcCode).toBe(Code.Canceled);
      expect(e.message).toMatch(/ClarifaiClient was closed/);
      // The request had reached the server: close() cannot know whether it was applied.
      expect(e.outcomeUnknown).toBe(true);
      expect(server.streams).toBe(1);
    } finally {
      await server.close();
    }
  });

  it("also ends a raw v2 call in flight", async () => {
    const server = await startH2Server(() => {});
    try {
      const client = make(server.baseUrl);
      const pending = client.v2.listTasks({ userAppId: { userId: "u", appId: "a" } }).catch((e: unknown) => e);
      await streamsReceived(server, 1);
      await client.close();
      const e = (await pending) as { code?: unknown; message?: unknown };
      expect(e.code, String(e.message)).toBe(Code.Canceled);
      expect(server.streams).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe("the lazy transport loader", () => {
  const loaded = () => ({
    name: "loaded",
    unary: async (): Promise<never> => {
      throw new Error("not used");
    },
    close: async () => {},
  });
  const attempt = {} as never;

  it("loads nothing after close(): a call then is refused, and no transport is built to leak", async () => {
    let loads = 0;
    const lazy = createLazyTransport("test", async () => (loads++, loaded()));
    await lazy.close();
    const e = await lazy.unary(attempt).catch((x: unknown) => x);
    expect((e as { code?: unknown }).code).toBe(Code.FailedPrecondition);
    expect(loads).toBe(0);
  });

  it("close() resolves when the load failed (there is nothing to close)", async () => {
    const lazy = createLazyTransport("test", async () => {
      throw new Error("cannot import");
    });
    await expect(lazy.unary(attempt)).rejects.toThrow("cannot import");
    await expect(lazy.close()).resolves.toBeUndefined();
  });

  it("closes a transport that was loading when close() was called", async () => {
    let closed = 0;
    let finishLoad!: () => void;
    const lazy = createLazyTransport(
      "test",
      () => new Promise((resolve) => (finishLoad = () => resolve({ ...loaded(), close: async () => void closed++ }))),
    );
    const call = lazy.unary(attempt).catch(() => {});
    const closing = lazy.close();
    finishLoad();
    await closing;
    await call;
    expect(closed).toBe(1);
  });
});
