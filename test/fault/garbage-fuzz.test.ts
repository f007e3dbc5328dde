// Property-based: whatever bytes a server answers a unary call with — garbage, a truncated or
// over-long gRPC message, wrong flags, missing or bogus trailers, resets — the client resolves with a
// Task only when the answer was a correct one, and otherwise rejects with a ClarifaiError, promptly.
// One server and one client per transport serve all cases; the case travels in a request header.
import fc from "fast-check";
import { ClarifaiError } from "clarifai-grpc-es";
import { beforeAll, describe, expect, it } from "vitest";
import { guardSuite } from "../support/hostile/process-guard.js";
import { CASE_HEADER, mustFail, mustSucceed, responseSpecArb, startFuzzServer, validSpec, type FuzzServer } from "../support/hostile/garbage.js";
import { SETTINGS_FRAME, startRawBytesServer } from "../support/hostile/servers.js";
import { clientFor, settle, SLACK_MS, TRANSPORTS } from "./harness.js";

/** Cases per transport; the report in README counts them. */
export const GARBAGE_RUNS = 400;
export const RAW_RUNS = 60;
const DEADLINE = 400;
const RAW_DEADLINE = 300;

describe.each(TRANSPORTS)("garbage answers over %s", (transport) => {
  const track = guardSuite();
  let server: FuzzServer;
  beforeAll(async () => {
    server = track(await startFuzzServer());
  });

  it("the honest answer succeeds (the oracle is right)", async () => {
    const client = clientFor(transport, server.baseUrl, { timeoutMs: DEADLINE });
    const task = await client.tasks.get("fuzz-task", { headers: { [CASE_HEADER]: server.register(validSpec) } });
    expect(task.id).toBe("fuzz-task");
    await client.close();
  });

  it(`${GARBAGE_RUNS} generated answers: a Task only for a correct one, else a typed error, never a hang`, async () => {
    const client = clientFor(transport, server.baseUrl, { timeoutMs: DEADLINE });
    let failures = 0;
    await fc.assert(
      fc.asyncProperty(responseSpecArb, async (spec) => {
        const id = server.register(spec);
        const outcome = await settle(client.tasks.get("fuzz-task", { headers: { [CASE_HEADER]: id } }));
        expect(outcome.ms).toBeLessThan(DEADLINE + SLACK_MS);
        if (mustSucceed(spec)) {
          expect(outcome.ok, outcome.ok ? "" : String(outcome.error)).toBe(true);
        } else if (mustFail(spec)) {
          expect(outcome.ok, "a broken answer was accepted").toBe(false);
        }
        if (outcome.ok) {
          expect(typeof outcome.value.id).toBe("string");
        } else {
          failures++;
          expect(outcome.error).toBeInstanceOf(ClarifaiError);
          // Not retried: a garbage answer to a read is not a "try again" signal (retry is off here).
          expect(server.hits(id)).toBe(1);
        }
      }),
      { numRuns: GARBAGE_RUNS, seed: Number(process.env["FUZZ_SEED"] ?? 20260123) },
    );
    expect(failures).toBeGreaterThan(GARBAGE_RUNS / 2);
    await client.close();
  });

  it(`${RAW_RUNS} connections that answer raw garbage at the HTTP/2 level end in a typed error`, async () => {
    // Bytes after an optional honest SETTINGS frame: random frames, random noise, cut-off frame headers.
    const rawArb = fc.record({
      preface: fc.boolean(),
      bytes: fc.oneof(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        // A plausible frame header (type 0-9, any flags, stream 0-3) with a random payload.
        fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 3 }), fc.uint8Array({ maxLength: 64 })).map(
          ([type, flags, streamId, payload]) => {
            const head = Buffer.alloc(9);
            head.writeUIntBE(payload.length, 0, 3);
            head.writeUInt8(type, 3);
            head.writeUInt8(flags, 4);
            head.writeUInt32BE(streamId, 5);
            return new Uint8Array(Buffer.concat([head, payload]));
          },
        ),
      ),
      // "hold" cases can only end at the deadline, so they are fewer: each costs a whole deadline.
      then: fc.oneof(
        { weight: 1, arbitrary: fc.constant("hold" as const) },
        { weight: 6, arbitrary: fc.constantFrom("end" as const, "destroy" as const) },
      ),
    });
    let current: { preface: boolean; bytes: Uint8Array; then: "hold" | "end" | "destroy" } = {
      preface: false,
      bytes: new Uint8Array(),
      then: "destroy",
    };
    // Every connection of a case (a transport may reconnect) gets that case's bytes.
    const raw = await startRawBytesServer(() => ({
      data: current.preface ? Buffer.concat([SETTINGS_FRAME, current.bytes]) : current.bytes,
      then: current.then,
    }));
    await fc.assert(
      fc.asyncProperty(rawArb, async (c) => {
        current = c;
        // A fresh client per case: each case is a new connection, and a broken one must not linger.
        const client = clientFor(transport, raw.baseUrl, { timeoutMs: RAW_DEADLINE });
        const outcome = await settle(client.tasks.get("t"));
        await client.close();
        expect(outcome.ms).toBeLessThan(RAW_DEADLINE + SLACK_MS);
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) expect(outcome.error).toBeInstanceOf(ClarifaiError);
      }),
      { numRuns: RAW_RUNS, seed: Number(process.env["FUZZ_SEED"] ?? 20260123) },
    );
    await raw.close();
  }, 60_000);
});
