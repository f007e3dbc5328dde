// Fuzzes the emulator with random and malformed requests from several users and checks, after every
// request, the invariants a multi-tenant API owes its users: no task stored or shown outside its
// user/app, no batch half applied, a failed write changes nothing anywhere, and the server never
// crashes. Requests go through a raw connect client (no facade validation in the way) and as raw
// HTTP/2 garbage.
import { create, toBinary } from "@bufbuild/protobuf";
import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import fc from "fast-check";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import { TaskSchema, type Task } from "clarifai-grpc-es";
import http2 from "node:http2";
import { beforeAll, describe, expect, it } from "vitest";
import { StatusCode } from "../../gen/clarifai/api/status/status_code_pb.js";
import { V2 } from "../../gen/clarifai/api/service_pb.js";
import { grpcFrame } from "../support/hostile/grpc-wire.js";
import { guardSuite } from "../support/hostile/process-guard.js";

/** Sequences and requests fuzzed; the README's figures come from these. */
export const SEQUENCE_RUNS = 50;
export const MAX_COMMANDS = 25;
export const CONCURRENT_RUNS = 30;
export const GARBAGE_RUNS = 200;

const USERS = { "pat-a": "user-a", "pat-b": "user-b", "pat-c": "user-c" } as const;
type Pat = keyof typeof USERS;
const PATS = Object.keys(USERS) as Pat[];
const APPS = ["app1", "app2"] as const;
const ID_POOL = ["t0", "t1", "t2", "t3", "t4"];

const track = guardSuite();
let emulator: Emulator;
let api: Client<typeof V2>;
let session: http2.ClientHttp2Session;

beforeAll(async () => {
  emulator = track(await startEmulator({ users: { ...USERS } }));
  api = createClient(V2, createGrpcTransport({ baseUrl: emulator.baseUrl }));
  session = track(http2.connect(emulator.baseUrl));
  session.on("error", () => {});
});

/** Who acts, in which app, and whose `user_app_id` the request names. */
const scopeArb = fc.record({
  pat: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...PATS) }, { weight: 1, arbitrary: fc.constantFrom("pat-unknown", "", "PAT-A") }),
  app: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...APPS) }, { weight: 1, arbitrary: fc.constantFrom("", "app1/../app2", "APP1") }),
  // "self" names the key's own user; otherwise another user's id, "me", or nothing.
  asUser: fc.oneof({ weight: 6, arbitrary: fc.constant("self") }, { weight: 2, arbitrary: fc.constantFrom("user-a", "user-b", "user-c", "me", "") }),
});

const taskArb = fc.record({
  id: fc.option(fc.constantFrom(...ID_POOL), { freq: 2 }),
  // 1–3 are human labeling types (valid with a user worker); 0 needs a model worker; 99 is no TaskType.
  type: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 99) }),
  withWorker: fc.oneof({ weight: 8, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});

const commandArb = fc.oneof(
  fc.record({ op: fc.constant("create" as const), scope: scopeArb, tasks: fc.array(taskArb, { maxLength: 4 }) }),
  fc.record({
    op: fc.constant("patch" as const),
    scope: scopeArb,
    action: fc.oneof({ weight: 5, arbitrary: fc.constant("overwrite") }, { weight: 1, arbitrary: fc.constantFrom("merge", "remove", "") }),
    tasks: fc.array(taskArb, { maxLength: 3 }),
  }),
  fc.record({ op: fc.constant("delete" as const), scope: scopeArb, ids: fc.array(fc.constantFrom(...ID_POOL, ""), { maxLength: 3 }) }),
  fc.record({ op: fc.constant("get" as const), scope: scopeArb, id: fc.constantFrom(...ID_POOL, "") }),
  fc.record({ op: fc.constant("list" as const), scope: scopeArb, page: fc.nat({ max: 3 }), perPage: fc.oneof(fc.nat({ max: 4 }), fc.constant(1_000_000)) }),
);
type Command = typeof commandArb extends fc.Arbitrary<infer C> ? C : never;

let marker = 0;
const userOf = (pat: string) => (USERS as Record<string, string>)[pat];

function header(pat: string) {
  return { headers: { authorization: `Key ${pat}` } };
}

function userAppId(scope: Command["scope"]) {
  return { userId: scope.asUser === "self" ? (userOf(scope.pat) ?? "nobody") : scope.asUser, appId: scope.app };
}

/** Builds a task; its description records who sent it and for which app, to catch leaks later. */
function task(scope: Command["scope"], t: { id: string | null; type: number; withWorker: boolean }): Task {
  return create(TaskSchema, {
    id: t.id ?? "",
    type: t.type,
    description: `${userOf(scope.pat) ?? "nobody"}/${scope.app}/${++marker}`,
    ...(t.withWorker ? { worker: { strategy: 3 /* FULL */, workers: [{ worker: { case: "user", value: { id: "labeler" } } }] } } : {}),
  });
}

/** Every (user, app) the fuzz can touch, with a byte-exact snapshot of its tasks. */
function snapshot(): Map<string, string> {
  const out = new Map<string, string>();
  for (const { userId, appId } of emulator.store.apps()) {
    const tasks = emulator.store.tasks(userId, appId);
    out.set(`${userId}/${appId}`, tasks.map((t) => Buffer.from(toBinary(TaskSchema, t)).toString("hex")).join(","));
  }
  return out;
}

/** Stored tasks sit where they belong, and were sent by that app's own user for that app. */
function checkPlacement(): void {
  for (const { userId, appId } of emulator.store.apps()) {
    for (const t of emulator.store.tasks(userId, appId)) {
      expect(t.userId, `task ${t.id} stored under ${userId}/${appId}`).toBe(userId);
      expect(t.appId).toBe(appId);
      expect(t.description.startsWith(`${userId}/${appId}/`), `task "${t.description}" leaked into ${userId}/${appId}`).toBe(true);
    }
  }
}

/** Sends one command; returns whether it succeeded and the tasks it showed. */
async function run(c: Command): Promise<{ ok: boolean; shown: Task[]; code: number }> {
  const base = { userAppId: userAppId(c.scope) };
  try {
    let status: { code: number } | undefined;
    let shown: Task[] = [];
    switch (c.op) {
      case "create": {
        const r = await api.postTasks({ ...base, tasks: c.tasks.map((t) => task(c.scope, t)) }, header(c.scope.pat));
        status = r.status;
        shown = r.tasks;
        break;
      }
      case "patch": {
        const r = await api.patchTasks({ ...base, action: c.action, tasks: c.tasks.map((t) => task(c.scope, { ...t, id: t.id ?? "" })) }, header(c.scope.pat));
        status = r.status;
        shown = r.tasks;
        break;
      }
      case "delete": {
        const r = await api.deleteTasks({ ...base, ids: c.ids }, header(c.scope.pat));
        status = r.status;
        break;
      }
      case "get": {
        const r = await api.getTask({ ...base, taskId: c.id }, header(c.scope.pat));
        status = r.status;
        shown = r.task ? [r.task] : [];
        break;
      }
      case "list": {
        const r = await api.listTasks({ ...base, page: c.page, perPage: c.perPage }, header(c.scope.pat));
        status = r.status;
        shown = r.tasks;
        break;
      }
    }
    const code = status?.code ?? 0;
    return { ok: code === StatusCode.SUCCESS, shown, code };
  } catch {
    // A gRPC-level error is a failure like any other here; what matters is what it changed.
    return { ok: false, shown: [], code: -1 };
  }
}

function checkCommand(c: Command, result: { ok: boolean; shown: Task[] }, before: Map<string, string>, after: Map<string, string>): void {
  const actor = userOf(c.scope.pat);
  // Whatever a user is shown belongs to that user and the app asked for.
  for (const t of result.shown) {
    expect(actor, "an unknown key was shown tasks").toBeDefined();
    expect(t.description.startsWith(`${actor}/${c.scope.app}/`), `${actor} was shown "${t.description}"`).toBe(true);
  }
  const target = `${actor}/${c.scope.app}`;
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const changed = (before.get(key) ?? "") !== (after.get(key) ?? "");
    if (!changed) continue;
    // Only a successful write changes anything, and only in the actor's own app.
    expect(result.ok, `a failed ${c.op} changed ${key}`).toBe(true);
    expect(c.op === "get" || c.op === "list", `a read changed ${key}`).toBe(false);
    expect(key, `${actor}'s ${c.op} changed another app`).toBe(target);
  }
  if (c.op === "create" && result.ok) {
    // All or nothing: every task of the batch was stored, each exactly once.
    const stored = emulator.store.tasks(actor!, c.scope.app);
    for (const t of result.shown) expect(stored.filter((s) => s.id === t.id)).toHaveLength(1);
    expect(result.shown).toHaveLength(c.tasks.length);
  }
}

describe("emulator isolation under fuzzing", () => {
  it(`${SEQUENCE_RUNS} random sequences of up to ${MAX_COMMANDS} requests from several users keep every invariant`, async () => {
    let requests = 0;
    let succeeded = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 5, maxLength: MAX_COMMANDS }), async (commands) => {
        emulator.store.clear();
        for (const c of commands) {
          const before = snapshot();
          const result = await run(c);
          requests++;
          if (result.ok) succeeded++;
          checkCommand(c, result, before, snapshot());
          checkPlacement();
        }
      }),
      { numRuns: SEQUENCE_RUNS, seed: Number(process.env["FUZZ_SEED"] ?? 20260123) },
    );
    // The fuzz is only worth something if it exercised both outcomes.
    expect(succeeded).toBeGreaterThan(requests / 10);
    expect(succeeded).toBeLessThan(requests);
  }, 60_000);

  it(`${CONCURRENT_RUNS} bursts of concurrent requests from all users keep tasks in place`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 5, maxLength: 40 }), async (commands) => {
        emulator.store.clear();
        const results = await Promise.all(commands.map((c) => run(c)));
        commands.forEach((c, i) => {
          const actor = userOf(c.scope.pat);
          for (const t of results[i]!.shown) expect(t.description.startsWith(`${actor}/${c.scope.app}/`)).toBe(true);
        });
        checkPlacement();
      }),
      { numRuns: CONCURRENT_RUNS, seed: Number(process.env["FUZZ_SEED"] ?? 20260123) },
    );
  }, 60_000);

  it(`${GARBAGE_RUNS} malformed request bodies on every RPC: answered with an error, nothing stored, no crash`, async () => {
    const methods = V2.methods.map((m) => m.name);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...methods),
        fc.constantFrom(...PATS),
        fc.oneof(
          fc.uint8Array({ maxLength: 80 }).map((b) => grpcFrame(b)),
          fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b)),
          fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 1, max: 1000 })).map(([b, extra]) => grpcFrame(b, { declaredLength: b.length + extra })),
          fc.uint8Array({ maxLength: 40 }).map((b) => grpcFrame(b, { flag: 1 })),
        ),
        async (method, pat, body) => {
          const before = snapshot();
          const status = await new Promise<string>((resolve, reject) => {
            const req = session.request({
              ":method": "POST",
              ":path": `/clarifai.api.V2/${method}`,
              "content-type": "application/grpc",
              te: "trailers",
              authorization: `Key ${pat}`,
            });
            let grpcStatus = "";
            req.on("response", (h) => (grpcStatus = String(h["grpc-status"] ?? grpcStatus)));
            req.on("trailers", (t) => (grpcStatus = String(t["grpc-status"] ?? grpcStatus)));
            req.on("error", reject);
            req.on("close", () => resolve(grpcStatus));
            req.resume();
            req.end(body);
          });
          // Either a gRPC error or an OK carrying a Clarifai failure; writes of garbage never succeed
          // in storing anything that breaks placement.
          expect(status).not.toBe("");
          checkPlacement();
          const after = snapshot();
          if (status !== "0") expect(after).toEqual(before);
        },
      ),
      { numRuns: GARBAGE_RUNS, seed: Number(process.env["FUZZ_SEED"] ?? 20260123) },
    );
    // Still serving properly afterwards.
    const r = await api.listTasks({ userAppId: { userId: "user-a", appId: "app1" } }, header("pat-a"));
    expect(r.status?.code).toBe(StatusCode.SUCCESS);
  }, 60_000);
});
