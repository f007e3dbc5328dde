// Servers that misbehave at the connection level — the hangs and crashes reported against connect-node
// and grpc-js — must each end in a typed ClarifaiError within the call's deadline, on both transports,
// with no unhandled rejection and the process still up.
import { Code } from "@connectrpc/connect";
import { ClarifaiError } from "clarifai-grpc-es";
import http2 from "node:http2";
import { afterAll, describe, expect, it } from "vitest";
import { guardEachTest } from "../support/hostile/process-guard.js";
import { methodOf, okGetTaskPayload, okMultiTaskPayload, respondOk } from "../support/hostile/grpc-wire.js";
import {
  startH2Server,
  startRawGoawayServer,
  startRstNoErrorServer,
  startSettingsThenSilenceServer,
  startSilentTcpServer,
  streamsReceived,
  type H2HostileServer,
  type HostileServer,
} from "../support/hostile/servers.js";
import { clientFor, expectTypedError, settle, TRANSPORTS, validTask } from "./harness.js";

const DEADLINE = 500;
const track = guardEachTest();
afterAll(() => {
  // The process is still here to run this: nothing crashed it.
  expect(process.exitCode ?? 0).toBe(0);
});

/** Answers every stream like a healthy V2 server: a SUCCESS for GetTask and PostTasks. */
function answerOk(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
  stream.resume();
  stream.once("end", () =>
    respondOk(stream, methodOf(headers[":path"]) === "GetTask" ? okGetTaskPayload("t1") : okMultiTaskPayload(["t1"])),
  );
}

/**
 * A server whose first connection is the hostile one: its streams go to `hold` (by default they are
 * never answered), while later connections are answered normally, so a test can see the client recover.
 * `firstSession()` is that first connection, for the test to GOAWAY or destroy.
 */
async function firstConnectionHostile(
  hold: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void = () => {},
): Promise<{ server: H2HostileServer; firstSession: () => http2.ServerHttp2Session }> {
  let first: http2.ServerHttp2Session | undefined;
  const server: H2HostileServer = track(
    await startH2Server((stream, headers, session) => {
      first ??= session;
      if (session === first) hold(stream, headers);
      else answerOk(stream, headers);
    }),
  );
  return { server, firstSession: () => first! };
}

describe.each(TRANSPORTS)("hostile servers over %s", (transport) => {
  const connectionLevel: [string, () => Promise<HostileServer>][] = [
    ["a TCP listener that never speaks HTTP/2", startSilentTcpServer],
    ["a server that sends SETTINGS and then nothing", startSettingsThenSilenceServer],
    ["a server that closes every stream with RST_STREAM(NO_ERROR) before headers", startRstNoErrorServer],
  ];

  for (const [name, start] of connectionLevel) {
    it(`${name}: reads and writes end in a typed error within the deadline`, async () => {
      const server = track(await start());
      const client = track(clientFor(transport, server.baseUrl, { timeoutMs: DEADLINE }));
      // Several calls at once, reads and a write: none may hang, whatever the transport queues.
      const calls = [client.tasks.get("t1"), client.tasks.list(), client.tasks.create(validTask("x")), client.tasks.get("t2")];
      // Checked all at once, so every rejection has a handler from the start.
      for (const error of await Promise.all(calls.map((c) => expectTypedError(c, DEADLINE)))) {
        expect(error.method).not.toBe("");
        expect(error.grpcCode).toBeDefined();
      }
      // The failure really came from this server, not from a refused connection elsewhere.
      expect(server.connections).toBeGreaterThanOrEqual(1);
      // The same client keeps failing cleanly (no poisoned state, no hang on a reused connection).
      await expectTypedError(client.tasks.get("t3", { timeoutMs: 300 }), 300);
    });
  }

  it("GOAWAY then the connection closes while calls are in flight: each in-flight call fails typed, the next call succeeds", async () => {
    const { server, firstSession } = await firstConnectionHostile();
    const client = track(clientFor(transport, server.baseUrl, { timeoutMs: 2000 }));
    const inFlight = [client.tasks.get("a"), client.tasks.get("b"), client.tasks.create(validTask("c"))];
    await streamsReceived(server, inFlight.length);
    firstSession().goaway(http2.constants.NGHTTP2_NO_ERROR, 0);
    firstSession().destroy();
    await Promise.all(inFlight.map((call) => expectTypedError(call, 2000)));
    const after = await settle(client.tasks.get("t1"));
    expect(after.ok, after.ok ? "" : String(after.error)).toBe(true);
  });

  it("GOAWAY while calls are in flight, then those calls are answered: they succeed, and new calls use a new connection", async () => {
    const held: [http2.ServerHttp2Stream, http2.IncomingHttpHeaders][] = [];
    const { server, firstSession } = await firstConnectionHostile((stream, headers) => held.push([stream, headers]));
    const client = track(clientFor(transport, server.baseUrl, { timeoutMs: 2000 }));
    const inFlight = [client.tasks.get("a"), client.tasks.get("b"), client.tasks.create(validTask("c"))];
    await streamsReceived(server, inFlight.length);
    // A graceful drain: "no new streams here", then the old ones complete.
    const lastId = Math.max(...held.map(([s]) => s.id ?? 0));
    firstSession().goaway(http2.constants.NGHTTP2_NO_ERROR, lastId);
    for (const [stream, headers] of held) answerOk(stream, headers);
    for (const outcome of await Promise.all(inFlight.map((call) => settle(call)))) {
      expect(outcome.ok, outcome.ok ? "" : String(outcome.error)).toBe(true);
    }
    const after = await settle(client.tasks.get("t1"));
    expect(after.ok, after.ok ? "" : String(after.error)).toBe(true);
    expect(server.connections).toBeGreaterThanOrEqual(2);
  });

  it("GOAWAY while calls are in flight, then silence: the calls end at their deadline, typed", async () => {
    const { server, firstSession } = await firstConnectionHostile();
    const client = track(clientFor(transport, server.baseUrl, { timeoutMs: DEADLINE }));
    const inFlight = [client.tasks.get("a"), client.tasks.create(validTask("c"))];
    await streamsReceived(server, inFlight.length);
    firstSession().goaway(http2.constants.NGHTTP2_NO_ERROR, 2 ** 31 - 1);
    for (const error of await Promise.all(inFlight.map((call) => expectTypedError(call, DEADLINE)))) {
      expect(error.grpcCode).toBe(Code.DeadlineExceeded);
    }
  });

  // RFC 9113 §6.8: streams above a GOAWAY's last-stream-id were not processed. Node's HTTP/2 stack
  // (nghttp2, under both transports) closes them with REFUSED_STREAM as the frame arrives, which both
  // transports report as provably not sent: even a write is retried, and nothing waits for a deadline.
  // Long deadlines: a call that waited for one would fail the time check, not the test's timeout.
  const LONG = 10_000;

  it("GOAWAY(NO_ERROR) with last-stream-id 0 while a read and a write are in flight, then silence: both are retried on a new connection and succeed", async () => {
    const server = track(await startRawGoawayServer({ after: 2, onStream: answerOk }));
    const client = track(clientFor(transport, server.baseUrl, { timeoutMs: LONG, retry: {} }));
    const outcomes = await Promise.all([settle(client.tasks.get("a")), settle(client.tasks.create(validTask("w")))]);
    for (const outcome of outcomes) {
      expect(outcome.ok, outcome.ok ? "" : String(outcome.error)).toBe(true);
      expect(outcome.ms).toBeLessThan(LONG / 2);
    }
    // Two requests went to the first connection, then both again to a second one.
    expect(server.connections).toBe(2);
    expect(server.streams).toBe(4);
  });

  // Without the client's retries, what each transport does on its own with the refused streams.
  const refusedWithoutRetries: Record<(typeof TRANSPORTS)[number], "unavailable, not sent" | "retried by grpc-js itself"> = {
    connect: "unavailable, not sent",
    // grpc-js retries a refused stream once by itself (gRFC A6 transparent retry), whatever the method.
    "grpc-js": "retried by grpc-js itself",
  };

  it(`GOAWAY(NO_ERROR) with last-stream-id 0, no client retries: the calls end at once, ${refusedWithoutRetries[transport]}`, async () => {
    const server = track(await startRawGoawayServer({ after: 2, onStream: answerOk }));
    const client = track(clientFor(transport, server.baseUrl, { timeoutMs: LONG }));
    const outcomes = await Promise.all([settle(client.tasks.get("a")), settle(client.tasks.create(validTask("w")))]);
    for (const outcome of outcomes) {
      expect(outcome.ms).toBeLessThan(LONG / 2);
      if (refusedWithoutRetries[transport] === "retried by grpc-js itself") {
        expect(outcome.ok, outcome.ok ? "" : String(outcome.error)).toBe(true);
      } else {
        expect(outcome.ok).toBe(false);
        const error = (outcome as { error: unknown }).error as ClarifaiError;
        expect(error).toBeInstanceOf(ClarifaiError);
        expect(error.grpcCode).toBe(Code.Unavailable);
        expect(error.outcomeUnknown).toBe(false);
        expect(error.attempts).toBe(1);
      }
    }
  });

  it("GOAWAY(NO_ERROR) with a last-stream-id between two in-flight calls: the earlier is answered on the old connection, the later is retried on a new one", async () => {
    const held: [http2.ServerHttp2Stream, http2.IncomingHttpHeaders][] = [];
    const { server, firstSession } = await firstConnectionHostile((stream, headers) => held.push([stream, headers]));
    const client = track(clientFor(transport, server.baseUrl, { timeoutMs: LONG, retry: {} }));
    // One after the other, so the read has the lower stream id.
    const read = settle(client.tasks.get("a"));
    await streamsReceived(server, 1);
    const write = settle(client.tasks.create(validTask("w")));
    await streamsReceived(server, 2);
    const [readStream, readHeaders] = held[0]!;
    // Node sends a last-stream-id above 0 as given (0 it would replace with the last stream it processed).
    firstSession().goaway(http2.constants.NGHTTP2_NO_ERROR, readStream.id!);
    answerOk(readStream, readHeaders);
    for (const outcome of await Promise.all([read, write])) {
      expect(outcome.ok, outcome.ok ? "" : String(outcome.error)).toBe(true);
      expect(outcome.ms).toBeLessThan(LONG / 2);
    }
    expect(server.connections).toBe(2);
  });

  // Node's server API puts the last stream it processed on the wire for a last-stream-id of 0 (see "the test
  // servers themselves" below): here the error code and the destroyed connection are what end the write.
  it("GOAWAY(ENHANCE_YOUR_CALM), then the connection is destroyed, with a write in flight: retried or a typed error, never a hang", async () => {
    const { server, firstSession } = await firstConnectionHostile();
    const client = track(clientFor(transport, server.baseUrl, { timeoutMs: 2000 }));
    const write = client.tasks.create(validTask("refused"));
    await streamsReceived(server, 1);
    firstSession().goaway(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM, 0);
    firstSession().destroy();
    const outcome = await settle(write);
    // Either the client retried the refused write on a new connection (safe: the server said it did
    // not process it), or it failed with a typed error. It must not hang or crash.
    if (!outcome.ok) expect(outcome.error).toBeInstanceOf(ClarifaiError);
  });
});

describe("the test servers themselves", () => {
  it("Node's session.goaway(code, 0) sends the last stream it processed, not 0: a raw frame is needed for last-stream-id 0", async () => {
    const server = track(await startH2Server((stream, _headers, session) => session.goaway(http2.constants.NGHTTP2_NO_ERROR, 0)));
    const session = http2.connect(server.baseUrl);
    track({ close: () => session.destroy() });
    session.on("error", () => {});
    const goaway = new Promise<number>((resolve) => session.once("goaway", (_code: number, lastStreamId: number) => resolve(lastStreamId)));
    const stream = session.request({ ":method": "POST", ":path": "/x" });
    stream.on("error", () => {});
    stream.end();
    expect(await goaway).toBe(stream.id);
    expect(stream.id).toBe(1);
  });
});
