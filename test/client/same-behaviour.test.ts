// One failure, one behaviour, whatever the transport: each case below is run on every transport, and
// the error it ends in must be the same — class, Clarifai code, gRPC code, outcomeUnknown, attempts and
// decoded rich details — and be what the case expects. Retries run with an instant sleep so that the
// attempt counts are exact.
import { create, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { ClarifaiClient, ClarifaiError, Code, SingleTaskResponseSchema, StatusCode, StatusSchema, type ClarifaiClientOptions } from "clarifai-grpc-es";
import http2 from "node:http2";
import { afterEach, describe, expect, it } from "vitest";
import { TRANSPORTS, type TransportName } from "../fault/harness.js";
import { closedPort } from "../support/closed-port.js";
import { okGetTaskPayload, respondOk } from "../support/hostile/grpc-wire.js";
import { startH2Server, startRawGoawayServer, streamsReceived, type H2HostileServer } from "../support/hostile/servers.js";

type Call = "read" | "write";

/** What must be the same on every transport. */
interface Outcome {
  readonly className: string;
  readonly code: number | undefined;
  readonly grpcCode: Code;
  readonly outcomeUnknown: boolean;
  readonly attempts: number;
  readonly details: readonly string[];
}

function outcomeOf(e: unknown): Outcome {
  expect(e).toBeInstanceOf(ClarifaiError);
  const error = e as ClarifaiError;
  return {
    className: error.constructor.name,
    code: error.code,
    grpcCode: error.grpcCode,
    outcomeUnknown: error.outcomeUnknown,
    attempts: error.attempts,
    details: error.statusDetails.map((d) => `${d.type}:${Buffer.from(d.value).toString("hex")}`),
  };
}

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function h2(onStream: Parameters<typeof startH2Server>[0]): Promise<H2HostileServer> {
  const server = await startH2Server(onStream);
  servers.push(server);
  return server;
}

function client(transport: TransportName, baseUrl: string, options: ClarifaiClientOptions = {}): ClarifaiClient {
  const c = new ClarifaiClient({
    pat: "pat-123456",
    userId: "u",
    appId: "a",
    baseUrl,
    transport,
    timeoutMs: 5000,
    retry: { maxAttempts: 3, sleep: async () => {}, random: () => 0 },
    ...options,
  });
  servers.push({ close: () => c.close() });
  return c;
}

function call(c: ClarifaiClient, kind: Call, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<unknown> {
  return kind === "read" ? c.tasks.get("t", options) : c.collectors.create({ id: "c" }, { validate: false, ...options });
}

/** Answers every stream with a trailers-only gRPC error. */
function grpcError(code: number, message: string, extra: http2.OutgoingHttpHeaders = {}) {
  return (stream: http2.ServerHttp2Stream) => {
    stream.resume();
    stream.once("end", () => stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": String(code), "grpc-message": message, ...extra }, { endStream: true }));
  };
}

/** A google.rpc.Status carrying one detail, encoded by hand (the detail is a clarifai.api.status.Status). */
function richStatus(code: number, message: string): { bytes: Uint8Array; detail: Uint8Array } {
  const detail = toBinary(StatusSchema, create(StatusSchema, { code: StatusCode.CONN_INVALID_REQUEST, description: "field tasks[0].id is too long" }));
  const any = new BinaryWriter().uint32(10).string(`type.googleapis.com/${StatusSchema.typeName}`).uint32(18).bytes(detail).finish();
  return { bytes: new BinaryWriter().uint32(8).int32(code).uint32(18).string(message).uint32(26).bytes(any).finish(), detail };
}

interface Case {
  readonly name: string;
  readonly kind: Call;
  readonly expected: Partial<Outcome>;
  /** Runs the case on one transport and returns what the call threw. */
  run(transport: TransportName): Promise<unknown>;
}

const cases: Case[] = [
  {
    name: "refused connection: a write is retried too (nothing was sent), and its outcome is known",
    kind: "write",
    expected: { className: "UnavailableError", code: undefined, grpcCode: Code.Unavailable, outcomeUnknown: false, attempts: 3 },
    async run(t) {
      return call(client(t, `http://127.0.0.1:${await closedPort()}`), "write").catch((e: unknown) => e);
    },
  },
  {
    name: "REFUSED_STREAM on every stream: a read is retried to the last attempt",
    kind: "read",
    expected: { className: "UnavailableError", grpcCode: Code.Unavailable, outcomeUnknown: false, attempts: 3 },
    async run(t) {
      const server = await h2((stream) => stream.close(http2.constants.NGHTTP2_REFUSED_STREAM));
      return call(client(t, server.baseUrl), "read").catch((e: unknown) => e);
    },
  },
  {
    name: "REFUSED_STREAM on a write: nothing was processed, so it is retried and its outcome known",
    kind: "write",
    expected: { className: "UnavailableError", grpcCode: Code.Unavailable, outcomeUnknown: false, attempts: 3 },
    async run(t) {
      const server = await h2((stream) => stream.close(http2.constants.NGHTTP2_REFUSED_STREAM));
      return call(client(t, server.baseUrl), "write").catch((e: unknown) => e);
    },
  },
  {
    // What an HTTP/2 server does when it shuts down with a stream it will not process: GOAWAY, and
    // REFUSED_STREAM for the stream in flight. (Node's `goaway(code, 0)` sends the last stream it
    // processed, this very stream, as last-stream-id: the REFUSED_STREAM is what says "not processed".)
    name: "GOAWAY(last stream 0) with a write in flight, its stream refused: not processed, retried, outcome known",
    kind: "write",
    expected: { className: "UnavailableError", grpcCode: Code.Unavailable, outcomeUnknown: false, attempts: 3 },
    async run(t) {
      const server = await h2((stream) => {
        stream.resume();
        (stream.session as http2.ServerHttp2Session).goaway(http2.constants.NGHTTP2_NO_ERROR, 0);
        stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      });
      return call(client(t, server.baseUrl), "write").catch((e: unknown) => e);
    },
  },
  {
    // A GOAWAY whose last-stream-id (0 on the wire) is below the stream, and nothing after it: no reset,
    // no close. The client's HTTP/2 stack refuses the stream itself (RFC 9113 §6.8); grpc-js retries it
    // once on its own before it reports the refusal, which changes no count here.
    name: "GOAWAY(last stream 0) with a write in flight, then silence: not processed, retried, outcome known, no wait for the deadline",
    kind: "write",
    expected: { className: "UnavailableError", grpcCode: Code.Unavailable, outcomeUnknown: false, attempts: 3 },
    async run(t) {
      const server = await startRawGoawayServer({ hostileConnections: Infinity });
      servers.push(server);
      return call(client(t, server.baseUrl), "write").catch((e: unknown) => e);
    },
  },
  {
    name: "RST_STREAM(INTERNAL_ERROR) after the request: not retried, a write's outcome unknown",
    kind: "write",
    expected: { className: "ClarifaiError", grpcCode: Code.Internal, outcomeUnknown: true, attempts: 1 },
    async run(t) {
      const server = await h2((stream) => {
        stream.resume();
        stream.once("end", () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
      });
      return call(client(t, server.baseUrl), "write").catch((e: unknown) => e);
    },
  },
  {
    name: "RST_STREAM(CANCEL) from the server: the connection was lost under the call, a read is retried",
    kind: "read",
    expected: { className: "UnavailableError", grpcCode: Code.Unavailable, outcomeUnknown: false, attempts: 3 },
    async run(t) {
      const server = await h2((stream) => {
        stream.resume();
        stream.once("end", () => stream.close(http2.constants.NGHTTP2_CANCEL));
      });
      return call(client(t, server.baseUrl), "read").catch((e: unknown) => e);
    },
  },
  {
    name: "deadline: a write the server holds ends DEADLINE_EXCEEDED with its outcome unknown",
    kind: "write",
    expected: { className: "ClarifaiError", grpcCode: Code.DeadlineExceeded, outcomeUnknown: true, attempts: 1 },
    async run(t) {
      const server = await h2((stream) => stream.resume());
      return call(client(t, server.baseUrl), "write", { timeoutMs: 300 }).catch((e: unknown) => e);
    },
  },
  {
    name: "abort: a read the server holds ends CANCELLED at once, not retried",
    kind: "read",
    expected: { className: "ClarifaiError", grpcCode: Code.Canceled, outcomeUnknown: false, attempts: 1 },
    async run(t) {
      const server = await h2((stream) => stream.resume());
      const controller = new AbortController();
      const pending = call(client(t, server.baseUrl), "read", { signal: controller.signal }).catch((e: unknown) => e);
      await streamsReceived(server, 1);
      controller.abort(new Error("stop"));
      return pending;
    },
  },
  {
    name: "UNAVAILABLE from the server: a read is retried to the last attempt",
    kind: "read",
    expected: { className: "UnavailableError", grpcCode: Code.Unavailable, outcomeUnknown: false, attempts: 3 },
    async run(t) {
      const server = await h2(grpcError(14, "overloaded"));
      return call(client(t, server.baseUrl), "read").catch((e: unknown) => e);
    },
  },
  {
    name: "UNAVAILABLE from the server on a write: not retried (it may have been processed), outcome unknown",
    kind: "write",
    expected: { className: "UnavailableError", grpcCode: Code.Unavailable, outcomeUnknown: true, attempts: 1 },
    async run(t) {
      const server = await h2(grpcError(14, "ECONNREFUSED, says the server"));
      return call(client(t, server.baseUrl), "write").catch((e: unknown) => e);
    },
  },
  {
    // The gRPC spec maps an HTTP status to a code only when the answer has no grpc-status of its own.
    name: "HTTP 429 that carries its own grpc-status (RESOURCE_EXHAUSTED): the server's code and text, not the HTTP mapping",
    kind: "read",
    expected: { className: "RateLimitError", grpcCode: Code.ResourceExhausted, outcomeUnknown: false },
    async run(t) {
      const server = await h2(grpcError(8, "quota exceeded for user u (req_id abc)", { ":status": 429 }));
      const e = (await call(client(t, server.baseUrl), "read").catch((x: unknown) => x)) as ClarifaiError;
      expect(e.message).toContain("quota exceeded for user u (req_id abc)");
      return e;
    },
  },
  {
    name: "a Clarifai failure status (TASK_MISSING) under gRPC OK: NOT_FOUND, not retried",
    kind: "read",
    expected: { className: "NotFoundError", code: StatusCode.TASK_MISSING, grpcCode: Code.NotFound, outcomeUnknown: false, attempts: 1 },
    async run(t) {
      const server = await h2((stream) => {
        stream.resume();
        stream.once("end", () =>
          respondOk(stream, toBinary(SingleTaskResponseSchema, create(SingleTaskResponseSchema, { status: { code: StatusCode.TASK_MISSING, description: "Task not found", reqId: "r1" } }))),
        );
      });
      return call(client(t, server.baseUrl), "read").catch((e: unknown) => e);
    },
  },
  {
    name: "grpc-status-details-bin with a google.rpc.Status: the same decoded details",
    kind: "read",
    expected: { className: "InvalidArgumentError", grpcCode: Code.InvalidArgument, outcomeUnknown: false, attempts: 1 },
    async run(t) {
      const rich = richStatus(3, "bad request");
      const server = await h2(grpcError(3, "bad request", { "grpc-status-details-bin": Buffer.from(rich.bytes).toString("base64") }));
      const e = (await call(client(t, server.baseUrl), "read").catch((x: unknown) => x)) as ClarifaiError;
      expect(e.statusDetails).toHaveLength(1);
      expect(e.statusDetails[0]!.type).toBe(StatusSchema.typeName);
      expect(Buffer.from(e.statusDetails[0]!.value)).toEqual(Buffer.from(rich.detail));
      const [decoded] = e.findDetails(StatusSchema);
      expect(decoded?.code).toBe(StatusCode.CONN_INVALID_REQUEST);
      expect(decoded?.description).toBe("field tasks[0].id is too long");
      return e;
    },
  },
];

describe("the same failure ends the same way on every transport", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const outcomes: Outcome[] = [];
    for (const transport of TRANSPORTS) outcomes.push(outcomeOf(await c.run(transport)));
    for (const o of outcomes) expect(o).toMatchObject(c.expected);
    for (const o of outcomes.slice(1)) expect(o).toEqual(outcomes[0]);
  });

  it.each(TRANSPORTS)("%s: a read whose first stream is refused is retried and succeeds", async (transport) => {
    let n = 0;
    const server = await h2((stream) => {
      if (n++ === 0) return stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      stream.resume();
      stream.once("end", () => respondOk(stream, okGetTaskPayload("t")));
    });
    const task = await client(transport, server.baseUrl).tasks.get("t");
    expect(task.id).toBe("t");
    expect(server.streams).toBe(2);
  });
});
