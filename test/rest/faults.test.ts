// The fault cases of test/client and test/fault that are built on HTTP/2 servers, restated for the REST
// transport over HTTP/1.1: close() with calls in flight, a connection that dies after the request
// arrived, a server whose failure quotes "connection refused" text, the PAT never leaking (echoing
// servers, a dead endpoint, a MIXED_STATUS item), CR/LF in a header, and TLS trust (a self-signed
// server refused; trusted through the runtime's CAs, the way fetch takes them).
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inspect, promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ClarifaiClient, ClarifaiError, Code, StatusCode, UnavailableError } from "clarifai-grpc-es";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import { validTask } from "../fault/harness.js";
import { buildOnce, root } from "../support/build.js";
import { closedPort } from "../support/closed-port.js";
import { startHttp1Server, type Http1Server } from "../support/http1.js";
import { renderings } from "../support/renderings.js";

const SECRET = "9f1c2b7e4d5a46c3b8e0f2a1d3c4b5a6";
const certs = (f: string) => fileURLToPath(new URL(`../support/certs/${f}`, import.meta.url));

/** An HTTP/1.1 server whose answer each test sets; it counts requests and can hold them. */
let server: Http1Server;
let baseUrl: string;
let requests: { method: string; url: string; authorization: string }[] = [];
let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void;
let arrived: () => void = () => {};

beforeAll(async () => {
  server = await startHttp1Server((req, res) => {
    requests.push({ method: req.method!, url: req.url!, authorization: String(req.headers.authorization) });
    arrived();
    answer(req, res);
  });
  baseUrl = server.baseUrl;
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  requests = [];
});

const nextRequest = () => new Promise<void>((resolve) => (arrived = resolve));
const client = (options: ConstructorParameters<typeof ClarifaiClient>[0] = {}) =>
  new ClarifaiClient({ pat: "pat-123456", userId: "u", appId: "a", baseUrl, transport: "rest", timeoutMs: 15_000, retry: { sleep: async () => {}, maxAttempts: 3 }, ...options });
const collector = { id: "c", postQueueWorkflowId: "wf", collectorSource: { apiPostModelOutputsCollectorSource: { modelId: "m", postInputsKeyId: "k" } } };

describe("close() over rest", () => {
  it("ends a read in flight at once as CANCELED saying so, without a retry; later calls are refused before sending", async () => {
    answer = () => {}; // holds every request
    const c = client();
    const pending = c.tasks.list().catch((e: unknown) => e);
    await nextRequest();
    const start = performance.now();
    await c.close();
    const e = (await pending) as ClarifaiError;
    expect([e.grpcCode, e.attempts]).toEqual([Code.Canceled, 1]);
    expect(e.message).toMatch(/ClarifaiClient was closed/);
    expect(performance.now() - start).toBeLessThan(3000);
    const later = (await c.tasks.get("t").catch((x: unknown) => x)) as ClarifaiError;
    expect(later.grpcCode).toBe(Code.FailedPrecondition);
    expect(requests).toHaveLength(1);
  });

  it("a write in flight fails as closed with its outcome unknown", async () => {
    answer = () => {};
    const c = client();
    const pending = c.collectors.create(collector).catch((e: unknown) => e);
    await nextRequest();
    await c.close();
    const e = (await pending) as ClarifaiError;
    expect([e.grpcCode, e.outcomeUnknown]).toEqual([Code.Canceled, true]);
  });
});

describe("connection faults over rest", () => {
  it("a write whose connection died after the request arrived is not repeated and says its outcome is unknown; a read is retried", async () => {
    answer = (req) => req.socket.destroy();
    const c = client();
    const write = (await c.collectors.create(collector).catch((x: unknown) => x)) as ClarifaiError;
    expect(write).toBeInstanceOf(UnavailableError);
    expect([write.outcomeUnknown, write.attempts]).toEqual([true, 1]);
    expect(requests.map((r) => r.method)).toEqual(["POST"]);
    requests = [];
    const read = (await c.tasks.get("t").catch((x: unknown) => x)) as ClarifaiError;
    expect(read.attempts).toBe(3);
    expect(requests).toHaveLength(3);
    await c.close();
  });

  it("a server's 503 page that quotes connection-refused text is the server's answer: a write is not repeated", async () => {
    answer = (_, res) => {
      res.writeHead(503, { "content-type": "text/plain" });
      res.end("No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1; Failed to connect; self-signed certificate");
    };
    const c = client();
    const write = (await c.collectors.create(collector).catch((x: unknown) => x)) as ClarifaiError;
    expect([write.grpcCode, write.attempts, write.outcomeUnknown]).toEqual([Code.Unavailable, 1, true]);
    expect(write.message).not.toMatch(/tls: \{ ca \}/);
    await c.close();
  });

  it("a refused connection proves nothing was sent: even a write is retried", async () => {
    const port = await closedPort();
    const c = client({ baseUrl: `http://127.0.0.1:${port}` });
    const e = (await c.collectors.create(collector).catch((x: unknown) => x)) as ClarifaiError;
    expect([e.grpcCode, e.outcomeUnknown, e.attempts]).toEqual([Code.Unavailable, false, 3]);
    await c.close();
  });
});

describe("the PAT never leaks over rest", () => {
  it("not from a server that echoes it (body, headers, a status), a dead endpoint, or a MIXED_STATUS item", async () => {
    const errors: unknown[] = [];
    const echoPage = (req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(401, { "content-type": "text/plain", "x-echo": String(req.headers.authorization) });
      res.end(`bad key: ${req.headers.authorization}`);
    };
    const echoStatus = (req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(401, { "content-type": "application/json", "x-echo": String(req.headers.authorization) });
      res.end(JSON.stringify({ status: { code: StatusCode.CONN_KEY_INVALID, description: `bad key: ${req.headers.authorization}`, details: String(req.headers.authorization) } }));
    };
    const mixed = (req: http.IncomingMessage, res: http.ServerResponse) => {
      const key = String(req.headers.authorization);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({
        status: { code: StatusCode.MIXED_STATUS, description: "Mixed status" },
        tasks: [{ id: "ok", status: { code: 10000 } }, { id: `bad-${key}`, status: { code: StatusCode.TASK_CONFLICT, description: `refused: ${key}`, details: key, developer_notes: key, stack_trace: [key] } }],
      }));
    };
    const c = client({ pat: SECRET, retry: false });
    for (const respond of [echoPage, echoStatus]) {
      answer = respond;
      const e = await c.tasks.get("t").catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ClarifaiError);
      errors.push(e);
      errors.push(await c.v2.getTask({ taskId: "t" }).then(() => "resolved", (x: unknown) => x));
    }
    answer = mixed;
    const m = (await c.tasks.create([validTask("a"), validTask("b")]).catch((x: unknown) => x)) as ClarifaiError;
    expect(m.codeName).toBe("MIXED_STATUS");
    expect(m.items[1]!.status.description).toBe("refused: Key [REDACTED]");
    errors.push(m, m.items);
    const dead = client({ pat: SECRET, baseUrl: "http://127.0.0.1:1", retry: false });
    errors.push(await dead.tasks.get("t").catch((x: unknown) => x));
    // The key did reach the servers (it is sent); it is the errors that must not carry it.
    expect(requests.every((r) => r.authorization === `Key ${SECRET}`)).toBe(true);
    const texts = [...errors.flatMap(renderings), inspect(errors, { depth: 20 }), inspect(c, { depth: 20, showHidden: true }), JSON.stringify(c)];
    for (const text of texts) expect(text).not.toContain(SECRET);
    await c.close();
    await dead.close();
  });

  it("not from an error page that quotes the key where the message cuts it short: no prefix of the key is left", async () => {
    // The body is cut to 200 characters in the message: the key (and `Key <key>`) is made to straddle
    // the cut at every offset around it.
    let lead = 0;
    answer = (req, res) => res.writeHead(401, { "content-type": "text/html" }).end(`${"x".repeat(lead)} rejected ${req.headers.authorization} (see docs)`);
    const c = client({ pat: SECRET, retry: false });
    const texts: string[] = [];
    for (lead = 160; lead <= 200; lead++) {
      const e = (await c.tasks.get("t").catch((x: unknown) => x)) as ClarifaiError;
      expect(e).toBeInstanceOf(ClarifaiError);
      const raw = await c.v2.getTask({ taskId: "t" }).catch((x: unknown) => x);
      texts.push(...renderings(e), ...renderings(raw));
    }
    // The last call's key lies wholly past the cut, and the first wholly before it: redacted whole.
    expect(texts.some((t) => t.includes("rejected Key [REDACTED] (see docs)"))).toBe(true);
    for (const text of texts) expect(text).not.toContain(SECRET.slice(0, 6));
    await c.close();
  });

  it("a CR/LF header value fails the call with a TypeError naming the header, and nothing is sent", async () => {
    answer = (_, res) => res.end("{}");
    const c = client();
    const e = await c.tasks.get("t", { headers: { "x-note": "a\r\nauthorization: Key stolen" } }).catch((x: unknown) => x);
    // Refused where the headers are first built (above the transport, as for gRPC): the caller's bug.
    expect(e).toBeInstanceOf(TypeError);
    expect((e as Error).message).toContain('"x-note"');
    expect(requests).toHaveLength(0);
    await c.close();
  });
});

describe("TLS over rest", () => {
  let secure: Emulator;
  beforeAll(async () => {
    await buildOnce();
    secure = await startEmulator({ tls: { key: readFileSync(certs("server.key")), cert: readFileSync(certs("server.crt")) } });
  }, 120_000);
  afterAll(() => secure?.close());

  it("refuses a self-signed server by default, typed, without retrying a write; nothing reaches the API", async () => {
    const c = new ClarifaiClient({ pat: "emulator-pat", userId: "emulator-user", appId: "tls", baseUrl: secure.baseUrl, transport: "rest", retry: { sleep: async () => {} } });
    const e = (await c.collectors.create(collector).catch((x: unknown) => x)) as ClarifaiError;
    expect(e).toBeInstanceOf(ClarifaiError);
    expect([e.grpcCode, e.outcomeUnknown, e.attempts]).toEqual([Code.Unavailable, false, 1]);
    expect(e.message).toContain("NODE_EXTRA_CA_CERTS");
    // One piece of advice, the one that applies: tls.ca is not an option of the rest transport.
    expect(e.message).not.toContain("tls: { ca }");
    expect(secure.store.countCollectors("emulator-user", "tls")).toBe(0);
    await c.close();
  });

  it("trusts it through the runtime's CAs (NODE_EXTRA_CA_CERTS), the way fetch takes them", async () => {
    const probe = `
      const { ClarifaiClient } = await import(${JSON.stringify(path.join(root, "dist/src/index.js"))});
      const c = new ClarifaiClient({ pat: "emulator-pat", userId: "emulator-user", appId: "tls", baseUrl: process.env.BASE_URL, transport: "rest" });
      console.log(JSON.stringify(await c.tasks.list()));
      await c.close();`;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", probe], {
      cwd: root,
      env: { PATH: process.env["PATH"], BASE_URL: secure.baseUrl, NODE_EXTRA_CA_CERTS: certs("ca.crt") },
    });
    expect(JSON.parse(stdout)).toEqual([]);
  });
});
