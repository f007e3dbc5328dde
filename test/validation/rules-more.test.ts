// The edges of the smaller rule modules: each deprecated task field rewritten on its own, the parts
// normalizeTask leaves alone shared with the caller's task, paging values of the wrong type reported
// as such (not as out of range), ids of the wrong type not reported as duplicates, equal AI-assist
// thresholds, and the enum names messages use for enums declared outside any proto package.
import { create, createFileRegistry, equals, type DescEnum, type MessageInitShape } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, test } from "vitest";
import { type Task, TaskReviewManualStrategyInfoSchema, TaskSchema, UserSchema } from "../../gen/clarifai/api/resources_pb.js";
import { ListTasksRequestSchema } from "../../gen/clarifai/api/service_pb.js";
import { enumConstant } from "../../src/validation/enums.js";
import { deprecatedTaskFields, normalizeTask, validateCollectors, validateListParams, validateTask } from "../../src/validation/index.js";

const user = (id: string) => ({ worker: { case: "user" as const, value: { id } } });

/** A current-fields task with a worker, concepts and a consensus review; `extra` adds deprecated fields. */
function task(extra: Omit<MessageInitShape<typeof TaskSchema>, "$typeName"> = {}): Task {
  return create(TaskSchema, {
    type: 1,
    worker: { strategy: 3, workers: [user("u1")] },
    concepts: [{ concept: { id: "water" } }],
    inputSource: { type: 1 },
    review: { strategy: 3, users: [{ id: "r1" }], strategyInfo: { case: "consensusStrategyInfo", value: { approvalThresholdLabelers: 1 } } },
    ...extra,
  });
}

describe("normalizeTask, one deprecated field at a time", () => {
  test.each<[string, (t: Task) => void, (n: Task) => unknown, unknown]>([
    ["worker.users", (t) => (t.worker!.users = [create(UserSchema, { id: "u2" })]), (n) => n.worker!.workers.map((w) => w.worker.value?.id), ["u1", "u2"]],
    ["worker.userIds", (t) => (t.worker!.userIds = ["u2"]), (n) => n.worker!.workers.map((w) => w.worker.value?.id), ["u1", "u2"]],
    ["conceptIds", (t) => (t.conceptIds = ["fire"]), (n) => n.concepts.map((c) => c.concept?.id), ["water", "fire"]],
    ["review.userIds", (t) => (t.review!.userIds = ["r2"]), (n) => n.review!.users.map((u) => u.id), ["r1", "r2"]],
  ])("%s alone is moved onto its replacement, keeping what that already listed", (_field, deprecate, read, expected) => {
    const t = task();
    deprecate(t);
    const n = normalizeTask(t);
    expect(read(n)).toEqual(expected);
    expect(deprecatedTaskFields(n)).toEqual([]);
    expect(validateTask(n)).toEqual([]);
  });

  test("shares every part it leaves alone with the caller's task (only the changed paths are copied)", () => {
    const t = task({ aiAssistant: { workflowId: "assist" } });
    const n = normalizeTask(t);
    expect(n.aiAssistant?.workflow?.id).toBe("assist");
    expect(n.worker).toBe(t.worker);
    expect(n.concepts).toBe(t.concepts);
    expect(n.review!.users).toBe(t.review!.users);
    expect(n.review!.strategyInfo).toBe(t.review!.strategyInfo);
  });

  test("a review strategy other than consensus is kept as it is", () => {
    const t = task({ conceptIds: ["fire"] });
    t.review!.strategy = 2;
    t.review!.strategyInfo = { case: "manualStrategyInfo", value: create(TaskReviewManualStrategyInfoSchema, { samplePercentage: 0.5 }) };
    const n = normalizeTask(t);
    expect(n.review!.strategyInfo).toEqual({ case: "manualStrategyInfo", value: create(TaskReviewManualStrategyInfoSchema, { samplePercentage: 0.5 }) });
    expect(equals(TaskSchema, n, task({ review: t.review, concepts: [{ concept: { id: "water" } }, { concept: { id: "fire" } }] }))).toBe(true);
  });
});

describe("validateListParams, values of the wrong type", () => {
  test.each([
    ["strings", "0", "the string \"0\""],
    ["bigints", 0n, "the bigint 0n"],
  ])("%s are reported as not numbers, not as out of range", (_what, value, described) => {
    expect(validateListParams(ListTasksRequestSchema, { page: value, perPage: value } as never)).toEqual([
      { path: "page", message: `page must be a number (uint32); it is ${described}` },
      { path: "perPage", message: `perPage must be a number (uint32); it is ${described}` },
    ]);
  });
});

describe("validateCollectors", () => {
  test("ids that are not strings are reported as such, not as duplicates of each other", () => {
    const collector = (id: unknown) => ({ id, preQueueWorkflowId: "wf", collectorSource: { apiPostModelOutputsCollectorSource: { modelId: "m", postInputsKeyId: "k" } } });
    expect(validateCollectors([collector(5), collector(5)] as never)).toEqual([
      { path: "collectors[0].id", message: "id must be a string; it is the number 5" },
      { path: "collectors[1].id", message: "id must be a string; it is the number 5" },
    ]);
  });
});

describe("AI-assist thresholds", () => {
  test("a minimum equal to the maximum is allowed", () => {
    expect(validateTask(task({ aiAssistParams: { minThreshold: 0.5, maxThreshold: 0.5 } }))).toEqual([]);
  });
});

describe("enum names in messages", () => {
  // Enums of a file without a package: a caller's own schema may have them.
  const registry = createFileRegistry(
    create(FileDescriptorProtoSchema, {
      name: "no_package.proto",
      syntax: "proto3",
      enumType: [{ name: "Color", value: [{ name: "COLOR_UNSPECIFIED", number: 0 }] }],
      messageType: [{ name: "Paint", enumType: [{ name: "Finish", value: [{ name: "FINISH_UNSPECIFIED", number: 0 }] }] }],
    }),
    () => undefined,
  );
  test.each([
    ["Color", "Color"],
    ["Paint.Finish", "Paint_Finish"],
  ])("%s without a package is named %s", (typeName, constant) => {
    expect(enumConstant(registry.getEnum(typeName) as DescEnum)).toBe(constant);
  });
  test("an enum in a package is named without it", () => {
    expect(enumConstant(TaskSchema.field.type!.enum!)).toBe("Task_TaskType");
  });
});
