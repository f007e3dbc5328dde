// JSON: the REST bodies of the documentation parse with our `fromJson` into the same messages that the
// gRPC examples produce on the wire (built by the oracle's codec from the docs' Node request objects),
// and the numeric enum spellings (PHP, `status_code: 24150`) parse to the same messages as the names.
import { createRegistry, equals, fromBinary, fromJson, toBinary, toJson, type DescMessage, type Message } from "@bufbuild/protobuf";
import { describe, expect, test } from "vitest";
import { PatchTasksRequestSchema, PostTasksRequestSchema, file_clarifai_api_service } from "../../gen/clarifai/api/service_pb.js";
import { CONCEPT_ID, CONSENSUS_WEIGHTS, seedList, seeds, type SeedScenario } from "../fixtures/seeds.js";
import { upstreamRoot } from "../support/upstream.js";
import { toOracleObject } from "./oracle.js";

const registry = createRegistry(file_clarifai_api_service);
const root = upstreamRoot();

function schemaOf(s: SeedScenario): DescMessage {
  const schema = registry.getMessage(s.requestType);
  if (!schema) throw new Error(`no schema for ${s.requestType}`);
  return schema;
}

/**
 * What the docs' gRPC example puts on the wire, read by us: the Node request object → the oracle's
 * `fromObject` (Struct rewritten into protobufjs' shape) → upstream `encode` → our `fromBinary`.
 */
function viaOracle(s: SeedScenario): Message {
  const type = root.lookupType(s.requestType);
  const message = type.fromObject(toOracleObject(type, s.nodeRequest));
  expect(type.verify(message)).toBeNull();
  return fromBinary(schemaOf(s), type.encode(message).finish());
}

/**
 * Our JSON parse, normalised through binary. `fromJson` keeps a JSON number in a `float` field as the
 * double it read (0.7 stays 0.7); only encoding rounds it to float32 (0.699999988…), which is what the
 * binary path holds. A message is compared after that rounding, the one place both paths must agree.
 */
function viaJson(schema: DescMessage, json: SeedScenario["requestJson"]): Message {
  return fromBinary(schema, toBinary(schema, fromJson(schema, json)));
}

// The update is the one example whose REST body and gRPC examples are different requests (see below).
const sameRequestEverywhere = seedList.filter((s) => s.key !== "updateTask");

describe("REST JSON of the docs = the gRPC examples on the wire", () => {
  test.each(sameRequestEverywhere.map((s) => [s.key, s] as const))("%s", (_key, s) => {
    const schema = schemaOf(s);
    const fromRest = viaJson(schema, s.rest.body ?? s.requestJson);
    expect(equals(schema, fromRest, viaOracle(s))).toBe(true);
    // The REST body, when there is one, is the whole request the seeds describe.
    expect(equals(schema, fromRest, viaJson(schema, s.requestJson))).toBe(true);
  });

  test("the weights Struct arrives whole on both paths", () => {
    const s = seeds.consensusTask;
    for (const message of [viaJson(PostTasksRequestSchema, s.requestJson), viaOracle(s)]) {
      const req = message as ReturnType<typeof fromJson<typeof PostTasksRequestSchema>>;
      const info = req.tasks[0]!.worker!.strategyInfo;
      expect(info.case).toBe("partitionedStrategyInfo");
      expect(info.case === "partitionedStrategyInfo" && info.value.weights).toEqual(CONSENSUS_WEIGHTS);
    }
  });

  test("the docs' Node form handed to the official codec as is loses the weights (why our client takes plain objects)", () => {
    const s = seeds.consensusTask;
    const type = root.lookupType(s.requestType);
    const bytes = type.encode(type.fromObject(s.nodeRequest)).finish();
    const req = fromBinary(PostTasksRequestSchema, bytes);
    const info = req.tasks[0]!.worker!.strategyInfo;
    expect(info.case === "partitionedStrategyInfo" && info.value.weights).toEqual({});
  });

  test("float fields: fromJson keeps the JSON double until the message is encoded", () => {
    const s = seeds.autoAnnotationTask;
    const raw = fromJson(PostTasksRequestSchema, s.requestJson);
    const range = raw.tasks[0]!.concepts[0]!.autoAnnotationConfig!.thresholdRange!;
    expect(range.lower).toBe(0.7);
    const rounded = fromBinary(PostTasksRequestSchema, toBinary(PostTasksRequestSchema, raw));
    expect(rounded.tasks[0]!.concepts[0]!.autoAnnotationConfig!.thresholdRange!.lower).toBe(Math.fround(0.7));
    expect(equals(PostTasksRequestSchema, raw, rounded)).toBe(false);
  });

  test("update: the REST body sends deprecated concept_ids where Python, Java and PHP send concepts", () => {
    const s = seeds.updateTask;
    const rest = viaJson(PatchTasksRequestSchema, s.requestJson) as ReturnType<typeof fromJson<typeof PatchTasksRequestSchema>>;
    const grpc = viaOracle(s) as typeof rest;
    expect(rest.tasks[0]!.conceptIds).toEqual([CONCEPT_ID]);
    expect(rest.tasks[0]!.concepts).toEqual([]);
    expect(grpc.tasks[0]!.conceptIds).toEqual([]);
    expect(grpc.tasks[0]!.concepts.map((c) => c.concept?.id)).toEqual([CONCEPT_ID]);
    // Apart from that one field the two are the same request, deprecated worker.users included.
    rest.tasks[0]!.conceptIds = [];
    grpc.tasks[0]!.concepts = [];
    expect(equals(PatchTasksRequestSchema, rest, grpc)).toBe(true);
    expect(rest.tasks[0]!.worker!.users.map((u) => u.id)).toEqual(["worker-1", "worker-2", "worker-3"]);
    expect(rest.tasks[0]!.worker!.workers).toEqual([]);
  });
});

describe("numeric enum spellings", () => {
  const withVariants = seedList.flatMap((s) => s.jsonVariants.map((v) => [s.key, v.label, s, v.json] as const));

  test("the docs have numeric spellings to check", () => {
    // PHP for the three creates and the update, the status code name, and the paging strings.
    expect(withVariants.length).toBeGreaterThanOrEqual(7);
  });

  test.each(withVariants)("%s — %s", (_key, _label, s, json) => {
    const schema = schemaOf(s);
    expect(equals(schema, fromJson(schema, json), fromJson(schema, s.requestJson))).toBe(true);
  });

  test("status_code 24150 is ANNOTATION_SUCCESS and status.code 54002 is TASK_DONE", () => {
    const auto = fromJson(PostTasksRequestSchema, seeds.autoAnnotationTask.requestJson);
    const config = auto.tasks[0]!.concepts[0]!.autoAnnotationConfig!;
    expect(toJson(PostTasksRequestSchema, auto, { useProtoFieldName: true })).toMatchObject({
      tasks: [{ concepts: [{ auto_annotation_config: { status_code: "ANNOTATION_SUCCESS" } }] }],
    });
    expect(config.statusCode).toBe(24150);
    const update = fromJson(PatchTasksRequestSchema, seeds.updateTask.jsonVariants[0]!.json);
    expect(toJson(PatchTasksRequestSchema, update)).toMatchObject({ tasks: [{ status: { code: "TASK_DONE" } }] });
  });

  test("an enum number that upstream does not define is kept as a number, not mistaken for a name", () => {
    // Open (proto3) enums keep unknown values; a later upstream release may add strategies.
    const json = structuredClone(seeds.assignedTask.requestJson) as any;
    json.tasks[0].worker.strategy = 9;
    const req = fromJson(PostTasksRequestSchema, json);
    expect(req.tasks[0]!.worker!.strategy).toBe(9);
    expect(() => fromJson(PostTasksRequestSchema, { tasks: [{ worker: { strategy: "NOT_A_STRATEGY" } }] })).toThrow(/TaskWorkerStrategy/);
  });
});
