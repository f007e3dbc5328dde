import { equals, toBinary, fromBinary } from "@bufbuild/protobuf";
import { describe, expect, test } from "vitest";
import {
  AnnotationDataType,
  TaskReview_TaskReviewStrategy,
  TaskSchema,
  TaskWorker_TaskWorkerStrategy,
} from "../../gen/clarifai/api/resources_pb.js";
import { StatusCode } from "../../gen/clarifai/api/status/status_code_pb.js";
import { ValidationError } from "../../src/errors.js";
import {
  annotationDataTypeNames,
  annotationDataTypes,
  autoAnnotationTask,
  collector,
  collectorPatch,
  labelingTask,
  type LabelingTaskSpec,
} from "../../src/builders/index.js";
import { deprecatedTaskFields } from "../../src/validation/index.js";
import { issuesOf } from "./issues-of.js";

const base: LabelingTaskSpec = {
  name: "Annotate water",
  type: "CONCEPTS_CLASSIFICATION",
  concepts: ["water"],
  workers: { strategy: "DYNAMIC", users: ["w1"] },
  inputSource: { type: "ALL_INPUTS" },
};

describe("annotationDataTypes", () => {
  test("is the bit OR of the named types", () => {
    expect(annotationDataTypes("MASK", "BOUNDING_BOX")).toBe(34);
    expect(annotationDataTypes("TAG")).toBe(1);
    expect(annotationDataTypes(AnnotationDataType.POLYGON, "POINT", "POINT")).toBe(12);
    expect(annotationDataTypes()).toBe(0);
  });
  test("names back from bits", () => {
    expect(annotationDataTypeNames(34)).toEqual(["BOUNDING_BOX", "MASK"]);
    expect(annotationDataTypeNames(0)).toEqual([]);
  });
  // Values that are not AnnotationDataTypes: annotation-data-types.test.ts.
});

describe("labelingTask", () => {
  test("fills the current fields and nothing deprecated", () => {
    const t = labelingTask({ ...base, review: { strategy: "CONSENSUS", approvalThresholdLabelers: 1 } });
    expect(t.$typeName).toBe("clarifai.api.Task");
    expect(t.worker?.strategy).toBe(TaskWorker_TaskWorkerStrategy.DYNAMIC);
    expect(t.worker?.workers[0]?.worker).toMatchObject({ case: "user", value: { id: "w1" } });
    expect(t.review?.strategyInfo).toMatchObject({ case: "consensusStrategyInfo", value: { approvalThresholdLabelers: 1, approvalThreshold: 0 } });
    expect(deprecatedTaskFields(t)).toEqual([]);
    // A real message: survives the wire.
    expect(equals(TaskSchema, fromBinary(TaskSchema, toBinary(TaskSchema, t)), t)).toBe(true);
  });
  test("review defaults to NONE; no status, id or metadata unless given", () => {
    const t = labelingTask(base);
    expect(t.review?.strategy).toBe(TaskReview_TaskReviewStrategy.NONE);
    expect(t.status).toBeUndefined();
    expect(t.id).toBe("");
    expect(t.metadata).toBeUndefined();
  });
  test("generated enum values work like names", () => {
    const byName = labelingTask(base);
    const byValue = labelingTask({
      ...base,
      type: 1,
      workers: { strategy: TaskWorker_TaskWorkerStrategy.DYNAMIC, users: ["w1"] },
      inputSource: { type: 1 },
      review: { strategy: TaskReview_TaskReviewStrategy.NONE },
    });
    expect(equals(TaskSchema, byName, byValue)).toBe(true);
  });
  test("optional fields: priority, description, metadata, deletePreviousAnnotations", () => {
    const meta = { team: "blue" };
    const t = labelingTask({ ...base, priority: "HIGH", description: "d", metadata: meta, deletePreviousAnnotations: true });
    expect(t).toMatchObject({ priority: 3, description: "d", metadata: { team: "blue" }, deletePreviousAnnotations: true });
    meta.team = "red";
    expect(t.metadata).toEqual({ team: "blue" });
  });
  test("weights are copied, not shared", () => {
    const weights = { u1: 1, u2: 1 };
    const t = labelingTask({
      ...base,
      workers: { strategy: "PARTITIONED", users: ["u1", "u2"], partition: { type: "WEIGHTED", workersPerInput: 2, weights } },
    });
    weights.u1 = 5;
    expect(t.worker?.strategyInfo.value?.weights).toEqual({ u1: 1, u2: 1 });
  });
  test("throws a ValidationError listing every issue with paths", () => {
    const issues = issuesOf(() =>
      labelingTask({
        ...base,
        concepts: ["water", ""],
        workers: {
          strategy: "PARTITIONED",
          users: ["u1", "u2", "u1"],
          partition: { type: "WEIGHTED", workersPerInput: 2, weights: { u1: 1, u9: 1 } },
        },
        inputSource: { type: "DATASET", id: "" },
        review: { strategy: "MANUAL", samplePercentage: 2, reviewers: ["r"] },
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      "task.worker.workers[2].user",
      "task.worker.partitionedStrategyInfo.weights.u9",
      "task.worker.partitionedStrategyInfo.weights.u2",
      "task.concepts[1].concept.id",
      "task.inputSource.id",
      "task.review.manualStrategyInfo.samplePercentage",
    ]);
  });
  test("the error is a ClarifaiError naming the issues", () => {
    try {
      labelingTask({ ...base, workers: { strategy: "DYNAMIC", users: [] } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect(String((e as Error).message)).toContain("task.worker.workers");
    }
  });
  test("a misspelled name from JavaScript becomes an issue, not a silent 0", () => {
    const issues = issuesOf(() => labelingTask({ ...base, workers: { strategy: "DYNAMC" as "DYNAMIC", users: ["w1"] } }));
    expect(issues[0]).toEqual({
      path: "task.worker.strategy",
      message: '"DYNAMC" is not a TaskWorkerStrategy (WORKER_STRATEGY_NOT_SET, PARTITIONED, FULL, DYNAMIC); did you mean "DYNAMIC"?',
    });
  });
  test("a number outside its enum is refused with the field's name (priority, status)", () => {
    expect(issuesOf(() => labelingTask({ ...base, priority: 9 as 3 }))).toEqual([
      { path: "task.priority", message: "priority 9 is not a TaskPriority (TASK_PRIORITY_NOT_SET, LOW, MEDIUM, HIGH)" },
    ]);
    expect(issuesOf(() => labelingTask({ ...base, status: 12345 as StatusCode }))).toEqual([
      { path: "task.status.code", message: "status code 12345 is not a StatusCode value (e.g. TASK_IN_PROGRESS = 54001, TASK_DONE = 54002)" },
    ]);
    expect(labelingTask({ ...base, priority: 3, status: StatusCode.TASK_DONE })).toMatchObject({ priority: 3, status: { code: StatusCode.TASK_DONE } });
  });
  test("a consensus review without threshold (JavaScript) is refused", () => {
    const issues = issuesOf(() => labelingTask({ ...base, review: { strategy: "CONSENSUS" } as unknown as LabelingTaskSpec["review"] }));
    expect(issues.map((i) => i.path)).toEqual(["task.review.consensusStrategyInfo.approvalThresholdLabelers"]);
  });
});

describe("autoAnnotationTask", () => {
  const spec = {
    name: "Auto",
    worker: { model: { id: "m", versionId: "v" } },
    concepts: [{ id: "water", annotationDataTypes: ["MASK", "BOUNDING_BOX"] as const }],
    inputSource: { type: "DATASET", id: "ds" },
  } as const;
  test("defaults: type TYPE_NOT_SET, strategy FULL, review NONE", () => {
    const t = autoAnnotationTask(spec);
    expect(t.type).toBe(0);
    expect(t.worker?.strategy).toBe(TaskWorker_TaskWorkerStrategy.FULL);
    expect(t.review?.strategy).toBe(TaskReview_TaskReviewStrategy.NONE);
    expect(t.concepts[0]?.autoAnnotationConfig?.annotationDataTypes).toBe(34);
    expect(t.concepts[0]?.autoAnnotationConfig?.thresholdRange).toBeUndefined();
  });
  test("threshold bounds are inclusive unless said otherwise", () => {
    const t = autoAnnotationTask({ ...spec, concepts: [{ id: "water", threshold: { lower: 0.2, upper: 0.8, upperInclusive: false } }] });
    expect(t.concepts[0]?.autoAnnotationConfig?.thresholdRange).toMatchObject({
      lower: 0.2,
      upper: 0.8,
      isLowerInclusive: true,
      isUpperInclusive: false,
    });
  });
  test("a concept with no settings has no autoAnnotationConfig", () => {
    expect(autoAnnotationTask({ ...spec, concepts: [{ id: "water" }] }).concepts[0]?.autoAnnotationConfig).toBeUndefined();
  });
  test("a workflow worker, with owner", () => {
    const t = autoAnnotationTask({ ...spec, worker: { workflow: { id: "wf", userId: "clarifai", appId: "main" } } });
    expect(t.worker?.workers[0]?.worker).toMatchObject({ case: "workflow", value: { id: "wf", userId: "clarifai", appId: "main" } });
  });
  test("bit sets as numbers are checked", () => {
    const issues = issuesOf(() => autoAnnotationTask({ ...spec, concepts: [{ id: "water", annotationDataTypes: 128 }] }));
    expect(issues.map((i) => i.path)).toEqual(["task.concepts[0].autoAnnotationConfig.annotationDataTypes"]);
  });
  test("a bad threshold and status are reported", () => {
    const issues = issuesOf(() =>
      autoAnnotationTask({
        ...spec,
        concepts: [{ id: "water", threshold: { lower: 0.9, upper: 0.1 }, statusCode: "NOPE" as "ANNOTATION_SUCCESS" }],
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      "task.concepts[0].autoAnnotationConfig.statusCode",
      "task.concepts[0].autoAnnotationConfig.thresholdRange",
    ]);
  });
});

describe("collector / collectorPatch", () => {
  const source = { modelId: "general", postInputsKeyId: "key" };
  test("only given fields are set", () => {
    const c = collector({ id: "c1", postQueueWorkflowId: "post", source });
    expect(c).toMatchObject({ id: "c1", preQueueWorkflowId: "", postQueueWorkflowId: "post", description: "" });
    expect(c.collectorSource?.apiPostModelOutputsCollectorSource).toMatchObject({ modelId: "general", postInputsKeyId: "key", modelUserId: "" });
  });
  test("throws with paths", () => {
    const issues = issuesOf(() => collector({ id: "", preQueueWorkflowId: "wf", preQueueRandomSample: 3, source: { modelId: "", postInputsKeyId: "k" } }));
    expect(issues.map((i) => i.path)).toEqual([
      "collector.id",
      "collector.preQueueRandomSample",
      "collector.collectorSource.apiPostModelOutputsCollectorSource.modelId",
    ]);
  });
  test("a patch needs only an id", () => {
    expect(collectorPatch({ id: "c1" }).collectorSource).toBeUndefined();
    expect(collectorPatch({ id: "c1" }).status).toBeUndefined();
    expect(issuesOf(() => collectorPatch({ id: "" })).map((i) => i.path)).toEqual(["collector.id"]);
  });
  test("paused pauses (COLLECTOR_INACTIVE) or resumes (COLLECTOR_ACTIVE); only a boolean says which", () => {
    expect(collectorPatch({ id: "c1", paused: true }).status?.code).toBe(StatusCode.COLLECTOR_INACTIVE);
    expect(collectorPatch({ id: "c1", paused: false }).status?.code).toBe(StatusCode.COLLECTOR_ACTIVE);
    const issues = issuesOf(() => collectorPatch({ id: "", paused: "no" as unknown as boolean }));
    expect(issues).toEqual([
      { path: "collector.id", message: expect.any(String) },
      { path: "collector.paused", message: 'paused must be true (pause) or false (resume), got the string "no"' },
    ]);
    // A bigint, which JSON cannot write, is named like the rest (it made a TypeError).
    expect(issuesOf(() => collectorPatch({ id: "c1", paused: 1n as unknown as boolean }))).toEqual([
      { path: "collector.paused", message: "paused must be true (pause) or false (resume), got the bigint 1n" },
    ]);
  });
});
