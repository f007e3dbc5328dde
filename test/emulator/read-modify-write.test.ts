// Read a resource, change it, send it back: the README's "Update a task" recipe, through the client
// over each transport against the emulator on a real socket. A task read with additional_fields
// "worker.users" carries its users in the deprecated worker.users too, as the real API's answers do;
// sending it back must work, and must send only the current fields. A collector's fields that this
// package does not know (a newer upstream's) must come back once per read, however often it is written.
import { create } from "@bufbuild/protobuf";
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ClarifaiClient,
  collector,
  labelingTask,
  StatusCode,
  StatusSchema,
  UserSchema,
  ValidationError,
  type Task,
} from "clarifai-grpc-es";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";

const PAT = "emulator-pat";
const USER = "emulator-user";

const spec = {
  name: "read-modify-write",
  type: "CONCEPTS_CLASSIFICATION",
  concepts: ["water", "fire"],
  workers: { strategy: "DYNAMIC", users: ["w1", "w2"] },
  inputSource: { type: "ALL_INPUTS" },
  review: { strategy: "MANUAL", samplePercentage: 0.5, reviewers: ["r1"] },
} as const;

const userIds = (users: readonly { id: string }[] | undefined) => (users ?? []).map((u) => u.id);
const workerIds = (t: Task | undefined) => (t?.worker?.workers ?? []).map((w) => (w.worker.case === "user" ? w.worker.value.id : ""));

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});

describe.each(["connect", "grpc-js", "rest"] as const)("over %s", (transport) => {
  const appId = `rmw-${transport}`;
  let client: ClarifaiClient;
  beforeAll(() => {
    client = new ClarifaiClient({ pat: PAT, userId: USER, appId, baseUrl: emulator.baseUrl, transport });
  });
  afterAll(async () => {
    await client.close();
  });
  const stored = (id: string) => emulator.store.tasks(USER, appId).find((t) => t.id === id);

  it("GetTask and ListTasks fill worker.users when additional_fields asks for it (or for all), and only then", async () => {
    const { id } = await client.tasks.create(labelingTask(spec));
    expect(userIds((await client.tasks.get(id)).worker?.users)).toEqual([]);
    expect(userIds((await client.tasks.get(id, { additionalFields: ["worker.users"] })).worker?.users)).toEqual(["w1", "w2"]);
    expect(userIds((await client.tasks.get(id, { additionalFields: ["all"] })).worker?.users)).toEqual(["w1", "w2"]);
    const [listed] = await client.tasks.list({ ids: [id], additionalFields: ["worker.users"] });
    expect(userIds(listed?.worker?.users)).toEqual(["w1", "w2"]);
    expect(userIds((await client.tasks.list({ ids: [id] }))[0]?.worker?.users)).toEqual([]);
    // Filling the answer does not change what is stored.
    expect(stored(id)?.worker?.users).toEqual([]);
  });

  it("a task read with worker.users (and echoes of the other deprecated lists) is updated, and only current fields are sent", async () => {
    const { id } = await client.tasks.create(labelingTask(spec));
    const task = await client.tasks.get(id, { additionalFields: ["worker.users"] });
    expect(userIds(task.worker?.users)).toEqual(["w1", "w2"]);
    expect(userIds(task.review?.users)).toEqual(["r1"]);
    // What else an answer of the API may repeat in deprecated fields.
    task.conceptIds = ["fire", "water"];
    task.review!.userIds = ["r1"];
    task.description = "changed";
    task.status = create(StatusSchema, { code: StatusCode.TASK_DONE });

    const updated = await client.tasks.update(task);

    expect(updated.description).toBe("changed");
    expect(updated.status?.code).toBe(StatusCode.TASK_DONE);
    // The emulator stores what arrived: no deprecated field was sent, the current lists are unchanged.
    const after = stored(id)!;
    expect([after.worker?.users, after.worker?.userIds, after.conceptIds, after.review?.userIds]).toEqual([[], [], [], []]);
    expect(workerIds(after)).toEqual(["w1", "w2"]);
    expect(after.concepts.map((c) => c.concept?.id)).toEqual(["water", "fire"]);
    expect(userIds(after.review?.users)).toEqual(["r1"]);
    expect(after.description).toBe("changed");
  });

  it("a deprecated list that names someone the current list lacks is still refused, and nothing is sent", async () => {
    const { id } = await client.tasks.create(labelingTask(spec));
    const task = await client.tasks.get(id, { additionalFields: ["worker.users"] });
    task.worker!.users.push(create(UserSchema, { id: "stranger" }));
    task.description = "not sent";
    const e = (await client.tasks.update(task).catch((x: unknown) => x)) as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.issues).toEqual([
      {
        path: "tasks[0].worker.users",
        message:
          'worker.users names a user that worker.workers does not list ("stranger"); set them in worker.workers only: next to it, the deprecated worker.users may only repeat its users, as the API\'s answers do',
      },
    ]);
    expect(stored(id)?.description).not.toBe("not sent");
  });
});

// Unknown fields travel in the binary encoding only: over gRPC, not in REST's JSON.
describe.each(["connect", "grpc-js"] as const)("collectors over %s", (transport) => {
  const appId = `rmw-collectors-${transport}`;
  let client: ClarifaiClient;
  beforeAll(() => {
    client = new ClarifaiClient({ pat: PAT, userId: USER, appId, baseUrl: emulator.baseUrl, transport });
  });
  afterAll(async () => {
    await client.close();
  });

  it("a field this package does not know comes back once after each read-modify-write, not 2, 4, 8 times", async () => {
    const c = collector({ id: "c1", preQueueWorkflowId: "wf", source: { modelId: "m", postInputsKeyId: "k" } });
    // Say a newer upstream adds `repeated string tags = 10` to Collector.
    c.$unknown = [{ no: 10, wireType: WireType.LengthDelimited, data: new BinaryWriter().string("tag-a").finish() }];
    await client.collectors.create(c);
    for (const round of [1, 2, 3, 4]) {
      const got = await client.collectors.get("c1");
      got.description = `round ${round}`;
      await client.collectors.update(got);
    }
    const after = await client.collectors.get("c1");
    expect(after.description).toBe("round 4");
    expect((after.$unknown ?? []).map((u) => `${u.no}:${new BinaryReader(u.data).string()}`)).toEqual(["10:tag-a"]);
  });
});
