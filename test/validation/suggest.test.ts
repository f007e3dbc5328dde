// "Did you mean …?": which misspellings get the name most likely meant, and which get no guess — too far
// to be a typo, or as close to two names (a guess would be a coin toss). Seen where callers read it: the
// RangeError of enumValue, validation's unknown-field issues, and the CLI's refusal of an unknown JSON key.
import type { DescEnum } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import {
  AnnotationDataTypeSchema,
  Task_TaskPrioritySchema,
  Task_TaskType,
  TaskReview_TaskReviewStrategySchema,
  TaskSchema,
  TaskWorker_TaskWorkerStrategySchema,
  TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategySchema,
} from "../../gen/clarifai/api/resources_pb.js";
import { PostTasksRequestSchema } from "../../gen/clarifai/api/service_pb.js";
import { parseBody } from "../../src/cli/input.js";
import { enumValue, validateTask } from "../../src/validation/index.js";

/** What enumValue says to a name it does not know, after the list of the enum's names. */
const advice = (schema: DescEnum, name: string): string => {
  try {
    enumValue(schema as never, name as never);
  } catch (e) {
    return (e as Error).message.replace(/^.*? \([^)]*\)/, "");
  }
  throw new Error(`${name} was taken`);
};

describe("enum value names", () => {
  it("the whole message", () => {
    expect(() => enumValue(Task_TaskPrioritySchema, "LOX" as never)).toThrow(
      new RangeError('"LOX" is not a TaskPriority (TASK_PRIORITY_NOT_SET, LOW, MEDIUM, HIGH); did you mean "LOW"?'),
    );
  });

  // At most two edits, and at most one in three letters: one edit in a three-letter name, two in a six-letter one.
  it.each([
    ["one letter wrong in three", Task_TaskPrioritySchema, "LOX", "LOW"],
    ["one letter wrong in two: too short to tell", Task_TaskPrioritySchema, "LO", undefined],
    ["two letters missing from six", TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategySchema, "WEIGHT", "WEIGHTED"],
    ["two letters missing from four: too short", TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategySchema, "EVEN", undefined],
    ["three letters wrong, however long the name", TaskWorker_TaskWorkerStrategySchema, "PARTXXXONED", undefined],
    ["two letters wrong in three", Task_TaskPrioritySchema, "OXW", undefined],
    ["two letters wrong in three, one of them the next name's", AnnotationDataTypeSchema, "OTG", undefined],
    ["two letters wrong in three, one of them the last name's", AnnotationDataTypeSchema, "AGG", undefined],
    ["two letters wrong in three, the other way round", Task_TaskPrioritySchema, "XLW", undefined],
  ])("%s: %s", (_, schema, name, meant) => {
    expect(advice(schema, name)).toBe(meant === undefined ? "" : `; did you mean "${meant}"?`);
  });

  // A swap of neighbours ("FLUL") is one edit, the keyboard's commonest typo; in a short name a second
  // edit would be too many.
  it.each([
    [TaskWorker_TaskWorkerStrategySchema, "FLUL", "FULL"],
    [TaskReview_TaskReviewStrategySchema, "NOEN", "NONE"],
    [TaskWorkerPartitionedStrategyInfo_TaskWorkerPartitionedStrategySchema, "WEIHGTD", "WEIGHTED"],
  ])("a swap of neighbours is one edit: %s %s", (schema, name, meant) => {
    expect(advice(schema, name)).toBe(`; did you mean "${meant}"?`);
  });

  it("two swaps in a five-letter name are two edits: too many", () => {
    expect(advice(AnnotationDataTypeSchema, "OPITN")).toBe("");
  });

  it("case, _ and - do not count as edits", () => {
    expect(advice(TaskWorker_TaskWorkerStrategySchema, "dynamic")).toBe('; did you mean "DYNAMIC"?');
    expect(advice(TaskWorker_TaskWorkerStrategySchema, "Worker-Strategy-Not-Set")).toBe('; did you mean "WORKER_STRATEGY_NOT_SET"?');
  });
});

describe("field names", () => {
  const issues = (extra: object) =>
    validateTask({ type: Task_TaskType.CONCEPTS_CLASSIFICATION, worker: { strategy: 4, workers: [{ worker: { case: "user", value: { id: "w" } } }] }, aiAssistParams: {}, ...extra } as never).map(
      (i) => `${i.path}: ${i.message}`,
    );

  it("as close to two fields: no guess", () => {
    // mThreshold: minThreshold or maxThreshold?
    expect(issues({ aiAssistParams: { mThreshold: 0.5 } })).toEqual([
      'task.aiAssistParams.mThreshold: unknown field "mThreshold" in AiAssistParameters: AiAssistParameters has no such field, and it would be dropped before sending',
    ]);
    expect(issues({ aiAssistParams: { maxThreshhold: 0.5 } })).toEqual([
      'task.aiAssistParams.maxThreshhold: unknown field "maxThreshhold" in AiAssistParameters; did you mean maxThreshold?',
    ]);
  });

  it("a look-alike letter (Turkish dotless ı) is a typo, not another spelling of the name", () => {
    expect(issues({ ınputSource: { type: 1 } })).toEqual(['task["ınputSource"]: unknown field "ınputSource" in Task; did you mean inputSource?']);
  });

  it("JSON's two spellings of one field are one guess, not a tie (the CLI offers both)", () => {
    const refusal = (json: object) => {
      try {
        parseBody(JSON.stringify(json), "tasks.json", TaskSchema, PostTasksRequestSchema, "tasks");
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error("parsed");
    };
    expect(refusal({ input_sourc: { type: 1 } })).toBe(
      'tasks.json: cannot decode message clarifai.api.Task from JSON: key "input_sourc" is unknown; did you mean "input_source"?',
    );
    expect(refusal({ inputSourc: { type: 1 } })).toBe(
      'tasks.json: cannot decode message clarifai.api.Task from JSON: key "inputSourc" is unknown; did you mean "input_source"?',
    );
  });
});
