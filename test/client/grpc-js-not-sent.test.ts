// grpc-js can refuse a call before sending anything: a metadata value it cannot carry ("José"), or a
// client passed in whose channel its owner closed. The call then fails as not sent (so a write is not
// `outcomeUnknown`), and leaves no listener on the client's close() signal: one left there used to run
// at close(), throw a ReferenceError out of the abort event (an uncaught exception) and stop close()
// from ending the other calls in flight.
import * as grpc from "@grpc/grpc-js";
import { ClarifaiClient, ClarifaiError, Code, StatusCode } from "clarifai-grpc-es";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { flushRejections, guardProcess, type ProcessGuard } from "../support/hostile/process-guard.js";
import { startScriptedServer, statusMessage, type ScriptedServer } from "../support/scripted-grpc.js";

let server: ScriptedServer;
let hang = false;
beforeAll(async () => {
  server = await startScriptedServer(() => (hang ? "hang" : { message: statusMessage(StatusCode.SUCCESS) }));
});
afterAll(() => server.close());

let guard: ProcessGuard;
beforeEach(() => {
  hang = false;
  guard = guardProcess();
});
afterEach(async () => {
  await flushRejections();
  expect(guard.stop()).toEqual([]);
});

const address = () => new URL(server.baseUrl).host;

async function failureOf(call: Promise<unknown>): Promise<ClarifaiError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClarifaiError);
  return error as ClarifaiError;
}

/** close() while a call hangs on the server: the call ends (close() reached it), and nothing is thrown. */
async function closeEndsTheCallInFlight(client: ClarifaiClient): Promise<void> {
  hang = true;
  const before = server.seen.length;
  const inFlight = failureOf(client.tasks.list({}, { timeoutMs: 10_000 }));
  await new Promise<void>((resolve) => server.raw.events.once("stream", () => resolve()));
  expect(server.seen.length).toBe(before + 1);
  await client.close();
  // Ended by close() at once, not by its 10 s deadline (the test would time out first).
  expect((await inFlight).grpcCode).toBe(Code.Canceled);
}

describe("a call grpc-js refuses before sending", () => {
  it("a header value grpc-js cannot carry: INVALID_ARGUMENT, not sent (a write's outcome is known), and close() still ends the calls in flight", async () => {
    const client = new ClarifaiClient({ pat: "grpcjs-pat-0123", userId: "u", appId: "a", baseUrl: server.baseUrl, transport: "grpc-js", retry: false });
    const sent = server.seen.length;
    for (let i = 0; i < 3; i++) {
      const error = await failureOf(client.tasks.create({ id: `t${i}`, type: 1 }, { validate: false, headers: { "x-requested-by": "José" } }));
      expect(error.grpcCode).toBe(Code.InvalidArgument);
      expect(error.outcomeUnknown).toBe(false);
      expect(error.message).toContain("x-requested-by");
    }
    expect(server.seen.length).toBe(sent);
    // The same client still works.
    expect(await client.tasks.list()).toEqual([]);
    await closeEndsTheCallInFlight(client);
  });

  it("a grpc-js client passed in whose channel was closed: FAILED_PRECONDITION, not sent, not retried, and close() does not crash", async () => {
    const own = new grpc.Client(address(), grpc.credentials.createInsecure());
    const retry = { maxAttempts: 3, sleep: async () => {}, random: () => 0 };
    const client = new ClarifaiClient({ pat: "grpcjs-pat-0123", userId: "u", appId: "a", baseUrl: server.baseUrl, transport: "grpc-js", grpcJs: { client: own }, retry });
    expect(await client.tasks.list()).toEqual([]);
    // The service's shutdown closes its channel first: that stays so, and retrying cannot help.
    own.close();
    const read = await failureOf(client.tasks.list());
    expect([read.grpcCode, read.attempts]).toEqual([Code.FailedPrecondition, 1]);
    const write = await failureOf(client.tasks.create({ id: "t", type: 1 }, { validate: false }));
    expect([write.grpcCode, write.attempts]).toEqual([Code.FailedPrecondition, 1]);
    expect(write.outcomeUnknown).toBe(false);
    await client.close();
  });
});
