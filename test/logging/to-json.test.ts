// Logging what the API answered: every kind of value a caller gets back (tasks, collectors, counts,
// statuses, errors) through the one call the README shows, toJson / toJsonString, as the proto3 JSON
// the REST documentation writes; and the documentation's own REST bodies come out as they went in.
import { createRegistry, equals, fromJson, type DescMessage, type JsonObject } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ClarifaiClient,
  CollectorSchema,
  NotFoundError,
  StatusCode,
  StatusSchema,
  TaskSchema,
  TaskStatusCountPerUserSchema,
  ValidationError,
  autoAnnotationTask,
  collector,
  file_clarifai_api_service,
  labelingTask,
  toJson,
  toJsonString,
  type Collector,
  type Task,
} from "clarifai-grpc-es";
import { startEmulator, type Emulator } from "clarifai-grpc-es/testing";
import { seedList } from "../fixtures/seeds.js";

const registry = createRegistry(file_clarifai_api_service);
const schemaOf = (typeName: string): DescMessage => registry.getMessage(typeName)!;

describe("the documentation's REST bodies", () => {
  // Every request of both pages, parsed as the docs write it, comes out of toJson as the docs wrote it:
  // snake_case names, enum names, the same nesting (the update example too, deprecated fields and all).
  it.each(seedList.map((s) => [s.key, s] as const))("%s comes out as the docs wrote it", (key, s) => {
    const message = fromJson(schemaOf(s.requestType), s.requestJson);
    const expected = structuredClone(s.requestJson) as { tasks?: Record<string, unknown>[] };
    if (key === "autoAnnotationTask") {
      // Two spellings of the same message: the docs write the status code as its number and the task
      // type at its zero value; proto3 JSON writes the code's name and leaves zero values out.
      const task = expected.tasks![0]!;
      expect(task["type"]).toBe("TYPE_NOT_SET");
      delete task["type"];
      const config = (task["concepts"] as { auto_annotation_config: Record<string, unknown> }[])[0]!.auto_annotation_config;
      expect(config["status_code"]).toBe(StatusCode.ANNOTATION_SUCCESS);
      config["status_code"] = "ANNOTATION_SUCCESS";
    }
    expect(toJson(message)).toEqual(expected);
  });
});

describe("what the API answers, logged", () => {
  let emulator: Emulator;
  let client: ClarifaiClient;
  let task: Task;
  let auto: Task;
  let added: Collector;

  beforeAll(async () => {
    emulator = await startEmulator({ users: { "log-pat": "log-user" } });
    client = new ClarifaiClient({ pat: "log-pat", userId: "log-user", appId: "logs", baseUrl: emulator.baseUrl });
    task = await client.tasks.create(
      labelingTask({
        name: "Annotate water",
        type: "CONCEPTS_CLASSIFICATION",
        concepts: ["water"],
        workers: { strategy: "PARTITIONED", users: ["w1", "w2"], partition: { type: "WEIGHTED", workersPerInput: 1, weights: { w1: 1, w2: 3 } } },
        inputSource: { type: "DATASET", id: "ds-1" },
        sampleMs: 1000,
        review: { strategy: "MANUAL", samplePercentage: 0.5, reviewers: ["r1"] },
      }),
    );
    auto = await client.tasks.create(
      autoAnnotationTask({
        name: "Auto",
        worker: { model: { id: "m", versionId: "v" } },
        concepts: [{ id: "water", annotationDataTypes: ["TAG"], threshold: { lower: 0.7, upper: 0.999 }, statusCode: "ANNOTATION_SUCCESS" }],
        inputSource: { type: "ALL_INPUTS" },
      }),
    );
    added = await client.collectors.create(
      collector({ id: "c1", preQueueWorkflowId: "wf", source: { modelId: "m", postInputsKeyId: "k" } }),
    );
  });

  afterAll(async () => {
    await client.close();
    await emulator.close();
  });

  it("JSON.stringify cannot log a task (bigint timestamps); toJsonString can", () => {
    expect(() => JSON.stringify(task)).toThrow(/BigInt/);
    const line = toJsonString(task);
    expect(line).not.toContain("\n");
    expect(JSON.parse(line)).toEqual(toJson(task));
    expect(toJsonString(task, { prettySpaces: 2 })).toContain('\n  "id": ');
  });

  it("a task: REST names, enum names, RFC 3339 times, the Struct weights as sent, and lossless", () => {
    const json = toJson(task) as JsonObject;
    expect(json).toMatchObject({
      id: task.id,
      name: "Annotate water",
      type: "CONCEPTS_CLASSIFICATION",
      worker: {
        strategy: "PARTITIONED",
        workers: [{ user: { id: "w1" } }, { user: { id: "w2" } }],
        partitioned_strategy_info: { type: "WEIGHTED", workers_per_input: 1, weights: { w1: 1, w2: 3 } },
      },
      concepts: [{ concept: { id: "water" } }],
      input_source: { type: "DATASET", id: "ds-1" },
      sample_ms: 1000,
      review: { strategy: "MANUAL", users: [{ id: "r1" }], manual_strategy_info: { sample_percentage: 0.5 } },
      status: { code: "TASK_IN_PROGRESS" },
      user_id: "log-user",
      app_id: "logs",
    });
    expect(json["created_at"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(Object.keys(json).filter((k) => /[A-Z]/.test(k))).toEqual([]);
    expect(equals(TaskSchema, fromJson(TaskSchema, json), task)).toBe(true);
  });

  it("an auto-annotation task: status codes and thresholds by name and value", () => {
    expect(toJson(auto)).not.toHaveProperty("type");
    expect(toJson(auto)).toMatchObject({
      worker: { workers: [{ model: { id: "m", model_version: { id: "v" } } }] },
      concepts: [
        {
          concept: { id: "water" },
          auto_annotation_config: { annotation_data_types: 1, threshold_range: { lower: expect.closeTo(0.7, 6) }, status_code: "ANNOTATION_SUCCESS" },
        },
      ],
    });
  });

  it("a collector and a list of collectors", async () => {
    expect(toJson(added)).toMatchObject({
      id: "c1",
      pre_queue_workflow_id: "wf",
      collector_source: { api_post_model_outputs_collector_source: { model_id: "m", post_inputs_key_id: "k", caller_user_id: "log-user" } },
      status: { code: "COLLECTOR_ACTIVE" },
    });
    const listed = toJson(await client.collectors.list());
    expect(listed).toEqual([toJson(added)]);
    expect(equals(CollectorSchema, fromJson(CollectorSchema, (listed as JsonObject[])[0]!), added)).toBe(true);
  });

  it("counts per worker", async () => {
    const counts = await client.tasks.annotationCount(task.id);
    expect(counts).toHaveLength(2);
    expect(toJson(counts)).toEqual([
      { user_id: "w1", worker: { user: { id: "w1" } } },
      { user_id: "w2", worker: { user: { id: "w2" } } },
    ]);
    // Zero counts are left out, as proto3 JSON does; ask for them when a log should show them.
    expect(toJson(counts[0]!, { alwaysEmitImplicit: true })).toMatchObject({ pending: 0, awaiting_review: 0, success: 0, review_denied: 0 });
    expect(equals(TaskStatusCountPerUserSchema, fromJson(TaskStatusCountPerUserSchema, toJson(counts[0]!)), counts[0]!)).toBe(true);
  });

  it("a status", () => {
    expect(toJson(task.status!)).toEqual({ code: "TASK_IN_PROGRESS", description: task.status!.description });
    const status = fromJson(StatusSchema, { code: "TASK_DONE", details: "d", req_id: "r1" });
    expect(toJson(status)).toEqual({ code: "TASK_DONE", details: "d", req_id: "r1" });
    expect(toJson(status, { enumAsInteger: true, useProtoFieldName: false })).toEqual({ code: StatusCode.TASK_DONE, details: "d", reqId: "r1" });
  });

  it("an error: its fields by name, nothing undefined, and the same through JSON.stringify", async () => {
    const e = await client.tasks.get("no-such-task").catch((x: unknown) => x);
    if (!(e instanceof NotFoundError)) throw e;
    const json = toJson(e) as Record<string, unknown>;
    expect(json).toMatchObject({ name: "NotFoundError", codeName: "TASK_MISSING", code: StatusCode.TASK_MISSING, method: "GetTask" });
    expect(json["reqId"]).toMatch(/^emulator-req-/);
    expect(Object.values(json)).not.toContain(undefined);
    expect(JSON.parse(toJsonString(e))).toEqual(json);
    expect(JSON.stringify(json)).not.toContain("log-pat");
    const invalid = await client.tasks.create({ sampleMs: -1 } as never).catch((x: unknown) => x);
    if (!(invalid instanceof ValidationError)) throw invalid;
    expect(toJson(invalid)).toMatchObject({ name: "ValidationError", codeName: "INVALID_ARGUMENT" });
  });

  it("anything else is a TypeError that says what it takes", () => {
    expect(() => toJson({ id: "t1" } as never)).toThrow(
      new TypeError(
        "toJson takes a message of clarifai-grpc-es (a Task, a Collector, a response …), an array of them or a ClarifaiError; got a plain object (build messages with create(Schema, init) or fromJson(Schema, json))",
      ),
    );
    expect(() => toJson(undefined as never)).toThrow(/got undefined$/);
    expect(() => toJson({ $typeName: "acme.Thing" } as never)).toThrow(
      new TypeError("toJson: acme.Thing is not a message of clarifai-grpc-es; use toJson(schema, message) of @bufbuild/protobuf"),
    );
  });
});
