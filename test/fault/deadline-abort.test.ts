// Deadlines and AbortSignal, during a call and during the retry backoff, on both transports: the call
// settles promptly with the right typed error, and a cancelled call is not attempted again.
import { Code } from "@connectrpc/connect";
import { ClarifaiError } from "clarifai-grpc-es";
import http2 from "node:http2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardEachTest } from "../support/hostile/process-guard.js";
import { nextStream, startH2Server, type H2HostileServer } from "../support/hostile/servers.js";
import { clientFor, expectTypedError, settle, SLACK_MS, TRANSPORTS, validTask } from "./harness.js";

guardEachTest();
/** Never answers (holds every stream). */
let silent: H2HostileServer;
/** Answers every call with gRPC UNAVAILABLE at once (a retryable failure). */
let unavailable: H2HostileServer;

beforeAll(async () => {
  silent = await startH2Server(() => {});
  unavailable = await startH2Server((stream) => {
    stream.resume();
    stream.once("end", () =>
      stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "14", "grpc-message": "try later" }, { endStream: true }),
    );
  });
});
afterAll(async () => {
  await silent.close();
  await unavailable.close();
});

/** A backoff that only an abort ends: whatever stops the wait must be the deadline or the signal. */
const endlessSleep = (_ms: number, signal: AbortSignal) =>
  new Promise<void>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));

describe.each(TRANSPORTS)("deadlines and aborts over %s", (transport) => {
  it("the deadline ends a call the server never answers: DEADLINE_EXCEEDED, on time", async () => {
    const client = clientFor(transport, silent.baseUrl);
    const outcome = settle(client.tasks.get("t", { timeoutMs: 300 }));
    const error = await expectTypedError(outcome.then((o) => (o.ok ? o.value : Promise.reject(o.error))), 300);
    expect(error.grpcCode).toBe(Code.DeadlineExceeded);
    expect((await outcome).ms).toBeGreaterThanOrEqual(250);
    await client.close();
  });

  it("an abort during the call ends it as CANCELED with the caller's reason", async () => {
    const client = clientFor(transport, silent.baseUrl, { timeoutMs: 10_000 });
    const controller = new AbortController();
    const arrived = nextStream(silent);
    const call = client.tasks.create(validTask("x"), { signal: controller.signal });
    const stream = await arrived;
    const reason = new Error("shutting down");
    controller.abort(reason);
    const error = await expectTypedError(call, 0);
    expect(error.grpcCode).toBe(Code.Canceled);
    expect(error.cause).toBe(reason);
    // The server is told (RST_STREAM), so it can stop working on it. grpc-js resets with CANCEL,
    // connect-node with INTERNAL_ERROR; either tells the server the client is gone.
    if (!stream.closed) await new Promise((r) => stream.once("close", r));
    expect(stream.rstCode).not.toBe(http2.constants.NGHTTP2_NO_ERROR);
    await client.close();
  });

  it("an already-aborted signal fails at once and sends nothing", async () => {
    const client = clientFor(transport, silent.baseUrl);
    const before = silent.streams;
    const error = await expectTypedError(client.tasks.get("t", { signal: AbortSignal.abort("not needed") }), 0);
    expect(error.grpcCode).toBe(Code.Canceled);
    expect(silent.streams).toBe(before);
    await client.close();
  });

  it("a signal that aborts in an interceptor, before the call goes on to the transport: CANCELED at once, nothing sent", async () => {
    const controller = new AbortController();
    const client = clientFor(transport, silent.baseUrl, {
      timeoutMs: 10_000,
      interceptors: [
        (next) => (req) => {
          controller.abort(new Error("changed my mind"));
          return next(req);
        },
      ],
    });
    const before = silent.streams;
    const error = await expectTypedError(client.tasks.get("t", { signal: controller.signal }), 0);
    expect(error.grpcCode).toBe(Code.Canceled);
    expect(silent.streams).toBe(before);
    await client.close();
  });

  it("the deadline cuts a retry backoff short: DEADLINE_EXCEEDED on time, no further attempt", async () => {
    const client = clientFor(transport, unavailable.baseUrl, { retry: { maxAttempts: 5, initialBackoffMs: 50, sleep: endlessSleep } });
    const before = unavailable.streams;
    const error = await expectTypedError(client.tasks.get("t", { timeoutMs: 400 }), 400);
    expect(error.grpcCode).toBe(Code.DeadlineExceeded);
    expect(unavailable.streams - before).toBe(1);
    await client.close();
  });

  it("a backoff longer than the time left is not started: the real failure comes back at once", async () => {
    const client = clientFor(transport, unavailable.baseUrl, { retry: { maxAttempts: 5, initialBackoffMs: 60_000, random: () => 0.99 } });
    const before = unavailable.streams;
    const outcome = await settle(client.tasks.get("t", { timeoutMs: 2000 }));
    expect(outcome.ok).toBe(false);
    expect(outcome.ms).toBeLessThan(2000);
    const error = (outcome as { error: unknown }).error as ClarifaiError;
    expect(error).toBeInstanceOf(ClarifaiError);
    expect(error.grpcCode).toBe(Code.Unavailable);
    expect(unavailable.streams - before).toBe(1);
    await client.close();
  });

  it("an abort during the retry backoff ends the call at once as CANCELED, with no further attempt", async () => {
    const controller = new AbortController();
    const reason = new Error("user navigated away");
    let retries = 0;
    const client = clientFor(transport, unavailable.baseUrl, {
      timeoutMs: 30_000,
      retry: {
        maxAttempts: 5,
        initialBackoffMs: 20_000,
        random: () => 0.99,
        // Called just before the wait starts: the abort lands inside the backoff.
        onRetry: () => {
          retries++;
          queueMicrotask(() => controller.abort(reason));
        },
      },
    });
    const before = unavailable.streams;
    const start = performance.now();
    const error = await expectTypedError(client.tasks.get("t", { signal: controller.signal }), 0);
    expect(performance.now() - start).toBeLessThan(SLACK_MS);
    expect(retries).toBe(1);
    expect(error.grpcCode).toBe(Code.Canceled);
    expect(error.cause).toBe(reason);
    expect(unavailable.streams - before).toBe(1);
    await client.close();
  });

  it("retries that succeed stay within the deadline, and the final error records every attempt", async () => {
    const client = clientFor(transport, unavailable.baseUrl, { retry: { maxAttempts: 3, initialBackoffMs: 5 } });
    const error = await expectTypedError(client.tasks.get("t", { timeoutMs: 2000 }), 2000);
    expect(error.attempts).toBe(3);
    expect(error.previousErrors).toHaveLength(2);
    await client.close();
  });
});
