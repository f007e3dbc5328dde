// The failure funnel (src/status.ts) at its edges: what a failed TLS handshake, a reset connection
// over the rest transport, a server's rich error details, a MIXED_STATUS, a deadline that passed
// before the call and a caller's deadline-shaped abort become for the caller — the code, the message
// and its hint, and whether the request was sent (so whether a write's outcome is unknown). Over real
// sockets where one can produce the failure; the few Node error codes no local server can provoke
// go straight through the converter.
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { createSecureServer, type Http2SecureServer } from "node:http2";
import type { AddressInfo } from "node:net";
import { create, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { ConnectError, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { credentials } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClarifaiClient, ClarifaiError, Code, MultiTaskResponseSchema, StatusCode, StatusSchema, UnavailableError, type ClarifaiClientOptions } from "clarifai-grpc-es";
import { notSentError, toClarifaiError } from "../../src/status.js";
import { startScriptedServer, type Reply, type ScriptedServer } from "../support/scripted-grpc.js";

const cert = (name: string) => readFileSync(new URL(`../support/certs/${name}`, import.meta.url));
const identity = (t: string) => t;
const withCode = (code: string, message = "x") => Object.assign(new Error(message), { code });
const write = (c: ClarifaiClient) => c.collectors.create({ id: "c1" }, { validate: false });
const failureOf = async (call: Promise<unknown>): Promise<ClarifaiError> => {
  const e = await call.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ClarifaiError);
  return e as ClarifaiError;
};

const clients: ClarifaiClient[] = [];
function client(options: ClarifaiClientOptions): ClarifaiClient {
  const c = new ClarifaiClient({ pat: "funnel-pat-0123456789", userId: "u", appId: "a", timeoutMs: 5000, retry: { sleep: async () => {}, maxAttempts: 3 }, ...options });
  clients.push(c);
  return c;
}
afterAll(() => Promise.all(clients.map((c) => c.close())));

const caHint = "the server's TLS certificate is not trusted (pass `tls: { ca }` with its CA for a private or self-signed server)";
const restCaHint = "the server's TLS certificate is not trusted; the rest transport trusts the CAs the runtime's fetch trusts (in Node, add yours with NODE_EXTRA_CA_CERTS)";
const givenCaHint = "the server's TLS certificate is not trusted by the CA given in `tls: { ca }` (check that this is the CA that issued the server's certificate)";
const notYetValidHint = "the server's TLS certificate is not valid yet (check this machine's clock, or the certificate's start date)";
const expiredHint = "the server's TLS certificate has expired (renew it on the server; if it should still be valid, check this machine's clock)";
const hostHint = (host: string) =>
  `the server's TLS certificate does not list the host of the base URL (${host}); address the server by a name its certificate lists, or give the server a certificate for this one`;

describe("a TLS handshake that fails on trust: nothing was sent, so a write's outcome is known, and it is never retried", () => {
  /** A TLS server (HTTP/2, and HTTP/1.1 for fetch) with `certName` on `host`; counts the requests that reach it. */
  async function tlsServer(certName: string, host: string): Promise<{ server: Http2SecureServer; baseUrl: string; requests: () => number }> {
    let requests = 0;
    const server = createSecureServer({ key: cert("server.key"), cert: cert(certName), allowHTTP1: true }, () => requests++);
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    return { server, baseUrl: `https://${host}:${(server.address() as AddressInfo).port}`, requests: () => requests };
  }

  it.each([
    // A private CA that is trusted, and a certificate not valid yet (the machine's clock is behind):
    // Node says CERT_NOT_YET_VALID, a code the connect transport passes on as INTERNAL. The CA was
    // given: the hint says what is wrong, not to pass one.
    ["connect", "not-yet-valid.crt", "127.0.0.1", "ca.crt", { tls: { ca: cert("ca.crt") } }, notYetValidHint],
    ["grpc-js", "not-yet-valid.crt", "127.0.0.1", "ca.crt", { tls: { ca: cert("ca.crt") } }, notYetValidHint],
    // The same with a certificate that expired (CERT_HAS_EXPIRED): renew it, or the clock is ahead.
    ["connect", "expired.crt", "127.0.0.1", "ca.crt", { tls: { ca: cert("ca.crt") } }, expiredHint],
    ["grpc-js", "expired.crt", "127.0.0.1", "ca.crt", { tls: { ca: cert("ca.crt") } }, expiredHint],
    // A trusted, valid certificate for api.example.com only, reached at 127.0.0.1 (a loopback address
    // every machine has: 127.0.0.2 is not routable on macOS).
    ["connect", "other-host.crt", "127.0.0.1", "ca.crt", { tls: { ca: cert("ca.crt") } }, hostHint("127.0.0.1")],
    ["grpc-js", "other-host.crt", "127.0.0.1", "ca.crt", { tls: { ca: cert("ca.crt") } }, hostHint("127.0.0.1")],
    // A CA was given, but not the one that issued the certificate (the server's own certificate is no CA).
    ["connect", "server.crt", "127.0.0.1", "server.crt", { tls: { ca: cert("server.crt") } }, givenCaHint],
    ["grpc-js", "server.crt", "127.0.0.1", "server.crt", { tls: { ca: cert("server.crt") } }, givenCaHint],
    // No CA given.
    ["connect", "server.crt", "127.0.0.1", "the runtime's CAs", {}, caHint],
    // fetch knows only the runtime's CAs: the advice differs.
    ["rest", "server.crt", "127.0.0.1", "the runtime's CAs", {}, restCaHint],
  ] as const)("over %s, a server with %s at %s, trusting %s", async (transport, certName, host, _, options, hint) => {
    const tls = await tlsServer(certName, host);
    try {
      const onRetry: unknown[] = [];
      const e = await failureOf(write(client({ transport, baseUrl: tls.baseUrl, ...options, retry: { sleep: async () => {}, onRetry: (r) => onRetry.push(r) } })));
      expect(e).toBeInstanceOf(UnavailableError);
      expect(e.grpcCode).toBe(Code.Unavailable);
      expect(e.hint).toBe(hint);
      expect(e.message).toMatch(new RegExp(`^\\[UNAVAILABLE\\] PostCollectors: .*; ${hint.replace(/[()`{}.]/g, "\\$&")}$`));
      expect(e.outcomeUnknown).toBe(false);
      expect(e.attempts).toBe(1);
      expect(onRetry).toEqual([]);
      expect(tls.requests()).toBe(0);
    } finally {
      await new Promise((resolve) => tls.server.close(resolve));
    }
  });

  // Node error codes of a failed certificate check whose message no test server produces reliably: by
  // code alone (the message says nothing), however deep in the cause chain.
  it.each([
    ["CERT_REVOKED", caHint],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", caHint],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", caHint],
    ["CERT_NOT_YET_VALID", notYetValidHint],
    ["CERT_HAS_EXPIRED", expiredHint],
    ["ERR_TLS_CERT_ALTNAME_INVALID", hostHint("api.example.com")],
  ])("Node's %s", (code, hint) => {
    const reason = new ConnectError("handshake failed", Code.Internal, undefined, undefined, new Error("middle", { cause: withCode(code) }));
    const e = toClarifaiError(reason, { method: "PostCollectors", idempotent: false, redact: identity, transport: "grpc-js", address: "api.example.com:443" });
    expect([e.grpcCode, e.outcomeUnknown, e.hint]).toEqual([Code.Unavailable, false, hint]);
  });

  it.each([
    ["certificate has expired", expiredHint],
    ["certificate is not yet valid", notYetValidHint],
    ["Hostname/IP does not match certificate's altnames: Host: h. is not in the cert's altnames: DNS:x", hostHint("[::1]")],
  ])("grpc-js' text %s, without a code (it passes on only the message)", (text, hint) => {
    const reason = new ConnectError(`No connection established. Last error: Error: ${text}`, Code.Unavailable);
    const e = toClarifaiError(reason, { method: "PostCollectors", idempotent: false, redact: identity, transport: "grpc-js", address: "[::1]:443", trust: "the CA given in `tls: { ca }`" });
    expect([e.grpcCode, e.outcomeUnknown, e.hint]).toEqual([Code.Unavailable, false, hint]);
  });

  it("an untrusted certificate with the client's own grpc-js credentials names them, not `tls: { ca }`", async () => {
    const tls = await tlsServer("server.crt", "127.0.0.1");
    try {
      const e = await failureOf(write(client({ transport: "grpc-js", baseUrl: tls.baseUrl, grpcJs: { credentials: credentials.createSsl(cert("server.crt")) } })));
      expect(e.hint).toBe("the server's TLS certificate is not trusted by the CA in the credentials given in `grpcJs` (check that this is the CA that issued the server's certificate)");
      expect(e.outcomeUnknown).toBe(false);
    } finally {
      await new Promise((resolve) => tls.server.close(resolve));
    }
  });

  it("an untrusted certificate met by a transport of the caller's own says to give that transport the CA, not `tls: { ca }`", async () => {
    const tls = await tlsServer("server.crt", "127.0.0.1");
    try {
      const own = createGrpcTransport({ baseUrl: tls.baseUrl });
      const e = await failureOf(write(client({ transport: own, baseUrl: tls.baseUrl })));
      expect(e.hint).toBe("the server's TLS certificate is not trusted by the transport passed as `transport` (give that transport the CA; the client's `tls` option does not apply to it)");
      expect([e.grpcCode, e.outcomeUnknown, tls.requests()]).toEqual([Code.Unavailable, false, 0]);
    } finally {
      await new Promise((resolve) => tls.server.close(resolve));
    }
  });

  it("the hint of a host name mismatch without the server's address", () => {
    const e = toClarifaiError(new ConnectError("x", Code.Internal, undefined, undefined, withCode("ERR_TLS_CERT_ALTNAME_INVALID")), { method: "PostCollectors", redact: identity });
    expect(e.hint).toBe(
      "the server's TLS certificate does not list the host of the base URL; address the server by a name its certificate lists, or give the server a certificate for this one",
    );
  });
});

describe("a TLS handshake with no HTTP version in common, known by its Node code alone", () => {
  // The code, with a text that does not say it (as a runtime other than OpenSSL's words might): not
  // sent, never an outcome unknown, and a hint that names "the server" when the address is not known.
  const refused = () => new ConnectError("x", Code.Internal, undefined, undefined, withCode("ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL", "handshake failed"));

  it.each([
    ["rest", "the server does not speak HTTP/1.1 (its TLS handshake refused it: an HTTP/2-only server, such as a gRPC server), and the rest transport sends HTTP/1.1 through fetch; use transport \"connect\" (the default) or \"grpc-js\" for it"],
    ["connect", "the server does not speak HTTP/2 (its TLS handshake refused h2: an HTTP/1.1-only server), which gRPC needs; for a REST endpoint use transport \"rest\""],
  ])("on the %s transport", (transport, hint) => {
    const e = toClarifaiError(refused(), { method: "PostCollectors", idempotent: false, redact: identity, transport });
    expect([e.grpcCode, e.outcomeUnknown, e.hint]).toEqual([Code.Unavailable, false, hint]);
  });
});

describe("a TLS handshake with a server that does not speak TLS", () => {
  // OpenSSL reads a plaintext server's first bytes as a TLS record and says one of these, depending
  // on the bytes and the version.
  it.each([
    ["ERR_SSL_WRONG_VERSION_NUMBER", withCode("ERR_SSL_WRONG_VERSION_NUMBER")],
    ["ERR_SSL_PACKET_LENGTH_TOO_LONG", withCode("ERR_SSL_PACKET_LENGTH_TOO_LONG")],
    ["ERR_SSL_HTTP_REQUEST", withCode("ERR_SSL_HTTP_REQUEST")],
    ["the text 'packet length too long'", new Error("ssl3_get_record:packet length too long")],
    ["the text 'http request'", new Error("ssl3_get_record:http request")],
  ])("(%s) is UNAVAILABLE with the http:// advice, nothing sent, even without the server's address", (_, cause) => {
    const reason = new ConnectError("handshake failed", Code.Internal, undefined, undefined, cause);
    const e = toClarifaiError(reason, { method: "PostCollectors", idempotent: false, redact: identity });
    expect([e.grpcCode, e.outcomeUnknown]).toEqual([Code.Unavailable, false]);
    expect(e.hint).toBe("the server does not speak TLS; a base URL without a scheme (or https://) means TLS, so for a plaintext server such as the emulator use an http:// base URL");
  });
});

describe("a TLS handshake with no HTTP version in common: nothing was sent, so a write's outcome is known, and it is never retried", () => {
  let requests = 0;
  // A gRPC server: HTTP/2 only, ALPN without http/1.1, which is all fetch offers.
  const h2Only = () => createSecureServer({ key: cert("server.key"), cert: cert("server.crt") }, () => requests++);
  // An HTTP/1.1-only TLS server: ALPN without h2, which is all a gRPC transport offers.
  const h1Only = () => https.createServer({ key: cert("server.key"), cert: cert("server.crt"), ALPNProtocols: ["http/1.1"] }, (_, res) => res.end(String(++requests)));
  const useGrpc = (address: string) =>
    `the server at ${address} does not speak HTTP/1.1 (its TLS handshake refused it: an HTTP/2-only server, such as a gRPC server), and the rest transport sends HTTP/1.1 through fetch; use transport "connect" (the default) or "grpc-js" for it`;
  const useRest = (address: string) =>
    `the server at ${address} does not speak HTTP/2 (its TLS handshake refused h2: an HTTP/1.1-only server), which gRPC needs; for a REST endpoint use transport "rest"`;

  it.each([
    ["rest", "an HTTP/2-only server", h2Only, {}, useGrpc],
    ["connect", "an HTTP/1.1-only server", h1Only, { tls: { ca: cert("ca.crt") } }, useRest],
    ["grpc-js", "an HTTP/1.1-only server", h1Only, { tls: { ca: cert("ca.crt") } }, useRest],
  ] as const)("over %s, %s is UNAVAILABLE, saying which transport fits", async (transport, _, serve, options, hint) => {
    requests = 0;
    const server = serve();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const onRetry: unknown[] = [];
      const e = await failureOf(write(client({ transport, baseUrl: `https://${address}`, ...options, retry: { sleep: async () => {}, onRetry: (r) => onRetry.push(r) } })));
      expect(e).toBeInstanceOf(UnavailableError);
      expect(e.grpcCode).toBe(Code.Unavailable);
      expect(e.hint).toBe(hint(address));
      // OpenSSL's own text ends with a newline; the message carries it on one line, then the hint.
      expect(e.message).toMatch(/^\[UNAVAILABLE\] PostCollectors: .*no application protocol.*SSL alert number 120; the server at /);
      expect(e.description).not.toMatch(/\s$/);
      expect(e.message).not.toMatch(/outcome unknown/);
      expect(e.outcomeUnknown).toBe(false);
      expect(e.attempts).toBe(1);
      expect(onRetry).toEqual([]);
      expect(requests).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("a failure the client raised before sending (notSentError)", () => {
  const write = { method: "PostCollectors", idempotent: false, redact: identity };

  it("leaves a write's outcome known whatever its code and text, also as the cause of another error", () => {
    const refused = notSentError("the client is closed", Code.Unavailable);
    expect(toClarifaiError(refused, write).outcomeUnknown).toBe(false);
    expect(toClarifaiError(new ConnectError("wrapped", Code.Internal, undefined, undefined, refused), write).outcomeUnknown).toBe(false);
    // The same failure without the mark may have been sent.
    expect(toClarifaiError(new ConnectError("the client is closed", Code.Unavailable), write).outcomeUnknown).toBe(true);
  });

  it("is recognised when another copy of the package raised it (the mark is a registered symbol)", () => {
    const foreign = Object.defineProperty(new ConnectError("the client is closed", Code.Unavailable), Symbol.for("clarifai-grpc-es/not-sent"), { value: true });
    expect(toClarifaiError(foreign, write).outcomeUnknown).toBe(false);
  });
});

describe("a connection reset over the rest transport", () => {
  let server: http.Server;
  let requests = 0;
  beforeAll(async () => {
    server = http.createServer((req) => {
      requests++;
      req.socket.resetAndDestroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("is UNAVAILABLE with fetch's own words, not relabelled: a read is retried, a write's outcome is unknown", async () => {
    const c = client({ transport: "rest", baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    requests = 0;
    const read = await failureOf(c.tasks.get("t1"));
    expect(read).toBeInstanceOf(UnavailableError);
    expect(read.description).toMatch(/^fetch failed: .*ECONNRESET/);
    expect([read.attempts, requests]).toEqual([3, 3]);
    requests = 0;
    const w = await failureOf(write(c));
    expect(w.description).toMatch(/^fetch failed: .*ECONNRESET/);
    expect([w.outcomeUnknown, w.attempts, requests]).toEqual([true, 1, 1]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Against a scripted gRPC server.

let server: ScriptedServer;
let script: () => Reply = () => "hang";
beforeAll(async () => {
  server = await startScriptedServer(() => script());
});
afterAll(() => server.close());
const scripted = (options: ClarifaiClientOptions = {}) => client({ baseUrl: server.baseUrl, retry: false, ...options });

/** `grpc-status-details-bin`: a google.rpc.Status whose details are these Any messages. */
function statusDetailsBin(details: { type: string; value: Uint8Array }[]): string {
  const status = new BinaryWriter().tag(1, WireType.Varint).int32(Code.InvalidArgument).tag(2, WireType.LengthDelimited).string("bad request");
  for (const d of details) {
    const any = new BinaryWriter().tag(1, WireType.LengthDelimited).string(`type.googleapis.com/${d.type}`).tag(2, WireType.LengthDelimited).bytes(d.value).finish();
    status.tag(3, WireType.LengthDelimited).bytes(any);
  }
  return Buffer.from(status.finish()).toString("base64");
}

describe("a server's rich error details (grpc-status-details-bin)", () => {
  const why = create(StatusSchema, { code: StatusCode.CONN_INVALID_REQUEST, description: "id: required" });
  const detail = { type: StatusSchema.typeName, value: toBinary(StatusSchema, why) };

  it.each(["connect", "grpc-js"] as const)("over %s, are on statusDetails as sent, and decode with findDetails", async (transport) => {
    script = () => ({ grpcStatus: Code.InvalidArgument, grpcMessage: "bad request", metadata: { "grpc-status-details-bin": statusDetailsBin([detail]) } });
    const e = await failureOf(write(scripted({ transport })));
    expect(e.grpcCode).toBe(Code.InvalidArgument);
    expect(e.statusDetails).toEqual([detail]);
    expect(e.findDetails(StatusSchema).map((s) => [s.code, s.description])).toEqual([[StatusCode.CONN_INVALID_REQUEST, "id: required"]]);
  });

  it("only those in wire form (type and bytes): an interceptor's own details, given as messages, are left out", async () => {
    const refuse: Interceptor = () => () => {
      const e = new ConnectError("refused locally", Code.FailedPrecondition, undefined, [{ desc: StatusSchema, value: { description: "never encoded" } }]);
      // The form connect gives the details it decodes.
      e.details.push(detail);
      throw e;
    };
    const e = await failureOf(write(scripted({ interceptors: [refuse] })));
    expect(e.grpcCode).toBe(Code.FailedPrecondition);
    expect(e.statusDetails).toEqual([detail]);
  });
});

describe("MIXED_STATUS", () => {
  it.each([
    [StatusCode.TASK_CONFLICT, Code.AlreadyExists, ""],
    // A refused key: the message says where the key came from, as for a refusal of the whole call.
    [StatusCode.TASK_PERMISSION_DENIED, Code.PermissionDenied, "the key came from the `pat` option"],
  ])("takes the gRPC code of its first failed item (%s), and the hint that goes with it", async (failed, grpcCode, hint) => {
    const tasks = [{ id: "a", status: { code: StatusCode.SUCCESS } }, { id: "b", status: { code: failed } }, { id: "c", status: { code: StatusCode.TASK_MISSING } }];
    script = () => ({ message: toBinary(MultiTaskResponseSchema, create(MultiTaskResponseSchema, { status: { code: StatusCode.MIXED_STATUS }, tasks })) });
    const e = await failureOf(scripted().tasks.list());
    expect([e.codeName, e.grpcCode, e.hint]).toEqual(["MIXED_STATUS", grpcCode, hint]);
  });
});

describe("a deadline that passed before the call", () => {
  it.each([
    ["deadline in the past", { deadline: new Date(Date.now() - 1) }],
    ["timeoutMs 0", { timeoutMs: 0 }],
  ])("(%s) fails DEADLINE_EXCEEDED at once: nothing sent, one attempt, a write's outcome known", async (_, deadline) => {
    const before = server.seen.length;
    const e = await failureOf(scripted().collectors.create({ id: "c1" }, { validate: false, ...deadline }));
    expect(e.grpcCode).toBe(Code.DeadlineExceeded);
    expect(e.message).toBe("[DEADLINE_EXCEEDED] PostCollectors: the call's deadline had already passed; nothing was sent");
    expect([e.outcomeUnknown, e.attempts, e.previousErrors]).toEqual([false, 1, []]);
    expect(server.seen.length).toBe(before);
  });
});

describe("the caller's signal aborted with a reason that says a deadline passed", () => {
  it.each([
    // AbortSignal.timeout()'s reason.
    ["a TimeoutError", new DOMException("signal timed out", "TimeoutError"), Code.DeadlineExceeded, "the caller's deadline passed: signal timed out"],
    // A connect handler's context at its deadline (a propagated incoming deadline).
    ["connect's DEADLINE_EXCEEDED", new ConnectError("upstream deadline", Code.DeadlineExceeded), Code.DeadlineExceeded, "the caller's deadline passed: [deadline_exceeded] upstream deadline"],
    // …but a cancelled incoming call is a cancellation.
    ["connect's CANCELED", new ConnectError("upstream gone", Code.Canceled), Code.Canceled, "aborted by the caller: [canceled] upstream gone"],
  ])("%s: in flight and before the call", async (_, reason, grpcCode, description) => {
    const controller = new AbortController();
    script = () => {
      setImmediate(() => controller.abort(reason));
      return "hang";
    };
    const c = scripted();
    for (const signal of [controller.signal, AbortSignal.abort(reason)]) {
      const e = await failureOf(c.tasks.get("t1", { signal }));
      expect([e.grpcCode, e.description, e.cause]).toEqual([grpcCode, description, reason]);
    }
  });
});

describe("the caller's signal aborted with a reason that looks like a network or TLS failure", () => {
  it.each([
    ["ECONNREFUSED (passed on from upstream)", withCode("ECONNREFUSED", "upstream refused: connect ECONNREFUSED 10.0.0.1:443")],
    ["a certificate error of the caller's own", withCode("CERT_HAS_EXPIRED", "certificate has expired")],
    ["a plaintext peer of the caller's own", withCode("ERR_SSL_WRONG_VERSION_NUMBER", "wrong version number")],
  ])("%s: a write in flight is CANCELED with its outcome unknown, no TLS hint", async (_, reason) => {
    const controller = new AbortController();
    script = () => {
      setImmediate(() => controller.abort(reason));
      return "hang";
    };
    const before = server.seen.length;
    const e = await failureOf(scripted().collectors.create({ id: "c1" }, { validate: false, signal: controller.signal }));
    expect(server.seen.length).toBe(before + 1);
    expect([e.grpcCode, e.outcomeUnknown, e.cause]).toEqual([Code.Canceled, true, reason]);
    expect(e.hint ?? "").not.toMatch(/certificate|tls|http:\/\//i);
  });
});
