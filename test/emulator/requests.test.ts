// What a client sees when the emulator's setup or its own machinery is at fault rather than the
// request: app-scoped keys refused when the state is created, an injected id generator or clock that
// throws (gRPC INTERNAL, REST 500 "Internal error", nothing stored), the descriptions of the REST-only
// statuses, and the JSON 404 that the bare request handler gives a path no route serves.
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { StatusCode, V2 } from "clarifai-grpc-es";
import { createEmulatorState, emulatorRoutes, startEmulator, type EmulatorStateOptions } from "clarifai-grpc-es/testing";
import { emulatorNodeHandler } from "../../src/testing/malformed.js";

const PAT = "emulator-pat";
const USER = "emulator-user";
const headers = { authorization: `Key ${PAT}` };
const userAppId = { userId: "me", appId: "app" };
/** A task the rules accept, without an id: the emulator generates one. */
const task = { type: 1, worker: { strategy: 3, workers: [{ worker: { case: "user" as const, value: { id: "w" } } }] }, inputSource: { type: 1 } };
const restTask = { type: "CONCEPTS_CLASSIFICATION", worker: { strategy: "FULL", workers: [{ user: { id: "w" } }] }, input_source: { type: "ALL_INPUTS" } };

/** One REST call over HTTP/1.1: the HTTP status and the JSON body. */
async function rest(baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...headers, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  return { status: res.status, json: await res.json() };
}

describe("app-scoped API keys, checked when the state is created", () => {
  it("accepts a key bound to a user and an app, and calls with it act in that app", async () => {
    const state = createEmulatorState({ users: { pat: "u" }, apiKeys: { "app-key": { userId: "u", appId: "bound" } } });
    expect([...state.apiKeys]).toEqual([["app-key", { userId: "u", appId: "bound" }]]);
    const client = createClient(V2, createRouterTransport(emulatorRoutes(state)));
    const res = await client.postTasks({ tasks: [task] }, { headers: { authorization: "Key app-key" } });
    expect(res.status?.code).toBe(StatusCode.SUCCESS);
    expect(state.store.countTasks("u", "bound")).toBe(1);
  });

  it.each<[string, EmulatorStateOptions, RegExp]>([
    ["a key that is also the default PAT", { apiKeys: { [PAT]: { userId: USER, appId: "a" } } }, /^apiKeys: key "emulator-pat" is also a PAT in users; a key is one or the other$/],
    ["a key that is also a given PAT", { users: { k: "u" }, apiKeys: { k: { userId: "u", appId: "a" } } }, /^apiKeys: key "k" is also a PAT in users/],
    ["a scope without a userId", { apiKeys: { k: { userId: "", appId: "a" } } }, /^apiKeys\["k"\] needs a userId and an appId$/],
    ["a scope without an appId", { apiKeys: { k: { userId: "u", appId: "" } } }, /^apiKeys\["k"\] needs a userId and an appId$/],
    ["no scope at all", { apiKeys: { k: undefined as never } }, /^apiKeys\["k"\] needs a userId and an appId$/],
  ])("refuses %s with a TypeError saying so", (_what, options, message) => {
    expect(() => createEmulatorState(options)).toThrow(TypeError);
    expect(() => createEmulatorState(options)).toThrow(message);
  });
});

/** An id generator that hands out one id, then fails as a scripted generator that ran out would. */
function oneId(): () => string {
  let left = 1;
  return () => {
    if (left-- > 0) return "only-id";
    throw new Error("the scripted ids ran out");
  };
}
const failingClock = () => {
  throw new Error("the clock is broken");
};

describe("an injected id generator or clock that throws is the emulator's failure, not a refusal", () => {
  it.each<[string, EmulatorStateOptions]>([
    ["id generator", { newId: oneId() }],
    ["clock", { now: failingClock }],
  ])("gRPC: the %s's error comes back as INTERNAL, and the batch is not stored", async (_what, options) => {
    const state = createEmulatorState(options);
    const client = createClient(V2, createRouterTransport(emulatorRoutes(state)));
    const failure = await client.postTasks({ userAppId, tasks: [task, task] }, { headers }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConnectError);
    expect((failure as ConnectError).code).toBe(Code.Internal);
    expect(state.store.countTasks(USER, "app")).toBe(0);
  });

  // Over HTTP/1.1 a request whose body has been read reads as destroyed: the 500 was once not written
  // at all, and the client waited for its own timeout.
  it("REST over HTTP/1.1: 500 with INTERNAL_UNCATEGORIZED, \"Internal error\" and the cause in details; the next call is served", async () => {
    const emulator = await startEmulator({ newId: oneId() });
    try {
      const failed = await rest(emulator.baseUrl, "POST", "/v2/users/me/apps/app/tasks", { tasks: [restTask, restTask] });
      expect(failed.status).toBe(500);
      expect(failed.json.status).toMatchObject({
        code: StatusCode.INTERNAL_UNCATEGORIZED,
        description: "Internal error",
        details: "the emulator failed: the scripted ids ran out",
      });
      expect(emulator.store.countTasks(USER, "app")).toBe(0);
      const listed = await rest(emulator.baseUrl, "GET", "/v2/users/me/apps/app/tasks");
      expect([listed.status, listed.json.status.code]).toEqual([200, StatusCode.SUCCESS]);
    } finally {
      await emulator.close();
    }
  });
});

describe("REST answers the real API's descriptions", () => {
  it("a served path under another verb: 405, CONN_METHOD_NOT_ALLOWED, \"Method not allowed\", the verbs allowed", async () => {
    const emulator = await startEmulator();
    try {
      const res = await rest(emulator.baseUrl, "PUT", "/v2/collectors", {});
      expect(res.status).toBe(405);
      expect(res.json.status).toMatchObject({
        code: StatusCode.CONN_METHOD_NOT_ALLOWED,
        description: "Method not allowed",
        details: "PUT is not served on /v2/collectors; allowed: DELETE, GET, PATCH, POST",
      });
    } finally {
      await emulator.close();
    }
  });
});

describe("the request handler alone, without REST routes behind it", () => {
  it("answers a path no route serves with a JSON 404 naming the method and the path without its query", async () => {
    const server = http.createServer(emulatorNodeHandler(emulatorRoutes()));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/users/me/apps/a/tasks?page=2`, { signal: AbortSignal.timeout(5000) });
      expect([res.status, res.headers.get("content-type")]).toEqual([404, "application/json"]);
      expect(((await res.json()) as { status: unknown }).status).toMatchObject({
        code: StatusCode.CONN_DOES_NOT_EXIST,
        description: "Resource does not exist",
        details: "no route for GET /v2/users/me/apps/a/tasks; see the google.api.http rules of clarifai.api.V2",
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
