// CallOptions.deadline next to timeoutMs: the earlier wins (retries included), the deadline the
// server is told is what is left, and a deadline already past is DEADLINE_EXCEEDED with nothing sent.
import { ClarifaiClient, ClarifaiError, Code } from "clarifai-grpc-es";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import type { IncomingHttpHeaders } from "node:http2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeGrpcTimeout, parseGrpcTimeout } from "../../src/deadline.js";
import { ALL_TRANSPORTS, TRANSPORTS } from "../fault/harness.js";
import { okMultiTaskPayload, respondOk } from "../support/hostile/grpc-wire.js";
import { startH2Server, type H2HostileServer } from "../support/hostile/servers.js";

let emulator: Emulator;
let recorder: H2HostileServer;
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  emulator = await startEmulator();
  // Records each request's headers and never answers: only the client's deadline ends a call.
  recorder = await startH2Server((stream, headers) => {
    seen.push(headers);
    stream.resume();
  });
});
afterAll(async () => {
  await emulator.close();
  await recorder.close();
});

describe.each(TRANSPORTS)("deadlines over %s", (transport) => {
  const make = (baseUrl: string, timeoutMs = 30_000) =>
    new ClarifaiClient({ pat: "emulator-pat", userId: "emulator-user", appId: "deadlines", baseUrl, transport, timeoutMs, retry: false });

  it("a deadline already past (Date or epoch ms), or timeoutMs 0, fails DEADLINE_EXCEEDED and sends nothing", async () => {
    const client = make(recorder.baseUrl);
    const before = recorder.streams;
    for (const options of [{ deadline: new Date(Date.now() - 1) }, { deadline: Date.now() - 1000 }, { timeoutMs: 0 }, { timeoutMs: -5 }]) {
      const e = (await client.collectors.create({ id: "c" }, { validate: false, ...options }).catch((x: unknown) => x)) as ClarifaiError;
      expect(e).toBeInstanceOf(ClarifaiError);
      expect(e.grpcCode).toBe(Code.DeadlineExceeded);
      expect(e.outcomeUnknown).toBe(false);
      expect(e.message).toMatch(/nothing was sent/);
    }
    expect(recorder.streams).toBe(before);
    await client.close();
  });

  it("the earlier of deadline and timeoutMs is what the server is told, and what ends the call", async () => {
    const client = make(recorder.baseUrl);
    // Connect first: a transport tells the server the time left when it sends, after connecting.
    await client.tasks.get("warm-up", { timeoutMs: 100 }).catch(() => {});
    const cases = [
      { options: { deadline: Date.now() + 250, timeoutMs: 60_000 }, bound: 250 },
      { options: { deadline: new Date(Date.now() + 60_000), timeoutMs: 250 }, bound: 250 },
      // Infinity is grpc-js' "no deadline": the client's own (here 250 ms via timeoutMs) still holds.
      { options: { deadline: Infinity, timeoutMs: 250 }, bound: 250 },
    ];
    for (const { options, bound } of cases) {
      const start = performance.now();
      const e = (await client.tasks.get("t", options).catch((x: unknown) => x)) as ClarifaiError;
      const ms = performance.now() - start;
      expect(e.grpcCode).toBe(Code.DeadlineExceeded);
      expect(ms).toBeGreaterThanOrEqual(bound - 5);
      const told = parseGrpcTimeout(String(seen.at(-1)!["grpc-timeout"]));
      expect(told).toBeDefined();
      expect(told!).toBeLessThanOrEqual(bound);
      expect(told!).toBeGreaterThan(0);
    }
    await client.close();
  });

  it("a call without a deadline (timeoutMs: Infinity) tells the server none: no grpc-timeout", async () => {
    const told: IncomingHttpHeaders[] = [];
    const answering = await startH2Server((stream, headers) => {
      told.push(headers);
      stream.resume();
      stream.once("end", () => respondOk(stream, okMultiTaskPayload([])));
    });
    const client = make(answering.baseUrl);
    try {
      expect(await client.tasks.list({}, { timeoutMs: Infinity })).toEqual([]);
      expect(told).toHaveLength(1);
      expect(told[0]!["grpc-timeout"]).toBeUndefined();
    } finally {
      await client.close();
      await answering.close();
    }
  });

  it("a deadline shorter than the client's timeoutMs wins over it, and a call within it succeeds", async () => {
    const client = make(emulator.baseUrl, 60_000);
    const page = await client.tasks.list({}, { deadline: new Date(Date.now() + 10_000) });
    expect(Array.isArray(page)).toBe(true);
    await client.close();
  });

  it("a signal aborted because a deadline passed (AbortSignal.timeout, a propagated deadline) ends DEADLINE_EXCEEDED, not CANCELLED", async () => {
    const client = make(recorder.baseUrl);
    const e = (await client.tasks.get("t", { signal: AbortSignal.timeout(150) }).catch((x: unknown) => x)) as ClarifaiError;
    expect(e.grpcCode).toBe(Code.DeadlineExceeded);
    expect(e.message).toMatch(/the caller's deadline passed/);
    expect((e.cause as Error).name).toBe("TimeoutError");
    // Any other abort reason is a cancellation.
    const c = (await client.tasks.get("t", { signal: AbortSignal.abort(new Error("user left")) }).catch((x: unknown) => x)) as ClarifaiError;
    expect(c.grpcCode).toBe(Code.Canceled);
    await client.close();
  });

  it("a deadline that is not a time is the caller's bug: a TypeError before anything is sent", async () => {
    const client = make(recorder.baseUrl);
    const before = recorder.streams;
    await expect(client.tasks.get("t", { deadline: new Date("not a date") })).rejects.toThrow(TypeError);
    await expect(client.tasks.get("t", { deadline: Number.NaN })).rejects.toThrow(/deadline must be a Date or epoch milliseconds/);
    await expect(client.tasks.get("t", { timeoutMs: Number.NaN })).rejects.toThrow(/timeoutMs must be a number/);
    expect(recorder.streams).toBe(before);
    await client.close();
  });

  it("retries stay inside the deadline: each attempt is told only what is left", async () => {
    let n = 0;
    const told: number[] = [];
    const flaky = await startH2Server((stream, headers) => {
      told.push(parseGrpcTimeout(String(headers["grpc-timeout"]))!);
      stream.resume();
      if (n++ < 2) stream.once("end", () => stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "14" }, { endStream: true }));
    });
    // Waits of 100 ms between attempts (random 0.5 of a 200 ms bound), measured by the policy's own clock.
    const client = new ClarifaiClient({
      pat: "p-123456", userId: "u", appId: "a", baseUrl: flaky.baseUrl, transport,
      retry: { maxAttempts: 3, initialBackoffMs: 200, multiplier: 1, random: () => 0.5 },
    });
    const e = (await client.tasks.get("t", { deadline: Date.now() + 800 }).catch((x: unknown) => x)) as ClarifaiError;
    expect(e.grpcCode).toBe(Code.DeadlineExceeded);
    expect(e.attempts).toBe(3);
    expect(told).toHaveLength(3);
    // Strictly shrinking, each at least one wait shorter than the one before.
    expect(told[1]!).toBeLessThanOrEqual(told[0]! - 100);
    expect(told[2]!).toBeLessThanOrEqual(told[1]! - 100);
    expect(told[0]!).toBeLessThanOrEqual(800);
    await client.close();
    await flaky.close();
  });
});

// Node's timers take at most 2^31 - 1 ms: a longer one fires after 1 ms, which ended calls at once
// (the REST transport, the retry backoff's deadline, connect's interceptor path), and grpc-js cannot
// make a Date past ~8.64e15 ms. Such a time is refused where it is given, naming the option.
describe.each(ALL_TRANSPORTS)("a time longer than Node's timers over %s", (transport) => {
  const MAX = 2 ** 31 - 1;
  const make = (timeoutMs?: number) =>
    new ClarifaiClient({ pat: "emulator-pat", userId: "emulator-user", appId: "long-deadlines", baseUrl: emulator.baseUrl, transport, timeoutMs, retry: false, interceptors: [(next) => (req) => next(req)] });

  it("the client's timeoutMs above 2^31 - 1 is a TypeError that says the maximum and how to have no deadline", () => {
    for (const timeoutMs of [MAX + 1, 8.64e15 + 1]) {
      expect(() => make(timeoutMs)).toThrow(TypeError);
      expect(() => make(timeoutMs)).toThrow(`timeoutMs must be at most ${MAX} ms (about 24.8 days), got ${timeoutMs}; for a call without a deadline, pass timeoutMs: Infinity in its call options`);
    }
  });

  it("a call's timeoutMs above it, or a deadline further away with timeoutMs Infinity, is a TypeError before anything is sent", async () => {
    const client = make();
    await expect(client.tasks.list({}, { timeoutMs: MAX + 1 })).rejects.toThrow(/^timeoutMs must be at most 2147483647 ms/);
    await expect(client.tasks.list({}, { timeoutMs: Infinity, deadline: Date.now() + 2 ** 32 })).rejects.toThrow(/^deadline \(the time from now to it\) must be at most 2147483647 ms/);
    await client.close();
  });

  it("2^31 - 1 itself, from the client or the call, and a far deadline under the client's timeoutMs, are honoured: the calls succeed", async () => {
    const client = make(MAX);
    expect(await client.tasks.list()).toEqual([]);
    expect(await client.tasks.list({}, { timeoutMs: MAX })).toEqual([]);
    expect(await client.tasks.list({}, { deadline: Date.now() + 2 ** 40 })).toEqual([]);
    await client.close();
  });
});

it("grpc-timeout is rounded up to its unit, but never told past 2^31 - 1 ms (a Node server's timer would fire at once)", () => {
  expect(encodeGrpcTimeout(100_000_001)).toBe("100001S");
  expect(encodeGrpcTimeout(2 ** 31 - 1)).toBe("2147483S");
  expect(encodeGrpcTimeout(2 ** 31 - 1000)).toBe("2147483S");
  // Past 2^31 - 1 ms it is rounded up as any other: the caller asked for that long.
  expect(encodeGrpcTimeout(2 ** 31)).toBe("2147484S");
});
