// Retry policy as data, backoff, deadline bookkeeping and pagination guards; what proves a request was
// never sent (a port nobody listens on) and what does not (a server quoting such text).
import type { ServerHttp2Stream } from "node:http2";
import { describe, expect, it } from "vitest";
import { backoffDelay, ClarifaiClient, ClarifaiError, Code, defaultRetryPolicy, paginate, UnavailableError, type RetryEvent, type RetryOptions } from "clarifai-grpc-es";
import { startH2Server } from "../support/hostile/servers.js";
import { encodeGrpcTimeout, parseGrpcTimeout, abortableSleep } from "../../src/deadline.js";
import { methodKind, resolveRetryPolicy } from "../../src/retry.js";
import { closedPort } from "../support/closed-port.js";

describe("retry policy", () => {
  it("classifies the in-scope RPCs; unknown ones count as writes", () => {
    expect(["GetTask", "ListTasks", "GetTaskAnnotationCount", "GetTaskInputCount", "GetCollector", "ListCollectors"].map((m) => methodKind(undefined, m))).toEqual(Array(6).fill("read"));
    expect(methodKind(undefined, "DeleteTasks")).toBe("delete");
    expect(methodKind(undefined, "PostTasks")).toBe("write");
    expect(methodKind(undefined, "PostInputs")).toBe("write");
  });

  it("draws full-jitter delays under a capped exponential bound", () => {
    const p = resolveRetryPolicy({ random: () => 0.999999, initialBackoffMs: 100, maxBackoffMs: 1000, multiplier: 2 });
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(p, n))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(resolveRetryPolicy({ random: () => 0 }), 3)).toBe(0);
  });

  it("rejects nonsense", () => {
    expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => resolveRetryPolicy({ initialBackoffMs: -1 })).toThrow(/initialBackoffMs/);
    // Longer than Node's longest timer, a wait would fire after 1 ms: refused, not shortened.
    expect(() => resolveRetryPolicy({ maxBackoffMs: 2 ** 31 })).toThrow(/retry\.maxBackoffMs must be at most 2147483647 ms/);
    expect(() => resolveRetryPolicy({ initialBackoffMs: 2 ** 31 })).toThrow(/retry\.initialBackoffMs must be at most 2147483647 ms/);
    expect(resolveRetryPolicy({ maxBackoffMs: 2 ** 31 - 1 }).maxBackoffMs).toBe(2 ** 31 - 1);
    expect(defaultRetryPolicy.maxAttempts).toBe(4);
  });

  it("retries even a write whose connection was refused (nothing was sent), then reports every attempt", async () => {
    const port = await closedPort();
    const events: RetryEvent[] = [];
    for (const transport of ["connect", "grpc-js", "rest"] as const) {
      events.length = 0;
      const client = new ClarifaiClient({
        pat: "p",
        userId: "u",
        appId: "a",
        baseUrl: `http://127.0.0.1:${port}`,
        transport,
        retry: { sleep: async () => {}, maxAttempts: 3, onRetry: (e) => events.push(e) },
      });
      const e = (await client.tasks.create({ type: 1, worker: { strategy: 4, workers: [{ worker: { case: "user", value: { id: "x" } } }] }, concepts: [{ concept: { id: "c" } }], inputSource: { type: 1 } }, { validate: false }).catch((x: unknown) => x)) as ClarifaiError;
      await client.close();
      expect(e, transport).toBeInstanceOf(UnavailableError);
      expect(e.outcomeUnknown, transport).toBe(false);
      expect(e.attempts, transport).toBe(3);
      expect(events.map((x) => x.attempt), transport).toEqual([1, 2]);
    }
  });

  it("does not start a wait the deadline would cut", async () => {
    const port = await closedPort();
    let slept = 0;
    const client = new ClarifaiClient({
      pat: "p",
      userId: "u",
      appId: "a",
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 1000,
      retry: { random: () => 0.99, initialBackoffMs: 60_000, maxBackoffMs: 60_000, sleep: async () => void slept++ },
    });
    const e = (await client.tasks.list().catch((x: unknown) => x)) as ClarifaiError;
    await client.close();
    expect(slept).toBe(0);
    expect(e.grpcCode).toBe(Code.Unavailable);
    expect(e.attempts).toBe(1);
  });
});

describe("deadline helpers", () => {
  it("round-trips grpc-timeout values", () => {
    expect(encodeGrpcTimeout(1500)).toBe("1500m");
    expect(parseGrpcTimeout("1500m")).toBe(1500);
    expect(parseGrpcTimeout("2S")).toBe(2000);
    expect(parseGrpcTimeout(encodeGrpcTimeout(3e8))).toBeGreaterThanOrEqual(3e8);
    expect(parseGrpcTimeout("bogus")).toBeUndefined();
  });

  it("abortableSleep is cut short by an abort", async () => {
    const c = new AbortController();
    const p = abortableSleep(60_000, c.signal);
    c.abort(new Error("stop"));
    await expect(p).rejects.toThrow("stop");
  });
});

describe("paginate", () => {
  it("stops on a short page and never fetches further", async () => {
    const pages: number[] = [];
    const out: number[] = [];
    for await (const x of paginate(async (p) => (pages.push(p), p < 3 ? [p * 10, p * 10 + 1] : [99]), String, { perPage: 2 })) out.push(x);
    expect(out).toEqual([10, 11, 20, 21, 99]);
    expect(pages).toEqual([1, 2, 3]);
  });

  it("stops on an empty first page", async () => {
    const out: unknown[] = [];
    for await (const x of paginate(async () => [], String)) out.push(x);
    expect(out).toEqual([]);
  });

  it("is bounded by maxPages", async () => {
    let n = 0;
    const it = paginate(async () => [n++, n++], String, { perPage: 2, maxPages: 3 });
    await expect((async () => { for await (const _ of it); })()).rejects.toThrow(/maxPages/);
    expect(n).toBe(6);
  });

  it("honours the signal between pages", async () => {
    const c = new AbortController();
    let fetched = 0;
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const x of paginate(async (p) => (fetched++, [p, p]), (x) => `${x}-${Math.random()}`, { perPage: 2, signal: c.signal })) {
          seen.push(x);
          if (seen.length === 3) c.abort(new Error("enough"));
        }
      })(),
    ).rejects.toThrow("enough");
    expect(fetched).toBe(2);
  });
});

describe.each(["connect", "grpc-js"] as const)("what counts as 'not sent', over %s", (transport) => {
  const make = (baseUrl: string, retry: RetryOptions = {}) =>
    new ClarifaiClient({ pat: "pat-123456", userId: "u", appId: "a", baseUrl, transport, timeoutMs: 5000, retry: { sleep: async () => {}, maxAttempts: 3, ...retry } });
  // The texts the client itself uses for "never connected" and "TLS refused", in a server's status.
  const message = "No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1; Failed to connect; REFUSED_STREAM; self-signed certificate";

  it.each([
    ["a trailers-only answer", (stream: ServerHttp2Stream) =>
      stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "14", "grpc-message": encodeURIComponent(message) }, { endStream: true })],
    ["headers, then trailers", (stream: ServerHttp2Stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "14", "grpc-message": encodeURIComponent(message) }));
      stream.end();
    }],
  ])("a server's UNAVAILABLE that quotes connection-refused text (%s): a write is not repeated, a read is", async (_, answer) => {
    const server = await startH2Server((stream) => {
      stream.resume();
      stream.once("end", () => answer(stream));
    });
    try {
      const client = make(server.baseUrl);
      const write = (await client.collectors.create({ id: "c" }, { validate: false }).catch((x: unknown) => x)) as ClarifaiError;
      expect(write).toBeInstanceOf(UnavailableError);
      // The server had the request: nothing proves it did not act on it.
      expect(write.attempts).toBe(1);
      expect(write.outcomeUnknown).toBe(true);
      expect(server.streams).toBe(1);
      // Neither is it a TLS failure, which would stop a read's retries.
      const read = (await client.collectors.get("c").catch((x: unknown) => x)) as ClarifaiError;
      expect(read).toBeInstanceOf(UnavailableError);
      expect(read.attempts).toBe(3);
      expect(read.description).not.toMatch(/not trusted/);
      expect(server.streams).toBe(4);
      await client.close();
    } finally {
      await server.close();
    }
  });

  it("a write aborted during the backoff after attempts that never left says its outcome is known", async () => {
    const port = await closedPort();
    const controller = new AbortController();
    const client = make(`http://127.0.0.1:${port}`, {
      // Abort while the client waits between attempts; the wait ends only on an abort.
      onRetry: () => controller.abort(new Error("caller gave up")),
      sleep: (_ms, signal) => abortableSleep(60_000, signal),
    });
    const e = (await client.collectors.create({ id: "c" }, { validate: false, signal: controller.signal }).catch((x: unknown) => x)) as ClarifaiError;
    await client.close();
    expect(e.grpcCode).toBe(Code.Canceled);
    expect(e.outcomeUnknown).toBe(false);
    expect(e.message).not.toMatch(/outcome unknown/);
  });

  it("a write whose deadline expires during the backoff after attempts that never left says its outcome is known", async () => {
    const port = await closedPort();
    let waits = 0;
    const client = make(`http://127.0.0.1:${port}`, {
      random: () => 0,
      // A wait that only the deadline ends.
      sleep: (_ms, signal) => (waits++, abortableSleep(60_000, signal)),
    });
    const e = (await client.collectors.create({ id: "c" }, { validate: false, timeoutMs: 300 }).catch((x: unknown) => x)) as ClarifaiError;
    await client.close();
    expect(waits).toBe(1);
    expect(e.grpcCode).toBe(Code.DeadlineExceeded);
    expect(e.outcomeUnknown).toBe(false);
  });
});
