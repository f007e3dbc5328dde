// The emulator's REST routes (the google.api.http bindings of V2) on its one port, over HTTP/1.1 and
// h2c: every RPC under both bindings, proto-JSON in and out, the HTTP status for each Clarifai status,
// app-scoped API keys as the docs' /v2/collectors calls use them, a prompt JSON 404 for anything not
// served, and one state shared with the gRPC routes.
import { once } from "node:events";
import http2 from "node:http2";
import net from "node:net";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { StatusCode, V2 } from "clarifai-grpc-es";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import { httpStatusByCode, httpStatusOf } from "../../src/testing/http-status.js";
import { MAX_REST_BODY_BYTES } from "../../src/testing/rest.js";
import { protocolOf } from "../../src/testing/server.js";

const PAT = "emulator-pat";
const USER = "emulator-user";
const APP_KEY = "app-key-0123";
const KEY_APP = { userId: USER, appId: "key-app" };

interface Answer {
  status: number;
  headers: Record<string, string>;
  json: any;
}

/** One REST call over HTTP/1.1 (fetch). */
async function h1(baseUrl: string, method: string, path: string, options: { body?: unknown; key?: string | null; headers?: Record<string, string> } = {}): Promise<Answer> {
  const key = options.key === undefined ? PAT : options.key;
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(key ? { authorization: `Key ${key}` } : {}), ...(options.body !== undefined ? { "content-type": "application/json" } : {}), ...options.headers },
    body: options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  return { status: res.status, headers: Object.fromEntries(res.headers), json: text ? JSON.parse(text) : undefined };
}

/** The same call over h2c (prior knowledge, as `curl --http2-prior-knowledge` does). */
async function h2(baseUrl: string, method: string, path: string, options: { body?: unknown; key?: string } = {}): Promise<Answer> {
  const session = http2.connect(baseUrl);
  try {
    const request = { ":method": method, ":path": path, authorization: `Key ${options.key ?? PAT}`, "content-type": "application/json" };
    const stream = session.request(request, { endStream: options.body === undefined });
    if (options.body !== undefined) stream.end(JSON.stringify(options.body));
    const [headers] = (await once(stream, "response")) as [http2.IncomingHttpHeaders];
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    return { status: Number(headers[":status"]), headers: headers as Record<string, string>, json: text ? JSON.parse(text) : undefined };
  } finally {
    session.close();
  }
}

const task = (name: string, worker = "w1") => ({ type: "CONCEPTS_CLASSIFICATION", name, worker: { strategy: "DYNAMIC", workers: [{ user: { id: worker } }] }, input_source: { type: "ALL_INPUTS" } });
const collector = (id: string) => ({
  id,
  post_queue_workflow_id: "wf",
  collector_source: { api_post_model_outputs_collector_source: { model_user_id: "clarifai", model_app_id: "main", model_id: "m", model_version_id: "v", post_inputs_key_id: "k" } },
});

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ apiKeys: { [APP_KEY]: KEY_APP } });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.store.clear());

describe.each([
  ["HTTP/1.1", h1],
  ["h2c", h2],
] as const)("every RPC over REST, %s", (_name, call) => {
  const base = "/v2/users/me/apps/rest-app";

  it("tasks: post, get, list with filters, counts, patch, delete, as the google.api.http rules route them", async () => {
    const posted = await call(emulator.baseUrl, "POST", `${base}/tasks`, { body: { tasks: [task("a", "w1"), task("b", "w2")] } });
    expect(posted.status).toBe(200);
    expect(posted.json.status).toMatchObject({ code: 10000, description: "Ok" });
    // Proto-JSON out: proto field names, enums as numbers (as the API's REST answers).
    expect(posted.json.tasks[0]).toMatchObject({ name: "a", type: 1, user_id: USER, app_id: "rest-app", input_source: { type: 1 } });
    const [a, b] = posted.json.tasks.map((t: { id: string }) => t.id);

    const got = await call(emulator.baseUrl, "GET", `${base}/tasks/${a}?additional_fields=all`);
    expect([got.status, got.json.task.id]).toEqual([200, a]);

    const byWorker = await call(emulator.baseUrl, "GET", `${base}/tasks?worker_user_ids=w2&worker_user_ids=nobody&per_page=10`);
    expect(byWorker.json.tasks.map((t: { id: string }) => t.id)).toEqual([b]);
    const paged = await call(emulator.baseUrl, "GET", `${base}/tasks?perPage=1&page=2&input_source_type=ALL_INPUTS`);
    expect(paged.json.tasks.map((t: { id: string }) => t.id)).toEqual([b]);

    for (const kind of ["annotations", "inputs"]) {
      const counted = await call(emulator.baseUrl, "GET", `${base}/tasks/${a}/${kind}/count?user_ids=w1`);
      expect([counted.status, counted.json.task_id, counted.json.app_id]).toEqual([200, a, "rest-app"]);
    }

    const patched = await call(emulator.baseUrl, "PATCH", `${base}/tasks`, { body: { action: "overwrite", tasks: [{ ...task("renamed"), id: a }] } });
    expect([patched.status, patched.json.tasks[0].name]).toEqual([200, "renamed"]);

    const deleted = await call(emulator.baseUrl, "DELETE", `${base}/tasks`, { body: { ids: [a, b] } });
    expect(deleted).toMatchObject({ status: 200, json: { status: { code: 10000 } } });
    expect(emulator.store.countTasks(USER, "rest-app")).toBe(0);
  });

  it("collectors: post, get, list, patch, delete", async () => {
    expect((await call(emulator.baseUrl, "POST", `${base}/collectors`, { body: { collectors: [collector("c1"), collector("c2")] } })).status).toBe(200);
    const got = await call(emulator.baseUrl, "GET", `${base}/collectors/c1`);
    expect(got.json.collector).toMatchObject({ id: "c1", post_queue_workflow_id: "wf" });
    const listed = await call(emulator.baseUrl, "GET", `${base}/collectors?per_page=1&page=2`);
    expect(listed.json.collectors.map((c: { id: string }) => c.id)).toEqual(["c2"]);
    const patched = await call(emulator.baseUrl, "PATCH", `${base}/collectors`, { body: { action: "overwrite", collectors: [{ id: "c1", description: "new" }] } });
    expect(patched.json.collectors[0]).toMatchObject({ id: "c1", description: "new", post_queue_workflow_id: "wf" });
    expect((await call(emulator.baseUrl, "DELETE", `${base}/collectors`, { body: { delete_all: true } })).status).toBe(200);
    expect(emulator.store.countCollectors(USER, "rest-app")).toBe(0);
  });

  it("answers every Clarifai failure with its status in the body and an HTTP status that fits it", async () => {
    const missing = await call(emulator.baseUrl, "GET", `${base}/tasks/nope`);
    expect([missing.status, missing.json.status.code]).toEqual([404, StatusCode.TASK_MISSING]);
    expect(missing.json.status.req_id).toMatch(/^emulator-req-/);
    const unknownKey = await call(emulator.baseUrl, "GET", `${base}/tasks`, { key: "nope" });
    expect([unknownKey.status, unknownKey.json.status.code]).toEqual([401, StatusCode.CONN_KEY_INVALID]);
    const otherUser = await call(emulator.baseUrl, "GET", "/v2/users/someone-else/apps/x/tasks");
    expect([otherUser.status, otherUser.json.status.code]).toEqual([403, StatusCode.CONN_INSUFFICIENT_SCOPES]);
    const invalid = await call(emulator.baseUrl, "POST", `${base}/tasks`, { body: { tasks: [] } });
    expect([invalid.status, invalid.json.status.code]).toEqual([400, StatusCode.CONN_INVALID_REQUEST]);
    await call(emulator.baseUrl, "POST", `${base}/collectors`, { body: { collectors: [collector("dup")] } });
    const conflict = await call(emulator.baseUrl, "POST", `${base}/collectors`, { body: { collectors: [collector("dup")] } });
    expect([conflict.status, conflict.json.status.code]).toEqual([409, StatusCode.DATABASE_DUPLICATE_KEY]);
  });
});

describe("reading requests", () => {
  it("takes camelCase and enum numbers as well as the docs' snake_case and names", async () => {
    const res = await h1(emulator.baseUrl, "POST", "/v2/users/me/apps/a/tasks", {
      body: { tasks: [{ type: 1, name: "n", sampleMs: 500, worker: { strategy: 4, workers: [{ user: { id: "w" } }] }, inputSource: { type: "ALL_INPUTS" } }] },
    });
    expect(res.json.tasks[0]).toMatchObject({ sample_ms: 500, worker: { strategy: 4 } });
  });

  it("reads a JSON body whatever its content type (fetch sends a string body as text/plain)", async () => {
    const res = await h1(emulator.baseUrl, "POST", "/v2/users/me/apps/a/tasks", { body: JSON.stringify({ tasks: [task("t")] }), headers: { "content-type": "text/plain;charset=UTF-8" } });
    expect(res.status).toBe(200);
  });

  it.each([
    ["a body that is not JSON", "POST", "/v2/users/me/apps/a/tasks", "{", /not JSON/],
    ["an unknown field, named", "POST", "/v2/users/me/apps/a/tasks", { tasks: [{ nmae: "x" }] }, /nmae/],
    ["an unknown enum name", "POST", "/v2/users/me/apps/a/tasks", { tasks: [{ type: "SORTING" }] }, /SORTING/],
    ["an unknown query parameter", "GET", "/v2/users/me/apps/a/tasks?worker_user_id=w", undefined, /worker_user_id/],
    ["query parameters on a route whose fields travel in the body", "DELETE", "/v2/users/me/apps/a/tasks?ids=t1", undefined, /JSON body/],
  ])("refuses %s with CONN_BAD_REQUEST_FORMAT and HTTP 400", async (_what, method, path, body, details) => {
    const res = await h1(emulator.baseUrl, method, path, { body });
    expect(res.status).toBe(400);
    expect(res.json.status).toMatchObject({ code: StatusCode.CONN_BAD_REQUEST_FORMAT, description: "Bad request format" });
    expect(res.json.status.details).toMatch(details);
  });

  it("refuses a body over the limit with 413 and keeps serving", async () => {
    const res = await h1(emulator.baseUrl, "POST", "/v2/users/me/apps/a/tasks", { body: `{"tasks":[{"name":"${"x".repeat(MAX_REST_BODY_BYTES)}"}]}` }).catch((e: unknown) => e);
    // The emulator answers before reading the whole body; a client may see the answer or the reset.
    if (!(res instanceof Error)) expect([(res as Answer).status, (res as Answer).json.status.code]).toEqual([413, StatusCode.CONN_BAD_REQUEST_FORMAT]);
    expect((await h1(emulator.baseUrl, "GET", "/v2/users/me/apps/a/tasks")).status).toBe(200);
  });
});

describe("what the emulator does not serve", () => {
  it.each([
    ["POST", "/v2/inputs"],
    ["GET", "/v2/users/me/apps/a/models"],
    ["POST", "/clarifai.api.V2/PostInputs"],
    ["GET", "/"],
  ])("answers %s %s at once with 404 and a JSON status", async (method, path) => {
    for (const call of [h1, h2]) {
      const res = await call(emulator.baseUrl, method, path, method === "POST" ? { body: {} } : {});
      expect(res.status).toBe(404);
      expect(res.headers["content-type"]).toBe("application/json");
      expect(res.json.status).toMatchObject({ code: StatusCode.CONN_DOES_NOT_EXIST, description: "Resource does not exist" });
      expect(res.json.status.details).toContain(path.split("?")[0]);
    }
  });

  it("answers a served path under another verb with 405 and Allow", async () => {
    const res = await h1(emulator.baseUrl, "PUT", "/v2/tasks", { body: {} });
    expect(res.status).toBe(405);
    expect(res.headers["allow"]).toBe("DELETE, GET, PATCH, POST");
    expect(res.json.status.code).toBe(StatusCode.CONN_METHOD_NOT_ALLOWED);
  });

  it("answers a CORS preflight, so a page in a browser can call it", async () => {
    const res = await fetch(`${emulator.baseUrl}/v2/tasks`, { method: "OPTIONS", headers: { origin: "http://page", "access-control-request-method": "POST" } });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")).toContain("authorization");
  });

  it("tells HTTP/1.1 from HTTP/2 only once the first bytes can tell (a lone \"P\" could be either)", () => {
    const preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    expect(protocolOf(Buffer.from("P"))).toBeUndefined();
    expect(protocolOf(preface.subarray(0, 23))).toBeUndefined();
    expect(protocolOf(preface)).toBe("http2");
    expect(protocolOf(Buffer.concat([preface, Buffer.from([0, 0, 0])]))).toBe("http2");
    expect(protocolOf(Buffer.from("PO"))).toBe("http1");
    expect(protocolOf(Buffer.from("GET / HTTP/1.1"))).toBe("http1");
  });

  it("answers an HTTP/1.1 request that arrives a byte at a time", async () => {
    const socket = net.connect(emulator.port, "127.0.0.1");
    await once(socket, "connect");
    socket.setNoDelay(true);
    const request = "POST /v2/collectors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
    for (const byte of request) await new Promise((resolve) => socket.write(byte, resolve));
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk as Buffer);
    const answer = Buffer.concat(chunks).toString();
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain('"code":11008');
  });
});

describe("app-scoped API keys (the docs' /v2/collectors calls)", () => {
  it("act in their own app when the call names none, on the short routes and in the body", async () => {
    const posted = await h1(emulator.baseUrl, "POST", "/v2/collectors", { key: APP_KEY, body: { collectors: [collector("c1")] } });
    expect([posted.status, posted.json.collectors[0].id]).toEqual([200, "c1"]);
    expect(emulator.store.countCollectors(KEY_APP.userId, KEY_APP.appId)).toBe(1);
    expect((await h1(emulator.baseUrl, "GET", "/v2/collectors/c1", { key: APP_KEY })).json.collector.id).toBe("c1");
    expect((await h1(emulator.baseUrl, "GET", "/v2/tasks", { key: APP_KEY })).status).toBe(200);
  });

  it("accept a call naming their own app (or user me), and refuse one naming another with CONN_KEY_INVALID", async () => {
    expect((await h1(emulator.baseUrl, "GET", `/v2/users/me/apps/${KEY_APP.appId}/collectors`, { key: APP_KEY })).status).toBe(200);
    expect((await h1(emulator.baseUrl, "GET", `/v2/users/${USER}/apps/${KEY_APP.appId}/collectors`, { key: APP_KEY })).status).toBe(200);
    for (const path of [`/v2/users/me/apps/other-app/collectors`, `/v2/users/someone/apps/${KEY_APP.appId}/collectors`]) {
      const res = await h1(emulator.baseUrl, "GET", path, { key: APP_KEY });
      expect([res.status, res.json.status.code]).toEqual([401, StatusCode.CONN_KEY_INVALID]);
      expect(res.json.status.details).toMatch(/API key/);
    }
    const inBody = await h1(emulator.baseUrl, "POST", "/v2/collectors", { key: APP_KEY, body: { user_app_id: { app_id: "other-app" }, collectors: [collector("c9")] } });
    expect(inBody.json.status.code).toBe(StatusCode.CONN_KEY_INVALID);
    expect(emulator.store.countCollectors(USER, "other-app")).toBe(0);
  });

  it("work over gRPC too, and a PAT still has to name its app", async () => {
    const client = createClient(V2, createGrpcTransport({ baseUrl: emulator.baseUrl }));
    const viaKey = await client.listTasks({}, { headers: { authorization: `Key ${APP_KEY}` } });
    expect(viaKey.status?.code).toBe(StatusCode.SUCCESS);
    const viaPat = await h1(emulator.baseUrl, "GET", "/v2/tasks");
    expect([viaPat.status, viaPat.json.status.code]).toEqual([400, StatusCode.CONN_INVALID_REQUEST]);
    expect(viaPat.json.status.details).toMatch(/userAppId.userId.*userAppId.appId/s);
  });

  it("cannot also be a PAT, and need both ids", async () => {
    await expect(startEmulator({ apiKeys: { [PAT]: KEY_APP } })).rejects.toThrow(/also a PAT/);
    await expect(startEmulator({ apiKeys: { k: { userId: "u", appId: "" } } })).rejects.toThrow(/needs a userId and an appId/);
  });
});

describe("one emulator, two protocols, one state", () => {
  it("a task created over REST is read over gRPC, and the other way round", async () => {
    const client = createClient(V2, createGrpcTransport({ baseUrl: emulator.baseUrl }));
    const headers = { authorization: `Key ${PAT}` };
    const viaRest = await h1(emulator.baseUrl, "POST", "/v2/users/me/apps/shared/tasks", { body: { tasks: [task("from-rest")] } });
    const id = viaRest.json.tasks[0].id as string;
    expect((await client.getTask({ userAppId: { userId: "me", appId: "shared" }, taskId: id }, { headers })).task?.name).toBe("from-rest");
    const viaGrpc = await client.postTasks(
      { userAppId: { userId: "me", appId: "shared" }, tasks: [{ name: "from-grpc", type: 1, worker: { strategy: 4, workers: [{ worker: { case: "user", value: { id: "w" } } }] } }] },
      { headers },
    );
    const read = await h1(emulator.baseUrl, "GET", `/v2/users/me/apps/shared/tasks/${viaGrpc.tasks[0]!.id}`);
    expect(read.json.task.name).toBe("from-grpc");
  });
});

describe("the HTTP status table", () => {
  it("maps SUCCESS to 200, every listed failure to a 4xx or 5xx, and anything else to 400", () => {
    expect(httpStatusOf(StatusCode.SUCCESS)).toBe(200);
    for (const [code, status] of httpStatusByCode) if (code !== StatusCode.SUCCESS) expect(status, StatusCode[code]).toBeGreaterThanOrEqual(400);
    expect(httpStatusOf(StatusCode.FAILURE)).toBe(400);
    expect(httpStatusOf(StatusCode.CONN_INVALID_REQUEST)).toBe(400);
    expect(httpStatusOf(StatusCode.TASK_MISSING)).toBe(404);
  });
});
