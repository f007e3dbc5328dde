// Shared pieces of the fault tests: both transports, a client aimed at a hostile server, and a check
// that a call settles — with a typed ClarifaiError, within its deadline — instead of hanging.
import { ClarifaiClient, ClarifaiError, type ClarifaiClientOptions } from "clarifai-grpc-es";
import { expect } from "vitest";

/**
 * The gRPC transports. Fault cases built on HTTP/2 servers (GOAWAY, RST_STREAM, gRPC framing, an HTTP/2
 * proxy) run on these; their REST counterparts over HTTP/1.1 are in test/rest/faults.test.ts.
 */
export const TRANSPORTS = ["connect", "grpc-js"] as const;
/** Every transport: fault cases that hold for any HTTP client (a killed server, plaintext rules) run on all. */
export const ALL_TRANSPORTS = [...TRANSPORTS, "rest"] as const;
export type TransportName = (typeof ALL_TRANSPORTS)[number];

/** The emulator's default key and user. */
export const PAT = "emulator-pat";
export const USER = "emulator-user";

/**
 * Scheduling slack on top of a deadline: a busy 2-core CI machine can be late by a few hundred
 * milliseconds. A hang is still caught: it would overshoot by the whole test timeout.
 */
export const SLACK_MS = 1500;

/** A task the emulator accepts: human labeling (CONCEPTS_CLASSIFICATION) by one user, FULL strategy. */
export function validTask(description: string) {
  return {
    type: 1,
    description,
    worker: { strategy: 3, workers: [{ worker: { case: "user" as const, value: { id: "labeler" } } }] },
  };
}

/** A client for `baseUrl` over `transport`, short deadline, no retries unless the test asks. */
export function clientFor(transport: TransportName, baseUrl: string, options: ClarifaiClientOptions = {}): ClarifaiClient {
  return new ClarifaiClient({ pat: PAT, userId: USER, appId: "fault-app", baseUrl, transport, timeoutMs: 1000, retry: false, ...options });
}

/** How a call ended, and when. */
export type Outcome<T> = { ok: true; value: T; ms: number } | { ok: false; error: unknown; ms: number };

/** Waits for `promise` to settle and records how long it took. Never rejects. */
export async function settle<T>(promise: Promise<T>): Promise<Outcome<T>> {
  const start = performance.now();
  try {
    const value = await promise;
    return { ok: true, value, ms: performance.now() - start };
  } catch (error) {
    return { ok: false, error, ms: performance.now() - start };
  }
}

/**
 * Asserts that `promise` rejects with a `ClarifaiError` no later than `deadlineMs` (+ slack) and returns
 * the error. A hang fails the test at `deadlineMs + SLACK_MS` instead of at the test timeout.
 */
export async function expectTypedError(promise: Promise<unknown>, deadlineMs: number): Promise<ClarifaiError> {
  const limit = deadlineMs + SLACK_MS;
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<"hang">((resolve) => (timer = setTimeout(() => resolve("hang"), limit)));
  const outcome = await Promise.race([settle(promise), hang]);
  clearTimeout(timer);
  if (outcome === "hang") throw new Error(`call did not settle within ${limit} ms (deadline ${deadlineMs} ms): a hang`);
  if (outcome.ok) throw new Error(`expected a ClarifaiError, the call succeeded with ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof ClarifaiError)) {
    throw new Error(`expected a ClarifaiError, got ${String(outcome.error)}`, { cause: outcome.error });
  }
  expect(outcome.ms).toBeLessThanOrEqual(limit);
  return outcome.error;
}
