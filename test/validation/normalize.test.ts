import { create, equals, fromJson } from "@bufbuild/protobuf";
import { describe, expect, test } from "vitest";
import { TaskSchema, UserSchema } from "../../gen/clarifai/api/resources_pb.js";
import { deprecatedTaskFields, normalizeTask, validateTask } from "../../src/validation/index.js";

// Every deprecated field at once, written the old way (snake_case JSON, as old clients send it).
const oldStyle = () =>
  fromJson(TaskSchema, {
    type: "CONCEPTS_CLASSIFICATION",
    worker: { strategy: "FULL", users: [{ id: "u1" }], user_ids: ["u2"] },
    concept_ids: ["water"],
    input_source: { type: "ALL_INPUTS" },
    ai_assistant: { workflow_id: "assist" },
    review: { strategy: "CONSENSUS", user_ids: ["r1"], consensus_strategy_info: { approval_threshold: 2 } },
  });

const newStyle = () =>
  create(TaskSchema, {
    type: 1,
    worker: {
      strategy: 3,
      workers: ["u1", "u2"].map((id) => ({ worker: { case: "user" as const, value: { id } } })),
    },
    concepts: [{ concept: { id: "water" } }],
    inputSource: { type: 1 },
    aiAssistant: { workflow: { id: "assist" } },
    review: {
      strategy: 3,
      users: [{ id: "r1" }],
      strategyInfo: { case: "consensusStrategyInfo", value: { approvalThresholdLabelers: 2 } },
    },
  });

// The rules still hold for tasks written the old way when deprecated fields are accepted (the emulator).
const ACCEPT = { deprecated: "accept" } as const;

describe("deprecated fields", () => {
  test("deprecatedTaskFields names each one and what to use instead", () => {
    expect(deprecatedTaskFields(oldStyle())).toEqual([
      { path: "task.worker.users", message: 'worker.users is deprecated: list each worker in worker.workers as { worker: { case: "user", value: { id } } } (in REST JSON, { "user": { "id": … } })' },
      { path: "task.worker.userIds", message: 'worker.userIds is deprecated: list each worker in worker.workers as { worker: { case: "user", value: { id } } } (in REST JSON, { "user": { "id": … } })' },
      { path: "task.conceptIds", message: "conceptIds is deprecated: list each concept in concepts as { concept: { id } }" },
      { path: "task.review.userIds", message: "review.userIds is deprecated: list each reviewer in review.users as { id }" },
      {
        path: "task.review.consensusStrategyInfo.approvalThreshold",
        message:
          "consensusStrategyInfo.approvalThreshold is deprecated: use approvalThresholdLabelers (the number of labelers who must agree)",
      },
      { path: "task.aiAssistant.workflowId", message: "aiAssistant.workflowId is deprecated: use aiAssistant.workflow = { id }" },
    ]);
    expect(deprecatedTaskFields(newStyle())).toEqual([]);
  });

  test("reported by default, each with what to use instead", () => {
    expect(validateTask(oldStyle())).toEqual(deprecatedTaskFields(oldStyle()));
    expect(validateTask(newStyle())).toEqual([]);
  });

  test('{ deprecated: "accept" } reads them as their current equivalents (the emulator, like the API)', () => {
    expect(validateTask(oldStyle(), "task", { deprecated: "accept" })).toEqual([]);
  });

  test("normalizeTask leaves nothing for validation to report", () => {
    expect(validateTask(normalizeTask(oldStyle()))).toEqual([]);
  });

  test("rules apply to workers given the old way (duplicate in worker.users)", () => {
    const t = oldStyle();
    t.worker!.userIds = ["u1"];
    expect(validateTask(t, "task", ACCEPT)).toEqual([
      { path: "task.worker.userIds[0]", message: 'duplicate worker: user "u1" is already listed at task.worker.users[0]' },
    ]);
  });

  test("mixing a deprecated field with its replacement is an issue", () => {
    const t = newStyle();
    t.worker!.userIds = ["u3"];
    t.conceptIds = ["fire"];
    expect(validateTask(t, "task", ACCEPT).map((i) => i.path)).toEqual(["task.worker.userIds", "task.conceptIds"]);
  });
});

describe("normalizeTask", () => {
  test("returns a task without deprecated fields as it is (no copy), and copies one that has them", () => {
    const current = newStyle();
    expect(normalizeTask(current)).toBe(current);
    const old = oldStyle();
    expect(normalizeTask(old)).not.toBe(old);
  });

  test("rewrites every deprecated field onto the current one", () => {
    const n = normalizeTask(oldStyle());
    expect(equals(TaskSchema, n, newStyle())).toBe(true);
    expect(deprecatedTaskFields(n)).toEqual([]);
  });
  test("does not modify its input", () => {
    const t = oldStyle();
    normalizeTask(t);
    expect(equals(TaskSchema, t, oldStyle())).toBe(true);
  });
  test("leaves a current-fields task equal to itself", () => {
    expect(equals(TaskSchema, normalizeTask(newStyle()), newStyle())).toBe(true);
  });
  test("a task as the API answers it (every deprecated field repeating its replacement) is valid and comes out as the current task", () => {
    const read = newStyle();
    // Users in full, as GetTask with additional_fields "worker.users" fills them, in another order.
    read.worker!.users = [create(UserSchema, { id: "u2", firstName: "Two" }), create(UserSchema, { id: "u1" })];
    read.worker!.userIds = ["u1", "u2"];
    read.conceptIds = ["water"];
    read.review!.userIds = ["r1"];
    if (read.review?.strategyInfo.case !== "consensusStrategyInfo") throw new Error("fixture");
    read.review.strategyInfo.value.approvalThreshold = 2;
    read.aiAssistant!.workflowId = "assist";
    expect(validateTask(read, "task", ACCEPT)).toEqual([]);
    const n = normalizeTask(read);
    expect(equals(TaskSchema, n, newStyle())).toBe(true);
    expect(deprecatedTaskFields(n)).toEqual([]);
  });
  test("merges without duplicating ids already present", () => {
    const t = newStyle();
    t.worker!.userIds = ["u1", "u3"];
    t.conceptIds = ["water", "fire"];
    const n = normalizeTask(t);
    expect(n.worker!.workers.map((w) => w.worker.value?.id)).toEqual(["u1", "u2", "u3"]);
    expect(n.concepts.map((c) => c.concept?.id)).toEqual(["water", "fire"]);
  });
  test("a current approvalThresholdLabelers wins over the deprecated one", () => {
    const t = newStyle();
    if (t.review?.strategyInfo.case !== "consensusStrategyInfo") throw new Error("fixture");
    t.review.strategyInfo.value.approvalThreshold = 3;
    const n = normalizeTask(t);
    expect(n.review?.strategyInfo.value).toMatchObject({ approvalThresholdLabelers: 2, approvalThreshold: 0 });
  });
});
