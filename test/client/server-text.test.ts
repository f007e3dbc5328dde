// What an answer carries is the server's word, never evidence of what the client could not send.
// src/status.ts reads the text and Node error codes of the client's own failures (a refused connection,
// a refused stream, a certificate the client does not trust) to decide that a request was never sent
// (a write may then be retried, and its outcome is known) or that TLS failed (UNAVAILABLE, with a
// hint); a failure built from a server's answer is marked as the server's (its metadata carries
// `grpc-status`) so that none of that is read from it. Each case here is a write answered by a server
// (or anything in the way) whose bytes read like such a failure: its outcome must stay unknown, its
// code the one the answer gave, with no TLS hint and no retry. Each failed before its transport marked
// that answer as the server's (over rest: before it stopped following redirects).
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { constants, createSecureServer, type Http2SecureServer } from "node:http2";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ClarifaiClient, Code } from "clarifai-grpc-es";
import { expectTypedError, validTask } from "../fault/harness.js";
import { closedPort } from "../support/closed-port.js";
import { startHttp1Server, type Http1Server } from "../support/http1.js";
import { grpcFrame, okMultiTaskPayload } from "../support/hostile/grpc-wire.js";
import { headersFrame, rstStreamFrame, startFrameServer, startH2Server, type H2HostileServer, type HostileServer } from "../support/hostile/servers.js";

const TIMEOUT_MS = 5000;
/** Texts status.ts would read, in the client's own failures, as "never sent" or as a TLS failure. */
const CLIENT_TEXTS = ["ECONNREFUSED", "REFUSED_STREAM", "certificate has expired", "wrong version number"];

const client = (baseUrl: string, transport: "connect" | "grpc-js" | "rest", retry = false) =>
  new ClarifaiClient({ pat: "pat-123456", userId: "u", appId: "a", baseUrl, transport, timeoutMs: TIMEOUT_MS, retry: retry ? undefined : false, compression: { accept: ["gzip"] } });

describe("a compressed answer whose grpc-encoding reads like a client failure", () => {
  const ENCODING_HEADER = "x-answer-encoding";
  let server: H2HostileServer;
  beforeAll(async () => {
    // A gRPC OK whose one message is flagged compressed, in the encoding the request names.
    server = await startH2Server((stream, headers) => {
      stream.resume();
      stream.once("end", () => {
        stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-encoding": String(headers[ENCODING_HEADER]) }, { waitForTrailers: true });
        stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        stream.end(grpcFrame(okMultiTaskPayload(["t"]), { flag: 1 }));
      });
    });
  });
  afterAll(async () => {
    await server.close();
  });

  describe.each(["connect", "grpc-js"] as const)("on the %s transport", (transport) => {
    let c: ClarifaiClient;
    beforeAll(() => {
      c = client(server.baseUrl, transport);
    });
    afterAll(async () => {
      await c.close();
    });

    // The connect transport names the encoding in its refusal. grpc-js does not; its compression filter
    // fails the call without a status of its own (1.14: a ServiceError with no code, hence UNKNOWN).
    it.each(CLIENT_TEXTS)("encoding %j: a failed write whose outcome is unknown, no TLS hint", async (text) => {
      const error = await expectTypedError(c.tasks.create(validTask("encoding"), { headers: { [ENCODING_HEADER]: text } }), TIMEOUT_MS);
      expect(error.grpcCode).toBe(transport === "connect" ? Code.Internal : Code.Unknown);
      expect(error.outcomeUnknown).toBe(true);
      expect(error.hint).toBe("");
      expect(error.message).not.toMatch(/tls|trust|\bca\b/i);
      if (transport === "connect") expect(error.message).toContain(`a compressed message with encoding ${JSON.stringify(text)}`);
    });
  });
});

/** A server that answers each request (its HEADERS frame) with `answer(streamId)`, written at once. */
async function frameServer(answer: (streamId: number) => Buffer[]): Promise<HostileServer> {
  const server: HostileServer = await startFrameServer((frame, socket) => {
    if (frame.type !== 1) return;
    server.events.emit("request");
    socket.write(Buffer.concat(answer(frame.streamId)));
  });
  return server;
}

const TYPED: readonly (readonly [string, string])[] = [
  [":status", "200"],
  ["content-type", "application/grpc"],
];
const BARE: readonly (readonly [string, string])[] = [[":status", "200"]];

describe.each([
  { headers: "with a gRPC content type", head: TYPED },
  { headers: "with nothing but :status", head: BARE },
])("a stream reset with REFUSED_STREAM after the answer's headers came ($headers)", ({ head }) => {
  // REFUSED_STREAM says the server did not process the stream (RFC 9113 §8.7); one that had answered
  // it with headers did, so this proves nothing about the request. It is the server's (or a proxy's)
  // doing, not the client's: a write is not retried, and its outcome is unknown.
  let server: HostileServer;
  beforeAll(async () => {
    server = await frameServer((stream) => [headersFrame(stream, head), rstStreamFrame(stream, constants.NGHTTP2_REFUSED_STREAM)]);
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(["connect", "grpc-js"] as const)("on the %s transport: a write is not retried, its outcome unknown", async (transport) => {
    const c = client(server.baseUrl, transport, true);
    const requests = requestsOn(server);
    try {
      const error = await expectTypedError(c.tasks.create(validTask("refused")), TIMEOUT_MS);
      // A bare 200 is refused for its content type by the connect transport, before its reset is read.
      expect(error.grpcCode).toBe(transport === "connect" && head === BARE ? Code.Internal : Code.Unavailable);
      // What it says: on the connect transport, the reset and that it came after the answer had begun.
      const said = transport === "grpc-js" ? /^Stream refused by server$/ : head === BARE ? /^the server answered with content type "", not gRPC$/ : /^the HTTP\/2 stream was reset with REFUSED_STREAM \(0x7\) after the answer's headers came$/;
      expect(error.description).toMatch(said);
      expect(error.outcomeUnknown).toBe(true);
      expect(error.attempts).toBe(1);
      expect(requests()).toBe(1);
    } finally {
      await c.close();
    }
  });
});

describe("a gRPC status after headers that carry nothing but :status", () => {
  // grpc-js hands the status over with no metadata at all, as it hands over its own (no connection, a
  // refused stream): that headers came is what says the server sent it.
  const answers: Record<string, HostileServer> = {};
  beforeAll(async () => {
    for (const text of CLIENT_TEXTS) {
      answers[text] = await frameServer((stream) => [
        headersFrame(stream, BARE),
        headersFrame(stream, [["grpc-status", String(Code.Unavailable)], ["grpc-message", text]], true),
      ]);
    }
  });
  afterAll(async () => {
    await Promise.all(Object.values(answers).map((s) => s.close()));
  });

  describe.each(["connect", "grpc-js"] as const)("on the %s transport", (transport) => {
    it.each(CLIENT_TEXTS)("grpc-message %j: a write is not retried, its outcome unknown, no TLS hint", async (text) => {
      const server = answers[text]!;
      const c = client(server.baseUrl, transport, true);
      const requests = requestsOn(server);
      try {
        const error = await expectTypedError(c.tasks.create(validTask("status")), TIMEOUT_MS);
        // The connect transport refuses a 200 without a gRPC content type; grpc-js takes the status.
        expect(error.grpcCode).toBe(transport === "connect" ? Code.Internal : Code.Unavailable);
        expect(error.outcomeUnknown).toBe(true);
        expect(error.attempts).toBe(1);
        expect(requests()).toBe(1);
        expect(error.hint).toBe("");
        expect(error.message).not.toMatch(/tls|trust|\bca\b/i);
      } finally {
        await c.close();
      }
    });
  });
});

/** How many requests `server` has received since this was called. */
function requestsOn(server: HostileServer): () => number {
  let n = 0;
  server.events.on("request", () => n++);
  return () => n;
}

describe("a redirect answering a write over rest", () => {
  // fetch follows redirects by default: the request then went to whoever the server named, and that
  // hop's failure (a refused connection, a TLS handshake with a plaintext server) read as the client's
  // own, though the write had reached the server that redirected it. A 303 (or a 301/302 to a POST)
  // also turns the write into a GET of the new URL, whose answer was taken as the write's.
  let server: Http1Server;
  let posts = 0;
  let closed: number;
  beforeAll(async () => {
    closed = await closedPort();
    server = await startHttp1Server((req, res) => {
      if (req.method === "GET") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: { code: 10000 }, tasks: [{ id: "someone-elses" }] }));
        return;
      }
      posts++;
      const [status, location] = REDIRECTS[String(req.headers[REDIRECT_HEADER])]!(server.baseUrl);
      res.writeHead(status, { location }).end();
    });
  });
  afterAll(async () => {
    await server.close();
  });
  const REDIRECT_HEADER = "x-redirect";
  const REDIRECTS: Record<string, (self: string) => [number, string]> = {
    "307 to a closed port": () => [307, `http://127.0.0.1:${closed}/v2/tasks`],
    "307 to https on a plaintext server": (self) => [307, `${self.replace("http:", "https:")}/v2/tasks`],
    "303 to a URL that answers a GET with a task": (self) => [303, `${self}/v2/tasks`],
  };

  it.each(Object.keys(REDIRECTS))("%s: the redirect is the server's answer, not followed; the write's outcome is unknown", async (redirect) => {
    const c = client(server.baseUrl, "rest", true);
    const before = posts;
    try {
      const error = await expectTypedError(c.tasks.create(validTask("redirected"), { headers: { [REDIRECT_HEADER]: redirect } }), TIMEOUT_MS);
      expect(error.grpcCode).toBe(Code.Unknown);
      expect(error.message).toContain(`HTTP ${redirect.slice(0, 3)} `);
      expect(error.message).toContain(`(a redirect to ${REDIRECTS[redirect]!(server.baseUrl)[1]}, not followed)`);
      expect(error.outcomeUnknown).toBe(true);
      expect(error.attempts).toBe(1);
      expect(posts - before).toBe(1);
      expect(error.hint).toBe("");
    } finally {
      await c.close();
    }
  });

  it("a browser's fetch hides a redirect (an opaque redirect of status 0): the same failure, saying it was one", async () => {
    const opaque = Object.defineProperties(new Response(null), { type: { value: "opaqueredirect" }, status: { value: 0 }, ok: { value: false }, statusText: { value: "" } });
    vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => (init.redirect === "manual" ? opaque : expect.unreachable("a redirect followed")));
    const c = client(server.baseUrl, "rest");
    try {
      const error = await expectTypedError(c.tasks.create(validTask("opaque")), TIMEOUT_MS);
      expect(error.grpcCode).toBe(Code.Unknown);
      expect(error.message).toContain("HTTP 0 from POST /v2/users/u/apps/a/tasks (a redirect, not followed)");
      expect(error.outcomeUnknown).toBe(true);
    } finally {
      vi.unstubAllGlobals();
      await c.close();
    }
  });
});

describe("a certificate whose name reads like another TLS failure", () => {
  // Node's refusal of a certificate for the wrong host quotes the certificate's common name when it has
  // no subjectAltName: cn-only.crt, from the test CA, is named "certificate has expired, wrong version
  // number". The handshake did fail (nothing was sent, nothing retried), but on the host check, and the
  // hint must say so, not that the certificate expired or that the server does not speak TLS.
  let server: Http2SecureServer;
  let baseUrl: string;
  const certs = new URL("../support/certs/", import.meta.url);
  const pem = (name: string) => readFileSync(new URL(name, certs));
  beforeAll(async () => {
    server = createSecureServer({ key: pem("server.key"), cert: pem("cn-only.crt") });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    baseUrl = `https://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it.each(["connect", "grpc-js"] as const)("over %s: the host check's hint, not an expired certificate's or a plaintext server's", async (transport) => {
    const c = new ClarifaiClient({ pat: "pat-123456", userId: "u", appId: "a", baseUrl, transport, tls: { ca: pem("ca.crt") }, timeoutMs: TIMEOUT_MS });
    try {
      const error = await expectTypedError(c.tasks.create(validTask("cn")), TIMEOUT_MS);
      expect(error.message).toContain("is not cert's CN: certificate has expired, wrong version number");
      expect(error.grpcCode).toBe(Code.Unavailable);
      expect(error.outcomeUnknown).toBe(false);
      expect(error.attempts).toBe(1);
      expect(error.hint).toMatch(/^the server's TLS certificate does not list the host of the base URL \(localhost\)/);
    } finally {
      await c.close();
    }
  });
});
