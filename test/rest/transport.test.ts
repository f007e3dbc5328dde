// The REST transport against plain HTTP/1.1 servers on loopback: what it sends (route, query, body,
// headers), which answers resolve (any JSON body with a `status`: the client checks it) and which
// reject (with connect's code for the HTTP status, the network error as cause, DEADLINE_EXCEEDED, the
// caller's abort reason as it is), and the same through ClarifaiClient({ transport: "rest" }).
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { codeFromHttpStatus } from "@connectrpc/connect/protocol-connect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ClarifaiClient, ClarifaiError, InvalidArgumentError, NotFoundError, StatusCode, V2 } from "clarifai-grpc-es";
import { DEFAULT_MAX_RECEIVE_BYTES, parseBaseUrl } from "../../src/options.js";
import { createRestTransport } from "../../src/transports/rest.js";
import { closedPort } from "../support/closed-port.js";
import type { UnaryAttempt } from "../../src/transports/transport.js";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** An HTTP/1.1 server whose next answers a test scripts; it records every request. */
let server: http.Server;
let baseUrl: string;
const seen: Seen[] = [];
let answer: (req: Seen, res: http.ServerResponse) => void;
const held = new Set<http.ServerResponse>();

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const s = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
    seen.push(s);
    answer(s, res);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of held) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen.length = 0;
});

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => (_: Seen, res: http.ServerResponse) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};
const ok = { status: { code: StatusCode.SUCCESS, description: "Ok" }, task: { id: "t1", name: "n", some_future_field: 1 } };

function attempt(overrides: Partial<UnaryAttempt> = {}): UnaryAttempt {
  const method = V2.method.getTask;
  return {
    method,
    message: create(method.input, { userAppId: { userId: "u", appId: "a" }, taskId: "t1" }),
    headers: { authorization: "Key k", "x-extra": "1" },
    timeoutMs: 5000,
    signal: undefined,
    ...overrides,
  } as UnaryAttempt;
}

const transport = () => createRestTransport({ endpoint: parseBaseUrl(baseUrl), maxReceiveBytes: DEFAULT_MAX_RECEIVE_BYTES });

describe("the REST transport", () => {
  it("sends the rule's route with the attempt's headers, and decodes the body, skipping unknown fields", async () => {
    answer = json(200, ok, { "x-request-id": "r1" });
    const result = await transport().unary(attempt());
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: "GET", url: "/v2/users/u/apps/a/tasks/t1", body: "" });
    expect(seen[0]!.headers).toMatchObject({ authorization: "Key k", "x-extra": "1", accept: "application/json" });
    expect(seen[0]!.headers["content-type"]).toBeUndefined();
    expect(seen[0]!.headers["grpc-timeout"]).toBeUndefined();
    expect(result.message).toMatchObject({ status: { code: StatusCode.SUCCESS }, task: { id: "t1", name: "n" } });
    expect(result.header.get("x-request-id")).toBe("r1");
    expect([...result.trailer.keys()]).toEqual([]);
  });

  it("sends writes as a JSON body with proto field names", async () => {
    answer = json(200, { status: { code: 10000 }, tasks: [{ id: "t9" }] });
    const method = V2.method.postTasks;
    const message = create(method.input, { tasks: [{ name: "x", sampleMs: 5 }] });
    const result = await transport().unary(attempt({ method, message } as Partial<UnaryAttempt>));
    expect(seen[0]).toMatchObject({ method: "POST", url: "/v2/tasks" });
    expect(seen[0]!.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(seen[0]!.body)).toEqual({ tasks: [{ name: "x", sample_ms: 5 }] });
    expect(result.message).toMatchObject({ tasks: [{ id: "t9" }] });
  });

  it("resolves a Clarifai failure answered as HTTP 4xx with a status body: the client checks the status", async () => {
    answer = json(404, { status: { code: StatusCode.TASK_MISSING, description: "Task not found" } });
    const result = await transport().unary(attempt());
    expect(result.message).toMatchObject({ status: { code: StatusCode.TASK_MISSING } });
  });

  it.each([200, 204, 400, 401, 403, 404, 408, 409, 429, 500, 502, 503, 504])(
    "rejects HTTP %i without a status body with connect's code for it, marked as the server's answer",
    async (status) => {
      answer = (_, res) => {
        res.writeHead(status, { "content-type": "text/html" });
        res.end(status === 204 ? undefined : "<html>proxy page</html>");
      };
      const e = (await transport().unary(attempt()).catch((x: unknown) => x)) as ConnectError;
      expect(e).toBeInstanceOf(ConnectError);
      expect(e.code).toBe(codeFromHttpStatus(status));
      expect(e.metadata.get("grpc-status")).toBe(String(codeFromHttpStatus(status)));
      expect(e.rawMessage).toContain(`HTTP ${status}`);
    },
  );

  it("rejects a body that does not decode as the response with INTERNAL", async () => {
    answer = json(200, { status: { code: "NOT_A_CODE_AT_ALL_" }, task: "not an object" });
    const e = (await transport().unary(attempt()).catch((x: unknown) => x)) as ConnectError;
    expect(e.code).toBe(Code.Internal);
    expect(e.rawMessage).toMatch(/does not decode as clarifai.api.SingleTaskResponse/);
  });

  it("refuses a request its rule cannot route, with INVALID_ARGUMENT naming the field, and sends nothing", async () => {
    const method = V2.method.getTask;
    const e = (await transport().unary(attempt({ message: create(method.input, {}) } as Partial<UnaryAttempt>)).catch((x: unknown) => x)) as ConnectError;
    expect(e.code).toBe(Code.InvalidArgument);
    expect(e.rawMessage).toContain("task_id must be set");
    expect(seen).toHaveLength(0);
  });

  it("rejects an unreachable server with UNAVAILABLE, keeping fetch's network error as the cause", async () => {
    const port = await closedPort();
    const e = (await createRestTransport({ endpoint: parseBaseUrl(`http://127.0.0.1:${port}`), maxReceiveBytes: DEFAULT_MAX_RECEIVE_BYTES }).unary(attempt()).catch((x: unknown) => x)) as ConnectError;
    expect(e.code).toBe(Code.Unavailable);
    expect(e.rawMessage).toMatch(/ECONNREFUSED/);
    expect(e.cause).toBeInstanceOf(TypeError);
  });

  it("enforces the attempt's timeoutMs: DEADLINE_EXCEEDED from a server that never answers", async () => {
    answer = (_, res) => held.add(res);
    const start = performance.now();
    const e = (await transport().unary(attempt({ timeoutMs: 200 })).catch((x: unknown) => x)) as ConnectError;
    expect(e.code).toBe(Code.DeadlineExceeded);
    expect(performance.now() - start).toBeGreaterThanOrEqual(190);
  });

  it("rejects with the signal's reason, as it is, on abort (already aborted: nothing is sent)", async () => {
    answer = (_, res) => held.add(res);
    const reason = new Error("caller gave up");
    const controller = new AbortController();
    const arrived = new Promise<void>((resolve) => server.once("request", () => resolve()));
    const call = transport().unary(attempt({ signal: controller.signal }));
    await arrived;
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    const before = seen.length;
    await expect(transport().unary(attempt({ signal: AbortSignal.abort(reason) }))).rejects.toBe(reason);
    expect(seen.length).toBe(before);
  });

  it("close() ends calls in flight and refuses new ones", async () => {
    answer = (_, res) => held.add(res);
    const t = transport();
    const arrived = new Promise<void>((resolve) => server.once("request", () => resolve()));
    const call = t.unary(attempt());
    await arrived;
    await t.close();
    await expect(call).rejects.toMatchObject({ code: Code.Canceled });
    await expect(t.unary(attempt())).rejects.toMatchObject({ code: Code.Unavailable });
    await t.close();
  });

  it("refuses tls.ca: fetch takes the runtime's CAs", () => {
    expect(() => createRestTransport({ endpoint: parseBaseUrl("https://x"), tls: { ca: "pem" }, maxReceiveBytes: DEFAULT_MAX_RECEIVE_BYTES })).toThrow(/NODE_EXTRA_CA_CERTS/);
    expect(() => new ClarifaiClient({ pat: "p", transport: "rest", tls: { ca: "pem" } })).toThrow(TypeError);
  });
});

describe('ClarifaiClient({ transport: "rest" })', () => {
  const client = (options = {}) => new ClarifaiClient({ pat: "rest-pat", userId: "u", appId: "a", baseUrl, transport: "rest", retry: false, ...options });

  it("checks the Clarifai status of a 4xx answer: a typed NotFoundError with the status", async () => {
    answer = json(404, { status: { code: StatusCode.TASK_MISSING, description: "Task not found", details: "no t1", req_id: "r9" } });
    const e = (await client().tasks.get("t1").catch((x: unknown) => x)) as ClarifaiError;
    expect(e).toBeInstanceOf(NotFoundError);
    expect([e.code, e.reqId]).toEqual([StatusCode.TASK_MISSING, "r9"]);
    expect(seen[0]!.headers.authorization).toBe("Key rest-pat");
  });

  it("retries a read on a Clarifai try-again status in a 503 body, then succeeds", async () => {
    let n = 0;
    answer = (s, res) => (++n === 1 ? json(503, { status: { code: StatusCode.RPC_SERVER_UNAVAILABLE } })(s, res) : json(200, ok)(s, res));
    const c = client({ retry: { initialBackoffMs: 1, maxBackoffMs: 1 } });
    expect((await c.tasks.get("t1")).id).toBe("t1");
    expect(seen).toHaveLength(2);
  });

  it("does not repeat a write that failed ambiguously (a 502 page), and says the outcome is unknown", async () => {
    answer = (_, res) => {
      res.writeHead(502);
      res.end("bad gateway");
    };
    const c = client({ retry: { initialBackoffMs: 1, maxBackoffMs: 1 } });
    const e = (await c.collectors.create({ id: "c", postQueueWorkflowId: "wf", collectorSource: { apiPostModelOutputsCollectorSource: { modelId: "m", postInputsKeyId: "k" } } }).catch((x: unknown) => x)) as ClarifaiError;
    expect(e.grpcCode).toBe(Code.Unavailable);
    expect(e.outcomeUnknown).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it("an empty id is refused before sending, naming the field", async () => {
    const e = (await client().tasks.get("").catch((x: unknown) => x)) as ClarifaiError;
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e.message).toContain("task_id");
    expect(seen).toHaveLength(0);
  });

  it("the deadline ends a call the server never answers, as DEADLINE_EXCEEDED", async () => {
    answer = (_, res) => held.add(res);
    const e = (await client({ timeoutMs: 200 }).tasks.get("t1").catch((x: unknown) => x)) as ClarifaiError;
    expect(e.grpcCode).toBe(Code.DeadlineExceeded);
  });
});
