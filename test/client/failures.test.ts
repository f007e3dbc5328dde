// What a failure becomes. For each way a call can fail — a refused or reset connection, a reset
// stream, a gRPC status, a Clarifai status, an abort, close() — the ClarifaiError the caller gets:
// its class, codes, message, whether its outcome is unknown, how many attempts were made (counted on
// the server). And the three classifiers behind those answers ("never sent", "connection lost",
// "TLS trust"), kept here in one place.
import { readFileSync } from "node:fs";
import { constants, createSecureServer } from "node:http2";
import { ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ClarifaiClient,
  ClarifaiError,
  Code,
  MultiCollectorResponseSchema,
  MultiTaskResponseSchema,
  RateLimitError,
  StatusCode,
  UnavailableError,
  abortableSleep,
  type ClarifaiClientOptions,
  type RetryOptions,
} from "clarifai-grpc-es";
import { create } from "@bufbuild/protobuf";
import { connectionLost, isPlaintextPeer, isTlsTrustFailure, itemStatuses, provablyNotSent, responseStatusCode } from "../../src/status.js";
import { closedPort, messageOf, startScriptedServer, statusMessage, type Reply, type ScriptedServer } from "../support/scripted-grpc.js";

const PAT = "failures-pat-0123456789";
const noSleep = async () => {};

const withCode = (code: unknown, message = "x") => Object.assign(new Error(message), { code });
/** A status the server sent: connect keeps its `grpc-status` in the error's metadata. */
const fromServer = (message: string, code = Code.Unavailable) => new ConnectError(message, code, { "grpc-status": String(code) });

describe("provablyNotSent: only failures that prove no byte of the request reached the server", () => {
  const notSentCodes = [
    "ECONNREFUSED",
    "ENOTFOUND",
    "EAI_AGAIN",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "EADDRNOTAVAIL",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "UNABLE_TO_GET_ISSUER_CERT",
    "CERT_HAS_EXPIRED",
    "ERR_TLS_CERT_ALTNAME_INVALID",
    "ERR_SSL_WRONG_VERSION_NUMBER",
  ];

  it.each(notSentCodes)("a Node error %s, however deep in the cause chain", (code) => {
    expect(provablyNotSent(withCode(code))).toBe(true);
    expect(provablyNotSent(new ConnectError("wrapped", Code.Unavailable, undefined, undefined, new Error("middle", { cause: withCode(code) })))).toBe(true);
  });

  it.each([
    "No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1",
    "connect ECONNREFUSED 127.0.0.1:1",
    "Name resolution failed for target dns:nowhere.invalid",
    "getaddrinfo ENOTFOUND nowhere.invalid",
    "getaddrinfo EAI_AGAIN nowhere.invalid",
    "Stream closed with error code NGHTTP2_REFUSED_STREAM",
    "Stream refused by server",
    "Failed to connect to 127.0.0.1:1",
    "self-signed certificate",
    "self signed certificate in certificate chain",
    "unable to verify the first certificate",
    "NO CONNECTION ESTABLISHED",
  ])("the client's own text %j (message or grpc-js details)", (text) => {
    expect(provablyNotSent(new Error(text))).toBe(true);
    expect(provablyNotSent(Object.assign(new Error("14 UNAVAILABLE"), { details: text }))).toBe(true);
    expect(provablyNotSent(new ConnectError("outer", Code.Unavailable, undefined, undefined, new Error(text)))).toBe(true);
  });

  it("not the same code or text on a status the server sent, nor anywhere in a chain that holds one", () => {
    expect(provablyNotSent(Object.assign(fromServer("x"), { code: "ECONNREFUSED" }))).toBe(false);
    expect(provablyNotSent(fromServer("connect ECONNREFUSED 127.0.0.1:1; REFUSED_STREAM; Failed to connect"))).toBe(false);
    // A local error that wraps the server's status (a relabelled failure) still quotes the server.
    expect(provablyNotSent(new Error("connect ECONNREFUSED", { cause: fromServer("upstream said ECONNREFUSED") }))).toBe(false);
  });

  it("not a failure after the request may have left, nor odd values", () => {
    for (const reason of [withCode("ECONNRESET"), withCode("EPIPE"), new Error("read ECONNRESET"), withCode(14, "14 UNAVAILABLE"), "ECONNREFUSED", undefined, null, {}]) {
      expect(provablyNotSent(reason), String(reason)).toBe(false);
    }
  });

  it("reads text only from a string message or details", () => {
    const odd = { message: "x", details: { toString: () => "connect ECONNREFUSED 127.0.0.1:1" } };
    expect(provablyNotSent(odd)).toBe(false);
    expect(isTlsTrustFailure({ message: 7, details: { toString: () => "self-signed certificate" } })).toBe(false);
  });

  it("stops at a cycle in the cause chain", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(provablyNotSent(a)).toBe(false);
    (a as { cause?: unknown }).cause = withCode("ECONNREFUSED");
    expect(provablyNotSent(b)).toBe(true);
  });
});

describe("connectionLost: a Node error that says the connection broke under the call", () => {
  it.each(["ECONNRESET", "EPIPE", "ERR_STREAM_DESTROYED", "ERR_HTTP2_INVALID_STREAM", "ERR_HTTP2_GOAWAY_SESSION", "ERR_STREAM_PREMATURE_CLOSE"])(
    "%s, however deep in the cause chain",
    (code) => {
      expect(connectionLost(withCode(code))).toBe(true);
      expect(connectionLost(new ConnectError("aborted", Code.Aborted, undefined, undefined, new Error("middle", { cause: withCode(code) })))).toBe(true);
    },
  );

  it("not a protocol error, a refused connection, a numeric code, text alone or a non-error", () => {
    for (const reason of [withCode("ERR_HTTP2_PROTOCOL_ERROR"), withCode("ECONNREFUSED"), withCode(14), new Error("read ECONNRESET"), "ECONNRESET", undefined, null]) {
      expect(connectionLost(reason), String(reason)).toBe(false);
    }
  });
});

describe("isTlsTrustFailure: the server's certificate is not trusted", () => {
  it("not a server that does not speak TLS at all (ERR_SSL_WRONG_VERSION_NUMBER): that is isPlaintextPeer", () => {
    expect(isTlsTrustFailure(withCode("ERR_SSL_WRONG_VERSION_NUMBER"))).toBe(false);
    expect(isPlaintextPeer(withCode("ERR_SSL_WRONG_VERSION_NUMBER"))).toBe(true);
    expect(isPlaintextPeer(new ConnectError("internal", Code.Internal, undefined, undefined, new Error("middle", { cause: withCode("ERR_SSL_WRONG_VERSION_NUMBER") })))).toBe(true);
    expect(isPlaintextPeer(new Error("ssl3_get_record:wrong version number"))).toBe(true);
    expect(isPlaintextPeer(withCode("DEPTH_ZERO_SELF_SIGNED_CERT"))).toBe(false);
  });

  it.each(["DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "CERT_HAS_EXPIRED", "ERR_TLS_CERT_ALTNAME_INVALID"])(
    "a Node error %s, however deep in the cause chain",
    (code) => {
      expect(isTlsTrustFailure(withCode(code))).toBe(true);
      expect(isTlsTrustFailure(new ConnectError("internal", Code.Internal, undefined, undefined, new Error("middle", { cause: withCode(code) })))).toBe(true);
    },
  );

  it.each(["self-signed certificate", "self signed certificate in certificate chain", "unable to verify the first certificate", "certificate has expired", "Hostname/IP does not match certificate's altnames"])(
    "the client's own text %j",
    (text) => {
      expect(isTlsTrustFailure(new Error(text))).toBe(true);
      expect(isTlsTrustFailure(Object.assign(new Error("14 UNAVAILABLE"), { details: text }))).toBe(true);
    },
  );

  it("not a refused connection, nor the same code or text from the server", () => {
    expect(isTlsTrustFailure(withCode("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:1"))).toBe(false);
    expect(isTlsTrustFailure(Object.assign(fromServer("x"), { code: "CERT_HAS_EXPIRED" }))).toBe(false);
    expect(isTlsTrustFailure(fromServer("self-signed certificate"))).toBe(false);
    expect(isTlsTrustFailure(undefined)).toBe(false);
  });
});

describe("itemStatuses and responseStatusCode: reading a response's statuses", () => {
  it("takes the items of the first list whose elements carry a status, by position, skipping items without one", () => {
    const response = { $typeName: "x", status: { code: StatusCode.MIXED_STATUS }, tags: ["a", "b"], empty: [], holes: [null], tasks: [{ id: "t1", status: { code: StatusCode.SUCCESS } }, { id: "t2" }, { status: { code: StatusCode.FAILURE } }] };
    expect(itemStatuses(response).map((i) => [i.index, i.id, i.status.code])).toEqual([
      [0, "t1", StatusCode.SUCCESS],
      [2, "", StatusCode.FAILURE],
    ]);
    // Lists of plain values, empty lists and lists of nothing carry no item statuses.
    expect(itemStatuses({ tags: ["status"], empty: [], holes: [null, undefined], numbers: [1] })).toEqual([]);
    // Only a real list counts, not a message that looks like one.
    expect(itemStatuses({ arrayLike: { length: 1, 0: { id: "a", status: { code: StatusCode.FAILURE } } } })).toEqual([]);
    expect(itemStatuses({ items: [{ id: 7, status: { code: StatusCode.FAILURE } }] })).toEqual([{ index: 0, id: "", status: { code: StatusCode.FAILURE } }]);
    expect(itemStatuses({})).toEqual([]);
  });

  it("reads a response's status code, ZERO when it has none", () => {
    expect(responseStatusCode(create(MultiTaskResponseSchema, { status: { code: StatusCode.TRY_AGAIN } }))).toBe(StatusCode.TRY_AGAIN);
    expect(responseStatusCode({})).toBe(StatusCode.ZERO);
    expect(responseStatusCode(undefined)).toBe(StatusCode.ZERO);
  });
});

// ---------------------------------------------------------------------------------------------------
// Over the wire. The connect transport (the default) for every case; the two failures whose text and
// codes differ most between transports (a reset connection, a reset stream) over grpc-js as well.

let server: ScriptedServer;
/** How the scripted server answers the current test's requests. */
let script: (method: string) => Reply = () => "hang";
const clients: ClarifaiClient[] = [];

beforeAll(async () => {
  server = await startScriptedServer((r) => script(r.method));
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
});

function client(options: ClarifaiClientOptions = {}, retry: RetryOptions | false = {}): ClarifaiClient {
  const c = new ClarifaiClient({
    pat: PAT,
    userId: "u",
    appId: "a",
    baseUrl: server.baseUrl,
    timeoutMs: 3000,
    retry: retry === false ? false : { sleep: noSleep, maxAttempts: 3, ...retry },
    ...options,
  });
  clients.push(c);
  return c;
}

/**
 * Runs `call` with `reply(method, n)` answering its n-th request (from 1), and returns its error and
 * how many requests reached the server.
 */
async function failure(reply: (method: string, n: number) => Reply, call: () => Promise<unknown>): Promise<{ error: ClarifaiError; sent: number }> {
  let n = 0;
  script = (method) => reply(method, ++n);
  const before = server.seen.length;
  const error = await call().then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClarifaiError);
  return { error: error as ClarifaiError, sent: server.seen.length - before };
}

const read = (c: ClarifaiClient) => () => c.tasks.get("t1");
const write = (c: ClarifaiClient) => () => c.collectors.create({ id: "c1" }, { validate: false });

describe.each(["connect", "grpc-js"] as const)("a connection or stream torn down under the call, over %s", (transport) => {
  it.each([
    ["a TCP reset", "reset-connection" as const],
    ["RST_STREAM(CANCEL)", { rstStream: constants.NGHTTP2_CANCEL }],
  ])("%s is UNAVAILABLE: a read is retried, a write is not and says its outcome is unknown", async (_, reply) => {
    const c = client({ transport });
    const r = await failure(() => reply, read(c));
    expect(r.error).toBeInstanceOf(UnavailableError);
    expect(r.error.description).toMatch(reply === "reset-connection" ? /ECONNRESET$/ : /^connection lost: /);
    expect(r.error.grpcCode).toBe(Code.Unavailable);
    expect(r.error.codeName).toBe("UNAVAILABLE");
    expect(r.error.code).toBeUndefined();
    expect(r.error.outcomeUnknown).toBe(false);
    expect(r.error.attempts).toBe(3);
    expect(r.error.previousErrors.map((e) => e.grpcCode)).toEqual([Code.Unavailable, Code.Unavailable]);
    expect(r.sent).toBe(3);

    const w = await failure(() => reply, write(c));
    expect(w.error).toBeInstanceOf(UnavailableError);
    expect(w.error.grpcCode).toBe(Code.Unavailable);
    expect(w.error.outcomeUnknown).toBe(true);
    expect(w.error.message).toMatch(/^\[UNAVAILABLE\] PostCollectors: .*outcome unknown/);
    expect(w.error.attempts).toBe(1);
    expect(w.sent).toBe(1);
  });

  it("a refused stream (REFUSED_STREAM: the server did not process it) leaves a write's outcome known", async () => {
    const w = await failure(() => ({ rstStream: constants.NGHTTP2_REFUSED_STREAM }), write(client({ transport }, false)));
    expect(w.error.outcomeUnknown).toBe(false);
    expect(w.error.message).not.toMatch(/outcome unknown/);
  });

  it("a refused connection: a write is retried (nothing was sent), then fails UNAVAILABLE with the outcome known", async () => {
    const port = await closedPort();
    const attempts: number[] = [];
    const c = client({ transport, baseUrl: `http://127.0.0.1:${port}` }, { onRetry: (e) => attempts.push(e.attempt) });
    const e = (await write(c)().catch((x: unknown) => x)) as ClarifaiError;
    expect(e).toBeInstanceOf(UnavailableError);
    expect(e.grpcCode).toBe(Code.Unavailable);
    expect(e.outcomeUnknown).toBe(false);
    expect(e.attempts).toBe(3);
    expect(attempts).toEqual([1, 2]);
    // grpc-js appends an empty "Resolution note:" to this failure; it says nothing and is dropped.
    expect(e.description).toMatch(new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${port}$`));
  });
});

describe.each(["connect", "grpc-js"] as const)("a server whose certificate is not trusted, over %s", (transport) => {
  const cert = (name: string) => readFileSync(new URL(`../support/certs/${name}`, import.meta.url));

  it("is UNAVAILABLE saying how to trust it, and is never retried, not even a read", async () => {
    const tls = createSecureServer({ key: cert("server.key"), cert: cert("server.crt") }, () => {});
    await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", resolve));
    const events: unknown[] = [];
    try {
      const c = client({ transport, baseUrl: `https://127.0.0.1:${(tls.address() as { port: number }).port}` }, { onRetry: (e) => events.push(e) });
      const e = (await read(c)().catch((x: unknown) => x)) as ClarifaiError;
      expect(e).toBeInstanceOf(UnavailableError);
      expect(e.grpcCode).toBe(Code.Unavailable);
      expect(e.hint).toBe("the server's TLS certificate is not trusted (pass `tls: { ca }` with its CA for a private or self-signed server)");
      expect(e.message).toContain(`; ${e.hint}`);
      expect(e.outcomeUnknown).toBe(false);
      expect(e.attempts).toBe(1);
      expect(events).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => tls.close(() => resolve()));
    }
  });
});

describe("a gRPC status from the server", () => {
  // Codes with which the request may have been acted on, and those with which it was not.
  const ambiguous: [string, Code][] = [
    ["UNAVAILABLE", Code.Unavailable],
    ["UNKNOWN", Code.Unknown],
    ["INTERNAL", Code.Internal],
    ["ABORTED", Code.Aborted],
    ["DEADLINE_EXCEEDED", Code.DeadlineExceeded],
    ["DATA_LOSS", Code.DataLoss],
  ];
  const definite: [string, Code][] = [
    ["INVALID_ARGUMENT", Code.InvalidArgument],
    ["NOT_FOUND", Code.NotFound],
    ["ALREADY_EXISTS", Code.AlreadyExists],
    ["PERMISSION_DENIED", Code.PermissionDenied],
    ["RESOURCE_EXHAUSTED", Code.ResourceExhausted],
    ["FAILED_PRECONDITION", Code.FailedPrecondition],
    ["OUT_OF_RANGE", Code.OutOfRange],
    ["UNIMPLEMENTED", Code.Unimplemented],
    ["UNAUTHENTICATED", Code.Unauthenticated],
  ];

  it.each(ambiguous)("%s on a write: outcome unknown, not retried; on a read the outcome is never unknown", async (name, code) => {
    const c = client({}, false);
    const w = await failure(() => ({ grpcStatus: code, grpcMessage: `status ${name}` }), write(c));
    expect(w.error.grpcCode).toBe(code);
    expect(w.error.codeName).toBe(name);
    expect(w.error.description).toBe(`status ${name}`);
    expect(w.error.message).toMatch(new RegExp(`^\\[${name}\\] PostCollectors: status ${name} \\(outcome unknown`));
    expect(w.error.outcomeUnknown).toBe(true);
    expect(w.sent).toBe(1);
    const r = await failure(() => ({ grpcStatus: code, grpcMessage: `status ${name}` }), read(c));
    expect(r.error.outcomeUnknown).toBe(false);
  });

  it.each(definite)("%s on a write: the server refused it, so the outcome is known", async (name, code) => {
    const w = await failure(() => ({ grpcStatus: code, grpcMessage: `status ${name}`, afterHeaders: true }), write(client({}, false)));
    expect(w.error.grpcCode).toBe(code);
    expect(w.error.codeName).toBe(name);
    // Refusals of the key say where the key came from (the hint); the others say nothing more.
    const hint = code === Code.Unauthenticated || code === Code.PermissionDenied ? "; the key came from the `pat` option" : "";
    expect(w.error.message).toBe(`[${name}] PostCollectors: status ${name}${hint}`);
    expect(w.error.outcomeUnknown).toBe(false);
  });

  // A CANCELLED the client sees without a status (an HTTP/2 CANCEL under the call) is a lost
  // connection: see "RST_STREAM(CANCEL)" above. One the server sends as its status is its answer.
  it.each(["connect", "grpc-js"] as const)("CANCELLED sent by the server as its status stays CANCELLED, over %s: a read is not retried", async (transport) => {
    for (const afterHeaders of [false, true]) {
      const r = await failure(() => ({ grpcStatus: Code.Canceled, grpcMessage: "cancelled by the server", afterHeaders }), read(client({ transport })));
      expect(r.error.grpcCode).toBe(Code.Canceled);
      expect(r.error.codeName).toBe("CANCELLED");
      expect(r.error.description).toBe("cancelled by the server");
      expect(r.sent).toBe(1);
      const w = await failure(() => ({ grpcStatus: Code.Canceled, grpcMessage: "cancelled by the server", afterHeaders }), write(client({ transport })));
      expect(w.error.grpcCode).toBe(Code.Canceled);
      expect(w.sent).toBe(1);
    }
  });

  it("a status without text says 'request failed'", async () => {
    const w = await failure(() => ({ grpcStatus: Code.Internal }), write(client({}, false)));
    expect(w.error.description).toBe("request failed");
    expect(w.error.message).toMatch(/^\[INTERNAL\] PostCollectors: request failed/);
  });

  it("server text that quotes connection-refused errors does not make a write look never sent", async () => {
    const text = "connect ECONNREFUSED 10.0.0.1:443; No connection established; REFUSED_STREAM; self-signed certificate";
    const w = await failure(() => ({ grpcStatus: Code.Unavailable, grpcMessage: text, metadata: { code: "ECONNREFUSED" } }), write(client()));
    expect(w.error.outcomeUnknown).toBe(true);
    expect(w.error.attempts).toBe(1);
    expect(w.sent).toBe(1);
    // Nor a TLS failure: no hint about certificates, and the code stays the server's.
    expect(w.error.description).toBe(text);
    expect(w.error.grpcCode).toBe(Code.Unavailable);
  });
});

describe("a Clarifai status in an OK response", () => {
  it("becomes a typed error with the status' code, texts and req_id, never an unknown outcome", async () => {
    const status = { description: "Invalid request", details: "id: required", developerNotes: "see the docs", reqId: "req-7" };
    const w = await failure(() => ({ message: statusMessage(StatusCode.CONN_INVALID_REQUEST, status) }), write(client()));
    expect(w.error.code).toBe(StatusCode.CONN_INVALID_REQUEST);
    expect(w.error.codeName).toBe("CONN_INVALID_REQUEST");
    expect([w.error.description, w.error.details, w.error.developerNotes, w.error.reqId]).toEqual(["Invalid request", "id: required", "see the docs", "req-7"]);
    expect(w.error.message).toBe("[CONN_INVALID_REQUEST 11102] PostCollectors: Invalid request: id: required (req_id req-7)");
    expect(w.error.outcomeUnknown).toBe(false);
    expect(w.error.items).toEqual([]);
    expect(w.sent).toBe(1);
  });

  it("an empty description stays empty; a response without any status says so, and is not retried", async () => {
    const c = client();
    const empty = await failure(() => ({ message: statusMessage(StatusCode.FAILURE, { details: "d" }) }), read(c));
    expect(empty.error.description).toBe("");
    expect(empty.error.details).toBe("d");
    const none = await failure(() => ({ message: new Uint8Array(0) }), read(c));
    expect(none.error.code).toBe(StatusCode.ZERO);
    expect(none.error.codeName).toBe("ZERO");
    expect([none.error.description, none.error.details, none.error.developerNotes, none.error.reqId]).toEqual(["response carried no status", "", "", ""]);
    expect(none.sent).toBe(1);
  });

  it("a SUCCESS is no failure", async () => {
    script = () => ({ message: statusMessage(StatusCode.SUCCESS) });
    await expect(client().tasks.list()).resolves.toEqual([]);
  });

  it("a retried failure says how many attempts were made and keeps the earlier ones, each with no history of its own", async () => {
    const c = client();
    const status = await failure(() => ({ message: statusMessage(StatusCode.TRY_AGAIN, { description: "busy" }) }), read(c));
    expect(status.sent).toBe(3);
    expect(status.error.attempts).toBe(3);
    expect(status.error.message).toBe("[TRY_AGAIN 10030] GetTask: busy (after 3 attempts)");
    expect(status.error.previousErrors.map((e) => [e.codeName, e.attempts, e.previousErrors.length])).toEqual([
      ["TRY_AGAIN", 1, 0],
      ["TRY_AGAIN", 2, 0],
    ]);
    const transport = await failure(() => ({ grpcStatus: Code.Unavailable, grpcMessage: "down" }), read(c));
    expect(transport.error.attempts).toBe(3);
    expect(transport.error.previousErrors.map((e) => [e.codeName, e.attempts, e.previousErrors.length])).toEqual([
      ["UNAVAILABLE", 1, 0],
      ["UNAVAILABLE", 2, 0],
    ]);
  });

  it("scrubs the PAT from every text of the status", async () => {
    const status = { description: `key ${PAT}`, details: `Key ${PAT}`, developerNotes: `pat=${PAT}`, reqId: "r" };
    const e = (await failure(() => ({ message: statusMessage(StatusCode.CONN_KEY_INVALID, status) }), read(client()))).error;
    expect([e.description, e.details, e.developerNotes]).toEqual(["key [REDACTED]", "Key [REDACTED]", "pat=[REDACTED]"]);
  });

  it("only MIXED_STATUS keeps the per-item statuses, by position, skipping items without one", async () => {
    const c = client({}, false);
    const tasks = [
      { id: "a", status: { code: StatusCode.SUCCESS } },
      { id: "b" },
      { status: { code: StatusCode.TASK_CONFLICT, description: "conflict" } },
    ];
    const mixed = await failure(() => ({ message: messageOf(MultiTaskResponseSchema, { status: { code: StatusCode.MIXED_STATUS }, tasks }) }), () => c.tasks.list());
    expect(mixed.error.items.map((i) => [i.index, i.id, i.status.code])).toEqual([
      [0, "a", StatusCode.SUCCESS],
      [2, "", StatusCode.TASK_CONFLICT],
    ]);
    // The same items under any other failure status are not per-item outcomes.
    const failed = await failure(() => ({ message: messageOf(MultiTaskResponseSchema, { status: { code: StatusCode.FAILURE }, tasks }) }), () => c.tasks.list());
    expect(failed.error.items).toEqual([]);
  });

  it("MIXED_STATUS items come from the first list whose elements carry a status (collectors too)", async () => {
    const collectors = [{ id: "x", status: { code: StatusCode.CONN_INVALID_REQUEST, description: `bad ${PAT}` } }];
    const e = (await failure(() => ({ message: messageOf(MultiCollectorResponseSchema, { status: { code: StatusCode.MIXED_STATUS }, collectors }) }), write(client({}, false)))).error;
    expect(e.items).toHaveLength(1);
    expect(e.items[0]!.id).toBe("x");
    expect(e.items[0]!.status.description).toBe("bad [REDACTED]");
    // A MIXED_STATUS whose items carry no status, or that has no list at all, keeps none.
    const bare = (await failure(() => ({ message: messageOf(MultiCollectorResponseSchema, { status: { code: StatusCode.MIXED_STATUS }, collectors: [{ id: "y" }] }) }), write(client({}, false)))).error;
    expect(bare.items).toEqual([]);
    const noList = (await failure(() => ({ message: statusMessage(StatusCode.MIXED_STATUS) }), () => client({}, false).tasks.delete(["a", "b"]))).error;
    expect(noList.codeName).toBe("MIXED_STATUS");
    expect(noList.items).toEqual([]);
  });
});

describe("a failure proven to apply nothing leaves the outcome known", () => {
  it("a write throttled on every attempt (rejected before processing) fails as RATE_LIMITED, outcome known", async () => {
    const w = await failure(() => ({ message: statusMessage(StatusCode.CONN_THROTTLED, { description: "slow down" }) }), write(client()));
    expect(w.error).toBeInstanceOf(RateLimitError);
    expect(w.error.attempts).toBe(3);
    expect(w.sent).toBe(3);
    expect(w.error.outcomeUnknown).toBe(false);
  });

  it("a write aborted in the backoff after a throttled attempt: CANCELED, outcome known", async () => {
    const controller = new AbortController();
    const c = client({}, { onRetry: () => controller.abort(new Error("caller gave up")), sleep: (_ms, signal) => abortableSleep(60_000, signal) });
    const w = await failure(() => ({ message: statusMessage(StatusCode.CONN_THROTTLED) }), () => c.collectors.create({ id: "c1" }, { validate: false, signal: controller.signal }));
    expect(w.error.grpcCode).toBe(Code.Canceled);
    expect(w.error.description).toBe("aborted by the caller: caller gave up");
    expect(w.error.outcomeUnknown).toBe(false);
    expect(w.sent).toBe(1);
  });

  it("but a write aborted while its retry is in flight may have been applied: outcome unknown", async () => {
    const controller = new AbortController();
    const c = client();
    const w = await failure(
      (_m, n) => {
        if (n === 1) return { message: statusMessage(StatusCode.CONN_THROTTLED) };
        setImmediate(() => controller.abort("shutting down"));
        return "hang";
      },
      () => c.collectors.create({ id: "c1" }, { validate: false, signal: controller.signal }),
    );
    expect(w.error.grpcCode).toBe(Code.Canceled);
    expect(w.error.description).toBe("aborted by the caller: shutting down");
    expect(w.error.cause).toBe("shutting down");
    expect(w.error.outcomeUnknown).toBe(true);
    expect(w.error.attempts).toBe(2);
    expect(w.sent).toBe(2);
  });

  it("a write whose deadline passes in flight is DEADLINE_EXCEEDED with the outcome unknown; a read's is known", async () => {
    const c = client({ timeoutMs: 200 }, false);
    const w = await failure(() => "hang", write(c));
    expect(w.error.grpcCode).toBe(Code.DeadlineExceeded);
    expect(w.error.outcomeUnknown).toBe(true);
    const r = await failure(() => "hang", read(c));
    expect(r.error.grpcCode).toBe(Code.DeadlineExceeded);
    expect(r.error.outcomeUnknown).toBe(false);
  });
});

describe("the caller's abort", () => {
  it.each([
    ["an Error", new Error("user left"), "aborted by the caller: user left"],
    ["a string", "user left", "aborted by the caller: user left"],
    ["null", null, "aborted by the caller: null"],
    ["a number", 7, "aborted by the caller: 7"],
  ])("with %s as reason is CANCELED, saying so, with the reason as cause", async (_, reason, description) => {
    const controller = new AbortController();
    const w = await failure(
      () => {
        setImmediate(() => controller.abort(reason));
        return "hang";
      },
      () => client().tasks.get("t1", { signal: controller.signal }),
    );
    expect(w.error.grpcCode).toBe(Code.Canceled);
    expect(w.error.description).toBe(description);
    expect(w.error.cause).toBe(reason);
  });
});

describe("close() in flight", () => {
  it("says the client was closed, with no cause to confuse it with the caller's abort", async () => {
    const c = client();
    script = () => "hang";
    const before = server.seen.length;
    const pending = c.tasks.get("t1").catch((x: unknown) => x);
    while (server.seen.length === before) await new Promise((resolve) => server.raw.events.once("stream", resolve));
    await c.close();
    const e = (await pending) as ClarifaiError;
    expect(e.grpcCode).toBe(Code.Canceled);
    expect(e.description).toBe("the ClarifaiClient was closed while the call was in flight");
    expect(e.cause).toBeUndefined();
    expect(e.attempts).toBe(1);
  });

  it("ends a raw v2 call with connect's CANCELED, saying the client was closed", async () => {
    const c = client();
    script = () => "hang";
    const before = server.seen.length;
    const pending = c.v2.getTask({ taskId: "t1" }).catch((x: unknown) => x);
    while (server.seen.length === before) await new Promise((resolve) => server.raw.events.once("stream", resolve));
    await c.close();
    const e = (await pending) as ConnectError;
    expect(e.code).toBe(Code.Canceled);
    expect(e.rawMessage).toBe("the ClarifaiClient was closed");
  });
});
