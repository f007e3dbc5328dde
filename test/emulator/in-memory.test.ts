// The emulator's handlers without a socket, through connect's router transport: the fast tier, with an
// injected clock and id generator so every server-set field is predictable.
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { StatusCode, V2 } from "clarifai-grpc-es";
import { createEmulatorState, emulatorRoutes, DEFAULT_PER_PAGE, MAX_PER_PAGE } from "clarifai-grpc-es/testing";

const headers = { authorization: "Key emulator-pat" };
const userAppId = { userId: "me", appId: "mem" };
const userTask = (id = "") => ({
  id,
  type: 1,
  worker: { strategy: 4, workers: [{ worker: { case: "user" as const, value: { id: "w" } } }] },
  inputSource: { type: 1 },
});

describe("emulator routes in memory", () => {
  it("uses the injected clock and id generator, and shares state with the caller", async () => {
    let now = new Date("2030-01-02T03:04:05.678Z");
    let n = 0;
    const state = createEmulatorState({ now: () => now, newId: () => `id-${++n}` });
    const client = createClient(V2, createRouterTransport(emulatorRoutes(state)));
    const res = await client.postTasks({ userAppId, tasks: [userTask(), userTask()] }, { headers });
    expect(res.tasks.map((t) => t.id)).toEqual(["id-1", "id-2"]);
    expect(timestampDate(res.tasks[0]!.createdAt!)).toEqual(now);
    expect(res.status?.reqId).toBe("emulator-req-1");
    now = new Date("2030-01-02T04:00:00Z");
    const patched = await client.patchTasks({ userAppId, action: "overwrite", tasks: [{ ...userTask("id-1"), name: "n" }] }, { headers });
    expect(timestampDate(patched.tasks[0]!.modifiedAt!)).toEqual(now);
    expect(state.store.countTasks("emulator-user", "mem")).toBe(2);
    expect(state.store.tasks("emulator-user", "mem").map((t) => t.name)).toEqual(["n", ""]);
  });

  it("keeps separate states apart and the default key when none is given", async () => {
    const a = createClient(V2, createRouterTransport(emulatorRoutes()));
    const b = createClient(V2, createRouterTransport(emulatorRoutes({ users: { k: "u" } })));
    await a.postTasks({ userAppId, tasks: [userTask()] }, { headers });
    expect((await a.listTasks({ userAppId }, { headers })).tasks).toHaveLength(1);
    expect((await b.listTasks({ userAppId }, { headers })).status?.code).toBe(StatusCode.CONN_KEY_INVALID);
    expect((await b.listTasks({ userAppId }, { headers: { authorization: "Key k" } })).tasks).toEqual([]);
  });

  it("documents its paging limits", () => {
    expect([DEFAULT_PER_PAGE, MAX_PER_PAGE]).toEqual([128, 1000]);
  });

  it("hands out copies: mutating a response or a store copy does not change stored data", async () => {
    const state = createEmulatorState();
    const client = createClient(V2, createRouterTransport(emulatorRoutes(state)));
    const res = await client.postTasks({ userAppId, tasks: [userTask("c")] }, { headers });
    res.tasks[0]!.name = "mutated";
    state.store.tasks("emulator-user", "mem")[0]!.name = "mutated too";
    const got = await client.getTask({ userAppId, taskId: "c" }, { headers });
    expect(got.task?.name).toBe("");
  });

  it("keeps unknown fields it was sent (echo through the wire)", async () => {
    const { create, fromBinary, toBinary } = await import("@bufbuild/protobuf");
    const { TaskSchema } = await import("../../gen/clarifai/api/resources_pb.js");
    // Field 999 (varint 7) is not in our subset: it must come back byte for byte.
    const unknownField = new Uint8Array([0xb8, 0x3e, 0x07]);
    const task = fromBinary(TaskSchema, new Uint8Array([...toBinary(TaskSchema, create(TaskSchema, userTask("u"))), ...unknownField]));
    const client = createClient(V2, createRouterTransport(emulatorRoutes()));
    const res = await client.postTasks({ userAppId, tasks: [task] }, { headers });
    expect(res.status?.code).toBe(StatusCode.SUCCESS);
    const echoed = Buffer.from(toBinary(TaskSchema, res.tasks[0]!));
    expect(echoed.includes(Buffer.from(unknownField))).toBe(true);
    const got = await client.getTask({ userAppId, taskId: "u" }, { headers });
    expect(Buffer.from(toBinary(TaskSchema, got.task!)).includes(Buffer.from(unknownField))).toBe(true);
  });
});
